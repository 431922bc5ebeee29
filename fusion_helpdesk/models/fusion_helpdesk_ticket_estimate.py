# Copyright 2026 Fusion Helpdesk
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The latest approval request's estimate, as central's feed tells it."""

from odoo import api, fields, models


class FusionHelpdeskTicket(models.Model):
    _inherit = "fusion.helpdesk.ticket"

    engagement_estimate_hours = fields.Float(
        string="Estimated Hours", readonly=True, copy=False, digits=(16, 2)
    )
    engagement_currency_id = fields.Many2one(
        comodel_name="res.currency", string="Estimate Currency", readonly=True, copy=False
    )
    engagement_estimate_amount = fields.Monetary(
        string="Estimated Amount",
        currency_field="engagement_currency_id",
        readonly=True,
        copy=False,
    )
    engagement_auto_approved = fields.Boolean(
        string="Approved Within Budget",
        readonly=True,
        copy=False,
        help="Approved at once: the estimate fitted in the pre-approved budget set in Settings.",
    )

    @api.model
    def _central_field_names(self):
        # Central's word only: an employee must not show her ticket as approved
        # within the budget, nor change what it was estimated at.
        return super()._central_field_names() | {
            "engagement_estimate_hours",
            "engagement_currency_id",
            "engagement_estimate_amount",
            "engagement_auto_approved",
        }

    def _fusion_sync_apply_entry(self, entry, initial=False):
        result = super()._fusion_sync_apply_entry(entry, initial=initial)
        self.sudo().write(self._prepare_estimate_vals(entry))
        return result

    def _prepare_estimate_vals(self, entry):
        """Local values of the estimate of a feed ``entry`` (cleaned by central_client)."""
        currency = self.env["res.currency"]
        if entry.get("currency"):
            currency = currency.with_context(active_test=False).search(
                [("name", "=", entry["currency"])], limit=1
            )
        return {
            "engagement_estimate_hours": entry.get("estimate_hours") or 0.0,
            "engagement_estimate_amount": entry.get("estimate_amount") or 0.0,
            "engagement_currency_id": currency.id,
            "engagement_auto_approved": bool(entry.get("auto_approved")),
        }
