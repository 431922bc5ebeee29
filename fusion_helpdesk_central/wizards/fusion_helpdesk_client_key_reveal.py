# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class FusionHelpdeskClientKeyReveal(models.TransientModel):
    """Dialog showing a client key once, right after it was made.

    The key comes in the action's context (``default_secret``) and the dialog
    is closed without saving, so the key is never written to this table.
    """

    _name = "fusion.helpdesk.client.key.reveal"
    _description = "Fusion Helpdesk Client Key (shown once)"

    client_key_id = fields.Many2one(
        comodel_name="fusion.helpdesk.client.key", string="Client", readonly=True
    )
    secret = fields.Char(string="Key", readonly=True)
