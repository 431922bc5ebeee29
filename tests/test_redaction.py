# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Layer 1: decision links are redacted from inbound text, HTML and emails."""

import email
import email.policy
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
