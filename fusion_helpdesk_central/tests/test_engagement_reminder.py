# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta
from unittest.mock import patch

from odoo import fields
from odoo.sql_db import db_connect
from odoo.tools import SQL, mute_logger

from ..decisions import DECISION_STATES
from .common import FusionHelpdeskCentralCommon, ticket_live_token

REMINDER_DAYS = "fusion_helpdesk_central.engagement_reminder_days"


class TestEngagementReminder(FusionHelpdeskCentralCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Ticket = cls.env["helpdesk.ticket"]
        cls.Engagement = cls.env["fusion.helpdesk.engagement"]
        cls.IrCron = cls.env.registry["ir.cron"]
        cls.cron = cls.env.ref("fusion_helpdesk_central.ir_cron_engagement_reminder")
        cls.icp = cls.env["ir.config_parameter"].sudo()
        cls.other_key = cls.env["fusion.helpdesk.client.key"].create(
            {
                "name": "Globex",
                "owner_email": "boss@globex.example.com",
                "owner_name": "Gary Globex",
            }
        )

    # ------------------------------------------------------------------ helpers
    @classmethod
    def _engaged(cls, name, days_ago, state="pending", client_key=None):
        """A ticket sent to its owner through the real send path, ``days_ago``
        days ago, possibly decided since."""
        ticket = cls._create_ticket(name, client_key=client_key)
        ticket = ticket.with_user(cls.engineer)
        token = ticket._engagement_start(
            "Findings of %s" % name, "- Recommendation: fix %s." % name
        )
        ticket._engagement_send_mails({ticket.id: token})
        if state != "pending":
            # Decided by the owner's link, as the flow does.
            decision = {value: key for key, value in DECISION_STATES.items()}[state]
            assert cls.env["helpdesk.ticket"]._engagement_decide(token, decision) == ticket
        # Time travel only: the round was sent ``days_ago`` days ago.
        sent_at = fields.Datetime.now() - timedelta(days=days_ago)
        ticket.engagement_id.sudo().write({"sent_at": sent_at})
        return ticket.with_env(cls.env)

    def _reminders(self):
        return self.env["mail.mail"].sudo().search([("subject", "=like", "Reminder: %")])

    def _assert_reminded_once(self, tickets):
        """Each ticket's links are in exactly one reminder, to its owner."""
        reminders = self._reminders()
        for ticket in tickets:
            token = ticket_live_token(ticket)
            with self.subTest(ticket=ticket.name):
                self.assertTrue(ticket.engagement_reminded_at)
                [mail] = reminders.filtered(lambda m, t=token: t in m.body_html)
                # From the engineer who asked, not from the cron's OdooBot.
                self.assertEqual(mail.author_id, self.engineer.partner_id)
                self.assertIn("Eddie Engineer", mail.email_from)
                self.assertIn(ticket.engagement_owner_email, mail.email_to)
                for decision in ("approve", "reject"):
                    url = "http://central.example.com/fusion_helpdesk/engagement/%s/%s"
                    self.assertIn(url % (token, decision), mail.body_html)

    def _assert_not_reminded(self, tickets):
        reminders = self._reminders()
        for ticket in tickets:
            with self.subTest(ticket=ticket.name):
                self.assertFalse(ticket.engagement_reminded_at)
                token = ticket_live_token(ticket)
                if token:
                    self.assertFalse(reminders.filtered(lambda m, t=token: t in m.body_html))

    def _run_cron(self):
        """Run the reminder cron as the scheduler does (own cursor, commits per batch)."""
        with self.enter_registry_test_mode():
            return self.cron.method_direct_trigger()

    def _run_method(self, out_of_time_after=None):
        """Call the cron method, committing nothing; report 'no time left' after
        ``out_of_time_after`` batches. Returns the progress calls."""
        calls = []

        def commit_progress(model, processed=0, *, remaining=None, deactivate=False):
            calls.append((processed, remaining))
            batches = sum(1 for done, __ in calls if done)
            return 0 if out_of_time_after is not None and batches >= out_of_time_after else 60

        with patch.object(self.IrCron, "_commit_progress", commit_progress):
            self.Engagement._cron_remind()
        return calls

    def _patch_batch_size(self, size):
        return patch.object(type(self.Engagement), "_reminder_batch_size", size)

    # ------------------------------------------------------------------ data
    def test_cron_record(self):
        """The cron is daily, active, and calls the public entry point."""
        self.assertTrue(self.cron.active)
        self.assertEqual((self.cron.interval_number, self.cron.interval_type), (1, "days"))
        self.assertEqual(self.cron.model_id.model, "fusion.helpdesk.engagement")
        self.assertEqual(self.cron.code.strip(), "model._cron_remind()")
        self.assertEqual(self.icp.get_param(REMINDER_DAYS), "3")

    # ------------------------------------------------------------------ selection
    def test_default_delay_reminds_old_pending_only(self):
        """ICP absent: 3 days. A 4-day-old pending engagement is reminded, a
        2-day-old one, decided ones and never-engaged tickets are untouched."""
        self.icp.search([("key", "=", REMINDER_DAYS)]).unlink()
        old = self._engaged("Old pending", 4)
        young = self._engaged("Young pending", 2)
        approved = self._engaged("Old approved", 10, state="approved")
        rejected = self._engaged("Old rejected", 10, state="rejected")
        untouched = young | approved | rejected | self.ticket
        fnames = ["engagement_state", "engagement_sent_at", "engagement_token"]
        before = untouched.sudo().read(fnames)
        first_link = old.sudo().engagement_token

        result = self._run_cron()
        self.env.invalidate_all()

        self.assertIs(result, True)
        self.assertEqual(old.engagement_state, "pending")
        self.assertTrue(old.sudo().engagement_token, "the reminder's links are live")
        self.assertNotEqual(old.sudo().engagement_token, first_link, "fresh links")
        self._assert_reminded_once(old)
        [reminder] = self._reminders()
        self.assertEqual(reminder.email_to, '"Olivia Owner" <owner@acme.example.com>')
        self.assertIn(old.number, reminder.subject)
        self.assertIn("still waiting for your decision", reminder.body_html)
        self.assertIn("Reminder sent to the owner", old.message_ids[0].body)
        self._assert_not_reminded(untouched)
        self.assertEqual(untouched.sudo().read(fnames), before)

    def test_one_reminder_per_owner(self):
        """Due engagements of one owner share one reminder (one card each);
        another owner gets their own."""
        acme = self._engaged("Acme one", 5) | self._engaged("Acme two", 4)
        globex = self._engaged("Globex one", 6, client_key=self.other_key)
        self._run_method()
        self._assert_reminded_once(acme | globex)
        reminders = self._reminders()
        self.assertEqual(len(reminders), 2)
        self.assertEqual(
            sorted(reminders.mapped("email_to")),
            ['"Gary Globex" <boss@globex.example.com>', '"Olivia Owner" <owner@acme.example.com>'],
        )

    def test_configured_delay(self):
        """The delay follows the parameter: with 1 day a 2-day-old one is due."""
        self.icp.set_param(REMINDER_DAYS, "1")
        two_days = self._engaged("Two days", 2)
        hours = self._engaged("Hours", 0.5)
        self._run_method()
        self._assert_reminded_once(two_days)
        self._assert_not_reminded(hours)

    def test_zero_or_negative_disables(self):
        old = self._engaged("Very old pending", 30)
        for value in ("0", "-2"):
            with self.subTest(value=value):
                self.icp.set_param(REMINDER_DAYS, value)
                calls = self._run_method()
                self._assert_not_reminded(old)
                self.assertEqual(calls, [], "a disabled cron does not even count")

    def test_invalid_delay_falls_back_to_default(self):
        """A non-integer delay is logged and treated as the 3-day default."""
        old = self._engaged("Old pending", 4)
        young = self._engaged("Young pending", 2)
        for value in ("three", "2.5"):
            with self.subTest(value=value):
                self.icp.set_param(REMINDER_DAYS, value)
                with self.assertLogs(
                    "odoo.addons.fusion_helpdesk_central.models.ir_config_parameter",
                    "WARNING",
                ) as logs:
                    self.assertEqual(self.Engagement._reminder_days(), 3)
                self.assertIn(repr(value), logs.output[0])
        with mute_logger("odoo.addons.fusion_helpdesk_central.models.ir_config_parameter"):
            self._run_method()
        self._assert_reminded_once(old)
        self._assert_not_reminded(young)

    def test_archived_ticket_not_reminded(self):
        """An archived ticket is work the provider dropped: no nagging."""
        archived = self._engaged("Archived pending", 5)
        archived.active = False
        self._run_method()
        self._assert_not_reminded(archived)

    def test_due_query_uses_partial_index(self):
        """The due selection matches the partial index declared on the model."""
        domain = self.Engagement._due_for_reminder_domain(fields.Datetime.now(), 3)
        query = self.Engagement._search(domain, order="sent_at, id", limit=100)
        # A fresh transaction: an index built while other transactions were open
        # (indcheckxmin) is invisible to older snapshots such as the test's own.
        with db_connect(self.env.cr.dbname).cursor() as cr:
            cr.execute("SET LOCAL enable_seqscan = off")
            cr.execute(SQL("EXPLAIN %s", query.select()))
            plan = "\n".join(row[0] for row in cr.fetchall())
        self.assertIn("fusion_helpdesk_engagement_reminder_due_index", plan)

    # ------------------------------------------------------------------ once only
    def test_second_run_sends_nothing(self):
        old = self._engaged("Old pending", 4)
        self._run_cron()
        reminded_at = old.engagement_reminded_at
        self._assert_reminded_once(old)

        calls = self._run_method()
        self._run_cron()

        self.assertEqual(old.engagement_reminded_at, reminded_at)
        self.assertEqual(calls, [(0, 0), (0, 0)], "nothing left to process")
        self._assert_reminded_once(old)
        self.assertEqual(len(self._reminders()), 1)

    def test_batches_continue_across_runs(self):
        """Out of time after the first batch: that batch is done and committed,
        the next run carries on with the rest and leaves the first alone."""
        tickets = self.Ticket.browse()
        for days in (9, 8, 7, 6, 5):
            tickets |= self._engaged("Pending %s days" % days, days)
        with self._patch_batch_size(2):
            calls = self._run_method(out_of_time_after=1)
            self.assertEqual(calls, [(0, 5), (2, None)])
            self._assert_reminded_once(tickets[:2])  # oldest first, one batch of 2
            self._assert_not_reminded(tickets[2:])
            first_dates = tickets[:2].mapped("engagement_reminded_at")

            calls = self._run_method()

        self.assertEqual(calls, [(0, 3), (2, None), (1, None), (0, 0)])
        self._assert_reminded_once(tickets)
        self.assertEqual(tickets[:2].mapped("engagement_reminded_at"), first_dates)

    def test_cron_job_runs_batches_until_done(self):
        """Through ir.cron with no time left after each batch: the scheduler
        calls the job again until every engagement has its one reminder."""
        tickets = self.Ticket.browse()
        for days in (9, 8, 7, 6, 5):
            tickets |= self._engaged("Pending %s days" % days, days)
        with (
            self._patch_batch_size(2),
            patch("odoo.addons.base.models.ir_cron.MIN_TIME_PER_JOB", 0),
        ):
            self._run_cron()
        self._assert_reminded_once(tickets)
        progress = self.env["ir.cron.progress"].search([("cron_id", "=", self.cron.id)], order="id")
        self.assertEqual(progress.mapped("done"), [2, 2, 1])
        self.assertEqual(progress.mapped("remaining"), [3, 1, 0])

    def test_crash_mid_run_never_double_sends(self):
        """The job crashes after its second batch is flagged but before it is
        committed: that batch is rolled back whole, the first stays done, and
        the retry reminds the rest exactly once."""
        tickets = self.Ticket.browse()
        for days in (9, 8, 7, 6, 5):
            tickets |= self._engaged("Pending %s days" % days, days)
        real_commit_progress = self.IrCron._commit_progress
        batches = []

        def commit_progress(model, processed=0, **kwargs):
            if processed:
                batches.append(processed)
                if len(batches) == 2:
                    raise ConnectionError("worker lost")
            return real_commit_progress(model, processed, **kwargs)

        with (
            self._patch_batch_size(2),
            patch.object(self.IrCron, "_commit_progress", commit_progress),
            mute_logger("odoo.addons.base.models.ir_cron"),
        ):
            result = self._run_cron()
        self.assertEqual(batches, [2, 2, 2, 1], "the crashed batch was done again")
        self.assertEqual(result["tag"], "display_exception")
        self._assert_reminded_once(tickets)
        self.assertEqual(len(self._reminders()), 3, "batches of 2 + 2 + 1, none twice")

    def test_locked_ticket_is_skipped_and_retried_soon(self):
        """A ticket locked by another transaction (the owner deciding right now)
        is skipped without waiting; the cron is triggered again shortly."""
        locked = self._engaged("Being decided", 5)
        free = self._engaged("Free", 4)
        real_lock = type(self.Engagement).try_lock_for_update

        def try_lock(records, **kwargs):
            return real_lock(records - locked.engagement_id, **kwargs)

        with patch.object(type(self.Engagement), "try_lock_for_update", try_lock):
            self._run_method()
        self._assert_reminded_once(free)
        self._assert_not_reminded(locked)
        trigger = self.env["ir.cron.trigger"].search([("cron_id", "=", self.cron.id)])
        self.assertTrue(trigger)
        self.assertGreater(trigger[-1].call_at, fields.Datetime.now())

    def test_failing_ticket_does_not_block_the_batch(self):
        """One ticket whose reminder cannot be sent is logged and stays due;
        the others of its batch are reminded."""
        good = self._engaged("Good", 5)
        bad = self._engaged("Bad", 4)
        also_good = self._engaged("Also good", 3.5)
        real_send = type(self.Engagement)._send_reminders

        def send(records):
            if bad.engagement_id in records:
                raise ValueError("template exploded")
            return real_send(records)

        with (
            patch.object(type(self.Engagement), "_send_reminders", send),
            self.assertLogs(
                "odoo.addons.fusion_helpdesk_central.models.fusion_helpdesk_engagement_reminder",
                "ERROR",
            ) as logs,
        ):
            self._run_method()
        self._assert_reminded_once(good | also_good)
        self._assert_not_reminded(bad)
        self.assertEqual(len(logs.records), 1)
        self.assertIn(str(bad.id), logs.output[0])
