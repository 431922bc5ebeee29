# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A ticket's files never carry a live decision link, however they came: the
client API, the mail gateway, an upload in the chatter or the portal (kept
even when never posted), a file moved onto the ticket by a post."""

from odoo import api, models

# What changes what a stored file holds, and what makes it one of a ticket's.
CONTENT_FNAMES = frozenset({"raw", "datas", "name"})
LINK_FNAMES = frozenset({"res_model", "res_id"})


class IrAttachment(models.Model):
    _inherit = "ir.attachment"

    @api.model_create_multi
    def create(self, vals_list):
        attachments = super().create(vals_list)
        attachments._fusion_redact_ticket_files()
        return attachments

    def write(self, vals):
        # A post re-links its files to the record they already belong to:
        # only a new content or name, or a file moving onto another record,
        # is read again.
        if CONTENT_FNAMES.intersection(vals):
            changed = self
        elif LINK_FNAMES.intersection(vals):
            changed = self.filtered(
                lambda attachment: (
                    (
                        vals.get("res_model", attachment.res_model),
                        vals.get("res_id", attachment.res_id),
                    )
                    != (attachment.res_model, attachment.res_id)
                )
            )
        else:
            changed = self.browse()
        result = super().write(vals)
        changed._fusion_redact_ticket_files()
        return result

    def _fusion_redact_ticket_files(self):
        """Redact, where they are stored, the decision links of the names and
        contents of these attachments that are a ticket's."""
        Ticket = self.env["helpdesk.ticket"]
        for attachment in self.sudo():
            if attachment.res_model != Ticket._name or attachment.type != "binary":
                continue
            values = {}
            name = Ticket._fusion_redact_text(attachment.name or "")
            if name != (attachment.name or ""):
                values["name"] = name
            raw = attachment.raw
            if raw:
                content = Ticket._fusion_redact_content(attachment.name, raw)
                if content is not raw and content != raw:
                    values["raw"] = content if isinstance(content, bytes) else content.encode()
            if values:
                # Written again once: the second pass finds nothing left.
                attachment.write(values)
