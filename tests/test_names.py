# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Layer 1: a name is not a header. One table of hostile names, run against
central's rule (``intake.clean_name``) and the client's (``central_client.clean_name``):
both must give the same line, and that line, as the display name of an
address, must never yield a second recipient."""

import re
from email.utils import formataddr, getaddresses

import pytest

from fusion_helpdesk import central_client
from fusion_helpdesk import wire_rules as client_rules
from fusion_helpdesk_central import intake, sync
from fusion_helpdesk_central import wire_rules as central_rules

ATTACKER = "attacker@evil.example"
OWNER = "owner@acme.example.com"

# (what was typed, what is kept)
HOSTILE_NAMES = [
    ("Olivia Owner\r," + ATTACKER, "Olivia Owner ,attacker evil.example"),
    ("Olivia Owner\n," + ATTACKER, "Olivia Owner ,attacker evil.example"),
    ("Olivia Owner\r\nBcc: " + ATTACKER, "Olivia Owner Bcc: attacker evil.example"),
    ("Olivia\x85," + ATTACKER, "Olivia ,attacker evil.example"),
    ("Olivia\u2028," + ATTACKER, "Olivia ,attacker evil.example"),
    ("Olivia\u2029," + ATTACKER, "Olivia ,attacker evil.example"),
    ("Olivia\x00," + ATTACKER, "Olivia ,attacker evil.example"),
    ("Olivia\x1c\x1d\x1e\x1f\x7f\x9bOwner", "Olivia Owner"),
    ("Olivia\x0b\x0c\tOwner", "Olivia Owner"),
    ('Olivia" <' + ATTACKER + '>, "x', "Olivia attacker evil.example , x"),
    ("Olivia <" + ATTACKER + ">", "Olivia attacker evil.example"),
    ("Olivia;" + ATTACKER, "Olivia;attacker evil.example"),
    ('Olivia\\",' + ATTACKER, "Olivia ,attacker evil.example"),
    ("Olivia \uff1cattacker\uff20evil.example\uff1e", "Olivia attacker evil.example"),
    ("Olivia \ufe64attacker\ufe6bevil.example\ufe65 \uff02", "Olivia attacker evil.example"),
    ("Olivia \u202eeyolpmE\u202c\u200f", "Olivia eyolpmE"),
    ("Olivia\u00a0\u3000Owner", "Olivia Owner"),
    ("\r\n\t \x00", ""),
    ('<>@"', ""),
]
# Not even text: a lone surrogate (dropped by the rule; refused by the API as
# not being valid Unicode, like any other field).
SURROGATE = ("Olivia \ud800Owner", "Olivia Owner")
# Names people really have: kept as typed (spaces folded).
PLAIN_NAMES = [
    ("Smith, John", "Smith, John"),
    ("O'Brien (Acme EU)", "O'Brien (Acme EU)"),
    ("  Zoë   Ünal  ", "Zoë Ünal"),
    ("محمد\u200cرضا", "محمد\u200cرضا"),
    ("Dr. Jane Doe; CTO", "Dr. Jane Doe; CTO"),
]
RULES = [
    pytest.param(intake.clean_name, id="central"),
    pytest.param(central_client.clean_name, id="client"),
]
# Anything a parser could take for an address, anywhere in a header.
ADDRESS_LIKE = re.compile(r"\S+@\S+")


@pytest.mark.parametrize("rule", RULES)
@pytest.mark.parametrize(("typed", "kept"), [*HOSTILE_NAMES, SURROGATE, *PLAIN_NAMES])
def test_both_rules_fold_every_hostile_name_the_same_way(rule, typed, kept):
    assert rule(typed) == kept


@pytest.mark.parametrize("rule", RULES)
@pytest.mark.parametrize("typed", [typed for typed, __ in HOSTILE_NAMES])
def test_a_cleaned_name_never_adds_a_recipient(rule, typed):
    name = rule(typed)
    header = formataddr((name, OWNER))
    assert getaddresses([header]) == [(name, OWNER)]
    assert ADDRESS_LIKE.findall(name) == []
    assert name == " ".join(name.split())
    assert all(char.isprintable() for char in name)


@pytest.mark.parametrize("rule", RULES)
@pytest.mark.parametrize("value", [None, 42, b"Olivia", ["Olivia"], False])
def test_no_text_is_no_name(rule, value):
    assert rule(value) == ""


def test_the_two_rules_share_their_definition():
    assert central_rules.NAME_FOLDED_CHARS == client_rules.NAME_FOLDED_CHARS
    assert central_rules.NAME_FOLDED_CATEGORIES == client_rules.NAME_FOLDED_CATEGORIES


# ------------------------------------------------------------- where names are written
def _intake(**changes):
    data = {
        "subject": "Printer on fire",
        "description": "Smoke.",
        "requester_name": "Jane Doe",
        "requester_email": "jane@acme.example.com",
        **changes,
    }
    return intake.validate_ticket_payload(data)


@pytest.mark.parametrize(("typed", "kept"), HOSTILE_NAMES[:-2])
def test_intake_cleans_the_requester_and_owner_names(typed, kept):
    result = _intake(requester_name=typed, owner_name=typed, owner_email=OWNER)
    assert (result["requester_name"], result["owner_name"]) == (kept, kept)


@pytest.mark.parametrize("typed", ["\r\n", '<>"@'])
def test_intake_refuses_a_requester_name_that_is_only_syntax(typed):
    with pytest.raises(intake.IntakeError) as info:
        _intake(requester_name=typed)
    assert info.value.field == "requester_name"
    # An owner name of nothing is no owner name (the key keeps its own).
    assert _intake(owner_name=typed)["owner_name"] is None


def test_intake_name_too_long_is_measured_after_cleaning():
    assert _intake(requester_name="a\r\n" * 64)["requester_name"] == " ".join(["a"] * 64)
    with pytest.raises(intake.IntakeError) as info:
        _intake(requester_name="abc " * 43)
    assert info.value.field == "requester_name"


def test_reply_author_name_follows_the_rule():
    payload = sync.validate_reply_payload(
        {"body": "Hi", "author_name": "Olivia\r," + ATTACKER, "author_email": "e@acme.example.com"}
    )
    assert payload["author_name"] == "Olivia ,attacker evil.example"
    with pytest.raises(intake.IntakeError) as info:
        sync.validate_reply_payload(
            {"body": "Hi", "author_name": "\r\n<>", "author_email": "e@acme.example.com"}
        )
    assert info.value.field == "author_name"


@pytest.mark.parametrize(("typed", "kept"), HOSTILE_NAMES[:-2])
def test_client_payloads_carry_cleaned_names(typed, kept):
    ticket = central_client.build_ticket_payload(
        "Printer", "Smoke.", typed, "erin@acme.example.com", "ref-1", OWNER, typed
    )
    assert (ticket["requester_name"], ticket["owner_name"]) == (kept, kept)
    reply = central_client.build_message_payload("Hi", typed, "erin@acme.example.com")
    assert reply["author_name"] == kept


def test_client_payload_leaves_out_an_owner_name_of_nothing():
    ticket = central_client.build_ticket_payload(
        "Printer", "Smoke.", "Erin", "erin@acme.example.com", "ref-1", OWNER, "\r\n<>"
    )
    assert "owner_name" not in ticket


@pytest.mark.parametrize(
    "value, expected",
    [
        ("Smith, John", "Smith John"),
        (
            "Olivia Bennett\r\n,maria.manager@provider.example.com\u2028<x@y.z>",
            "Olivia Bennett maria.manager provider.example.com x y.z",
        ),
        ("Dan Delegate Bcc: a@evil.example; b\uff0cc", "Dan Delegate Bcc a evil.example b c"),
        (None, ""),
    ],
)
def test_a_header_display_name_has_no_address_separator(value, expected):
    assert intake.header_display_name(value) == expected
