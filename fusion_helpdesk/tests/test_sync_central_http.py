# Copyright 2026 Fusion Helpdesk
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The client talking to a real central over HTTP: both addons in one database,
the client's Central URL pointed at this test server, a real client key."""

import re
import unittest
from datetime import timedelta
from unittest.mock import patch

import requests
from freezegun import freeze_time

from odoo import fields
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from odoo.addons.base.tests.common import MockSmtplibCase

CURSOR_PARAM = "fusion_helpdesk.sync_cursor"
APPROVE_LINK = re.compile(r"/fusion_helpdesk/engagement/([^/\"'\s<>]+)/approve")
SYNC_CRON = "fusion_helpdesk.ir_cron_fusion_helpdesk_sync"
CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')


class RealCentralCase(HttpCase, MockSmtplibCase):
    """A real central in this database: two client keys, the client pointed
    at this test server with the first one, an employee, a colleague and an engineer."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if "fusion.helpdesk.client.key" not in cls.env:
            raise unittest.SkipTest("needs fusion_helpdesk_central in the same database")
        ClientKey = cls.env["fusion.helpdesk.client.key"]
        cls.client_key = ClientKey.create(
            {"name": "Acme Corp", "owner_email": "owner@acme.example.com", "owner_name": "Olivia"}
        )
        cls.other_key = ClientKey.create({"name": "Globex"})
        icp = cls.env["ir.config_parameter"].sudo()
        icp.set_param("fusion_helpdesk.central_url", cls.base_url())
        icp.set_param("fusion_helpdesk.client_key", cls._plain_key(cls.client_key))
        cls.employee = new_test_user(
            cls.env, login="fhs-erin", name="Erin Employee", email="erin@acme.example.com"
        )
        cls.colleague = new_test_user(
            cls.env, login="fhs-oscar", name="Oscar Other", email="oscar@acme.example.com"
        )
        cls.engineer = new_test_user(
            cls.env,
            login="fhs-engineer",
            name="Eddie Engineer",
            email="eddie@provider.example.com",
            groups="helpdesk_mgmt.group_helpdesk_user",
        )

    @classmethod
    def _plain_key(cls, client_key):
        # 19.0.3 stores only a digest and hands out the plaintext once.
        if hasattr(client_key, "_generate_key"):
            return client_key._generate_key()
        return client_key.key

    def setUp(self):
        super().setUp()
        self.env["fusion.helpdesk.client.key"]._api_failures().clear()
        # The client's own ``requests`` calls carry no test cookie.
        self.enterContext(self.allow_requests(all_requests=True))

    def sync(self):
        # What this test wrote on central is committed before a real client asks.
        self.env.cr.flush()
        with patch.object(type(self.env["ir.cron"]), "_commit_progress", return_value=60.0):
            self.env["fusion.helpdesk.ticket"]._cron_fusion_helpdesk_sync()

    def submit(self, user, subject):
        Ticket = self.env["fusion.helpdesk.ticket"].with_user(user)
        answer = Ticket.submit_from_employee(subject, "Details of %s" % subject)
        self.assertTrue(answer["ok"], answer)
        local = Ticket.browse(answer["id"]).sudo()
        central = self.env["helpdesk.ticket"].browse(local.central_id)
        central.user_id = self.engineer
        return local, central

    def sync_as_the_cron(self):
        """One run of the sync cron through its server action, as Odoo's
        scheduler runs it (where Odoo does not force the mail queue). In this
        transaction: central answers from this very process and database."""
        self.env.cr.flush()
        cron = self.env.ref(SYNC_CRON)
        with patch.object(type(self.env["ir.cron"]), "_commit_progress", return_value=60.0):
            cron.ir_actions_server_id.with_user(cron.user_id).run()
        self.env.invalidate_all()

    def request_approval(self, central):
        """The engineer asks the owner through the wizard; return the live link's token."""
        self.env["fusion.helpdesk.engagement.wizard"].with_user(self.engineer).with_context(
            active_model="helpdesk.ticket", active_ids=central.ids
        ).create({"summary": "Replace the fuser."}).action_send()
        mail = self.env["mail.mail"].sudo().search([], order="id desc", limit=1)
        return APPROVE_LINK.search(mail.body_html)[1]

    def owner_answers(self, token, decision, comment):
        """The owner opens the link and submits its form, like a browser does."""
        url = "%s/fusion_helpdesk/engagement/%s/%s" % (self.base_url(), token, decision)
        self.env.cr.flush()
        self.env.cr.clear()
        browser = requests.Session()
        page = browser.get(url, timeout=10)
        self.assertEqual(page.status_code, 200)
        form = {"csrf_token": CSRF_INPUT.search(page.text)[1], "comment": comment}
        self.assertEqual(browser.post(url, data=form, timeout=10).status_code, 200)
        self.env.cr.clear()

    def notices(self, user, local):
        """The employee's notifications about ``local``, oldest first."""
        return self.env["mail.notification"].search(
            [
                ("res_partner_id", "=", user.partner_id.id),
                ("mail_message_id.model", "=", "fusion.helpdesk.ticket"),
                ("mail_message_id.res_id", "=", local.id),
            ],
            order="id",
        )

    def emails_to(self, address):
        """How many emails the SMTP server was handed for ``address``."""
        return sum(address in email["smtp_to_list"] for email in self.emails)

    def owner_approves(self, central, comment):
        """Central's real flow: the engineer asks through the wizard, the owner
        opens the emailed link and submits its form, like a browser does."""
        self.env["fusion.helpdesk.engagement.wizard"].with_user(self.engineer).with_context(
            active_model="helpdesk.ticket", active_ids=central.ids
        ).create({"summary": "Replace the fuser."}).action_send()
        mail = self.env["mail.mail"].sudo().search([], order="id desc", limit=1)
        url = "%s/fusion_helpdesk/engagement/%s/approve" % (
            self.base_url(),
            APPROVE_LINK.search(mail.body_html)[1],
        )
        # A browser of its own (requests are already let through, see setUp),
        # on a cache in step with the database, as ``url_open`` does.
        self.env.cr.flush()
        self.env.cr.clear()
        browser = requests.Session()
        page = browser.get(url, timeout=10)
        self.assertEqual(page.status_code, 200)
        form = {"csrf_token": CSRF_INPUT.search(page.text)[1], "comment": comment}
        self.assertEqual(browser.post(url, data=form, timeout=10).status_code, 200)
        self.env.cr.clear()

    def inbox(self, user):
        return self.env["mail.notification"].search(
            [
                ("res_partner_id", "=", user.partner_id.id),
                ("mail_message_id.model", "=", "fusion.helpdesk.ticket"),
            ]
        )


