# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The owner's absence on a client key: who decides while they are away."""

from odoo import api, fields, models
from odoo.tools import email_normalize

from .. import absence, intake


class FusionHelpdeskClientKey(models.Model):
    _inherit = "fusion.helpdesk.client.key"

    def _owner_away(self, today=None):
        """Whether the owner is away ``today`` (the server's date by default)."""
        self.ensure_one()
        today = today or fields.Date.today()
        return absence.is_away(today, self.away_from, self.away_until)

    def _absence_deputy(self):
        """``(email, name)`` of the deputy who may decide for this client's
        owner, or None: a deputy equal to the owner or one of the provider's
        staff never decides (refused by the policy API, checked again here
        for a key stored otherwise). Override to choose differently."""
        self.ensure_one()
        Engagement = self.env["fusion.helpdesk.engagement"]
        email = Engagement._recipient_email(self.deputy_email)
        if not email or email == email_normalize(self.owner_email or ""):
            return None
        if Engagement._is_provider_staff_email(email):
            return None
        return email, intake.clean_name(self.deputy_name) or False

    @api.model
    def _away_with_deputy(self, today=None):
        """Client keys (sudo) whose owner is away ``today`` and who have a
        usable deputy."""
        today = today or fields.Date.today()
        keys = self.sudo().search(
            [
                ("deputy_email", "!=", False),
                ("away_from", "<=", today),
                "|",
                ("away_until", "=", False),
                ("away_until", ">=", today),
            ]
        )
        return keys.filtered(lambda key: key._absence_deputy())
