# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Identical intake POSTs at the same time, over real HTTP in real transactions.

The registry is not in test mode here: each request runs in its own
PostgreSQL transaction on the test server, with Odoo's real ``retrying()``,
as in production. The client key is committed, and removed afterwards."""

import json
import secrets
import threading
from contextlib import closing
from unittest.mock import patch

import requests

from odoo.sql_db import db_connect
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from .common import real_env, wait_for_a_lock_wait

API = "/fusion_helpdesk_central/api/v1/tickets"


@tagged("post_install", "-at_install")
class TestIntakeRace(HttpCase):
    registry_test_mode = False

    def setUp(self):
        super().setUp()
        self.db = db_connect(self.env.cr.dbname)
        self.tag = secrets.token_hex(4)
        self.requester_email = "racer-%s@acme.example.com" % self.tag
        with closing(self.db.cursor()) as cr:
            client_key = real_env(cr)["fusion.helpdesk.client.key"].create(
                {"name": "Race Corp %s" % self.tag}
            )
            self.key_value = client_key._generate_key()
            self.client_key_id = client_key.id
            cr.commit()  # pylint: disable=invalid-commit
        self.addCleanup(self._delete_committed)
        self.payload = {
            "subject": "Printer on fire %s" % self.tag,
            "description": "Sent again by a client that timed out.",
            "requester_name": "Rita Racer",
            "requester_email": self.requester_email,
            "client_ref": "race-%s" % self.tag,
        }

    def _delete_committed(self):
        with closing(self.db.cursor()) as cr:
            env = real_env(cr)
            client_key = env["fusion.helpdesk.client.key"].browse(self.client_key_id)
            env["helpdesk.ticket"].with_context(active_test=False).search(
                [("client_key_id", "=", client_key.id)]
            ).unlink()
            partners = (
                env["res.partner"]
                .with_context(active_test=False)
                .search([("email_normalized", "=", self.requester_email)])
            )
            company = client_key.partner_id
            client_key.unlink()
            (partners | company).unlink()
            cr.commit()  # pylint: disable=invalid-commit

    def _committed_tickets(self):
        with closing(self.db.cursor()) as cr:
            cr.execute(
                "SELECT id FROM helpdesk_ticket WHERE client_key_id = %s ORDER BY id",
                (self.client_key_id,),
            )
            return [row[0] for row in cr.fetchall()]

    def _post(self, payload=None):
        return requests.post(
            self.base_url() + API,
            data=json.dumps(payload or self.payload),
            headers={
                "Content-Type": "application/json",
                "Authorization": "Bearer %s" % self.key_value,
            },
            timeout=60,
        )

    def _post_in_threads(self, count, payloads=None):
        """POST ``count`` requests at the same instant; their responses in order."""
        payloads = payloads or [self.payload] * count
        barrier = threading.Barrier(count)
        responses = [None] * count

        def post(index):
            barrier.wait()
            responses[index] = self._post(payloads[index])

        threads = [threading.Thread(target=post, args=(index,)) for index in range(count)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(90)
        return responses

    def assertSameTicket(self, responses):
        for response in responses:
            self.assertEqual(response.status_code, 201, response.text)
            self.assertTrue(response.headers["Content-Type"].startswith("application/json"))
        bodies = [response.json() for response in responses]
        tickets = self._committed_tickets()
        self.assertEqual(len(tickets), 1, "one ticket, whatever the number of resends")
        self.assertEqual(bodies, [bodies[0]] * len(bodies), "every racer gets the same answer")
        self.assertEqual(bodies[0]["id"], tickets[0])
        self.assertTrue(bodies[0]["number"])

    @mute_logger("odoo.sql_db")  # the loser's refused insert is logged as a bad query
    def test_simultaneous_identical_posts_give_one_ticket(self):
        self.assertSameTicket(self._post_in_threads(3))

    @mute_logger("odoo.sql_db")
    def test_simultaneous_posts_of_another_ticket_under_one_ref_give_409(self):
        other = {**self.payload, "subject": "Another ticket %s" % self.tag}
        responses = self._post_in_threads(2, [self.payload, other])
        statuses = sorted(response.status_code for response in responses)
        self.assertEqual(statuses, [201, 409], [response.text for response in responses])
        refused = next(response for response in responses if response.status_code == 409)
        self.assertEqual(refused.json()["error"]["field"], "client_ref")
        self.assertEqual(len(self._committed_tickets()), 1)

    def test_resend_while_the_first_is_still_processed_gives_its_ticket(self):
        ClientKey = type(self.env["fusion.helpdesk.client.key"])
        intake_note = ClientKey._intake_note
        first_inserted, release = threading.Event(), threading.Event()

        def slow_intake_note(client_key, payload):
            # The first request has inserted its ticket and not committed yet.
            first_inserted.set()
            release.wait(20)
            return intake_note(client_key, payload)

        first = {}
        with (
            patch.object(ClientKey, "_intake_note", slow_intake_note),
            self.assertLogs("odoo.sql_db", "ERROR") as refused_insert,
        ):
            thread = threading.Thread(target=lambda: first.update(response=self._post()))
            thread.start()
            self.assertTrue(first_inserted.wait(20))
            resend = {}
            resender = threading.Thread(target=lambda: resend.update(response=self._post()))
            resender.start()
            waited = wait_for_a_lock_wait(self.env.cr.dbname)
            release.set()
            thread.join(60)
            resender.join(60)
        self.assertTrue(waited, "the resend waits for the first request's ticket")
        self.assertIn("helpdesk_ticket_client_ref_unique", refused_insert.output[0])
        self.assertSameTicket([first["response"], resend["response"]])
