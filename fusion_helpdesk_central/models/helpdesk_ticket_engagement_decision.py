# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Owner approval of a ticket, the owner's side: the link, the decision, the
public comment and the engineer's to-do (see controllers/main.py)."""

from markupsafe import Markup

from odoo import SUPERUSER_ID, api, models
from odoo.tools import email_normalize, formataddr

from .. import intake
from .helpdesk_ticket import text_lines_html

# Pre-commit data key of the owners' partners found in this transaction.
OWNER_PARTNER_MEMO = "fusion_helpdesk_central.engagement_owner_partner"


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    @api.model
    def _engagement_find_pending(self, token):
        """Ticket (sudo) whose pending round's link carries ``token``, or empty."""
        return self.env["fusion.helpdesk.engagement"]._find_pending(token).ticket_id

    @api.model
    def _engagement_decide(self, token, decision, comment=None, ip=None, user_agent=None):
        """Record the owner's ``decision`` once; return the ticket (sudo), or empty."""
        return (
            self.env["fusion.helpdesk.engagement"]
            ._decide(token, decision, comment=comment, ip=ip, user_agent=user_agent)
            .ticket_id
        )

    def _engagement_owner_partner(self, create=False, email=None, name=None):
        """Partner of the owner (``email``/``name``, the latest round's by
        default), found by email; created when ``create``."""
        self.ensure_one()
        email = email or self.engagement_owner_email
        if not email:
            return self.env["res.partner"]
        name = name if email != self.engagement_owner_email else self.engagement_owner_name
        # Odoo's contact finder parses this address: a name holding a line
        # break and another address (a round stored before the names rule)
        # would make it find or create that other contact.
        address = formataddr((intake.clean_name(name), email))
        # The page's language and the decision of the same request both need
        # the owner: look them up once per transaction (the memo lives in the
        # pre-commit data, cleared on commit and rollback). Only partners
        # that existed before are kept, never one this lookup created.
        found = self.env.cr.precommit.data.setdefault(OWNER_PARTNER_MEMO, {})
        key = (self.id, address)
        if key in found:
            return self.env["res.partner"].sudo().browse(found[key])
        partner = self._engagement_owner_partner_only(email)
        if partner is None:
            # Several contacts share the address, or none has it: Odoo's own
            # ranking picks one (the ticket's followers first), or creates it.
            partner = self.sudo()._partner_find_from_emails_single([address], no_create=not create)
        if partner and not create:
            found[key] = partner.id
        return partner

    @api.model
    def _engagement_owner_partner_only(self, email):
        """The one active contact whose address is ``email``; None when there
        are several or none (the usual case costs one query, where Odoo's
        ranking of contacts reads the followers and the mail aliases too)."""
        normalized = email_normalize(email)
        if not normalized:
            return None
        partners = (
            self.env["res.partner"]
            .sudo()
            .search_fetch([("email_normalized", "=", normalized)], ["lang"], limit=2)
        )
        return partners if len(partners) == 1 else None

    def _engagement_page_lang(self):
        """Language of the owner's pages: the same as their emails'."""
        return self._engagement_owner_lang()

    def _prepare_engagement_decision_message_values(self, engagement, owner=None):
        """``message_post`` values of the comment carrying the decision of
        ``engagement`` (a round of this ticket) by ``owner`` (its partner, looked
        up when not given); override to change it."""
        self.ensure_one()
        state_labels = dict(engagement._fields["state"]._description_selection(self.env))
        body = Markup("<p><strong>%s</strong></p>") % self.env._(
            "Owner decision: %s", state_labels[engagement.state]
        )
        if engagement.decision_comment:
            body += Markup("<p>%s</p>") % text_lines_html(engagement.decision_comment)
        return {
            "body": body,
            "author_id": (owner or engagement._owner_partner(create=True)).id,
            "message_type": "comment",
            "subtype_xmlid": "mail.mt_comment",
        }

    def _engagement_post_decision_message(self, engagement, owner=None):
        """Post the decision of ``engagement`` as a public comment authored by
        its owner (``owner``: their partner, when already known)."""
        self.ensure_one()
        # The owner answers once through a magic link: never make them a
        # follower who would then receive every later reply on the ticket.
        poster = self.with_context(
            mail_create_nosubscribe=True,
            mail_post_autofollow=False,
            mail_post_autofollow_author_skip=True,
        )
        message = poster.message_post(
            **poster._prepare_engagement_decision_message_values(engagement, owner)
        )
        engagement.sudo().decision_message_id = message
        return message

    def _engagement_notify_engineer_sentence(self, engagement, owner):
        """One sentence telling the engineer what became of ``engagement``."""
        self.ensure_one()
        values = {"owner": owner, "ticket": self.display_name}
        state = engagement.state
        if state == "approved":
            return self.env._("%(owner)s approved the proposed work on %(ticket)s.", **values)
        if state == "rejected":
            return self.env._("%(owner)s rejected the proposed work on %(ticket)s.", **values)
        if state == "changes_requested":
            return self.env._(
                "%(owner)s asked for changes to the proposed work on %(ticket)s.", **values
            )
        if state == "delegated":
            delegate = engagement.search(
                [("parent_id", "=", engagement.id), ("state", "!=", "superseded")], limit=1
            )
            return self.env._(
                "%(owner)s asked %(delegate)s to decide on %(ticket)s; a new approval "
                "request went to them.",
                delegate=delegate.owner_name or delegate.owner_email or "?",
                **values,
            )
        return self.env._(
            "The approval request to %(owner)s on %(ticket)s expired without a decision.",
            **values,
        )

    def _engagement_notify_engineer(self, engagement=None):
        """Give the engineer who asked (else the assignee) a to-do about what
        became of ``engagement`` (the latest round by default); override to
        notify otherwise."""
        for ticket in self:
            current = engagement or ticket.engagement_id
            engineer = current.requested_by_id or ticket.user_id
            if not current or not engineer:
                continue
            ticket = ticket.with_context(lang=engineer.lang or self.env.lang)
            current = current.with_context(lang=ticket.env.lang)
            state_labels = dict(current._fields["state"]._description_selection(ticket.env))
            owner = current.owner_name or current.owner_email
            note = Markup("<p>%s</p>") % ticket._engagement_notify_engineer_sentence(current, owner)
            if current.decision_comment:
                note += Markup("<p>%s</p>") % text_lines_html(current.decision_comment)
            ticket._engagement_to_do_author_env().activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=engineer.id,
                summary=ticket.env._("Owner decision: %s", state_labels[current.state]),
                note=note,
            )

    def _engagement_to_do_author_env(self):
        """These tickets as the author of the engineer's to-do: the current
        user when they have an email address, else (the owner decided on the
        page as the public user) the system user, so that the "assigned to
        you" email has a sender and leaves; override to choose another."""
        if self.env.user.email:
            return self
        # with_user drops sudo: the decision runs as sudo, and so does this.
        return self.with_user(SUPERUSER_ID).sudo()
