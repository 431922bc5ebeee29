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
"""

import argparse
import re
import sys
import time
from urllib.parse import urlsplit

import _common
import _odoo

REQUIRES_ODOO = True
P95_TARGET = 0.5  # seconds: the owner is waiting for the done page
CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')
DONE_MARK = "Your comment"


def decision(index):
    return "approve" if index % 2 == 0 else "reject"


def queries_in_process(env, tickets):
    """Median queries and seconds of deciding ``tickets`` through the model path."""
    Ticket = env["helpdesk.ticket"].with_user(env.ref("base.public_user"))
    runs = []
    for index, ticket in enumerate(tickets):
        token = ticket.engagement_token
        with _odoo.count_queries(env, commit=True) as counted:
            Ticket._engagement_find_pending(token)._engagement_page_lang()
            decided = Ticket._engagement_decide(
                token, decision(index), comment="Go ahead.", ip="127.0.0.1", user_agent="bench"
            )
        assert decided, "the in-process decision was refused"
        runs.append(counted)
    return _odoo.median_counted(runs)


def bench(db, args):
    import requests  # pylint: disable=import-outside-toplevel

    with _odoo.environment(db) as env:
        engineer = _odoo.make_engineer(env)
        sent_at = _odoo.days_ago(1)
        tickets = _odoo.make_pending(
            env,
            args.warmup + args.decisions + args.in_process + 1,
            _odoo.make_client_keys(env),
            engineer,
            lambda index: sent_at,
            quiet=False,
        )
        followers = tickets[:1].message_partner_ids.mapped("display_name")
        env.cr.commit()
        in_process = queries_in_process(env, tickets[-args.in_process - 1 :])
        # The links of the engagement mail, on the benchmark's server.
        paths = [
            urlsplit(ticket._get_engagement_url(decision(index))).path
            for index, ticket in enumerate(tickets[: args.warmup + args.decisions])
        ]
    with _odoo.server(db) as server:
        gets, posts = [], []

        def decide(index):
            url = server.url + paths[index]
            with requests.Session() as session:
                start = time.perf_counter()
                page = session.get(url, timeout=30)
                gets.append(time.perf_counter() - start)
                assert page.status_code == 200, page.status_code
                form = {"csrf_token": CSRF_INPUT.search(page.text).group(1), "comment": "Go ahead."}
                start = time.perf_counter()
                done = session.post(url, data=form, timeout=30)
                posts.append(time.perf_counter() - start)
                assert done.status_code == 200 and DONE_MARK in done.text, done.status_code

        for index in range(args.warmup):
            decide(index)
        del gets[:], posts[:]
        mark = server.mark()
        for index in range(args.warmup, len(paths)):
            decide(index)
        access = server.access_since(mark, paths[0].rsplit("/", 2)[0])
        problems = server.problems()
    with _odoo.environment(db) as env:
        decided = env["helpdesk.ticket"].search_count(
            [("id", "in", tickets.ids), ("engagement_state", "in", ("approved", "rejected"))]
        )
        queued = env["mail.mail"].search_count([])
    rows = [
        _odoo.latency_row(label, seconds, [entry for entry in access if entry["method"] == method])
        for label, method, seconds in (
            ("GET confirm (baseline)", "GET", gets),
            ("POST decision", "POST", posts),
        )
    ]
    print("one Odoo worker (--workers=0), one fresh session per owner; %s" % _odoo.load_average())
    print("followers of each ticket: %s" % ", ".join(followers))
    _common.print_table(_odoo.LATENCY_HEADERS, rows)
    print(
        "POST / GET p50 latency = %.1f; queries per decision in-process (find, decide, "
        "comment, to-do, commit) = %g, %.1f ms"
        % (
            _odoo.p50_p95(posts)[0] / _odoo.p50_p95(gets)[0],
            in_process[0],
            in_process[1] * 1000,
        )
    )
    print("engagements decided: %d of %d; mail.mail queued: %d" % (decided, len(tickets), queued))
    _odoo.print_problems(problems)
    p95 = _odoo.p50_p95(posts)[1]
    print(
        "decision: POST p95 %s ms (target <= %d ms: %s)"
        % (_odoo.ms(p95), P95_TARGET * 1000, _odoo.verdict(p95 <= P95_TARGET))
    )
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(prog="bench_decision", description=__doc__.splitlines()[0])
    parser.add_argument("--decisions", type=int, default=100, help="decisions timed over HTTP")
    parser.add_argument("--warmup", type=int, default=3, help="untimed decisions first")
    parser.add_argument(
        "--in-process", type=int, default=20, help="decisions counted in-process (median)"
    )
    args = parser.parse_args(argv)
    return _odoo.run("decision", bench, args)


if __name__ == "__main__":
    sys.exit(main())
