# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import json
import os
import socket
from unittest.mock import patch

from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from ..models import res_config_settings
from .common import FusionHelpdeskCentralCommon
from .openai_server import OpenAIServer

OPENAI_LOGGER = "odoo.addons.fusion_helpdesk_central.openai_client"
SECRET = "sk-test-9f8e7d6c5b4a-do-not-show"
ENV_SECRET = "sk-env-1a2b3c4d5e6f-do-not-show"


class TestResConfigSettings(FusionHelpdeskCentralCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.icp = cls.env["ir.config_parameter"].sudo()
        cls.server = OpenAIServer(reply="pong")
        cls.server.start()
        cls.addClassCleanup(cls.server.stop)

    def setUp(self):
        super().setUp()
        self.server.reset()
        self.server.status = 200
        self.server.error_message = "Simulated failure"
        # The machine's own key must never leak into (or rescue) a test.
        environ = patch.dict(os.environ)
        environ.start()
        self.addCleanup(environ.stop)
        os.environ.pop("OPENAI_API_KEY", None)

    def _settings(self, **values):
        return self.env["res.config.settings"].create(
            {
                "fusion_openai_model": "tiny-model",
                "fusion_openai_base_url": self.server.base_url,
                **values,
            }
        )

    def _assert_no_secret(self, *texts):
        for text in texts:
            self.assertNotIn(SECRET, str(text))
            self.assertNotIn(ENV_SECRET, str(text))

    # ------------------------------------------------------------------ values
    def test_fields_write_the_parameters(self):
        self._settings(fusion_openai_api_key=SECRET, fusion_engagement_reminder_days=5).execute()
        self.assertEqual(self.icp.get_param("fusion_helpdesk_central.openai_api_key"), SECRET)
        self.assertEqual(self.icp.get_param("fusion_helpdesk_central.openai_model"), "tiny-model")
        self.assertEqual(
            self.icp.get_param("fusion_helpdesk_central.openai_base_url"), self.server.base_url
        )
        self.assertEqual(
            self.icp.get_param("fusion_helpdesk_central.engagement_reminder_days"), "5"
        )
        self.assertEqual(
            self.env["res.config.settings"].create({}).fusion_engagement_reminder_days, 5
        )

    def test_zero_reminder_days_disables_and_reads_back(self):
        """Saving 0 keeps 0 (reminders off) instead of falling back to 3 days."""
        self._settings(fusion_engagement_reminder_days=0).execute()
        self.assertEqual(
            self.icp.get_param("fusion_helpdesk_central.engagement_reminder_days"), "0"
        )
        self.assertEqual(self.env["fusion.helpdesk.engagement"]._reminder_days(), 0)
        self.assertEqual(
            self.env["res.config.settings"].create({}).fusion_engagement_reminder_days, 0
        )
        self._settings(fusion_engagement_reminder_days=4).execute()
        self.assertEqual(self.env["fusion.helpdesk.engagement"]._reminder_days(), 4)

    def test_sync_history_days_are_a_setting_and_zero_keeps_all(self):
        Change = self.env["fusion.helpdesk.sync.change"]
        self.assertEqual(Change._retention_days(), 30)
        self._settings(fusion_sync_retention_days=7).execute()
        self.assertEqual(Change._retention_days(), 7)
        self._settings(fusion_sync_retention_days=0).execute()
        self.assertEqual(self.icp.get_param("fusion_helpdesk_central.sync_retention_days"), "0")
        self.assertEqual(Change._retention_days(), 0)
        arch = self.env["res.config.settings"].get_views([[False, "form"]])["views"]["form"]["arch"]
        self.assertIn('name="fusion_sync_retention_days"', arch)

    def test_settings_view_block(self):
        arch = self.env["res.config.settings"].get_views([[False, "form"]])["views"]["form"]["arch"]
        self.assertIn('name="fusion_helpdesk_central"', arch)
        self.assertIn("action_fusion_openai_test", arch)
        self.assertIn("OPENAI_API_KEY", arch)
        self.assertRegex(arch, r'name="fusion_openai_api_key"[^>]*password="True"')

    # ------------------------------------------------------------------ Test button
    def test_button_tests_the_typed_values_in_one_click(self):
        """The button does not ask to save first: the form sends the typed
        values with the call (what the client's Test Connection does)."""
        arch = self.env["res.config.settings"].get_views([[False, "form"]])["views"]["form"]["arch"]
        self.assertRegex(arch, r'name="action_fusion_openai_test"[^>]*noSaveDialog="true"')
        action = self._settings(fusion_openai_api_key=SECRET).action_fusion_openai_test()
        self.assertEqual(action["params"]["type"], "success")
        self.assertFalse(self.icp.get_param("fusion_helpdesk_central.openai_api_key"))
        self.assertNotEqual(
            self.icp.get_param("fusion_helpdesk_central.openai_base_url"), self.server.base_url
        )

    def test_button_is_for_administrators_only(self):
        """A saved key would go to a base URL typed by whoever clicks."""
        self.icp.set_param("fusion_helpdesk_central.openai_api_key", SECRET)
        settings = self._settings()
        for user in (self.manager, self.engineer):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                settings.with_user(user).action_fusion_openai_test()
        self.assertEqual(self.server.calls, [], "nothing left the server")

    def test_button_success(self):
        action = self._settings(fusion_openai_api_key=SECRET).action_fusion_openai_test()
        self.assertEqual(action["tag"], "display_notification")
        self.assertEqual(action["params"]["type"], "success")
        self.assertIn("tiny-model", action["params"]["message"])
        self._assert_no_secret(action)
        [call] = self.server.calls
        self.assertEqual(call.authorization, "Bearer %s" % SECRET)
        self.assertEqual(call.body["model"], "tiny-model")
        self.assertEqual(len(call.body["messages"]), 1, "one tiny call")

    def test_button_uses_environment_key(self):
        os.environ["OPENAI_API_KEY"] = ENV_SECRET
        action = self._settings().action_fusion_openai_test()
        self.assertEqual(action["params"]["type"], "success")
        self.assertIn("OPENAI_API_KEY", action["params"]["message"])
        self._assert_no_secret(action)
        self.assertEqual(self.server.calls[0].authorization, "Bearer %s" % ENV_SECRET)

    def test_button_server_error(self):
        self.server.status = 500
        with self.assertLogs(OPENAI_LOGGER, "WARNING") as logs:
            action = self._settings(fusion_openai_api_key=SECRET).action_fusion_openai_test()
        self.assertEqual(action["params"]["type"], "danger")
        self.assertTrue(action["params"]["sticky"])
        self.assertEqual(self.server.started, 1)
        self._assert_no_secret(action, *logs.output)
        self.assertIn("failed on its side (500: Simulated failure)", action["params"]["message"])
        self.assertNotIn("server log", action["params"]["message"])

    def test_button_without_key(self):
        action = self._settings().action_fusion_openai_test()
        self.assertEqual(action["params"]["type"], "danger")
        self.assertIn("No API key saved", action["params"]["message"])
        self.assertIn("OPENAI_API_KEY", action["params"]["message"])
        self.assertEqual(self.server.started, 0, "no call without a key")

    # ------------------------------------------------------------------ failures in words
    def _failure(self, **values):
        """The danger message of one test with ``values`` typed in the form."""
        with self.assertLogs(OPENAI_LOGGER, "WARNING") as logs:
            action = self._settings(
                fusion_openai_api_key=SECRET, **values
            ).action_fusion_openai_test()
        self.assertEqual(action["params"]["type"], "danger")
        self.assertTrue(action["params"]["sticky"], "stays until the administrator read it")
        message = action["params"]["message"]
        self._assert_no_secret(action, *logs.output)
        # Said to the administrator on the page: what is wrong and what to do.
        for vague in ("server log", "try again later", "administrator"):
            self.assertNotIn(vague, message.lower())
        return message

    def _closed_port(self):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            return sock.getsockname()[1]

    def test_button_bad_key_says_the_key_was_refused(self):
        self.server.status = 401
        self.server.error_message = "Incorrect API key provided: sk-tes************show."
        message = self._failure()
        host = "127.0.0.1:%d" % self.server.port
        self.assertIn("The key was refused by %s" % host, message)
        self.assertIn("the key entered here, 401 Unauthorized", message)
        self.assertIn("paste a valid API key in API Key", message)

    def test_button_refused_connection_names_the_url(self):
        url = "http://127.0.0.1:%d/v1" % self._closed_port()
        message = self._failure(fusion_openai_base_url=url)
        self.assertIn("Could not reach %s: the connection was refused" % url, message)
        self.assertIn("Check the Base URL and its port", message)
        self.assertNotIn("test again", message, "a refused connection is not a wait")

    def test_button_unknown_host_names_it(self):
        url = "http://fusion-helpdesk-test.invalid/v1"
        message = self._failure(fusion_openai_base_url=url)
        self.assertIn(
            "Could not reach %s: the name fusion-helpdesk-test.invalid is not known" % url,
            message,
        )
        self.assertIn("Check the Base URL for a typo", message)

    def test_button_timeout_says_how_long_it_waited(self):
        self.server.stall = True
        self.addCleanup(setattr, self.server, "stall", False)
        with patch.object(res_config_settings, "OPENAI_TEST_TIMEOUT", 0.5):
            message = self._failure()
        self.assertIn("%s did not answer within 0.5 seconds" % self.server.base_url, message)
        self.assertIn("check the Base URL", message)

    def test_button_unknown_model_names_it(self):
        self.server.status = 404
        self.server.error_message = (
            "The model `tiny-model` does not exist or you do not have access to it."
        )
        message = self._failure()
        self.assertIn("does not offer model tiny-model", message)
        self.assertIn("correct the name in Model", message)

    def test_button_wrong_path_points_to_the_base_url(self):
        self.server.status = 404
        self.server.error_message = "Unknown path"
        message = self._failure()
        self.assertIn("%s has no chat API (404 Not Found)" % self.server.base_url, message)
        self.assertIn("correct the Base URL", message)

    def test_button_answer_that_is_not_an_openai_api(self):
        self.server.malformed = True
        self.addCleanup(setattr, self.server, "malformed", False)
        message = self._failure()
        self.assertIn("answered, but not as an OpenAI-compatible API", message)

    def test_button_completion_without_text_asks_for_a_chat_model(self):
        self.server.response = {"id": "x", "object": "chat.completion", "choices": []}
        self.addCleanup(setattr, self.server, "response", None)
        message = self._failure()
        self.assertIn("wrote no text: choose a chat model in Model", message)

    def test_key_box_says_no_key_saved_when_none_is(self):
        arch = self.env["res.config.settings"].get_views([[False, "form"]])["views"]["form"]["arch"]
        self.assertRegex(arch, r'invisible="fusion_openai_api_key_set"[^>]*>\s*No key saved\.')
        self.assertFalse(self.env["res.config.settings"].create({}).fusion_openai_api_key_set)
        self.icp.set_param("fusion_helpdesk_central.openai_api_key", SECRET)
        self.assertTrue(self.env["res.config.settings"].create({}).fusion_openai_api_key_set)


@tagged("post_install", "-at_install")
class TestResConfigSettingsRpc(HttpCase, FusionHelpdeskCentralCommon):
    """The OpenAI key and base URL never leave the server through any settings RPC."""

    BASE_URL = "https://llm-proxy.internal.example.com/v1"
    SECRET_FIELDS = ["fusion_openai_api_key", "fusion_openai_base_url", "fusion_openai_model"]

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        icp = cls.env["ir.config_parameter"].sudo()
        icp.set_param("fusion_helpdesk_central.openai_api_key", SECRET)
        icp.set_param("fusion_helpdesk_central.openai_base_url", cls.BASE_URL)
        cls.portal = new_test_user(
            cls.env, login="fusion-portal", name="Pat Portal", groups="base.group_portal"
        )
        cls.settings_id = cls.env["res.config.settings"].create({}).id

    def _call(self, method, args, kwargs=None):
        """Raw JSON-RPC answer text of one call_kw (a refusal is fine, a leak is not)."""
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "id": 1,
            "params": {
                "model": "res.config.settings",
                "method": method,
                "args": args,
                "kwargs": kwargs or {},
            },
        }
        response = self.url_open(
            "/web/dataset/call_kw/res.config.settings/%s" % method,
            data=json.dumps(payload),
            headers={"Content-Type": "application/json"},
        )
        self.assertEqual(response.status_code, 200)
        return response.text

    def _rpc_paths(self):
        spec = {fname: {} for fname in self.SECRET_FIELDS}
        return [
            ("default_get", [self.SECRET_FIELDS], {}),
            ("get_values", [], {}),
            ("onchange", [[], {}, [], spec], {}),
            ("web_read", [[self.settings_id]], {"specification": spec}),
            ("read", [[self.settings_id], self.SECRET_FIELDS], {}),
            ("search_read", [[]], {"fields": self.SECRET_FIELDS}),
            ("fields_get", [], {}),
        ]

    # Refusals are expected (and logged by odoo.http); a leak is what fails.
    @mute_logger("odoo.http")
    def test_non_administrators_get_no_secret_from_any_settings_rpc(self):
        for login in ("fusion-portal", "fusion-plain", "fusion-engineer", "fusion-manager"):
            self.authenticate(login, login)
            for method, args, kwargs in self._rpc_paths():
                with self.subTest(login=login, method=method):
                    text = self._call(method, args, kwargs)
                    self.assertNotIn(SECRET, text)
                    self.assertNotIn(self.BASE_URL, text)

    def test_administrator_never_receives_the_key_but_keeps_the_settings(self):
        self.authenticate("admin", "admin")
        for method, args, kwargs in self._rpc_paths():
            with self.subTest(method=method):
                self.assertNotIn(SECRET, self._call(method, args, kwargs))
        values = json.loads(
            self._call("default_get", [self.SECRET_FIELDS + ["fusion_openai_api_key_set"]])
        )
        self.assertEqual(values["result"]["fusion_openai_base_url"], self.BASE_URL)
        self.assertTrue(values["result"]["fusion_openai_api_key_set"])
        self.assertFalse(values["result"].get("fusion_openai_api_key"))
