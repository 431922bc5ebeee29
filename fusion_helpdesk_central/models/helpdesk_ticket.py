# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging
import uuid
from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Domain
from odoo.tools import SQL, email_normalize, html2plaintext

_logger = logging.getLogger(__name__)

ENGAGEMENT_ROUTE = "/fusion_helpdesk/engagement"
ENGAGEMENT_DECISIONS = ("approve", "reject")

ENGAGEMENT_STATES = [
    ("none", "Not Engaged"),
    ("pending", "Pending"),
    ("approved", "Approved"),
    ("rejected", "Rejected"),
]


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
    engagement_state = fields.Selection(
        selection=ENGAGEMENT_STATES,
        default="none",
        required=True,
        copy=False,
        tracking=True,
        index=True,
    )
    engagement_owner_email = fields.Char(copy=False, readonly=True)
    engagement_owner_name = fields.Char(copy=False, readonly=True)
    engagement_token = fields.Char(copy=False, readonly=True, groups="base.group_system")
    engagement_sent_at = fields.Datetime(copy=False, readonly=True)
    engagement_reminded_at = fields.Datetime(copy=False, readonly=True)
    engagement_overdue = fields.Boolean(
        string="Overdue",
        compute="_compute_engagement_overdue",
        search="_search_engagement_overdue",
        help="Pending for longer than the reminder delay (3 days when reminders are off).",
    )
    engagement_decided_at = fields.Datetime(copy=False, readonly=True)
    engagement_findings = fields.Text(copy=False, readonly=True)
    engagement_summary = fields.Text(copy=False, readonly=True)
    engagement_decision_comment = fields.Text(copy=False, readonly=True)
    engagement_decision_ip = fields.Char(
        string="Decision IP Address", copy=False, readonly=True
    )
    engagement_decision_user_agent = fields.Char(copy=False, readonly=True)
    engagement_decision_message_id = fields.Many2one(
        comodel_name="mail.message",
        copy=False,
        readonly=True,
        help="Public comment that carries the owner's decision.",
    )
    engagement_turnaround_hours = fields.Float(
        compute="_compute_engagement_turnaround_hours",
        store=True,
        aggregator="avg",
        digits=(16, 2),
        help="Hours between sending the engagement and the owner's decision.",
    )

    _engagement_token_unique = models.UniqueIndex(
        "(engagement_token) WHERE engagement_token IS NOT NULL"
    )
    _engagement_reminder_due_index = models.Index(
        "(engagement_sent_at) WHERE engagement_state = 'pending'"
        " AND engagement_reminded_at IS NULL"
    )

    @api.depends("engagement_sent_at", "engagement_decided_at")
    def _compute_engagement_turnaround_hours(self):
        for ticket in self:
            if ticket.engagement_sent_at and ticket.engagement_decided_at:
                delta = ticket.engagement_decided_at - ticket.engagement_sent_at
                ticket.engagement_turnaround_hours = delta.total_seconds() / 3600.0
            else:
                ticket.engagement_turnaround_hours = 0.0

    def _get_engagement_url(self, decision):
        """Absolute magic link of the pending engagement for ``decision``."""
        self.ensure_one()
        token = self.sudo().engagement_token
        if not token or decision not in ENGAGEMENT_DECISIONS:
            return False
        return "%s%s/%s/%s" % (self.get_base_url(), ENGAGEMENT_ROUTE, token, decision)

    # ------------------------------------------------------------------
    # Engagement: sending (see wizards/fusion_helpdesk_engagement_wizard.py)
    # ------------------------------------------------------------------
    # Chatter messages written by people (public replies, notes, incoming
    # emails), as opposed to tracking and system notifications.
    _engagement_chatter_types = ("comment", "email")

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

    def _engagement_summary_payload(self):
        """Plain data of the ticket for the summary prompt (no ORM in threads)."""
        self.ensure_one()
        messages = self.message_ids.filtered(
            lambda m: m.message_type in self._engagement_chatter_types
        ).sorted(lambda m: (m.date, m.id))
        chatter = []
        for message in messages:
            body = html2plaintext(message.body or "").strip()
            if body:
                chatter.append(
                    {
                        "author": message.author_id.name or message.email_from or "",
                        "date": fields.Datetime.to_string(message.date) or "",
                        "body": body,
                    }
                )
        return {
            "number": self.number or "",
            "name": self.name or "",
            "client": self.client_key_id.name
            or self.partner_id.commercial_partner_id.name
            or "",
            "description": html2plaintext(self.description or "").strip(),
            "chatter": chatter,
        }

    def _engagement_send_errors(self, summary):
        """Reasons (translated, short) why this ticket cannot be sent to its
        owner with ``summary``; empty when it can. Override to add checks."""
        self.ensure_one()
        errors = []
        if not (summary or "").strip():
            errors.append(self.env._("the summary is empty"))
        client = self.client_key_id
        if not client:
            errors.append(self.env._("the ticket has no client, so no owner to ask"))
        elif not (client.owner_email or "").strip():
            errors.append(
                self.env._("the owner email of client %s is not known", client.name)
            )
        elif not email_normalize(client.owner_email):
            errors.append(
                self.env._(
                    "the owner email %(email)s of client %(client)s is not valid",
                    email=client.owner_email,
                    client=client.name,
                )
            )
        if not self.has_access("write"):
            errors.append(self.env._("you are not allowed to modify this ticket"))
        return errors

    def _engagement_prepare_values(self, findings, summary):
        """Field values of a fresh engagement: owner snapshot, new token,
        ``pending``; every trace of the previous one cleared. Override to add."""
        self.ensure_one()
        client = self.client_key_id
        return {
            "engagement_state": "pending",
            "engagement_owner_email": email_normalize(client.owner_email or ""),
            "engagement_owner_name": (client.owner_name or "").strip() or False,
            # A new token on every send: the links of any earlier mail die.
            "engagement_token": str(uuid.uuid4()),
            "engagement_sent_at": fields.Datetime.now(),
            "engagement_reminded_at": False,
            "engagement_decided_at": False,
            "engagement_findings": (findings or "").strip() or False,
            "engagement_summary": (summary or "").strip(),
            "engagement_decision_comment": False,
            "engagement_decision_ip": False,
            "engagement_decision_user_agent": False,
            "engagement_decision_message_id": False,
        }

    def _engagement_start(self, findings, summary):
        """Start a fresh engagement on this ticket and record it in an
        internal note. The mail is sent by ``_engagement_send_mails``."""
        self.ensure_one()
        errors = self._engagement_send_errors(summary)
        if errors:
            raise UserError(
                self.env._(
                    "Ticket %(ticket)s cannot be sent to its owner: %(reasons)s.",
                    ticket=self.display_name,
                    reasons="; ".join(errors),
                )
            )
        values = self._engagement_prepare_values(findings, summary)
        # The token is readable by administrators only; the engineer's right
        # to write the ticket was checked above.
        self.sudo().write(values)
        self._engagement_post_sent_note()
        return True

    def _engagement_post_sent_note(self):
        """Internal note recording what was sent to the owner (never the links)."""
        self.ensure_one()
        owner = self.engagement_owner_email
        if self.engagement_owner_name:
            owner = "%s (%s)" % (self.engagement_owner_name, owner)
        body = Markup("<p>%s</p>") % self.env._("Owner approval requested from %s.", owner)
        sections = [(self.env._("Summary sent:"), self.engagement_summary)]
        if self.engagement_findings:
            sections.append((self.env._("Engineer's findings sent:"), self.engagement_findings))
        for label, text in sections:
            # Markup.join escapes each line: the texts are plain, typed by people.
            lines = Markup("<br/>").join((text or "").splitlines())
            body += Markup("<p><strong>%s</strong><br/>%s</p>") % (label, lines)
        return self.message_post(
            body=body, message_type="comment", subtype_xmlid="mail.mt_note"
        )

    def _engagement_owner_lang(self):
        """Language to write to the owner in: their partner's when known,
        else the requester's; empty means the sender's language."""
        self.ensure_one()
        email = email_normalize(self.engagement_owner_email or "")
        partner = self.env["res.partner"]
        if email:
            partner = partner.sudo().search(
                [("email_normalized", "=", email), ("lang", "!=", False)], limit=1
            )
        return partner.lang or self.partner_id.lang or ""

    def _engagement_mail_tickets(self):
        """Tickets one engagement mail rendered on ``self`` presents: those
        given by the sender in the context, restricted to the same owner."""
        self.ensure_one()
        ticket_ids = self.env.context.get("fusion_engagement_ticket_ids") or self.ids
        tickets = self.browse(ticket_ids).exists() | self
        owner = email_normalize(self.engagement_owner_email or "")
        return tickets.filtered(
            lambda t: t.engagement_state == "pending"
            and email_normalize(t.engagement_owner_email or "") == owner
        ).sorted("id")

    def _engagement_mail_groups(self):
        """Pending tickets of ``self`` grouped by owner email, in id order."""
        groups = {}
        for ticket in self.sorted("id"):
            email = email_normalize(ticket.engagement_owner_email or "")
            if ticket.engagement_state != "pending" or not email:
                continue
            if not ticket.sudo().engagement_token:
                continue
            groups.setdefault(email, self.browse())
            groups[email] |= ticket
        return groups

    def _engagement_send_mails(self, reminder=False):
        """Email every owner their pending engagements among ``self``: one
        mail per owner, single template for one ticket, bulk template (one
        card per ticket) for several; ``reminder`` renders them as reminders.
        Returns the queued ``mail.mail`` records."""
        single = self.env.ref("fusion_helpdesk_central.mail_template_engagement_single")
        bulk = self.env.ref("fusion_helpdesk_central.mail_template_engagement_bulk")
        mails = self.env["mail.mail"].sudo()
        for tickets in self._engagement_mail_groups().values():
            template = single if len(tickets) == 1 else bulk
            # Both keys are read by the templates (subject and body).
            mails |= template.with_context(
                fusion_engagement_ticket_ids=tickets.ids,
                fusion_engagement_reminder=bool(reminder),
            ).send_mail_batch(
                tickets[:1].ids,
                # The mail carries the owner's magic links: keep it off the
                # ticket's thread, where engineers and the client's thread
                # API would see usable links.
                email_values={"model": False, "res_id": False},
            )
        if mails:
            # Approval requests should not wait for the hourly mail queue.
            cron = self.env.ref("mail.ir_cron_mail_scheduler_action", raise_if_not_found=False)
            if cron:
                cron._trigger()
        return mails

    # ------------------------------------------------------------------
    # Engagement: owner decision (see controllers/main.py)
    # ------------------------------------------------------------------

    # ------------------------------------------------------------------
    # Engagement: reminders
    # ------------------------------------------------------------------

    _engagement_reminder_days_param = "fusion_helpdesk_central.engagement_reminder_days"
    _engagement_reminder_days_default = 3
    # Tickets locked and reminded per transaction; each batch is committed on its own.
    _engagement_reminder_batch_size = 100
    _engagement_reminder_retry_delay = timedelta(minutes=5)

    @api.depends("engagement_state", "engagement_sent_at")
    def _compute_engagement_overdue(self):
        deadline = fields.Datetime.now() - timedelta(days=self._engagement_overdue_days())
        for ticket in self:
            ticket.engagement_overdue = bool(
                ticket.engagement_state == "pending"
                and ticket.engagement_sent_at
                and ticket.engagement_sent_at <= deadline
            )

    def _search_engagement_overdue(self, operator, value):
        # Boolean conditions reach us normalized to ``in [True]``; Odoo negates the rest.
        if operator != "in":
            return NotImplemented
        deadline = fields.Datetime.now() - timedelta(days=self._engagement_overdue_days())
        return [
            ("engagement_state", "=", "pending"),
            ("engagement_sent_at", "<=", deadline),
        ]

    @api.model
    def _engagement_reminder_days(self):
        """Configured reminder delay in days; 0 or less turns reminders off."""
        default = self._engagement_reminder_days_default
        value = self.env["ir.config_parameter"].sudo().get_param(
            self._engagement_reminder_days_param
        )
        if value is False or not str(value).strip():
            return default
        try:
            return int(value)
        except ValueError:
            _logger.warning(
                "Ignoring the invalid reminder delay %r (%s): using the default of %s days.",
                value,
                self._engagement_reminder_days_param,
                default,
            )
            return default

    @api.model
    def _engagement_overdue_days(self):
        """Age in days after which a pending engagement counts as overdue."""
        days = self._engagement_reminder_days()
        return days if days > 0 else self._engagement_reminder_days_default

    @api.model
    def _engagement_due_for_reminder_domain(self, now, days):
        """Pending engagements sent ``days`` before ``now`` or earlier and never
        reminded; override to narrow the selection."""
        # Matches the partial index _engagement_reminder_due_index.
        return Domain(
            [
                ("engagement_state", "=", "pending"),
                ("engagement_reminded_at", "=", False),
                ("engagement_sent_at", "<=", now - timedelta(days=days)),
            ]
        )

    @api.model
    def _engagement_remind_due(self, domain):
        """Remind the tickets matching ``domain``, one committed batch at a time.

        Each batch is locked, flagged and mailed in the same transaction, so a
        crash or a concurrent run never sends a second reminder; the next run
        carries on where this one stopped.
        """
        cron = self.env["ir.cron"]
        cron._commit_progress(remaining=self.search_count(domain))
        # Walk the index order once (keyset pagination): tickets skipped because
        # locked or failing are passed over, so the loop always ends.
        after = Domain.TRUE
        locked = False
        while True:
            candidates = self.search_fetch(
                domain & after,
                ["engagement_sent_at"],
                order="engagement_sent_at, id",
                limit=self._engagement_reminder_batch_size,
            )
            if not candidates:
                break
            last = candidates[-1]
            after = Domain("engagement_sent_at", ">", last.engagement_sent_at) | (
                Domain("engagement_sent_at", "=", last.engagement_sent_at)
                & Domain("id", ">", last.id)
            )
            tickets = candidates.try_lock_for_update().filtered_domain(domain)
            locked = locked or len(tickets) < len(candidates)
            tickets._engagement_remind_isolated()
            if not cron._commit_progress(len(candidates)):
                return
        if locked:
            # Someone holds those rows right now (e.g. the owner deciding):
            # try again soon rather than tomorrow, without a busy loop.
            reminder_cron = self.env.ref(
                "fusion_helpdesk_central.ir_cron_engagement_reminder",
                raise_if_not_found=False,
            )
            if reminder_cron:
                reminder_cron._trigger(
                    fields.Datetime.now() + self._engagement_reminder_retry_delay
                )
        cron._commit_progress(remaining=0)

    def _engagement_remind_isolated(self):
        """Remind these locked tickets; return those reminded.

        A batch that fails is retried ticket by ticket so that one broken ticket
        cannot block the others; a failing ticket stays due for the next run.
        """
        if not self:
            return self
        try:
            with self.env.cr.savepoint():
                self._engagement_send_reminders()
        except Exception:
            if len(self) > 1:
                return self.browse().union(
                    *(ticket._engagement_remind_isolated() for ticket in self)
                )
            _logger.exception("Could not send the engagement reminder of ticket %s", self.id)
            return self.browse()
        return self

    def _engagement_send_reminders(self):
        """Send the one reminder of these pending engagements, with the same
        decision links, and flag them; override to remind differently."""
        self.write({"engagement_reminded_at": fields.Datetime.now()})
        self._engagement_send_mails(reminder=True)
        self._engagement_post_reminder_note()

    def _engagement_post_reminder_note(self):
        """Internal note telling the engineers that the owner was reminded."""
        for ticket in self:
            ticket.message_post(
                body=self.env._(
                    "Reminder sent to the owner, %s: no decision yet.",
                    ticket.engagement_owner_email,
                ),
                message_type="comment",
                subtype_xmlid="mail.mt_note",
            )

    @api.model
    def _read_group_select(self, aggregate_spec, query):
        # Undecided engagements store a turnaround of 0.0 (a Float cannot be
        # NULL): keep them out of the average, minimum and maximum so pending
        # tickets do not make owners look faster than they are.
        fname, __, func = aggregate_spec.partition(":")
        if fname != "engagement_turnaround_hours" or func not in ("avg", "min", "max"):
            return super()._read_group_select(aggregate_spec, query)
        return SQL(
            "%s(CASE WHEN %s IS NOT NULL THEN %s END)",
            SQL(func.upper()),
            self._field_to_sql(self._table, "engagement_decided_at", query),
            self._field_to_sql(self._table, fname, query),
        )

    @api.model
    def _cron_engagement_reminder(self):
        """Remind the owners of the engagements pending for too long (daily cron)."""
        days = self._engagement_reminder_days()
        if days <= 0:
            return
        domain = self._engagement_due_for_reminder_domain(fields.Datetime.now(), days)
        self._engagement_remind_due(domain)
