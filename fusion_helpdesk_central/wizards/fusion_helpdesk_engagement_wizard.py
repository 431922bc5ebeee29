# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Command

from .. import openai_client

OPENAI_PARAMS = (openai_client.ICP_API_KEY, openai_client.ICP_MODEL, openai_client.ICP_BASE_URL)
# Context key set when the engineer confirmed that generating again may
# replace summaries they edited or typed (the Generate button asks first).
DISCARD_EDITS = "fusion_discard_edited_summary"


def summary_is_edited(record):
    """Whether ``record`` (the wizard or a line) holds a summary the engineer
    typed or changed since the AI last wrote one."""
    summary = (record.summary or "").strip()
    return bool(summary) and summary != (record.ai_summary or "").strip()


class FusionHelpdeskEngagementWizard(models.TransientModel):
    _name = "fusion.helpdesk.engagement.wizard"
    _description = "Request Owner Approval"

    mode = fields.Selection(
        selection=[("single", "Single"), ("bulk", "Bulk")],
        compute="_compute_mode",
        store=True,
        readonly=True,
    )
    ticket_ids = fields.Many2many(comodel_name="helpdesk.ticket", string="Tickets")
    findings = fields.Text(
        help="Your engineering analysis: scope, effort, approach, risk. The AI "
        "summary treats it as authoritative, above the original report.",
    )
    summary = fields.Text(
        help="What the owner reads before approving. Generate it from your "
        "findings or type it yourself; you can edit it before sending.",
    )
    line_ids = fields.One2many(
        comodel_name="fusion.helpdesk.engagement.wizard.line",
        inverse_name="wizard_id",
        string="Ticket Findings",
    )
    owner_email = fields.Char(compute="_compute_owner")
    owner_name = fields.Char(compute="_compute_owner")
    estimate_hours = fields.Float(
        digits=(16, 2),
        help="Hours of work you estimate; the owner sees them with their price.",
    )
    estimate_amount = fields.Float(
        string="Estimated Amount",
        digits=(16, 2),
        help="Leave empty to price the hours at the client's hourly rate.",
    )
    ask_owner = fields.Boolean(
        string="Ask the Owner Anyway",
        help="Send the request to the owner even when it fits in the client's pre-approved budget.",
    )
    pending_warning = fields.Text(compute="_compute_pending_warning")
    blocked_warning = fields.Text(
        compute="_compute_blocked_warning",
        help="Rows that cannot be sent whatever is typed: Send skips them.",
    )
    # The owner's "changes requested" round this request revises (single
    # mode): its comment is shown above the findings, which start from it.
    # Computed from the ticket, never taken from the client: a forged id
    # would show another ticket's owner comment.
    revision_of_id = fields.Many2one(
        comodel_name="fusion.helpdesk.engagement",
        string="Revises",
        compute="_compute_revision_of_id",
    )
    revision_comment = fields.Text(
        string="The owner asked for changes",
        related="revision_of_id.decision_comment",
    )
    revision_owner = fields.Char(related="revision_of_id.owner_name", string="Asked By")
    revision_decided_at = fields.Datetime(related="revision_of_id.decided_at", string="Asked On")
    ai_configured = fields.Boolean(
        compute="_compute_ai_configured",
        help="An OpenAI API key is set (Settings or the environment).",
    )
    is_settings_admin = fields.Boolean(compute="_compute_ai_configured")
    # What the AI last wrote, to tell the owner and the audit trail whether
    # the summary sent was drafted by the AI and edited by the engineer.
    ai_summary = fields.Text(readonly=True)
    ai_model = fields.Char(readonly=True)
    ai_generated_at = fields.Datetime(readonly=True)
    ai_notice = fields.Text(
        string="Notice",
        readonly=True,
        help="What the last summary generation could not do.",
    )
    summary_edited = fields.Boolean(
        compute="_compute_summary_edited",
        help="The summary was typed or changed by the engineer since the AI "
        "last wrote it: generating again asks before replacing it.",
    )

    @api.depends("ticket_ids")
    def _compute_mode(self):
        for wizard in self:
            wizard.mode = "bulk" if len(wizard.ticket_ids) > 1 else "single"

    @api.depends("ticket_ids.client_key_id.owner_email", "ticket_ids.client_key_id.owner_name")
    def _compute_owner(self):
        for wizard in self:
            single = wizard.mode == "single"
            client = (
                wizard.ticket_ids.client_key_id[:1]
                if single
                else self.env["fusion.helpdesk.client.key"]
            )
            wizard.owner_email = client.owner_email
            wizard.owner_name = client.owner_name

    @api.depends("summary", "ai_summary")
    def _compute_summary_edited(self):
        for wizard in self:
            wizard.summary_edited = summary_is_edited(wizard)

    @api.depends("ticket_ids.engagement_state", "line_ids.ticket_id")
    def _compute_pending_warning(self):
        for wizard in self:
            pending = wizard._selected_tickets().filtered(lambda t: t.engagement_state == "pending")
            wizard.pending_warning = (
                self.env._(
                    "Already waiting for the owner: %s. Sending again replaces that "
                    "request: the links of the earlier email stop working.",
                    ", ".join(pending.mapped("number")),
                )
                if pending
                else False
            )

    @api.depends("ticket_ids.engagement_state")
    def _compute_revision_of_id(self):
        for wizard in self:
            tickets = wizard.ticket_ids._origin
            wizard.revision_of_id = (
                tickets._engagement_revised_round() if len(tickets) == 1 else False
            )

    @api.depends("line_ids.blocked_reason")
    def _compute_blocked_warning(self):
        for wizard in self:
            blocked = wizard.line_ids.filtered("blocked_reason")
            wizard.blocked_warning = (
                self.env._(
                    "Cannot be sent, skipped by Send and by Generate All Summaries: %s. "
                    "Remove these rows, or fix their client and open this window again.",
                    "; ".join(
                        "%s (%s)"
                        % (line.ticket_id.number or line.ticket_id.name, line.blocked_reason)
                        for line in blocked
                    ),
                )
                if blocked
                else False
            )

    def _compute_ai_configured(self):
        configured = bool(self._openai_settings().api_key)
        is_admin = self.env.user.has_group("base.group_system")
        for wizard in self:
            wizard.ai_configured = configured
            wizard.is_settings_admin = is_admin

    def _selected_tickets(self):
        """Tickets this wizard would send: its rows in bulk (the engineer may
        remove some), else its ticket."""
        self.ensure_one()
        return self.line_ids.ticket_id if self.mode == "bulk" else self.ticket_ids

    @api.model
    def default_get(self, fields):
        """Tickets from the action context; findings and summary start empty
        and no AI runs: the engineer writes the findings first."""
        values = super().default_get(fields)
        context = self.env.context
        if context.get("active_model") != "helpdesk.ticket":
            return values
        tickets = self.env["helpdesk.ticket"].browse(context.get("active_ids") or [])
        tickets = tickets.exists()
        if not tickets:
            raise UserError(self.env._("Select at least one ticket."))
        tickets.check_access("read")
        if "ticket_ids" in fields:
            values["ticket_ids"] = [Command.set(tickets.ids)]
        if len(tickets) == 1:
            values.update(self._prepare_revision_values(tickets, fields))
        if "line_ids" in fields and len(tickets) > 1:
            values["line_ids"] = [
                Command.create(self._prepare_line_values(ticket)) for ticket in tickets
            ]
        return values

    @api.model_create_multi
    def create(self, vals_list):
        """Refuse a wizard on tickets the engineer cannot read (forged ``ticket_ids``)."""
        wizards = super().create(vals_list)
        wizards.ticket_ids.check_access("read")
        return wizards

    @api.model
    def _prepare_line_values(self, ticket):
        """Values of the bulk line of ``ticket``; override to prefill more.
        After "changes requested" the row starts from what was sent then."""
        revision = ticket._engagement_revision_values()
        return {
            "ticket_id": ticket.id,
            "findings": revision.get("findings") or False,
            "summary": revision.get("summary") or False,
        }

    @api.model
    def _prepare_revision_values(self, ticket, fields):
        """Single mode after the owner asked for changes: the findings and
        summary they read, to revise, and the round whose comment is shown."""
        revision = ticket._engagement_revision_values()
        if not revision:
            return {}
        values = {
            "findings": revision["findings"] or False,
            "summary": revision["summary"] or False,
        }
        return {key: value for key, value in values.items() if key in fields}

    def action_open_ai_settings(self):
        """Helpdesk Settings, where an administrator adds the OpenAI key."""
        action = self.env["ir.actions.actions"]._for_xml_id(
            "base_setup.action_general_configuration"
        )
        action["context"] = {"module": "helpdesk_mgmt", "bin_size": False}
        return action

    # ------------------------------------------------------------------
    # Summaries
    # ------------------------------------------------------------------
    def action_generate_summary(self):
        """Single mode: summary from ticket + chatter + findings, one AI call;
        the wizard stays open for review. A summary the engineer edited is
        kept unless the context carries ``fusion_discard_edited_summary``."""
        self.ensure_one()
        if self.mode != "single":
            return self.action_generate_all_summaries()
        if not (self.findings or "").strip():
            raise UserError(
                self.env._(
                    "Write your findings first (scope, effort, approach, risk): "
                    "the summary is generated from them."
                )
            )
        if summary_is_edited(self) and not self.env.context.get(DISCARD_EDITS):
            self.ai_notice = self.env._(
                "Your edited summary was kept. To replace it with a new one from "
                "the AI, generate again and confirm."
            )
            return self._action_reopen()
        settings = self._openai_settings()
        if not settings.api_key:
            self.ai_notice = self._ai_not_configured_notice()
            return self._action_reopen()
        messages = openai_client.build_summary_messages(
            self.ticket_ids._engagement_summary_payload(), self.findings
        )
        summary = openai_client.call_openai_chat(messages, settings)
        if summary:
            self.write(
                {
                    "summary": summary,
                    "ai_notice": False,
                    **self._prepare_ai_provenance(summary, settings),
                }
            )
        else:
            self.ai_notice = self.env._(
                "The AI could not write the summary this time (service unavailable "
                "or too slow). Try again, or type the summary yourself: it is sent "
                "exactly like a generated one."
            )
        return self._action_reopen()

    def action_generate_all_summaries(self):
        """Bulk mode: one parallel AI call per line with that line's own
        findings; lines without findings are skipped, and so are lines whose
        summary the engineer edited unless the context carries
        ``fusion_discard_edited_summary``. Stays open for review."""
        self.ensure_one()
        if self.mode != "bulk":
            return self.action_generate_summary()
        blocked = self.line_ids.filtered("blocked_reason")
        candidates = self.line_ids - blocked
        lines = candidates.filtered(lambda line: (line.findings or "").strip())
        skipped = candidates - lines
        kept = self.line_ids.browse()
        if not self.env.context.get(DISCARD_EDITS):
            kept = lines.filtered(summary_is_edited)
            lines -= kept
        if not lines and (kept or blocked):
            self.ai_notice = "\n".join(
                notice
                for notice in (
                    self._ai_kept_notice(kept) if kept else "",
                    self._ai_blocked_notice(blocked),
                )
                if notice
            )
            return self._action_reopen()
        if not lines:
            raise UserError(
                self.env._(
                    "Write the findings of at least one ticket first (scope, effort, "
                    "approach, risk): summaries are generated from them."
                )
            )
        settings = self._openai_settings()
        notices = []
        if not settings.api_key:
            notices.append(self._ai_not_configured_notice())
        else:
            # Everything the threads need is read here: they get plain data only.
            jobs = {
                line.id: openai_client.build_summary_messages(
                    line.ticket_id._engagement_summary_payload(), line.findings
                )
                for line in lines
            }
            results = openai_client.generate_summaries(jobs, settings)
            failed = self.env["fusion.helpdesk.engagement.wizard.line"]
            for line in lines:
                summary = results.get(line.id)
                if summary:
                    line.write(
                        {"summary": summary, **self._prepare_ai_provenance(summary, settings)}
                    )
                else:
                    failed |= line
            if failed:
                notices.append(
                    self.env._(
                        "The AI could not write the summary of %s (service unavailable "
                        "or too slow). Try again, or type those summaries yourself.",
                        ", ".join(failed.mapped("ticket_id.number")),
                    )
                )
        if kept:
            notices.append(self._ai_kept_notice(kept))
        if blocked:
            notices.append(self._ai_blocked_notice(blocked))
        if skipped:
            notices.append(
                self.env._(
                    "Skipped, no findings yet: %s.",
                    ", ".join(skipped.mapped("ticket_id.number")),
                )
            )
        self.ai_notice = "\n".join(notices) or False
        return self._action_reopen()

    @api.model
    def _prepare_ai_provenance(self, summary, settings):
        """What the wizard (or a line) remembers of a summary the AI wrote."""
        return {
            "ai_summary": summary,
            "ai_model": settings.model,
            "ai_generated_at": fields.Datetime.now(),
        }

    @api.model
    def _engagement_provenance(self, record):
        """AI provenance of the summary of ``record`` (the wizard or a line),
        as ``_engagement_start`` takes it."""
        if not record.ai_summary:
            return {}
        return {
            "ai_model": record.ai_model,
            "ai_generated_at": record.ai_generated_at,
            "summary_edited": (record.summary or "").strip() != record.ai_summary.strip(),
        }

    def _openai_settings(self):
        """OpenAI settings from the system parameters (key may come from env)."""
        params = self.env["ir.config_parameter"].sudo()
        return openai_client.openai_settings(
            {key: params.get_param(key) or "" for key in OPENAI_PARAMS}
        )

    def _ai_kept_notice(self, lines):
        return self.env._(
            "Kept your edited summary of %s. To replace them with new ones from the "
            "AI, generate again and confirm.",
            ", ".join(lines.mapped("ticket_id.number")),
        )

    def _ai_blocked_notice(self, lines):
        if not lines:
            return ""
        return self.env._(
            "No summary generated for %s: it cannot be sent (see the red rows).",
            ", ".join(lines.mapped("ticket_id.number")),
        )

    def _ai_not_configured_notice(self):
        return self.env._(
            "AI summaries are not configured (no OpenAI API key in Settings > "
            "Helpdesk). Type the summary yourself: it is sent exactly like a "
            "generated one."
        )

    def _action_reopen(self):
        """Action showing this same wizard again, so the engineer can review."""
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Request Owner Approval"),
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": self.env.context,
        }

    # ------------------------------------------------------------------
    # Sending
    # ------------------------------------------------------------------
    def action_send(self):
        """Validate every ticket, start their engagements and email the owners.
        Bulk: the valid rows are sent and the others skipped, as Odoo's mass
        actions do; the notification names them with the reason, and the
        wizard stays open on the skipped rows when they hold typed text."""
        self.ensure_one()
        tickets, skipped = self._send()
        within_budget = tickets.filtered(lambda ticket: ticket.sudo().engagement_id.auto_approved)
        asked = tickets - within_budget
        parts = []
        if asked:
            parts.append(
                self.env._(
                    "Approval requested from the owner for %s.",
                    ", ".join(asked.mapped("number")),
                )
            )
        if within_budget:
            parts.append(
                self.env._(
                    "Approved within the client's pre-approved budget, without asking the "
                    "owner: %s.",
                    ", ".join(within_budget.mapped("number")),
                )
            )
        message = " ".join(parts)
        if skipped:
            message = "%s\n%s" % (
                message,
                self.env._("Not sent: %s.", "; ".join(skipped)),
            )
        keep_open = bool(skipped) and any(
            (line.findings or "").strip() or (line.summary or "").strip() for line in self.line_ids
        )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "warning" if skipped else "success",
                "message": message,
                "sticky": bool(skipped),
                "next": self._action_reopen()
                if keep_open
                else {"type": "ir.actions.act_window_close"},
            },
        }

    def _send(self):
        """Send; returns the engaged tickets and, in bulk, what was skipped
        (one "ticket (reasons)" text each). Bulk rows that cannot be sent are
        skipped (``_split_engagement_values``) and stay in the wizard; the
        sent rows leave it."""
        self.ensure_one()
        items = self._prepare_engagement_values()
        skipped = []
        if self.mode == "bulk":
            items, skipped = self._split_engagement_values(items)
        self._check_engagement_values(items)
        tickets = self.env["helpdesk.ticket"]
        revised = {}
        tokens = {}
        for item in items:
            ticket = item["ticket"]
            revised[ticket] = ticket._engagement_revised_round()
            tokens[ticket.id] = ticket._engagement_start(
                item["findings"], item["summary"], item.get("provenance"), item.get("estimate")
            )
            tickets |= ticket
        tickets._engagement_send_mails(tokens)
        for ticket, engagement in revised.items():
            if engagement:
                ticket._engagement_close_decision_todos(engagement)
        if skipped:
            self.line_ids.filtered(lambda line: line.ticket_id in tickets).unlink()
        return tickets, [
            "%s (%s)" % (item["ticket"].number or item["ticket"].name, "; ".join(errors))
            for item, errors in skipped
        ]

    def _split_engagement_values(self, items):
        """``(sendable, skipped)``: the items that can be sent, and
        ``(item, reasons)`` of those that cannot. All skipped raises, naming
        each with its reasons, and sends nothing."""
        sendable, skipped = [], []
        for item in items:
            errors = item["ticket"]._engagement_send_errors(item["summary"])
            if errors:
                skipped.append((item, errors))
            else:
                sendable.append(item)
        if skipped and not sendable:
            self._check_engagement_values(items)
        return sendable, skipped

    def _prepare_engagement_values(self):
        """One dict per ticket to engage: ``ticket``, ``findings``, ``summary``.
        Override to alter what is sent."""
        self.ensure_one()
        if self.mode == "single":
            return [
                {
                    "ticket": ticket,
                    "findings": self.findings,
                    "summary": self.summary,
                    "provenance": self._engagement_provenance(self),
                    "estimate": self._prepare_estimate(self),
                }
                for ticket in self.ticket_ids
            ]
        return [
            {
                "ticket": line.ticket_id,
                "findings": line.findings,
                "summary": line.summary,
                "provenance": self._engagement_provenance(line),
                "estimate": self._prepare_estimate(line),
            }
            for line in self.line_ids
        ]

    def _prepare_estimate(self, record):
        """The estimate of ``record`` (the wizard or a line): ``hours``,
        ``amount`` (0 = price the hours at the client's rate), ``ask_owner``."""
        return {
            "hours": record.estimate_hours,
            "amount": record.estimate_amount,
            "ask_owner": bool(self.ask_owner),
        }

    def _check_engagement_values(self, items):
        """Raise one error naming every ticket that cannot be sent, and why;
        nothing is sent unless every ticket passes."""
        if not items:
            raise UserError(self.env._("There is no ticket to send."))
        problems = []
        for item in items:
            errors = item["ticket"]._engagement_send_errors(item["summary"])
            if errors:
                problems.append("%s: %s" % (item["ticket"].display_name, "; ".join(errors)))
        if problems:
            raise UserError(
                self.env._("Nothing was sent. Fix these tickets first:\n%s", "\n".join(problems))
            )
