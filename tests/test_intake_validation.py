# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Layer 1: what the intake API accepts and refuses, without Odoo."""

import json
from datetime import datetime, timedelta

import pytest

from fusion_helpdesk_central import intake

GOOD = {
    "subject": "Printer on fire",
    "description": "It started smoking\nafter the update.",
    "requester_name": "Jane Doe",
    "requester_email": "jane@acme.example.com",
}


def payload(**changes):
    data = dict(GOOD)
    for name, value in changes.items():
        if value is KeyError:
            data.pop(name, None)
        else:
            data[name] = value
    return data


def refusal(data):
    with pytest.raises(intake.IntakeError) as info:
        intake.validate_ticket_payload(data)
    return info.value


# --------------------------------------------------------------------------- payload
def test_good_payload_is_normalised():
    result = intake.validate_ticket_payload(
        payload(
            subject="  Printer\ton   fire \n",
            description="\r\n  Line one\r\nLine two\rLine three  \n",
            requester_name=" Jane\nDoe ",
            requester_email=" Jane.Doe@ACME.example.com ",
            owner_email="Olivia@Acme.example.com",
            owner_name="Olivia  Owner",
            client_ref=42,
            unknown_field="ignored",
        )
    )
    assert result == {
        "subject": "Printer on fire",
        "description": "Line one\nLine two\nLine three",
        "requester_name": "Jane Doe",
        "requester_email": "jane.doe@acme.example.com",
        "owner_email": "olivia@acme.example.com",
        "owner_name": "Olivia Owner",
        "client_ref": "42",
        "attachments": [],
    }


def test_optional_fields_absent_null_or_blank_are_none():
    for blank in (KeyError, None, "", "   "):
        result = intake.validate_ticket_payload(
            payload(owner_email=blank, owner_name=blank, client_ref=blank)
        )
        assert result["owner_email"] is None
        assert result["owner_name"] is None
        assert result["client_ref"] is None
        assert result["subject"] == GOOD["subject"]


def test_control_characters_are_dropped_but_newlines_kept_in_description():
    result = intake.validate_ticket_payload(
        payload(subject="Nul\x00 byte\x07", description="a\x00b\n\tc\x1b")
    )
    assert result["subject"] == "Nul byte"
    assert result["description"] == "ab\n\tc"


BAD_REF = "Must be 1 to 64 letters, digits, '-' or '_' (e.g. a UUID)."
INVISIBLE = "Must contain visible text."
TOO_LONG = {name: "x" * (limit + 1) for name, limit in intake.FIELD_MAX_LENGTHS.items()}
TOO_LONG["requester_email"] = "a" * 60 + "@" + "b" * 200 + ".com"
TOO_LONG["owner_email"] = TOO_LONG["requester_email"]


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"subject": KeyError}, "subject", "This field is required."),
        ({"subject": None}, "subject", "This field is required."),
        ({"subject": "  \n "}, "subject", "This field is required."),
        ({"subject": 12}, "subject", "Must be a string."),
        ({"subject": ["a"]}, "subject", "Must be a string."),
        ({"subject": "\ud800 lone surrogate"}, "subject", "Must be valid Unicode text."),
        ({"subject": TOO_LONG["subject"]}, "subject", "Must be at most 200 characters long."),
        ({"description": KeyError}, "description", "This field is required."),
        ({"description": ""}, "description", "This field is required."),
        ({"description": {"text": "x"}}, "description", "Must be a string."),
        (
            {"description": TOO_LONG["description"]},
            "description",
            "Must be at most 50000 characters long.",
        ),
        ({"requester_name": KeyError}, "requester_name", "This field is required."),
        ({"requester_name": True}, "requester_name", "Must be a string."),
        (
            {"requester_name": TOO_LONG["requester_name"]},
            "requester_name",
            "Must be at most 128 characters long.",
        ),
        ({"requester_email": KeyError}, "requester_email", "This field is required."),
        ({"requester_email": "jane"}, "requester_email", "Must be a valid email address."),
        (
            {"requester_email": TOO_LONG["requester_email"]},
            "requester_email",
            "Must be at most 254 characters long.",
        ),
        ({"owner_email": "owner@"}, "owner_email", "Must be a valid email address."),
        ({"owner_email": 3}, "owner_email", "Must be a string."),
        ({"owner_name": ["Olivia"]}, "owner_name", "Must be a string."),
        (
            {"owner_name": TOO_LONG["owner_name"]},
            "owner_name",
            "Must be at most 128 characters long.",
        ),
        ({"client_ref": True}, "client_ref", "Must be a string."),
        ({"client_ref": 1.5}, "client_ref", "Must be a string."),
        ({"client_ref": "a b"}, "client_ref", BAD_REF),
        ({"client_ref": "42/../7"}, "client_ref", BAD_REF),
        ({"client_ref": "ré"}, "client_ref", BAD_REF),
        ({"subject": "\u200b\u200d\ufeff"}, "subject", INVISIBLE),
        ({"subject": "\u202e \u3164\u2800"}, "subject", INVISIBLE),
        ({"subject": "\u2066\u2069"}, "subject", "This field is required."),
        (
            {"client_ref": TOO_LONG["client_ref"]},
            "client_ref",
            "Must be at most 64 characters long.",
        ),
    ],
)
def test_bad_field_is_named(changes, field, message):
    error = refusal(payload(**changes))
    assert (error.status, error.field, error.message) == (400, field, message)
    assert error.as_dict() == {"error": {"field": field, "message": message}}


