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
)


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    @api.model
    def fields_get(self, allfields=None, attributes=None):
        """Color Index, tokens, the decision's IP and user agent: no measure,
        no group-by in the ticket reports (they stay readable)."""
        return hide_from_reports(super().fields_get(allfields, attributes), TICKET_TECHNICAL_FIELDS)
