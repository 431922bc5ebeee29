# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models

from .fusion_helpdesk_client_key_api import API_CLIENT_KEY_CONTEXT


class IrRule(models.Model):
    _inherit = "ir.rule"

    @api.model
    def _eval_context(self):
        """Add ``fusion_client_key_id``, the client key the API authenticated, so
        the technical user's rules confine it to that key's records (False,
        hence nothing, outside an API request)."""
        context = super()._eval_context()
        context["fusion_client_key_id"] = self.env.context.get(API_CLIENT_KEY_CONTEXT) or False
        return context

    def _compute_domain_keys(self):
        """The cached rule domains depend on the authenticated client key too."""
        return super()._compute_domain_keys() + [API_CLIENT_KEY_CONTEXT]
