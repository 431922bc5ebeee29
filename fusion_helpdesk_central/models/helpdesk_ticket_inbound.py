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
                cleaned = redaction.redact_text(text, ENGAGEMENT_ROUTE)
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
        """Redact, in place, the decision links of the ``body``, ``subject``
        and ``attachments`` (``(name, content[, info])`` tuples) of a gateway
        message dict or of ``message_post`` arguments; override to redact more."""
        body = values.get("body")
        if body:
            text = str(body)
            redacted = redaction.redact_text(text, ENGAGEMENT_ROUTE)
            if redacted is not text:
                # Only a link was replaced by plain text: the markup stays markup.
                values["body"] = Markup(redacted) if isinstance(body, Markup) else redacted
        if values.get("subject"):
            values["subject"] = redaction.redact_text(values["subject"], ENGAGEMENT_ROUTE)
        if values.get("attachments"):
            values["attachments"] = [
                self._fusion_redact_attachment(attachment) for attachment in values["attachments"]
            ]
        if values.get("attachment_ids"):
            # Files stored before the post (the client API's, an upload in the
            # chatter or the portal): redacted where they are stored.
            self._fusion_redact_attachment_records(values["attachment_ids"])
        return values

    @api.model
    def _fusion_redact_attachment_records(self, attachment_ids):
        """Redact, where they are stored, the decision links of the
        ``ir.attachment`` records ``attachment_ids`` (ids) about to be posted."""
        ids = [attachment_id for attachment_id in attachment_ids if isinstance(attachment_id, int)]
        for attachment in self.env["ir.attachment"].sudo().browse(ids).exists():
            raw = attachment.raw
            if not raw:
                continue
            redacted = redaction.redact_attachment(attachment.name, raw, ENGAGEMENT_ROUTE)
            if redacted is not raw and redacted != raw:
                attachment.raw = redacted if isinstance(redacted, bytes) else redacted.encode()

    @api.model
    def _fusion_redact_attachment(self, attachment):
        """An attachment tuple with its content's decision links redacted."""
        if len(attachment) < 2:
            return attachment
        name, content, *rest = attachment
        redacted = redaction.redact_attachment(name, content, ENGAGEMENT_ROUTE)
        if redacted is content:
            return attachment
        # The gateway's named tuple (fname, content, info) keeps its type.
        if hasattr(attachment, "_replace"):
            return attachment._replace(content=redacted)
        return (name, redacted, *rest)
