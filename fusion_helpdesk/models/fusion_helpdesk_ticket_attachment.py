# Copyright 2026 Fusion Helpdesk
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Files employees attach to their tickets: checked against central's limits
before anything is created, kept with the ticket, sent with it, and the files
of the support conversation downloaded through this Odoo."""

import base64
import binascii
import logging

from odoo import api, fields, models

from .. import central_client

_logger = logging.getLogger(__name__)

ATTACHMENT_ROUTE = "/fusion_helpdesk/ticket/%d/attachment/%d"


def megabytes(size):
    """``size`` bytes as people read it ("10 MB")."""
    return "%g MB" % round(size / (1024 * 1024), 1)


class FusionHelpdeskTicket(models.Model):
    _inherit = "fusion.helpdesk.ticket"

    attachment_ids = fields.Many2many(
        comodel_name="ir.attachment",
        string="Files",
        compute="_compute_attachment_ids",
        help="The files sent (or to be sent) with the ticket.",
    )

    def _compute_attachment_ids(self):
        for ticket in self:
            ticket.attachment_ids = ticket._central_attachments() if ticket.id else False

    # ------------------------------------------------------------------ limits
    @api.model
    def _attachment_limits(self):
        """What the dialogs show before a file is chosen (and check as it is):
        ``{"max_count", "max_bytes", "max_total_bytes", "accept", "note"}``."""
        return {
            "max_count": central_client.ATTACHMENT_MAX_COUNT,
            "max_bytes": central_client.ATTACHMENT_MAX_BYTES,
            "max_total_bytes": central_client.ATTACHMENT_MAX_TOTAL_BYTES,
            "accept": ",".join(central_client.ATTACHMENT_EXTENSIONS),
            "note": self._attachment_limits_note(),
        }

    @api.model
    def _attachment_limits_note(self):
        """The limits in one sentence for the employee."""
        return self.env._(
            "Up to %(count)s files, %(size)s each and %(total)s in all: images (PNG, JPEG, "
            "GIF, WebP), PDF and text logs (.txt, .log, .csv).",
            count=central_client.ATTACHMENT_MAX_COUNT,
            size=megabytes(central_client.ATTACHMENT_MAX_BYTES),
            total=megabytes(central_client.ATTACHMENT_MAX_TOTAL_BYTES),
        )

    @api.model
    def _attachment_problem_message(self, files):
        """Why ``files`` (``[(name, size)]``) cannot be sent, said to the
        employee; None when they can."""
        problem = central_client.attachment_problem(files)
        if not problem:
            return None
        reason, detail = problem
        if reason == "count":
            return self.env._(
                "Please attach at most %(max)s files (%(count)s were chosen).",
                max=central_client.ATTACHMENT_MAX_COUNT,
                count=detail,
            )
        if reason == "size":
            return self.env._(
                "%(name)s is larger than %(max)s: each file may be at most %(max)s.",
                name=detail,
                max=megabytes(central_client.ATTACHMENT_MAX_BYTES),
            )
        if reason == "total":
            return self.env._(
                "The files are larger than %s in all: please attach fewer or smaller files.",
                megabytes(central_client.ATTACHMENT_MAX_TOTAL_BYTES),
            )
        return self.env._(
            "%s cannot be attached: only images (PNG, JPEG, GIF, WebP), PDF and text "
            "files (.txt, .log, .csv) are accepted.",
            detail,
        )

    # ------------------------------------------------------------------ submit
    @api.model
    def _decode_submitted_files(self, attachments):
        """``(files, error)`` of the files sent by the submit dialog: files as
        ``[{"name", "mimetype", "raw"}]``, error the employee's message (None
        when they may be sent)."""
        if not attachments:
            return [], None
        unreadable = self.env._("The chosen files could not be read: please choose them again.")
        if not isinstance(attachments, list) or len(attachments) > 100:
            return [], unreadable
        files = []
        for item in attachments:
            if (
                not isinstance(item, dict)
                or not isinstance(item.get("name"), str)
                or not isinstance(item.get("data"), str)
            ):
                return [], unreadable
            name = item["name"].replace("\\", "/").rpartition("/")[2].strip()
            # Not decoded when it is already larger than a file may be.
            if len(item["data"]) > 4 * (central_client.ATTACHMENT_MAX_BYTES // 3 + 1):
                return [], self._attachment_problem_message([(name, len(item["data"]))])
            try:
                raw = base64.b64decode(item["data"], validate=True)
            except (binascii.Error, ValueError):
                return [], unreadable
            mimetype = item.get("mimetype") if isinstance(item.get("mimetype"), str) else ""
            files.append({"name": name, "mimetype": mimetype, "raw": raw})
        error = self._attachment_problem_message([(f["name"], len(f["raw"])) for f in files])
        return ([], error) if error else (files, None)

    def _attach_files(self, files):
        """Keep ``files`` with this ticket (sent with it, again on Send Again)."""
        self.ensure_one()
        if not files:
            return self.env["ir.attachment"]
        return self.env["ir.attachment"].create(
            [
                {
                    "name": file["name"],
                    "raw": file["raw"],
                    "res_model": self._name,
                    "res_id": self.id,
                }
                for file in files
            ]
        )

    # ------------------------------------------------------------------ sending
    def _central_attachments(self):
        """The files kept with this ticket, sent with it to central."""
        self.ensure_one()
        return (
            self.env["ir.attachment"]
            .sudo()
            .search(
                [
                    ("res_model", "=", self._name),
                    ("res_id", "=", self.id),
                    ("res_field", "=", False),
                ],
                order="id",
            )
        )

    def _prepare_central_payload(self):
        payload = super()._prepare_central_payload()
        attachments = self._central_attachments()
        if attachments:
            payload["attachments"] = central_client.build_attachments_payload(
                [{"name": a.name, "mimetype": a.mimetype, "raw": a.raw} for a in attachments]
            )
        return payload

    def _send_to_central(self):
        """Refuse, before the upload, files central would refuse (kept: the
        employee can remove or replace them and send again)."""
        self.ensure_one()
        attachments = self._central_attachments()
        error = self._attachment_problem_message([(a.name, a.file_size) for a in attachments])
        if error:
            self.sudo().write({"state": "not_sent", "last_error": error})
            return error
        return super()._send_to_central()

    @api.model
    def _central_refusal_message(self, error):
        if error.field == "attachments":
            # Central's own words name the file and the rule (413, 415 or 400).
            return self.env._("The support server refused the files: %s", error.message)
        return super()._central_refusal_message(error)

    # ------------------------------------------------------------------ thread
    def _prepare_thread_message(self, message):
        """Add the message's files, each with its download link through this Odoo."""
        values = super()._prepare_thread_message(message)
        values["attachments"] = [
            {
                "name": attachment["name"],
                "size": self._format_file_size(attachment["size"]),
                "url": ATTACHMENT_ROUTE % (self.id, attachment["id"]),
            }
            for attachment in message.get("attachments") or []
        ]
        return values

    @api.model
    def _format_file_size(self, size):
        if size < 1024:
            return self.env._("%s bytes", size)
        if size < 1024 * 1024:
            return "%d KB" % round(size / 1024)
        return megabytes(size)

    def _central_thread_attachment(self, attachment_id):
        """The file ``attachment_id`` as listed in this ticket's conversation
        (``{"id", "name", "size", "mimetype"}``), or None: only those are asked of central."""
        self.ensure_one()
        for message in self.sudo().thread_messages or []:
            for attachment in message.get("attachments") or []:
                if attachment.get("id") == attachment_id:
                    return attachment
        return None

    def _fetch_central_attachment(self, attachment_id):
        """``(file, content, error)`` of a file of this ticket's conversation:
        ``file`` None when it is not one (nothing asked of central), else
        the bytes or the employee's message why central did not give them."""
        self.ensure_one()
        attachment = self._central_thread_attachment(attachment_id)
        if not attachment or not self.central_id:
            return None, None, None
        try:
            content = central_client.fetch_attachment(
                *self._central_connection(), self.central_id, attachment_id
            )
        except central_client.CentralError as error:
            _logger.info(
                "Could not download file %s of ticket %s: %s", attachment_id, self.id, error
            )
            return attachment, None, self._central_error_message(error)
        return attachment, content, None
