# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What reaches a ticket's thread never carries a live decision link.

An owner answering an approval email quotes its approve, reject and ``/all``
links; whatever path the answer takes (the mail gateway creating or updating
a ticket, a post in the chatter, the client API, a file uploaded and then
posted), the links are redacted before the body, the subject, the ticket's
title, description or requester name, or an attachment is stored.
"""

from markupsafe import Markup

from odoo import api, models

from .. import redaction
from .fusion_helpdesk_engagement import hash_token
from .helpdesk_ticket import ENGAGEMENT_ROUTE

# Ticket fields a person outside the provider types (the client API, the
# portal, the mail gateway): a decision link pasted there would be readable by
# everyone who reads the ticket.
REDACTED_TICKET_FIELDS = ("name", "description", "partner_name")


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    @api.model_create_multi
    def create(self, vals_list):
        return super().create([self._fusion_redact_ticket_values(vals) for vals in vals_list])

    def write(self, vals):
        return super().write(self._fusion_redact_ticket_values(vals))

    @api.model
    def _fusion_redact_ticket_values(self, vals):
        """``vals`` with the decision links of its typed fields redacted."""
        redacted = {}
        for fname in REDACTED_TICKET_FIELDS:
            value = vals.get(fname)
            if isinstance(value, str) and value:
                text = str(value)
                cleaned = self._fusion_redact_text(text)
                if cleaned is not text:
                    # Only a link became plain text: markup stays markup.
                    redacted[fname] = Markup(cleaned) if isinstance(value, Markup) else cleaned
        return {**vals, **redacted} if redacted else vals

    @api.model
    def message_new(self, msg_dict, custom_values=None):
        # Redacted in place: the gateway posts this same dict once the ticket
        # exists, and helpdesk_mgmt copies its body into the description.
        self._fusion_redact_inbound(msg_dict)
        return super().message_new(msg_dict, custom_values=custom_values)

    def message_update(self, msg_dict, update_vals=None):
        self._fusion_redact_inbound(msg_dict)
        return super().message_update(msg_dict, update_vals=update_vals)

    def message_post(self, **kwargs):
        self._fusion_redact_inbound(kwargs)
        return super().message_post(**kwargs)

    @api.model
    def _fusion_redact_inbound(self, values):
        """Redact, in place, the decision links of the ``body`` and ``subject``
        of a gateway message dict or of ``message_post`` arguments; override
        to redact more. Its files are redacted once, where they are stored
        (``ir.attachment``, see ir_attachment.py)."""
        body = values.get("body")
        if body:
            text = str(body)
            redacted = self._fusion_redact_text(text)
            if redacted is not text:
                # Only a link was replaced by plain text: the markup stays markup.
                values["body"] = Markup(redacted) if isinstance(body, Markup) else redacted
        if values.get("subject"):
            values["subject"] = self._fusion_redact_text(values["subject"])
        return values

    @api.model
    def _fusion_redact_text(self, text):
        """``text`` (plain text or HTML) without decision links: the links the
        route finds, and any token-shaped run that is a live link's token,
        however the link around it was spelt or cut (the one rule for all
        that reaches a ticket; the same object when there was none)."""
        redacted = redaction.redact_text(text, ENGAGEMENT_ROUTE)
        return self._fusion_redact_live_tokens(redacted)

    @api.model
    def _fusion_redact_live_tokens(self, text):
        """``text`` with every live link token (pending round, current or
        reminded link) replaced, found by digest: one query when ``text`` holds
        token-shaped runs, none otherwise."""
        digests = {}
        for candidate in redaction.token_candidates(text):
            digest = hash_token(candidate)
            if digest:
                digests[digest] = candidate
        if not digests:
            return text
        live = (
            self.env["fusion.helpdesk.engagement"]
            .sudo()
            .search_fetch(
                [
                    "|",
                    ("token_hash", "in", list(digests)),
                    ("previous_token_hash", "in", list(digests)),
                ],
                ["token_hash", "previous_token_hash"],
            )
        )
        found = {
            digests[d] for r in live for d in (r.token_hash, r.previous_token_hash) if d in digests
        }
        return redaction.remove_tokens(text, found)

    @api.model
    def _fusion_redact_content(self, name, content):
        """An attachment's ``content`` (``str``, ``bytes`` or an email) without
        decision links; the same object when there was none."""
        redacted = redaction.redact_attachment(name, content, ENGAGEMENT_ROUTE)
        if isinstance(redacted, str):
            return self._fusion_redact_live_tokens(redacted)
        if isinstance(redacted, bytes):
            try:
                text = redacted.decode("utf-8")
            except UnicodeDecodeError:
                return redacted
            cleaned = self._fusion_redact_live_tokens(text)
            return redacted if cleaned is text else cleaned.encode("utf-8")
        return redacted
