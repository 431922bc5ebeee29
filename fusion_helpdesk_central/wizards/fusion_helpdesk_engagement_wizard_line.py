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
    findings = fields.Text()
    summary = fields.Text()
