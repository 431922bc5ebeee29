# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

ENGAGEMENT_ROUTE = "/fusion_helpdesk/engagement"
ENGAGEMENT_DECISIONS = ("approve", "reject")

ENGAGEMENT_STATES = [
    ("none", "Not Engaged"),
    ("pending", "Pending"),
    ("approved", "Approved"),
    ("rejected", "Rejected"),
]


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    client_key_id = fields.Many2one(
        comodel_name="fusion.helpdesk.client.key",
        string="Client",
        index="btree_not_null",
        ondelete="restrict",
        tracking=True,
    )
    client_ref = fields.Char(
        string="Client Reference",
        copy=False,
        help="Id of the ticket in the client's own Odoo.",
    )
    engagement_state = fields.Selection(
        selection=ENGAGEMENT_STATES,
        default="none",
        required=True,
        copy=False,
        tracking=True,
        index=True,
    )
    engagement_owner_email = fields.Char(copy=False, readonly=True)
    engagement_owner_name = fields.Char(copy=False, readonly=True)
    engagement_token = fields.Char(copy=False, readonly=True, groups="base.group_system")
    engagement_sent_at = fields.Datetime(copy=False, readonly=True)
    engagement_reminded_at = fields.Datetime(copy=False, readonly=True)
    engagement_decided_at = fields.Datetime(copy=False, readonly=True)
    engagement_findings = fields.Text(copy=False, readonly=True)
    engagement_summary = fields.Text(copy=False, readonly=True)
    engagement_decision_comment = fields.Text(copy=False, readonly=True)
    engagement_decision_ip = fields.Char(
        string="Decision IP Address", copy=False, readonly=True
    )
    engagement_decision_user_agent = fields.Char(copy=False, readonly=True)
    engagement_decision_message_id = fields.Many2one(
        comodel_name="mail.message",
        copy=False,
        readonly=True,
        help="Public comment that carries the owner's decision.",
    )
    engagement_turnaround_hours = fields.Float(
        compute="_compute_engagement_turnaround_hours",
        store=True,
        aggregator="avg",
        digits=(16, 2),
        help="Hours between sending the engagement and the owner's decision.",
    )

    _engagement_token_unique = models.UniqueIndex(
        "(engagement_token) WHERE engagement_token IS NOT NULL"
    )
    _engagement_reminder_due_index = models.Index(
        "(engagement_sent_at) WHERE engagement_state = 'pending'"
        " AND engagement_reminded_at IS NULL"
    )

    @api.depends("engagement_sent_at", "engagement_decided_at")
    def _compute_engagement_turnaround_hours(self):
        for ticket in self:
            if ticket.engagement_sent_at and ticket.engagement_decided_at:
                delta = ticket.engagement_decided_at - ticket.engagement_sent_at
                ticket.engagement_turnaround_hours = delta.total_seconds() / 3600.0
            else:
                ticket.engagement_turnaround_hours = 0.0

    def _get_engagement_url(self, decision):
        """Absolute magic link of the pending engagement for ``decision``."""
        self.ensure_one()
        token = self.sudo().engagement_token
        if not token or decision not in ENGAGEMENT_DECISIONS:
            return False
        return "%s%s/%s/%s" % (self.get_base_url(), ENGAGEMENT_ROUTE, token, decision)

    # ------------------------------------------------------------------
    # Engagement: sending (see wizards/fusion_helpdesk_engagement_wizard.py)
    # ------------------------------------------------------------------

    # ------------------------------------------------------------------
    # Engagement: owner decision (see controllers/main.py)
    # ------------------------------------------------------------------

    # ------------------------------------------------------------------
    # Engagement: reminders
    # ------------------------------------------------------------------
