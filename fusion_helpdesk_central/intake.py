# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Checks of the client intake API requests. Imports nothing from Odoo.

The controller runs them in this order: body size, bearer token (and the
brute-force cooldown), JSON parsing, then field by field validation. Every
refusal is an :class:`IntakeError` carrying its HTTP status, the offending
``field`` (``None`` when it is not about one field) and a ``message`` meant
for the developer of the calling client (the API answers in English).
"""

import base64
import binascii
import io
import json
import math
import re

from PIL import Image

# Also this module's API: intake.clean_name, intake.is_valid_email...
from .wire_rules import clean_name, has_visible_text, is_valid_email, strip_bidi

MAX_BODY_BYTES = 512 * 1024
"""Largest request body accepted; ``json`` escapes non-ASCII text up to 6 bytes
a character, so a full-length description in any script still fits."""

# Files an employee attaches to a ticket or a reply (``attachments`` of the
# intake and reply bodies): how many, how large each, how large in all.
ATTACHMENT_MAX_COUNT = 5
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
ATTACHMENT_MAX_TOTAL_BYTES = 20 * 1024 * 1024
ATTACHMENT_NAME_MAX_LENGTH = 128
# Pixels of an image (width × height, read from its header): the server
# decodes an image to fit it in 1920 px, so a small file of many pixels (an
# "image bomb") would cost gigabytes. 25 Mpx holds a 6000 × 4000 photo and a
# 5K screenshot.
ATTACHMENT_MAX_PIXELS = 25_000_000
# Scans of a JPEG (start-of-scan markers): decoding costs time for each, and a
# small file can hold hundreds of thousands (attacker run 5: 125 KB, 21 s). A
# progressive JPEG from a camera or an editor has about ten.
ATTACHMENT_MAX_JPEG_SCANS = 64
JPEG_START_OF_SCAN = b"\xff\xda"
# Room in a body for the JSON around each file (its name and mimetype).
ATTACHMENT_ENVELOPE_BYTES = 1024
MAX_BODY_BYTES_WITH_ATTACHMENTS = (
    MAX_BODY_BYTES
    + 4 * math.ceil(ATTACHMENT_MAX_TOTAL_BYTES / 3)
    + ATTACHMENT_MAX_COUNT * ATTACHMENT_ENVELOPE_BYTES
)
"""Largest body of a request that may carry attachments (base64 in the JSON):
read only once the client key is known."""
# The only types taken, by what the content is (sniffed), each with the
# mimetypes a client may declare for it and the file name endings it may have.
# Never HTML, SVG, XML or anything else a browser would run or render as a page.
ATTACHMENT_TYPES = {
    "image/png": ({"image/png"}, (".png",)),
    "image/jpeg": ({"image/jpeg", "image/jpg", "image/pjpeg"}, (".jpg", ".jpeg")),
    "image/gif": ({"image/gif"}, (".gif",)),
    "image/webp": ({"image/webp"}, (".webp",)),
    "application/pdf": ({"application/pdf"}, (".pdf",)),
    "text/plain": (
        {"text/plain", "text/x-log", "text/csv", "application/octet-stream"},
        (".txt", ".log", ".csv", ".out", ".err"),
    ),
}
# What a browser's content sniffing (WHATWG MIME Sniffing, "identifying a
# resource with an unknown MIME type") takes for a page, and XML documents
# (SVG among them): a text file that starts like one is refused.
MARKUP_SIGNATURES = (
    b"<!doctype html",
    b"<html",
    b"<head",
    b"<script",
    b"<iframe",
    b"<h1",
    b"<div",
    b"<font",
    b"<table",
    b"<a",
    b"<style",
    b"<title",
    b"<b",
    b"<body",
    b"<br",
    b"<p",
    b"<!--",
    b"<?xml",
    b"<svg",
    b"<math",
    b"<object",
    b"<embed",
    b"<meta",
    b"<link",
    b"<form",
    b"<img",
)
# A tag name ends at white space, ">" or "/" (or the end of what was read).
MARKUP_TAG_END = frozenset(b" \t\n\x0c\r>/")
TEXT_CONTROL_RE = re.compile(rb"[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f\x7f]")

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


class UnsupportedMediaType(IntakeError):
    """An attachment whose type is not one of :data:`ATTACHMENT_TYPES`."""

    status = 415


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


def check_body_size(length, limit=MAX_BODY_BYTES):
    """Raise :class:`PayloadTooLarge` when ``length`` bytes is over ``limit``."""
    if length is not None and length > limit:
        raise PayloadTooLarge("The request body is larger than %d bytes." % limit)


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


def parse_json(raw, limit=MAX_BODY_BYTES):
    """Decode a UTF-8 JSON object from the ``raw`` request body (bytes)."""
    check_body_size(len(raw), limit)
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
    in :data:`REQUIRED_FIELDS` then :data:`OPTIONAL_FIELDS` order, raises;
    then the files of ``attachments`` (see :func:`validate_attachments`).
    """
    if not isinstance(data, dict):
        raise IntakeError("The request body must be a JSON object.")
    payload = {}
    for name in REQUIRED_FIELDS + OPTIONAL_FIELDS:
        value = clean_field(name, data.get(name))
        if value is None and name in REQUIRED_FIELDS:
            raise IntakeError("This field is required.", field=name)
        payload[name] = value
    payload["attachments"] = validate_attachments(data.get("attachments"))
    return payload


