# Copyright 2026 Fusion Helpdesk
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Fixtures shared by the client tests (and reusable by addons on top).

Central is mocked at the HTTP layer only, with ``responses``: the code under
test really builds and sends its requests, and the tests read what central
received. Odoo's test harness blocks every non-local request before it
reaches ``requests``' transport adapter; ``_request_handler`` lets the fake
central host through to that adapter *only while* :meth:`mock_central` is
active, so nothing can ever leave the machine.
"""

import json
import re
from contextlib import contextmanager
from urllib.parse import urlsplit

import responses

from odoo.tests import new_test_user

from odoo.addons.base.tests.common import BaseCommon

CENTRAL_URL = "https://central.example.com"
CLIENT_KEY = "fhk-test-key-0b3f9d2c"
API = CENTRAL_URL + "/fusion_helpdesk_central/api/v1"
TICKETS_URL = API + "/tickets"
PING_URL = API + "/ping"
OWNER_EMAIL = "owner@acme.example.com"
OWNER_NAME = "Olivia Owner"
# The HttpCase browser-side opener talks to the local Odoo server.
ADAPTER_KWARGS = ("stream", "timeout", "verify", "cert", "proxies")
LOCAL_SERVER = re.compile(r"^https?://(127\.0\.0\.1|localhost)(:\d+)?/")
# A client reference: a random UUID4, as ``uuid.uuid4()`` writes it.
UUID4 = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")


def messages_url(central_id):
    """Return central's thread URL of a ticket."""
    return "%s/%d/messages" % (TICKETS_URL, central_id)


def request_json(call):
    """Return the JSON body central received in a ``responses`` call."""
    return json.loads(call.request.body)


class CentralMockMixin:
    """Gives a test class :meth:`mock_central`; mix it before an Odoo test case."""

    _central_mock = None

    @classmethod
    def _request_handler(cls, s, r, /, **kw):
        if (
            cls._central_mock is not None
            and urlsplit(r.url).hostname == urlsplit(CENTRAL_URL).hostname
        ):
            # responses answers at the adapter layer, where it is installed.
            adapter_kw = {key: kw[key] for key in ADAPTER_KWARGS if key in kw}
            return s.get_adapter(r.url).send(r, **adapter_kw)
        return super()._request_handler(s, r, **kw)

    @contextmanager
    def mock_central(self):
        """Mock central for the block; yield the ``responses.RequestsMock`` to register answers.

        An unregistered central URL fails like an unreachable server
        (``ConnectionError``); requests to the local Odoo server pass through.
        """
        mock = responses.RequestsMock(assert_all_requests_are_fired=False)
        mock.add_passthru(LOCAL_SERVER)
        mock.start()
        type(self)._central_mock = mock
        try:
            yield mock
        finally:
            type(self)._central_mock = None
            # Stopped, not reset: the test reads ``mock.calls`` after the block.
            mock.stop(allow_assert=False)

    def central_calls(self, mock, url=None):
        """Return the calls central received (to ``url`` only when given)."""
        return [call for call in mock.calls if url is None or call.request.url == url]


class FusionHelpdeskCommon(CentralMockMixin, BaseCommon):
    """Configured connection and owner, two employees and an administrator."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.icp = cls.env["ir.config_parameter"].sudo()
        cls.icp.set_param("fusion_helpdesk.central_url", CENTRAL_URL + "/")
        cls.icp.set_param("fusion_helpdesk.client_key", CLIENT_KEY)
        cls.icp.set_param("fusion_helpdesk.owner_email", OWNER_EMAIL)
        cls.icp.set_param("fusion_helpdesk.owner_name", OWNER_NAME)
        cls.employee = new_test_user(
            cls.env,
            login="fh-erin",
            name="Erin Employee",
            email="erin@acme.example.com",
            groups="base.group_user",
        )
        cls.other_employee = new_test_user(
            cls.env,
            login="fh-oscar",
            name="Oscar Other",
            email="oscar@acme.example.com",
            groups="base.group_user",
        )
        cls.admin = new_test_user(
            cls.env,
            login="fh-admin",
            name="Ada Admin",
            email="ada@acme.example.com",
            groups="base.group_user,base.group_system",
        )
        cls.Ticket = cls.env["fusion.helpdesk.ticket"]

    @classmethod
    def _create_ticket(cls, user, name="Printer on fire", **values):
        """Create a local ticket of ``user`` (as superuser, so any state can be set)."""
        return cls.Ticket.create(
            {"name": name, "description": "Smoke from tray 2.", "user_id": user.id, **values}
        )

    @staticmethod
    def central_accepts(mock, central_id=42, number="HT00042"):
        """Make central create tickets, answering ``central_id`` and ``number``."""
        mock.post(TICKETS_URL, json={"id": central_id, "number": number}, status=201)

    @staticmethod
    def central_refuses(mock, status, message, field=None, url=TICKETS_URL, method="POST"):
        """Make central answer ``url`` with a JSON error."""
        mock.add(method, url, json={"error": {"field": field, "message": message}}, status=status)
