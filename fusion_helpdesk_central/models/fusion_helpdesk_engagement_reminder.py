# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Reminders of pending approval requests (daily cron): the cron works on the
rounds, like the expiry, and mails through their tickets."""

import logging
from datetime import timedelta

from odoo import api, fields, models
from odoo.fields import Domain

from .helpdesk_ticket import DEFAULT_REMINDER_DAYS, REMINDER_DAYS_PARAM

_logger = logging.getLogger(__name__)


class FusionHelpdeskEngagement(models.Model):
    _inherit = "fusion.helpdesk.engagement"

    _reminder_days_param = REMINDER_DAYS_PARAM
    _reminder_days_default = DEFAULT_REMINDER_DAYS
    # Rounds locked and reminded per transaction; each batch is committed on its own.
    _reminder_batch_size = 100
    _reminder_retry_delay = timedelta(minutes=5)

    # The due selection (``_due_for_reminder_domain``) in index order: the
    # cron reads only the rounds it reminds, however many wait.
    _reminder_due_index = models.Index(
        "(sent_at, id) WHERE state = 'pending' AND reminded_at IS NULL"
    )

    @api.model
    def _reminder_days(self):
        """Configured reminder delay in days; 0 or less turns reminders off."""
        return self.env["ir.config_parameter"]._fusion_int_param(
            self._reminder_days_param, self._reminder_days_default
        )

    @api.model
    def _overdue_days(self):
        """Age in days after which a pending request counts as overdue."""
        days = self._reminder_days()
        return days if days > 0 else self._reminder_days_default

    @api.model
    def _due_for_reminder_domain(self, now, days):
        """Pending rounds sent ``days`` before ``now`` or earlier, never
        reminded, on an active ticket; override to narrow the selection."""
        # Matches the partial index _reminder_due_index. A link past its
        # expiry is closed: never remind it. An archived ticket is work the
        # provider dropped: no nagging.
        return Domain(
            [
                ("state", "=", "pending"),
                ("reminded_at", "=", False),
                ("sent_at", "<=", now - timedelta(days=days)),
                ("ticket_id.active", "=", True),
            ]
        ) & (Domain("expires_at", "=", False) | Domain("expires_at", ">", now))

    @api.model
    def _remind_due(self, domain):
        """Remind the rounds matching ``domain``, one committed batch at a time.

        Each batch is locked, flagged and mailed in the same transaction, so a
        crash or a concurrent run never sends a second reminder; the next run
        carries on where this one stopped.
        """
        cron = self.env["ir.cron"]
        Engagement = self.sudo()
        cron._commit_progress(remaining=Engagement.search_count(domain))
        # Walk the index order once (keyset pagination): rounds skipped because
        # locked or failing are passed over, so the loop always ends.
        after = Domain.TRUE
        locked = False
        while True:
            candidates = Engagement.search_fetch(
                domain & after,
                ["sent_at"],
                order="sent_at, id",
                limit=self._reminder_batch_size,
            )
            if not candidates:
                break
            last = candidates[-1]
            after = Domain("sent_at", ">", last.sent_at) | (
                Domain("sent_at", "=", last.sent_at) & Domain("id", ">", last.id)
            )
            engagements = candidates.try_lock_for_update().filtered_domain(domain)
            locked = locked or len(engagements) < len(candidates)
            engagements._remind_isolated()
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
                reminder_cron._trigger(fields.Datetime.now() + self._reminder_retry_delay)
        cron._commit_progress(remaining=0)

    def _remind_isolated(self):
        """Remind these locked rounds; return those reminded.

        A batch that fails is retried round by round so that one broken round
        cannot block the others; a failing round stays due for the next run.
        """
        if not self:
            return self
        try:
            with self.env.cr.savepoint():
                self._send_reminders()
        except Exception:
            if len(self) > 1:
                return self.browse().union(*(engagement._remind_isolated() for engagement in self))
            _logger.exception(
                "Could not send the reminder of approval request %s (ticket %s)",
                self.id,
                self.ticket_id.id,
            )
            return self.browse()
        return self

    def _send_reminders(self):
        """Send the one reminder of these pending rounds and flag them;
        override to remind differently. Only digests are stored, so the
        reminder carries a fresh link; the first email's link keeps working
        alongside it (``previous_token_hash``) until the round is closed."""
        engagements = self.sudo()
        now = fields.Datetime.now()
        tokens, vals_list = {}, []
        for engagement in engagements:
            token, digest = self._new_token()
            tokens[engagement.ticket_id.id] = token
            vals_list.append(
                {
                    "token_hash": digest,
                    "previous_token_hash": engagement.token_hash,
                    "reminded_at": now,
                }
            )
        # One batched UPDATE for all the rounds (each has its own digest); the
        # ORM did not see it: its cache forgets the old values, and the
        # tickets' related fields read in this transaction follow.
        fnames = ["token_hash", "previous_token_hash", "reminded_at"]
        engagements.flush_recordset(fnames)
        engagements._write_multi(vals_list)
        engagements.invalidate_recordset(fnames + ["write_uid", "write_date"])
        engagements.modified(fnames)
        engagements.ticket_id._engagement_send_mails(tokens, reminder=True)
        engagements._post_reminder_note()

    def _post_reminder_note(self):
        """Internal note on each round's ticket telling the engineers that the
        owner was reminded."""
        for engagement in self:
            engagement.ticket_id.message_post(
                body=self.env._(
                    "Reminder sent to the owner, %s: no decision yet. The reminder "
                    "carries new links; those of the first email still work until "
                    "the owner decides.",
                    engagement.owner_email,
                ),
                message_type="comment",
                subtype_xmlid="mail.mt_note",
            )._fusion_mark_flow_note()

    @api.model
    def _cron_remind(self):
        """Remind the owners of the requests pending for too long (daily cron)."""
        days = self._reminder_days()
        if days <= 0:
            return
        expiry = self._expiry_days()
        if 0 < expiry <= days:
            # The reminder must come before the link closes: one day before
            # it, or not at all when links live a single day.
            days = expiry - 1
            if days <= 0:
                return
        self._remind_due(self._due_for_reminder_domain(fields.Datetime.now(), days))
