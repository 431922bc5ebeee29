# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Layer 1: one set of wire rules at both ends of the client API. The table of
``wire_rules_cases.py`` runs against central's and the client's copies of
``wire_rules.py`` and against what each side calls (central's intake, the
client's ``central_client``); the two copies are one file."""

from pathlib import Path

import pytest
import wire_rules_cases as cases

from fusion_helpdesk import central_client
from fusion_helpdesk import wire_rules as client_rules
from fusion_helpdesk_central import intake
from fusion_helpdesk_central import wire_rules as central_rules

ROOT = Path(__file__).resolve().parent.parent
COPIES = [
    pytest.param(central_rules, id="central"),
    pytest.param(client_rules, id="client"),
]


def test_both_addons_keep_the_same_file():
    central = (ROOT / "fusion_helpdesk_central" / "wire_rules.py").read_bytes()
    client = (ROOT / "fusion_helpdesk" / "wire_rules.py").read_bytes()
    assert central == client, "change fusion_helpdesk_central/wire_rules.py and its copy together"


@pytest.mark.parametrize("rules", COPIES)
@pytest.mark.parametrize(("value", "valid"), cases.EMAILS)
def test_email_addresses(rules, value, valid):
    assert rules.is_valid_email(value) is valid


@pytest.mark.parametrize(("value", "valid"), cases.EMAILS)
def test_both_sides_accept_the_same_addresses(value, valid):
    assert intake.is_valid_email(value) is valid
    assert central_client.is_valid_email(value) is valid


@pytest.mark.parametrize("rules", COPIES)
@pytest.mark.parametrize(("text", "visible"), cases.VISIBLE)
def test_visible_text(rules, text, visible):
    assert rules.has_visible_text(text) is visible


@pytest.mark.parametrize(("text", "visible"), cases.VISIBLE)
def test_both_sides_see_the_same_blank_texts(text, visible):
    """A subject the client lets through is one central takes, and the reverse."""
    assert central_client.is_blank(text) is not visible
    assert intake.has_visible_text(text) is visible


@pytest.mark.parametrize("rules", COPIES)
@pytest.mark.parametrize(("text", "expected"), cases.BIDI)
def test_bidi_controls_and_marks(rules, text, expected):
    assert rules.strip_bidi(text) == expected


@pytest.mark.parametrize(("text", "expected"), cases.BIDI)
def test_both_sides_keep_the_same_subject(text, expected):
    """The client's local subject is the one central stores."""
    assert central_client.clean_subject(text) == expected
    assert intake.clean_text("subject", text) == expected


@pytest.mark.parametrize("rules", COPIES)
@pytest.mark.parametrize(("typed", "kept"), cases.NAMES)
def test_names(rules, typed, kept):
    assert rules.clean_name(typed) == kept
