# Copyright 2026 Fusion Helpdesk
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import http
from odoo.http import request


class FusionHelpdeskController(http.Controller):
    @http.route("/fusion_helpdesk/submit", type="jsonrpc", auth="user", methods=["POST"])
    def submit(self, subject=None, description=None, **kwargs):
        """Keep the employee's ticket locally, send it to central, answer ok/number or ok/error.

        Central failures come back as ``{"ok": false, ...}`` and never as an
        exception: raising would roll back the local record and lose the text.
        """
        return request.env["fusion.helpdesk.ticket"].submit_from_employee(subject, description)
