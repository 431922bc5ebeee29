# Copyright 2026 Fusion Helpdesk
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import importlib.util

import requests

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools.misc import file_path

from .common import TICKETS_URL, UUID4, FusionHelpdeskCommon, messages_url, request_json

TICKET_LOGGER = "odoo.addons.fusion_helpdesk.models.fusion_helpdesk_ticket"


class TestTicket(FusionHelpdeskCommon):
    """Sending from the form, record rules and the protected sending status."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ticket_erin = cls._create_ticket(cls.employee, "Erin's printer")
        cls.ticket_oscar = cls._create_ticket(
            cls.other_employee,
            "Oscar's salary slip",
            state="sent",
            central_id=51,
            central_number="HT00051",
        )

    def test_submit_button_of_a_new_ticket_sends_it(self):
        ticket = self.Ticket.with_user(self.employee).create(
            {"name": "Mail quota", "description": "Mailbox full."}
        )
        self.assertEqual((ticket.state, ticket.user_id), ("draft", self.employee))
        with self.mock_central() as mock:
            self.central_accepts(mock, central_id=60, number="HT00060")
            action = ticket.action_send()
        self.assertEqual(action["tag"], "display_notification")
        self.assertEqual(action["params"]["type"], "success")
        self.assertRecordValues(ticket, [{"state": "sent", "central_number": "HT00060"}])
        body = request_json(self.central_calls(mock, TICKETS_URL)[0])
        self.assertEqual(
            (body["subject"], body["requester_email"]), ("Mail quota", "erin@acme.example.com")
        )

    def test_failed_send_from_the_form_notifies_and_keeps_the_ticket(self):
        ticket = self.ticket_erin.with_user(self.employee)
        with self.mock_central() as mock, self.assertLogs(TICKET_LOGGER, "WARNING"):
            mock.post(TICKETS_URL, body=requests.ReadTimeout("read timed out"))
            action = ticket.action_send()
        # The reloaded form's banner says why; the toast does not repeat it.
        self.assertEqual(action["params"]["type"], "warning")
        self.assertFalse(action["params"]["sticky"])
        self.assertNotIn("did not answer in time", action["params"]["message"])
        self.assertIn("reason is shown on the ticket", action["params"]["message"])
        self.assertEqual(action["params"]["next"], {"type": "ir.actions.act_window_close"})
        self.assertRecordValues(
            ticket, [{"state": "not_sent", "name": "Erin's printer", "central_id": 0}]
        )
        self.assertIn("did not answer in time", ticket.last_error)

    def test_a_sent_ticket_is_not_sent_twice(self):
        with self.mock_central() as mock, self.assertRaises(UserError):
            self.ticket_oscar.with_user(self.other_employee).action_send()
        self.assertFalse(mock.calls)

    def test_employee_sees_only_their_own_tickets(self):
        Ticket = self.Ticket.with_user(self.employee)
        self.assertEqual(Ticket.search([]), self.ticket_erin)
        with self.assertRaises(AccessError):
            self.ticket_oscar.with_user(self.employee).read(["name"])
        with self.assertRaises(AccessError):
            self.ticket_oscar.with_user(self.employee).write({"name": "Mine now"})
        with self.assertRaises(AccessError):
            Ticket.create({"name": "For Oscar", "user_id": self.other_employee.id})

    def test_employee_cannot_refresh_or_send_someone_elses_ticket(self):
        for method in ("action_refresh_thread", "action_send"):
            with self.subTest(method=method), self.mock_central() as mock:
                mock.get(messages_url(51), json={"messages": []})
                with self.assertRaises(AccessError):
                    getattr(self.ticket_oscar.with_user(self.employee), method)()
                self.assertFalse(mock.calls)

    def test_administrator_sees_every_ticket(self):
        tickets = self.Ticket.with_user(self.admin).search([])
        self.assertIn(self.ticket_erin, tickets)
        self.assertIn(self.ticket_oscar, tickets)

    def test_employee_cannot_set_the_sending_status(self):
        ticket = self.ticket_erin.with_user(self.employee)
        for vals in ({"central_id": 51}, {"state": "sent"}, {"thread_html": "<p>fake</p>"}):
            with self.subTest(vals=vals), self.assertRaises(AccessError):
                ticket.write(vals)
        created = self.Ticket.with_user(self.employee).create(
            {"name": "Sneaky", "central_id": 51, "state": "sent", "central_number": "HT00051"}
        )
        self.assertRecordValues(
            created, [{"state": "draft", "central_id": 0, "central_number": False}]
        )
        ticket.write({"name": "Erin's printer (tray 2)", "description": "Still smoking."})
        self.assertEqual(ticket.name, "Erin's printer (tray 2)")

    def test_employee_cannot_forge_the_estimate_or_a_budget_approval(self):
        """Attacker run: the estimate and "approved within the budget" are
        central's word; an employee's write or create cannot set them."""
        ticket = self.ticket_erin.with_user(self.employee)
        forged = {
            "engagement_auto_approved": True,
            "engagement_estimate_hours": 5,
            "engagement_estimate_amount": 1,
            "engagement_currency_id": self.env.ref("base.USD").id,
        }
        for name, value in forged.items():
            with self.subTest(field=name), self.assertRaises(AccessError):
                ticket.write({name: value})
        created = self.Ticket.with_user(self.employee).create({"name": "Sneaky", **forged})
        self.assertRecordValues(
            created,
            [
                {
                    "engagement_auto_approved": False,
                    "engagement_estimate_hours": 0,
                    "engagement_estimate_amount": 0,
                    "engagement_currency_id": False,
                }
            ],
        )

    def test_employee_cannot_hand_a_ticket_to_a_colleague(self):
        with self.assertRaises(AccessError):
            self.ticket_erin.with_user(self.employee).write({"user_id": self.other_employee.id})
        self.assertEqual(self.ticket_erin.user_id, self.employee)

    def test_a_sent_ticket_keeps_the_text_central_has(self):
        with self.assertRaises(UserError):
            self.ticket_oscar.with_user(self.other_employee).write({"name": "Changed later"})

    def test_only_unsent_tickets_can_be_deleted(self):
        with self.assertRaises(UserError):
            self.ticket_oscar.with_user(self.other_employee).unlink()
        self.ticket_erin.with_user(self.employee).unlink()
        self.assertFalse(self.ticket_erin.exists())

    def test_client_ref_is_set_once_and_not_by_employees(self):
        ticket = self.Ticket.with_user(self.employee).create(
            {"name": "Mail quota", "description": "Full.", "client_ref": "chosen-by-me"}
        )
        self.assertRegex(ticket.client_ref, UUID4)
        with self.assertRaises(AccessError):
            ticket.write({"client_ref": self.ticket_oscar.client_ref})
        copy = ticket.copy()
        self.assertRegex(copy.client_ref, UUID4)
        self.assertNotEqual(copy.client_ref, ticket.client_ref)
        self.assertEqual(copy.state, "draft")

    def test_send_again_reuses_the_reference(self):
        ticket = self.ticket_erin.with_user(self.employee)
        ref = ticket.client_ref
        with self.mock_central() as mock, self.assertLogs(TICKET_LOGGER, "WARNING"):
            mock.post(TICKETS_URL, body=requests.ConnectionError("refused"))
            ticket.action_send()
        with self.mock_central() as mock_again:
            self.central_accepts(mock_again)
            ticket.action_send()
        self.assertEqual(ticket.state, "sent")
        sent = [request_json(call)["client_ref"] for call in [*mock.calls, *mock_again.calls]]
        self.assertEqual(sent, [ref, ref])

    def test_a_subject_of_invisible_characters_is_refused(self):
        Ticket = self.Ticket.with_user(self.employee)
        for name in ("\u200b\u200b", "\u202e \u2066", "\u2800"):
            with self.subTest(name=name), self.assertRaises(ValidationError):
                Ticket.create({"name": name, "description": "x"})
        with self.assertRaises(ValidationError):
            self.ticket_erin.with_user(self.employee).write({"name": "\u200d"})
        ticket = Ticket.create({"name": "\u2067Invoice\u202e fdp.exe", "description": "x"})
        self.assertEqual(ticket.name, "Invoice fdp.exe")

    def test_migration_gives_each_ticket_its_own_reference_and_cleans_threads(self):
        """19.0.3.0.0 post-migration, on rows as 19.0.2 left them."""
        tickets = self.ticket_erin | self.ticket_oscar
        kept = self._create_ticket(self.employee, "Already has one")
        kept_ref = kept.client_ref
        tickets.flush_recordset()
        self.env.cr.execute(
            "UPDATE fusion_helpdesk_ticket SET client_ref = NULL, thread_html = %s WHERE id IN %s",
            [
                '<div class="o_fusion_helpdesk_thread"><p>Hello</p>'
                '<img src="https://tracker.example/p.gif"></div>',
                tuple(tickets.ids),
            ],
        )
        tickets.invalidate_recordset()
        path = file_path("fusion_helpdesk/migrations/19.0.3.0.0/post-migrate.py")
        spec = importlib.util.spec_from_file_location("fusion_helpdesk_post_migrate", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        module.migrate(self.env.cr, "19.0.2.0.0")
        self.env.invalidate_all()
        for ticket in tickets:
            self.assertRegex(ticket.client_ref, UUID4)
            self.assertIn("Hello", ticket.thread_html)
            self.assertNotIn("<img", ticket.thread_html)
            self.assertIn("o_fusion_helpdesk_thread", ticket.thread_html)
        self.assertNotEqual(self.ticket_erin.client_ref, self.ticket_oscar.client_ref)
        self.assertEqual(kept.client_ref, kept_ref)
