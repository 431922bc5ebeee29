# Copyright 2026 Fusion Helpdesk
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models


class FusionHelpdeskTicket(models.Model):
    _inherit = "fusion.helpdesk.ticket"

    @api.model
    def _cron_fusion_helpdesk_sync(self):
        """Also send a policy saved while central was out of reach (back-off)."""
        self.env["res.config.settings"]._fusion_helpdesk_retry_policy()
        return super()._cron_fusion_helpdesk_sync()
