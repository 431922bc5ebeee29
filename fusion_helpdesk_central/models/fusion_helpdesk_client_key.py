# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import secrets

from odoo import api, fields, models
from odoo.tools import consteq

KEY_BYTES = 32


def generate_client_key():
    """Return a new random client key (256 bits, URL safe)."""
    return secrets.token_urlsafe(KEY_BYTES)


class FusionHelpdeskClientKey(models.Model):
    _name = "fusion.helpdesk.client.key"
    _description = "Fusion Helpdesk Client Key"
    _inherit = ["mail.thread"]
    _order = "name, id"

    name = fields.Char(required=True, tracking=True)
    key = fields.Char(
        required=True,
        copy=False,
        readonly=True,
        default=lambda self: generate_client_key(),
        groups="base.group_system",
        help="Secret that the client instance sends as 'Authorization: Bearer <key>'.",
    )
    active = fields.Boolean(default=True, tracking=True)
    owner_email = fields.Char(
        tracking=True,
        help="Owner who approves engagements. Kept fresh by every ticket the "
        "client sends.",
    )
    owner_name = fields.Char(tracking=True)
    ticket_ids = fields.One2many(
        comodel_name="helpdesk.ticket", inverse_name="client_key_id", string="Tickets"
    )
    ticket_count = fields.Integer(compute="_compute_ticket_count")

    _key_unique = models.UniqueIndex("(key)", "Client keys must be unique.")

    @api.depends("ticket_ids")
    def _compute_ticket_count(self):
        counts = dict(
            self.env["helpdesk.ticket"]._read_group(
                [("client_key_id", "in", self.ids)],
                groupby=["client_key_id"],
                aggregates=["__count"],
            )
        )
        for client_key in self:
            client_key.ticket_count = counts.get(client_key, 0)

    @api.model
    def _find_by_key(self, key):
        """Return the active client key record matching ``key``, or an empty
        recordset. Compared in constant time once the index found a candidate."""
        if not key or not isinstance(key, str):
            return self.browse()
        candidate = self.sudo().search([("key", "=", key)], limit=1)
        if candidate and consteq(candidate.key, key):
            return candidate
        return self.browse()
