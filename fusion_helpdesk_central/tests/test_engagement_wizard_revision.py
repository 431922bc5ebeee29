# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The wizard around its hard cases: bulk rows that cannot be sent, asking
again after the owner requested changes, no AI key, and which owner's email
the bulk preview shows."""

from odoo.exceptions import UserError
from odoo.tests import Form, HttpCase, tagged

from .common import FusionHelpdeskCentralCommon, ticket_live_token
from .openai_server import OpenAIServer
from .test_engagement_wizard import ICP_BASE_URL, ICP_KEY, echo_reply


@tagged("post_install", "-at_install")
class TestEngagementWizardRevision(HttpCase, FusionHelpdeskCentralCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.no_owner = cls.env["fusion.helpdesk.client.key"].create({"name": "No Owner"})
        cls.other_client = cls.env["fusion.helpdesk.client.key"].create(
            {"name": "Globex", "owner_email": "gina@globex.example.com", "owner_name": "Gina"}
        )
        cls.ticket_b = cls._create_ticket("VPN drops every hour")
        cls.orphan = cls._create_ticket("Orphan", client_key=cls.no_owner)
        cls.stray = cls._create_ticket("Stray", client_key=cls.env["fusion.helpdesk.client.key"])
        params = cls.env["ir.config_parameter"].sudo()
        params.set_param(ICP_KEY, False)
        params.set_param(ICP_BASE_URL, False)

    def _form(self, tickets, user=None):
        return Form(
            self.env["fusion.helpdesk.engagement.wizard"]
            .with_user(user or self.engineer)
            .with_context(active_model="helpdesk.ticket", active_ids=tickets.ids)
        )

    def _line_index(self, form, ticket):
        for index in range(len(form.line_ids)):
            if form.line_ids.edit(index).ticket_id == ticket:
                return index
        raise AssertionError("no row for %s" % ticket.number)

    def _type(self, form, ticket, findings, summary=None):
        with form.line_ids.edit(self._line_index(form, ticket)) as line:
            line.findings = findings
            if summary is not None:
                line.summary = summary

    def _use_server(self, server):
        params = self.env["ir.config_parameter"].sudo()
        params.set_param(ICP_KEY, "sk-test-not-a-real-key")
        params.set_param(ICP_BASE_URL, server.base_url)

    def _mails_to(self, email):
        return self.env["mail.mail"].sudo().search([("email_to", "ilike", email)])

    # ------------------------------------------------------------ bulk: bad rows
    def test_rows_without_client_or_owner_are_flagged_on_open(self):
        form = self._form(self.ticket | self.orphan | self.stray)
        reasons = {
            form.line_ids.edit(i).ticket_id: form.line_ids.edit(i).blocked_reason
            for i in range(len(form.line_ids))
        }
        self.assertFalse(reasons[self.ticket])
        self.assertIn("owner email of client No Owner is not known", reasons[self.orphan])
        self.assertIn("no client", reasons[self.stray])
        self.assertIn(self.orphan.number, form.blocked_warning)
        self.assertIn(self.stray.number, form.blocked_warning)
        self.assertNotIn(self.ticket.number, form.blocked_warning)

    def test_generate_all_calls_no_ai_for_rows_that_cannot_be_sent(self):
        with OpenAIServer(reply=echo_reply) as server:
            self._use_server(server)
            form = self._form(self.ticket | self.orphan)
            self._type(form, self.ticket, "Fuser worn out")
            self._type(form, self.orphan, "Orphan findings")
            wizard = form.save()
            wizard.with_user(self.engineer).action_generate_all_summaries()
            self.assertEqual(len(server.requests), 1, "one call: the valid row's")
        lines = {line.ticket_id: line for line in wizard.line_ids}
        self.assertIn("Fuser worn out", lines[self.ticket].summary)
        self.assertFalse(lines[self.orphan].summary)
        self.assertEqual(lines[self.orphan].findings, "Orphan findings", "typed text kept")
        self.assertIn(self.orphan.number, wizard.ai_notice)

    def test_send_sends_the_valid_rows_and_keeps_the_skipped_ones_open(self):
        form = self._form(self.ticket | self.ticket_b | self.orphan)
        self._type(form, self.ticket, "Fuser", "Plan for the printer")
        self._type(form, self.ticket_b, "Keepalive", "Plan for the VPN")
        self._type(form, self.orphan, "Orphan findings", "Plan for the orphan")
        wizard = form.save()
        action = wizard.with_user(self.engineer).action_send()

        self.assertEqual(self.ticket.engagement_state, "pending")
        self.assertEqual(self.ticket_b.engagement_state, "pending")
        self.assertEqual(self.orphan.engagement_state, "none")
        self.assertEqual(len(self._mails_to("owner@acme.example.com")), 1)
        params = action["params"]
        self.assertEqual(params["type"], "warning")
        self.assertIn(self.ticket.number, params["message"])
        self.assertIn("Not sent: %s" % self.orphan.number, params["message"])
        self.assertIn("is not known", params["message"], "says why")
        # What was typed for the skipped row is still on screen.
        self.assertEqual(params["next"]["res_id"], wizard.id)
        self.assertEqual(wizard.line_ids.ticket_id, self.orphan)
        self.assertEqual(wizard.line_ids.findings, "Orphan findings")

    def test_a_skipped_row_without_typed_text_closes_the_wizard(self):
        form = self._form(self.ticket | self.orphan)
        self._type(form, self.ticket, "Fuser", "Plan for the printer")
        action = form.save().with_user(self.engineer).action_send()
        self.assertEqual(action["params"]["next"], {"type": "ir.actions.act_window_close"})
        self.assertIn(self.orphan.number, action["params"]["message"])
        self.assertEqual(self.ticket.engagement_state, "pending")

    def test_a_removed_row_is_not_sent(self):
        form = self._form(self.ticket | self.ticket_b | self.orphan)
        self._type(form, self.ticket, "Fuser", "Plan for the printer")
        form.line_ids.remove(self._line_index(form, self.orphan))
        form.line_ids.remove(self._line_index(form, self.ticket_b))
        self.assertFalse(form.blocked_warning, "the bad row is gone")
        action = form.save().with_user(self.engineer).action_send()
        self.assertEqual(action["params"]["type"], "success")
        self.assertEqual(self.ticket.engagement_state, "pending")
        self.assertEqual(self.ticket_b.engagement_state, "none")
        self.assertEqual(self.orphan.engagement_state, "none")

    def test_nothing_sendable_sends_nothing_and_keeps_the_rows(self):
        form = self._form(self.ticket | self.orphan)
        self._type(form, self.orphan, "Orphan findings", "Plan for the orphan")
        wizard = form.save()
        with self.assertRaisesRegex(UserError, "Nothing was sent"):
            wizard.with_user(self.engineer).action_send()
        self.assertEqual(len(wizard.line_ids), 2)
        self.assertEqual(self.ticket.engagement_state, "none")
        self.assertFalse(self._mails_to("owner@acme.example.com"))

    # ------------------------------------------------------------ revision loop
    def _changes_requested(self, comment):
        """Send a first request and have the owner ask for changes on it."""
        form = self._form(self.ticket)
        form.findings = "Scope: the fuser. Effort: 2 hours."
        form.summary = "Replace the fuser, two hours."
        form.save().with_user(self.engineer).action_send()
        first = self.ticket.engagement_id
        decided = self.env["helpdesk.ticket"]._engagement_decide(
            ticket_live_token(self.ticket), "changes", comment=comment
        )
        self.assertEqual(decided, self.ticket)
        self.assertEqual(self.ticket.engagement_state, "changes_requested")
        return first

    def test_asking_again_after_changes_starts_from_the_owner_comment(self):
        first = self._changes_requested("Do it after the audit, please.")
        todo = self.ticket.activity_ids.filtered(lambda a: "Changes Requested" in a.summary)
        self.assertEqual(len(todo), 1, "the engineer was told")

        form = self._form(self.ticket)
        self.assertEqual(form.revision_comment, "Do it after the audit, please.")
        self.assertEqual(form.findings, "Scope: the fuser. Effort: 2 hours.")
        self.assertEqual(form.summary, "Replace the fuser, two hours.")
        self.assertIn("Revised proposal", form.preview_subject)
        self.assertIn("Do it after the audit, please.", str(form.preview_body))
        form.summary = "Replace the fuser after the audit, two hours."
        form.save().with_user(self.engineer).action_send()

        second = self.ticket.engagement_id
        self.assertNotEqual(second, first)
        self.assertEqual(second.parent_id, first)
        self.assertEqual(second.revision_comment, "Do it after the audit, please.")
        mail = (
            self.env["mail.mail"]
            .sudo()
            .search([("fusion_engagement_ids", "in", second.ids)], limit=1)
        )
        self.assertTrue(mail.subject.startswith("Revised proposal: Your approval is needed"))
        self.assertIn("answering your request for changes", mail.body_html)
        self.assertIn("Do it after the audit, please.", mail.body_html)
        self.assertIn("after the audit, two hours.", mail.body_html)
        self.assertFalse(todo.active, "the stale to-do is done")
        # The owner's page says it too (GET renders, decides nothing).
        page = self.url_open(
            "/fusion_helpdesk/engagement/%s/approve" % ticket_live_token(self.ticket)
        )
        self.assertIn("Revised proposal, answering your request for changes", page.text)
        self.assertIn("Do it after the audit, please.", page.text)
        self.assertEqual(second.state, "pending")
        self.assertNotIn(todo, self.ticket.activity_ids)
        self.assertIn(
            "A revised request was sent to the owner.",
            "".join(self.ticket.message_ids.mapped("body")),
        )

    def test_a_forged_revision_shows_nothing_of_another_ticket(self):
        first = self._changes_requested("Secret plans of Acme")
        wizard = (
            self.env["fusion.helpdesk.engagement.wizard"]
            .with_user(self.engineer)
            .with_context(active_model="helpdesk.ticket", active_ids=self.ticket_b.ids)
            .create({"revision_of_id": first.id})
        )
        self.assertFalse(wizard.revision_of_id)
        self.assertFalse(wizard.revision_comment)
        self.assertNotIn("Secret plans", wizard.preview_body or "")

    def test_a_first_request_is_not_a_revision(self):
        form = self._form(self.ticket)
        self.assertFalse(form.revision_of_id)
        self.assertFalse(form.findings)
        form.summary = "Plan"
        self.assertNotIn("Revised", form.preview_subject)
        form.save().with_user(self.engineer).action_send()
        self.assertFalse(self.ticket.engagement_id.revision_comment)

    def test_an_approved_ticket_opens_blank(self):
        self._changes_requested("Later")
        form = self._form(self.ticket)
        form.save().with_user(self.engineer).action_send()
        self.env["helpdesk.ticket"]._engagement_decide(ticket_live_token(self.ticket), "approve")
        form = self._form(self.ticket)
        self.assertFalse(form.revision_of_id)
        self.assertFalse(form.summary)

    def test_changes_requested_filter_finds_the_ticket(self):
        self._changes_requested("Later")
        views = self.env["helpdesk.ticket"].with_user(self.engineer).get_views([(False, "search")])
        arch = views["views"]["search"]["arch"]
        self.assertIn('name="engagement_changes_requested"', arch)
        found = self.env["helpdesk.ticket"].search([("engagement_state", "=", "changes_requested")])
        self.assertEqual(found, self.ticket)

    # ------------------------------------------------------------ AI key
    def test_the_wizard_says_when_no_ai_key_is_set(self):
        form = self._form(self.ticket)
        self.assertFalse(form.ai_configured)
        self.assertFalse(form.is_settings_admin)
        admin_form = self._form(self.ticket, user=self.env.ref("base.user_admin"))
        self.assertTrue(admin_form.is_settings_admin)
        action = admin_form.save().action_open_ai_settings()
        self.assertEqual(action["res_model"], "res.config.settings")
        self.assertEqual(action["context"]["module"], "helpdesk_mgmt")
        with OpenAIServer() as server:
            self._use_server(server)
            self.assertTrue(self._form(self.ticket).ai_configured)

    # ------------------------------------------------------------ bulk preview
    def test_bulk_preview_shows_the_owner_the_engineer_picks(self):
        globex = self._create_ticket("New laptop", client_key=self.other_client)
        form = self._form(self.ticket | globex | self.orphan)
        self._type(form, self.ticket, "Fuser", "Plan for the printer")
        self._type(form, globex, "Laptop", "Plan for the laptop")
        self.assertIn("owner@acme.example.com", form.preview_to)
        self.assertIn("2 emails will leave", form.preview_note)
        form.preview_client_key_id = self.other_client
        self.assertIn("gina@globex.example.com", form.preview_to)
        self.assertIn("Plan for the laptop", str(form.preview_body))
        self.assertNotIn("Plan for the printer", str(form.preview_body))

    # ------------------------------------------------------------ signature
    def test_the_engineer_signs_once(self):
        """A signature names the engineer already: the email does not repeat
        the name above it; without one, the name and company sign."""
        for signature, signed_by in (
            ("<p>Eddie, Printers team</p>", "Eddie, Printers team"),
            (False, "Eddie Engineer"),
        ):
            with self.subTest(signature=signature):
                self.engineer.signature = signature
                form = self._form(self.ticket)
                form.summary = "Plan"
                body = str(form.preview_body)
                closing = body[body.index("Kind regards,") :]
                self.assertEqual(closing.count(signed_by), 1, closing)
                self.assertEqual(
                    closing.count("Eddie Engineer"), 0 if signature else 1, "signed once"
                )
