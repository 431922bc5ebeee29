# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import json
import threading
from datetime import timedelta

from freezegun import freeze_time

from odoo import fields, sql_db
from odoo.tests import TransactionCase, tagged

from odoo.addons.fusion_helpdesk_central import sync

from .common import real_env, ticket_live_token
from .test_engagement_pages import CSRF_INPUT
from .test_intake_api import API, IntakeApiCase


class SyncApiCase(IntakeApiCase):
    """The updates feed and replies of the shared key; ``other_key`` is another client."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.requester = cls.env["res.partner"].create(
            {"name": "Jane Doe", "email": "jane.doe@acme.example.com"}
        )
        cls.ticket.partner_id = cls.requester
        cls.other_ticket = cls._create_ticket("Globex printer", client_key=cls.other_key)

    def updates(self, after=None, key=None, limit=None, status=200):
        params = []
        if after is not None:
            params.append("after=%s" % after)
        if limit is not None:
            params.append("limit=%s" % limit)
        path = "/updates" + ("?" + "&".join(params) if params else "")
        return self.assertJsonResponse(self._get(path, key=key), status)

    def all_updates(self, after=None, limit=None):
        """Follow ``more`` like the client does; return (cursor, tickets, pages)."""
        tickets, pages = [], 0
        while True:
            answer = self.updates(after, limit=limit)
            pages += 1
            tickets += answer["tickets"]
            after = answer["cursor"]
            if not answer["more"]:
                return after, tickets, pages

    def post_reply(self, ticket, key=None, **payload):
        body = {
            "body": "Still broken <b>today</b> & tomorrow.\nSecond line.",
            "author_name": "Jane Doe",
            "author_email": "Jane.Doe@acme.example.com",
            **payload,
        }
        return self.url_open(
            "%s/tickets/%d/messages" % (API, ticket.id),
            data=json.dumps(body),
            headers=self._headers(key),
            method="POST",
        )

    def comment(self, ticket, text, **kwargs):
        return ticket.message_post(
            body=text, message_type="comment", subtype_xmlid="mail.mt_comment", **kwargs
        )

    def send_for_approval(self, ticket=None):
        """Ask the owner through the wizard, as the engineer; return the live token."""
        ticket = ticket or self.ticket
        self.env["fusion.helpdesk.engagement.wizard"].with_user(self.engineer).with_context(
            active_model="helpdesk.ticket", active_ids=ticket.ids
        ).create({"summary": "Replace the fuser."}).action_send()
        token = ticket_live_token(ticket)
        self.assertTrue(token, "the owner's email carries a live link")
        return token

    def decide_on_the_page(self, token, decision, comment=""):
        """The owner opens the link and submits its form, like a browser does."""
        url = "/fusion_helpdesk/engagement/%s/%s" % (token, decision)
        page = self.url_open(url)
        self.assertEqual(page.status_code, 200)
        csrf = CSRF_INPUT.search(page.text).group(1)
        response = self.url_open(url, data={"csrf_token": csrf, "comment": comment})
        self.assertEqual(response.status_code, 200)
        return response

    def note(self, ticket, text):
        return ticket.message_post(body=text, message_type="comment", subtype_xmlid="mail.mt_note")


@tagged("post_install", "-at_install")
class TestSyncUpdates(SyncApiCase):
    def test_first_sync_lists_only_the_keys_tickets_with_their_public_thread(self):
        public = self.comment(self.ticket, "We are on it.")
        self.note(self.ticket, "Internal: the customer's admin password is hunter2")
        self.comment(self.other_ticket, "Globex secret answer")

        cursor, tickets, __ = self.all_updates()

        self.assertTrue(cursor)
        by_id = {ticket["id"]: ticket for ticket in tickets}
        self.assertEqual(set(by_id), {self.ticket.id})
        entry = by_id[self.ticket.id]
        self.assertEqual(entry["number"], self.ticket.number)
        self.assertEqual(entry["stage"], self.ticket.stage_id.name)
        self.assertEqual(entry["engagement_state"], "none")
        # Shaped exactly as in the thread API.
        self.assertEqual(entry["messages"], [self.ticket._prepare_thread_message_values(public)])
        text = json.dumps(tickets)
        self.assertNotIn("hunter2", text)
        self.assertNotIn("Globex", text)

    def test_a_cursor_brings_only_what_changed_since(self):
        cursor, __, __ = self.all_updates()
        self.assertEqual(self.updates(cursor)["tickets"], [])
        second = self._create_ticket("Scanner jammed")
        self.all_updates(cursor)  # the new ticket is listed...
        cursor, __, __ = self.all_updates(cursor)
        self.assertEqual(self.updates(cursor)["tickets"], [])  # ...once.

        answer = self.comment(self.ticket, "Replace the fuser.")
        self.note(second, "Only a note on the second ticket")
        cursor2, tickets, __ = self.all_updates(cursor)
        self.assertEqual([t["id"] for t in tickets], [self.ticket.id])
        self.assertEqual([m["id"] for m in tickets[0]["messages"]], [answer.id])

        second.stage_id = self.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")
        __, tickets, __ = self.all_updates(cursor2)
        self.assertEqual(
            [(t["id"], t["stage"], t["messages"]) for t in tickets],
            [(second.id, second.stage_id.name, [])],
        )

    def test_pages_together_give_every_change_once(self):
        tickets = [self._create_ticket("Ticket %d" % index) for index in range(5)]
        for ticket in tickets:
            self.comment(ticket, "Answer on %s" % ticket.name)
        cursor, listed, pages = self.all_updates(limit=2)
        self.assertGreater(pages, 2)
        ids = {entry["id"] for entry in listed}
        self.assertEqual(ids, {self.ticket.id, *(t.id for t in tickets)})
        answers = " ".join(m["body"] for entry in listed for m in entry["messages"])
        for ticket in tickets:
            self.assertEqual(answers.count("Answer on %s<" % ticket.name), 1)
        self.assertEqual(self.updates(cursor)["tickets"], [])

    def test_owner_decision_and_approval_state_reach_the_feed(self):
        """Sent through the wizard, decided on the owner's page: the client
        hears of the decision, with the ticket's new approval state."""
        token = self.send_for_approval()
        cursor, __, __ = self.all_updates()
        self.decide_on_the_page(token, "reject", "Too expensive.")
        __, tickets, __ = self.all_updates(cursor)
        [entry] = tickets
        self.assertEqual((entry["id"], entry["engagement_state"]), (self.ticket.id, "rejected"))
        [message] = entry["messages"]
        self.assertEqual(message["author"], "Olivia Owner")
        self.assertEqual(message["decision"], {"state": "rejected", "comment": "Too expensive."})

    # Every change of the approval state reaches the feed, whatever path made
    # it: the round logs its ticket (issue 22), not the ticket's ``write``.
    def test_a_request_sent_to_the_owner_reaches_the_feed(self):
        cursor, __, __ = self.all_updates()
        self.send_for_approval()
        __, tickets, __ = self.all_updates(cursor)
        self.assertEqual(
            [(t["id"], t["engagement_state"]) for t in tickets], [(self.ticket.id, "pending")]
        )
        self.assertEqual(
            tickets[0]["engagement"],
            {
                "state": "pending",
                "owner": "Olivia Owner",
                "comment": "",
                "delegated_by": "",
                "auto_approved": False,
            },
        )

    def test_an_expired_request_reaches_the_feed(self):
        # Sent long ago (the clock of the send), expired by the real cron today.
        with freeze_time(fields.Datetime.now() - timedelta(days=15)):
            self.send_for_approval()
        cursor, __, __ = self.all_updates()
        self.env.ref("fusion_helpdesk_central.ir_cron_engagement_expiry").method_direct_trigger()
        self.env.invalidate_all()
        self.assertEqual(self.ticket.engagement_state, "expired")
        __, tickets, __ = self.all_updates(cursor)
        self.assertEqual(
            [(t["id"], t["engagement_state"], t["messages"]) for t in tickets],
            [(self.ticket.id, "expired", [])],
        )

    def test_changes_requested_reach_the_feed_with_the_comment(self):
        token = self.send_for_approval()
        cursor, __, __ = self.all_updates()
        self.decide_on_the_page(token, "changes", "Cheaper toner, please.")
        __, tickets, __ = self.all_updates(cursor)
        [entry] = tickets
        self.assertEqual(entry["engagement_state"], "changes_requested")
        self.assertEqual(entry["engagement"]["comment"], "Cheaper toner, please.")
        self.assertEqual(
            [m["decision"] for m in entry["messages"]],
            [{"state": "changes_requested", "comment": "Cheaper toner, please."}],
        )

    def test_a_delegation_reaches_the_feed_saying_to_whom(self):
        token = self.send_for_approval()
        cursor, __, __ = self.all_updates()
        url = "/fusion_helpdesk/engagement/%s/delegate" % token
        page = self.url_open(url)
        form = {
            "csrf_token": CSRF_INPUT.search(page.text).group(1),
            "delegate_name": "Dana Deputy",
            "delegate_email": "dana@acme.example.com",
        }
        self.assertEqual(self.url_open(url, data=form).status_code, 200)
        __, tickets, __ = self.all_updates(cursor)
        [entry] = tickets
        self.assertEqual(entry["engagement_state"], "pending")
        self.assertEqual(
            (entry["engagement"]["owner"], entry["engagement"]["delegated_by"]),
            ("Dana Deputy", "Olivia Owner"),
        )

    def test_a_resend_is_one_change_of_the_ticket(self):
        """Superseding the pending round and creating the new one happen in
        one transaction: the ticket is logged once for it, not per step."""
        self.send_for_approval()
        cursor, __, __ = self.all_updates()
        Change = self.env["fusion.helpdesk.sync.change"]
        before = Change.search_count([("ticket_id", "=", self.ticket.id)])
        self.send_for_approval()
        self.env.cr.flush()  # the transaction's changes are written before it commits
        rows = Change.search([("ticket_id", "=", self.ticket.id)], offset=before)
        self.assertEqual(len(rows.filtered(lambda row: not row.message_id)), 1)
        self.assertEqual(len(self.ticket.engagement_ids), 2)
        __, tickets, __ = self.all_updates(cursor)
        self.assertEqual(
            [(t["id"], t["engagement_state"]) for t in tickets], [(self.ticket.id, "pending")]
        )

    def test_a_forged_or_stale_cursor_reads_nothing_of_another_client(self):
        """Any cursor of this key's shape reads this key's changes only: a
        cursor copied from another client, or one far ahead, shows no other
        client's ticket; far ahead loses this key's own changes, nothing else."""
        self.comment(self.other_ticket, "Globex only")
        other_cursor = self.updates(key=self.other_key_value)["cursor"]
        for cursor in ("c1.0", other_cursor, sync.encode_cursor(sync.MAX_SEQUENCE)):
            with self.subTest(cursor=cursor):
                text = json.dumps(self.updates(cursor))
                self.assertNotIn("Globex", text)
                self.assertNotIn(str(self.other_ticket.number), text)

    def test_old_changes_are_pruned_and_a_stale_cursor_is_told_to_resync(self):
        """The daily cron deletes changes and reply receipts past the
        retention (30 days); a cursor from before gets ``resync`` and a
        cursor to read on from, nothing else, whichever key asks."""
        stale, __, __ = self.all_updates()
        self.comment(self.ticket, "An answer the client will miss.")
        self.assertEqual(
            self.post_reply(self.ticket, idempotency_key="reply-0001").status_code, 201
        )
        self.comment(self.other_ticket, "Globex answer")
        Receipt = self.env["fusion.helpdesk.reply.receipt"].sudo()
        self.assertEqual(Receipt.search_count([("idempotency_key", "=", "reply-0001")]), 1)
        with freeze_time(fields.Datetime.now() + timedelta(days=31)):
            self.env.ref("fusion_helpdesk_central.ir_cron_sync_prune").method_direct_trigger()
        self.assertFalse(Receipt.search_count([("idempotency_key", "=", "reply-0001")]))
        self.assertFalse(self.env["fusion.helpdesk.sync.change"].search_count([]))

        answer = self.updates(stale)
        self.assertEqual(answer["tickets"], [])
        self.assertIs(answer["resync"], True)
        self.assertNotIn("Globex", json.dumps(answer))
        # What changes after the resync comes as usual, from the cursor given.
        self.comment(self.ticket, "A new answer.")
        fresh = self.updates(answer["cursor"])
        self.assertIs(fresh["resync"], False)
        self.assertEqual([t["id"] for t in fresh["tickets"]], [self.ticket.id])
        # A forged cursor in the pruned range learns nothing either.
        for key in (None, self.other_key_value):
            with self.subTest(key=key):
                forged = self.updates("c1.1", key=key)
                self.assertEqual((forged["tickets"], forged["resync"]), ([], True))

    def test_retention_zero_keeps_everything(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "fusion_helpdesk_central.sync_retention_days", "0"
        )
        self.comment(self.ticket, "Kept for good.")
        count = self.env["fusion.helpdesk.sync.change"].search_count([])
        with freeze_time(fields.Datetime.now() + timedelta(days=400)):
            self.env.ref("fusion_helpdesk_central.ir_cron_sync_prune").method_direct_trigger()
        self.assertEqual(self.env["fusion.helpdesk.sync.change"].search_count([]), count)
        self.assertIs(self.updates()["resync"], False)

    def test_a_key_never_sees_another_clients_changes(self):
        cursor, __, __ = self.all_updates()
        self.comment(self.other_ticket, "Globex only")
        self.other_ticket.stage_id = self.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")
        self.assertEqual(self.updates(cursor)["tickets"], [])
        other = self.updates(key=self.other_key_value)
        self.assertEqual({t["id"] for t in other["tickets"]}, {self.other_ticket.id})

    def test_a_ticket_moved_to_another_client_leaves_the_old_feed(self):
        cursor, __, __ = self.all_updates()
        self.ticket.client_key_id = self.other_key
        self.comment(self.ticket, "Now for Globex")
        self.assertEqual(self.updates(cursor)["tickets"], [])

    def test_bad_requests(self):
        cases = [
            ("unknown cursor", {"after": "42"}, 400, "after"),
            ("cursor of another version", {"after": "c9.1"}, 400, "after"),
            ("page size 0", {"after": "", "limit": "0"}, 400, "limit"),
            ("page size too large", {"limit": "100000"}, 400, "limit"),
        ]
        for label, params, status, field in cases:
            with self.subTest(label):
                query = "&".join("%s=%s" % item for item in params.items())
                self.assertError(self._get("/updates?" + query), status, field)
        self.assertError(self._get("/updates", key="nope"), 401)
        response = self.url_open(
            API + "/updates", data="{}", headers=self._headers(), method="POST"
        )
        self.assertEqual(response.status_code, 405)


