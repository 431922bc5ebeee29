# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Rate limit of the reply API, per client key.

Every reply is a public comment that may email the engineer: a client (or
whoever holds its key) posting in a loop floods the ticket and a mailbox. The
count lives in the database, on the key's own row, so every Odoo worker sees
the same one (the intake's bad-key cooldown is per worker: it only has to make
guessing a 256-bit key pointless, whereas this limit must hold as configured).
One atomic UPDATE counts a request: two racing requests of one key serialize
on the row (the loser is replayed by Odoo's retrying() and counted after).
"""

import logging
from datetime import timedelta

from odoo import fields, models
from odoo.tools import SQL

from .. import sync

_logger = logging.getLogger(__name__)


class FusionHelpdeskClientKey(models.Model):
    _inherit = "fusion.helpdesk.client.key"

    reply_window_start = fields.Datetime(
        readonly=True,
        copy=False,
        help="Start of the reply API's rate window.",
    )
    reply_window_count = fields.Integer(
        readonly=True,
        copy=False,
        help="Replies posted in the current window.",
    )

    def _api_check_reply_rate(self):
        """Count one reply request of this key; raise ``intake.TooManyAttempts``
        (429 with Retry-After) once the window's limit is exceeded."""
        self.ensure_one()
        limit, seconds = self._api_reply_rate_settings()
        if limit <= 0:
            return
        now = fields.Datetime.now()
        self.env.cr.execute(
            SQL(
                """
                UPDATE fusion_helpdesk_client_key
                   SET reply_window_count = CASE WHEN reply_window_start > %(since)s
                                                 THEN COALESCE(reply_window_count, 0) + 1
                                                 ELSE 1 END,
                       reply_window_start = CASE WHEN reply_window_start > %(since)s
                                                 THEN reply_window_start
                                                 ELSE %(now)s END
                 WHERE id = %(id)s
             RETURNING reply_window_count, reply_window_start
                """,
                since=now - timedelta(seconds=seconds),
                now=now,
                id=self.id,
            )
        )
        count, window_start = self.env.cr.fetchone()
        self.invalidate_recordset(["reply_window_count", "reply_window_start"])
        if count == limit + 1:
            _logger.warning(
                "Reply API: client key %s posted more than %d replies in %d s; refusing "
                "its replies until the window ends.",
                self.id,
                limit,
                seconds,
            )
        sync.check_reply_rate(count, window_start, now, limit=limit, seconds=seconds)

    def _api_reply_rate_settings(self):
        """``(replies per window, window seconds)``; 0 replies disables the limit.
        System parameters ``fusion_helpdesk_central.reply_rate_limit`` and
        ``fusion_helpdesk_central.reply_rate_seconds``; override for another policy."""
        params = self.env["ir.config_parameter"]
        return (
            params._fusion_int_param(
                "fusion_helpdesk_central.reply_rate_limit", sync.REPLY_RATE_LIMIT
            ),
            params._fusion_int_param(
                "fusion_helpdesk_central.reply_rate_seconds", sync.REPLY_RATE_SECONDS, minimum=1
            ),
        )
