#!/usr/bin/env python3
# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Developer commands of Fusion Helpdesk: install, status, demo, test, pot, bench.

    python3 tools/fhdev.py install --odoo [SOURCE]  # Odoo 19 + requirements into .fhdev/venv
    python3 tools/fhdev.py install   # requirements (+ helpdesk_mgmt) for an Odoo you have
    python3 tools/fhdev.py status    # which Python, Odoo, PostgreSQL and Chrome are used
    python3 tools/fhdev.py demo      # central + client with demo data, linked, mail caught
    python3 tools/fhdev.py test      # layer 1 (pure Python), then layer 2 (Odoo 19, pytest-odoo)
    python3 tools/fhdev.py bench     # benchmarks/ (Odoo ones only when Odoo 19 is there)

When ``install --odoo`` made ``.fhdev/venv`` and the Python running this cannot import
Odoo, every command runs again with that environment's Python. To use an Odoo 19 of
your own instead:

    ODOO_PATH        an Odoo 19 source checkout (the folder holding ``odoo/`` and ``odoo-bin``);
                     not needed when ``import odoo`` already works (pip/deb package)
    ODOO_RC          an Odoo configuration file (db_host, db_user, db_password, addons_path...)
    ODOO_ADDONS_PATH extra addons folders, comma separated (e.g. where helpdesk_mgmt lives)
    PGHOST/PGPORT/PGUSER/PGPASSWORD  PostgreSQL connection when ODOO_RC does not give it
