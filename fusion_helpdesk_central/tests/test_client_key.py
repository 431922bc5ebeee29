# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import tagged

from .common import FusionHelpdeskCentralCommon


@tagged("post_install", "-at_install")
class TestClientKey(FusionHelpdeskCentralCommon):
    def test_key_is_generated_long_and_unique(self):
        other = self.env["fusion.helpdesk.client.key"].create({"name": "Other"})
        self.assertGreaterEqual(len(self.client_key.key), 40)
        self.assertNotEqual(self.client_key.key, other.key)

    def test_find_by_key(self):
        model = self.env["fusion.helpdesk.client.key"]
        self.assertEqual(model._find_by_key(self.client_key.key), self.client_key)
        self.assertFalse(model._find_by_key(self.client_key.key[:-1] + "x"))
        self.assertFalse(model._find_by_key(""))
        self.assertFalse(model._find_by_key(None))
        self.client_key.active = False
        self.assertFalse(model._find_by_key(self.client_key.key))

    def test_ticket_count(self):
        self._create_ticket("Second")
        self.assertEqual(self.client_key.ticket_count, 2)