@tagged("post_install", "-at_install")
class TestSyncReplies(SyncApiCase):
    def test_reply_is_a_public_comment_of_the_requester_notifying_the_engineer(self):
        response = self.post_reply(self.ticket)

        body = self.assertJsonResponse(response, 201)
        message = self.env["mail.message"].browse(body["id"])
        self.assertEqual(set(body), {"id"})
        self.assertEqual(message.model, "helpdesk.ticket")
        self.assertEqual(message.res_id, self.ticket.id)
        self.assertEqual(message.author_id, self.requester)
        self.assertEqual(message.subtype_id, self.env.ref("mail.mt_comment"))
        self.assertIn(message, self.ticket._fusion_thread_messages())
        # Plain text in: escaped, never interpreted.
        self.assertIn("&lt;b&gt;today&lt;/b&gt; &amp; tomorrow.", message.body)
        self.assertNotIn("<b>", message.body)
        self.assertIn(self.engineer.partner_id, message.notification_ids.res_partner_id)
        self.assertNotIn(self.requester, self.ticket.message_partner_ids)

    def test_a_reply_in_the_owners_name_is_authored_by_the_requester(self):
        """Issue 20 point 5: the reply API never picks (or creates) a contact
        from ``author_name``/``author_email``; a client employee renamed after
        the owner still replies as the ticket's requester."""
        Partner = self.env["res.partner"].with_context(active_test=False)
        partners = Partner.search_count([])
        for label, name, email in (
            ("the owner", "Olivia Owner", "owner@acme.example.com"),
            ("a colleague", "Sam Colleague", "sam@acme.example.com"),
            ("a smuggled name", "Olivia Owner\r,attacker@evil.example", "x@evil.example"),
        ):
            with self.subTest(label):
                body = self.assertJsonResponse(
                    self.post_reply(self.ticket, author_name=name, author_email=email), 201
                )
                message = self.env["mail.message"].browse(body["id"])
                self.assertEqual(message.author_id, self.requester)
                self.assertEqual(message.email_from, self.requester.email_formatted)
        self.assertEqual(Partner.search_count([]), partners, "no contact made from reply fields")
        # The thread shows the requester as its author, to the engineer and the client.
        __, tickets, __ = self.all_updates()
        authors = {m["author"] for t in tickets for m in t["messages"]}
        self.assertEqual(authors, {"Jane Doe"})

    def test_a_retried_reply_is_posted_once(self):
        key = "0f6c1d2e-retry-4b5a"
        first = self.assertJsonResponse(self.post_reply(self.ticket, idempotency_key=key), 201)
        count = len(self.ticket.message_ids)
        again = self.assertJsonResponse(self.post_reply(self.ticket, idempotency_key=key), 201)
        self.assertEqual(again, first)
        self.assertEqual(len(self.ticket.message_ids), count)
        # Keys are per client: another client's key of the same value is its own.
        other = self.assertJsonResponse(
            self.post_reply(self.other_ticket, key=self.other_key_value, idempotency_key=key), 201
        )
        self.assertNotEqual(other["id"], first["id"])
        # Reusing a key on another ticket is a client bug, said plainly.
        second = self._create_ticket("Second")
        self.assertError(self.post_reply(second, idempotency_key=key), 400, "idempotency_key")

    def test_reply_reaches_the_feed(self):
        cursor, __, __ = self.all_updates()
        body = self.assertJsonResponse(self.post_reply(self.ticket), 201)
        __, tickets, __ = self.all_updates(cursor)
        self.assertEqual([m["id"] for t in tickets for m in t["messages"]], [body["id"]])

    def test_refused_replies_post_nothing(self):
        count = self.env["mail.message"].search_count([])
        cases = [
            ("another client's ticket", self.other_ticket, {}, None, 404, None),
            ("bad key", self.ticket, {}, "nope", 401, None),
            ("empty body", self.ticket, {"body": "  "}, None, 400, "body"),
            ("body too long", self.ticket, {"body": "x" * 20001}, None, 400, "body"),
            ("bad email", self.ticket, {"author_email": "jane"}, None, 400, "author_email"),
            ("no name", self.ticket, {"author_name": None}, None, 400, "author_name"),
        ]
        for label, ticket, payload, key, status, field in cases:
            with self.subTest(label):
                self.env["fusion.helpdesk.client.key"]._api_failures().clear()
                self.assertError(self.post_reply(ticket, key=key, **payload), status, field)
        missing = self.url_open(
            API + "/tickets/999999999/messages",
            data=json.dumps({"body": "x", "author_name": "J", "author_email": "j@a.example.com"}),
            headers=self._headers(),
            method="POST",
        )
        self.assertError(missing, 404)
        self.assertEqual(self.env["mail.message"].search_count([]), count)

    def test_the_thread_get_still_works_beside_the_post(self):
        self.comment(self.ticket, "Visible")
        body = self.assertJsonResponse(self._get("/tickets/%d/messages" % self.ticket.id), 200)
        self.assertEqual(body["ticket"]["id"], self.ticket.id)


