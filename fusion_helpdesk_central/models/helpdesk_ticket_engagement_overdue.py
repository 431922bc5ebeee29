# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The overdue flag of a ticket waiting for its owner (reminders: see
fusion_helpdesk_engagement_reminder.py, on the rounds)."""

from datetime import timedelta

from odoo import api, fields, models


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    engagement_overdue = fields.Boolean(
        string="Overdue",
        compute="_compute_engagement_overdue",
        search="_search_engagement_overdue",
        help="Pending for longer than the reminder delay (3 days when reminders are off).",
    )

    @api.depends("engagement_state", "engagement_sent_at")
    def _compute_engagement_overdue(self):
        days = self.env["fusion.helpdesk.engagement"]._overdue_days()
        deadline = fields.Datetime.now() - timedelta(days=days)
        for ticket in self:
            ticket.engagement_overdue = bool(
                ticket.engagement_state == "pending"
                and ticket.engagement_sent_at
                and ticket.engagement_sent_at <= deadline
            )

    def _search_engagement_overdue(self, operator, value):
        # Boolean conditions reach us normalized to ``in [True]``; Odoo negates the rest.
        if operator != "in":
            return NotImplemented
        days = self.env["fusion.helpdesk.engagement"]._overdue_days()
        deadline = fields.Datetime.now() - timedelta(days=days)
        return [
            ("engagement_state", "=", "pending"),
            ("engagement_id.sent_at", "<=", deadline),
        ]
