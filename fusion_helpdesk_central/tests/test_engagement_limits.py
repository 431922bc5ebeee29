# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Limits (issue 20, point 9): replies per client key (429 + Retry-After), and
the owner's forms never take nor reflect huge bodies (413, 422)."""

import time
from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, tagged

from ..controllers.main import ENGAGEMENT_FORM_MAX_BYTES
from ..models.fusion_helpdesk_engagement import MAX_COMMENT
from .common import FusionHelpdeskCentralCommon
from .test_engagement_pages import CSRF_INPUT
from .test_sync_api import SyncApiCase

RATE_LOGGER = "odoo.addons.fusion_helpdesk_central.models.fusion_helpdesk_client_key_rate"


@tagged("post_install", "-at_install")
class TestReplyRateLimit(SyncApiCase):
    def _messages(self):
        return self.env["mail.message"].search_count(
            [("model", "=", "helpdesk.ticket"), ("res_id", "=", self.ticket.id)]
        )

    def test_replies_over_the_keys_limit_get_429_with_retry_after(self):
        params = self.env["ir.config_parameter"].sudo()
        params.set_param("fusion_helpdesk_central.reply_rate_limit", "3")
        params.set_param("fusion_helpdesk_central.reply_rate_seconds", "60")
        for index in range(3):
            response = self.post_reply(self.ticket, body="Reply %d" % index)
            self.assertEqual(response.status_code, 201, response.text)
        before = self._messages()
        with self.assertLogs(RATE_LOGGER, "WARNING"):
            refused = self.post_reply(self.ticket, body="One too many")
        self.assertJsonResponse(refused, 429)
        self.assertTrue(refused.headers["Retry-After"].isdigit())
        self.assertTrue(1 <= int(refused.headers["Retry-After"]) <= 60)
        # Refused before the body is even looked at: a bad one is refused too.
        self.assertEqual(self.post_reply(self.ticket, body="").status_code, 429)
        self.assertEqual(self._messages(), before, "nothing posted, nobody emailed")
        # Another client is not slowed down by this one.
        self.assertEqual(
            self.post_reply(self.other_ticket, key=self.other_key_value).status_code, 201
        )

        # Once the window is over, the key may reply again.
        params.set_param("fusion_helpdesk_central.reply_rate_seconds", "1")
        time.sleep(1.1)
        self.assertEqual(self.post_reply(self.ticket, body="Later").status_code, 201)
        # 0 disables the limit.
        params.set_param("fusion_helpdesk_central.reply_rate_limit", "0")
        params.set_param("fusion_helpdesk_central.reply_rate_seconds", "60")
        for index in range(5):
            self.assertEqual(self.post_reply(self.ticket, body="Free %d" % index).status_code, 201)

    def test_a_reply_over_the_limit_is_refused_before_its_files_are_read(self):
        # Attacker run 4, F5: a reply refused by the rate limit had its whole
        # body (up to the room for files) read before the 429.
        params = self.env["ir.config_parameter"].sudo()
        params.set_param("fusion_helpdesk_central.reply_rate_limit", "1")
        params.set_param("fusion_helpdesk_central.reply_rate_seconds", "60")
        self.assertEqual(self.post_reply(self.ticket).status_code, 201)
        path = "/tickets/%d/messages" % self.ticket.id
        with self.assertLogs(RATE_LOGGER, "WARNING"):
            # Headers announcing megabytes and no body: the answer cannot wait for it.
            status, body = self._announce_body(self.key_value, 20 * 1024 * 1024, path)
        self.assertEqual(status, 429, body)


@tagged("post_install", "-at_install")
class TestEngagementFormLimits(HttpCase, FusionHelpdeskCentralCommon):
    def setUp(self):
        super().setUp()
        self.round, self.token = self._start_round(
            self.ticket, sent_at=fields.Datetime.now() - timedelta(hours=2)
        )
        self.other_round, __ = self._start_round(
            self._create_ticket("Second request"),
            sent_at=fields.Datetime.now() - timedelta(hours=1),
        )

    def _post(self, decision, **form):
        url = "/fusion_helpdesk/engagement/%s/%s" % (self.token, decision)
        page = self.url_open(url)
        self.assertEqual(page.status_code, 200)
        csrf = CSRF_INPUT.search(page.text).group(1)
        return self.url_open(url, data={"csrf_token": csrf, **form})

    def _assert_undecided(self):
        self.env.invalidate_all()
        self.assertEqual((self.round.state, self.other_round.state), ("pending", "pending"))

    def test_an_oversized_form_is_refused_unread(self):
        comment = "Z" * (ENGAGEMENT_FORM_MAX_BYTES + 1)
        for decision in ("approve", "delegate", "all"):
            with self.subTest(decision=decision):
                response = self._post(decision, comment=comment, comment_1=comment)
                self.assertEqual(response.status_code, 413)
                self.assertNotIn("ZZZZZZZZZZ", response.text)
                self._assert_undecided()

    def test_an_over_long_comment_is_refused_and_shown_back_cut(self):
        comment = "A" * MAX_COMMENT + "TAIL-NOT-ECHOED" + "B" * 50000
        cases = (
            ("approve", {"comment": comment}),
            ("changes", {"comment": comment}),
            (
                "delegate",
                {
                    "comment": comment,
                    "delegate_name": "Dana",
                    "delegate_email": "dana@acme.example.com",
                },
            ),
            (
                "all",
                {
                    "decision_%d" % self.round.id: "approve",
                    "comment_%d" % self.round.id: comment,
                },
            ),
        )
        for decision, form in cases:
            with self.subTest(decision=decision):
                response = self._post(decision, **form)
                self.assertEqual(response.status_code, 422)
                self.assertIn("at most %s are accepted" % MAX_COMMENT, response.text)
                # What was typed is not lost, but never reflected beyond the limit.
                self.assertIn("A" * MAX_COMMENT, response.text)
                self.assertNotIn("TAIL-NOT-ECHOED", response.text)
                self.assertNotIn("BBBB", response.text)
                self.assertLess(len(response.content), 3 * MAX_COMMENT + 30000)
                self._assert_undecided()
        # A comment at the limit decides.
        response = self._post("approve", comment="A" * MAX_COMMENT)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.round.state, "approved")
        self.assertEqual(len(self.round.decision_comment), MAX_COMMENT)
