# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Replies to approval emails go to the ticket, never to a person, and the
decision links they quote are never stored (issue 20, point 4)."""

import base64
import email
import email.policy
from datetime import timedelta
from email.message import EmailMessage
from email.utils import parseaddr
from unittest.mock import patch

from odoo import fields
from odoo.tests import tagged
from odoo.tools import formataddr

from odoo.addons.mail.tests.common import MockEmail

from ..redaction import REDACTED
from .common import FusionHelpdeskCentralCommon, ticket_live_token

OWNER = "owner@acme.example.com"
# The redaction mark, as written in text or inside a sanitized href.
LINK_REMOVED = r"\[link( |%20)removed\]"


@tagged("post_install", "-at_install")
class TestInboundMail(FusionHelpdeskCentralCommon, MockEmail):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.alias_domain = cls.env["mail.alias.domain"].create(
            {"name": "central.example.com", "catchall_alias": "catchall", "bounce_alias": "bounce"}
        )
        cls.company = cls.ticket.company_id
        cls.company.write(
            {"alias_domain_id": cls.alias_domain.id, "email": "hello@provider.example.com"}
        )
        cls.team = cls.env["helpdesk.ticket.team"].create(
            {"name": "Printers", "alias_name": "printers", "user_ids": [(4, cls.engineer.id)]}
        )
        cls.ticket.team_id = cls.team
        cls.ticket_b = cls._create_ticket("Scanner jammed")
        cls.ticket_c = cls._create_ticket("Fax silent")
        # The engineer's team would be theirs by default: these have none.
        (cls.ticket_b | cls.ticket_c).team_id = False

    # ------------------------------------------------------------ helpers
    def _wizard(self, tickets):
        wizard = (
            self.env["fusion.helpdesk.engagement.wizard"]
            .with_user(self.engineer)
            .with_context(active_model="helpdesk.ticket", active_ids=tickets.ids)
            .create({})
        )
        if len(tickets) == 1:
            wizard.write({"findings": "Effort: 2h", "summary": "Replace the fuser unit."})
        else:
            wizard.line_ids.write({"findings": "Effort: 1h", "summary": "Plan"})
        return wizard

    def _deliver(self, tickets):
        """Send the queued approval mails of ``tickets`` over (mocked) SMTP;
        return the ``Reply-To`` header of each message that left."""
        mails = (
            self.env["mail.mail"]
            .sudo()
            .search(
                [("fusion_engagement_ticket_ids", "in", tickets.ids), ("state", "=", "outgoing")]
            )
        )
        self.assertTrue(mails)
        with self.mock_mail_gateway():
            mails.send()
        self.assertEqual(len(self._mails), len(mails))
        return [parseaddr(sent["EmailMessage"]["Reply-To"]) for sent in self._mails]

    def _ticket_address(self, address):
        return (self.company.name, address)

    def _reply(self, token, in_reply_to, to="printers@central.example.com"):
        """The owner's raw reply quoting the approval email: the links are in
        the plain text (quoted-printable), the HTML (base64) and an attached
        HTML copy."""
        approve = "http://central.example.com/fusion_helpdesk/engagement/%s/approve" % token
        every = "http://central.example.com/fusion_helpdesk/engagement/%s/all" % token
        message = EmailMessage()
        message["From"] = formataddr(("Olivia Owner", OWNER))
        message["To"] = to
        message["Subject"] = "Re: Your approval is needed"
        message["Message-Id"] = "<owner-reply-%s@acme.example.com>" % token[:8]
        if in_reply_to:
            message["In-Reply-To"] = in_reply_to
            message["References"] = in_reply_to
        message.set_content(
            "OK, see below.\n\n> Approve: %s\n> Everything pending: %s\n" % (approve, every),
            cte="quoted-printable",
        )
        message.add_alternative(
            '<p>OK, see below.</p><blockquote><a href="%s">Approve</a> '
            '<a href="%s">Everything pending</a></blockquote>' % (approve, every),
            subtype="html",
            cte="base64",
        )
        message.add_attachment(
            ('<a href="%s">Approve</a>' % approve).encode(),
            maintype="text",
            subtype="html",
            filename="approval.html",
        )
        return message.as_string()

    def _assert_no_link(self, message):
        for text in (message.body, message.subject or ""):
            self.assertNotIn("/fusion_helpdesk/engagement/", text)
        for attachment in message.attachment_ids:
            with self.subTest(attachment=attachment.name):
                raw = attachment.raw
                self.assertNotIn(b"fusion_helpdesk/engagement/", raw)
                # Not even hidden by a transfer encoding (the original .eml).
                parsed = email.message_from_bytes(raw, policy=email.policy.default)
                for part in parsed.walk():
                    if part.get_content_maintype() == "text":
                        self.assertNotIn("fusion_helpdesk/engagement/", part.get_content())

    # ------------------------------------------------------------ tests
    def test_every_approval_email_replies_to_the_ticket_not_to_the_engineer(self):
        # Single, to a ticket whose team has an alias: the team's address.
        self._wizard(self.ticket).action_send()
        self.assertEqual(
            self._deliver(self.ticket), [self._ticket_address("printers@central.example.com")]
        )
        # Bulk, tickets without a team: the company's catchall.
        bulk = self.ticket_b | self.ticket_c
        self._wizard(bulk).action_send()
        self.assertEqual(
            self._deliver(bulk), [self._ticket_address("catchall@central.example.com")]
        )
        # The reminder the cron sends, as OdooBot, replies there as well.
        self.env["ir.config_parameter"].sudo().set_param(
            "fusion_helpdesk_central.engagement_reminder_days", 1
        )
        self.ticket.engagement_id.sudo().sent_at = fields.Datetime.now() - timedelta(days=2)
        with patch.object(type(self.env["ir.cron"]), "_commit_progress", return_value=60):
            self.env["fusion.helpdesk.engagement"]._cron_remind()
        self.assertTrue(self.ticket.engagement_reminded_at)
        self.assertEqual(
            self._deliver(self.ticket), [self._ticket_address("printers@central.example.com")]
        )
        # Without any alias domain: the company's address, still nobody's mailbox.
        self.company.alias_domain_id = False
        self.ticket.team_id = False
        self._wizard(bulk).action_send()
        self.assertEqual(self.ticket._engagement_reply_to(), self.company.email_formatted)
        self.assertEqual(self._deliver(bulk), [self._ticket_address("hello@provider.example.com")])

    def test_a_reply_routed_into_the_ticket_stores_no_decision_link(self):
        self._wizard(self.ticket).action_send()
        token = ticket_live_token(self.ticket)
        self.assertTrue(token)
        thread_message = self.ticket.message_ids[-1]
        raw = self._reply(token, thread_message.message_id)
        self.env["mail.thread"].sudo().message_process(None, raw, save_original=True)

        reply = self.ticket.message_ids.filtered(lambda m: m.message_type == "email")
        self.assertEqual(len(reply), 1, "the reply was routed into the ticket")
        self.assertIn("OK, see below.", reply.body)
        self.assertRegex(reply.body, LINK_REMOVED)
        self._assert_no_link(reply)
        self.assertEqual(
            sorted(reply.attachment_ids.mapped("name")), ["approval.html", "original_email.eml"]
        )
        self.assertIn(
            REDACTED.encode(),
            reply.attachment_ids.filtered(lambda a: a.name == "original_email.eml").raw,
        )
        # The owner's own link is not spoiled by the redaction.
        self.assertEqual(self.ticket.engagement_state, "pending")
        self.assertEqual(ticket_live_token(self.ticket), token)

    def test_a_reply_that_opens_a_new_ticket_stores_no_decision_link(self):
        self._wizard(self.ticket).action_send()
        token = ticket_live_token(self.ticket)
        raw = self._reply(token, in_reply_to=None)
        self.env["mail.thread"].sudo().message_process(None, raw, save_original=True)

        new_ticket = self.env["helpdesk.ticket"].search(
            [("name", "=", "Re: Your approval is needed")]
        )
        self.assertEqual(len(new_ticket), 1)
        self.assertEqual(new_ticket.team_id, self.team, "opened by the team's alias")
        self.assertRegex(new_ticket.description, LINK_REMOVED)
        self.assertNotIn(token, new_ticket.description)
        message = new_ticket.message_ids.filtered(lambda m: m.message_type == "email")
        self.assertEqual(len(message), 1)
        self._assert_no_link(message)
        self.assertNotIn(token.encode(), base64.b64decode(message.attachment_ids[:1].datas))

    def test_a_quoted_reply_that_hard_wraps_the_link_stores_no_token(self):
        # The owner's mail client wraps the quoted link at 76 columns: inside
        # the route on one line, inside the token on the other.
        self._wizard(self.ticket).action_send()
        token = ticket_live_token(self.ticket)
        raw = (
            "From: %s\r\nTo: printers@central.example.com\r\n"
            "Subject: Re: Your approval is needed\r\n"
            "Message-Id: <owner-wrapped-%s@acme.example.com>\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n\r\n"
            "OK for me.\r\n\r\n"
            "> Approve: http://central.example.com/fusion_helpdesk/engage\r\n"
            "> ment/%s/approve\r\n"
            "> Everything pending: http://central.example.com/fusion_helpdesk/engagement/%s\r\n"
            ">> %s/all\r\n"
        ) % (formataddr(("Olivia Owner", OWNER)), token[:8], token, token[:25], token[25:])
        self.env["mail.thread"].sudo().message_process(None, raw, save_original=True)

        new_ticket = self.env["helpdesk.ticket"].search(
            [("name", "=", "Re: Your approval is needed")]
        )
        self.assertEqual(len(new_ticket), 1)
        message = new_ticket.message_ids.filtered(lambda m: m.message_type == "email")
        self.assertEqual(len(message), 1)
        self.assertIn("OK for me.", message.body)
        original = message.attachment_ids.filtered(lambda a: a.name == "original_email.eml")
        self.assertTrue(original)
        for stored in (new_ticket.description, message.body, original.raw.decode()):
            self.assertRegex(stored, LINK_REMOVED)
            # Neither the whole token nor the pieces a wrap left on two lines.
            for piece in (token, token[:20], token[5:25], token[25:], token[-15:]):
                self.assertNotIn(piece, stored)
        self.assertEqual(ticket_live_token(self.ticket), token)

    def test_a_link_pasted_in_the_chatter_is_redacted(self):
        message = self.ticket.with_user(self.engineer).message_post(
            body="Owner link: http://central.example.com/fusion_helpdesk/engagement/abc/approve",
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
        self.assertIn(REDACTED, message.body)
        self.assertNotIn("/fusion_helpdesk/engagement/", message.body)
