#!/usr/bin/env python3
# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Developer commands of Fusion Helpdesk: install, demo, test, bench.

    python tools/fhdev.py install   # Python requirements (+ helpdesk_mgmt when Odoo 19 is there)
    python tools/fhdev.py demo      # central + client databases with demo data, linked, served
    python tools/fhdev.py test      # layer 1 (pure Python) then layer 2 (Odoo 19) when possible
    python tools/fhdev.py bench     # benchmarks/ (Odoo ones only when Odoo 19 is there)

Odoo itself is never downloaded or built here. Point the commands at your Odoo 19 with:

    ODOO_PATH        an Odoo 19 source checkout (the folder holding ``odoo/`` and ``odoo-bin``);
                     not needed when ``import odoo`` already works (pip/deb package)
    ODOO_RC          an Odoo configuration file (db_host, db_user, db_password, addons_path...)
    ODOO_ADDONS_PATH extra addons folders, comma separated (e.g. where helpdesk_mgmt lives)
    PGHOST/PGPORT/PGUSER/PGPASSWORD  PostgreSQL connection when ODOO_RC does not give it
"""

import argparse
import configparser
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from xml.etree import ElementTree

ROOT = Path(__file__).resolve().parent.parent
ADDONS = ("fusion_helpdesk_central", "fusion_helpdesk")
# Plain-Python modules: every line and branch must be reached by layer 1.
PURE_MODULES = (
    "fusion_helpdesk_central/utils.py",
    "fusion_helpdesk_central/intake.py",
    "fusion_helpdesk_central/sync.py",
    "fusion_helpdesk/central_client.py",
)
# Log lines that Odoo itself prints on any healthy run and that say nothing about us.
BENIGN_LOG_PATTERNS = (
    re.compile(r"missing --http-interface"),
    re.compile(r"Running as user 'root' is a security risk"),
    re.compile(r"odoo\.modules\.module: addons path is not a directory"),
)
LOG_LINE = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ "
    r"(?P<level>[A-Z]+) (?P<db>\S+) (?P<logger>\S+): (?P<msg>.*)$"
)
# ODOO_RC option -> the libpq variable that carries it.
PG_VARIABLES = {
    "db_host": "PGHOST",
    "db_port": "PGPORT",
    "db_user": "PGUSER",
    "db_password": "PGPASSWORD",
}
JUNIT_XML = ROOT / ".fhdev" / "layer1-junit.xml"
TEST_RESULT = re.compile(r"(\d+) failed, (\d+) error\(s\) of (\d+) tests")


def say(message=""):
    print(message, flush=True)


# --------------------------------------------------------------------------- Odoo lookup
def odoo_env():
    """Environment for Odoo subprocesses: ODOO_PATH prepended to PYTHONPATH."""
    env = dict(os.environ)
    odoo_path = env.get("ODOO_PATH")
    if odoo_path:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [odoo_path, env.get("PYTHONPATH")]))
    return env


def odoo_status():
    """Return (True, version) when Odoo 19 is importable, else (False, why)."""
    probe = (
        "import odoo.release as r, importlib.util as u;"
        "print(r.version_info[0], r.version);"
        "print(bool(u.find_spec('odoo.addons.helpdesk_mgmt')))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", probe], env=odoo_env(), capture_output=True, text=True
    )
    if proc.returncode != 0:
        where = os.environ.get("ODOO_PATH")
        return False, (
            "Odoo is not importable with %s%s. Install Odoo 19 (package or source "
            "checkout) and set ODOO_PATH=/path/to/odoo-19-checkout when it is not "
            "on the Python path." % (sys.executable, " (ODOO_PATH=%s)" % where if where else "")
        )
    major_line, helpdesk_line = proc.stdout.strip().splitlines()[-2:]
    major, version = major_line.split(" ", 1)
    if major != "19":
        return False, "Odoo %s found, but these addons need Odoo 19." % version
    if helpdesk_line != "True" and not _helpdesk_in_extra_paths():
        return False, (
            "OCA helpdesk_mgmt is missing: run `python tools/fhdev.py install` "
            "(it installs odoo-addon-helpdesk-mgmt 19.0 from PyPI) or add its folder "
            "to ODOO_ADDONS_PATH."
        )
    return True, version


def _helpdesk_in_extra_paths():
    return any(
        (Path(path) / "helpdesk_mgmt" / "__manifest__.py").exists() for path in extra_addons_paths()
    )


def odoo_ready():
    """(True, '') when Odoo 19, helpdesk_mgmt and PostgreSQL are all there, else (False, why)."""
    ok, why = odoo_status()
    if ok:
        ok, why = postgres_status()
    return ok, why


def extra_addons_paths():
    """Folders named by ODOO_ADDONS_PATH, then by ODOO_RC's addons_path (our
    --addons-path replaces the file's, so it must carry them)."""
    paths = os.environ.get("ODOO_ADDONS_PATH", "").split(",")
    paths += odoo_rc_options().get("addons_path", "").split(",")
    return [p.strip() for p in paths if p.strip() and Path(p.strip()).resolve() != ROOT]


