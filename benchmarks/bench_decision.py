# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Decision POST: latency of the owner's confirm POST on a real Odoo HTTP server.

For each of ``--decisions`` fresh pending engagements, a new browser session
(``requests.Session``) GETs the confirm page (the baseline: read-only), reads
its CSRF token, and POSTs the decision with a comment, alternately approve and
reject, as the owner clicking the email's link does. The server is one
threaded Odoo process (``--workers=0``) on 127.0.0.1. Queries are counted per
request by the server (its werkzeug access log) and per decision in-process
through the POST's model path (``_engagement_find_pending`` then
``_engagement_decide``: the SQL update, the owner's public comment, the
engineer's to-do; commit included).

Round history: the same is measured, interleaved in the same run, on tickets
that already have ``--prior-rounds`` superseded approval rounds; the decision
must not grow with a ticket's history (p95 within 10% of the fresh tickets').
"""

import argparse
import re
import sys
import time

import _common
import _odoo

REQUIRES_ODOO = True
P95_TARGET = 0.5  # seconds: the owner is waiting for the done page
HISTORY_TARGET = 1.10  # p95 with a long round history / p95 without
CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')
DONE_MARK = "Your comment"


def decision(index):
    return "approve" if index % 2 == 0 else "reject"


def queries_in_process(env, tickets):
    """Median queries and seconds of deciding ``tickets`` through the model path."""
    Ticket = env["helpdesk.ticket"].with_user(env.ref("base.public_user"))
    runs = []
    for index, ticket in enumerate(tickets):
        token = _odoo.token_of(ticket)
        with _odoo.count_queries(env, commit=True) as counted:
            Ticket._engagement_find_pending(token)._engagement_page_lang()
            decided = Ticket._engagement_decide(
                token, decision(index), comment="Go ahead.", ip="127.0.0.1", user_agent="bench"
            )
        assert decided, "the in-process decision was refused"
        runs.append(counted)
    return _odoo.median_counted(runs)


def link_path(ticket, index):
    return "/fusion_helpdesk/engagement/%s/%s" % (_odoo.token_of(ticket), decision(index))


def bench(db, args):
    import requests  # pylint: disable=import-outside-toplevel

    count = args.warmup + args.decisions + args.in_process + 1
    with _odoo.environment(db) as env:
        engineer = _odoo.make_engineer(env)
        sent_at = _odoo.days_ago(1)
        keys = _odoo.make_client_keys(env)
        groups = {
            "fresh": _odoo.make_pending(
                env, count, keys, engineer, lambda index: sent_at, quiet=False
            ),
            "history": _odoo.make_pending(
                env,
                count,
                keys,
                engineer,
                lambda index: sent_at,
                quiet=False,
                prior_rounds=args.prior_rounds,
            ),
        }
        followers = groups["fresh"][:1].message_partner_ids.mapped("display_name")
        env.cr.commit()
        in_process = {
            name: queries_in_process(env, tickets[-args.in_process - 1 :])
            for name, tickets in groups.items()
        }
        # The links of the engagement mails, on the benchmark's server.
        paths = {
            name: [
                link_path(ticket, index)
                for index, ticket in enumerate(tickets[: args.warmup + args.decisions])
            ]
            for name, tickets in groups.items()
        }
    with _odoo.server(db) as server:
        gets = {name: [] for name in groups}
        posts = {name: [] for name in groups}

        def decide(name, index):
            url = server.url + paths[name][index]
            with requests.Session() as session:
                start = time.perf_counter()
                page = session.get(url, timeout=30)
                gets[name].append(time.perf_counter() - start)
                assert page.status_code == 200, page.status_code
                form = {"csrf_token": CSRF_INPUT.search(page.text).group(1), "comment": "Go ahead."}
                start = time.perf_counter()
                done = session.post(url, data=form, timeout=30)
                posts[name].append(time.perf_counter() - start)
                assert done.status_code == 200 and DONE_MARK in done.text, done.status_code

        for index in range(args.warmup):
            for name in groups:
                decide(name, index)
        for name in groups:
            del gets[name][:], posts[name][:]
        mark = server.mark()
        # Interleaved: both groups see the same machine load.
        for index in range(args.warmup, args.warmup + args.decisions):
            for name in groups:
                decide(name, index)
        access = server.access_since(mark, "/fusion_helpdesk/engagement")
        problems = server.problems()
    all_tickets = groups["fresh"] | groups["history"]
    with _odoo.environment(db) as env:
        decided = env["helpdesk.ticket"].search_count(
            [("id", "in", all_tickets.ids), ("engagement_state", "in", ("approved", "rejected"))]
        )
        queued = env["mail.mail"].search_count([])
    history_paths = {path for path in paths["history"]}
    rows = []
    for name, label in (
        ("fresh", "no earlier round"),
        ("history", "%d earlier rounds" % args.prior_rounds),
    ):
        for method, what, seconds in (
            ("GET", "GET confirm (baseline)", gets[name]),
            ("POST", "POST decision", posts[name]),
        ):
            entries = [
                entry
                for entry in access
                if entry["method"] == method
                and (entry["path"] in history_paths) == (name == "history")
            ]
            rows.append(_odoo.latency_row("%s, %s" % (what, label), seconds, entries))
    print("one Odoo worker (--workers=0), one fresh session per owner; %s" % _odoo.load_average())
    print("followers of each ticket: %s" % ", ".join(followers))
    _common.print_table(_odoo.LATENCY_HEADERS, rows)
    for name in groups:
        print(
            "%s: POST / GET p50 latency = %.1f; queries per decision in-process (find, "
            "decide, comment, to-do, commit) = %g, %.1f ms"
            % (
                name,
                _odoo.p50_p95(posts[name])[0] / _odoo.p50_p95(gets[name])[0],
                in_process[name][0],
                in_process[name][1] * 1000,
            )
        )
    print(
        "engagements decided: %d of %d; mail.mail queued: %d" % (decided, len(all_tickets), queued)
    )
    _odoo.print_problems(problems)
    p95 = _odoo.p50_p95(posts["fresh"])[1]
    history_p95 = _odoo.p50_p95(posts["history"])[1]
    print(
        "decision: POST p95 %s ms (target <= %d ms: %s)"
        % (_odoo.ms(p95), P95_TARGET * 1000, _odoo.verdict(p95 <= P95_TARGET))
    )
    ratio = history_p95 / p95
    print(
        "decision_history: POST p95 with %d earlier rounds %s ms = %.2f x (target <= %.2f: %s); "
        "queries in-process %g vs %g"
        % (
            args.prior_rounds,
            _odoo.ms(history_p95),
            ratio,
            HISTORY_TARGET,
            _odoo.verdict(ratio <= HISTORY_TARGET),
            in_process["history"][0],
            in_process["fresh"][0],
        )
    )
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(prog="bench_decision", description=__doc__.splitlines()[0])
    parser.add_argument("--decisions", type=int, default=100, help="decisions timed over HTTP")
    parser.add_argument("--warmup", type=int, default=3, help="untimed decisions first")
    parser.add_argument(
        "--in-process", type=int, default=20, help="decisions counted in-process (median)"
    )
    parser.add_argument(
        "--prior-rounds",
        type=int,
        default=20,
        help="superseded rounds before the pending one, on the history tickets",
    )
    args = parser.parse_args(argv)
    return _odoo.run("decision", bench, args)


if __name__ == "__main__":
    sys.exit(main())
