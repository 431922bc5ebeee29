# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Ticket side of the intake and thread APIs (see controllers/api.py)."""

import logging

from odoo import api, fields, models
from odoo.tools import (
    email_normalize,
    html_sanitize,
    is_html_empty,
    parse_contact_from_email,
    plaintext2html,
)

_logger = logging.getLogger(__name__)


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

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
        if message == self.engagement_decision_message_id and self.engagement_state in (
            "approved",
            "rejected",
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
