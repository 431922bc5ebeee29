# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import datetime
import http.client
import json
import select
import socket
from unittest.mock import patch
from urllib.parse import urlsplit

from markupsafe import Markup

from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.fusion_helpdesk_central import intake

from .common import FusionHelpdeskCentralCommon, ticket_live_token

API = "/fusion_helpdesk_central/api/v1"
KEY_LOGGER = "odoo.addons.fusion_helpdesk_central.models.fusion_helpdesk_client_key_api"
GOOD_PAYLOAD = {
    "subject": "Invoices do not print",
    "description": "Clicking Print gives <b>nothing</b> & no error.\nSince today.",
    "requester_name": "Jane Doe",
    "requester_email": "Jane.Doe@Acme.example.com",
    "client_ref": "42",
}


class IntakeApiCase(HttpCase, FusionHelpdeskCentralCommon):
    """Requests to the API with the shared client key, on a clean failure map."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.key_value = cls.client_key._generate_key()
        cls.other_key = cls.env["fusion.helpdesk.client.key"].create({"name": "Globex"})
        cls.other_key_value = cls.other_key._generate_key()

    def setUp(self):
        super().setUp()
        failures = self.env["fusion.helpdesk.client.key"]._api_failures()
        failures.clear()
        self.addCleanup(failures.clear)

    def _headers(self, key=None):
        key = self.key_value if key is None else key
        headers = {"Content-Type": "application/json"}
        if key is not False:
            headers["Authorization"] = "Bearer %s" % key
        return headers

    def _announce_body(self, key, size, path="/tickets"):
        """POST headers announcing a ``size`` bytes body, and no body: the
        answer must not wait for it; returns ``(status, json)``."""
        base = urlsplit(self.base_url())
        connection = http.client.HTTPConnection(base.hostname, base.port, timeout=10)
        self.addCleanup(connection.close)
        connection.putrequest("POST", API + path)
        connection.putheader("Content-Type", "application/json")
        connection.putheader("Authorization", "Bearer %s" % key)
        connection.putheader("Content-Length", str(size))
        self.env.flush_all()
        with self.allow_requests(all_requests=True):
            connection.endheaders()
            response = connection.getresponse()
            return response.status, json.loads(response.read())

    def _post(self, payload=None, key=None, raw=None, headers=None):
        data = raw if raw is not None else json.dumps(payload or GOOD_PAYLOAD)
        return self.url_open(
            API + "/tickets",
            data=data,
            headers=headers or self._headers(key),
            method="POST",
        )

    def _get(self, path, key=None):
        return self.url_open(API + path, headers=self._headers(key))

    def _ticket_count(self):
        return self.env["helpdesk.ticket"].with_context(active_test=False).search_count([])

    def assertJsonResponse(self, response, status):
        self.assertEqual(response.status_code, status, response.text)
        self.assertTrue(response.headers["Content-Type"].startswith("application/json"))
        self.assertEqual(response.headers["Cache-Control"], "no-store")
        return response.json()

    def assertError(self, response, status, field=None):
        body = self.assertJsonResponse(response, status)
        self.assertEqual(set(body), {"error"})
        self.assertEqual(body["error"]["field"], field)
        self.assertTrue(body["error"]["message"])
        return body["error"]["message"]


@tagged("post_install", "-at_install")
class TestIntakeApi(IntakeApiCase):
    def test_sending_the_same_client_ticket_again_creates_no_duplicate(self):
        """A client that missed our answer (timeout) sends again: same ticket back."""
        first = self.assertJsonResponse(self._post(), 201)
        count = self._ticket_count()
        again = self.assertJsonResponse(self._post(), 201)
        self.assertEqual(again, first)
        self.assertEqual(self._ticket_count(), count)
        other = self.assertJsonResponse(self._post({**GOOD_PAYLOAD, "client_ref": "43"}), 201)
        self.assertNotEqual(other["id"], first["id"])

    def test_good_key_creates_the_ticket(self):
        response = self._post()

        body = self.assertJsonResponse(response, 201)
        ticket = self.env["helpdesk.ticket"].browse(body["id"])
        self.assertEqual(body, {"id": ticket.id, "number": ticket.number})
        self.assertTrue(ticket.number.startswith("HT"))
        self.assertEqual(ticket.client_key_id, self.client_key)
        self.assertEqual(ticket.client_ref, "42")
        self.assertEqual(ticket.name, "Invoices do not print")
        self.assertEqual(ticket.partner_name, "Jane Doe")
        self.assertEqual(ticket.partner_email, "jane.doe@acme.example.com")
        self.assertEqual(ticket.partner_id.email, "jane.doe@acme.example.com")
        self.assertEqual(ticket.partner_id.name, "Jane Doe")
        self.assertEqual(
            ticket.channel_id, self.env.ref("helpdesk_mgmt.helpdesk_ticket_channel_web")
        )
        self.assertFalse(ticket.user_id)
        # The description is the text as typed, escaped, never interpreted.
        self.assertIn("&lt;b&gt;nothing&lt;/b&gt; &amp; no error.", ticket.description)
        self.assertNotIn("<b>", ticket.description)
        self.assertIn("<br>Since today.", ticket.description)
        note = ticket.message_ids.filtered("is_internal")
        self.assertIn("Received through the API from client Acme Corp", note.body)
        self.assertIn("Client reference: 42", note.body)
        self.assertNotIn(self.key_value, response.text)

    def test_known_requester_email_reuses_the_contact(self):
        jane = self.env["res.partner"].create(
            {
                "name": "Jane D.",
                "email": "jane.doe@acme.example.com",
                "parent_id": self.client_key.partner_id.id,
            }
        )
        partners = self.env["res.partner"].search_count([])

        body = self.assertJsonResponse(self._post(), 201)

        self.assertEqual(self.env["helpdesk.ticket"].browse(body["id"]).partner_id, jane)
        self.assertEqual(self.env["res.partner"].search_count([]), partners)

    def test_bad_keys_are_refused_and_create_nothing(self):
        inactive = self.env["fusion.helpdesk.client.key"].create(
            {"name": "Former client", "active": False}
        )
        tickets = self._ticket_count()
        cases = [
            ("missing header", {"Content-Type": "application/json"}),
            ("unknown key", self._headers("x" * 43)),
            ("truncated key", self._headers(self.key_value[:-1])),
            ("inactive key", self._headers(inactive._generate_key())),
            ("empty bearer", {"Authorization": "Bearer "}),
            ("basic scheme", {"Authorization": "Basic %s" % self.key_value}),
            ("key without scheme", {"Authorization": self.key_value}),
        ]
        for label, headers in cases:
            with self.subTest(label):
                self.env["fusion.helpdesk.client.key"]._api_failures().clear()
                self.assertError(self._post(headers=headers), 401)
        self.assertEqual(self._ticket_count(), tickets)

    def test_bad_key_with_bad_body_answers_401_not_400(self):
        self.assertError(self._post(raw="not json", key="nope"), 401)

    def test_invalid_bodies_name_the_field_and_create_nothing(self):
        tickets = self._ticket_count()
        cases = [
            ({**GOOD_PAYLOAD, "subject": ""}, "subject"),
            ({k: v for k, v in GOOD_PAYLOAD.items() if k != "description"}, "description"),
            ({**GOOD_PAYLOAD, "requester_name": ["Jane"]}, "requester_name"),
            ({**GOOD_PAYLOAD, "requester_email": "jane at acme"}, "requester_email"),
            ({**GOOD_PAYLOAD, "owner_email": "owner@"}, "owner_email"),
            ({**GOOD_PAYLOAD, "owner_name": "O" * 129}, "owner_name"),
            ({**GOOD_PAYLOAD, "client_ref": True}, "client_ref"),
            ({**GOOD_PAYLOAD, "subject": "S" * 201}, "subject"),
        ]
        for payload, field in cases:
            with self.subTest(field=field):
                self.assertError(self._post(payload), 400, field)
        self.assertEqual(self._ticket_count(), tickets)
        # A refused body never touches the key's owner either.
        self.assertEqual(self.client_key.owner_email, "owner@acme.example.com")

    def test_bodies_that_are_not_a_json_object(self):
        tickets = self._ticket_count()
        for raw in ("subject=Printer", "", '{"subject": ', "[1, 2]", '"text"'):
            with self.subTest(raw=raw):
                self.assertError(self._post(raw=raw), 400, None)
        self.assertEqual(self._ticket_count(), tickets)

    def test_oversized_body_announced_is_refused_before_reading(self):
        # Without a client's key, the text-only limit; even the right key does
        # not make the server read a body larger than the room for files.
        for key, size in (
            (None, intake.MAX_BODY_BYTES + 1),
            (self.key_value, intake.MAX_BODY_BYTES_WITH_ATTACHMENTS + 1),
        ):
            with self.subTest(size=size):
                base = urlsplit(self.base_url())
                connection = http.client.HTTPConnection(base.hostname, base.port, timeout=10)
                self.addCleanup(connection.close)
                connection.putrequest("POST", API + "/tickets")
                connection.putheader("Content-Type", "application/json")
                if key:
                    connection.putheader("Authorization", "Bearer %s" % key)
                connection.putheader("Content-Length", str(size))
                self.env.flush_all()
                with self.allow_requests(all_requests=True):
                    connection.endheaders()  # and no body: the answer must not wait for it
                    response = connection.getresponse()
                    raw = response.read()

                self.assertEqual(response.status, 413, raw)
                self.assertEqual(response.getheader("Cache-Control"), "no-store")
                self.assertIsNone(json.loads(raw)["error"]["field"])

    def test_oversized_chunked_body_is_refused_without_reading_it_all(self):
        """A chunked body announces no size: the server stops at the limit and
        answers 413 while the client is still sending, instead of reading it all."""
        tickets = self._ticket_count()
        ready_to_send = 64 * intake.MAX_BODY_BYTES
        chunk = b"x" * 65536
        frame = b"%x\r\n%s\r\n" % (len(chunk), chunk)
        base = urlsplit(self.base_url())
        head = (
            "POST %s/tickets HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\n"
            # Without a key, a body may only be text: 413 at its limit.
            "Transfer-Encoding: chunked\r\n\r\n"
        ) % (API, base.netloc)
        self.env.flush_all()
        with (
            self.allow_requests(all_requests=True),
            socket.create_connection((base.hostname, base.port), timeout=10) as sock,
        ):
            sock.sendall(head.encode())
            sock.setblocking(False)
            sent, pending, answered = 0, b"", False
            while sent < ready_to_send:
                readable, writable, _x = select.select([sock], [sock], [], 10)
                if readable:
                    answered = True
                    break
                self.assertTrue(writable, "the server neither reads nor answers")
                pending = pending or frame
                count = sock.send(pending)
                pending, sent = pending[count:], sent + count
            sock.settimeout(10)
            if not answered:  # the old behaviour: read everything, then answer
                sock.sendall(pending + b"0\r\n\r\n")
            response = http.client.HTTPResponse(sock)
            response.begin()
            raw = response.read()

        self.assertEqual(response.status, 413, raw)
        self.assertIsNone(json.loads(raw)["error"]["field"])
        self.assertTrue(answered, "the answer came only after the whole body")
        self.assertLess(sent, ready_to_send)
        self.assertEqual(self._ticket_count(), tickets)
        self.assertFalse(self.env["fusion.helpdesk.client.key"]._api_failures())

    def test_a_bad_key_announcing_files_is_refused_as_a_bad_key_and_counted(self):
        # Attacker run 4, F4: a bad key with a large body got an instant 413
        # (a good key waits for its body), uncounted and even in cooldown: an
        # oracle of keys beside the cooldown. Now the key answers first.
        self.env["ir.config_parameter"].sudo().set_param(
            "fusion_helpdesk_central.api_cooldown_after", 2
        )
        size = intake.MAX_BODY_BYTES + 1
        with self.assertLogs(KEY_LOGGER, "WARNING") as logs:
            statuses = [self._announce_body("not-a-key-%d" % n, size)[0] for n in range(3)]
        self.assertEqual(statuses, [401, 401, 429])
        self.assertIn("2 bad client keys in a row", logs.output[0])
        # A good key is never refused for others' failures: it waits for its body.
        status, body = self._announce_body(
            self.key_value, intake.MAX_BODY_BYTES_WITH_ATTACHMENTS + 1
        )
        self.assertEqual(status, 413, body)

    def test_chunked_body_within_the_limit_is_accepted(self):
        raw = json.dumps(GOOD_PAYLOAD).encode()
        response = self._post(raw=iter([raw[:20], raw[20:]]))
        self.assertJsonResponse(response, 201)

    def test_owner_is_upserted_onto_the_key(self):
        payload = {
            **GOOD_PAYLOAD,
            "owner_email": "New.Owner@Acme.example.com",
            "owner_name": "Nina New",
        }
        self.assertJsonResponse(self._post(payload), 201)
        self.env.invalidate_all()
        self.assertEqual(self.client_key.owner_email, "new.owner@acme.example.com")
        self.assertEqual(self.client_key.owner_name, "Nina New")

        # Only the name changes: only the name is written.
        ClientKey = type(self.env["fusion.helpdesk.client.key"])
        with patch.object(ClientKey, "write", autospec=True, side_effect=ClientKey.write) as write:
            payload["owner_name"] = "Nina Newer"
            self.assertJsonResponse(self._post(payload), 201)
        self.assertEqual(
            [call.args[1] for call in write.call_args_list], [{"owner_name": "Nina Newer"}]
        )

    def test_owner_unchanged_or_absent_is_not_written(self):
        ClientKey = type(self.env["fusion.helpdesk.client.key"])
        same = {
            **GOOD_PAYLOAD,
            "owner_email": "owner@acme.example.com",
            "owner_name": "Olivia Owner",
        }
        blank = {**GOOD_PAYLOAD, "owner_email": "", "owner_name": None}
        for label, payload in (("same", same), ("blank", blank), ("absent", GOOD_PAYLOAD)):
            with (
                self.subTest(label),
                patch.object(
                    ClientKey, "write", autospec=True, side_effect=ClientKey.write
                ) as write,
            ):
                self.assertJsonResponse(self._post(payload), 201)
                self.assertFalse(write.called)
        self.env.invalidate_all()
        self.assertEqual(self.client_key.owner_email, "owner@acme.example.com")
        self.assertEqual(self.client_key.owner_name, "Olivia Owner")

    def test_repeated_bad_keys_cool_the_address_down(self):
        tickets = self._ticket_count()
        with self.assertLogs(KEY_LOGGER, "WARNING") as logs:
            for attempt in range(intake.AUTH_FAILURES_BEFORE_COOLDOWN):
                self.assertError(self._post(key="guess-%d" % attempt), 401)
        self.assertIn("bad client keys in a row from 127.0.0.1", logs.output[0])
        self.assertNotIn("guess-", "".join(logs.output))

        response = self._post(key="guess-again")
        self.assertError(response, 429)
        retry_after = int(response.headers["Retry-After"])
        self.assertGreater(retry_after, 0)
        self.assertLessEqual(retry_after, intake.AUTH_COOLDOWN_SECONDS)
        self.assertError(self._get("/ping", key="guess-again"), 429)
        self.assertEqual(self._ticket_count(), tickets)

        # Once the cooldown is over bad keys are answered 401 again.
        failures = self.env["fusion.helpdesk.client.key"]._api_failures()
        count, last = failures["127.0.0.1"]
        self.assertEqual(count, intake.AUTH_FAILURES_BEFORE_COOLDOWN)
        past = last - datetime.timedelta(seconds=intake.AUTH_COOLDOWN_SECONDS)
        failures["127.0.0.1"] = (count, past)
        self.assertError(self._post(key="guess-late"), 401)

    def test_bad_keys_from_an_address_never_lock_out_a_good_key(self):
        """A client behind the same address (NAT, proxy) as a guesser keeps working."""
        with self.assertLogs(KEY_LOGGER, "WARNING"):
            for attempt in range(intake.AUTH_FAILURES_BEFORE_COOLDOWN * 2):
                response = self._post(key="guess-%d" % attempt)
                self.assertIn(response.status_code, (401, 429))
        self.assertError(self._post(key="guess-more"), 429)

        body = self.assertJsonResponse(self._post(), 201)
        self.assertTrue(self.env["helpdesk.ticket"].browse(body["id"]).exists())
        self.assertJsonResponse(self._get("/ping"), 200)
        self.assertJsonResponse(self._get("/tickets/%d/messages" % body["id"]), 200)
        # The good key does not wipe the guesser's record either.
        self.assertError(self._post(key="guess-after"), 429)

    def test_cooldown_can_be_disabled(self):
        self.env["ir.config_parameter"].set_param("fusion_helpdesk_central.api_cooldown_after", "0")
        for _attempt in range(intake.AUTH_FAILURES_BEFORE_COOLDOWN + 1):
            self.assertError(self._post(key="guess"), 401)
        self.assertJsonResponse(self._post(), 201)

    def test_tickets_route_only_accepts_post(self):
        response = self.url_open(API + "/tickets", headers=self._headers())
        self.assertEqual(response.status_code, 405)

    def test_ping(self):
        body = self.assertJsonResponse(self._get("/ping"), 200)
        self.assertEqual(body, {"ok": True, "client": "Acme Corp"})
        self.assertError(self._get("/ping", key=False), 401)
        self.assertError(self._get("/ping", key="nope"), 401)


@tagged("post_install", "-at_install")
class TestThreadApi(IntakeApiCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ticket = cls.ticket
        cls.requester = cls.env["res.partner"].create(
            {"name": "Jane Doe", "email": "jane.doe@acme.example.com"}
        )
        cls.owner = cls.env["res.partner"].create(
            {"name": "Olivia Owner", "email": "owner@acme.example.com"}
        )
        cls.reply = ticket.with_user(cls.engineer).message_post(
            body="We are looking at the printer.",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        cls.note = ticket.with_user(cls.engineer).message_post(
            body="Internal: the customer broke it.",
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
        ticket._message_log(body="Logged system note")
        cls.email = ticket.message_post(
            body=Markup("<p>It is <b>still</b> smoking.</p>"),
            message_type="email",
            subtype_xmlid="mail.mt_comment",
            author_id=cls.requester.id,
        )
        cls.empty = ticket.with_user(cls.engineer).message_post(
            body="", message_type="comment", subtype_xmlid="mail.mt_comment"
        )
        # The owner's decision, through the flow: asked by the engineer,
        # decided with the emailed link.
        token = cls._send_for_approval(ticket)
        decided = cls.env["helpdesk.ticket"]._engagement_decide(
            token, "approve", comment="Go ahead, within budget."
        )
        assert decided == ticket, "the owner's link decided the ticket"
        cls.decision = ticket.engagement_decision_message_id

    @classmethod
    def _send_for_approval(cls, ticket):
        """Ask the owner through the wizard, as the engineer; return the live token."""
        cls.env["fusion.helpdesk.engagement.wizard"].with_user(cls.engineer).with_context(
            active_model="helpdesk.ticket", active_ids=ticket.ids
        ).create({"summary": "Replace the fuser."}).action_send()
        return ticket_live_token(ticket)

    def test_thread_shows_public_messages_oldest_first(self):
        body = self.assertJsonResponse(self._get("/tickets/%d/messages" % self.ticket.id), 200)

        self.assertEqual(
            body["ticket"],
            {
                "id": self.ticket.id,
                "number": self.ticket.number,
                "name": "Printer on fire",
                "stage": self.ticket.stage_id.name,
                "engagement_state": "approved",
                "engagement": {
                    "state": "approved",
                    "owner": self.ticket.engagement_id.owner_name,
                    "comment": "Go ahead, within budget.",
                    "delegated_by": "",
                    "auto_approved": False,
                },
                # The latest request's estimate (none was given here).
                "estimate_hours": 0.0,
                "estimate_amount": 0.0,
                "currency": self.ticket.engagement_id.currency_id.name,
                "auto_approved": False,
            },
        )
        self.assertTrue(self.ticket.engagement_id.owner_name)
        messages = body["messages"]
        self.assertEqual(
            [m["id"] for m in messages], [self.reply.id, self.email.id, self.decision.id]
        )
        reply, email, decision = messages
        self.assertEqual(reply["author"], "Eddie Engineer")
        self.assertIn("We are looking at the printer.", reply["body"])
        self.assertEqual(reply["date"], self.reply.date.strftime("%Y-%m-%d %H:%M:%S"))
        self.assertIsNone(reply["decision"])
        self.assertEqual(email["author"], "Jane Doe")
        self.assertIn("<b>still</b>", email["body"])
        self.assertEqual(decision["author"], "Olivia Owner")
        self.assertEqual(
            decision["decision"], {"state": "approved", "comment": "Go ahead, within budget."}
        )
        everything = json.dumps(body)
        self.assertNotIn("Internal: the customer broke it.", everything)
        self.assertNotIn("Logged system note", everything)

    def test_an_earlier_decision_stays_marked_while_a_new_request_is_pending(self):
        """Each round's decision is one, from the round's data; a new request
        changes the ticket's state, not what was decided before."""
        self.assertTrue(self._send_for_approval(self.ticket))
        body = self.assertJsonResponse(self._get("/tickets/%d/messages" % self.ticket.id), 200)
        self.assertEqual(body["ticket"]["engagement_state"], "pending")
        self.assertEqual(
            [m["decision"] for m in body["messages"]],
            [None, None, {"state": "approved", "comment": "Go ahead, within budget."}],
        )

    def test_a_key_only_sees_its_own_tickets(self):
        other_ticket = self._create_ticket("Globex printer", client_key=self.other_key)
        missing = other_ticket.id + 1000
        cases = [
            ("other key's ticket", other_ticket.id, None),
            ("ticket of the key, asked by the other key", self.ticket.id, self.other_key_value),
            ("no such ticket", missing, None),
            ("id beyond integers", 2**40, None),
        ]
        for label, ticket_id, key in cases:
            with self.subTest(label):
                response = self._get("/tickets/%d/messages" % ticket_id, key=key)
                self.assertError(response, 404)
                self.assertNotIn("Printer", response.text)

    def test_thread_needs_a_good_key(self):
        self.assertError(self._get("/tickets/%d/messages" % self.ticket.id, key=False), 401)
        self.assertError(self._get("/tickets/%d/messages" % self.ticket.id, key="x"), 401)


