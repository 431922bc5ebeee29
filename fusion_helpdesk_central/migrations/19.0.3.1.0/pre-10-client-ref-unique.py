# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""19.0.3.1.0, before the update: one ticket per (client key, client reference).

The update creates the unique index ``helpdesk_ticket_client_ref_unique``.
Tickets duplicated before it existed (identical intake requests at the same
time) would make it fail: the oldest ticket of each reference keeps it, the
others get it with a ``~dup<id>`` suffix (a ``~`` never comes from a client, so
a resend still finds the oldest ticket). Nothing is deleted; each renamed
ticket is logged so the provider can merge or close it.
"""

import logging

_logger = logging.getLogger(__name__)

DUPLICATE_SUFFIX = "~dup%s"


def rename_duplicate_client_refs(cr):
    """Suffix the client reference of every ticket but the oldest sharing a
    (client key, client reference); return ``[(ticket id, old ref, new ref)]``."""
    cr.execute(
        """
        SELECT id, client_ref, first_id
          FROM (SELECT id, client_ref,
                       min(id) OVER (PARTITION BY client_key_id, client_ref) AS first_id
                  FROM helpdesk_ticket
                 WHERE client_key_id IS NOT NULL AND client_ref IS NOT NULL) AS refs
         WHERE id != first_id
         ORDER BY id
        """
    )
    renamed = []
    for ticket_id, client_ref, first_id in cr.fetchall():
        new_ref = client_ref + DUPLICATE_SUFFIX % ticket_id
        cr.execute("UPDATE helpdesk_ticket SET client_ref = %s WHERE id = %s", (new_ref, ticket_id))
        _logger.warning(
            "Ticket %s duplicated ticket %s (client reference %s, sent twice at once): "
            "its reference is now %s; merge or close it.",
            ticket_id,
            first_id,
            client_ref,
            new_ref,
        )
        renamed.append((ticket_id, client_ref, new_ref))
    return renamed


def migrate(cr, version):
    if not version:
        return
    rename_duplicate_client_refs(cr)
