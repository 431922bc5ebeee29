# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Fixtures shared by the central tests (and reusable by addons on top)."""

import json
import re
import secrets
import threading
import time
from contextlib import closing
from datetime import datetime, timedelta

from psycopg2 import errors

from odoo import SUPERUSER_ID, Command, api, fields
from odoo.service.model import retrying
from odoo.sql_db import db_connect
from odoo.tests import new_test_user
from odoo.tests.common import JsonRpcException

from odoo.addons.base.tests.common import BaseCommon

from .. import money
from ..models.fusion_helpdesk_engagement import hash_token

LIVE_LINK = re.compile(r"/fusion_helpdesk/engagement/([^/\"'\s<>]+)/approve")


# ---------------------------------------------------------------- two cursors
def real_env(cr):
    """A superuser environment on ``cr``, a cursor of its own: its
    transaction is a real one, outside the test's (races, committed data)."""
    return api.Environment(cr, SUPERUSER_ID, {})


def wait_for_a_lock_wait(dbname, timeout=8):
    """Whether a backend of database ``dbname`` waits on a lock within
    ``timeout`` seconds (the second racer queued behind the first's row)."""
    deadline = time.monotonic() + timeout
    with closing(db_connect(dbname).cursor()) as cr:
        while time.monotonic() < deadline:
            cr.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            if cr.fetchone()[0]:
                return True
            cr.rollback()
            time.sleep(0.05)
    return False


def replay_late_racer(case, cr_a, env_b, run_b):
    """Race ``run_b`` (request B, on ``env_b``) against request A, which has
    written on ``cr_a`` but not committed yet: B waits on A's row lock (or runs
    just after), its snapshot predates A's commit, so it must fail with a
    serialization failure. Returns what Odoo's ``retrying()`` replaying B
    returns (B then sees A's commit)."""
    outcome = {}

    def b_runs():
        try:
            outcome["result"] = run_b()
        except errors.SerializationFailure as error:
            outcome["error"] = error

    racer = threading.Thread(target=b_runs)
    racer.start()
    racer.join(0.5)
    cr_a.commit()
    racer.join(30)
    case.assertFalse(racer.is_alive())
    case.assertIsInstance(outcome.get("error"), errors.SerializationFailure)
    case.assertNotIn("result", outcome)
    env_b.cr.rollback()
    env_b.invalidate_all()
    return retrying(run_b, env_b)


def assert_late_racer_loses(case, cr_a, env_b, decide_b):
    """``replay_late_racer`` of a decision: replayed, B must decide nothing."""
    case.assertFalse(replay_late_racer(case, cr_a, env_b, decide_b))


def delete_committed_tickets(env, tickets):
    """Delete ``tickets`` that a race test committed. A ticket whose owner
    decided cannot be deleted (its decision comment is kept for good): this
    test-only cleanup first unlinks the rounds from their comments in SQL."""
    if tickets:
        env.cr.execute(
            "UPDATE fusion_helpdesk_engagement SET decision_message_id = NULL "
            "WHERE ticket_id IN %s",
            [tuple(tickets.ids)],
        )
        tickets.unlink()


