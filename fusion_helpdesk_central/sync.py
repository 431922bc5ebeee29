# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Checks of the client sync API (updates feed and replies). Imports nothing from Odoo.

The feed's cursor is the sequence number of the last change a client has
received, wrapped in an opaque, versioned string so that its shape can change
without breaking clients that only store it and send it back. Refusals are
:class:`~fusion_helpdesk_central.intake.IntakeError` like the intake's, so the
controller answers them the same way.
"""

import math
import re

from .intake import (
    IntakeError,
    TooManyAttempts,
    check_text,
    clean_name,
    clean_text,
    is_valid_email,
    validate_attachments,
)

CURSOR_PREFIX = "c1."
# The change log's ids are PostgreSQL integers; a client cannot be further.
MAX_SEQUENCE = 2**31 - 1
DEFAULT_PAGE_SIZE = 200
# Days the change log and the reply receipts are kept (system parameter
# ``fusion_helpdesk_central.sync_retention_days``; 0 keeps them for good).
DEFAULT_RETENTION_DAYS = 30
MAX_PAGE_SIZE = 1000

REPLY_MAX_LENGTHS = {
    "body": 20000,
    "author_name": 128,
    "author_email": 254,
}
REPLY_REQUIRED_FIELDS = ("body", "author_name", "author_email")
IDEMPOTENCY_KEY_RE = re.compile(r"[A-Za-z0-9_-]{8,64}")

# Replies a client key may post per window: each one may email the engineer.
REPLY_RATE_LIMIT = 10
REPLY_RATE_SECONDS = 60


def encode_cursor(sequence):
    """The opaque cursor handed to a client that has seen changes up to ``sequence``."""
    return "%s%d" % (CURSOR_PREFIX, sequence)


def decode_cursor(value):
    """The change sequence of a cursor from :func:`encode_cursor`; 0 when absent.

    Raises :class:`IntakeError` (field ``after``) for anything else.
    """
    if value is None or value == "":
        return 0
    if not isinstance(value, str) or not value.startswith(CURSOR_PREFIX):
        raise IntakeError("Unknown cursor: send back the cursor of a previous answer.", "after")
    digits = value[len(CURSOR_PREFIX) :]
    if not digits.isascii() or not digits.isdigit() or len(digits) > 10:
        raise IntakeError("Unknown cursor: send back the cursor of a previous answer.", "after")
    sequence = int(digits)
    if sequence > MAX_SEQUENCE:
        raise IntakeError("Unknown cursor: send back the cursor of a previous answer.", "after")
    return sequence


def parse_page_size(value):
    """The number of changes per page asked with ``limit``; the default when absent."""
    if value is None or value == "":
        return DEFAULT_PAGE_SIZE
    if not isinstance(value, str) or not value.isascii() or not value.isdigit():
        raise IntakeError("Must be a whole number.", "limit")
    size = int(value)
    if not 1 <= size <= MAX_PAGE_SIZE:
        raise IntakeError("Must be between 1 and %d." % MAX_PAGE_SIZE, "limit")
    return size


def _clean_reply_field(name, value):
    if value is None:
        return None
    if name == "author_name":
        value = clean_name(check_text(name, value))
    else:
        value = clean_text(name, value, multiline=name == "body")
    if not value:
        return None
    limit = REPLY_MAX_LENGTHS[name]
    if len(value) > limit:
        raise IntakeError("Must be at most %d characters long." % limit, field=name)
    return value


def validate_reply_payload(data):
    """Return the normalised reply payload of the decoded JSON ``data``.

    Keys: ``body`` (plain text), ``author_name`` (cleaned by the names
    rule), ``author_email`` (lower case) and ``idempotency_key`` (None when
    absent), ``attachments`` (see ``intake.validate_attachments``). The first
    invalid field raises :class:`IntakeError`; unknown fields are ignored. The
    author fields are checked as the contract says, but never decide who
    authors the reply on central (the ticket's requester).
    """
    if not isinstance(data, dict):
        raise IntakeError("The request body must be a JSON object.")
    payload = {}
    for name in REPLY_REQUIRED_FIELDS:
        value = _clean_reply_field(name, data.get(name))
        if value is None:
            raise IntakeError("This field is required.", field=name)
        payload[name] = value
    if not is_valid_email(payload["author_email"]):
        raise IntakeError("Must be a valid email address.", field="author_email")
    payload["author_email"] = payload["author_email"].lower()
    key = data.get("idempotency_key")
    if key is not None and (not isinstance(key, str) or not IDEMPOTENCY_KEY_RE.fullmatch(key)):
        raise IntakeError("Must be 8 to 64 letters, digits, '-' or '_'.", field="idempotency_key")
    payload["idempotency_key"] = key
    payload["attachments"] = validate_attachments(data.get("attachments"))
    return payload


def reply_retry_after(count, window_start, now, limit=None, seconds=None):
    """Seconds a client key must wait when this is its ``count``-th reply of
    the window opened at ``window_start``; 0 when it may post now. ``limit``
    0 disables the limit."""
    limit = REPLY_RATE_LIMIT if limit is None else limit
    seconds = REPLY_RATE_SECONDS if seconds is None else seconds
    if limit <= 0 or count <= limit:
        return 0
    return max(1, math.ceil(seconds - (now - window_start).total_seconds()))


def check_reply_rate(count, window_start, now, limit=None, seconds=None):
    """Raise :class:`~fusion_helpdesk_central.intake.TooManyAttempts` (429 with
    ``Retry-After``) when :func:`reply_retry_after` says to wait."""
    retry_after = reply_retry_after(count, window_start, now, limit, seconds)
    if retry_after:
        raise TooManyAttempts(
            "Too many replies from this client key, retry later.", retry_after=retry_after
        )
