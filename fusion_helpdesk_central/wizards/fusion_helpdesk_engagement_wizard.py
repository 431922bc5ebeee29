# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class FusionHelpdeskEngagementWizard(models.TransientModel):
    _name = "fusion.helpdesk.engagement.wizard"
    _description = "Request Owner Approval"

    mode = fields.Selection(
        selection=[("single", "Single"), ("bulk", "Bulk")],
        default="single",
        required=True,
    )
    ticket_ids = fields.Many2many(comodel_name="helpdesk.ticket", string="Tickets")
    findings = fields.Text()
    summary = fields.Text()
    line_ids = fields.One2many(
        comodel_name="fusion.helpdesk.engagement.wizard.line",
        inverse_name="wizard_id",
        string="Lines",
    )
