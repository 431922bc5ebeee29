# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Helpers of the Odoo benchmarks: a throw-away database with both addons, an
environment on it, an Odoo HTTP server subprocess, a query counter, fixtures.

Odoo is imported inside the functions only: ``run.py`` imports every benchmark
before it knows whether Odoo 19 is there. The database is created and served
with ``tools/fhdev.py``'s command line, like the tests, and always dropped.

A database can also run the addons of an earlier release (``old_addons``:
exported from git as ``tools/upgrade_check.py`` does), to measure a baseline
in the same run; this process's Odoo runs the current code only, so such a
database is filled through ``odoo shell`` (``Database.shell``).
"""

import contextlib
import hashlib
import os
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import _common

sys.path.insert(0, str(_common.ROOT / "tools"))
import fhdev  # noqa: E402  (tools/ is not a package)
import upgrade_check  # noqa: E402

OWNER_EMAIL = "owner@acme.example.com"
# Odoo's werkzeug access log line ends with "<queries> <query s> <other s>".
ACCESS_LINE = re.compile(
    r' werkzeug: .*"(?P<method>[A-Z]+) (?P<path>\S+) HTTP/[\d.]+" (?P<status>\d+) \S+'
    r" (?P<queries>\d+) (?P<query_time>[\d.]+) (?P<other_time>[\d.]+)\s*$"
)
PROBLEM_LINE = re.compile(r"^\S+ \S+ \d+ (WARNING|ERROR|CRITICAL) ")


@dataclass
class Database:
    """A benchmark database, the data folder (filestore) of its Odoo, and the
    folder of its addons when they are not this checkout's (``old_addons``)."""

    name: str
    data_dir: str
    addons_root: Path | None = None

    def command(self, *extra, http_port=None):
        """The command line running Odoo on this database (``python -m odoo ...``)."""
        cmd = fhdev.odoo_command(self.name, *extra, data_dir=self.data_dir, http_port=http_port)
        return upgrade_check.with_addons(cmd, self.addons_root) if self.addons_root else cmd

    def shell(self, script):
        """Run ``script`` in ``odoo shell`` on this database (its own addons);
        return the JSON it printed after ``upgrade_check.MARKER``."""
        cmd = self.command("--no-http", "--log-level=warn", "--max-cron-threads=0")
        return upgrade_check.shell([*cmd[:3], "shell", *cmd[3:]], script)


def unavailable():
    """Why the Odoo benchmarks cannot run here, or None."""
    ok, why = fhdev.odoo_ready()
    return None if ok else why


def run(tag, body, args):
    """Run ``body(database, args)`` on a fresh database; return its exit code.

    Prints SKIPPED (exit 0) when Odoo 19, helpdesk_mgmt or PostgreSQL is missing.
    """
    why = unavailable()
    if why:
        print("SKIPPED: %s" % why)
        return 0
    with database(tag) as db:
        return body(db, args)


def _interrupt(signum, frame):
    raise KeyboardInterrupt("signal %d" % signum)


@contextlib.contextmanager
def old_addons(ref, with_benchmarks=False):
    """A temporary folder holding both addons as they are at git ``ref``
    (with ``with_benchmarks``, its ``benchmarks/`` and ``tools/`` too, so
    that its data is made by its own fixtures), removed on exit (raises
    CalledProcessError when git or ``ref`` is missing)."""
    root = Path(tempfile.mkdtemp(prefix="fusion-helpdesk-bench-addons-"))
    try:
        upgrade_check.export_addons(ref, root)
        if with_benchmarks:
            archive = subprocess.run(
                ["git", "-C", str(_common.ROOT), "archive", ref, "benchmarks", "tools"],
                capture_output=True,
                check=True,
            )
            subprocess.run(["tar", "-x", "-C", str(root)], input=archive.stdout, check=True)
        yield root
    finally:
        shutil.rmtree(root, ignore_errors=True)


