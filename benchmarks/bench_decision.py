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

Baseline: the same again, interleaved in the same run, on an earlier release
(``--baseline-ref``, default the last 19.0.3 commit, ``V3_COMMIT`` of
``tools/upgrade_check.py``): its addons exported from git, installed in a
second throw-away database, served by a second Odoo process. A release with
approval rounds is seeded by its own fixtures (its ``benchmarks/_odoo.py``
``make_pending``, run by ``odoo shell``); the release before them (19.0.2.3.0,
``OLD_VERSION_COMMIT``) through its own model (UUID4 token in clear on the
ticket). The decision POST must stay within 5% of that release's p95, with
no more queries per POST than 19.0.3 made (58). ``--baseline-ref ''`` leaves
it out.
"""

import argparse
import ast
import contextlib
import re
import statistics
import subprocess
import sys
import time

import _common
import _odoo

REQUIRES_ODOO = True
P95_TARGET = 0.5  # seconds: the owner is waiting for the done page
HISTORY_TARGET = 1.10  # p95 with a long round history / p95 without
BASELINE_TARGET = 1.05  # p95 of this code / p95 of the baseline release
QUERIES_TARGET = 58  # queries per decision POST (server log) of 19.0.3
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


def link_path(token, index):
    return "/fusion_helpdesk/engagement/%s/%s" % (token, decision(index))


# Run by ``odoo shell`` on the baseline's code and database: the same tickets
# as ``_odoo.make_tickets`` makes here, sent for approval as that release's
# ``_engagement_start`` does (without the note and the mail), and their tokens.
BASELINE_FIXTURES = """
import json, sys
sys.path.insert(0, @@HERE@@)
import _odoo
engineer = _odoo.make_engineer(env)
keys = _odoo.make_client_keys(env)
tickets = _odoo.make_tickets(env, @@COUNT@@, keys, engineer, quiet=False)
sent_at = _odoo.days_ago(1)
tokens = []
for ticket in tickets:
    values = ticket._engagement_prepare_values("", _odoo.SUMMARY)
    values["engagement_sent_at"] = sent_at
    ticket.sudo().with_context(tracking_disable=True).write(values)
    tokens.append(values["engagement_token"])
followers = tickets[:1].message_partner_ids.mapped("display_name")
env.cr.commit()
print(@@MARKER@@ + json.dumps({"tokens": tokens, "followers": followers}))
"""

# Run by ``odoo shell`` on a baseline with approval rounds (19.0.3 and later):
# the same pending tickets as ``bench`` makes here, by that release's own
# fixtures (``@@HERE@@`` is its exported benchmarks folder).
ROUNDS_FIXTURES = """
import json, sys
sys.path.insert(0, @@HERE@@)
import _odoo
engineer = _odoo.make_engineer(env)
keys = _odoo.make_client_keys(env)
sent_at = _odoo.days_ago(1)
tickets = _odoo.make_pending(env, @@COUNT@@, keys, engineer, lambda index: sent_at, quiet=False)
tokens = [_odoo.token_of(ticket) for ticket in tickets]
followers = tickets[:1].message_partner_ids.mapped("display_name")
env.cr.commit()
print(@@MARKER@@ + json.dumps({"tokens": tokens, "followers": followers}))
"""

# Run by ``odoo shell`` on the baseline's database once the requests are done.
BASELINE_DECIDED = """
import json
decided = env["helpdesk.ticket"].search_count(
    [("engagement_state", "in", ("approved", "rejected"))]
)
print(@@MARKER@@ + json.dumps(decided))
"""


def baseline_version(addons_root):
    """The version in the exported central addon's manifest."""
    manifest = addons_root / "fusion_helpdesk_central" / "__manifest__.py"
    return ast.literal_eval(manifest.read_text())["version"]


def baseline_script(script, **values):
    """``script`` with its ``@@NAME@@`` placeholders replaced by Python literals."""
    values.setdefault("marker", _odoo.upgrade_check.MARKER)
    for name, value in values.items():
        script = script.replace("@@%s@@" % name.upper(), repr(value))
    return script


@contextlib.contextmanager
def baseline(args, count):
    """The baseline's database (its addons exported from ``args.baseline_ref``)
    with ``count`` pending engagements: yields (db, version, tokens,
    followers), or None when there is no baseline to measure."""
    if not args.baseline_ref:
        yield None
        return
    with contextlib.ExitStack() as stack:
        try:
            root = stack.enter_context(_odoo.old_addons(args.baseline_ref, with_benchmarks=True))
        except subprocess.CalledProcessError as error:
            print(
                "baseline SKIPPED: git archive %s failed (%s)"
                % (args.baseline_ref, error.stderr.decode(errors="replace").strip())
            )
            yield None
            return
        db = stack.enter_context(_odoo.database("decision_old", addons_root=root))
        if (root / "fusion_helpdesk_central" / "models" / "fusion_helpdesk_engagement.py").exists():
            script = baseline_script(ROUNDS_FIXTURES, here=str(root / "benchmarks"), count=count)
        else:
            script = baseline_script(
                BASELINE_FIXTURES, here=str(_common.ROOT / "benchmarks"), count=count
            )
        made = db.shell(script)
        yield db, baseline_version(root), made["tokens"], made["followers"]


