# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Change log behind the client sync feed (``GET /api/v1/updates``).

One row per change a client should hear about: a ticket created or whose
stage, approval state or client changed (``message_id`` empty), or a message
posted or edited on it (``message_id`` set; the feed keeps only the public
ones). The row id is the feed's cursor.

Why a cursor on ids cannot skip a change: ids come from a sequence, and a
sequence hands out numbers in call order, not in commit order. If T1 took
id 10 and T2 id 11, and T2 committed first, a client reading between the two
commits would see 11, move its cursor to 11 and never see 10. So every writer
takes a transaction-level advisory lock on its client key *before* taking
ids: for one key, ids are then handed out one transaction at a time, and a
transaction can only take an id once the previous holder has committed (or
rolled back). For one key, id order is commit order; a reader that sees id N
has seen every committed id below N, and every later commit gets a higher id.
Writers of different clients never wait for each other.

Changes are gathered during the transaction and written once, just before it
commits (``cr.precommit``): one lock and one ``INSERT`` per transaction
whatever the number of changes, each change once (a ticket whose approval
state changes three times in one transaction is one row), and the sync lock
is held only for the commit itself.
"""

import logging
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL

from .. import sync

_logger = logging.getLogger(__name__)

RETENTION_DAYS_PARAM = "fusion_helpdesk_central.sync_retention_days"
# Id of the last change pruned: a cursor below it may have missed changes.
PRUNED_THROUGH_PARAM = "fusion_helpdesk_central.sync_pruned_through"

# First half of the advisory lock key (the second is the client key id);
# "FHSY" in ASCII, so it cannot collide with another addon by chance.
SYNC_LOCK_NAMESPACE = 0x46485359
# ``cr.precommit.data`` key of the changes gathered in the running transaction.
PENDING_CHANGES = "fusion_helpdesk_central.sync_changes"


class FusionHelpdeskSyncChange(models.Model):
    _name = "fusion.helpdesk.sync.change"
    _description = "Fusion Helpdesk Sync Change"
    _order = "id"
    _log_access = False

    client_key_id = fields.Many2one(
        comodel_name="fusion.helpdesk.client.key", required=True, ondelete="cascade"
    )
    ticket_id = fields.Many2one(
        comodel_name="helpdesk.ticket", required=True, ondelete="cascade", index=True
    )
    message_id = fields.Many2one(comodel_name="mail.message", ondelete="set null", index=True)
    create_date = fields.Datetime(default=fields.Datetime.now, readonly=True)

    # The feed reads one key's changes after a cursor, in id order.
    _client_key_id_index = models.Index("(client_key_id, id)")

    def init(self):
        """On first install, log every existing ticket of a client and its
        messages, so that a client's first sync (no cursor) gets the history."""
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO fusion_helpdesk_sync_change
                            (client_key_id, ticket_id, message_id, create_date)
                SELECT t.client_key_id, t.id, m.id, NOW() AT TIME ZONE 'UTC'
                  FROM helpdesk_ticket t
                  LEFT JOIN mail_message m
                    ON m.model = 'helpdesk.ticket' AND m.res_id = t.id
                   AND m.message_type IN ('comment', 'email')
                 WHERE t.client_key_id IS NOT NULL
                   AND NOT EXISTS (SELECT 1 FROM fusion_helpdesk_sync_change)
                 ORDER BY t.id, m.id
                """
            )
        )

    @api.model
    def _record(self, rows):
        """Log changes: ``rows`` are ``(client_key_id, ticket_id, message_id or None)``.

        Gathered for the running transaction, each row once, and written just
        before it commits (``_flush_pending``); rows without a client key are
        no client's business.
        """
        rows = [row for row in rows if row[0]]
        if not rows:
            return
        precommit = self.env.cr.precommit
        pending = precommit.data.get(PENDING_CHANGES)
        if pending is None:
            # A dict as an ordered set: rows are written in the order they came.
            pending = precommit.data[PENDING_CHANGES] = {}
            precommit.add(self._flush_pending)
        for key_id, ticket_id, message_id in rows:
            pending.setdefault((key_id, ticket_id, message_id or None), None)

    @api.model
    def _flush_pending(self):
        """Write the changes gathered in this transaction (run before commit,
        and before the feed is read in the same transaction).

        Takes each client key's sync lock (in key order, so two writers cannot
        deadlock on it) before the ids are drawn; see the module docstring.
        """
        data = self.env.cr.precommit.data
        # Popped: a change recorded after this (by a later pre-commit step)
        # registers this step again, and the running pre-commit loop runs it.
        pending = data.pop(PENDING_CHANGES, None)
        if not pending:
            return
        written = data.setdefault(PENDING_CHANGES + ".written", set())
        rows = [row for row in pending if row not in written]
        if not rows:
            return
        written.update(rows)
        for key_id in sorted({row[0] for row in rows}):
            self.env.cr.execute(
                SQL("SELECT pg_advisory_xact_lock(%s, %s)", SYNC_LOCK_NAMESPACE, key_id)
            )
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO fusion_helpdesk_sync_change
                            (client_key_id, ticket_id, message_id, create_date)
                SELECT key_id, ticket_id, message_id, NOW() AT TIME ZONE 'UTC'
                  FROM unnest(%s::int[], %s::int[], %s::int[]) AS r(key_id, ticket_id, message_id)
                """,
                [row[0] for row in rows],
                [row[1] for row in rows],
                [row[2] for row in rows],
            )
        )

    @api.model
    def _read_page(self, client_key, after, limit):
        """``(rows, more)``: up to ``limit`` changes of ``client_key`` after the
        change ``after``, as ``(id, ticket_id, message_id)`` in id order. Only
        changes of tickets that still belong to the key are returned."""
        self._flush_pending()
        self.flush_model()
        self.env.cr.execute(
            SQL(
                """
                SELECT c.id, c.ticket_id, c.message_id
                  FROM fusion_helpdesk_sync_change c
                  JOIN helpdesk_ticket t ON t.id = c.ticket_id AND t.client_key_id = c.client_key_id
                 WHERE c.client_key_id = %s AND c.id > %s
                 ORDER BY c.id
                 LIMIT %s
                """,
                client_key.id,
                after,
                limit + 1,
            )
        )
        rows = self.env.cr.fetchall()
        return rows[:limit], len(rows) > limit

    @api.model
    def _last_sequence(self, client_key):
        """Id of the key's last committed change (0 when none): a client that
        read every page may jump there, past changes of tickets it lost."""
        self._flush_pending()
        self.env.cr.execute(
            SQL(
                """
                SELECT COALESCE(MAX(id), 0)
                  FROM fusion_helpdesk_sync_change
                 WHERE client_key_id = %s
                """,
                client_key.id,
            )
        )
        return self.env.cr.fetchone()[0]

    # ------------------------------------------------------------------
    # Retention
    # ------------------------------------------------------------------
    @api.model
    def _retention_days(self):
        """Days changes and reply receipts are kept; 0 keeps them for good."""
        return self.env["ir.config_parameter"]._fusion_int_param(
            RETENTION_DAYS_PARAM, sync.DEFAULT_RETENTION_DAYS, minimum=0
        )

    @api.model
    def _pruned_through(self):
        """Id of the last change pruned (0 when none ever was)."""
        value = self.env["ir.config_parameter"].sudo().get_param(PRUNED_THROUGH_PARAM)
        return int(value) if value and str(value).isdigit() else 0

    @api.model
    def _cron_prune(self):
        """Delete the changes and reply receipts older than the retention
        (daily cron). A client whose cursor is older then gets ``resync`` from
        the feed and fetches its tickets in full (see ``_fusion_sync_updates``)."""
        days = self._retention_days()
        if not days:
            return 0
        horizon = fields.Datetime.now() - timedelta(days=days)
        self.env.cr.execute(
            SQL(
                """
                WITH pruned AS (
                    DELETE FROM fusion_helpdesk_sync_change WHERE create_date < %s RETURNING id
                )
                SELECT COUNT(*), COALESCE(MAX(id), 0) FROM pruned
                """,
                horizon,
            )
        )
        count, last = self.env.cr.fetchone()
        if last > self._pruned_through():
            self.env["ir.config_parameter"].sudo().set_param(PRUNED_THROUGH_PARAM, str(last))
        self.env.cr.execute(
            SQL("DELETE FROM fusion_helpdesk_reply_receipt WHERE create_date < %s", horizon)
        )
        _logger.info(
            "Fusion Helpdesk sync: pruned %d changes and %d reply receipts older than %d days.",
            count,
            self.env.cr.rowcount,
            days,
        )
        return count