# ---------------------------------------------------------------- JSON-RPC
def call_kw(case, model, method, *args, **kwargs):
    """``model.method(*args, **kwargs)`` over JSON-RPC (``/web/dataset/call_kw``)
    in the session of ``case`` (an ``HttpCase``); its result."""
    return case.make_jsonrpc_request(
        "/web/dataset/call_kw/%s/%s" % (model, method),
        {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
    )


def call_kw_error(case, user, model, method, *args, **kwargs):
    """``call_kw`` logged in as ``user`` (password: the login, ``admin`` for the
    administrator); the text of the error it raised, else None."""
    admin = case.env.ref("base.user_admin")
    case.authenticate(user.login, "admin" if user == admin else user.login)
    try:
        call_kw(case, model, method, *args, **kwargs)
    except JsonRpcException as error:
        return str(error)
    return None


def json2(case, user, model, method, **params):
    """``POST /json/2/<model>/<method>`` with ``params``, as ``user`` with an
    API key of their own made for the call; the response."""
    key = (
        case.env["res.users.apikeys"]
        .with_user(user)
        .sudo()
        ._generate("rpc", "test", datetime.now() + timedelta(days=1))
    )
    return case.url_open(
        "/json/2/%s/%s" % (model, method),
        data=json.dumps(params),
        headers={"Content-Type": "application/json", "Authorization": "Bearer %s" % key},
    )


# ---------------------------------------------------------------- rules
def create_owner_approval_rule(env, name="Client work needs the owner"):
    """An automation rule running "Require owner approval" on every client
    ticket created or saved (``on_create_or_write``), as an administrator
    sets one up in Settings."""
    ticket_model = env["ir.model"]._get("helpdesk.ticket")
    return env["base.automation"].create(
        {
            "name": name,
            "model_id": ticket_model.id,
            "trigger": "on_create_or_write",
            "filter_domain": "[('client_key_id', '!=', False)]",
            "action_server_ids": [
                Command.create(
                    {
                        "name": "Require owner approval",
                        "model_id": ticket_model.id,
                        "state": "fusion_owner_approval",
                    }
                )
            ],
        }
    )


def live_token(mail):
    """The token of the first approve link in ``mail`` (a ``mail.mail``): the
    plaintext exists nowhere else once the mail is built."""
    match = LIVE_LINK.search(mail.sudo().body_html or "")
    return match.group(1) if match else None


def ticket_live_token(ticket):
    """The plaintext token of ``ticket``'s live link, found in the emails that
    carried it (the database only keeps its digest), or None."""
    digest = ticket.sudo().engagement_token
    if not digest:
        return None
    mails = (
        ticket.env["mail.mail"]
        .sudo()
        .search([("fusion_engagement_ticket_ids", "in", ticket.ids)], order="id desc")
    )
    for mail in mails:
        for token in LIVE_LINK.findall(mail.body_html or ""):
            if hash_token(token) == digest:
                return token
    return None


def set_absence_policy(
    client_key, deputy_email=False, deputy_name=False, away_from=False, away_until=False
):
    """Set the client's absence policy (deputy and away dates) as the client's
    administrator does: the body ``PUT /fusion_helpdesk_central/api/v1/policy``
    carries, checked by the API's own validation and stored by its own method
    (the one writer of these fields); the key's owner and budget are kept."""
    key = client_key.sudo()
    payload = {
        "owner_email": key.owner_email or None,
        "owner_name": key.owner_name or None,
        "budget_monthly": key.budget_monthly,
        "currency": key.budget_currency_id.name or None,
        "deputy_email": deputy_email or None,
        "deputy_name": deputy_name or None,
        "away_from": fields.Date.to_string(away_from) or None,
        "away_until": fields.Date.to_string(away_until) or None,
    }
    return client_key._api_set_policy(money.validate_policy_payload(payload))


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

    @classmethod
    def _start_round(cls, ticket, token=None, **values):
        """A pending round on ``ticket`` as the flow leaves it (any earlier
        pending round superseded), without a mail; returns ``(round, token)``."""
        token = token or secrets.token_urlsafe(32)
        ticket.sudo().engagement_ids._supersede()
        engagement = (
            cls.env["fusion.helpdesk.engagement"]
            .sudo()
            .create(
                {
                    "ticket_id": ticket.id,
                    "owner_email": ticket.client_key_id.owner_email or "owner@acme.example.com",
                    "owner_name": ticket.client_key_id.owner_name or False,
                    "requested_by_id": cls.engineer.id,
                    "sent_at": fields.Datetime.now(),
                    "summary": "Summary of %s" % ticket.name,
                    "parent_id": ticket.engagement_id.id,
                    "token_hash": hash_token(token),
                    **values,
                }
            )
        )
        return engagement, token
