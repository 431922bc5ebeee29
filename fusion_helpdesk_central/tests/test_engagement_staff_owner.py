# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The provider's staff never own a client's decision, a delegate is an
address the sender can reach, a ticket stays with its client, and the portal
ticket form takes a POST (attack report F2, F8, F4, F6)."""

import json
from datetime import timedelta

from odoo import fields, http
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from .common import FusionHelpdeskCentralCommon, call_kw_error
from .test_engagement_pages import CSRF_INPUT

API = "/fusion_helpdesk_central/api/v1"
STAFF = "engineer@provider.example.com"


@tagged("post_install", "-at_install")
class TestStaffOwner(HttpCase, FusionHelpdeskCentralCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.admin = cls.env.ref("base.user_admin")
        cls.other_key = cls.env["fusion.helpdesk.client.key"].create(
            {"name": "Beta", "owner_email": "owner@beta.example.com"}
        )

    def _rounds(self, ticket=None):
        self.env.invalidate_all()
        ticket = ticket or self.ticket
        return [(r.id, r.state) for r in ticket.sudo().engagement_ids.sorted("id")]

    # ------------------------------------------------------------ F2
    def test_the_manager_cannot_make_staff_the_owner(self):
        for email in (STAFF, "Engineer+x@Provider.example.com", "manager@provider.example.com"):
            with self.subTest(email=email), mute_logger("odoo.http"):
                error = call_kw_error(
                    self,
                    self.manager,
                    "fusion.helpdesk.client.key",
                    "write",
                    [self.client_key.id],
                    {"owner_email": email, "owner_name": "Olivia Owner"},
                )
                self.assertEqual(error, "odoo.exceptions.ValidationError")
                self.env.invalidate_all()
                self.assertEqual(self.client_key.owner_email, "owner@acme.example.com")
        with mute_logger("odoo.http"):
            error = call_kw_error(
                self,
                self.manager,
                "fusion.helpdesk.client.key",
                "create",
                {"name": "Gamma", "owner_email": STAFF},
            )
        self.assertEqual(error, "odoo.exceptions.ValidationError")
        # A client's own address is fine.
        self.assertIsNone(
            call_kw_error(
                self,
                self.manager,
                "fusion.helpdesk.client.key",
                "write",
                [self.client_key.id],
                {"owner_email": "new.owner@acme.example.com"},
            )
        )

    def test_a_key_stored_with_a_staff_owner_sends_nothing(self):
        # A key saved before this release: the check at send still stops it.
        self.env.cr.execute(
            "UPDATE fusion_helpdesk_client_key SET owner_email = %s WHERE id = %s",
            (STAFF, self.client_key.id),
        )
        self.env.invalidate_all()
        mails = self.env["mail.mail"].sudo().search_count([])
        context = {"active_model": "helpdesk.ticket", "active_ids": self.ticket.ids}
        self.authenticate(self.engineer.login, self.engineer.login)
        wizard_id = self.make_jsonrpc_request(
            "/web/dataset/call_kw/fusion.helpdesk.engagement.wizard/create",
            {
                "model": "fusion.helpdesk.engagement.wizard",
                "method": "create",
                "args": [{"findings": "Effort: 2h", "summary": "Replace the part."}],
                "kwargs": {"context": context},
            },
        )
        with mute_logger("odoo.http"):
            error = call_kw_error(
                self,
                self.engineer,
                "fusion.helpdesk.engagement.wizard",
                "action_send",
                [wizard_id],
                context=context,
            )
        self.assertEqual(error, "odoo.exceptions.UserError")
        self.assertEqual(self._rounds(), [])
        self.assertEqual(self.env["mail.mail"].sudo().search_count([]), mails)

    def test_the_intake_cannot_make_staff_the_owner(self):
        key = self.client_key._generate_key()
        tickets = self.env["helpdesk.ticket"].with_context(active_test=False).search_count([])
        payload = {
            "subject": "Printer",
            "description": "Broken.",
            "requester_name": "Jane Doe",
            "requester_email": "jane@acme.example.com",
            "owner_email": "ENGINEER@provider.example.com",
        }
        response = self.url_open(
            API + "/tickets",
            data=json.dumps(payload),
            headers={"Content-Type": "application/json", "Authorization": "Bearer %s" % key},
            method="POST",
        )
        self.assertEqual(response.status_code, 400, response.text)
        self.assertEqual(response.json()["error"]["field"], "owner_email")
        self.env.invalidate_all()
        self.assertEqual(
            self.env["helpdesk.ticket"].with_context(active_test=False).search_count([]), tickets
        )
        self.assertEqual(self.client_key.owner_email, "owner@acme.example.com")

    # ------------------------------------------------------------ F8
    def test_a_delegate_the_sender_cannot_reach_is_refused(self):
        __, token = self._start_round(
            self.ticket, sent_at=fields.Datetime.now() - timedelta(hours=2)
        )
        before = self._rounds()
        mails = self.env["mail.mail"].sudo().search_count([])
        url = "/fusion_helpdesk/engagement/%s/delegate" % token
        csrf = CSRF_INPUT.search(self.url_open(url).text).group(1)
        for email in ('"engineer"@provider.example.com', '"bob"@acme.example.com'):
            with self.subTest(email=email):
                response = self.url_open(
                    url,
                    data={"csrf_token": csrf, "delegate_name": "Bob", "delegate_email": email},
                )
                self.assertEqual(response.status_code, 422)
                self.assertEqual(self._rounds(), before)
                self.assertEqual(self.env["mail.mail"].sudo().search_count([]), mails)

    # ------------------------------------------------------------ F4
    def test_a_ticket_stays_with_its_client(self):
        for user in (self.engineer, self.manager, self.admin):
            for method, args, kwargs in (
                ("write", [[self.ticket.id], {"client_key_id": self.other_key.id}], {}),
                ("write", [[self.ticket.id], {"client_key_id": False}], {}),
                (
                    "web_save",
                    [[self.ticket.id], {"client_key_id": self.other_key.id}],
                    {"specification": {}},
                ),
            ):
                with self.subTest(user=user.login, method=method), mute_logger("odoo.http"):
                    error = call_kw_error(self, user, "helpdesk.ticket", method, *args, **kwargs)
                    self.assertEqual(error, "odoo.exceptions.UserError")
                    self.env.invalidate_all()
                    self.assertEqual(self.ticket.client_key_id, self.client_key)

    def test_a_phone_ticket_gets_its_client_unless_it_has_rounds(self):
        phone = self._create_ticket("By phone", client_key=self.env["fusion.helpdesk.client.key"])
        self.assertIsNone(
            call_kw_error(
                self,
                self.engineer,
                "helpdesk.ticket",
                "write",
                [phone.id],
                {"client_key_id": self.client_key.id},
            )
        )
        self.env.invalidate_all()
        self.assertEqual(phone.client_key_id, self.client_key)
        asked = self._create_ticket("Asked", client_key=self.env["fusion.helpdesk.client.key"])
        self._start_round(asked)
        with mute_logger("odoo.http"):
            error = call_kw_error(
                self,
                self.engineer,
                "helpdesk.ticket",
                "write",
                [asked.id],
                {"client_key_id": self.client_key.id},
            )
        self.assertEqual(error, "odoo.exceptions.UserError")


@tagged("post_install", "-at_install")
class TestPortalSubmitTicket(HttpCase, FusionHelpdeskCentralCommon):
    def setUp(self):
        super().setUp()
        self.portal = self.env["res.users"].create(
            {
                "name": "Pat Portal",
                "login": "fusion-pat",
                "password": "fusion-pat",
                "email": "pat@acme.example.com",
                "group_ids": [(6, 0, [self.env.ref("base.group_portal").id])],
            }
        )

    def _count(self):
        self.env.invalidate_all()
        return self.env["helpdesk.ticket"].sudo().search_count([("name", "=", "Via GET")])

    def test_the_portal_ticket_form_takes_a_post(self):
        self.authenticate("fusion-pat", "fusion-pat")
        data = {"subject": "Via GET", "description": "x"}
        with mute_logger("odoo.http"):
            response = self.url_open("/submitted/ticket", params=data, allow_redirects=False)
        self.assertEqual(response.status_code, 405)
        self.assertEqual(self._count(), 0)
        data["csrf_token"] = http.Request.csrf_token(self)
        response = self.url_open("/submitted/ticket", data=data, allow_redirects=False)
        self.assertEqual(response.status_code, 302)
        self.assertEqual(self._count(), 1)
