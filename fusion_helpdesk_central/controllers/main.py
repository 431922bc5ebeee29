# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Public owner-decision pages reached from the engagement email."""

import logging

from markupsafe import Markup

from odoo import http
from odoo.exceptions import ConcurrencyError
from odoo.http import request
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY
from odoo.tools.misc import format_date

from ..decisions import ALL_PAGE_DECISIONS, ENGAGEMENT_DECISIONS
from ..models.fusion_helpdesk_engagement import MAX_COMMENT
from ..models.helpdesk_ticket import ENGAGEMENT_ROUTE

_logger = logging.getLogger(__name__)

# Last segment of the page listing every pending request of the owner.
ALL_PAGE = "all"
# Largest form the pages read: the /all page with a full comment on a dozen
# rows, in any script. Werkzeug refuses (413) a larger announced body before
# reading it, and stops reading a chunked one at this size.
ENGAGEMENT_FORM_MAX_BYTES = 1024 * 1024

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
        max_content_length=ENGAGEMENT_FORM_MAX_BYTES,
    )
    def engagement_page(self, token, decision, csrf_token=None, **form):
        """Confirm page on GET/HEAD (changes nothing); the decision on POST only.
        ``decision`` ``all``: every pending request of the same owner."""
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
            if decision == ALL_PAGE:
                return self._engagement_all_page(token, form)
            return self._engagement_page(token, decision, form)
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
                decision if decision in (*ENGAGEMENT_DECISIONS, ALL_PAGE) else "?",
            )
            return self._engagement_response(
                "fusion_helpdesk_central.engagement_page_error", {}, status=500
            )

    def _engagement_live(self, token):
        """``(round, None)`` for a live link, else ``(None, page)``: 410 for a
        closed link, 404 for anything else."""
        Engagement = request.env["fusion.helpdesk.engagement"]
        engagement = Engagement._find_pending(token)
        if engagement:
            lang = engagement.ticket_id._engagement_page_lang()
            if lang:
                request.update_context(lang=lang)
            # The record was read before the page's language was set: give it
            # that language, or every line it renders follows the browser.
            return engagement.with_context(lang=request.env.lang), None
        return None, self._engagement_closed_or_invalid(token)

    def _engagement_closed_or_invalid(self, token):
        """410 page of a closed link, else the 404 page."""
        closed = request.env["fusion.helpdesk.engagement"]._find_closed(token)
        if not closed:
            return self._engagement_invalid()
        lang = closed.ticket_id._engagement_page_lang()
        if lang:
            request.update_context(lang=lang)
        return self._engagement_response(
            "fusion_helpdesk_central.engagement_page_closed",
            self._engagement_closed_values(closed.with_context(lang=request.env.lang)),
            status=410,
        )

    def _engagement_closed_values(self, engagement):
        """Rendering values of the closed page: what became of the request and
        when, and who to contact (no comment, no owner's name)."""
        state, date = engagement._closed_state()
        return {
            **self._engagement_contact_values(engagement),
            "company": engagement.ticket_id.company_id or request.env.company,
            "closed_state": state,
            "closed_on": self._engagement_date(date),
        }

    def _engagement_page(self, token, decision, form):
        """Look the round up, decide on an explicit POST, render the page."""
        if decision not in ENGAGEMENT_DECISIONS:
            return self._engagement_invalid()
        engagement, closed_page = self._engagement_live(token)
        if closed_page:
            return closed_page
        # HEAD reaches this handler like GET: only an explicit POST decides.
        if request.httprequest.method != "POST":
            return self._engagement_response(
                "fusion_helpdesk_central.engagement_page_confirm",
                self._engagement_confirm_values(engagement, token, decision),
            )
        errors = self._engagement_form_errors(engagement, decision, form)
        if errors:
            # Nothing decided: the same page again, with what was typed.
            return self._engagement_response(
                "fusion_helpdesk_central.engagement_page_confirm",
                {
                    **self._engagement_confirm_values(engagement, token, decision),
                    "errors": errors,
                    "form": self._engagement_form_echo(form),
                },
                status=422,
            )
        audit = {
            "comment": form.get("comment"),
            "ip": request.httprequest.remote_addr,
            "user_agent": request.httprequest.headers.get("User-Agent"),
        }
        # The round found by the link above decides: no second look-up.
        decided, delegate = engagement._decide_as_owner(
            decision,
            delegate=(form.get("delegate_name"), form.get("delegate_email")),
            **audit,
        )
        if not decided:
            # Closed by a racing request in the meantime.
            return self._engagement_closed_or_invalid(token)
        return self._engagement_response(
            "fusion_helpdesk_central.engagement_page_done",
            self._engagement_done_values(decided, delegate),
        )

    def _engagement_form_errors(self, engagement, decision, form):
        """Why the posted ``form`` cannot decide ``decision`` (translated), or []."""
        too_long = self._engagement_comment_error(form.get("comment"))
        if too_long:
            return [too_long]
        if decision == "changes" and not (form.get("comment") or "").strip():
            return [request.env._("Please say what should change.")]
        if decision == "delegate":
            return engagement._delegate_errors(
                form.get("delegate_name"), form.get("delegate_email")
            )
        return []

    def _engagement_ticket_values(self, engagement):
        """Values about the round's ticket shared by the confirm and done pages."""
        ticket = engagement.ticket_id
        return {
            "company": ticket.company_id or request.env.company,
            "ticket_ref": ticket.number,
            "ticket_name": ticket.name,
            "client_name": ticket.client_key_id.name,
            "owner_name": engagement.owner_name,
            "estimate": engagement._estimate_line(),
            "budget_line": engagement._budget_line(),
            "content_digest": engagement.content_digest,
        }

    def _engagement_contact_values(self, engagement):
        """Who the owner can contact once the link is spent: the engineer who
        asked, and the provider company's email and phone (public anyway)."""
        company = (engagement.ticket_id.company_id or request.env.company).sudo()
        return {
            "contact_name": engagement.sudo().requested_by_id.name or "",
            "contact_email": company.email or "",
            "contact_phone": company.phone or "",
        }

    def _engagement_confirm_values(self, engagement, token, decision):
        """Rendering values of the confirm page; override to add some."""
        pending = len(engagement._pending_siblings())
        delegated_from = engagement._delegated_from()
        return {
            **self._engagement_ticket_values(engagement),
            "decision": decision,
            # Rendered and sanitized (Markup): the template prints it as is.
            "summary": engagement.summary_html,
            "provenance": engagement._provenance_line(),
            "delegated_from_name": delegated_from.owner_name or delegated_from.owner_email,
            "delegated_note": delegated_from.decision_comment or "",
            # A revised proposal quotes the owner's request for changes.
            "revised_comment": engagement.revision_comment or "",
            "action_url": "%s/%s/%s" % (ENGAGEMENT_ROUTE, token, decision),
            "switch_urls": {
                other: "%s/%s/%s" % (ENGAGEMENT_ROUTE, token, other)
                for other in ENGAGEMENT_DECISIONS
                if other != decision
            },
            "all_url": "%s/%s/%s" % (ENGAGEMENT_ROUTE, token, ALL_PAGE) if pending > 1 else "",
            "pending_count": pending,
            "errors": [],
            "form": {},
        }

    def _engagement_done_values(self, engagement, delegate=None):
        """Rendering values of the done page; override to add some."""
        return {
            **self._engagement_ticket_values(engagement),
            **self._engagement_contact_values(engagement),
            # The owner's other requests: each is answered from its own email
            # (this link is spent, and must not open the others).
            "others_pending": len(engagement._pending_siblings()),
            "decided_state": engagement.state,
            "comment": engagement.decision_comment or "",
            "delegate_name": delegate.owner_name if engagement.state == "delegated" else "",
            "delegate_email": delegate.owner_email if engagement.state == "delegated" else "",
        }

    # ------------------------------------------------------------------
    # Everything pending on one page
    # ------------------------------------------------------------------
    def _engagement_all_page(self, token, form):
        """Every pending request of the link's owner and client, an answer
        per row (or none), confirmed by one POST; GET/HEAD change nothing."""
        anchor, closed_page = self._engagement_live(token)
        if closed_page:
            return closed_page
        rows = anchor._pending_siblings()
        values = {
            **self._engagement_ticket_values(anchor),
            "action_url": "%s/%s/%s" % (ENGAGEMENT_ROUTE, token, ALL_PAGE),
            "rows": rows,
            "errors": {},
            "form": {},
        }
        if request.httprequest.method != "POST":
            return self._engagement_response("fusion_helpdesk_central.engagement_page_all", values)
        answers = self._engagement_all_answers(form)
        errors = {}
        for row_id, (decision, comment) in answers.items():
            error = self._engagement_comment_error(comment)
            if not error and decision == "changes" and not comment.strip():
                error = request.env._("Please say what should change.")
            if error:
                errors[row_id] = error
        if errors:
            values.update(errors=errors, form=self._engagement_form_echo(form))
            return self._engagement_response(
                "fusion_helpdesk_central.engagement_page_all", values, status=422
            )
        audit = {
            "ip": request.httprequest.remote_addr,
            "user_agent": request.httprequest.headers.get("User-Agent"),
        }
        outcomes = []
        # Only the owner's own rounds are shown back; other ids are ignored.
        for engagement in anchor._owner_rounds(answers):
            decision, comment = answers[engagement.id]
            decided = anchor._decide_for_owner(engagement.id, decision, comment=comment, **audit)
            outcomes.append((engagement, decided.state if decided else False))
        return self._engagement_response(
            "fusion_helpdesk_central.engagement_page_all_done",
            {
                **self._engagement_ticket_values(anchor),
                "outcomes": outcomes,
                "left": anchor._pending_siblings(),
                **self._engagement_contact_values(anchor),
                "state_labels": dict(anchor._fields["state"]._description_selection(request.env)),
            },
        )

    @staticmethod
    def _engagement_date(value):
        """``value`` as the page's language writes a date, the month in words
        (never an ambiguous 12/04/2026), or ""."""
        return format_date(request.env, value, date_format="medium") if value else ""

    @staticmethod
    def _engagement_comment_error(comment):
        """Why ``comment`` is refused (too long), or ``None``."""
        if comment and len(comment) > MAX_COMMENT:
            return request.env._(
                "Your comment is %(length)s characters long; at most %(limit)s are "
                "accepted. It was cut at that length below: please shorten it and "
                "confirm again.",
                length=len(comment),
                limit=MAX_COMMENT,
            )
        return None

    @staticmethod
    def _engagement_form_echo(form):
        """What a refused form shows back: what was typed, each field cut at
        the longest comment accepted (a page never reflects a huge body)."""
        return {
            key: value[:MAX_COMMENT] if isinstance(value, str) else ""
            for key, value in form.items()
        }

    @staticmethod
    def _engagement_all_answers(form):
        """``{round id: (decision, comment)}`` of the rows answered in ``form``."""
        answers = {}
        for key, decision in form.items():
            prefix, __, row = key.partition("_")
            if prefix != "decision" or not row.isdigit() or decision not in ALL_PAGE_DECISIONS:
                continue
            answers[int(row)] = (decision, form.get("comment_%s" % row) or "")
        return answers

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
            "doctype": Markup("<!DOCTYPE html>"),
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
