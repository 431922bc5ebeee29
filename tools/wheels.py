#!/usr/bin/env python3
# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Build both addons as wheels, and prove that Odoo can install them from site-packages.

    python tools/wheels.py build [--out DIR]   # odoo_addon_<addon>-<version>-py3-none-any.whl
    python tools/wheels.py check               # build, install in a fresh venv, install in Odoo

Each addon has a ``pyproject.toml`` whose build backend is whool (pinned in
requirements-dev.txt). ``build`` runs ``pip wheel --no-build-isolation`` on it, so
the installed whool is used and nothing is downloaded; whool packs the files under
git control, names the wheel ``odoo-addon-<addon>`` and takes the version from the
manifest plus the commits since it changed.

``check`` is the integrator's path, verified end to end:

1. builds both wheels and compares each wheel's file list with ``git ls-files`` of
   its addon (data, views, static assets, i18n templates, README, LICENSE: nothing
   left behind);
2. creates a fresh virtual environment (``venv --without-pip``) whose only own
   packages are the two wheels, installed with pip (``--no-deps --no-index``).
   Odoo and its requirements are made visible to it by a ``.pth`` file that adds
   the current environment's site directories (``site.addsitedir``, so an editable
   Odoo's finder works too) - what ``--system-site-packages`` does for a system
   Odoo. The wheels' ``Requires-Dist`` are then checked against that environment;
3. runs that venv's Odoo with ``-i fusion_helpdesk_central,fusion_helpdesk
   --with-demo`` on a throw-away database, with an addons path that holds Odoo's own
   addons and ODOO_ADDONS_PATH / ODOO_RC folders but never this checkout, from a
   working directory outside it: the addons can only come from the venv's
   ``odoo/addons`` namespace;
4. asks the database: both modules installed with demo data, ``get_module_path``
   inside the venv, and the backend asset bundle's files of the client resolved
   inside the venv. Then drops the database.

It prints ``wheels: N built, N installed, N failed`` last and exits non-zero on any
failure (1) or when Odoo/PostgreSQL are missing for ``check`` (2).
"""

import argparse
import configparser
import json
import os
import re
import shutil
import site
import socket
import subprocess
import sys
import sysconfig
import tempfile
import venv
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ADDONS = ("fusion_helpdesk_central", "fusion_helpdesk")
# Files a wheel must never carry (whool drops them; an sdist keeps them).
NOT_IN_WHEEL = ("pyproject.toml",)
LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ (?P<level>[A-Z]+) ")

VERIFY_SCRIPT = r"""
import json, sys
from odoo.tools import config
config.parse_config(sys.argv[2:])
from odoo import api, SUPERUSER_ID
from odoo.modules.module import get_module_path
from odoo.modules.registry import Registry
addons = %(addons)r
result = {"modules": {}, "assets": []}
with Registry(sys.argv[1]).cursor() as cr:
    env = api.Environment(cr, SUPERUSER_ID, {})
    for module in env["ir.module.module"].search([("name", "in", addons)]):
        result["modules"][module.name] = {
            "state": module.state,
            "demo": module.demo,
            "path": get_module_path(module.name),
        }
    for path, full_path, _bundle, _mtime in env["ir.asset"]._get_asset_paths(
        "web.assets_backend", {}
    ):
        if path.startswith(tuple("/%%s/" %% a for a in addons)):
            result["assets"].append([path, full_path])
print("VERIFY " + json.dumps(result))
"""


def say(message=""):
    print(message, flush=True)


# --------------------------------------------------------------------------- build
def build(out_dir, addons=ADDONS):
    """Build one wheel per addon into out_dir; return {addon: wheel path}."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    wheels = {}
    for addon in addons:
        before = set(out_dir.glob("*.whl"))
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "wheel",
                "--quiet",
                "--disable-pip-version-check",
                "--no-deps",
                "--no-build-isolation",
                "--wheel-dir",
                str(out_dir),
                str(ROOT / addon),
            ],
            capture_output=True,
            text=True,
        )
        made = sorted(set(out_dir.glob("*.whl")) - before) or sorted(
            out_dir.glob("%s-*.whl" % wheel_prefix(addon))
        )
        if proc.returncode or not made:
            say("!! %s: the wheel could not be built (is whool installed?)" % addon)
            say((proc.stdout + proc.stderr).strip())
            continue
        wheels[addon] = made[-1]
        say("built %s" % made[-1].name)
    return wheels