def test_first_bad_field_in_declared_order_is_reported():
    error = refusal(payload(subject=None, requester_email="nope", owner_email="nope"))
    assert error.field == "subject"
    error = refusal(payload(requester_email="nope", owner_email="nope"))
    assert error.field == "requester_email"


def test_payload_must_be_an_object():
    for data in ([], "text", 3, None):
        error = refusal(data)
        assert error.field is None
        assert error.status == 400


# --------------------------------------------------------------------------- email
@pytest.mark.parametrize(
    "value",
    [
        "jane@acme.example.com",
        "j.o.d+tag@sub.acme.co",
        "o'brien@example.ie",
        "x@xn--80ak6aa92e.xn--p1ai",
        "a" * 64 + "@example.com",
    ],
)
def test_valid_email(value):
    assert intake.is_valid_email(value)


@pytest.mark.parametrize(
    "value",
    [
        "",
        "jane",
        "jane@",
        "@acme.com",
        "jane@acme",
        "jane@acme.c",
        "jane@@acme.com",
        "jane doe@acme.com",
        "Jane <jane@acme.com>",
        "jane@acme.com, eve@evil.com",
        "jane@acme.com\n",
        ".jane@acme.com",
        "jane.@acme.com",
        "jane..doe@acme.com",
        "jane@-acme.com",
        "jane@acme-.com",
        "jane@acme..com",
        "jané@acme.com",
        "a" * 65 + "@example.com",
        None,
        42,
    ],
)
def test_invalid_email(value):
    assert not intake.is_valid_email(value)


# --------------------------------------------------------------------------- body
def test_body_size_limit():
    intake.check_body_size(None)
    intake.check_body_size(intake.MAX_BODY_BYTES)
    with pytest.raises(intake.PayloadTooLarge) as info:
        intake.check_body_size(intake.MAX_BODY_BYTES + 1)
    assert info.value.status == 413
    assert info.value.field is None


def test_body_at_the_limit_parses_and_over_it_is_refused():
    filler = intake.MAX_BODY_BYTES - len(json.dumps({"pad": ""}))
    raw = json.dumps({"pad": "x" * filler}).encode()
    assert len(raw) == intake.MAX_BODY_BYTES
    assert intake.parse_json(raw) == {"pad": "x" * filler}
    with pytest.raises(intake.PayloadTooLarge):
        intake.parse_json(raw + b" ")


def test_longest_description_in_any_script_fits_the_body_limit():
    data = payload(description="\u0416" * intake.FIELD_MAX_LENGTHS["description"])
    raw = json.dumps(data).encode()  # ensure_ascii, as the client's `requests` sends it
    assert intake.validate_ticket_payload(intake.parse_json(raw))["description"]


