# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Ticket side of the intake and thread APIs (see controllers/api.py)."""

import hashlib
import json

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import (
    email_normalize,
    html_sanitize,
    is_html_empty,
    plaintext2html,
)

from ..decisions import PUBLIC_DECISION_STATES


def intake_request_digest(payload):
    """SHA-256 of what makes a client request a ticket (subject, description, and
    the files when there are some): a resend of the same ticket has the same
    digest, a reused reference does not."""
    parts = [payload["subject"], payload["description"]]
    files = payload.get("attachments")
    if files:
        # Without files, the digest of tickets received before files existed.
        parts.append([[file["name"], hashlib.sha256(file["raw"]).hexdigest()] for file in files])
    text = json.dumps(parts, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    client_request_digest = fields.Char(
        copy=False,
        readonly=True,
        groups="base.group_system,fusion_helpdesk_central.group_fusion_helpdesk_api",
        help="Fingerprint of the client's request, to tell a resend from a reused reference.",
    )

    def write(self, vals):
        """A ticket stays with its client: its thread and decisions are that
        client's (the thread API serves them to its key)."""
        if "client_key_id" in vals and not self.env.su:
            self._check_client_key_change(vals["client_key_id"])
        return super().write(vals)

    def _check_client_key_change(self, client_key_id):
        """Refuse changing or clearing a ticket's client once set, and setting
        one on a ticket that already has approval rounds (asked of nobody's
        owner); setting the client of a new phone ticket stays allowed."""
        for ticket in self:
            if ticket.client_key_id.id == (client_key_id or False):
                continue
            if ticket.client_key_id or ticket.sudo().engagement_ids:
                raise UserError(
                    self.env._(
                        "The client of ticket %s cannot be changed: its conversation "
                        "and decisions belong to that client. Create a new ticket instead.",
                        ticket.display_name,
                    )
                )

    @api.model
    def _prepare_intake_ticket_values(self, client_key, payload):
        """Values of the ticket created from a validated intake ``payload`` sent
        with ``client_key``; override to fill more fields."""
        partner = self._intake_find_or_create_partner(
            client_key, payload["requester_name"], payload["requester_email"]
        )
        values = {
            "name": payload["subject"],
            "description": plaintext2html(payload["description"]),
            "client_key_id": client_key.id,
            "client_ref": payload.get("client_ref") or False,
            "client_request_digest": intake_request_digest(payload),
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
    def _intake_find_or_create_partner(self, client_key, name, email):
        """Contact of the requester among the client's own contacts (the oldest
        with ``email``), else a new contact of the client's company. Never a
        partner of another customer: they would see the ticket in their portal."""
        company = client_key._intake_company_partner().commercial_partner_id
        Partner = self.env["res.partner"]
        partner = Partner.search(
            [
                ("commercial_partner_id", "=", company.id),
                ("email_normalized", "=", email_normalize(email)),
            ],
            order="id",
            limit=1,
        )
        if partner:
            return partner
        # Creating a contact under a company syncs its address (a write): the API
        # user gets that one operation, not write access to every contact.
        values = self._prepare_intake_partner_values(company, name, email)
        return Partner.browse(Partner.sudo().create(values).id)

    @api.model
    def _prepare_intake_partner_values(self, company, name, email):
        """Values of a requester contact created under the client's ``company``."""
        # A decision link typed as a name would be read by whoever sees the contact.
        name = self._fusion_redact_text(name)
        return {"name": name, "email": email, "parent_id": company.id, "type": "contact"}

    def _intake_is_same_request(self, payload):
        """Whether ``payload`` is this ticket sent again (the client missed our
        answer), not another ticket under the same client reference."""
        self.ensure_one()
        digest = self.sudo().client_request_digest
        if digest:
            return digest == intake_request_digest(payload)
        # Tickets received before the digest existed: compare what was stored.
        description = self._fields["description"].convert_to_cache(
            plaintext2html(payload["description"]), self
        )
        return self.name == payload["subject"] and self.description == description

    def _fusion_thread_messages(self):
        """Public messages of the ticket, oldest first: comments and emails that
        are not internal and say something or carry files (an engineer's
        screenshot sent alone). Never notes, tracking or system notifications
        (so never an engagement email and its magic links)."""
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
        return messages.filtered(
            lambda message: not is_html_empty(message.body) or message.attachment_ids
        )

    def _prepare_thread_values(self):
        """The ``ticket`` block of the thread API answer."""
        self.ensure_one()
        return {
            "id": self.id,
            "number": self.number,
            "name": self.name,
            "stage": self.stage_id.name or None,
            "engagement_state": self.engagement_state,
            # The latest round, as the client tells its employee (sync feed too).
            "engagement": self._prepare_sync_engagement_values(),
        }

    def _fusion_thread_decision_round(self, message):
        """The round of this ticket whose public decision ``message`` carries, or empty."""
        self.ensure_one()
        return self.sudo().engagement_ids.filtered(
            lambda engagement: (
                engagement.decision_message_id == message
                and engagement.state in PUBLIC_DECISION_STATES
            )
        )[:1]

    def _prepare_thread_message_values(self, message):
        """One message of the thread API answer; override to add keys."""
        self.ensure_one()
        # The author's name only: an ``email_from`` without author names
        # nobody we know (anyone can type a name there).
        author = message.author_id.name or self.env._("Unknown sender")
        decision = None
        # Data, not text: only the message a round recorded as its decision
        # is one, whatever another message says.
        engagement = self._fusion_thread_decision_round(message)
        if engagement:
            decision = {"state": engagement.state, "comment": engagement.decision_comment or ""}
        return {
            "id": message.id,
            "author": author or "",
            "date": fields.Datetime.to_string(message.date),
            "body": str(html_sanitize(message.body)),
            "decision": decision,
        }
