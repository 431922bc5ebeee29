# Copyright 2026 Fusion Helpdesk
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

from odoo import fields, models

from .. import central_client

_logger = logging.getLogger(__name__)


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

    def action_fusion_helpdesk_test_connection(self):
        """Ask central whether it accepts the URL and key typed in this form; notify the answer."""
        self.ensure_one()
        tickets = self.env["fusion.helpdesk.ticket"]
        try:
            answer = central_client.ping(
                self.fusion_helpdesk_central_url, self.fusion_helpdesk_client_key
            )
        except central_client.CentralError as error:
            _logger.info("Fusion Helpdesk connection test failed: %s", error)
            message = tickets._central_error_message(error)
            if isinstance(error, central_client.CentralBadResponse):
                # The technical detail helps the admin (e.g. where a redirect points).
                message = "%s (%s)" % (message, error)
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
                        "Use an https:// Central URL: with http:// the client key "
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