# --------------------------------------------------------------------------- attachments
def megabytes(size):
    """``size`` bytes as people read it in a message ("10 MB")."""
    return "%g MB" % round(size / (1024 * 1024), 1)


def sniff_mimetype(raw):
    """The type of the bytes ``raw`` among :data:`ATTACHMENT_TYPES`, judged by
    their content alone; None for anything else (markup included)."""
    if raw.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if raw.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if raw.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if len(raw) >= 12 and raw.startswith(b"RIFF") and raw[8:12] == b"WEBP":
        return "image/webp"
    if raw.startswith(b"%PDF-"):
        return "application/pdf"
    if is_plain_text(raw):
        return "text/plain"
    return None


def looks_like_markup(raw):
    """Whether a browser sniffing ``raw`` could take it for HTML or XML: it
    starts (after white space and a byte order mark) with a tag of
    :data:`MARKUP_SIGNATURES`, whatever the case."""
    head = raw[:1024]
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    head = head.lstrip(b" \t\n\x0c\r").lower()
    for signature in MARKUP_SIGNATURES:
        if head.startswith(signature):
            rest = head[len(signature) : len(signature) + 1]
            if signature in (b"<!--", b"<?xml") or not rest or rest[0] in MARKUP_TAG_END:
                return True
    return False


def is_plain_text(raw):
    """Whether ``raw`` is UTF-8 text a person reads (a log): no NUL or other
    binary control bytes, and nothing a browser would render as a page."""
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return not TEXT_CONTROL_RE.search(raw) and not looks_like_markup(raw)


def clean_attachment_name(value):
    """The file name of an attachment: its last path component, control and
    bidi characters removed (they hide an extension), white space folded;
    raises :class:`IntakeError` when nothing is left or it is too long."""
    value = check_text("attachments", value)
    value = value.replace("\\", "/").rpartition("/")[2]
    value = WHITESPACE_RE.sub(" ", strip_bidi(CONTROL_RE.sub("", value))).strip()
    value = value.lstrip(".").strip()
    if not value or not has_visible_text(value):
        raise IntakeError("Every file needs a name.", field="attachments")
    if len(value) > ATTACHMENT_NAME_MAX_LENGTH:
        raise IntakeError(
            "A file name is at most %d characters long." % ATTACHMENT_NAME_MAX_LENGTH,
            field="attachments",
        )
    return value


def check_attachment_type(name, declared, raw):
    """The mimetype to store an attachment with: the type its content is,
    when the declared ``mimetype`` and the name's ending agree with it;
    raises :class:`UnsupportedMediaType` otherwise."""
    if declared is not None and not isinstance(declared, str):
        raise IntakeError("%s: the mimetype must be a text." % name, field="attachments")
    declared = (declared or "").split(";")[0].strip().lower()
    sniffed = sniff_mimetype(raw)
    refused = UnsupportedMediaType(
        "%s: only images (PNG, JPEG, GIF, WebP), PDF and text files (.txt, .log, .csv) "
        "are accepted." % name,
        field="attachments",
    )
    if sniffed is None:
        raise refused
    declared_types, endings = ATTACHMENT_TYPES[sniffed]
    if declared not in declared_types or not name.lower().endswith(endings):
        raise refused
    return sniffed


