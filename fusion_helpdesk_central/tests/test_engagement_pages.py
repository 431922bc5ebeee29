# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging
import re
import secrets
import uuid
from contextlib import closing
from datetime import timedelta
from functools import partial
from unittest.mock import patch

from odoo import fields
from odoo.exceptions import UserError
from odoo.sql_db import db_connect
from odoo.tests import HttpCase, tagged
from odoo.tests.common import JsonRpcException
from odoo.tools import mute_logger

from odoo.addons.base.tests.common import MockSmtplibCase

from ..controllers.main import EngagementController
from ..models.fusion_helpdesk_engagement import hash_token
from .common import (
    FusionHelpdeskCentralCommon,
    assert_late_racer_loses,
    delete_committed_tickets,
    real_env,
)

CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')
PAGE_HEADERS = {
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "X-Robots-Tag": "noindex",
    "Content-Security-Policy": "default-src 'none'",
}


@tagged("post_install", "-at_install")
class TestEngagementPages(HttpCase, FusionHelpdeskCentralCommon, MockSmtplibCase):
    SUMMARY = "Recommendation: replace the fuser unit.\nEffort: 2 hours.\nRisk: low."

    def setUp(self):
        super().setUp()
        self.round, self.token = self._start_round(
            self.ticket,
            summary=self.SUMMARY,
            sent_at=fields.Datetime.now() - timedelta(hours=5),
        )

    # ------------------------------------------------------------ helpers
    def _url(self, decision="approve", token=None):
        return "/fusion_helpdesk/engagement/%s/%s" % (token or self.token, decision)

    def _csrf(self, page):
        match = CSRF_INPUT.search(page.text)
        self.assertTrue(match, "the confirm page carries the form's CSRF token")
        return match.group(1)

    def _confirm(self, decision, comment="", user_agent="OwnerPhone/1.0"):
        """Open the confirm page, then submit its form like a browser does."""
        page = self.url_open(self._url(decision))
        self.assertEqual(page.status_code, 200)
        return self.url_open(
            self._url(decision),
            data={"csrf_token": self._csrf(page), "comment": comment},
            headers={"User-Agent": user_agent},
        )

    def _messages(self):
        return self.env["mail.message"].search(
            [("model", "=", "helpdesk.ticket"), ("res_id", "=", self.ticket.id)]
        )

    def _owner_partners(self):
        return self.env["res.partner"].search([("email_normalized", "=", "owner@acme.example.com")])

    def _snapshot(self):
        self.env.invalidate_all()
        ticket = self.ticket
        return {
            "state": ticket.engagement_state,
            "token": ticket.engagement_token,
            "write_date": ticket.write_date,
            "messages": len(self._messages()),
            "activities": len(ticket.activity_ids),
            "owner_partners": len(self._owner_partners()),
        }

    def _assert_headers(self, response):
        for header, value in PAGE_HEADERS.items():
            self.assertIn(value, response.headers.get(header, ""), header)

    # ------------------------------------------------------------ GET / HEAD
    def test_get_and_head_change_nothing(self):
        before = self._snapshot()
        for decision in ("approve", "reject", "changes", "delegate", "all", "approve"):
            page = self.url_open(self._url(decision))
            self.assertEqual(page.status_code, 200)
            head = self.url_open(self._url(decision), method="HEAD")
            self.assertEqual(head.status_code, 200)
        self.assertEqual(self._snapshot(), before)

    def test_confirm_page_shows_the_engagement(self):
        page = self.url_open(self._url("approve"))
        self.assertIn(self.ticket.number, page.text)
        self.assertIn("Printer on fire", page.text)
        self.assertIn("Recommendation: replace the fuser unit.<br>Effort: 2 hours.", page.text)
        self.assertIn("Confirm approval", page.text)
        self.assertNotIn("Confirm rejection", page.text)
        self.assertIn('name="comment"', page.text)
        self.assertEqual(page.text.count('type="submit"'), 1)
        self.assertIn(self._url("reject"), page.text, "a link switches the decision")
        self.assertNotIn("<script", page.text)
        self.assertNotRegex(page.text, r'(src|href)="(https?:)?//', "nothing third-party")
        reject = self.url_open(self._url("reject"))
        self.assertIn("Confirm rejection", reject.text)

    def test_confirm_page_escapes_the_summary(self):
        self.round.sudo().summary = "Use <b>care</b>\n<script>alert(1)</script>"
        page = self.url_open(self._url("approve"))
        self.assertIn("Use &lt;b&gt;care&lt;/b&gt;<br>&lt;script&gt;", page.text)
        self.assertNotIn("<script>alert", page.text)

    def test_confirm_page_in_the_owner_language(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["res.partner"].create(
            {"name": "Olivia Owner", "email": "owner@acme.example.com", "lang": "fr_FR"}
        )
        page = self.url_open(self._url("approve"))
        self.assertIn('<html lang="fr-FR">', page.text)

    # ------------------------------------------------------------ POST
    def test_post_approve_records_the_decision_once(self):
        csrf = self._csrf(self.url_open(self._url("reject")))
        response = self._confirm("approve", comment="Go ahead.\nBefore Friday please.")
        self.assertEqual(response.status_code, 200)
        self.assertIn("your decision is recorded", response.text)
        self.assertIn("approved", response.text)
        self._assert_headers(response)

        self.env.invalidate_all()
        ticket = self.ticket
        self.assertEqual(ticket.engagement_state, "approved")
        self.assertFalse(ticket.engagement_token)
        self.assertTrue(ticket.engagement_decided_at)
        self.assertAlmostEqual(ticket.engagement_turnaround_hours, 5.0, delta=0.1)
        self.assertEqual(ticket.engagement_decision_comment, "Go ahead.\nBefore Friday please.")
        self.assertEqual(ticket.engagement_decision_ip, "127.0.0.1")
        self.assertEqual(ticket.engagement_decision_user_agent, "OwnerPhone/1.0")

        owner = self._owner_partners()
        self.assertEqual(len(owner), 1, "the owner's partner is created once")
        self.assertEqual(owner.name, "Olivia Owner")
        message = ticket.engagement_decision_message_id
        self.assertEqual(message.author_id, owner)
        self.assertEqual(message.message_type, "comment")
        self.assertEqual(message.subtype_id, self.env.ref("mail.mt_comment"))
        self.assertFalse(message.is_internal)
        self.assertIn("Approved", message.body)
        self.assertIn("Go ahead.<br>Before Friday please.", message.body)
        self.assertNotIn(owner, ticket.message_partner_ids, "the owner does not follow")

        activity = ticket.activity_ids.filtered(lambda act: act.user_id == self.engineer)
        self.assertEqual(len(activity), 1, "the engineer gets a to-do")
        self.assertIn("Approved", activity.summary)
        self.assertIn("Before Friday please.", activity.note)

        # The link is spent: a second POST and a later GET are told it is closed.
        again = self.url_open(self._url("reject"), data={"csrf_token": csrf, "comment": "x"})
        self.assertEqual(again.status_code, 410)
        self.assertEqual(self.url_open(self._url("reject")).status_code, 410)
        self.env.invalidate_all()
        self.assertEqual(ticket.engagement_state, "approved")
        comments = self._messages().filtered(
            lambda m: m.author_id == owner and m.message_type == "comment"
        )
        self.assertEqual(len(comments), 1)

    def test_engineer_to_do_email_leaves_after_owner_decision(self):
        """The owner decides as the public user (no email address): the
        engineer's "assigned to you" email still has a sender, and leaves."""
        self.assertEqual(self._confirm("approve", comment="Fine").status_code, 200)
        engineer = self.engineer.partner_id
        mails = (
            self.env["mail.mail"]
            .sudo()
            .search(
                [("recipient_ids", "in", engineer.ids), ("subject", "ilike", "assigned to you")]
            )
        )
        self.assertEqual(len(mails), 1, "one to-do email for the engineer")
        self.assertTrue(mails.email_from, "the to-do email has a sender")
        self.assertTrue(mails.author_id.email, "its author has an email address")
        mail_id = mails.id
        with self.mock_smtplib_connection():
            mails.send(raise_exception=True)
        sent = [s for s in self.emails if self.engineer.email in s["smtp_to_list"]]
        self.assertEqual(len(sent), 1, "the engineer's email left over SMTP")
        mail = self.env["mail.mail"].sudo().browse(mail_id).exists()
        if mail:  # kept when not auto-deleted: it must say sent, not exception
            self.assertEqual(mail.state, "sent")
            self.assertFalse(mail.failure_reason)

    def test_second_post_with_the_same_form_is_invalid(self):
        page = self.url_open(self._url("reject"))
        form = {"csrf_token": self._csrf(page), "comment": ""}
        self.assertEqual(self.url_open(self._url("reject"), data=form).status_code, 200)
        again = self.url_open(self._url("approve"), data=form)
        self.assertEqual(again.status_code, 410)
        self.assertIn("It was rejected on", again.text)
        self.env.invalidate_all()
        self.assertEqual(self.ticket.engagement_state, "rejected")

    def test_post_reject_uses_an_existing_owner_partner(self):
        owner = self.env["res.partner"].create(
            {"name": "Olivia O.", "email": "Olivia <OWNER@acme.example.com>"}
        )
        response = self._confirm("reject")
        self.assertEqual(response.status_code, 200)
        self.assertIn("rejected", response.text)
        self.env.invalidate_all()
        ticket = self.ticket
        self.assertEqual(ticket.engagement_state, "rejected")
        self.assertFalse(ticket.engagement_token)
        self.assertFalse(ticket.engagement_decision_comment)
        self.assertEqual(self._owner_partners(), owner, "no duplicate partner")
        self.assertEqual(ticket.engagement_decision_message_id.author_id, owner)
        self.assertIn("Rejected", ticket.engagement_decision_message_id.body)
        self.assertIn("Rejected", ticket.activity_ids.summary)

    def test_owner_sharing_an_address_is_picked_as_odoo_does(self):
        """One contact with the owner's address is taken as is; when several
        share it, Odoo's own ranking decides (the ticket's follower first)."""
        Partner = self.env["res.partner"]
        older = Partner.create({"name": "Olivia (old card)", "email": "owner@acme.example.com"})
        follower = Partner.create({"name": "Olivia O.", "email": "OWNER@acme.example.com"})
        self.ticket.message_subscribe(partner_ids=follower.ids)
        self.assertEqual(self._confirm("approve").status_code, 200)
        self.env.invalidate_all()
        self.assertEqual(self._owner_partners(), older | follower, "no new partner")
        self.assertEqual(self.round.decision_message_id.author_id, follower)
        # Alone with the address, a contact is the owner even if it follows nothing.
        follower.active = False
        second, self.token = self._start_round(self.ticket)
        self.assertEqual(self._confirm("approve").status_code, 200)
        self.assertEqual(second.decision_message_id.author_id, older)

    def test_owner_comment_is_escaped(self):
        comment = "<b>bold</b> <script>alert('x')</script>"
        response = self._confirm("approve", comment=comment)
        self.assertNotIn("<script>alert", response.text)
        self.assertIn("&lt;script&gt;", response.text)
        self.env.invalidate_all()
        body = self.ticket.engagement_decision_message_id.body
        self.assertIn("&lt;b&gt;bold&lt;/b&gt;", body)
        self.assertIn("&lt;script&gt;", body)
        self.assertNotIn("<b>bold", body)
        self.assertNotIn("<script", body)

    def test_post_without_csrf_decides_nothing(self):
        before = self._snapshot()
        with mute_logger("odoo.addons.fusion_helpdesk_central.controllers.main"):
            missing = self.url_open(self._url("approve"), data={"comment": "forged"})
            forged = self.url_open(
                self._url("approve"), data={"comment": "forged", "csrf_token": "0" * 40 + "o9"}
            )
        self.assertEqual(missing.status_code, 400)
        self.assertEqual(forged.status_code, 400)
        for response in (missing, forged):
            self._assert_headers(response)
            self.assertIn("not</strong> recorded", response.text)
        self.assertEqual(self._snapshot(), before)

    def test_only_get_head_and_post_are_answered(self):
        before = self._snapshot()
        for method in ("OPTIONS", "PUT", "DELETE", "PATCH"):
            with self.subTest(method):
                response = self.url_open(self._url("approve"), method=method)
                self.assertEqual(response.status_code, 405)
                self.assertNotIn("Confirm approval", response.text)
                self.assertNotIn("Printer on fire", response.text)
                self._assert_headers(response)
        self.assertEqual(self._snapshot(), before)

    # ------------------------------------------------------------ invalid links
    def test_unusable_links_all_get_the_same_404(self):
        superseded = self.token
        __, live = self._start_round(self.ticket)
        digest = self.ticket.sudo().engagement_token
        cases = [
            ("unknown token", self._url(token=secrets.token_urlsafe(32))),
            ("malformed token", self._url(token="not-a-token")),
            ("truncated token", self._url(token=live[:-1])),
            ("uuid token never sent", self._url(token=str(uuid.uuid4()))),
            ("token with junk", self._url(token=live + "----")),
            ("the stored digest itself", self._url(token=digest)),
            ("bad decision", self._url("maybe", token=live)),
            ("bad decision on a closed link", self._url("maybe", token=superseded)),
        ]
        before = self._snapshot()
        bodies = set()
        for label, url in cases:
            with self.subTest(label):
                response = self.url_open(url)
                self.assertEqual(response.status_code, 404)
                self.assertIn("This link is no longer valid", response.text)
                self._assert_headers(response)
                bodies.add(response.text)
                self.assertEqual(self.url_open(url, method="HEAD").status_code, 404)
        self.assertEqual(len(bodies), 1, "the invalid page tells nothing apart")
        # A form posted to an unusable link decides nothing either.
        csrf = self._csrf(self.url_open(self._url(token=live)))
        for label, url in cases:
            with self.subTest(label, method="POST"):
                response = self.url_open(url, data={"csrf_token": csrf})
                self.assertEqual(response.status_code, 404)
        self.assertEqual(self._snapshot(), before)

    def test_link_mailed_before_the_upgrade_still_decides_once(self):
        """19.0.2.3.0 mailed UUID4 tokens; the migration kept their digest."""
        old_token = str(uuid.uuid4())
        self._start_round(self.ticket, token=old_token)
        self.assertEqual(self.url_open(self._url(token=old_token.upper())).status_code, 404)
        self.token = old_token
        self.assertEqual(self._confirm("approve").status_code, 200)
        self.assertEqual(self.url_open(self._url(token=old_token)).status_code, 410)

    def test_decision_is_tracked_and_kept_on_its_round(self):
        first = self.round
        before = self._messages()
        self._confirm("reject", comment="Too pricey")
        self.env.invalidate_all()
        self.assertEqual(first.state, "rejected")
        self.assertEqual(first.decision_comment, "Too pricey")
        self.assertFalse(first.sudo().token_hash)
        # The ticket's chatter shows the change like any other write, by the
        # owner, next to their comment; the round links to that comment and
        # logs no second line of its own.
        owner = self._owner_partners()
        comment = first.decision_message_id
        chatter = (self._messages() - before).filtered(
            lambda message: message.message_type != "user_notification"  # the to-do's
        )
        self.assertEqual(chatter.author_id, owner)
        self.assertIn(comment, chatter)
        self.assertIn("Too pricey", comment.body)
        self.assertEqual(comment.message_type, "comment")
        self.assertFalse(comment.is_internal)
        tracking = self.ticket.message_ids.tracking_value_ids.filtered(
            lambda value: value.field_id.name == "engagement_state"
        )
        self.assertEqual(len(tracking), 1)
        self.assertEqual(tracking.mail_message_id, chatter - comment)
        self.assertEqual(
            (tracking.old_value_char, tracking.new_value_char), ("Pending", "Rejected")
        )
        self.assertFalse(first.message_ids.tracking_value_ids)
        # What the owner said stays as they said it: nobody rewrites it, not
        # even an administrator (Odoo lets admins edit any other comment).
        rewrite = {"message_id": comment.id, "update_data": {"body": "Approved, go ahead"}}
        self.authenticate(self.engineer.login, self.engineer.login)
        with self.assertRaises(JsonRpcException):  # not the author: not found
            self.make_jsonrpc_request("/mail/message/update_content", rewrite)
        self.authenticate("admin", "admin")
        with (
            self.assertRaises(JsonRpcException),
            self.assertLogs("odoo.http", "WARNING") as logs,
        ):
            self.make_jsonrpc_request("/mail/message/update_content", rewrite)
        self.assertIn("it cannot be changed", logs.output[0])
        with self.assertRaises(UserError):
            self.ticket._message_update_content(comment, body="Approved, go ahead")
        self.env.invalidate_all()
        self.assertIn("Too pricey", comment.body)
        self.assertEqual(first.state, "rejected")
        # Other messages of the ticket stay editable as Odoo allows.
        note = self.ticket.message_post(
            body="Call them first", message_type="comment", subtype_xmlid="mail.mt_note"
        )
        self.ticket._message_update_content(note, body="Call them after 6 pm")
        self.assertIn("after 6 pm", note.body)
        # A new round: the old decision stays, audit included.
        second, token = self._start_round(self.ticket)
        self.token = token
        self._confirm("approve", comment="OK now", user_agent="Tablet/2")
        self.env.invalidate_all()
        self.assertEqual(self.ticket.engagement_ids, first | second)
        self.assertEqual(second.parent_id, first)
        self.assertEqual(
            (first.state, first.decision_comment, first.decision_user_agent),
            ("rejected", "Too pricey", "OwnerPhone/1.0"),
        )
        self.assertEqual((second.state, second.decision_user_agent), ("approved", "Tablet/2"))
        self.assertEqual(self.ticket.engagement_decision_comment, "OK now")
        self.assertEqual(self.ticket.engagement_decision_message_id, second.decision_message_id)

    # ------------------------------------------------------------ headers, errors
    def test_headers_on_every_page(self):
        confirm = self.url_open(self._url("approve"))
        invalid = self.url_open(self._url(token=str(uuid.uuid4())))
        with (
            patch.object(EngagementController, "_engagement_done_values", side_effect=RuntimeError),
            self.assertLogs("odoo.addons.fusion_helpdesk_central.controllers.main", "ERROR"),
        ):
            error = self.url_open(self._url("approve"), data={"csrf_token": self._csrf(confirm)})
        done = self._confirm("approve")
        for name, response in (
            ("confirm", confirm),
            ("done", done),
            ("invalid", invalid),
            ("error", error),
        ):
            with self.subTest(name):
                self._assert_headers(response)
                self.assertIn('name="viewport"', response.text)

    def test_unexpected_failure_shows_the_error_page_without_the_token(self):
        with (
            patch.object(
                EngagementController,
                "_engagement_confirm_values",
                side_effect=RuntimeError("template values exploded"),
            ),
            self.assertLogs(level=logging.WARNING) as logs,
        ):
            response = self.url_open(self._url("approve"))
        self.assertEqual(response.status_code, 500)
        self.assertIn("Something went wrong", response.text)
        formatter = logging.Formatter()
        logged = "\n".join(formatter.format(record) for record in logs.records)
        self.assertIn("template values exploded", logged)
        self.assertNotIn(self.token, logged)

    def test_failure_after_deciding_rolls_the_decision_back(self):
        before = self._snapshot()
        page = self.url_open(self._url("approve"))
        with (
            patch.object(EngagementController, "_engagement_done_values", side_effect=RuntimeError),
            mute_logger("odoo.addons.fusion_helpdesk_central.controllers.main"),
        ):
            response = self.url_open(
                self._url("approve"), data={"csrf_token": self._csrf(page), "comment": "ok"}
            )
        self.assertEqual(response.status_code, 500)
        self.assertIn("not</strong> recorded", response.text)
        self.assertEqual(self._snapshot(), before, "the link still works")
        self.assertEqual(self._confirm("approve").status_code, 200)


@tagged("post_install", "-at_install")
class TestEngagementDecisionRace(HttpCase):
    """Two real transactions race on one link (the HTTP test cursor cannot)."""

    def _commit_pending_ticket(self, token, owner_email):
        db = db_connect(self.env.cr.dbname)
        with closing(db.cursor()) as cr:
            ticket = (
                real_env(cr)["helpdesk.ticket"]
                .with_context(tracking_disable=True)
                .create(
                    {
                        "name": "Race on the approval link",
                        "number": "RACE-%s" % token[:8],
                        "description": "<p>race</p>",
                    }
                )
            )
            real_env(cr)["fusion.helpdesk.engagement"].with_context(tracking_disable=True).create(
                {
                    "ticket_id": ticket.id,
                    "token_hash": hash_token(token),
                    "sent_at": fields.Datetime.now() - timedelta(hours=1),
                    "owner_email": owner_email,
                    "owner_name": "Racing Owner",
                    "summary": "Race summary",
                }
            )
            # Real transactions only see committed rows; _delete_committed undoes it.
            cr.commit()  # pylint: disable=invalid-commit
        self.addCleanup(self._delete_committed, ticket.id, owner_email)
        return ticket.id

    def _delete_committed(self, ticket_id, owner_email):
        db = db_connect(self.env.cr.dbname)
        with closing(db.cursor()) as cr:
            env = real_env(cr)
            delete_committed_tickets(
                env, env["helpdesk.ticket"].browse(ticket_id).with_context(active_test=False)
            )
            env["res.partner"].with_context(active_test=False).search(
                [("email_normalized", "=", owner_email)]
            ).unlink()
            cr.commit()  # pylint: disable=invalid-commit

    def test_two_racing_posts_give_exactly_one_decision(self):
        token = secrets.token_urlsafe(32)
        owner_email = "race-%s@acme.example.com" % token[:8].lower().replace("_", "x")
        ticket_id = self._commit_pending_ticket(token, owner_email)
        db = db_connect(self.env.cr.dbname)
        with closing(db.cursor()) as cr_a, closing(db.cursor()) as cr_b:
            env_a, env_b = real_env(cr_a), real_env(cr_b)
            # B's request is under way: its snapshot still shows the link pending.
            self.assertEqual(env_b["helpdesk.ticket"]._engagement_find_pending(token).id, ticket_id)
            won = env_a["helpdesk.ticket"]._engagement_decide(token, "approve", "A", "10.0.0.1")
            self.assertEqual(won.id, ticket_id)

            # Odoo's retrying() replays B's request: the link is now spent.
            assert_late_racer_loses(
                self,
                cr_a,
                env_b,
                partial(
                    env_b["helpdesk.ticket"]._engagement_decide, token, "reject", "B", "10.0.0.2"
                ),
            )

        with closing(db.cursor()) as cr:
            ticket = real_env(cr)["helpdesk.ticket"].browse(ticket_id)
            self.assertEqual(ticket.engagement_state, "approved")
            self.assertEqual(ticket.engagement_decision_comment, "A")
            self.assertFalse(ticket.engagement_token)
            self.assertAlmostEqual(ticket.engagement_turnaround_hours, 1.0, delta=0.1)
            decisions = ticket.message_ids.filtered(
                lambda message: (
                    message.author_id.email_normalized == owner_email
                    and message.message_type == "comment"
                )
            )
            self.assertEqual(len(decisions), 1, "exactly one decision message")
