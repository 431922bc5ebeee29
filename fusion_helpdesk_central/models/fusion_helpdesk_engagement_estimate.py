# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What a round costs, whether the client's budget approved it, and the
digest sealing what the owner was shown (SPEC 19.0.4.0.0)."""

from odoo import api, fields, models
from odoo.tools.misc import format_amount, formatLang

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
    approved_amount = fields.Monetary(
        compute="_compute_approved_amount",
        store=True,
        currency_field="currency_id",
        help="The estimate of an approved request (0 otherwise): reporting sums it "
        "per client and month, beside the estimated amounts.",
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

    @api.depends("state", "estimate_amount")
    def _compute_approved_amount(self):
        for engagement in self:
            approved = engagement.state == "approved"
            engagement.approved_amount = engagement.estimate_amount if approved else 0.0

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

    # ------------------------------------------------------------------
    # What the owner reads (in the language of ``self.env``)
    # ------------------------------------------------------------------
    def _format_money(self, amount):
        """``amount`` in this round's currency, in the reader's number format."""
        self.ensure_one()
        currency = self.currency_id or self.company_id.currency_id or self.env.company.currency_id
        return format_amount(self.env, amount or 0.0, currency)

    def _estimate_line_text(self):
        """ "2.50 hours, 300.00 €" (empty without an estimate). Hours without
        an amount (a client without an hourly rate) read "2.50 hours": a price
        of 0.00 would read as free work."""
        self.ensure_one()
        if not self.estimate_hours and not self.estimate_amount:
            return ""
        hours = formatLang(self.env, self.estimate_hours, digits=2)
        if not self.estimate_amount:
            return self.env._("%(hours)s hours", hours=hours)
        if not self.estimate_hours:
            return self._format_money(self.estimate_amount)
        return self.env._(
            "%(hours)s hours, %(amount)s",
            hours=hours,
            amount=self._format_money(self.estimate_amount),
        )

    def _estimate_line(self):
        """The estimate sentence of the owner's email and pages (empty for no round)."""
        if not self:
            return ""
        self.ensure_one()
        text = self._estimate_line_text()
        return self.env._("Estimate: %s", text) if text else ""

    def _budget_line(self):
        """What is left of the client's budget this month, for a request
        that goes to the owner (empty without a budget in this currency)."""
        if not self:
            return ""
        self.ensure_one()
        client = self.sudo().client_key_id
        if (
            self.state != "pending"
            or not client.budget_monthly
            or client.budget_currency_id != self.currency_id
        ):
            return ""
        left = money.budget_left(client.budget_monthly, client._budget_used_month())
        return self.env._(
            "Left of your pre-approved budget this month: %(left)s of %(budget)s.",
            left=self._format_money(left),
            budget=self._format_money(client.budget_monthly),
        )

    def action_print_record(self):
        """Print this round's approval record (PDF, or HTML without wkhtmltopdf)."""
        self.check_access("read")
        return self.env.ref("fusion_helpdesk_central.report_engagement_record").report_action(self)

    def _notify_engineer_sentence(self, owner):
        """A request the budget approved was never put to the owner: say so."""
        if self.auto_approved:
            return self.env._(
                "The request on %s fitted in the client's pre-approved budget: it was "
                "approved at once, without asking the owner.",
                self.ticket_id.display_name,
            )
        return super()._notify_engineer_sentence(owner)
