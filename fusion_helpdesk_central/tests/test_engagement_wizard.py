# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The Request Owner Approval wizard: findings first, AI on demand, send."""

import hashlib
import os
import re
from unittest.mock import patch

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from .common import FusionHelpdeskCentralCommon, ticket_live_token
from .openai_server import OpenAIServer, user_message

OPENAI_LOGGER = "odoo.addons.fusion_helpdesk_central.openai_client"
ICP_KEY = "fusion_helpdesk_central.openai_api_key"
ICP_BASE_URL = "fusion_helpdesk_central.openai_base_url"
FINDINGS_TAG = re.compile(r"<engineer_findings[^>]*>\s*(.*?)\s*</engineer_findings>", re.S)
SUBJECT_LINE = re.compile(r"^Subject: (.*)$", re.M)


def sent_findings(body):
    """The findings the wizard put in one chat request body."""
    return FINDINGS_TAG.search(user_message(body)).group(1)


def echo_reply(body):
    """A reply that says which ticket and which findings it was asked about."""
    subject = SUBJECT_LINE.search(user_message(body)).group(1)
    return "Summary of %s from [%s]" % (subject, sent_findings(body))


@tagged("post_install", "-at_install")
class TestEngagementWizard(FusionHelpdeskCentralCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_client = cls.env["fusion.helpdesk.client.key"].create(
            {
                "name": "Globex",
                "owner_email": "gina@globex.example.com",
                "owner_name": "Gina Globex",
            }
        )
        cls.ticket_b = cls._create_ticket("VPN drops every hour")
        cls.ticket_c = cls._create_ticket("New laptop for Bob", client_key=cls.other_client)
        cls.env["ir.config_parameter"].sudo().set_param(ICP_KEY, False)
        cls.env["ir.config_parameter"].sudo().set_param(ICP_BASE_URL, False)

    # ------------------------------------------------------------------ helpers
    def _wizard(self, tickets, **values):
        """The wizard as the list/form action opens it, as the engineer."""
        wizard = (
            self.env["fusion.helpdesk.engagement.wizard"]
            .with_user(self.engineer)
            .with_context(active_model="helpdesk.ticket", active_ids=tickets.ids)
            .create({})
        )
        if values:
            wizard.write(values)
        return wizard

    def _use_server(self, server):
        params = self.env["ir.config_parameter"].sudo()
        params.set_param(ICP_KEY, "sk-test-not-a-real-key")
        params.set_param(ICP_BASE_URL, server.base_url)

    def _line(self, wizard, ticket):
        return wizard.line_ids.filtered(lambda line: line.ticket_id == ticket)

    def _mails_to(self, email):
        return self.env["mail.mail"].sudo().search([("email_to", "ilike", email)])

    def _token(self, ticket):
        return ticket_live_token(ticket)

    # ------------------------------------------------------------------ opening
    def test_open_calls_no_ai_and_starts_empty(self):
        with OpenAIServer() as server:
            self._use_server(server)
            form = Form(
                self.env["fusion.helpdesk.engagement.wizard"]
                .with_user(self.engineer)
                .with_context(active_model="helpdesk.ticket", active_ids=self.ticket.ids)
            )
            self.assertEqual(form.mode, "single")
            self.assertFalse(form.findings)
            self.assertFalse(form.summary)
            self.assertEqual(form.owner_email, "owner@acme.example.com")
            self.assertFalse(form.pending_warning, "nothing is pending: no banner")
            form.findings = "Scope: the printer"
            single = form.save()
            bulk = self._wizard(self.ticket | self.ticket_b | self.ticket_c)
            self.assertEqual(server.requests, [])
        self.assertEqual(single.ticket_ids, self.ticket, "the ticket survives the save")
        self.assertEqual(bulk.mode, "bulk")
        self.assertEqual(bulk.line_ids.ticket_id, self.ticket | self.ticket_b | self.ticket_c)
        self.assertFalse(any(bulk.line_ids.mapped("findings")))
        self.assertFalse(any(bulk.line_ids.mapped("summary")))

    def test_ticket_button_opens_the_wizard_on_that_ticket(self):
        action = self.ticket.with_user(self.engineer).action_open_engagement_wizard()
        self.assertEqual(action["res_model"], "fusion.helpdesk.engagement.wizard")
        self.assertEqual(action["target"], "new")
        wizard = (
            self.env["fusion.helpdesk.engagement.wizard"]
            .with_user(self.engineer)
            .with_context(**action["context"])
            .create({})
        )
        self.assertEqual(wizard.ticket_ids, self.ticket)
        self.assertEqual(wizard.mode, "single")

    # ------------------------------------------------------------------ AI summary
    def test_generate_summary_sends_findings_and_chatter_and_stays_open(self):
        self.ticket.with_user(self.engineer).message_post(
            body="The toner smells of smoke since Monday.",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        with OpenAIServer(reply="- Recommendation: replace the fuser (2h).") as server:
            self._use_server(server)
            wizard = self._wizard(self.ticket, findings="My findings: scope is XL, ~8h")
            action = wizard.action_generate_summary()
            self.assertEqual(len(server.requests), 1, "exactly one AI call")
            body = server.requests[0]
        self.assertEqual(sent_findings(body), "My findings: scope is XL, ~8h")
        prompt = user_message(body)
        self.assertIn("The toner smells of smoke since Monday.", prompt)
        self.assertIn("Printer on fire: the user's original report.", prompt)
        self.assertEqual(wizard.summary, "- Recommendation: replace the fuser (2h).")
        self.assertFalse(wizard.ai_notice)
        self.assertEqual(
            (action["res_model"], action["res_id"], action["target"]),
            (wizard._name, wizard.id, "new"),
            "the same wizard reopens for review",
        )
        self.assertEqual(self.ticket.engagement_state, "none", "generating sends nothing")

    def test_internal_notes_never_reach_the_owner_summary(self):
        self.ticket.message_post(
            body="INTERNAL: the client's firewall is a mess.",
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
        with OpenAIServer(reply="- Recommendation: fix it.") as server:
            self._use_server(server)
            self._wizard(self.ticket, findings="Scope: small").action_generate_summary()
            prompt = user_message(server.requests[0])
        self.assertNotIn("firewall", prompt)

    def test_ticket_without_client_shows_no_owner(self):
        orphan = self.env["helpdesk.ticket"].create({"name": "Orphan", "description": "x"})
        wizard = self._wizard(orphan)
        self.assertFalse(wizard.owner_email)
        self.assertFalse(wizard.owner_name)

    def test_engineer_cannot_set_the_decision_by_hand(self):
        """Dragging a kanban card or an RPC write must not fake the owner's answer."""
        self._wizard(self.ticket, summary="Typed summary").action_send()
        self.assertTrue(self.env["helpdesk.ticket"]._fields["engagement_state"].readonly)
        for values in (
            {"engagement_state": "approved"},
            {"engagement_token": "x"},
            {"engagement_decided_at": "2026-01-01 00:00:00"},
        ):
            with self.subTest(values=values), self.assertRaises(AccessError):
                self.ticket.with_user(self.engineer).write(values)
        self.assertEqual(self.ticket.engagement_state, "pending")

    def test_every_field_of_the_round_on_the_ticket_refuses_a_write(self):
        # Attacker run 4, F7: three of them accepted a write that did nothing
        # (a 200 that reads as success). Every engagement_* field showing the
        # round is refused, a new one included; the approval gate's fields
        # have their own rule (TestStageGate).
        self._wizard(self.ticket, summary="Typed summary").action_send()
        Ticket = self.env["helpdesk.ticket"]
        gate = {"engagement_required", "engagement_waived", "engagement_waive_reason"}
        gate |= {"engagement_waived_by_id", "engagement_waived_at"}
        fnames = sorted(
            fname
            for fname in Ticket._fields
            if fname.startswith("engagement_") and fname not in gate
        )
        self.assertIn("engagement_summary_html", fnames)
        for fname in fnames:
            field = Ticket._fields[fname]
            value = False if field.type in ("many2one", "one2many", "many2many") else "x"
            value = 1.5 if field.type == "float" else True if field.type == "boolean" else value
            with self.subTest(fname), self.assertRaises(AccessError):
                self.ticket.with_user(self.engineer).write({fname: value})
        self.assertEqual(self.ticket.engagement_state, "pending")

    def test_generate_refuses_without_findings(self):
        with OpenAIServer() as server:
            self._use_server(server)
            wizard = self._wizard(self.ticket, findings=" \n ", summary="My draft")
            with self.assertRaisesRegex(UserError, "Write your findings first"):
                wizard.action_generate_summary()
            bulk = self._wizard(self.ticket | self.ticket_b)
            with self.assertRaisesRegex(UserError, "findings of at least one ticket"):
                bulk.action_generate_all_summaries()
            self.assertEqual(server.requests, [])
        self.assertEqual(wizard.summary, "My draft")

    def test_ai_unavailable_tells_the_engineer_and_a_typed_summary_sends(self):
        cases = [
            ("not configured", {}, 0),
            ("server error", {"status": 500}, 1),
            ("empty reply", {"reply": ""}, 1),
        ]
        for label, server_options, calls in cases:
            with (
                self.subTest(label),
                OpenAIServer(**server_options) as server,
                patch.dict(os.environ),
            ):
                os.environ.pop("OPENAI_API_KEY", None)
                if calls:
                    self._use_server(server)
                ticket = self._create_ticket("AI %s" % label)
                wizard = self._wizard(ticket, findings="Scope: all printers", summary="Draft")
                with mute_logger(OPENAI_LOGGER):
                    # Confirmed: the typed draft may be replaced, if the AI answers.
                    action = wizard.with_context(
                        fusion_discard_edited_summary=True
                    ).action_generate_summary()
                self.assertEqual(len(server.requests), calls)
                self.assertIn("type the summary yourself", wizard.ai_notice.lower())
                self.assertEqual(wizard.summary, "Draft", "what was typed is kept")
                self.assertEqual(action["res_id"], wizard.id)

                wizard.summary = "Typed by hand: replace all fusers, 4h."
                wizard.action_send()
                self.assertEqual(ticket.engagement_state, "pending")
                self.assertEqual(
                    ticket.engagement_summary, "Typed by hand: replace all fusers, 4h."
                )
                mail = self.env["mail.mail"].sudo().search([("subject", "ilike", ticket.number)])
                self.assertEqual(len(mail), 1)
                self.assertIn("Typed by hand: replace all fusers, 4h.", mail.body_html)

    def test_generate_all_uses_each_line_own_findings_in_parallel(self):
        tickets = self.ticket | self.ticket_b | self.ticket_c
        with OpenAIServer(reply=echo_reply, latency=0.5) as server:
            self._use_server(server)
            form = Form(
                self.env["fusion.helpdesk.engagement.wizard"]
                .with_user(self.engineer)
                .with_context(active_model="helpdesk.ticket", active_ids=tickets.ids)
            )
            self.assertEqual(form.mode, "bulk")
            findings = {
                self.ticket: "Fuser worn out, 2h",
                self.ticket_c: "Laptop from stock, 1h setup",
            }
            for index in range(len(form.line_ids)):
                with form.line_ids.edit(index) as line:
                    ticket = line.ticket_id
                    if ticket in findings:
                        line.findings = findings[ticket]
                    else:
                        line.summary = "Typed for the VPN"
            wizard = form.save()
            self.assertEqual(server.requests, [])
            action = wizard.action_generate_all_summaries()
            self.assertEqual(len(server.requests), 2, "one call per line with findings")
            self.assertGreater(server.max_in_flight, 1, "the calls run in parallel")
        for ticket, text in findings.items():
            self.assertEqual(
                self._line(wizard, ticket).summary,
                "Summary of %s from [%s]" % (ticket.name, text),
            )
        self.assertEqual(self._line(wizard, self.ticket_b).summary, "Typed for the VPN")
        self.assertIn("no findings yet: %s" % self.ticket_b.number, wizard.ai_notice)
        self.assertEqual((action["res_id"], action["target"]), (wizard.id, "new"))

    def test_generate_all_names_the_tickets_the_ai_could_not_summarize(self):
        def reply(body):
            return "" if "FAIL" in sent_findings(body) else echo_reply(body)

        tickets = self.ticket | self.ticket_b
        with OpenAIServer(reply=reply) as server:
            self._use_server(server)
            wizard = self._wizard(tickets)
            self._line(wizard, self.ticket).findings = "Fuser, 2h"
            self._line(wizard, self.ticket_b).write({"findings": "FAIL", "summary": "Mine"})
            with mute_logger(OPENAI_LOGGER):
                wizard.with_context(
                    fusion_discard_edited_summary=True
                ).action_generate_all_summaries()
            self.assertEqual(len(server.requests), 2)
        self.assertIn("could not write the summary of %s" % self.ticket_b.number, wizard.ai_notice)
        self.assertNotIn(self.ticket.number, wizard.ai_notice)
        self.assertEqual(self._line(wizard, self.ticket_b).summary, "Mine")
        self.assertIn("Fuser, 2h", self._line(wizard, self.ticket).summary)

    # ------------------------------------------------------------------ sending
    def test_send_typed_summary_starts_the_engagement_and_mails_the_owner(self):
        summary = "- Recommendation: replace the fuser.\n<script>alert('x')</script>"
        wizard = self._wizard(
            self.ticket, findings="Scope: fuser only\nEffort: 2h", summary=summary
        )
        wizard.action_send()

        ticket = self.ticket
        self.assertEqual(ticket.engagement_state, "pending")
        token = self._token(ticket)
        self.assertGreaterEqual(len(token), 43, "at least 256 random bits, base64url")
        self.assertEqual(
            ticket.sudo().engagement_token,
            hashlib.sha256(token.encode()).hexdigest(),
            "the database keeps the digest only",
        )
        self.assertTrue(ticket.engagement_sent_at)
        self.assertEqual(ticket.engagement_owner_email, "owner@acme.example.com")
        self.assertEqual(ticket.engagement_owner_name, "Olivia Owner")
        self.assertEqual(ticket.engagement_summary, summary)
        self.assertEqual(ticket.engagement_findings, "Scope: fuser only\nEffort: 2h")

        note = ticket.message_ids.filtered(lambda m: "Owner approval requested" in m.body)
        self.assertEqual(len(note), 1)
        self.assertTrue(note.subtype_id.internal, "the record of what was sent is internal")
        self.assertIn("&lt;script&gt;", note.body)
        self.assertNotIn("<script>", note.body)
        self.assertNotIn(token, note.body, "the chatter never shows a usable link")
        self.assertNotIn(
            "owner@acme.example.com",
            ticket.message_partner_ids.mapped("email"),
            "the owner must not follow the ticket (every reply would reach them)",
        )

        mails = self._mails_to("owner@acme.example.com")
        self.assertEqual(len(mails), 1)
        self.assertIn("Olivia Owner", mails.email_to)
        self.assertIn(ticket.number, mails.subject)
        self.assertFalse(mails.subject.startswith("Reminder"))
        body = mails.body_html
        for decision in ("approve", "reject"):
            url = "http://central.example.com/fusion_helpdesk/engagement/%s/%s" % (
                token,
                decision,
            )
            self.assertIn(url, body)
        self.assertIn("&lt;script&gt;alert(", body)
        self.assertNotIn("<script>", body)
        self.assertIn("Effort: 2h", body, "the findings reach the owner too")
        self.assertFalse(mails.res_id, "the mail with the magic links stays off the ticket thread")

    def test_ticket_form_shows_the_engagement_to_the_engineer(self):
        self._wizard(self.ticket, findings="Effort: 2h", summary="Replace the fuser").action_send()
        form = Form(self.ticket.with_user(self.engineer))
        self.assertEqual(form.engagement_state, "pending")
        self.assertEqual(form.engagement_owner_email, "owner@acme.example.com")
        self.assertEqual(form.engagement_summary_html, "<p>Replace the fuser</p>")
        self.assertEqual(form.engagement_findings, "Effort: 2h")
        self.assertEqual(form.client_key_id, self.client_key)

    def test_a_mail_that_cannot_leave_is_reported_on_the_ticket(self):
        """The owner's mail is off the thread; when the server refuses it the
        engineer still learns it, on the ticket, instead of waiting forever."""
        self._wizard(self.ticket, summary="Typed summary").action_send()
        mail = self._mails_to("owner@acme.example.com")
        self.assertEqual(mail.fusion_engagement_ticket_ids, self.ticket)
        MailServer = type(self.env["ir.mail_server"])
        with (
            patch.object(MailServer, "_connect__", side_effect=OSError("SMTP refused")),
            mute_logger("odoo.addons.mail.models.mail_mail"),
        ):
            mail.send(raise_exception=False)
        self.assertEqual(mail.state, "outgoing", "an SMTP outage passes: queued again")
        note = self.ticket.message_ids.filtered(lambda m: "could not be sent" in (m.body or ""))
        self.assertEqual(len(note), 1)
        self.assertTrue(note.subtype_id.internal)
        self.assertIn("owner@acme.example.com", note.body)
        self.assertIn(self.engineer.partner_id, note.partner_ids)

    def test_send_refuses_and_changes_nothing_when_the_ticket_cannot_be_sent(self):
        no_owner = self.env["fusion.helpdesk.client.key"].create({"name": "No Owner"})
        bad_owner = self.env["fusion.helpdesk.client.key"].create(
            {"name": "Bad Owner", "owner_email": "not-an-email"}
        )
        cases = [
            ("empty summary", {}, "  \n ", "summary is empty"),
            ("no client", {"client_key_id": False}, "Sum", "no client"),
            ("no owner email", {"client_key_id": no_owner.id}, "Sum", "is not known"),
            ("invalid owner email", {"client_key_id": bad_owner.id}, "Sum", "not valid"),
        ]
        for label, ticket_values, summary, reason in cases:
            with self.subTest(label):
                ticket = self._create_ticket("Case %s" % label, **ticket_values)
                wizard = self._wizard(ticket, findings="Scope", summary=summary)
                with self.assertRaisesRegex(UserError, reason):
                    wizard.action_send()
                self.assertEqual(ticket.engagement_state, "none")
                self.assertFalse(self._token(ticket))
        self.assertFalse(self.env["mail.mail"].sudo().search([("subject", "ilike", "Case ")]))

    def test_bulk_validation_names_every_failing_ticket_and_sends_only_the_valid(self):
        no_owner = self.env["fusion.helpdesk.client.key"].create({"name": "No Owner"})
        orphan = self._create_ticket("Orphan", client_key=no_owner)
        tickets = self.ticket | self.ticket_b | orphan
        wizard = self._wizard(tickets)
        self._line(wizard, self.ticket).summary = "Fine summary"
        self._line(wizard, orphan).summary = "Summary of the orphan"
        message = wizard.action_send()["params"]["message"]
        skipped = message.split("Not sent:")[1]
        self.assertIn(self.ticket_b.number, skipped)
        self.assertIn("summary is empty", skipped)
        self.assertIn(orphan.number, skipped)
        self.assertIn("owner email of client No Owner is not known", skipped)
        self.assertNotIn(self.ticket.number, skipped)
        self.assertEqual(self.ticket.engagement_state, "pending")
        self.assertEqual(set((self.ticket_b | orphan).mapped("engagement_state")), {"none"})
        self.assertEqual(len(self.env["mail.mail"].sudo().search([]).filtered("email_to")), 1)

    def test_bulk_with_no_valid_row_names_every_failing_ticket_and_sends_nothing(self):
        no_owner = self.env["fusion.helpdesk.client.key"].create({"name": "No Owner"})
        orphan = self._create_ticket("Orphan", client_key=no_owner)
        tickets = self.ticket_b | orphan
        wizard = self._wizard(tickets)
        self._line(wizard, orphan).summary = "Summary of the orphan"
        with self.assertRaises(UserError) as caught:
            wizard.action_send()
        message = str(caught.exception)
        self.assertIn(self.ticket_b.number, message)
        self.assertIn("summary is empty", message)
        self.assertIn(orphan.number, message)
        self.assertIn("owner email of client No Owner is not known", message)
        self.assertEqual(set(tickets.mapped("engagement_state")), {"none"})
        self.assertFalse(self.env["mail.mail"].sudo().search([]).filtered("email_to"))

    def test_bulk_send_one_mail_per_owner_with_one_card_per_ticket(self):
        tickets = self.ticket | self.ticket_b | self.ticket_c
        wizard = self._wizard(tickets)
        for ticket in tickets:
            self._line(wizard, ticket).write(
                {"findings": "Findings of %s" % ticket.name, "summary": "Plan for %s" % ticket.name}
            )
        wizard.action_send()

        self.assertEqual(set(tickets.mapped("engagement_state")), {"pending"})
        tokens = {ticket: self._token(ticket) for ticket in tickets}
        self.assertEqual(len(set(tokens.values())), 3, "each ticket has its own token")

        acme = self._mails_to("owner@acme.example.com")
        globex = self._mails_to("gina@globex.example.com")
        self.assertEqual(len(acme), 1, "one mail for the owner of two tickets")
        self.assertEqual(len(globex), 1)
        self.assertIn("2 support requests", acme.subject)
        for ticket in (self.ticket, self.ticket_b):
            self.assertIn("Plan for %s" % ticket.name, acme.body_html)
            for decision in ("approve", "reject"):
                self.assertIn(
                    "/fusion_helpdesk/engagement/%s/%s" % (tokens[ticket], decision),
                    acme.body_html,
                )
        self.assertNotIn(tokens[self.ticket_c], acme.body_html)
        self.assertIn(tokens[self.ticket_c], globex.body_html)
        self.assertIn(self.ticket_c.number, globex.subject)
        self.assertNotIn(tokens[self.ticket], globex.body_html)

    def test_send_again_starts_a_fresh_engagement(self):
        self._wizard(self.ticket, summary="First plan").action_send()
        first_token = self._token(self.ticket)
        self.env["helpdesk.ticket"]._engagement_decide(
            first_token, "approve", comment="Go ahead", ip="203.0.113.7", user_agent="Mail"
        )
        self.assertEqual(self.ticket.engagement_state, "approved")
        self.assertTrue(self.ticket.engagement_decided_at)
        self.ticket.engagement_id.sudo().reminded_at = "2026-05-27 09:00:00"

        wizard = self._wizard(self.ticket, summary="Second plan")
        wizard.action_send()

        ticket = self.ticket
        second_token = self._token(ticket)
        self.assertTrue(second_token)
        self.assertNotEqual(second_token, first_token)
        self.assertEqual(ticket.engagement_state, "pending")
        self.assertFalse(ticket.engagement_decided_at)
        self.assertFalse(ticket.engagement_reminded_at)
        self.assertFalse(ticket.engagement_decision_comment)
        self.assertFalse(ticket.engagement_decision_ip)
        self.assertFalse(ticket.engagement_decision_message_id)
        self.assertFalse(ticket.engagement_turnaround_hours)
        Ticket = self.env["helpdesk.ticket"]
        self.assertFalse(Ticket._engagement_find_pending(first_token), "old link is dead")
        self.assertEqual(Ticket._engagement_find_pending(second_token), ticket)
        self.assertEqual(ticket.engagement_summary, "Second plan")

    def test_send_again_while_pending_kills_the_old_links(self):
        self._wizard(self.ticket, summary="First plan").action_send()
        first_token = self._token(self.ticket)
        wizard = self._wizard(self.ticket, summary="Corrected plan")
        self.assertIn(self.ticket.number, wizard.pending_warning)
        wizard.action_send()
        self.assertNotEqual(self._token(self.ticket), first_token)
        Ticket = self.env["helpdesk.ticket"]
        self.assertFalse(Ticket._engagement_find_pending(first_token), "old link is dead")
        self.assertFalse(Ticket._engagement_decide(first_token, "approve"))
        self.assertEqual(self.ticket.engagement_state, "pending")
        self.assertEqual(len(self._mails_to("owner@acme.example.com")), 2)

    def test_reminder_mail_uses_the_same_templates(self):
        self._wizard(self.ticket, summary="The plan").action_send()
        wizard = self._wizard(self.ticket_b | self.ticket_c)
        wizard.line_ids.write({"summary": "Plan"})
        wizard.action_send()
        before = self.env["mail.mail"].sudo().search([])

        tickets = self.ticket | self.ticket_b | self.ticket_c
        tickets.engagement_id._send_reminders()

        reminders = self.env["mail.mail"].sudo().search([]) - before
        self.assertEqual(len(reminders), 2, "one reminder per owner")
        acme = reminders.filtered(lambda m: "owner@acme.example.com" in m.email_to)
        self.assertTrue(acme.subject.startswith("Reminder: "))
        self.assertIn("2 support requests", acme.subject)
        self.assertIn("still waiting for your decision", acme.body_html)
        globex = reminders - acme
        self.assertTrue(globex.subject.startswith("Reminder: "))
        self.assertIn(self.ticket_c.number, globex.subject)
        self.assertIn(self._token(self.ticket_c), globex.body_html)
