# Copyright 2026 Fusion Helpdesk
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""19.0.3.0.0: random client references, and stored threads without remote images.

Tickets already sent keep working whatever their new reference: central knows
them by its own id from then on. Tickets not sent yet were sent with their
record id as reference; they now go with a fresh random one.
"""

import logging

from odoo import SUPERUSER_ID, api

from odoo.addons.fusion_helpdesk import central_client

_logger = logging.getLogger(__name__)


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    tickets = env["fusion.helpdesk.ticket"].with_context(active_test=False)
    missing = tickets.search([("client_ref", "=", False)])
    for ticket in missing:
        # One at a time: each row needs its own random reference.
        ticket.client_ref = central_client.new_client_ref()
    threads = tickets.search([("thread_html", "!=", False)])
    for ticket in threads:
        # The copy shown while central is down may hold tracking pixels.
        ticket.thread_html = central_client.strip_remote_resources(str(ticket.thread_html))
    _logger.info(
        "Fusion Helpdesk: %d client references given, %d stored threads cleaned",
        len(missing),
        len(threads),
    )
