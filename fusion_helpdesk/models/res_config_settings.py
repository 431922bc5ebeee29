# Copyright 2026 Fusion Helpdesk
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError

from .. import central_client

_logger = logging.getLogger(__name__)


CLIENT_KEY_PARAM = "fusion_helpdesk.client_key"


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    fusion_helpdesk_central_url = fields.Char(
        string="Support Provider URL",
        config_parameter="fusion_helpdesk.central_url",
        groups="base.group_system",
    )
    # Write-only, like a password: no ``config_parameter``, so the saved key is
    # never read into a settings record, hence never sent to any browser (the
    # admin's included). ``set_values`` stores what was typed, then forgets it.
    fusion_helpdesk_client_key = fields.Char(
        string="Client Key",
        groups="base.group_system",
        help="The key your provider gave you for this company. Once saved it is never "
        "shown again: type a new one only to replace it.",
    )
    fusion_helpdesk_client_key_set = fields.Boolean(
        string="Client Key Saved",
        compute="_compute_fusion_helpdesk_client_key_set",
        groups="base.group_system",
    )
    fusion_helpdesk_owner_email = fields.Char(
        string="Owner Email",
        config_parameter="fusion_helpdesk.owner_email",
        groups="base.group_system",
    )
    fusion_helpdesk_owner_name = fields.Char(
        string="Owner Name",
        config_parameter="fusion_helpdesk.owner_name",
        groups="base.group_system",
    )

    def _compute_fusion_helpdesk_client_key_set(self):
        saved = bool(self.env["ir.config_parameter"].sudo().get_param(CLIENT_KEY_PARAM))
        for settings in self:
            settings.fusion_helpdesk_client_key_set = saved

    @api.model
    def _fusion_helpdesk_admin_field_names(self):
        """Settings only ever answered to administrators; override to add yours
        (``super()._fusion_helpdesk_admin_field_names() | {...}``)."""
        # ``default_get`` and ``get_values`` are public and check no access
        # right: any logged-in user (portal included) may call them over JSON-RPC.
        return frozenset(
            {
                "fusion_helpdesk_central_url",
                "fusion_helpdesk_client_key",
                "fusion_helpdesk_client_key_set",
                "fusion_helpdesk_owner_email",
                "fusion_helpdesk_owner_name",
            }
        )

    @api.model
    def default_get(self, fields):
        """Add nothing of Fusion Helpdesk for a user who is not an administrator."""
        values = super().default_get(fields)
        if not self.env.is_system():
            for name in self._fusion_helpdesk_admin_field_names().intersection(values):
                del values[name]
        return values

    def set_values(self):
        """Check and store the settings; the client key only when one was typed."""
        # Public too: called on no record by a mere employee, the standard
        # implementation wrote every empty value, deleting the company's settings.
        if not self.env.is_system():
            raise AccessError(self.env._("Only administrators can change the settings."))
        for settings in self:
            # The names rule (central's too): the owner's name becomes the
            # display name of the approval emails' recipient on central.
            name = settings.fusion_helpdesk_owner_name
            if name:
                settings.fusion_helpdesk_owner_name = central_client.clean_name(name) or False
        self._fusion_helpdesk_check_settings()
        result = super().set_values()
        for settings in self:
            key = (settings.fusion_helpdesk_client_key or "").strip()
            if key:
                self.env["ir.config_parameter"].sudo().set_param(CLIENT_KEY_PARAM, key)
                # Kept in the settings table until the vacuum otherwise.
                settings.fusion_helpdesk_client_key = False
        return result

    def _fusion_helpdesk_check_settings(self):
        """Raise a ``ValidationError`` when a Fusion Helpdesk setting would break sending."""
        for settings in self:
            url = (settings.fusion_helpdesk_central_url or "").strip()
            if url:
                try:
                    central_client.normalize_base_url(url)
                except central_client.CentralNotConfigured as error:
                    raise ValidationError(
                        self.env._(
                            "The Support Provider URL “%(url)s” is not valid: it must look like "
                            "https://support.example.com (%(reason)s)",
                            url=url,
                            reason=str(error),
                        )
                    ) from error
            email = (settings.fusion_helpdesk_owner_email or "").strip()
            if email and not central_client.is_valid_email(email):
                raise ValidationError(
                    self.env._(
                        "The owner email “%s” is not a valid email address: type one plain "
                        "address, like owner@example.com. Every ticket would be refused "
                        "by the support server with it.",
                        email,
                    )
                )
            name = (settings.fusion_helpdesk_owner_name or "").strip()
            if len(name) > central_client.OWNER_NAME_MAX_LENGTH:
                raise ValidationError(
                    self.env._(
                        "The owner name is too long: %s characters at most.",
                        central_client.OWNER_NAME_MAX_LENGTH,
                    )
                )
            key = (settings.fusion_helpdesk_client_key or "").strip()
            if key and not central_client.is_plausible_key(key):
                raise ValidationError(
                    self.env._(
                        "The client key contains characters a key never has: paste it again."
                    )
                )

    def _fusion_helpdesk_admin_error_message(self, error):
        """What is wrong and what to do, for the administrator on this page
        (the employees' messages send them to this administrator), or None."""
        if isinstance(error, central_client.CentralNotConfigured):
            if error.setting == "client_key":
                return self.env._(
                    "No client key is saved. Paste the client key your support provider "
                    "gave you in Client Key, then test again."
                )
            return self.env._(
                "The Support Provider URL is missing or invalid. Enter the server's "
                "address as your support provider gave it, starting with https:// "
                "(like https://support.example.com), then test again."
            )
        if isinstance(error, central_client.CentralUnreachable):
            return self.env._(
                "Nothing answered at %s: the connection was refused or timed out. Check "
                "the address and port of the Support Provider URL, and that this server "
                "may reach it (firewall, proxy), then test again.",
                self.fusion_helpdesk_central_url,
            )
        if isinstance(error, central_client.CentralBadResponse):
            return self.env._(
                "The server at this URL did not answer as the Fusion Helpdesk API does. "
                "Check the Support Provider URL: it is the server's address, like "
                "https://support.example.com, without /odoo."
            )
        if isinstance(error, central_client.CentralRefused) and error.status == 401:
            return self.env._(
                "The support server does not accept this client key. Paste the key "
                "exactly as your support provider gave it (no spaces before or after), "
                "or ask them for a new one, then test again."
            )
        return None

    def action_fusion_helpdesk_test_connection(self):
        """Ask central whether it accepts this form's URL and key; notify the answer.

        The key typed in the form when there is one, else the saved key.
        """
        self.ensure_one()
        # The key would go to the URL of this form: administrators only.
        if not self.env.is_system():
            raise AccessError(self.env._("Only administrators can test the connection."))
        tickets = self.env["fusion.helpdesk.ticket"]
        key = self.fusion_helpdesk_client_key or self.env["ir.config_parameter"].sudo().get_param(
            CLIENT_KEY_PARAM
        )
        try:
            answer = central_client.ping(self.fusion_helpdesk_central_url, key)
        except central_client.CentralError as error:
            _logger.info("Fusion Helpdesk connection test failed: %s", error)
            message = self._fusion_helpdesk_admin_error_message(error) or (
                tickets._central_error_message(error)
            )
            if isinstance(error, central_client.CentralBadResponse):
                # The technical detail helps the admin (e.g. where a redirect points).
                message = "%s (%s)" % (message, error)
            elif isinstance(error, central_client.CentralNotApiAnswer):
                # Transient for tickets and replies; here an administrator is
                # checking the URL, which is the likely cause when it lasts.
                message = self.env._(
                    "The server at this URL answered error %s, but not as the Fusion "
                    "Helpdesk API answers. Check the Support Provider URL: it is the "
                    "server's address, like https://support.example.com, without /odoo. "
                    "If it is right, the server may be restarting: test again in a minute.",
                    error.status,
                )
            return tickets._notification(
                self.env._("Connection failed"), message, "danger", sticky=True, reload=False
            )
        message = self.env._(
            "The support server accepts this client key. It knows this company as “%s”.",
            answer["client"],
        )
        if not central_client.is_encrypted(self.fusion_helpdesk_central_url):
            # Works, but the key and the tickets cross the network in clear text.
            return tickets._notification(
                self.env._("Connection works, but is not encrypted"),
                "%s %s"
                % (
                    message,
                    self.env._(
                        "Use an https:// Support Provider URL: with http:// the client key "
                        "and the tickets travel unencrypted."
                    ),
                ),
                "warning",
                sticky=True,
                reload=False,
            )
        return tickets._notification(
            self.env._("Connection works"), message, "success", reload=False
        )
