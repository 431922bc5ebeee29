# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Layer 1: decision links are redacted from inbound text, HTML and emails."""

import email
import email.policy
import time
from email.message import EmailMessage

import pytest

from fusion_helpdesk_central import redaction

ROUTE = "/fusion_helpdesk/engagement"
TOKEN = "s3cr3t-T0ken_abcdefghijklmnopqrstuvwxyz012345"


@pytest.mark.parametrize(
    "text",
    [
        "OK, see below: https://central.example.com/fusion_helpdesk/engagement/%s/approve" % TOKEN,
        '<a href="http://c.example.com:8069/fusion_helpdesk/engagement/%s/all">all</a>' % TOKEN,
        "&gt; <https://c.example.com/fusion_helpdesk/engagement/%s/reject?x=1>" % TOKEN,
        "> [Approve](/fusion_helpdesk/engagement/%s/approve)" % TOKEN,
        # An email scanner's "safe link" carries the URL percent-encoded.
        "https://eu.safelinks.protection.outlook.com/?url=https%%3A%%2F%%2Fcentral.example.com"
        "%%2FFusion_Helpdesk%%2Fengagement%%2F%s%%2Fapprove&data=05 tail" % TOKEN,
    ],
)
def test_every_form_of_a_decision_link_is_redacted(text):
    redacted = redaction.redact_text(text, ROUTE)
    assert TOKEN not in redacted
    assert redaction.REDACTED in redacted


# A real decision token: secrets.token_urlsafe(32).
REAL_TOKEN = "Xy7_kP2-qLm9Rt4vWz8BcD1eFg3HjN5oQs6UaZ0Ii-K"
HOST = "http://central.example.com"


@pytest.mark.parametrize(
    "text",
    [
        # (a) a plain-text quoted reply hard-wraps inside the route.
        "> Approve: %s/fusion_helpdesk/engage\r\n> ment/%s/approve\r\n" % (HOST, REAL_TOKEN),
        # ... inside the token, with a deeper quote.
        "> Approve: %s/fusion_helpdesk/engagement/%s\n>> %s/approve"
        % (HOST, REAL_TOKEN[:20], REAL_TOKEN[20:]),
        # ... the same, once the plain text became HTML.
        "&gt; Approve: %s/fusion_helpdesk/engagement/%s\n&gt;&gt; %s/approve"
        % (HOST, REAL_TOKEN[:20], REAL_TOKEN[20:]),
        # ... inside the token, by a quoted-printable soft line break.
        "Approve: %s/fusion_helpdesk/engagement/%s=\r\n%s/approve"
        % (HOST, REAL_TOKEN[:9], REAL_TOKEN[9:]),
        # (b) backslashes as separators (browsers read them as slashes).
        '<a href="%s\\fusion_helpdesk\\engagement\\%s\\approve">Approve</a>' % (HOST, REAL_TOKEN),
        # (c) white space written as an entity or a percent-escape inside.
        '<a href="%s/fusion_helpdesk/engage&#9;ment/%s/approve">x</a>' % (HOST, REAL_TOKEN),
        '<a href="%s/fusion_helpdesk/engage%%09ment/%s/approve">x</a>' % (HOST, REAL_TOKEN),
        "%s/fusion_helpdesk/engagement%%0A/%s&#x0a;/all" % (HOST, REAL_TOKEN),
        "%s/fusion_helpdesk/engagement/%s&Tab;%s/reject" % (HOST, REAL_TOKEN[:30], REAL_TOKEN[30:]),
        # A bare token after the route, then the same token elsewhere in the text.
        "/fusion_helpdesk/engage\n ment/%s\nagain: <b>%s</b>" % (REAL_TOKEN, REAL_TOKEN),
    ],
)
def test_links_cut_or_disguised_inside_are_redacted(text):
    redacted = redaction.redact_text(text, ROUTE)
    flat = (
        redacted.replace("&gt;", ">")
        .replace("\r\n> ", "")
        .replace("\n>> ", "")
        .replace("=\r\n", "")
    )
    for noise in ("&#9;", "%09", "%0A", "&#x0a;", "&Tab;", "\n ", "\n"):
        flat = flat.replace(noise, "")
    assert REAL_TOKEN[:15] not in flat and REAL_TOKEN[-15:] not in flat
    assert redaction.REDACTED in redacted
    assert redaction.PLACEHOLDER not in redacted


def test_token_shaped_text_without_the_route_is_kept():
    text = "ref %s, see also /fusion_helpdesk/other/%s" % (REAL_TOKEN, REAL_TOKEN)
    assert redaction.redact_text(text, ROUTE) is text


def test_a_large_hostile_text_is_redacted_in_bounded_time():
    hostile = (
        ("engage\r\n> ment/" + REAL_TOKEN[:20] + "\r\n>> " + "&#9;" * 3 + "%09 =\r\n") * 20000
        + "a" * 200000
        + "\n>" * 100000
        + "/fusion_helpdesk/engagement/"
        + REAL_TOKEN
    )
    assert len(hostile) > 1000000
    started = time.monotonic()
    redacted = redaction.redact_text(hostile, ROUTE)
    assert time.monotonic() - started < 5
    assert REAL_TOKEN not in redacted


