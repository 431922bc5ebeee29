# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""19.0.3.0.0, before the update: keep the tickets' engagement values.

The update turns the ticket's ``engagement_*`` columns into the last values
of its approval rounds and recomputes them (to 'none': there is no round
yet). ``post-20-engagement-rounds.py`` builds the rounds from this copy.
"""

BACKUP = "fusion_helpdesk_engagement_premigration"


def migrate(cr, version):
    if not version:
        return
    cr.execute("DROP TABLE IF EXISTS %s" % BACKUP)
    cr.execute(
        """
        CREATE TABLE %s AS
        SELECT id, engagement_state, engagement_owner_email, engagement_owner_name,
               engagement_token, engagement_sent_at, engagement_reminded_at,
               engagement_decided_at, engagement_findings, engagement_summary,
               engagement_decision_comment, engagement_decision_ip,
               engagement_decision_user_agent, engagement_decision_message_id,
               user_id, write_uid
          FROM helpdesk_ticket
         WHERE engagement_state IS NOT NULL AND engagement_state != 'none'
        """
        % BACKUP
    )
