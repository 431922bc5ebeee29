# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import re
from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.tools.safe_eval import safe_eval

from .common import FusionHelpdeskCentralCommon, ticket_live_token

REMINDER_DAYS = "fusion_helpdesk_central.engagement_reminder_days"
REPORT_VIEWS = ("pivot", "graph", "list", "kanban", "search")


class TestEngagementReporting(FusionHelpdeskCentralCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Ticket = cls.env["helpdesk.ticket"]
        cls.action = cls.env.ref("fusion_helpdesk_central.helpdesk_ticket_engagement_report_action")
        cls.menu = cls.env.ref("fusion_helpdesk_central.helpdesk_ticket_engagement_report_menu")
        cls.icp = cls.env["ir.config_parameter"].sudo()
        cls.other_key = cls.env["fusion.helpdesk.client.key"].create(
            {"name": "Globex", "owner_email": "boss@globex.example.com", "owner_name": "Gary"}
        )

    @classmethod
    def _engaged(cls, name, sent_at, state="pending", decided_after=None, client_key=None):
        ticket = cls._create_ticket(name, client_key=client_key)
        cls._start_round(
            ticket,
            state=state,
            sent_at=sent_at,
            decided_at=(
                sent_at + timedelta(hours=decided_after) if decided_after is not None else False
            ),
        )
        return ticket

    def _report_domain(self, extra=()):
        return safe_eval(self.action.domain) + list(extra)

    # ------------------------------------------------------------------ views
    def test_action_and_views_load_for_manager(self):
        action = (
            self.env["ir.actions.actions"]
            .with_user(self.manager)
            ._for_xml_id("fusion_helpdesk_central.helpdesk_ticket_engagement_report_action")
        )
        self.assertEqual(action["res_model"], "helpdesk.ticket")
        self.assertEqual(safe_eval(action["domain"]), [("engagement_state", "!=", "none")])
        context = safe_eval(action["context"])
        self.assertTrue(any(key.startswith("search_default_") for key in context))
        # The ticket stores only its state: how long owners take is measured
        # on the requests (Approval Rounds), never on a ticket column.
        self.assertEqual(context["pivot_measures"], ["__count"])
        rounds_action = self.env.ref("fusion_helpdesk_central.fusion_helpdesk_engagement_action")
        self.assertIn("turnaround_hours", safe_eval(rounds_action.context)["pivot_measures"])
        views = {view_type: view_id for view_id, view_type in action["views"]}
        self.assertEqual(set(views) - {"form"}, set(REPORT_VIEWS) - {"search"})

        result = self.Ticket.with_user(self.manager).get_views(
            [[view_id, view_type] for view_type, view_id in views.items()]
            + [[action["search_view_id"][0], "search"]],
            {"load_filters": True, "toolbar": True, "action_id": action["id"]},
        )
        archs = {view_type: result["views"][view_type]["arch"] for view_type in REPORT_VIEWS}
        self.assertIn('name="engagement_state"', archs["pivot"])
        fields_info = result["models"]["helpdesk.ticket"]["fields"]
        stored = self.Ticket.fields_get(attributes=["store"])
        for view_type in ("pivot", "graph"):
            for fname in re.findall(r'<field name="(\w+)"', archs[view_type]):
                with self.subTest(view=view_type, field=fname):
                    self.assertTrue(stored[fname]["store"], "grouped in SQL: a stored column")
        self.assertNotIn('avg="', archs["list"], "a client-side average would count pending as 0 h")
        self.assertIn('default_group_by="engagement_state"', archs["kanban"])
        for name in ("number", "engagement_owner_name", "engagement_sent_at"):
            self.assertIn('name="%s"' % name, archs["kanban"])
        for name in ("pending", "approved", "rejected", "reminded", "overdue"):
            self.assertIn('name="%s"' % name, archs["search"])
        group_bys = re.findall(r"'group_by': '([\w:]+)'", archs["search"])
        self.assertEqual(set(group_bys), {"client_key_id", "engagement_state"})
        # By owner, by engineer (who asked, not the ticket's assignee), by
        # month: the requests' own columns, in Approval Rounds.
        Engagement = self.env["fusion.helpdesk.engagement"].with_user(self.manager)
        rounds_search = Engagement.get_views([(False, "search")])["views"]["search"]["arch"]
        for group_by in (
            "'group_by': 'owner_email'",
            "'group_by': 'requested_by_id'",
            "sent_at:month",
            "decided_at:month",
        ):
            self.assertIn(group_by, rounds_search)
        self.assertIn('name="latest"', rounds_search)
        self.assertIn('name="reminded"', rounds_search)
        turnaround = fields_info["engagement_turnaround_hours"]
        self.assertFalse(turnaround.get("aggregator"), "pending tickets would count as 0 h")
        self.assertFalse(turnaround.get("groupable"))

    def test_regular_ticket_views_unchanged(self):
        """The report views never become the default ticket views."""
        report_views = self.action.view_ids.view_id | self.action.search_view_id
        self.assertEqual(len(report_views), len(REPORT_VIEWS))
        for view_type in REPORT_VIEWS:
            with self.subTest(view_type=view_type):
                default = self.env["ir.ui.view"].default_view("helpdesk.ticket", view_type)
                self.assertNotIn(default, report_views.ids)

    def test_menu_and_action_for_managers_only(self):
        """Only managers see Owner Engagements. (Odoo 19 applies an act_window's
        groups to its bindings, not to /web/action/load: the menu is the gate.)"""
        Menu = self.env["ir.ui.menu"]
        manager_group = self.env.ref("helpdesk_mgmt.group_helpdesk_manager")
        self.assertEqual(
            self.menu.parent_id, self.env.ref("helpdesk_mgmt.helpdesk_ticket_reporting_menu")
        )
        self.assertEqual(self.menu.action, self.action)
        self.assertEqual(self.menu.group_ids, manager_group)
        self.assertEqual(self.action.group_ids, manager_group)
        self.assertIn(self.menu.id, Menu.with_user(self.manager)._visible_menu_ids())
        for user in (self.engineer, self.plain_user):
            with self.subTest(user=user.login):
                self.assertNotIn(self.menu.id, Menu.with_user(user)._visible_menu_ids())
                menus = Menu.with_user(user).load_menus(debug=False)
                self.assertNotIn(self.menu.id, menus)

    # ------------------------------------------------------------------ figures
    def test_average_turnaround_in_sql(self):
        """Average turnaround per client over each ticket's latest request
        (Approval Rounds, "Latest request of its ticket"): the decided ones
        only, a pending one (stored as 0 hours) does not drag it down."""
        sent = datetime(2026, 3, 2, 9, 0)
        self._engaged("Two hours", sent, "approved", 2)
        self._engaged("Four hours", sent, "rejected", 4)
        self._engaged("Nine hours", sent + timedelta(days=1), "approved", 9)
        self._engaged("Still pending", sent, "pending")
        self._engaged("Globex", sent, "approved", 10, client_key=self.other_key)
        self.env.flush_all()

        Engagement = self.env["fusion.helpdesk.engagement"].with_user(self.manager)
        latest = [("showing_ticket_ids", "!=", False)]
        groups = dict(
            (client, (count, avg))
            for client, count, avg in Engagement._read_group(
                latest,
                ["client_key_id"],
                ["__count", "turnaround_hours:avg"],
            )
        )
        self.assertEqual(groups[self.client_key][0], 4)
        self.assertAlmostEqual(groups[self.client_key][1], 5.0)
        self.assertAlmostEqual(groups[self.other_key][1], 10.0)

        [[count, avg, low, high]] = Engagement._read_group(
            latest + [("client_key_id", "=", self.client_key.id)],
            [],
            [
                "__count",
                "turnaround_hours:avg",
                "turnaround_hours:min",
                "turnaround_hours:max",
            ],
        )
        self.assertEqual((count, low, high), (4, 2.0, 9.0))
        self.assertAlmostEqual(avg, 5.0)
        # The ticket shows its latest request's: the plain difference in hours.
        ticket = self.Ticket.search([("name", "=", "Nine hours")])
        self.assertAlmostEqual(ticket.engagement_turnaround_hours, 9.0)

    def test_overdue_filter(self):
        now = fields.Datetime.now()
        overdue = self._engaged("Pending 4 days", now - timedelta(days=4))
        young = self._engaged("Pending 2 days", now - timedelta(days=2))
        decided = self._engaged("Approved long ago", now - timedelta(days=20), "approved", 1)
        engaged = overdue | young | decided | self.ticket

        def overdue_ones(value=True):
            return self.Ticket.search(
                [("id", "in", engaged.ids), ("engagement_overdue", "=", value)]
            )

        cases = [
            ("3", overdue, "the configured delay"),
            ("1", overdue | young, "a shorter delay"),
            ("0", overdue, "reminders off: the 3-day default"),
        ]
        for value, expected, why in cases:
            with self.subTest(delay=value, why=why):
                self.icp.set_param(REMINDER_DAYS, value)
                self.assertEqual(overdue_ones(), expected)
                self.assertEqual(overdue_ones(False), engaged - expected)
                engaged.invalidate_recordset(["engagement_overdue"])
                self.assertEqual(engaged.filtered("engagement_overdue"), expected)

        search_view = self.action.search_view_id.arch_db
        self.assertIn("engagement_overdue", search_view)

    # ------------------------------------------------------------------ rounds
    def test_approval_rounds_report(self):
        """Every round counts (superseded ones too); the average turnaround is
        over decided rounds only; the engineer is who asked, managers only."""
        action = self.env.ref("fusion_helpdesk_central.fusion_helpdesk_engagement_action")
        menu = self.env.ref("fusion_helpdesk_central.fusion_helpdesk_engagement_menu")
        self.assertEqual(menu.action, action)
        Menu = self.env["ir.ui.menu"]
        self.assertIn(menu.id, Menu.with_user(self.manager)._visible_menu_ids())
        self.assertNotIn(menu.id, Menu.with_user(self.engineer)._visible_menu_ids())
        Engagement = self.env["fusion.helpdesk.engagement"].with_user(self.manager)
        for view_type in ("pivot", "graph", "list", "form", "search"):
            with self.subTest(view=view_type):
                self.assertTrue(Engagement.get_views([(False, view_type)])["views"][view_type])

        sent = datetime(2026, 3, 2, 9, 0)
        ticket = self._engaged("Resent", sent, "approved", 6)
        first = ticket.engagement_id
        first.sudo().write({"state": "superseded", "decided_at": False})
        self._start_round(
            ticket, state="approved", sent_at=sent, decided_at=sent + timedelta(hours=2)
        )
        self._engaged("Ten hours", sent, "rejected", 10)
        self._engaged("Waiting", sent, "pending")
        self.env.flush_all()
        groups = {
            state: (count, avg)
            for state, count, avg in Engagement._read_group(
                [("client_key_id", "=", self.client_key.id)],
                ["state"],
                ["__count", "turnaround_hours:avg"],
            )
        }
        self.assertEqual(groups["superseded"][0], 1)
        self.assertEqual(groups["approved"], (1, 2.0))
        [[count, avg]] = Engagement._read_group(
            [("client_key_id", "=", self.client_key.id)], [], ["__count", "turnaround_hours:avg"]
        )
        self.assertEqual(count, 4)
        self.assertAlmostEqual(avg, 6.0, msg="(2 + 10) / 2: pending and superseded left out")
        [[engineer, count]] = Engagement._read_group(
            [("client_key_id", "=", self.client_key.id)], ["requested_by_id"], ["__count"]
        )
        self.assertEqual((engineer, count), (self.engineer, 4))

    # ------------------------------------------------------------------ waiting
    def _send(self, ticket, at):
        """Send ``ticket`` to its owner through the wizard, at ``at``."""
        with freeze_time(at):
            self.env["fusion.helpdesk.engagement.wizard"].with_user(self.engineer).with_context(
                active_model="helpdesk.ticket", active_ids=ticket.ids
            ).create({"summary": "Plan for %s" % ticket.name}).action_send()
        return ticket.engagement_id

    def test_who_is_waiting_and_for_how_long(self):
        now = fields.Datetime.now()
        five = self._send(self._create_ticket("Five hours"), now - timedelta(hours=5))
        self._send(self._create_ticket("Three hours"), now - timedelta(hours=3))
        decided = self._create_ticket("Decided")
        self._send(decided, now - timedelta(hours=40))
        self.Ticket._engagement_decide(ticket_live_token(decided), "approve")
        Engagement = self.env["fusion.helpdesk.engagement"].with_user(self.manager)
        self.assertAlmostEqual(Engagement.browse(five.id).waiting_hours, 5.0, places=1)
        self.assertEqual(decided.engagement_id.waiting_hours, 0.0, "decided: not waiting")
        self.env.flush_all()
        [[avg, longest]] = Engagement._read_group(
            [("client_key_id", "=", self.client_key.id)],
            [],
            ["waiting_hours:avg", "waiting_hours:max"],
        )
        self.assertAlmostEqual(avg, 4.0, places=1, msg="(5 + 3) / 2: the decided one left out")
        self.assertAlmostEqual(longest, 5.0, places=1)
        description = Engagement.fields_get(["waiting_hours"], ["aggregator"])
        self.assertEqual(description["waiting_hours"]["aggregator"], "avg", "offered as a measure")
        list_arch = Engagement.get_views([(False, "list")])["views"]["list"]["arch"]
        self.assertIn('name="waiting_hours"', list_arch)

    def test_approval_rounds_pivot_fits_and_names_its_rows(self):
        Engagement = self.env["fusion.helpdesk.engagement"].with_user(self.manager)
        pivot = Engagement.get_views([(False, "pivot")])["views"]["pivot"]["arch"]
        self.assertNotIn('type="col"', pivot, "states are filters, not 7 column pairs")
        action = self.env.ref("fusion_helpdesk_central.fusion_helpdesk_engagement_action")
        self.assertIn("one row per request", action.name)
        self.assertIn("one row per ticket", self.action.name)
        engagement = self._send(self.ticket, datetime(2026, 3, 2, 9, 0))
        name = engagement.with_user(self.manager).with_context(lang="en_US", tz="UTC").display_name
        self.assertEqual(name, "%s · request of Mar 2, 2026, 9:00 AM" % self.ticket.number)

    def test_technical_fields_are_no_measure_and_no_group_by(self):
        Engagement = self.env["fusion.helpdesk.engagement"].with_user(self.manager)
        rounds = Engagement.fields_get(attributes=["groupable", "aggregator"])
        tickets = self.Ticket.with_user(self.manager).fields_get(
            attributes=["groupable", "aggregator"]
        )
        for description, fname in (
            (rounds, "decision_ip"),
            (rounds, "decision_user_agent"),
            (tickets, "color"),
            (tickets, "access_token"),
            (tickets, "engagement_decision_ip"),
        ):
            with self.subTest(fname=fname):
                self.assertFalse(description[fname]["groupable"])
                self.assertFalse(description[fname].get("aggregator"))
        self.assertTrue(rounds["state"]["groupable"])
        self.assertTrue(tickets["stage_id"]["groupable"])
        self.assertEqual(rounds["turnaround_hours"]["aggregator"], "avg")
