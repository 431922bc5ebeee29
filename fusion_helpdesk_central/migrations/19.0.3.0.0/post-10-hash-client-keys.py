# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""19.0.3.0.0: client keys are stored as an index and a hash, never in clear.

Every existing key keeps working (the client's Settings do not change): its
first characters become the index, its SHA-256 the hash, then the column that
held the plaintext is dropped (with its unique index) so no dump holds a
usable key. Clients also get their company contact."""

import logging

from odoo import SUPERUSER_ID, api

from odoo.addons.fusion_helpdesk_central.models.fusion_helpdesk_client_key import (
    KEY_INDEX_CHARS,
    hash_client_key,
)

_logger = logging.getLogger(__name__)

TABLE = "fusion_helpdesk_client_key"
PLAINTEXT_COLUMNS = ("key", "key_shown")


def _column_exists(cr, column):
    cr.execute(
        "SELECT 1 FROM information_schema.columns WHERE table_name = %s AND column_name = %s",
        (TABLE, column),
    )
    return bool(cr.fetchone())


def hash_plaintext_keys(cr):
    """Hash the plaintext keys of ``fusion_helpdesk_client_key`` and drop their
    column; return how many keys were hashed."""
    if not _column_exists(cr, "key"):
        return 0
    cr.execute(f'SELECT id, "key" FROM {TABLE} WHERE "key" IS NOT NULL')
    rows = cr.fetchall()
    for key_id, key in rows:
        cr.execute(
            f"UPDATE {TABLE} SET key_index = %s, key_hash = %s, key_set = TRUE WHERE id = %s",
            (key[:KEY_INDEX_CHARS], hash_client_key(key), key_id),
        )
    for column in PLAINTEXT_COLUMNS:
        if _column_exists(cr, column):
            cr.execute(f'ALTER TABLE {TABLE} DROP COLUMN "{column}"')
    _logger.info("Hashed %d client keys; their plaintext column is dropped.", len(rows))
    return len(rows)


def add_company_partners(env):
    """Give every client without one its company contact."""
    for client_key in (
        env["fusion.helpdesk.client.key"]
        .with_context(active_test=False)
        .search([("partner_id", "=", False)])
    ):
        client_key._intake_company_partner()


def migrate(cr, version):
    hash_plaintext_keys(cr)
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["fusion.helpdesk.client.key"].invalidate_model()
    add_company_partners(env)
