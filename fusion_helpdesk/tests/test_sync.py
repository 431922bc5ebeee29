# Copyright 2026 Fusion Helpdesk
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from contextlib import nullcontext
from unittest.mock import patch

import requests

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import API, FusionHelpdeskCommon, messages_url, request_json

UPDATES_URL = API + "/updates"
CURSOR_PARAM = "fusion_helpdesk.sync_cursor"
SYNC_LOGGER = "odoo.addons.fusion_helpdesk.models.fusion_helpdesk_ticket_sync"


def answer_message(message_id, text, author="Eddie Engineer", date="2026-05-27 09:00:00"):
    return {"id": message_id, "author": author, "date": date, "body": "<p>%s</p>" % text}


def decision(message_id, state, comment):
    return {
        "id": message_id,
        "author": "Olivia Owner",
        "date": "2026-05-27 10:30:00",
        "body": "<p>Owner decision</p>",
        "decision": {"state": state, "comment": comment},
    }


def feed_entry(central_id, *messages, stage="In Progress", engagement_state="none", **extra):
    return {
        **extra,
        "id": central_id,
        "number": "HT%05d" % central_id,
        "name": "Ticket %d" % central_id,
        "stage": stage,
        "engagement_state": engagement_state,
        "messages": [{"decision": None, **message} for message in messages],
    }


