# Copyright 2026 Fusion Helpdesk
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import requests
from freezegun import freeze_time

from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException
from odoo.tools import mute_logger

from .common import (
    CLIENT_KEY,
    OWNER_EMAIL,
    OWNER_NAME,
    TICKETS_URL,
    UUID4,
    FusionHelpdeskCommon,
    request_json,
)

TICKET_LOGGER = "odoo.addons.fusion_helpdesk.models.fusion_helpdesk_ticket"


@tagged("post_install", "-at_install")
class TestSubmitRoute(FusionHelpdeskCommon, HttpCase):
    """``/fusion_helpdesk/submit`` over HTTP, as a logged-in employee."""

    def setUp(self):
        super().setUp()
        self.authenticate(self.employee.login, self.employee.login)

    def submit(self, **params):
        return self.make_jsonrpc_request("/fusion_helpdesk/submit", params)

    def test_submit_sends_the_ticket_with_the_owner_and_answers_the_number(self):
        with self.mock_central() as mock:
            self.central_accepts(mock, central_id=42, number="HT00042")
            result = self.submit(subject="  Printer on fire ", description="Smoke from tray 2.")
        ticket = self.Ticket.browse(result["id"])
        self.assertEqual(result, {"ok": True, "id": ticket.id, "number": "HT00042"})
        self.assertRecordValues(
            ticket,
            [
                {
                    "name": "Printer on fire",
                    "description": "Smoke from tray 2.",
                    "user_id": self.employee.id,
                    "state": "sent",
                    "central_id": 42,
                    "central_number": "HT00042",
                    "last_error": False,
                }
            ],
        )
        self.assertTrue(ticket.sent_at)
        [call] = self.central_calls(mock, TICKETS_URL)
        self.assertEqual(call.request.headers["Authorization"], "Bearer %s" % CLIENT_KEY)
        self.assertEqual(
            request_json(call),
            {
                "subject": "Printer on fire",
                "description": "Smoke from tray 2.",
                "requester_name": "Erin Employee",
                "requester_email": "erin@acme.example.com",
                "client_ref": ticket.client_ref,
                "owner_email": OWNER_EMAIL,
                "owner_name": OWNER_NAME,
            },
        )

    def test_names_sent_to_central_follow_the_names_rule(self):
        """Issue 20: a name is not a header. An employee renames themselves
        over JSON-RPC with a line break and an address; an owner name saved
        before the rule holds one too: central receives one-line names
        without address syntax (it would clean them too)."""
        self.make_jsonrpc_request(
            "/web/dataset/call_kw/res.users/write",
            {
                "model": "res.users",
                "method": "write",
                "args": [[self.employee.id], {"name": "Erin\r,attacker@evil.example"}],
                "kwargs": {},
            },
        )
        self.icp.set_param("fusion_helpdesk.owner_name", "Olivia\u2028<attacker@evil.example>")
        with self.mock_central() as mock:
            self.central_accepts(mock)
            self.assertTrue(self.submit(subject="VPN", description="Down.")["ok"])
        body = request_json(self.central_calls(mock, TICKETS_URL)[0])
        self.assertEqual(body["requester_name"], "Erin ,attacker evil.example")
        self.assertEqual(body["owner_name"], "Olivia attacker evil.example")

    def test_owner_is_left_out_when_not_configured(self):
        self.icp.set_param("fusion_helpdesk.owner_email", False)
        self.icp.set_param("fusion_helpdesk.owner_name", "")
        with self.mock_central() as mock:
            self.central_accepts(mock)
            result = self.submit(subject="VPN is down", description="Since 9am.")
        self.assertTrue(result["ok"])
        body = request_json(self.central_calls(mock, TICKETS_URL)[0])
        self.assertNotIn("owner_email", body)
        self.assertNotIn("owner_name", body)

    def test_central_down_keeps_the_ticket_and_it_can_be_sent_again(self):
        with (
            self.mock_central() as first_mock,
            self.assertLogs(TICKET_LOGGER, "WARNING") as logs,
        ):
            first_mock.post(TICKETS_URL, body=requests.ConnectionError("Connection refused"))
            result = self.submit(subject="Printer on fire", description="Smoke from tray 2.")
        self.assertIs(result["ok"], False)
        self.assertIn("could not be reached", result["error"])
        self.assertNotIn(CLIENT_KEY, "\n".join(logs.output))
        ticket = self.Ticket.browse(result["id"])
        self.assertRecordValues(
            ticket,
            [
                {
                    "name": "Printer on fire",
                    "description": "Smoke from tray 2.",
                    "user_id": self.employee.id,
                    "state": "not_sent",
                    "central_id": 0,
                    "last_error": result["error"],
                }
            ],
        )
        # Later, from the form: "Send Again".
        with self.mock_central() as mock:
            self.central_accepts(mock, central_id=77, number="HT00077")
            action = ticket.with_user(self.employee).action_send()
        self.assertEqual(action["params"]["type"], "success")
        self.assertIn("HT00077", action["params"]["message"])
        self.assertRecordValues(
            ticket,
            [{"state": "sent", "central_id": 77, "central_number": "HT00077", "last_error": False}],
        )
        # Central recognises a resend by the reference it got the first time.
        [first_call] = self.central_calls(first_mock, TICKETS_URL)
        [resend_call] = self.central_calls(mock, TICKETS_URL)
        self.assertEqual(request_json(first_call)["client_ref"], ticket.client_ref)
        self.assertEqual(request_json(resend_call)["client_ref"], ticket.client_ref)

    def test_an_error_page_not_from_the_api_is_no_refusal_and_send_again_works(self):
        # What central's Odoo answers when its first query fails (database restarting).
        for status in (404, 403):
            with self.subTest(status=status):
                with self.mock_central() as first_mock, self.assertLogs(TICKET_LOGGER, "WARNING"):
                    first_mock.post(
                        TICKETS_URL,
                        body="<!DOCTYPE html><title>%d</title>" % status,
                        status=status,
                        content_type="text/html; charset=utf-8",
                    )
                    result = self.submit(subject="Blip %d" % status, description="Keep me")
                self.assertIs(result["ok"], False)
                self.assertIn("(error %d)" % status, result["error"])
                self.assertIn("Nothing is lost: please try again later.", result["error"])
                self.assertNotIn("Settings", result["error"])
                ticket = self.Ticket.browse(result["id"])
                self.assertRecordValues(ticket, [{"state": "not_sent", "central_id": 0}])
                with self.mock_central() as mock:
                    self.central_accepts(mock, central_id=90 + status, number="HT%d" % status)
                    action = ticket.with_user(self.employee).action_send()
                self.assertEqual(action["params"]["type"], "success")
                self.assertRecordValues(ticket, [{"state": "sent", "central_id": 90 + status}])
                [first_call] = self.central_calls(first_mock, TICKETS_URL)
                [resend_call] = self.central_calls(mock, TICKETS_URL)
                self.assertEqual(
                    request_json(resend_call)["client_ref"], request_json(first_call)["client_ref"]
                )

    def test_employee_journey_from_the_app_to_my_tickets(self):
        """In a browser: the Helpdesk app opens on My Tickets; its Submit a Ticket
        button opens the dialog (Cancel stays on the list); an empty dialog shows
        every problem at once without a round trip; the submitted ticket opens
        under My Tickets with its number and is listed there as sent."""
        with self.mock_central() as mock:
            self.central_accepts(mock, central_id=42, number="HT00042")
            self.start_tour("/odoo", "fusion_helpdesk_submit_ticket", login=self.employee.login)
            calls = self.central_calls(mock, TICKETS_URL)
        # The empty attempt was refused in the browser: one ticket, sent once.
        self.assertEqual(len(calls), 1)
        sent = request_json(calls[0])
        self.assertEqual(sent["subject"], "Tour: printer on fire")
        self.assertEqual(sent["owner_email"], OWNER_EMAIL)
        ticket = self.Ticket.search([("user_id", "=", self.employee.id)])
        self.assertRecordValues(
            ticket,
            [
                {
                    "name": "Tour: printer on fire",
                    "state": "sent",
                    "central_number": "HT00042",
                    "status": "Sent",
                }
            ],
        )

    def test_unreachable_central_without_any_mock_keeps_the_ticket(self):
        """Nothing answers at all (Odoo's test harness blocks the request, as a
        firewall would): the employee still gets an answer and the ticket."""
        with self.assertLogs(TICKET_LOGGER, "WARNING"):
            result = self.submit(subject="Printer on fire", description="Smoke.")
        self.assertIs(result["ok"], False)
        self.assertIn("could not be reached", result["error"])
        self.assertEqual(self.Ticket.browse(result["id"]).state, "not_sent")

    def test_central_refusing_keeps_the_ticket_with_a_clear_error(self):
        cases = [
            (401, None, "Unknown or inactive client key.", "does not accept this company's"),
            (400, "requester_email", "Not a valid email address.", "(requester_email): Not a"),
            (400, None, "Subject too long.", "refused the ticket: Subject too long."),
            (413, None, "Too large.", "too large for the support server"),
        ]
        for status, field, message, expected in cases:
            with self.subTest(status=status, field=field):
                with self.mock_central() as mock, self.assertLogs(TICKET_LOGGER, "WARNING"):
                    self.central_refuses(mock, status, message, field=field)
                    result = self.submit(subject="Refused %d" % status, description="Keep me")
                self.assertIs(result["ok"], False)
                self.assertIn(expected, result["error"])
                self.assertRecordValues(
                    self.Ticket.browse(result["id"]),
                    [
                        {
                            "name": "Refused %d" % status,
                            "description": "Keep me",
                            "state": "not_sent",
                            "last_error": result["error"],
                        }
                    ],
                )

    def test_too_many_attempts_tells_when_to_retry(self):
        """The banner says a clock time in the employee's time zone, rounded up to
        the minute: a "try again in 300 seconds" would never count down."""
        self.employee.tz = "Europe/Brussels"
        with (
            freeze_time("2026-05-27 09:00:30"),
            self.mock_central() as mock,
            self.assertLogs(TICKET_LOGGER, "WARNING"),
        ):
            mock.post(
                TICKETS_URL,
                json={"error": {"field": None, "message": "Too many requests."}},
                status=429,
                headers={"Retry-After": "300"},
            )
            result = self.submit(subject="Throttled", description="Details.")
        self.assertIs(result["ok"], False)
        # 09:05:30 UTC is 11:05:30 in Brussels (summer time).
        self.assertIn("try again after 11:06", result["error"])
        self.assertNotIn("seconds", result["error"])

    def test_missing_configuration_keeps_the_ticket(self):
        self.icp.set_param("fusion_helpdesk.client_key", "")
        with self.mock_central() as mock, self.assertLogs(TICKET_LOGGER, "WARNING"):
            result = self.submit(subject="Not configured", description="Details.")
        self.assertIs(result["ok"], False)
        self.assertIn("client key is not configured", result["error"])
        self.assertEqual(self.Ticket.browse(result["id"]).state, "not_sent")
        self.assertFalse(mock.calls)

    def test_invalid_input_creates_nothing_and_calls_nobody(self):
        cases = [
            (
                {"subject": "", "description": "The text is still in the caller's form."},
                "give your ticket a subject",
            ),
            ({"subject": "   \n", "description": "x"}, "give your ticket a subject"),
            ({"description": "No subject at all"}, "give your ticket a subject"),
            ({}, "give your ticket a subject"),
            ({"subject": ["a", "list"], "description": "x"}, "must be plain text"),
            ({"subject": "Fine", "description": {"a": 1}}, "must be plain text"),
            ({"subject": "No details", "description": "  "}, "describe the problem"),
            ({"subject": "x" * 201, "description": "Long subject"}, "shorten the subject"),
        ]
        before = self.Ticket.search_count([])
        for params, expected in cases:
            with self.subTest(params=params), self.mock_central() as mock:
                result = self.submit(**params)
                self.assertEqual(result["ok"], False)
                self.assertIsNone(result["id"])
                self.assertIn(expected, result["error"])
                self.assertFalse(mock.calls)
        self.assertEqual(self.Ticket.search_count([]), before)

    def test_route_needs_a_logged_in_user(self):
        self.authenticate(None, None)
        with self.mock_central() as mock, self.assertRaises(JsonRpcException):
            self.submit(subject="Anonymous", description="Details.")
        self.assertFalse(mock.calls)
        self.assertFalse(self.Ticket.search([("name", "=", "Anonymous")]))

    def test_portal_users_cannot_submit(self):
        portal = new_test_user(self.env, login="fh-portal", groups="base.group_portal")
        self.authenticate(portal.login, portal.login)
        with (
            self.mock_central() as mock,
            mute_logger("odoo.http"),
            self.assertRaises(JsonRpcException),
        ):
            self.submit(subject="From the portal", description="Details.")
        self.assertFalse(mock.calls)
        self.assertFalse(self.Ticket.search([("name", "=", "From the portal")]))

    def test_client_ref_is_random_not_the_record_id(self):
        """A restored backup or a staging copy reuses record ids: central took their
        new tickets for someone else's old ones and answered with those."""
        refs = []
        with self.mock_central() as mock:
            self.central_accepts(mock)
            for subject in ("First", "Second"):
                result = self.submit(subject=subject, description="Details.")
                ticket = self.Ticket.browse(result["id"])
                sent = request_json(self.central_calls(mock, TICKETS_URL)[-1])["client_ref"]
                self.assertEqual(sent, ticket.client_ref)
                self.assertNotEqual(sent, str(ticket.id))
                self.assertRegex(sent, UUID4)
                refs.append(sent)
        self.assertNotEqual(refs[0], refs[1])

    def test_conflicting_reference_is_a_clear_error_kept_locally(self):
        """Central answers 409 when it has this reference with another text."""
        with self.mock_central() as mock, self.assertLogs(TICKET_LOGGER, "WARNING"):
            self.central_refuses(
                mock,
                409,
                "A different ticket was already sent with this reference.",
                field="client_ref",
            )
            result = self.submit(subject="Printer on fire", description="Smoke.")
        self.assertIs(result["ok"], False)
        self.assertIn("already has a different ticket", result["error"])
        self.assertIn("submit it as a new ticket", result["error"])
        ticket = self.Ticket.browse(result["id"])
        self.assertRecordValues(
            ticket,
            [{"state": "not_sent", "central_id": 0, "last_error": result["error"]}],
        )
        [call] = self.central_calls(mock, TICKETS_URL)
        self.assertEqual(request_json(call)["client_ref"], ticket.client_ref)

    def test_invisible_subjects_are_refused_and_bidi_controls_stripped(self):
        cases = ["\u200b\u200c\u200d", "\u202e\u2066 \u2069", "\ufeff\u2060\u3164"]
        for subject in cases:
            with self.subTest(subject=subject), self.mock_central() as mock:
                result = self.submit(subject=subject, description="Details.")
                self.assertEqual((result["ok"], result["id"]), (False, None))
                self.assertIn("give your ticket a subject", result["error"])
                self.assertFalse(mock.calls)
        with self.mock_central() as mock:
            self.central_accepts(mock)
            result = self.submit(subject=" Invoice\u202egpj.exe ", description="Details.")
        self.assertTrue(result["ok"])
        self.assertEqual(self.Ticket.browse(result["id"]).name, "Invoicegpj.exe")
        sent = request_json(self.central_calls(mock, TICKETS_URL)[0])
        self.assertEqual(sent["subject"], "Invoicegpj.exe")
