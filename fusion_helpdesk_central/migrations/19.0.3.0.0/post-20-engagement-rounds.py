# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""19.0.3.0.0: every engaged ticket becomes one approval round.

Up to 19.0.2.3.0 an approval lived only in the ticket's ``engagement_*``
columns, with the link's UUID4 token stored in clear. Each engaged ticket
gets one ``fusion.helpdesk.engagement`` carrying those values; a pending
link keeps working once: its round stores the SHA-256 of the token (the
emailed link carries the token, so its digest still matches) and the clear
token is gone from the ticket (which now shows the digest of its latest
round). The bodies of the ``mail.message`` behind old approval emails, which
their sender could read, lose their links.
"""

import hashlib
import logging

from markupsafe import Markup

from odoo import SUPERUSER_ID, api

_logger = logging.getLogger(__name__)

COLUMNS = (
    "id",
    "engagement_state",
    "engagement_owner_email",
    "engagement_owner_name",
    "engagement_token",
    "engagement_sent_at",
    "engagement_reminded_at",
    "engagement_decided_at",
    "engagement_findings",
    "engagement_summary",
    "engagement_decision_comment",
    "engagement_decision_ip",
    "engagement_decision_user_agent",
    "engagement_decision_message_id",
    "user_id",
    "write_uid",
)
BACKUP = "fusion_helpdesk_engagement_premigration"
REQUEST_NOTE = "%Owner approval requested%"
REDACTED = Markup(
    "<p>Owner approval request (the decision links are only in the email sent to the owner).</p>"
)


def _requester(cr, ticket, internal_users):
    """Best effort: author of the latest 'approval requested' note, else the
    last writer or the assignee when they are internal users."""
    cr.execute(
        """
        SELECT u.id
          FROM mail_message m
          JOIN res_users u ON u.partner_id = m.author_id
         WHERE m.model = 'helpdesk.ticket' AND m.res_id = %s
           AND m.body::text ILIKE %s
         ORDER BY m.id DESC
         LIMIT 1
        """,
        (ticket["id"], REQUEST_NOTE),
    )
    row = cr.fetchone()
    if row:
        return row[0]
    for candidate in (ticket["write_uid"], ticket["user_id"]):
        if candidate in internal_users:
            return candidate
    return None


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True, "mail_notrack": True})
    cr.execute("SELECT to_regclass(%s)", (BACKUP,))
    if not cr.fetchone()[0]:
        return
    # The values saved by pre-20-engagement-rounds.py before the update
    # recomputed the ticket columns.
    cr.execute(
        "SELECT %s FROM %s t "
        "WHERE NOT EXISTS (SELECT 1 FROM fusion_helpdesk_engagement e WHERE e.ticket_id = t.id) "
        "ORDER BY t.id" % (", ".join("t.%s" % column for column in COLUMNS), BACKUP)
    )
    tickets = cr.dictfetchall()
    internal_users = set(
        env["res.users"].with_context(active_test=False).search([("share", "=", False)]).ids
    ) - {SUPERUSER_ID}
    values_list = []
    for ticket in tickets:
        token = ticket["engagement_token"]
        pending = ticket["engagement_state"] == "pending"
        values_list.append(
            {
                "ticket_id": ticket["id"],
                "state": ticket["engagement_state"],
                "owner_email": ticket["engagement_owner_email"],
                "owner_name": ticket["engagement_owner_name"],
                "requested_by_id": _requester(cr, ticket, internal_users),
                "sent_at": ticket["engagement_sent_at"],
                "reminded_at": ticket["engagement_reminded_at"],
                "decided_at": ticket["engagement_decided_at"],
                "findings": ticket["engagement_findings"],
                "summary": ticket["engagement_summary"],
                "decision_comment": ticket["engagement_decision_comment"],
                "decision_ip": ticket["engagement_decision_ip"],
                "decision_user_agent": ticket["engagement_decision_user_agent"],
                "decision_message_id": ticket["engagement_decision_message_id"],
                # The link mailed before the upgrade carries str(uuid4()).
                "token_hash": (
                    hashlib.sha256(token.strip().lower().encode()).hexdigest()
                    if pending and token
                    else False
                ),
            }
        )
    # The ticket's last-value fields (engagement_token included: the digest,
    # or nothing) recompute from the rounds created here.
    env["fusion.helpdesk.engagement"].create(values_list)
    env.flush_all()
    cr.execute(
        "UPDATE helpdesk_ticket SET engagement_token = NULL "
        "WHERE engagement_token IS NOT NULL AND engagement_id IS NULL"
    )
    cr.execute("DROP INDEX IF EXISTS helpdesk_ticket__engagement_token_unique")
    # Old approval emails: their mail.message (readable by the engineer who
    # sent it) carried the live links.
    cr.execute(
        "UPDATE mail_message SET body = %s "
        "WHERE model IS NULL AND body::text LIKE '%%/fusion_helpdesk/engagement/%%'",
        (str(REDACTED),),
    )
    redacted = cr.rowcount
    cr.execute("DROP TABLE %s" % BACKUP)
    _logger.info(
        "Approval rounds: %d engaged tickets migrated, %d old email bodies redacted",
        len(values_list),
        redacted,
    )
