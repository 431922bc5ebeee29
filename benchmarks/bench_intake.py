# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Intake throughput: tickets per second through POST /api/v1/tickets on one Odoo worker.

A real Odoo HTTP server subprocess (threaded, ``--workers=0``) on 127.0.0.1
receives ``--requests`` sequential POSTs from one ``requests.Session``, each
a valid ticket with the client key and the owner piggyback, from ten
requesters in turn (their contacts exist by then: the steady state).
Baseline in the same run: as many GETs of the ping endpoint (same
authentication, no write): intake / ping says what creating a ticket costs.
Queries are counted twice: per request by the server itself (its werkzeug
access log: everything, session and commit included) and per ticket
in-process through the controller's path (authenticate, validate,
``_intake_create_ticket``, commit).
"""

import argparse
import json
import sys

import _common
import _odoo

REQUIRES_ODOO = True
RATE_TARGET = 10.0  # tickets/s on one worker: far above any client's volume
API = "/fusion_helpdesk_central/api/v1"
PING, TICKETS = API + "/ping", API + "/tickets"
REQUESTERS = 10  # employees of the client, each ticket from the next one


def payload(index):
    """The JSON body a client instance sends for its ``index``-th ticket."""
    requester = index % REQUESTERS
    return {
        "subject": "Invoices stuck in draft #%d" % index,
        "description": "Since the upgrade our invoices stay in draft.\n" * 20,
        "requester_name": "Employee %d" % requester,
        "requester_email": "employee%d@acme.example.com" % requester,
        "owner_email": _odoo.OWNER_EMAIL,
        "owner_name": "Olivia Owner",
        "client_ref": str(index),
    }


def queries_in_process(db, key, count):
    """Median queries and seconds of ``count`` intakes through the controller's path."""
    from odoo.addons.fusion_helpdesk_central import (  # pylint: disable=import-outside-toplevel
        intake,
    )

    runs = []
    with _odoo.environment(db) as env:
        ClientKey = env["fusion.helpdesk.client.key"]
        # Each requester's first ticket also creates their contact: warm-up.
        for index in range(REQUESTERS + count):
            raw = json.dumps(payload(100000 + index)).encode()
            with _odoo.count_queries(env, commit=True) as counted:
                client_key = ClientKey.with_env(ClientKey._api_env())._api_authenticate(
                    "Bearer " + key, "127.0.0.1"
                )
                data = intake.validate_ticket_payload(intake.parse_json(raw))
                client_key._intake_create_ticket(data)
            runs.append(counted)
    return _odoo.median_counted(runs, warm_up=REQUESTERS)


def bench(db, args):
    import requests  # pylint: disable=import-outside-toplevel

    with _odoo.environment(db) as env:
        key = _odoo.make_client_keys(env)._generate_key()
    in_process = queries_in_process(db, key, args.in_process)
    with _odoo.server(db) as server, requests.Session() as session:
        session.headers["Authorization"] = "Bearer " + key

        def ping(_index):
            response = session.get(server.url + PING, timeout=30)
            assert response.status_code == 200, response.text

        def post(index):
            response = session.post(server.url + TICKETS, json=payload(index), timeout=30)
            assert response.status_code == 201, response.text

        for index in range(args.warmup):
            ping(index)
            post(-1 - index)
        mark = server.mark()
        pings = _odoo.timed(args.requests, ping)
        posts = _odoo.timed(args.requests, post)
        access = server.access_since(mark)
        problems = server.problems()
    rows = [
        _odoo.latency_row(label, seconds, [entry for entry in access if entry["path"] == path])
        for label, path, seconds in (
            ("GET ping (baseline)", PING, pings),
            ("POST tickets", TICKETS, posts),
        )
    ]
    print("one Odoo worker (--workers=0), sequential requests; %s" % _odoo.load_average())
    _common.print_table(_odoo.LATENCY_HEADERS, rows)
    print(
        "intake / ping p50 latency = %.1f; queries per ticket in-process "
        "(authenticate + validate + _intake_create_ticket + commit) = %g, %.1f ms"
        % (
            _odoo.p50_p95(posts)[0] / _odoo.p50_p95(pings)[0],
            in_process[0],
            in_process[1] * 1000,
        )
    )
    _odoo.print_problems(problems)
    rate = len(posts) / sum(posts)
    print(
        "intake: %.1f tickets/s on one worker, p95 %s ms (target >= %g tickets/s: %s)"
        % (rate, _odoo.ms(_odoo.p50_p95(posts)[1]), RATE_TARGET, _odoo.verdict(rate >= RATE_TARGET))
    )
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(prog="bench_intake", description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200, help="POSTs (and pings) timed")
    parser.add_argument("--warmup", type=int, default=5, help="untimed requests of each kind")
    parser.add_argument(
        "--in-process", type=int, default=20, help="intakes counted in-process (median)"
    )
    args = parser.parse_args(argv)
    return _odoo.run("intake", bench, args)


if __name__ == "__main__":
    sys.exit(main())
