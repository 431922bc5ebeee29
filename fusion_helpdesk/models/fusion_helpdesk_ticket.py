# Copyright 2026 Fusion Helpdesk
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import format_time

from .. import central_client

_logger = logging.getLogger(__name__)

# Central refuses longer subjects (its intake limit).
SUBJECT_MAX_LENGTH = 200


class FusionHelpdeskTicket(models.Model):
    """An employee's ticket, kept locally and sent to the provider's central helpdesk."""

    _name = "fusion.helpdesk.ticket"
    _inherit = ["fusion.helpdesk.central.fields"]
    _description = "Support Ticket"
    _order = "create_date desc, id desc"

    _thread_template = "fusion_helpdesk.fusion_helpdesk_ticket_thread"

    name = fields.Char(string="Subject", required=True, size=SUBJECT_MAX_LENGTH)
    # Random, set at creation and kept for every resend: central recognises a
    # resend by it. A record id was not unique across databases (a restored
    # backup or a staging copy sent "new" tickets central took for old ones).
    client_ref = fields.Char(
        string="Client Reference",
        readonly=True,
        copy=False,
        help="Identifies this ticket on the support server, whatever database sends it.",
    )
    description = fields.Text()
    user_id = fields.Many2one(
        "res.users",
        string="Requested By",
        required=True,
        index=True,
        default=lambda self: self.env.user,
        ondelete="restrict",
    )
    state = fields.Selection(
        [("draft", "Draft"), ("not_sent", "Not Sent"), ("sent", "Sent")],
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        index=True,
    )
    central_id = fields.Integer(string="Central ID", readonly=True, copy=False, index=True)
    central_number = fields.Char(string="Number", readonly=True, copy=False)
    central_stage = fields.Char(
        string="Provider Stage",
        readonly=True,
        copy=False,
        help="The ticket's stage in your support provider's helpdesk.",
    )
    # One column for the employee instead of "State" beside "Stage".
    status = fields.Char(
        compute="_compute_status",
        help="Draft or Not Sent while the support team has not received the ticket, "
        "then its stage at your support provider.",
    )
    engagement_state = fields.Selection(
        [
            ("none", "None"),
            ("pending", "Waiting for Owner"),
            ("approved", "Approved"),
            ("rejected", "Rejected"),
            ("changes_requested", "Changes Requested"),
            ("expired", "Expired"),
        ],
        string="Owner Approval",
        default="none",
        required=True,
        readonly=True,
        copy=False,
    )
    # Central tells the client only the approval state, not what was proposed
    # nor when: this says what the employee can know from here.
    engagement_note = fields.Char(string="Owner Approval Note", compute="_compute_engagement_note")
    last_error = fields.Text(readonly=True, copy=False)
    sent_at = fields.Datetime(readonly=True, copy=False)
    thread_html = fields.Html(string="Conversation", readonly=True, copy=False, sanitize_style=True)
    thread_refreshed_at = fields.Datetime(
        string="Conversation Refreshed On", readonly=True, copy=False
    )
    thread_error = fields.Char(string="Conversation Refresh Error", readonly=True, copy=False)

    _client_ref_unique = models.UniqueIndex("(client_ref)")

    @api.depends("state", "central_stage")
    def _compute_status(self):
        labels = dict(self._fields["state"]._description_selection(self.env))
        for ticket in self:
            sent_stage = ticket.state == "sent" and ticket.central_stage
            ticket.status = sent_stage or labels[ticket.state]

    @api.depends("engagement_state")
    def _compute_engagement_note(self):
        owner = self.env["ir.config_parameter"].sudo().get_param("fusion_helpdesk.owner_name")
        for ticket in self:
            if ticket.engagement_state != "pending":
                ticket.engagement_note = False
            elif owner:
                ticket.engagement_note = self.env._(
                    "Your support provider asked %s to approve the proposed work. The "
                    "decision will appear in the conversation below.",
                    owner,
                )
            else:
                ticket.engagement_note = self.env._(
                    "Your support provider asked your company's owner to approve the proposed "
                    "work. The decision will appear in the conversation below."
                )

    @api.constrains("name")
    def _check_name_visible(self):
        for ticket in self:
            if central_client.is_blank(ticket.name):
                raise ValidationError(
                    self.env._("Please give your ticket a subject with visible characters.")
                )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_sent(self):
        if any(ticket.state == "sent" for ticket in self):
            raise UserError(
                self.env._("A ticket already sent to the support team cannot be deleted.")
            )

    @api.model
    def _central_field_names(self):
        # Written by this model only (through sudo): an employee who could set
        # ``central_id`` could read a colleague's thread with the company's key.
        return super()._central_field_names() | {
            "client_ref",
            "state",
            "central_id",
            "central_number",
            "central_stage",
            "engagement_state",
            "last_error",
            "sent_at",
            "thread_html",
            "thread_refreshed_at",
            "thread_error",
        }

    @api.model_create_multi
    def create(self, vals_list):
        vals_list = [
            self._clean_subject_vals(vals) for vals in self._drop_central_fields(vals_list)
        ]
        for vals in vals_list:
            if not vals.get("client_ref"):
                # Not a field default: a new column's default is written once,
                # the same for every existing row.
                vals["client_ref"] = central_client.new_client_ref()
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su and self._central_field_names().intersection(vals):
            raise AccessError(
                self.env._("The sending status of a ticket is set by Fusion Helpdesk only.")
            )
        if (
            not self.env.su
            and "user_id" in vals
            and not self.env.user.has_group("base.group_system")
        ):
            # The requester owns the ticket and its thread on central.
            raise AccessError(
                self.env._("Only an administrator can change who requested a ticket.")
            )
        if not self.env.su and {"name", "description"} & set(vals):
            if any(ticket.state == "sent" for ticket in self):
                raise UserError(
                    self.env._(
                        "This ticket was already sent: add details in a new ticket, or ask "
                        "the support team in its conversation."
                    )
                )
        return super().write(self._clean_subject_vals(vals))

    @api.model
    def _clean_subject_vals(self, vals):
        """Return ``vals`` with its subject stripped of bidi controls (they disguise text)."""
        if isinstance(vals.get("name"), str):
            vals = dict(vals, name=central_client.clean_subject(vals["name"]))
        return vals

    # ------------------------------------------------------------------ actions
    def action_send(self):
        """Send (again) the selected tickets not yet accepted by central; notify the outcome."""
        self.check_access("write")
        tickets = self.filtered(lambda ticket: ticket.state != "sent")
        if not tickets:
            raise UserError(self.env._("This ticket was already sent to the support team."))
        # A double click must not create the ticket twice on central.
        locked = tickets.try_lock_for_update()
        if locked != tickets:
            raise UserError(
                self.env._("This ticket is being sent right now. Please wait a moment.")
            )
        errors = [error for error in (ticket._send_to_central() for ticket in tickets) if error]
        if len(tickets) == 1 and errors:
            # The reloaded form's banner gives the reason: a sticky toast
            # repeating it only hid part of the form.
            return self._notification(
                self.env._("Ticket not sent"),
                self.env._("The reason is shown on the ticket. Nothing you typed is lost."),
                "warning",
            )
        if errors:
            return self._notification(
                self.env._("Ticket not sent"), "\n".join(errors), "danger", sticky=True
            )
        return self._notification(
            self.env._("Ticket sent"),
            self.env._(
                "The support team received your ticket: %s",
                ", ".join(tickets.mapped("central_number")),
            ),
            "success",
        )

    def action_refresh_thread(self):
        """Fetch the public conversation of the sent tickets from central and store it."""
        self.check_access("read")
        for ticket in self.filtered("central_id"):
            ticket._refresh_thread()
        return True

    # ------------------------------------------------------------------ submit
    @api.model
    def submit_from_employee(self, subject, description, attachments=None):
        """Create the current user's ticket and send it; return the route's JSON answer.

        ``attachments``: the files chosen in the dialog, ``[{"name",
        "mimetype", "data"}]`` in base64. Refused texts or files create
        nothing (the dialog keeps them and says why). Never raises on a
        central failure: the local record, files included, must survive the
        request so that nothing the employee typed or attached is lost.
        """
        self.check_access("create")
        error = self._check_submitted_texts(subject, description)
        if error:
            return {"ok": False, "id": None, "error": error}
        files, error = self._decode_submitted_files(attachments)
        if error:
            return {"ok": False, "id": None, "error": error}
        ticket = self.create(
            self._prepare_submit_vals(central_client.clean_subject(subject), description)
        )
        ticket._attach_files(files)
        error = ticket._send_to_central()
        if error:
            return {"ok": False, "id": ticket.id, "error": error}
        return {"ok": True, "id": ticket.id, "number": ticket.central_number}

    @api.model
    def _check_submitted_texts(self, subject, description):
        """Return why the submitted texts cannot make a ticket, or ``None``."""
        if not isinstance(subject, (str, type(None))) or not isinstance(
            description, (str, type(None))
        ):
            return self.env._("The subject and the description must be plain text.")
        if central_client.is_blank(subject):
            # Zero-width or bidi characters alone would make a ticket without a title.
            return self.env._("Please give your ticket a subject.")
        if len(central_client.clean_subject(subject)) > SUBJECT_MAX_LENGTH:
            return self.env._(
                "Please shorten the subject to %s characters; details go in the description.",
                SUBJECT_MAX_LENGTH,
            )
        if not (description or "").strip():
            return self.env._("Please describe the problem: the support team needs the details.")
        return None

    @api.model
    def _prepare_submit_vals(self, subject, description):
        """Create values of a ticket submitted by the current user; override to add fields."""
        return {"name": subject, "description": description or False, "user_id": self.env.uid}

    # ------------------------------------------------------------------ sending
    def _prepare_central_payload(self):
        """Return the JSON body sent to central for this ticket; override to add fields."""
        self.ensure_one()
        icp = self.env["ir.config_parameter"].sudo()
        user = self.user_id.sudo()
        return central_client.build_ticket_payload(
            subject=self.name,
            description=self.description,
            requester_name=user.name,
            # Central needs an address to answer; a user without one writes on
            # behalf of the company.
            requester_email=user.email or user.company_id.email,
            client_ref=self.client_ref,
            owner_email=icp.get_param("fusion_helpdesk.owner_email"),
            owner_name=icp.get_param("fusion_helpdesk.owner_name"),
        )

    @api.model
    def _central_connection(self):
        """Return ``(central_url, client_key)`` from the settings."""
        icp = self.env["ir.config_parameter"].sudo()
        return (
            icp.get_param("fusion_helpdesk.central_url"),
            icp.get_param("fusion_helpdesk.client_key"),
        )

    def _send_to_central(self):
        """Send this ticket to central; return ``None`` when sent, else the employee's message."""
        self.ensure_one()
        if not self.client_ref:
            # Only a row that escaped the 19.0.3.0.0 migration; kept from now on.
            self.sudo().client_ref = central_client.new_client_ref()
        try:
            result = central_client.submit_ticket(
                *self._central_connection(), self._prepare_central_payload()
            )
        except central_client.CentralError as error:
            message = self._central_error_message(error)
            _logger.warning("Fusion Helpdesk ticket %s was not sent to central: %s", self.id, error)
            self.sudo().write({"state": "not_sent", "last_error": message})
            return message
        self.sudo().write(
            {
                "state": "sent",
                "central_id": result["id"],
                "central_number": result["number"],
                "last_error": False,
                "sent_at": fields.Datetime.now(),
            }
        )
        return None

    @api.model
    def _central_error_message(self, error):
        """Return a translated sentence for a person explaining a ``CentralError``."""
        if isinstance(error, central_client.CentralNotConfigured):
            return self._central_setting_message(error.setting)
        if isinstance(error, central_client.CentralNotApiAnswer):
            # Not the API's answer: central may be restarting; never a setting to fix.
            return self.env._(
                "The support server could not handle the request right now (error %s). "
                "Nothing is lost: please try again later.",
                error.status,
            )
        if isinstance(error, central_client.CentralUnreachable):
            return self.env._(
                "The support server could not be reached or did not answer in time. "
                "Please try again later."
            )
        if isinstance(error, central_client.CentralRefused):
            return self._central_refusal_message(error)
        return self.env._(
            "The support server sent an unexpected answer. Please try again later or "
            "tell your administrator."
        )

    @api.model
    def _central_setting_message(self, setting):
        if setting == "central_id":
            return self.env._("This ticket has no number on the support server yet.")
        if setting == "client_key":
            return self.env._(
                "The client key is not configured. Please ask your administrator to "
                "check Settings > Fusion Helpdesk."
            )
        return self.env._(
            "The support server URL is missing or invalid (it must start with https://). "
            "Please ask your administrator to check Settings > Fusion Helpdesk."
        )

    @api.model
    def _central_refusal_message(self, error):
        if error.status == 401:
            return self.env._(
                "The support server does not accept this company's client key. Please ask "
                "your administrator to check Settings > Fusion Helpdesk."
            )
        if error.status == 404:
            # The API itself answered, so the URL is right: the ticket is not this key's.
            return self.env._("The support server does not know this ticket.")
        if isinstance(error, central_client.CentralConflict):
            return self.env._(
                "The support server already has a different ticket under this ticket's "
                "reference: it probably received an earlier version of it. Sending it again "
                "cannot work. Please submit it as a new ticket (Actions > Duplicate keeps "
                "your text)."
            )
        if error.status == 413:
            return self.env._(
                "The ticket is too large for the support server. Please shorten the "
                "description and send it again."
            )
        if error.status == 429:
            if error.retry_after:
                # A clock time stays true in a banner read minutes later; a
                # "try again in N seconds" does not count down.
                return self.env._(
                    "The support server is refusing requests for a while. Please try "
                    "again after %s.",
                    self._format_retry_time(error.retry_after),
                )
            return self.env._(
                "The support server is refusing requests for a while. Please try again later."
            )
        if error.field:
            return self.env._(
                "The support server refused the ticket (%(field)s): %(message)s",
                field=error.field,
                message=error.message,
            )
        return self.env._("The support server refused the ticket: %s", error.message)

    @api.model
    def _format_retry_time(self, seconds):
        """Return the user's clock time ``seconds`` from now, rounded up to the minute."""
        moment = fields.Datetime.now() + timedelta(seconds=seconds + 59)
        return format_time(
            self.env, moment.replace(second=0), tz=self.env.user.tz, time_format="short"
        )

    @api.model
    def _notification(self, title, message, kind, sticky=False, reload=True):
        """Return a client action showing a notification, then reloading the form."""
        params = {"title": title, "message": message, "type": kind, "sticky": sticky}
        if reload:
            # Closing the "action" makes the form reload and show the new state.
            params["next"] = {"type": "ir.actions.act_window_close"}
        return {"type": "ir.actions.client", "tag": "display_notification", "params": params}