def wheel_prefix(addon):
    return "odoo_addon_%s" % addon


def missing_from_wheel(addon, wheel):
    """git-tracked files of the addon that the wheel does not carry, and
    files the wheel carries that it should not."""
    tracked = subprocess.run(
        ["git", "ls-files", "-z", "--", addon],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split("\0")
    expected = {
        "odoo/addons/%s" % path
        for path in tracked
        if path and Path(path).name not in NOT_IN_WHEEL and (ROOT / path).exists()
    }
    with zipfile.ZipFile(wheel) as archive:
        names = {n for n in archive.namelist() if not n.endswith("/")}
    shipped = {n for n in names if n.startswith("odoo/addons/")}
    forbidden = {n for n in shipped if Path(n).name in NOT_IN_WHEEL}
    return sorted(expected - shipped), sorted(forbidden), names


def wheel_metadata(wheel):
    with zipfile.ZipFile(wheel) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        text = archive.read(name).decode()
    headers = text.split("\n\n", 1)[0]
    meta = {}
    for line in headers.splitlines():
        key, _, value = line.partition(": ")
        meta.setdefault(key, []).append(value)
    return meta


def cmd_build(args):
    wheels = build(args.out)
    failed = len(ADDONS) - len(wheels)
    say("wheels: %d built, 0 installed, %d failed" % (len(wheels), failed))
    return 1 if failed else 0


# --------------------------------------------------------------------------- check
def odoo_rc_options():
    rc = os.environ.get("ODOO_RC")
    parser = configparser.RawConfigParser()
    if rc and Path(rc).exists():
        parser.read(rc)
    return dict(parser.items("options")) if parser.has_section("options") else {}


def pg_env():
    """Environment for Odoo and psycopg2: ODOO_PATH on PYTHONPATH, ODOO_RC's db_*
    options as libpq PG* variables (never on a command line)."""
    env = dict(os.environ)
    if env.get("ODOO_PATH"):
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [env["ODOO_PATH"], env.get("PYTHONPATH")]))
    variables = {"db_host": "PGHOST", "db_port": "PGPORT", "db_user": "PGUSER"}
    variables["db_password"] = "PGPASSWORD"
    for option, variable in variables.items():
        value = odoo_rc_options().get(option, "")
        if value and value.lower() not in ("false", "none") and not env.get(variable):
            env[variable] = value
    return env


def probe(python, code, env):
    return subprocess.run(
        [str(python), "-c", code],
        env=env,
        capture_output=True,
        text=True,
        cwd=tempfile.gettempdir(),
    )


def addons_path_without_checkout(python, env):
    """Odoo's own addons folder plus the configured extra folders, never this checkout."""
    proc = probe(
        python,
        "import os, odoo.addons.base as b; print(os.path.dirname(os.path.dirname(b.__file__)))",
        env,
    )
    paths = [proc.stdout.strip()] if proc.returncode == 0 else []
    extra = os.environ.get("ODOO_ADDONS_PATH", "").split(",")
    extra += odoo_rc_options().get("addons_path", "").split(",")
    for path in extra:
        path = path.strip()
        if path and Path(path).is_dir() and not _holds_our_addons(Path(path)):
            paths.append(path)
    return list(dict.fromkeys(paths))


def _holds_our_addons(path):
    return any((path / addon / "__manifest__.py").exists() for addon in ADDONS)


def make_venv(target):
    """A venv without pip whose own site-packages is empty, seeing the current
    environment's site directories (Odoo and its requirements) through a .pth."""
    venv.EnvBuilder(with_pip=False, symlinks=os.name != "nt").create(target)
    python = target / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    purelib = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    )
    here = [sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]]
    here += site.getsitepackages()
    lines = [
        "import site; site.addsitedir(%r)" % d for d in dict.fromkeys(here) if Path(d).is_dir()
    ]
    # Sorted after the wheels' own files: the venv's packages stay first on sys.path.
    (purelib / "zz_odoo_environment.pth").write_text("\n".join(lines) + "\n")
    return python, purelib