"""

import argparse
import configparser
import hashlib
import importlib.util
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from xml.etree import ElementTree

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import fhdev_demo  # noqa: E402  (tools/ is not a package)
import fhdev_install  # noqa: E402

ADDONS = ("fusion_helpdesk_central", "fusion_helpdesk")
# Plain-Python modules: every line and branch must be reached by layer 1.
PURE_MODULES = (
    "fusion_helpdesk_central/utils.py",
    "fusion_helpdesk_central/intake.py",
    "fusion_helpdesk/central_client.py",
)
# Log lines that Odoo itself prints on any healthy run and that say nothing about us.
BENIGN_LOG_PATTERNS = (
    re.compile(r"missing --http-interface"),
    re.compile(r"Running as user 'root' is a security risk"),
    re.compile(r"odoo\.modules\.module: addons path is not a directory"),
    # Odoo skips a tour when no Chrome is installed; the summary names each skipped
    # test, so the warning itself is no failure.
    re.compile(r": Chrome executable not found\s*$"),
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
JUNIT_XML_ODOO = ROOT / ".fhdev" / "layer2-junit.xml"
KEPT_DB = "fusion_helpdesk_test_kept"
KEPT_DB_STAMP = ROOT / ".fhdev" / "test-db.json"


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
    if args.odoo:
        try:
            python = fhdev_install.install_odoo(args.odoo)
        except fhdev_install.InstallError as error:
            say("!! %s" % error)
            return 1
        say()
        say("Next: `python3 tools/fhdev.py demo` (a linked central + client to click through)")
        say("  or  `python3 tools/fhdev.py test` (both layers). Every command uses %s" % python)
        say("by itself; no need to activate it.")
        return 0
    pip = [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    say("== Installing the Python requirements (requirements-dev.txt)")
    if subprocess.run(pip + ["-r", str(ROOT / "requirements-dev.txt")]).returncode:
        say(
            "pip could not install into %s. If it is a system Python marked "
            "'externally managed' (Debian/Ubuntu), let this command make a virtual "
            "environment with Odoo 19 in it:\n"
            "    python3 tools/fhdev.py install --odoo\n"
            "or use one that still sees your Odoo:\n"
            "    python3 -m venv --system-site-packages .venv && . .venv/bin/activate\n"
            "and run this command again." % sys.executable
        )
        return 1
    ok, why = odoo_status()
    if ok or "helpdesk_mgmt is missing" in why:
        # The wheel declares `odoo==19.0.*`, which no registry serves: Odoo is
        # already here, so the addon goes in without resolving that dependency.
        say("== Installing OCA helpdesk_mgmt 19.0 from PyPI")
        subprocess.run(pip + ["--no-deps", fhdev_install.HELPDESK_MGMT], check=True)
        say("Done. Odoo 19 is importable: `python3 tools/fhdev.py test` runs both layers.")
    else:
        say("Done (pure-Python layer only). %s" % why)
        say("`python3 tools/fhdev.py install --odoo` installs Odoo 19 for this checkout.")
    return 0


def cmd_status(args):
    """Say which Python, Odoo, helpdesk_mgmt, PostgreSQL and Chrome the commands use;
    exit 0 when Odoo 19 is importable (helpdesk_mgmt is installed by ``install``)."""
    say("python       %s" % sys.executable)
    ok, why = odoo_status()
    say("odoo 19      %s" % (why if ok else "no: " + why))
    ok = ok or "helpdesk_mgmt is missing" in why
    if ok:
        pg_ok, pg_why = postgres_status()
        say("postgresql   %s" % ("yes" if pg_ok else "no: " + pg_why))
    chrome = chrome_executable()
    say("chrome       %s" % (chrome or "no: HttpCase tours will be skipped"))
    return 0 if ok else 1


def chrome_executable():
    """The browser Odoo's tours would use (Odoo looks for these names on PATH)."""
    for name in ("google-chrome", "chromium", "chromium-browser", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


def odoo_importable_here():
    """True when this Python imports Odoo (a regular package, ODOO_PATH included)."""
    odoo_path = os.environ.get("ODOO_PATH")
    if odoo_path and (Path(odoo_path) / "odoo" / "release.py").is_file():
        return True
    spec = importlib.util.find_spec("odoo")
    return bool(spec and spec.origin)


def reexec_in_project_venv(argv):
    """Run this command again with .fhdev/venv's Python (made by ``install --odoo``)
    when this Python is another one and cannot import Odoo itself."""
    python = fhdev_install.venv_python()
    if (
        os.environ.get("FHDEV_REEXEC")
        or not python.exists()
        or Path(sys.prefix).resolve() == fhdev_install.VENV.resolve()
        or odoo_importable_here()
    ):
        return
    env = dict(os.environ, FHDEV_REEXEC="1")
    try:
        os.execve(str(python), [str(python), str(Path(__file__).resolve()), *argv], env)
    except OSError as error:
        say(
            "!! %s is broken (%s): delete .fhdev/venv and run "
            "`python3 tools/fhdev.py install --odoo` again." % (python, error)
        )


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


def junit_results(path):
    """Counts and names from a pytest JUnit XML file: passed, failed (failures and
    errors), skipped, and the (test, reason) of every failed or skipped test."""
    result = {"passed": 0, "failed": 0, "skipped": 0, "failures": [], "skips": []}
    if not Path(path).exists():
        return result
    for case in ElementTree.parse(path).getroot().iter("testcase"):
        name = "%s.%s" % (case.get("classname", "").rsplit(".", 1)[-1], case.get("name"))
        outcome = next((c for c in case if c.tag in ("failure", "error", "skipped")), None)
        if outcome is None:
            result["passed"] += 1
        elif outcome.tag == "skipped":
            result["skipped"] += 1
            result["skips"].append((name, (outcome.get("message") or "").strip()))
        else:
            result["failed"] += 1
            result["failures"].append((name, (outcome.get("message") or "").strip()[:200]))
    return result


def test_paths_and_keyword(test_tags, keyword, helpdesk_tests):
    """The pytest paths and -k expression for layer 2.

    ``test_tags`` keeps Odoo's ``--test-tags`` spelling working
    (``[-][tag][/module][:class][.method]``, comma separated): modules pick test
    folders, classes and methods become a ``-k`` expression, plain tags
    (``post_install``...) mean nothing to pytest and are ignored.
    """
    folders = {addon: ROOT / addon / "tests" for addon in ADDONS}
    if helpdesk_tests:
        folders["helpdesk_mgmt"] = Path(helpdesk_tests)
    chosen, wanted, unwanted = [], [], []
    for spec in filter(None, (t.strip() for t in (test_tags or "").split(","))):
        negative = spec.startswith("-")
        match = re.match(
            r"^-?[\w*]*(?:/(?P<module>\w+))?(?::(?P<cls>\w+))?(?:\.(?P<method>\w+))?$", spec
        )
        if not match:
            raise ValueError("not an Odoo test tag: %r" % spec)
        words = [w for w in (match["cls"], match["method"]) if w]
        if negative:
            if words:
                unwanted.append(" and ".join(words))
            elif match["module"]:
                folders.pop(match["module"], None)
            continue
        if match["module"] and match["module"] not in folders:
            raise ValueError(
                "no tests of %r here (only %s)" % (match["module"], ", ".join(folders))
            )
        if match["module"]:
            chosen.append(match["module"])
        if words:
            wanted.append(" and ".join(words))
    paths = [str(folders[m]) for m in dict.fromkeys(chosen)] or [str(f) for f in folders.values()]
    parts = []
    if keyword:
        parts.append("(%s)" % keyword)
    if wanted:
        parts.append("(%s)" % " or ".join("(%s)" % w for w in wanted))
    parts += ["not (%s)" % u for u in unwanted]
    return paths, " and ".join(parts)


def addons_fingerprint():
    """Hash of everything in both addons but their tests: when it changes, a kept
    test database is installed again."""
    digest = hashlib.sha256()
    for addon in ADDONS:
        for path in sorted((ROOT / addon).rglob("*")):
            relative = path.relative_to(ROOT)
            if (
                path.is_file()
                and "tests" not in relative.parts
                and "__pycache__" not in relative.parts
            ):
                digest.update(str(relative).encode() + b"\0" + path.read_bytes())
    digest.update(sys.executable.encode())
    return digest.hexdigest()


def database_exists(database):
    proc = _run_psql_snippet(
        "import psycopg2, sys; c = psycopg2.connect(dbname='postgres'); cur = c.cursor();"
        "cur.execute('SELECT 1 FROM pg_database WHERE datname=%s', (sys.argv[1],));"
        "sys.exit(0 if cur.fetchone() else 3)",
        database,
    )
    return proc.returncode == 0


def stream_to_log(cmd, log_path, verbose, env=None):
    """Run ``cmd``, write its output to ``log_path``, echo the interesting lines."""
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            cmd, env=env or odoo_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        for line in proc.stdout:
            log.write(line)
            if verbose or _interesting(line):
                sys.stdout.write(line)
        return proc.wait()


def prepare_database(args, database, data_dir):
    """Install both addons with demo data into ``database`` (reused with --keep-db
    while the addons are unchanged). Return (returncode, log text)."""
    fingerprint = addons_fingerprint()
    if args.keep_db and database_exists(database):
        known = json.loads(KEPT_DB_STAMP.read_text()) if KEPT_DB_STAMP.exists() else {}
        if known.get(database) == fingerprint:
            say("== Reusing the prepared database %s (--keep-db)" % database)
            return 0, ""
        say("== The addons changed since %s was prepared: preparing it again" % database)
    drop_database(database)
    if args.keep_db:
        KEPT_DB_STAMP.unlink(missing_ok=True)
    cmd = odoo_command(
        database,
        "-i",
        ",".join(ADDONS),
        "--stop-after-init",
        "--log-level=info",
        "--with-demo",
        "--max-cron-threads=0",
        data_dir=data_dir,
    )
    say("== Layer 2: preparing %s (both addons with demo data, 1-3 minutes)" % database)
    say("$ " + " ".join(cmd))
    log_path = ROOT / ".fhdev" / "odoo-install.log"
    returncode = stream_to_log(cmd, log_path, args.verbose)
    if returncode == 0 and args.keep_db:
        KEPT_DB_STAMP.write_text(json.dumps({database: fingerprint}))
    return returncode, log_path.read_text()


def helpdesk_mgmt_tests():
    """The tests folder of the helpdesk_mgmt that Odoo loads, or None."""
    for path in extra_addons_paths():
        if (Path(path) / "helpdesk_mgmt" / "tests").is_dir():
            return str(Path(path) / "helpdesk_mgmt" / "tests")
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            "import importlib.util as u;"
            "print(u.find_spec('odoo.addons.helpdesk_mgmt').submodule_search_locations[0])",
        ],
        env=odoo_env(),
        capture_output=True,
        text=True,
    )
    folder = Path(proc.stdout.strip()) / "tests" if proc.returncode == 0 else None
    return str(folder) if folder and folder.is_dir() else None