@pytest.mark.parametrize(
    "raw, message",
    [
        (b"", "The request body is not valid JSON."),
        (b"subject=Printer", "The request body is not valid JSON."),
        (b'{"subject": "x",}', "The request body is not valid JSON."),
        (b"[" * 100000 + b"]" * 100000, "The request body is not valid JSON."),
        (b'{"subject": "\xff"}', "The request body is not UTF-8 encoded."),
        (b'["a list"]', "The request body must be a JSON object."),
        (b"null", "The request body must be a JSON object."),
    ],
)
def test_bad_body(raw, message):
    with pytest.raises(intake.IntakeError) as info:
        intake.parse_json(raw)
    assert (info.value.status, info.value.field, info.value.message) == (400, None, message)


def test_good_body_round_trip():
    raw = json.dumps(payload(client_ref="L-7")).encode()
    assert intake.validate_ticket_payload(intake.parse_json(raw))["client_ref"] == "L-7"


# --------------------------------------------------------------------------- auth
@pytest.mark.parametrize(
    "header, token",
    [
        ("Bearer abc-DEF_123", "abc-DEF_123"),
        ("bearer abc", "abc"),
        ("  Bearer   abc.def~g+h/i==  ", "abc.def~g+h/i=="),
        ("Bearer", None),
        ("Bearer ", None),
        ("Basic dXNlcjpwYXNz", None),
        ("abc", None),
        ("Bearer abc def", None),
        ("Bearer abc\ndef", None),
        ("Bearer ab\u00e7", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_bearer(header, token):
    assert intake.parse_bearer(header) == token


def test_cooldown_remaining():
    now = datetime(2026, 5, 27, 12, 0, 0)
    after, seconds = intake.AUTH_FAILURES_BEFORE_COOLDOWN, intake.AUTH_COOLDOWN_SECONDS
    last = now - timedelta(seconds=10)
    assert intake.cooldown_remaining(0, None, now) == 0
    assert intake.cooldown_remaining(after - 1, last, now) == 0
    assert intake.cooldown_remaining(after, last, now) == seconds - 10
    assert intake.cooldown_remaining(after + 7, last, now) == seconds - 10
    assert intake.cooldown_remaining(after, now - timedelta(seconds=9.5), now) == seconds - 9
    assert intake.cooldown_remaining(after, now - timedelta(seconds=seconds), now) == 0
    assert intake.cooldown_remaining(after, now - timedelta(hours=1), now) == 0
    assert intake.cooldown_remaining(3, last, now, after=3, seconds=30) == 20
    assert intake.cooldown_remaining(99, last, now, after=0, seconds=30) == 0


@pytest.mark.parametrize(
    "ref, expected",
    [
        ("9b2f6f0e-3c1d-4a5e-8f7a-0d9c2b1e4f6a", "9b2f6f0e-3c1d-4a5e-8f7a-0d9c2b1e4f6a"),
        (42, "42"),
        ("L_7", "L_7"),
        ("x" * 64, "x" * 64),
    ],
)
def test_client_ref_takes_uuids_and_old_integer_ids(ref, expected):
    assert intake.validate_ticket_payload(payload(client_ref=ref))["client_ref"] == expected


def test_bidi_controls_are_dropped_from_every_text_field():
    spoof = "Invoice \u202egpj.exe\u202c \u2066x\u2069 \u200e\u200f"
    result = intake.validate_ticket_payload(
        payload(
            subject=spoof,
            description="line\u202e one\nline two\u2067",
            requester_name="Jane\u202e Doe",
            owner_name="\u202dOlivia",
        )
    )
    assert result["subject"] == "Invoice gpj.exe x"
    assert result["description"] == "line one\nline two"
    assert result["requester_name"] == "Jane Doe"
    assert result["owner_name"] == "Olivia"


def test_visible_text_keeps_real_words_around_invisible_ones():
    assert intake.has_visible_text("\u200bHi\u200b")
    assert not intake.has_visible_text("\u200b \ufeff\u3164")
    assert intake.validate_ticket_payload(payload(subject="\u200bHi"))["subject"] == "\u200bHi"


def test_errors_carry_their_status():
    assert intake.Unauthorized("no").status == 401
    assert intake.Conflict("no", field="client_ref").status == 409
    assert intake.NotFound("no").status == 404
    error = intake.TooManyAttempts("slow down", retry_after=42)
    assert (error.status, error.retry_after, error.field) == (429, 42, None)
    assert error.as_dict() == {"error": {"field": None, "message": "slow down"}}
