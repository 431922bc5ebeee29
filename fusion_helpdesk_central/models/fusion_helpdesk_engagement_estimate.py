# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What a round costs, whether the client's budget approved it, and the
digest sealing what the owner was shown (SPEC 19.0.4.0.0)."""

from odoo import api, fields, models

from .. import money


class FusionHelpdeskEngagement(models.Model):
    _inherit = "fusion.helpdesk.engagement"

    estimate_hours = fields.Float(readonly=True, digits=(16, 2))
    estimate_amount = fields.Monetary(readonly=True, currency_field="currency_id")
    currency_id = fields.Many2one(comodel_name="res.currency", readonly=True)
    auto_approved = fields.Boolean(
        string="Approved Within Budget",
        readonly=True,
        help="Decided at once: its estimate fitted in what was left of the client's "
        "pre-approved budget this month.",
    )
    content_digest = fields.Char(
        readonly=True,
        copy=False,
        help="SHA-256 of what the owner was shown (ticket number, summary, hours, "
        "amount, currency), stored when the request was sent.",
    )
    digest_matches = fields.Boolean(
        string="Record Intact",
        compute="_compute_digest_matches",
        help="Whether the stored texts still match the digest taken when it was sent.",
    )

    @api.depends("content_digest", "summary", "estimate_hours", "estimate_amount")
    def _compute_digest_matches(self):
        for engagement in self:
            engagement.digest_matches = bool(engagement.content_digest) and (
                engagement.content_digest == engagement._compute_content_digest()
            )

    def _compute_content_digest(self):
        """The digest of this round's stored texts (``money.content_digest``)."""
        self.ensure_one()
        return money.content_digest(
            self.ticket_id.number,
            self.summary,
            self.estimate_hours,
            self.estimate_amount,
            self.currency_id.name,
        )