@tagged("post_install", "-at_install")
class TestIntakeApiSecurity(IntakeApiCase):
    """What a reused reference, a stranger's email or the API user cannot do."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_customer = cls.env["res.partner"].create(
            {"name": "Other Customer Ltd", "is_company": True}
        )
        cls.stranger = new_test_user(
            cls.env,
            login="fusion-stranger",
            name="Jane Stranger",
            email="jane.doe@acme.example.com",
            groups="base.group_portal",
        )
        cls.stranger.partner_id.parent_id = cls.other_customer
        cls.api_user = cls.env.ref("fusion_helpdesk_central.user_fusion_helpdesk_api")

    def test_reused_client_ref_with_another_ticket_is_refused(self):
        first = self.assertJsonResponse(self._post(), 201)
        ticket = self.env["helpdesk.ticket"].browse(first["id"])
        count = self._ticket_count()
        cases = [
            ("other subject", {**GOOD_PAYLOAD, "subject": "Another problem"}),
            ("other description", {**GOOD_PAYLOAD, "description": "Something else."}),
            ("other owner too", {**GOOD_PAYLOAD, "subject": "X", "owner_email": "x@y.example.com"}),
        ]
        for label, payload in cases:
            with self.subTest(label):
                self.assertError(self._post(payload), 409, "client_ref")
        self.assertEqual(self._ticket_count(), count)
        self.assertEqual(ticket.name, "Invoices do not print")
        self.assertEqual(self.client_key.owner_email, "owner@acme.example.com")
        # The same ticket sent again is still the same ticket, with the same answer.
        self.assertEqual(self.assertJsonResponse(self._post(), 201), first)

    def test_uuid_client_ref_is_accepted(self):
        ref = "9b2f6f0e-3c1d-4a5e-8f7a-0d9c2b1e4f6a"
        body = self.assertJsonResponse(self._post({**GOOD_PAYLOAD, "client_ref": ref}), 201)
        self.assertEqual(self.env["helpdesk.ticket"].browse(body["id"]).client_ref, ref)
        self.assertError(self._post({**GOOD_PAYLOAD, "client_ref": "a/b"}), 400, "client_ref")

    def test_invisible_subject_is_refused_and_bidi_controls_dropped(self):
        self.assertError(self._post({**GOOD_PAYLOAD, "subject": "\u200b\u2060"}), 400, "subject")
        payload = {**GOOD_PAYLOAD, "subject": "Invoice \u202egpj.exe", "client_ref": "44"}
        body = self.assertJsonResponse(self._post(payload), 201)
        self.assertEqual(self.env["helpdesk.ticket"].browse(body["id"]).name, "Invoice gpj.exe")

    def test_requester_email_never_adopts_another_customers_contact(self):
        body = self.assertJsonResponse(self._post(), 201)
        ticket = self.env["helpdesk.ticket"].browse(body["id"])
        self.assertNotEqual(ticket.partner_id, self.stranger.partner_id)
        self.assertEqual(ticket.partner_id.parent_id, self.client_key.partner_id)
        self.assertTrue(self.client_key.partner_id.is_company)
        self.assertNotIn(self.stranger.partner_id, ticket.message_partner_ids)

        self.authenticate("fusion-stranger", "fusion-stranger")
        found = self.make_jsonrpc_request(
            "/web/dataset/call_kw/helpdesk.ticket/search_read",
            {
                "model": "helpdesk.ticket",
                "method": "search_read",
                "args": [[]],
                "kwargs": {"fields": ["name", "number"]},
            },
        )
        self.assertNotIn(ticket.id, [row["id"] for row in found])
        page = self.url_open("/my/tickets")
        self.assertEqual(page.status_code, 200)
        self.assertNotIn("Invoices do not print", page.text)
        self.assertNotIn(ticket.number, page.text)

    def test_requester_is_found_among_the_clients_contacts_only(self):
        self.assertJsonResponse(self._post(), 201)
        second = self.assertJsonResponse(self._post({**GOOD_PAYLOAD, "client_ref": "43"}), 201)
        first_partner = self.env["helpdesk.ticket"].search([("client_ref", "=", "42")]).partner_id
        self.assertEqual(self.env["helpdesk.ticket"].browse(second["id"]).partner_id, first_partner)
        other = self.assertJsonResponse(self._post(key=self.other_key_value), 201)
        other_partner = self.env["helpdesk.ticket"].browse(other["id"]).partner_id
        self.assertNotEqual(other_partner, first_partner)
        self.assertEqual(other_partner.commercial_partner_id, self.other_key.partner_id)

    def test_owner_change_is_tracked_and_noted_on_pending_approvals(self):
        pending = self._create_ticket("Waiting for Olivia")
        self._start_round(pending, owner_email="owner@acme.example.com")
        payload = {
            **GOOD_PAYLOAD,
            "owner_email": "new.owner@acme.example.com",
            "owner_name": "Nina New",
        }
        self.assertJsonResponse(self._post(payload), 201)

        self.env.invalidate_all()
        tracking = self.client_key.message_ids.tracking_value_ids.filtered(
            lambda value: value.field_id.name == "owner_email"
        )
        self.assertEqual(tracking.old_value_char, "owner@acme.example.com")
        self.assertEqual(tracking.new_value_char, "new.owner@acme.example.com")
        self.assertEqual(tracking.mail_message_id.author_id, self.api_user.partner_id)
        note = pending.message_ids.filtered(lambda m: "changed from" in (m.body or ""))
        self.assertEqual(len(note), 1)
        self.assertTrue(note.is_internal)
        self.assertIn("Olivia Owner", note.body)
        self.assertIn("Nina New", note.body)
        self.assertIn("still waits for owner@acme.example.com", note.body)
        self.assertFalse(
            self.ticket.message_ids.filtered(lambda m: "changed from" in (m.body or ""))
        )

    def test_api_runs_as_its_technical_user_confined_to_its_key(self):
        body = self.assertJsonResponse(self._post(), 201)
        ticket = self.env["helpdesk.ticket"].browse(body["id"])
        self.assertEqual(ticket.create_uid, self.api_user)
        self.assertFalse(self.api_user.active)
        self.assertFalse(self.api_user.share)
        self.assertNotIn(self.api_user.partner_id, ticket.message_partner_ids)

        other_ticket = self._create_ticket("Globex printer", client_key=self.other_key)
        ClientKey = self.env["fusion.helpdesk.client.key"]
        client_key = ClientKey.with_env(ClientKey._api_env())._api_authenticate(
            "Bearer %s" % self.key_value, "127.0.0.1"
        )
        Ticket = client_key.env["helpdesk.ticket"]
        self.assertEqual(client_key.env.uid, self.api_user.id)
        self.assertFalse(client_key.env.su)
        # The calls the API makes, and plain ORM reads, reach its key's tickets only.
        self.assertFalse(client_key._intake_get_ticket(other_ticket.id))
        self.assertNotIn(other_ticket, Ticket.search([]))
        self.assertIn(ticket, Ticket.search([]))
        with self.assertRaises(AccessError):
            Ticket.browse(other_ticket.id).read(["name"])
        with self.assertRaises(AccessError):
            client_key.env["fusion.helpdesk.client.key"].browse(self.other_key.id).read(["name"])
        # Secrets stay out of its reach.
        for record, fname in (
            (Ticket.browse(ticket.id), "engagement_token"),
            (client_key, "key_hash"),
        ):
            with self.subTest(fname), self.assertRaises(AccessError):
                record.read([fname])
        # Outside an authenticated request the technical user reaches nothing.
        unbound = self.env(user=self.api_user.id)["helpdesk.ticket"]
        self.assertFalse(unbound.search([]))
