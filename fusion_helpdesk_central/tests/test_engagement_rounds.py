# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Approval rounds: one record per request, kept, tokens stored as digests,
AI provenance, and emails in the name of the engineer who asked."""

from unittest.mock import patch

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import FusionHelpdeskCentralCommon, ticket_live_token
from .openai_server import OpenAIServer
from .test_engagement_wizard import ICP_BASE_URL, ICP_KEY

CONTEXT_SIGNATURE = "<p>Eddie, Printers team</p>"


@tagged("post_install", "-at_install")
class TestEngagementRounds(FusionHelpdeskCentralCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.engineer.signature = CONTEXT_SIGNATURE
        cls.other_engineer = new_test_user(
            cls.env,
            login="fusion-own-only",
            name="Olga Own",
            groups="helpdesk_mgmt.group_helpdesk_user_own",
        )

    def _send(self, ticket, summary="The plan", user=None, **values):
        wizard = (
            self.env["fusion.helpdesk.engagement.wizard"]
            .with_user(user or self.engineer)
            .with_context(active_model="helpdesk.ticket", active_ids=ticket.ids)
            .create({"summary": summary, **values})
        )
        return wizard

    def test_resend_supersedes_and_keeps_every_round(self):
        self._send(self.ticket, "First plan", findings="F1").action_send()
        first = self.ticket.engagement_id
        first_token = ticket_live_token(self.ticket)
        self._send(self.ticket, "Second plan").action_send()
        second = self.ticket.engagement_id
        self.assertEqual(self.ticket.engagement_ids, first | second)
        self.assertEqual(first.state, "superseded")
        self.assertFalse(first.sudo().token_hash, "its link died")
        self.assertEqual((first.summary, first.findings), ("First plan", "F1"))
        self.assertEqual(second.parent_id, first)
        self.assertEqual(second.requested_by_id, self.engineer)
        self.assertEqual(self.ticket.engagement_requested_by_id, self.engineer)
        self.assertEqual(self.ticket.sudo().engagement_token, second.sudo().token_hash)
        self.assertFalse(self.env["helpdesk.ticket"]._engagement_decide(first_token, "approve"))

    def test_rounds_are_read_only_and_kept_for_engineers(self):
        self._send(self.ticket).action_send()
        engagement = self.ticket.engagement_id.with_user(self.engineer)
        self.assertEqual(engagement.summary, "The plan")
        # The engineer has no right but read on rounds: the access rights
        # refuse these before the flow's own guards (tested below) run.
        for label, attempt in (
            ("write", lambda: engagement.write({"state": "approved"})),
            ("create", lambda: engagement.create({"ticket_id": self.ticket.id})),
            ("unlink", engagement.unlink),
            ("token hash", lambda: engagement.read(["token_hash"])),
        ):
            with self.subTest(label), self.assertRaises(AccessError):
                attempt()
        # Someone else's ticket: its rounds are out of reach, like the ticket.
        with self.assertRaises(AccessError):
            engagement.with_user(self.other_engineer).read(["summary"])
        self.assertFalse(
            self.env["fusion.helpdesk.engagement"].with_user(self.plain_user).has_access("read")
        )

    def test_rounds_are_kept_whatever_the_access_rights(self):
        """The flow's own guards, beyond the access rights: the administrator
        (every right on rounds) forges and rewrites none, and a manager given
        every right on rounds by another addon deletes none either."""
        self._send(self.ticket).action_send()
        engagement = self.ticket.engagement_id
        admin = new_test_user(
            self.env, login="fusion-admin", name="Ada Admin", groups="base.group_system"
        )
        self.env["ir.model.access"].create(
            {
                "name": "rounds for managers (another addon)",
                "model_id": self.env["ir.model"]._get_id("fusion.helpdesk.engagement"),
                "group_id": self.env.ref("helpdesk_mgmt.group_helpdesk_manager").id,
                "perm_read": True,
                "perm_write": True,
                "perm_create": True,
                "perm_unlink": True,
            }
        )
        for user in (admin, self.manager):
            mine = engagement.with_user(user)
            self.assertTrue(mine.has_access("unlink"), "the access rights allow it all")
            attempts = [
                ("write", lambda mine=mine: mine.write({"state": "approved"})),
                ("create", lambda mine=mine: mine.create({"ticket_id": self.ticket.id})),
            ]
            if user == self.manager:
                attempts.append(("unlink", mine.unlink))
            for label, attempt in attempts:
                with self.subTest(user=user.login, attempt=label), self.assertRaises(AccessError):
                    attempt()
        self.assertEqual(engagement.state, "pending")
        self.assertEqual(self.ticket.engagement_ids, engagement)
        # Kept, not undeletable: an administrator may still clean up.
        engagement.with_user(admin).unlink()
        self.assertFalse(engagement.exists())

    def test_mail_comes_from_the_engineer_who_asked(self):
        self.ticket.user_id = False
        self._send(self.ticket).action_send()
        mail = self.env["mail.mail"].sudo().search([], order="id desc", limit=1)
        self.assertEqual(mail.author_id, self.engineer.partner_id)
        self.assertIn("Eddie Engineer", mail.email_from)
        # Replies go to the ticket's address, never to the engineer's mailbox.
        self.assertNotIn("engineer@provider.example.com", mail.reply_to)
        self.assertIn("Eddie, Printers team", mail.body_html)
        self.assertIn("This summary was written by Eddie Engineer.", mail.body_html)
        self.assertNotIn("drafted with AI", mail.body_html)

    def test_ai_provenance_is_recorded_and_told_to_the_owner(self):
        params = self.env["ir.config_parameter"].sudo()
        with OpenAIServer(reply="- Recommendation: replace it.") as server:
            params.set_param(ICP_KEY, "sk-test-not-a-real-key")
            params.set_param(ICP_BASE_URL, server.base_url)
            for label, edit, edited in (
                ("kept as generated", None, False),
                ("edited", "- Recommendation: replace it. Friday.", True),
            ):
                with self.subTest(label), patch.dict("os.environ", {}, clear=False):
                    ticket = self._create_ticket("AI %s" % label)
                    wizard = self._send(ticket, summary=False, findings="Worn out")
                    wizard.action_generate_summary()
                    if edit:
                        wizard.summary = edit
                    wizard.action_send()
                    engagement = ticket.engagement_id
                    self.assertTrue(engagement.ai_model)
                    self.assertTrue(engagement.ai_generated_at)
                    self.assertEqual(engagement.summary_edited, edited)
                    mail = self.env["mail.mail"].sudo().search([], order="id desc", limit=1)
                    self.assertIn(
                        "drafted with AI from the engineer&#39;s findings and reviewed by "
                        "Eddie Engineer",
                        mail.body_html.replace("'", "&#39;"),
                    )
