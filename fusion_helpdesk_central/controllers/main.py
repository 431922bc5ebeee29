# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Public owner-decision pages reached from the engagement email."""

import logging

from odoo import http
from odoo.exceptions import ConcurrencyError
from odoo.http import request
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY

from ..models.helpdesk_ticket import ENGAGEMENT_DECISIONS, ENGAGEMENT_ROUTE

_logger = logging.getLogger(__name__)

# The pages carry a bearer token in their URL: never let it leak through a
# Referer, a shared cache or a search engine, and load nothing from elsewhere.
ENGAGEMENT_PAGE_HEADERS = (
    ("Referrer-Policy", "no-referrer"),
    ("Cache-Control", "no-store"),
    ("X-Robots-Tag", "noindex, nofollow"),
    (
        "Content-Security-Policy",
        "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    ),
)


class EngagementController(http.Controller):
    @http.route(
        ENGAGEMENT_ROUTE + "/<string:token>/<string:decision>",
        type="http",
        auth="public",
        # Checked below, so that a missing or stale form token gets our own
        # page (with the protective headers) instead of Odoo's bare 400. The
        # check itself stays mandatory for every POST.
        csrf=False,
    )
    def engagement_page(self, token, decision, comment=None, csrf_token=None, **kwargs):
        """Confirm page on GET/HEAD (changes nothing); the decision on POST only."""
        method = request.httprequest.method
        if method not in ("GET", "HEAD", "POST"):
            return self._engagement_response(
                "fusion_helpdesk_central.engagement_page_invalid",
                {},
                status=405,
                headers=[("Allow", "GET, HEAD, POST")],
            )
        if method == "POST" and not request.validate_csrf(csrf_token):
            _logger.warning("Owner engagement form posted without a valid CSRF token")
            return self._engagement_response(
                "fusion_helpdesk_central.engagement_page_error", {}, status=400
            )
        try:
            return self._engagement_page(token, decision, comment)
        except (*PG_CONCURRENCY_EXCEPTIONS_TO_RETRY, ConcurrencyError):
            # A SerializationFailure of two racing POSTs must reach Odoo's
            # retrying(): the replayed request then sees the token consumed.
            raise
        except Exception:
            # Whatever half happened is undone: the error page can honestly
            # say nothing was recorded, and the link keeps working.
            request.env.cr.rollback()
            # Never log the token: it is a live credential until used.
            _logger.exception(
                "Owner engagement page failed (%s %s)",
                request.httprequest.method,
                decision if decision in ENGAGEMENT_DECISIONS else "?",
            )
            return self._engagement_response(
                "fusion_helpdesk_central.engagement_page_error", {}, status=500
            )

    def _engagement_page(self, token, decision, comment):
        """Look the round up, decide on an explicit POST, render the page."""
        if decision not in ENGAGEMENT_DECISIONS:
            return self._engagement_invalid()
        Engagement = request.env["fusion.helpdesk.engagement"]
        engagement = Engagement._find_pending(token)
        if not engagement:
            return self._engagement_invalid()
        lang = engagement.ticket_id._engagement_page_lang()
        if lang:
            request.update_context(lang=lang)
        # HEAD reaches this handler like GET: only an explicit POST decides.
        if request.httprequest.method != "POST":
            return self._engagement_response(
                "fusion_helpdesk_central.engagement_page_confirm",
                self._engagement_confirm_values(engagement, token, decision),
            )
        engagement = Engagement._decide(
            token,
            decision,
            comment=comment,
            ip=request.httprequest.remote_addr,
            user_agent=request.httprequest.headers.get("User-Agent"),
        )
        if not engagement:
            return self._engagement_invalid()
        return self._engagement_response(
            "fusion_helpdesk_central.engagement_page_done",
            self._engagement_done_values(engagement),
        )

    def _engagement_ticket_values(self, engagement):
        """Values about the round's ticket shared by the confirm and done pages."""
        ticket = engagement.ticket_id
        return {
            "company": ticket.company_id or request.env.company,
            "ticket_ref": ticket.number,
            "ticket_name": ticket.name,
            "client_name": ticket.client_key_id.name,
            "owner_name": engagement.owner_name,
        }

    def _engagement_confirm_values(self, engagement, token, decision):
        """Rendering values of the confirm page; override to add some."""
        other = "reject" if decision == "approve" else "approve"
        return {
            **self._engagement_ticket_values(engagement),
            "decision": decision,
            "summary": engagement.summary or "",
            "provenance": engagement._provenance_line(),
            "action_url": "%s/%s/%s" % (ENGAGEMENT_ROUTE, token, decision),
            "switch_url": "%s/%s/%s" % (ENGAGEMENT_ROUTE, token, other),
        }

    def _engagement_done_values(self, engagement):
        """Rendering values of the done page; override to add some."""
        return {
            **self._engagement_ticket_values(engagement),
            "decision": "approve" if engagement.state == "approved" else "reject",
            "comment": engagement.decision_comment or "",
        }

    def _engagement_invalid(self):
        """The one 404 page for every unusable link (it tells nothing apart)."""
        return self._engagement_response(
            "fusion_helpdesk_central.engagement_page_invalid", {}, status=404
        )

    def _engagement_response(self, template, values, status=200, headers=None):
        """Render ``template`` as a standalone page with the protective headers."""
        values = {
            "company": request.env.company,
            "html_lang": (request.env.lang or "en_US").replace("_", "-"),
            **values,
            "request": request,
        }
        values["company"] = values["company"].sudo()
        html = request.env["ir.ui.view"]._render_template(template, values)
        return request.make_response(
            html,
            headers=[
                ("Content-Type", "text/html; charset=utf-8"),
                *ENGAGEMENT_PAGE_HEADERS,
                *(headers or ()),
            ],
            status=status,
        )
