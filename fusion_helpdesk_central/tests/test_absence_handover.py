# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A deputy while the owner is away: new requests go to the deputy, the
hourly cron hands the owner's pending requests over (frozen clock), and
escalation after the configured business days."""

from datetime import date, datetime, timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo import fields
from odoo.tests import new_test_user, tagged
from odoo.tools import format_date

from .. import intake
from ..models.fusion_helpdesk_engagement_absence import ESCALATION_DAYS_PARAM
from .common import FusionHelpdeskCentralCommon, set_absence_policy, ticket_live_token
from .test_sync_api import SyncApiCase

# Monday 30 November 2026, 09:00 UTC.
MONDAY = datetime(2026, 11, 30, 9, 0)
AWAY_FROM = date(2026, 12, 1)
AWAY_UNTIL = date(2026, 12, 4)
DEPUTY = "dana@acme.example.com"


class AbsenceCase(FusionHelpdeskCentralCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cron = cls.env.ref("fusion_helpdesk_central.ir_cron_engagement_handover")
        cls.Engagement = cls.env["fusion.helpdesk.engagement"].sudo()
        cls.other_key = cls.env["fusion.helpdesk.client.key"].create(
            {"name": "Globex", "owner_email": "boss@globex.example.com", "owner_name": "Gary"}
        )
        cls.env["ir.config_parameter"].sudo().set_param(ESCALATION_DAYS_PARAM, "0")

    def _send(self, ticket):
        """The engineer sends the request (real path); returns the new round."""
        token = ticket.with_user(self.engineer)._engagement_start("Findings", "- Fix it.")
        ticket._engagement_send_mails({ticket.id: token})
        return ticket.engagement_id

    def _run_cron(self):
        """Run the hourly cron as the scheduler does (own cursor, commits per batch)."""
        with self.enter_registry_test_mode():
            self.cron.method_direct_trigger()
        self.env.invalidate_all()

    def _away(self, deputy_email=DEPUTY, deputy_name="Dana Deputy", **dates):
        set_absence_policy(
            self.client_key,
            deputy_email=deputy_email,
            deputy_name=deputy_name,
            away_from=dates.get("away_from", AWAY_FROM),
            away_until=dates.get("away_until", AWAY_UNTIL),
        )

    def _mails_to(self, email):
        return self.env["mail.mail"].sudo().search([("email_to", "ilike", email)])

    def _last_ids(self):
        """Ids of the latest message and contact: what the cron adds is above."""
        last = {}
        for model in ("mail.message", "res.partner"):
            Model = self.env[model].sudo().with_context(active_test=False)
            last[model] = Model.search([], order="id desc", limit=1).id
        return last

    def assertSystemHandover(self, ticket, first, since):
        """What the cron's hand-over of ``first`` recorded is the system's
        doing: every message and tracking it left on ``ticket`` is signed by
        the provider's company or OdooBot, none by the owner (whose contact
        it neither looks up nor creates); the owner's round carries no
        decision IP, user agent, comment or decision message."""
        owner_email = first.owner_email
        messages = (
            self.env["mail.message"]
            .sudo()
            .search(
                [
                    ("model", "=", "helpdesk.ticket"),
                    ("res_id", "=", ticket.id),
                    ("id", ">", since["mail.message"]),
                ]
            )
        )
        self.assertTrue(messages)
        system = self.env.company.partner_id | self.env.ref("base.partner_root")
        for message in messages:
            self.assertIn(message.author_id, system, message.body)
            self.assertNotEqual(message.author_id.email_normalized, owner_email)
        note = messages.filtered(lambda m: "was handed to" in (m.body or ""))
        self.assertEqual(note.author_id, self.env.company.partner_id)
        self.assertTrue(note.fusion_flow_note, "kept as approval history")
        self.assertFalse(
            self.env["res.partner"]
            .sudo()
            .with_context(active_test=False)
            .search([("email_normalized", "=", owner_email), ("id", ">", since["res.partner"])]),
            "the hand-over never creates the owner's contact",
        )
        first = first.sudo()
        self.assertEqual(first.state, "delegated")
        self.assertFalse(first.decision_ip)
        self.assertFalse(first.decision_user_agent)
        self.assertFalse(first.decision_comment)
        self.assertFalse(first.decision_message_id)
        todo = ticket.activity_ids.filtered(lambda a: "was handed to" in (a.note or ""))
        self.assertEqual(todo.summary, "Approval request handed to the deputy")
        return note


class TestAbsenceHandover(AbsenceCase):
    def test_cron_record(self):
        self.assertTrue(self.cron.active)
        self.assertEqual((self.cron.interval_number, self.cron.interval_type), (1, "hours"))
        self.assertEqual(self.cron.code.strip(), "model._cron_hand_over()")

    def test_new_requests_go_to_the_deputy_while_away(self):
        self._away()
        with freeze_time(MONDAY):
            before = self._send(self._create_ticket("Before the holiday"))
        with freeze_time(datetime(2026, 12, 2, 10, 0)):
            during = self._send(self._create_ticket("During the holiday"))
        with freeze_time(datetime(2026, 12, 5, 10, 0)):
            after = self._send(self._create_ticket("Back again"))
        self.assertEqual(before.owner_email, "owner@acme.example.com")
        self.assertEqual((during.owner_email, during.owner_name), (DEPUTY, "Dana Deputy"))
        self.assertEqual(during.handover_reason, "away")
        self.assertEqual(after.owner_email, "owner@acme.example.com")
        self.assertIn(DEPUTY, self._mails_to(DEPUTY).email_to)
        self.assertTrue(ticket_live_token(during.ticket_id))

    def test_hourly_cron_hands_pending_requests_to_the_deputy(self):
        with freeze_time(MONDAY):
            mine = self._create_ticket("Owner's request")
            first = self._send(mine)
            decided_ticket = self._create_ticket("Already approved")
            decided = self._send(decided_ticket)
            self.env["helpdesk.ticket"]._engagement_decide(
                ticket_live_token(decided_ticket), "approve"
            )
            other = self._send(self._create_ticket("Other client", client_key=self.other_key))
        owner_token = ticket_live_token(mine)
        self._away()
        with freeze_time(datetime(2026, 11, 30, 23, 0)):
            self._run_cron()  # the day before the absence: nothing
        self.assertEqual(first.state, "pending")
        since = self._last_ids()
        with freeze_time(datetime(2026, 12, 1, 0, 30)):
            self._run_cron()
        self.assertEqual(first.state, "delegated")
        self.assertSystemHandover(mine, first, since)
        child = mine.engagement_id
        self.assertNotEqual(child, first)
        self.assertEqual(child.parent_id, first)
        self.assertEqual((child.state, child.owner_email), ("pending", DEPUTY))
        self.assertEqual(child.handover_reason, "away")
        self.assertEqual(mine.engagement_state, "pending")
        self.assertEqual(mine.engagement_owner_email, DEPUTY)
        # The deputy got a live link; the owner's is closed.
        token = ticket_live_token(mine)
        self.assertTrue(token)
        self.assertNotEqual(token, owner_token)
        self.assertEqual(self.Engagement._find_pending(token), child)
        self.assertFalse(self.Engagement._find_pending(owner_token))
        self.assertEqual(self.Engagement._find_closed(owner_token), first)
        self.assertEqual(len(self._mails_to(DEPUTY)), 1)
        # A public note names the deputy, the owner and the day they are back.
        note = mine.message_ids.filtered(lambda m: "was handed to" in (m.body or ""))
        self.assertEqual(len(note), 1)
        self.assertFalse(note.subtype_id.internal)
        self.assertEqual(note.message_type, "comment")
        for words in ("Dana Deputy", "Olivia Owner", "12/05/2026"):
            self.assertIn(words, note.body)
        self.assertIn(note, mine._fusion_thread_messages())
        # The engineer is told.
        todo = mine.activity_ids.filtered(lambda a: "Dana Deputy" in (a.note or ""))
        self.assertEqual(todo.user_id, self.engineer)
        # Decided rounds and other clients are left alone.
        self.assertEqual(decided.state, "approved")
        self.assertEqual(other.state, "pending")
        # Within the hour again: nothing more.
        with freeze_time(datetime(2026, 12, 1, 1, 30)):
            self._run_cron()
        self.assertEqual(mine.engagement_id, child)
        self.assertEqual(
            len(mine.message_ids.filtered(lambda m: "was handed to" in (m.body or ""))), 1
        )

    def test_deputy_decides_and_keeps_what_they_hold(self):
        with freeze_time(MONDAY):
            ticket = self._create_ticket("Held by the deputy")
            self._send(ticket)
        self._away()
        with freeze_time(datetime(2026, 12, 2, 8, 0)):
            self._run_cron()
        child = ticket.engagement_id
        with freeze_time(datetime(2026, 12, 7, 8, 0)):  # the owner is back
            self._run_cron()
            later = self._send(self._create_ticket("After the holiday"))
        self.assertEqual((child.state, child.owner_email), ("pending", DEPUTY))
        self.assertEqual(later.owner_email, "owner@acme.example.com")
        with freeze_time(datetime(2026, 12, 7, 9, 0)):
            decided = self.env["helpdesk.ticket"]._engagement_decide(
                ticket_live_token(ticket), "approve"
            )
        self.assertEqual(decided, ticket)
        self.assertEqual(ticket.engagement_state, "approved")
        decision = ticket.engagement_id.decision_message_id
        self.assertEqual(decision.author_id.email_normalized, DEPUTY)

    def test_unusable_deputy_is_refused_by_the_policy_api(self):
        """The client's administrator cannot name the owner, the provider's
        staff or no address as deputy: the API's own path refuses it (400 with
        the field over HTTP, see TestPolicyApi) and nothing is stored."""
        for deputy in ("OWNER@acme.example.com", "engineer@provider.example.com", "nobody"):
            with self.subTest(deputy=deputy), self.assertRaises(intake.IntakeError) as caught:
                self._away(deputy_email=deputy)
            self.assertEqual(caught.exception.field, "deputy_email")
            self.assertFalse(self.client_key.deputy_email)

    def _assert_requests_stay_with_the_owner(self, label):
        owner = (self.client_key.owner_email, self.client_key.owner_name)
        with freeze_time(MONDAY):
            ticket = self._create_ticket("Stays, %s" % label)
            first = self._send(ticket)
        with freeze_time(datetime(2026, 12, 2, 8, 0)):
            self._run_cron()
            during = self._send(self._create_ticket("New, %s" % label))
        self.assertEqual(first.state, "pending")
        self.assertEqual(during.handover_reason, False)
        self.assertEqual(
            (during.owner_email.lower(), during.owner_name), (owner[0].lower(), owner[1])
        )

    def test_a_deputy_hired_by_the_provider_is_never_used(self):
        """A deputy valid when named who later joins the provider's staff:
        requests stay with the owner."""
        self._away()
        new_test_user(self.env, login="dana-staff", email=DEPUTY, groups="base.group_user")
        self._assert_requests_stay_with_the_owner("hired by the provider")

    def test_a_deputy_made_the_owner_is_not_their_own_deputy(self):
        """The provider makes the deputy the owner: nobody is handed to
        anybody, requests go to the owner of the day."""
        self._away()
        self.client_key.write({"owner_email": DEPUTY.upper(), "owner_name": "Dana Deputy"})
        self._assert_requests_stay_with_the_owner("made the owner")

    def test_the_owners_own_delegation_stays_hers(self):
        """Only the system's hand-over is signed by the system: when the owner
        passes a request on herself, the ticket's tracking is hers (her
        contact), the engineer's to-do says she did, and her IP is kept."""
        with freeze_time(MONDAY):
            ticket = self._create_ticket("Passed on by the owner")
            first = self._send(ticket)
            self.Engagement._delegate(
                ticket_live_token(ticket), "Carl", "carl@acme.example.com", ip="198.51.100.7"
            )
        owner = (
            self.env["res.partner"]
            .sudo()
            .search([("email_normalized", "=", "owner@acme.example.com")])
        )
        self.assertEqual(len(owner), 1, "the owner's contact authors her decision")
        self.assertEqual(first.sudo().decision_ip, "198.51.100.7")
        todo = ticket.activity_ids.filtered(lambda a: "asked Carl to decide" in (a.note or ""))
        self.assertEqual(todo.summary, "Owner decision: Delegated")
        self.assertIn("Olivia Owner asked Carl", todo.note)
        self.assertFalse(ticket.message_ids.filtered(lambda m: "was handed to" in (m.body or "")))

    def test_requests_passed_on_by_the_owner_stay_with_their_delegate(self):
        with freeze_time(MONDAY):
            ticket = self._create_ticket("Passed on")
            self._send(ticket)
            self.Engagement._delegate(ticket_live_token(ticket), "Carl", "carl@acme.example.com")
            carl = ticket.engagement_id
        self._away()
        with freeze_time(datetime(2026, 12, 2, 8, 0)):
            self._run_cron()
        self.assertEqual((carl.state, carl.owner_email), ("pending", "carl@acme.example.com"))


