# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Owner approval of a ticket: starting a round and emailing the owner (see
helpdesk_ticket_engagement_decision.py for the owner's side)."""

import logging

from markupsafe import Markup

from odoo import fields, models
from odoo.exceptions import UserError
from odoo.tools import email_normalize, formataddr, html2plaintext

from .. import intake, money, openai_client
from ..decisions import ENGAGEMENT_DECISIONS
from .helpdesk_ticket import ENGAGEMENT_ROUTE, text_lines_html

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
        if not token or not isinstance(token, str):
            return False
        if decision not in ENGAGEMENT_DECISIONS and decision != "all":
            return False
        return "%s%s/%s/%s" % (self.get_base_url(), ENGAGEMENT_ROUTE, token, decision)

    def _engagement_pending_count(self):
        """Requests pending for the owner of this ticket's latest round at
        their client (this one included): the emails link to a page answering
        all of them when there are several."""
        self.ensure_one()
        engagement = self.sudo().engagement_id
        return len(engagement._pending_siblings()) if engagement else 0

    # ------------------------------------------------------------------
    # Engagement: sending (see wizards/fusion_helpdesk_engagement_wizard.py)
    # ------------------------------------------------------------------
    def _engagement_summary_payload(self):
        """Plain data of the ticket for the summary prompt (no ORM in threads)."""
        self.ensure_one()
        # Public messages only: the summary goes to the client's owner, so
        # internal notes (and earlier engagement notes) must not reach it.
        messages = self._fusion_thread_messages()[-openai_client.MAX_CHATTER_MESSAGES :]
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
        errors += self._engagement_recipient_errors()
        if not self.has_access("write"):
            errors.append(self.env._("you are not allowed to modify this ticket"))
        return errors

    def _engagement_recipient_errors(self):
        """Reasons (translated, short) why this ticket has nobody to ask: no
        client, no or a bad owner email; empty when its owner can be asked.
        Known before anything is typed (the bulk wizard flags such rows)."""
        self.ensure_one()
        errors = []
        Engagement = self.env["fusion.helpdesk.engagement"]
        client = self.client_key_id
        if not client:
            errors.append(self.env._("the ticket has no client, so no owner to ask"))
        elif not (client.owner_email or "").strip():
            errors.append(self.env._("the owner email of client %s is not known", client.name))
        elif not Engagement._recipient_email(client.owner_email):
            errors.append(
                self.env._(
                    "the owner email %(email)s of client %(client)s is not valid",
                    email=client.owner_email,
                    client=client.name,
                )
            )
        elif Engagement._is_provider_staff_email(client.owner_email):
            # Also stops a key stored before the key's own check existed.
            errors.append(
                self.env._(
                    "the owner email %(email)s of client %(client)s belongs to our "
                    "support team: only the client may decide",
                    email=client.owner_email,
                    client=client.name,
                )
            )
        return errors

    def _prepare_engagement_round_values(self, findings, summary, provenance=None, estimate=None):
        """Values of the new approval round of this ticket: owner snapshot,
        requester, findings, summary, AI provenance and the estimate (see
        ``_prepare_engagement_estimate_values``). Override to add."""
        self.ensure_one()
        client = self.client_key_id
        provenance = provenance or {}
        now = fields.Datetime.now()
        estimate_values = self._prepare_engagement_estimate_values(summary, estimate)
        return {
            **estimate_values,
            "ticket_id": self.id,
            "owner_email": self.env["fusion.helpdesk.engagement"]._recipient_email(
                client.owner_email
            ),
            "owner_name": intake.clean_name(client.owner_name) or False,
            "requested_by_id": self.env.user.id,
            "sent_at": now,
            "expires_at": self.env["fusion.helpdesk.engagement"]._expires_at(now),
            "findings": (findings or "").strip() or False,
            "summary": (summary or "").strip(),
            "parent_id": self.engagement_id.id,
            "ai_model": provenance.get("ai_model") or False,
            "ai_generated_at": provenance.get("ai_generated_at") or False,
            "summary_edited": bool(provenance.get("summary_edited")),
        }

    def _engagement_start(self, findings, summary, provenance=None, estimate=None):
        """Start a fresh approval round on this ticket (the pending one, if
        any, is superseded: its links die) and record it in an internal note.
        Returns the new link's plaintext token, for ``_engagement_send_mails``
        only. ``provenance``: ``ai_model``, ``ai_generated_at``, ``summary_edited``."""
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
        # Nobody follows a round (the ticket's followers are told): no
        # subscription, no creation message; the ticket's chatter says it.
        Engagement = (
            self.env["fusion.helpdesk.engagement"]
            .sudo()
            .with_context(mail_create_nosubscribe=True, mail_create_nolog=True)
        )
        self.sudo().engagement_ids._supersede()
        token, digest = Engagement._new_token()
        # Rounds are written by the flow only; the engineer's right to write
        # the ticket was checked above.
        Engagement.create(
            {
                **self._prepare_engagement_round_values(findings, summary, provenance, estimate),
                "token_hash": digest,
            }
        )
        self._engagement_post_sent_note()
        return token

    def _prepare_engagement_estimate_values(self, summary, estimate=None):
        """The round's estimate and its digest: ``estimate`` holds ``hours``
        and optionally a typed ``amount``; without one the amount is the hours
        at the client key's hourly rate, in the key's currency. Negative or
        absurd hours are refused (UserError)."""
        self.ensure_one()
        estimate = estimate or {}
        client = self.client_key_id
        try:
            hours = money.check_estimate_hours(estimate.get("hours"))
            amount = estimate.get("amount")
            if amount:
                amount = money.check_number("estimate_amount", amount, money.MAX_AMOUNT)
            else:
                amount = money.estimate_amount(hours, client.hourly_rate)
        except intake.IntakeError as error:
            raise UserError(
                self.env._(
                    "Ticket %(ticket)s: the estimate is not valid (%(field)s: %(reason)s)",
                    ticket=self.display_name,
                    field=error.field,
                    reason=error.message,
                )
            ) from error
        currency = client.currency_id or self.company_id.currency_id or self.env.company.currency_id
        return {
            "estimate_hours": hours,
            "estimate_amount": amount,
            "currency_id": currency.id,
            "content_digest": money.content_digest(
                self.number, (summary or "").strip(), hours, amount, currency.name
            ),
        }

    def _engagement_post_sent_note(self):
        """Internal note recording what was sent to the owner (never the links)."""
        self.ensure_one()
        owner = self.engagement_owner_email
        if self.engagement_owner_name:
            owner = "%s (%s)" % (self.engagement_owner_name, owner)
        body = Markup("<p>%s</p>") % self.env._("Owner approval requested from %s.", owner)
        # The summary as the owner read it (formatted); the findings as typed.
        body += Markup("<p><strong>%s</strong></p>%s") % (
            self.env._("Summary sent:"),
            self.engagement_summary_html,
        )
        if self.engagement_findings:
            body += Markup("<p><strong>%s</strong><br/>%s</p>") % (
                self.env._("Engineer's findings sent:"),
                text_lines_html(self.engagement_findings),
            )
        message = self.message_post(body=body, message_type="comment", subtype_xmlid="mail.mt_note")
        return message._fusion_mark_flow_note()

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

    def _engagement_mail_groups(self, tokens, reminder=False):
        """Pending tickets of ``self`` with a token in ``tokens``, grouped by
        owner email and requesting engineer (one mail each), in id order.
        An address the sender cannot reach (``_recipient_email``) raises
        ``UserError`` on a first send, and is skipped (logged) by a reminder."""
        groups = {}
        Engagement = self.env["fusion.helpdesk.engagement"]
        for ticket in self.sorted("id"):
            if ticket.engagement_state != "pending" or not tokens.get(ticket.id):
                continue
            email = Engagement._recipient_email(ticket.engagement_owner_email)
            if not email and reminder:
                # A round kept from before the check: the cron goes on with
                # the others, the log says who was not reminded.
                _logger.warning("Ticket %s: owner email cannot receive mail", ticket.id)
                continue
            if not email:
                # A live link nobody receives would leave the round pending
                # forever: refuse the whole send instead (rolled back).
                raise UserError(
                    self.env._(
                        "Ticket %(ticket)s cannot be sent: its owner email %(email)s "
                        "cannot receive mail.",
                        ticket=ticket.display_name,
                        email=ticket.engagement_owner_email or "",
                    )
                )
            key = (email, ticket.engagement_requested_by_id.id)
            groups.setdefault(key, self.browse())
            groups[key] |= ticket
        return groups

    def _engagement_send_mails(self, tokens, reminder=False):
        """Email every owner their pending engagements among ``self``: one
        mail per owner and engineer, single template for one ticket, bulk
        template (one card per ticket) for several; ``reminder`` renders them
        as reminders. ``tokens`` maps ticket ids to their link's plaintext
        token, which exists only here. Returns the queued ``mail.mail``."""
        single = self.env.ref("fusion_helpdesk_central.mail_template_engagement_single")
        bulk = self.env.ref("fusion_helpdesk_central.mail_template_engagement_bulk")
        mails = self.env["mail.mail"].sudo()
        for tickets in self._engagement_mail_groups(tokens, reminder).values():
            template = single if len(tickets) == 1 else bulk
            # Both keys are read by the templates (subject and body); the links
            # only ever live in this rendering.
            mail = template.with_context(
                fusion_engagement_ticket_ids=tickets.ids,
                fusion_engagement_reminder=bool(reminder),
                fusion_engagement_links={ticket.id: tokens[ticket.id] for ticket in tickets},
            ).send_mail_batch(
                tickets[:1].ids,
                # The mail carries the owner's magic links: keep it off the
                # ticket's thread, where engineers and the client's thread
                # API would see usable links.
                email_values={
                    "model": False,
                    "res_id": False,
                    "fusion_engagement_ticket_ids": [fields.Command.set(tickets.ids)],
                    "fusion_engagement_ids": [fields.Command.set(tickets.engagement_id.ids)],
                    # From the engineer who asked, whoever runs this (the cron).
                    **tickets[:1]._engagement_mail_sender_values(),
                    # The one recipient, built here from the round's address
                    # (whatever the template renders, and whatever an older
                    # record's name holds).
                    "email_to": tickets[:1]._engagement_mail_recipient(),
                },
            )
            # mail.mail.body_html (system only) is what leaves; its mail.message
            # is readable by its author, the engineer: never a live link there.
            mail.write({"body": tickets._engagement_redacted_mail_body(reminder)})
            tickets.engagement_id._mail_queued()
            mails |= mail
        if mails:
            # Approval requests should not wait for the hourly mail queue.
            cron = self.env.ref("mail.ir_cron_mail_scheduler_action", raise_if_not_found=False)
            if cron:
                cron._trigger()
        return mails

    def _engagement_mail_recipient(self):
        """The ``To`` of this ticket's approval mails: the latest round's one
        normalized address, its name cleaned by the names rule for headers
        (also for a round stored before the rule): without ",", ";", ":" a
        name never reads as more recipients, even once Odoo's mail stack
        writes the header unquoted."""
        self.ensure_one()
        email = email_normalize(self.engagement_owner_email or "")
        if not email:
            return False
        return formataddr((intake.header_display_name(self.engagement_owner_name), email))

    def _engagement_mail_sender_values(self):
        """Author, From and Reply-To of this ticket's approval mails: from the
        engineer who asked (Odoo's outgoing server may still send From its
        catchall, with the engineer's name), replies to the ticket's own reply
        address; override to send otherwise."""
        self.ensure_one()
        values = {"reply_to": self._engagement_reply_to()}
        requester = self.engagement_requested_by_id
        if requester:
            email = requester.email_formatted or self.company_id.email_formatted
            values.update(author_id=requester.partner_id.id, email_from=email)
        return values

    def _engagement_reply_to(self):
        """Where the owner's replies go: the ticket's reply address as Odoo
        computes it for its thread (its team's alias, else the company's
        catchall), else the company's address; never a person's mailbox, which
        would receive the quoted decision links."""
        self.ensure_one()
        company = self.company_id or self.env.company
        return self._notify_get_reply_to(
            default=company.email_formatted, author_id=company.partner_id.id
        )[self.id]

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
