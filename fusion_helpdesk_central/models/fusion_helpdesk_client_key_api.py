# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Client key side of the intake and thread APIs (see controllers/api.py)."""

import datetime
import logging

from markupsafe import Markup
from psycopg2 import errors

from odoo import api, models
from odoo.exceptions import ConcurrencyError

from .. import intake

_logger = logging.getLogger(__name__)

API_USER_XMLID = "fusion_helpdesk_central.user_fusion_helpdesk_api"
# Context key carrying the authenticated client key to the technical user's
# record rules (see ir_rule.py): the API user only ever reaches that key's data.
API_CLIENT_KEY_CONTEXT = "fusion_helpdesk_client_key_id"
# The unique index of (client key, client reference) on helpdesk.ticket
# ("{table}_{attribute without its leading underscore}", as Odoo names it).
CLIENT_REF_INDEX = "helpdesk_ticket_client_ref_unique"


class FusionHelpdeskClientKey(models.Model):
    _inherit = "fusion.helpdesk.client.key"

    # Brute-force protection of the API, per source address. Kept in memory on
    # the registry like res.users' login cooldown: not shared between workers,
    # which is enough to make guessing a 256-bit key pointless. Both can be
    # tuned with system parameters; 0 failures disables the cooldown. Only bad
    # keys are slowed down: a good key always works, whoever shares its address.
    _api_cooldown_after = intake.AUTH_FAILURES_BEFORE_COOLDOWN
    _api_cooldown_seconds = intake.AUTH_COOLDOWN_SECONDS
    _api_failures_max_sources = 10000

    # ------------------------------------------------------------------
    # Authentication
    # ------------------------------------------------------------------

    @api.model
    def _api_env(self):
        """Environment of the API's technical user: an inactive internal user
        whose group grants only what the intake and thread APIs need."""
        api_user = self.env.ref(API_USER_XMLID)
        return self.env(user=api_user.id, su=False)

    @api.model
    def _api_authenticate(self, authorization, source):
        """Return the active client key of an ``Authorization`` header value sent
        from address ``source``, bound to that key for the record rules. A bad
        key raises ``intake.Unauthorized``, or ``intake.TooManyAttempts`` once
        ``source`` sent too many; a good key is never refused for others' failures."""
        client_key = self._find_by_key(intake.parse_bearer(authorization))
        if client_key:
            return client_key.with_context(**{API_CLIENT_KEY_CONTEXT: client_key.id})
        failures_map = self._api_failures()
        failures, previous = failures_map.get(source, (0, None))
        now = datetime.datetime.now()
        retry_after = self._api_cooldown_remaining(failures, previous, now)
        if retry_after:
            _logger.info(
                "Intake API: bad client key from %s while cooling down after %d bad keys",
                source,
                failures,
            )
            raise intake.TooManyAttempts(
                "Too many requests with a bad client key, retry later.",
                retry_after=retry_after,
            )
        self._api_register_failure(source, failures + 1, now)
        raise intake.Unauthorized("Missing, unknown or inactive client key.")

    @api.model
    def _api_cooldown_settings(self):
        """``(failures before cooldown, cooldown seconds)``; 0 failures disables it."""
        params = self.env["ir.config_parameter"]
        return (
            params._fusion_int_param(
                "fusion_helpdesk_central.api_cooldown_after", self._api_cooldown_after
            ),
            params._fusion_int_param(
                "fusion_helpdesk_central.api_cooldown_seconds", self._api_cooldown_seconds
            ),
        )

    @api.model
    def _api_cooldown_remaining(self, failures, previous, now):
        """Seconds an address with ``failures`` bad keys, the last at ``previous``,
        must still wait; override for another policy."""
        after, seconds = self._api_cooldown_settings()
        return intake.cooldown_remaining(failures, previous, now, after=after, seconds=seconds)

    @api.model
    def _api_failures(self):
        """Map ``source address -> (failures, last failure)`` of this registry."""
        registry = self.env.registry
        failures_map = getattr(registry, "_fusion_helpdesk_api_failures", None)
        if failures_map is None:
            failures_map = registry._fusion_helpdesk_api_failures = {}
        return failures_map

    @api.model
    def _api_register_failure(self, source, failures, now):
        """Remember the ``failures``-th bad key in a row from ``source``."""
        failures_map = self._api_failures()
        if len(failures_map) >= self._api_failures_max_sources:
            # Keep memory bounded: forget the addresses that failed longest ago.
            oldest = sorted(failures_map.items(), key=lambda item: item[1][1])
            for stale_source, _value in oldest[: len(failures_map) // 2]:
                failures_map.pop(stale_source, None)
        failures_map[source] = (failures, now)
        after = self._api_cooldown_settings()[0]
        if after and failures == after:
            _logger.warning(
                "Intake API: %d bad client keys in a row from %s, refusing its "
                "bad keys for a while.",
                failures,
                source,
            )
        else:
            _logger.info("Intake API: bad client key from %s (%d in a row)", source, failures)

    # ------------------------------------------------------------------
    # Intake and thread
    # ------------------------------------------------------------------

    def _intake_create_ticket(self, payload):
        """Create the ticket of a validated intake ``payload`` sent with this key,
        after refreshing the key's owner from it. A resend with a known
        ``client_ref`` returns that ticket; a different ticket under a known
        reference raises ``intake.Conflict`` and changes nothing.

        Two requests carrying the same new ``client_ref`` at once (a resend while
        the first is still running): the unique index makes the second wait for
        the first and then refuses its insert. Its snapshot cannot see the
        winner's ticket, so it raises ``ConcurrencyError``: Odoo's ``retrying()``
        replays the request, which then finds that ticket (or a conflict)."""
        self.ensure_one()
        Ticket = self.env["helpdesk.ticket"]
        if payload.get("owner_email") and self.env[
            "fusion.helpdesk.engagement"
        ]._is_provider_staff_email(payload["owner_email"]):
            raise intake.IntakeError(
                "This address belongs to the support team: the owner must be "
                "someone of your company.",
                field="owner_email",
            )
        if payload.get("client_ref"):
            # The client sends a ticket again when it missed our answer (timeout):
            # hand back the ticket it already created instead of a duplicate.
            existing = Ticket.with_context(active_test=False).search(
                [("client_key_id", "=", self.id), ("client_ref", "=", payload["client_ref"])],
                limit=1,
            )
            if existing and not existing._intake_is_same_request(payload):
                raise intake.Conflict(
                    "This client_ref is already used by another ticket of this "
                    "client: send a new reference for a new ticket.",
                    field="client_ref",
                )
        else:
            existing = Ticket
        self._intake_update_owner(payload)
        if existing:
            return existing
        values = Ticket._prepare_intake_ticket_values(self, payload)
        try:
            with self.env.cr.savepoint():
                ticket = Ticket.with_context(mail_create_nosubscribe=True).create(values)
        except errors.UniqueViolation as error:
            if error.diag.constraint_name != CLIENT_REF_INDEX:
                raise
            _logger.info(
                "Intake API: client %s sent client_ref %s twice at once; "
                "replaying the later request to answer with the first one's ticket.",
                self.id,
                payload["client_ref"],
            )
            raise ConcurrencyError("Another request created this client_ref's ticket.") from error
        ticket.sudo()._message_log(body=self._intake_note(payload))
        # Created with the ticket, in its transaction: a resend gets the ticket
        # back above and never posts its files twice.
        ticket._fusion_intake_post_attachments(self, payload.get("attachments"))
        return ticket

    def _intake_update_owner(self, payload):
        """Write the owner piggybacked on ``payload`` (tracked in the chatter) and
        tell the engineers of the requests still waiting for the previous owner."""
        owner_values = self._prepare_intake_owner_values(payload)
        if not owner_values:
            return
        previous_email, previous_name = self.owner_email, self.owner_name
        self.write(owner_values)
        if "owner_email" in owner_values and previous_email:
            self._intake_note_owner_change(previous_name or previous_email, previous_email)

    def _prepare_intake_owner_values(self, payload):
        """Owner values of ``payload`` that differ from the key's (only what changed)."""
        self.ensure_one()
        values = {}
        for fname in ("owner_email", "owner_name"):
            if payload.get(fname) and payload[fname] != self[fname]:
                values[fname] = payload[fname]
        return values

    def _intake_note_owner_change(self, previous_name, previous_email):
        """Internal note on this client's pending approvals still addressed to
        another owner than the new one: the engineer decides whether to re-send."""
        self.ensure_one()
        pending = (
            self.env["helpdesk.ticket"]
            .sudo()
            .search(
                [
                    ("client_key_id", "=", self.id),
                    ("engagement_state", "=", "pending"),
                    ("engagement_owner_email", "!=", self.owner_email),
                ]
            )
        )
        for ticket in pending:
            waiting_for = ticket.engagement_owner_email or previous_email
            ticket._message_log(
                body=Markup("<p>%s</p>")
                % self.env._(
                    "The owner of client %(client)s changed from %(old)s to %(new)s "
                    "(sent by the client's Odoo). This approval request still waits "
                    "for %(waiting)s: request the approval again if %(new)s should decide.",
                    client=self.name,
                    old=previous_name,
                    new=self.owner_name or self.owner_email,
                    waiting=waiting_for,
                )
            )

    def _intake_note(self, payload):
        """Internal note logged on a ticket received through the API."""
        text = self.env._(
            "Received through the API from client %(client)s, submitted by %(name)s <%(email)s>.",
            client=self.name,
            name=payload["requester_name"],
            email=payload["requester_email"],
        )
        if payload.get("client_ref"):
            text += " " + self.env._("Client reference: %(ref)s.", ref=payload["client_ref"])
        return Markup("<p>%s</p>") % text

    def _intake_get_ticket(self, ticket_id):
        """Ticket ``ticket_id`` if it was sent with this key, else empty."""
        self.ensure_one()
        if not isinstance(ticket_id, int) or not 0 < ticket_id < 2**31:
            return self.env["helpdesk.ticket"]
        return (
            self.env["helpdesk.ticket"]
            .with_context(active_test=False)
            .search([("id", "=", ticket_id), ("client_key_id", "=", self.id)], limit=1)
        )

    def _intake_company_partner(self):
        """The client's company contact, created the first time it is needed."""
        self.ensure_one()
        if not self.partner_id:
            partner = (
                self.env["res.partner"]
                .sudo()
                .create(self._prepare_company_partner_values(self.name))
            )
            self.sudo().partner_id = partner
        return self.partner_id
