# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Fixtures shared by the central tests (and reusable by addons on top)."""

import re

from odoo.tests import new_test_user

from odoo.addons.base.tests.common import BaseCommon

LIVE_LINK = re.compile(r"/fusion_helpdesk/engagement/([^/\"'\s<>]+)/approve")


def live_token(mail):
    """The token of the first approve link in ``mail`` (a ``mail.mail``): the
    plaintext exists nowhere else once the mail is built."""
    match = LIVE_LINK.search(mail.sudo().body_html or "")
    return match.group(1) if match else None


class FusionHelpdeskCentralCommon(BaseCommon):
    """A client key with its owner, an engineer, a manager and a ticket factory."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].sudo().set_param(
            "web.base.url", "http://central.example.com"
        )
        cls.client_key = cls.env["fusion.helpdesk.client.key"].create(
            {
                "name": "Acme Corp",
                "owner_email": "owner@acme.example.com",
                "owner_name": "Olivia Owner",
            }
        )
        cls.engineer = new_test_user(
            cls.env,
            login="fusion-engineer",
            name="Eddie Engineer",
            email="engineer@provider.example.com",
            groups="helpdesk_mgmt.group_helpdesk_user",
        )
        cls.manager = new_test_user(
            cls.env,
            login="fusion-manager",
            name="Mona Manager",
            email="manager@provider.example.com",
            groups="helpdesk_mgmt.group_helpdesk_manager",
        )
        cls.plain_user = new_test_user(
            cls.env, login="fusion-plain", name="Paul Plain", groups="base.group_user"
        )
        cls.ticket = cls._create_ticket("Printer on fire")

    @classmethod
    def _create_ticket(cls, name, client_key=None, **values):
        """Create a ticket of ``client_key`` (the shared one by default)."""
        client_key = cls.client_key if client_key is None else client_key
        return cls.env["helpdesk.ticket"].create(
            {
                "name": name,
                "description": "<p>%s: the user's original report.</p>" % name,
                "client_key_id": client_key.id,
                "user_id": cls.engineer.id,
                **values,
            }
        )
