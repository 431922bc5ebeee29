# Copyright 2026 Fusion Helpdesk
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The client key over JSON-RPC: the attacker's own path, as portal user and employee.

With the key, one intake call naming another ``owner_email`` moved the
company's owner on central to the attacker, and the next approval request
went to them. Nobody but an administrator may get it through any RPC, and
administrators only ever write it (like a password field).
"""

import json

from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from .common import CENTRAL_URL, CLIENT_KEY, OWNER_EMAIL, PING_URL, FusionHelpdeskCommon

SETTINGS = "res.config.settings"
SETTINGS_FIELDS = [
    "fusion_helpdesk_central_url",
    "fusion_helpdesk_client_key",
    "fusion_helpdesk_owner_email",
    "fusion_helpdesk_owner_name",
]


@tagged("post_install", "-at_install")
class TestSettingsSecrets(FusionHelpdeskCommon, HttpCase):
    """Every RPC path to the client key, called over HTTP as each kind of user."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.portal = new_test_user(
            cls.env, login="fh-portal", name="Pat Portal", groups="base.group_portal"
        )

    def setUp(self):
        super().setUp()
        # The administrator typed a new key in the form and has not saved yet
        # (or left without saving: the row lives until the vacuum). The only
        # settings record that holds the key: what the RPC paths below ask for.
        self.unsaved = (
            self.env[SETTINGS]
            .with_user(self.admin)
            .create({"fusion_helpdesk_client_key": CLIENT_KEY})
        )
        self.assertEqual(self.unsaved.sudo().fusion_helpdesk_client_key, CLIENT_KEY)

    def call_kw(self, model, method, args=(), kwargs=None):
        """Call ``model.method`` like the web client does; return ``(raw text, answer)``."""
        envelope = {
            "jsonrpc": "2.0",
            "method": "call",
            "id": 1,
            "params": {
                "model": model,
                "method": method,
                "args": list(args),
                "kwargs": kwargs or {},
            },
        }
        response = self.url_open(
            "/web/dataset/call_kw/%s/%s" % (model, method),
            data=json.dumps(envelope),
            headers={"Content-Type": "application/json"},
        )
        return response.text, response.json()

    def assertRpcError(self, answer, exception, message=None):
        """``answer`` is the JSON-RPC error of ``exception`` (a class), saying
        ``message`` when given."""
        error = (answer.get("error") or {}).get("data", {})
        qualified = "%s.%s" % (exception.__module__, exception.__name__)
        self.assertEqual(error.get("name"), qualified, answer)
        if message:
            self.assertEqual(error.get("message"), message)

    def attacker_paths(self):
        """Every way we know of to ask for the key, as ``(label, model, method, args, kwargs)``."""
        spec = {name: {} for name in SETTINGS_FIELDS}
        icp_domain = [("key", "like", "fusion_helpdesk")]
        return [
            ("default_get", SETTINGS, "default_get", [SETTINGS_FIELDS], {}),
            ("onchange", SETTINGS, "onchange", [[], {}, [], spec], {}),
            ("web_read", SETTINGS, "web_read", [self.unsaved.ids], {"specification": spec}),
            ("read", SETTINGS, "read", [self.unsaved.ids, SETTINGS_FIELDS], {}),
            ("search_read", SETTINGS, "search_read", [[], SETTINGS_FIELDS], {}),
            ("web_search_read", SETTINGS, "web_search_read", [[]], {"specification": spec}),
            ("create", SETTINGS, "create", [{"fusion_helpdesk_central_url": "https://x"}], {}),
            (
                "icp get_param",
                "ir.config_parameter",
                "get_param",
                ["fusion_helpdesk.client_key"],
                {},
            ),
            ("icp search_read", "ir.config_parameter", "search_read", [icp_domain], {}),
            ("ticket fields", "fusion.helpdesk.ticket", "fields_get", [], {}),
            ("ticket search_read", "fusion.helpdesk.ticket", "search_read", [[]], {}),
            (
                "ticket default_get",
                "fusion.helpdesk.ticket",
                "default_get",
                [list(self.Ticket._fields)],
                {},
            ),
        ]

    def assert_no_secret(self, user):
        self.authenticate(user.login, user.login)
        if user != self.portal:
            self._create_ticket(user)
        for label, model, method, args, kwargs in self.attacker_paths():
            with self.subTest(user=user.login, path=label), mute_logger("odoo.http"):
                text, answer = self.call_kw(model, method, args, kwargs)
                self.assertNotIn(CLIENT_KEY, text)
                if label in ("read", "web_read"):
                    # The record does hold the key: refused, not merely empty.
                    self.assertRpcError(answer, AccessError)

    def test_portal_user_gets_no_key_from_any_rpc(self):
        self.assert_no_secret(self.portal)

    def test_employee_gets_no_key_from_any_rpc(self):
        self.assert_no_secret(self.employee)

    def test_a_read_right_granted_elsewhere_still_never_reads_the_key(self):
        """Another addon may give employees read access to the settings model;
        the fields' own ``groups`` still keep the key (and the rest) to admins."""
        self.env["ir.model.access"].create(
            {
                "name": "settings read for employees (another addon)",
                "model_id": self.env["ir.model"]._get_id(SETTINGS),
                "group_id": self.env.ref("base.group_user").id,
                "perm_read": True,
            }
        )
        self.authenticate(self.employee.login, self.employee.login)
        _text, answer = self.call_kw(SETTINGS, "read", [self.unsaved.ids, ["id"]])
        self.assertEqual(answer["result"], [{"id": self.unsaved.id}], "the right is granted")
        spec = {"fusion_helpdesk_client_key": {}}
        for method, args, kwargs in (
            ("read", [self.unsaved.ids, ["fusion_helpdesk_client_key"]], {}),
            ("web_read", [self.unsaved.ids], {"specification": spec}),
            ("search_read", [[], ["fusion_helpdesk_client_key"]], {}),
            ("web_search_read", [[]], {"specification": spec}),
        ):
            with self.subTest(method=method), mute_logger("odoo.http"):
                text, answer = self.call_kw(SETTINGS, method, args, kwargs)
                self.assertNotIn(CLIENT_KEY, text)
                self.assertRpcError(answer, AccessError)

    def test_non_admins_get_no_setting_at_all_from_settings(self):
        """Not the owner's address either, nor where the company's tickets go."""
        for user in (self.portal, self.employee):
            self.authenticate(user.login, user.login)
            with self.subTest(user=user.login), mute_logger("odoo.http"):
                text, answer = self.call_kw(SETTINGS, "default_get", [SETTINGS_FIELDS])
                self.assertIn("result", answer)
                self.assertNotIn(OWNER_EMAIL, text)
                self.assertNotIn("central.example.com", text)

    def test_get_values_answers_no_fusion_setting_even_to_admins(self):
        """``get_values`` is public and unfiltered: the settings above are read
        by ``default_get`` (``config_parameter``), whose filter keeps them from
        non-admins. Should one ever be answered by ``get_values``, move the
        filter along: this fails first."""
        self.authenticate(self.admin.login, self.admin.login)
        _text, answer = self.call_kw(SETTINGS, "get_values")
        self.assertFalse(
            set(answer["result"]) & {*SETTINGS_FIELDS, "fusion_helpdesk_client_key_set"}
        )

    def test_non_admins_cannot_change_or_test_the_settings(self):
        """``set_values`` is public: called on no record it would write empty values."""
        # The unsaved record of the administrator: a real record, so ``ensure_one``
        # passes and only the administrator check is left to refuse.
        # The restricted fields alone would refuse too (Odoo 19 checks a field's
        # ``groups`` on every access), with a message about a field: each
        # method's own check is what says why, so it is what is asserted.
        change = "Only administrators can change the settings."
        attempts = [
            ("set_values", [[]], change),
            ("set_values", [self.unsaved.ids], change),
            ("execute", [self.unsaved.ids], "Only administrators can change the settings"),
            (
                "action_fusion_helpdesk_test_connection",
                [self.unsaved.ids],
                "Only administrators can test the connection.",
            ),
        ]
        for user in (self.portal, self.employee):
            self.authenticate(user.login, user.login)
            for method, args, message in attempts:
                with (
                    self.subTest(user=user.login, method=method, args=args),
                    self.mock_central() as mock,
                    mute_logger("odoo.http"),
                ):
                    mock.get(PING_URL, json={"ok": True, "client": "Acme Corp"})
                    _text, answer = self.call_kw(SETTINGS, method, args)
                    self.assertRpcError(answer, AccessError, message)
                    self.assertFalse(mock.calls)
        self.assertEqual(self.icp.get_param("fusion_helpdesk.client_key"), CLIENT_KEY)
        self.assertEqual(self.icp.get_param("fusion_helpdesk.owner_email"), OWNER_EMAIL)
        self.assertEqual(self.icp.get_param("fusion_helpdesk.central_url"), CENTRAL_URL + "/")

    def test_admin_writes_the_key_and_never_reads_it_back(self):
        """The Settings form as an administrator: the key field is write-only."""
        self.authenticate(self.admin.login, self.admin.login)
        text, answer = self.call_kw(SETTINGS, "default_get", [SETTINGS_FIELDS])
        self.assertNotIn(CLIENT_KEY, text)
        self.assertEqual(answer["result"]["fusion_helpdesk_owner_email"], OWNER_EMAIL)
        # Saving the form without typing a key keeps the saved one.
        _text, answer = self.call_kw(
            SETTINGS, "create", [{"fusion_helpdesk_owner_name": "Bea Boss"}]
        )
        text, read = self.call_kw(
            SETTINGS,
            "read",
            [[answer["result"]], ["fusion_helpdesk_client_key", "fusion_helpdesk_client_key_set"]],
        )
        self.assertNotIn(CLIENT_KEY, text)
        self.assertIs(read["result"][0]["fusion_helpdesk_client_key_set"], True)
        self.call_kw(SETTINGS, "execute", [[answer["result"]]])
        self.assertEqual(self.icp.get_param("fusion_helpdesk.client_key"), CLIENT_KEY)
        self.assertEqual(self.icp.get_param("fusion_helpdesk.owner_name"), "Bea Boss")
        # Typing one replaces it, and it is not kept on the settings record.
        _text, answer = self.call_kw(
            SETTINGS, "create", [{"fusion_helpdesk_client_key": "  fhk-new-key-7  "}]
        )
        settings_id = answer["result"]
        self.call_kw(SETTINGS, "execute", [[settings_id]])
        self.assertEqual(self.icp.get_param("fusion_helpdesk.client_key"), "fhk-new-key-7")
        for method, args, kwargs in (
            ("default_get", [SETTINGS_FIELDS], {}),
            ("get_values", [], {}),
            ("read", [[settings_id], SETTINGS_FIELDS], {}),
        ):
            with self.subTest(method=method):
                text, _answer = self.call_kw(SETTINGS, method, args, kwargs)
                self.assertNotIn("fhk-new-key-7", text)

    def test_admin_tests_the_saved_key_without_retyping_it(self):
        self.authenticate(self.admin.login, self.admin.login)
        _text, answer = self.call_kw(
            SETTINGS, "create", [{"fusion_helpdesk_central_url": CENTRAL_URL}]
        )
        with self.mock_central() as mock:
            mock.get(PING_URL, json={"ok": True, "client": "Acme Corp"})
            text, answer = self.call_kw(
                SETTINGS, "action_fusion_helpdesk_test_connection", [[answer["result"]]]
            )
        self.assertEqual(answer["result"]["params"]["type"], "success")
        [call] = mock.calls
        self.assertEqual(call.request.headers["Authorization"], "Bearer %s" % CLIENT_KEY)
        self.assertNotIn(CLIENT_KEY, text)

    def test_employee_cannot_render_the_key_in_the_mail_composer(self):
        """A dynamic placeholder evaluates Python: only template editors may use one
        (administrators in Odoo 19's defaults), so an employee's composer refuses it."""
        self.authenticate(self.employee.login, self.employee.login)
        expression = (
            "{{ object.env['ir.config_parameter'].sudo().get_param('fusion_helpdesk.client_key') }}"
        )
        partner = self.employee.partner_id
        values = {
            "composition_mode": "mass_mail",
            "model": "res.partner",
            "res_ids": [partner.id],
            "subject": expression,
            "body": "<p>%s</p>" % expression,
        }
        with mute_logger("odoo.http", "odoo.addons.mail.models.mail_render_mixin"):
            text, answer = self.call_kw("mail.compose.message", "create", [values])
            self.assertNotIn(CLIENT_KEY, text)
            if "result" in answer:
                text, answer = self.call_kw(
                    "mail.compose.message", "action_send_mail", [[answer["result"]]]
                )
                self.assertNotIn(CLIENT_KEY, text)
        self.assertIn("Mail Template Editor", answer["error"]["data"]["message"])
        sent = self.env["mail.mail"].search([]).mapped("body_html") + self.env[
            "mail.message"
        ].search([("model", "=", "res.partner"), ("res_id", "=", partner.id)]).mapped("body")
        self.assertFalse([body for body in sent if body and CLIENT_KEY in body])

    def test_admin_settings_form_replaces_the_key_without_showing_it(self):
        self.start_tour(
            "/odoo/settings#fusion_helpdesk", "fusion_helpdesk_settings_key", login=self.admin.login
        )
        self.assertEqual(self.icp.get_param("fusion_helpdesk.client_key"), "fhk-typed-in-the-form")
