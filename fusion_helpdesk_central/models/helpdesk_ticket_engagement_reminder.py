# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Reminders of pending owner approvals (daily cron), overdue flag and turnaround reporting."""

import logging
from datetime import timedelta

from odoo import api, fields, models
from odoo.fields import Domain
from odoo.tools import SQL

from .helpdesk_ticket import DEFAULT_REMINDER_DAYS, REMINDER_DAYS_PARAM

_logger = logging.getLogger(__name__)


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    _engagement_reminder_days_param = REMINDER_DAYS_PARAM
    _engagement_reminder_days_default = DEFAULT_REMINDER_DAYS
    # Tickets locked and reminded per transaction; each batch is committed on its own.
    _engagement_reminder_batch_size = 100
    _engagement_reminder_retry_delay = timedelta(minutes=5)

    engagement_overdue = fields.Boolean(
        string="Overdue",
        compute="_compute_engagement_overdue",
        search="_search_engagement_overdue",
        help="Pending for longer than the reminder delay (3 days when reminders are off).",
    )

    @api.depends("engagement_state", "engagement_sent_at")
    def _compute_engagement_overdue(self):
        deadline = fields.Datetime.now() - timedelta(days=self._engagement_overdue_days())
        for ticket in self:
            ticket.engagement_overdue = bool(
                ticket.engagement_state == "pending"
                and ticket.engagement_sent_at
                and ticket.engagement_sent_at <= deadline
            )

    def _search_engagement_overdue(self, operator, value):
        # Boolean conditions reach us normalized to ``in [True]``; Odoo negates the rest.
        if operator != "in":
            return NotImplemented
        deadline = fields.Datetime.now() - timedelta(days=self._engagement_overdue_days())
        return [
            ("engagement_state", "=", "pending"),
            ("engagement_sent_at", "<=", deadline),
        ]

    @api.model
    def _engagement_reminder_days(self):
        """Configured reminder delay in days; 0 or less turns reminders off."""
        default = self._engagement_reminder_days_default
        value = (
            self.env["ir.config_parameter"].sudo().get_param(self._engagement_reminder_days_param)
        )
        if value is False or not str(value).strip():
            return default
        try:
            return int(value)
        except ValueError:
            _logger.warning(
                "Ignoring the invalid reminder delay %r (%s): using the default of %s days.",
                value,
                self._engagement_reminder_days_param,
                default,
            )
            return default

    @api.model
    def _engagement_overdue_days(self):
        """Age in days after which a pending engagement counts as overdue."""
        days = self._engagement_reminder_days()
        return days if days > 0 else self._engagement_reminder_days_default

    @api.model
    def _engagement_due_for_reminder_domain(self, now, days):
        """Pending engagements sent ``days`` before ``now`` or earlier and never
        reminded; override to narrow the selection."""
        # Matches the partial index _engagement_reminder_due_index. A link
        # past its expiry is closed: never remind it.
        return Domain(
            [
                ("engagement_state", "=", "pending"),
                ("engagement_reminded_at", "=", False),
                ("engagement_sent_at", "<=", now - timedelta(days=days)),
            ]
        ) & (
            Domain("engagement_id.expires_at", "=", False)
            | Domain("engagement_id.expires_at", ">", now)
        )

    @api.model
    def _engagement_remind_due(self, domain):
        """Remind the tickets matching ``domain``, one committed batch at a time.

        Each batch is locked, flagged and mailed in the same transaction, so a
        crash or a concurrent run never sends a second reminder; the next run
        carries on where this one stopped.
        """
        cron = self.env["ir.cron"]
        cron._commit_progress(remaining=self.search_count(domain))
        # Walk the index order once (keyset pagination): tickets skipped because
        # locked or failing are passed over, so the loop always ends.
        after = Domain.TRUE
        locked = False
        while True:
            candidates = self.search_fetch(
                domain & after,
                ["engagement_sent_at"],
                order="engagement_sent_at, id",
                limit=self._engagement_reminder_batch_size,
            )
            if not candidates:
                break
            last = candidates[-1]
            after = Domain("engagement_sent_at", ">", last.engagement_sent_at) | (
                Domain("engagement_sent_at", "=", last.engagement_sent_at)
                & Domain("id", ">", last.id)
            )
            tickets = candidates.try_lock_for_update().filtered_domain(domain)
            locked = locked or len(tickets) < len(candidates)
            tickets._engagement_remind_isolated()
            if not cron._commit_progress(len(candidates)):
                return
        if locked:
            # Someone holds those rows right now (e.g. the owner deciding):
            # try again soon rather than tomorrow, without a busy loop.
            reminder_cron = self.env.ref(
                "fusion_helpdesk_central.ir_cron_engagement_reminder",
                raise_if_not_found=False,
            )
            if reminder_cron:
                reminder_cron._trigger(
                    fields.Datetime.now() + self._engagement_reminder_retry_delay
                )
        cron._commit_progress(remaining=0)

    def _engagement_remind_isolated(self):
        """Remind these locked tickets; return those reminded.

        A batch that fails is retried ticket by ticket so that one broken ticket
        cannot block the others; a failing ticket stays due for the next run.
        """
        if not self:
            return self
        try:
            with self.env.cr.savepoint():
                self._engagement_send_reminders()
        except Exception:
            if len(self) > 1:
                return self.browse().union(
                    *(ticket._engagement_remind_isolated() for ticket in self)
                )
            _logger.exception("Could not send the engagement reminder of ticket %s", self.id)
            return self.browse()
        return self

    def _engagement_send_reminders(self):
        """Send the one reminder of these pending engagements and flag them;
        override to remind differently. Only digests are stored, so the
        reminder carries a fresh link; the first email's link keeps working
        alongside it (``previous_token_hash``) until the round is closed."""
        tickets = self.filtered("engagement_id")
        Engagement = self.env["fusion.helpdesk.engagement"].sudo()
        engagements = Engagement.browse([ticket.engagement_id.id for ticket in tickets])
        tokens, vals_list = {}, []
        for ticket in tickets:
            token, digest = Engagement._new_token()
            tokens[ticket.id] = token
            vals_list.append(
                {
                    "token_hash": digest,
                    "previous_token_hash": ticket.engagement_id.sudo().token_hash,
                    "reminded_at": fields.Datetime.now(),
                }
            )
        # One batched UPDATE for all the rounds (each has its own digest), then
        # the ORM bookkeeping once: cache, and the tickets' last values.
        fnames = ["token_hash", "previous_token_hash", "reminded_at"]
        engagements.flush_recordset(fnames)
        engagements._write_multi(vals_list)
        engagements.invalidate_recordset(fnames + ["write_uid", "write_date"])
        engagements.modified(fnames)
        tickets._engagement_send_mails(tokens, reminder=True)
        tickets._engagement_post_reminder_note()

    def _engagement_post_reminder_note(self):
        """Internal note telling the engineers that the owner was reminded."""
        for ticket in self:
            ticket.message_post(
                body=self.env._(
                    "Reminder sent to the owner, %s: no decision yet. The reminder "
                    "carries new links; those of the first email still work until "
                    "the owner decides.",
                    ticket.engagement_owner_email,
                ),
                message_type="comment",
                subtype_xmlid="mail.mt_note",
            )._fusion_mark_flow_note()

    @api.model
    def _read_group_select(self, aggregate_spec, query):
        # Undecided engagements store a turnaround of 0.0 (a Float cannot be
        # NULL): keep them out of the average, minimum and maximum so pending
        # tickets do not make owners look faster than they are.
        fname, __, func = aggregate_spec.partition(":")
        if fname != "engagement_turnaround_hours" or func not in ("avg", "min", "max"):
            return super()._read_group_select(aggregate_spec, query)
        return SQL(
            "%s(CASE WHEN %s IS NOT NULL THEN %s END)",
            SQL(func.upper()),
            self._field_to_sql(self._table, "engagement_decided_at", query),
            self._field_to_sql(self._table, fname, query),
        )

    @api.model
    def _cron_engagement_reminder(self):
        """Remind the owners of the engagements pending for too long (daily cron)."""
        days = self._engagement_reminder_days()
        if days <= 0:
            return
        expiry = self.env["fusion.helpdesk.engagement"]._expiry_days()
        if 0 < expiry <= days:
            # The reminder must come before the link closes: one day before
            # it, or not at all when links live a single day.
            days = expiry - 1
            if days <= 0:
                return
        domain = self._engagement_due_for_reminder_domain(fields.Datetime.now(), days)
        self._engagement_remind_due(domain)
