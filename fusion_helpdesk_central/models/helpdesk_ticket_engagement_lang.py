# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    def _engagement_owner_lang(self, email=None):
        """Language the owner (``email``, the latest round's by default)
        reads: the owner contact's, else the client company contact's (the
        client key's), else the provider company's.

        The one rule for the owner's approval pages, emails and the preview
        of an email not sent yet; ``False`` lets Odoo fall back to its default."""
        self.ensure_one()
        ticket = self.sudo()
        return (
            self._engagement_owner_partner(email=email).lang
            or ticket.client_key_id.partner_id.lang
            or ticket.company_id.partner_id.lang
            or False
        )
