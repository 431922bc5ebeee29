# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The owner reads a formatted summary, not Markdown source: the emails (as
they leave over SMTP), the pages, the wizard's preview, the round and the
ticket all show bold, italics and lists, and nothing typed becomes markup."""

from datetime import timedelta
from unittest.mock import patch

from odoo import fields
from odoo.tests import HttpCase, tagged

from odoo.addons.mail.tests.common import MockEmail

from .common import FusionHelpdeskCentralCommon, ticket_live_token

OWNER_EMAIL = "owner@acme.example.com"
SUMMARY = (
    "**Recommendation: approve.** The fuser is worn out.\n"
    "- What: replace the *fuser* unit\n"
    "- Time: 2 hours\n"
    "\n"
    "<img src=x onerror=alert(1)> [docs](javascript:alert(1)) ![p](http://evil.example/p.png)"
)
# What every reader of SUMMARY must see, and must not.
FORMATTED = (
    "<strong>Recommendation: approve.</strong>",
    "<li>What: replace the <em>fuser</em> unit</li>",
    "<li>Time: 2 hours</li>",
    "&lt;img src=x onerror=alert(1)&gt;",
    "[docs](javascript:alert(1))",
)
NOT_SHOWN = (
    "**Recommendation",
    "- What:",
    "*fuser*",
    "<img src=x",
    'href="javascript',
    'src="http://evil',
)


@tagged("post_install", "-at_install")
class TestEngagementSummaryFormat(HttpCase, MockEmail, FusionHelpdeskCentralCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ticket_b = cls._create_ticket("VPN drops every hour")

    # ------------------------------------------------------------ helpers
    def _wizard(self, tickets):
        """The wizard as the engineer opens it from the ticket (list)."""
        return (
            self.env["fusion.helpdesk.engagement.wizard"]
            .with_user(self.engineer)
            .with_context(active_model="helpdesk.ticket", active_ids=tickets.ids)
            .create({})
        )

    def _send_and_deliver(self, wizard):
        """Send through the wizard, then let the mail queue deliver over
        (mocked) SMTP; returns the bodies that reached SMTP."""
        with self.mock_mail_gateway():
            wizard.action_send()
            queued = self.env["mail.mail"].sudo().search([("email_to", "ilike", OWNER_EMAIL)])
            self.assertEqual(len(queued), 1)
            queued.send()
        return [mail["body"] for mail in self._mails]

    def _assert_formatted(self, html, summaries=1):
        for expected in FORMATTED:
            self.assertEqual(html.count(expected), summaries, expected)
        for raw in NOT_SHOWN:
            self.assertNotIn(raw, html)

    # ------------------------------------------------------------ tests
    def test_owner_email_and_confirm_page_show_formatted_summary(self):
        wizard = self._wizard(self.ticket)
        wizard.write({"findings": "Effort: 2h", "summary": SUMMARY})
        self._assert_formatted(wizard.preview_body)

        [body] = self._send_and_deliver(wizard)
        self._assert_formatted(body)
        mail = self.env["mail.mail"].sudo().search([("email_to", "ilike", OWNER_EMAIL)])
        self._assert_formatted(mail.body_html)
        self.assertEqual(self.ticket.engagement_summary, SUMMARY, "stored as typed")

        token = ticket_live_token(self.ticket)
        page = self.url_open("/fusion_helpdesk/engagement/%s/approve" % token)
        self.assertEqual(page.status_code, 200)
        self._assert_formatted(page.text)
        self.assertIn(
            '<div class="fh-summary"><p><strong>Recommendation: approve.</strong>', page.text
        )
        self.assertIn("<ul><li>What: replace", page.text)

    def test_preview_follows_every_edit_of_the_summary(self):
        wizard = self._wizard(self.ticket)
        wizard.write({"summary": "**First** draft"})
        self.assertIn("<strong>First</strong> draft", wizard.preview_body)
        wizard.write({"summary": "- Second *draft*"})
        self.assertIn("<li>Second <em>draft</em></li>", wizard.preview_body)
        self.assertNotIn("First", wizard.preview_body)

    def test_bulk_email_all_page_and_reminder_show_formatted_summaries(self):
        wizard = self._wizard(self.ticket | self.ticket_b)
        self.assertEqual(wizard.mode, "bulk")
        wizard.line_ids.write({"summary": SUMMARY})
        self._assert_formatted(wizard.preview_body, summaries=2)

        [body] = self._send_and_deliver(wizard)
        self._assert_formatted(body, summaries=2)

        token = ticket_live_token(self.ticket)
        page = self.url_open("/fusion_helpdesk/engagement/%s/all" % token)
        self.assertEqual(page.status_code, 200)
        self._assert_formatted(page.text, summaries=2)

        # Three days later, the reminder cron reminds the owner of both.
        (self.ticket | self.ticket_b).engagement_id.sudo().write(
            {"sent_at": fields.Datetime.now() - timedelta(days=4)}
        )
        with (
            patch.object(
                self.env.registry["ir.cron"], "_commit_progress", lambda *args, **kwargs: 60
            ),
            self.mock_mail_gateway(),
        ):
            self.env["fusion.helpdesk.engagement"]._cron_remind()
            reminders = self.env["mail.mail"].sudo().search([("subject", "=like", "Reminder: %")])
            self.assertEqual(len(reminders), 1)
            reminders.send()
        [reminder] = [mail["body"] for mail in self._mails]
        self.assertIn("A friendly reminder", reminder)
        self._assert_formatted(reminder, summaries=2)

    def test_round_form_history_and_chatter_show_formatted_summary(self):
        wizard = self._wizard(self.ticket)
        wizard.write({"summary": SUMMARY})
        self._send_and_deliver(wizard)
        engagement = self.ticket.engagement_id

        # What the round's form (and the ticket's approval history, which
        # opens it) reads, over JSON-RPC as the engineer.
        self.authenticate("fusion-engineer", "fusion-engineer")
        [record] = self.make_jsonrpc_request(
            "/web/dataset/call_kw/fusion.helpdesk.engagement/web_read",
            {
                "model": "fusion.helpdesk.engagement",
                "method": "web_read",
                "args": [engagement.ids],
                "kwargs": {"specification": {"summary": {}, "summary_html": {}}},
            },
        )
        self.assertEqual(record["summary"], SUMMARY, "the text as typed stays")
        self._assert_formatted(record["summary_html"])
        [ticket] = self.make_jsonrpc_request(
            "/web/dataset/call_kw/helpdesk.ticket/web_read",
            {
                "model": "helpdesk.ticket",
                "method": "web_read",
                "args": [self.ticket.ids],
                "kwargs": {"specification": {"engagement_summary_html": {}}},
            },
        )
        self._assert_formatted(ticket["engagement_summary_html"])

        note = self.ticket.message_ids.filtered(lambda m: "Summary sent:" in (m.body or ""))
        self.assertEqual(len(note), 1)
        self._assert_formatted(note.body)

    def test_formatted_summary_is_sanitized_in_the_odoo_layer(self):
        """Whatever the renderer gave, the field holds sanitized HTML only."""
        self.ticket.with_user(self.engineer)._engagement_start(False, "Plan")
        engagement = self.ticket.engagement_id
        hostile = '<p>ok</p><script>alert(1)</script><img src="x" onerror="alert(1)">'
        target = "odoo.addons.fusion_helpdesk_central.models.helpdesk_ticket.render_summary"
        with patch(target, return_value=hostile):
            engagement.invalidate_recordset(["summary_html"])
            html = engagement.summary_html
        self.assertIn("<p>ok</p>", html)
        self.assertNotIn("<script", html)
        self.assertNotIn("onerror", html)
