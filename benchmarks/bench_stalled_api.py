# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Stalled API: generate_summaries() against a server that never answers.

The fan-out must give the wizard back at its overall cap (wall / cap, target
<= 1.05), leave no request in flight 3 s after the cap (target 0: each call's
timeout is bounded by the time left when it starts) and start no request after
the cap (target 0: pending jobs are cancelled). Default cap: the real 30 s;
``--cap 3`` gives a quick run.
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


def main(argv=None):
    parser = argparse.ArgumentParser(prog="bench_stalled_api", description=__doc__.splitlines()[0])
    _common.load_pure_modules()
    from fusion_helpdesk_central import utils  # pylint: disable=import-outside-toplevel

    parser.add_argument(
        "--cap",
        type=float,
        default=utils.OVERALL_TIMEOUT,
        help="overall cap in seconds (default %(default)s, the real one)",
    )
    parser.add_argument("--jobs", type=int, default=25, help="number of summaries asked")
    parser.add_argument(
        "--after",
        type=float,
        default=3.0,
        help="when to count requests still in flight, after the cap (s)",
    )
    args = parser.parse_args(argv)
    server_module = _common.load_openai_server()
    with server_module.OpenAIServer() as server:
        settings = utils.OpenAISettings(API_KEY, utils.DEFAULT_MODEL, server.base_url)
        utils.call_openai_chat([{"role": "user", "content": "warm up"}], settings)
        server.stall = True
        server.reset()
        jobs = {
            number: utils.build_summary_messages(
                _common.sample_ticket(number), _common.SAMPLE_FINDINGS
            )
            for number in range(args.jobs)
        }
        logger = logging.getLogger(utils.__name__)
        collect = _Collect()
        logger.addHandler(collect)
        logger.propagate = False
        try:
            start = time.monotonic()
            results = utils.generate_summaries(jobs, settings, overall_timeout=args.cap)
            wall = time.monotonic() - start
            in_flight_at_return = server.in_flight
            time.sleep(max(0.0, start + args.cap + args.after - time.monotonic()))
            in_flight_after = server.in_flight
        finally:
            logger.removeHandler(collect)
            logger.propagate = True
        workers_after = sum(
            1
            for thread in threading.enumerate()
            if thread.name.startswith("fusion-helpdesk-openai")
        )
        calls = server.calls
    started_after = sum(1 for call in calls if call.started > start + args.cap)
    ratio = wall / args.cap
    print(
        "cap %.1f s, per-call timeout %.0f s, %d workers, %d jobs"
        % (args.cap, utils.CALL_TIMEOUT, utils.MAX_WORKERS, args.jobs)
    )
    _common.print_table(
        (
            "wall s",
            "wall/cap",
            "requests sent",
            "in flight at return",
            "in flight cap+%gs" % args.after,
            "started after cap",
            "worker threads cap+%gs" % args.after,
            "empty results",
        ),
        [
            (
                "%.3f" % wall,
                "%.3f" % ratio,
                len(calls),
                in_flight_at_return,
                in_flight_after,
                started_after,
                workers_after,
                "%d/%d" % (sum(1 for reply in results.values() if not reply), args.jobs),
            )
        ],
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
    met = ratio <= WALL_TARGET and in_flight_after == 0 and started_after == 0
    print(
        "stalled_api: wall/cap = %.3f, in flight %gs after the cap = %d, started after "
        "the cap = %d (targets <= %.2f, 0, 0: %s)"
        % (
            ratio,
            args.after,
            in_flight_after,
            started_after,
            WALL_TARGET,
            "met" if met else "MISSED",
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
