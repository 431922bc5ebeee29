# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Requests handed to the client's deputy: while the owner is away (hourly
cron) and when a request waits too long (escalation). A hand-over reuses the
delegation's mechanics (the round becomes ``delegated``, a new pending round
with a fresh link goes to the deputy), but it is the system's doing, never
the owner's: the provider's company authors its tracking and note, and no
decision IP, user agent, comment or decision message is recorded."""

from odoo import api, fields, models
from odoo.fields import Domain
from odoo.tools import SQL

from .. import absence

ESCALATION_DAYS_PARAM = "fusion_helpdesk_central.engagement_escalation_days"
DEFAULT_ESCALATION_DAYS = 0
HANDOVER_REASONS = [
    ("away", "Owner away"),
    ("escalation", "No answer in time"),
]
# Context key set while the system hands rounds over (value: the reason).
HANDOVER_CONTEXT = "fusion_engagement_handover"


class FusionHelpdeskEngagement(models.Model):
    _inherit = "fusion.helpdesk.engagement"

    # Rounds handed over per committed batch of the hourly cron.
    _handover_batch_size = 200

    handover_reason = fields.Selection(
        selection=HANDOVER_REASONS,
        string="Handed Over Because",
        readonly=True,
        help="Set on a round sent to the client's deputy instead of the owner.",
    )
    escalated_at = fields.Datetime(
        readonly=True,
        help="When the request was escalated for waiting too long (once).",
    )

    # ------------------------------------------------------------------
    # Hand-over
    # ------------------------------------------------------------------
    def _hand_over_to_deputy(self, reason):
        """Pass these pending rounds to their client's deputy, as the owner's
        own delegation does (``delegated``, a new pending round with a fresh
        link mailed to the deputy, the engineer's to-do), with a public note
        on each ticket. Rounds without a usable deputy, or already with the
        deputy, are left. Returns the deputies' new rounds (sudo)."""
        Engagement = self.sudo().with_context(mail_create_nosubscribe=True, mail_create_nolog=True)
        deputies = {key.id: key._absence_deputy() for key in self.sudo().client_key_id}
        rounds = self.sudo().filtered(
            lambda engagement: (
                deputies.get(engagement.client_key_id.id)
                and deputies[engagement.client_key_id.id][0] != engagement.owner_email
            )
        )
        if not rounds:
            return Engagement.browse()
        # The owner's delegation statement: only rounds still pending with a
        # live link are closed (an owner deciding right now wins).
        delegated = self._decide_where(SQL("id IN %s", tuple(rounds.ids)), "delegate")
        if not delegated:
            return Engagement.browse()
        now = fields.Datetime.now()
        tokens, vals_list = {}, []
        for engagement in delegated:
            email, name = deputies[engagement.client_key_id.id]
            token, digest = Engagement._new_token()
            tokens[engagement.ticket_id.id] = token
            vals_list.append(
                {
                    **engagement._prepare_delegated_round_values(name or email, email, now),
                    "token_hash": digest,
                    "handover_reason": reason,
                }
            )
        children = Engagement.create(vals_list)
        # The delegation's bookkeeping, authored by the system (see
        # ``_decision_authors``): the owner did not pass anything on.
        delegated.with_context(**{HANDOVER_CONTEXT: reason})._after_decision()
        children.ticket_id._engagement_send_mails(tokens)
        for child in children:
            child.ticket_id._engagement_post_handover_note(child)
        return children

    @api.model
    def _live_pending_domain(self, now):
        """Pending rounds whose link is live at ``now``."""
        return Domain([("state", "=", "pending"), ("token_hash", "!=", False)]) & (
            Domain("expires_at", "=", False) | Domain("expires_at", ">", now)
        )

    @api.model
    def _cron_hand_over(self):
        """Hourly: hand the pending requests of absent owners to their
        deputies, then escalate the requests waiting too long."""
        self._hand_over_absent_owners()
        self._escalate_overdue()

    @api.model
    def _hand_over_absent_owners(self):
        """Hand every pending request of an owner away today to their deputy,
        one committed batch at a time."""
        keys = self.env["fusion.helpdesk.client.key"]._away_with_deputy()
        if not keys:
            return self.browse()
        owners = {key.id: self._recipient_email(key.owner_email) for key in keys}
        domain = self._live_pending_domain(fields.Datetime.now()) & Domain(
            [
                ("client_key_id", "in", keys.ids),
                ("owner_email", "in", [email for email in owners.values() if email]),
            ]
        )
        return self._hand_over_in_batches(
            domain,
            "away",
            lambda engagement: engagement.owner_email == owners.get(engagement.client_key_id.id),
        )

    @api.model
    def _hand_over_in_batches(self, domain, reason, accept):
        """Hand over the rounds of ``domain`` that ``accept``, by batches, each
        committed (``ir.cron._commit_progress``). Returns the new rounds."""
        cron = self.env["ir.cron"]
        Engagement = self.sudo()
        cron._commit_progress(remaining=Engagement.search_count(domain))
        children = Engagement.browse()
        after = Domain.TRUE
        while True:
            batch = Engagement.search_fetch(
                domain & after,
                ["client_key_id", "owner_email", "ticket_id"],
                order="id",
                limit=self._handover_batch_size,
            )
            if not batch:
                break
            after = Domain("id", ">", batch[-1].id)
            children |= batch.filtered(accept)._hand_over_to_deputy(reason)
            if not cron._commit_progress(len(batch)):
                break
        return children

    # ------------------------------------------------------------------
    # Escalation
    # ------------------------------------------------------------------
    @api.model
    def _escalation_days(self):
        """Configured escalation delay in business days; 0 or less: off."""
        return self.env["ir.config_parameter"]._fusion_int_param(
            ESCALATION_DAYS_PARAM, DEFAULT_ESCALATION_DAYS
        )

    @api.model
    def _escalate_overdue(self):
        """Escalate, once, each request pending for the configured business
        days: handed to the deputy when the client has one, else the engineer
        gets a to-do. Reminders and expiry go on as usual."""
        days = self._escalation_days()
        if days <= 0:
            return self.browse()
        now = fields.Datetime.now()
        domain = self._live_pending_domain(now) & Domain(
            [
                ("escalated_at", "=", False),
                ("sent_at", "<=", absence.business_days_before(now, days)),
            ]
        )
        Engagement = self.sudo()
        rounds = Engagement.search(domain, order="id")
        if not rounds:
            return rounds
        children = rounds._hand_over_to_deputy("escalation")
        handed = children.parent_id
        # Marked once, handed or not: never escalated a second time.
        rounds.write({"escalated_at": now})
        for engagement in (rounds - handed).filtered(lambda r: r.state == "pending"):
            engagement.ticket_id._engagement_escalation_todo(engagement, days)
        return rounds

    def _notify_engineer_sentence(self, owner):
        """A request handed over by the cron was not passed on by the owner."""
        if self.state == "delegated":
            child = self.search(
                [("parent_id", "=", self.id), ("handover_reason", "!=", False)], limit=1
            )
            if child:
                return self.ticket_id._engagement_handover_sentence(child)
        return super()._notify_engineer_sentence(owner)

    def _decision_authors(self):
        """A hand-over is the system's doing: the provider's company authors
        the ticket's tracking, never the owner (whose contact is not even
        looked up)."""
        if not self.env.context.get(HANDOVER_CONTEXT):
            return super()._decision_authors()
        return {engagement.id: engagement._handover_author() for engagement in self}

    def _handover_author(self):
        """Partner signing what a hand-over of this round records: the
        ticket's company (the provider); override to sign otherwise."""
        self.ensure_one()
        return (self.ticket_id.company_id or self.env.company).partner_id

    def _prepare_engineer_to_do_values(self):
        """The engineer's to-do of a hand-over says so, not "Owner decision"."""
        values = super()._prepare_engineer_to_do_values()
        if self.env.context.get(HANDOVER_CONTEXT):
            values["summary"] = self.env._("Approval request handed to the deputy")
        return values
