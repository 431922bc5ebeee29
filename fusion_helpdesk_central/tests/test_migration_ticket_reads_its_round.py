# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""19.0.4.0.0's migration of a 19.0.3 database: the ticket's stored copies of
its latest round go (the ticket reads its round), the reminder cron moves to
the rounds; a second run changes nothing."""

import importlib.util
from pathlib import Path
from unittest.mock import patch

from odoo.tests import tagged

from .common import FusionHelpdeskCentralCommon

MIGRATION = (
    Path(__file__).resolve().parent.parent
    / "migrations"
    / "19.0.4.0.0"
    / "post-20-ticket-reads-its-round.py"
)
MODULE_NAME = "ticket_reads_its_round"
# Columns as 19.0.3 created them (a sample of each kind: text, date, links).
OLD_COLUMNS = {
    "engagement_owner_email": "varchar",
    "engagement_sent_at": "timestamp",
    "engagement_turnaround_hours": "numeric",
    "engagement_requested_by_id": "int4 REFERENCES res_users(id) ON DELETE SET NULL",
    "engagement_decision_message_id": "int4 REFERENCES mail_message(id) ON DELETE SET NULL",
}


def load_migration():
    spec = importlib.util.spec_from_file_location(MODULE_NAME, MIGRATION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@tagged("post_install", "-at_install")
class TestTicketReadsItsRoundMigration(FusionHelpdeskCentralCommon):
    def setUp(self):
        super().setUp()
        self.migration = load_migration()
        self.cron = self.env.ref("fusion_helpdesk_central.ir_cron_engagement_reminder")

    def _as_19_0_3(self):
        """The ticket's columns, its reminder index and the cron as 19.0.3 left them."""
        self.env.flush_all()
        for column, kind in OLD_COLUMNS.items():
            self.env.cr.execute('ALTER TABLE helpdesk_ticket ADD COLUMN "%s" %s' % (column, kind))
        self.env.cr.execute(
            "CREATE INDEX helpdesk_ticket_engagement_reminder_due_index "
            "ON helpdesk_ticket (engagement_sent_at) WHERE engagement_state = 'pending'"
        )
        self.cron.write(
            {
                "model_id": self.env["ir.model"]._get_id("helpdesk.ticket"),
                "code": "model._cron_engagement_reminder()",
            }
        )

    def _migrate(self):
        """Run the migration on this 19.0.3 database; return what it logged."""
        with patch.object(self.migration, "_logger") as logger:
            self.migration.migrate(self.env.cr, "19.0.3.1.0")
        return [call.args[0] % call.args[1:] for call in logger.info.call_args_list]

    def _columns(self):
        self.env.cr.execute(
            """SELECT column_name FROM information_schema.columns
                WHERE table_name = 'helpdesk_ticket' AND column_name LIKE 'engagement%%'"""
        )
        return {row[0] for row in self.env.cr.fetchall()}

    def _index_exists(self):
        self.env.cr.execute(
            "SELECT 1 FROM pg_indexes WHERE indexname = "
            "'helpdesk_ticket_engagement_reminder_due_index'"
        )
        return bool(self.env.cr.fetchone())

    def test_copies_dropped_cron_moved_twice_harmless(self):
        engagement, __ = self._start_round(self.ticket)
        self._as_19_0_3()
        self.assertLessEqual(set(OLD_COLUMNS), self._columns())

        logs = self._migrate()

        self.assertFalse(self._columns() & set(self.migration.DROPPED_COLUMNS))
        self.assertLessEqual({"engagement_state", "engagement_id"}, self._columns())
        self.assertFalse(self._index_exists())
        self.assertIn("dropped 5 stored copies", logs[0])
        for column in OLD_COLUMNS:
            self.assertIn(column, logs[0])
        self.assertIn("reminder cron now runs on the approval rounds", logs[1])
        self.assertEqual(self.cron.model_id.model, "fusion.helpdesk.engagement")
        self.assertEqual(self.cron.code, "model._cron_remind()")
        # The ticket shows its round, read from the round.
        self.env.invalidate_all()
        self.assertEqual(self.ticket.engagement_state, "pending")
        self.assertEqual(self.ticket.engagement_owner_email, engagement.owner_email)
        self.assertEqual(self.ticket.engagement_requested_by_id, self.engineer)

        again = self._migrate()
        self.assertEqual(len(again), 1)
        self.assertIn("no column left to drop", again[0])
        self.assertFalse(self._columns() & set(self.migration.DROPPED_COLUMNS))
        self.assertLessEqual({"engagement_state", "engagement_id"}, self._columns())

    def test_a_cron_someone_changed_is_left_alone(self):
        self._as_19_0_3()
        self.cron.code = "model._cron_engagement_reminder()  # weekly, says Ops"
        self.migration.migrate(self.env.cr, "19.0.3.1.0")
        self.assertEqual(self.cron.model_id.model, "helpdesk.ticket")
        self.assertIn("says Ops", self.cron.code)

    def test_fresh_install_untouched(self):
        self.migration.migrate(self.env.cr, None)
        self.assertEqual(self.cron.model_id.model, "fusion.helpdesk.engagement")
