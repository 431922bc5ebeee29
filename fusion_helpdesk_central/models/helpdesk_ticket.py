# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.tools import (
    email_normalize,
    html_sanitize,
    is_html_empty,
    parse_contact_from_email,
    plaintext2html,
)

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

    # Intake API (see controllers/api.py and fusion_helpdesk_client_key.py)
    @api.model
    def _prepare_intake_ticket_values(self, client_key, payload):
        """Values of the ticket created from a validated intake ``payload`` sent
        with ``client_key``; override to fill more fields."""
        partner = self._intake_find_or_create_partner(
            payload["requester_name"], payload["requester_email"]
        )
        values = {
            "name": payload["subject"],
            "description": plaintext2html(payload["description"]),
            "client_key_id": client_key.id,
            "client_ref": payload.get("client_ref") or False,
            "partner_id": partner.id,
            "partner_name": payload["requester_name"],
            "partner_email": payload["requester_email"],
            # Not the API's technical user, even when helpdesk auto-assigns.
            "user_id": False,
        }
        channel = self.env.ref(
            "helpdesk_mgmt.helpdesk_ticket_channel_web", raise_if_not_found=False
        )
        if channel:
            values["channel_id"] = channel.id
        return values

    @api.model
    def _intake_find_or_create_partner(self, name, email):
        """Contact of the requester: the oldest one with ``email``, or a new one."""
        Partner = self.env["res.partner"]
        partner = Partner.search(
            [("email_normalized", "=", email_normalize(email))], order="id", limit=1
        )
        return partner or Partner.create({"name": name, "email": email})

    def _fusion_thread_messages(self):
        """Public messages of the ticket, oldest first: comments and emails that
        are not internal and say something. Never notes, tracking or system
        notifications (so never an engagement email and its magic links)."""
        self.ensure_one()
        messages = self.env["mail.message"].search(
            [
                ("model", "=", self._name),
                ("res_id", "=", self.id),
                ("message_type", "in", ("comment", "email")),
                ("is_internal", "=", False),
                ("subtype_id", "!=", False),
                ("subtype_id.internal", "=", False),
            ],
            order="date, id",
        )
        return messages.filtered(lambda message: not is_html_empty(message.body))

    def _prepare_thread_values(self):
        """The ``ticket`` block of the thread API answer."""
        self.ensure_one()
        return {
            "id": self.id,
            "number": self.number,
            "name": self.name,
            "stage": self.stage_id.name or None,
            "engagement_state": self.engagement_state,
        }

    def _prepare_thread_message_values(self, message):
        """One message of the thread API answer; override to add keys."""
        self.ensure_one()
        author = message.author_id.name
        if not author and message.email_from:
            name, email = parse_contact_from_email(message.email_from)
            author = name or email
        decision = None
        if (
            message == self.engagement_decision_message_id
            and self.engagement_state in ("approved", "rejected")
        ):
            decision = {
                "state": self.engagement_state,
                "comment": self.engagement_decision_comment or "",
            }
        return {
            "id": message.id,
            "author": author or "",
            "date": fields.Datetime.to_string(message.date),
            "body": str(html_sanitize(message.body)),
            "decision": decision,
        }

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
