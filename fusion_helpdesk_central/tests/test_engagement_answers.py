# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The owner's other answers over real HTTP: request changes, delegate,
closed links (410), expiry, and every pending request on one page."""

import re
import secrets
from contextlib import closing
from datetime import timedelta
from functools import partial
from unittest.mock import patch

from odoo import fields
from odoo.sql_db import db_connect
from odoo.tests import HttpCase, tagged

from ..models.fusion_helpdesk_engagement import hash_token
from .common import (
    FusionHelpdeskCentralCommon,
    assert_late_racer_loses,
    delete_committed_tickets,
    live_token,
    real_env,
)
from .test_engagement_pages import CSRF_INPUT, PAGE_HEADERS

EXPIRY_DAYS = "fusion_helpdesk_central.engagement_expiry_days"
REMINDER_DAYS = "fusion_helpdesk_central.engagement_reminder_days"


@tagged("post_install", "-at_install")
class TestEngagementAnswers(HttpCase, FusionHelpdeskCentralCommon):
    def setUp(self):
        super().setUp()
        self.round, self.token = self._start_round(
            self.ticket,
            summary="Replace the fuser unit.",
            sent_at=fields.Datetime.now() - timedelta(hours=2),
        )

    # ------------------------------------------------------------ helpers
    def _url(self, decision, token=None):
        return "/fusion_helpdesk/engagement/%s/%s" % (token or self.token, decision)

    def _csrf(self, page):
        match = CSRF_INPUT.search(page.text)
        self.assertTrue(match, "the page carries the form's CSRF token")
        return match.group(1)

    def _post(self, decision, token=None, **form):
        """Open the page, then submit its form like a browser does."""
        page = self.url_open(self._url(decision, token))
        self.assertEqual(page.status_code, 200, page.text[-400:])
        return self.url_open(
            self._url(decision, token), data={"csrf_token": self._csrf(page), **form}
        )

    def _snapshot(self):
        self.env.invalidate_all()
        Engagement = self.env["fusion.helpdesk.engagement"].sudo()
        return {
            "rounds": [(r.id, r.state) for r in Engagement.search([], order="id")],
            "messages": self.env["mail.message"].search_count([]),
            "activities": self.env["mail.activity"].search_count([]),
            "mails": self.env["mail.mail"].sudo().search_count([]),
        }

    def _run_reminder_cron_method(self):
        """The reminder cron's method, its progress commits left out."""
        with patch.object(
            self.env.registry["ir.cron"], "_commit_progress", lambda *args, **kwargs: 60
        ):
            self.env["fusion.helpdesk.engagement"]._cron_remind()

    def _todo(self, ticket=None):
        ticket = ticket or self.ticket
        return ticket.activity_ids.filtered(lambda act: act.user_id == self.engineer)

    # ------------------------------------------------------------ request changes
    def test_request_changes_without_a_comment_decides_nothing(self):
        page = self.url_open(self._url("changes"))
        self.assertEqual(page.status_code, 200)
        self.assertIn("What should change? (required)", page.text)
        self.assertIn("Send my change request", page.text)
        before = self._snapshot()
        response = self.url_open(
            self._url("changes"), data={"csrf_token": self._csrf(page), "comment": "  \n "}
        )
        self.assertEqual(response.status_code, 422)
        self.assertIn("Please say what should change.", response.text)
        self.assertIn("Send my change request", response.text, "the confirm page again")
        self.assertEqual(self._snapshot(), before)
        self.assertEqual(self.round.state, "pending")

    def test_request_changes_reaches_the_engineer_and_the_client(self):
        response = self._post("changes", comment="Do it <b>after</b> the audit.\nNot before.")
        self.assertEqual(response.status_code, 200)
        self.assertIn("asked for changes", response.text)
        self.assertIn("&lt;b&gt;after&lt;/b&gt;", response.text)
        self.env.invalidate_all()
        ticket = self.ticket
        self.assertEqual(self.round.state, "changes_requested")
        self.assertEqual(ticket.engagement_state, "changes_requested")
        self.assertFalse(ticket.engagement_token)
        todo = self._todo()
        self.assertEqual(len(todo), 1)
        self.assertIn("Changes Requested", todo.summary)
        self.assertIn("asked for changes", todo.note)
        self.assertIn("Not before.", todo.note)
        # The client's employee sees it in the thread, as a decision.
        message = ticket.engagement_decision_message_id
        self.assertFalse(message.is_internal)
        values = ticket._prepare_thread_message_values(message)
        self.assertEqual(values["decision"]["state"], "changes_requested")
        self.assertEqual(
            values["decision"]["comment"], "Do it <b>after</b> the audit.\nNot before."
        )
        self.assertEqual(ticket._prepare_thread_values()["engagement_state"], "changes_requested")
        synced = ticket._prepare_sync_ticket_values(message.ids)
        self.assertEqual(synced["engagement_state"], "changes_requested")
        self.assertEqual(synced["messages"][-1]["decision"]["state"], "changes_requested")
        # The link is closed now.
        closed = self.url_open(self._url("approve"))
        self.assertEqual(closed.status_code, 410)
        self.assertIn("Changes were requested on", closed.text)

    # ------------------------------------------------------------ closed links
    def test_closed_links_say_what_happened_and_nothing_personal(self):
        Engagement = self.env["fusion.helpdesk.engagement"]
        cases = {}
        for decision, sentence in (
            ("approve", "It was approved on"),
            ("reject", "It was rejected on"),
            ("changes", "Changes were requested on"),
        ):
            ticket = self._create_ticket("Secret project %s" % decision)
            __, token = self._start_round(ticket)
            Engagement._decide(token, decision, comment="Private remark %s" % decision)
            cases[decision] = (token, sentence)
        __, superseded = self._start_round(self._create_ticket("Secret project replaced"))
        self._start_round(self.env["helpdesk.ticket"].search([], order="id desc", limit=1))
        cases["superseded"] = (superseded, "replaced by a newer request")
        ticket = self._create_ticket("Secret project delegated")
        __, delegated = self._start_round(ticket)
        Engagement._delegate(delegated, "Dana Deputy", "dana@acme.example.com", "Private note")
        cases["delegated"] = (delegated, "passed on to someone else")
        __, expired = self._start_round(
            self._create_ticket("Secret project expired"),
            expires_at=fields.Datetime.now() - timedelta(minutes=1),
        )
        cases["expired"] = (expired, "expired on")
        before = self._snapshot()
        provider_email = (self.ticket.company_id or self.env.company).email
        for label, (token, sentence) in cases.items():
            with self.subTest(label):
                for decision in ("approve", "changes", "delegate", "all"):
                    response = self.url_open(self._url(decision, token))
                    self.assertEqual(response.status_code, 410)
                    self.assertIn("This request is closed", response.text)
                    self.assertIn(sentence, response.text)
                    for header, value in PAGE_HEADERS.items():
                        self.assertIn(value, response.headers.get(header, ""), header)
                    # The provider's own contact address is the only one shown.
                    text = (
                        response.text.replace(provider_email, "")
                        if provider_email
                        else response.text
                    )
                    for personal in ("Private", "Secret project", "@", "Olivia", "Dana"):
                        self.assertNotIn(personal, text)
                head = self.url_open(self._url("approve", token), method="HEAD")
                self.assertEqual(head.status_code, 410)
        # Posting to a closed link decides nothing either.
        csrf = self._csrf(self.url_open(self._url("approve")))
        for label, (token, __) in cases.items():
            with self.subTest(label, method="POST"):
                response = self.url_open(
                    self._url("approve", token), data={"csrf_token": csrf, "comment": "x"}
                )
                self.assertEqual(response.status_code, 410)
        self.assertEqual(self._snapshot(), before)
        # Unknown and malformed tokens stay the plain 404.
        self.assertEqual(self.url_open(self._url("approve", "x" * 43)).status_code, 404)
        self.assertEqual(self.url_open(self._url("approve", "bad")).status_code, 404)

    # ------------------------------------------------------------ expiry
    def test_a_link_sent_expires_after_the_configured_days(self):
        icp = self.env["ir.config_parameter"].sudo()
        self.assertEqual(icp.get_param(EXPIRY_DAYS), "14")
        ticket = self._create_ticket("Expiring").with_user(self.engineer)
        ticket._engagement_start("Findings", "Summary")
        engagement = ticket.engagement_id
        self.assertEqual(engagement.expires_at, engagement.sent_at + timedelta(days=14))
        icp.set_param(EXPIRY_DAYS, "0")
        ticket._engagement_start("Findings", "Summary again")
        self.assertFalse(ticket.engagement_id.expires_at, "0 disables expiry")

    def test_an_expired_link_is_closed_before_and_after_the_cron(self):
        self.round.sudo().expires_at = fields.Datetime.now() - timedelta(minutes=5)
        page = self.url_open(self._url("approve"))
        self.assertEqual(page.status_code, 410, "closed even before the cron ran")
        self.assertIn("expired on", page.text)
        # Decision at the very moment of expiry: the UPDATE itself refuses.
        self.assertFalse(self.env["fusion.helpdesk.engagement"]._decide(self.token, "approve"))
        self.assertEqual(self.round.state, "pending")

        expired = self.env["fusion.helpdesk.engagement"]._cron_expire()
        self.assertEqual(expired, self.round)
        self.env.invalidate_all()
        self.assertEqual(self.round.state, "expired")
        self.assertEqual(self.ticket.engagement_state, "expired")
        self.assertFalse(self.ticket.engagement_token)
        todo = self._todo()
        self.assertEqual(len(todo), 1, "the engineer gets a to-do")
        self.assertIn("expired without a decision", todo.note)
        self.assertEqual(self.url_open(self._url("reject")).status_code, 410)
        self.assertFalse(self.env["fusion.helpdesk.engagement"]._cron_expire(), "once")

    def test_expiry_cron_runs_as_the_scheduler_does(self):
        cron = self.env.ref("fusion_helpdesk_central.ir_cron_engagement_expiry")
        self.assertEqual(cron.code.strip(), "model._cron_expire()")
        self.round.sudo().expires_at = fields.Datetime.now() - timedelta(minutes=5)
        # HttpCase already runs every cursor in test mode.
        cron.method_direct_trigger()
        self.env.invalidate_all()
        self.assertEqual(self.round.state, "expired")

    def test_the_reminder_comes_before_expiry_never_after(self):
        icp = self.env["ir.config_parameter"].sudo()
        icp.set_param(REMINDER_DAYS, "3")
        icp.set_param(EXPIRY_DAYS, "2")
        now = fields.Datetime.now()
        # Reminder delay >= lifetime: the reminder goes one day before expiry.
        self.round.sudo().write(
            {"sent_at": now - timedelta(days=1, hours=2), "expires_at": now + timedelta(hours=22)}
        )
        late_ticket = self._create_ticket("Already expired")
        late, __ = self._start_round(
            late_ticket,
            sent_at=now - timedelta(days=5),
            expires_at=now - timedelta(hours=1),
        )
        self._run_reminder_cron_method()
        self.env.invalidate_all()
        self.assertTrue(self.round.reminded_at, "reminded one day before its expiry")
        self.assertFalse(late.reminded_at, "never reminded after its expiry")
        icp.set_param(EXPIRY_DAYS, "1")
        other, __ = self._start_round(
            self._create_ticket("One-day link"),
            sent_at=now - timedelta(hours=20),
            expires_at=now + timedelta(hours=4),
        )
        self._run_reminder_cron_method()
        self.assertFalse(other.reminded_at, "no room for a reminder in a one-day link")

    def test_the_first_email_link_keeps_working_alongside_the_reminder(self):
        ticket = self._create_ticket("Reminded").with_user(self.engineer)
        first = ticket._engagement_start("Findings", "Summary")
        ticket._engagement_send_mails({ticket.id: first})
        ticket.sudo().engagement_id._send_reminders()
        reminder = live_token(self.env["mail.mail"].sudo().search([], order="id desc", limit=1))
        self.assertTrue(reminder)
        self.assertNotEqual(reminder, first)
        for token in (first, reminder):
            self.assertEqual(self.url_open(self._url("approve", token)).status_code, 200)
        self.env.invalidate_all()
        self.assertIn("those of the first email still work", ticket.message_ids[0].body)
        # Either link decides, once: then both are closed.
        self.assertEqual(self._post("reject", first).status_code, 200)
        self.env.invalidate_all()
        self.assertEqual(ticket.engagement_state, "rejected")
        for token in (first, reminder):
            page = self.url_open(self._url("approve", token))
            self.assertEqual(page.status_code, 410)
            self.assertIn("It was rejected on", page.text)
        self.assertFalse(self.env["fusion.helpdesk.engagement"]._decide(reminder, "approve"))

    # ------------------------------------------------------------ delegate
    def test_delegate_refuses_an_invalid_person(self):
        page = self.url_open(self._url("delegate"))
        self.assertIn('name="delegate_email"', page.text)
        self.assertIn('name="delegate_name"', page.text)
        before = self._snapshot()
        for name, email, error in (
            ("", "dana@acme.example.com", "Please give the name"),
            ("Dana", "not-an-email", "Please give a valid email address."),
            ("Dana", "dana@acme.example.com, eve@evil.example.com", "valid email address"),
            ("Me again", "owner@acme.example.com", "already sent to this address"),
        ):
            with self.subTest(email):
                response = self.url_open(
                    self._url("delegate"),
                    data={
                        "csrf_token": self._csrf(page),
                        "delegate_name": name,
                        "delegate_email": email,
                    },
                )
                self.assertEqual(response.status_code, 422)
                self.assertIn(error, response.text)
        self.assertEqual(self._snapshot(), before)

    def test_delegate_sends_a_fresh_link_to_the_named_person(self):
        response = self._post(
            "delegate",
            delegate_name="Dana Deputy",
            delegate_email="Dana@Acme.example.com",
            comment="Dana runs the printers.",
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("We sent the request to", response.text)
        self.assertIn("Dana Deputy", response.text)
        self.env.invalidate_all()
        ticket = self.ticket
        self.assertEqual(self.round.state, "delegated")
        self.assertEqual(self.round.decision_comment, "Dana runs the printers.")
        child = ticket.engagement_id
        self.assertEqual(child.parent_id, self.round)
        self.assertEqual(
            (child.state, child.owner_email, child.owner_name),
            ("pending", "dana@acme.example.com", "Dana Deputy"),
        )
        self.assertEqual(child.summary, "Replace the fuser unit.")
        self.assertEqual(child.requested_by_id, self.engineer)
        self.assertEqual(ticket.engagement_state, "pending")
        todo = self._todo()
        self.assertEqual(len(todo), 1)
        self.assertIn("Dana Deputy", todo.note)
        # The delegate's email: their own link, with the owner's note on top.
        mail = (
            self.env["mail.mail"]
            .sudo()
            .search([("fusion_engagement_ticket_ids", "in", ticket.ids)], order="id desc", limit=1)
        )
        self.assertIn("dana@acme.example.com", mail.email_to)
        self.assertIn("Olivia Owner asked you to decide on this request.", mail.body_html)
        self.assertIn("Dana runs the printers.", mail.body_html)
        token = live_token(mail)
        self.assertTrue(token)
        self.assertNotEqual(token, self.token)
        page = self.url_open(self._url("approve", token))
        self.assertEqual(page.status_code, 200)
        self.assertIn("Dana runs the printers.", page.text)
        # The first owner's link is closed; the delegate decides.
        self.assertEqual(self.url_open(self._url("approve")).status_code, 410)
        self.assertEqual(self._post("approve", token).status_code, 200)
        self.env.invalidate_all()
        self.assertEqual(ticket.engagement_state, "approved")

    def test_delegation_stops_after_three_hops(self):
        Engagement = self.env["fusion.helpdesk.engagement"]
        token = self.token
        for hop in range(3):
            child = Engagement._delegate(
                token, "Deputy %s" % hop, "deputy%s@acme.example.com" % hop
            )
            self.assertTrue(child, hop)
            token = live_token(self.env["mail.mail"].sudo().search([], order="id desc", limit=1))
            self.assertEqual(Engagement._find_pending(token), child)
        before = self._snapshot()
        response = self._post(
            "delegate", token, delegate_name="Fourth", delegate_email="fourth@acme.example.com"
        )
        self.assertEqual(response.status_code, 422)
        self.assertIn("cannot be passed on again", response.text)
        self.assertEqual(self._snapshot(), before)
        # The last person can still answer.
        self.assertEqual(self._post("reject", token).status_code, 200)

    # ------------------------------------------------------------ everything on one page
    def _three_pending(self):
        second, second_token = self._start_round(self._create_ticket("Second request"))
        third, __ = self._start_round(self._create_ticket("Third request"))
        other_key = self.env["fusion.helpdesk.client.key"].create(
            {"name": "Globex", "owner_email": "owner@acme.example.com", "owner_name": "Olivia"}
        )
        foreign, __ = self._start_round(self._create_ticket("Globex request", client_key=other_key))
        self.second_token = second_token
        return second, third, foreign

    def test_all_page_lists_the_owner_pending_requests_and_changes_nothing(self):
        self._three_pending()
        before = self._snapshot()
        page = self.url_open(self._url("all"))
        self.assertEqual(page.status_code, 200)
        self.assertIn("3 requests are waiting for your decision", page.text)
        for name in ("Printer on fire", "Second request", "Third request"):
            self.assertIn(name, page.text)
        self.assertNotIn("Globex request", page.text, "another client's request")
        self.assertEqual(self.url_open(self._url("all"), method="HEAD").status_code, 200)
        self.assertEqual(self._snapshot(), before)
        # The single page offers the way there.
        self.assertIn(self._url("all"), self.url_open(self._url("approve")).text)

    def test_all_page_decides_each_answered_row_once(self):
        second, third, foreign = self._three_pending()
        page = self.url_open(self._url("all"))
        csrf = self._csrf(page)
        before = self._snapshot()
        refused = self.url_open(
            self._url("all"),
            data={
                "csrf_token": csrf,
                "decision_%s" % self.round.id: "approve",
                "decision_%s" % second.id: "changes",
                "comment_%s" % second.id: " ",
            },
        )
        self.assertEqual(refused.status_code, 422)
        self.assertIn("Please say what should change.", refused.text)
        self.assertEqual(self._snapshot(), before, "nothing decided")
        done = self.url_open(
            self._url("all"),
            data={
                "csrf_token": csrf,
                "decision_%s" % self.round.id: "approve",
                "decision_%s" % second.id: "changes",
                "comment_%s" % second.id: "Cheaper please",
                "decision_%s" % third.id: "",
                # Not this owner's client: ignored.
                "decision_%s" % foreign.id: "reject",
            },
        )
        self.assertEqual(done.status_code, 200)
        self.assertNotIn("Globex request", done.text)
        self.assertIn("Still pending: 1", done.text)
        self.env.invalidate_all()
        self.assertEqual(
            [r.state for r in (self.round, second, third, foreign)],
            ["approved", "changes_requested", "pending", "pending"],
        )
        self.assertEqual(second.decision_comment, "Cheaper please")
        self.assertEqual(second.ticket_id.engagement_state, "changes_requested")
        self.assertTrue(second.ticket_id.engagement_decision_message_id)
        # The anchor's link is spent: the page is closed now.
        self.assertEqual(self.url_open(self._url("all")).status_code, 410)

    def test_all_page_reports_a_row_decided_meanwhile(self):
        second, __, __ = self._three_pending()
        # The owner opens the page, then a second tab answers one row on its
        # own link before the page is confirmed.
        page = self.url_open(self._url("all"))
        csrf = self._csrf(page)
        other_tab = self._post("approve", self.second_token, comment="From the other tab")
        self.assertEqual(other_tab.status_code, 200)
        done = self.url_open(
            self._url("all"),
            data={
                "csrf_token": csrf,
                "decision_%s" % second.id: "reject",
                "decision_%s" % self.round.id: "reject",
            },
        )
        self.assertEqual(done.status_code, 200)
        self.assertIn("already answered or closed before your answer", done.text)
        self.env.invalidate_all()
        self.assertEqual(second.state, "approved")
        self.assertEqual(second.decision_comment, "From the other tab")
        self.assertEqual(self.round.state, "rejected")
        owner_comments = second.ticket_id.message_ids.filtered(
            lambda m: m.message_type == "comment" and "Owner decision" in (m.body or "")
        )
        self.assertEqual(len(owner_comments), 1, "decided once")

    def test_emails_link_to_all_pending_requests(self):
        first = self._create_ticket("Mail one").with_user(self.engineer)
        token = first._engagement_start("F", "S")
        first._engagement_send_mails({first.id: token})
        mail = self.env["mail.mail"].sudo().search([], order="id desc", limit=1)
        # This ticket and the one of setUp: two pending for this owner.
        self.assertRegex(mail.body_html, r"Review all\s+2\s+pending requests")
        match = re.search(r"/fusion_helpdesk/engagement/([^/\"]+)/all", mail.body_html)
        self.assertTrue(match)
        self.assertEqual(match.group(1), token, "the /all link uses this email's token")
        self.assertEqual(self.url_open(self._url("all", token)).status_code, 200)
        self.assertIn(self._url("changes", token), mail.body_html)
        self.assertIn(self._url("delegate", token), mail.body_html)
        # One pending request only: no such link.
        self.env["fusion.helpdesk.engagement"]._decide(self.token, "approve")
        first._engagement_send_mails({first.id: token}, reminder=True)
        reminder = self.env["mail.mail"].sudo().search([], order="id desc", limit=1)
        self.assertNotIn("/all", reminder.body_html)


@tagged("post_install", "-at_install")
class TestEngagementAllPageRace(HttpCase):
    """Two real transactions answer the same row of the one-page form (the
    page's POST and another tab): exactly one decision."""

    def _commit_rounds(self, owner_email):
        """A client with two pending rounds for ``owner_email``, committed;
        returns ``(anchor token, anchor id, row id)``."""
        tokens = [secrets.token_urlsafe(32) for __ in range(2)]
        db = db_connect(self.env.cr.dbname)
        with closing(db.cursor()) as cr:
            env = real_env(cr)(context={"tracking_disable": True})
            client = env["fusion.helpdesk.client.key"].create(
                {"name": "Race Corp %s" % tokens[0][:6], "owner_email": owner_email}
            )
            ids = []
            for token in tokens:
                ticket = env["helpdesk.ticket"].create(
                    {
                        "name": "Race on the one-page form",
                        "number": "RACE-%s" % token[:8],
                        "description": "<p>race</p>",
                        "client_key_id": client.id,
                    }
                )
                engagement = env["fusion.helpdesk.engagement"].create(
                    {
                        "ticket_id": ticket.id,
                        "token_hash": hash_token(token),
                        "sent_at": fields.Datetime.now() - timedelta(hours=1),
                        "owner_email": owner_email,
                        "summary": "Race summary",
                    }
                )
                ids.append(engagement.id)
            cr.commit()  # pylint: disable=invalid-commit
        self.addCleanup(self._delete_committed, client.id, owner_email)
        return tokens[0], ids[0], ids[1]

    def _delete_committed(self, client_id, owner_email):
        db = db_connect(self.env.cr.dbname)
        with closing(db.cursor()) as cr:
            env = real_env(cr)
            delete_committed_tickets(
                env,
                env["helpdesk.ticket"]
                .with_context(active_test=False)
                .search([("client_key_id", "=", client_id)]),
            )
            env["fusion.helpdesk.client.key"].browse(client_id).unlink()
            env["res.partner"].with_context(active_test=False).search(
                [("email_normalized", "=", owner_email)]
            ).unlink()
            cr.commit()  # pylint: disable=invalid-commit

    def test_a_row_answered_twice_at_once_is_decided_once(self):
        owner_email = "race-all-%s@acme.example.com" % secrets.token_hex(4)
        token, anchor_id, row_id = self._commit_rounds(owner_email)
        db = db_connect(self.env.cr.dbname)
        with closing(db.cursor()) as cr_a, closing(db.cursor()) as cr_b:
            env_a, env_b = real_env(cr_a), real_env(cr_b)
            Engagement_a = env_a["fusion.helpdesk.engagement"]
            Engagement_b = env_b["fusion.helpdesk.engagement"]
            # B's one-page POST is under way: its snapshot shows both pending.
            anchor_b = Engagement_b._find_pending(token)
            self.assertEqual(anchor_b.id, anchor_id)
            self.assertEqual(len(anchor_b._pending_siblings()), 2)
            won = Engagement_a.browse(row_id)._decide_for_owner(row_id, "approve", "A")
            self.assertEqual(won.id, row_id)

            # Odoo's retrying() replays B's request: the row is now decided,
            # and the page reports it as such (an empty result).
            assert_late_racer_loses(
                self,
                cr_a,
                env_b,
                partial(anchor_b._decide_for_owner, row_id, "reject", "B"),
            )

        with closing(db.cursor()) as cr:
            row = real_env(cr)["fusion.helpdesk.engagement"].browse(row_id)
            self.assertEqual((row.state, row.decision_comment), ("approved", "A"))
            self.assertEqual(row.ticket_id.engagement_state, "approved")
            anchor = row.browse(anchor_id)
            self.assertEqual(anchor.state, "pending", "the other row is untouched")
            decisions = row.ticket_id.message_ids.filtered(
                lambda message: (
                    message.author_id.email_normalized == owner_email
                    and message.message_type == "comment"
                )
            )
            self.assertEqual(len(decisions), 1, "exactly one decision message")
