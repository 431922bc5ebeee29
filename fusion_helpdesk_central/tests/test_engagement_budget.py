# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Estimates and the client's pre-approved budget, through the wizard, the
policy API and the owner's email, as users meet them (SPEC 19.0.4.0.0)."""

import json
import secrets
from contextlib import closing

from odoo.exceptions import UserError
from odoo.sql_db import db_connect
from odoo.tests import tagged

from odoo.addons.fusion_helpdesk_central import money

from .common import (
    delete_committed_tickets,
    live_token,
    real_env,
    replay_late_racer,
    ticket_live_token,
)
from .test_intake_api import API
from .test_policy_api import GOOD_POLICY
from .test_sync_api import SyncApiCase


@tagged("post_install", "-at_install")
class TestEngagementBudget(SyncApiCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.client_key.with_user(cls.manager).write({"hourly_rate": 150.0})
        cls.currency = cls.client_key.currency_id
        cls.policy = {**GOOD_POLICY, "currency": cls.currency.name}

    def put_policy(self, **changes):
        response = self.url_open(
            API + "/policy",
            data=json.dumps({**self.policy, **changes}),
            headers=self._headers(),
            method="PUT",
        )
        self.assertEqual(response.status_code, 200, response.text)
        self.client_key.invalidate_recordset()
        return response.json()

    def send(self, ticket, hours=0.0, amount=0.0, ask_owner=False):
        wizard = (
            self.env["fusion.helpdesk.engagement.wizard"]
            .with_user(self.engineer)
            .with_context(active_model="helpdesk.ticket", active_ids=ticket.ids)
            .create(
                {
                    "findings": "Effort: %sh" % hours,
                    "summary": "Replace the fuser.",
                    "estimate_hours": hours,
                    "estimate_amount": amount,
                    "ask_owner": ask_owner,
                }
            )
        )
        wizard.action_send()
        ticket.invalidate_recordset()
        return ticket.sudo().engagement_id

    def last_mail(self):
        return self.env["mail.mail"].sudo().search([], order="id desc", limit=1)

    # ------------------------------------------------------------ estimates
    def test_the_estimate_is_priced_at_the_hourly_rate_sealed_and_shown(self):
        engagement = self.send(self.ticket, hours=2.5)
        self.assertEqual(engagement.state, "pending")
        self.assertEqual(engagement.estimate_hours, 2.5)
        self.assertEqual(engagement.estimate_amount, 375.0)
        self.assertEqual(engagement.currency_id, self.currency)
        self.assertEqual(
            engagement.content_digest,
            money.content_digest(
                self.ticket.number, "Replace the fuser.", 2.5, 375.0, self.currency.name
            ),
        )
        self.assertTrue(engagement.digest_matches)
        mail = self.last_mail()
        self.assertIn("Estimate:", mail.body_html)
        self.assertIn("2.50", mail.body_html)
        self.assertIn("375.00", mail.body_html)
        # The owner keeps the seal in her own mailbox (attacker run F5: the
        # database's copy alone could be rewritten and sealed again).
        self.assertIn(engagement.content_digest, mail.body_html)
        # The owner's page shows the estimate and the digest.
        page = self.url_open("/fusion_helpdesk/engagement/%s/approve" % live_token(mail))
        self.assertIn("375.00", page.text)
        self.assertIn(engagement.content_digest, page.text)
        # A changed text no longer matches the seal.
        engagement.sudo().summary = "Replace the whole printer."
        self.assertFalse(engagement.digest_matches)

    def test_hours_without_a_rate_are_not_shown_as_free_work(self):
        # A client without an hourly rate: the owner reads the hours only,
        # never "1.50 hours, 0.00 €", which reads as free work.
        self.client_key.with_user(self.manager).write({"hourly_rate": 0.0})
        engagement = self.send(self.ticket, hours=1.5)
        self.assertEqual(engagement.estimate_amount, 0.0)
        body = self.last_mail().body_html
        self.assertIn("Estimate: 1.50 hours", body)
        self.assertNotIn("0.00", body.split("Estimate:")[1].split("<")[0])
        page = self.url_open(
            "/fusion_helpdesk/engagement/%s/approve" % live_token(self.last_mail())
        )
        self.assertIn("1.50 hours", page.text)
        self.assertNotIn("hours, ", page.text)

    def test_each_bulk_line_carries_its_own_estimate(self):
        other = self.other_ticket_of_key()
        tickets = self.ticket | other
        wizard = (
            self.env["fusion.helpdesk.engagement.wizard"]
            .with_user(self.engineer)
            .with_context(active_model="helpdesk.ticket", active_ids=tickets.ids)
            .create({})
        )
        hours = {self.ticket: 1.0, other: 4.0}
        for line in wizard.line_ids:
            line.write(
                {"summary": "Fix %s" % line.ticket_id.name, "estimate_hours": hours[line.ticket_id]}
            )
        wizard.action_send()
        self.assertEqual(self.ticket.sudo().engagement_id.estimate_amount, 150.0)
        self.assertEqual(other.sudo().engagement_id.estimate_amount, 600.0)
        self.assertIn("600.00", self.last_mail().body_html)

    def test_a_typed_amount_wins_over_the_rate(self):
        engagement = self.send(self.ticket, hours=2, amount=99.0)
        self.assertEqual(engagement.estimate_amount, 99.0)

    def test_negative_or_absurd_hours_send_nothing(self):
        for hours in (-1.0, 1000.5):
            with self.subTest(hours=hours), self.assertRaises(UserError):
                self.send(self.ticket, hours=hours)
            self.assertFalse(self.ticket.sudo().engagement_ids)

    # ------------------------------------------------------------ budget
    def test_within_budget_is_approved_at_once_without_a_link(self):
        self.put_policy(budget_monthly=1000)
        engagement = self.send(self.ticket, hours=2)  # 300
        self.assertEqual(engagement.state, "approved")
        self.assertTrue(engagement.auto_approved)
        self.assertFalse(engagement.sudo().token_hash)
        self.assertEqual(self.ticket.engagement_state, "approved")
        note = self.ticket.message_ids.filtered(
            lambda m: m.fusion_flow_note and "pre-approved budget" in (m.body or "")
        )
        self.assertEqual(len(note), 1)
        self.assertIn("pre-approved budget", note.body)
        self.assertFalse(note.is_internal)
        self.assertEqual(note.author_id, self.ticket.company_id.partner_id)
        self.assertNotEqual(note.author_id.email_normalized, "owner@acme.example.com")
        mail = self.last_mail()
        self.assertIn("owner@acme.example.com", mail.email_to)
        self.assertIn("300.00", mail.body_html)
        self.assertIn("1,000.00", mail.body_html)
        self.assertIsNone(live_token(mail), "the notice carries no decision link")
        self.assertTrue(
            self.ticket.activity_ids.filtered(lambda a: a.user_id == self.engineer),
            "the engineer is told",
        )
        self.assertEqual(self.client_key.budget_used_month, 300.0)

    def test_the_engineer_is_told_what_the_budget_did(self):
        """Attacker run: after a budget approval the engineer read "Approval
        requested from the owner"."""
        self.put_policy(budget_monthly=1000)
        wizard = (
            self.env["fusion.helpdesk.engagement.wizard"]
            .with_user(self.engineer)
            .with_context(active_model="helpdesk.ticket", active_ids=self.ticket.ids)
            .create({"findings": "2h", "summary": "Replace the fuser.", "estimate_hours": 2})
        )
        message = wizard.action_send()["params"]["message"]
        self.assertIn("Approved within the client's pre-approved budget", message)
        self.assertNotIn("Approval requested from the owner", message)

    def test_an_amount_typed_below_the_rate_goes_to_the_owner(self):
        """Attacker run F1: 999 hours typed at 0.01 fitted any budget; the
        budget only approves an estimate priced at least at the client's rate."""
        self.put_policy(budget_monthly=1000)
        engagement = self.send(self.ticket, hours=999, amount=0.01)
        self.assertEqual((engagement.state, engagement.auto_approved), ("pending", False))
        self.assertTrue(engagement.sudo().token_hash, "the owner got a live link")
        # Typed above the rate, within the budget: approved.
        other = self.send(self.other_ticket_of_key(), hours=2, amount=400.0)
        self.assertEqual((other.state, other.auto_approved), ("approved", True))

    def test_without_an_hourly_rate_the_budget_approves_nothing(self):
        self.put_policy(budget_monthly=1000)
        self.client_key.with_user(self.manager).write({"hourly_rate": 0.0})
        engagement = self.send(self.ticket, hours=2, amount=10.0)
        self.assertEqual((engagement.state, engagement.auto_approved), ("pending", False))

    def test_the_budget_never_overturns_the_owners_no(self):
        """Attacker run F2: after the owner rejected or asked for changes, the
        next request goes to the owner, however small."""
        self.put_policy(budget_monthly=1000)
        for answer, state in (("reject", "rejected"), ("changes", "changes_requested")):
            with self.subTest(answer=answer):
                ticket = self.other_ticket_of_key()
                first = self.send(ticket, hours=9)  # 1,350: over the budget
                self.assertEqual(first.state, "pending")
                self.env["helpdesk.ticket"]._engagement_decide(ticket_live_token(ticket), answer)
                self.assertEqual(first.state, state)
                again = self.send(ticket, hours=1)  # 150: would fit
                self.assertEqual((again.state, again.auto_approved), ("pending", False))

    def test_over_budget_goes_to_the_owner_and_says_what_is_left(self):
        self.put_policy(budget_monthly=1000)
        self.assertTrue(self.send(self.ticket, hours=4).auto_approved)  # 600
        engagement = self.send(self.other_ticket_of_key(), hours=3)  # 450 > 400 left
        self.assertEqual(engagement.state, "pending")
        self.assertFalse(engagement.auto_approved)
        mail = self.last_mail()
        self.assertTrue(live_token(mail))
        self.assertIn("Left of your pre-approved budget this month", mail.body_html)
        self.assertIn("400.00", mail.body_html)

    def test_ask_owner_asks_anyway(self):
        self.put_policy(budget_monthly=1000)
        engagement = self.send(self.ticket, hours=1, ask_owner=True)
        self.assertEqual(engagement.state, "pending")
        self.assertTrue(live_token(self.last_mail()))

    def test_a_budget_in_another_currency_never_approves(self):
        other = (
            self.env["res.currency"]
            .with_context(active_test=False)
            .search([("id", "!=", self.currency.id)], limit=1)
        )
        self.put_policy(budget_monthly=1000, currency=other.name)
        engagement = self.send(self.ticket, hours=1)
        self.assertEqual(engagement.state, "pending")
        self.assertFalse(engagement.auto_approved)

    def test_reporting_sums_approved_and_estimated_amounts_per_client_and_month(self):
        self.put_policy(budget_monthly=1000)
        self.send(self.ticket, hours=2)  # 300, approved at once
        self.send(self.other_ticket_of_key(), hours=1, ask_owner=True)  # 150, pending
        groups = self.env["fusion.helpdesk.engagement"]._read_group(
            [("client_key_id", "=", self.client_key.id)],
            groupby=["client_key_id", "sent_at:month"],
            aggregates=["estimate_amount:sum", "approved_amount:sum"],
        )
        self.assertEqual(len(groups), 1)
        __, __, estimated, approved = groups[0]
        self.assertEqual((estimated, approved), (450.0, 300.0))

    def other_ticket_of_key(self):
        return self._create_ticket("Scanner jammed")


@tagged("post_install", "-at_install")
class TestBudgetRace(SyncApiCase):
    """Two engineers send at once against one budget: the second sees the
    first's amount (real transactions, two cursors)."""

    def _commit_client(self):
        db = db_connect(self.env.cr.dbname)
        tag = secrets.token_hex(4)
        with closing(db.cursor()) as cr:
            env = real_env(cr)(context={"tracking_disable": True})
            client = env["fusion.helpdesk.client.key"].create(
                {"name": "Race Budget %s" % tag, "owner_email": "race-%s@acme.example.com" % tag}
            )
            client.hourly_rate = 100.0
            client._api_set_policy(
                money.validate_policy_payload(
                    {"budget_monthly": 1000, "currency": client.currency_id.name}
                )
            )
            tickets = env["helpdesk.ticket"].create(
                [
                    {
                        "name": "Race %s" % n,
                        "number": "BUDGET-%s-%s" % (tag, n),
                        "description": "<p>race</p>",
                        "client_key_id": client.id,
                    }
                    for n in "AB"
                ]
            )
            cr.commit()  # pylint: disable=invalid-commit
        self.addCleanup(self._delete_committed, client.id)
        return tickets.ids

    def _delete_committed(self, client_id):
        db = db_connect(self.env.cr.dbname)
        with closing(db.cursor()) as cr:
            env = real_env(cr)
            tickets = env["helpdesk.ticket"].search([("client_key_id", "=", client_id)])
            env["mail.mail"].search([("subject", "ilike", "BUDGET-")]).unlink()
            delete_committed_tickets(env, tickets)
            env["fusion.helpdesk.client.key"].browse(client_id).unlink()
            cr.commit()  # pylint: disable=invalid-commit

    def test_concurrent_sends_do_not_overspend(self):
        id_a, id_b = self._commit_client()
        db = db_connect(self.env.cr.dbname)
        estimate = {"hours": 6.0}  # 600 each: one fits in 1,000, not both
        with closing(db.cursor()) as cr_a, closing(db.cursor()) as cr_b:
            env_a, env_b = real_env(cr_a), real_env(cr_b)
            ticket_b = env_b["helpdesk.ticket"].browse(id_b)
            # B's send is under way: its snapshot shows nothing used yet.
            self.assertEqual(ticket_b.client_key_id._budget_used_month(), 0.0)
            env_a["helpdesk.ticket"].browse(id_a)._engagement_start("f", "A", estimate=estimate)
            self.assertTrue(env_a["helpdesk.ticket"].browse(id_a).engagement_id.auto_approved)

            def start_b():
                ticket = env_b["helpdesk.ticket"].browse(id_b)
                ticket._engagement_start("f", "B", estimate=estimate)
                return ticket.engagement_id

            # Odoo's retrying() replays B: it now sees A's 600 and asks the owner.
            engagement_b = replay_late_racer(self, cr_a, env_b, start_b)
            self.assertEqual(engagement_b.state, "pending")
            self.assertFalse(engagement_b.auto_approved)
            cr_b.commit()
        with closing(db.cursor()) as cr:
            env = real_env(cr)
            rounds = env["fusion.helpdesk.engagement"].search([("ticket_id", "in", [id_a, id_b])])
            self.assertEqual(rounds.filtered("auto_approved").ticket_id.ids, [id_a])
            self.assertEqual(rounds.ticket_id.client_key_id._budget_used_month(), 600.0)


@tagged("post_install", "-at_install")
class TestEngagementRecord(SyncApiCase):
    def test_the_approval_record_prints_and_verifies_the_seal(self):
        self.client_key.with_user(self.manager).write({"hourly_rate": 120.0})
        wizard = (
            self.env["fusion.helpdesk.engagement.wizard"]
            .with_user(self.engineer)
            .with_context(active_model="helpdesk.ticket", active_ids=self.ticket.ids)
            .create({"findings": "2h", "summary": "Replace the fuser.", "estimate_hours": 2})
        )
        wizard.action_send()
        engagement = self.ticket.engagement_id.with_user(self.engineer)
        action = engagement.action_print_record()
        self.assertEqual(
            action["report_name"], "fusion_helpdesk_central.report_engagement_record_document"
        )
        report = self.env.ref("fusion_helpdesk_central.report_engagement_record")
        html, __ = report.with_user(self.engineer)._render_qweb_html(report.id, engagement.ids)
        html = html.decode()
        self.assertIn(self.ticket.number, html)
        self.assertIn("Replace the fuser.", html)
        self.assertIn("240.00", html)
        self.assertIn(engagement.content_digest, html)
        self.assertIn("Verified", html)
        # A text changed behind the flow's back shows as not verified.
        self.env.cr.execute(
            "UPDATE fusion_helpdesk_engagement SET summary = 'Replace everything' WHERE id = %s",
            [engagement.id],
        )
        self.env.invalidate_all()
        html, __ = report.with_user(self.engineer)._render_qweb_html(report.id, engagement.ids)
        self.assertIn("Not verified", html.decode())
        # Where the PDF engine exists, the same report is a PDF.
        if report.get_wkhtmltopdf_state() == "ok":
            pdf, kind = report.with_context(force_report_rendering=True)._render_qweb_pdf(
                report.id, engagement.ids
            )
            self.assertEqual(kind, "pdf")
            self.assertTrue(pdf.startswith(b"%PDF"))


@tagged("post_install", "-at_install")
class TestEstimateInOwnerLanguage(SyncApiCase):
    def test_amounts_are_written_in_the_owners_number_format(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["res.partner"].create(
            {"name": "Olivia Owner", "email": "owner@acme.example.com", "lang": "fr_FR"}
        )
        self.client_key.with_user(self.manager).write({"hourly_rate": 1000.0})
        self.env["fusion.helpdesk.engagement.wizard"].with_user(self.engineer).with_context(
            active_model="helpdesk.ticket", active_ids=self.ticket.ids
        ).create(
            {"findings": "f", "summary": "Replace the fuser.", "estimate_hours": 1.5}
        ).action_send()
        mail = self.env["mail.mail"].sudo().search([], order="id desc", limit=1)
        # French grouping and decimal comma: 1,500.00 is written 1 500,00.
        self.assertRegex(mail.body_html, r"1[\s\u00a0\u202f.]500,00")
        self.assertIn("1,50", mail.body_html)
