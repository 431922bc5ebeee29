# Copyright 2026 Fusion Helpdesk
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Pure-Python client of the central API. Imports nothing from Odoo.

Every call takes the central base URL and the client key explicitly, uses
short timeouts, never follows redirects (a redirected POST would lose its
body, and the key must only ever go to the configured host) and turns every
failure into a :class:`CentralError` subclass. The Odoo layer maps those to
translated messages; the English ``str()`` of each error is the fallback.
The client key is sent in the ``Authorization`` header only: it never
appears in a log line, an exception message or a ``repr``.
"""

import base64
import logging
import math
import re
import unicodedata
import uuid
from urllib.parse import urlencode, urlsplit

import requests
from lxml import etree
from lxml import html as lxml_html

# Also this module's API: the models check addresses with central_client.
from .wire_rules import (  # noqa: F401  # pylint: disable=unused-import
    BIDI_CONTROLS,
    clean_name,
    has_visible_text,
    is_valid_email,
    strip_bidi,
)

_logger = logging.getLogger(__name__)

API_PREFIX = "/fusion_helpdesk_central/api/v1"
# Seconds for the connection and for each read: an employee is waiting on the
# other end. A single number, not a (connect, read) pair: Odoo's test harness
# compares the timeout with a number, and a pair would raise there.
DEFAULT_TIMEOUT = 10
DECISION_STATES = ("approved", "rejected", "changes_requested")
ENGAGEMENT_STATES = ("none", "pending", "approved", "rejected", "changes_requested", "expired")

# Email addresses, bidi controls, invisible characters and the names rule
# are the wire rules (wire_rules.py), the same at both ends of the API.
# Central's intake limits for the owner (it refuses anything longer).
OWNER_NAME_MAX_LENGTH = 128
# What central accepts as a client reference (a UUID4 string here).
CLIENT_REF_RE = re.compile(r"[A-Za-z0-9_-]{1,64}")

# Files an employee may attach to a ticket or a reply: central's limits (its
# ``intake`` module), checked here first so that a refusal comes before the
# upload. Central checks them again, and its answer is the one that counts.
ATTACHMENT_MAX_COUNT = 5
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
ATTACHMENT_MAX_TOTAL_BYTES = 20 * 1024 * 1024
# By name only here; central also checks what the content is.
ATTACHMENT_EXTENSIONS = (
    ".png",
    ".jpg",
    ".jpeg",
    ".gif",
    ".webp",
    ".pdf",
    ".txt",
    ".log",
    ".csv",
)
# The types central serves a file as; anything else is saved as bytes.
ATTACHMENT_MIMETYPES = frozenset(
    {"image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf", "text/plain"}
)


# --------------------------------------------------------------------------- errors
class CentralError(Exception):
    """Central did not take the request; ``str()`` is a sentence for a person."""


class CentralNotConfigured(CentralError):
    """Something needed before calling central is missing or malformed.

    ``setting`` names it: ``"central_url"``, ``"client_key"`` or ``"central_id"``.
    """

    def __init__(self, message, setting):
        super().__init__(message)
        self.setting = setting


class CentralUnreachable(CentralError):
    """Central could not be reached, timed out or is temporarily failing (5xx).

    Transient: sending the same request again later may work.
    """


class CentralNotApiAnswer(CentralUnreachable):
    """Something answered an error ``status`` that central's API did not give.

    An HTML 404 or 403 from an Odoo that could not reach its database, a
    proxy's error page, a body that is not the API's JSON error: none of them
    is a decision about this request, so it stays transient (retried), never
    a final refusal. A wrong URL also ends here: the settings' connection test
    says so.
    """

    def __init__(self, message, status):
        super().__init__(message)
        self.status = status


class CentralBadResponse(CentralError):
    """Central answered something this client does not understand."""


class CentralRefused(CentralError):
    """Central's API understood the request and refused it (4xx, with its own
    JSON error body ``{"error": {"field", "message"}}``): the only final answer.

    ``status`` is the HTTP status, ``field`` the offending payload field when
    central names one, ``message`` central's own explanation and
    ``retry_after`` the seconds to wait on a 429 (``None`` when unknown).
    """

    def __init__(self, status, message, field=None, retry_after=None):
        super().__init__(message)
        self.status = status
        self.field = field
        self.message = message
        self.retry_after = retry_after


class CentralConflict(CentralRefused):
    """Central already has a different ticket under this client reference (409).

    Sending the same body again can only get the same answer: the ticket
    must go as a new one (with a new reference).
    """


# --------------------------------------------------------------------------- payload
def attachment_problem(files):
    """Why central would refuse ``files`` (``[(name, size), ...]``), as
    ``(reason, detail)``: ``("count", number of files)``, ``("size", name)``,
    ``("total", None)`` or ``("type", name)``; None when they may be sent."""
    if len(files) > ATTACHMENT_MAX_COUNT:
        return "count", len(files)
    total = 0
    for name, size in files:
        if not (name or "").lower().endswith(ATTACHMENT_EXTENSIONS):
            return "type", name
        if size > ATTACHMENT_MAX_BYTES:
            return "size", name
        total += size
    if total > ATTACHMENT_MAX_TOTAL_BYTES:
        return "total", None
    return None


def build_attachments_payload(files):
    """The ``attachments`` of a JSON body: ``files`` as ``[{"name", "mimetype",
    "raw"}]`` (raw bytes) become ``[{"name", "mimetype", "data"}]`` in base64."""
    return [
        {
            "name": file["name"],
            "mimetype": file.get("mimetype") or "application/octet-stream",
            "data": base64.b64encode(file["raw"]).decode("ascii"),
        }
        for file in files
    ]


def build_ticket_payload(
    subject,
    description,
    requester_name,
    requester_email,
    client_ref,
    owner_email=None,
    owner_name=None,
    attachments=None,
):
    """Return the intake JSON body; owner fields and files only when they are set."""
    payload = {
        "subject": clean_subject(subject),
        "description": description or "",
        "requester_name": clean_name(requester_name),
        "requester_email": requester_email or "",
        "client_ref": str(client_ref),
    }
    if attachments:
        payload["attachments"] = build_attachments_payload(attachments)
    # Piggybacked on every ticket so central keeps the key's owner fresh.
    if owner_email and owner_email.strip():
        payload["owner_email"] = owner_email.strip()
    owner_name = clean_name(owner_name)
    if owner_name:
        payload["owner_name"] = owner_name
    return payload


def new_client_ref():
    """Return a fresh client reference: random, so unique across databases and copies."""
    return str(uuid.uuid4())


def clean_subject(subject):
    """Return ``subject`` without bidi controls and marks and without
    surrounding spaces (the wire rules: central keeps the same text)."""
    return strip_bidi(subject or "").strip()


def is_blank(text):
    """Whether ``text`` shows nothing: only spaces and invisible characters."""
    return not has_visible_text(text)


def is_plausible_key(key):
    """Whether ``key`` (stripped) could be a client key: printable ASCII, no space."""
    return bool(key) and key.isascii() and key.isprintable() and " " not in key


# --------------------------------------------------------------------------- calls
def is_encrypted(base_url):
    """Whether requests to ``base_url`` are encrypted (https, or this very machine)."""
    parts = urlsplit((base_url or "").strip())
    return parts.scheme == "https" or parts.hostname in ("localhost", "127.0.0.1", "::1")


def submit_ticket(base_url, key, payload, timeout=DEFAULT_TIMEOUT):
    """Create a ticket on central; return ``{"id": int, "number": str}``."""
    data = _request("POST", base_url, key, "/tickets", json=payload, timeout=timeout)
    if (
        not isinstance(data, dict)
        or not _is_int(data.get("id"))
        or not isinstance(data.get("number"), str)
    ):
        raise CentralBadResponse(
            "The helpdesk server accepted the ticket but did not return its number."
        )
    return {"id": data["id"], "number": data["number"]}


def fetch_messages(base_url, key, central_id, timeout=DEFAULT_TIMEOUT):
    """Return the public thread of a central ticket: ``{"ticket": {...}, "messages": [...]}``."""
    if not _is_int(central_id) or central_id <= 0:
        raise CentralNotConfigured(
            "This ticket has no number on the helpdesk server yet.", "central_id"
        )
    data = _request("GET", base_url, key, "/tickets/%d/messages" % central_id, timeout=timeout)
    if not isinstance(data, dict) or not isinstance(data.get("messages"), list):
        raise CentralBadResponse("The helpdesk server sent a conversation it could not read.")
    ticket = data.get("ticket") if isinstance(data.get("ticket"), dict) else {}
    return {
        "ticket": _clean_ticket(ticket),
        "messages": [_clean_message(message) for message in data["messages"]],
    }


def fetch_updates(base_url, key, after=None, limit=None, timeout=DEFAULT_TIMEOUT):
    """Return one page of central's updates feed after the cursor ``after``.

    The answer is ``{"cursor": str, "more": bool, "tickets": [...]}``, each
    ticket ``{"id", "number", "name", "stage", "engagement_state",
    "engagement", "messages"}`` with only its new public messages
    (``engagement``: see :func:`_clean_engagement`; None from a central that
    does not send it). Keep ``cursor`` once the
    page is stored and ask again while ``more`` is true.
    """
    params = {}
    if after:
        params["after"] = after
    if limit:
        params["limit"] = int(limit)
    path = "/updates" + ("?" + urlencode(params) if params else "")
    data = _request("GET", base_url, key, path, timeout=timeout)
    if (
        not isinstance(data, dict)
        or not isinstance(data.get("cursor"), str)
        or not data["cursor"]
        or not isinstance(data.get("tickets"), list)
    ):
        raise CentralBadResponse("The helpdesk server sent updates it could not read.")
    tickets = []
    for ticket in data["tickets"]:
        if (
            not isinstance(ticket, dict)
            or not _is_int(ticket.get("id"))
            or not isinstance(ticket.get("messages"), list)
        ):
            raise CentralBadResponse("The helpdesk server sent updates it could not read.")
        tickets.append(
            {
                **_clean_ticket(ticket),
                "messages": [_clean_message(message) for message in ticket["messages"]],
            }
        )
    return {
        "cursor": data["cursor"],
        "more": data.get("more") is True,
        "tickets": tickets,
        # Central no longer has every change after our cursor: fetch each
        # ticket in full, then read on from ``cursor``.
        "resync": data.get("resync") is True,
    }


def build_message_payload(body, author_name, author_email, idempotency_key=None, attachments=None):
    """Return the JSON body of an employee's reply; the key makes a retry safe."""
    payload = {
        "body": body or "",
        "author_name": clean_name(author_name),
        "author_email": author_email or "",
    }
    if idempotency_key:
        payload["idempotency_key"] = idempotency_key
    if attachments:
        payload["attachments"] = build_attachments_payload(attachments)
    return payload


