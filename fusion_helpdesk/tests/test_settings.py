# Copyright 2026 Fusion Helpdesk
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import requests

from odoo.exceptions import ValidationError

from .common import CENTRAL_URL, CLIENT_KEY, PING_URL, FusionHelpdeskCommon


class TestSettings(FusionHelpdeskCommon):
    """Settings > Fusion Helpdesk: the ICP keys and the connection test."""

    def settings(self, **values):
        return self.env["res.config.settings"].with_user(self.admin).create(values)

    def test_settings_write_and_read_the_icp_keys(self):
        self.settings(
            fusion_helpdesk_central_url="https://support.example.org",
            fusion_helpdesk_client_key="new-key",
            fusion_helpdesk_owner_email="boss@acme.example.com",
            fusion_helpdesk_owner_name="Bea Boss",
        ).execute()
        expected = {
            "fusion_helpdesk.central_url": "https://support.example.org",
            "fusion_helpdesk.client_key": "new-key",
            "fusion_helpdesk.owner_email": "boss@acme.example.com",
            "fusion_helpdesk.owner_name": "Bea Boss",
        }
        for key, value in expected.items():
            self.assertEqual(self.icp.get_param(key), value, key)
        fresh = self.settings()
        self.assertEqual(fresh.fusion_helpdesk_owner_name, "Bea Boss")
        # Write-only: the form knows a key is saved, never what it is.
        self.assertFalse(fresh.fusion_helpdesk_client_key)
        self.assertTrue(fresh.fusion_helpdesk_client_key_set)

    def test_key_box_says_no_key_saved_when_none_is(self):
        """An empty key box with nothing saved says so, in the box's own block."""
        arch = (
            self.env["res.config.settings"]
            .with_user(self.admin)
            .get_views([[False, "form"]])["views"]["form"]["arch"]
        )
        self.assertRegex(arch, r'invisible="fusion_helpdesk_client_key_set"[^>]*>\s*No key saved:')
        self.assertTrue(self.settings().fusion_helpdesk_client_key_set)
        self.icp.set_param("fusion_helpdesk.client_key", False)
        self.assertFalse(self.settings().fusion_helpdesk_client_key_set)

    def test_owner_and_url_are_trimmed(self):
        self.settings(
            fusion_helpdesk_central_url="  https://support.example.org  ",
            fusion_helpdesk_owner_email="  boss@acme.example.com ",
            fusion_helpdesk_owner_name="  Bea Boss\n",
        ).execute()
        self.assertEqual(self.icp.get_param("fusion_helpdesk.owner_email"), "boss@acme.example.com")
        self.assertEqual(self.icp.get_param("fusion_helpdesk.owner_name"), "Bea Boss")
        self.assertEqual(
            self.icp.get_param("fusion_helpdesk.central_url"), "https://support.example.org"
        )

    def test_owner_name_follows_the_names_rule(self):
        """The owner's name becomes a display name in central's approval
        emails: saved as one line without address syntax (issue 20)."""
        for typed, kept in (
            ("Olivia Owner\r,attacker@evil.example", "Olivia Owner ,attacker evil.example"),
            ("Olivia Owner\u2028<attacker@evil.example>", "Olivia Owner attacker evil.example"),
            ('Olivia Owner" ,attacker@evil.example', "Olivia Owner ,attacker evil.example"),
        ):
            with self.subTest(typed=typed):
                self.settings(fusion_helpdesk_owner_name=typed).execute()
                self.assertEqual(self.icp.get_param("fusion_helpdesk.owner_name"), kept)

    def test_invalid_settings_are_refused_and_nothing_is_saved(self):
        """Saved, a bad owner email made central refuse every ticket afterwards."""
        cases = [
            ({"fusion_helpdesk_owner_email": "owner"}, "not a valid email address"),
            ({"fusion_helpdesk_owner_email": "owner@acme"}, "not a valid email address"),
            (
                {"fusion_helpdesk_owner_email": "Olivia <owner@acme.example.com>"},
                "not a valid email address",
            ),
            (
                {"fusion_helpdesk_owner_email": "a@acme.example.com, b@acme.example.com"},
                "not a valid email address",
            ),
            ({"fusion_helpdesk_owner_name": "O" * 129}, "owner name is too long"),
            ({"fusion_helpdesk_central_url": "support.example.com"}, "Provider URL"),
            ({"fusion_helpdesk_central_url": "ftp://support.example.com"}, "Provider URL"),
            ({"fusion_helpdesk_central_url": "https://support.example.com/?x=1"}, "Provider URL"),
            ({"fusion_helpdesk_client_key": "fhk-kéy"}, "client key contains characters"),
        ]
        before = {
            key: self.icp.get_param(key)
            for key in (
                "fusion_helpdesk.central_url",
                "fusion_helpdesk.client_key",
                "fusion_helpdesk.owner_email",
                "fusion_helpdesk.owner_name",
            )
        }
        for values, expected in cases:
            with self.subTest(values=values):
                settings = self.settings(**{"fusion_helpdesk_owner_name": "Someone Else", **values})
                with self.assertRaisesRegex(ValidationError, expected):
                    settings.execute()
                for key, value in before.items():
                    self.assertEqual(self.icp.get_param(key), value, key)

    def test_connection_test_reports_the_client_central_knows(self):
        settings = self.settings(
            fusion_helpdesk_central_url=CENTRAL_URL + "/",
            fusion_helpdesk_client_key="typed-not-saved",
        )
        with self.mock_central() as mock:
            mock.get(PING_URL, json={"ok": True, "client": "Acme Corp"})
            action = settings.action_fusion_helpdesk_test_connection()
        self.assertEqual(action["tag"], "display_notification")
        self.assertEqual(action["params"]["type"], "success")
        self.assertIn("accepts this client key", action["params"]["message"])
        self.assertIn("Acme Corp", action["params"]["message"])
        [call] = mock.calls
        self.assertEqual(call.request.headers["Authorization"], "Bearer typed-not-saved")
        # What the admin typed is tested, nothing is saved by the test.
        self.assertEqual(self.icp.get_param("fusion_helpdesk.client_key"), CLIENT_KEY)

    def test_connection_test_warns_about_an_unencrypted_url(self):
        http_url = CENTRAL_URL.replace("https://", "http://")
        settings = self.settings(
            fusion_helpdesk_central_url=http_url, fusion_helpdesk_client_key="typed"
        )
        with self.mock_central() as mock:
            mock.get(PING_URL.replace("https://", "http://"), json={"ok": True, "client": "Acme"})
            action = settings.action_fusion_helpdesk_test_connection()
        self.assertEqual(action["params"]["type"], "warning")
        self.assertIn("accepts this client key", action["params"]["message"])
        self.assertIn("https://", action["params"]["message"])

    def test_connection_test_failures_say_what_is_wrong(self):
        cases = [
            (
                "key refused",
                {
                    "url": PING_URL,
                    "status": 401,
                    "json": {"error": {"field": None, "message": "Unknown key"}},
                },
                CENTRAL_URL,
                "does not accept this client key. Paste the key exactly",
            ),
            (
                "central down",
                {"url": PING_URL, "body": requests.ConnectionError("refused")},
                CENTRAL_URL,
                "Nothing answered at %s: the connection was refused" % CENTRAL_URL,
            ),
            (
                "redirected",
                {
                    "url": PING_URL,
                    "status": 302,
                    "headers": {"Location": "https://login.example.com/"},
                },
                CENTRAL_URL,
                "https://login.example.com/",
            ),
            (
                # A wrong path (or central restarting): Odoo's HTML 404, not the API's.
                "not the API",
                {
                    "url": PING_URL,
                    "status": 404,
                    "body": "<!DOCTYPE html><title>404: Not Found</title>",
                    "content_type": "text/html",
                },
                CENTRAL_URL,
                "answered error 404, but not as the Fusion Helpdesk API answers. Check the "
                "Support Provider URL",
            ),
            ("no URL", None, "", "URL is missing or invalid. Enter the server's address"),
            ("not a URL", None, "central.example.com", "URL is missing or invalid. Enter"),
        ]
        for label, answer, url, expected in cases:
            with self.subTest(label), self.mock_central() as mock:
                if answer:
                    mock.get(**answer)
                settings = self.settings(
                    fusion_helpdesk_central_url=url, fusion_helpdesk_client_key="some-key"
                )
                action = settings.action_fusion_helpdesk_test_connection()
                self.assertEqual(action["params"]["type"], "danger")
                self.assertIn(expected, action["params"]["message"])
                # Said to the administrator on the page: no one else to ask, and
                # a refused connection is not a matter of waiting.
                self.assertNotIn("administrator", action["params"]["message"])
                self.assertNotIn("try again later", action["params"]["message"])
                self.assertEqual(len(mock.calls), 1 if answer else 0)
