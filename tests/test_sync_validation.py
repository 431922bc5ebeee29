# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Layer 1: the sync API's cursor, page size and reply checks, without Odoo."""

import datetime

import pytest

from fusion_helpdesk_central import intake, sync

GOOD_REPLY = {
    "body": "  It happens again\r\nsince this morning.  ",
    "author_name": " Erin\tEmployee ",
    "author_email": "Erin@Acme.example.com",
}


def reply(**changes):
    data = dict(GOOD_REPLY)
    for name, value in changes.items():
        if value is KeyError:
            data.pop(name, None)
        else:
            data[name] = value
    return data


def refusal(function, value):
    with pytest.raises(intake.IntakeError) as info:
        function(value)
    assert info.value.status == 400
    return info.value


# --------------------------------------------------------------------------- cursor
@pytest.mark.parametrize("sequence", [0, 1, 42, sync.MAX_SEQUENCE])
def test_cursor_round_trip(sequence):
    cursor = sync.encode_cursor(sequence)
    assert isinstance(cursor, str)
    assert sync.decode_cursor(cursor) == sequence


@pytest.mark.parametrize("absent", [None, ""])
def test_no_cursor_means_from_the_beginning(absent):
    assert sync.decode_cursor(absent) == 0


@pytest.mark.parametrize(
    "bad",
    [
        "42",
        "c2.42",
        "c1.",
        "c1.-1",
        "c1.4 2",
        "c1.٤٢",  # Arabic-Indic digits: isdigit() but not ASCII
        "c1.12345678901",
        "c1.%d" % (sync.MAX_SEQUENCE + 1),
        42,
        ["c1.1"],
    ],
)
def test_bad_cursors_are_refused_on_the_after_field(bad):
    assert refusal(sync.decode_cursor, bad).field == "after"


# --------------------------------------------------------------------------- page size
def test_page_size_defaults_and_bounds():
    assert sync.parse_page_size(None) == sync.DEFAULT_PAGE_SIZE
    assert sync.parse_page_size("") == sync.DEFAULT_PAGE_SIZE
    assert sync.parse_page_size("1") == 1
    assert sync.parse_page_size(str(sync.MAX_PAGE_SIZE)) == sync.MAX_PAGE_SIZE


@pytest.mark.parametrize("bad", ["0", str(sync.MAX_PAGE_SIZE + 1), "-5", "ten", "٣", 5])
def test_bad_page_sizes_are_refused_on_the_limit_field(bad):
    assert refusal(sync.parse_page_size, bad).field == "limit"


# --------------------------------------------------------------------------- replies
def test_good_reply_is_normalised():
    assert sync.validate_reply_payload(reply()) == {
        "body": "It happens again\nsince this morning.",
        "author_name": "Erin Employee",
        "author_email": "erin@acme.example.com",
        "idempotency_key": None,
        "attachments": [],
    }


def test_reply_keeps_a_good_idempotency_key_and_ignores_unknown_fields():
    key = "3f2a9c1e-55aa-4b7e-9d10-0c8e2f6b7a41"
    result = sync.validate_reply_payload(reply(idempotency_key=key, extra="ignored"))
    assert result["idempotency_key"] == key
    assert "extra" not in result


def test_reply_body_control_characters_are_dropped_and_html_kept_as_text():
    result = sync.validate_reply_payload(reply(body="<b>bold</b>\x00\x07 & more"))
    assert result["body"] == "<b>bold</b> & more"


@pytest.mark.parametrize(
    "field, value",
    [
        ("body", KeyError),
        ("body", "   \n  "),
        ("body", 12),
        ("body", "x" * (sync.REPLY_MAX_LENGTHS["body"] + 1)),
        ("body", "bad \udc80 surrogate"),
        ("author_name", KeyError),
        ("author_name", "x" * 129),
        ("author_email", KeyError),
        ("author_email", "not an email"),
        ("author_email", "a" * 65 + "@acme.example.com"),
        ("idempotency_key", "short"),
        ("idempotency_key", "x" * 65),
        ("idempotency_key", "has spaces in it"),
        ("idempotency_key", 12345678),
    ],
)
def test_bad_replies_are_refused_on_their_field(field, value):
    assert refusal(sync.validate_reply_payload, reply(**{field: value})).field == field


def test_reply_must_be_an_object():
    assert refusal(sync.validate_reply_payload, ["body"]).field is None


def test_reply_body_at_the_limit_is_accepted():
    body = "x" * sync.REPLY_MAX_LENGTHS["body"]
    assert sync.validate_reply_payload(reply(body=body))["body"] == body


def test_reply_names_and_body_lose_bidi_controls_like_the_intake():
    """One rule for text people typed: a reply cannot spoof names with U+202E either."""
    payload = sync.validate_reply_payload(
        reply(author_name="Erin \u202eeyolpmE", body="Look \u2066here\u2069 please")
    )
    assert payload["author_name"] == "Erin eyolpmE"
    assert payload["body"] == "Look here please"


# ------------------------------------------------------------ reply rate limit
def test_replies_within_the_limit_may_go():
    start = datetime.datetime(2026, 1, 1, 12, 0, 0)
    assert sync.reply_retry_after(1, start, start) == 0
    assert sync.reply_retry_after(sync.REPLY_RATE_LIMIT, start, start) == 0
    sync.check_reply_rate(3, start, start, limit=3, seconds=60)


def test_a_reply_over_the_limit_waits_for_the_end_of_the_window():
    start = datetime.datetime(2026, 1, 1, 12, 0, 0)
    now = start + datetime.timedelta(seconds=14.5)
    assert sync.reply_retry_after(sync.REPLY_RATE_LIMIT + 1, start, now) == 46
    with pytest.raises(intake.TooManyAttempts) as info:
        sync.check_reply_rate(4, start, now, limit=3, seconds=20)
    assert info.value.status == 429
    assert info.value.retry_after == 6
    # Never "retry in 0 seconds", even at the very end of the window.
    assert sync.reply_retry_after(4, start, start + datetime.timedelta(seconds=20), 3, 20) == 1


def test_a_zero_limit_disables_the_rate_limit():
    start = datetime.datetime(2026, 1, 1, 12, 0, 0)
    assert sync.reply_retry_after(1000, start, start, limit=0, seconds=60) == 0
