# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class HelpdeskTicketStage(models.Model):
    _inherit = "helpdesk.ticket.stage"

    fusion_requires_approval = fields.Boolean(
        string="Requires Owner Approval",
        help="A ticket whose owner approval is required enters this stage only once "
        "its latest approval request is approved, or a helpdesk manager waived it.",
    )
