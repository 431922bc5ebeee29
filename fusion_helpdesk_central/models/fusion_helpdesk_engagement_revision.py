# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A round answering the owner's "changes requested": its emails and pages
say it is a revised proposal, and quote the comment it answers."""

from odoo import fields, models


class FusionHelpdeskEngagement(models.Model):
    _inherit = "fusion.helpdesk.engagement"

    revision_comment = fields.Text(
        string="Answers the Comment",
        compute="_compute_revision_comment",
        help="This request is a revised proposal: the owner asked for changes "
        "on the one it replaces, with this comment.",
    )

    def _compute_revision_comment(self):
        for engagement in self:
            revised = engagement._revised_from()
            engagement.revision_comment = revised.decision_comment if revised else False

    def _revised_from(self):
        """The round this one revises (the owner asked for changes on it), or empty."""
        self.ensure_one()
        parent = self.parent_id
        return parent if parent.state == "changes_requested" else parent.browse()
