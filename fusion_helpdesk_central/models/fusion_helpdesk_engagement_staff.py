# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Only the client decides: a request is never handed to the provider's staff.

An owner could pass a request on to the engineer who asked for it, who would
then approve their own work. Any address of an active internal user of central
(their user's or their contact's email, any case, with or without a
``+tag``) is refused as a delegate (and, later, as a deputy).
"""

from odoo import api, models
from odoo.tools import email_normalize

from .. import intake


class FusionHelpdeskEngagement(models.Model):
    _inherit = "fusion.helpdesk.engagement"

    def _delegate_errors(self, name, email):
        errors = super()._delegate_errors(name, email)
        if self._is_provider_staff_email(email):
            errors.append(
                self.env._(
                    "This address belongs to our support team: the request must be "
                    "decided by someone of your company."
                )
            )
        return errors

    @api.model
    def _is_provider_staff_email(self, email):
        """Whether ``email`` reaches an active internal user of central (the
        user's login or their contact's address, case-insensitive, ``+tag``
        ignored); override to widen who counts as the provider's staff."""
        candidates = self._staff_email_candidates(email)
        if not candidates:
            return False
        like = [self._escape_like(candidate) for candidate in candidates]
        domain = [("share", "=", False), "|", ("email_normalized", "in", list(candidates))]
        domain += ["|"] * (len(like) - 1) + [("login", "=ilike", pattern) for pattern in like]
        return bool(self.env["res.users"].sudo().search_count(domain, limit=1))

    @api.model
    def _recipient_email(self, email):
        """``email`` as the approval mail will be addressed (normalized, one
        plain ``local@domain.tld`` by the API's rule), or ``False`` when it
        would not be sent. The one rule of the staff check, the delegate
        form, the owner snapshot of a round and the sender."""
        normalized = email_normalize(email or "", strict=True)
        return normalized if normalized and intake.is_valid_email(normalized) else False

    @api.model
    def _staff_email_candidates(self, email):
        """The normalized forms of ``email`` that may reach the same mailbox."""
        normalized = self._recipient_email(email)
        if not normalized:
            return set()
        local, __, domain = normalized.rpartition("@")
        return {normalized, "%s@%s" % (local.partition("+")[0], domain)}

    @staticmethod
    def _escape_like(value):
        """``value`` as a literal ``=ilike`` pattern."""
        return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