def run_layer2(args):
    """Prepare a database, then run the Odoo tests of both addons and of
    helpdesk_mgmt on it with pytest-odoo. Return a layer result dict."""
    result = {"name": "layer 2 (Odoo 19)", "ran": True, "returncode": 0, "problems": []}
    helpdesk_tests = None if args.skip_helpdesk_mgmt else helpdesk_mgmt_tests()
    try:
        paths, keyword = test_paths_and_keyword(args.test_tags, args.keyword, helpdesk_tests)
    except ValueError as error:
        say("!! --test-tags: %s" % error)
        return dict(result, returncode=2, **junit_results(JUNIT_XML_ODOO))
    if args.keep_db:
        database, data_dir = KEPT_DB, str(ROOT / ".fhdev" / "test-data")
    else:
        database = "fusion_helpdesk_test_%d" % os.getpid()
        data_dir = tempfile.mkdtemp(prefix="fusion-helpdesk-test-")
    JUNIT_XML_ODOO.unlink(missing_ok=True)
    log_path = ROOT / ".fhdev" / "odoo-test.log"
    log_path.unlink(missing_ok=True)
    try:
        returncode, install_log = prepare_database(args, database, data_dir)
        result["problems"] += log_problems(install_log)
        if returncode:
            say("!! Odoo could not install the addons (see .fhdev/odoo-install.log).")
            return dict(result, returncode=returncode, **junit_results(JUNIT_XML_ODOO))
        cmd = [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            "-p",
            "fhdev_pytest",
            "--rootdir=%s" % ROOT,
            "--odoo-database=%s" % database,
            "--odoo-addons-path=%s" % ",".join([str(ROOT)] + extra_addons_paths()),
            "--odoo-http",
            "--odoo-log-level=info",
            "--odoo-extra=logfile=%s" % log_path,
            "--odoo-extra=data-dir=%s" % data_dir,
            "--odoo-extra=max-cron-threads=0",
            "--odoo-extra=http-interface=127.0.0.1",
            "--junitxml=%s" % JUNIT_XML_ODOO,
            "-r",
            "fEs",
        ]
        if os.environ.get("ODOO_RC"):
            cmd.append("--odoo-config=%s" % os.environ["ODOO_RC"])
        if keyword:
            cmd += ["-k", keyword]
        cmd += paths
        say("== Layer 2: Odoo tests with pytest-odoo (log: .fhdev/odoo-test.log)")
        say("$ " + " ".join(cmd))
        env = odoo_env()
        env["PYTHONPATH"] = os.pathsep.join(
            filter(None, [str(ROOT / "tools"), env.get("PYTHONPATH")])
        )
        proc = subprocess.run(cmd, env=env, cwd=ROOT)
        result["returncode"] = proc.returncode
        if log_path.exists():
            result["problems"] += log_problems(log_path.read_text())
    finally:
        if not args.keep_db:
            drop_database(database)
            shutil.rmtree(data_dir, ignore_errors=True)
    return dict(result, **junit_results(JUNIT_XML_ODOO))


