# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging
import uuid
from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.fields import Domain
from odoo.tools import (
    SQL,
    email_normalize,
    formataddr,
    html2plaintext,
    html_sanitize,
    is_html_empty,
    parse_contact_from_email,
    plaintext2html,
)

from .. import utils

_logger = logging.getLogger(__name__)

ENGAGEMENT_ROUTE = "/fusion_helpdesk/engagement"
REMINDER_DAYS_PARAM = "fusion_helpdesk_central.engagement_reminder_days"
DEFAULT_REMINDER_DAYS = 3
ENGAGEMENT_DECISIONS = ("approve", "reject")

ENGAGEMENT_STATES = [
    ("none", "Not Engaged"),
    ("pending", "Pending"),
    ("approved", "Approved"),
    ("rejected", "Rejected"),
]


def text_lines_html(text):
    """Plain text typed by people as HTML lines: every line escaped, only our <br/>."""
    return Markup("<br/>").join((text or "").splitlines())


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
        "engagement_decision_comment",
        "engagement_decision_ip",
        "engagement_decision_user_agent",
        "engagement_decision_message_id",
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
    engagement_state = fields.Selection(
        selection=ENGAGEMENT_STATES,
        default="none",
        required=True,
        copy=False,
        readonly=True,
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
    # Personal data of the owner: for the support team, not for requesters and
    # followers who can read the ticket.
    engagement_decision_ip = fields.Char(
        string="Decision IP Address",
        copy=False,
        readonly=True,
        groups="helpdesk_mgmt.group_helpdesk_user_own",
    )
    engagement_decision_user_agent = fields.Char(
        copy=False, readonly=True, groups="helpdesk_mgmt.group_helpdesk_user_own"
    )
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
        "(engagement_sent_at) WHERE engagement_state = 'pending' AND engagement_reminded_at IS NULL"
    )

    @api.depends("engagement_sent_at", "engagement_decided_at")
    def _compute_engagement_turnaround_hours(self):
        for ticket in self:
            if ticket.engagement_sent_at and ticket.engagement_decided_at:
                delta = ticket.engagement_decided_at - ticket.engagement_sent_at
                ticket.engagement_turnaround_hours = delta.total_seconds() / 3600.0
            else:
                ticket.engagement_turnaround_hours = 0.0

    # Intake API (see controllers/api.py and fusion_helpdesk_client_key.py)
    @api.model
    def _prepare_intake_ticket_values(self, client_key, payload):
        """Values of the ticket created from a validated intake ``payload`` sent
        with ``client_key``; override to fill more fields."""
        partner = self._intake_find_or_create_partner(
            payload["requester_name"], payload["requester_email"]
        )
        values = {
            "name": payload["subject"],
            "description": plaintext2html(payload["description"]),
            "client_key_id": client_key.id,
            "client_ref": payload.get("client_ref") or False,
            "partner_id": partner.id,
            "partner_name": payload["requester_name"],
            "partner_email": payload["requester_email"],
            # Not the API's technical user, even when helpdesk auto-assigns.
            "user_id": False,
        }
        channel = self.env.ref(
            "helpdesk_mgmt.helpdesk_ticket_channel_web", raise_if_not_found=False
        )
        if channel:
            values["channel_id"] = channel.id
        return values

    @api.model
    def _intake_find_or_create_partner(self, name, email):
        """Contact of the requester: the oldest one with ``email``, or a new one."""
        Partner = self.env["res.partner"]
        partner = Partner.search(
            [("email_normalized", "=", email_normalize(email))], order="id", limit=1
        )
        return partner or Partner.create({"name": name, "email": email})

    def _fusion_thread_messages(self):
        """Public messages of the ticket, oldest first: comments and emails that
        are not internal and say something. Never notes, tracking or system
        notifications (so never an engagement email and its magic links)."""
        self.ensure_one()
        messages = self.env["mail.message"].search(
            [
                ("model", "=", self._name),
                ("res_id", "=", self.id),
                ("message_type", "in", ("comment", "email")),
                ("is_internal", "=", False),
                ("subtype_id", "!=", False),
                ("subtype_id.internal", "=", False),
            ],
            order="date, id",
        )
        return messages.filtered(lambda message: not is_html_empty(message.body))

    def _prepare_thread_values(self):
        """The ``ticket`` block of the thread API answer."""
        self.ensure_one()
        return {
            "id": self.id,
            "number": self.number,
            "name": self.name,
            "stage": self.stage_id.name or None,
            "engagement_state": self.engagement_state,
        }

    def _prepare_thread_message_values(self, message):
        """One message of the thread API answer; override to add keys."""
        self.ensure_one()
        author = message.author_id.name
        if not author and message.email_from:
            name, email = parse_contact_from_email(message.email_from)
            author = name or email
        decision = None
        if message == self.engagement_decision_message_id and self.engagement_state in (
            "approved",
            "rejected",
        ):
            decision = {
                "state": self.engagement_state,
                "comment": self.engagement_decision_comment or "",
            }
        return {
            "id": message.id,
            "author": author or "",
            "date": fields.Datetime.to_string(message.date),
            "body": str(html_sanitize(message.body)),
            "decision": decision,
        }

    def write(self, vals):
        """Refuse direct edits of the engagement fields: only the flow sets them."""
        if not self.env.su and ENGAGEMENT_PROTECTED_FIELDS.intersection(vals):
            raise AccessError(
                self.env._(
                    "The owner approval of a ticket changes only through Request Owner "
                    "Approval and the owner's own decision."
                )
            )
        return super().write(vals)

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
        # Public messages only: the summary goes to the client's owner, so
        # internal notes (and earlier engagement notes) must not reach it.
        messages = self._fusion_thread_messages()[-utils.MAX_CHATTER_MESSAGES :]
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
            "client": self.client_key_id.name or self.partner_id.commercial_partner_id.name or "",
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
            errors.append(self.env._("the owner email of client %s is not known", client.name))
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
            body += Markup("<p><strong>%s</strong><br/>%s</p>") % (label, text_lines_html(text))
        return self.message_post(body=body, message_type="comment", subtype_xmlid="mail.mt_note")

    def _engagement_mail_tickets(self):
        """Tickets one engagement mail rendered on ``self`` presents: those
        given by the sender in the context, restricted to the same owner."""
        self.ensure_one()
        ticket_ids = self.env.context.get("fusion_engagement_ticket_ids") or self.ids
        tickets = self.browse(ticket_ids).exists() | self
        owner = email_normalize(self.engagement_owner_email or "")
        return tickets.filtered(
            lambda t: (
                t.engagement_state == "pending"
                and email_normalize(t.engagement_owner_email or "") == owner
            )
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
                email_values={
                    "model": False,
                    "res_id": False,
                    "fusion_engagement_ticket_ids": [fields.Command.set(tickets.ids)],
                },
            )
        if mails:
            # Approval requests should not wait for the hourly mail queue.
            cron = self.env.ref("mail.ir_cron_mail_scheduler_action", raise_if_not_found=False)
            if cron:
                cron._trigger()
        return mails

    def _engagement_post_mail_failure(self, email_to, reason):
        """Tell the engineers on each ticket that the owner's mail did not leave."""
        for ticket in self:
            ticket.message_post(
                body=self.env._(
                    "The approval email to %(owner)s could not be sent (%(reason)s). Check "
                    "the owner's address and the outgoing mail server, then request the "
                    "approval again.",
                    owner=email_to or ticket.engagement_owner_email,
                    reason=reason,
                ),
                message_type="comment",
                subtype_xmlid="mail.mt_note",
                partner_ids=ticket.user_id.partner_id.ids,
            )

    # ------------------------------------------------------------------
    # Engagement: owner decision (see controllers/main.py)
    # ------------------------------------------------------------------

    @api.model
    def _engagement_token_lookup_values(self, token):
        """Stored forms of a well-formed UUID4 ``token`` (canonical and hex), or ()."""
        # Reject anything that is not exactly a UUID4 before touching the
        # database: the lookup then only ever sees values of one fixed shape.
        if not isinstance(token, str) or len(token) not in (32, 36):
            return ()
        try:
            parsed = uuid.UUID(token)
        except ValueError:
            return ()
        forms = (str(parsed), parsed.hex)
        if parsed.version != 4 or token.lower() not in forms:
            return ()
        return forms

    @api.model
    def _engagement_find_pending(self, token):
        """Pending ticket (sudo) whose engagement link carries ``token``, or empty."""
        forms = self._engagement_token_lookup_values(token)
        if not forms:
            return self.sudo().browse()
        # Exact match through the unique index (as portal access tokens are
        # looked up): no Python comparison with a stored secret, no prefix or
        # LIKE search whose timing could tell a near miss from a far one.
        return (
            self.sudo()
            .with_context(active_test=False)
            .search(
                [("engagement_token", "in", list(forms)), ("engagement_state", "=", "pending")],
                limit=1,
            )
        )

    @api.model
    def _engagement_decision_fnames(self):
        """Fields the decision's SQL statement writes (cache and computes follow them)."""
        return [
            "engagement_state",
            "engagement_decided_at",
            "engagement_token",
            "engagement_decision_comment",
            "engagement_decision_ip",
            "engagement_decision_user_agent",
        ]

    @api.model
    def _engagement_decide(self, token, decision, comment=None, ip=None, user_agent=None):
        """Record the owner's ``decision`` once; return the ticket (sudo), or empty."""
        forms = self._engagement_token_lookup_values(token)
        if not forms or decision not in ENGAGEMENT_DECISIONS:
            return self.sudo().browse()
        state = "approved" if decision == "approve" else "rejected"
        # Bounded like the confirm page's textarea (a forged POST could send more).
        comment = (comment or "").strip()[:10000] or None
        user_agent = (user_agent or "")[:1024] or None
        fnames = self._engagement_decision_fnames()
        self.flush_model(fnames)
        # One statement checks and consumes the token. PostgreSQL row-locks the
        # ticket: a racing POST waits on that lock and, once the winner commits,
        # either finds the token gone (0 rows: invalid page) or, under Odoo's
        # REPEATABLE READ, fails with SerializationFailure, which must reach
        # Odoo's retrying() so the request is replayed and then finds 0 rows.
        # No check-then-write window: exactly one decision. log_exceptions=False
        # keeps the token out of the "bad query" log line of that failure.
        self.env.cr.execute(
            SQL(
                """
                UPDATE helpdesk_ticket
                   SET engagement_state = %(state)s,
                       engagement_decided_at = %(now)s,
                       engagement_token = NULL,
                       engagement_decision_comment = %(comment)s,
                       engagement_decision_ip = %(ip)s,
                       engagement_decision_user_agent = %(user_agent)s,
                       write_uid = %(uid)s,
                       write_date = %(now)s
                 WHERE engagement_token IN %(forms)s
                   AND engagement_state = 'pending'
             RETURNING id
                """,
                state=state,
                comment=comment,
                ip=ip or None,
                user_agent=user_agent,
                uid=self.env.uid,
                # NOW() AT TIME ZONE 'UTC' of this transaction, as the ORM uses.
                now=self.env.cr.now(),
                forms=forms,
            ),
            log_exceptions=False,
        )
        tickets = self.sudo().browse(row[0] for row in self.env.cr.fetchall())
        if not tickets:
            return tickets
        # The ORM did not see the UPDATE: drop its cache and let the stored
        # turnaround (which depends on decided_at) recompute.
        tickets.invalidate_recordset(fnames + ["write_uid", "write_date"])
        tickets.modified(fnames)
        tickets._engagement_post_decision_message()
        tickets._engagement_notify_engineer()
        return tickets

    def _engagement_owner_partner(self, create=False):
        """Partner of the snapshotted owner (found by email; created when ``create``)."""
        self.ensure_one()
        email = self.engagement_owner_email
        if not email:
            return self.env["res.partner"]
        return self.sudo()._partner_find_from_emails_single(
            [formataddr((self.engagement_owner_name or "", email))],
            no_create=not create,
        )

    def _engagement_page_lang(self):
        """Language of the owner's pages: the owner's, else the company's."""
        self.ensure_one()
        return (
            self._engagement_owner_partner().lang or self.sudo().company_id.partner_id.lang or False
        )

    def _prepare_engagement_decision_message_values(self):
        """``message_post`` values of the decision comment; override to change it."""
        self.ensure_one()
        state_labels = dict(self._fields["engagement_state"]._description_selection(self.env))
        body = Markup("<p><strong>%s</strong></p>") % self.env._(
            "Owner decision: %s", state_labels[self.engagement_state]
        )
        if self.engagement_decision_comment:
            body += Markup("<p>%s</p>") % text_lines_html(self.engagement_decision_comment)
        return {
            "body": body,
            "author_id": self._engagement_owner_partner(create=True).id,
            "message_type": "comment",
            "subtype_xmlid": "mail.mt_comment",
        }

    def _engagement_post_decision_message(self):
        """Post each ticket's decision as a public comment authored by its owner."""
        # The owner answers once through a magic link: never make them a
        # follower who would then receive every later reply on the ticket.
        poster = self.with_context(
            mail_create_nosubscribe=True,
            mail_post_autofollow=False,
            mail_post_autofollow_author_skip=True,
        )
        for ticket in poster:
            message = ticket.message_post(**ticket._prepare_engagement_decision_message_values())
            ticket.engagement_decision_message_id = message

    def _engagement_notify_engineer(self):
        """Give the assigned engineer a to-do about the decision; override to notify otherwise."""
        for ticket in self.filtered("user_id"):
            engineer = ticket.user_id
            ticket = ticket.with_context(lang=engineer.lang or self.env.lang)
            state_labels = dict(
                ticket._fields["engagement_state"]._description_selection(ticket.env)
            )
            owner = ticket.engagement_owner_name or ticket.engagement_owner_email
            if ticket.engagement_state == "approved":
                sentence = ticket.env._(
                    "%(owner)s approved the proposed work on %(ticket)s.",
                    owner=owner,
                    ticket=ticket.display_name,
                )
            else:
                sentence = ticket.env._(
                    "%(owner)s rejected the proposed work on %(ticket)s.",
                    owner=owner,
                    ticket=ticket.display_name,
                )
            note = Markup("<p>%s</p>") % sentence
            if ticket.engagement_decision_comment:
                note += Markup("<p>%s</p>") % text_lines_html(ticket.engagement_decision_comment)
            ticket.activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=engineer.id,
                summary=ticket.env._("Owner decision: %s", state_labels[ticket.engagement_state]),
                note=note,
            )

    # ------------------------------------------------------------------
    # Engagement: reminders
    # ------------------------------------------------------------------

    _engagement_reminder_days_param = REMINDER_DAYS_PARAM
    _engagement_reminder_days_default = DEFAULT_REMINDER_DAYS
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
        value = (
            self.env["ir.config_parameter"].sudo().get_param(self._engagement_reminder_days_param)
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
        self.sudo().write({"engagement_reminded_at": fields.Datetime.now()})
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