@contextlib.contextmanager
def database(tag, addons_root=None):
    """A fresh database with both addons installed, dropped on exit (also on
    Ctrl-C, SIGTERM or a crash of the benchmark). With ``addons_root`` (see
    ``old_addons``) it has those addons, and this process's Odoo is not
    pointed at it (``environment`` is then not available: use ``db.shell``)."""
    name = "fusion_helpdesk_bench_%s_%d" % (tag, os.getpid())
    db = Database(name, tempfile.mkdtemp(prefix="fusion-helpdesk-bench-"), addons_root)
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        start = time.monotonic()
        fhdev.drop_database(name)
        install = subprocess.run(
            db.command(
                "-i",
                ",".join(_common.ADDONS),
                "--stop-after-init",
                "--log-level=warn",
                "--max-cron-threads=0",
            ),
            env=fhdev.odoo_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        if install.returncode:
            print("\n".join(install.stdout.splitlines()[-40:]))
            raise RuntimeError("installing the addons failed (exit %d)" % install.returncode)
        print("database %s: both addons installed in %.0f s" % (name, time.monotonic() - start))
        if not addons_root:
            _configure(db)
        yield db
    finally:
        _forget(name)
        fhdev.drop_database(name)
        shutil.rmtree(db.data_dir, ignore_errors=True)
        signal.signal(signal.SIGTERM, previous)


def _configure(db):
    """Point this process's Odoo at ``db``, for the benchmarks' in-process part."""
    from odoo.tools import config  # pylint: disable=import-outside-toplevel

    options = db.command(*_no_mail())[3:]  # what follows ``python -m odoo``
    config.parse_config(options, setup_logging=False)


def _no_mail():
    """Options under which mails stay queued: sending meets a closed local port."""
    return ("--smtp=127.0.0.1", "--smtp-port=%d" % fhdev.free_port())


def _forget(name):
    """Close this process's registry and connections of database ``name``."""
    if "odoo.modules.registry" not in sys.modules:
        return
    from odoo import sql_db  # pylint: disable=import-outside-toplevel
    from odoo.modules.registry import Registry  # pylint: disable=import-outside-toplevel

    Registry.delete(name)
    sql_db.close_db(name)


@contextlib.contextmanager
def environment(db):
    """A superuser environment on ``db``; committed when the block succeeds."""
    from odoo import SUPERUSER_ID, api  # pylint: disable=import-outside-toplevel
    from odoo.modules.registry import Registry  # pylint: disable=import-outside-toplevel

    with Registry(db.name).cursor() as cr:
        yield api.Environment(cr, SUPERUSER_ID, {})


@dataclass
class Counted:
    """What ``count_queries`` measured."""

    queries: int = 0
    seconds: float = 0.0


@contextlib.contextmanager
def count_queries(env, commit=False):
    """Count the SQL queries (of every cursor of this process) and the wall time
    of the block, pending ORM writes flushed at its end, or committed (with the
    pre-commit work such as mail tracking) when ``commit``, as a request is."""
    from odoo import sql_db  # pylint: disable=import-outside-toplevel

    counted = Counted()
    start_queries, start = sql_db.sql_counter, time.perf_counter()
    yield counted
    if commit:
        env.cr.commit()
    else:
        env.flush_all()
    counted.queries = sql_db.sql_counter - start_queries
    counted.seconds = time.perf_counter() - start


@dataclass
class Server:
    """An Odoo HTTP server subprocess on 127.0.0.1 and its log."""

    url: str
    log_path: Path

    def mark(self):
        """Position in the log: pass it to ``access_since`` later."""
        return self.log_path.stat().st_size if self.log_path.exists() else 0

    def _lines_since(self, mark):
        with open(self.log_path, encoding="utf-8", errors="replace") as log:
            log.seek(mark)
            return log.read().splitlines()

    def access_since(self, mark, path_prefix=""):
        """Requests served since ``mark`` under ``path_prefix``: dicts of
        ``method``, ``path``, ``status``, ``queries``, ``query_time``, ``other_time``."""
        entries = []
        for line in self._lines_since(mark):
            match = ACCESS_LINE.search(line)
            if match and match["path"].startswith(path_prefix):
                entry = match.groupdict()
                entry["queries"] = int(entry["queries"])
                entries.append(entry)
        return entries

    def problems(self, mark=0):
        """Warning and error lines the server logged since ``mark``."""
        return [line for line in self._lines_since(mark) if PROBLEM_LINE.match(line)]


@contextlib.contextmanager
def server(db, timeout=90):
    """Serve ``db`` from one threaded Odoo process (``--workers=0``) on a free port."""
    import requests  # pylint: disable=import-outside-toplevel

    port = fhdev.free_port()
    log_path = Path(db.data_dir) / ("server-%d.log" % port)
    cmd = db.command(
        "--workers=0",
        "--max-cron-threads=0",
        "--db-filter=^%s$" % db.name,
        "--log-level=warn",
        "--log-handler=werkzeug:INFO",
        "--logfile=%s" % log_path,
        *_no_mail(),
        http_port=port,
    )
    output_path = log_path.with_suffix(".out")
    with open(output_path, "w", encoding="utf-8") as output:
        process = subprocess.Popen(
            cmd, env=fhdev.odoo_env(), stdout=output, stderr=subprocess.STDOUT
        )
    served = Server("http://127.0.0.1:%d" % port, log_path)
    try:
        deadline = time.monotonic() + timeout
        while not _healthy(requests, served.url):
            if process.poll() is not None or time.monotonic() > deadline:
                print(output_path.read_text()[-4000:])
                raise RuntimeError("the Odoo server did not start (exit %s)" % process.poll())
            time.sleep(0.2)
        yield served
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _healthy(requests, url):
    try:
        return requests.get(url + "/web/health", timeout=5).ok
    except (requests.ConnectionError, requests.Timeout):
        # Not listening yet, or too busy starting (a loaded machine) to answer.
        return False


# --------------------------------------------------------------------------- figures
def timed(count, call):
    """Call ``call(i)`` for i in range(count); return each call's seconds."""
    seconds = []
    for index in range(count):
        start = time.perf_counter()
        call(index)
        seconds.append(time.perf_counter() - start)
    return seconds


def p50_p95(samples):
    """Median and 95th percentile of ``samples``."""
    if len(samples) < 2:
        return samples[0], samples[0]
    return statistics.median(samples), statistics.quantiles(samples, n=20)[18]


def ms(seconds):
    return "%.1f" % (seconds * 1000)


LATENCY_HEADERS = (
    "request",
    "n",
    "per s",
    "p50 ms",
    "p95 ms",
    "max ms",
    "queries/request (server log)",
)


def latency_row(label, seconds, served):
    """A LATENCY_HEADERS row: sequential ``seconds`` of requests, and the
    ``served`` access log entries of the same requests."""
    p50, p95 = p50_p95(seconds)
    queries = [entry["queries"] for entry in served]
    return (
        label,
        len(seconds),
        "%.1f" % (len(seconds) / sum(seconds)),
        ms(p50),
        ms(p95),
        ms(max(seconds)),
        "%g" % statistics.median(queries) if queries else "n/a",
    )


def print_problems(problems):
    """Report the warnings and errors a server logged (the first ten in full)."""
    print("server warnings/errors logged: %d" % len(problems))
    for line in problems[:10]:
        print("  " + line)


def median_counted(runs, warm_up=1):
    """Median queries and seconds of ``Counted`` runs, the ``warm_up`` first left out."""
    runs = runs[warm_up:] or runs
    return (
        statistics.median(run.queries for run in runs),
        statistics.median(run.seconds for run in runs),
    )


def load_average():
    """The 1-minute load average and the number of cores, for the tables."""
    return "load average %.2f on %d cores" % (os.getloadavg()[0], os.cpu_count() or 0)


def verdict(met):
    return "met" if met else "MISSED"


# --------------------------------------------------------------------------- fixtures
def make_client_keys(env, count=1):
    """``count`` client keys, each with its own owner."""
    return env["fusion.helpdesk.client.key"].create(
        [
            {
                "name": "Client %d" % index,
                "owner_email": OWNER_EMAIL.replace("@", "%d@" % index) if index else OWNER_EMAIL,
                "owner_name": "Owner %d" % index,
            }
            for index in range(count)
        ]
    )


def make_engineer(env):
    """A helpdesk user notified in Odoo (not by email), as engineers usually are."""
    from odoo.fields import Command  # pylint: disable=import-outside-toplevel

    return (
        env["res.users"]
        .with_context(no_reset_password=True)
        .create(
            {
                "name": "Eddie Engineer",
                "login": "bench-engineer",
                "email": "engineer@provider.example.com",
                "notification_type": "inbox",
                "group_ids": [Command.set([env.ref("helpdesk_mgmt.group_helpdesk_user").id])],
            }
        )
    )


def make_tickets(env, count, client_keys, engineer, quiet=True, values=None):
    """``count`` tickets assigned to ``engineer``, created in one batch. Ticket
    ``i`` belongs to ``client_keys[i * len(client_keys) // count]`` (consecutive
    tickets share a client) and gets the fields ``values(i, client_key)``.
    ``quiet``: without tracking, creation message and followers (faster)."""
    Ticket = env["helpdesk.ticket"]
    if quiet:
        Ticket = Ticket.with_context(
            tracking_disable=True, mail_create_nolog=True, mail_create_nosubscribe=True
        )
    vals_list = []
    for index in range(count):
        client_key = client_keys[index * len(client_keys) // count]
        vals_list.append(
            {
                "name": "Invoices stuck in draft #%d" % index,
                "description": "<p>Since the upgrade our invoices stay in draft.</p>",
                "client_key_id": client_key.id,
                "user_id": engineer.id,
                **(values(index, client_key) if values else {}),
            }
        )
    return Ticket.create(vals_list)


# What the engineer sent the owner, on every pending ticket made here.
SUMMARY = "- Recommendation: fix the override, ~6 h, low risk."
# Plaintext link token of each pending ticket made here: the database keeps
# only its digest, as the emails are the only other place a token lives.
TOKENS = {}


def make_pending(env, count, client_keys, engineer, sent_at, quiet=True, prior_rounds=0):
    """``count`` tickets waiting for their owner's decision: each with one
    pending approval round (what ``_engagement_start`` creates, without the
    note and the mail) and its own token (``token_of``), after
    ``prior_rounds`` superseded ones; ``sent_at(i)`` is when ticket ``i`` was
    sent."""
    tickets = make_tickets(env, count, client_keys, engineer, quiet=quiet)
    Engagement = env["fusion.helpdesk.engagement"].with_context(
        tracking_disable=True, mail_create_nolog=True, mail_create_nosubscribe=True
    )
    vals_list = []
    for index, ticket in enumerate(tickets):
        client_key = ticket.client_key_id
        common = {
            "ticket_id": ticket.id,
            "owner_email": client_key.owner_email,
            "owner_name": client_key.owner_name,
            "requested_by_id": engineer.id,
            "summary": SUMMARY,
        }
        for prior in range(prior_rounds, 0, -1):
            vals_list.append(
                {
                    **common,
                    "state": "superseded",
                    "sent_at": sent_at(index) - timedelta(days=prior),
                }
            )
        token = secrets.token_urlsafe(32)
        TOKENS[ticket.id] = token
        vals_list.append(
            {
                **common,
                "sent_at": sent_at(index),
                "token_hash": hashlib.sha256(token.encode()).hexdigest(),
            }
        )
    Engagement.create(vals_list)
    return tickets


def token_of(ticket):
    """The plaintext token of a ticket made by ``make_pending``."""
    return TOKENS[ticket.id]


def days_ago(days):
    """A naive UTC datetime ``days`` ago, as Odoo stores them."""
    return datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0) - timedelta(days=days)
