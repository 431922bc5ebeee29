# Copyright 2026 Fusion Helpdesk
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from werkzeug.exceptions import NotFound

from odoo import http
from odoo.http import content_disposition, request

from .. import central_client


class FusionHelpdeskController(http.Controller):
    @http.route("/fusion_helpdesk/submit", type="jsonrpc", auth="user", methods=["POST"])
    def submit(self, subject=None, description=None, attachments=None, **kwargs):
        """Keep the employee's ticket locally, send it to central, answer ok/number or ok/error.

        Central failures come back as ``{"ok": false, ...}`` and never as an
        exception: raising would roll back the local record and lose the text.
        """
        return request.env["fusion.helpdesk.ticket"].submit_from_employee(
            subject, description, attachments
        )

    @http.route("/fusion_helpdesk/submit/limits", type="jsonrpc", auth="user", methods=["POST"])
    def submit_limits(self, **kwargs):
        """The file limits the submit dialog shows before a file is chosen."""
        return request.env["fusion.helpdesk.ticket"]._attachment_limits()

    @http.route(
        "/fusion_helpdesk/ticket/<int:ticket_id>/attachment/<int:attachment_id>",
        type="http",
        auth="user",
        methods=["GET"],
        readonly=True,
    )
    def ticket_attachment(self, ticket_id, attachment_id, **kwargs):
        """A file of a ticket's conversation, fetched from central with the
        company's key (the employee never sees it) for whoever may read the
        ticket (its requester, administrators): 404 for anyone else."""
        ticket = request.env["fusion.helpdesk.ticket"].browse(ticket_id).exists()
        if not ticket or not ticket.has_access("read"):
            raise NotFound()
        attachment, content, error = ticket._fetch_central_attachment(attachment_id)
        if attachment is None:
            raise NotFound()
        if error:
            return request.make_response(
                error,
                headers=[
                    ("Content-Type", "text/plain; charset=utf-8"),
                    ("Cache-Control", "no-store"),
                ],
                status=502,
            )
        mimetype = attachment["mimetype"]
        if mimetype not in central_client.ATTACHMENT_MIMETYPES:
            mimetype = "application/octet-stream"
        return request.make_response(
            content,
            headers=[
                ("Content-Type", mimetype),
                ("Content-Disposition", content_disposition(attachment["name"])),
                ("X-Content-Type-Options", "nosniff"),
                ("Content-Security-Policy", "default-src 'none'; sandbox"),
                ("Cache-Control", "private, no-store"),
            ],
        )
