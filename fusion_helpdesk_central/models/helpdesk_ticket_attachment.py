# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Files client employees attach to a ticket or a reply: stored on the
ticket's public message, listed in the thread API, served to that client only."""

from markupsafe import Markup

from odoo import models
from odoo.http import content_disposition

from .. import intake

# The only types a stored client file is served as; anything else (a file
# attached on central by other means) goes out as bytes to save.
SERVED_MIMETYPES = frozenset(intake.ATTACHMENT_TYPES)


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    def _fusion_store_attachments(self, files):
        """Create the ``ir.attachment`` of each validated file of ``files``
        (``intake.validate_attachments``) on this ticket; return them. They
        follow the ticket's access rules (``res_model``/``res_id``)."""
        self.ensure_one()
        if not files:
            return self.env["ir.attachment"]
        # The API's technical user only reads tickets; the ticket was found
        # through its record rules (this key's tickets).
        return (
            self.env["ir.attachment"]
            .sudo()
            .create([self._prepare_fusion_attachment_values(file) for file in files])
        )

    def _prepare_fusion_attachment_values(self, file):
        """``ir.attachment`` values of one validated client file; override to add some."""
        self.ensure_one()
        return {
            "name": file["name"],
            "raw": file["raw"],
            # The type its content was checked to be, never what was declared.
            "mimetype": file["mimetype"],
            "res_model": self._name,
            "res_id": self.id,
        }

    def _fusion_intake_post_attachments(self, client_key, files):
        """Post the files sent with a new ticket as a public comment of its
        requester (the description is no message to carry them); return it."""
        self.ensure_one()
        attachments = self._fusion_store_attachments(files)
        if not attachments:
            return self.env["mail.message"]
        poster = self.sudo().with_context(
            mail_create_nosubscribe=True,
            mail_post_autofollow=False,
            mail_post_autofollow_author_skip=True,
        )
        return poster.message_post(
            body=Markup("<p>%s</p>") % self.env._("Files sent with the ticket."),
            author_id=self._fusion_sync_reply_author().id,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            attachment_ids=attachments.ids,
        )

    def _fusion_message_attachments(self, messages):
        """The files (sudo) of ``messages`` that are this ticket's: a file of
        another record linked on one of its messages follows that record's
        access, so the client is never shown nor served it."""
        self.ensure_one()
        return messages.sudo().attachment_ids.filtered(
            lambda attachment: attachment.res_model == self._name and attachment.res_id == self.id
        )

    def _fusion_thread_attachment(self, attachment_id):
        """The attachment ``attachment_id`` (sudo) when it belongs to a message of
        this ticket's public thread (``_fusion_thread_messages``), else None:
        never a note's file, nor one of another ticket."""
        self.ensure_one()
        attachments = self._fusion_message_attachments(self._fusion_thread_messages())
        return attachments.filtered(lambda attachment: attachment.id == attachment_id)[:1] or None

    def _fusion_attachment_headers(self, attachment):
        """Headers of a client file served by the API: a download, never a page."""
        mimetype = attachment.mimetype
        if mimetype not in SERVED_MIMETYPES:
            mimetype = "application/octet-stream"
        return [
            ("Content-Type", mimetype),
            ("Content-Disposition", content_disposition(attachment.name or "file")),
            ("X-Content-Type-Options", "nosniff"),
            ("Content-Security-Policy", "default-src 'none'; sandbox"),
            ("Cache-Control", "no-store"),
        ]

    def _prepare_thread_message_values(self, message):
        """Add the message's files: ``attachments`` ``[{"id", "name", "size",
        "mimetype"}]``, downloaded through the attachment route."""
        values = super()._prepare_thread_message_values(message)
        values["attachments"] = [
            {
                "id": attachment.id,
                "name": attachment.name,
                "size": attachment.file_size,
                "mimetype": attachment.mimetype
                if attachment.mimetype in SERVED_MIMETYPES
                else "application/octet-stream",
            }
            for attachment in self._fusion_message_attachments(message).sorted("id")
        ]
        return values