def _decode_attachment_data(name, data):
    if not isinstance(data, str):
        raise IntakeError("%s: the content must be a base64 string." % name, field="attachments")
    # Refused before decoding: the encoded size says the decoded one.
    if len(data) > 4 * math.ceil(ATTACHMENT_MAX_BYTES / 3) + 4:
        raise attachment_too_large(name)
    try:
        raw = base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError) as error:
        raise IntakeError(
            "%s: the content is not valid base64." % name, field="attachments"
        ) from error
    if len(raw) > ATTACHMENT_MAX_BYTES:
        raise attachment_too_large(name)
    if not raw:
        raise IntakeError("%s is empty." % name, field="attachments")
    return raw


def attachment_too_large(name):
    """The refusal of a file over :data:`ATTACHMENT_MAX_BYTES`."""
    return PayloadTooLarge(
        "%s is larger than %s: each file may be at most %s."
        % (name, megabytes(ATTACHMENT_MAX_BYTES), megabytes(ATTACHMENT_MAX_BYTES)),
        field="attachments",
    )


def validate_attachments(value):
    """The files of a request's ``attachments`` (absent: none), each as
    ``{"name", "mimetype", "raw"}`` with the mimetype it is stored with.

    Refusals: too many files or too large (:class:`PayloadTooLarge`, 413), a
    type that is not one of :data:`ATTACHMENT_TYPES` by both its declared
    mimetype and its content (:class:`UnsupportedMediaType`, 415), anything
    malformed (:class:`IntakeError`, 400). All with ``field`` ``attachments``.
    """
    if value is None:
        return []
    if not isinstance(value, list):
        raise IntakeError("Must be a list of files.", field="attachments")
    if len(value) > ATTACHMENT_MAX_COUNT:
        raise PayloadTooLarge(
            "%d files were sent: at most %d files may be attached at once."
            % (len(value), ATTACHMENT_MAX_COUNT),
            field="attachments",
        )
    files, total = [], 0
    for item in value:
        if not isinstance(item, dict):
            raise IntakeError("Every file must be a JSON object.", field="attachments")
        name = clean_attachment_name(item.get("name"))
        raw = _decode_attachment_data(name, item.get("data"))
        total += len(raw)
        if total > ATTACHMENT_MAX_TOTAL_BYTES:
            raise PayloadTooLarge(
                "The files are larger than %s in all." % megabytes(ATTACHMENT_MAX_TOTAL_BYTES),
                field="attachments",
            )
        mimetype = check_attachment_type(name, item.get("mimetype"), raw)
        if mimetype.startswith("image/"):
            check_image_pixels(name, raw)
        if mimetype == "image/jpeg":
            check_jpeg_scans(name, raw)
        files.append({"name": name, "mimetype": mimetype, "raw": raw})
    return files


def image_pixels(raw):
    """Width × height of the image ``raw`` read from its header (nothing is
    decoded), or None when its header cannot be read (then nothing can
    decode it either)."""
    try:
        with Image.open(io.BytesIO(raw)) as image:
            width, height = image.size
    except Image.DecompressionBombError:
        return math.inf
    except (OSError, ValueError, SyntaxError):
        return None
    return width * height


def check_image_pixels(name, raw):
    """Refuse (413) an image of more than :data:`ATTACHMENT_MAX_PIXELS`."""
    pixels = image_pixels(raw)
    if pixels is not None and pixels > ATTACHMENT_MAX_PIXELS:
        raise PayloadTooLarge(
            "%s has too many pixels: an image may have at most %d megapixels."
            % (name, ATTACHMENT_MAX_PIXELS // 1_000_000),
            field="attachments",
        )


def check_jpeg_scans(name, raw):
    """Refuse (415) a JPEG of more than :data:`ATTACHMENT_MAX_JPEG_SCANS` scans.
    A marker byte pair cannot occur inside a JPEG's coded data (an 0xFF there is
    followed by 0x00), so counting it counts the scans (and an embedded
    thumbnail's)."""
    scans = raw.count(JPEG_START_OF_SCAN)
    if scans > ATTACHMENT_MAX_JPEG_SCANS:
        raise UnsupportedMediaType(
            "%s is a JPEG of %d scans (at most %d are taken): save it again as a "
            "standard JPEG or a PNG." % (name, scans, ATTACHMENT_MAX_JPEG_SCANS),
            field="attachments",
        )