def fetch_attachment(base_url, key, central_id, attachment_id, timeout=DEFAULT_TIMEOUT):
    """Download a file of a central ticket's public thread; return its bytes.

    Central answers 404 for any file that is not one of this key's tickets'
    public messages."""
    if not _is_int(central_id) or central_id <= 0:
        raise CentralNotConfigured(
            "This ticket has no number on the helpdesk server yet.", "central_id"
        )
    if not _is_int(attachment_id) or attachment_id <= 0:
        raise CentralRefused(404, "The helpdesk server does not know this file.")
    response = _send(
        "GET",
        base_url,
        key,
        "/tickets/%d/attachments/%d" % (central_id, attachment_id),
        timeout=timeout,
    )
    if 200 <= response.status_code < 300:
        if len(response.content) > ATTACHMENT_MAX_BYTES:
            raise CentralBadResponse("The helpdesk server sent a file larger than any it takes.")
        return response.content
    return _decode(response)


def post_message(base_url, key, central_id, payload, timeout=DEFAULT_TIMEOUT):
    """Add a reply to a central ticket; return ``{"id": int}`` (central's message id).

    Sending the same ``idempotency_key`` again returns the first message.
    """
    if not _is_int(central_id) or central_id <= 0:
        raise CentralNotConfigured(
            "This ticket has no number on the helpdesk server yet.", "central_id"
        )
    data = _request(
        "POST", base_url, key, "/tickets/%d/messages" % central_id, json=payload, timeout=timeout
    )
    if not isinstance(data, dict) or not _is_int(data.get("id")):
        raise CentralBadResponse(
            "The helpdesk server accepted the reply but did not say which message it is."
        )
    return {"id": data["id"]}


