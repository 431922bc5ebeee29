# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Every delay, limit and window of the addon reads its system parameter through
one rule: unset or blank is the default, a value that is no integer is logged
and the default is used, and a floor applies where one makes sense."""

from odoo.tests import TransactionCase, tagged

from .. import sync

LOGGER = "odoo.addons.fusion_helpdesk_central.models.ir_config_parameter"


@tagged("post_install", "-at_install")
class TestIntegerSettings(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.icp = cls.env["ir.config_parameter"].sudo()
        cls.Engagement = cls.env["fusion.helpdesk.engagement"]
        cls.Change = cls.env["fusion.helpdesk.sync.change"]
        cls.ClientKey = cls.env["fusion.helpdesk.client.key"]

    def _reader(self, key, read):
        """``read()`` after setting ``key`` to each value of a table."""

        def with_value(value):
            self.icp.set_param(key, value)
            return read()

        return with_value

    def test_each_setting_falls_back_to_its_default_on_blank_or_invalid(self):
        readers = {
            "fusion_helpdesk_central.engagement_expiry_days": (
                self.Engagement._expiry_days,
                14,
            ),
            "fusion_helpdesk_central.engagement_escalation_days": (
                self.Engagement._escalation_days,
                0,
            ),
            "fusion_helpdesk_central.sync_retention_days": (
                self.Change._retention_days,
                sync.DEFAULT_RETENTION_DAYS,
            ),
            "fusion_helpdesk_central.api_cooldown_after": (
                lambda: self.ClientKey._api_cooldown_settings()[0],
                self.ClientKey._api_cooldown_after,
            ),
            "fusion_helpdesk_central.reply_rate_limit": (
                lambda: self.ClientKey._api_reply_rate_settings()[0],
                sync.REPLY_RATE_LIMIT,
            ),
        }
        for key, (read, default) in readers.items():
            set_and_read = self._reader(key, read)
            with self.subTest(key=key):
                self.assertEqual(set_and_read(" 7 "), 7)
                self.assertEqual(set_and_read("   "), default)
                for invalid in ("seven", "2.5"):
                    with self.assertLogs(LOGGER, "WARNING") as logs:
                        self.assertEqual(set_and_read(invalid), default)
                    self.assertIn(repr(invalid), logs.output[0])
                    self.assertIn(key, logs.output[0])
                self.icp.search([("key", "=", key)]).unlink()
                self.assertEqual(read(), default)

    def test_floors_of_the_retention_and_the_reply_window(self):
        """A negative retention keeps changes for good (0) instead of pruning
        everything; a reply window is at least one second."""
        self.icp.set_param("fusion_helpdesk_central.sync_retention_days", "-5")
        self.assertEqual(self.Change._retention_days(), 0)
        self.icp.set_param("fusion_helpdesk_central.reply_rate_seconds", "0")
        self.assertEqual(self.ClientKey._api_reply_rate_settings()[1], 1)
        self.icp.set_param("fusion_helpdesk_central.reply_rate_seconds", "45")
        self.assertEqual(self.ClientKey._api_reply_rate_settings()[1], 45)

    def test_one_invalid_parameter_keeps_the_other_of_its_pair(self):
        """The cooldown and the reply rate each read two parameters: a typo in
        one no longer discards the other."""
        self.icp.set_param("fusion_helpdesk_central.api_cooldown_after", "oops")
        self.icp.set_param("fusion_helpdesk_central.api_cooldown_seconds", "120")
        with self.assertLogs(LOGGER, "WARNING"):
            after, seconds = self.ClientKey._api_cooldown_settings()
        self.assertEqual((after, seconds), (self.ClientKey._api_cooldown_after, 120))
