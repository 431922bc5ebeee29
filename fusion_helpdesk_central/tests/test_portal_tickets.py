# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Central's portal: a client's requester sees their own tickets only, and
closing a ticket takes read access, a POST and the CSRF token (issue 20,
points 6 and 7; ``/ticket/close`` comes from OCA helpdesk_mgmt)."""

from odoo import http
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException
from odoo.tools import mute_logger

from .common import FusionHelpdeskCentralCommon


@tagged("post_install", "-at_install")
class TestPortalTickets(HttpCase, FusionHelpdeskCentralCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        client_company = cls.client_key._intake_company_partner()
        cls.alice = cls._portal_user("fusion-alice", "Alice Requester", client_company)
        cls.bob = cls._portal_user("fusion-bob", "Bob Colleague", client_company)
        other_company = cls.env["res.partner"].create(
            {"name": "Other Customer", "is_company": True}
        )
        cls.mallory = cls._portal_user("fusion-mallory", "Mallory Other", other_company)
        cls.ticket_alice = cls._create_ticket("Alice's laptop", partner_id=cls.alice.partner_id.id)
        cls.ticket_bob = cls._create_ticket("Bob's salary slip", partner_id=cls.bob.partner_id.id)
        # A ticket that did not come through a client key: helpdesk_mgmt's rule
        # (the customer's colleagues see it) is kept.
        cls.portal_ticket = cls.env["helpdesk.ticket"].create(
            {
                "name": "Filed on the portal",
                "description": "<p>x</p>",
                "partner_id": cls.bob.partner_id.id,
            }
        )
        cls.done = cls.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")

    @classmethod
    def _portal_user(cls, login, name, company):
        user = new_test_user(
            cls.env,
            login=login,
            name=name,
            email="%s@example.com" % login,
            groups="base.group_portal",
        )
        user.partner_id.parent_id = company
        return user

    def _close(self, ticket, method="POST", csrf=True, stage=None):
        data = {"ticket_id": ticket.id, "stage_id": (stage or self.done).id}
        if csrf:
            data["csrf_token"] = http.Request.csrf_token(self)
        if method == "GET":
            return self.url_open("/ticket/close", params=data, allow_redirects=False)
        return self.url_open("/ticket/close", data=data, allow_redirects=False)

    def _search_read(self):
        return self.make_jsonrpc_request(
            "/web/dataset/call_kw/helpdesk.ticket/search_read",
            {
                "model": "helpdesk.ticket",
                "method": "search_read",
                "args": [[]],
                "kwargs": {"fields": ["name"]},
            },
        )

    # ------------------------------------------------------------ point 6
    def test_requesters_see_only_their_own_client_tickets(self):
        self.authenticate("fusion-alice", "fusion-alice")
        page = self.url_open("/my/tickets")
        self.assertEqual(page.status_code, 200)
        self.assertIn("Alice&#39;s laptop", page.text)
        self.assertNotIn("salary slip", page.text)
        self.assertIn(
            "Filed on the portal", page.text, "helpdesk_mgmt's sharing stays for the rest"
        )
        own = self.url_open("/my/ticket/%d" % self.ticket_alice.id, allow_redirects=False)
        self.assertEqual(own.status_code, 200)
        colleague = self.url_open("/my/ticket/%d" % self.ticket_bob.id, allow_redirects=False)
        self.assertEqual(colleague.status_code, 303)
        self.assertTrue(colleague.headers["Location"].endswith("/my"))
        self.assertNotIn("salary slip", colleague.text)

        names = {row["name"] for row in self._search_read()}
        self.assertIn("Alice's laptop", names)
        self.assertNotIn("Bob's salary slip", names)
        with self.assertRaises(JsonRpcException), mute_logger("odoo.http"):
            self.make_jsonrpc_request(
                "/web/dataset/call_kw/helpdesk.ticket/read",
                {
                    "model": "helpdesk.ticket",
                    "method": "read",
                    "args": [self.ticket_bob.ids, ["name", "engagement_summary"]],
                    "kwargs": {},
                },
            )

    # ------------------------------------------------------------ point 7
    def test_nobody_closes_a_ticket_out_of_their_reach(self):
        for login in ("fusion-mallory", "fusion-bob"):
            with self.subTest(login=login):
                self.authenticate(login, login)
                response = self._close(self.ticket_alice)
                self.assertEqual(response.status_code, 404)
                self.assertNotEqual(self.ticket_alice.stage_id, self.done)
                self.assertFalse(self.ticket_alice.closed)
        # A ticket that does not exist answers the same.
        response = self._close(self.ticket_alice.browse(2**31 - 1))
        self.assertEqual(response.status_code, 404)

    def test_closing_takes_a_post_with_the_csrf_token(self):
        self.authenticate("fusion-alice", "fusion-alice")
        for method, csrf, status in (("GET", True, 405), ("POST", False, 400)):
            with self.subTest(method=method, csrf=csrf), mute_logger("odoo.http"):
                self.assertEqual(self._close(self.ticket_alice, method, csrf).status_code, status)
                self.assertFalse(self.ticket_alice.closed)
        # The ticket page's close buttons are POST forms carrying the token.
        arch = self.env.ref("helpdesk_mgmt.portal_helpdesk_ticket_page").get_combined_arch()
        self.assertRegex(
            arch,
            r'<form method="POST" t-attf-action="/ticket/close"[^>]*>(.|\n)*?'
            r'name="csrf_token" t-att-value="request.csrf_token\(\)"',
        )
        response = self._close(self.ticket_alice)
        self.assertEqual(response.status_code, 302)
        self.assertTrue(
            response.headers["Location"].endswith("/my/ticket/%d" % self.ticket_alice.id)
        )
        self.assertEqual(self.ticket_alice.stage_id, self.done)
        self.assertTrue(self.ticket_alice.closed)