def put_policy(base_url, key, payload, timeout=DEFAULT_TIMEOUT):
    """Send the client's standing policy (budget, deputy, absence); return it
    as central stored it (a dict). A 400 names the refused field."""
    data = _request("PUT", base_url, key, "/policy", json=payload, timeout=timeout)
    if not isinstance(data, dict) or "budget_monthly" not in data:
        raise CentralBadResponse("The helpdesk server answered the policy in an unexpected way.")
    return data


def get_policy(base_url, key, timeout=DEFAULT_TIMEOUT):
    """The client's policy as central stores it, with ``budget_used_month``."""
    data = _request("GET", base_url, key, "/policy", timeout=timeout)
    if not isinstance(data, dict) or "budget_monthly" not in data:
        raise CentralBadResponse("The helpdesk server answered the policy in an unexpected way.")
    return data


def ping(base_url, key, timeout=DEFAULT_TIMEOUT):
    """Check that central accepts ``key``; return ``{"ok": True, "client": name}``."""
    data = _request("GET", base_url, key, "/ping", timeout=timeout)
    if not isinstance(data, dict) or data.get("ok") is not True:
        raise CentralBadResponse("The helpdesk server answered the test in an unexpected way.")
    return {"ok": True, "client": str(data.get("client") or "")}


# --------------------------------------------------------------------------- helpers
def normalize_base_url(url):
    """Return ``url`` without surrounding spaces or trailing slashes; check it is http(s)."""
    url = (url or "").strip().rstrip("/")
    if not url:
        raise CentralNotConfigured("The helpdesk server URL is not configured.", "central_url")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise CentralNotConfigured(
            "The helpdesk server URL must start with https:// (or http://).", "central_url"
        )
    if parts.query or parts.fragment:
        raise CentralNotConfigured(
            "The helpdesk server URL must not contain ? or #.", "central_url"
        )
    return url


