# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""One conversation: central does not email the requesters of a client's
tickets (they hear of them in their own Odoo) unless the client key says so."""

from odoo.tests import tagged

from .test_sync_api import SyncApiCase


@tagged("post_install", "-at_install")
class TestRequesterNotifications(SyncApiCase):
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

    def test_a_ticket_without_client_still_emails_its_customer(self):
        phone = self.env["helpdesk.ticket"].create(
            {"name": "Phone call", "description": "<p>Called</p>", "partner_id": self.requester.id}
        )
        phone.message_subscribe(partner_ids=self.requester.ids)
        message = phone.with_user(self.engineer).message_post(
            body="Noted.", message_type="comment", subtype_xmlid="mail.mt_comment"
        )
        self.assertEqual(len(self.mails_to_requester(message)), 1)
