# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""An owner cannot hand a request to the provider's staff (issue 20, point 8)."""

from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, new_test_user, tagged

from .common import FusionHelpdeskCentralCommon
from .test_engagement_pages import CSRF_INPUT

REFUSED = "This address belongs to our support team"


@tagged("post_install", "-at_install")
class TestEngagementDelegateStaff(HttpCase, FusionHelpdeskCentralCommon):
    def setUp(self):
        super().setUp()
        self.round, self.token = self._start_round(
            self.ticket, sent_at=fields.Datetime.now() - timedelta(hours=2)
        )

    def _delegate(self, email, name="Someone Else"):
        url = "/fusion_helpdesk/engagement/%s/delegate" % self.token
        page = self.url_open(url)
        self.assertEqual(page.status_code, 200)
        csrf = CSRF_INPUT.search(page.text).group(1)
        return self.url_open(
            url, data={"csrf_token": csrf, "delegate_name": name, "delegate_email": email}
        )

    def _rounds(self):
        self.env.invalidate_all()
        Engagement = self.env["fusion.helpdesk.engagement"].sudo()
        return [(r.id, r.state) for r in Engagement.search([("ticket_id", "=", self.ticket.id)])]

    def test_delegating_to_the_provider_staff_is_refused(self):
        # A member of staff whose login differs from their contact's address.
        login_user = new_test_user(
            self.env,
            login="Support.Lead@Provider.example.com",
            email="lead.private@provider.example.com",
            groups="base.group_user",
        )
        self.assertTrue(login_user)
        before = self._rounds()
        mails = self.env["mail.mail"].sudo().search_count([])
        for email in (
            "ENGINEER@provider.example.com",  # the engineer who asked, any case
            "engineer+approvals@provider.example.com",  # same mailbox
            "manager@provider.example.com",
            "support.lead@provider.example.com",  # a login
            "Lead.Private@provider.example.com",  # a contact's address
        ):
            with self.subTest(email=email):
                response = self._delegate(email)
                self.assertEqual(response.status_code, 422)
                self.assertIn(REFUSED, response.text)
                self.assertEqual(self._rounds(), before)
        self.assertEqual(self.env["mail.mail"].sudo().search_count([]), mails)
        self.assertEqual(self.round.state, "pending")

    def test_clients_and_former_staff_may_still_be_delegates(self):
        self.engineer.copy(
            {"login": "former", "email": "former@provider.example.com", "active": False}
        )
        # "_" is no wildcard: a look-alike of a staff login is someone else.
        new_test_user(self.env, login="ab_c@provider.example.com", groups="base.group_user")
        self.assertFalse(self.round._is_provider_staff_email("abxc@provider.example.com"))
        portal = new_test_user(
            self.env, login="dana", email="dana@acme.example.com", groups="base.group_portal"
        )
        self.assertTrue(portal)
        response = self._delegate("dana@acme.example.com", "Dana Deputy")
        self.assertEqual(response.status_code, 200)
        self.assertNotIn(REFUSED, response.text)
        self.assertEqual(self.round.state, "delegated")
        # The delegate's email, too, is answered to the ticket, not to the engineer.
        mail = self.env["mail.mail"].sudo().search([("email_to", "ilike", "dana@acme.example.com")])
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.reply_to, self.ticket._engagement_reply_to())
        self.assertNotIn("engineer@provider.example.com", mail.reply_to)
        self.assertFalse(self.round._is_provider_staff_email("former@provider.example.com"))
        self.assertFalse(self.round._is_provider_staff_email("not an address"))
