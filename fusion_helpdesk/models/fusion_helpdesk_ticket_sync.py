# Copyright 2026 Fusion Helpdesk
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Employees hear back without asking: the sync cron applies central's updates
feed to the local tickets and notifies each ticket's employee in Odoo."""

import logging
from datetime import datetime

from markupsafe import Markup

from odoo import api, fields, models

from .. import central_client

_logger = logging.getLogger(__name__)

SYNC_CURSOR_PARAM = "fusion_helpdesk.sync_cursor"
CENTRAL_DATE_FORMAT = "%Y-%m-%d %H:%M:%S"


class FusionHelpdeskTicket(models.Model):
    _name = "fusion.helpdesk.ticket"
    # mail.thread: the employee is told of answers and decisions the Odoo way,
    # in their inbox or by email as their preferences say.
    _inherit = ["fusion.helpdesk.ticket", "mail.thread"]

    # Changes asked per request; the cron asks again while central says "more".
    _sync_page_size = 200

    thread_messages = fields.Json(
        readonly=True,
        copy=False,
        help="Central's public messages as last received, to merge the new ones into.",
    )
    reply_ids = fields.One2many(
        comodel_name="fusion.helpdesk.ticket.reply", inverse_name="ticket_id", string="Replies"
    )
    pending_reply_ids = fields.One2many(
        comodel_name="fusion.helpdesk.ticket.reply",
        inverse_name="ticket_id",
        string="Replies Not Sent Yet",
        domain=[("state", "!=", "sent")],
    )

    # ------------------------------------------------------------------ actions
    @api.model
    def _central_field_names(self):
        return super()._central_field_names() | {"thread_messages"}

    def action_open_reply(self):
        """Open the reply dialog of this sent ticket."""
        self.ensure_one()
        self.check_access("read")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Reply to the Support Team"),
            "res_model": "fusion.helpdesk.ticket.reply",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {"default_ticket_id": self.id},
        }

    # ------------------------------------------------------------------ thread
    def _prepare_thread_vals(self, thread):
        # Keep the messages themselves, so the sync can merge new ones into them.
        vals = super()._prepare_thread_vals(thread)
        vals["thread_messages"] = [message for message in thread["messages"] if message["id"]]
        return vals

    # ------------------------------------------------------------------ cron
    @api.model
    def _cron_fusion_helpdesk_sync(self):
        """Send the queued replies, then apply central's updates (cron)."""
        central_url, client_key = self._central_connection()
        if not central_url or not client_key:
            return
        if self.env["fusion.helpdesk.ticket.reply"]._send_queued():
            self._fusion_sync_fetch()
        # The employees hear of it within this run, not at the mail queue's next one.
        self._fusion_sync_send_notice_mails()

    @api.model
    def _fusion_sync_fetch(self):
        """Apply central's updates page by page; return whether central answered.

        The cursor is stored with the page it comes with, in the same
        committed transaction: when central is down, or the run stops, the
        next run asks again from the last stored page and nothing is lost.
        """
        cron = self.env["ir.cron"]
        icp = self.env["ir.config_parameter"].sudo()
        connection = self._central_connection()
        while True:
            cursor = icp.get_param(SYNC_CURSOR_PARAM) or None
            try:
                page = central_client.fetch_updates(
                    *connection, after=cursor, limit=self._sync_page_size
                )
            except central_client.CentralError as error:
                _logger.warning("Fusion Helpdesk sync: no updates from central: %s", error)
                return False
            if page.get("resync") and not self._fusion_sync_resync():
                return False  # the cursor is kept: the next run resyncs again
            self._fusion_sync_apply(page["tickets"], initial=not cursor)
            icp.set_param(SYNC_CURSOR_PARAM, page["cursor"])
            time_left = cron._commit_progress(len(page["tickets"]))
            if not page["more"] or not time_left:
                return True

    @api.model
    def _fusion_sync_resync(self):
        """Fetch every sent ticket in full (central pruned changes we had not
        read yet) and merge it like a feed entry: what is new is notified, what
        was known is not. Return whether every ticket was fetched; central
        unreachable or the run out of time: False, and the next run starts over
        (merging twice changes nothing)."""
        connection = self._central_connection()
        tickets = self.sudo().search([("state", "=", "sent"), ("central_id", "!=", False)])
        _logger.info(
            "Fusion Helpdesk sync: central asked for a full resync of %d tickets.", len(tickets)
        )
        for ticket in tickets:
            try:
                thread = central_client.fetch_messages(*connection, ticket.central_id)
            except central_client.CentralRefused as error:
                # The API's own answer (e.g. 404: no longer this key's ticket): final.
                _logger.info("Fusion Helpdesk resync: ticket %s refused: %s", ticket.id, error)
                continue
            except central_client.CentralError as error:
                _logger.warning("Fusion Helpdesk resync stopped: %s", error)
                return False
            ticket._fusion_sync_apply_entry({**thread["ticket"], "messages": thread["messages"]})
            if not self.env["ir.cron"]._commit_progress(1):
                return False
        return True

    @api.model
    def _fusion_sync_apply(self, entries, initial=False):
        """Store central's ``entries`` (updates feed tickets) on the local tickets
        and notify their employees; tickets unknown here are ignored."""
        by_central_id = {entry["id"]: entry for entry in entries}
        tickets = self.sudo().search(
            [("central_id", "in", list(by_central_id)), ("state", "=", "sent")]
        )
        for ticket in tickets:
            ticket._fusion_sync_apply_entry(by_central_id[ticket.central_id], initial=initial)
        return tickets

    def _fusion_sync_apply_entry(self, entry, initial=False):
        """Merge one feed ``entry`` into this ticket; notify its employee of
        what is new to them."""
        self.ensure_one()
        known = {message["id"]: message for message in self.thread_messages or []}
        merged = dict(known)
        new = []
        for message in entry["messages"]:
            if not message["id"]:
                continue
            if message["id"] not in known:
                new.append(message)
            # An edited message comes again with the same id: the new text wins.
            merged[message["id"]] = message
        messages = sorted(merged.values(), key=lambda message: (message["date"], message["id"]))
        # Rendered as the employee would see it (their time zone and language).
        employee_view = self.with_user(self.user_id).with_context(lang=self.user_id.lang).sudo()
        engagement = entry.get("engagement") or {}
        vals = {
            "thread_messages": messages,
            "thread_html": employee_view._render_thread(messages),
            "thread_refreshed_at": fields.Datetime.now(),
            "thread_error": False,
            "engagement_state": entry["engagement_state"],
        }
        if entry.get("engagement") is not None:
            vals["engagement_owner"] = engagement.get("owner") or False
        if entry["stage"]:
            vals["central_stage"] = entry["stage"]
        seen_before = self.thread_refreshed_at if initial else None
        state_notice = self._fusion_sync_state_notice(entry, new)
        self.sudo().write(vals)
        # Posted by the sync (not as the employee: Odoo never notifies a
        # message's own author), in the employee's language.
        employee_lang = self.with_context(lang=self.user_id.lang)
        employee_lang._fusion_sync_notify(
            [message for message in new if self._fusion_sync_is_news(message, seen_before)]
        )
        if state_notice:
            employee_lang._fusion_sync_post_notice(
                employee_lang._prepare_sync_engagement_notice_body(*state_notice)
            )

    def _fusion_sync_state_notice(self, entry, new_messages):
        """``(state, owner, engagement, comment)`` of the approval change the
        employee must hear of that no new message carries (a request sent, passed
        on, expired; any state when central's decision message is not among the
        new ones), else None. Read before the entry is stored."""
        self.ensure_one()
        engagement = entry.get("engagement") or {}
        state = entry["engagement_state"]
        owner = engagement.get("owner") or ""
        changed = state != self.engagement_state or (
            engagement.get("delegated_by") and owner and owner != (self.engagement_owner or "")
        )
        if not changed or state == "none":
            return None
        if any(message.get("decision") for message in new_messages):
            return None  # the decision's own message says it (with the comment)
        return state, owner, engagement, engagement.get("comment") or ""

    def _fusion_sync_is_news(self, message, seen_before=None):
        """Whether a new central ``message`` is news to the ticket's employee:
        not their own reply coming back, nor (first sync after an upgrade,
        ``seen_before`` set) a message they were shown before."""
        if message["id"] in self.reply_ids.mapped("central_message_id"):
            return False
        if seen_before:
            try:
                date = datetime.strptime(message["date"], CENTRAL_DATE_FORMAT)
            except ValueError:
                return True
            return date > seen_before
        return True

    def _fusion_sync_notify(self, messages):
        """Tell the ticket's employee, and only them, about these central messages."""
        self.ensure_one()
        for message in messages:
            self._fusion_sync_post_notice(self._prepare_sync_notification_body(message))

    def _prepare_sync_notification_body(self, message):
        """HTML of the notification about one central ``message``; override to change it."""
        self.ensure_one()
        values = self._prepare_thread_message(message)
        ticket = self.central_number or self.name
        decision = message["decision"]
        if decision:
            return self._prepare_sync_engagement_notice_body(
                decision["state"], values["author"], comment=decision["comment"]
            )
        sentence = self.env._(
            "%(author)s answered your ticket %(ticket)s:", author=values["author"], ticket=ticket
        )
        # values["body"] was sanitized again by _prepare_thread_message.
        return Markup("<p>%s</p>%s") % (sentence, Markup(values["body"]))