def unmet_requirements(python, wheels, env):
    """Requires-Dist of the wheels that the venv's environment does not satisfy.
    `odoo` may come from a source checkout (ODOO_PATH) without a distribution."""
    code = r"""
import importlib.metadata as md, json, sys
try:
    from packaging.requirements import Requirement
except ImportError:
    from pip._vendor.packaging.requirements import Requirement
unmet = []
for text in json.loads(sys.argv[1]):
    req = Requirement(text)
    try:
        version = md.version(req.name)
    except md.PackageNotFoundError:
        if req.name == "odoo":
            import odoo.release
            version = odoo.release.version
        else:
            unmet.append(text + " (not installed)")
            continue
    if version and not req.specifier.contains(version, prereleases=True):
        unmet.append("%s (found %s)" % (text, version))
print(json.dumps(unmet))
"""
    requirements = sorted({r for w in wheels for r in wheel_metadata(w).get("Requires-Dist", [])})
    proc = subprocess.run(
        [str(python), "-c", code, json.dumps(requirements)],
        env=env,
        capture_output=True,
        text=True,
        cwd=tempfile.gettempdir(),
    )
    if proc.returncode:
        return ["cannot check requirements: %s" % proc.stderr.strip()[-500:]]
    return json.loads(proc.stdout)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def drop_database(python, database, env):
    probe(
        python,
        "import psycopg2; c = psycopg2.connect(dbname='postgres'); c.autocommit = True;"
        "c.cursor().execute('DROP DATABASE IF EXISTS \"%s\" WITH (FORCE)')" % database,
        env,
    )


def check_contents(wheels):
    """Failures of step 1: a missing wheel, a tracked file left out, a file too many."""
    failures = []
    for addon in ADDONS:
        if addon not in wheels:
            failures.append("%s: no wheel" % addon)
            continue
        missing, forbidden, names = missing_from_wheel(addon, wheels[addon])
        say(
            "%s: %d files (%d data, %d static, %d i18n), Requires-Dist: %s"
            % (
                wheels[addon].name,
                len(names),
                len([n for n in names if n.endswith((".xml", ".csv")) and "/static/" not in n]),
                len([n for n in names if "/static/" in n]),
                len([n for n in names if "/i18n/" in n]),
                ", ".join(wheel_metadata(wheels[addon]).get("Requires-Dist", [])),
            )
        )
        failures += ["%s: %s is not in the wheel" % (addon, path) for path in missing]
        failures += ["%s: %s must not be in the wheel" % (addon, path) for path in forbidden]
    return failures


def environment_missing(python, env):
    """Why the venv cannot run Odoo 19 on PostgreSQL, or ''."""
    status = probe(python, "import odoo.release as r; print(r.version_info[0])", env)
    if status.returncode or status.stdout.strip() != "19":
        return "Odoo 19 is not importable with %s: nothing to install into." % sys.executable
    if probe(
        python, "import psycopg2; psycopg2.connect(dbname='postgres').close()", env
    ).returncode:
        return "PostgreSQL is not reachable (PGHOST/PGUSER or ODOO_RC)."
    return ""


def pip_install(python, wheels, env, work):
    """Failures of step 2: pip installing the wheels, their Requires-Dist."""
    pip = subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
        + ["--no-deps", "--no-index"]
        + [str(w) for w in wheels.values()],
        env=env,
        capture_output=True,
        text=True,
        cwd=work,
    )
    if pip.returncode:
        return ["pip install: %s" % (pip.stdout + pip.stderr).strip()[-2000:]]
    return ["unmet Requires-Dist: %s" % r for r in unmet_requirements(python, wheels.values(), env)]


def odoo_install(python, database, options, env, work):
    """Failures of step 3: odoo -i both addons with demo data."""
    cmd = [str(python), "-m", "odoo", *options, "-d", database, "-i", ",".join(ADDONS)]
    cmd += ["--with-demo", "--stop-after-init", "--log-level=warn", "--max-cron-threads=0"]
    cmd += ["--http-port=%d" % free_port(), "--http-interface=127.0.0.1"]
    say("$ " + " ".join(cmd))
    drop_database(python, database, env)
    odoo = subprocess.run(
        cmd, env=env, capture_output=True, text=True, cwd=work, stdin=subprocess.DEVNULL
    )
    log = odoo.stdout + odoo.stderr
    (work / "odoo.log").write_text(log)
    errors = [
        line
        for line in log.splitlines()
        if (m := LOG_LINE.match(line)) and m["level"] in ("ERROR", "CRITICAL")
    ]
    if odoo.returncode or errors:
        return ["odoo -i exited %d" % odoo.returncode] + (errors[:20] or log.splitlines()[-20:])
    return []