def api_url(base_url, path):
    """Return the absolute URL of an API ``path`` on central."""
    return normalize_base_url(base_url) + API_PREFIX + path


def _request(method, base_url, key, path, json=None, timeout=DEFAULT_TIMEOUT):
    return _decode(_send(method, base_url, key, path, json=json, timeout=timeout))


def _send(method, base_url, key, path, json=None, timeout=DEFAULT_TIMEOUT):
    """Send one request to central's API; return the ``requests`` response."""
    url = api_url(base_url, path)
    key = (key or "").strip()
    if not key:
        raise CentralNotConfigured("The client key is not configured.", "client_key")
    if not is_plausible_key(key):
        # A key pasted with an invisible or accented character could not even be
        # put in an HTTP header; say so instead of failing inside requests.
        raise CentralNotConfigured(
            "The client key contains characters a key never has: paste it again.",
            "client_key",
        )
    headers = {"Authorization": "Bearer %s" % key, "Accept": "application/json"}
    try:
        response = requests.request(
            method,
            url,
            json=json,
            headers=headers,
            timeout=timeout,
            allow_redirects=False,
        )
    except requests.Timeout as error:
        _logger.info("Central %s %s timed out", method, url)
        raise CentralUnreachable(
            "The helpdesk server did not answer in time. Please try again later."
        ) from error
    except requests.RequestException as error:
        # The exception text holds the URL and the socket error, never the headers.
        _logger.info("Central %s %s failed: %s", method, url, error.__class__.__name__)
        raise CentralUnreachable(
            "The helpdesk server could not be reached. Please try again later."
        ) from error
    _logger.debug("Central %s %s answered %s", method, url, response.status_code)
    return response


