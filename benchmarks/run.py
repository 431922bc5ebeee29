#!/usr/bin/env python3
# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Run the Fusion Helpdesk benchmarks (figures, never assertions).

    python3 benchmarks/run.py                       # all of them
    python3 benchmarks/run.py fanout                # only benchmarks/bench_fanout.py
    python3 benchmarks/run.py stalled_api -- --cap 5   # options for one benchmark

A benchmark is any ``benchmarks/bench_<name>.py`` with a ``main(argv)``; its
docstring's first line is its title. It prints its table and a final line
``<name>: <figure> (target ...: met|MISSED)``. A module that sets
``REQUIRES_ODOO = True`` must import Odoo inside ``main()``: when
``import odoo`` fails (or is not Odoo 19) it is reported as skipped with the
reason. The exit status is 1 when a benchmark crashed, else 0.
"""

import argparse
import importlib
import logging
import os
import sys
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
if os.environ.get("ODOO_PATH"):
    # A source checkout of Odoo, as for tools/fhdev.py.
    sys.path.insert(0, os.environ["ODOO_PATH"])
PREFIX = "bench_"


def available():
    """Names of the benchmarks in this folder, sorted."""
    return sorted(path.stem[len(PREFIX) :] for path in HERE.glob(PREFIX + "*.py"))


def odoo_unavailable():
    """Why Odoo 19 cannot be imported here, or None when it can."""
    try:
        import odoo.release  # pylint: disable=import-outside-toplevel
    except Exception as exc:  # pylint: disable=broad-exception-caught
        return "import odoo failed (%s: %s)" % (type(exc).__name__, exc)
    if odoo.release.version_info[0] != 19:
        return "Odoo %s found, these addons need Odoo 19" % odoo.release.version
    return None


def run_one(name, argv):
    """Run one benchmark; return (status, seconds)."""
    start = time.monotonic()
    print("\n== %s" % name, flush=True)
    try:
        module = importlib.import_module(PREFIX + name)
    except ModuleNotFoundError as exc:
        if exc.name and exc.name.split(".")[0] == "odoo":
            print("SKIPPED: needs Odoo: %s" % exc)
            return "skipped", 0.0
        raise
    title = (module.__doc__ or "").strip().splitlines()
    if title:
        print(title[0])
    if getattr(module, "REQUIRES_ODOO", False):
        why = odoo_unavailable()
        if why:
            print("SKIPPED: needs Odoo 19: %s" % why)
            return "skipped", 0.0
    try:
        code = module.main(argv)
    except SystemExit as exc:  # argparse errors and explicit exits
        code = exc.code
    except Exception:  # pylint: disable=broad-exception-caught
        traceback.print_exc()
        return "error", time.monotonic() - start
    status = "ok" if not code else "failed (exit %s)" % code
    return status, time.monotonic() - start


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    extra = []
    if "--" in argv:
        cut = argv.index("--")
        argv, extra = argv[:cut], argv[cut + 1 :]
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "names", nargs="*", help="benchmarks to run (default: all): %s" % ", ".join(available())
    )
    args = parser.parse_args(argv)
    names = args.names or available()
    unknown = [name for name in names if name not in available()]
    if unknown:
        parser.error(
            "unknown benchmark(s) %s; available: %s" % (", ".join(unknown), ", ".join(available()))
        )
    if extra and len(names) != 1:
        parser.error("options after -- go to one benchmark: name exactly one")
    logging.basicConfig(
        level=logging.WARNING,
        stream=sys.stdout,
        format="  [log] %(levelname)s %(name)s: %(message)s",
    )
    if str(HERE) not in sys.path:
        sys.path.insert(0, str(HERE))
    outcomes = [(name,) + run_one(name, extra) for name in names]
    print("\n== Benchmarks")
    for name, status, seconds in outcomes:
        print("  %-20s %-20s %6.1f s" % (name, status, seconds))
    return 1 if any(status.startswith(("error", "failed")) for _, status, _ in outcomes) else 0


if __name__ == "__main__":
    sys.exit(main())
