# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging

from odoo import api, models

_logger = logging.getLogger(__name__)


class IrConfigParameter(models.Model):
    _inherit = "ir.config_parameter"

    @api.model
    def _fusion_int_param(self, key, default, minimum=None):
        """Integer system parameter ``key``: ``default`` when unset, blank or
        not an integer (logged, the setting stays usable), raised to
        ``minimum`` when one is given. Every delay, limit and window of the
        addon reads its setting through this one rule."""
        value = self.sudo().get_param(key)
        if value is False or value is None or not str(value).strip():
            return default
        try:
            number = int(value)
        except ValueError:
            _logger.warning(
                "Ignoring the invalid value %r of the system parameter %s: using %s.",
                value,
                key,
                default,
            )
            return default
        return number if minimum is None else max(number, minimum)
