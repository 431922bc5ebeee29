# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""An SMTP outage: approval emails are retried with the same link, the
engineer who asked is told, the round shows its email has not left."""

import email
import smtplib
from contextlib import contextmanager
from datetime import timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo import fields
from odoo.tools import mute_logger

from odoo.addons.base.tests.common import MockSmtplibCase

from ..models.fusion_helpdesk_engagement import hash_token
from ..models.mail_mail import MAIL_RETRY_DELAYS
from .common import LIVE_LINK, FusionHelpdeskCentralCommon, live_token

OWNER = "owner@acme.example.com"


def sent_links(sent):
    """Tokens of the approve links in one email as it went over SMTP."""
    message = email.message_from_string(sent["message"])
    tokens = []
    for part in message.walk():
        if part.get_content_type() == "text/html":
            tokens += LIVE_LINK.findall(part.get_payload(decode=True).decode())
    return tokens


class TestEngagementMailRetry(FusionHelpdeskCentralCommon, MockSmtplibCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Nobody assigned: only the engineer who asks can be told.
        cls.unassigned = cls._create_ticket("Server room too hot", user_id=False)
        cls.unassigned_b = cls._create_ticket("UPS beeping", user_id=False)

    # ------------------------------------------------------------------ helpers
    @contextmanager
    def smtp_down(self):
        """The outgoing mail server refuses connections (the SMTP layer itself)."""
        refused = ConnectionRefusedError(111, "Connection refused")
        with (
            patch("smtplib.SMTP", side_effect=refused),
            mute_logger("odoo.addons.mail.models.mail_mail"),
        ):
            yield

    def _send(self, tickets):
        wizard = (
            self.env["fusion.helpdesk.engagement.wizard"]
            .with_user(self.engineer)
            .with_context(active_model="helpdesk.ticket", active_ids=tickets.ids)
            .create({})
        )
        if len(tickets) == 1:
            wizard.summary = "Replace the fuser."
        else:
            for line in wizard.line_ids:
                line.summary = "Do the work on %s." % line.ticket_id.name
        wizard.action_send()
        return self.env["mail.mail"].sudo().search([("email_to", "ilike", OWNER)], order="id desc")

    def _owner_emails(self):
        """The emails that went over SMTP to the owner."""
        return [sent for sent in self.emails if OWNER in sent["smtp_to_list"]]

    def _run_queue(self):
        self.env["mail.mail"].sudo().process_email_queue()
        self.env.invalidate_all()

    def _notes_to_engineer(self, ticket, text):
        return ticket.message_ids.filtered(
            lambda m: text in (m.body or "") and self.engineer.partner_id in m.partner_ids
        )

    def _not_sent_rounds(self):
        return self.env["fusion.helpdesk.engagement"].search(
            [("mail_state", "in", ("retrying", "failed"))]
        )

    # ------------------------------------------------------------------ tests
    def test_outage_then_recovery_delivers_the_same_link_and_tells_the_engineer(self):
        ticket = self.unassigned
        start = fields.Datetime.now()
        with freeze_time(start), self.mock_smtplib_connection():
            with self.smtp_down():
                mail = self._send(ticket)
                token = live_token(mail)
                self._run_queue()
            self.assertEqual(self._owner_emails(), [])
            self.assertEqual(mail.state, "outgoing", "queued again, not left in exception")
            self.assertEqual(mail.scheduled_date, start + timedelta(minutes=MAIL_RETRY_DELAYS[0]))
            engagement = ticket.engagement_id
            self.assertEqual(engagement.mail_state, "retrying")
            self.assertEqual(engagement.mail_failed_at, start)
            self.assertEqual(engagement.mail_retry_at, mail.scheduled_date)
            self.assertIn(engagement, self._not_sent_rounds(), "the 'Email not sent' filter")
            told = self._notes_to_engineer(ticket, "could not be sent")
            self.assertEqual(len(told), 1, "the engineer who asked is told at once")
            self.assertIn("tried again automatically", told.body)
            engineer = self.engineer.partner_id
            self.assertTrue(told.notification_ids.filtered(lambda n: n.res_partner_id == engineer))
            # The server is back, but the retry is not due yet: nothing leaves.
            self._run_queue()
            self.assertEqual(self._owner_emails(), [])

        with freeze_time(start + timedelta(minutes=MAIL_RETRY_DELAYS[0], seconds=1)):
            with self.mock_smtplib_connection():
                self._run_queue()
                [sent] = self._owner_emails()
        self.assertEqual(sent["smtp_to_list"], [OWNER])
        self.assertEqual(sent_links(sent), [token], "the same link, no new token")
        self.assertEqual(ticket.sudo().engagement_token, hash_token(token), "the link is live")
        self.assertEqual(ticket.engagement_id, engagement, "still the same round")
        self.assertEqual(engagement.mail_state, "sent")
        self.assertNotIn(engagement, self._not_sent_rounds())
        self.assertEqual(len(self._notes_to_engineer(ticket, "has now been sent")), 1)

    def test_bulk_email_is_retried_for_every_round_it_carries(self):
        tickets = self.unassigned | self.unassigned_b
        start = fields.Datetime.now()
        with freeze_time(start), self.mock_smtplib_connection(), self.smtp_down():
            mail = self._send(tickets)
            self.assertEqual(len(mail), 1, "one email per owner")
            tokens = set(LIVE_LINK.findall(mail.body_html))
            self._run_queue()
        self.assertEqual(set(tickets.engagement_id.mapped("mail_state")), {"retrying"})
        for ticket in tickets:
            self.assertEqual(len(self._notes_to_engineer(ticket, "could not be sent")), 1)
        with (
            freeze_time(start + timedelta(minutes=MAIL_RETRY_DELAYS[0] + 1)),
            self.mock_smtplib_connection(),
        ):
            self._run_queue()
            [sent] = self._owner_emails()
        self.assertEqual(set(sent_links(sent)), tokens)
        self.assertEqual(set(tickets.engagement_id.mapped("mail_state")), {"sent"})

    def test_reminder_is_retried_too(self):
        ticket = self.unassigned
        start = fields.Datetime.now()
        with freeze_time(start), self.mock_smtplib_connection():
            self._send(ticket)
            self._run_queue()
            self.assertEqual(len(self._owner_emails()), 1)
        later = start + timedelta(days=4)
        with freeze_time(later), self.mock_smtplib_connection():
            with self.smtp_down():
                with patch.object(
                    type(self.env["ir.cron"]), "_commit_progress", lambda *a, **k: 60
                ):
                    self.env["fusion.helpdesk.engagement"]._cron_remind()
                [reminder] = (
                    self.env["mail.mail"].sudo().search([("subject", "=like", "Reminder: %")])
                )
                token = live_token(reminder)
                self._run_queue()
            self.assertEqual(reminder.state, "outgoing")
            self.assertEqual(ticket.engagement_id.mail_state, "retrying")
        with (
            freeze_time(later + timedelta(minutes=MAIL_RETRY_DELAYS[0] + 1)),
            self.mock_smtplib_connection(),
        ):
            self._run_queue()
            [sent] = self._owner_emails()
        self.assertEqual(sent_links(sent), [token])
        self.assertEqual(ticket.engagement_id.mail_state, "sent")

    def test_a_lasting_outage_gives_up_after_the_bounded_retries(self):
        ticket = self.unassigned
        moment = fields.Datetime.now()
        with freeze_time(moment), self.mock_smtplib_connection(), self.smtp_down():
            mail = self._send(ticket)
            self._run_queue()
        for delay in MAIL_RETRY_DELAYS:
            moment += timedelta(minutes=delay, seconds=1)
            with freeze_time(moment), self.mock_smtplib_connection(), self.smtp_down():
                self._run_queue()
        engagement = ticket.engagement_id
        self.assertEqual(mail.fusion_retry_count, len(MAIL_RETRY_DELAYS))
        self.assertEqual(mail.state, "exception", "given up: no longer queued")
        self.assertEqual(engagement.mail_state, "failed")
        self.assertFalse(engagement.mail_retry_at)
        self.assertIn(engagement, self._not_sent_rounds())
        self.assertLess(moment - engagement.mail_failed_at, timedelta(hours=24))
        self.assertEqual(len(self._notes_to_engineer(ticket, "tried again automatically")), 1)
        gave_up = self._notes_to_engineer(ticket, "it is not tried again")
        self.assertEqual(len(gave_up), 1, "told again when it finally fails")
        self.assertIn("after %d attempts" % (len(MAIL_RETRY_DELAYS) + 1), gave_up.body)
        todo = ticket.activity_ids.filtered(lambda a: a.summary == "Approval email not sent")
        self.assertEqual(todo.user_id, self.engineer)
        # Idempotent and bounded: later runs, server back or not, send nothing.
        with freeze_time(moment + timedelta(days=1)), self.mock_smtplib_connection():
            self._run_queue()
            self.assertEqual(self._owner_emails(), [])
        self.assertEqual(len(self._notes_to_engineer(ticket, "it is not tried again")), 1)

    def test_a_permanent_refusal_is_not_retried(self):
        """The server rejects the message itself (spam verdict): the same
        email would be refused again, so the engineer is told at once."""
        ticket = self.unassigned
        with self.mock_smtplib_connection():
            mail = self._send(ticket)
            refusal = Exception("550 5.7.1 OutboundSpamException: message refused")
            with (
                patch.object(self.testing_smtp_session, "send_message", side_effect=refusal),
                mute_logger("odoo.addons.mail.models.mail_mail"),
            ):
                self._run_queue()
            self.assertEqual(self._owner_emails(), [])
        self.assertEqual(mail.failure_type, "mail_spam")
        self.assertEqual(mail.state, "exception")
        self.assertEqual(mail.fusion_retry_count, 0)
        self.assertEqual(ticket.engagement_id.mail_state, "failed")
        self.assertEqual(len(self._notes_to_engineer(ticket, "it is not tried again")), 1)
        self.assertFalse(self._notes_to_engineer(ticket, "tried again automatically"))

    def test_a_replaced_round_is_not_retried(self):
        """The engineer sent again meanwhile: the old link is dead, its email
        is not retried and nobody is told about it."""
        ticket = self.unassigned
        with self.mock_smtplib_connection(), self.smtp_down():
            old_mail = self._send(ticket)
            old_round = ticket.engagement_id
            self._send(ticket)
            old_mail.send()
        self.env.invalidate_all()
        self.assertEqual(old_round.state, "superseded")
        self.assertEqual(old_mail.state, "exception")
        self.assertEqual(old_mail.fusion_retry_count, 0)

    def test_server_reply_codes_tell_passing_from_permanent_refusals(self):
        """A refusal Odoo does not classify is retried on a 4yz reply (try
        later) and given up on a 5yz one (RFC 5321)."""
        cases = [
            ("451 try later", smtplib.SMTPDataError(451, b"4.3.0 try again later"), "outgoing"),
            (
                "550 no such mailbox",
                smtplib.SMTPRecipientsRefused({OWNER: (550, b"5.1.1 mailbox unavailable")}),
                "exception",
            ),
        ]
        for label, refusal, state in cases:
            with self.subTest(label):
                ticket = self._create_ticket("Case %s" % label, user_id=False)
                with self.mock_smtplib_connection():
                    mail = self._send(ticket)[:1]
                    with (
                        patch.object(
                            self.testing_smtp_session, "send_message", side_effect=refusal
                        ),
                        mute_logger("odoo.addons.mail.models.mail_mail"),
                    ):
                        mail.send()
                self.assertEqual(mail.failure_type, "unknown")
                self.assertEqual(mail.state, state)
                expected = "retrying" if state == "outgoing" else "failed"
                self.assertEqual(ticket.engagement_id.mail_state, expected)

    def test_a_retry_whose_round_was_replaced_meanwhile_is_cancelled(self):
        """The engineer sent again while the first email waited for its retry:
        the old email (its link now dead) never leaves, the new one does."""
        ticket = self.unassigned
        start = fields.Datetime.now()
        with freeze_time(start), self.mock_smtplib_connection():
            with self.smtp_down():
                old_mail = self._send(ticket)
                old_token = live_token(old_mail)
                self._run_queue()
            self.assertEqual(old_mail.state, "outgoing")
            new_mail = self._send(ticket)[:1]
            new_token = live_token(new_mail)
            self._run_queue()
        with (
            freeze_time(start + timedelta(minutes=MAIL_RETRY_DELAYS[0] + 1)),
            self.mock_smtplib_connection(),
        ):
            self._run_queue()
            self.assertEqual(self._owner_emails(), [])
        self.assertEqual(old_mail.state, "cancel")
        self.assertNotEqual(old_token, new_token)
        self.assertEqual(ticket.engagement_id.mail_state, "sent")

    def test_the_delegate_email_is_retried_with_its_own_link(self):
        """The owner hands the request on during an outage: the delegate's
        email is retried like any other, and the engineer who asked is told."""
        ticket = self.unassigned
        start = fields.Datetime.now()
        with freeze_time(start), self.mock_smtplib_connection():
            owner_token = live_token(self._send(ticket))
            self._run_queue()
            with self.smtp_down():
                self.env["fusion.helpdesk.engagement"]._delegate(
                    owner_token, "Dana Deputy", "dana@acme.example.com"
                )
                [mail] = self.env["mail.mail"].sudo().search([("email_to", "ilike", "dana@")])
                token = live_token(mail)
                self._run_queue()
            delegate_round = ticket.engagement_id
            self.assertEqual(delegate_round.owner_email, "dana@acme.example.com")
            self.assertEqual(delegate_round.mail_state, "retrying")
            self.assertEqual(mail.state, "outgoing")
            self.assertEqual(len(self._notes_to_engineer(ticket, "could not be sent")), 1)
        with (
            freeze_time(start + timedelta(minutes=MAIL_RETRY_DELAYS[0] + 1)),
            self.mock_smtplib_connection(),
        ):
            self._run_queue()
            [sent] = [e for e in self.emails if "dana@acme.example.com" in e["smtp_to_list"]]
        self.assertEqual(sent_links(sent), [token])
        self.assertEqual(delegate_round.mail_state, "sent")
