# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Owner approval of a ticket: sending, the magic links and the owner's decision."""

import logging
import uuid

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import (
    SQL,
    email_normalize,
    formataddr,
    html2plaintext,
)

from .. import utils
from .helpdesk_ticket import (
    ENGAGEMENT_DECISIONS,
    ENGAGEMENT_ROUTE,
    text_lines_html,
)

_logger = logging.getLogger(__name__)


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    def _get_engagement_url(self, decision):
        """Absolute magic link of the pending engagement for ``decision``, or False.

        The live token only exists while its email is being built: the sender
        hands it to the templates through the context. Any other rendering (mail
        composer, chatter, a template preview) gets no link, whoever asks.
        """
        self.ensure_one()
        links = self.env.context.get("fusion_engagement_links") or {}
        token = links.get(self.id) or links.get(str(self.id))
        if not token or not isinstance(token, str) or decision not in ENGAGEMENT_DECISIONS:
            return False
        return "%s%s/%s/%s" % (self.get_base_url(), ENGAGEMENT_ROUTE, token, decision)

    # ------------------------------------------------------------------
    # Engagement: sending (see wizards/fusion_helpdesk_engagement_wizard.py)
    # ------------------------------------------------------------------
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

    def _engagement_live_tokens(self):
        """Plaintext token of each ticket's live link, for its email only."""
        return {ticket.id: ticket.sudo().engagement_token for ticket in self}

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
            # Both keys are read by the templates (subject and body); the links
            # only ever live in this rendering.
            mail = template.with_context(
                fusion_engagement_ticket_ids=tickets.ids,
                fusion_engagement_reminder=bool(reminder),
                fusion_engagement_links=tickets._engagement_live_tokens(),
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
            # mail.mail.body_html (system only) is what leaves; its mail.message
            # is readable by its author, the engineer: never a live link there.
            mail.write({"body": tickets._engagement_redacted_mail_body(reminder)})
            mails |= mail
        if mails:
            # Approval requests should not wait for the hourly mail queue.
            cron = self.env.ref("mail.ir_cron_mail_scheduler_action", raise_if_not_found=False)
            if cron:
                cron._trigger()
        return mails

    def _engagement_redacted_mail_body(self, reminder=False):
        """Body of the ``mail.message`` behind an engagement mail: what was
        sent, without the links (they are in ``mail.mail.body_html`` only)."""
        if reminder:
            text = self.env._(
                "Reminder of the owner approval request for %s (the decision links "
                "are only in the email sent to the owner).",
                ", ".join(self.mapped("display_name")),
            )
        else:
            text = self.env._(
                "Owner approval request for %s (the decision links are only in the "
                "email sent to the owner).",
                ", ".join(self.mapped("display_name")),
            )
        return Markup("<p>%s</p>") % text

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
