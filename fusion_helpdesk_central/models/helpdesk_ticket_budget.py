# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Within the client's pre-approved budget, a request is decided at once
(SPEC 19.0.4.0.0): approved, a public note on the ticket (by our company, never
the owner's contact), the engineer told, the owner sent a notice without links."""

from markupsafe import Markup

from odoo import fields, models
from odoo.tools import SQL

from .. import money


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    def _engagement_start(self, findings, summary, provenance=None, estimate=None):
        token = super()._engagement_start(findings, summary, provenance, estimate)
        if not (estimate or {}).get("ask_owner"):
            self._engagement_approve_within_budget()
        return token

    def _engagement_approve_within_budget(self):
        """Approve this ticket's new round when its estimate fits in what is
        left of the client's budget this month (same currency); return the
        round when it did, else an empty recordset."""
        self.ensure_one()
        engagement = self.sudo().engagement_id
        client = self.sudo().client_key_id
        if engagement.state != "pending" or not client.budget_monthly:
            return engagement.browse()
        if not engagement.estimate_amount or client.budget_currency_id != engagement.currency_id:
            # A currency mismatch never approves: the owner decides.
            return engagement.browse()
        if not money.priced_at_rate(
            engagement.estimate_hours, engagement.estimate_amount, client.hourly_rate
        ):
            # An amount typed below the hours at the client's rate (or without
            # a rate) is the owner's to judge, never the budget's.
            return engagement.browse()
        if self._engagement_owner_said_no():
            # The budget never overturns the owner's "no" or "change it".
            return engagement.browse()
        # Two sends against one budget serialise on the key's row: the later
        # one waits, then fails with a serialization failure that Odoo's
        # retrying() replays with a snapshot holding the first one's amount.
        self.env.cr.execute(
            SQL(
                "UPDATE fusion_helpdesk_client_key SET budget_checked_at = %s WHERE id = %s",
                self.env.cr.now(),
                client.id,
            ),
            log_exceptions=False,
        )
        client.invalidate_recordset(["budget_checked_at"])
        used = client._budget_used_month()
        if not money.fits_budget(engagement.estimate_amount, client.budget_monthly, used, True):
            return engagement.browse()
        engagement.write(
            {
                "state": "approved",
                "auto_approved": True,
                "decided_at": fields.Datetime.now(),
                "closed_token_hash": engagement.token_hash,
                "token_hash": False,
            }
        )
        used += engagement.estimate_amount
        self._engagement_post_budget_note(engagement, used)
        engagement._notify_engineer()
        self._engagement_send_budget_notice(engagement, used)
        return engagement

    def _engagement_owner_said_no(self):
        """Whether the owner rejected or asked for changes on an earlier
        request of this ticket: the next one goes to the owner, whatever the
        budget (a revised proposal is the owner's to judge)."""
        self.ensure_one()
        return bool(
            self.env["fusion.helpdesk.engagement"]
            .sudo()
            .search_count(
                [
                    ("ticket_id", "=", self.id),
                    ("state", "in", ("rejected", "changes_requested")),
                ],
                limit=1,
            )
        )

    def _engagement_budget_used_text(self, engagement, used):
        """ "300.00 € of 1,000.00 €", in the language of ``self.env``."""
        client = self.sudo().client_key_id
        return self.env._(
            "%(used)s of %(budget)s",
            used=engagement._format_money(used),
            budget=engagement._format_money(client.budget_monthly),
        )

    def _engagement_post_budget_note(self, engagement, used):
        """Public note on the ticket: approved within the pre-approved budget.
        Authored by our company (the flow's notes are), never by the owner."""
        ticket = self.sudo().with_context(
            lang=self._engagement_owner_lang() or self.env.lang,
            mail_create_nosubscribe=True,
            mail_post_autofollow=False,
        )
        body = Markup("<p><strong>%s</strong></p><p>%s</p>") % (
            ticket.env._("Approved within the pre-approved budget."),
            ticket.env._(
                "Estimate: %(estimate)s. Used this month: %(used)s.",
                estimate=engagement.with_env(ticket.env)._estimate_line_text(),
                used=ticket._engagement_budget_used_text(engagement.with_env(ticket.env), used),
            ),
        )
        message = ticket.message_post(
            body=body,
            author_id=(self.company_id or self.env.company).partner_id.id,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        # A flow note (kept as history), not the owner's decision: the client
        # shows it as our message, never as "recorded on the approval page".
        return message._fusion_mark_flow_note()

    def _engagement_send_budget_notice(self, engagement, used):
        """Tell the owner, in their language, what was approved on their
        budget; the notice has no decision link."""
        recipient = self._engagement_mail_recipient()
        if not recipient:
            return self.env["mail.mail"]
        ticket = self.with_context(lang=self._engagement_owner_lang() or self.env.lang)
        round_ = engagement.with_env(ticket.env)
        sentence = ticket.env._(
            "Approved within your pre-approved budget: %s used this month.",
            ticket._engagement_budget_used_text(round_, used),
        )
        body = Markup("<p>%s</p><p><strong>%s</strong> %s</p><p>%s</p>%s") % (
            sentence,
            self.number or "",
            self.name or "",
            round_._estimate_line_text(),
            round_.summary_html or "",
        )
        mail = (
            self.env["mail.mail"]
            .sudo()
            .create(
                {
                    "subject": ticket.env._(
                        "%(ticket)s approved within your pre-approved budget",
                        ticket=self.number or self.name,
                    ),
                    "body_html": body,
                    "email_to": recipient,
                    **self._engagement_mail_sender_values(),
                    "auto_delete": False,
                }
            )
        )
        return mail

    def _prepare_thread_values(self):
        """The client's ticket also shows the latest request's estimate and
        whether the budget approved it."""
        values = super()._prepare_thread_values()
        engagement = self.sudo().engagement_id
        values.update(
            estimate_hours=engagement.estimate_hours,
            estimate_amount=engagement.estimate_amount,
            currency=engagement.currency_id.name or None,
            auto_approved=engagement.auto_approved,
        )
        return values
