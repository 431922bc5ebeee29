# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Tickets in reports: technical fields are no measure and no group-by."""

from odoo import api, models

from .fusion_helpdesk_engagement_reporting import hide_from_reports

TICKET_TECHNICAL_FIELDS = (
    "color",
    "access_token",
    "engagement_token",
    "engagement_decision_ip",
    "engagement_decision_user_agent",
    "engagement_decision_message_id",
    "message_main_attachment_id",
    # The latest request's turnaround, shown on the form: averaged over the
    # tickets it would count pending requests as 0 h. Approval Rounds
    # measures it, decided requests only.
    "engagement_turnaround_hours",
)


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    @api.model
    def fields_get(self, allfields=None, attributes=None):
        """Color Index, tokens, the decision's IP and user agent, the
        turnaround: no measure, no group-by in the ticket reports (they stay
        readable)."""
        return hide_from_reports(super().fields_get(allfields, attributes), TICKET_TECHNICAL_FIELDS)
