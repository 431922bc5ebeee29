#!/usr/bin/env python3
# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Developer commands of Fusion Helpdesk: install, status, demo, test, pot, bench.

    python3 tools/fhdev.py demo      # central + client with demo data, linked, mail caught
    python3 tools/fhdev.py test      # layer 1 (pure Python), 2 (Odoo 19, pytest-odoo), 3
    python3 tools/fhdev.py install --odoo [SOURCE]  # only the setup step of demo/test
    python3 tools/fhdev.py install   # requirements (+ helpdesk_mgmt) for an Odoo you have
    python3 tools/fhdev.py status    # which Python, Odoo, PostgreSQL and Chrome are used
    python3 tools/fhdev.py bench     # benchmarks/ (Odoo ones only when Odoo 19 is there)

``demo`` and ``test`` first install what is missing as ``install --odoo`` does
(``--odoo SOURCE`` or FHDEV_ODOO_SOURCE: a folder, an archive or a URL; default the
official 19.0 archive), and start a private PostgreSQL under ``.fhdev/`` when none
answers but its programs are installed. When ``.fhdev/venv`` exists and the Python
running this cannot import Odoo, every command runs again with that environment's
Python. To use an Odoo 19 of your own instead:

    ODOO_PATH        an Odoo 19 source checkout (the folder holding ``odoo/`` and ``odoo-bin``);
                     not needed when ``import odoo`` already works (pip/deb package)
    ODOO_RC          an Odoo configuration file (db_host, db_user, db_password, addons_path...)
    ODOO_ADDONS_PATH extra addons folders, comma separated (e.g. where helpdesk_mgmt lives)
    PGHOST/PGPORT/PGUSER/PGPASSWORD  PostgreSQL connection when ODOO_RC does not give it
"""

import argparse
import configparser
import importlib.util
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import fhdev_demo  # noqa: E402  (tools/ is not a package)
import fhdev_install  # noqa: E402
import fhdev_postgres  # noqa: E402
import fhdev_setup  # noqa: E402
import fhdev_testrun  # noqa: E402
from fhdev_testrun import (  # noqa: E402, F401  (used by tests and benchmarks)
    junit_results,
    log_problems,
    summarize,
    test_paths_and_keyword,
)

ADDONS = ("fusion_helpdesk_central", "fusion_helpdesk")
# Plain-Python modules: every line and branch must be reached by layer 1.
PURE_MODULES = (
    "fusion_helpdesk_central/openai_client.py",
    "fusion_helpdesk_central/intake.py",
    "fusion_helpdesk_central/decisions.py",
    "fusion_helpdesk_central/sync.py",
    "fusion_helpdesk_central/redaction.py",
    "fusion_helpdesk_central/summary_format.py",
    "fusion_helpdesk_central/money.py",
    "fusion_helpdesk_central/absence.py",
    "fusion_helpdesk/central_client.py",
    "fusion_helpdesk_central/wire_rules.py",
    "fusion_helpdesk/wire_rules.py",
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
        install_node_linters()
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
    install_node_linters()
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


def install_node_linters():
    """`npm ci` for the XML/JS linters of layer 1 (prettier, eslint), when npm is
    there; without it layer 1 skips those two checks and says why."""
    if not shutil.which("npm") or not (ROOT / "package-lock.json").exists():
        say("(npm not found: layer 1 will skip prettier and eslint)")
        return
    say("== Installing the XML/JS linters (npm ci)")
    proc = subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=ROOT)
    if proc.returncode:
        say("!! npm ci failed: layer 1 will skip prettier and eslint.")


def cmd_status(args):
    """Say which Python, Odoo, helpdesk_mgmt, PostgreSQL and Chrome the commands use;
    exit 0 when Odoo 19 is importable (helpdesk_mgmt is installed by ``install``)."""
    say("python       %s" % sys.executable)
    ok, why = odoo_status()
    say("odoo 19      %s" % (why if ok else "no: " + why))
    ok = ok or "helpdesk_mgmt is missing" in why
    if ok:
        pg_ok, pg_why = postgres_status()
        if not pg_ok:
            programs = fhdev_postgres.find_programs()
            pg_why += (
                " demo/test start a private one with %s." % programs
                if programs
                else " " + fhdev_postgres.INSTALL_HINT
            )
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
def cmd_test(args):
    return fhdev_testrun.cmd_test(args)


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
fhdev_testrun.bind(sys.modules[__name__])


def add_odoo_source_option(parser):
    """``--odoo SOURCE`` of test and demo: where to get Odoo 19 when it is missing."""
    parser.add_argument(
        "--odoo",
        metavar="SOURCE",
        help="when Odoo 19 is missing, install it into .fhdev/ from SOURCE: a source "
        "folder, an archive or a URL (default: $%s, else the one installed before, "
        "else %s)" % (fhdev_setup.SOURCE_VARIABLE, fhdev_install.DEFAULT_ODOO_SOURCE),
    )


def layer_one_only(args):
    """True for ``test --layer 1`` / ``--only python``: no Odoo, nothing to set up."""
    return args.command == "test" and args.only == "python"


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
    test = sub.add_parser(
        "test", help="set up what is missing, then run layers 1, 2 (Odoo 19) and 3"
    )
    add_odoo_source_option(test)
    test.add_argument("--only", choices=("python", "odoo"), help="run a single layer")
    test.add_argument(
        "--layer",
        type=int,
        choices=(1, 2),
        help="run a single layer: 1 (pure Python, no Odoo; same as --only python) or 2",
    )
    test.add_argument(
        "--require-odoo",
        action="store_true",
        help="(the default now: layer 2 never is skipped silently; kept for old scripts)",
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
        "are unchanged: a single Odoo test then runs in seconds" % fhdev_testrun.KEPT_DB,
    )
    test.add_argument(
        "--no-helpdesk-mgmt",
        dest="skip_helpdesk_mgmt",
        action="store_true",
        help="do not run OCA helpdesk_mgmt's own tests in layer 2",
    )
    test.add_argument("-v", "--verbose", action="store_true", help="print the whole Odoo log")
    demo = sub.add_parser("demo", help="set up what is missing, serve a linked central + client")
    add_odoo_source_option(demo)
    demo.add_argument("--central-port", type=int, default=8069)
    demo.add_argument("--client-port", type=int, default=8070)
    demo.add_argument("--smtp-port", type=int, default=1025, help="the mail catcher's SMTP port")
    demo.add_argument("--mail-port", type=int, default=8025, help="the page listing caught mail")
    demo.add_argument("--reset", action="store_true", help="recreate both demo databases")
    demo.add_argument("--seconds", type=int, default=0, help="stop after serving this many seconds")
    sub.add_parser("pot", help="regenerate the translation templates (i18n/*.pot)")
    bench = sub.add_parser("bench", help="run the benchmarks")
    bench.add_argument("names", nargs="*", help="only these benchmarks")
    return parser


def parse_args(argv):
    """The parsed command line; ``test --layer N`` is turned into ``--only``."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "test" and args.layer:
        wanted = {1: "python", 2: "odoo"}[args.layer]
        if args.only and args.only != wanted:
            parser.error("--layer %d and --only %s contradict each other" % (args.layer, args.only))
        args.only = wanted
    return args


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    reexec_in_project_venv(argv)
    if args.command in ("test", "demo") and not layer_one_only(args):
        code = fhdev_setup.ensure_ready(args, argv, sys.modules[__name__])
        if code is not None:
            return code
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
