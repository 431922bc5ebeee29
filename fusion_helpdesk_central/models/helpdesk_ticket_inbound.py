# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What reaches a ticket's thread never carries a live decision link.

An owner answering an approval email quotes its approve, reject and ``/all``
links; whatever path the answer takes (the mail gateway creating or updating
a ticket, a post in the chatter), the links are redacted before the body, the
subject, the ticket description or an attachment is stored.
"""

from markupsafe import Markup

from odoo import api, models

from .. import redaction
from .helpdesk_ticket import ENGAGEMENT_ROUTE


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

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
        return values

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
