# Copyright 2026 Fusion Helpdesk
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models


class FusionHelpdeskTicket(models.Model):
    _inherit = "fusion.helpdesk.ticket"

    @api.model
    def _cron_fusion_helpdesk_sync(self):
        """Also send a policy saved while central was out of reach (back-off),
        and refresh this month's use of the budget shown in Settings."""
        settings = self.env["res.config.settings"]
        settings._fusion_helpdesk_retry_policy()
        result = super()._cron_fusion_helpdesk_sync()
        settings._fusion_helpdesk_refresh_policy()
        return result
