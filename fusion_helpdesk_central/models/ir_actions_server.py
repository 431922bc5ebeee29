# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Server action "Require owner approval": what automation rules run to ask
for the owner's approval of a ticket (Odoo's own rule engine decides when)."""

from odoo import api, fields, models
from odoo.exceptions import ValidationError

OWNER_APPROVAL_ACTION = "fusion_owner_approval"


class IrActionsServer(models.Model):
    _inherit = "ir.actions.server"

    state = fields.Selection(
        selection_add=[(OWNER_APPROVAL_ACTION, "Require owner approval")],
        ondelete={OWNER_APPROVAL_ACTION: "cascade"},
    )

    @api.constrains("state", "model_id")
    def _check_owner_approval_model(self):
        for action in self:
            if action.state == OWNER_APPROVAL_ACTION and action.model_id.model != "helpdesk.ticket":
                raise ValidationError(
                    self.env._("Require owner approval runs on helpdesk tickets only.")
                )

    def _run_action_fusion_owner_approval_multi(self, eval_context=None):
        """Require the owner's approval of the tickets the action runs on."""
        records = (eval_context or {}).get("records") or (eval_context or {}).get("record")
        if not records:
            ids = self.env.context.get("active_ids") or [self.env.context.get("active_id")]
            records = self.env[self.model_id.model].browse([i for i in ids if i])
        if records and records._name == "helpdesk.ticket":
            records._fusion_require_owner_approval()
        return False