class SyncCase(FusionHelpdeskCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Reply = cls.env["fusion.helpdesk.ticket.reply"]
        cls.ticket = cls._create_ticket(
            cls.employee, state="sent", central_id=42, central_number="HT00042"
        )
        cls.other_ticket = cls._create_ticket(
            cls.other_employee, "Scanner", state="sent", central_id=43, central_number="HT00043"
        )
        cls.icp.set_param(CURSOR_PARAM, "c1.10")

    def run_sync(self, *pages, down=False):
        """Run the sync against central answering ``pages`` (feed answers) in order."""
        with (
            self.mock_central() as mock,
            patch.object(type(self.env["ir.cron"]), "_commit_progress", return_value=60.0),
            mute_logger(SYNC_LOGGER) if down else nullcontext(),
        ):
            if down:
                mock.get(UPDATES_URL, body=requests.ConnectionError("down"))
                mock.post(messages_url(42), body=requests.ConnectionError("down"))
            for page in pages:
                mock.get(UPDATES_URL, json=page)
            self.Ticket._cron_fusion_helpdesk_sync()
        return mock

    def inbox(self, user):
        """Messages that notified ``user`` about their tickets."""
        return self.env["mail.notification"].search(
            [
                ("res_partner_id", "=", user.partner_id.id),
                ("mail_message_id.model", "=", "fusion.helpdesk.ticket"),
            ]
        )


@tagged("post_install", "-at_install")
class TestSyncCron(SyncCase):
    def test_cron_record(self):
        cron = self.env.ref("fusion_helpdesk.ir_cron_fusion_helpdesk_sync")
        self.assertEqual((cron.interval_number, cron.interval_type), (5, "minutes"))
        self.assertEqual(cron.code.strip(), "model._cron_fusion_helpdesk_sync()")

    def test_one_request_applies_thread_stage_and_approval_and_notifies_the_employee(self):
        page = {
            "cursor": "c1.20",
            "more": False,
            "tickets": [
                feed_entry(
                    42,
                    answer_message(1, "We will replace the fuser."),
                    decision(2, "approved", "Go ahead"),
                    stage="Waiting",
                    engagement_state="approved",
                )
            ],
        }
        mock = self.run_sync(page)

        self.assertEqual(len(mock.calls), 1)
        self.assertEqual(mock.calls[0].request.url, UPDATES_URL + "?after=c1.10&limit=200")
        self.assertEqual(self.icp.get_param(CURSOR_PARAM), "c1.20")
        self.assertRecordValues(
            self.ticket, [{"central_stage": "Waiting", "engagement_state": "approved"}]
        )
        self.assertIn("We will replace the fuser.", self.ticket.thread_html)
        self.assertIn("Go ahead", self.ticket.thread_html)
        notified = self.inbox(self.employee).mail_message_id
        self.assertEqual(len(notified), 2)
        self.assertTrue(all(message.res_id == self.ticket.id for message in notified))
        bodies = " ".join(notified.mapped("body"))
        self.assertIn("answered your ticket HT00042", bodies)
        self.assertIn("We will replace the fuser.", bodies)
        self.assertIn("approved the proposed work on your ticket HT00042", bodies)
        # Nobody else hears about it: not the colleague, not the administrator.
        self.assertFalse(self.inbox(self.other_employee))
        self.assertFalse(self.inbox(self.admin))

    def test_each_decision_is_notified_with_its_own_words(self):
        cases = (
            ("rejected", "rejected the proposed work"),
            ("changes_requested", "asked for changes to the proposed work"),
        )
        for index, (state, words) in enumerate(cases):
            with self.subTest(state=state):
                sequence = 30 + index
                self.run_sync(
                    {
                        "cursor": "c1.%d" % sequence,
                        "tickets": [
                            feed_entry(42, decision(sequence, state, ""), engagement_state=state)
                        ],
                    }
                )
                notified = self.inbox(self.employee).mail_message_id.sorted("id")[-1:]
                self.assertIn(words, notified.body)

    def test_each_approval_change_without_a_message_has_its_own_sentence(self):
        """Central's feed says what became of the request (no public message
        for these): one notice each, in words that say exactly that."""

        def engagement(state, owner="Olivia Owner", **values):
            return {
                "state": state,
                "owner": owner,
                "comment": "",
                "delegated_by": "",
                "auto_approved": False,
                **values,
            }

        cases = (
            ("pending", engagement("pending"), "asked Olivia Owner to approve the proposed work"),
            (
                "pending",
                engagement("pending", "Dana Deputy", delegated_by="Olivia Owner"),
                "Olivia Owner passed the approval of the proposed work on your ticket HT00042 "
                "on to Dana Deputy",
            ),
            (
                "approved",
                engagement("approved", auto_approved=True),
                "approved within your company's pre-approved budget",
            ),
            ("expired", engagement("expired", "Dana Deputy"), "request to Dana Deputy"),
            (
                "changes_requested",
                engagement("changes_requested", comment="Cheaper, please."),
                "Olivia Owner asked for changes",
            ),
        )
        for index, (state, block, words) in enumerate(cases):
            with self.subTest(words=words):
                before = len(self.inbox(self.employee))
                self.run_sync(
                    {
                        "cursor": "c1.%d" % (30 + index),
                        "tickets": [feed_entry(42, engagement_state=state, engagement=block)],
                    }
                )
                notified = self.inbox(self.employee).mail_message_id.sorted("id")
                self.assertEqual(len(notified), before + 1, "one notice")
                self.assertIn(words, notified[-1].body)
                self.assertNotIn("rejected", notified[-1].body)
                self.assertEqual(self.ticket.engagement_owner, block["owner"])
        self.assertIn("Cheaper, please.", notified[-1].body)
        # The same state again (a page applied twice): nothing more to say.
        self.run_sync({"cursor": "c1.99", "tickets": [feed_entry(42, engagement_state=state)]})
        self.assertEqual(len(self.inbox(self.employee)), before + 1)
        self.assertTrue(self.ticket.has_news)
        self.assertFalse(self.other_ticket.has_news)

    def test_employees_cannot_forge_the_news_or_who_was_asked(self):
        for fname, value in (("has_news", True), ("engagement_owner", "Mallory")):
            with self.subTest(fname), self.assertRaises(AccessError):
                self.ticket.with_user(self.employee).write({fname: value})

    def test_a_decision_message_is_one_notice_not_two(self):
        self.run_sync(
            {
                "cursor": "c1.40",
                "tickets": [
                    feed_entry(
                        42,
                        decision(40, "changes_requested", "Cheaper"),
                        engagement_state="changes_requested",
                        engagement={"state": "changes_requested", "owner": "Olivia Owner"},
                    )
                ],
            }
        )
        [notice] = self.inbox(self.employee).mail_message_id
        self.assertIn("asked for changes", notice.body)
        self.assertIn("Cheaper", notice.body)

    def test_messages_already_shown_are_not_notified_again_and_edits_replace(self):
        first = {
            "cursor": "c1.20",
            "tickets": [feed_entry(42, answer_message(1, "First answer"))],
        }
        self.run_sync(first)
        again = {
            "cursor": "c1.21",
            "tickets": [
                feed_entry(42, answer_message(1, "First answer, edited")),
                feed_entry(43, answer_message(5, "Oscar's answer")),
            ],
        }
        self.run_sync(again)
        self.assertEqual(len(self.inbox(self.employee)), 1)
        self.assertEqual(len(self.inbox(self.other_employee)), 1)
        self.assertIn("First answer, edited", self.ticket.thread_html)
        self.assertEqual(len(self.ticket.thread_messages), 1)

    def test_pages_are_followed_and_each_cursor_stored(self):
        mock = self.run_sync(
            {"cursor": "c1.15", "more": True, "tickets": [feed_entry(42, answer_message(1, "A"))]},
            {"cursor": "c1.19", "more": False, "tickets": [feed_entry(43, answer_message(2, "B"))]},
        )
        self.assertEqual(
            [call.request.url for call in mock.calls],
            [UPDATES_URL + "?after=c1.10&limit=200", UPDATES_URL + "?after=c1.15&limit=200"],
        )
        self.assertEqual(self.icp.get_param(CURSOR_PARAM), "c1.19")
        self.assertIn(">A<", self.ticket.thread_html)
        self.assertIn(">B<", self.other_ticket.thread_html)

    def test_central_down_loses_nothing(self):
        mock = self.run_sync(down=True)
        self.assertEqual(len(mock.calls), 1)
        self.assertEqual(self.icp.get_param(CURSOR_PARAM), "c1.10")
        self.run_sync({"cursor": "c1.30", "tickets": [feed_entry(42, answer_message(1, "Back"))]})
        self.assertEqual(self.icp.get_param(CURSOR_PARAM), "c1.30")
        self.assertEqual(len(self.inbox(self.employee)), 1)

    def test_first_sync_after_an_upgrade_does_not_notify_what_was_seen(self):
        self.icp.set_param(CURSOR_PARAM, "")
        self.ticket.write({"thread_refreshed_at": "2026-05-27 12:00:00"})
        mock = self.run_sync(
            {
                "cursor": "c1.3",
                "tickets": [
                    feed_entry(
                        42,
                        answer_message(1, "Seen at the last refresh"),
                        answer_message(2, "Posted later", date="2026-05-28 08:00:00"),
                    )
                ],
            }
        )
        self.assertEqual(mock.calls[0].request.url, UPDATES_URL + "?limit=200")
        notified = self.inbox(self.employee).mail_message_id
        self.assertEqual(len(notified), 1)
        self.assertIn("Posted later", notified.body)
        self.assertIn("Seen at the last refresh", self.ticket.thread_html)

    def test_refresh_on_open_is_kept_and_feeds_the_merge(self):
        with self.mock_central() as mock:
            mock.get(
                messages_url(42),
                json={
                    "ticket": {"id": 42, "stage": "New", "engagement_state": "pending"},
                    "messages": [{"decision": None, **answer_message(1, "Seen on open")}],
                },
            )
            self.ticket.with_user(self.employee).action_refresh_thread()
        self.assertEqual(self.ticket.engagement_state, "pending")
        self.run_sync({"cursor": "c1.11", "tickets": [feed_entry(42, answer_message(1, "x"))]})
        self.assertFalse(self.inbox(self.employee))

    def test_not_configured_asks_nothing(self):
        self.icp.set_param("fusion_helpdesk.client_key", "")
        mock = self.run_sync()
        self.assertFalse(mock.calls)

    def test_the_cron_commits_each_page(self):
        cron = self.env.ref("fusion_helpdesk.ir_cron_fusion_helpdesk_sync")
        commits = []
        real = type(self.env["ir.cron"])._commit_progress

        def commit_progress(model, processed=0, **kwargs):
            commits.append((processed, model.env["ir.config_parameter"].get_param(CURSOR_PARAM)))
            return real(model, processed, **kwargs)

        with (
            self.mock_central() as mock,
            patch.object(type(self.env["ir.cron"]), "_commit_progress", commit_progress),
            self.enter_registry_test_mode(),
        ):
            mock.get(UPDATES_URL, json={"cursor": "c1.15", "more": True, "tickets": []})
            mock.get(UPDATES_URL, json={"cursor": "c1.16", "more": False, "tickets": []})
            cron.method_direct_trigger()
        self.assertEqual(commits, [(0, "c1.15"), (0, "c1.16")])


@tagged("post_install", "-at_install")
class TestReplies(SyncCase):
    def reply(self, user=None, ticket=None, body="It happens again <b>today</b>."):
        user = user or self.employee
        ticket = ticket or self.ticket
        return self.Reply.with_user(user).create({"ticket_id": ticket.id, "body": body})

    def test_reply_is_sent_with_the_employee_as_author_and_refreshes_the_thread(self):
        reply = self.reply()
        with self.mock_central() as mock:
            mock.post(messages_url(42), json={"id": 77}, status=201)
            mock.get(
                messages_url(42),
                json={
                    "ticket": {"id": 42},
                    "messages": [{"decision": None, **answer_message(77, "It happens again")}],
                },
            )
            action = reply.with_user(self.employee).action_send()
        self.assertEqual(action["params"]["type"], "success")
        sent = request_json(mock.calls[0])
        self.assertEqual(
            {key: sent[key] for key in ("body", "author_name", "author_email")},
            {
                "body": "It happens again <b>today</b>.",
                "author_name": "Erin Employee",
                "author_email": "erin@acme.example.com",
            },
        )
        self.assertEqual(len(sent["idempotency_key"]), 32)
        self.assertRecordValues(reply, [{"state": "sent", "central_message_id": 77}])
        self.assertIn("It happens again", self.ticket.thread_html)
        # Their own reply coming back in the feed is no news to them.
        self.run_sync({"cursor": "c1.11", "tickets": [feed_entry(42, answer_message(77, "x"))]})
        self.assertFalse(self.inbox(self.employee))

    def test_central_down_keeps_the_reply_and_the_cron_sends_it_once_before_fetching(self):
        reply = self.reply()
        with self.mock_central() as mock:
            mock.post(messages_url(42), body=requests.ConnectionError("down"))
            action = reply.with_user(self.employee).action_send()
        self.assertEqual(action["params"]["type"], "warning")
        self.assertEqual(reply.state, "queued")
        first_key = request_json(mock.calls[0])["idempotency_key"]

        # Still down: the cron does not ask for updates either.
        mock = self.run_sync(down=True)
        self.assertEqual([call.request.method for call in mock.calls], ["POST"])
        self.assertEqual(reply.state, "queued")

        with (
            self.mock_central() as mock,
            patch.object(type(self.env["ir.cron"]), "_commit_progress", return_value=60.0),
        ):
            mock.post(messages_url(42), json={"id": 78}, status=201)
            mock.get(UPDATES_URL, json={"cursor": "c1.11", "tickets": []})
            self.Ticket._cron_fusion_helpdesk_sync()
        self.assertEqual([call.request.method for call in mock.calls], ["POST", "GET"])
        self.assertEqual(request_json(mock.calls[0])["idempotency_key"], first_key)
        self.assertRecordValues(reply, [{"state": "sent", "central_message_id": 78}])

    def test_a_reply_answered_by_something_else_than_the_api_is_retried_not_refused(self):
        """Central's database failed for a moment: its Odoo answers an HTML 404
        (or 403, 502...). Only the API's own JSON error is a refusal: the reply
        stays queued, the employee is told it will be retried, and the cron
        sends it again with the same idempotency key."""
        cases = [
            (404, "text/html; charset=utf-8", "<!DOCTYPE html><title>404: Not Found</title>"),
            (403, "text/html; charset=utf-8", "<html><body>Forbidden</body></html>"),
            (404, "application/json", "not json"),
            (502, "text/html", "<html>Bad Gateway</html>"),
        ]
        for number, (status, content_type, body) in enumerate(cases, start=80):
            with self.subTest(status=status, content_type=content_type):
                reply = self.reply(body="Reply %d" % number)
                with self.mock_central() as mock:
                    mock.post(messages_url(42), body=body, status=status, content_type=content_type)
                    action = reply.with_user(self.employee).action_send()
                self.assertEqual(action["params"]["type"], "warning")
                self.assertIn("will be retried automatically", action["params"]["message"])
                self.assertNotIn("Settings", action["params"]["message"])
                self.assertNotIn("URL", action["params"]["message"])
                self.assertEqual(reply.state, "queued")
                self.assertIn("will be retried automatically", reply.last_error)
                first_key = request_json(mock.calls[0])["idempotency_key"]

                with (
                    self.mock_central() as mock,
                    patch.object(type(self.env["ir.cron"]), "_commit_progress", return_value=60.0),
                ):
                    mock.post(messages_url(42), json={"id": number}, status=201)
                    mock.get(UPDATES_URL, json={"cursor": "c1.%d" % number, "tickets": []})
                    self.Ticket._cron_fusion_helpdesk_sync()
                [resent] = self.central_calls(mock, messages_url(42))
                self.assertEqual(request_json(resent)["idempotency_key"], first_key)
                self.assertRecordValues(reply, [{"state": "sent", "central_message_id": number}])

    def test_the_apis_own_not_found_is_final(self):
        reply = self.reply()
        with self.mock_central() as mock:
            self.central_refuses(
                mock, 404, "No such ticket for this client key.", url=messages_url(42)
            )
            action = reply.with_user(self.employee).action_send()
        self.assertEqual(action["params"]["type"], "danger")
        self.assertEqual(reply.state, "failed")
        self.assertIn("does not know this ticket", reply.last_error)

    def test_a_refused_reply_is_kept_and_not_sent_again(self):
        reply = self.reply()
        with self.mock_central() as mock:
            self.central_refuses(mock, 400, "Too long.", field="body", url=messages_url(42))
            action = reply.with_user(self.employee).action_send()
        self.assertEqual(action["params"]["type"], "danger")
        self.assertEqual(reply.state, "failed")
        mock = self.run_sync({"cursor": "c1.11", "tickets": []})
        self.assertEqual([call.request.method for call in mock.calls], ["GET"])

    def test_nobody_answers_someone_elses_ticket_or_an_unsent_one(self):
        with self.assertRaises(AccessError):
            self.reply(user=self.other_employee)
        draft = self._create_ticket(self.employee, "Draft")
        with self.assertRaises(UserError):
            self.reply(ticket=draft)
        with self.assertRaises(UserError):
            self.reply(body="   ")

    def test_employees_cannot_forge_the_sending_status_or_the_key(self):
        reply = self.Reply.with_user(self.employee).create(
            {
                "ticket_id": self.ticket.id,
                "body": "Hello",
                "state": "sent",
                "idempotency_key": "someone-elses-key",
                "central_message_id": 5,
                "user_id": self.other_employee.id,
            }
        )
        self.assertRecordValues(
            reply.sudo(),
            [{"state": "queued", "central_message_id": 0, "user_id": self.employee.id}],
        )
        self.assertNotEqual(reply.sudo().idempotency_key, "someone-elses-key")
        with self.assertRaises(AccessError):
            reply.with_user(self.employee).write({"state": "sent"})
        with self.assertRaises(AccessError):
            reply.with_user(self.employee).read(["idempotency_key"])
        with self.assertRaises(AccessError):
            self.ticket.with_user(self.employee).write({"thread_messages": []})
        # A colleague cannot even read it.
        with self.assertRaises(AccessError):
            reply.with_user(self.other_employee).read(["body"])

    def test_reply_dialog_opens_on_the_ticket(self):
        action = self.ticket.with_user(self.employee).action_open_reply()
        self.assertEqual(action["res_model"], "fusion.helpdesk.ticket.reply")
        self.assertEqual(action["context"], {"default_ticket_id": self.ticket.id})


@tagged("post_install", "-at_install")
class TestSyncSettings(SyncCase):
    def test_the_interval_is_set_in_minutes_from_the_settings(self):
        cron = self.env.ref("fusion_helpdesk.ir_cron_fusion_helpdesk_sync")
        settings = self.env["res.config.settings"].with_user(self.admin).create({})
        self.assertEqual(settings.fusion_helpdesk_sync_interval, 5)
        settings.fusion_helpdesk_sync_interval = 15
        settings.execute()
        self.assertEqual((cron.interval_number, cron.interval_type), (15, "minutes"))
