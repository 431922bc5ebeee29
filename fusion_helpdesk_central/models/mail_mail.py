# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Approval emails that fail for a passing reason are queued again, the same
``mail.mail`` with the same links, with back-off and for a bounded time."""

import re
from datetime import timedelta

from odoo import api, fields, models

# Minutes to wait before each new attempt after a failure: 6 attempts more,
# 22 h 20 min in all, then the approval email is given up.
MAIL_RETRY_DELAYS = (5, 15, 60, 180, 360, 720)
# Failures that may pass: the server could not be reached (mail_smtp) or
# answered with an error Odoo does not classify (unknown: e.g. a 4xx "try
# later", a dropped connection). An invalid or missing address, a refused
# sender, spam or opt-out verdicts fail the same way each time: not retried.
TRANSIENT_FAILURE_TYPES = ("mail_smtp", "unknown")
# ... unless the server's reply code says the refusal is permanent (RFC 5321:
# 5yz, e.g. 550 mailbox unavailable, 554 transaction failed).
PERMANENT_SMTP_REPLY = re.compile(r"(?<!\d)5[0-5]\d(?!\d)")


class MailMail(models.Model):
    _inherit = "mail.mail"

    # The engagement mails are kept off the tickets' threads (they carry the
    # owner's links), so this is how a failed one finds its tickets back.
    fusion_engagement_ticket_ids = fields.Many2many(
        comodel_name="helpdesk.ticket",
        relation="fusion_helpdesk_engagement_mail_ticket_rel",
        string="Engagement Tickets",
        readonly=True,
    )
    fusion_engagement_ids = fields.Many2many(
        comodel_name="fusion.helpdesk.engagement",
        relation="fusion_helpdesk_engagement_mail_round_rel",
        string="Approval Rounds",
        readonly=True,
    )
    fusion_retry_count = fields.Integer(
        string="Approval Email Retries",
        readonly=True,
        help="How many times this approval email was queued again after a failure.",
    )

    def _postprocess_sent_message(
        self, success_pids, success_emails, failure_reason=False, failure_type=None
    ):
        """Approval mails: a failure is retried or given up, a success shown on the rounds."""
        engagement_mails = self.filtered("fusion_engagement_ids")
        if engagement_mails and failure_type:
            engagement_mails._fusion_engagement_mail_failed(failure_type, failure_reason)
        elif engagement_mails:
            engagement_mails.fusion_engagement_ids._mail_sent()
        return super()._postprocess_sent_message(
            success_pids, success_emails, failure_reason=failure_reason, failure_type=failure_type
        )

    def _send(self, *args, **kwargs):
        """Approval mails queued again whose rounds were all decided or
        replaced meanwhile are cancelled instead: their links are dead."""
        stale = self.filtered(
            lambda mail: (
                mail.fusion_retry_count
                and mail.fusion_engagement_ids
                and all(e.state != "pending" for e in mail.fusion_engagement_ids)
            )
        )
        if stale:
            stale.sudo().write({"state": "cancel"})
        return super(MailMail, self - stale)._send(*args, **kwargs)

    @api.model
    def _fusion_engagement_failure_is_transient(self, failure_type, reason):
        """Whether sending the same approval email again may succeed; override
        for another policy."""
        if failure_type not in TRANSIENT_FAILURE_TYPES:
            return False
        return failure_type == "mail_smtp" or not PERMANENT_SMTP_REPLY.search(reason or "")

    def _fusion_engagement_mail_failed(self, failure_type, failure_reason):
        """Queue the approval mails in ``self`` again when their failure may
        pass and attempts are left; otherwise give them up. Only rounds still
        pending are concerned: a decided or replaced round needs no email."""
        now = fields.Datetime.now()
        for mail in self.sudo():
            engagements = mail.fusion_engagement_ids.filtered(lambda e: e.state == "pending")
            if not engagements:
                continue
            reason = failure_reason or mail.failure_reason or failure_type
            attempt = mail.fusion_retry_count
            transient = self._fusion_engagement_failure_is_transient(failure_type, reason)
            if transient and attempt < len(MAIL_RETRY_DELAYS):
                retry_at = now + timedelta(minutes=MAIL_RETRY_DELAYS[attempt])
                give_up_at = now + timedelta(minutes=sum(MAIL_RETRY_DELAYS[attempt:]))
                # The same mail.mail, body and links: Odoo's queue sends it
                # again once its scheduled date has come.
                mail.write(
                    {
                        "state": "outgoing",
                        "scheduled_date": retry_at,
                        "fusion_retry_count": attempt + 1,
                    }
                )
                self.env.ref("mail.ir_cron_mail_scheduler_action")._trigger(at=retry_at)
                engagements._mail_retrying(reason, retry_at, give_up_at)
            else:
                engagements._mail_gave_up(reason, attempt + 1)
