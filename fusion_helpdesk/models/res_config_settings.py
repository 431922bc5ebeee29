# Copyright 2026 Fusion Helpdesk
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    fusion_helpdesk_central_url = fields.Char(
        string="Central URL", config_parameter="fusion_helpdesk.central_url"
    )
    fusion_helpdesk_client_key = fields.Char(
        string="Client Key", config_parameter="fusion_helpdesk.client_key"
    )
    fusion_helpdesk_owner_email = fields.Char(
        string="Owner Email", config_parameter="fusion_helpdesk.owner_email"
    )
    fusion_helpdesk_owner_name = fields.Char(
        string="Owner Name", config_parameter="fusion_helpdesk.owner_name"
    )
