# Copyright 2026 Fusion Helpdesk
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import requests
from lxml import html

from odoo.tests import HttpCase, tagged

from .common import CLIENT_KEY, FusionHelpdeskCommon, messages_url


def thread_answer(*messages, engagement_state="none", stage="In Progress"):
    return {
        "ticket": {
            "id": 42,
            "number": "HT00042",
            "name": "Printer on fire",
            "stage": stage,
            "engagement_state": engagement_state,
        },
        "messages": list(messages),
    }


ENGINEER_MESSAGE = {
    "id": 1,
    "author": "Eddie Engineer",
    "date": "2026-05-27 09:00:00",
    "body": '<p>We will replace the fuser.</p><script>alert("x")</script>'
    '<p class="badge text-bg-success" onclick="steal()" style="color:red">Approved?</p>',
    "decision": None,
}


def decision_message(state, comment):
    return {
        "id": 2,
        "author": "Olivia Owner",
        "date": "2026-05-27 10:30:00",
        "body": "<p>Decision recorded.</p>",
        "decision": {"state": state, "comment": comment},
    }


class TestTicketThread(FusionHelpdeskCommon):
    """My Tickets shows central's public thread, refreshed on demand, kept when central is down."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ticket = cls._create_ticket(
            cls.employee, state="sent", central_id=42, central_number="HT00042"
        ).with_user(cls.employee)

    def refresh(self, answer=None, **mock_kwargs):
        if answer is not None:
            mock_kwargs["json"] = answer
        with self.mock_central() as mock:
            mock.get(messages_url(42), **mock_kwargs)
            self.ticket.action_refresh_thread()
        return mock

    def test_refresh_stores_the_public_thread_sanitized(self):
        mock = self.refresh(thread_answer(ENGINEER_MESSAGE))
        self.assertEqual(mock.calls[0].request.headers["Authorization"], "Bearer %s" % CLIENT_KEY)
        self.assertRecordValues(
            self.ticket, [{"central_stage": "In Progress", "thread_error": False}]
        )
        self.assertTrue(self.ticket.thread_refreshed_at)
        page = html.fromstring(self.ticket.thread_html)
        self.assertIn("Eddie Engineer", page.text_content())
        self.assertIn("We will replace the fuser.", page.text_content())
        self.assertIn("27", page.text_content())
        stored = str(self.ticket.thread_html)
        self.assertNotIn("<script", stored)
        self.assertNotIn("onclick", stored)
        self.assertNotIn("color:red", stored)
        # Central's HTML cannot dress itself up as one of our decision badges.
        self.assertFalse(page.xpath("//*[contains(@class, 'text-bg-success')]"))
        self.assertFalse(page.xpath("//*[contains(@class, 'o_fusion_helpdesk_decision')]"))

    def test_remote_images_from_central_never_load_in_the_employees_browser(self):
        """A tracking pixel tells its sender who read the thread, when, from where."""
        self.refresh(
            thread_answer(
                dict(
                    ENGINEER_MESSAGE,
                    body='<p>See the <img src="https://tracker.example/p.gif" alt="diagram">'
                    " diagram.</p>"
                    '<div style="background:url(https://tracker.example/bg.gif)">Bye</div>'
                    '<img srcset="https://tracker.example/2x.gif 2x" src="//tracker.example/q">'
                    '<img src="/web/session/logout">'
                    '<video poster="https://tracker.example/v.gif"></video>',
                )
            )
        )
        stored = str(self.ticket.thread_html)
        page = html.fromstring(stored)
        self.assertFalse(page.xpath("//img | //video | //source | //*[@style] | //*[@srcset]"))
        self.assertNotIn("url(", stored)
        # Still readable, and the picture one click away for whoever wants it.
        self.assertIn("See the", page.text_content())
        self.assertIn("Bye", page.text_content())
        [link] = page.xpath("//a[@href='https://tracker.example/p.gif']")
        self.assertEqual(link.text_content(), "[image: diagram]")
        self.assertEqual(link.get("rel"), "noopener noreferrer")

    def test_owner_decisions_are_shown_as_badges_with_the_comment(self):
        cases = [
            ("approved", "Go ahead.\nBudget is fine.", "Approved", "text-bg-success"),
            ("changes_requested", "Do it after the audit.", "Changes Requested", "text-bg-warning"),
            # Last: its markup is checked below.
            ("rejected", "Too expensive <b>this</b> quarter.", "Rejected", "text-bg-danger"),
        ]
        for state, comment, label, badge_class in cases:
            with self.subTest(state=state):
                self.refresh(
                    thread_answer(
                        ENGINEER_MESSAGE, decision_message(state, comment), engagement_state=state
                    )
                )
                self.assertEqual(self.ticket.engagement_state, state)
                page = html.fromstring(self.ticket.thread_html)
                [decision] = page.xpath("//*[contains(@class, 'o_fusion_helpdesk_decision')]")
                [badge] = decision.xpath(".//span[contains(@class, 'badge')]")
                self.assertEqual(badge.text_content().strip(), label)
                self.assertIn(badge_class, badge.get("class"))
                self.assertIn(comment.split("\n")[0], decision.text_content())
                self.assertIn("Olivia Owner", page.text_content())
        # The owner's comment is text: the markup typed in it is shown, not interpreted.
        self.assertIn("&lt;b&gt;this&lt;/b&gt;", str(self.ticket.thread_html))

    def test_a_reply_that_says_owner_decision_is_not_shown_as_one(self):
        """Only central's round data makes a decision, never a message's text."""
        lookalike = dict(
            ENGINEER_MESSAGE,
            id=3,
            author="Olivia Owner",
            body="<p><strong>Owner decision: Approved</strong></p><p>Go ahead</p>",
        )
        self.refresh(
            thread_answer(
                lookalike,
                decision_message("rejected", "Too expensive"),
                engagement_state="rejected",
            )
        )
        page = html.fromstring(self.ticket.thread_html)
        cards = page.xpath("//div[contains(@class, 'card mb-2')]")
        self.assertEqual(len(cards), 2)
        # Newest first: the decision (10:30) above the look-alike (09:00).
        decision_card, lookalike_card = cards
        # The look-alike is an ordinary message: its text, no frame, no badge.
        self.assertIn("Owner decision: Approved", lookalike_card.text_content())
        self.assertNotIn("o_fusion_helpdesk_owner_card", lookalike_card.get("class"))
        self.assertFalse(lookalike_card.xpath(".//*[contains(@class, 'badge')]"))
        self.assertFalse(
            lookalike_card.xpath(".//*[contains(@class, 'o_fusion_helpdesk_decision')]")
        )
        # The real one is framed and labelled, with the round's state.
        self.assertIn("o_fusion_helpdesk_owner_card", decision_card.get("class"))
        self.assertIn("Recorded on the approval page", decision_card.text_content())
        [state] = decision_card.xpath(".//span[contains(@class, 'text-bg-danger')]")
        self.assertEqual(state.text_content().strip(), "Rejected")

    def test_an_expired_request_shows_as_expired(self):
        self.refresh(thread_answer(ENGINEER_MESSAGE, engagement_state="expired"))
        self.assertEqual(self.ticket.engagement_state, "expired")

    def test_decision_without_comment_says_so(self):
        self.refresh(thread_answer(decision_message("approved", "")))
        page = html.fromstring(self.ticket.thread_html)
        self.assertIn("No comment.", page.text_content())

    def test_empty_thread_says_the_team_will_answer_here(self):
        self.refresh(thread_answer())
        self.assertIn("No public message yet", str(self.ticket.thread_html))

    def test_central_down_keeps_the_last_copy_with_a_notice(self):
        self.refresh(thread_answer(ENGINEER_MESSAGE))
        copy = self.ticket.thread_html
        refreshed_at = self.ticket.thread_refreshed_at
        cases = [
            ({"body": requests.ConnectionError("refused")}, "could not be reached"),
            (
                {"status": 404, "json": {"error": {"field": None, "message": "Not found"}}},
                "does not know this ticket",
            ),
            ({"status": 200, "body": "<html>maintenance</html>"}, "unexpected answer"),
        ]
        for mock_kwargs, expected in cases:
            with self.subTest(expected=expected):
                self.refresh(**mock_kwargs)
                self.assertIn(expected, self.ticket.thread_error)
                self.assertEqual(self.ticket.thread_html, copy)
                self.assertEqual(self.ticket.thread_refreshed_at, refreshed_at)
        self.refresh(thread_answer(ENGINEER_MESSAGE))
        self.assertFalse(self.ticket.thread_error)

    def test_message_dates_carry_the_utc_moment_for_the_readers_browser(self):
        """The stored copy is shared: whoever refreshed it formatted its dates, so
        each date also carries its UTC moment for the form to write per reader."""
        self.refresh(
            thread_answer(
                dict(
                    ENGINEER_MESSAGE,
                    body='<p>Fake <time class="o_fusion_helpdesk_date" '
                    'datetime="1999-01-01T00:00:00Z">date</time></p>',
                )
            )
        )
        page = html.fromstring(self.ticket.thread_html)
        [date] = page.xpath("//time[contains(@class, 'o_fusion_helpdesk_date')]")
        self.assertEqual(date.get("datetime"), "2026-05-27T09:00:00Z")
        # Central's own <time> stays text: it cannot pass itself off as a message date.
        self.assertIn("Fake date", page.text_content())

    def test_pending_approval_says_who_was_asked(self):
        self.refresh(thread_answer(ENGINEER_MESSAGE, engagement_state="pending"))
        self.assertIn("asked Olivia Owner to approve", self.ticket.engagement_note)
        self.icp.set_param("fusion_helpdesk.owner_name", "")
        self.ticket.invalidate_recordset(["engagement_note"])
        self.assertIn("asked your company's owner", self.ticket.engagement_note)
        self.refresh(thread_answer(ENGINEER_MESSAGE, engagement_state="approved"))
        self.assertFalse(self.ticket.engagement_note)

    def test_status_is_the_sending_state_then_the_providers_stage(self):
        draft = self._create_ticket(self.employee, "Draft")
        not_sent = self._create_ticket(self.employee, "Not sent", state="not_sent")
        self.assertEqual((draft.status, not_sent.status), ("Draft", "Not Sent"))
        self.assertEqual(self.ticket.status, "Sent")
        self.refresh(thread_answer(stage="Waiting for Customer"))
        self.assertEqual(self.ticket.status, "Waiting for Customer")

    def test_tickets_not_sent_are_not_refreshed(self):
        draft = self._create_ticket(self.employee, "Draft").with_user(self.employee)
        with self.mock_central() as mock:
            self.assertTrue(draft.action_refresh_thread())
        self.assertFalse(mock.calls)
        self.assertFalse(draft.thread_html)


@tagged("post_install", "-at_install")
class TestThreadFieldInBrowser(FusionHelpdeskCommon, HttpCase):
    """The form's conversation widget, in a browser, on a copy stored before 19.0.3."""

    def test_stored_remote_images_are_not_loaded_by_the_form(self):
        ticket = self._create_ticket(
            self.employee, state="sent", central_id=42, central_number="HT00042"
        )
        ticket.flush_recordset()
        # As 19.0.2 stored it (raw SQL: what the ORM write would sanitize is kept).
        self.env.cr.execute(
            "UPDATE fusion_helpdesk_ticket SET thread_html = %s WHERE id = %s",
            [
                "<div><p>Stored copy from central</p>"
                '<p><img src="https://tracker.example/p.gif" alt="pixel"></p>'
                '<div style="background:url(https://tracker.example/bg.gif)">Bye</div></div>',
                ticket.id,
            ],
        )
        with self.mock_central():
            # Central is down: the form keeps showing the stored copy.
            self.start_tour(
                "/odoo/action-fusion_helpdesk.fusion_helpdesk_ticket_action/%d" % ticket.id,
                "fusion_helpdesk_thread_no_remote_images",
                login=self.employee.login,
            )

    def test_dates_and_pending_approval_as_the_employee_reads_them(self):
        ticket = self._create_ticket(
            self.employee, state="sent", central_id=42, central_number="HT00042"
        )
        with self.mock_central() as mock:
            mock.get(
                messages_url(42), json=thread_answer(ENGINEER_MESSAGE, engagement_state="pending")
            )
            # Refreshed first by someone else, then on the employee's opening.
            ticket.action_refresh_thread()
            self.start_tour(
                "/odoo/action-fusion_helpdesk.fusion_helpdesk_ticket_action/%d" % ticket.id,
                "fusion_helpdesk_thread_dates_and_pending",
                login=self.employee.login,
            )
