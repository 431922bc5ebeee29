# Copyright 2026 Fusion Helpdesk
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

SYNC_CRON_XMLID = "fusion_helpdesk.ir_cron_fusion_helpdesk_sync"
MINUTES_PER_INTERVAL = {"minutes": 1, "hours": 60, "days": 1440, "weeks": 10080, "months": 43200}


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    fusion_helpdesk_sync_interval = fields.Integer(
        string="Check Every (Minutes)",
        default=5,
        help="Minutes between two synchronisations with the support server.",
    )

    @api.model
    def get_values(self):
        res = super().get_values()
        cron = self.env.ref(SYNC_CRON_XMLID, raise_if_not_found=False)
        if cron:
            res["fusion_helpdesk_sync_interval"] = cron.sudo().interval_number * (
                MINUTES_PER_INTERVAL.get(cron.sudo().interval_type, 1)
            )
        return res

    def set_values(self):
        res = super().set_values()
        cron = self.env.ref(SYNC_CRON_XMLID, raise_if_not_found=False)
        if cron and self.env.user.has_group("base.group_system"):
            cron.sudo().write(
                {
                    "interval_number": max(1, self.fusion_helpdesk_sync_interval),
                    "interval_type": "minutes",
                }
            )
        return res