def verify(python, database, options, site_dir, env, work):
    """Step 4: (addons installed from site_dir, failures), read from the database."""
    proc = subprocess.run(
        [str(python), "-c", VERIFY_SCRIPT % {"addons": ADDONS}, database, *options],
        env=env,
        capture_output=True,
        text=True,
        cwd=work,
    )
    line = next((x for x in proc.stdout.splitlines() if x.startswith("VERIFY ")), None)
    if not line:
        return 0, ["verification failed: %s" % proc.stderr.strip()[-2000:]]
    result = json.loads(line[len("VERIFY ") :])
    installed, failures = 0, []
    for addon in ADDONS:
        module = result["modules"].get(addon, {})
        path = module.get("path") or ""
        say(
            "%s: %s, demo %s, from %s"
            % (addon, module.get("state"), "loaded" if module.get("demo") else "missing", path)
        )
        problems = []
        if module.get("state") != "installed":
            problems.append("not installed")
        if not module.get("demo"):
            problems.append("demo data not loaded")
        if not path.startswith(str(site_dir)):
            problems.append("loaded from %s, not from the venv's site-packages" % path)
        if problems:
            failures.append("%s: %s" % (addon, "; ".join(problems)))
        else:
            installed += 1
    say("backend assets of our addons: %d files" % len(result["assets"]))
    if not result["assets"]:
        failures.append("no backend asset of our addons in web.assets_backend")
    for path, full_path in result["assets"]:
        if not (full_path or "").startswith(str(site_dir)) or not Path(full_path).is_file():
            failures.append("asset %s resolved to %s" % (path, full_path))
    return installed, failures


def cmd_check(args):
    env = pg_env()
    work = Path(tempfile.mkdtemp(prefix="fusion-helpdesk-wheels-"))
    database = "fusion_helpdesk_wheels_%d" % os.getpid()
    python = None
    try:
        say("== Building the wheels")
        wheels = build(work / "dist")
        failures = check_contents(wheels)
        if failures:
            return finish(len(wheels), 0, failures)
        say("== Installing them in a fresh virtual environment")
        python, site_dir = make_venv(work / "venv")
        why = environment_missing(python, env)
        if why:
            say(why)
            say("wheels: %d built, 0 installed, 0 failed" % len(wheels))
            return 2
        failures = pip_install(python, wheels, env, work)
        if failures:
            return finish(len(wheels), 0, failures)
        say("installed in %s" % site_dir)
        say("== Installing the addons with demo data from site-packages")
        options = [
            "--addons-path=%s" % ",".join(addons_path_without_checkout(python, env)),
            "--data-dir=%s" % (work / "data"),
        ]
        if os.environ.get("ODOO_RC"):
            options = ["-c", os.environ["ODOO_RC"]] + options
        failures = odoo_install(python, database, options, env, work)
        if failures:
            return finish(len(wheels), 0, failures)
        installed, failures = verify(python, database, options, site_dir, env, work)
        return finish(len(wheels), installed, failures)
    finally:
        if python:
            drop_database(python, database, env)
        if args.keep:
            say("kept %s" % work)
        else:
            shutil.rmtree(work, ignore_errors=True)


def finish(built, installed, failures):
    for failure in failures:
        say("!! " + failure)
    say("wheels: %d built, %d installed, %d failed" % (built, installed, len(failures)))
    return 1 if failures else 0


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    build_parser = sub.add_parser("build", help="build both wheels")
    build_parser.add_argument("--out", default=str(ROOT / "dist"), help="output folder")
    check_parser = sub.add_parser("check", help="build, install from site-packages, verify")
    check_parser.add_argument("--keep", action="store_true", help="keep the work folder")
    args = parser.parse_args(argv)
    return {"build": cmd_build, "check": cmd_check}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
