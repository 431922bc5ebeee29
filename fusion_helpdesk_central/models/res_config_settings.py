# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import AccessError

from ..openai_client import ICP_API_KEY, ICP_BASE_URL, ICP_MODEL, check_openai, openai_settings
from ..sync import DEFAULT_RETENTION_DAYS
from .fusion_helpdesk_engagement_absence import DEFAULT_ESCALATION_DAYS, ESCALATION_DAYS_PARAM
from .helpdesk_ticket import (
    DEFAULT_EXPIRY_DAYS,
    DEFAULT_REMINDER_DAYS,
    EXPIRY_DAYS_PARAM,
    REMINDER_DAYS_PARAM,
)

# Seconds the Test button waits for OpenAI, in all (an administrator is watching).
OPENAI_TEST_TIMEOUT = 15.0


# Settings only administrators may read: the OpenAI access of the whole database.
ADMIN_ONLY_FIELDS = ("fusion_openai_api_key", "fusion_openai_api_key_set", "fusion_openai_base_url")


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    # Write-only: never read back from the parameter, so the key never reaches a
    # browser, not even an administrator's. Typing a new one replaces it.
    fusion_openai_api_key = fields.Char(
        string="OpenAI API Key",
        groups="base.group_system",
    )
    fusion_openai_api_key_set = fields.Boolean(
        string="OpenAI API Key Saved",
        readonly=True,
        groups="base.group_system",
    )
    fusion_openai_model = fields.Char(
        string="OpenAI Model",
        config_parameter=ICP_MODEL,
    )
    fusion_openai_base_url = fields.Char(
        string="OpenAI Base URL",
        config_parameter=ICP_BASE_URL,
        groups="base.group_system",
    )
    fusion_engagement_reminder_days = fields.Integer(
        string="Reminder Delay (days)",
        config_parameter=REMINDER_DAYS_PARAM,
        default=DEFAULT_REMINDER_DAYS,
    )
    fusion_engagement_expiry_days = fields.Integer(
        string="Link Lifetime (days)",
        config_parameter=EXPIRY_DAYS_PARAM,
        default=DEFAULT_EXPIRY_DAYS,
    )
    fusion_engagement_escalation_days = fields.Integer(
        string="Escalation Delay (business days)",
        config_parameter=ESCALATION_DAYS_PARAM,
        default=DEFAULT_ESCALATION_DAYS,
    )

    fusion_sync_retention_days = fields.Integer(
        string="Client Sync History (days)",
        config_parameter="fusion_helpdesk_central.sync_retention_days",
        default=DEFAULT_RETENTION_DAYS,
    )

    @api.model
    def default_get(self, fields):
        """Settings values, without the OpenAI secrets unless the user is an
        administrator: ``default_get`` (hence ``onchange``) reads the parameters
        as superuser for anyone who calls it over RPC, whatever the access rights."""
        res = super().default_get(fields)
        if not self.env.is_system():
            for fname in ADMIN_ONLY_FIELDS:
                res.pop(fname, None)
        return res

    @api.model
    def get_values(self):
        """Add whether an OpenAI key is saved (never the key), for administrators."""
        res = super().get_values()
        if self.env.is_system():
            res["fusion_openai_api_key_set"] = bool(
                self.env["ir.config_parameter"].sudo().get_param(ICP_API_KEY)
            )
        return res

    def set_values(self):
        res = super().set_values()
        params = self.env["ir.config_parameter"].sudo()
        if self.env.is_system() and self.fusion_openai_api_key:
            params.set_param(ICP_API_KEY, self.fusion_openai_api_key.strip())
        # res.config.settings deletes the parameter of an integer 0, which then
        # reads back as the 3-day default: store it, 0 means reminders are off.
        if not self.fusion_engagement_reminder_days:
            params.set_param(REMINDER_DAYS_PARAM, "0")
        # Same for the expiry: 0 means links never expire, not the default.
        if not self.fusion_engagement_expiry_days:
            params.set_param(EXPIRY_DAYS_PARAM, "0")
        # And for the sync history: 0 keeps it for good.
        if not self.fusion_sync_retention_days:
            params.set_param("fusion_helpdesk_central.sync_retention_days", "0")
        return res

    def action_fusion_openai_clear_key(self):
        """Forget the saved OpenAI API key (the environment variable then applies)."""
        self.env["ir.config_parameter"].sudo().set_param(ICP_API_KEY, False)
        return {"type": "ir.actions.client", "tag": "reload"}

    def action_fusion_openai_test(self):
        """Make one tiny OpenAI call with the settings on screen (typed, not yet
        saved: the form sends them without asking to save) and notify how it went."""
        self.ensure_one()
        # The saved key would be sent to the base URL typed here: administrators only.
        if not self.env.is_system():
            raise AccessError(self.env._("Only administrators can test the OpenAI settings."))
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
        saved_key = self.env["ir.config_parameter"].sudo().get_param(ICP_API_KEY)
        return {
            ICP_API_KEY: self.fusion_openai_api_key or saved_key or "",
            ICP_MODEL: self.fusion_openai_model or "",
            ICP_BASE_URL: self.fusion_openai_base_url or "",
        }

    def _fusion_openai_test(self):
        """Return ``(success, message)`` of one tiny chat call; never mentions the key.

        A failure says what is wrong and what to do about it on this page:
        the administrator reading it can fix the key, the model or the URL."""
        self.ensure_one()
        settings = openai_settings(self._fusion_openai_params())
        if not settings.api_key:
            return False, self.env._(
                "No API key saved: paste one in API Key, or set the OPENAI_API_KEY "
                "environment variable of the Odoo server."
            )
        if self.fusion_openai_api_key:
            key_origin = self.env._("the key entered here")
        elif self._fusion_openai_params()[ICP_API_KEY]:
            key_origin = self.env._("the saved key")
        else:
            key_origin = self.env._("the OPENAI_API_KEY environment variable")
        check = check_openai(settings, timeout=OPENAI_TEST_TIMEOUT)
        if check.ok:
            return True, self.env._(
                "OpenAI answered with model %(model)s and %(key_origin)s.",
                model=check.answered_model or settings.model,
                key_origin=key_origin,
            )
        return False, self._fusion_openai_problem_message(check, settings, key_origin)

    def _fusion_openai_problem_message(self, check, settings, key_origin):
        """What went wrong with the test call and what to change, in words."""
        values = {
            "url": check.url,
            "host": check.host,
            "model": settings.model,
            "key_origin": key_origin,
            "status": check.status,
            "detail": check.detail or self.env._("no details given"),
            "seconds": "%g" % OPENAI_TEST_TIMEOUT,
        }
        # Only the message shown is translated.
        messages = {
            "key_refused": lambda: self.env._(
                "The key was refused by %(host)s (%(key_origin)s, 401 Unauthorized): paste "
                "a valid API key in API Key and test again.",
                **values,
            ),
            "forbidden": lambda: self.env._(
                "%(host)s accepted %(key_origin)s but refused access (403 Forbidden: "
                "%(detail)s): give the key's project access to model %(model)s, or paste "
                "another key.",
                **values,
            ),
            "model_unknown": lambda: self.env._(
                "%(host)s does not offer model %(model)s (%(detail)s): correct the name in "
                "Model (for example gpt-4o-mini), or leave it empty for the default.",
                **values,
            ),
            "not_found": lambda: self.env._(
                "%(url)s has no chat API (404 Not Found): correct the Base URL. Leave it "
                "empty for OpenAI; an OpenAI-compatible server's usually ends in /v1.",
                **values,
            ),
            "bad_request": lambda: self.env._(
                "%(host)s refused the request (400: %(detail)s): check the name in Model "
                "and the Base URL.",
                **values,
            ),
            "quota": lambda: self.env._(
                "The account of %(key_origin)s at %(host)s has no credit left (429): add "
                "credit or raise its limit in the provider's billing settings, then test "
                "again.",
                **values,
            ),
            "rate_limited": lambda: self.env._(
                "%(host)s is limiting the requests of %(key_origin)s (429 Too Many "
                "Requests): wait a minute and test again, or raise the key's rate limit.",
                **values,
            ),
            "server_error": lambda: self.env._(
                "%(host)s failed on its side (%(status)s: %(detail)s): your settings may "
                "be right. Test again in a few minutes, or check the provider's status "
                "page.",
                **values,
            ),
            "status": lambda: self.env._(
                "%(host)s answered %(status)s (%(detail)s): check the Base URL, the key "
                "and the name in Model.",
                **values,
            ),
            "timeout": lambda: self.env._(
                "%(url)s did not answer within %(seconds)s seconds: check the Base URL and "
                "that this Odoo server may reach it (firewall, proxy). If both are right, "
                "the service is slow: test again.",
                **values,
            ),
            "dns": lambda: self.env._(
                "Could not reach %(url)s: the name %(host)s is not known (%(detail)s). "
                "Check the Base URL for a typo, and the DNS of the Odoo server.",
                **values,
            ),
            "refused": lambda: self.env._(
                "Could not reach %(url)s: the connection was refused (nothing answers at "
                "%(host)s). Check the Base URL and its port, and that the server is "
                "running.",
                **values,
            ),
            "tls": lambda: self.env._(
                "Could not reach %(url)s securely: its certificate was not accepted "
                "(%(detail)s). Check the Base URL, or trust the server's certificate "
                "authority on the Odoo server.",
                **values,
            ),
            "unreachable": lambda: self.env._(
                "Could not reach %(url)s (%(detail)s): check the Base URL and the network "
                "of the Odoo server (firewall, proxy).",
                **values,
            ),
            "not_openai": lambda: self.env._(
                "%(url)s answered, but not as an OpenAI-compatible API: correct the Base "
                "URL (leave it empty for OpenAI; a compatible server's usually ends in /v1).",
                **values,
            ),
            "empty": lambda: self.env._(
                "%(host)s answered with model %(model)s but wrote no text: choose a chat "
                "model in Model (for example gpt-4o-mini).",
                **values,
            ),
        }
        return messages.get(check.problem, messages["status"])()
