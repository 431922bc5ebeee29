# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What becomes of a round's link once mailed: closed (decided, replaced or
delegated), expired, passed on to someone else (delegation), or answered
with every other pending request of the same owner on one page."""

from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL, email_normalize

from .. import intake
from .fusion_helpdesk_engagement import hash_token
from .helpdesk_ticket import DEFAULT_EXPIRY_DAYS, EXPIRY_DAYS_PARAM

# A request can be passed on at most this many times in a row.
MAX_DELEGATION_HOPS = 3
MAX_DELEGATE_NAME = 128
# Rounds closed per run of the expiry cron (the next run carries on).
EXPIRY_BATCH = 500


class FusionHelpdeskEngagement(models.Model):
    _inherit = "fusion.helpdesk.engagement"

    # ------------------------------------------------------------------
    # Closed links
    # ------------------------------------------------------------------
    @api.model
    def _find_closed(self, token):
        """Round (sudo) whose link carried ``token`` but is closed (decided,
        replaced, delegated, or past its expiry), or empty."""
        digest = hash_token(token)
        Engagement = self.sudo()
        if not digest:
            return Engagement.browse()
        closed = Engagement.search(
            [
                "|",
                ("closed_token_hash", "=", digest),
                "&",
                ("previous_token_hash", "=", digest),
                ("state", "!=", "pending"),
            ],
            limit=1,
        )
        if closed:
            return closed
        # Expired but not yet closed by the cron: closed all the same.
        return Engagement.search(
            [
                "|",
                ("token_hash", "=", digest),
                ("previous_token_hash", "=", digest),
                ("state", "=", "pending"),
                ("expires_at", "!=", False),
                ("expires_at", "<=", self.env.cr.now()),
            ],
            limit=1,
        )

    def _closed_state(self):
        """What became of this closed round, for the public page: ``state``
        (``expired`` when past its expiry) and ``date`` (or False)."""
        self.ensure_one()
        if self.state == "pending" or self.state == "expired":
            return "expired", self.expires_at
        if self.state == "superseded":
            return "superseded", False
        return self.state, self.decided_at

    # ------------------------------------------------------------------
    # Expiry
    # ------------------------------------------------------------------
    @api.model
    def _expiry_days(self):
        """Configured lifetime of a link in days; 0 or less: links never expire."""
        return self.env["ir.config_parameter"]._fusion_int_param(
            EXPIRY_DAYS_PARAM, DEFAULT_EXPIRY_DAYS
        )

    @api.model
    def _expires_at(self, sent_at):
        """Expiry of a link sent at ``sent_at``, or False when links never expire."""
        days = self._expiry_days()
        return sent_at + timedelta(days=days) if days > 0 and sent_at else False

    @api.model
    def _cron_expire(self):
        """Close the pending rounds past their expiry: their links die, the
        ticket shows ``expired`` and the engineer gets a to-do (daily cron)."""
        fnames = self._decision_fnames()
        self.flush_model(fnames)
        now = self.env.cr.now()
        # SKIP LOCKED: a round an owner is deciding right now is left to them.
        self.env.cr.execute(
            SQL(
                """
                UPDATE fusion_helpdesk_engagement
                   SET state = 'expired',
                       closed_token_hash = token_hash,
                       token_hash = NULL,
                       write_uid = %(uid)s,
                       write_date = %(now)s
                 WHERE id IN (
                        SELECT id FROM fusion_helpdesk_engagement
                         WHERE state = 'pending' AND expires_at <= %(now)s
                         ORDER BY expires_at
                         LIMIT %(limit)s
                           FOR UPDATE SKIP LOCKED)
             RETURNING id, %(returning)s
                """,
                returning=self._returning_sql(fnames),
                uid=self.env.uid,
                now=now,
                limit=EXPIRY_BATCH,
            )
        )
        expired = self._returned(fnames)
        if expired:
            expired._after_decision()
        if len(expired) == EXPIRY_BATCH:
            self.env.ref("fusion_helpdesk_central.ir_cron_engagement_expiry")._trigger()
        return expired

    # ------------------------------------------------------------------
    # Delegation
    # ------------------------------------------------------------------
    def _delegation_hops(self):
        """How many times in a row this round's request was passed on."""
        self.ensure_one()
        hops, parent = 0, self.parent_id
        while parent and parent.state == "delegated" and hops <= MAX_DELEGATION_HOPS:
            hops += 1
            parent = parent.parent_id
        return hops

    def _delegate_errors(self, name, email):
        """Why this round cannot be passed on to ``name``/``email``
        (translated sentences), empty when it can."""
        self.ensure_one()
        errors = []
        # Measured as it will be kept: the names rule folds line breaks and
        # address syntax, so a "name" of only those is no name.
        name = intake.clean_name(name)
        if not name:
            errors.append(self.env._("Please give the name of the person who should decide."))
        elif len(name) > MAX_DELEGATE_NAME:
            errors.append(self.env._("This name is too long."))
        normalized = self._recipient_email(email)
        if not normalized:
            errors.append(self.env._("Please give a valid email address."))
        elif normalized == email_normalize(self.owner_email or ""):
            errors.append(self.env._("This request was already sent to this address."))
        if self._delegation_hops() >= MAX_DELEGATION_HOPS:
            errors.append(
                self.env._(
                    "This request was already passed on %s times and cannot be passed on "
                    "again: please approve, reject or request changes, or contact the "
                    "support team.",
                    MAX_DELEGATION_HOPS,
                )
            )
        return errors

    @api.model
    def _delegate(self, token, name, email, comment=None, ip=None, user_agent=None):
        """Pass the round of ``token`` on to ``name``/``email`` once: it becomes
        ``delegated`` and a new pending round with a fresh link is mailed to
        them. Returns the new round (sudo), or empty when the link is closed.
        The caller checked ``_delegate_errors``."""
        digest = hash_token(token)
        if not digest:
            return self.sudo().browse()
        return self._delegate_where(
            self._token_condition(digest), name, email, comment, ip, user_agent
        )

    @api.model
    def _delegate_where(self, condition, name, email, comment=None, ip=None, user_agent=None):
        """``_delegate`` of the pending round matching the SQL ``condition``."""
        delegated = self._decide_where(condition, "delegate", comment, ip, user_agent)
        if not delegated:
            return delegated
        Engagement = self.sudo().with_context(mail_create_nosubscribe=True, mail_create_nolog=True)
        new_token, new_digest = Engagement._new_token()
        now = fields.Datetime.now()
        child = Engagement.create(
            {
                **delegated._prepare_delegated_round_values(name, email, now),
                "token_hash": new_digest,
            }
        )
        delegated._after_decision()
        child.ticket_id._engagement_send_mails({child.ticket_id.id: new_token})
        return child

    def _prepare_delegated_round_values(self, name, email, now):
        """Values of the round passed on from this one; override to add."""
        self.ensure_one()
        return {
            "ticket_id": self.ticket_id.id,
            "owner_email": self._recipient_email(email),
            # The names rule: this name becomes the display name of the
            # delegate's email address, it must never add a recipient.
            "owner_name": intake.clean_name(name),
            "requested_by_id": self.requested_by_id.id,
            "findings": self.findings,
            "summary": self.summary,
            "sent_at": now,
            "expires_at": self._expires_at(now),
            "parent_id": self.id,
            "ai_model": self.ai_model,
            "ai_generated_at": self.ai_generated_at,
            "summary_edited": self.summary_edited,
        }

    def _delegated_from(self):
        """The round this one was passed on from (its note is shown), or empty."""
        self.ensure_one()
        parent = self.parent_id
        return parent if parent.state == "delegated" else parent.browse()

    # ------------------------------------------------------------------
    # Everything pending on one page
    # ------------------------------------------------------------------
    def _pending_siblings(self):
        """Pending, unexpired rounds (sudo) of this round's owner and client,
        this one included, oldest first."""
        self.ensure_one()
        if not self.client_key_id or not self.owner_email:
            return self.sudo().filtered(lambda engagement: engagement.state == "pending")
        return self.sudo().search(
            [
                ("state", "=", "pending"),
                ("owner_email", "=", self.owner_email),
                ("client_key_id", "=", self.client_key_id.id),
                ("token_hash", "!=", False),
                "|",
                ("expires_at", "=", False),
                ("expires_at", ">", self.env.cr.now()),
            ],
            order="sent_at, id",
        )

    def _owner_rounds(self, ids):
        """Rounds (sudo, any state) among ``ids`` of this round's owner and
        client: those a page reached through this round's link may show."""
        self.ensure_one()
        if not self.client_key_id or not self.owner_email:
            return self.sudo().browse(self.id if self.id in ids else [])
        return self.sudo().search(
            [
                ("id", "in", list(ids)),
                ("owner_email", "=", self.owner_email),
                ("client_key_id", "=", self.client_key_id.id),
            ],
            order="sent_at, id",
        )

    def _decide_for_owner(self, engagement_id, decision, comment=None, ip=None, user_agent=None):
        """Record ``decision`` once on round ``engagement_id`` of this round's
        owner and client (checked in the same statement); return it, or
        empty when it is not theirs or no longer pending."""
        self.ensure_one()
        if engagement_id == self.id:
            condition = SQL("id = %s", self.id)
        elif not self.client_key_id or not self.owner_email:
            return self.sudo().browse()
        else:
            condition = SQL(
                "id = %s AND owner_email = %s AND client_key_id = %s",
                engagement_id,
                self.owner_email,
                self.client_key_id.id,
            )
        engagements = self._decide_where(condition, decision, comment, ip, user_agent)
        if engagements:
            engagements._after_decision()
        return engagements
