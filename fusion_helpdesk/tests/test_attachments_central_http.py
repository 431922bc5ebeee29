# Copyright 2026 Fusion Helpdesk
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Files between the client and a real central over HTTP: both addons in one
database, the client's Central URL pointed at this test server."""

import base64

from odoo.tests import tagged

from .test_sync_central_http import RealCentralCase

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64
LOG = b"2026-12-04 10:00:01 ERROR tray 2 jammed\n"


@tagged("post_install", "-at_install")
class TestAttachmentsWithRealCentral(RealCentralCase):
    def test_files_travel_both_ways_and_only_public_ones_come_back(self):
        Ticket = self.env["fusion.helpdesk.ticket"].with_user(self.employee)
        answer = Ticket.submit_from_employee(
            "Printer on fire",
            "See the log.",
            [{"name": "odoo.log", "mimetype": "", "data": base64.b64encode(LOG).decode()}],
        )
        self.assertTrue(answer["ok"], answer)
        local = Ticket.browse(answer["id"]).sudo()
        central = self.env["helpdesk.ticket"].browse(local.central_id)
        sent = central.message_ids.attachment_ids
        self.assertEqual(sent.mapped("name"), ["odoo.log"])
        self.assertEqual(sent.raw, LOG)

        # Central: the engineer answers with a screenshot; an internal note has a file too.
        answer = central.message_post(
            body="The fuser, see the screenshot.",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            author_id=self.engineer.partner_id.id,
            attachments=[("fuser.png", PNG)],
        )
        note = central.message_post(
            body="Internal: the admin password is in this file",
            message_type="comment",
            subtype_xmlid="mail.mt_note",
            attachments=[("secret.log", LOG)],
        )
        self.sync()

        listed = {a["name"]: a for m in local.thread_messages for a in m["attachments"]}
        self.assertEqual(set(listed), {"odoo.log", "fuser.png"})
        self.assertEqual(listed["fuser.png"]["id"], answer.attachment_ids.id)
        self.assertIn("fuser.png", local.thread_html)
        self.assertNotIn("secret.log", local.thread_html)
        # Newest first: the engineer's answer above the files sent with the ticket.
        self.assertLess(local.thread_html.index("fuser.png"), local.thread_html.index("odoo.log"))

        # Downloaded with the company's key from the real central.
        employee_ticket = local.with_user(self.employee)
        __, content, error = employee_ticket._fetch_central_attachment(answer.attachment_ids.id)
        self.assertIsNone(error)
        self.assertEqual(content, PNG)
        # The note's file is not in the conversation: central is not even asked.
        self.assertEqual(
            employee_ticket._fetch_central_attachment(note.attachment_ids.id), (None, None, None)
        )

        # The employee replies with a file; central stores it on the reply.
        upload = (
            self.env["ir.attachment"]
            .with_user(self.employee)
            .create(
                {
                    "name": "after.png",
                    "raw": PNG,
                    "res_model": "fusion.helpdesk.ticket.reply",
                    "res_id": 0,
                }
            )
        )
        reply = (
            self.env["fusion.helpdesk.ticket.reply"]
            .with_user(self.employee)
            .create({"ticket_id": local.id, "body": "Still smoking.", "attachment_ids": upload.ids})
        )
        reply.with_user(self.employee).action_send()
        self.assertEqual(reply.state, "sent", reply.last_error)
        self.env.invalidate_all()
        message = self.env["mail.message"].browse(reply.central_message_id)
        self.assertEqual(message.attachment_ids.mapped("name"), ["after.png"])
        self.assertEqual(message.attachment_ids.mimetype, "image/png")
