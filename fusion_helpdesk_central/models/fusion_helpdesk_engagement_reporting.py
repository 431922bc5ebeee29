# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Reporting over the approval rounds: who is waiting and for how long, and
only meaningful fields offered as measures and group-bys."""

from datetime import timezone

from babel.dates import format_skeleton, format_time

from odoo import api, fields, models
from odoo.tools import SQL
from odoo.tools.misc import babel_locale_parse, get_lang

# Stored for the flow, meaningless in a report: never offered as a measure
# or a group-by (they stay readable where the views show them).
ROUND_TECHNICAL_FIELDS = (
    "decision_ip",
    "decision_user_agent",
    "decision_message_id",
    "token_hash",
    "closed_token_hash",
    "previous_token_hash",
    "message_main_attachment_id",
)


def hide_from_reports(description, fnames):
    """``fields_get`` result ``description`` with ``fnames`` neither groupable
    nor aggregatable (the web client then leaves them out of its menus)."""
    for fname in fnames:
        field = description.get(fname)
        if field is None:
            continue
        if "groupable" in field:
            field["groupable"] = False
        field.pop("aggregator", None)
    return description


class FusionHelpdeskEngagement(models.Model):
    _inherit = "fusion.helpdesk.engagement"

    waiting_hours = fields.Float(
        string="Waiting (h:mm)",
        compute="_compute_waiting_hours",
        aggregator="avg",
        help="How long a pending request has waited for the owner since it was "
        "sent; empty once decided.",
    )

    @api.depends("state", "sent_at")
    def _compute_waiting_hours(self):
        now = fields.Datetime.now()
        for engagement in self:
            if engagement.state == "pending" and engagement.sent_at:
                delta = now - engagement.sent_at
                engagement.waiting_hours = delta.total_seconds() / 3600.0
            else:
                engagement.waiting_hours = 0.0

    @api.depends("ticket_id.number", "sent_at")
    @api.depends_context("lang", "tz")
    def _compute_display_name(self):
        # A breadcrumb reads "HT00012 · request of Dec 4, 2026, 5:35 PM": the
        # month spelled out (never an ambiguous 04/12), in the reader's
        # language and time zone.
        locale = babel_locale_parse(get_lang(self.env).code)
        tz = self.env.tz  # a tzinfo, the user's (UTC by default)
        for engagement in self:
            ticket = engagement.ticket_id.number or engagement.ticket_id.name or ""
            if not engagement.sent_at:
                engagement.display_name = ticket
                continue
            engagement.display_name = self.env._(
                "%(ticket)s · request of %(date)s",
                ticket=ticket,
                date=self._display_datetime(
                    engagement.sent_at.replace(tzinfo=timezone.utc).astimezone(tz), locale
                ),
            )

    @api.model
    def _display_datetime(self, value, locale):
        """``value`` as "Mar 2, 2026, 9:00 AM" in ``locale``'s words and order."""
        return "%s, %s" % (
            format_skeleton("yMMMd", value, locale=locale),
            format_time(value, format="short", locale=locale),
        )

    @api.model
    def _read_group_select(self, aggregate_spec, query):
        # Not stored (it grows by the minute): computed in SQL from sent_at,
        # over the pending rounds only.
        fname, __, func = aggregate_spec.partition(":")
        if fname != "waiting_hours":
            return super()._read_group_select(aggregate_spec, query)
        if func not in ("avg", "min", "max", "sum"):
            raise ValueError("Invalid aggregate %r for waiting_hours" % aggregate_spec)
        return SQL(
            "%s(CASE WHEN %s = 'pending' THEN EXTRACT(EPOCH FROM (%s - %s)) / 3600.0 END)",
            SQL(func.upper()),
            self._field_to_sql(self._table, "state", query),
            self.env.cr.now().replace(tzinfo=None),
            self._field_to_sql(self._table, "sent_at", query),
        )

    @api.model
    def fields_get(self, allfields=None, attributes=None):
        """Technical fields are no measure and no group-by of the reports."""
        return hide_from_reports(super().fields_get(allfields, attributes), ROUND_TECHNICAL_FIELDS)
