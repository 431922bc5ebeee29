# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Intake and thread API called by client instances (see SPEC)."""

import functools

from odoo import http
from odoo.http import request

from .. import intake

READ_CHUNK_BYTES = 64 * 1024


def client_api(reads_body=False, carries_files=False, check_key=None):
    """The skeleton of every route of the client API, defined once; the route
    is then called as ``route(self, client_key[, body], /, **params)``.

    A text-only body is read first (a body too large answers 413 before the
    key is even looked at), then the key is authenticated. A route that
    ``carries_files`` takes a body up to the room for files, but only from a
    client's key: when a request bearing a key announces more than text (or
    no size at all), the key is authenticated first (a bad key answers 401
    and counts towards the cooldown, then 429; it never learns anything
    from a quicker 413) and ``check_key(client_key)`` refuses what it must
    (the reply rate) before megabytes are read. ``check_key`` runs once,
    right after the key is known. An ``intake.IntakeError`` raised anywhere
    answers its own status and JSON body; anything else propagates (a
    concurrency error must reach Odoo's ``retrying()``). The route returns
    its response."""

    def authenticated(self):
        client_key = self._authenticate()
        if check_key:
            check_key(client_key)
        return client_key

    def decorator(route):
        @functools.wraps(route)
        def skeleton(self, *args, **params):
            try:
                client_key, body = None, ()
                if reads_body and carries_files and self._may_carry_files():
                    client_key = authenticated(self)
                    body = (self._read_body(intake.MAX_BODY_BYTES_WITH_ATTACHMENTS),)
                elif reads_body:
                    body = (self._read_body(intake.MAX_BODY_BYTES),)
                if client_key is None:
                    client_key = authenticated(self)
                return route(self, client_key, *body, *args, **params)
            except intake.IntakeError as error:
                return self._error_response(error)

        return skeleton

    return decorator


class FusionHelpdeskApi(http.Controller):
    """Thin JSON routes: read the request, authenticate, call one model method."""

    @http.route(
        "/fusion_helpdesk_central/api/v1/tickets",
        type="http",
        auth="public",
        methods=["POST"],
        csrf=False,
        save_session=False,
    )
    @client_api(reads_body=True, carries_files=True)
    def create_ticket(self, client_key, body, /, **kwargs):
        """Create a ticket for the client key of the request: 201 {id, number}."""
        payload = intake.validate_ticket_payload(self._parse_json(body))
        # Refuses (409) a known client_ref carrying another ticket, before any
        # write; the loser of a race is replayed by retrying() (see the model).
        ticket = client_key._intake_create_ticket(payload)
        return self._json_response({"id": ticket.id, "number": ticket.number}, 201)

    @http.route(
        "/fusion_helpdesk_central/api/v1/tickets/<int:ticket_id>/messages",
        type="http",
        auth="public",
        methods=["GET"],
        save_session=False,
        readonly=True,
    )
    @client_api()
    def ticket_messages(self, client_key, /, ticket_id, **kwargs):
        """Public thread of one of the key's tickets: 200 {ticket, messages}."""
        ticket = client_key._intake_get_ticket(ticket_id)
        if not ticket:
            raise intake.NotFound("No such ticket for this client key.")
        return self._json_response(
            {
                "ticket": ticket._prepare_thread_values(),
                "messages": [
                    ticket._prepare_thread_message_values(message)
                    for message in ticket._fusion_thread_messages()
                ],
            }
        )

    @http.route(
        "/fusion_helpdesk_central/api/v1/tickets/<int:ticket_id>/attachments/<int:attachment_id>",
        type="http",
        auth="public",
        methods=["GET"],
        save_session=False,
        readonly=True,
    )
    @client_api()
    def ticket_attachment(self, client_key, /, ticket_id, attachment_id, **kwargs):
        """A file of one of the key's tickets' public messages, as a download:
        404 for anything else (another client's ticket, an internal note's file)."""
        ticket = client_key._intake_get_ticket(ticket_id)
        attachment = ticket._fusion_thread_attachment(attachment_id) if ticket else None
        if not attachment:
            raise intake.NotFound("No such file on this client key's tickets.")
        return request.make_response(
            attachment.raw or b"",
            headers=ticket._fusion_attachment_headers(attachment),
        )

    @http.route(
        "/fusion_helpdesk_central/api/v1/ping",
        type="http",
        auth="public",
        methods=["GET"],
        save_session=False,
        readonly=True,
    )
    @client_api()
    def ping(self, client_key, /, **kwargs):
        """Check the link and the key from the client's settings: 200 {ok, client}."""
        return self._json_response({"ok": True, "client": client_key.name})

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    def _read_body(self, limit=intake.MAX_BODY_BYTES):
        """The raw request body, refused (413) before reading when announced
        larger than ``limit``, and as soon as it grows too large when it is not
        (chunked): never more than one byte over the limit is read. Kept on the
        request: Odoo's ``retrying()`` replays the route after a concurrency
        error, when the stream is already spent."""
        body = getattr(request, "_fusion_helpdesk_body", None)
        if body is None:
            body = request._fusion_helpdesk_body = self._read_body_stream(limit)
        return body

    def _read_body_stream(self, limit=intake.MAX_BODY_BYTES):
        """Read the request body from its stream, bounded (see ``_read_body``)."""
        httprequest = request.httprequest
        intake.check_body_size(httprequest.content_length, limit)
        # Odoo's request wrapper does not expose werkzeug's input stream (only
        # get_data(), which reads it all, up to 128 MiB): read it here, bounded.
        stream = getattr(httprequest, "_HTTPRequest__wrapped", httprequest).stream
        chunks, size = [], 0
        while size <= limit:
            chunk = stream.read(min(READ_CHUNK_BYTES, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        intake.check_body_size(size, limit)
        return b"".join(chunks)

    def _may_carry_files(self):
        """Whether this request may bring more than text: it bears a client
        key (valid or not: ``_authenticate`` says) and announces a body
        larger than the text-only limit, or no size (chunked)."""
        httprequest = request.httprequest
        if not intake.parse_bearer(httprequest.headers.get("Authorization")):
            return False
        length = httprequest.content_length
        return length is None or length > intake.MAX_BODY_BYTES

    def _parse_json(self, raw):
        """The JSON object of a body read by a route that ``carries_files``."""
        # Already bounded by what was read for this key.
        return intake.parse_json(raw, limit=intake.MAX_BODY_BYTES_WITH_ATTACHMENTS)

    def _authenticate(self):
        """The client key of the request, in an environment of the API's
        technical user; everything after this only reaches that key's data."""
        ClientKey = request.env["fusion.helpdesk.client.key"]
        return ClientKey.with_env(ClientKey._api_env())._api_authenticate(
            request.httprequest.headers.get("Authorization"),
            request.httprequest.remote_addr,
        )

    def _json_response(self, data, status=200, headers=None):
        return request.make_json_response(
            data,
            headers=[("Cache-Control", "no-store")] + (headers or []),
            status=status,
        )

    def _error_response(self, error):
        headers = []
        if isinstance(error, intake.TooManyAttempts):
            headers.append(("Retry-After", str(error.retry_after)))
        return self._json_response(error.as_dict(), error.status, headers)
