# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models

from ..utils import ICP_API_KEY, ICP_BASE_URL, ICP_MODEL, call_openai_chat, openai_settings
from .helpdesk_ticket import DEFAULT_REMINDER_DAYS, REMINDER_DAYS_PARAM

# As small as a chat call gets: one short question, one word back.
OPENAI_TEST_MESSAGES = [{"role": "user", "content": "Reply with the single word: pong"}]


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    fusion_openai_api_key = fields.Char(
        string="OpenAI API Key",
        config_parameter=ICP_API_KEY,
    )
    fusion_openai_model = fields.Char(
        string="OpenAI Model",
        config_parameter=ICP_MODEL,
    )
    fusion_openai_base_url = fields.Char(
        string="OpenAI Base URL",
        config_parameter=ICP_BASE_URL,
    )
    fusion_engagement_reminder_days = fields.Integer(
        string="Reminder Delay (days)",
        config_parameter=REMINDER_DAYS_PARAM,
        default=DEFAULT_REMINDER_DAYS,
    )

    def set_values(self):
        res = super().set_values()
        # res.config.settings deletes the parameter of an integer 0, which then
        # reads back as the 3-day default: store it, 0 means reminders are off.
        if not self.fusion_engagement_reminder_days:
            self.env["ir.config_parameter"].sudo().set_param(REMINDER_DAYS_PARAM, "0")
        return res

    def action_fusion_openai_test(self):
        """Make one tiny OpenAI call with the settings on screen and notify how it went."""
        self.ensure_one()
        success, message = self._fusion_openai_test()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("OpenAI test"),
                "message": message,
                "type": "success" if success else "danger",
                "sticky": not success,
            },
        }

    def _fusion_openai_params(self):
        """ICP-keyed OpenAI parameters as currently typed in the settings form."""
        self.ensure_one()
        return {
            ICP_API_KEY: self.fusion_openai_api_key or "",
            ICP_MODEL: self.fusion_openai_model or "",
            ICP_BASE_URL: self.fusion_openai_base_url or "",
        }

    def _fusion_openai_test(self):
        """Return ``(success, message)`` of one tiny chat call; never mentions the key."""
        self.ensure_one()
        settings = openai_settings(self._fusion_openai_params())
        if not settings.api_key:
            return False, self.env._(
                "No API key: enter one here or set the OPENAI_API_KEY environment "
                "variable of the Odoo server."
            )
        key_origin = (
            self.env._("the key entered here")
            if self.fusion_openai_api_key
            else self.env._("the OPENAI_API_KEY environment variable")
        )
        if not call_openai_chat(OPENAI_TEST_MESSAGES, settings):
            return False, self.env._(
                "OpenAI did not answer with model %(model)s and %(key_origin)s: check "
                "the key, the model and the base URL (the server log says why).",
                model=settings.model,
                key_origin=key_origin,
            )
        return True, self.env._(
            "OpenAI answered with model %(model)s and %(key_origin)s.",
            model=settings.model,
            key_origin=key_origin,
        )
