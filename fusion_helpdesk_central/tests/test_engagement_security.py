# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Attacks on the owner approval from inside: an engineer trying to obtain a
live link, to fake a decision at creation, or to peek at tickets through the
wizard. Every test takes the attacker's own path (JSON-RPC, the composer)."""

import json
import re
import secrets
from unittest.mock import patch

from odoo import fields
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException
from odoo.tools import mute_logger

from .common import FusionHelpdeskCentralCommon, call_kw, live_token

LINK = re.compile(r"/fusion_helpdesk/engagement/([^/\"'\s<>]+)/(approve|reject)")


@tagged("post_install", "-at_install")
class TestEngagementLinkSecrecy(HttpCase, FusionHelpdeskCentralCommon):
    """No user short of an administrator ever obtains a live decision link."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.own_engineer = new_test_user(
            cls.env,
            login="fusion-own-engineer",
            name="Olga Own",
            email="olga@provider.example.com",
            groups="helpdesk_mgmt.group_helpdesk_user_own",
        )
        cls.own_ticket = cls._create_ticket("Scanner jams", user_id=cls.own_engineer.id)
        cls.template = cls.env.ref("fusion_helpdesk_central.mail_template_engagement_single")
        cls.bulk_template = cls.env.ref("fusion_helpdesk_central.mail_template_engagement_bulk")

    # ------------------------------------------------------------ helpers
    def _send(self, user, ticket):
        """Request the approval as ``user``; return the live token and its mail."""
        wizard = (
            self.env["fusion.helpdesk.engagement.wizard"]
            .with_user(user)
            .with_context(active_model="helpdesk.ticket", active_ids=ticket.ids)
            .create({"findings": "Effort: 2h", "summary": "Replace the part."})
        )
        wizard.action_send()
        mail = self.env["mail.mail"].sudo().search([], order="id desc", limit=1)
        token = live_token(mail)
        self.assertTrue(token, "the owner's email itself carries the link")
        return token, mail

    def _cases(self):
        return (
            ("all tickets", self.engineer, self.ticket),
            ("own tickets", self.own_engineer, self.own_ticket),
        )

    def assertNoLiveLink(self, answer, token):
        text = answer if isinstance(answer, str) else json.dumps(answer)
        self.assertNotIn(token, text)
        # Whatever URL shows up, it decides nothing.
        for found, decision in set(LINK.findall(text)):
            response = self.url_open("/fusion_helpdesk/engagement/%s/%s" % (found, decision))
            self.assertEqual(response.status_code, 404, found)

    # ------------------------------------------------------------ tests
    def test_composer_renders_the_templates_without_live_links(self):
        for label, user, ticket in self._cases():
            with self.subTest(label):
                token, __ = self._send(user, ticket)
                self.authenticate(user.login, user.login)
                for template in (self.template, self.bulk_template):
                    values = {
                        "template_id": template.id,
                        "model": "helpdesk.ticket",
                        "res_ids": str(ticket.ids),
                        "composition_mode": "comment",
                    }
                    spec = {"body": {}, "subject": {}}
                    onchange = call_kw(
                        self, "mail.compose.message", "onchange", {}, values, ["template_id"], spec
                    )
                    self.assertIn("Ticket", json.dumps(onchange), "the template did render")
                    self.assertNoLiveLink(onchange, token)
                    saved = call_kw(self, "mail.compose.message", "web_save", [], values, spec)
                    self.assertNoLiveLink(saved, token)
                    # Posting it from the chatter: the public message has no link either.
                    call_kw(
                        self,
                        "mail.compose.message",
                        "action_send_mail",
                        [saved[0]["id"]],
                        context={"active_model": "helpdesk.ticket"},
                    )
                    thread = call_kw(
                        self,
                        "mail.message",
                        "search_read",
                        [("model", "=", "helpdesk.ticket"), ("res_id", "=", ticket.id)],
                        ["body"],
                    )
                    self.assertIn("Replace the part.", json.dumps(thread))
                    self.assertNoLiveLink(thread, token)

    def test_template_methods_render_no_live_link(self):
        for label, user, ticket in self._cases():
            with self.subTest(label):
                token, __ = self._send(user, ticket)
                template = self.template.with_user(user)
                rendered = template._render_field("body_html", ticket.ids)[ticket.id]
                self.assertIn("Replace the part.", rendered)
                self.assertNoLiveLink(rendered, token)
                generated = template._generate_template(ticket.ids, ["body_html", "subject"])
                self.assertNoLiveLink(str(generated[ticket.id]["body_html"]), token)
                # Even handed the context key the sender uses, the engineer can
                # only put in a token they already know: a well-shaped guess
                # (a malformed one would be refused before any lookup) is
                # rendered as given, and opens nothing while a round is pending.
                guess = secrets.token_urlsafe(32)
                guessed = template.with_context(
                    fusion_engagement_links={ticket.id: guess}
                )._render_field("body_html", ticket.ids)[ticket.id]
                self.assertIn("/fusion_helpdesk/engagement/%s/approve" % guess, guessed)
                self.assertEqual(ticket.engagement_state, "pending")
                self.assertNoLiveLink(guessed, token)

    def test_sent_and_failed_mails_show_no_link_to_their_sender(self):
        for label, user, ticket in self._cases():
            with self.subTest(label):
                token, mail = self._send(user, ticket)
                self.authenticate(user.login, user.login)
                for state in ("outgoing", "exception"):
                    if state == "exception":
                        # The SMTP server refuses it: the queue marks it failed.
                        MailServer = type(self.env["ir.mail_server"])
                        with (
                            patch.object(MailServer, "_disable_send", return_value=False),
                            patch.object(MailServer, "_connect__"),
                            patch.object(
                                MailServer, "send_email", side_effect=OSError("554 refused")
                            ),
                            mute_logger("odoo.addons.mail.models.mail_mail"),
                        ):
                            mail.send()
                    self.assertEqual(mail.state, state)
                    messages = call_kw(
                        self,
                        "mail.message",
                        "search_read",
                        [("author_id", "=", user.partner_id.id)],
                        ["body", "model", "res_id"],
                    )
                    self.assertIn(
                        mail.mail_message_id.id,
                        [message["id"] for message in messages],
                        "the sender does read the message of their mail",
                    )
                    self.assertNoLiveLink(messages, token)
                    read = call_kw(
                        self, "mail.message", "read", [mail.mail_message_id.id], ["body"]
                    )
                    self.assertNoLiveLink(read, token)
                    with self.assertRaises(JsonRpcException), mute_logger("odoo.http"):
                        call_kw(self, "mail.mail", "read", [mail.id], ["body_html"])
                    with self.assertRaises(JsonRpcException), mute_logger("odoo.http"):
                        call_kw(self, "mail.mail", "search_read", [], ["body_html"])
                # The owner's email itself still decides.
                self.assertIn(token, mail.body_html)

    def test_thread_api_answer_has_no_link(self):
        token, __ = self._send(self.engineer, self.ticket)
        self.authenticate(self.engineer.login, self.engineer.login)
        saved = call_kw(
            self,
            "mail.compose.message",
            "web_save",
            [],
            {
                "template_id": self.template.id,
                "model": "helpdesk.ticket",
                "res_ids": str(self.ticket.ids),
                "composition_mode": "comment",
            },
            {"body": {}},
        )
        call_kw(self, "mail.compose.message", "action_send_mail", [saved[0]["id"]])
        messages = [
            self.ticket._prepare_thread_message_values(message)
            for message in self.ticket._fusion_thread_messages()
        ]
        self.assertTrue(messages, "the template was posted publicly")
        self.assertNoLiveLink(messages, token)


@tagged("post_install", "-at_install")
class TestEngagementFieldsOnCreate(HttpCase, FusionHelpdeskCentralCommon):
    def _create_over_rpc(self, user, values):
        self.authenticate(user.login, user.login)
        return self.make_jsonrpc_request(
            "/web/dataset/call_kw/helpdesk.ticket/web_save",
            {
                "model": "helpdesk.ticket",
                "method": "web_save",
                "args": [[], values, {"id": {}}],
                "kwargs": {},
            },
        )

    def test_engineer_cannot_create_a_ticket_already_decided(self):
        now = fields.Datetime.to_string(fields.Datetime.now())
        forged = {
            "engagement_state": "approved",
            "engagement_owner_email": "owner@acme.example.com",
            "engagement_sent_at": now,
            "engagement_decided_at": now,
            "engagement_decision_comment": "Approved, honest.",
        }
        for fname, value in forged.items():
            with self.subTest(fname):
                values = {"name": "Born approved", "description": "<p>x</p>", fname: value}
                with self.assertRaises(JsonRpcException), mute_logger("odoo.http"):
                    self._create_over_rpc(self.engineer, values)
                self.assertFalse(
                    self.env["helpdesk.ticket"].search([("name", "=", "Born approved")])
                )

    def test_form_defaults_still_create(self):
        created = self._create_over_rpc(
            self.engineer,
            {"name": "Plain ticket", "description": "<p>x</p>", "engagement_state": "none"},
        )
        ticket = self.env["helpdesk.ticket"].browse(created[0]["id"])
        self.assertEqual(ticket.engagement_state, "none")


@tagged("post_install", "-at_install")
class TestEngagementWizardAccess(HttpCase, FusionHelpdeskCentralCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.own_engineer = new_test_user(
            cls.env,
            login="fusion-own-engineer",
            name="Olga Own",
            groups="helpdesk_mgmt.group_helpdesk_user_own",
        )
        cls.mine = cls._create_ticket("Mine", user_id=cls.own_engineer.id)
        cls.secret = cls.env["fusion.helpdesk.client.key"].create(
            {"name": "Secret Client", "owner_email": "hidden-owner@secret.example.com"}
        )
        cls.other = cls._create_ticket("Confidential merger", client_key=cls.secret)

    def _rpc(self, method, args, kwargs=None):
        return self.make_jsonrpc_request(
            "/web/dataset/call_kw/fusion.helpdesk.engagement.wizard/%s" % method,
            {
                "model": "fusion.helpdesk.engagement.wizard",
                "method": method,
                "args": args,
                "kwargs": kwargs or {},
            },
        )

    def test_lines_of_unreadable_tickets_are_refused(self):
        self.authenticate(self.own_engineer.login, self.own_engineer.login)
        context = {"active_model": "helpdesk.ticket", "active_ids": [self.mine.id, self.other.id]}
        line_spec = {"ticket_id": {"fields": {"display_name": {}}}, "owner_email": {}}
        spec = {"line_ids": {"fields": line_spec}, "owner_email": {}}
        attempts = {
            "default_get": lambda: self._rpc(
                "default_get", [["line_ids", "ticket_ids"]], {"context": context}
            ),
            "onchange with the active ids": lambda: self._rpc(
                "onchange", [[], {}, [], spec], {"context": context}
            ),
            "forged line": lambda: self._rpc(
                "web_save",
                [[], {"line_ids": [[0, 0, {"ticket_id": self.other.id}]]}, spec],
            ),
            "forged line in onchange": lambda: self._rpc(
                "onchange",
                [[], {"line_ids": [[0, 0, {"ticket_id": self.other.id}]]}, ["line_ids"], spec],
            ),
            "forged tickets": lambda: self._rpc(
                "web_save", [[], {"ticket_ids": [[6, 0, [self.other.id]]]}, spec]
            ),
        }
        for label, attempt in attempts.items():
            with self.subTest(label):
                try:
                    with mute_logger("odoo.http"):
                        answer = json.dumps(attempt())
                except JsonRpcException as error:
                    answer = str(error)
                self.assertNotIn("Confidential merger", answer)
                self.assertNotIn("hidden-owner@secret.example.com", answer)
        self.assertFalse(
            self.env["fusion.helpdesk.engagement.wizard.line"].search(
                [("ticket_id", "=", self.other.id)]
            )
        )

    def test_forged_tickets_are_refused_with_an_access_error(self):
        """The wizard's own checks, each alone: an own-tickets engineer names a
        ticket of another team through the context, the wizard's tickets or a
        line, with no view in between to filter it (plain ``create``)."""
        self.authenticate(self.own_engineer.login, self.own_engineer.login)
        # A wizard of their own ticket is created (the checks pass what is allowed).
        wizard_id = self._rpc("create", [{"ticket_ids": [[6, 0, self.mine.ids]], "summary": "x"}])
        self.assertTrue(self.env["fusion.helpdesk.engagement.wizard"].browse(wizard_id).exists())
        line_create = {
            "model": "fusion.helpdesk.engagement.wizard.line",
            "method": "create",
            "args": [{"wizard_id": wizard_id, "ticket_id": self.other.id}],
            "kwargs": {},
        }
        context = {"active_model": "helpdesk.ticket", "active_ids": [self.other.id]}
        attempts = {
            "default_get with forged active_ids": lambda: self._rpc(
                "default_get", [["ticket_ids"]], {"context": context}
            ),
            # Odoo 19 itself refuses to link an unreadable record in a
            # many2many (before the wizard's own check, a second layer).
            "create with forged tickets": lambda: self._rpc(
                "create", [{"ticket_ids": [[6, 0, [self.other.id]]], "summary": "x"}]
            ),
            "create with a forged line": lambda: self.make_jsonrpc_request(
                "/web/dataset/call_kw/fusion.helpdesk.engagement.wizard.line/create", line_create
            ),
        }
        for label, attempt in attempts.items():
            with self.subTest(label), mute_logger("odoo.http"):
                with self.assertRaises(JsonRpcException) as caught:
                    attempt()
                self.assertEqual(str(caught.exception), "odoo.exceptions.AccessError")
        self.assertFalse(
            self.env["fusion.helpdesk.engagement.wizard"].search(
                [("ticket_ids", "in", self.other.ids)]
            )
        )
        self.assertFalse(
            self.env["fusion.helpdesk.engagement.wizard.line"].search(
                [("ticket_id", "=", self.other.id)]
            )
        )
