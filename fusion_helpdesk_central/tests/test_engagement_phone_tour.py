# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The owner's phone path in real Chromium at 390x844: the approval email
opens, one tap on its Approve button, one tap on the confirm page's button,
and the done page says the decision is recorded.

The owner pages carry no script (and no tour framework), so the test drives
the browser itself over the DevTools protocol: a tap is one real mouse press
and release at the button's place on screen, never a scripted ``click()``.
"""

import json
import re

from odoo.tests import Form, HttpCase, tagged
from odoo.tests.common import ChromeBrowser

from .common import FusionHelpdeskCentralCommon

EMAIL_APPROVE = re.compile(r'href="([^"]+/fusion_helpdesk/engagement/[^"/]+/approve)"')


@tagged("post_install", "-at_install")
class TestEngagementPhoneTour(HttpCase, FusionHelpdeskCentralCommon):
    browser_size = "390x844"
    touch_enabled = True

    def _send_request(self):
        """The engineer's request, as the wizard sends it; returns the email's HTML."""
        self.env["ir.config_parameter"].sudo().set_param("web.base.url", self.base_url())
        form = Form(
            self.env["fusion.helpdesk.engagement.wizard"]
            .with_user(self.engineer)
            .with_context(active_model="helpdesk.ticket", active_ids=self.ticket.ids)
        )
        form.findings = "Fuser worn out."
        form.summary = "Replace the fuser, two hours."
        form.save().action_send()
        mail = (
            self.env["mail.mail"]
            .sudo()
            .search([("fusion_engagement_ticket_ids", "in", self.ticket.ids)], limit=1)
        )
        self.assertTrue(mail, "the owner's email is queued")
        return mail.body_html

    # ------------------------------------------------------------------ browser
    def _evaluate(self, browser, expression):
        result = browser._websocket_request(
            "Runtime.evaluate",
            params={"expression": expression, "returnByValue": True, "awaitPromise": True},
        )
        self.assertNotIn("exceptionDetails", result, expression)
        return result["result"].get("value")

    def _wait_for(self, browser, expression, what):
        self.assertTrue(browser._wait_ready(expression, timeout=20), what)

    def _tap(self, browser, selector):
        """One tap on ``selector``: scrolled into view, pressed and released there."""
        rect = json.loads(
            self._evaluate(
                browser,
                """(() => {
                    const el = document.querySelector(%s);
                    if (!el) { return "null"; }
                    el.scrollIntoView({block: "center"});
                    const r = el.getBoundingClientRect();
                    return JSON.stringify({x: r.x + r.width / 2, y: r.y + r.height / 2,
                                           width: r.width, height: r.height});
                })()"""
                % json.dumps(selector),
            )
        )
        self.assertTrue(rect, "%s is on the page" % selector)
        # A thumb needs a target of about 44 px (Apple's and Google's guides).
        self.assertGreaterEqual(rect["height"], 44, "%s is large enough to tap" % selector)
        for event in ("mousePressed", "mouseReleased"):
            browser._websocket_request(
                "Input.dispatchMouseEvent",
                params={
                    "type": event,
                    "x": rect["x"],
                    "y": rect["y"],
                    "button": "left",
                    "clickCount": 1,
                },
            )
        return 1

    def test_owner_decides_on_a_phone_in_two_taps(self):
        body = self._send_request()
        self.assertTrue(EMAIL_APPROVE.search(body), "the email has an Approve link")
        browser = ChromeBrowser(self)
        with self.allow_requests(browser=browser):
            # As browser_js does: the owner is nobody's session, and the
            # server's requests see what this test wrote.
            self.authenticate(None, None, browser=browser)
            self.cr.flush()
            self.cr.clear()
            try:
                self.assertEqual(
                    self._evaluate(browser, "window.innerWidth"), 390, "a phone's viewport"
                )
                # The email as the owner's mail app shows it (same HTML, same links).
                # Its links open in a new tab (target=_blank), as a mail app hands
                # them to the browser: here the same tab is the owner's browser.
                browser.navigate_to("about:blank", wait_stop=True)
                self._evaluate(
                    browser,
                    "document.open(); document.write(%s); document.close();"
                    " document.querySelectorAll('a[target]')"
                    ".forEach((a) => a.removeAttribute('target'))" % json.dumps(body),
                )
                taps = self._tap(browser, 'a[href$="/approve"]')
                self._wait_for(
                    browser,
                    "document.readyState === 'complete'"
                    " && location.pathname.endsWith('/approve')"
                    " && !!document.querySelector('form button[type=submit]')",
                    "the email's Approve button opens the confirm page",
                )
                page = self._evaluate(browser, "document.body.innerText")
                self.assertIn("Approve the proposed work?", page)
                self.assertIn("Replace the fuser, two hours.", page)
                self.assertEqual(
                    self._evaluate(browser, "document.scripts.length"), 0, "no script needed"
                )
                self.assertLessEqual(
                    self._evaluate(browser, "document.documentElement.scrollWidth"),
                    390,
                    "nothing wider than the phone's screen",
                )
                taps += self._tap(browser, "form button[type=submit]")
                self._wait_for(
                    browser,
                    "document.readyState === 'complete'"
                    " && !document.querySelector('form button[type=submit]')"
                    " && document.body.innerText.includes('Thank you')",
                    "the confirm page's button decides and shows the done page",
                )
                done = self._evaluate(browser, "document.body.innerText")
            finally:
                browser.stop()
        self.assertLessEqual(taps, 2)
        self.assertIn("Thank you, your decision is recorded", done)
        self.assertIn("Eddie Engineer", done, "the done page names who to contact")
        self.env.invalidate_all()  # decided by the browser's requests
        self.assertEqual(self.ticket.engagement_state, "approved")
        self.assertEqual(self.ticket.engagement_id.state, "approved")