def _interesting(line):
    match = LOG_LINE.match(line.rstrip("\n"))
    if not match:
        return not line.startswith((" ", "\t")) or "Error" in line or "File " in line
    if match["level"] in ("WARNING", "ERROR", "CRITICAL"):
        return not any(p.search(line) for p in BENIGN_LOG_PATTERNS)
    return match["logger"] == "odoo.modules.loading" and "modules loaded" in match["msg"]


def log_problems(text):
    """The WARNING/ERROR/CRITICAL lines of an Odoo log that are not known noise."""
    problems = []
    for line in text.splitlines():
        match = LOG_LINE.match(line)
        if (
            match
            and match["level"] in ("WARNING", "ERROR", "CRITICAL")
            and not any(p.search(line) for p in BENIGN_LOG_PATTERNS)
        ):
            problems.append(line)
    return problems


def summarize(layers, keyword=None):
    """The summary lines and exit code of a test run.

    A layer fails on a failed test, a non-zero exit other than pytest's 5 (no
    test collected) or an unexpected Odoo log line. Skipped tests are named with
    their reason (e.g. tours without Chrome) and fail nothing. A run in which no
    test ran at all fails, except with ``-k`` (exit 5: nothing matched).
    """
    lines = ["", "== Summary"]
    passed = failed = skipped = 0
    code = 0
    for layer in layers:
        if not layer.get("ran"):
            lines.append("  %-22s %s" % (layer["name"], layer["why"]))
            code = code or layer.get("returncode", 0)
            continue
        bad = layer["failed"] or layer["problems"] or layer["returncode"] not in (0, 5)
        status = "%d passed, %d failed, %d skipped" % (
            layer["passed"],
            layer["failed"],
            layer["skipped"],
        )
        lines.append("  %-22s %s%s" % (layer["name"], status, " -> FAILED" if bad else ""))
        for name, reason in layer["failures"]:
            lines.append("    failed: %s  %s" % (name, reason.splitlines()[0] if reason else ""))
        for name, reason in layer["skips"]:
            lines.append("    skipped: %s (%s)" % (name, reason or "no reason given"))
        if layer["problems"]:
            lines.append(
                "    Odoo logged %d unexpected warning/error line(s):" % len(layer["problems"])
            )
            lines += ["      " + problem for problem in layer["problems"][:30]]
        if layer["returncode"] not in (0, 1, 5) and not layer["failed"]:
            lines.append("    exited with %d (see its output above)" % layer["returncode"])
        passed += layer["passed"]
        failed += layer["failed"]
        skipped += layer["skipped"]
        code = code or (1 if bad else 0)
    if not passed + failed:
        lines.append("  no test ran%s" % (" (nothing matched -k %s)" % keyword if keyword else ""))
        code = code or (5 if keyword else 1)
    lines.append("total: %d passed, %d failed, %d skipped" % (passed, failed, skipped))
    return lines, code


