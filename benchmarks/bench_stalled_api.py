# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Stalled API: the AI calls against a server that never answers, or trickles.

Two servers: one that never answers (``stalled``) and one that answers one
byte every ``--trickle`` seconds (``trickle``: every read gets a byte before
its timeout, so only a total deadline stops it). For each, the fan-out must
give the wizard back at its overall cap (wall / cap, target <= 1.05), leave
no request in flight and no worker thread alive ``--after`` s after the cap
(target 0: every call ends at its own total deadline, which the cap bounds)
and start no request after the cap (target 0: pending jobs are cancelled).
A single call against the trickling server must end at its 15 s total
deadline (wall / deadline <= 1.05). Default cap: the real 30 s; ``--cap 3``
gives a quick run (the single call then gets a 1.5 s deadline).
"""

import argparse
import logging
import sys
import threading
import time

import _common

WALL_TARGET = 1.05
API_KEY = "sk-bench-never-logged"


class _Collect(logging.Handler):
    """Keeps the records instead of printing one line per timed-out call."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def _fanout(openai_client, server, settings, jobs, cap, after):
    """Run one capped fan-out; return its figures, measured ``after`` s past the cap."""
    start = time.monotonic()
    results = openai_client.generate_summaries(jobs, settings, overall_timeout=cap)
    wall = time.monotonic() - start
    in_flight_at_return = server.in_flight
    time.sleep(max(0.0, start + cap + after - time.monotonic()))
    figures = {
        "wall": wall,
        "ratio": wall / cap,
        "sent": server.started,
        "in_flight_at_return": in_flight_at_return,
        "in_flight_after": server.in_flight,
        "started_after": sum(1 for call in server.calls if call.started > start + cap),
        "threads_after": sum(
            1
            for thread in threading.enumerate()
            if thread.name.startswith("fusion-helpdesk-openai")
        ),
        "empty": sum(1 for reply in results.values() if not reply),
    }
    server.stall, server.trickle = False, 0.0
    server.wait_idle(10)
    server.reset()
    return figures


def _single(openai_client, server, settings, deadline):
    """One call against the trickling server; its wall time."""
    start = time.monotonic()
    reply = openai_client.call_openai_chat([{"role": "user", "content": "hi"}], settings, deadline)
    wall = time.monotonic() - start
    server.trickle = 0.0
    server.wait_idle(10)
    server.reset()
    return wall, reply


def main(argv=None):
    parser = argparse.ArgumentParser(prog="bench_stalled_api", description=__doc__.splitlines()[0])
    _common.load_pure_modules()
    from fusion_helpdesk_central import openai_client  # pylint: disable=import-outside-toplevel

    parser.add_argument(
        "--cap",
        type=float,
        default=openai_client.OVERALL_TIMEOUT,
        help="overall cap in seconds (default %(default)s, the real one)",
    )
    parser.add_argument("--jobs", type=int, default=25, help="number of summaries asked")
    parser.add_argument(
        "--after",
        type=float,
        default=1.0,
        help="when to count requests and threads still alive, after the cap (s)",
    )
    parser.add_argument(
        "--trickle",
        type=float,
        default=5.0,
        help="seconds between two bytes of the trickling server (default %(default)s)",
    )
    args = parser.parse_args(argv)
    deadline = openai_client.CALL_TIMEOUT * args.cap / openai_client.OVERALL_TIMEOUT
    server_module = _common.load_openai_server()
    rows, collect = [], _Collect()
    with server_module.OpenAIServer() as server:
        settings = openai_client.OpenAISettings(
            API_KEY, openai_client.DEFAULT_MODEL, server.base_url
        )
        openai_client.call_openai_chat([{"role": "user", "content": "warm up"}], settings)
        server.reset()
        jobs = {
            number: openai_client.build_summary_messages(
                _common.sample_ticket(number), _common.SAMPLE_FINDINGS
            )
            for number in range(args.jobs)
        }
        logger = logging.getLogger(openai_client.__name__)
        logger.addHandler(collect)
        logger.propagate = False
        try:
            server.stall = True
            rows.append(
                ("stalled", _fanout(openai_client, server, settings, jobs, args.cap, args.after))
            )
            server.trickle = args.trickle
            rows.append(
                ("trickle", _fanout(openai_client, server, settings, jobs, args.cap, args.after))
            )
            server.trickle = args.trickle
            single_wall, single_reply = _single(openai_client, server, settings, deadline)
        finally:
            logger.removeHandler(collect)
            logger.propagate = True
    print(
        "cap %.1f s, per-call total deadline %.1f s, %d workers, %d jobs, trickle 1 byte / %g s"
        % (args.cap, deadline, openai_client.MAX_WORKERS, args.jobs, args.trickle)
    )
    _common.print_table(
        (
            "server",
            "wall s",
            "wall/cap",
            "requests sent",
            "in flight at return",
            "in flight cap+%gs" % args.after,
            "started after cap",
            "threads alive cap+%gs" % args.after,
            "empty results",
        ),
        [
            (
                name,
                "%.3f" % fig["wall"],
                "%.3f" % fig["ratio"],
                fig["sent"],
                fig["in_flight_at_return"],
                fig["in_flight_after"],
                fig["started_after"],
                fig["threads_after"],
                "%d/%d" % (fig["empty"], args.jobs),
            )
            for name, fig in rows
        ],
    )
    single_ratio = single_wall / deadline
    print(
        "single call, trickling server: wall %.3f s, wall/deadline %.3f, reply %s"
        % (single_wall, single_ratio, "empty (manual path)" if not single_reply else "received")
    )
    print(
        "warnings logged: %d (%d call failures, %d cap), API key in any: %s"
        % (
            len(collect.messages),
            sum("summary failed" in m for m in collect.messages),
            sum("cap" in m for m in collect.messages),
            any(API_KEY in m for m in collect.messages),
        )
    )
    for name, fig in rows:
        met = (
            fig["ratio"] <= WALL_TARGET
            and fig["in_flight_after"] == 0
            and fig["threads_after"] == 0
            and fig["started_after"] == 0
        )
        print(
            "stalled_api (%s): wall/cap = %.3f, in flight %gs after the cap = %d, threads "
            "alive %gs after the cap = %d, started after the cap = %d (targets <= %.2f, 0, 0, "
            "0: %s)"
            % (
                name,
                fig["ratio"],
                args.after,
                fig["in_flight_after"],
                args.after,
                fig["threads_after"],
                fig["started_after"],
                WALL_TARGET,
                "met" if met else "MISSED",
            )
        )
    print(
        "stalled_api (single): wall/deadline = %.3f (target <= %.2f: %s)"
        % (single_ratio, WALL_TARGET, "met" if single_ratio <= WALL_TARGET else "MISSED")
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
