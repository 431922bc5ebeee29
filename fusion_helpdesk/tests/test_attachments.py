# Copyright 2026 Fusion Helpdesk
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Employees attach files to tickets and replies, and download the files of
the support conversation through this Odoo (central mocked at the HTTP layer)."""

import base64

from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from .common import API, TICKETS_URL, FusionHelpdeskCommon, messages_url, request_json
from .test_sync import SyncCase

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
LOG = b"2026-12-04 10:00:01 ERROR tray 2 jammed\n"
MB = 1024 * 1024
TICKET_LOGGER = "odoo.addons.fusion_helpdesk.models.fusion_helpdesk_ticket"


def chosen(name, raw, mimetype=""):
    """A file as the submit dialog sends it."""
    return {"name": name, "mimetype": mimetype, "data": base64.b64encode(raw).decode()}


def central_file(attachment_id, name="screen.png", size=40, mimetype="image/png"):
    return {"id": attachment_id, "name": name, "size": size, "mimetype": mimetype}


def attachment_url(central_id, attachment_id):
    return "%s/tickets/%d/attachments/%d" % (API, central_id, attachment_id)


@tagged("post_install", "-at_install")
class TestSubmitFiles(FusionHelpdeskCommon, HttpCase):
    """``/fusion_helpdesk/submit`` with files, as a logged-in employee."""

    def setUp(self):
        super().setUp()
        self.authenticate(self.employee.login, self.employee.login)

    def submit(self, attachments, **params):
        return self.make_jsonrpc_request(
            "/fusion_helpdesk/submit",
            {"subject": "Printer", "description": "Jammed.", "attachments": attachments, **params},
        )

    def files_of(self, ticket):
        return self.env["ir.attachment"].search(
            [("res_model", "=", "fusion.helpdesk.ticket"), ("res_id", "=", ticket.id)], order="id"
        )

    def test_the_dialog_gets_the_limits_before_any_file_is_chosen(self):
        limits = self.make_jsonrpc_request("/fusion_helpdesk/submit/limits", {})
        self.assertEqual(
            limits,
            {
                "max_count": 5,
                "max_bytes": 10 * MB,
                "max_total_bytes": 20 * MB,
                "accept": ".png,.jpg,.jpeg,.gif,.webp,.pdf,.txt,.log,.csv",
                "note": "Up to 5 files, 10 MB each and 20 MB in all: images (PNG, JPEG, GIF, "
                "WebP), PDF and text logs (.txt, .log, .csv).",
            },
        )

    def test_submit_sends_the_files_with_the_ticket_and_keeps_them(self):
        with self.mock_central() as mock:
            self.central_accepts(mock)
            result = self.submit([chosen("screen.png", PNG, "image/png"), chosen("odoo.log", LOG)])
        self.assertTrue(result["ok"], result)
        ticket = self.Ticket.browse(result["id"])
        [call] = self.central_calls(mock, TICKETS_URL)
        self.assertEqual(
            request_json(call)["attachments"],
            [
                {
                    "name": "screen.png",
                    "mimetype": "image/png",
                    "data": base64.b64encode(PNG).decode(),
                },
                {
                    "name": "odoo.log",
                    "mimetype": "text/plain",
                    "data": base64.b64encode(LOG).decode(),
                },
            ],
        )
        files = self.files_of(ticket)
        self.assertEqual(files.mapped("name"), ["screen.png", "odoo.log"])
        self.assertEqual(ticket.with_user(self.employee).attachment_ids, files)
        self.assertFalse(ticket.with_user(self.other_employee).search([("id", "=", ticket.id)]))

    def test_refused_files_create_nothing_and_say_why(self):
        tickets = self.Ticket.search_count([])
        cases = [
            ("too many", [chosen("a.png", PNG)] * 6, "at most 5 files (6 were chosen)"),
            (
                "too large",
                [chosen("big.png", PNG + b"\x00" * (10 * MB))],
                "big.png is larger than 10 MB",
            ),
            (
                "too much in all",
                [chosen("%d.png" % i, PNG + b"\x00" * (8 * MB)) for i in range(3)],
                "larger than 20 MB in all",
            ),
            (
                "not a type central takes",
                [chosen("page.html", b"<html>")],
                "page.html cannot be attached",
            ),
            ("unreadable", [{"name": "a.png", "data": "%%%"}], "could not be read"),
        ]
        with self.mock_central() as mock:
            for label, files, words in cases:
                with self.subTest(label):
                    result = self.submit(files)
                    self.assertEqual((result["ok"], result["id"]), (False, None))
                    self.assertIn(words, result["error"])
        self.assertFalse(mock.calls, "nothing was uploaded")
        self.assertEqual(self.Ticket.search_count([]), tickets)

    def test_central_refusing_the_files_keeps_the_ticket_and_its_files(self):
        with self.mock_central() as mock, mute_logger(TICKET_LOGGER):
            self.central_refuses(
                mock,
                415,
                "notes.txt: only images (PNG, JPEG, GIF, WebP), PDF and text files "
                "(.txt, .log, .csv) are accepted.",
                field="attachments",
            )
            result = self.submit([chosen("notes.txt", b"<script>x</script>")])
        self.assertFalse(result["ok"])
        ticket = self.Ticket.browse(result["id"])
        self.assertEqual(ticket.state, "not_sent")
        self.assertEqual(
            ticket.last_error,
            "The support server refused the files: notes.txt: only images (PNG, JPEG, GIF, "
            "WebP), PDF and text files (.txt, .log, .csv) are accepted.",
        )
        self.assertEqual(self.files_of(ticket).mapped("name"), ["notes.txt"])
        # Send Again sends the same files (central resolved the resend by its reference).
        with self.mock_central() as mock:
            self.central_accepts(mock)
            ticket.with_user(self.employee).action_send()
        self.assertEqual(ticket.state, "sent")
        [call] = self.central_calls(mock, TICKETS_URL)
        self.assertEqual([f["name"] for f in request_json(call)["attachments"]], ["notes.txt"])

    def test_the_dialog_shows_the_limits_refuses_a_page_and_sends_a_log(self):
        """In a browser: the limits are on screen before a file is chosen; a
        page is refused at once with the reason, nothing typed is lost; the log
        goes with the ticket, which lists it once sent."""
        with self.mock_central() as mock:
            self.central_accepts(mock)
            self.start_tour(
                "/odoo/action-fusion_helpdesk.fusion_helpdesk_ticket_action",
                "fusion_helpdesk_submit_files",
                login=self.employee.login,
            )
            [call] = self.central_calls(mock, TICKETS_URL)
        sent = request_json(call)
        self.assertEqual(sent["subject"], "Tour: printer with a log")
        self.assertEqual(
            [(f["name"], base64.b64decode(f["data"])) for f in sent["attachments"]],
            [("odoo.log", b"ERROR tray 2\n")],
        )

    def test_a_file_added_after_the_dialog_is_checked_before_sending(self):
        ticket = self._create_ticket(self.employee)
        self.env["ir.attachment"].create(
            {
                "name": "drawing.svg",
                "raw": b"<svg/>",
                "res_model": ticket._name,
                "res_id": ticket.id,
            }
        )
        with self.mock_central() as mock:
            ticket.with_user(self.employee).action_send()
        self.assertFalse(mock.calls)
        self.assertEqual(ticket.state, "not_sent")
        self.assertIn("drawing.svg cannot be attached", ticket.last_error)


@tagged("post_install", "-at_install")
class TestReplyFiles(SyncCase):
    def upload(self, user, name="odoo.log", raw=LOG):
        """A file uploaded in the reply dialog (``many2many_binary``: no record yet)."""
        return (
            self.env["ir.attachment"]
            .with_user(user)
            .create({"name": name, "raw": raw, "res_model": self.Reply._name, "res_id": 0})
        )

    def reply(self, attachments, user=None):
        user = user or self.employee
        return self.Reply.with_user(user).create(
            {"ticket_id": self.ticket.id, "body": "See the log.", "attachment_ids": attachments.ids}
        )

    def test_the_reply_dialog_shows_the_limits(self):
        reply = self.Reply.with_user(self.employee).new({"ticket_id": self.ticket.id})
        self.assertIn("Up to 5 files, 10 MB each and 20 MB in all", reply.attachment_note)

    def test_a_reply_sends_its_files_which_become_the_replys(self):
        files = self.upload(self.employee) | self.upload(self.employee, "screen.png", PNG)
        reply = self.reply(files)
        self.assertEqual(set(files.mapped("res_id")), {reply.id})
        with self.mock_central() as mock:
            mock.post(messages_url(42), json={"id": 77}, status=201)
            mock.get(messages_url(42), json={"ticket": {"id": 42}, "messages": []})
            reply.with_user(self.employee).action_send()
        sent = request_json(mock.calls[0])
        self.assertEqual(
            sent["attachments"],
            [
                {
                    "name": "odoo.log",
                    "mimetype": "text/plain",
                    "data": base64.b64encode(LOG).decode(),
                },
                {
                    "name": "screen.png",
                    "mimetype": "image/png",
                    "data": base64.b64encode(PNG).decode(),
                },
            ],
        )
        self.assertEqual(reply.state, "sent")
        # The colleague cannot read them: they follow the reply, hence the ticket.
        with self.assertRaises(AccessError):
            files.with_user(self.other_employee).read(["raw"])

    def test_a_reply_over_the_limits_is_refused_before_it_is_kept(self):
        replies = self.Reply.search_count([])
        files = self.env["ir.attachment"]
        for index in range(6):
            files |= self.upload(self.employee, "%d.log" % index)
        with self.assertRaises(UserError) as caught:
            self.reply(files)
        self.assertIn("at most 5 files (6 were chosen)", str(caught.exception))
        with self.assertRaises(UserError) as caught:
            self.reply(self.upload(self.employee, "page.html", b"<html>"))
        self.assertIn("page.html cannot be attached", str(caught.exception))
        self.assertEqual(self.Reply.search_count([]), replies)

    def test_a_reply_cannot_carry_someone_elses_file(self):
        """Picking a file by id over RPC would send it to central: only the
        author's own uploads for a reply go (Odoo itself refuses files the
        author cannot read; this covers those they can, e.g. a company's)."""
        company_file = self.env["ir.attachment"].create(
            {
                "name": "contract.pdf",
                "raw": b"%PDF-1.7",
                "res_model": "res.partner",
                "res_id": self.employee.company_id.partner_id.id,
            }
        )
        own_ticket_file = self.env["ir.attachment"].create(
            {"name": "a.log", "raw": LOG, "res_model": self.ticket._name, "res_id": self.ticket.id}
        )
        replies = self.Reply.search_count([])
        for label, attachment in (
            ("a company document", company_file),
            ("a file of a ticket", own_ticket_file),
        ):
            with self.subTest(label):
                self.assertTrue(attachment.with_user(self.employee).has_access("read"))
                with self.assertRaises(AccessError) as caught:
                    self.reply(attachment)
                self.assertIn("Only files you uploaded", str(caught.exception))
        colleague_upload = self.upload(self.other_employee)
        with self.assertRaises(AccessError):
            self.reply(colleague_upload)
        self.assertEqual(self.Reply.search_count([]), replies)

    def test_central_refusing_the_files_marks_the_reply_refused_with_its_reason(self):
        reply = self.reply(self.upload(self.employee, "notes.txt", b"<html>"))
        with self.mock_central() as mock:
            self.central_refuses(
                mock,
                415,
                "notes.txt: only images are accepted.",
                field="attachments",
                url=messages_url(42),
            )
            action = reply.with_user(self.employee).action_send()
        self.assertEqual(action["params"]["type"], "danger")
        self.assertEqual(reply.state, "failed")
        self.assertEqual(
            reply.last_error,
            "The support server refused the files: notes.txt: only images are accepted.",
        )