def cmd_test(args):
    layers = []
    if args.only != "odoo":
        rc1 = run_layer1(args)
        layers.append(
            dict(
                name="layer 1 (pure Python)",
                ran=True,
                returncode=rc1,
                problems=[],
                **junit_results(JUNIT_XML),
            )
        )
    if args.only != "python":
        ok, why = odoo_ready()
        if ok:
            layers.append(run_layer2(args))
        else:
            layers.append(
                dict(
                    name="layer 2 (Odoo 19)",
                    ran=False,
                    why="SKIPPED: "
                    + why
                    + (" -> FAILED (--require-odoo)" if args.require_odoo else ""),
                    returncode=1 if args.require_odoo else 0,
                )
            )
    lines, code = summarize(layers, args.keyword)
    lines.insert(-1, "  took %.0f s" % (time.monotonic() - START))
    for line in lines:
        say(line)
    return code


# --------------------------------------------------------------------------- demo
def cmd_demo(args):
    return fhdev_demo.cmd_demo(args, sys.modules[__name__])


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


def build_parser():
    """The command line of every command."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    install = sub.add_parser("install", help="install the Python requirements (and Odoo 19)")
    install.add_argument(
        "--odoo",
        nargs="?",
        const=fhdev_install.DEFAULT_ODOO_SOURCE,
        metavar="SOURCE",
        help="also install Odoo 19 into .fhdev/venv (or the active virtual environment) "
        "from SOURCE: a source folder, an archive (.tar.xz, .tar.gz, .zip) or a URL "
        "(default: %(const)s)",
    )
    sub.add_parser("status", help="say which Python, Odoo, PostgreSQL and Chrome are used")
    test = sub.add_parser("test", help="run layer 1, then layer 2 when Odoo 19 is there")
    test.add_argument("--only", choices=("python", "odoo"), help="run a single layer")
    test.add_argument(
        "--require-odoo",
        action="store_true",
        help="fail instead of skipping when layer 2 cannot run",
    )
    test.add_argument(
        "--test-tags",
        help="narrow layer 2 the Odoo way: [-][/module][:Class][.method], comma separated",
    )
    test.add_argument("-k", dest="keyword", help="pytest -k expression (both layers)")
    test.add_argument(
        "--keep-db",
        action="store_true",
        help="keep the prepared test database (%s) and reuse it while the addons "
        "are unchanged: a single Odoo test then runs in seconds" % KEPT_DB,
    )
    test.add_argument(
        "--no-helpdesk-mgmt",
        dest="skip_helpdesk_mgmt",
        action="store_true",
        help="do not run OCA helpdesk_mgmt's own tests in layer 2",
    )
    test.add_argument("-v", "--verbose", action="store_true", help="print the whole Odoo log")
    demo = sub.add_parser("demo", help="serve a linked central + client demo")
    demo.add_argument("--central-port", type=int, default=8069)
    demo.add_argument("--client-port", type=int, default=8070)
    demo.add_argument("--smtp-port", type=int, default=1025, help="the mail catcher's SMTP port")
    demo.add_argument("--mail-port", type=int, default=8025, help="the page listing caught mail")
    demo.add_argument("--reset", action="store_true", help="recreate both demo databases")
    demo.add_argument("--seconds", type=int, default=0, help="stop after this many seconds")
    sub.add_parser("pot", help="regenerate the translation templates (i18n/*.pot)")
    bench = sub.add_parser("bench", help="run the benchmarks")
    bench.add_argument("names", nargs="*", help="only these benchmarks")
    return parser


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    args = build_parser().parse_args(argv)
    reexec_in_project_venv(argv)
    handler = {
        "install": cmd_install,
        "status": cmd_status,
        "test": cmd_test,
        "demo": cmd_demo,
        "pot": cmd_pot,
        "bench": cmd_bench,
    }
    return handler[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
