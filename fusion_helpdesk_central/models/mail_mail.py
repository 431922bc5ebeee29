# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import fields, models


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

    def _postprocess_sent_message(
        self, success_pids, success_emails, failure_reason=False, failure_type=None
    ):
        if failure_type:
            for mail in self.filtered("fusion_engagement_ticket_ids"):
                mail.fusion_engagement_ticket_ids._engagement_post_mail_failure(
                    mail.email_to, failure_reason or failure_type
                )
        return super()._postprocess_sent_message(
            success_pids, success_emails, failure_reason=failure_reason, failure_type=failure_type
        )
