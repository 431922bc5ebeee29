# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The consequences of an owner's decision on a round, in one place: the
public comment on the ticket, the engineer's to-do and the sync change
(``_after_decision`` in fusion_helpdesk_engagement.py calls them)."""

from markupsafe import Markup

from odoo import SUPERUSER_ID, models
from odoo.tools import SQL

from ..decisions import DECISION_STATES, PUBLIC_DECISION_STATES
from .helpdesk_ticket import text_lines_html


class FusionHelpdeskEngagement(models.Model):
    _inherit = "fusion.helpdesk.engagement"

    def _decide_as_owner(self, decision, comment=None, ip=None, user_agent=None, delegate=None):
        """The owner's ``decision`` on this round (found by its link), recorded
        once with its consequences; ``delegate``: ``(name, email)`` of whom
        a delegation goes to. Returns ``(decided, shown)``: the decided round
        and the round the done page shows (the new one of a delegation);
        empty rounds when a racing request closed it meanwhile."""
        self.ensure_one()
        if decision not in DECISION_STATES:
            return self.browse(), self.browse()
        condition = SQL("id = %s", self.id)
        if decision == "delegate":
            name, email = delegate or (None, None)
            child = self._delegate_where(condition, name, email, comment, ip, user_agent)
            return child.parent_id, child
        decided = self._decide_where(condition, decision, comment, ip, user_agent)
        if decided:
            decided._after_decision()
        return decided, decided

    def _decision_consequences(self, owners):
        """What follows the decision of these rounds (``owners``: round id ->
        the owner's partner, empty for an expiry): the public comment, the
        engineer's to-do and the change the client's feed reports."""
        for engagement in self:
            if engagement.state in engagement._public_decision_states():
                engagement._post_decision_message(owners[engagement.id])
            engagement._notify_engineer()
        self._log_decision_sync_change()

    def _public_decision_states(self):
        """States announced by a public comment on the ticket."""
        return PUBLIC_DECISION_STATES

    def _log_decision_sync_change(self):
        """Record the change of these rounds' tickets for the client's feed
        (the sync change; one row per ticket and transaction)."""
        self._fusion_sync_log_state_change()

    def _prepare_decision_message_values(self, owner=None):
        """``message_post`` values of the comment carrying this round's
        decision by ``owner`` (its partner, looked up when not given);
        override to change it."""
        self.ensure_one()
        state_labels = dict(self._fields["state"]._description_selection(self.env))
        body = Markup("<p><strong>%s</strong></p>") % self.env._(
            "Owner decision: %s", state_labels[self.state]
        )
        if self.decision_comment:
            body += Markup("<p>%s</p>") % text_lines_html(self.decision_comment)
        return {
            "body": body,
            "author_id": (owner or self._owner_partner(create=True)).id,
            "message_type": "comment",
            "subtype_xmlid": "mail.mt_comment",
        }

    def _post_decision_message(self, owner=None):
        """Post this round's decision on its ticket as a public comment
        authored by its owner (``owner``: their partner, when already known)."""
        self.ensure_one()
        # The owner answers once through a magic link: never make them a
        # follower who would then receive every later reply on the ticket.
        poster = self.ticket_id.with_context(
            mail_create_nosubscribe=True,
            mail_post_autofollow=False,
            mail_post_autofollow_author_skip=True,
        )
        message = poster.message_post(**self._prepare_decision_message_values(owner))
        self.sudo().decision_message_id = message
        return message

    def _notify_engineer_sentence(self, owner):
        """One sentence telling the engineer what became of this round."""
        self.ensure_one()
        values = {"owner": owner, "ticket": self.ticket_id.display_name}
        state = self.state
        if state == "approved":
            return self.env._("%(owner)s approved the proposed work on %(ticket)s.", **values)
        if state == "rejected":
            return self.env._("%(owner)s rejected the proposed work on %(ticket)s.", **values)
        if state == "changes_requested":
            return self.env._(
                "%(owner)s asked for changes to the proposed work on %(ticket)s.", **values
            )
        if state == "delegated":
            delegate = self.search(
                [("parent_id", "=", self.id), ("state", "!=", "superseded")], limit=1
            )
            return self.env._(
                "%(owner)s asked %(delegate)s to decide on %(ticket)s; a new approval "
                "request went to them.",
                delegate=delegate.owner_name or delegate.owner_email or "?",
                **values,
            )
        return self.env._(
            "The approval request to %(owner)s on %(ticket)s expired without a decision.",
            **values,
        )

    def _prepare_engineer_to_do_values(self):
        """``activity_schedule`` values of the engineer's to-do about this
        round (in the engineer's language); override to change it."""
        self.ensure_one()
        engineer = self.requested_by_id or self.ticket_id.user_id
        state_labels = dict(self._fields["state"]._description_selection(self.env))
        owner = self.owner_name or self.owner_email
        note = Markup("<p>%s</p>") % self._notify_engineer_sentence(owner)
        if self.decision_comment:
            note += Markup("<p>%s</p>") % text_lines_html(self.decision_comment)
        return {
            "act_type_xmlid": "mail.mail_activity_data_todo",
            "user_id": engineer.id,
            "summary": self.env._("Owner decision: %s", state_labels[self.state]),
            "note": note,
        }

    def _notify_engineer(self):
        """Give the engineer who asked (else the assignee) a to-do about what
        became of these rounds; override to notify otherwise."""
        for engagement in self:
            engineer = engagement.requested_by_id or engagement.ticket_id.user_id
            if not engineer:
                continue
            engagement = engagement.with_context(lang=engineer.lang or self.env.lang)
            ticket = engagement._to_do_author_env(engagement.ticket_id)
            ticket.activity_schedule(**engagement._prepare_engineer_to_do_values())

    def _to_do_author_env(self, ticket):
        """``ticket`` as the author of the engineer's to-do: the current user,
        else (the owner decided on the page as the public user, who has no
        email address) the system user, so that the "assigned to you"
        email has a sender and leaves; override to choose another."""
        # The public user has no address (a group check, cached: no query).
        if not self.env.user._is_public():
            return ticket
        # with_user drops sudo: the decision runs as sudo, and so does this.
        return ticket.with_user(SUPERUSER_ID).sudo()
