# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Checks of the client intake API requests. Imports nothing from Odoo.

The controller runs them in this order: body size, bearer token (and the
brute-force cooldown), JSON parsing, then field by field validation. Every
refusal is an :class:`IntakeError` carrying its HTTP status, the offending
``field`` (``None`` when it is not about one field) and a ``message`` meant
for the developer of the calling client (the API answers in English).
"""

import json
import math
import re

# Also this module's API: intake.clean_name, intake.is_valid_email...
from .wire_rules import clean_name, has_visible_text, is_valid_email, strip_bidi

MAX_BODY_BYTES = 512 * 1024
"""Largest request body accepted; ``json`` escapes non-ASCII text up to 6 bytes
a character, so a full-length description in any script still fits."""

REQUIRED_FIELDS = ("subject", "description", "requester_name", "requester_email")
OPTIONAL_FIELDS = ("owner_email", "owner_name", "client_ref")
FIELD_MAX_LENGTHS = {
    "subject": 200,
    "description": 50000,
    "requester_name": 128,
    "requester_email": 254,
    "owner_email": 254,
    "owner_name": 128,
    "client_ref": 64,
}
EMAIL_FIELDS = frozenset({"requester_email", "owner_email"})
# Names of people: they end up in mail headers (display names), see clean_name.
NAME_FIELDS = frozenset({"requester_name", "owner_name"})
MULTILINE_FIELDS = frozenset({"description"})
# The client's own reference: a random UUID4 from current clients, a record id
# (maybe sent as a number) from older ones.
INTEGER_FIELDS = frozenset({"client_ref"})
CLIENT_REF_RE = re.compile(r"[A-Za-z0-9_-]{1,64}")
# Fields that must say something a person can see (not only invisible characters).
VISIBLE_FIELDS = frozenset({"subject"})

AUTH_FAILURES_BEFORE_COOLDOWN = 5
AUTH_COOLDOWN_SECONDS = 60

BEARER_RE = re.compile(r"Bearer +([A-Za-z0-9._~+/-]+=*)", re.IGNORECASE)
# Control characters PostgreSQL refuses (NUL) or that have no place in a ticket.
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
WHITESPACE_RE = re.compile(r"\s+")
# Email addresses, bidi controls, invisible characters and the names rule
# are the wire rules (wire_rules.py), the same at both ends of the API.
# Kept in a stored name, but a mail client reading a header that the mail
# stack refolded without quotes shows them as address separators: folded into
# a space in the display name of a header (see header_display_name).
HEADER_NAME_SEPARATORS = re.compile("[,;:\uff0c\uff1b\uff1a\ufe50\ufe54\ufe55]")


class IntakeError(Exception):
    """A refused API request: HTTP ``status``, offending ``field``, ``message``."""

    status = 400

    def __init__(self, message, field=None):
        super().__init__(message)
        self.message = message
        self.field = field

    def as_dict(self):
        """The JSON body answered to the client."""
        return {"error": {"field": self.field, "message": self.message}}


class PayloadTooLarge(IntakeError):
    """The request body is larger than :data:`MAX_BODY_BYTES`."""

    status = 413


class Unauthorized(IntakeError):
    """Missing, malformed, unknown or inactive client key."""

    status = 401


class NotFound(IntakeError):
    """No such ticket for this client key."""

    status = 404


class Conflict(IntakeError):
    """The client reference is already used by a different ticket of the key."""

    status = 409


class TooManyAttempts(IntakeError):
    """Too many bad keys from one address; ``retry_after`` in seconds."""

    status = 429

    def __init__(self, message, retry_after):
        super().__init__(message)
        self.retry_after = retry_after


def check_body_size(length):
    """Raise :class:`PayloadTooLarge` when ``length`` bytes is over the limit."""
    if length is not None and length > MAX_BODY_BYTES:
        raise PayloadTooLarge("The request body is larger than %d bytes." % MAX_BODY_BYTES)


def parse_bearer(header):
    """Return the token of an ``Authorization: Bearer <token>`` header, or None."""
    if not header or not isinstance(header, str):
        return None
    match = BEARER_RE.fullmatch(header.strip())
    return match.group(1) if match else None


def cooldown_remaining(failures, last_failure, now, after=None, seconds=None):
    """Seconds left before an address with ``failures`` bad keys (the last one
    at ``last_failure``) may try again; 0 when it may try now. ``after`` = 0
    disables the cooldown."""
    after = AUTH_FAILURES_BEFORE_COOLDOWN if after is None else after
    seconds = AUTH_COOLDOWN_SECONDS if seconds is None else seconds
    if after <= 0 or failures < after or last_failure is None:
        return 0
    remaining = seconds - (now - last_failure).total_seconds()
    return max(0, math.ceil(remaining))


def parse_json(raw):
    """Decode a UTF-8 JSON object from the ``raw`` request body (bytes)."""
    check_body_size(len(raw))
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise IntakeError("The request body is not UTF-8 encoded.") from error
    except (ValueError, RecursionError) as error:
        raise IntakeError("The request body is not valid JSON.") from error
    if not isinstance(data, dict):
        raise IntakeError("The request body must be a JSON object.")
    return data


def check_text(name, value):
    """``value`` when it is valid Unicode text, else :class:`IntakeError` for ``name``."""
    if not isinstance(value, str):
        raise IntakeError("Must be a string.", field=name)
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as error:
        raise IntakeError("Must be valid Unicode text.", field=name) from error
    return value


def clean_text(name, value, multiline=False):
    """``value`` as text people typed: control and bidi characters removed,
    line breaks normalised (``multiline``) or runs of white space folded,
    stripped. Raises :class:`IntakeError` for ``name`` when it is not valid text."""
    value = strip_bidi(CONTROL_RE.sub("", check_text(name, value)))
    if multiline:
        return value.replace("\r\n", "\n").replace("\r", "\n").strip()
    return WHITESPACE_RE.sub(" ", value).strip()


def header_display_name(value):
    """The display name of an address in a mail header: :func:`clean_name`,
    and the separators of :data:`HEADER_NAME_SEPARATORS` folded into a space,
    so the header reads as one recipient even where it is written unquoted."""
    return clean_name(HEADER_NAME_SEPARATORS.sub(" ", clean_name(value)))


def clean_field(name, value):
    """Normalise one field's ``value``; None when it is absent or blank.

    Raises :class:`IntakeError` for ``name`` on a wrong type, a value that is
    not valid Unicode, a value too long or a bad email address.
    """
    if value is None:
        return None
    if name in INTEGER_FIELDS and isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if name in NAME_FIELDS:
        value = clean_name(check_text(name, value))
    else:
        value = clean_text(name, value, multiline=name in MULTILINE_FIELDS)
    if not value:
        return None
    if name in VISIBLE_FIELDS and not has_visible_text(value):
        raise IntakeError("Must contain visible text.", field=name)
    limit = FIELD_MAX_LENGTHS[name]
    if len(value) > limit:
        raise IntakeError("Must be at most %d characters long." % limit, field=name)
    if name in EMAIL_FIELDS:
        if not is_valid_email(value):
            raise IntakeError("Must be a valid email address.", field=name)
        value = value.lower()
    if name == "client_ref" and not CLIENT_REF_RE.fullmatch(value):
        raise IntakeError("Must be 1 to 64 letters, digits, '-' or '_' (e.g. a UUID).", field=name)
    return value


def validate_ticket_payload(data):
    """Return the normalised ticket payload of the decoded JSON ``data``.

    Every known field is in the result (optional ones may be None); unknown
    fields are ignored so newer clients keep working. The first invalid field,
    in :data:`REQUIRED_FIELDS` then :data:`OPTIONAL_FIELDS` order, raises.
    """
    if not isinstance(data, dict):
        raise IntakeError("The request body must be a JSON object.")
    payload = {}
    for name in REQUIRED_FIELDS + OPTIONAL_FIELDS:
        value = clean_field(name, data.get(name))
        if value is None and name in REQUIRED_FIELDS:
            raise IntakeError("This field is required.", field=name)
        payload[name] = value
    return payload
