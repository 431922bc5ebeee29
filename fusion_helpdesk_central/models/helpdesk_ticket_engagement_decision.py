# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Owner approval of a ticket, the owner's side: finding the round of a link
and the owner's contact. The decision and its consequences are the round's
(fusion_helpdesk_engagement_decision.py)."""

from odoo import api, models
from odoo.tools import email_normalize, formataddr

from .. import intake

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
