# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""``fhdev test``: layer 1 (pure Python, pytest + coverage) and layer 2 (Odoo 19).

Layer 2 installs both addons with their demo data into a database once, then
runs the Odoo tests of both addons and of OCA helpdesk_mgmt on it with
pytest-odoo (plus ``fhdev_pytest``, which collects what Odoo's own loader
would run). Both layers end in one summary: failed and skipped tests by name,
unexpected Odoo log lines, and ``total: N passed, N failed, N skipped``.
"""

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from xml.etree import ElementTree

ROOT = Path(__file__).resolve().parent.parent
JUNIT_XML = ROOT / ".fhdev" / "layer1-junit.xml"
JUNIT_XML_ODOO = ROOT / ".fhdev" / "layer2-junit.xml"
# One kept database per checkout: worktrees of the same machine never share it.
KEPT_DB = "fusion_helpdesk_test_kept_%s" % hashlib.sha256(str(ROOT).encode()).hexdigest()[:8]
KEPT_DB_STAMP = ROOT / ".fhdev" / "test-db.json"
# The fhdev module (Odoo lookup, ADDONS, PURE_MODULES, log patterns): set by bind().
fh = None


def bind(module):
    """Give this module the fhdev helpers it runs with."""
    global fh
    fh = module


def run_layer1(args):
    fh.say("== Layer 1: pure-Python tests and static checks (no Odoo needed)")
    cov = [sys.executable, "-m", "coverage"]
    include = ",".join(str(ROOT / m) for m in fh.PURE_MODULES)
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
    fh.say("== Coverage of the pure-Python modules")
    subprocess.run(cov + ["report", "-m", "--include=%s" % include], cwd=ROOT)
    if args.keyword:
        return 0
    proc = subprocess.run(
        cov + ["report", "--fail-under=100", "--include=%s" % include],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )
    if proc.returncode:
        fh.say("!! %s must keep 100%% line and branch coverage." % ", ".join(fh.PURE_MODULES))
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
    folders = {addon: ROOT / addon / "tests" for addon in fh.ADDONS}
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
    for addon in fh.ADDONS:
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
    proc = fh._run_psql_snippet(
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
            cmd,
            env=env or fh.odoo_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
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
            fh.say("== Reusing the prepared database %s (--keep-db)" % database)
            return 0, ""
        fh.say("== The addons changed since %s was prepared: preparing it again" % database)
    fh.drop_database(database)
    if args.keep_db:
        KEPT_DB_STAMP.unlink(missing_ok=True)
    cmd = fh.odoo_command(
        database,
        "-i",
        ",".join(fh.ADDONS),
        "--stop-after-init",
        "--log-level=info",
        "--with-demo",
        "--max-cron-threads=0",
        data_dir=data_dir,
    )
    fh.say("== Layer 2: preparing %s (both addons with demo data, 1-3 minutes)" % database)
    fh.say("$ " + " ".join(cmd))
    log_path = ROOT / ".fhdev" / "odoo-install.log"
    log_path.parent.mkdir(exist_ok=True)
    returncode = stream_to_log(cmd, log_path, args.verbose)
    if returncode == 0 and args.keep_db:
        KEPT_DB_STAMP.write_text(json.dumps({database: fingerprint}))
    return returncode, log_path.read_text()


def helpdesk_mgmt_tests():
    """The tests folder of the helpdesk_mgmt that Odoo loads, or None."""
    for path in fh.extra_addons_paths():
        if (Path(path) / "helpdesk_mgmt" / "tests").is_dir():
            return str(Path(path) / "helpdesk_mgmt" / "tests")
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            "import importlib.util as u;"
            "print(u.find_spec('odoo.addons.helpdesk_mgmt').submodule_search_locations[0])",
        ],
        env=fh.odoo_env(),
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
        fh.say("!! --test-tags: %s" % error)
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
            fh.say("!! Odoo could not install the addons (see .fhdev/odoo-install.log).")
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
            "--odoo-addons-path=%s" % ",".join([str(ROOT)] + fh.extra_addons_paths()),
            "--odoo-http",
            "--odoo-log-level=info",
            "--odoo-extra=logfile=%s" % log_path,
            "--odoo-extra=data-dir=%s" % data_dir,
            "--odoo-extra=max-cron-threads=0",
            "--odoo-extra=http-interface=127.0.0.1",
            # A free port: test runs of several checkouts can share the machine.
            "--odoo-extra=http-port=%s" % fh.free_port(),
            "--odoo-extra=gevent-port=%s" % fh.free_port(),
            "--junitxml=%s" % JUNIT_XML_ODOO,
            "-r",
            "fEs",
        ]
        if os.environ.get("ODOO_RC"):
            cmd.append("--odoo-config=%s" % os.environ["ODOO_RC"])
        if keyword:
            cmd += ["-k", keyword]
        cmd += paths
        fh.say("== Layer 2: Odoo tests with pytest-odoo (log: .fhdev/odoo-test.log)")
        fh.say("$ " + " ".join(cmd))
        env = fh.odoo_env()
        env["PYTHONPATH"] = os.pathsep.join(
            filter(None, [str(ROOT / "tools"), env.get("PYTHONPATH")])
        )
        proc = subprocess.run(cmd, env=env, cwd=ROOT)
        result["returncode"] = proc.returncode
        if log_path.exists():
            result["problems"] += log_problems(log_path.read_text())
    finally:
        if not args.keep_db:
            fh.drop_database(database)
            shutil.rmtree(data_dir, ignore_errors=True)
    return dict(result, **junit_results(JUNIT_XML_ODOO))


# Whole-product checks that need Odoo 19 and PostgreSQL and run after layer 2:
# each is a script that exits 0 (passed), 2 (cannot run here: skipped) or
# anything else (failed). Left out when -k or --test-tags narrow the run.
INTEGRATION_CHECKS = (
    ("wheels: addons installed from site-packages", ("tools/wheels.py", "check")),
    ("upgrade from 19.0.2.3.0 and 19.0.3", ("tools/upgrade_check.py",)),
)


def run_integration_checks():
    """Run INTEGRATION_CHECKS that exist; return a layer result dict."""
    result = dict(name="layer 3 (integration)", ran=True, returncode=0, problems=[])
    result.update(passed=0, failed=0, skipped=0, failures=[], skips=[])
    for name, script in INTEGRATION_CHECKS:
        if not (ROOT / script[0]).exists():
            continue
        fh.say("== Layer 3: %s (%s)" % (name, " ".join(script)))
        proc = subprocess.run([sys.executable, *script], cwd=ROOT, env=fh.odoo_env())
        if proc.returncode == 0:
            result["passed"] += 1
        elif proc.returncode == 2:
            result["skipped"] += 1
            result["skips"].append((name, "%s cannot run here (exit 2)" % script[0]))
        else:
            result["failed"] += 1
            result["failures"].append((name, "%s exited %d" % (script[0], proc.returncode)))
    return result


def _interesting(line):
    match = fh.LOG_LINE.match(line.rstrip("\n"))
    if not match:
        return not line.startswith((" ", "\t")) or "Error" in line or "File " in line
    if match["level"] in ("WARNING", "ERROR", "CRITICAL"):
        return not any(p.search(line) for p in fh.BENIGN_LOG_PATTERNS)
    return match["logger"] == "odoo.modules.loading" and "modules loaded" in match["msg"]


def log_problems(text):
    """The WARNING/ERROR/CRITICAL lines of an Odoo log that are not known noise."""
    problems = []
    for line in text.splitlines():
        match = fh.LOG_LINE.match(line)
        if (
            match
            and match["level"] in ("WARNING", "ERROR", "CRITICAL")
            and not any(p.search(line) for p in fh.BENIGN_LOG_PATTERNS)
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


def layer2_not_run(why):
    """The layer result of a layer 2 that could not run: a failure, never a silent
    skip (a newcomer would believe the Odoo tests passed), saying what to do."""
    return dict(
        name="layer 2 (Odoo 19)",
        ran=False,
        why="NOT RUN -> FAILED: %s\n  (layer 1 alone: python3 tools/fhdev.py test --layer 1)"
        % why.replace("\n", "\n  "),
        returncode=1,
    )


def run_layers_2_and_3(args):
    """Layer 2, then layer 3 on a full run, with PostgreSQL (a private cluster when
    none answers); a list of layer results."""
    with fh.fhdev_postgres.postgres_for(fh) as problem:
        ok, why = fh.odoo_ready() if not problem else (False, problem)
        if not ok:
            return [layer2_not_run(why)]
        layers = [run_layer2(args)]
        if not (args.keyword or args.test_tags or args.keep_db or args.only):
            layers.append(run_integration_checks())
        return layers


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
        layers += run_layers_2_and_3(args)
    lines, code = summarize(layers, args.keyword)
    lines.insert(-1, "  took %.0f s" % (time.monotonic() - fh.START))
    for line in lines:
        fh.say(line)
    return code