def test_text_without_links_is_returned_as_it_is():
    text = "See https://central.example.com/my/ticket/4 and /fusion_helpdesk/other/x"
    assert redaction.redact_text(text, ROUTE) is text
    assert redaction.redact_text("", ROUTE) == ""
    assert redaction.redact_text(None, ROUTE) is None


def _quoted_reply(transfer_encoding):
    message = EmailMessage()
    message["Subject"] = "Re: Your approval is needed"
    message.set_content(
        "OK.\n> Approve: https://c.example.com/fusion_helpdesk/engagement/%s/approve\n" % TOKEN
    )
    message.add_alternative(
        '<p>OK</p><blockquote><a href="https://c.example.com/fusion_helpdesk/engagement/%s/all">'
        "all</a></blockquote>" % TOKEN,
        subtype="html",
        cte=transfer_encoding,
    )
    message.add_attachment(
        "quoted /fusion_helpdesk/engagement/%s/reject" % TOKEN, filename="notes.txt"
    )
    return message


@pytest.mark.parametrize("transfer_encoding", ["quoted-printable", "base64"])
@pytest.mark.parametrize("kind", [str, bytes, EmailMessage])
def test_links_hidden_by_a_transfer_encoding_are_redacted_in_the_original_email(
    transfer_encoding, kind
):
    message = _quoted_reply(transfer_encoding)
    source = {str: message.as_string, bytes: message.as_bytes, EmailMessage: lambda: message}[
        kind
    ]()
    redacted = redaction.redact_email_source(source, ROUTE)
    assert isinstance(redacted, bytes if kind is EmailMessage else kind)
    raw = redacted if isinstance(redacted, bytes) else redacted.encode()
    assert TOKEN.encode() not in raw
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    texts = [part.get_content() for part in parsed.walk() if part.get_content_maintype() == "text"]
    assert len(texts) == 3
    assert all(redaction.REDACTED in text and TOKEN not in text for text in texts)
    attachment = next(parsed.iter_attachments())
    assert attachment.get_filename() == "notes.txt"


def test_email_without_links_is_unchanged():
    message = EmailMessage()
    message.set_content("Thanks, approved.")
    source = message.as_string()
    assert redaction.redact_email_source(source, ROUTE) is source


def test_text_part_with_an_unknown_charset_is_still_redacted():
    source = (
        "Content-Type: text/plain; charset=x-unknown-charset\n"
        "Content-Transfer-Encoding: 7bit\n\n"
        "Approve: https://c.example.com/fusion_helpdesk/engagement/%s/approve\n" % TOKEN
    ).encode()
    redacted = redaction.redact_email_source(source, ROUTE)
    assert TOKEN.encode() not in redacted


@pytest.mark.parametrize(
    "name, content",
    [
        ("reply.html", '<a href="/fusion_helpdesk/engagement/%s/all">x</a>' % TOKEN),
        ("reply.html", ('<a href="/fusion_helpdesk/engagement/%s/all">x</a>' % TOKEN).encode()),
        ("original_email.eml", _quoted_reply("base64").as_string()),
        ("forwarded", _quoted_reply("quoted-printable")),
    ],
)
def test_attachments_carrying_links_are_redacted(name, content):
    redacted = redaction.redact_attachment(name, content, ROUTE)
    raw = redacted if isinstance(redacted, bytes) else redacted.encode()
    assert TOKEN.encode() not in raw


def test_binary_attachments_are_kept_as_they_are():
    content = b"\x89PNG\r\n\x1a\n\xff\xfe/fusion_helpdesk/engagement/x/approve"
    assert redaction.redact_attachment("image.png", content, ROUTE) is content
    assert redaction.redact_attachment(None, b"plain bytes", ROUTE) == b"plain bytes"


LIVE = "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-abcde"


def test_token_shaped_runs_are_found_whatever_surrounds_them():
    # Attacker run 5: markup between the route and the token, /./ or // in the
    # path, a token in a file name. The digest of each candidate tells a live one.
    assert len(LIVE) == redaction.TOKEN_LENGTH
    texts = [
        "/fusion_helpdesk/engagement/<br>%s/approve" % LIVE,
        "https://c/./fusion_helpdesk//engagement/%s/approve" % LIVE,
        "https:%%2F%%2Fc%%2Fengagement%%2F%s%%2Fapprove.txt" % LIVE,
    ]
    for text in texts:
        assert LIVE in redaction.token_candidates(text)
    # Glued to other letters of its alphabet (a file name "said-<token>"): found.
    assert LIVE in redaction.token_candidates("owner-said-%s.txt" % LIVE)
    # Too short, or inside a run too long to be anything but data: not a token.
    assert not redaction.token_candidates(LIVE[:-1])
    assert LIVE not in redaction.token_candidates("x" * 100 + LIVE)
    assert redaction.token_candidates(None) == set()


def test_removing_tokens_replaces_each_occurrence_or_returns_the_same_text():
    text = "a %s b %s" % (LIVE, LIVE)
    assert redaction.remove_tokens(text, {LIVE}) == "a [link removed] b [link removed]"
    same = "nothing here"
    assert redaction.remove_tokens(same, {LIVE}) is same
    assert redaction.remove_tokens(same, set()) is same
