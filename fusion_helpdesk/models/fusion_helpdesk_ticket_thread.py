# Copyright 2026 Fusion Helpdesk
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
from datetime import datetime

from markupsafe import Markup

from odoo import fields, models
from odoo.tools import format_datetime, html_sanitize, plaintext2html

from .. import central_client

_logger = logging.getLogger(__name__)


class FusionHelpdeskTicket(models.Model):
    """Central's public thread of a sent ticket: fetched, cleaned, stored for the form."""

    _inherit = "fusion.helpdesk.ticket"

    def _refresh_thread(self):
        """Fetch and store this ticket's public thread; return whether it worked."""
        self.ensure_one()
        try:
            thread = central_client.fetch_messages(*self._central_connection(), self.central_id)
        except central_client.CentralError as error:
            # Opening a form while central is down is routine: no warning here.
            _logger.info("Could not refresh the thread of ticket %s: %s", self.id, error)
            message = self._central_error_message(error)
            self.sudo().write({"thread_error": message})
            return False
        self.sudo().write(self._prepare_thread_vals(thread))
        return True

    def _prepare_thread_vals(self, thread):
        """Return the values stored from central's thread answer; override to keep more."""
        ticket = thread["ticket"]
        vals = {
            "thread_html": self._render_thread(thread["messages"]),
            "thread_refreshed_at": fields.Datetime.now(),
            "thread_error": False,
            "engagement_state": ticket["engagement_state"],
        }
        if ticket["stage"]:
            vals["central_stage"] = ticket["stage"]
        return vals

    def _render_thread(self, messages):
        """Render central's public messages as sanitized HTML, newest first
        (as Odoo's chatter reads)."""
        newest_first = sorted(
            messages,
            key=lambda message: (message["date"] or "", message["id"] or 0),
            reverse=True,
        )
        return self.env["ir.qweb"]._render(
            self._thread_template,
            {"messages": [self._prepare_thread_message(message) for message in newest_first]},
        )

    def _prepare_thread_message(self, message):
        """Return the template values of one message; its body is sanitized again here."""
        decision = message["decision"]
        return {
            "author": message["author"] or self.env._("Support team"),
            "date": self._format_central_date(message["date"]),
            "iso_date": self._iso_central_date(message["date"]),
            "body": self._clean_central_html(message["body"]),
            "decision": decision
            and {
                "state": decision["state"],
                # Owners write line breaks in the confirm page's textarea.
                "comment": plaintext2html(decision["comment"]) if decision["comment"] else "",
            },
        }

    def _clean_central_html(self, body):
        """Return central's HTML safe to show to employees; override to clean more.

        Untrusted HTML from another server: no scripts, classes (no fake
        badges) or styles, and nothing the browser would load by itself
        (remote images are tracking pixels: they tell the sender who read
        the thread, when, and from which address).
        """
        sanitized = html_sanitize(
            body, sanitize_attributes=True, strip_style=True, strip_classes=True
        )
        # Built by lxml from sanitized HTML, and sanitized again when stored.
        return Markup(central_client.strip_remote_resources(sanitized))

    @staticmethod
    def _parse_central_date(value):
        try:
            return datetime.strptime(value, "%Y-%m-%d %H:%M:%S")
        except (TypeError, ValueError):
            return None

    def _format_central_date(self, value):
        # Only what a browser without the form's widget shows: the stored copy
        # is shared by everyone, so the widget formats the ISO date for the
        # person reading it (their language and time zone).
        moment = self._parse_central_date(value)
        if not moment:
            return value or ""
        return format_datetime(self.env, moment, tz=self.env.user.tz, dt_format="medium")

    def _iso_central_date(self, value):
        moment = self._parse_central_date(value)
        return moment and moment.isoformat() + "Z"