@tagged("post_install", "-at_install")
class TestThreadFiles(FusionHelpdeskCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ticket = cls._create_ticket(
            cls.employee, state="sent", central_id=42, central_number="HT00042"
        )

    def refresh(self, *messages):
        with self.mock_central() as mock:
            mock.get(messages_url(42), json={"ticket": {"id": 42}, "messages": list(messages)})
            self.ticket.with_user(self.employee).action_refresh_thread()

    def test_the_conversation_reads_newest_first(self):
        self.refresh(
            {
                "id": 1,
                "author": "Eddie",
                "date": "2026-05-27 09:00:00",
                "body": "<p>First answer</p>",
            },
            {
                "id": 3,
                "author": "Eddie",
                "date": "2026-05-28 09:00:00",
                "body": "<p>Latest answer</p>",
            },
            {
                "id": 2,
                "author": "Erin",
                "date": "2026-05-27 12:00:00",
                "body": "<p>Middle reply</p>",
            },
        )
        html = self.ticket.thread_html
        self.assertLess(html.index("Latest answer"), html.index("Middle reply"))
        self.assertLess(html.index("Middle reply"), html.index("First answer"))

    def test_files_are_listed_under_their_message_with_a_link_through_this_odoo(self):
        self.refresh(
            {
                "id": 1,
                "author": "Eddie",
                "date": "2026-05-27 09:00:00",
                "body": "<p>Here is the fix.</p>",
                "attachments": [central_file(7), central_file(8, "odoo.log", 2048, "text/plain")],
            }
        )
        html = self.ticket.thread_html
        self.assertIn('href="/fusion_helpdesk/ticket/%d/attachment/7"' % self.ticket.id, html)
        self.assertIn("screen.png", html)
        self.assertIn("odoo.log", html)
        self.assertIn("2 KB", html)
        self.assertNotIn("central.example.com", html)

    def test_the_requester_downloads_a_file_through_this_odoo_only(self):
        self.refresh(
            {
                "id": 1,
                "author": "Eddie",
                "date": "2026-05-27 09:00:00",
                "body": "<p>x</p>",
                "attachments": [central_file(7)],
            }
        )
        url = "/fusion_helpdesk/ticket/%d/attachment/7" % self.ticket.id
        with self.mock_central() as mock:
            mock.get(attachment_url(42, 7), body=PNG, content_type="text/html")
            self.authenticate(self.employee.login, self.employee.login)
            response = self.url_open(url)
            self.assertEqual(response.status_code, 200)
            self.assertEqual(response.content, PNG)
            # The type listed in the thread, never what the answer claimed.
            self.assertEqual(response.headers["Content-Type"], "image/png")
            self.assertEqual(
                response.headers["Content-Disposition"], "attachment; filename*=UTF-8''screen.png"
            )
            self.assertEqual(response.headers["X-Content-Type-Options"], "nosniff")
            [call] = mock.calls
            self.assertEqual(call.request.headers["Authorization"], "Bearer fhk-test-key-0b3f9d2c")
            self.assertNotIn(b"fhk-test-key", response.content)

            # A colleague, or a file the conversation does not list: 404, central not asked.
            self.assertEqual(
                self.url_open(
                    "/fusion_helpdesk/ticket/%d/attachment/8" % self.ticket.id
                ).status_code,
                404,
            )
            self.authenticate(self.other_employee.login, self.other_employee.login)
            self.assertEqual(self.url_open(url).status_code, 404)
            self.assertEqual(len(mock.calls), 1)
            # An administrator may read every ticket, so every file.
            self.authenticate(self.admin.login, self.admin.login)
            self.assertEqual(self.url_open(url).status_code, 200)

    def test_central_not_giving_the_file_is_said_plainly(self):
        self.refresh(
            {
                "id": 1,
                "author": "Eddie",
                "date": "2026-05-27 09:00:00",
                "body": "<p>x</p>",
                "attachments": [central_file(7)],
            }
        )
        self.authenticate(self.employee.login, self.employee.login)
        with self.mock_central() as mock:
            mock.get(attachment_url(42, 7), body=b"down", status=503)
            response = self.url_open("/fusion_helpdesk/ticket/%d/attachment/7" % self.ticket.id)
        self.assertEqual(response.status_code, 502)
        self.assertIn("could not be reached", response.text)
