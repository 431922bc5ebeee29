# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The round tells the client sync when its ticket's approval state changes.

The ticket's ``engagement_state`` is a stored compute of its latest round,
never written, so the ticket's ``write`` hook cannot see it change. The round
is the one place the approval state changes (send, resend, supersede,
delegation, decision, expiry): each of those logs its ticket through
:meth:`_fusion_sync_log_state_change`, once per transaction.
"""

from odoo import api, models


class FusionHelpdeskEngagement(models.Model):
    _inherit = "fusion.helpdesk.engagement"

    @api.model_create_multi
    def create(self, vals_list):
        engagements = super().create(vals_list)
        engagements._fusion_sync_log_state_change()
        return engagements

    def write(self, vals):
        result = super().write(vals)
        if "state" in vals:
            self._fusion_sync_log_state_change()
        return result

    def _fusion_sync_log_state_change(self):
        """Log the tickets of these rounds as changed for their client's sync
        feed (their approval state changed). Call it after any change of a
        round's ``state`` that the ORM's ``write`` did not see (SQL). Cheap and
        idempotent: one change row per ticket per transaction, written at commit."""
        self.env["fusion.helpdesk.sync.change"]._record(
            [(engagement.client_key_id.id, engagement.ticket_id.id, None) for engagement in self]
        )
