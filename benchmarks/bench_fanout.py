# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Fan-out: generate_summaries() wall time against an API with a fixed latency.

The real fan-out and the real SDK call a local OpenAI-compatible server that
answers every request after ``--latency`` seconds. With 5 workers the ideal
wall time is ceil(N / 5) x latency; the figure is wall / ideal for every N
whose ideal fits under the 30 s cap (target <= 1.15). Each N runs
``--repeat`` times and the median is reported (the machine's load average is
printed with the table: on a busy host the SDK's own CPU time per request,
serialized by the GIL, is what moves the ratio).
"""

import argparse
import math
import os
import statistics
import sys
import time

import _common

TARGET = 1.15


def main(argv=None):
    parser = argparse.ArgumentParser(prog="bench_fanout", description=__doc__.splitlines()[0])
    parser.add_argument("--latency", type=float, default=0.2, help="server latency (s)")
    parser.add_argument("--sizes", default="1,5,25,100", help="job counts, comma separated")
    parser.add_argument("--repeat", type=int, default=3, help="runs per N (median reported)")
    args = parser.parse_args(argv)
    _common.load_pure_modules()
    from fusion_helpdesk_central import openai_client  # pylint: disable=import-outside-toplevel

    server_module = _common.load_openai_server()
    sizes = [int(size) for size in args.sizes.split(",")]
    rows = []
    ratios = []
    with server_module.OpenAIServer(reply=lambda body: "- Recommendation: ok") as server:
        settings = openai_client.OpenAISettings(
            "sk-bench", openai_client.DEFAULT_MODEL, server.base_url
        )
        start = time.monotonic()
        openai_client.call_openai_chat([{"role": "user", "content": "warm up"}], settings)
        print(
            "cold first call of the process: %.3f s (one-time SDK imports; not counted)"
            % (time.monotonic() - start)
        )
        server.latency = args.latency
        for size in sizes:
            jobs = {
                number: openai_client.build_summary_messages(
                    _common.sample_ticket(number), _common.SAMPLE_FINDINGS
                )
                for number in range(size)
            }
            walls = []
            for _ in range(args.repeat):
                server.reset()
                start = time.monotonic()
                results = openai_client.generate_summaries(jobs, settings)
                walls.append(time.monotonic() - start)
            wall = statistics.median(walls)
            ideal = math.ceil(size / openai_client.MAX_WORKERS) * args.latency
            ratio = wall / ideal
            under_cap = ideal < openai_client.OVERALL_TIMEOUT
            if under_cap:
                ratios.append(ratio)
            rows.append(
                (
                    size,
                    "%.3f" % wall,
                    " ".join("%.3f" % w for w in walls),
                    "%.3f" % ideal,
                    "%.3f" % ratio + ("" if under_cap else " (over cap)"),
                    server.max_in_flight,
                    "%d/%d" % (sum(1 for reply in results.values() if reply), size),
                )
            )
    print(
        "latency %.3f s, %d workers, cap %.0f s, prompt %d chars, load average %.2f"
        % (
            args.latency,
            openai_client.MAX_WORKERS,
            openai_client.OVERALL_TIMEOUT,
            len(jobs[0][1]["content"]) if jobs else 0,
            os.getloadavg()[0],
        )
    )
    _common.print_table(
        ("N", "wall s (median)", "runs s", "ideal s", "wall/ideal", "max in flight", "replies"),
        rows,
    )
    worst = max(ratios) if ratios else float("nan")
    print(
        "fanout: worst wall/ideal for N under the cap = %.3f (target <= %.2f: %s)"
        % (worst, TARGET, "met" if worst <= TARGET else "MISSED")
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
