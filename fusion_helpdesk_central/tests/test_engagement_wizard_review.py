# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Reviewing before sending: edited summaries survive a new generation, and
the wizard shows the owner's email, without links, before it leaves."""

from odoo.tests import Form, tagged

from .common import FusionHelpdeskCentralCommon
from .openai_server import OpenAIServer
from .test_engagement_wizard import ICP_BASE_URL, ICP_KEY, echo_reply

DISCARD = {"fusion_discard_edited_summary": True}


@tagged("post_install", "-at_install")
class TestEngagementWizardReview(FusionHelpdeskCentralCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_client = cls.env["fusion.helpdesk.client.key"].create(
            {
                "name": "Globex",
                "owner_email": "gina@globex.example.com",
                "owner_name": "Gina Globex",
            }
        )
        cls.ticket_b = cls._create_ticket("VPN drops every hour")
        cls.ticket_c = cls._create_ticket("New laptop for Bob", client_key=cls.other_client)

    def _use_server(self, server):
        params = self.env["ir.config_parameter"].sudo()
        params.set_param(ICP_KEY, "sk-test-not-a-real-key")
        params.set_param(ICP_BASE_URL, server.base_url)

    def _wizard(self, tickets, **values):
        wizard = (
            self.env["fusion.helpdesk.engagement.wizard"]
            .with_user(self.engineer)
            .with_context(active_model="helpdesk.ticket", active_ids=tickets.ids)
            .create({})
        )
        if values:
            wizard.write(values)
        return wizard

    def _line(self, wizard, ticket):
        return wizard.line_ids.filtered(lambda line: line.ticket_id == ticket)

    # ------------------------------------------------------------------ edits kept
    def test_generating_again_keeps_an_edited_summary_unless_confirmed(self):
        with OpenAIServer(reply="AI text one") as server:
            self._use_server(server)
            wizard = self._wizard(self.ticket, findings="Fuser worn out, 2h")
            wizard.action_generate_summary()
            self.assertEqual(wizard.summary, "AI text one")
            self.assertFalse(wizard.summary_edited, "untouched AI text is not an edit")
            wizard.summary = "AI text one, and my own sentence."
            self.assertTrue(wizard.summary_edited)
            server.reply = "AI text two"
            wizard.action_generate_summary()
            self.assertEqual(len(server.requests), 1, "no AI call for a kept edit")
            self.assertEqual(wizard.summary, "AI text one, and my own sentence.")
            self.assertIn("edited summary was kept", wizard.ai_notice)
            wizard.with_context(**DISCARD).action_generate_summary()
            self.assertEqual(len(server.requests), 2)
        self.assertEqual(wizard.summary, "AI text two")
        self.assertFalse(wizard.ai_notice)

    def test_a_typed_summary_counts_as_edited(self):
        with OpenAIServer(reply="AI text") as server:
            self._use_server(server)
            wizard = self._wizard(self.ticket, findings="F", summary="Typed by me")
            wizard.action_generate_summary()
            self.assertEqual(server.requests, [])
        self.assertEqual(wizard.summary, "Typed by me")

    def test_generate_all_skips_edited_lines_and_names_them(self):
        tickets = self.ticket | self.ticket_b
        with OpenAIServer(reply=echo_reply) as server:
            self._use_server(server)
            wizard = self._wizard(tickets)
            self._line(wizard, self.ticket).findings = "Fuser worn out"
            self._line(wizard, self.ticket_b).write(
                {"findings": "VPN keepalive", "summary": "My own words on the VPN"}
            )
            wizard.action_generate_all_summaries()
            self.assertEqual(len(server.requests), 1, "only the unedited line is generated")
            self.assertIn("Fuser worn out", self._line(wizard, self.ticket).summary)
            self.assertEqual(self._line(wizard, self.ticket_b).summary, "My own words on the VPN")
            self.assertIn("Kept your edited summary of %s" % self.ticket_b.number, wizard.ai_notice)
            wizard.with_context(**DISCARD).action_generate_all_summaries()
            self.assertEqual(len(server.requests), 3, "confirmed: both lines again")
        self.assertIn("VPN keepalive", self._line(wizard, self.ticket_b).summary)
        self.assertNotIn("Kept", wizard.ai_notice or "")

    # ------------------------------------------------------------------ preview
    def test_preview_shows_the_owner_email_from_the_unsaved_texts_without_links(self):
        form = Form(
            self.env["fusion.helpdesk.engagement.wizard"]
            .with_user(self.engineer)
            .with_context(active_model="helpdesk.ticket", active_ids=self.ticket.ids)
        )
        form.findings = "Scope: the fuser <b>only</b>"
        form.summary = "Replace the fuser, two hours."
        # Exactly the To the mail gets: one address, the name cleaned.
        self.assertEqual(form.preview_to, '"Olivia Owner" <owner@acme.example.com>')
        self.assertIn(self.ticket.number, form.preview_subject)
        body = str(form.preview_body)
        self.assertIn("Replace the fuser, two hours.", body)
        self.assertIn("Scope: the fuser &lt;b&gt;only&lt;/b&gt;", body, "typed text is escaped")
        self.assertIn(self.engineer.name, body, "the owner sees who asks")
        self.assertIn("Approve", body)
        self.assertNotIn("href", body, "no link at all, let alone a live one")
        self.assertNotIn("/helpdesk/engagement/", body)
        self.assertEqual(self.ticket.engagement_state, "none", "previewing starts nothing")
        self.assertFalse(self.ticket.engagement_summary)
        self.assertFalse(
            self.env["mail.mail"].sudo().search([("email_to", "ilike", "owner@acme")]),
            "previewing sends nothing",
        )

    def test_bulk_preview_shows_one_card_per_ticket_of_the_first_owner(self):
        wizard = self._wizard(self.ticket | self.ticket_b | self.ticket_c)
        self._line(wizard, self.ticket).summary = "Summary of the printer"
        self._line(wizard, self.ticket_b).summary = "Summary of the VPN"
        self._line(wizard, self.ticket_c).summary = "Summary of the laptop"
        body = str(wizard.preview_body)
        self.assertIn("Summary of the printer", body)
        self.assertIn("Summary of the VPN", body)
        self.assertNotIn("Summary of the laptop", body, "another owner's email")
        self.assertIn("2 support requests", wizard.preview_subject)
        self.assertIn("2 emails will leave", wizard.preview_note)
        self.assertNotIn("href", body)
