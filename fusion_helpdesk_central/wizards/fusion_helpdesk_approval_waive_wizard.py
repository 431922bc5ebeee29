# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class FusionHelpdeskApprovalWaiveWizard(models.TransientModel):
    """Dialog asking a helpdesk manager why the owner's approval is waived."""

    _name = "fusion.helpdesk.approval.waive.wizard"
    _description = "Waive Owner Approval"

    ticket_ids = fields.Many2many(comodel_name="helpdesk.ticket", string="Tickets", readonly=True)
    reason = fields.Text(required=True)

    @api.model
    def default_get(self, fields_list):
        """The tickets the dialog was opened on (``active_ids``)."""
        values = super().default_get(fields_list)
        if self.env.context.get("active_model") == "helpdesk.ticket":
            values["ticket_ids"] = [fields.Command.set(self.env.context.get("active_ids") or [])]
        return values

    def action_confirm(self):
        """Waive the approval of the tickets for the reason given."""
        self.ensure_one()
        self.ticket_ids.action_waive_owner_approval(self.reason)
        return {"type": "ir.actions.act_window_close"}
