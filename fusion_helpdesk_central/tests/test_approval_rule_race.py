# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Two rules (or two saves) run "Require owner approval" on one ticket at the
same time, in two real PostgreSQL transactions: one to-do, never two.

The data is committed (the registry's test cursor would share one
transaction) and removed afterwards."""

import secrets
import threading
from contextlib import closing

from odoo.service.model import retrying
from odoo.sql_db import db_connect
from odoo.tests import TransactionCase, tagged

from ..models.helpdesk_ticket_approval_gate import REQUEST_TODO_XMLID
from .common import delete_committed_tickets, real_env, wait_for_a_lock_wait


@tagged("post_install", "-at_install")
class TestApprovalRuleRace(TransactionCase):
    def _commit_ticket(self, required=False):
        """A client with an owner and one assigned ticket, committed;
        ``required``: a rule already required its approval before."""
        self.db = db_connect(self.env.cr.dbname)
        tag = secrets.token_hex(4)
        with closing(self.db.cursor()) as cr:
            env = real_env(cr)(context={"tracking_disable": True})
            client = env["fusion.helpdesk.client.key"].create(
                {"name": "Race Corp %s" % tag, "owner_email": "owner-%s@race.example.com" % tag}
            )
            ticket = env["helpdesk.ticket"].create(
                {
                    "name": "Two rules at once",
                    "number": "RULE-%s" % tag,
                    "description": "<p>race</p>",
                    "client_key_id": client.id,
                    "user_id": env.ref("base.user_admin").id,
                    "engagement_required": required,
                }
            )
            self.client_id, self.ticket_id = client.id, ticket.id
            cr.commit()  # pylint: disable=invalid-commit
        self.addCleanup(self._delete_committed)

    def _delete_committed(self):
        with closing(self.db.cursor()) as cr:
            env = real_env(cr)
            client = env["fusion.helpdesk.client.key"].browse(self.client_id)
            delete_committed_tickets(env, env["helpdesk.ticket"].browse(self.ticket_id).exists())
            company = client.partner_id
            client.unlink()
            company.unlink()
            cr.commit()  # pylint: disable=invalid-commit

    def _todos(self, env):
        return env["mail.activity"].search(
            [
                ("res_model", "=", "helpdesk.ticket"),
                ("res_id", "=", self.ticket_id),
                ("activity_type_id", "=", env.ref(REQUEST_TODO_XMLID).id),
            ]
        )

    def test_two_runs_at_once_give_one_todo(self):
        self._race()

    def test_two_runs_at_once_on_a_required_ticket_give_one_todo(self):
        """The ticket was required before (its earlier to-do done, the owner
        rejected): the first run writes nothing on the ticket, yet the
        second still waits and then finds the first's to-do."""
        self._race(required=True)

    def _race(self, required=False):
        self._commit_ticket(required)
        with closing(self.db.cursor()) as cr_a, closing(self.db.cursor()) as cr_b:
            env_a, env_b = real_env(cr_a), real_env(cr_b)
            # B's transaction is under way (the save that fired its rule):
            # its snapshot has no to-do.
            self.assertFalse(self._todos(env_b))
            # A runs the action and holds the ticket until it commits.
            env_a["helpdesk.ticket"].browse(self.ticket_id)._fusion_require_owner_approval()
            env_a.flush_all()
            self.assertEqual(len(self._todos(env_a)), 1)

            outcome = {}

            def b_runs():
                # As Odoo serves a request or runs a rule: replayed on a
                # serialization failure.
                def run():
                    ticket = env_b["helpdesk.ticket"].browse(self.ticket_id)
                    return ticket._fusion_require_owner_approval()

                try:
                    outcome["result"] = retrying(run, env_b)
                except Exception as error:  # noqa: BLE001 - reported below
                    outcome["error"] = error

            racer = threading.Thread(target=b_runs)
            racer.start()
            waited = wait_for_a_lock_wait(self.env.cr.dbname)
            cr_a.commit()  # pylint: disable=invalid-commit
            racer.join(60)
            self.assertFalse(racer.is_alive())
            self.assertTrue(waited, "the second run waits on the ticket's row lock")
            self.assertNotIn("error", outcome, outcome.get("error"))

        with closing(self.db.cursor()) as cr:
            env = real_env(cr)
            todos = self._todos(env)
            self.assertEqual(len(todos), 1, "one open to-do, whatever the number of runs")
            ticket = env["helpdesk.ticket"].browse(self.ticket_id)
            self.assertTrue(ticket.engagement_required)
            self.assertFalse(ticket.engagement_ids, "the action never sends a request itself")