def odoo_rc_options():
    """The [options] of the ODOO_RC file, read raw like Odoo does ('%' stays '%')."""
    rc = os.environ.get("ODOO_RC")
    parser = configparser.RawConfigParser()
    if rc and Path(rc).exists():
        parser.read(rc)
    if not parser.has_section("options"):
        return {}
    return {
        key: value
        for key, value in parser.items("options")
        if value and value.strip().lower() not in ("false", "none")
    }


def pg_env():
    """Environment for PostgreSQL clients: libpq reads PG* variables, and
    ODOO_RC's db_* options are turned into them (never passed on a command line)."""
    env = odoo_env()
    options = odoo_rc_options()
    for option, variable in PG_VARIABLES.items():
        if options.get(option) and not os.environ.get(variable):
            env[variable] = options[option]
    return env


def _run_psql_snippet(code, *args):
    return subprocess.run(
        [sys.executable, "-c", code, *args], env=pg_env(), capture_output=True, text=True
    )


def postgres_status():
    """Return (True, '') when PostgreSQL answers with the configured role."""
    proc = _run_psql_snippet(
        "import psycopg2; psycopg2.connect(dbname='postgres', connect_timeout=5).close()"
    )
    if proc.returncode:
        last = (proc.stderr.strip().splitlines() or ["unknown error"])[-1]
        return False, "PostgreSQL is not reachable (%s). Set PGHOST/PGUSER or ODOO_RC." % last
    return True, ""


def odoo_command(database, *extra, data_dir=None, http_port=None):
    """The command line that runs Odoo 19 on ``database`` with our addons."""
    addons_path = [str(ROOT)] + extra_addons_paths()
    cmd = [sys.executable, "-m", "odoo"]
    # Odoo reads the PG* variables and ODOO_RC's db_* options itself: no
    # connection setting (password included) goes on the command line.
    if os.environ.get("ODOO_RC"):
        cmd += ["-c", os.environ["ODOO_RC"]]
    cmd += [
        "-d",
        database,
        "--addons-path=%s" % ",".join(addons_path),
        "--http-interface=127.0.0.1",
        "--http-port=%s" % (http_port or free_port()),
        "--gevent-port=%s" % free_port(),
    ]
    if data_dir:
        cmd.append("--data-dir=%s" % data_dir)
    cmd += list(extra)
    return cmd


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def drop_database(database):
    _run_psql_snippet(
        "import psycopg2, sys; c = psycopg2.connect(dbname='postgres'); c.autocommit = True;"
        "c.cursor().execute('DROP DATABASE IF EXISTS \"%s\" WITH (FORCE)' % sys.argv[1])",
        database,
    )


