# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The owner's decision stays as they gave it, and nobody speaks in a client
contact's name: attacks over JSON-RPC (``call_kw``) and ``/json/2`` by the
engineer, the helpdesk manager and the administrator, and the mail gateway."""

import re

from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.base.tests.common import MockSmtplibCase

from .common import call_kw_error, json2, live_token
from .test_sync_api import SyncApiCase

CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')
USER_ERROR = "odoo.exceptions.UserError"
ACCESS_ERROR = "odoo.exceptions.AccessError"

OWNER_EMAIL_REPLY = """\
From: Olivia Owner <owner@acme.example.com>
To: support@central.example.com
Subject: Re: Printer on fire
Message-ID: <owner-reply-{tag}@acme.example.com>
Date: Fri, 04 Dec 2026 10:00:00 +0000
Content-Type: text/plain; charset="utf-8"

Thanks, the printer works again ({tag}).
"""


@tagged("post_install", "-at_install")
class TestDecisionAuthorship(SyncApiCase, MockSmtplibCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.admin = cls.env.ref("base.user_admin")
        # A follower: each public message (the decision too) is emailed to them.
        cls.follower = cls.env["res.partner"].create(
            {"name": "Fiona Follower", "email": "fiona@acme.example.com"}
        )
        cls.ticket.message_subscribe(partner_ids=cls.follower.ids)

    def setUp(self):
        super().setUp()
        # The real path: the engineer sends the request through the wizard,
        # the owner decides on the page the email links to.
        wizard = (
            self.env["fusion.helpdesk.engagement.wizard"]
            .with_user(self.engineer)
            .with_context(active_model="helpdesk.ticket", active_ids=self.ticket.ids)
            .create({"findings": "Effort: 2h", "summary": "Replace the fuser."})
        )
        wizard.action_send()
        token = live_token(self.env["mail.mail"].sudo().search([], order="id desc", limit=1))
        url = "/fusion_helpdesk/engagement/%s/approve" % token
        page = self.url_open(url)
        csrf = CSRF_INPUT.search(page.text).group(1)
        answer = self.url_open(url, data={"csrf_token": csrf, "comment": "Go ahead"})
        self.assertEqual(answer.status_code, 200)
        self.env.invalidate_all()
        self.round = self.ticket.engagement_id
        self.decision = self.round.decision_message_id
        self.assertTrue(self.decision)
        self.owner = self.decision.author_id
        self.assertEqual(self.owner.email_normalized, "owner@acme.example.com")

    # ------------------------------------------------------------ helpers
    def _attackers(self):
        return (
            ("engineer", self.engineer),
            ("manager", self.manager),
            ("admin", self.admin),
        )

    def assertDecisionIntact(self):
        self.env.invalidate_all()
        self.assertTrue(self.decision.exists())
        self.assertIn("Approved", self.decision.body)
        self.assertIn("Go ahead", self.decision.body)
        self.assertEqual(self.decision.author_id, self.owner)
        self.assertEqual(
            (self.decision.model, self.decision.res_id), ("helpdesk.ticket", self.ticket.id)
        )
        self.assertEqual(self.decision.message_type, "comment")
        self.assertFalse(self.decision.is_internal)
        self.assertEqual(self.round.decision_message_id, self.decision)

    # ------------------------------------------------------------ immutability
    @mute_logger("odoo.http")
    def test_nobody_rewrites_or_deletes_the_decision_over_call_kw(self):
        note = self.ticket.with_user(self.engineer).message_post(
            body="Checked", message_type="comment", subtype_xmlid="mail.mt_note"
        )
        other_subtype = self.env.ref("mail.mt_note")
        rewrites = {
            "body": {"body": "<p>Owner decision: Rejected</p>"},
            "author": {"author_id": self.engineer.partner_id.id},
            "attachments": {
                "attachment_ids": [(0, 0, {"name": "forged.txt", "datas": "eA=="})],
            },
            "message type": {"message_type": "notification"},
            "subtype": {"subtype_id": other_subtype.id},
            "internal": {"is_internal": True},
            "moved": {"res_id": self.other_ticket.id},
        }
        for label, user in self._attackers():
            for field, values in rewrites.items():
                with self.subTest(user=label, field=field):
                    self.assertEqual(
                        call_kw_error(
                            self, user, "mail.message", "write", self.decision.ids, values
                        ),
                        USER_ERROR,
                    )
            with self.subTest(user=label, field="unlink"):
                self.assertEqual(
                    call_kw_error(self, user, "mail.message", "unlink", self.decision.ids),
                    USER_ERROR,
                )
            with self.subTest(user=label, field="unlink with another message"):
                self.assertEqual(
                    call_kw_error(self, user, "mail.message", "unlink", (note | self.decision).ids),
                    USER_ERROR,
                )
        self.assertDecisionIntact()
        self.assertTrue(note.exists())
        # Starring it (one's own bookmark) changes nothing of what was decided.
        self.assertIsNone(
            call_kw_error(
                self, self.engineer, "mail.message", "toggle_message_starred", self.decision.ids
            )
        )

    def test_nobody_rewrites_or_deletes_the_decision_over_json2(self):
        for label, user in self._attackers():
            with self.subTest(user=label), mute_logger("odoo.http"):
                write = json2(
                    self,
                    user,
                    "mail.message",
                    "write",
                    ids=self.decision.ids,
                    vals={"body": "<p>Owner decision: Rejected</p>"},
                )
                self.assertEqual(write.status_code, 422, write.text)
                self.assertEqual(write.json()["name"], USER_ERROR)
                unlink = json2(self, user, "mail.message", "unlink", ids=self.decision.ids)
                self.assertEqual(unlink.status_code, 422, unlink.text)
        self.assertDecisionIntact()

    @mute_logger("odoo.http")
    def test_nor_through_its_round_or_its_ticket(self):
        forged = self.ticket.with_user(self.engineer).message_post(
            body="Owner decision: Rejected", message_type="comment", subtype_xmlid="mail.mt_comment"
        )
        for label, user in self._attackers():
            with self.subTest(user=label):
                # Pointing the round or the ticket at another message.
                self.assertEqual(
                    call_kw_error(
                        self,
                        user,
                        "fusion.helpdesk.engagement",
                        "write",
                        self.round.ids,
                        {"decision_message_id": forged.id},
                    ),
                    ACCESS_ERROR,
                )
                # Deleting the round would leave an ordinary, editable message.
                self.assertEqual(
                    call_kw_error(
                        self, user, "fusion.helpdesk.engagement", "unlink", self.round.ids
                    ),
                    USER_ERROR if user == self.admin else ACCESS_ERROR,
                )
        # Deleting the ticket deletes its messages: refused, for the admin too.
        self.assertEqual(
            call_kw_error(self, self.admin, "helpdesk.ticket", "unlink", self.ticket.ids),
            USER_ERROR,
        )
        self.assertDecisionIntact()
        self.assertTrue(self.ticket.exists())

    def test_superuser_code_cannot_rewrite_it_either(self):
        for attempt in (
            lambda: self.decision.sudo().write({"body": "<p>Owner decision: Rejected</p>"}),
            self.decision.sudo().unlink,
            lambda: self.ticket.sudo()._message_update_content(self.decision, body="Rejected"),
        ):
            with self.subTest(attempt=attempt), self.assertRaises(UserError):
                attempt()
        self.assertDecisionIntact()

    # ------------------------------------------------------------ authorship
    @mute_logger("odoo.http")
    def test_nobody_posts_in_the_name_of_the_owner_or_the_requester(self):
        # A contact made up to look like the owner (the client sees names only).
        lookalike = self.env["res.partner"].create(
            {"name": "Olivia Owner", "email": "olivia.owner@evil.example"}
        )
        contacts = (
            ("owner", self.owner),
            ("requester", self.requester),
            ("look-alike", lookalike),
        )
        before = self.env["mail.message"].search_count([])
        for label, user in self._attackers():
            for contact_label, contact in contacts:
                with self.subTest(user=label, contact=contact_label):
                    self.assertEqual(
                        call_kw_error(
                            self,
                            user,
                            "helpdesk.ticket",
                            "message_post",
                            self.ticket.ids,
                            body="Owner decision: Approved",
                            message_type="comment",
                            subtype_xmlid="mail.mt_comment",
                            author_id=contact.id,
                        ),
                        ACCESS_ERROR,
                    )
                    self.assertEqual(
                        call_kw_error(
                            self,
                            user,
                            "mail.message",
                            "create",
                            {
                                "model": "helpdesk.ticket",
                                "res_id": self.ticket.id,
                                "body": "Owner decision: Approved",
                                "message_type": "comment",
                                "author_id": contact.id,
                            },
                        ),
                        ACCESS_ERROR,
                    )
                    post = json2(
                        self,
                        user,
                        "helpdesk.ticket",
                        "message_post",
                        ids=self.ticket.ids,
                        body="Owner decision: Approved",
                        message_type="comment",
                        author_id=contact.id,
                    )
                    self.assertEqual(post.status_code, 403, post.text)
                    self.assertEqual(post.json()["name"], ACCESS_ERROR)
            # Signing an existing message of one's own as the owner.
            own = self.ticket.with_user(user).message_post(
                body="We will come tomorrow",
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
            with self.subTest(user=label, contact="rewritten author"):
                self.assertEqual(
                    call_kw_error(
                        self, user, "mail.message", "write", own.ids, {"author_id": self.owner.id}
                    ),
                    ACCESS_ERROR,
                )
                self.assertEqual(own.author_id, user.partner_id)
        self.assertEqual(self.env["mail.message"].search_count([]), before + 3)
        self.assertFalse(
            self.ticket._fusion_thread_messages().filtered(
                lambda message: message.author_id == self.owner and message != self.decision
            )
        )

    def test_people_still_post_as_themselves_a_colleague_or_the_company(self):
        for author in (self.engineer, self.manager, self.env.company):
            with self.subTest(author=author.name):
                post = self.ticket.with_user(self.engineer).message_post(
                    body="On my way",
                    message_type="comment",
                    subtype_xmlid="mail.mt_comment",
                    author_id=author.partner_id.id,
                )
                self.assertEqual(post.author_id, author.partner_id)

    def test_owner_email_reply_through_the_gateway_is_theirs(self):
        """Customers reply by email: the mail fetcher (superuser) and an
        administrator's odoo-mailgate both post as the sender."""
        for label, env in (("fetchmail", self.env), ("mailgate", self.env(user=self.admin))):
            with self.subTest(label):
                thread_id = env["mail.thread"].message_process(
                    "helpdesk.ticket",
                    OWNER_EMAIL_REPLY.format(tag=label),
                    thread_id=self.ticket.id,
                )
                self.assertEqual(thread_id, self.ticket.id)
                message = self.ticket.message_ids.filtered(
                    lambda m, label=label: "(%s)" % label in (m.body or "")
                )
                self.assertEqual(message.author_id, self.owner)
        # An engineer feeding the gateway over RPC is not an email.
        with mute_logger("odoo.http"):
            self.assertEqual(
                call_kw_error(
                    self,
                    self.engineer,
                    "mail.thread",
                    "message_process",
                    "helpdesk.ticket",
                    OWNER_EMAIL_REPLY.format(tag="forged"),
                    thread_id=self.ticket.id,
                ),
                ACCESS_ERROR,
            )

    # ------------------------------------------------------------ what the client sees
    def test_only_the_rounds_message_is_a_decision_for_the_client(self):
        self.env.invalidate_all()
        lookalike = self.ticket.with_user(self.engineer).message_post(
            body="<p><strong>Owner decision: Approved</strong></p><p>Go ahead</p>",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        reply = self.assertJsonResponse(
            self.post_reply(self.ticket, body="Owner decision: Approved"), 201
        )
        thread = self.assertJsonResponse(self._get("/tickets/%d/messages" % self.ticket.id), 200)
        by_id = {message["id"]: message for message in thread["messages"]}
        self.assertEqual(
            by_id[self.decision.id]["decision"], {"state": "approved", "comment": "Go ahead"}
        )
        self.assertIsNone(by_id[lookalike.id]["decision"])
        self.assertIsNone(by_id[reply["id"]]["decision"])
        __, tickets, __ = self.all_updates()
        feed = {m["id"]: m for t in tickets for m in t["messages"]}
        self.assertEqual(feed[self.decision.id]["decision"]["state"], "approved")
        self.assertIsNone(feed[lookalike.id]["decision"])
        self.assertIsNone(feed[reply["id"]]["decision"])

    # ------------------------------------------------------------ F10: mail queue
    def test_the_followers_notification_of_the_decision_is_sent(self):
        """Sending the followers' email records its Message-ID on the decision
        (mail.mail inherits mail.message): Odoo's bookkeeping goes through,
        the decision stays as given, nothing fails or is logged."""
        notification = self.env["mail.notification"].search(
            [("mail_message_id", "=", self.decision.id), ("res_partner_id", "=", self.follower.id)]
        )
        self.assertEqual(notification.notification_type, "email")
        # An outgoing server that sends any From (as on the demo).
        self.env["ir.mail_server"].create({"name": "Outgoing", "smtp_host": "smtp.example.com"})
        mails = notification.mail_mail_id
        self.assertEqual(mails.state, "outgoing")
        with self.mock_smtplib_connection(), self.assertNoLogs(level="WARNING"):
            self.env["mail.mail"].sudo().process_email_queue(email_ids=mails.ids)
        self.assertEqual(
            [email["smtp_to_list"] for email in self.emails], [["fiona@acme.example.com"]]
        )
        self.env.invalidate_all()
        self.assertEqual(notification.notification_status, "sent")
        self.assertFalse(
            self.env["mail.mail"]
            .sudo()
            .search([("mail_message_id", "=", self.decision.id), ("state", "!=", "sent")])
        )
        self.assertDecisionIntact()

    # ------------------------------------------------------------ F1: email_from
    @mute_logger("odoo.http")
    def test_nobody_posts_from_the_owners_address_without_author(self):
        owner_from = '"Olivia Owner" <owner@acme.example.com>'
        before = self.env["mail.message"].search_count([])
        for label, user in self._attackers():
            own_address_owner_name = '"Olivia Owner" <%s>' % user.email_normalized
            attempts = {
                "post without author": (
                    "helpdesk.ticket",
                    "message_post",
                    self.ticket.ids,
                    {"author_id": False, "email_from": owner_from},
                ),
                "post as oneself from the owner's address": (
                    "helpdesk.ticket",
                    "message_post",
                    self.ticket.ids,
                    {"email_from": owner_from, "author_id": user.partner_id.id},
                ),
                "post under the owner's name": (
                    "helpdesk.ticket",
                    "message_post",
                    self.ticket.ids,
                    {"email_from": own_address_owner_name},
                ),
                "post on the round as the owner": (
                    "fusion.helpdesk.engagement",
                    "message_post",
                    self.round.ids,
                    {"author_id": self.owner.id},
                ),
                "post on the round without author": (
                    "fusion.helpdesk.engagement",
                    "message_post",
                    self.round.ids,
                    {"author_id": False, "email_from": owner_from},
                ),
            }
            if user != self.engineer:  # the engineer cannot read client keys at all
                attempts["post on the client key without author"] = (
                    "fusion.helpdesk.client.key",
                    "message_post",
                    self.client_key.ids,
                    {"author_id": False, "email_from": owner_from},
                )
            for what, (model, method, ids, extra) in attempts.items():
                with self.subTest(user=label, attempt=what):
                    kwargs = dict(
                        body="Owner decision: Approved",
                        message_type="comment",
                        subtype_xmlid="mail.mt_comment",
                        **extra,
                    )
                    self.assertEqual(
                        call_kw_error(self, user, model, method, ids, **kwargs), ACCESS_ERROR
                    )
            for what, values in (
                ("create without author", {"author_id": False, "email_from": owner_from}),
                ("create with the default author", {"email_from": owner_from}),
            ):
                with self.subTest(user=label, attempt=what):
                    values = dict(
                        model="helpdesk.ticket",
                        res_id=self.ticket.id,
                        body="Owner decision: Approved",
                        message_type="comment",
                        **values,
                    )
                    self.assertEqual(
                        call_kw_error(self, user, "mail.message", "create", values), ACCESS_ERROR
                    )
            own = self.ticket.with_user(user).message_post(
                body="We will come tomorrow",
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
            for what, values in (
                ("rewrite email_from", {"email_from": owner_from}),
                ("drop the author", {"author_id": False, "email_from": owner_from}),
            ):
                with self.subTest(user=label, attempt=what):
                    self.assertEqual(
                        call_kw_error(self, user, "mail.message", "write", own.ids, values),
                        ACCESS_ERROR,
                    )
            self.assertEqual(own.email_from, user.partner_id.email_formatted)
        self.assertEqual(self.env["mail.message"].search_count([]), before + 3)

    def test_odoo_fills_the_author_and_the_company_speaks_from_its_address(self):
        company = self.env.company
        company.email = "support@provider.example.com"
        ticket = self.ticket.with_user(self.engineer)
        post = ticket.message_post(
            body="On my way", message_type="comment", subtype_xmlid="mail.mt_comment"
        )
        self.assertEqual(post.author_id, self.engineer.partner_id)
        self.assertEqual(post.email_from, self.engineer.partner_id.email_formatted)
        for author_id in (company.partner_id.id, None, self.engineer.partner_id.id):
            with self.subTest(author_id=author_id):
                post = ticket.message_post(
                    body="From the company",
                    message_type="comment",
                    subtype_xmlid="mail.mt_comment",
                    author_id=author_id,
                    email_from=company.email_formatted,
                )
                self.assertEqual(post.email_from, company.email_formatted)

    def test_the_thread_api_names_no_author_from_email_from(self):
        """The gateway (superuser) may store an email without author; the
        client is not told a name anyone could have typed."""
        unknown = self.ticket.sudo().message_post(
            body="Hello",
            message_type="email",
            subtype_xmlid="mail.mt_comment",
            author_id=False,
            email_from='"Olivia Owner" <owner@acme.example.com>',
        )
        thread = self.assertJsonResponse(self._get("/tickets/%d/messages" % self.ticket.id), 200)
        by_id = {message["id"]: message for message in thread["messages"]}
        self.assertEqual(by_id[unknown.id]["author"], "Unknown sender")
        self.assertEqual(by_id[self.decision.id]["author"], "Olivia Owner")

    # ------------------------------------------------------------ F3: history
    def _history(self):
        self.env.invalidate_all()
        tracking = self.ticket.message_ids.filtered("tracking_value_ids")
        sent_note = self.ticket.message_ids.filtered(
            lambda message: "Owner approval requested" in (message.body or "")
        )
        self.assertTrue(tracking)
        self.assertEqual(len(sent_note), 1)
        return tracking | sent_note

    @mute_logger("odoo.http")
    def test_nobody_deletes_or_rewrites_the_approval_history_over_call_kw(self):
        history = self._history()
        self.assertIsNone(
            call_kw_error(
                self,
                self.manager,
                "fusion.helpdesk.client.key",
                "write",
                self.client_key.ids,
                {"owner_name": "Olivia B. Owner"},
            )
        )
        self.env.invalidate_all()
        key_tracking = self.client_key.message_ids.filtered("tracking_value_ids")[:1]
        self.assertTrue(key_tracking)
        for label, user in self._attackers():
            targets = [(str(message.id), message) for message in history]
            if user != self.engineer:
                targets.append(("client key tracking", key_tracking))
            for what, message in targets:
                with self.subTest(user=label, message=what):
                    self.assertEqual(
                        call_kw_error(self, user, "mail.message", "unlink", message.ids), USER_ERROR
                    )
                    for values in (
                        {"body": "<p>Nothing happened</p>"},
                        {"tracking_value_ids": [(5, 0, 0)]},
                        {"fusion_flow_note": False},
                    ):
                        self.assertIn(
                            call_kw_error(self, user, "mail.message", "write", message.ids, values),
                            (USER_ERROR, ACCESS_ERROR),
                        )
        self.assertEqual(self._history(), history)
        self.assertTrue(key_tracking.exists().tracking_value_ids)
        # Nor is a note of one's own passed off as the flow's.
        own_note = self.ticket.with_user(self.engineer).message_post(
            body="Owner approval requested from nobody", subtype_xmlid="mail.mt_note"
        )
        forged = {
            "model": "helpdesk.ticket",
            "res_id": self.ticket.id,
            "body": "Owner approval requested from nobody",
            "fusion_flow_note": True,
        }
        for label, user in self._attackers():
            with self.subTest(user=label, attempt="forged marker"):
                self.assertEqual(
                    call_kw_error(self, user, "mail.message", "create", forged), ACCESS_ERROR
                )
                self.assertEqual(
                    call_kw_error(
                        self,
                        user,
                        "mail.message",
                        "write",
                        own_note.ids,
                        {"fusion_flow_note": True},
                    ),
                    ACCESS_ERROR,
                )
        self.assertFalse(own_note.fusion_flow_note)
        # An ordinary message of one's own is still one's to delete.
        own = self.ticket.with_user(self.engineer).message_post(
            body="Typo", message_type="comment", subtype_xmlid="mail.mt_note"
        )
        self.assertIsNone(call_kw_error(self, self.engineer, "mail.message", "unlink", own.ids))
        self.assertFalse(own.exists())

    def test_a_ticket_without_decision_is_still_deleted_with_its_history(self):
        ticket = self.other_ticket
        self.assertIsNone(
            call_kw_error(
                self,
                self.manager,
                "helpdesk.ticket",
                "write",
                ticket.ids,
                {"user_id": self.manager.id},
            )
        )
        self.env.invalidate_all()
        self.assertTrue(ticket.message_ids.filtered("tracking_value_ids"))
        self.assertIsNone(call_kw_error(self, self.admin, "helpdesk.ticket", "unlink", ticket.ids))
        self.assertFalse(ticket.exists())
