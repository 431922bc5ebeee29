# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""19.0.4.0.0: the ticket reads its latest approval round.

Up to 19.0.3 the ticket stored a copy of its latest round in thirteen
``engagement_*`` columns, and its own turnaround. It now stores only
``engagement_state``; the other fields are related to the round, so their
columns (with their indexes and foreign keys, and the ticket's reminder
index) are dropped here: Odoo leaves the column of a field that stops being
stored. The reminder cron (``noupdate``: an update never reloads it) now runs
on the rounds. Running this twice changes nothing the second time.
"""

import logging

from odoo import SUPERUSER_ID, api

_logger = logging.getLogger(__name__)

# Columns of helpdesk_ticket that 19.0.3 stored and this release reads from the round.
DROPPED_COLUMNS = (
    "engagement_owner_email",
    "engagement_owner_name",
    "engagement_token",
    "engagement_sent_at",
    "engagement_reminded_at",
    "engagement_decided_at",
    "engagement_findings",
    "engagement_summary",
    "engagement_decision_comment",
    "engagement_decision_ip",
    "engagement_decision_user_agent",
    "engagement_decision_message_id",
    "engagement_requested_by_id",
    "engagement_turnaround_hours",
)
CRON_XMLID = "ir_cron_engagement_reminder"
OLD_CRON_CODE = "model._cron_engagement_reminder()"
NEW_CRON_CODE = "model._cron_remind()"


def drop_columns(cr):
    """Drop the ticket's copies of its round; return the columns dropped."""
    cr.execute(
        """
        SELECT column_name
          FROM information_schema.columns
         WHERE table_schema = current_schema()
           AND table_name = 'helpdesk_ticket'
           AND column_name IN %s
         ORDER BY column_name
        """,
        (DROPPED_COLUMNS,),
    )
    present = [row[0] for row in cr.fetchall()]
    for column in present:
        # The name comes from DROPPED_COLUMNS above, never from the database.
        cr.execute('ALTER TABLE helpdesk_ticket DROP COLUMN IF EXISTS "%s"' % column)
    if present:
        # The foreign keys went with their columns: Odoo must not look for them again.
        cr.execute(
            """
            DELETE FROM ir_model_constraint
             WHERE type = 'f'
               AND name IN %s
            """,
            (tuple("helpdesk_ticket_%s_fkey" % column for column in present),),
        )
    cr.execute("DROP INDEX IF EXISTS helpdesk_ticket_engagement_reminder_due_index")
    return present


def move_reminder_cron(env):
    """Point the reminder cron at the rounds, unless someone changed its code."""
    cron = env.ref("fusion_helpdesk_central.%s" % CRON_XMLID, raise_if_not_found=False)
    if not cron or (cron.code or "").strip() != OLD_CRON_CODE:
        return False
    cron.write(
        {
            "model_id": env["ir.model"]._get_id("fusion.helpdesk.engagement"),
            "code": NEW_CRON_CODE,
        }
    )
    return True


def migrate(cr, version):
    if not version:
        return
    dropped = drop_columns(cr)
    if dropped:
        _logger.info(
            "helpdesk_ticket reads its latest approval round: dropped %d stored copies (%s)",
            len(dropped),
            ", ".join(dropped),
        )
    else:
        _logger.info("helpdesk_ticket reads its latest approval round: no column left to drop")
    if move_reminder_cron(api.Environment(cr, SUPERUSER_ID, {})):
        _logger.info("The reminder cron now runs on the approval rounds (%s)", NEW_CRON_CODE)