@tagged("post_install", "-at_install")
class TestSyncWithRealCentral(RealCentralCase):
    def test_answers_decisions_and_replies_travel_both_ways(self):
        local, central = self.submit(self.employee, "Printer on fire")
        colleague_local, __ = self.submit(self.colleague, "Scanner jammed")
        self.sync()
        cursor = self.env["ir.config_parameter"].sudo().get_param(CURSOR_PARAM)
        self.assertTrue(cursor)

        # Central: a public answer, an internal note, a new stage, a decision.
        answer = central.message_post(
            body="We will replace the fuser.",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            author_id=self.engineer.partner_id.id,
        )
        central.message_post(
            body="Internal: the admin password is hunter2",
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
        central.stage_id = self.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_in_progress")
        self.owner_approves(central, "Go ahead.")
        decision = central.message_ids.filtered(lambda m: "Go ahead." in (m.body or ""))
        # Another client's ticket never reaches this client.
        globex = self.env["helpdesk.ticket"].create(
            {
                "name": "Globex secret",
                "description": "<p>Globex</p>",
                "client_key_id": self.other_key.id,
            }
        )
        globex.message_post(body="Globex answer", subtype_xmlid="mail.mt_comment")

        self.sync()

        self.assertRecordValues(
            local,
            [{"central_stage": central.stage_id.name, "engagement_state": "approved"}],
        )
        self.assertIn("We will replace the fuser.", local.thread_html)
        self.assertIn("Go ahead.", local.thread_html)
        self.assertNotIn("hunter2", local.thread_html)
        self.assertEqual([m["id"] for m in local.thread_messages], [answer.id, decision.id])
        self.assertNotIn("Globex", str(colleague_local.thread_html or ""))
        notified = self.inbox(self.employee).mail_message_id
        self.assertEqual(len(notified), 2, "the answer and the owner's decision")
        bodies = " ".join(notified.mapped("body"))
        self.assertIn("We will replace the fuser.", bodies)
        self.assertIn("Olivia approved the proposed work", bodies)
        self.assertFalse(self.inbox(self.colleague))

        # The employee answers; central posts it, but its 201 is lost on the
        # way back: the reply stays queued, and the retry posts nothing twice.
        reply = (
            self.env["fusion.helpdesk.ticket.reply"]
            .with_user(self.employee)
            .create({"ticket_id": local.id, "body": "It smokes <b>again</b>."})
        )
        real_request = requests.request

        def answer_lost(*args, **kwargs):
            real_request(*args, **kwargs)
            raise requests.ConnectionError("Connection reset by peer")

        with patch.object(requests, "request", side_effect=answer_lost):
            action = reply.with_user(self.employee).action_send()
        self.assertEqual(action["params"]["type"], "warning", action)
        self.assertEqual(reply.state, "queued")
        self.env.invalidate_all()  # central's side was written by its server
        message = central.message_ids.filtered(lambda m: "again" in (m.body or ""))
        self.assertEqual(len(message), 1, "central did post it")
        self.assertEqual(message.author_id, central.partner_id)
        self.assertIn("&lt;b&gt;again&lt;/b&gt;", message.body)
        self.assertIn(self.engineer.partner_id, message.notification_ids.res_partner_id)
        count = len(central.message_ids)
        self.assertIsNone(reply.sudo()._send_to_central())
        self.assertEqual((reply.state, reply.central_message_id), ("sent", message.id))
        self.assertEqual(len(central.message_ids), count)

        # Their own reply comes back in the feed without notifying them.
        self.sync()
        self.assertIn(message.id, [m["id"] for m in local.thread_messages])
        self.assertEqual(len(self.inbox(self.employee)), 2)

    def test_every_approval_change_reaches_the_employee_by_her_preference(self):
        """The whole path, central's real flow and the real cron: a request
        sent, changes requested with a comment, a request that expired; each
        notice reaches the employee within the run, by email (Erin, Odoo's
        default) or in her Odoo inbox (Oscar), and the list shows the news."""
        # An SMTP server that records what it is handed (Odoo sends nothing in tests).
        self.enterContext(self.mock_smtplib_connection())
        self.employee.notification_type = "email"
        self.colleague.notification_type = "inbox"
        local, central = self.submit(self.employee, "Printer on fire")
        # Sent 15 days ago: its link is past the 14 days of expiry today.
        with freeze_time(fields.Datetime.now() - timedelta(days=15)):
            colleague_local, colleague_central = self.submit(self.colleague, "Scanner jammed")
            self.request_approval(colleague_central)
        self.sync_as_the_cron()

        # A request sent: the unopened ticket shows it after one run.
        token = self.request_approval(central)
        self.sync_as_the_cron()
        self.assertRecordValues(
            local, [{"engagement_state": "pending", "engagement_owner": "Olivia", "has_news": True}]
        )
        [notice] = self.notices(self.employee, local)
        self.assertIn("asked Olivia to approve the proposed work", notice.mail_message_id.body)
        # By email, and the email left within the run (not left for the queue).
        self.assertEqual((notice.notification_type, notice.notification_status), ("email", "sent"))
        self.assertEqual(self.emails_to("erin@acme.example.com"), 1)

        # Changes requested: told so, with the comment, never as a rejection.
        self.owner_answers(token, "changes", "Cheaper toner, please.")
        self.sync_as_the_cron()
        self.assertEqual(local.engagement_state, "changes_requested")
        notices = self.notices(self.employee, local)
        self.assertEqual(len(notices), 2, "one notice per change")
        body = notices[-1].mail_message_id.body
        self.assertIn("Olivia asked for changes to the proposed work", body)
        self.assertIn("Cheaper toner, please.", body)
        self.assertNotIn("rejected", body)
        self.assertEqual(notices[-1].notification_status, "sent")
        self.assertEqual(self.emails_to("erin@acme.example.com"), 2)

        # Expiry: the cron on central closes Oscar's request; shown in his inbox.
        self.assertEqual(colleague_local.engagement_state, "pending")
        self.env.ref("fusion_helpdesk_central.ir_cron_engagement_expiry").method_direct_trigger()
        self.sync_as_the_cron()
        self.assertEqual(colleague_local.engagement_state, "expired")
        notices = self.notices(self.colleague, colleague_local)
        self.assertIn("expired without an answer", notices[-1].mail_message_id.body)
        self.assertEqual((notices[-1].notification_type, notices[-1].is_read), ("inbox", False))
        self.assertTrue(colleague_local.with_user(self.colleague).message_needaction)
        self.assertEqual(self.emails_to("oscar@acme.example.com"), 0, "in Odoo, as he chose")
        # Nobody hears of a colleague's ticket.
        self.assertFalse(self.notices(self.colleague, local))
        self.assertFalse(self.notices(self.employee, colleague_local))

        # The list shows the news until the employee opens the ticket.
        Ticket = self.env["fusion.helpdesk.ticket"].with_user(self.employee)
        self.assertEqual(Ticket.search([("has_news", "=", True)]), local)
        Ticket.browse(local.id).action_refresh_thread()
        self.assertFalse(local.has_news)
        self.assertTrue(colleague_local.has_news, "only what she opened")

    def test_a_client_away_longer_than_the_history_resyncs_in_full(self):
        """Central pruned changes this client never read (it was away for
        more than the 30 days kept): the next run fetches its tickets in full,
        nothing is lost, each news is told once."""
        local, central = self.submit(self.employee, "Printer on fire")
        self.sync()
        central.message_post(
            body="We replaced the fuser.",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            author_id=self.engineer.partner_id.id,
        )
        central.stage_id = self.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_in_progress")
        self.env.cr.flush()
        with freeze_time(fields.Datetime.now() + timedelta(days=31)):
            self.env.ref("fusion_helpdesk_central.ir_cron_sync_prune").method_direct_trigger()
        self.assertFalse(self.env["fusion.helpdesk.sync.change"].search_count([]))

        self.sync()
        self.assertIn("We replaced the fuser.", local.thread_html)
        self.assertEqual(local.central_stage, central.stage_id.name)
        self.assertEqual(len(self.inbox(self.employee)), 1, "the answer, once")
        cursor = self.env["ir.config_parameter"].sudo().get_param(CURSOR_PARAM)
        # Back to the feed: one request, nothing new, nothing told twice.
        self.sync()
        self.assertEqual(self.env["ir.config_parameter"].sudo().get_param(CURSOR_PARAM), cursor)
        self.assertEqual(len(self.inbox(self.employee)), 1)

    def test_central_down_keeps_the_cursor_and_the_reply(self):
        local, __ = self.submit(self.employee, "Printer on fire")
        self.sync()
        icp = self.env["ir.config_parameter"].sudo()
        cursor = icp.get_param(CURSOR_PARAM)
        # Nothing listens on this port: central is down.
        icp.set_param("fusion_helpdesk.central_url", "http://127.0.0.1:9")
        reply = (
            self.env["fusion.helpdesk.ticket.reply"]
            .with_user(self.employee)
            .create({"ticket_id": local.id, "body": "Any news?"})
        )
        with mute_logger("odoo.addons.fusion_helpdesk.models.fusion_helpdesk_ticket_sync"):
            action = reply.with_user(self.employee).action_send()
            self.assertEqual(action["params"]["type"], "warning")
            self.sync()
        self.assertEqual(reply.state, "queued")
        self.assertEqual(icp.get_param(CURSOR_PARAM), cursor)
        icp.set_param("fusion_helpdesk.central_url", self.base_url())
        self.sync()
        self.assertEqual(reply.state, "sent")
        self.assertIn("Any news?", local.thread_html)
