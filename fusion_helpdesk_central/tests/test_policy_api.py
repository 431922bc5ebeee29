# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The client's policy: ``PUT /api/v1/policy`` over HTTP, and nobody on
central changes it (manager and admin over ``call_kw`` and ``/json/2``,
the guard's context key included)."""

import json
from datetime import date

from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools import mute_logger

from ..models.fusion_helpdesk_client_key_policy import POLICY_WRITER_CONTEXT
from .common import call_kw_error, json2
from .test_intake_api import API, IntakeApiCase

GOOD_POLICY = {
    "owner_email": "owner@acme.example.com",
    "owner_name": "Olivia Owner",
    "budget_monthly": 1000,
    "currency": "EUR",
    "deputy_email": "dan@acme.example.com",
    "deputy_name": "Dan Deputy",
    "away_from": "2026-12-20",
    "away_until": "2027-01-04",
}
POLICY_FNAMES = [
    "budget_monthly",
    "budget_currency_id",
    "deputy_email",
    "deputy_name",
    "away_from",
    "away_until",
]


@tagged("post_install", "-at_install")
class TestPolicyApi(IntakeApiCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.admin = cls.env.ref("base.user_admin")
        cls.eur = cls.env.ref("base.EUR")

    def put(self, payload, key=None):
        return self.url_open(
            API + "/policy",
            data=json.dumps(payload),
            headers=self._headers(key),
            method="PUT",
        )

    def stored(self, client_key=None):
        client_key = client_key or self.client_key
        client_key.invalidate_recordset()
        return client_key.read(POLICY_FNAMES)[0]

    # ------------------------------------------------------------ the API
    def test_put_stores_the_policy_on_the_key_and_tracks_it(self):
        body = self.assertJsonResponse(self.put(GOOD_POLICY), 200)
        self.assertEqual(body["budget_monthly"], 1000.0)
        self.assertEqual(body["currency"], "EUR")
        self.assertEqual(body["budget_used_month"], 0.0)
        self.assertEqual(body["away_until"], "2027-01-04")
        key = self.client_key
        key.invalidate_recordset()
        self.assertEqual(key.budget_monthly, 1000.0)
        self.assertEqual(key.budget_currency_id, self.eur)
        self.assertEqual(key.deputy_email, "dan@acme.example.com")
        self.assertEqual(key.deputy_name, "Dan Deputy")
        self.assertEqual(key.away_from, date(2026, 12, 20))
        self.assertEqual(key.away_until, date(2027, 1, 4))
        tracked = key.message_ids.tracking_value_ids.mapped("field_id.name")
        self.assertIn("budget_monthly", tracked)
        self.assertIn("deputy_email", tracked)
        # The other client's key is untouched.
        self.assertEqual(self.stored(self.other_key)["budget_monthly"], 0.0)

    def test_a_new_owner_from_settings_is_noted_on_requests_still_waiting(self):
        # Attacker run 4, F10: the owner changed through the client's Settings
        # was tracked on the key, but the engineers of requests still waiting
        # for the previous owner were not told (a new ticket's owner is).
        pending = self._create_ticket("Waiting for Olivia")
        self.env["fusion.helpdesk.engagement.wizard"].with_user(self.engineer).with_context(
            active_model="helpdesk.ticket", active_ids=pending.ids
        ).create({"findings": "Fuser worn.", "summary": "Replace the fuser."}).action_send()
        self.assertEqual(pending.engagement_owner_email, "owner@acme.example.com")
        policy = {**GOOD_POLICY, "owner_email": "nina@acme.example.com", "owner_name": "Nina New"}
        self.assertJsonResponse(self.put(policy), 200)
        self.env.invalidate_all()
        note = pending.message_ids.filtered(lambda m: "changed from" in (m.body or ""))
        self.assertEqual(len(note), 1)
        self.assertTrue(note.is_internal)
        self.assertIn("Nina New", note.body)
        self.assertIn("still waits for owner@acme.example.com", note.body)
        # The same owner sent again notes nothing more.
        self.assertJsonResponse(self.put(policy), 200)
        self.env.invalidate_all()
        self.assertEqual(
            len(pending.message_ids.filtered(lambda m: "changed from" in (m.body or ""))), 1
        )

    def test_bad_policies_are_refused_with_the_field_and_change_nothing(self):
        self.assertJsonResponse(self.put(GOOD_POLICY), 200)
        before = self.stored()
        cases = {
            "away_from": {"away_from": "20/12/2026"},
            "away_until": {"away_until": "2026-12-01"},
            "deputy_email": {"deputy_email": "OWNER@acme.example.com"},
            "budget_monthly": {"budget_monthly": -5},
            "currency": {"currency": "ZZZ"},
        }
        for field, change in cases.items():
            with self.subTest(field=field):
                self.assertError(self.put({**GOOD_POLICY, **change}), 400, field)
                self.assertEqual(self.stored(), before)
        for deputy in ("Owner@Acme.example.com", "owner+away@acme.example.com"):
            with self.subTest(field="deputy is the stored owner", deputy=deputy):
                # Attacker run: a body without owner_email named the stored owner.
                body = {**GOOD_POLICY, "deputy_email": deputy}
                body.pop("owner_email")
                body.pop("owner_name", None)
                self.assertError(self.put(body), 400, "deputy_email")
                self.assertEqual(self.stored(), before)
        with self.subTest(field="deputy is staff"):
            self.assertError(
                self.put({**GOOD_POLICY, "deputy_email": self.engineer.email}),
                400,
                "deputy_email",
            )
            self.assertEqual(self.stored(), before)

    @mute_logger("odoo.addons.fusion_helpdesk_central.models.fusion_helpdesk_client_key_api")
    def test_a_bad_key_changes_nothing(self):
        before = self.stored()
        self.assertError(self.put(GOOD_POLICY, key="not-a-key-at-all-0000000000"), 401)
        self.assertError(self.put(GOOD_POLICY, key=False), 401)
        self.assertEqual(self.stored(), before)

    def test_get_answers_the_stored_policy_and_other_methods_are_refused(self):
        self.assertJsonResponse(self.put(GOOD_POLICY), 200)
        body = self.assertJsonResponse(self._get("/policy"), 200)
        self.assertEqual(body["budget_monthly"], 1000.0)
        self.assertEqual(body["deputy_email"], "dan@acme.example.com")
        response = self.url_open(API + "/policy", headers=self._headers(), method="DELETE")
        self.assertEqual(response.status_code, 405)
        self.assertEqual(self.stored()["budget_monthly"], 1000.0)

    # ------------------------------------------------------------ nobody else writes it
    @mute_logger("odoo.http")
    def test_manager_and_admin_cannot_change_the_policy_over_rpc(self):
        self.assertJsonResponse(self.put(GOOD_POLICY), 200)
        before = self.stored()
        model = "fusion.helpdesk.client.key"
        forged = {"budget_monthly": 99999, "deputy_email": "mallory@provider.example.com"}
        context = {POLICY_WRITER_CONTEXT: True}
        for label, user in (("manager", self.manager), ("admin", self.admin)):
            for how, kwargs in (("plain", {}), ("guard key", {"context": context})):
                with self.subTest(user=label, how=how, call="write"):
                    error = call_kw_error(
                        self, user, model, "write", self.client_key.ids, forged, **kwargs
                    )
                    self.assertEqual(error, "odoo.exceptions.AccessError")
                    self.assertEqual(self.stored(), before)
                with self.subTest(user=label, how=how, call="create"):
                    error = call_kw_error(
                        self, user, model, "create", {"name": "Forged", **forged}, **kwargs
                    )
                    self.assertEqual(error, "odoo.exceptions.AccessError")
                with self.subTest(user=label, how=how, call="load"):
                    error = call_kw_error(
                        self,
                        user,
                        model,
                        "load",
                        [".id", "budget_monthly"],
                        [[str(self.client_key.id), "99999"]],
                        **kwargs,
                    )
                    # load reports its errors in its answer, or raises: never writes.
                    self.assertEqual(self.stored(), before, error)
            with self.subTest(user=label, call="/json/2 write"):
                response = json2(
                    self,
                    user,
                    model,
                    "write",
                    ids=self.client_key.ids,
                    vals=forged,
                    context=context,
                )
                self.assertEqual(response.status_code, 403, response.text)
                self.assertEqual(self.stored(), before)
        self.assertFalse(
            self.env[model].search([("name", "=", "Forged")]), "no forged key was created"
        )

    def test_the_providers_own_code_cannot_write_it_either(self):
        with self.assertRaises(AccessError):
            self.client_key.sudo().write({"budget_monthly": 5})
        with self.assertRaises(AccessError):
            self.client_key.sudo().with_context(**{POLICY_WRITER_CONTEXT: True}).write(
                {"budget_monthly": 5}
            )

    def test_a_duplicated_key_does_not_carry_the_policy(self):
        self.assertJsonResponse(self.put(GOOD_POLICY), 200)
        copy = self.client_key.with_user(self.manager).copy({"name": "Acme copy"})
        self.assertEqual(copy.budget_monthly, 0.0)
        self.assertFalse(copy.deputy_email)

    def test_the_provider_sets_the_hourly_rate(self):
        self.client_key.with_user(self.manager).write({"hourly_rate": 150.0})
        self.assertEqual(self.client_key.hourly_rate, 150.0)
