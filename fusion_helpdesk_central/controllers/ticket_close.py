# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Closing a ticket from the portal: OCA helpdesk_mgmt's route, made safe.

helpdesk_mgmt 19.0 answers ``GET /ticket/close?ticket_id=..&stage_id=..`` for
any logged-in user: it finds the ticket with ``sudo()`` on the raw id and moves
it to the stage, with no ownership and no CSRF check (a link in an email or an
image on a web page closes someone else's ticket, and the stage change reaches
the client). Here only someone who may read the ticket closes it, by a POST
carrying the session's CSRF token; GET (and HEAD) answer 405.
"""

from werkzeug.utils import redirect

from odoo import http
from odoo.http import request

from odoo.addons.helpdesk_mgmt.controllers.main import HelpdeskTicketController


class HelpdeskTicketCloseController(HelpdeskTicketController):
    @http.route("/ticket/close", type="http", auth="user", methods=["POST"], csrf=True)
    def support_ticket_close(self, ticket_id=None, stage_id=None, **kw):
        """Move a ticket the user may read to a stage open to portal closing;
        404 for a ticket out of their reach (whether it exists or not)."""
        ticket = self._fusion_closable_ticket(ticket_id)
        if not ticket:
            raise request.not_found()
        stage = self._fusion_portal_close_stage(stage_id)
        if stage:
            # Portal users may not write tickets: the access was checked above.
            ticket.sudo().stage_id = stage
        return redirect("/my/ticket/%d" % ticket.id)

    @staticmethod
    def _fusion_record_id(value):
        """A positive database id from a form value, else 0."""
        if not isinstance(value, str) or not value.isascii() or not value.isdigit():
            return 0
        number = int(value)
        return number if 0 < number < 2**31 else 0

    def _fusion_closable_ticket(self, ticket_id):
        """The ticket ``ticket_id`` if the current user may read it, else empty;
        override to narrow who may close."""
        Ticket = request.env["helpdesk.ticket"]
        ticket = Ticket.browse(self._fusion_record_id(ticket_id)).exists()
        if not ticket or not ticket.has_access("read"):
            return Ticket
        return ticket

    def _fusion_portal_close_stage(self, stage_id):
        """The stage ``stage_id`` if tickets may be closed into it from the
        portal, else empty."""
        stage = (
            request.env["helpdesk.ticket.stage"]
            .sudo()
            .browse(self._fusion_record_id(stage_id))
            .exists()
        )
        return stage if stage.close_from_portal else stage.browse()

    @http.route(
        "/submitted/ticket",
        type="http",
        auth="user",
        website=True,
        methods=["POST"],
        csrf=True,
    )
    def submit_ticket(self, **kw):
        """helpdesk_mgmt's portal ticket form, POST only: Odoo checks CSRF on
        POST alone, so a GET (a link, an image on a web page) created a
        ticket in the visitor's name; it now answers 405."""
        return super().submit_ticket(**kw)
