# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Client sync API: the updates feed and the replies of client employees (see SPEC)."""

from odoo import http

from .. import intake, sync
from .api import FusionHelpdeskApi, client_api


class FusionHelpdeskSyncApi(FusionHelpdeskApi):
    """Routes added to the intake API; same authentication, same error answers."""

    @http.route(
        "/fusion_helpdesk_central/api/v1/updates",
        type="http",
        auth="public",
        methods=["GET"],
        save_session=False,
        readonly=True,
    )
    @client_api()
    def updates(self, client_key, /, after=None, limit=None, **kwargs):
        """The key's tickets changed since the cursor ``after``: 200 {cursor, more, tickets}."""
        sequence = sync.decode_cursor(after)
        page_size = sync.parse_page_size(limit)
        Ticket = client_key.env["helpdesk.ticket"]
        return self._json_response(Ticket._fusion_sync_updates(client_key, sequence, page_size))

    @http.route(
        "/fusion_helpdesk_central/api/v1/tickets/<int:ticket_id>/messages",
        type="http",
        auth="public",
        methods=["POST"],
        csrf=False,
        save_session=False,
    )
    # The reply rate is counted as soon as the key is known, before a large
    # body is read: refused replies cost the sender too.
    @client_api(
        reads_body=True,
        carries_files=True,
        check_key=lambda client_key: client_key._api_check_reply_rate(),
    )
    def post_ticket_message(self, client_key, body, /, ticket_id, **kwargs):
        """Add a client employee's reply to one of the key's tickets: 201 {id}."""
        payload = sync.validate_reply_payload(self._parse_json(body))
        ticket = client_key._intake_get_ticket(ticket_id)
        if not ticket:
            raise intake.NotFound("No such ticket for this client key.")
        message = ticket._fusion_sync_receive_reply(client_key, payload)
        return self._json_response({"id": message.id}, 201)
