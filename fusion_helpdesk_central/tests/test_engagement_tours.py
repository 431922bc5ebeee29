# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The central screens in Chromium, as their people use them: the engineer's
single and bulk Request Owner Approval, a decided ticket, the manager's reporting."""

from datetime import timedelta

from odoo import fields
from odoo.tests import Form, HttpCase, tagged

from .common import FusionHelpdeskCentralCommon, ticket_live_token
from .openai_server import OpenAIServer, user_message
from .test_engagement_pages import CSRF_INPUT
from .test_engagement_wizard import ICP_BASE_URL, ICP_KEY, sent_findings


def findings_reply(body):
    """The AI's answer: the findings it was given, as a summary."""
    findings = sent_findings(body)
    if "fuser only" in findings:
        return "Replace the fuser, two hours."
    return "Summary: %s" % findings


@tagged("post_install", "-at_install")
class TestEngagementTours(HttpCase, FusionHelpdeskCentralCommon):
    def _use_server(self, server):
        params = self.env["ir.config_parameter"].sudo()
        params.set_param(ICP_KEY, "sk-test-not-a-real-key")
        params.set_param(ICP_BASE_URL, server.base_url)
        # The tour's browser runs against the real base URL.
        params.set_param("web.base.url", self.base_url())

    def test_engineer_single_ticket_tour(self):
        # Long enough for the tour to see the button working.
        with OpenAIServer(reply=findings_reply, latency=2) as server:
            self._use_server(server)
            self.start_tour(
                "/odoo/helpdesk.ticket/%d" % self.ticket.id,
                "fusion_engagement_single_tour",
                login="fusion-engineer",
            )
            self.assertEqual(len(server.requests), 1, "the kept edit cost no second call")
            self.assertIn("Printer on fire", user_message(server.requests[0]))
        self.assertEqual(self.ticket.engagement_state, "pending")
        self.assertEqual(self.ticket.engagement_summary, "Replace the fuser, two hours. Mine.")
        self.assertTrue(self.ticket.engagement_id.summary_edited)
        mail = self.env["mail.mail"].sudo().search([("subject", "ilike", self.ticket.number)])
        self.assertIn("two hours. Mine.", mail.body_html)

    def test_engineer_bulk_tour(self):
        printer = self._create_ticket("Tour bulk printer")
        vpn = self._create_ticket("Tour bulk VPN")
        with OpenAIServer(reply=findings_reply, latency=2) as server:
            self._use_server(server)
            self.start_tour(
                "/odoo/helpdesk-tickets", "fusion_engagement_bulk_tour", login="fusion-engineer"
            )
            self.assertEqual(len(server.requests), 2)
        self.assertEqual(printer.engagement_summary, "Summary: Fuser worn out, 2 hours.")
        self.assertEqual(vpn.engagement_summary, "Summary: VPN keepalive, 1 hour.")
        mails = self.env["mail.mail"].sudo().search([("email_to", "ilike", "owner@acme")])
        self.assertEqual(len(mails), 1, "one email for the owner of both tickets")

    def test_engineer_revision_tour(self):
        """The owner asked for changes (on their page); the engineer finds the
        ticket by the filter and sends a revised proposal from what was sent."""
        form = Form(
            self.env["fusion.helpdesk.engagement.wizard"]
            .with_user(self.engineer)
            .with_context(active_model="helpdesk.ticket", active_ids=self.ticket.ids)
        )
        form.findings = "Scope: the fuser only."
        form.summary = "Replace the fuser, two hours."
        form.save().action_send()
        url = "/fusion_helpdesk/engagement/%s/changes" % ticket_live_token(self.ticket)
        csrf = CSRF_INPUT.search(self.url_open(url).text).group(1)
        self.url_open(url, data={"csrf_token": csrf, "comment": "Do it after the audit."})
        self.assertEqual(self.ticket.engagement_state, "changes_requested")
        first = self.ticket.engagement_id
        self.start_tour(
            "/odoo/helpdesk-tickets", "fusion_engagement_revision_tour", login="fusion-engineer"
        )
        second = self.ticket.engagement_id
        self.assertEqual(second.parent_id, first)
        self.assertEqual(second.state, "pending")
        self.assertEqual(second.summary, "Replace the fuser after the audit, two hours.")
        mail = (
            self.env["mail.mail"]
            .sudo()
            .search([("fusion_engagement_ids", "in", second.ids)], limit=1)
        )
        self.assertTrue(mail.subject.startswith("Revised proposal:"))
        self.assertIn("Do it after the audit.", mail.body_html)
        self.assertFalse(
            self.ticket.activity_ids.filtered(lambda a: "Changes Requested" in (a.summary or "")),
            "the stale to-do was closed",
        )

    def test_engineer_bulk_bad_row_tour(self):
        no_owner = self.env["fusion.helpdesk.client.key"].create({"name": "No Owner"})
        printer = self._create_ticket("Tour row printer")
        vpn = self._create_ticket("Tour row VPN")
        orphan = self._create_ticket("Tour row orphan", client_key=no_owner)
        self.env["ir.config_parameter"].sudo().set_param(ICP_KEY, False)
        self.start_tour(
            "/odoo/helpdesk-tickets", "fusion_engagement_bulk_bad_row_tour", login="fusion-engineer"
        )
        self.assertEqual(printer.engagement_state, "pending")
        self.assertEqual(printer.engagement_summary, "Replace the fuser, two hours.")
        self.assertEqual(vpn.engagement_state, "none", "its row was removed")
        self.assertEqual(orphan.engagement_state, "none")

    def test_manager_reporting_tour(self):
        sent = fields.Datetime.now() - timedelta(days=1)
        decided = self._create_ticket("Tour decided")
        self._start_round(
            decided, sent_at=sent, state="approved", decided_at=sent + timedelta(hours=3.5)
        )
        pending = self._create_ticket("Tour pending")
        self._start_round(pending, sent_at=sent)
        self.start_tour(
            "/odoo/helpdesk-approval-rounds",
            "fusion_engagement_reporting_tour",
            login="fusion-manager",
        )

    def test_decided_ticket_tour(self):
        """Odoo's chatter renders the owner's decision (a comment whose message
        also carried tracking values would make the whole chatter fail)."""
        __, token = self._start_round(self.ticket)
        url = "/fusion_helpdesk/engagement/%s/approve" % token
        csrf = CSRF_INPUT.search(self.url_open(url).text).group(1)
        done = self.url_open(url, data={"csrf_token": csrf, "comment": "Go ahead after 6 pm"})
        self.assertEqual(done.status_code, 200)
        self.start_tour(
            "/odoo/helpdesk.ticket/%d" % self.ticket.id,
            "fusion_engagement_decided_ticket_tour",
            login="fusion-engineer",
        )