# --------------------------------------------------------------------------- install
def cmd_install(args):
    pip = [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    say("== Installing the Python requirements (requirements-dev.txt)")
    if subprocess.run(pip + ["-r", str(ROOT / "requirements-dev.txt")]).returncode:
        say(
            "pip could not install into %s. If it is a system Python marked "
            "'externally managed' (Debian/Ubuntu, e.g. with Odoo's .deb), use a virtual "
            "environment that still sees Odoo:\n"
            "    python3 -m venv --system-site-packages .venv && . .venv/bin/activate\n"
            "and run this command again." % sys.executable
        )
        return 1
    ok, why = odoo_status()
    if ok or "helpdesk_mgmt is missing" in why:
        # The wheel declares `odoo==19.0.*`, which no registry serves: Odoo is
        # already here, so the addon goes in without resolving that dependency.
        say("== Installing OCA helpdesk_mgmt 19.0 from PyPI")
        subprocess.run(pip + ["--no-deps", "odoo-addon-helpdesk-mgmt>=19.0,<19.1"], check=True)
        say("Done. Odoo 19 is importable: `python3 tools/fhdev.py test` runs both layers.")
    else:
        say("Done (pure-Python layer only). %s" % why)
        say("helpdesk_mgmt is installed by this command once Odoo 19 is importable.")
    return 0


# --------------------------------------------------------------------------- test
def run_layer1(args):
    say("== Layer 1: pure-Python tests and static checks (no Odoo needed)")
    cov = [sys.executable, "-m", "coverage"]
    include = ",".join(str(ROOT / m) for m in PURE_MODULES)
    cmd = cov + [
        "run",
        "--branch",
        "--include=%s" % include,
        "-m",
        "pytest",
        "-p",
        "no:odoo",
        "-p",
        "no:cacheprovider",
        "--junitxml=%s" % JUNIT_XML,
        str(ROOT / "tests"),
    ]
    if args.keyword:
        cmd += ["-k", args.keyword]
    JUNIT_XML.parent.mkdir(exist_ok=True)
    JUNIT_XML.unlink(missing_ok=True)
    proc = subprocess.run(cmd, cwd=ROOT)
    if proc.returncode not in (0, 5):
        return proc.returncode
    say("== Coverage of the pure-Python modules")
    subprocess.run(cov + ["report", "-m", "--include=%s" % include], cwd=ROOT)
    if args.keyword:
        return 0
    proc = subprocess.run(
        cov + ["report", "--fail-under=100", "--include=%s" % include],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )
    if proc.returncode:
        say("!! %s must keep 100%% line and branch coverage." % ", ".join(PURE_MODULES))
        return proc.returncode
    return 0


def layer1_counts():
    """(passed, failed, skipped) of the last layer-1 run, from pytest's JUnit XML."""
    if not JUNIT_XML.exists():
        return 0, 0, 0
    root = ElementTree.parse(JUNIT_XML).getroot()
    suites = [root] if root.tag == "testsuite" else list(root)
    total = failed = skipped = 0
    for suite in suites:
        total += int(suite.get("tests", 0))
        failed += int(suite.get("failures", 0)) + int(suite.get("errors", 0))
        skipped += int(suite.get("skipped", 0))
    return total - failed - skipped, failed, skipped


def run_layer2(args):
    say("== Layer 2: Odoo 19 tests (TransactionCase / HttpCase) on PostgreSQL")
    database = "fusion_helpdesk_test_%d" % os.getpid()
    data_dir = tempfile.mkdtemp(prefix="fusion-helpdesk-test-")
    tags = args.test_tags or ",".join("/%s" % a for a in ADDONS)
    cmd = odoo_command(
        database,
        "-i",
        ",".join(ADDONS),
        "--test-enable",
        "--test-tags=%s" % tags,
        "--stop-after-init",
        "--log-level=info",
        "--with-demo",
        "--max-cron-threads=0",
        data_dir=data_dir,
    )
    say("$ " + " ".join(cmd))
    log_path = ROOT / ".fhdev" / "odoo-test.log"
    log_path.parent.mkdir(exist_ok=True)
    drop_database(database)
    try:
        with open(log_path, "w") as log:
            proc = subprocess.Popen(
                cmd, env=odoo_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
            )
            for line in proc.stdout:
                log.write(line)
                if args.verbose or _interesting(line):
                    sys.stdout.write(line)
            returncode = proc.wait()
    finally:
        drop_database(database)
        shutil.rmtree(data_dir, ignore_errors=True)
    return summarize_odoo_log(log_path.read_text(), returncode)


def _interesting(line):
    match = LOG_LINE.match(line.rstrip("\n"))
    if not match:
        return not line.startswith((" ", "\t")) or "Error" in line or "File " in line
    if match["level"] in ("WARNING", "ERROR", "CRITICAL"):
        return not any(p.search(line) for p in BENIGN_LOG_PATTERNS)
    return (
        match["logger"] == "odoo.tests.result"
        or "Starting " in match["msg"]
        and ("fusion_helpdesk" in match["msg"])
    )


def summarize_odoo_log(text, returncode):
    """Count tests and unexpected log lines; return (failed, passed, problems)."""
    problems = []
    for line in text.splitlines():
        match = LOG_LINE.match(line)
        if (
            match
            and match["level"] in ("WARNING", "ERROR", "CRITICAL")
            and not any(p.search(line) for p in BENIGN_LOG_PATTERNS)
        ):
            problems.append(line)
    results = TEST_RESULT.findall(text)
    failed = sum(int(f) + int(e) for f, e, _ in results)
    total = sum(int(t) for _, _, t in results)
    return {
        "returncode": returncode,
        "failed": failed,
        "passed": total - failed,
        "total": total,
        "problems": problems,
    }


def cmd_test(args):
    report = []
    rc1 = 0 if args.only == "odoo" else run_layer1(args)
    report.append(("layer 1 (pure Python)", "ran" if args.only != "odoo" else "not asked", rc1))
    rc2 = 0
    odoo_result = None
    if args.only == "python":
        report.append(("layer 2 (Odoo 19)", "not asked (--only python)", 0))
    else:
        ok, why = odoo_ready()
        if not ok:
            report.append(("layer 2 (Odoo 19)", "SKIPPED: " + why, 0))
            if args.require_odoo:
                rc2 = 1
        else:
            odoo_result = run_layer2(args)
            bad = (
                odoo_result["returncode"]
                or odoo_result["failed"]
                or odoo_result["problems"]
                or not odoo_result["total"]
            )
            rc2 = 1 if bad else 0
            report.append(("layer 2 (Odoo 19)", "ran", rc2))
    say()
    say("== Summary")
    for name, status, rc in report:
        say("  %-22s %s%s" % (name, status, "" if not rc else " -> FAILED"))
    if odoo_result:
        if odoo_result["problems"]:
            say("  Odoo logged %d unexpected warning/error line(s):" % len(odoo_result["problems"]))
            for line in odoo_result["problems"][:30]:
                say("    " + line)
        if not odoo_result["total"]:
            say("  Odoo ran no test: the addons did not install (see .fhdev/odoo-test.log).")
        say("odoo: %d passed, %d failed" % (odoo_result["passed"], odoo_result["failed"]))
    passed, failed, skipped = layer1_counts() if args.only != "odoo" else (0, 0, 0)
    if odoo_result:
        passed += odoo_result["passed"]
        failed += odoo_result["failed"]
    say("total: %d passed, %d failed, %d skipped" % (passed, failed, skipped))
    return 1 if (rc1 or rc2) else 0


# --------------------------------------------------------------------------- demo
DEMO_CENTRAL_DB = "fusion_central_demo"
DEMO_CLIENT_DB = "fusion_client_demo"

LINK_SCRIPT = r"""
import sys
import odoo
from odoo.tools import config
config.parse_config(sys.argv[1:])
from odoo.modules.registry import Registry
from odoo import api, SUPERUSER_ID
central_db, client_db, central_url = %(central_db)r, %(client_db)r, %(central_url)r
with Registry(central_db).cursor() as cr:
    env = api.Environment(cr, SUPERUSER_ID, {})
    client_key = env.ref("fusion_helpdesk_central.fusion_helpdesk_client_key_demo_data")
    env["ir.config_parameter"].set_param("web.base.url", central_url)
    key, owner_email, owner_name = client_key.key, client_key.owner_email, client_key.owner_name
    central_ticket = env.ref("fusion_helpdesk_central.fusion_helpdesk_ticket_1_demo_data")
    central_ticket_id, central_number = central_ticket.id, central_ticket.number
with Registry(client_db).cursor() as cr:
    env = api.Environment(cr, SUPERUSER_ID, {})
    icp = env["ir.config_parameter"]
    icp.set_param("fusion_helpdesk.central_url", central_url)
    icp.set_param("fusion_helpdesk.client_key", key)
    icp.set_param("fusion_helpdesk.owner_email", owner_email or "owner@example.com")
    icp.set_param("fusion_helpdesk.owner_name", owner_name or "Demo Owner")
    # The client's demo "sent" ticket points at a real central demo ticket, so
    # refreshing its conversation shows central's thread.
    sent = env.ref("fusion_helpdesk.fusion_helpdesk_ticket_demo_sent", raise_if_not_found=False)
    if sent:
        sent.sudo().write({"central_id": central_ticket_id, "central_number": central_number})
print("linked")
"""


def cmd_demo(args):
    ok, why = odoo_ready()
    if not ok:
        say("Cannot start the demo: " + why)
        return 2
    data_dir = ROOT / ".fhdev" / "demo-data"
    data_dir.mkdir(parents=True, exist_ok=True)
    central_url = "http://127.0.0.1:%d" % args.central_port
    client_url = "http://127.0.0.1:%d" % args.client_port
    if args.reset:
        drop_database(DEMO_CENTRAL_DB)
        drop_database(DEMO_CLIENT_DB)
    for database, addon in ((DEMO_CENTRAL_DB, ADDONS[0]), (DEMO_CLIENT_DB, ADDONS[1])):
        say("== Preparing %s (%s, with demo data)" % (database, addon))
        subprocess.run(
            odoo_command(
                database,
                "-i",
                addon,
                "--with-demo",
                "--stop-after-init",
                "--log-level=warn",
                data_dir=data_dir,
            ),
            env=odoo_env(),
            check=True,
        )
    say("== Linking the client to central")
    link = LINK_SCRIPT % {
        "central_db": DEMO_CENTRAL_DB,
        "client_db": DEMO_CLIENT_DB,
        "central_url": central_url,
    }
    link_cmd = odoo_command(DEMO_CENTRAL_DB, data_dir=data_dir)[3:]
    subprocess.run([sys.executable, "-c", link] + link_cmd, env=odoo_env(), check=True)
    servers = []
    for database, port in (
        (DEMO_CENTRAL_DB, args.central_port),
        (DEMO_CLIENT_DB, args.client_port),
    ):
        servers.append(
            subprocess.Popen(
                odoo_command(
                    database,
                    "--db-filter=^%s$" % database,
                    "--log-level=warn",
                    data_dir=data_dir,
                    http_port=port,
                ),
                env=odoo_env(),
            )
        )
    say()
    say("Fusion Helpdesk demo is starting:")
    say("  central  %s/odoo   (database %s, login admin / admin)" % (central_url, DEMO_CENTRAL_DB))
    say("  client   %s/odoo   (database %s, login admin / admin)" % (client_url, DEMO_CLIENT_DB))
    say("  The client is linked: central URL, client key and owner are set in its Settings.")
    say("Press Ctrl-C to stop both servers.")
    try:
        while all(server.poll() is None for server in servers):
            if args.seconds and time.monotonic() - START > args.seconds:
                break
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        for server in servers:
            if server.poll() is None:
                server.send_signal(signal.SIGINT)
        for server in servers:
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
    return 0


# --------------------------------------------------------------------------- pot
def cmd_pot(args):
    """Regenerate i18n/<addon>.pot of both addons from a throw-away database."""
    ok, why = odoo_ready()
    if not ok:
        say("Cannot export translations: " + why)
        return 2
    database = "fusion_helpdesk_pot_%d" % os.getpid()
    data_dir = tempfile.mkdtemp(prefix="fusion-helpdesk-pot-")
    install = odoo_command(
        database,
        "-i",
        ",".join(ADDONS),
        "--stop-after-init",
        "--log-level=warn",
        data_dir=data_dir,
    )
    config_file = Path(data_dir) / "odoo.conf"
    # Connection settings come from PG* variables (pg_env), never from this file.
    options = {"addons_path": ",".join([str(ROOT)] + extra_addons_paths()), "data_dir": data_dir}
    config_file.write_text(
        "[options]\n" + "".join("%s = %s\n" % (k, v) for k, v in options.items() if v)
    )
    drop_database(database)
    try:
        subprocess.run(install, env=odoo_env(), check=True)
        subprocess.run(
            [
                sys.executable,
                "-m",
                "odoo",
                "i18n",
                "export",
                "-c",
                str(config_file),
                "-d",
                database,
                *ADDONS,
            ],
            env=pg_env(),
            check=True,
        )
    finally:
        drop_database(database)
        shutil.rmtree(data_dir, ignore_errors=True)
    for addon in ADDONS:
        say("wrote %s/i18n/%s.pot" % (addon, addon))
    return 0


# --------------------------------------------------------------------------- bench
def cmd_bench(args):
    say("== Benchmarks (figures, not assertions)")
    proc = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py")] + args.names, cwd=ROOT, env=odoo_env()
    )
    return proc.returncode


