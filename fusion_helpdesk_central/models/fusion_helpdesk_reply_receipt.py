# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Receipts of the replies clients post, by their idempotency key.

A client that missed our answer (timeout, central restarting) sends the same
reply again with the same key: the receipt hands back the message already
posted instead of a second one.
"""

from odoo import api, fields, models
from odoo.tools import SQL


class FusionHelpdeskReplyReceipt(models.Model):
    _name = "fusion.helpdesk.reply.receipt"
    _description = "Fusion Helpdesk Reply Receipt"
    _log_access = False

    client_key_id = fields.Many2one(
        comodel_name="fusion.helpdesk.client.key", required=True, ondelete="cascade"
    )
    idempotency_key = fields.Char(required=True)
    ticket_id = fields.Many2one(comodel_name="helpdesk.ticket", required=True, ondelete="cascade")
    message_id = fields.Many2one(comodel_name="mail.message", ondelete="set null")
    create_date = fields.Datetime(default=fields.Datetime.now, readonly=True)

    _key_unique = models.UniqueIndex(
        "(client_key_id, idempotency_key)", "A reply is posted once per idempotency key."
    )

    @api.model
    def _claim(self, client_key, ticket, idempotency_key):
        """Claim ``idempotency_key`` for a new reply of ``client_key`` on ``ticket``.

        Returns ``(receipt, True)`` when this request is the first with the
        key, else ``(existing receipt, False)``. Two requests racing with one
        key: the second waits for the first to commit, then (Odoo's repeatable
        read) fails with a serialization error and Odoo replays it, when it
        finds the receipt: one message whatever the timing.
        """
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO fusion_helpdesk_reply_receipt
                            (client_key_id, idempotency_key, ticket_id, create_date)
                     VALUES (%s, %s, %s, NOW() AT TIME ZONE 'UTC')
                ON CONFLICT (client_key_id, idempotency_key) DO NOTHING
                  RETURNING id
                """,
                client_key.id,
                idempotency_key,
                ticket.id,
            )
        )
        row = self.env.cr.fetchone()
        if row:
            return self.browse(row[0]), True
        existing = self.search(
            [("client_key_id", "=", client_key.id), ("idempotency_key", "=", idempotency_key)],
            limit=1,
        )
        return existing, False
