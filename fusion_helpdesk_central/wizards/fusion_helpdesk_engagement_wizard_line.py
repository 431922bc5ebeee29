# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

from .fusion_helpdesk_engagement_wizard import summary_is_edited


class FusionHelpdeskEngagementWizardLine(models.TransientModel):
    _name = "fusion.helpdesk.engagement.wizard.line"
    _description = "Request Owner Approval Line"

    wizard_id = fields.Many2one(
        comodel_name="fusion.helpdesk.engagement.wizard",
        required=True,
        ondelete="cascade",
    )
    ticket_id = fields.Many2one(comodel_name="helpdesk.ticket", required=True)
    findings = fields.Text(
        help="Your engineering analysis of this ticket: scope, effort, approach, "
        "risk. Its summary is generated from it.",
    )
    summary = fields.Text(help="What the owner reads for this ticket; editable.")
    estimate_hours = fields.Float(digits=(16, 2), help="Hours of work you estimate.")
    estimate_amount = fields.Float(
        string="Estimated Amount",
        digits=(16, 2),
        help="Leave empty to price the hours at the client's hourly rate.",
    )
    ai_summary = fields.Text(readonly=True)
    ai_model = fields.Char(readonly=True)
    ai_generated_at = fields.Datetime(readonly=True)
    summary_edited = fields.Boolean(
        compute="_compute_summary_edited",
        help="Typed or changed by the engineer since the AI last wrote it.",
    )
    # Read as the engineer (not sudo, the related default): a line can only
    # show what its engineer may read on the ticket itself.
    client_key_id = fields.Many2one(related="ticket_id.client_key_id", compute_sudo=False)
    owner_email = fields.Char(related="ticket_id.client_key_id.owner_email", compute_sudo=False)
    engagement_state = fields.Selection(related="ticket_id.engagement_state", compute_sudo=False)
    blocked_reason = fields.Char(
        string="Cannot Be Sent",
        compute="_compute_blocked_reason",
        help="Why this ticket cannot be sent whatever is typed (no client, no "
        "valid owner email, no right to modify it): Send skips it and Generate "
        "All Summaries calls no AI for it.",
    )

    @api.depends("summary", "ai_summary")
    def _compute_summary_edited(self):
        for line in self:
            line.summary_edited = summary_is_edited(line)

    @api.depends("ticket_id.client_key_id.owner_email")
    def _compute_blocked_reason(self):
        for line in self:
            ticket = line.ticket_id._origin
            reasons = ticket._engagement_recipient_errors() if ticket else []
            if ticket and not ticket.has_access("write"):
                reasons.append(self.env._("you are not allowed to modify this ticket"))
            line.blocked_reason = "; ".join(reasons) or False

    @api.model_create_multi
    def create(self, vals_list):
        """Refuse lines on tickets the engineer cannot read (a forged
        ``Command.create`` would otherwise show their subject and owner)."""
        lines = super().create(vals_list)
        lines.ticket_id.check_access("read")
        return lines
