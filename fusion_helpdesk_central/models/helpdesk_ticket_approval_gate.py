# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Approval required by a rule, and the stage gate it sets: a ticket whose
owner approval is required enters a stage flagged ``fusion_requires_approval``
only once its latest round is approved, or a helpdesk manager waived it."""

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from .helpdesk_ticket import text_lines_html

REQUEST_TODO_XMLID = "fusion_helpdesk_central.mail_activity_type_request_owner_approval"
# Latest round states for which nobody needs to be told to ask again: a
# request is waiting, or the owner said yes.
NO_TODO_STATES = ("pending", "approved")
# Set by the rule's server action and the waiver only (sudo): an engineer
# clearing them would walk the ticket past the gate.
GATE_PROTECTED_FIELDS = frozenset(
    {
        "engagement_required",
        "engagement_waived",
        "engagement_waive_reason",
        "engagement_waived_by_id",
        "engagement_waived_at",
    }
)
WAIVER_GROUP = "helpdesk_mgmt.group_helpdesk_manager"


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    engagement_required = fields.Boolean(
        string="Owner Approval Required",
        readonly=True,
        copy=False,
        tracking=True,
        index=True,
        help="Set by an automation rule: the ticket enters a stage that requires "
        "approval only once the owner approved (or a manager waived it).",
    )
    engagement_waived = fields.Boolean(
        string="Approval Waived",
        readonly=True,
        copy=False,
        tracking=True,
        help="A helpdesk manager let the ticket through without the owner's approval.",
    )
    engagement_waive_reason = fields.Text(string="Waiver Reason", readonly=True, copy=False)
    engagement_waived_by_id = fields.Many2one(
        comodel_name="res.users", string="Waived By", readonly=True, copy=False
    )
    engagement_waived_at = fields.Datetime(string="Waived On", readonly=True, copy=False)

    def _fusion_check_gate_protected(self, fnames):
        """Refuse the requirement and waiver fields outside their flows."""
        if not self.env.su and GATE_PROTECTED_FIELDS.intersection(fnames):
            raise AccessError(
                self.env._(
                    "Whether owner approval is required is set by automation rules, "
                    "and only a helpdesk manager can waive it (Waive Owner Approval)."
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        """Refuse tickets created already required or waived outside the flows."""
        for vals in vals_list:
            self._fusion_check_gate_protected(fname for fname, value in vals.items() if value)
        # Created (or copied) into a stage requiring approval, a ticket a rule
        # requires on create is refused by write()'s check below. A rule run
        # by a write inside the creation gives no to-do yet: mail.thread then
        # subscribes the creator without checking, and the to-do's assignee
        # would follow twice; the rule's run once the ticket exists does.
        return (
            super(HelpdeskTicket, self.with_context(fusion_ticket_creating=True))
            .create(vals_list)
            .with_env(self.env)
        )

    def write(self, vals):
        """Guard the requirement fields and the stages that require approval."""
        self._fusion_check_gate_protected(vals)
        if vals.get("stage_id"):
            stage = self.env["helpdesk.ticket.stage"].browse(vals["stage_id"])
            if stage.sudo().fusion_requires_approval:
                self._fusion_check_stage_gate(stage)
        result = super().write(vals)
        if vals.get("engagement_required"):
            # A rule requiring approval of a ticket already sitting in such a
            # stage (e.g. its client set after it was closed): refused too.
            self._fusion_check_gate_kept()
        return result

    # ------------------------------------------------------------------
    # The gate
    # ------------------------------------------------------------------
    def _fusion_gate_blocked(self, stage):
        """Tickets among these that may not enter ``stage`` (flagged): approval
        required, not waived, latest round not approved, not there already."""
        return self.filtered(
            lambda ticket: (
                ticket.stage_id != stage
                and ticket.engagement_required
                and not ticket.engagement_waived
                and ticket.engagement_state != "approved"
            )
        )

    def _fusion_check_gate_kept(self):
        """Raise ``UserError`` naming the tickets that sit in a stage requiring
        approval while theirs is required and not given (created or copied
        into it, or required there by a rule)."""
        for stage in self.stage_id.sudo().filtered("fusion_requires_approval"):
            in_stage = self.filtered(lambda ticket, stage=stage: ticket.stage_id == stage)
            blocked = in_stage.filtered(
                lambda ticket: (
                    ticket.engagement_required
                    and not ticket.engagement_waived
                    and ticket.engagement_state != "approved"
                )
            )
            if blocked:
                self._fusion_raise_gate(stage, blocked)

    def _fusion_raise_gate(self, stage, blocked):
        raise UserError(
            self.env._(
                "Stage %(stage)s requires the owner's approval. Not approved yet: "
                "%(tickets)s. Request the owner's approval and wait for it, or ask a "
                "helpdesk manager to waive it.",
                stage=stage.name,
                tickets=", ".join(blocked.mapped("display_name")),
            )
        )

    def _fusion_check_stage_gate(self, stage):
        """Raise ``UserError`` naming the tickets that may not enter ``stage``."""
        blocked = self._fusion_gate_blocked(stage)
        if blocked:
            self._fusion_raise_gate(stage, blocked)

    # ------------------------------------------------------------------
    # Required by a rule (server action "Require owner approval")
    # ------------------------------------------------------------------
    def _fusion_require_owner_approval(self):
        """Mark these tickets as needing the owner's approval and give each
        assignee (else the team leader) one open to-do to request it; tickets
        without a client or owner get a note instead. Idempotent: run twice,
        still one to-do and never a second round."""
        tickets = self.sudo().exists()
        orphans = tickets.filtered(
            lambda ticket: not ticket.client_key_id or not ticket.client_key_id.owner_email
        )
        for ticket in orphans:
            ticket._fusion_post_note(ticket._fusion_orphan_note())
        tickets -= orphans
        if not tickets:
            return tickets
        # Two rules (or two saves) firing at once: the second waits on these
        # rows and, once the first committed, is replayed by Odoo's retrying()
        # and finds the to-do; no search-then-create race.
        tickets._fusion_lock_rows()
        tickets.filtered(lambda ticket: not ticket.engagement_required).write(
            {"engagement_required": True}
        )
        activity_type = self.env.ref(REQUEST_TODO_XMLID)
        has_todo = {
            activity.res_id
            for activity in self.env["mail.activity"]
            .sudo()
            .search(
                [
                    ("res_model", "=", self._name),
                    ("res_id", "in", tickets.ids),
                    ("activity_type_id", "=", activity_type.id),
                ]
            )
        }
        if self.env.context.get("fusion_ticket_creating"):
            return tickets
        for ticket in tickets:
            if ticket.id in has_todo or ticket.engagement_state in NO_TODO_STATES:
                continue
            user = ticket._fusion_approval_todo_user()
            if not user:
                ticket._fusion_post_note(
                    self.env._(
                        "Owner approval is required, but the ticket has no assignee and "
                        "its team no leader: nobody was given the to-do."
                    )
                )
                continue
            ticket.activity_schedule(
                REQUEST_TODO_XMLID,
                user_id=user.id,
                **ticket._prepare_fusion_approval_todo_values(),
            )
        return tickets

    def _fusion_lock_rows(self):
        """Hold these tickets' rows until the transaction ends, waiting for a
        concurrent holder. An UPDATE that changes no value, not Odoo's
        ``lock_for_update`` (SKIP LOCKED: the second would fail with a
        LockError at once) nor a bare ``FOR UPDATE`` (once the first
        committed, the second would lock the row and, reading its older
        snapshot, not see the first's to-do): a row updated by a transaction
        that committed meanwhile makes the waiting one fail with a
        serialization failure, which Odoo's ``retrying()`` replays."""
        if self.ids:
            self.env.cr.execute(
                SQL(
                    "UPDATE helpdesk_ticket SET write_date = write_date WHERE id IN %s",
                    tuple(self.ids),
                ),
                # The serialization failure is expected, and retried.
                log_exceptions=False,
            )

    def _fusion_approval_todo_user(self):
        """Who is asked to request the approval: the assignee, else the team
        leader; override to choose otherwise."""
        self.ensure_one()
        return self.user_id or self.team_id.user_id

    def _prepare_fusion_approval_todo_values(self):
        """Extra ``activity_schedule`` values of the to-do (the deadline comes
        from the activity type's delay); override to add."""
        self.ensure_one()
        return {
            "summary": self.env._("Request owner approval"),
            "note": Markup("<p>%s</p>")
            % self.env._(
                "An automation rule requires the owner's approval of this ticket: "
                "use Request Owner Approval."
            ),
        }

    def _fusion_orphan_note(self):
        """Why a required approval cannot be asked on this ticket."""
        self.ensure_one()
        if not self.client_key_id:
            return self.env._(
                "An automation rule requires the owner's approval, but this ticket has "
                "no client, so there is no owner to ask: set its client first."
            )
        return self.env._(
            "An automation rule requires the owner's approval, but client %s has no "
            "owner email: the client's administrator sets it in their Settings.",
            self.client_key_id.name,
        )

    def _fusion_post_note(self, text):
        """Internal note ``text`` on this ticket."""
        self.ensure_one()
        return self.message_post(
            body=Markup("<p>%s</p>") % text,
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )

    def _engagement_start(self, findings, summary, provenance=None, estimate=None):
        """Sending the request completes the rule's to-do."""
        token = super()._engagement_start(findings, summary, provenance, estimate)
        self.sudo().activity_feedback(
            [REQUEST_TODO_XMLID],
            feedback=self.env._("Owner approval requested."),
        )
        return token

    # ------------------------------------------------------------------
    # Waiver
    # ------------------------------------------------------------------
    def action_open_waive_wizard(self):
        """Ask the helpdesk manager why the approval is waived."""
        self._fusion_check_may_waive()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Waive Owner Approval"),
            "res_model": "fusion.helpdesk.approval.waive.wizard",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {"active_model": self._name, "active_ids": self.ids},
        }

    def action_waive_owner_approval(self, reason):
        """Let these tickets through the approval gate without the owner's
        approval, for ``reason``; helpdesk managers only, logged on each ticket."""
        self._fusion_check_may_waive()
        reason = (reason or "").strip() if isinstance(reason, str) else ""
        if not reason:
            raise UserError(self.env._("Please say why the owner's approval is waived."))
        self.check_access("write")
        now = fields.Datetime.now()
        for ticket in self:
            ticket.sudo().write(
                {
                    "engagement_waived": True,
                    "engagement_waive_reason": reason,
                    "engagement_waived_by_id": self.env.user.id,
                    "engagement_waived_at": now,
                }
            )
            ticket._fusion_post_note(
                Markup("%s<br/>%s")
                % (
                    self.env._("Owner approval waived by %s:", self.env.user.name),
                    text_lines_html(reason),
                )
            )
        return True

    def _fusion_check_may_waive(self):
        """Only helpdesk managers waive the owner's approval."""
        if not self.env.user.has_group(WAIVER_GROUP):
            raise AccessError(self.env._("Only a helpdesk manager can waive the owner's approval."))
