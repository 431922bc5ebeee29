# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The stage gate and its waiver, taken by the engineer's and the manager's
own paths: JSON-RPC ``write``, the kanban's ``web_save``, a list's mass edit,
``/json/2``."""

from odoo.exceptions import UserError
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger
from odoo.tools.safe_eval import safe_eval

from .common import FusionHelpdeskCentralCommon, create_owner_approval_rule, json2

USER_ERROR = "odoo.exceptions.UserError"
ACCESS_ERROR = "odoo.exceptions.AccessError"


@tagged("post_install", "-at_install")
class TestStageGate(FusionHelpdeskCentralCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Stage = cls.env["helpdesk.ticket.stage"]
        cls.gated = Stage.create(
            {"name": "Work in progress", "sequence": 50, "fusion_requires_approval": True}
        )
        cls.open_stage = Stage.create({"name": "Triage", "sequence": 40})
        cls.ticket.tag_ids = False
        cls.ticket._fusion_require_owner_approval()
        cls.free_ticket = cls._create_ticket("Nothing to approve")

    # ------------------------------------------------------------ helpers
    def _call(self, user, method, ids, *args, **kwargs):
        """``call_kw`` on tickets as ``user``: ``"<exception class>: <message>"``
        of the error it answered, else None."""
        self.authenticate(user.login, user.login)
        response = self.opener.post(
            "%s/web/dataset/call_kw/helpdesk.ticket/%s" % (self.base_url(), method),
            json={
                "id": 0,
                "jsonrpc": "2.0",
                "method": "call",
                "params": {
                    "model": "helpdesk.ticket",
                    "method": method,
                    "args": [ids, *args],
                    "kwargs": kwargs,
                },
            },
        )
        error = response.json().get("error")
        if not error:
            return None
        return "%s: %s" % (error["data"]["name"], error["data"]["message"])

    def _approve(self, ticket):
        """The owner approves through the real send and decision path."""
        token = ticket.with_user(self.engineer)._engagement_start("Findings", "- Do it.")
        ticket._engagement_send_mails({ticket.id: token})
        self.assertEqual(self.env["helpdesk.ticket"]._engagement_decide(token, "approve"), ticket)

    # ------------------------------------------------------------ the gate
    @mute_logger("odoo.http")
    def test_gate_over_jsonrpc_write_web_save_and_mass_edit(self):
        self.assertTrue(self.ticket.engagement_required)
        stage = self.ticket.stage_id
        paths = {
            "write": lambda: self._call(
                self.engineer, "write", self.ticket.ids, {"stage_id": self.gated.id}
            ),
            # The kanban's drag and drop and the form save.
            "web_save": lambda: self._call(
                self.engineer,
                "web_save",
                self.ticket.ids,
                {"stage_id": self.gated.id},
                specification={"stage_id": {}},
            ),
            # A list's mass edit writes all selected records at once.
            "mass edit": lambda: self._call(
                self.engineer,
                "write",
                (self.free_ticket | self.ticket).ids,
                {"stage_id": self.gated.id},
            ),
        }
        for path, call in paths.items():
            with self.subTest(path=path):
                error = call()
                self.assertIn(USER_ERROR, error or "")
                self.assertIn(self.ticket.display_name, error)
                self.assertNotIn(self.free_ticket.display_name, error)
                self.env.invalidate_all()
                self.assertEqual(self.ticket.stage_id, stage)
        # A ticket without the requirement, and stages without the flag, move as before.
        self.assertIsNone(
            self._call(self.engineer, "write", self.free_ticket.ids, {"stage_id": self.gated.id})
        )
        self.assertIsNone(
            self._call(self.engineer, "write", self.ticket.ids, {"stage_id": self.open_stage.id})
        )
        self.env.invalidate_all()
        self.assertEqual(self.free_ticket.stage_id, self.gated)

    @mute_logger("odoo.http")
    def test_no_ticket_is_created_copied_or_required_inside_a_gated_stage(self):
        """Attacker run F3: the gate held on write only; a copy, a create (with
        a rule firing on create) or a rule requiring approval of a ticket that
        already sits in the stage put required, unapproved work there."""
        create_owner_approval_rule(self.env)
        before = self.env["helpdesk.ticket"].search_count([])
        # copy() of a required, unapproved ticket into the stage.
        error = self._call(
            self.engineer, "copy", self.ticket.ids, default={"stage_id": self.gated.id}
        )
        self.assertIn(USER_ERROR, error or "")
        # create() of client work straight into the stage (the rule fires on create).
        error = self._call(
            self.engineer,
            "create",
            {
                "name": "Born done",
                "description": "x",
                "client_key_id": self.client_key.id,
                "stage_id": self.gated.id,
            },
        )
        self.assertIn(USER_ERROR, error or "")
        self.assertEqual(self.env["helpdesk.ticket"].search_count([]), before)
        # A ticket put in the stage without a client, then given one: the rule
        # requires approval of a ticket sitting there; refused, nothing changed.
        orphan = self.env["helpdesk.ticket"].create({"name": "No client yet", "description": "x"})
        self.assertIsNone(
            self._call(self.engineer, "write", orphan.ids, {"stage_id": self.gated.id})
        )
        error = self._call(
            self.engineer, "write", orphan.ids, {"client_key_id": self.client_key.id}
        )
        self.assertIn(USER_ERROR, error or "")
        self.env.invalidate_all()
        self.assertFalse(orphan.engagement_required)
        self.assertFalse(orphan.client_key_id)

    def test_gate_opens_once_the_owner_approves(self):
        with self.assertRaises(UserError):
            self.ticket.with_user(self.engineer).stage_id = self.gated
        self._approve(self.ticket)
        self.assertIsNone(
            self._call(self.engineer, "write", self.ticket.ids, {"stage_id": self.gated.id})
        )
        self.env.invalidate_all()
        self.assertEqual(self.ticket.stage_id, self.gated)

    def test_gate_stays_closed_while_pending_or_rejected(self):
        token = self.ticket.with_user(self.engineer)._engagement_start("Findings", "- Do it.")
        self.ticket._engagement_send_mails({self.ticket.id: token})
        with self.assertRaises(UserError):
            self.ticket.with_user(self.engineer).stage_id = self.gated
        self.env["helpdesk.ticket"]._engagement_decide(token, "reject")
        self.assertEqual(self.ticket.engagement_state, "rejected")
        with self.assertRaises(UserError):
            self.ticket.with_user(self.engineer).stage_id = self.gated

    # ------------------------------------------------------------ the waiver
    @mute_logger("odoo.http")
    def test_engineer_cannot_waive(self):
        error = self._call(self.engineer, "action_waive_owner_approval", self.ticket.ids, "Urgent")
        self.assertIn(ACCESS_ERROR, error or "")
        error = self._call(self.engineer, "action_open_waive_wizard", self.ticket.ids)
        self.assertIn(ACCESS_ERROR, error or "")
        error = self._call(
            self.engineer,
            "write",
            self.ticket.ids,
            {"engagement_waived": True, "engagement_waive_reason": "Urgent"},
        )
        self.assertIn(ACCESS_ERROR, error or "")
        answer = json2(
            self,
            self.engineer,
            "helpdesk.ticket",
            "action_waive_owner_approval",
            ids=self.ticket.ids,
            reason="Urgent",
        )
        self.assertEqual(answer.status_code, 403)
        self.env.invalidate_all()
        self.assertFalse(self.ticket.engagement_waived)
        with self.assertRaises(UserError):
            self.ticket.with_user(self.engineer).stage_id = self.gated

    @mute_logger("odoo.http")
    def test_manager_waives_with_a_reason(self):
        # The owner has not answered; the manager lets the ticket through.
        token = self.ticket.with_user(self.engineer)._engagement_start("Findings", "- Do it.")
        self.ticket._engagement_send_mails({self.ticket.id: token})
        self.assertIn(
            USER_ERROR,
            self._call(self.manager, "action_waive_owner_approval", self.ticket.ids, "  ") or "",
        )
        # Through the dialog, as on the form.
        action = self.ticket.with_user(self.manager).action_open_waive_wizard()
        wizard = (
            self.env[action["res_model"]]
            .with_user(self.manager)
            .with_context(**action["context"])
            .create({"reason": "Server down, the owner agreed by phone"})
        )
        self.assertEqual(wizard.ticket_ids, self.ticket)
        wizard.action_confirm()
        self.assertTrue(self.ticket.engagement_waived)
        self.assertEqual(self.ticket.engagement_waived_by_id, self.manager)
        self.assertEqual(
            self.ticket.engagement_waive_reason, "Server down, the owner agreed by phone"
        )
        note = self.ticket.message_ids.filtered(
            lambda m: "Owner approval waived by" in (m.body or "")
        )
        self.assertEqual(len(note), 1)
        self.assertIn("Mona Manager", note.body)
        self.assertIn("agreed by phone", note.body)
        self.assertTrue(note.subtype_id.internal)
        # The engineer now moves it.
        self.assertIsNone(
            self._call(self.engineer, "write", self.ticket.ids, {"stage_id": self.gated.id})
        )
        # Reporting: Owner Engagements shows it under Approval Waived.
        action = self.env["ir.actions.actions"]._for_xml_id(
            "fusion_helpdesk_central.helpdesk_ticket_engagement_report_action"
        )
        Ticket = self.env["helpdesk.ticket"].with_user(self.manager)
        domain = safe_eval(action["domain"]) + [("engagement_waived", "=", True)]
        waived = Ticket.search(domain)
        self.assertEqual(waived, self.ticket)

    def test_manager_waives_over_json2(self):
        answer = json2(
            self,
            self.manager,
            "helpdesk.ticket",
            "action_waive_owner_approval",
            ids=self.ticket.ids,
            reason="Agreed",
        )
        self.assertEqual(answer.status_code, 200, answer.text)
        self.env.invalidate_all()
        self.assertTrue(self.ticket.engagement_waived)

    def test_stage_flag_on_the_stage_form(self):
        """The flag is on the stage form (the view loads and holds it)."""
        arch = self.env["helpdesk.ticket.stage"].get_view(view_type="form")["arch"]
        self.assertIn('name="fusion_requires_approval"', arch)
        arch = (
            self.env["helpdesk.ticket"].with_user(self.manager).get_view(view_type="form")["arch"]
        )
        self.assertIn('name="action_open_waive_wizard"', arch)
