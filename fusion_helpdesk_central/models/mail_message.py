# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Who may change a ticket's messages: the owner's decision stays as they gave
it, and nobody posts in a client contact's name (see docs/security.md)."""

from odoo import api, models
from odoo.exceptions import AccessError, UserError

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
        (``(model, res_id, author_id)`` triples) on a ticket as someone outside
        the provider: a customer, a client's contact, an owner or delegate, or
        a contact made up to look like one. Superuser code may: the approval
        flow, the reply API and the mail gateway, which posts as each email's
        sender (see ``mail.thread.message_process``)."""
        if self.env.su:
            return
        own = self.env.user.partner_id.id
        authors = {
            author_id
            for model, __, author_id in messages
            if model in AUTHORSHIP_GUARDED_MODELS and author_id and author_id != own
        }
        if not authors:
            return
        partners = self.env["res.partner"].sudo().browse(authors)
        if partners - self._fusion_provider_partners(partners):
            raise AccessError(
                self.env._(
                    "Messages in the name of a customer or a client's contact come only "
                    "from them (their emails, their replies, their approval page)."
                )
            )

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
