# Copyright 2026 Fusion Helpdesk
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
import uuid

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from .. import central_client

_logger = logging.getLogger(__name__)

# Central refuses longer replies (its API limit).
REPLY_MAX_LENGTH = 20000
# Refusals of central's API (its JSON error body) that sending again cannot
# change: the reply stays, marked failed. Anything the API did not answer
# itself (an HTML 404 while central's database restarts...) is retried.
FINAL_REFUSALS = (400, 404, 413, 415)


class FusionHelpdeskTicketReply(models.Model):
    """An employee's answer to a sent ticket, kept until central has it."""

    _name = "fusion.helpdesk.ticket.reply"
    _inherit = ["fusion.helpdesk.central.fields"]
    _description = "Support Ticket Reply"
    _order = "create_date, id"

    ticket_id = fields.Many2one(
        comodel_name="fusion.helpdesk.ticket",
        required=True,
        index=True,
        ondelete="cascade",
        readonly=True,
    )
    user_id = fields.Many2one(
        comodel_name="res.users",
        string="Author",
        required=True,
        readonly=True,
        default=lambda self: self.env.user,
        ondelete="restrict",
    )
    body = fields.Text(string="Your Reply", required=True)
    state = fields.Selection(
        [("queued", "Waiting to Be Sent"), ("sent", "Sent"), ("failed", "Refused")],
        default="queued",
        required=True,
        readonly=True,
        index=True,
    )
    # Sent with every attempt: central posts a reply once per key, however
    # often an unanswered attempt is repeated.
    idempotency_key = fields.Char(
        readonly=True,
        copy=False,
        default=lambda self: uuid.uuid4().hex,
        groups="base.group_system",
    )
    attachment_ids = fields.Many2many(
        comodel_name="ir.attachment",
        relation="fusion_helpdesk_ticket_reply_attachment_rel",
        string="Files",
        help="Screenshots, PDF or text logs sent with the reply.",
    )
    attachment_note = fields.Char(
        string="File Limits", compute="_compute_attachment_note", compute_sudo=False
    )
    central_message_id = fields.Integer(readonly=True, copy=False)
    last_error = fields.Char(readonly=True, copy=False)
    sent_at = fields.Datetime(readonly=True, copy=False)

    @api.model
    def _central_field_names(self):
        # The sending status, the author and the key are this model's to set.
        return super()._central_field_names() | {
            "state",
            "central_message_id",
            "idempotency_key",
            "last_error",
            "sent_at",
            "user_id",
        }

    def _compute_attachment_note(self):
        note = self.env["fusion.helpdesk.ticket"]._attachment_limits_note()
        for reply in self:
            reply.attachment_note = note

    @api.model_create_multi
    def create(self, vals_list):
        replies = super().create(self._drop_central_fields(vals_list))
        for reply in replies:
            reply._check_own_attachments()
            reply._check_can_be_sent()
        return replies

    def _check_own_attachments(self):
        """Only files the author uploaded for a reply go with it (never a file
        of someone else's record, picked by id over RPC), and from now on they
        are this reply's: readable by whoever reads the reply."""
        self.ensure_one()
        attachments = self.sudo().attachment_ids
        foreign = attachments.filtered(
            lambda attachment: (
                attachment.res_model != self._name
                or attachment.res_id not in (0, self.id)
                or attachment.res_field
                or attachment.create_uid != self.env.user
            )
        )
        if foreign and not self.env.su:
            raise AccessError(self.env._("Only files you uploaded for this reply can be sent."))
        attachments.filtered(lambda attachment: not attachment.res_id).write({"res_id": self.id})

    def write(self, vals):
        if not self.env.su:
            raise AccessError(self.env._("A reply cannot be changed once written."))
        return super().write(vals)

    def _check_can_be_sent(self):
        """Refuse a reply central would refuse: empty, too long, or on an unsent ticket."""
        self.ensure_one()
        ticket = self.ticket_id.sudo()
        if ticket.state != "sent" or not ticket.central_id:
            raise UserError(self.env._("Only a ticket the support team received can be answered."))
        if not (self.body or "").strip():
            raise UserError(self.env._("Please write your reply."))
        if len(self.body.strip()) > REPLY_MAX_LENGTH:
            raise UserError(
                self.env._("Please shorten your reply to %s characters.", REPLY_MAX_LENGTH)
            )
        attachments = self.sudo().attachment_ids
        error = ticket._attachment_problem_message([(a.name, a.file_size) for a in attachments])
        if error:
            raise UserError(error)

    # ------------------------------------------------------------------ actions
    def action_send(self):
        """Send this reply to central now; when central is down it is kept and
        sent by the sync cron."""
        self.ensure_one()
        self.check_access("read")
        reply = self.sudo()
        error = reply._send_to_central()
        tickets = self.env["fusion.helpdesk.ticket"]
        if error:
            if reply.state == "failed":
                return tickets._notification(
                    self.env._("Reply refused"), error, "danger", sticky=True
                )
            return tickets._notification(
                self.env._("Reply saved, not sent yet"), error, "warning", sticky=True
            )
        # Show the reply in the conversation at once.
        reply.ticket_id._refresh_thread()
        return tickets._notification(
            self.env._("Reply sent"), self.env._("The support team received your reply."), "success"
        )

    # ------------------------------------------------------------------ sending
    def _prepare_central_payload(self):
        """Return the JSON body sent to central for this reply; override to add fields."""
        self.ensure_one()
        user = self.user_id.sudo()
        return central_client.build_message_payload(
            body=self.body,
            author_name=user.name,
            # Like a ticket: a user without an address writes on behalf of the company.
            author_email=user.email or user.company_id.email,
            idempotency_key=self.idempotency_key,
            attachments=[
                {"name": a.name, "mimetype": a.mimetype, "raw": a.raw}
                for a in self.sudo().attachment_ids.sorted("id")
            ],
        )

    def _send_to_central(self):
        """Send this reply; return ``None`` when central has it, else the employee's message."""
        self.ensure_one()
        if self.state != "queued":
            return None if self.state == "sent" else self.last_error
        ticket = self.ticket_id
        try:
            result = central_client.post_message(
                *ticket._central_connection(), ticket.central_id, self._prepare_central_payload()
            )
        except central_client.CentralError as error:
            _logger.info("Fusion Helpdesk reply %s was not sent to central: %s", self.id, error)
            if self._is_final_refusal(error):
                message = ticket._central_error_message(error)
                self.write({"state": "failed", "last_error": message})
                return message
            message = self._retry_message(error)
            self.write({"last_error": message})
            return message
        self.write(
            {
                "state": "sent",
                "central_message_id": result["id"],
                "sent_at": fields.Datetime.now(),
                "last_error": False,
            }
        )
        return None

    @api.model
    def _is_final_refusal(self, error):
        """Whether central's API itself refused the reply for good (its JSON
        error body with a status in ``FINAL_REFUSALS``); override for another policy."""
        return isinstance(error, central_client.CentralRefused) and error.status in FINAL_REFUSALS

    def _retry_message(self, error):
        """The employee's message for a reply kept to be sent again by the sync."""
        if isinstance(error, central_client.CentralUnreachable):
            # Down, timed out, or an answer its API did not give: not a setting to fix.
            reason = self.env._(
                "The support server could not be reached or could not take it right now."
            )
        else:
            reason = self.ticket_id._central_error_message(error)
        return self.env._(
            "Your reply is saved and will be retried automatically until the support "
            "server takes it. %s",
            reason,
        )

    @api.model
    def _send_queued(self):
        """Send every queued reply, committing each; return whether central
        answered (False: it is down, the others wait for the next run)."""
        cron = self.env["ir.cron"]
        for reply in self.sudo().search([("state", "=", "queued")]):
            error = reply._send_to_central()
            cron._commit_progress(1)
            if error and reply.state == "queued":
                # Down or refusing for now: asking again for each reply only waits longer.
                return False
        return True
