# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""One conversation: central does not email the requesters of a client's
tickets (they hear of them in their own Odoo) unless the client key says so."""

import json

from odoo.tests import tagged

from odoo.addons.mail.tests.common import MockEmail

from .test_sync_api import SyncApiCase


@tagged("post_install", "-at_install")
class TestRequesterNotifications(SyncApiCase, MockEmail):
    def send_message(self, body):
        """The engineer's Send message, through Odoo's full composer, with the
        requester picked as a recipient (and following the ticket)."""
        self.ticket.message_subscribe(partner_ids=self.requester.ids)
        composer = (
            self.env["mail.compose.message"]
            .with_user(self.engineer)
            .with_context(
                default_model="helpdesk.ticket",
                default_res_ids=self.ticket.ids,
                default_composition_mode="comment",
                default_subtype_xmlid="mail.mt_comment",
            )
            .create({"body": body, "partner_ids": [(6, 0, self.requester.ids)]})
        )
        composer.action_send_mail()
        return self.ticket.message_ids[0]

    def mails_to_requester(self, message):
        return (
            self.env["mail.mail"]
            .sudo()
            .search(
                [
                    ("mail_message_id", "=", message.id),
                    ("recipient_ids", "in", self.requester.ids),
                ]
            )
        )

    def test_a_clients_requester_gets_no_email_from_central(self):
        self.assertFalse(self.client_key.notify_requesters, "off by default")
        message = self.send_message("<p>We are on it.</p>")
        self.assertIn("We are on it.", message.body)
        self.assertFalse(self.mails_to_requester(message))
        self.assertNotIn(self.requester, message.notification_ids.res_partner_id)
        # She still hears of it, in her own Odoo: the message is in the feed.
        __, tickets, __ = self.all_updates()
        messages = [m["id"] for t in tickets if t["id"] == self.ticket.id for m in t["messages"]]
        self.assertIn(message.id, messages)

    def test_the_provider_may_turn_the_emails_on_per_client(self):
        self.client_key.sudo().notify_requesters = True
        message = self.send_message("<p>We are on it.</p>")
        self.assertEqual(len(self.mails_to_requester(message)), 1)

    def stage_mails_to_requester(self):
        """Emails that left for the requester (sent ones included: the stage
        template's are deleted once sent)."""
        return [
            mail for mail in self.mails_left if self.requester.email in " ".join(mail["email_to"])
        ]

    def close_by_stage_with_an_email(self):
        """The engineer moves the ticket to a stage that emails its customer
        (helpdesk_mgmt's "closed" template, as its demo stages do)."""
        stage = self.env["helpdesk.ticket.stage"].create(
            {
                "name": "Closed with email",
                "closed": True,
                "mail_template_id": self.env.ref("helpdesk_mgmt.closed_ticket_template").id,
            }
        )
        with self.mock_mail_gateway():
            # The engineer's own session, over JSON-RPC (the test class's
            # environment disables tracking, hence its stage templates).
            self.authenticate(self.engineer.login, self.engineer.login)
            response = self.url_open(
                "/web/dataset/call_kw/helpdesk.ticket/write",
                data=json.dumps(
                    {
                        "jsonrpc": "2.0",
                        "method": "call",
                        "params": {
                            "model": "helpdesk.ticket",
                            "method": "write",
                            "args": [self.ticket.ids, {"stage_id": stage.id}],
                            "kwargs": {},
                        },
                    }
                ),
                headers={"Content-Type": "application/json"},
            )
            self.assertNotIn("error", response.json())
            self.env.cr.flush()  # tracking (and its stage template) runs before commit
            self.env["mail.mail"].sudo().process_email_queue()
            self.mails_left = list(self._mails)

    def test_stage_emails_do_not_reach_a_clients_requester(self):
        """Attacker run F4: helpdesk_mgmt's stage template mailed the requester
        (with a sign-up link to central's portal) past the silencing."""
        self.assertEqual(self.ticket.partner_id, self.requester)
        self.close_by_stage_with_an_email()
        self.assertFalse(self.stage_mails_to_requester())

    def test_stage_emails_reach_the_requester_when_the_provider_turns_them_on(self):
        self.client_key.sudo().notify_requesters = True
        self.close_by_stage_with_an_email()
        self.assertEqual(len(self.stage_mails_to_requester()), 1)

    def test_a_ticket_without_client_still_emails_its_customer(self):
        phone = self.env["helpdesk.ticket"].create(
            {"name": "Phone call", "description": "<p>Called</p>", "partner_id": self.requester.id}
        )
        phone.message_subscribe(partner_ids=self.requester.ids)
        message = phone.with_user(self.engineer).message_post(
            body="Noted.", message_type="comment", subtype_xmlid="mail.mt_comment"
        )
        self.assertEqual(len(self.mails_to_requester(message)), 1)
