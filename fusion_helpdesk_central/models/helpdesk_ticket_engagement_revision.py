# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Asking again after the owner requested changes: the new request starts
from what they read, answers their comment, and closes the stale to-do."""

from odoo import models


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    def _engagement_revised_round(self):
        """The latest round when the owner asked for changes on it (a new
        request revises it), else empty."""
        self.ensure_one()
        engagement = self.sudo().engagement_id
        if engagement.state != "changes_requested":
            return engagement.browse()
        return engagement

    def _engagement_revision_values(self):
        """What a revised request starts from: ``engagement`` (the round the
        owner asked changes on), its ``findings``, ``summary`` and the owner's
        ``comment``; empty when the owner did not ask for changes."""
        self.ensure_one()
        engagement = self._engagement_revised_round()
        if not engagement:
            return {}
        return {
            "engagement": engagement,
            "findings": engagement.findings or "",
            "summary": engagement.summary or "",
            "comment": engagement.decision_comment or "",
        }

    def _engagement_close_decision_todos(self, engagement):
        """Mark done the open to-dos telling the engineer what became of
        ``engagement`` (a round of this ticket): a new request answers them."""
        self.ensure_one()
        todo = self.env.ref("mail.mail_activity_data_todo", raise_if_not_found=False)
        activities = self.sudo().activity_ids.filtered(
            lambda activity: (
                activity.activity_type_id == todo
                and activity.summary in self._engagement_decision_todo_summaries(engagement)
            )
        )
        if activities:
            activities.action_feedback(
                feedback=self.env._("A revised request was sent to the owner.")
            )
        return activities

    def _engagement_decision_todo_summaries(self, engagement):
        """Summaries the decision to-do of ``engagement`` can carry (it is
        written in its engineer's language; see ``fusion.helpdesk.engagement._notify_engineer``)."""
        engineer = engagement.requested_by_id or self.user_id
        summaries = set()
        for lang in {engineer.lang, self.env.lang, "en_US"} - {False, None}:
            env = self.with_context(lang=lang).env
            labels = dict(engagement._fields["state"]._description_selection(env))
            summaries.add(env._("Owner decision: %s", labels[engagement.state]))
        return summaries
