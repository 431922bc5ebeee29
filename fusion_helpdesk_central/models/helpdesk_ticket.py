# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import html_sanitize

from ..decisions import ENGAGEMENT_STATES
from ..summary_format import render_summary

ENGAGEMENT_ROUTE = "/fusion_helpdesk/engagement"
REMINDER_DAYS_PARAM = "fusion_helpdesk_central.engagement_reminder_days"
DEFAULT_REMINDER_DAYS = 3
EXPIRY_DAYS_PARAM = "fusion_helpdesk_central.engagement_expiry_days"
DEFAULT_EXPIRY_DAYS = 14


def text_lines_html(text):
    """Plain text typed by people as HTML lines: every line escaped, only our <br/>."""
    return Markup("<br/>").join((text or "").splitlines())


def summary_html(text):
    """A summary as people read it: ``summary_format.render_summary`` (escaped,
    then the small Markdown subset), through Odoo's sanitizer all the same."""
    rendered = render_summary(text)
    if not rendered:
        return Markup()
    return html_sanitize(rendered, sanitize_attributes=True, strip_style=True, strip_classes=True)


# Written only by the engagement flow itself (sudo, SQL or the cron): a user
# editing them could fake an owner's decision or revive a dead link.
ENGAGEMENT_PROTECTED_FIELDS = frozenset(
    {
        "engagement_state",
        "engagement_owner_email",
        "engagement_owner_name",
        "engagement_token",
        "engagement_sent_at",
        "engagement_reminded_at",
        "engagement_decided_at",
        "engagement_findings",
        "engagement_summary",
        "engagement_summary_html",
        "engagement_decision_comment",
        "engagement_decision_ip",
        "engagement_decision_user_agent",
        "engagement_decision_message_id",
        "engagement_requested_by_id",
        "engagement_turnaround_hours",
        "engagement_overdue",
        "engagement_ids",
        "engagement_id",
    }
)


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    client_key_id = fields.Many2one(
        comodel_name="fusion.helpdesk.client.key",
        string="Client",
        index="btree_not_null",
        ondelete="restrict",
        tracking=True,
    )
    client_ref = fields.Char(
        string="Client Reference",
        copy=False,
        help="Id of the ticket in the client's own Odoo.",
    )
    # A resend of a ticket (the client missed our answer, or sent it again while
    # the first request was still running) must never give a second ticket:
    # the database, not a search before the create, holds the rule.
    _client_ref_unique = models.UniqueIndex(
        "(client_key_id, client_ref) WHERE client_ref IS NOT NULL",
        "A client reference names one ticket of that client.",
    )
    engagement_ids = fields.One2many(
        comodel_name="fusion.helpdesk.engagement",
        inverse_name="ticket_id",
        string="Approval Rounds",
        readonly=True,
        copy=False,
    )
    engagement_id = fields.Many2one(
        comodel_name="fusion.helpdesk.engagement",
        string="Latest Approval Round",
        compute="_compute_engagement_id",
        store=True,
        index="btree_not_null",
        copy=False,
    )
    # The ticket shows its latest round (as rating_last_value shows the last
    # rating): only its state is stored, for searching, grouping and the stage
    # gate; everything else is read from the round itself.
    engagement_state = fields.Selection(
        selection=ENGAGEMENT_STATES,
        compute="_compute_engagement_state",
        store=True,
        default="none",
        required=True,
        copy=False,
        readonly=True,
        tracking=True,
        index=True,
    )
    engagement_owner_email = fields.Char(related="engagement_id.owner_email")
    engagement_owner_name = fields.Char(related="engagement_id.owner_name")
    engagement_token = fields.Char(
        related="engagement_id.token_hash",
        groups="base.group_system",
        help="SHA-256 of the live link's token; empty when no link is live.",
    )
    engagement_sent_at = fields.Datetime(related="engagement_id.sent_at")
    engagement_reminded_at = fields.Datetime(related="engagement_id.reminded_at")
    engagement_decided_at = fields.Datetime(related="engagement_id.decided_at")
    engagement_findings = fields.Text(related="engagement_id.findings")
    engagement_summary = fields.Text(related="engagement_id.summary")
    engagement_summary_html = fields.Html(
        string="Summary Sent (formatted)",
        related="engagement_id.summary_html",
        help="The summary sent, formatted as the owner read it.",
    )
    engagement_decision_comment = fields.Text(related="engagement_id.decision_comment")
    # Personal data of the owner: for the support team, not for requesters and
    # followers who can read the ticket.
    engagement_decision_ip = fields.Char(
        string="Decision IP Address",
        related="engagement_id.decision_ip",
        groups="helpdesk_mgmt.group_helpdesk_user_own",
    )
    engagement_decision_user_agent = fields.Char(
        related="engagement_id.decision_user_agent",
        groups="helpdesk_mgmt.group_helpdesk_user_own",
    )
    engagement_decision_message_id = fields.Many2one(
        related="engagement_id.decision_message_id",
        help="Public comment that carries the owner's decision.",
    )
    engagement_requested_by_id = fields.Many2one(
        string="Approval Requested By",
        related="engagement_id.requested_by_id",
        help="The engineer who sent the latest approval request.",
    )
    # Shown on the form; reporting averages the rounds' stored turnaround.
    engagement_turnaround_hours = fields.Float(
        related="engagement_id.turnaround_hours",
        help="Hours between sending the engagement and the owner's decision.",
    )

    @api.depends("engagement_ids")
    def _compute_engagement_id(self):
        for ticket in self:
            ids = ticket.engagement_ids.ids
            ticket.engagement_id = max(ids) if ids else False

    @api.depends("engagement_id.state")
    def _compute_engagement_state(self):
        states = {state for state, __ in ENGAGEMENT_STATES}
        for ticket in self:
            # A latest round superseded or delegated is only ever transient.
            state = ticket.engagement_id.state or "none"
            ticket.engagement_state = state if state in states else "pending"

    def _engagement_check_protected(self, fnames):
        """Refuse any of the engagement fields among ``fnames`` outside the flow."""
        if not self.env.su and ENGAGEMENT_PROTECTED_FIELDS.intersection(fnames):
            raise AccessError(
                self.env._(
                    "The owner approval of a ticket changes only through Request Owner "
                    "Approval and the owner's own decision."
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        """Refuse tickets created with an engagement already filled in: a
        ticket born approved would count as an owner's decision."""
        for vals in vals_list:
            # The form may send the defaults back ('none', empty): harmless.
            self._engagement_check_protected(
                fname
                for fname, value in vals.items()
                if value and not (fname == "engagement_state" and value == "none")
            )
        return super().create(vals_list)

    def write(self, vals):
        """Refuse direct edits of the engagement fields: only the flow sets them."""
        self._engagement_check_protected(vals)
        return super().write(vals)

    def action_open_engagement_wizard(self):
        """Open the Request Owner Approval wizard on these tickets."""
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "fusion_helpdesk_central.fusion_helpdesk_engagement_wizard_action"
        )
        action["context"] = {
            "dialog_size": "large" if len(self) == 1 else "extra-large",
            "active_model": self._name,
            "active_ids": self.ids,
            "active_id": self[:1].id,
        }
        return action
