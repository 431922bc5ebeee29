# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


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
    client_key_id = fields.Many2one(related="ticket_id.client_key_id")
    owner_email = fields.Char(related="ticket_id.client_key_id.owner_email")
    engagement_state = fields.Selection(related="ticket_id.engagement_state")