@tagged("post_install", "-at_install")
class TestSyncCursorConcurrency(TransactionCase):
    """The classic trap, with real concurrent transactions: T1 draws a change id,
    T2 draws a higher one and commits first, a client reads in between. The
    client must still get T1's change once T1 commits."""

    def setUp(self):
        super().setUp()
        self.client_key = self.env.ref(
            "fusion_helpdesk_central.fusion_helpdesk_client_key_demo_data", raise_if_not_found=False
        )
        self.tickets = [
            self.env.ref(
                "fusion_helpdesk_central.fusion_helpdesk_ticket_%d_demo_data" % index,
                raise_if_not_found=False,
            )
            for index in (1, 2)
        ]
        if not self.client_key or not all(self.tickets):
            self.skipTest("needs the demo data (committed rows that other cursors can see)")
        self.connection = sql_db.db_connect(self.env.cr.dbname)
        self.recorded = []
        self.addCleanup(self._cleanup)

    def _cleanup(self):
        with self.connection.cursor() as cr:
            cr.execute(
                "DELETE FROM fusion_helpdesk_sync_change WHERE id = ANY(%s)", [self.recorded]
            )
            cr.commit()  # pylint: disable=invalid-commit

    def _record(self, cr, ticket):
        Change = real_env(cr)["fusion.helpdesk.sync.change"]
        Change._record([(self.client_key.id, ticket.id, None)])
        # Draw the ids now, as the pre-commit step does, with the transaction
        # still open: the window between drawing an id and committing.
        Change._flush_pending()
        cr.execute("SELECT MAX(id) FROM fusion_helpdesk_sync_change")
        self.recorded.append(cr.fetchone()[0])

    def _read(self, after):
        with self.connection.cursor() as cr:
            answer = real_env(cr)["helpdesk.ticket"]._fusion_sync_updates(
                real_env(cr)["fusion.helpdesk.client.key"].browse(self.client_key.id),
                sync.decode_cursor(after),
                1000,
            )
            cr.rollback()
        return answer["cursor"], {ticket["id"] for ticket in answer["tickets"]}

    def test_a_change_committed_late_is_not_skipped(self):
        first, second = self.tickets
        cursor0, __ = self._read(None)

        cr1 = self.connection.cursor()
        self.addCleanup(cr1.close)
        self._record(cr1, first)  # T1: draws its id, does not commit yet

        # Environments are made in this thread: making one takes the registry
        # lock, which the test runner holds.
        cr2 = self.connection.cursor()
        self.addCleanup(cr2.close)
        real_env(cr2)

        def second_transaction():
            self._record(cr2, second)
            cr2.commit()  # pylint: disable=invalid-commit

        thread = threading.Thread(target=second_transaction)
        thread.start()
        # Without the sync lock T2 commits at once, with an id above T1's.
        thread.join(timeout=2)

        cursor1, seen1 = self._read(cursor0)  # a client syncs between the commits
        cr1.commit()  # pylint: disable=invalid-commit
        thread.join()
        __, seen2 = self._read(cursor1)

        self.assertIn(first.id, seen1 | seen2, "T1's change was skipped")
        self.assertIn(second.id, seen1 | seen2, "T2's change was skipped")