START = time.monotonic()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("install", help="install the Python requirements and helpdesk_mgmt")
    test = sub.add_parser("test", help="run layer 1, then layer 2 when Odoo 19 is there")
    test.add_argument("--only", choices=("python", "odoo"), help="run a single layer")
    test.add_argument(
        "--require-odoo",
        action="store_true",
        help="fail instead of skipping when layer 2 cannot run",
    )
    test.add_argument("--test-tags", help="Odoo --test-tags for layer 2")
    test.add_argument("-k", dest="keyword", help="pytest -k expression for layer 1")
    test.add_argument("-v", "--verbose", action="store_true", help="print the whole Odoo log")
    demo = sub.add_parser("demo", help="serve a linked central + client demo")
    demo.add_argument("--central-port", type=int, default=8069)
    demo.add_argument("--client-port", type=int, default=8070)
    demo.add_argument("--reset", action="store_true", help="recreate both demo databases")
    demo.add_argument("--seconds", type=int, default=0, help="stop after this many seconds")
    sub.add_parser("pot", help="regenerate the translation templates (i18n/*.pot)")
    bench = sub.add_parser("bench", help="run the benchmarks")
    bench.add_argument("names", nargs="*", help="only these benchmarks")
    args = parser.parse_args(argv)
    handler = {
        "install": cmd_install,
        "test": cmd_test,
        "demo": cmd_demo,
        "pot": cmd_pot,
        "bench": cmd_bench,
    }
    return handler[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