def _decode(response):
    status = response.status_code
    if 200 <= status < 300:
        try:
            return response.json()
        except ValueError as error:
            raise CentralBadResponse(
                "The helpdesk server sent an answer that is not valid JSON."
            ) from error
    if 300 <= status < 400:
        raise CentralBadResponse(
            "The helpdesk server redirected the request (to %s): check the configured URL."
            % (response.headers.get("Location") or "another address")
        )
    if status >= 500:
        raise CentralUnreachable(
            "The helpdesk server is temporarily unavailable (error %d). "
            "Please try again later." % status
        )
    details = _api_error_details(response)
    if details is None:
        raise CentralNotApiAnswer(
            "The helpdesk server answered error %d without its API's error details "
            "(it may be restarting, or the URL may be wrong). Please try again later." % status,
            status,
        )
    field, message = details
    if status == 401:
        message = message or "The helpdesk server does not accept this client key."
    elif status == 404:
        message = message or "The helpdesk server does not know this ticket."
    elif status == 413:
        message = message or "The ticket is too large for the helpdesk server."
    elif status == 429:
        message = message or "The helpdesk server received too many failed attempts."
    elif status == 409:
        raise CentralConflict(
            status,
            message or "The helpdesk server already has a different ticket with this reference.",
            field=field,
        )
    else:
        message = message or "The helpdesk server refused the request (error %d)." % status
    retry_after = _retry_after(response) if status == 429 else None
    raise CentralRefused(status, message, field=field, retry_after=retry_after)


def _api_error_details(response):
    """Return ``(field, message)`` of the API's own error answer, or ``None`` when
    ``response`` is not one: the API always answers a refusal with a JSON body
    ``{"error": {"field": str or null, "message": str}}``."""
    content_type = response.headers.get("Content-Type") or ""
    if content_type.split(";")[0].strip().lower() != "application/json":
        return None
    try:
        data = response.json()
    except ValueError:
        return None
    error = data.get("error") if isinstance(data, dict) else None
    if not isinstance(error, dict) or not isinstance(error.get("message"), str):
        return None
    field = error.get("field")
    return (field if isinstance(field, str) and field else None), error["message"].strip()


def _retry_after(response):
    value = (response.headers.get("Retry-After") or "").strip()
    return int(value) if value.isdigit() else None


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _text(value):
    return value if isinstance(value, str) else ""


def _clean_ticket(ticket):
    engagement_state = ticket.get("engagement_state")
    return {
        "id": ticket.get("id") if _is_int(ticket.get("id")) else None,
        "number": _text(ticket.get("number")),
        "name": _text(ticket.get("name")),
        "stage": _text(ticket.get("stage")),
        "engagement_state": (engagement_state if engagement_state in ENGAGEMENT_STATES else "none"),
        "engagement": _clean_engagement(ticket.get("engagement")),
        # The latest request's estimate (19.0.4.0.0); absent from older servers.
        "estimate_hours": _amount(ticket.get("estimate_hours")),
        "estimate_amount": _amount(ticket.get("estimate_amount")),
        "currency": _currency(ticket.get("currency")),
        "auto_approved": ticket.get("auto_approved") is True,
    }


def _clean_engagement(engagement):
    """The latest approval round of a feed ticket, as the employee is told of
    it: ``{"state", "owner", "comment", "delegated_by", "auto_approved"}``,
    names cleaned by the names rule; None when central sent none."""
    if not isinstance(engagement, dict):
        return None
    state = engagement.get("state")
    return {
        "state": state if state in ENGAGEMENT_STATES else "none",
        "owner": clean_name(_text(engagement.get("owner"))),
        "comment": _text(engagement.get("comment")),
        "delegated_by": clean_name(_text(engagement.get("delegated_by"))),
        "auto_approved": engagement.get("auto_approved") is True,
    }


def _amount(value):
    """A finite number of zero or more, else 0.0."""
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return 0.0
    value = float(value)
    return value if math.isfinite(value) and value >= 0 else 0.0


def _currency(value):
    """An ISO 4217 code (three capitals), else ""."""
    return value if isinstance(value, str) and re.fullmatch(r"[A-Z]{3}", value) else ""


def _clean_message(message):
    if not isinstance(message, dict):
        raise CentralBadResponse("The helpdesk server sent a conversation it could not read.")
    decision = message.get("decision")
    if decision is not None:
        if not isinstance(decision, dict) or decision.get("state") not in DECISION_STATES:
            raise CentralBadResponse(
                "The helpdesk server sent an owner decision it could not read."
            )
        decision = {"state": decision["state"], "comment": _text(decision.get("comment"))}
    attachments = message.get("attachments")
    return {
        "id": message.get("id") if _is_int(message.get("id")) else None,
        "author": _text(message.get("author")),
        "date": _text(message.get("date")),
        # Still untrusted HTML: the Odoo layer sanitizes it before storing it.
        "body": _text(message.get("body")),
        "decision": decision,
        # Absent from servers older than files (19.0.5).
        "attachments": [
            cleaned
            for attachment in (attachments if isinstance(attachments, list) else [])
            if (cleaned := _clean_attachment(attachment))
        ],
    }


