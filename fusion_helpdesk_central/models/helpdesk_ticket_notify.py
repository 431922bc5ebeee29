# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""One conversation: the requester of a ticket sent from a client's Odoo hears
of it there (the sync), not also by email from central with a link to central's
portal, unless the provider turns that on for the client key."""

from odoo import models


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    def _notify_get_recipients(self, message, msg_vals=False, **kwargs):
        # Every notification of a ticket (Send message, stage templates,
        # helpdesk_mgmt's emails, portal access links) is sent to these.
        recipients = super()._notify_get_recipients(message, msg_vals=msg_vals, **kwargs)
        silenced = self._fusion_silenced_partner_ids()
        if not silenced:
            return recipients
        return [recipient for recipient in recipients if recipient.get("id") not in silenced]

    def _track_template(self, tracking):
        # helpdesk_mgmt's stage emails (e.g. "ticket closed", with a link to
        # central's portal) go out in mass-mail mode, past the recipients
        # above: a silenced ticket sends none (attacker run F4).
        res = super()._track_template(tracking)
        if "stage_id" in res and self[:1]._fusion_silenced_partner_ids():
            del res["stage_id"]
        return res

    def _fusion_silenced_partner_ids(self):
        """Partners central never notifies about these tickets: the requester
        of a ticket of a client key whose ``notify_requesters`` is off.
        Override to silence more (or fewer)."""
        silenced = set()
        for ticket in self.sudo():
            if ticket.client_key_id and not ticket.client_key_id.notify_requesters:
                silenced.update(ticket.partner_id.ids)
        return silenced
