# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Ticket side of the client sync API: what is logged as a change, the feed
built from the log, and the replies clients post (see controllers/sync.py)."""

from odoo import api, models
from odoo.tools import plaintext2html

from .. import intake, sync


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    # A write of one of these makes the ticket part of its client's next sync.
    # The approval state is no write of the ticket (a compute of its latest
    # round): the round logs it (``fusion.helpdesk.engagement``
    # ``_fusion_sync_log_state_change``).
    _fusion_sync_fields = frozenset({"stage_id", "client_key_id"})

    @api.model_create_multi
    def create(self, vals_list):
        tickets = super().create(vals_list)
        tickets._fusion_sync_record()
        return tickets

    def write(self, vals):
        result = super().write(vals)
        if self._fusion_sync_fields.intersection(vals):
            self._fusion_sync_record()
        return result

    def _message_create(self, values_list):
        messages = super()._message_create(values_list)
        self._fusion_sync_record_messages(messages)
        return messages

    def _message_update_content(self, message, /, *args, **kwargs):
        result = super()._message_update_content(message, *args, **kwargs)
        self._fusion_sync_record_messages(message)
        return result

    # ------------------------------------------------------------------
    # Change log
    # ------------------------------------------------------------------

    def _fusion_sync_record(self):
        """Log that these tickets changed (stage, approval state, client)."""
        self.env["fusion.helpdesk.sync.change"]._record(
            [(ticket.client_key_id.id, ticket.id, None) for ticket in self.sudo()]
        )

    @api.model
    def _fusion_sync_may_be_public(self, message):
        """Whether ``message`` may be part of a ticket's public thread, judged
        cheaply when it is created. The feed keeps only what
        ``_fusion_thread_messages`` returns, so a message let through here that
        is not public reaches no client; this only keeps notes and system
        notifications out of the log (and out of the sync lock)."""
        return (
            message.message_type in ("comment", "email")
            and not message.is_internal
            and not message.subtype_id.internal
        )

    @api.model
    def _fusion_sync_record_messages(self, messages):
        """Log the messages of tickets sent by a client that may be public."""
        messages = messages.sudo().filtered(
            lambda message: message.model == self._name and self._fusion_sync_may_be_public(message)
        )
        if not messages:
            return
        res_ids = set(messages.mapped("res_id"))
        tickets = self.sudo().browse(res_ids)
        # Messages posted on these very tickets (the usual case) need no
        # existence check: ``self`` was just written to.
        if not res_ids <= set(self.ids):
            tickets = tickets.exists()
        keys = {ticket.id: ticket.client_key_id.id for ticket in tickets}
        self.env["fusion.helpdesk.sync.change"]._record(
            [(keys.get(message.res_id), message.res_id, message.id) for message in messages]
        )

    # ------------------------------------------------------------------
    # Feed
    # ------------------------------------------------------------------

    @api.model
    def _fusion_sync_updates(self, client_key, after, limit):
        """The updates answer for ``client_key`` after change ``after`` (a
        sequence), at most ``limit`` changes: ``{"cursor", "more", "tickets"}``.

        A cursor older than what is kept (changes after it were pruned) gets
        ``{"cursor", "more": False, "tickets": [], "resync": True}``: the client
        fetches each of its tickets in full (thread API), then reads on from
        that cursor, the first change kept. Nothing of another key is in it.
        """
        Change = self.env["fusion.helpdesk.sync.change"]
        pruned_through = Change._pruned_through()
        if after < pruned_through:
            return {
                "cursor": sync.encode_cursor(pruned_through),
                "more": False,
                "tickets": [],
                "resync": True,
            }
        rows, more = Change._read_page(client_key, after, limit)
        new_message_ids = {}
        for __, ticket_id, message_id in rows:
            ids = new_message_ids.setdefault(ticket_id, set())
            if message_id:
                ids.add(message_id)
            else:
                # A change of the ticket itself: always listed, even without messages.
                ids.add(None)
        tickets = self.browse(list(new_message_ids)).with_context(active_test=False).exists()
        entries = [
            entry
            for ticket in tickets
            if (entry := ticket._prepare_sync_ticket_values(new_message_ids[ticket.id]))
        ]
        if more:
            cursor = rows[-1][0]
        else:
            last = rows[-1][0] if rows else 0
            cursor = max(after, last, Change._last_sequence(client_key))
        return {
            "cursor": sync.encode_cursor(cursor),
            "more": more,
            "tickets": entries,
            "resync": False,
        }

    def _prepare_sync_ticket_values(self, message_ids):
        """One ticket of the updates answer, with its public messages among
        ``message_ids`` (``None`` in it: the ticket itself changed); ``None``
        when nothing public changed. Override to add keys."""
        self.ensure_one()
        messages = self._fusion_thread_messages().filtered(
            lambda message: message.id in message_ids
        )
        if not messages and None not in message_ids:
            return None
        values = self._prepare_thread_values()
        values["messages"] = [self._prepare_thread_message_values(message) for message in messages]
        return values

    def _prepare_sync_engagement_values(self):
        """What the client tells its employee about the latest approval round:
        ``{"state", "owner", "comment", "delegated_by", "auto_approved"}`` (None
        without a round). ``owner`` is who is (or was) asked, ``delegated_by``
        who passed the request on to them (a pending round delegated from
        another), ``comment`` the owner's decision comment. Override to add keys."""
        self.ensure_one()
        engagement = self.sudo().engagement_id
        if not engagement:
            return None
        parent = engagement.parent_id
        return {
            "state": self.engagement_state,
            "owner": engagement.owner_name or "",
            "comment": engagement.decision_comment or "",
            "delegated_by": (parent.owner_name or "") if parent.state == "delegated" else "",
            # Decided within the owner's pre-approved budget (19.0.4's policy).
            "auto_approved": bool(engagement["auto_approved"])
            if "auto_approved" in engagement._fields
            else False,
        }

    # ------------------------------------------------------------------
    # Replies from the client
    # ------------------------------------------------------------------

    def _fusion_sync_reply_author(self):
        """Contact authoring a client employee's reply: always the ticket's
        requester (the contact the intake found or created), else the client's
        company contact. Never a contact found or created from the reply's
        ``author_name``/``author_email``: those are typed on the client's side
        (an employee can rename themselves after the owner) and authorship on
        central is what the engineer trusts."""
        self.ensure_one()
        return self.partner_id or self.client_key_id._intake_company_partner()

    def _prepare_sync_reply_message_values(self, payload):
        """``message_post`` values of a reply sent by a client; override to change it."""
        self.ensure_one()
        author = self._fusion_sync_reply_author()
        return {
            # Plain text in: escaped, line breaks kept, links made clickable.
            "body": plaintext2html(payload["body"]),
            "author_id": author.id,
            "message_type": "comment",
            "subtype_xmlid": "mail.mt_comment",
            # The assigned engineer hears about it even without following.
            "partner_ids": self.user_id.partner_id.ids,
        }

    def _fusion_sync_receive_reply(self, client_key, payload):
        """Post the reply ``payload`` that ``client_key`` sent, once per
        idempotency key; return its message (the first one on a retry)."""
        self.ensure_one()
        if not payload.get("idempotency_key"):
            return self._fusion_sync_post_reply(payload)
        # Receipts are bookkeeping of the API itself, readable by administrators only.
        Receipt = self.env["fusion.helpdesk.reply.receipt"].sudo()
        receipt, first = Receipt._claim(client_key, self, payload["idempotency_key"])
        if not first:
            if receipt.ticket_id != self:
                raise intake.IntakeError(
                    "This idempotency key was already used for another ticket.",
                    field="idempotency_key",
                )
            return receipt.message_id
        message = self._fusion_sync_post_reply(payload)
        receipt.message_id = message
        return message

    def _fusion_sync_post_reply(self, payload):
        """Post a client employee's reply as a public comment; return the message."""
        self.ensure_one()
        # The employee follows the ticket in their own Odoo (fed by the sync):
        # never make them a follower here, who would then get central's emails.
        # The API's technical user only reads tickets: the ticket was found through
        # its record rules (this key's tickets), so the post itself runs as sudo,
        # as the intake does for the contacts it creates.
        poster = self.sudo().with_context(
            mail_create_nosubscribe=True,
            mail_post_autofollow=False,
            mail_post_autofollow_author_skip=True,
        )
        values = self._prepare_sync_reply_message_values(payload)
        attachments = self._fusion_store_attachments(payload.get("attachments"))
        if attachments:
            values["attachment_ids"] = attachments.ids
        return poster.message_post(**values)
