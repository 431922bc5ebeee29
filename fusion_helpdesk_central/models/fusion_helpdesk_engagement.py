# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""One approval round: a request sent to a person, its link and their decision.

Rounds are kept for good (the audit trail of what was asked and decided); the
ticket shows its latest round (rating.rating's pattern): it stores only
``engagement_state``, its other ``engagement_*`` fields are related to the round.
"""

import hashlib
import re
import secrets

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

from ..decisions import DECISION_STATES, ROUND_STATES
from .helpdesk_ticket import summary_html

# Random bytes of a new link token (256 bits, base64url: 43 characters).
TOKEN_BYTES = 32
# Shapes a link token can have: ours, and the UUID4 of links mailed before
# 19.0.3.0.0 (their digest was stored by the migration). Anything else never
# reaches the database.
TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{32,64}")
MAX_COMMENT = 10000
MAX_USER_AGENT = 1024


def hash_token(token):
    """SHA-256 hex digest of a well-shaped link ``token``, else None."""
    if not isinstance(token, str) or not TOKEN_SHAPE.fullmatch(token):
        return None
    return hashlib.sha256(token.encode()).hexdigest()


class FusionHelpdeskEngagement(models.Model):
    _name = "fusion.helpdesk.engagement"
    _description = "Owner Approval Round"
    _inherit = ["mail.thread"]
    _order = "sent_at desc, id desc"
    _mail_post_access = "read"

    ticket_id = fields.Many2one(
        comodel_name="helpdesk.ticket",
        required=True,
        index=True,
        readonly=True,
        ondelete="cascade",
    )
    # The ticket whose latest round this is (at most one): the inverse of the
    # ticket's stored ``engagement_id``. Through it the ORM finds the ticket
    # whose stored ``engagement_state`` follows a change of this round from
    # its cache, instead of searching the tickets on every write of a decision.
    showing_ticket_ids = fields.One2many(
        comodel_name="helpdesk.ticket",
        inverse_name="engagement_id",
        string="Latest Round Of",
        readonly=True,
    )
    client_key_id = fields.Many2one(
        related="ticket_id.client_key_id", store=True, string="Client", index="btree_not_null"
    )
    company_id = fields.Many2one(related="ticket_id.company_id", store=True)
    state = fields.Selection(
        selection=ROUND_STATES,
        default="pending",
        required=True,
        readonly=True,
        index=True,
    )
    owner_email = fields.Char(readonly=True)
    owner_name = fields.Char(readonly=True)
    requested_by_id = fields.Many2one(
        comodel_name="res.users",
        readonly=True,
        index="btree_not_null",
        help="The engineer who sent the request; the emails go out in their name.",
    )
    findings = fields.Text(readonly=True)
    summary = fields.Text(readonly=True)
    summary_html = fields.Html(
        string="Summary (formatted)",
        compute="_compute_summary_html",
        sanitize=True,
        help="The summary as the owner read it; the text above is what was typed.",
    )
    sent_at = fields.Datetime(readonly=True, index=True)
    reminded_at = fields.Datetime(readonly=True)
    expires_at = fields.Datetime(readonly=True)
    decided_at = fields.Datetime(readonly=True)
    decision_comment = fields.Text(readonly=True)
    # Personal data of the owner: for the support team only.
    decision_ip = fields.Char(
        string="Decision IP Address", readonly=True, groups="helpdesk_mgmt.group_helpdesk_user_own"
    )
    decision_user_agent = fields.Char(readonly=True, groups="helpdesk_mgmt.group_helpdesk_user_own")
    decision_message_id = fields.Many2one(
        comodel_name="mail.message",
        readonly=True,
        index="btree_not_null",
        help="Public comment on the ticket that carries the decision.",
    )
    parent_id = fields.Many2one(
        comodel_name="fusion.helpdesk.engagement",
        string="Replaces",
        readonly=True,
        index="btree_not_null",
        help="The round this one replaced or was delegated from.",
    )
    turnaround_hours = fields.Float(
        compute="_compute_turnaround_hours",
        store=True,
        aggregator="avg",
        digits=(16, 2),
        help="Hours between sending the request and the decision.",
    )
    ai_model = fields.Char(string="AI Model", readonly=True)
    ai_generated_at = fields.Datetime(string="AI Summary Generated", readonly=True)
    summary_edited = fields.Boolean(
        readonly=True, help="The engineer edited the summary after the AI wrote it."
    )
    # The token itself only ever exists in the email. The ticket's
    # ``engagement_token`` (a SPEC name kept from 19.0.2) shows this digest,
    # never a token: nothing can be decided with what the database holds.
    token_hash = fields.Char(
        readonly=True,
        copy=False,
        groups="base.group_system",
        help="SHA-256 hex digest of the live link's token (the token is only in the "
        "email); empty once the link is closed.",
    )
    # Its digest once the round is closed (decided, replaced, delegated,
    # expired): the link then answers 410 and says what became of the request,
    # while nothing can decide through it any more (a decision needs
    # ``token_hash`` and a pending state).
    closed_token_hash = fields.Char(
        readonly=True, copy=False, index="btree_not_null", groups="base.group_system"
    )
    # Digest of the first email's link once a reminder carried a fresh one:
    # both links work while the round is pending (owners use either email);
    # once it is closed this one answers 410 like the other.
    previous_token_hash = fields.Char(
        readonly=True, copy=False, index="btree_not_null", groups="base.group_system"
    )

    _token_hash_unique = models.UniqueIndex("(token_hash) WHERE token_hash IS NOT NULL")

    @api.depends("sent_at", "decided_at")
    def _compute_turnaround_hours(self):
        for engagement in self:
            if engagement.sent_at and engagement.decided_at:
                delta = engagement.decided_at - engagement.sent_at
                engagement.turnaround_hours = delta.total_seconds() / 3600.0
            else:
                engagement.turnaround_hours = 0.0

    @api.depends("summary")
    def _compute_summary_html(self):
        for engagement in self:
            engagement.summary_html = summary_html(engagement.summary)

    @api.depends("ticket_id.number", "sent_at")
    def _compute_display_name(self):
        for engagement in self:
            engagement.display_name = "%s · %s" % (
                engagement.ticket_id.number or engagement.ticket_id.name or "",
                fields.Datetime.to_string(engagement.sent_at) or "",
            )

    @api.model_create_multi
    def create(self, vals_list):
        """Rounds are made by the approval flow only (sudo)."""
        if not self.env.su:
            raise AccessError(self.env._("Approval rounds are created by Request Owner Approval."))
        return super().create(vals_list)

    def write(self, vals):
        """Rounds change through the flow only (sudo), never by hand."""
        if not self.env.su and set(vals) - {"message_main_attachment_id"}:
            raise AccessError(
                self.env._("An approval round changes only through the approval flow.")
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_by_admins(self):
        if not self.env.is_system():
            raise AccessError(
                self.env._("Approval rounds are kept: only an administrator can delete them.")
            )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_decision(self):
        # Without its round a decision comment would be an ordinary, editable
        # message: the decision goes nowhere, administrators included.
        self.sudo().decision_message_id._fusion_check_not_decision()

    @api.model
    def _read_group_select(self, aggregate_spec, query):
        # Undecided rounds store a turnaround of 0.0 (a Float cannot be NULL):
        # keep them out of the average, minimum and maximum.
        fname, __, func = aggregate_spec.partition(":")
        if fname != "turnaround_hours" or func not in ("avg", "min", "max"):
            return super()._read_group_select(aggregate_spec, query)
        return SQL(
            "%s(CASE WHEN %s IS NOT NULL THEN %s END)",
            SQL(func.upper()),
            self._field_to_sql(self._table, "decided_at", query),
            self._field_to_sql(self._table, fname, query),
        )

    # ------------------------------------------------------------------
    # Tokens
    # ------------------------------------------------------------------
    @api.model
    def _new_token(self):
        """A fresh link token and its digest (``token``, ``token_hash``)."""
        token = secrets.token_urlsafe(TOKEN_BYTES)
        return token, hash_token(token)

    @api.model
    def _find_pending(self, token):
        """Pending round (sudo) whose live link carries ``token``, or empty."""
        digest = hash_token(token)
        if not digest:
            return self.sudo().browse()
        # Exact match on the digest through the unique index: nothing compares
        # a stored secret in Python, and the digest says nothing of the token.
        # The round is read in the same query: its pages need it.
        return self.sudo().search_fetch(
            [
                "|",
                ("token_hash", "=", digest),
                ("previous_token_hash", "=", digest),
                ("state", "=", "pending"),
                "|",
                ("expires_at", "=", False),
                ("expires_at", ">", self.env.cr.now()),
            ],
            limit=1,
        )

    # ------------------------------------------------------------------
    # Decision
    # ------------------------------------------------------------------
    @api.model
    def _decision_fnames(self):
        """Fields the decision's SQL statement writes (cache and computes follow them)."""
        return [
            "state",
            "decided_at",
            "token_hash",
            "closed_token_hash",
            "decision_comment",
            "decision_ip",
            "decision_user_agent",
            "write_uid",
            "write_date",
        ]

    @api.model
    def _decide(self, token, decision, comment=None, ip=None, user_agent=None):
        """Record the owner's ``decision`` once; return the round (sudo), or empty."""
        digest = hash_token(token)
        if not digest or decision not in DECISION_STATES:
            return self.sudo().browse()
        engagements = self._decide_where(
            self._token_condition(digest), decision, comment, ip, user_agent
        )
        if engagements:
            engagements._after_decision()
        return engagements

    @api.model
    def _token_condition(self, digest):
        """SQL condition: the round's live link (or its first email's link,
        kept alongside a reminder's) has this ``digest``."""
        return SQL("(token_hash = %s OR previous_token_hash = %s)", digest, digest)

    @api.model
    def _decide_where(self, condition, decision, comment=None, ip=None, user_agent=None):
        """Close the pending, unexpired rounds matching the SQL ``condition``
        with ``decision`` in one statement; return them (sudo), without the
        ORM bookkeeping (``_after_decision``)."""
        state = DECISION_STATES[decision]
        comment = (comment or "").strip()[:MAX_COMMENT] or None
        user_agent = (user_agent or "")[:MAX_USER_AGENT] or None
        fnames = self._decision_fnames()
        self.flush_model(fnames)
        # One statement checks and consumes the link. PostgreSQL row-locks the
        # round: a racing POST waits on that lock and, once the winner commits,
        # either finds the link gone (0 rows: invalid page) or, under Odoo's
        # REPEATABLE READ, fails with SerializationFailure, which must reach
        # Odoo's retrying() so the request is replayed and then finds 0 rows.
        self.env.cr.execute(
            SQL(
                """
                UPDATE fusion_helpdesk_engagement
                   SET state = %(state)s,
                       decided_at = %(now)s,
                       closed_token_hash = token_hash,
                       token_hash = NULL,
                       decision_comment = %(comment)s,
                       decision_ip = %(ip)s,
                       decision_user_agent = %(user_agent)s,
                       write_uid = %(uid)s,
                       write_date = %(now)s
                 WHERE %(condition)s
                   AND state = 'pending'
                   AND token_hash IS NOT NULL
                   -- A link past its expiry is closed, even before the cron ran.
                   AND (expires_at IS NULL OR expires_at > %(now)s)
             RETURNING id, %(returning)s
                """,
                returning=self._returning_sql(fnames),
                state=state,
                comment=comment,
                ip=ip or None,
                user_agent=user_agent,
                uid=self.env.uid,
                now=self.env.cr.now(),
                condition=condition,
            ),
            log_exceptions=False,
        )
        return self._returned(fnames)

    @api.model
    def _returning_sql(self, fnames):
        """``RETURNING`` columns of the decision's statements (after ``id``)."""
        return SQL(", ").join(SQL.identifier(fname) for fname in fnames)

    @api.model
    def _returned(self, fnames):
        """The rounds the last ``UPDATE ... RETURNING id, <fnames>`` changed
        (sudo), their cache holding the values it returned: the ORM did not
        see the statement, and reading them again would cost a query."""
        rows = self.env.cr.fetchall()
        engagements = self.sudo().browse(row[0] for row in rows)
        engagements.invalidate_recordset(fnames)
        for index, fname in enumerate(fnames, start=1):
            # Private: Odoo 19 has no public call that fills the cache with
            # values the database already holds (assigning marks them dirty,
            # and a write would run them through the ORM again).
            self._fields[fname]._insert_cache(engagements, [row[index] for row in rows])
        return engagements

    def _after_decision(self):
        """ORM bookkeeping of the SQL decision (these rounds come from
        ``_returned``): computes (turnaround, the ticket's ``engagement_state``),
        the ticket's tracking, the owner's comment and the engineer's to-do.

        The ticket's chatter is the one timeline of its approvals: the owner's
        public comment, and its tracked ``engagement_state`` recording each
        change (by the owner; an expiry by nobody). The rounds keep the rest
        (when, the comment, IP, user agent, a link to that comment), as
        ``rating.rating`` does, without a chatter line of their own.
        """
        # The owner's partner, found (or created) once: it authors the public
        # comment and the ticket's tracking (an expiry is nobody's doing).
        owners = self._decision_authors()
        # Only a round's own ticket can have it as its latest round: say which
        # one does (the ticket is read anyway), sparing the ORM a search of
        # the tickets on each change of these rounds below.
        showing = self._fields["showing_ticket_ids"]
        for engagement in self:
            ticket = engagement.ticket_id
            # Private, as in ``_returned``: no public call fills the cache
            # without marking the value dirty.
            showing._insert_cache(
                engagement, [(ticket.id,) if ticket.engagement_id == engagement else ()]
            )
            if owners[engagement.id]:
                ticket._track_set_author(owners[engagement.id])
        # The tickets' tracked engagement_state recomputes from here, and its
        # tracking records the change like any other write.
        self.modified(self._decision_fnames())
        self._decision_consequences(owners)

    def _decision_authors(self):
        """``{round id: partner}`` authoring the ticket's tracking and the
        public comment of these rounds' decisions: the owner (found or
        created once), nobody for an expiry. Override for a decision that is
        not the owner's (a hand-over by the system)."""
        return {
            engagement.id: engagement._owner_partner(create=True)
            if engagement.state != "expired"
            else self.env["res.partner"]
            for engagement in self
        }

    def _owner_partner(self, create=False):
        """Partner of the round's owner (found by email; created when ``create``)."""
        self.ensure_one()
        return self.ticket_id._engagement_owner_partner(
            create=create, email=self.owner_email, name=self.owner_name
        )

    def _provenance_line(self):
        """One sentence for the owner on who wrote the summary (and whether an
        AI drafted it)."""
        self.ensure_one()
        engineer = self.requested_by_id.name or self.env._("our support team")
        if self.ai_model:
            return self.env._(
                "This summary was drafted with AI from the engineer's findings and reviewed by %s.",
                engineer,
            )
        return self.env._("This summary was written by %s.", engineer)

    def _supersede(self):
        """Close these pending rounds because a newer one replaces them: their links die."""
        pending = self.filtered(lambda engagement: engagement.state == "pending")
        for engagement in pending.sudo():
            engagement.write(
                {
                    "state": "superseded",
                    "closed_token_hash": engagement.token_hash,
                    "token_hash": False,
                }
            )
        return pending
