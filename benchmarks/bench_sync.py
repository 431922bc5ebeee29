# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Client sync: one cron run with 20 changed tickets among 1,000 and 10,000 open ones.

Both addons in one database served by a real Odoo process on 127.0.0.1; the
client's Central URL points at it with a real client key. Every open ticket
exists on both sides (central ``helpdesk.ticket``, client
``fusion.helpdesk.ticket`` of one employee, linked by ``central_id``); the
client's cursor is at the head of the feed. Then an engineer answers
``--changed`` tickets on central and the client's cron
(``_cron_fusion_helpdesk_sync``) runs in this process: it fetches the feed,
stores the answers and notifies the employee. Figures: HTTP requests of the
run (the server's access log), queries per changed ticket on each side, and
the run time with 10,000 open tickets over the run with 1,000.
"""

import argparse
import statistics
import sys
import time

import _common
import _odoo

REQUIRES_ODOO = True
UPDATES = "/fusion_helpdesk_central/api/v1/updates"
RATIO_TARGET = 1.2


def grow(env, client_key, engineer, employee, count):
    """Add ``count`` open tickets of ``client_key`` on both sides."""
    central = _odoo.make_tickets(env, count, [client_key], engineer)
    env["fusion.helpdesk.ticket"].create(
        [
            {
                "name": ticket.name,
                "description": "Since the upgrade our invoices stay in draft.",
                "user_id": employee.id,
                "state": "sent",
                "central_id": ticket.id,
                "central_number": ticket.number,
            }
            for ticket in central
        ]
    )
    return central


def to_head(env, client_key):
    """Move the client's cursor to the last change of the feed (a client up to date)."""
    from odoo.addons.fusion_helpdesk_central import sync  # pylint: disable=import-outside-toplevel

    head = env["fusion.helpdesk.sync.change"]._last_sequence(client_key)
    env["ir.config_parameter"].set_param("fusion_helpdesk.sync_cursor", sync.encode_cursor(head))


def one_run(db, server, client_key, tickets, engineer, changed):
    """Answer ``changed`` of ``tickets`` on central, then run the client's sync
    once; return (requests, central queries, client queries, seconds)."""
    with _odoo.environment(db) as env:
        to_head(env, client_key.with_env(env))
        for ticket in tickets.with_env(env)[:changed]:
            ticket.with_user(engineer).message_post(
                body="We replaced the fuser on %s." % ticket.number,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
        env.cr.commit()
        mark = server.mark()
        start = time.perf_counter()
        with _odoo.count_queries(env, commit=True) as counted:
            env["fusion.helpdesk.ticket"]._cron_fusion_helpdesk_sync()
        seconds = time.perf_counter() - start
    served = server.access_since(mark, UPDATES)
    return len(served), sum(entry["queries"] for entry in served), counted.queries, seconds


def bench(db, args):
    with _odoo.environment(db) as env:
        client_key = _odoo.make_client_keys(env)
        plain = client_key._generate_key() if hasattr(client_key, "_generate_key") else None
        plain = plain or client_key.key
        engineer = _odoo.make_engineer(env)
        employee = (
            env["res.users"]
            .with_context(no_reset_password=True)
            .create(
                {
                    "name": "Erin Employee",
                    "login": "erin",
                    "email": "erin@acme.example.com",
                    "notification_type": "inbox",
                }
            )
        )
        small = grow(env, client_key, engineer, employee, args.small)
    rows, figures = [], {}
    with _odoo.server(db) as server:
        with _odoo.environment(db) as env:
            env["ir.config_parameter"].set_param("fusion_helpdesk.central_url", server.url)
            env["ir.config_parameter"].set_param("fusion_helpdesk.client_key", plain)
        for size in (args.small, args.large):
            if size == args.large:
                with _odoo.environment(db) as env:
                    grow(env, client_key.with_env(env), engineer, employee, size - args.small)
            runs = []
            for repeat in range(args.repeat):
                # Other tickets each time: every run sees ``changed`` fresh answers.
                offset = (repeat * args.changed) % (args.small - args.changed)
                runs.append(one_run(db, server, client_key, small[offset:], engineer, args.changed))
            requests_, central_q, client_q, __ = runs[-1]
            seconds = statistics.median(run[3] for run in runs)
            figures[size] = seconds
            rows.append(
                (
                    "%d open, %d changed" % (size, args.changed),
                    requests_,
                    "%.1f" % (central_q / args.changed),
                    "%.1f" % (client_q / args.changed),
                    "%.0f" % (seconds * 1000),
                )
            )
        problems = server.problems()
    print("median of %d runs; %s" % (args.repeat, _odoo.load_average()))
    _common.print_table(
        (
            "open tickets",
            "HTTP requests",
            "central queries / changed",
            "client queries / changed",
            "run ms",
        ),
        rows,
    )
    _odoo.print_problems(problems)
    ratio = figures[args.large] / figures[args.small]
    print(
        "sync: run time with %d open / with %d open = %.2f (target <= %g: %s)"
        % (args.large, args.small, ratio, RATIO_TARGET, _odoo.verdict(ratio <= RATIO_TARGET))
    )
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(prog="bench_sync", description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=1000, help="open tickets, first run")
    parser.add_argument("--large", type=int, default=10000, help="open tickets, second run")
    parser.add_argument("--changed", type=int, default=20, help="tickets answered per run")
    parser.add_argument("--repeat", type=int, default=3, help="runs per size (median)")
    args = parser.parse_args(argv)
    return _odoo.run("sync", bench, args)


if __name__ == "__main__":
    sys.exit(main())
