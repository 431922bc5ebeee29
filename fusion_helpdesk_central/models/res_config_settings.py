# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    fusion_openai_api_key = fields.Char(
        string="OpenAI API Key",
        config_parameter="fusion_helpdesk_central.openai_api_key",
    )
    fusion_openai_model = fields.Char(
        string="OpenAI Model",
        config_parameter="fusion_helpdesk_central.openai_model",
    )
    fusion_openai_base_url = fields.Char(
        string="OpenAI Base URL",
        config_parameter="fusion_helpdesk_central.openai_base_url",
    )
    fusion_engagement_reminder_days = fields.Integer(
        string="Reminder Delay (days)",
        config_parameter="fusion_helpdesk_central.engagement_reminder_days",
        default=3,
    )