def bench(db, args):
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
                link_path(_odoo.token_of(ticket), index)
                for index, ticket in enumerate(tickets[: args.warmup + args.decisions])
            ]
            for name, tickets in groups.items()
        }
    with baseline(args, args.warmup + args.decisions) as old:
        measured = measure(db, old, paths, args)
        if old:
            decided_old = old[0].shell(baseline_script(BASELINE_DECIDED))
    all_tickets = groups["fresh"] | groups["history"]
    with _odoo.environment(db) as env:
        decided = env["helpdesk.ticket"].search_count(
            [("id", "in", all_tickets.ids), ("engagement_state", "in", ("approved", "rejected"))]
        )
        queued = env["mail.mail"].search_count([])
    gets, posts, access = measured["gets"], measured["posts"], measured["access"]
    labels = {
        "fresh": "no earlier round",
        "history": "%d earlier rounds" % args.prior_rounds,
    }
    if old:
        labels["old"] = "%s (%s)" % (old[1], args.baseline_ref)
    rows = []
    for name, label in labels.items():
        for method, what, seconds in (
            ("GET", "GET confirm (baseline)", gets[name]),
            ("POST", "POST decision", posts[name]),
        ):
            entries = [entry for entry in access[name] if entry["method"] == method]
            rows.append(_odoo.latency_row("%s, %s" % (what, label), seconds, entries))
    print(
        "one Odoo worker (--workers=0) per server, one fresh session per owner, "
        "groups interleaved; %s" % _odoo.load_average()
    )
    print("followers of each ticket: %s" % ", ".join(followers))
    if old:
        print("followers of each ticket on %s: %s" % (old[1], ", ".join(old[3])))
    _common.print_table(_odoo.LATENCY_HEADERS, rows)
    for name in ("fresh", "history"):
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
    if old:
        print("engagements decided on %s: %d of %d" % (old[1], decided_old, len(old[2])))
    _odoo.print_problems(measured["problems"])
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
    queries = post_queries(access["fresh"])
    if queries != "n/a":
        print(
            "decision_queries: queries per POST (server log, median) %s (target <= %d: %s)"
            % (queries, QUERIES_TARGET, _odoo.verdict(float(queries) <= QUERIES_TARGET))
        )
    if old:
        old_p50, old_p95 = _odoo.p50_p95(posts["old"])
        ratio = p95 / old_p95
        print(
            "decision_baseline: POST p95 %s ms vs %s ms on %s = %.2f x (target <= %.2f: %s); "
            "p50 %.2f x; queries per POST (server log) %s vs %s"
            % (
                _odoo.ms(p95),
                _odoo.ms(old_p95),
                labels["old"],
                ratio,
                BASELINE_TARGET,
                _odoo.verdict(ratio <= BASELINE_TARGET),
                _odoo.p50_p95(posts["fresh"])[0] / old_p50,
                queries,
                post_queries(access["old"]),
            )
        )
    return 0


def post_queries(entries):
    """Median queries of the POSTs among access log ``entries``, or n/a."""
    queries = [entry["queries"] for entry in entries if entry["method"] == "POST"]
    return "%g" % statistics.median(queries) if queries else "n/a"


def measure(db, old, paths, args):
    """Time the confirm GET and decision POST of every link of ``paths`` (and
    of the baseline's ``old`` tokens), the groups interleaved; return the
    seconds per group, their access log entries per group and the problems
    the servers logged."""
    import requests  # pylint: disable=import-outside-toplevel

    with contextlib.ExitStack() as stack:
        new_server = stack.enter_context(_odoo.server(db))
        servers = {name: new_server for name in paths}
        if old:
            servers["old"] = stack.enter_context(_odoo.server(old[0]))
            paths = {**paths, "old": [link_path(token, i) for i, token in enumerate(old[2])]}
        names = list(servers)
        gets = {name: [] for name in names}
        posts = {name: [] for name in names}

        def decide(name, index):
            url = servers[name].url + paths[name][index]
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

        def each(index):
            # Every group in turn, starting with a different one each time:
            # all see the same machine load, none is always first.
            shift = index % len(names)
            for name in names[shift:] + names[:shift]:
                decide(name, index)

        for index in range(args.warmup):
            each(index)
        for name in names:
            del gets[name][:], posts[name][:]
        marks = {server.url: server.mark() for server in servers.values()}
        for index in range(args.warmup, args.warmup + args.decisions):
            each(index)
        access, problems = {}, []
        for name, server in servers.items():
            wanted = set(paths[name])
            access[name] = [
                entry
                for entry in server.access_since(marks[server.url], "/fusion_helpdesk/engagement")
                if entry["path"] in wanted
            ]
        for server in {server.url: server for server in servers.values()}.values():
            problems += server.problems()
    return {"gets": gets, "posts": posts, "access": access, "problems": problems}


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
    parser.add_argument(
        "--baseline-ref",
        default=_odoo.upgrade_check.V3_COMMIT,
        help="git revision whose addons are measured alongside, in the same run "
        "(default %(default)s: the last 19.0.3 commit); '' for none",
    )
    args = parser.parse_args(argv)
    return _odoo.run("decision", bench, args)


if __name__ == "__main__":
    sys.exit(main())
