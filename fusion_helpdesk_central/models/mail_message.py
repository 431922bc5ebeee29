# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Who may change a ticket's messages: the owner's decision stays as they gave
it, and nobody posts in a client contact's name (see docs/security.md)."""

from odoo import api, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import email_normalize

# Fields of a decision message that say nothing about what the owner decided:
# a user's own star and pin.
DECISION_MESSAGE_FREE_FIELDS = frozenset({"starred_partner_ids", "pinned_at"})
# Models whose messages reach the client's My Tickets.
AUTHORSHIP_GUARDED_MODELS = ("helpdesk.ticket",)


class MailMessage(models.Model):
    _inherit = "mail.message"

    @api.model_create_multi
    def create(self, vals_list):
        """Refuse messages on tickets authored by a client contact other than
        the user themselves, outside the server's own paths."""
        self._fusion_check_authors(
            [
                (values.get("model"), values.get("res_id"), values.get("author_id"))
                for values in vals_list
                if values.get("author_id")
            ]
        )
        return super().create(vals_list)

    def write(self, vals):
        """The owner's decision is never rewritten; nobody signs a message as a
        client contact."""
        if set(vals) - DECISION_MESSAGE_FREE_FIELDS:
            self._fusion_check_not_decision()
        if vals.get("author_id") or "model" in vals or "res_id" in vals:
            self._fusion_check_authors(
                [
                    (
                        vals.get("model", message.model),
                        vals.get("res_id", message.res_id),
                        vals.get("author_id") or message.author_id.id,
                    )
                    for message in self.sudo()
                ]
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_owner_decision(self):
        self._fusion_check_not_decision()

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

    @api.model
    def _fusion_check_authors(self, messages):
        """Raise AccessError when a user would author one of ``messages``
        (``(model, res_id, author_id)`` triples) as a client contact that is
        not themselves. Superuser code may: the approval flow, the reply API
        and the mail gateway, which posts as each email's sender (see
        ``mail.thread.message_process``)."""
        if self.env.su:
            return
        own = self.env.user.partner_id.id
        guarded = [
            (res_id, author_id)
            for model, res_id, author_id in messages
            if model in AUTHORSHIP_GUARDED_MODELS and author_id and author_id != own
        ]
        if not guarded:
            return
        authors = self.env["res.partner"].sudo().browse({author for __, author in guarded})
        tickets = self.env["helpdesk.ticket"].sudo().browse({res_id for res_id, __ in guarded})
        if authors & self._fusion_client_contacts(authors, tickets.exists()):
            raise AccessError(
                self.env._(
                    "Messages in the name of a client's contact come only from that "
                    "contact (their emails, their replies, their approval page)."
                )
            )

    @api.model
    def _fusion_client_contacts(self, partners, tickets):
        """Those of ``partners`` who speak for a client on ``tickets``: their
        customers, the client companies' contacts, and every owner or delegate
        an approval request went to. Override to widen it."""
        Engagement = self.env["fusion.helpdesk.engagement"].sudo()
        companies = partners.commercial_partner_id
        customers = tickets.partner_id.commercial_partner_id | (
            self.env["fusion.helpdesk.client.key"]
            .sudo()
            .with_context(active_test=False)
            .search([("partner_id", "in", companies.ids)])
            .partner_id
        )
        emails = set(partners.mapped("email_normalized")) - {False}
        owner_emails = {
            email_normalize(engagement.owner_email)
            for engagement in Engagement.search_fetch(
                [("owner_email", "in", list(emails))], ["owner_email"]
            )
        }
        return partners.filtered(
            lambda partner: (
                partner.commercial_partner_id in customers
                or partner.email_normalized in owner_emails
            )
        )