def _clean_attachment(attachment):
    """A file listed under a central message, ``{"id", "name", "size",
    "mimetype"}``; None when it cannot be one (no id)."""
    if not isinstance(attachment, dict):
        return None
    attachment_id = attachment.get("id")
    if not _is_int(attachment_id) or attachment_id <= 0:
        return None
    # The name is shown and offered as a file name: no bidi control may
    # disguise its extension, no control character or path may be in it.
    name = "".join(
        char
        for char in strip_bidi(_text(attachment.get("name")))
        if unicodedata.category(char) not in ("Cc", "Cs")
    )
    name = name.replace("\\", "/").rpartition("/")[2].strip() or "file"
    size = attachment.get("size")
    mimetype = attachment.get("mimetype")
    return {
        "id": attachment_id,
        "name": name[:128],
        "size": size if _is_int(size) and size >= 0 else 0,
        "mimetype": mimetype if mimetype in ATTACHMENT_MIMETYPES else "application/octet-stream",
    }


# --------------------------------------------------------------------------- thread HTML
# Whatever makes a browser fetch something by itself, without a click.
_FETCHING_TAGS = frozenset(
    {
        "applet",
        "audio",
        "base",
        "embed",
        "frame",
        "frameset",
        "iframe",
        "link",
        "meta",
        "object",
        "picture",
        "script",
        "source",
        "style",
        "track",
        "video",
    }
)
_FETCHING_ATTRIBUTES = frozenset(
    {"background", "dynsrc", "lowsrc", "ping", "poster", "srcset", "data", "formaction"}
)
_LINK_TAGS = frozenset({"a", "area"})
_CSS_FETCH = re.compile(r"url|image|import|expression|\\", re.IGNORECASE)
_INLINE_IMAGE = re.compile(r"data:image/", re.IGNORECASE)


def strip_remote_resources(html):
    """Return ``html`` with nothing a browser would load by itself (tracking pixels).

    Images keep only inline ``data:image/`` sources; any other image becomes a
    placeholder, a link when its address is http(s), so nothing is fetched
    until a person clicks. Media, frames, style sheets and CSS ``url()`` go.
    Relative addresses are removed too: in the client's browser they would
    call the client's own Odoo with the employee's session.
    """
    if not html or not html.strip():
        return ""
    root = lxml_html.fragment_fromstring(html, create_parent="div")
    for element in list(root.iter()):
        if not isinstance(element.tag, str):
            continue  # comments and processing instructions load nothing
        tag = element.tag.lower()
        if tag in _FETCHING_TAGS:
            element.drop_tree()
            continue
        if tag == "img":
            _replace_remote_image(element)
            continue
        for name in list(element.attrib):
            local = name.lower().rpartition(":")[2]
            value = element.attrib[name]
            if (
                local in _FETCHING_ATTRIBUTES
                or local == "src"
                or (local == "href" and tag not in _LINK_TAGS)
                or (local == "style" and _CSS_FETCH.search(value))
            ):
                del element.attrib[name]
    return etree.tostring(root, encoding="unicode", method="html")


def _replace_remote_image(img):
    source = (img.get("src") or "").strip()
    if _INLINE_IMAGE.match(source):
        for name in list(img.attrib):
            if name.lower() not in ("src", "alt", "title", "width", "height"):
                del img.attrib[name]
        return
    alt = (img.get("alt") or "").strip()
    label = "[image: %s]" % alt if alt else "[image]"
    if source.startswith("//"):
        source = "https:" + source
    if urlsplit(source).scheme in ("http", "https"):
        placeholder = etree.Element("a", href=source, target="_blank", rel="noopener noreferrer")
    else:
        placeholder = etree.Element("span")
    placeholder.text = label
    placeholder.tail = img.tail
    img.getparent().replace(img, placeholder)