class TestEscalation(AbsenceCase):
    def setUp(self):
        super().setUp()
        self.env["ir.config_parameter"].sudo().set_param(ESCALATION_DAYS_PARAM, "2")

    def test_escalation_hands_to_the_deputy_once(self):
        self._away(away_from=False, away_until=False)  # a deputy, the owner is here
        with freeze_time(datetime(2026, 12, 4, 9, 0)):  # Friday
            ticket = self._create_ticket("Waiting")
            first = self._send(ticket)
        with freeze_time(datetime(2026, 12, 7, 10, 0)):  # Monday: one business day
            self._run_cron()
        self.assertEqual(first.state, "pending")
        since = self._last_ids()
        with freeze_time(datetime(2026, 12, 8, 10, 0)):  # Tuesday: two
            self._run_cron()
        self.assertEqual(first.state, "delegated")
        self.assertSystemHandover(ticket, first, since)
        self.assertTrue(first.escalated_at)
        child = ticket.engagement_id
        self.assertEqual((child.owner_email, child.handover_reason), (DEPUTY, "escalation"))
        note = ticket.message_ids.filtered(lambda m: "was handed to" in (m.body or ""))
        self.assertEqual(len(note), 1)
        self.assertIn("has not answered it for 2 business days", note.body)
        self.assertFalse(note.subtype_id.internal)
        self.assertTrue(ticket.activity_ids.filtered(lambda a: "Dana Deputy" in (a.note or "")))
        # Two business days later the deputy has not answered either: nobody
        # left to hand it to, the engineer gets a to-do; never handed twice.
        with freeze_time(datetime(2026, 12, 10, 11, 0)):
            self._run_cron()
        self.assertEqual(ticket.engagement_id, child)
        self.assertEqual(child.state, "pending")
        self.assertTrue(child.escalated_at)
        with freeze_time(datetime(2026, 12, 11, 11, 0)):
            self._run_cron()
        self.assertEqual(
            len(
                ticket.activity_ids.filtered(lambda a: a.summary == "Owner approval still pending")
            ),
            1,
        )

    def test_without_deputy_the_engineer_gets_a_todo_and_reminders_go_on(self):
        icp = self.env["ir.config_parameter"].sudo()
        icp.set_param("fusion_helpdesk_central.engagement_reminder_days", "3")
        icp.set_param("fusion_helpdesk_central.engagement_expiry_days", "14")
        with freeze_time(MONDAY):
            ticket = self._create_ticket("No deputy")
            first = self._send(ticket)
        with freeze_time(datetime(2026, 12, 2, 10, 0)):
            self._run_cron()
        self.assertEqual(first.state, "pending")
        self.assertTrue(first.escalated_at)
        todo = ticket.activity_ids.filtered(lambda a: a.summary == "Owner approval still pending")
        self.assertEqual(todo.user_id, self.engineer)
        self.assertIn("2 business days", todo.note)
        with freeze_time(datetime(2026, 12, 3, 10, 0)):
            self._run_cron()
        self.assertEqual(len(ticket.activity_ids.filtered(lambda a: a.summary == todo.summary)), 1)
        # The reminder and the expiry still happen.
        reminder = self.env.ref("fusion_helpdesk_central.ir_cron_engagement_reminder")
        with freeze_time(datetime(2026, 12, 3, 10, 0)), self.enter_registry_test_mode():
            reminder.method_direct_trigger()
        self.env.invalidate_all()
        self.assertTrue(first.reminded_at)
        expiry = self.env.ref("fusion_helpdesk_central.ir_cron_engagement_expiry")
        with freeze_time(datetime(2026, 12, 15, 10, 0)), self.enter_registry_test_mode():
            expiry.method_direct_trigger()
        self.env.invalidate_all()
        self.assertEqual(first.state, "expired")

    def test_zero_turns_escalation_off(self):
        self.env["ir.config_parameter"].sudo().set_param(ESCALATION_DAYS_PARAM, "0")
        with freeze_time(MONDAY):
            first = self._send(self._create_ticket("Never escalated"))
        with freeze_time(datetime(2026, 12, 11, 10, 0)):
            self._run_cron()
        self.assertFalse(first.escalated_at)

    def test_settings_field(self):
        settings = self.env["res.config.settings"].create({"fusion_engagement_escalation_days": 4})
        settings.execute()
        self.assertEqual(self.Engagement._escalation_days(), 4)
        self.assertEqual(
            fields.Integer, type(settings._fields["fusion_engagement_escalation_days"])
        )


