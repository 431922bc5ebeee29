# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A name is not a header (issue 20, points 1 and 2): whoever types a name
(a delegate on the public page, a helpdesk manager over JSON-RPC, a client
through the intake API, or a record stored before the names rule), the SMTP
envelope of every approval email holds the intended address only."""

import email
import email.policy
import email.utils
import json
from datetime import timedelta
from unittest.mock import patch

from odoo import fields
from odoo.tests import HttpCase, tagged

from odoo.addons.base.tests.common import MockSmtplibCase

from .common import FusionHelpdeskCentralCommon, call_kw, live_token
from .test_engagement_pages import CSRF_INPUT

OWNER = "owner@acme.example.com"
ATTACKER = "attacker@evil.example"
# What the attacker types as a name: the owner's name, a CR, then their address.
SMUGGLING_NAME = "Olivia Owner\r," + ATTACKER
HOSTILE_NAMES = (
    SMUGGLING_NAME,
    "Olivia Owner\n," + ATTACKER,
    "Olivia Owner\r\nBcc: " + ATTACKER,
    "Olivia\u2028," + ATTACKER,
    "Olivia\x85," + ATTACKER,
    'Olivia" <' + ATTACKER + '>, "x',
)
REMINDER_DAYS = "fusion_helpdesk_central.engagement_reminder_days"


@tagged("post_install", "-at_install")
class TestNameHeaderInjection(MockSmtplibCase, HttpCase, FusionHelpdeskCentralCommon):
    # ------------------------------------------------------------ helpers
    def _new_mails(self, before):
        """Approval emails queued since mail id ``before``."""
        mails = self.env["mail.mail"].sudo().search([("id", ">", before)], order="id")
        return mails.filtered("fusion_engagement_ticket_ids")

    def _last_mail_id(self):
        return self.env["mail.mail"].sudo().search([], order="id desc", limit=1).id or 0

    def _envelopes(self, mails):
        """Send ``mails`` through Odoo's real mail stack to a fake SMTP server;
        return the recipients of each SMTP transaction (the envelope)."""
        self.assertTrue(mails, "an approval email was queued")
        with self.mock_smtplib_connection():
            mails.send(raise_exception=True)
            return [sorted(email["smtp_to_list"]) for email in self.emails]

    def _delegate(self, token, name, email):
        """Open the delegate page, then post its form like a browser does."""
        url = "/fusion_helpdesk/engagement/%s/delegate" % token
        page = self.url_open(url)
        self.assertEqual(page.status_code, 200)
        csrf = CSRF_INPUT.search(page.text).group(1)
        return self.url_open(
            url, data={"csrf_token": csrf, "delegate_name": name, "delegate_email": email}
        )

    def _send_wizard(self, ticket):
        """The engineer requests the approval through the wizard; return its
        preview's To and the queued mails."""
        before = self._last_mail_id()
        wizard = (
            self.env["fusion.helpdesk.engagement.wizard"]
            .with_user(self.engineer)
            .with_context(active_model="helpdesk.ticket", active_ids=ticket.ids)
            .create({"summary": "Replace the fuser unit."})
        )
        preview_to = wizard.preview_to
        wizard.action_send()
        return preview_to, self._new_mails(before)

    # ------------------------------------------------------------ point 1: the delegate
    def test_a_delegate_cannot_smuggle_a_recipient_into_the_owners_link(self):
        """The attack of issue 20: someone the owner handed one request to
        hands it back to the owner with a name that carries their own address.
        The owner's new link must reach the owner only (else the attacker's
        ``/all`` link decides every pending request of the owner)."""
        __, owner_token = self._start_round(self.ticket)
        other_ticket = self._create_ticket("Second pending request")
        self._start_round(other_ticket)
        before = self._last_mail_id()
        response = self._delegate(owner_token, "Mallory", ATTACKER)
        self.assertEqual(response.status_code, 200)
        attacker_token = live_token(self._new_mails(before)[-1:])
        self.assertTrue(attacker_token)

        before = self._last_mail_id()
        response = self._delegate(attacker_token, SMUGGLING_NAME, OWNER)

        self.assertEqual(response.status_code, 200)
        self.assertEqual(self._envelopes(self._new_mails(before)), [[OWNER]])
        child = self.ticket.sudo().engagement_id
        self.assertEqual(
            (child.owner_email, child.owner_name), (OWNER, "Olivia Owner ,attacker evil.example")
        )
        self.assertNotIn("\r", response.text)

    def test_no_hostile_delegate_name_adds_a_recipient(self):
        for name in HOSTILE_NAMES:
            with self.subTest(name=name):
                __, token = self._start_round(self.ticket)
                before = self._last_mail_id()
                response = self._delegate(token, name, "dana@acme.example.com")
                self.assertEqual(response.status_code, 200)
                self.assertEqual(
                    self._envelopes(self._new_mails(before)), [["dana@acme.example.com"]]
                )
                owner_name = self.ticket.sudo().engagement_id.owner_name
                self.assertNotIn("@", owner_name)
                self.assertEqual(owner_name, " ".join(owner_name.split()))

    def test_a_name_of_only_separators_is_no_name(self):
        __, token = self._start_round(self.ticket)
        before = self._last_mail_id()
        response = self._delegate(token, "\r\n<@>", "dana@acme.example.com")
        self.assertEqual(response.status_code, 422)
        self.assertIn("Please give the name", response.text)
        self.assertFalse(self._new_mails(before))

    # ------------------------------------------------------------ point 2: the manager
    def test_a_manager_cannot_add_himself_to_the_approval_emails(self):
        """A helpdesk manager writes the client's owner name over JSON-RPC
        ``call_kw``; the engineer's next approval email (and the wizard's
        preview) goes to the owner only."""
        self.authenticate("fusion-manager", "fusion-manager")
        Key = "fusion.helpdesk.client.key"
        call_kw(self, Key, "write", [self.client_key.id], {"owner_name": SMUGGLING_NAME})

        preview_to, mails = self._send_wizard(self.ticket)

        email_to = mails.email_to  # read before sending: sent mails are deleted
        self.assertEqual(self._envelopes(mails), [[OWNER]])
        self.assertEqual(email_to, '"Olivia Owner attacker evil.example" <%s>' % OWNER)
        self.assertEqual(preview_to, email_to)
        # Stored clean, whichever way the manager writes it (the form's web_save, create).
        self.env.invalidate_all()
        self.assertEqual(self.client_key.owner_name, "Olivia Owner ,attacker evil.example")
        call_kw(self, Key, "write", [self.client_key.id], {"owner_name": "Olivia Owner"})
        call_kw(
            self,
            Key,
            "web_save",
            [self.client_key.id],
            {"owner_name": "Olivia\u2028," + ATTACKER},
            specification={},
        )
        self.env.invalidate_all()
        self.assertEqual(self.client_key.owner_name, "Olivia ,attacker evil.example")
        created = call_kw(
            self,
            Key,
            "create",
            [{"name": "Initech", "owner_email": OWNER, "owner_name": SMUGGLING_NAME}],
        )
        self.assertEqual(
            self.env[Key].browse(created).owner_name, "Olivia Owner ,attacker evil.example"
        )

    def test_the_to_header_on_the_wire_names_one_recipient(self):
        """A manager's hostile owner name (commas, a line separator, angle
        brackets) through call_kw, the engineer sends through the wizard: the
        To header of the message that leaves reads as one address, the owner's."""
        self.authenticate("fusion-manager", "fusion-manager")
        hostile = "Olivia Owner\r\n,maria.manager@provider.example.com\u2028<%s>; x: y" % ATTACKER
        call_kw(
            self,
            "fusion.helpdesk.client.key",
            "write",
            [self.client_key.id],
            {"owner_name": hostile},
        )
        __, mails = self._send_wizard(self.ticket)
        self.assertEqual(self._envelopes(mails), [[OWNER]])
        raw = email.message_from_string(self.emails[0]["message"], policy=email.policy.compat32)
        self.assertEqual(len(raw.get_all("To")), 1)
        recipients = email.utils.getaddresses(raw.get_all("To"))
        self.assertEqual(len(recipients), 1, raw["To"])
        self.assertEqual(recipients[0][1], OWNER)

    def test_a_client_piggybacking_a_smuggling_owner_name_reaches_nobody_else(self):
        key = self.client_key._generate_key()
        response = self.url_open(
            "/fusion_helpdesk_central/api/v1/tickets",
            data=json.dumps(
                {
                    "subject": "Printer",
                    "description": "Smoke.",
                    "requester_name": "Jane\r," + ATTACKER,
                    "requester_email": "jane@acme.example.com",
                    "owner_email": OWNER,
                    "owner_name": "Olivia Owner\u2029," + ATTACKER,
                }
            ),
            headers={"Authorization": "Bearer %s" % key, "Content-Type": "application/json"},
            method="POST",
        )
        self.assertEqual(response.status_code, 201, response.text)
        ticket = self.env["helpdesk.ticket"].browse(response.json()["id"])
        ticket.user_id = self.engineer
        __, mails = self._send_wizard(ticket)
        self.assertEqual(self._envelopes(mails), [[OWNER]])
        self.assertEqual(self.client_key.owner_name, "Olivia Owner ,attacker evil.example")
        self.assertEqual(ticket.partner_id.name, "Jane ,attacker evil.example")

    # ------------------------------------------------------------ records from before the rule
    def test_a_dirty_name_stored_before_the_rule_is_cleaned_at_send(self):
        """A round (and its client) saved with a smuggling name before this
        release: its reminder, sent by the cron, reaches the owner only."""
        self.env["ir.config_parameter"].sudo().set_param(REMINDER_DAYS, "3")
        engagement, __ = self._start_round(
            self.ticket, sent_at=fields.Datetime.now() - timedelta(days=4)
        )
        # As an older release stored it (no write path stores it any more).
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE fusion_helpdesk_engagement SET owner_name = %s WHERE id = %s",
            (SMUGGLING_NAME, engagement.id),
        )
        self.env.invalidate_all()
        # The ticket shows its round's (it keeps no copy of its own).
        self.assertEqual(self.ticket.engagement_owner_name, SMUGGLING_NAME)
        before = self._last_mail_id()
        with patch.object(
            self.env.registry["ir.cron"], "_commit_progress", lambda *args, **kwargs: 60
        ):
            self.env["fusion.helpdesk.engagement"]._cron_remind()
        self.assertTrue(engagement.reminded_at)
        self.assertEqual(self._envelopes(self._new_mails(before)), [[OWNER]])
        # Its decision is authored by the owner's contact, none made of the smuggled address.
        self.assertEqual(engagement._owner_partner(create=True).email_normalized, OWNER)
        self.assertFalse(
            self.env["res.partner"]
            .with_context(active_test=False)
            .search([("email_normalized", "=", ATTACKER)])
        )
        # A client saved with such a name: the next round snapshots it clean.
        self.env.cr.execute(
            "UPDATE fusion_helpdesk_client_key SET owner_name = %s WHERE id = %s",
            (SMUGGLING_NAME, self.client_key.id),
        )
        self.env.invalidate_all()
        __, mails = self._send_wizard(self.ticket)
        self.assertEqual(self._envelopes(mails), [[OWNER]])
        self.assertEqual(
            self.ticket.sudo().engagement_id.owner_name, "Olivia Owner ,attacker evil.example"
        )
