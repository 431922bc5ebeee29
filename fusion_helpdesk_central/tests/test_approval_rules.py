# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Automation rules that require the owner's approval: the server action type
``fusion_owner_approval`` run by Odoo's own ``base.automation``."""

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import new_test_user

from ..models.helpdesk_ticket_approval_gate import REQUEST_TODO_XMLID
from .common import FusionHelpdeskCentralCommon, create_owner_approval_rule


class TestApprovalRules(FusionHelpdeskCentralCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tag = cls.env["helpdesk.ticket.tag"].create({"name": "Risky"})
        cls.other_tag = cls.env["helpdesk.ticket.tag"].create({"name": "Other"})
        cls.todo_type = cls.env.ref(REQUEST_TODO_XMLID)
        cls.leader = new_test_user(
            cls.env,
            login="fusion-leader",
            name="Lena Leader",
            groups="helpdesk_mgmt.group_helpdesk_user",
        )
        cls.team = cls.env["helpdesk.ticket.team"].create(
            {"name": "Second line", "user_id": cls.leader.id}
        )
        # The rule as an administrator makes it in Settings > Automation Rules:
        # trigger "Tag is added", one action "Require owner approval".
        ticket_model = cls.env["ir.model"]._get("helpdesk.ticket")
        cls.rule = cls.env["base.automation"].create(
            {
                "name": "Risky tag needs the owner",
                "model_id": ticket_model.id,
                "trigger": "on_tag_set",
                "trg_field_ref": cls.tag.id,
                "action_server_ids": [
                    Command.create(
                        {
                            "name": "Require owner approval",
                            "model_id": ticket_model.id,
                            "state": "fusion_owner_approval",
                        }
                    )
                ],
            }
        )

    def _todos(self, ticket):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "helpdesk.ticket"),
                ("res_id", "=", ticket.id),
                ("activity_type_id", "=", self.todo_type.id),
            ]
        )

    def _tag(self, ticket, tag=None, user=None):
        """The engineer adds ``tag`` on the ticket form."""
        ticket.with_user(user or self.engineer).write(
            {"tag_ids": [Command.link((tag or self.tag).id)]}
        )

    def test_rule_fires_on_the_tag_and_gives_one_todo(self):
        self.assertFalse(self.ticket.engagement_required)
        self._tag(self.ticket, self.other_tag)
        self.assertFalse(self.ticket.engagement_required, "another tag does not fire the rule")
        self._tag(self.ticket)
        self.assertTrue(self.ticket.engagement_required)
        todo = self._todos(self.ticket)
        self.assertEqual(len(todo), 1)
        self.assertEqual(todo.user_id, self.engineer)
        self.assertEqual(todo.summary, "Request owner approval")
        self.assertTrue(todo.date_deadline)
        # Removing and adding the tag again fires the rule again: still one to-do.
        self.ticket.with_user(self.engineer).write({"tag_ids": [Command.unlink(self.tag.id)]})
        self._tag(self.ticket)
        self.assertEqual(len(self._todos(self.ticket)), 1)
        # The action itself run twice: idempotent.
        self.ticket._fusion_require_owner_approval()
        self.assertEqual(len(self._todos(self.ticket)), 1)

    def test_team_leader_gets_the_todo_without_assignee(self):
        ticket = self._create_ticket("No assignee", user_id=False, team_id=self.team.id)
        self._tag(ticket)
        self.assertEqual(self._todos(ticket).user_id, self.leader)

    def test_nobody_to_ask(self):
        """No client, or a client without owner: a clear note, no requirement."""
        no_client = self._create_ticket(
            "Walk-in", client_key=self.env["fusion.helpdesk.client.key"]
        )
        ownerless_key = self.env["fusion.helpdesk.client.key"].create({"name": "Initech"})
        no_owner = self._create_ticket("Ownerless", client_key=ownerless_key)
        nobody = self._create_ticket("Nobody assigned", user_id=False)
        for ticket, words in (
            (no_client, "no client"),
            (no_owner, "has no owner email"),
            (nobody, "no assignee"),
        ):
            with self.subTest(ticket=ticket.name):
                self._tag(ticket)
                self.assertFalse(self._todos(ticket))
                notes = ticket.message_ids.filtered(lambda m, w=words: w in (m.body or ""))
                self.assertEqual(len(notes), 1)
                self.assertTrue(notes.subtype_id.internal)
        self.assertFalse(no_client.engagement_required)
        self.assertFalse(no_owner.engagement_required)

    def test_sending_the_request_completes_the_todo_and_no_second_one(self):
        self._tag(self.ticket)
        token = self.ticket.with_user(self.engineer)._engagement_start("Findings", "- Fix it.")
        self.ticket._engagement_send_mails({self.ticket.id: token})
        self.assertFalse(self._todos(self.ticket), "the to-do is done once the request is sent")
        self.assertEqual(self.ticket.engagement_state, "pending")
        # The rule fires again while the request is pending: no to-do, no round.
        rounds = self.ticket.engagement_ids
        self.ticket._fusion_require_owner_approval()
        self.assertFalse(self._todos(self.ticket))
        self.assertEqual(self.ticket.engagement_ids, rounds)

    def test_demo_rule_billable_tag(self):
        """The shipped rule is inactive; once activated it fires on Billable."""
        rule = self.env.ref(
            "fusion_helpdesk_central.base_automation_billable_owner_approval_demo_data"
        )
        billable = self.env.ref("fusion_helpdesk_central.helpdesk_ticket_tag_billable_demo_data")
        self.assertFalse(rule.active)
        self.assertEqual(rule.action_server_ids.state, "fusion_owner_approval")
        self._tag(self.ticket, billable)
        self.assertFalse(self.ticket.engagement_required)
        rule.active = True
        ticket = self._create_ticket("Billable work")
        self._tag(ticket, billable)
        self.assertTrue(ticket.engagement_required)
        self.assertEqual(len(self._todos(ticket)), 1)

    def test_engineer_cannot_clear_or_set_the_requirement(self):
        self._tag(self.ticket)
        for values in (
            {"engagement_required": False},
            {"engagement_waived": True},
            {"engagement_waive_reason": "because"},
        ):
            with self.subTest(values=values), self.assertRaises(AccessError):
                self.ticket.with_user(self.engineer).write(values)
        with self.assertRaises(AccessError):
            self.env["helpdesk.ticket"].with_user(self.engineer).create(
                {"name": "Born waived", "description": "<p>x</p>", "engagement_waived": True}
            )
        self.assertTrue(self.ticket.engagement_required)

    def test_action_type_on_tickets_only(self):
        with self.assertRaises(ValidationError):
            self.env["ir.actions.server"].create(
                {
                    "name": "Wrong model",
                    "model_id": self.env["ir.model"]._get("res.partner").id,
                    "state": "fusion_owner_approval",
                }
            )

    def test_an_engineer_creates_client_work_for_herself_under_an_on_create_rule(self):
        """Attacker run: with a rule firing on create, an engineer creating a
        client's ticket assigned to herself got "a partner cannot follow twice
        the same object"."""
        create_owner_approval_rule(self.env)
        ticket = (
            self.env["helpdesk.ticket"]
            .with_user(self.engineer)
            .with_context(tracking_disable=False, mail_create_nosubscribe=False)
            .create(
                {
                    "name": "Mine",
                    "description": "x",
                    "client_key_id": self.client_key.id,
                    "user_id": self.engineer.id,
                }
            )
        )
        self.assertTrue(ticket.engagement_required)
        self.assertEqual(len(self._todos(ticket)), 1)
        self.assertEqual(self._todos(ticket).user_id, self.engineer)