@tagged("post_install", "-at_install")
class TestHandoverFeed(SyncApiCase):
    """The client's employees see the hand-over note in the updates feed."""

    def test_handover_note_reaches_the_client_feed(self):
        token = self.ticket.with_user(self.engineer)._engagement_start("Findings", "- Fix it.")
        self.ticket._engagement_send_mails({self.ticket.id: token})
        today = fields.Date.today()
        set_absence_policy(
            self.client_key,
            deputy_email=DEPUTY,
            deputy_name="Dana Deputy",
            away_from=today - timedelta(days=1),
            away_until=today + timedelta(days=6),
        )
        cursor, __, __ = self.all_updates()
        with patch.object(
            type(self.env["ir.cron"]), "_commit_progress", lambda *args, **kwargs: 60
        ):
            self.env["fusion.helpdesk.engagement"]._cron_hand_over()
        __, tickets, __ = self.all_updates(cursor)
        [listed] = [t for t in tickets if t["id"] == self.ticket.id]
        self.assertEqual(listed["engagement_state"], "pending")
        bodies = " ".join(message["body"] for message in listed["messages"])
        self.assertIn("was handed to Dana Deputy while Olivia Owner is away", bodies)
        # Signed by the provider, and the owner passed nothing on: the client
        # never tells its employee "Olivia Owner passed ... on to Dana Deputy".
        [note] = [m for m in listed["messages"] if "was handed to" in m["body"]]
        self.assertEqual(note["author"], self.env.company.partner_id.name)
        self.assertIsNone(note["decision"])
        self.assertEqual(listed["engagement"]["owner"], "Dana Deputy")
        self.assertEqual(listed["engagement"]["delegated_by"], "")
        back = format_date(self.env, today + timedelta(days=7))
        self.assertIn(back, bodies)
