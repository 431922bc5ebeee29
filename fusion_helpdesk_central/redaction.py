# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Redaction of decision links in what central receives. Imports nothing from Odoo.

An owner who answers an approval email quotes it: the approve, reject and
``/all`` links travel back in the reply (in its text, in its HTML, in an
attached copy of the original email). A decision link is a bearer credential:
stored in a ticket's chatter it would reach every engineer, the client's thread
API and the client's employees. Every such link is replaced by
:data:`REDACTED` before anything is stored.
"""

import email
import email.policy
import functools
import html
import re
from email.message import EmailMessage
from urllib.parse import unquote

REDACTED = "[link removed]"

# Characters that end a URL in text, in HTML attributes and in quoted replies.
URL_END = r"\s\"'<>()\[\]"
# "/" as written in a URL, or percent-encoded inside another URL (mail
# scanners' "safe links" wrap the original URL into a query parameter); a
# backslash, which browsers read as "/" in an http(s) URL.
SLASH = r"(?:/|\\|%2F|%5C)"
# Length of a decision token (``secrets.token_urlsafe(32)``).
TOKEN_LENGTH = 43
TOKEN_CHARS = "A-Za-z0-9_-"
# What a mail client or an editor puts inside a link without changing where it
# leads: a hard wrap with its quote prefix ("\r\n> ", "\n>> "), a
# quoted-printable soft line break ("=\r\n"), the quote prefix escaped in
# HTML ("&gt;", the plain text of a reply becomes HTML), white space written as itself,
# as an HTML entity or percent-encoded. Each alternative starts with its own
# character, so a run of them is matched without backtracking.
SEPARATOR = (
    r"(?:[\s>]|=(?=\r?\n)|&\#0*(?:9|1[03]|32);|&\#x0*(?:9|[ad]|20);"
    r"|&(?:tab|newline|gt);|%(?:0[9ad]|20))"
)
# A token-shaped string, possibly cut by separators, as written in the text.
TOKEN_RUN = re.compile(r"[%(c)s]+(?:%(s)s+[%(c)s]+)*" % {"c": TOKEN_CHARS, "s": SEPARATOR}, re.I)
# In such a run: a separator, or a piece of the token (group 1).
TOKEN_PIECE = re.compile(r"%s|([%s]+)" % (SEPARATOR, TOKEN_CHARS), re.I)
# Removed from the normalized view, where links are searched.
NORMALIZED_NOISE = re.compile(r"=\r?\n|[\s>]+")
# Stands for a redacted token until the links around it are redacted.
PLACEHOLDER = "\ue000"


@functools.cache
def link_pattern(route):
    """Regular expression matching every URL of the decision pages under
    ``route`` (e.g. ``/fusion_helpdesk/engagement``): with or without scheme
    and host, plain or percent-encoded, up to where the URL ends."""
    path = SLASH.join(re.escape(part) for part in route.strip("/").split("/"))
    return re.compile(
        r"(?:(?<![a-z0-9+.-])[a-z][a-z0-9+.-]*(?::|%%3A)%(slash)s%(slash)s[^%(end)s/\\%%]*)?"
        r"%(slash)s%(path)s%(slash)s[^%(end)s]*" % {"slash": SLASH, "path": path, "end": URL_END},
        re.IGNORECASE,
    )


@functools.cache
def token_pattern(route):
    """Regular expression finding the tokens after ``route`` in the
    normalized view of a text (see :func:`_normalized`)."""
    path = "/".join(re.escape(part) for part in route.strip("/").split("/"))
    return re.compile(r"(?i:%s)/([%s]{%d})" % (path, TOKEN_CHARS, TOKEN_LENGTH))


def redact_text(text, route):
    """``text`` (plain text or HTML source) with every decision link under
    ``route`` replaced by :data:`REDACTED`; the same object when there is none.

    A link hard-wrapped by a quoted reply, written with backslashes or with
    white space inside (as itself, an entity or a percent-escape) is found on a
    normalized view of the text; every occurrence of its token is then removed
    from the text as written, also when a wrap cut the token in pieces."""
    if not text or not isinstance(text, str):
        return text
    tokens = set(token_pattern(route).findall(_normalized(text)))
    redacted = _redact_tokens(text, tokens) if tokens else text
    redacted, count = link_pattern(route).subn(REDACTED, redacted)
    if not count and redacted == text:
        return text
    return redacted.replace(PLACEHOLDER, REDACTED)


def _normalized(text):
    """``text`` as a browser would read its links: entities and
    percent-escapes decoded, backslashes as slashes, without line breaks,
    quote prefixes and white space."""
    decoded = unquote(html.unescape(text)).replace("\\", "/")
    return NORMALIZED_NOISE.sub("", decoded)


def _redact_tokens(text, tokens):
    """``text`` with every occurrence of ``tokens`` replaced by
    :data:`PLACEHOLDER`, its pieces included when separators cut it."""
    parts, end = [], 0
    search = re.compile("|".join(map(re.escape, sorted(tokens))))
    for run in TOKEN_RUN.finditer(text):
        # Each character of the run without separators, with its place in text.
        places = [
            index
            for piece in TOKEN_PIECE.finditer(run.group())
            for index in range(run.start() + piece.start(1), run.start() + piece.end(1))
        ]
        joined = "".join(text[index] for index in places)
        for found in search.finditer(joined):
            first = places[found.start()]
            parts += [text[end:first], PLACEHOLDER]
            end = places[found.end() - 1] + 1
    parts.append(text[end:])
    return "".join(parts)


def redact_email_source(source, route):
    """A raw email (``str``, ``bytes`` or an ``EmailMessage``) with the links
    redacted from every text part, decoded first (quoted-printable or base64
    would hide them from a plain search). Returns the same type it was given
    (``bytes`` for a message object), unchanged when there was no link."""
    if isinstance(source, EmailMessage):
        message, kind = source, bytes
    elif isinstance(source, bytes):
        message, kind = email.message_from_bytes(source, policy=email.policy.default), bytes
    else:
        message, kind = email.message_from_string(source, policy=email.policy.default), str
    changed = False
    for part in message.walk():
        if part.is_multipart() or part.get_content_maintype() != "text":
            continue
        text = _part_text(part)
        redacted = redact_text(text, route)
        if redacted is not text:
            part.set_content(
                redacted,
                subtype=part.get_content_subtype(),
                disposition=part.get_content_disposition(),
                filename=part.get_filename(),
            )
            changed = True
    if not changed and not isinstance(source, EmailMessage):
        # Parts that could not be decoded are searched as they are written.
        return _redact_raw(source, route)
    serialized = message.as_bytes() if kind is bytes else message.as_string()
    return _redact_raw(serialized, route)


def redact_attachment(name, content, route):
    """An attachment's ``content`` with the links redacted: text as text, an
    email (``.eml``, ``message/rfc822``) part by part, any other bytes when
    they are UTF-8 text; binary formats are returned as they are."""
    if isinstance(content, EmailMessage) or (name or "").lower().endswith(".eml"):
        return redact_email_source(content, route)
    if isinstance(content, str):
        return redact_text(content, route)
    return _redact_raw(content, route)


def _part_text(part):
    """The decoded text of a MIME ``part``, even with an unknown charset."""
    try:
        return part.get_content()
    except (LookupError, UnicodeError):
        return (part.get_payload(decode=True) or b"").decode("utf-8", "replace")


def _redact_raw(content, route):
    """``content`` (``str`` or ``bytes``) searched as written: bytes that are
    not UTF-8 text are returned unchanged."""
    if isinstance(content, str):
        return redact_text(content, route)
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        return content
    redacted = redact_text(text, route)
    return content if redacted is text else redacted.encode("utf-8")


# A run of a token's alphabet, at least a token long: every token-long window
# of it is a candidate (a token glued to "-" or "_" or to letters), up to runs
# of TOKEN_RUN_MAX characters (longer ones are data, base64, not a link).
TOKEN_RUN_MAX = 128
TOKEN_CANDIDATE_RUN = re.compile(
    r"(?<![%(c)s])[%(c)s]{%(n)d,%(m)d}(?![%(c)s])"
    % {"c": TOKEN_CHARS, "n": TOKEN_LENGTH, "m": TOKEN_RUN_MAX}
)


def token_candidates(text):
    """Every token-long piece of ``text`` that could be a link token, whatever
    surrounds it (a path spelt oddly, markup between the route and the token,
    a file name): the caller keeps those whose digest is a live link's."""
    if not text or not isinstance(text, str):
        return set()
    views = {text, unquote(text), html.unescape(text)}
    return {
        run[start : start + TOKEN_LENGTH]
        for view in views
        for run in TOKEN_CANDIDATE_RUN.findall(view)
        for start in range(len(run) - TOKEN_LENGTH + 1)
    }


def remove_tokens(text, tokens):
    """``text`` with every occurrence of ``tokens`` replaced by :data:`REDACTED`;
    the same object when none occurs."""
    if not tokens or not isinstance(text, str):
        return text
    pattern = re.compile("|".join(re.escape(token) for token in sorted(tokens)))
    redacted, count = pattern.subn(REDACTED, text)
    return redacted if count else text
