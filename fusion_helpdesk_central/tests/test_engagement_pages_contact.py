# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""After a decision the owner's pages say who to contact and what else waits;
the phone path decides with one submit, no script, in a light page."""

import re

from odoo.tests import HttpCase, tagged

from .common import FusionHelpdeskCentralCommon

CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')
NUMERIC_DATE = re.compile(r"\b\d{1,2}/\d{1,2}/\d{2,4}\b")
PHONE_UA = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148"


@tagged("post_install", "-at_install")
class TestEngagementPagesContact(HttpCase, FusionHelpdeskCentralCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = cls.ticket.company_id or cls.env.company
        company.write({"email": "support@provider.example.com", "phone": "+32 2 555 01 01"})
        cls.round, cls.token = cls._start_round(cls.ticket)

    def _url(self, decision="approve"):
        return "/fusion_helpdesk/engagement/%s/%s" % (self.token, decision)

    def _decide_on_phone(self, decision="approve"):
        """Tap the email's button (GET), then the page's one button (POST)."""
        page = self.url_open(self._url(decision), headers={"User-Agent": PHONE_UA})
        self.assertEqual(page.status_code, 200)
        csrf = CSRF_INPUT.search(page.text).group(1)
        done = self.url_open(
            self._url(decision),
            data={"csrf_token": csrf, "comment": ""},
            headers={"User-Agent": PHONE_UA},
        )
        return page, done

    def test_phone_decides_with_one_submit_without_script_in_a_light_page(self):
        page, done = self._decide_on_phone()
        # The confirm page decides through a plain form: no script at all.
        self.assertNotIn("<script", page.text.lower())
        self.assertLessEqual(len(page.content), 100 * 1024)
        self.assertEqual(done.status_code, 200)
        self.assertIn("Thank you, your decision is recorded", done.text)
        self.assertEqual(self.round.state, "approved")

    def test_done_page_names_the_contact_and_the_other_requests(self):
        other_ticket = self._create_ticket("Scanner jams")
        self._start_round(other_ticket)
        __, done = self._decide_on_phone()
        self.assertIn("Eddie Engineer", done.text)
        self.assertIn("support@provider.example.com", done.text)
        self.assertIn("+32 2 555 01 01", done.text)
        self.assertIn("other request(s)", done.text)
        # The spent link opens nothing else: no /all link on the done page.
        self.assertNotIn("/%s/all" % self.token, done.text)

    def test_closed_page_names_the_contact_and_a_date_in_words(self):
        self._decide_on_phone()
        closed = self.url_open(self._url())
        self.assertEqual(closed.status_code, 410)
        self.assertIn("Eddie Engineer", closed.text)
        self.assertIn("support@provider.example.com", closed.text)
        day = self.round.decided_at
        self.assertIn(str(day.year), closed.text)
        self.assertFalse(NUMERIC_DATE.search(closed.text), "no ambiguous numeric date")

    def test_pages_declare_a_favicon_that_is_served(self):
        page = self.url_open(self._url())
        match = re.search(r'<link rel="icon"[^>]*href="([^"]+)"', page.text)
        self.assertTrue(match, "the page declares its icon")
        self.assertEqual(self.url_open(match.group(1)).status_code, 200)

    def test_all_pending_page_offers_large_answer_buttons(self):
        self._start_round(self._create_ticket("Scanner jams"))
        page = self.url_open(self._url("all"))
        self.assertEqual(page.status_code, 200)
        for answer in ("approve", "reject", "changes"):
            self.assertIn('class="fh-choice fh-choice-%s"' % answer, page.text)
        self.assertIn(".fh-choices label.fh-choice", page.text)
        self.assertNotIn("<script", page.text.lower())
