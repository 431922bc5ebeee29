# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Whether a round's email left: queued, sent, retrying after a failure, or
given up; and telling the engineer who asked (see models/mail_mail.py)."""

from markupsafe import Markup

from odoo import fields, models

MAIL_STATES = [
    ("queued", "Queued"),
    ("sent", "Sent"),
    ("retrying", "Not Sent, Retrying"),
    ("failed", "Not Sent"),
]
# Mail states of a round whose email has not reached the owner's server.
MAIL_NOT_SENT_STATES = ("retrying", "failed")


class FusionHelpdeskEngagement(models.Model):
    _inherit = "fusion.helpdesk.engagement"

    mail_state = fields.Selection(
        selection=MAIL_STATES,
        string="Email",
        readonly=True,
        index="btree_not_null",
        help="Whether the latest email of this round (request, reminder) left "
        "the outgoing mail server.",
    )
    mail_failed_at = fields.Datetime(
        string="Email Failed At",
        readonly=True,
        help="When the outgoing mail server first refused the email.",
    )
    mail_retry_at = fields.Datetime(
        string="Next Email Attempt",
        readonly=True,
        help="When the email that could not leave is tried again.",
    )
    mail_failure_reason = fields.Char(string="Email Failure", readonly=True)

    def _mail_queued(self):
        """A new email of these rounds is queued: what earlier ones did is over."""
        self.sudo().write(
            {
                "mail_state": "queued",
                "mail_failed_at": False,
                "mail_retry_at": False,
                "mail_failure_reason": False,
            }
        )

    def _mail_sent(self):
        """The email left; an engineer who was told it had failed learns it left."""
        for engagement in self.sudo():
            if engagement.mail_state in MAIL_NOT_SENT_STATES:
                engagement._mail_notify_engineer(
                    engagement.env._(
                        "The approval email to %(owner)s has now been sent, after the "
                        "failure of %(failed_at)s.",
                        owner=engagement.owner_email,
                        failed_at=self._mail_format_time(engagement.mail_failed_at),
                    )
                )
            engagement.write({"mail_state": "sent", "mail_retry_at": False})

    def _mail_retrying(self, reason, retry_at, give_up_at):
        """The email failed for a passing reason and is queued again at
        ``retry_at``; the engineer is told at the first failure only."""
        for engagement in self.sudo():
            first = engagement.mail_state not in MAIL_NOT_SENT_STATES
            engagement.write(
                {
                    "mail_state": "retrying",
                    "mail_failed_at": engagement.mail_failed_at or fields.Datetime.now(),
                    "mail_retry_at": retry_at,
                    "mail_failure_reason": (reason or "")[:500],
                }
            )
            if first:
                engagement._mail_notify_engineer(
                    engagement.env._(
                        "The approval email to %(owner)s could not be sent (%(reason)s). "
                        "It is tried again automatically, next at %(retry_at)s, until "
                        "%(give_up_at)s; the owner's link stays the same.",
                        owner=engagement.owner_email,
                        reason=reason,
                        retry_at=self._mail_format_time(retry_at),
                        give_up_at=self._mail_format_time(give_up_at),
                    )
                )

    def _mail_gave_up(self, reason, attempts):
        """The email will not be tried again: the engineer gets a note and a to-do."""
        for engagement in self.sudo():
            engagement.write(
                {
                    "mail_state": "failed",
                    "mail_failed_at": engagement.mail_failed_at or fields.Datetime.now(),
                    "mail_retry_at": False,
                    "mail_failure_reason": (reason or "")[:500],
                }
            )
            if attempts > 1:
                text = engagement.env._(
                    "The approval email to %(owner)s could not be sent after %(attempts)s "
                    "attempts (%(reason)s); it is not tried again. Check the outgoing mail "
                    "server, then request the approval again.",
                    owner=engagement.owner_email,
                    attempts=attempts,
                    reason=reason,
                )
            else:
                text = engagement.env._(
                    "The approval email to %(owner)s could not be sent (%(reason)s); it is "
                    "not tried again. Check the owner's address and the outgoing mail "
                    "server, then request the approval again.",
                    owner=engagement.owner_email,
                    reason=reason,
                )
            engagement._mail_notify_engineer(text, todo=True)

    def _mail_notify_engineer(self, text, todo=False):
        """Tell the engineer who asked (and the assignee) on the ticket's
        chatter, with a to-do when ``todo``; override to notify otherwise."""
        self.ensure_one()
        ticket = self.ticket_id
        engineer = self.requested_by_id or ticket.user_id
        partners = (engineer | ticket.user_id).partner_id
        ticket.message_post(
            body=Markup("<p>%s</p>") % text,
            message_type="comment",
            subtype_xmlid="mail.mt_note",
            partner_ids=partners.ids,
        )._fusion_mark_flow_note()
        if todo and engineer:
            ticket.activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=engineer.id,
                summary=self.env._("Approval email not sent"),
                note=Markup("<p>%s</p>") % text,
            )

    def _mail_format_time(self, value):
        """A UTC datetime as the server's text (the chatter is read by people in any zone)."""
        return "%s UTC" % fields.Datetime.to_string(value) if value else ""
