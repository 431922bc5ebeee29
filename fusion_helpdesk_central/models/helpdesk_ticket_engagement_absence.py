# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The ticket's side of the owner's absence: new requests go to the deputy
while the owner is away, the notes of a hand-over, the escalation to-do."""

from datetime import timedelta

from markupsafe import Markup

from odoo import fields, models
from odoo.tools import format_date


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    def _prepare_engagement_round_values(self, findings, summary, provenance=None, estimate=None):
        """While the owner is away, a new request goes to the client's deputy."""
        values = super()._prepare_engagement_round_values(findings, summary, provenance, estimate)
        client = self.client_key_id
        deputy = client._absence_deputy() if client and client._owner_away() else None
        if deputy:
            values.update(owner_email=deputy[0], owner_name=deputy[1], handover_reason="away")
        return values

    def _engagement_handover_sentence(self, engagement):
        """One sentence naming the deputy, the owner and why ``engagement``
        (a deputy's round) went to the deputy; override to word it otherwise."""
        self.ensure_one()
        parent = engagement.parent_id
        client = self.client_key_id
        values = {
            "deputy": engagement.owner_name or engagement.owner_email,
            "owner": parent.owner_name or parent.owner_email or client.owner_name or "",
        }
        if engagement.handover_reason == "escalation":
            return self.env._(
                "The owner approval request was handed to %(deputy)s: %(owner)s has not "
                "answered it for %(days)s business days.",
                days=self.env["fusion.helpdesk.engagement"]._escalation_days(),
                **values,
            )
        if client.away_until:
            back = format_date(self.env, client.away_until + timedelta(days=1))
            return self.env._(
                "The owner approval request was handed to %(deputy)s while %(owner)s is "
                "away; %(owner)s is back on %(back)s.",
                back=back,
                **values,
            )
        return self.env._(
            "The owner approval request was handed to %(deputy)s while %(owner)s is away.",
            **values,
        )

    def _engagement_post_handover_note(self, engagement):
        """Public note on the ticket (the client's employees see it through the
        updates feed) saying the request went to the deputy and why: signed
        by the provider's company (the system did it, not the owner nor the
        cron's user), kept as approval history (a flow note)."""
        self.ensure_one()
        poster = self.sudo().with_context(
            mail_create_nosubscribe=True,
            mail_post_autofollow=False,
            mail_post_autofollow_author_skip=True,
        )
        message = poster.message_post(
            body=Markup("<p>%s</p>") % self._engagement_handover_sentence(engagement),
            author_id=engagement._handover_author().id,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        return message._fusion_mark_flow_note()

    def _prepare_sync_engagement_values(self):
        """A round handed over by the system was passed on by nobody: the
        client must not tell its employee that the owner passed it on (the
        hand-over note, in the feed, says what happened and why)."""
        values = super()._prepare_sync_engagement_values()
        if values and values.get("delegated_by") and self.sudo().engagement_id.handover_reason:
            values["delegated_by"] = ""
        return values

    def _engagement_escalation_todo(self, engagement, days):
        """Tell the engineer who asked (else the assignee) that ``engagement``
        has waited ``days`` business days and nobody else can decide."""
        self.ensure_one()
        engineer = engagement.requested_by_id or self.user_id
        if not engineer:
            return self.env["mail.activity"]
        ticket = self.with_context(lang=engineer.lang or self.env.lang)
        return ticket.activity_schedule(
            "mail.mail_activity_data_todo",
            date_deadline=fields.Date.today(),
            user_id=engineer.id,
            summary=ticket.env._("Owner approval still pending"),
            note=Markup("<p>%s</p>")
            % ticket.env._(
                "%(owner)s has not answered the approval request on %(ticket)s for "
                "%(days)s business days, and the client has no deputy: please follow up.",
                owner=engagement.owner_name or engagement.owner_email,
                ticket=self.display_name,
                days=days,
            ),
        )
