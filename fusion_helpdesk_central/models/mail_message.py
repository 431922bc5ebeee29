# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Who may change a ticket's messages: the owner's decision stays as they gave
it, the approval history stays on the chatter, and nobody posts in a client
contact's name (see docs/security.md)."""

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools.mail import email_normalize, email_split_tuples

# Fields of a decision message that say nothing about what the owner decided:
# a user's own star and pin, and the Message-ID Odoo's mail queue records when
# it sends the followers' notification (mail.mail inherits mail.message).
DECISION_MESSAGE_FREE_FIELDS = frozenset({"starred_partner_ids", "pinned_at", "message_id"})
# Models whose messages reach the client's My Tickets or record an approval.
AUTHORSHIP_GUARDED_MODELS = (
    "helpdesk.ticket",
    "fusion.helpdesk.engagement",
    "fusion.helpdesk.client.key",
)
# Fields that decide who a message is from.
AUTHORSHIP_FIELDS = frozenset({"author_id", "email_from", "model", "res_id"})


class MailMessage(models.Model):
    _inherit = "mail.message"

    fusion_flow_note = fields.Boolean(
        string="Approval flow note",
        readonly=True,
        copy=False,
        help="Posted by the approval flow itself: kept as history, like tracking.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        """Refuse messages on guarded records signed as (or sent from the
        address of) anyone outside the provider, and flow notes, outside the
        server's own paths."""
        if not self.env.su and any(values.get("fusion_flow_note") for values in vals_list):
            raise AccessError(self.env._("Only the approval flow marks its notes."))
        messages = super().create(vals_list)
        # After create: Odoo's defaults (author, email_from) are applied.
        messages._fusion_check_authorship()
        return messages

    def write(self, vals):
        """The owner's decision is never rewritten, the approval history stays
        as recorded, and nobody signs a message as a client contact."""
        if "fusion_flow_note" in vals and not self.env.su:
            raise AccessError(self.env._("Only the approval flow marks its notes."))
        if set(vals) - DECISION_MESSAGE_FREE_FIELDS:
            self._fusion_check_not_decision()
            self._fusion_check_not_history()
        result = super().write(vals)
        if AUTHORSHIP_FIELDS & set(vals):
            self._fusion_check_authorship()
        return result

    def _fusion_mark_flow_note(self):
        """Mark these messages as notes of the approval flow (kept as history);
        called by the flow right after posting them. Returns ``self``."""
        self.sudo().write({"fusion_flow_note": True})
        return self

    @api.ondelete(at_uninstall=False)
    def _unlink_except_owner_decision(self):
        self._fusion_check_not_decision()
        self._fusion_check_not_history()

    def _fusion_check_not_decision(self):
        """Raise UserError when one of these messages carries an owner's
        decision (the ``decision_message_id`` of a round): nobody, superuser
        included, edits or deletes it."""
        if not self.ids:
            return
        # One indexed query per write, whatever the number of messages.
        if (
            self.env["fusion.helpdesk.engagement"]
            .sudo()
            .search_count([("decision_message_id", "in", self.ids)], limit=1)
        ):
            raise UserError(
                self.env._("The owner's decision is kept as they gave it: it cannot be changed.")
            )

    def _fusion_check_not_history(self):
        """Raise UserError when a user would change or delete the approval
        history of a guarded record: its tracking messages (state, owner,
        owner email...) and the notes the approval flow posted. Superuser
        code may (deleting a whole ticket deletes its messages as sudo)."""
        if self.env.su or not self.ids:
            return
        history = self.sudo().filtered(
            lambda message: (
                message.model in AUTHORSHIP_GUARDED_MODELS
                and (message.tracking_value_ids or message.fusion_flow_note)
            )
        )
        if history:
            raise UserError(
                self.env._("The approval history is kept as recorded: it cannot be changed.")
            )

    def _fusion_check_authorship(self):
        """Raise AccessError when a user made one of these messages, on a
        guarded record, the words of someone outside the provider: authored by
        a customer, a client's contact, an owner or delegate, or a contact made
        up to look like one; or carrying an ``email_from`` (address or name)
        that is not its author's (or, without author, not the user's or one of
        our companies'). Superuser code may: the approval flow, the reply API
        and the mail gateway, which posts as each email's sender (see
        ``mail.thread.message_process``)."""
        if self.env.su:
            return
        messages = self.sudo().filtered(lambda m: m.model in AUTHORSHIP_GUARDED_MODELS)
        if not messages:
            return
        own = self.env.user.partner_id
        authors = messages.author_id - own
        if authors - self._fusion_provider_partners(authors):
            raise AccessError(
                self.env._(
                    "Messages in the name of a customer or a client's contact come only "
                    "from them (their emails, their replies, their approval page)."
                )
            )
        # Companies and alias domains are a handful of configuration rows.
        companies = self.env["res.company"].sudo().search([]).partner_id  # pylint: disable=no-search-all
        alias_emails = set()
        alias_domains = self.env["mail.alias.domain"].sudo().search([])  # pylint: disable=no-search-all
        for domain in alias_domains:
            alias_emails.update({domain.default_from_email, domain.catchall_email})
        for message in messages:
            signers = (message.author_id or own.sudo()) | companies
            if not self._fusion_email_from_is_of(message.email_from, signers, alias_emails):
                raise AccessError(
                    self.env._(
                        "A message is sent from its author's address (or one of our "
                        "companies'), never from someone else's."
                    )
                )

    @api.model
    def _fusion_email_from_is_of(self, email_from, partners, alias_emails):
        """Whether every address of ``email_from`` (empty: Odoo fills it in)
        belongs to one of ``partners`` or is one of ``alias_emails`` (our
        alias domains' sender and catchall), under one of their names (or
        none)."""
        if not email_from:
            return True
        by_email = {partner.email_normalized: partner for partner in partners if partner.email}
        pairs = email_split_tuples(email_from)
        if not pairs:
            return False
        for name, email in pairs:
            email = email_normalize(email or "")
            partner = by_email.get(email)
            if partner:
                names = {partner.name, partner.commercial_partner_id.name}
            elif email in alias_emails:
                names = set(partners.mapped("name"))
            else:
                return False
            if name and name not in names:
                return False
        return True

    @api.model
    def _fusion_provider_partners(self, partners):
        """Those of ``partners`` a user of ours may sign a ticket message as:
        internal users (colleagues, OdooBot) and our companies (templates sent
        "from" the company). Override to allow more."""
        users = (
            self.env["res.users"]
            .sudo()
            .with_context(active_test=False)
            .search([("partner_id", "in", partners.ids), ("share", "=", False)])
        )
        companies = self.env["res.company"].sudo().search([("partner_id", "in", partners.ids)])
        return users.partner_id | companies.partner_id
