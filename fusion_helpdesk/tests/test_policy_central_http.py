# Copyright 2026 Fusion Helpdesk
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The owner's policy saved in Settings reaches a real central over HTTP
(same database, central's HTTP server), refusals cancel the save, and a
policy saved while central is away is sent by the sync cron later."""

import unittest
from datetime import date, timedelta
from unittest.mock import patch

from odoo import fields
from odoo.exceptions import ValidationError
from odoo.tests import HttpCase, new_test_user, tagged

from ..models import res_config_settings_policy as policy


@tagged("post_install", "-at_install")
class TestPolicyWithRealCentral(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if "fusion.helpdesk.client.key" not in cls.env:
            raise unittest.SkipTest("needs fusion_helpdesk_central in the same database")
        cls.client_key = cls.env["fusion.helpdesk.client.key"].create(
            {"name": "Acme Policy", "owner_email": "owner@acme.example.com"}
        )
        cls.icp = cls.env["ir.config_parameter"].sudo()
        cls.icp.set_param("fusion_helpdesk.central_url", cls.base_url())
        cls.icp.set_param("fusion_helpdesk.client_key", cls.client_key._generate_key())
        cls.engineer = new_test_user(
            cls.env,
            login="fhp-engineer",
            name="Eddie Engineer",
            email="eddie.policy@provider.example.com",
            groups="helpdesk_mgmt.group_helpdesk_user",
        )

    def setUp(self):
        super().setUp()
        self.env["fusion.helpdesk.client.key"]._api_failures().clear()
        self.enterContext(self.allow_requests(all_requests=True))

    def save(self, **values):
        settings = self.env["res.config.settings"].create(
            {
                "fusion_helpdesk_owner_email": "owner@acme.example.com",
                "fusion_helpdesk_owner_name": "Olivia Owner",
                **values,
            }
        )
        self.env.flush_all()
        settings.execute()
        self.client_key.invalidate_recordset()
        return settings

    def test_saving_sends_the_policy_to_central(self):
        self.save(
            fusion_helpdesk_budget_monthly=1000,
            fusion_helpdesk_deputy_email="dan@acme.example.com",
            fusion_helpdesk_deputy_name="Dan Deputy",
            fusion_helpdesk_owner_away_from=date(2026, 12, 20),
            fusion_helpdesk_owner_away_until=date(2027, 1, 4),
        )
        key = self.client_key
        self.assertEqual(key.budget_monthly, 1000.0)
        self.assertEqual(key.budget_currency_id, self.env.company.currency_id)
        self.assertEqual(key.deputy_email, "dan@acme.example.com")
        self.assertEqual(key.away_until, date(2027, 1, 4))
        self.assertFalse(self.icp.get_param(policy.POLICY_PENDING_PARAM))
        shown = self.env["res.config.settings"].create({})
        self.assertFalse(shown.fusion_helpdesk_policy_status)
        self.assertEqual(shown.fusion_helpdesk_budget_used_month, 0.0)
        self.assertEqual(shown.fusion_helpdesk_owner_away_from, date(2026, 12, 20))

    def test_refusals_cancel_the_save(self):
        self.save(fusion_helpdesk_budget_monthly=500)
        cases = {
            "deputy is the owner": {"fusion_helpdesk_deputy_email": "owner@acme.example.com"},
            "deputy is our staff": {"fusion_helpdesk_deputy_email": self.engineer.email},
            "absence ends first": {
                "fusion_helpdesk_owner_away_from": date(2026, 12, 20),
                "fusion_helpdesk_owner_away_until": date(2026, 12, 1),
            },
            "negative budget": {"fusion_helpdesk_budget_monthly": -1},
        }
        for label, values in cases.items():
            with self.subTest(label), self.assertRaises(ValidationError):
                self.save(**{"fusion_helpdesk_budget_monthly": 900, **values})
            self.client_key.invalidate_recordset()
            self.assertEqual(self.client_key.budget_monthly, 500.0)
            self.assertFalse(self.client_key.deputy_email)

    def test_central_away_keeps_the_policy_pending_until_the_cron_sends_it(self):
        self.icp.set_param("fusion_helpdesk.central_url", "http://127.0.0.1:9")
        self.save(fusion_helpdesk_budget_monthly=700)
        self.assertEqual(self.client_key.budget_monthly, 0.0)
        self.assertTrue(self.icp.get_param(policy.POLICY_PENDING_PARAM))
        shown = self.env["res.config.settings"].create({})
        self.assertIn("retried automatically", shown.fusion_helpdesk_policy_status)
        self.assertEqual(self.icp.get_param(policy.BUDGET_PARAM), "700.0")
        # Central is back; the cron waits for the back-off, then sends.
        self.icp.set_param("fusion_helpdesk.central_url", self.base_url())
        self.sync()
        self.client_key.invalidate_recordset()
        self.assertEqual(self.client_key.budget_monthly, 0.0, "still backing off")
        past = fields.Datetime.now() - timedelta(minutes=1)
        self.icp.set_param(policy.POLICY_RETRY_AT_PARAM, fields.Datetime.to_string(past))
        self.sync()
        self.client_key.invalidate_recordset()
        self.assertEqual(self.client_key.budget_monthly, 700.0)
        self.assertFalse(self.icp.get_param(policy.POLICY_PENDING_PARAM))
        self.assertFalse(self.env["res.config.settings"].create({}).fusion_helpdesk_policy_status)

    def test_a_wrong_key_keeps_the_settings_and_retries_the_policy(self):
        good_key = self.icp.get_param("fusion_helpdesk.client_key")
        self.icp.set_param("fusion_helpdesk.client_key", "wrongkey" + "x" * 40)
        self.save(fusion_helpdesk_budget_monthly=300)
        self.assertEqual(self.icp.get_param(policy.BUDGET_PARAM), "300.0")
        self.assertTrue(self.icp.get_param(policy.POLICY_PENDING_PARAM))
        self.assertEqual(self.client_key.budget_monthly, 0.0)
        self.icp.set_param("fusion_helpdesk.client_key", good_key)
        self.icp.set_param(policy.POLICY_RETRY_AT_PARAM, False)
        self.sync()
        self.client_key.invalidate_recordset()
        self.assertEqual(self.client_key.budget_monthly, 300.0)

    def test_an_approval_within_budget_reaches_the_employee(self):
        self.save(fusion_helpdesk_budget_monthly=1000)
        self.client_key.with_user(self.env.ref("base.user_admin")).hourly_rate = 100.0
        employee = new_test_user(
            self.env, login="fhp-erin", name="Erin Employee", email="erin@acme.example.com"
        )
        answer = (
            self.env["fusion.helpdesk.ticket"]
            .with_user(employee)
            .submit_from_employee("Disk full", "The disk is full")
        )
        local = self.env["fusion.helpdesk.ticket"].browse(answer["id"]).sudo()
        central = self.env["helpdesk.ticket"].browse(local.central_id)
        central.user_id = self.engineer
        self.env["fusion.helpdesk.engagement.wizard"].with_user(self.engineer).with_context(
            active_model="helpdesk.ticket", active_ids=central.ids
        ).create({"findings": "2h", "summary": "Add a disk.", "estimate_hours": 3}).action_send()
        self.assertTrue(central.engagement_id.auto_approved)
        self.sync()
        local.invalidate_recordset()
        self.assertEqual(local.engagement_state, "approved")
        self.assertTrue(local.engagement_auto_approved)
        self.assertEqual(local.engagement_estimate_hours, 3.0)
        self.assertEqual(local.engagement_estimate_amount, 300.0)
        self.assertIn("pre-approved budget", local.thread_html)
        # The administrator sees this month's use in Settings.
        shown = self.env["res.config.settings"].create({})
        self.assertEqual(shown.fusion_helpdesk_budget_used_month, 300.0)

    def sync(self):
        self.env.cr.flush()
        with patch.object(type(self.env["ir.cron"]), "_commit_progress", return_value=60.0):
            self.env["fusion.helpdesk.ticket"]._cron_fusion_helpdesk_sync()
