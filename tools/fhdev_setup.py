# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What ``fhdev test`` and ``fhdev demo`` set up before they run.

Both install what is missing exactly as ``install --odoo`` does (Odoo 19 into
``.fhdev/``, the requirements, helpdesk_mgmt, the linters), then run again with
``.fhdev/venv``'s Python. Odoo's source is ``--odoo SOURCE``, else the
``FHDEV_ODOO_SOURCE`` variable, else the one installed earlier, else the official
19.0 archive. An Odoo 19 that the running Python imports by itself (a package,
``ODOO_PATH``, a virtual environment of yours) is used as it is: no other Odoo is
installed next to it.
"""

import hashlib
import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import fhdev_install

ROOT = Path(__file__).resolve().parent.parent
SOURCE_VARIABLE = "FHDEV_ODOO_SOURCE"
# Set in the environment of the command run again in .fhdev/venv after the setup.
DONE_VARIABLE = "FHDEV_SETUP_DONE"
# Modules of requirements-dev.txt that test/demo import: missing -> `install`.
NPM_STAMP = ROOT / ".fhdev" / "npm-ci.sha256"
NEEDED_MODULES = ("pytest", "coverage", "pytest_odoo", "aiosmtpd", "pylint_odoo", "ruff")


def say(message=""):
    print(message, flush=True)


def chosen_source(flag, environ):
    """The SOURCE given for Odoo 19: ``--odoo`` wins over FHDEV_ODOO_SOURCE; None
    when neither is given (an empty variable counts as not given)."""
    return flag or (environ.get(SOURCE_VARIABLE) or "").strip() or None


def installed_source(stamp_path=None):
    """The Odoo folder that ``install --odoo`` installed last (its stamp), or None."""
    stamp_path = Path(stamp_path or fhdev_install.WORK / fhdev_install.STAMP_NAME)
    try:
        return json.loads(stamp_path.read_text()).get("odoo")
    except (OSError, ValueError):
        return None


def plan(source, odoo_here, ours, previous):
    """What to do before test/demo, as (action, source).

    ``odoo_here``: the major version of the Odoo this Python imports (None: none);
    ``ours``: that Python is the one ``install --odoo`` set up (.fhdev/venv or the
    virtual environment it installed into); ``previous``: the Odoo folder it
    installed from (None: never ran).

    - ('own', None): an Odoo 19 of the user's: use it, install no other one;
    - ('refuse', None): this Python imports another Odoo version: never install over it;
    - ('ready', None): our environment, made elsewhere, nothing to check it against;
    - ('install', SOURCE): install (or find installed, in a second) from SOURCE.
    """
    if odoo_here is not None and not ours:
        return ("own", None) if odoo_here == 19 else ("refuse", None)
    if source:
        return "install", source
    if previous:
        return "install", previous
    if odoo_here == 19:
        return "ready", None
    return "install", fhdev_install.DEFAULT_ODOO_SOURCE


def odoo_major_here(fh):
    """Major version of the Odoo this Python (with ODOO_PATH) imports, or None."""
    # Not odoo_importable_here(): an editable Odoo next to pip-installed addons is
    # a namespace package, which only an import tells apart from addons alone.
    proc = subprocess.run(
        [sys.executable, "-c", "import odoo.release as r; print(r.version_info[0])"],
        env=fh.odoo_env(),
        capture_output=True,
        text=True,
    )
    try:
        return int(proc.stdout.split()[-1])
    except (IndexError, ValueError):
        return None


def python_is_ours():
    """True when this Python is .fhdev/venv's, or the one ``install --odoo`` used."""
    # Not resolved: a virtual environment's python is a symlink to the system one.
    if Path(sys.prefix).resolve() == fhdev_install.VENV.resolve():
        return True
    stamp = fhdev_install.WORK / fhdev_install.STAMP_NAME
    try:
        python = json.loads(stamp.read_text()).get("python")
    except (OSError, ValueError):
        return False
    return bool(python) and os.path.abspath(python) == os.path.abspath(sys.executable)


def missing_modules(names=NEEDED_MODULES):
    """The modules of requirements-dev.txt this Python cannot import."""
    return [name for name in names if importlib.util.find_spec(name) is None]


def _lock_digest():
    lock = ROOT / "package-lock.json"
    return hashlib.sha256(lock.read_bytes()).hexdigest() if lock.is_file() else ""


def node_linters_installed(stamp_path=None):
    """True when node_modules/ is filled and, if `npm ci` ran here, from the
    current package-lock.json (node_modules/ made another way is trusted as is)."""
    stamp_path = Path(stamp_path or NPM_STAMP)
    if not (ROOT / "node_modules" / ".package-lock.json").is_file():
        return False
    return not stamp_path.is_file() or stamp_path.read_text() == _lock_digest()


def install_node_linters(fh, stamp_path=None):
    """`npm ci` (fhdev's install_node_linters), remembered by package-lock digest."""
    stamp_path = Path(stamp_path or NPM_STAMP)
    fh.install_node_linters()
    if (ROOT / "node_modules" / ".package-lock.json").is_file():
        stamp_path.parent.mkdir(exist_ok=True)
        stamp_path.write_text(_lock_digest())


def ensure_ready(args, argv, fh):
    """Install what test/demo need, then run the command again with the Python that
    has it. Return None to go on in this process, or an exit code (setup failed)."""
    if os.environ.get(DONE_VARIABLE):
        return None
    source = chosen_source(getattr(args, "odoo", None), os.environ)
    major = odoo_major_here(fh)
    action, source = plan(source, major, python_is_ours(), installed_source())
    if action == "refuse":
        say(
            "!! %s imports Odoo %s; these addons need Odoo 19. Run fhdev with a Python "
            "that has no Odoo (it then installs Odoo 19 into .fhdev/), or with your "
            "Odoo 19's." % (sys.executable, major)
        )
        return 2
    if action == "own":
        if getattr(args, "odoo", None) or os.environ.get(SOURCE_VARIABLE):
            say(
                "== Using the Odoo 19 that %s imports (--odoo/%s are for machines "
                "without one)" % (sys.executable, SOURCE_VARIABLE)
            )
        ok, why = fh.odoo_status()
        if not ok or missing_modules():
            say("== Installing what is missing for your Odoo 19 (`fhdev install`)")
            code = fh.cmd_install(argparse_namespace(odoo=None))
            if code:
                return code
        python = Path(sys.executable)
    elif action == "ready":
        python = Path(sys.executable)
    else:
        say("== Setting up Odoo 19 for this checkout (a second when done before)")
        try:
            python = fhdev_install.install_odoo(source)
        except fhdev_install.InstallError as error:
            say("!! %s" % error)
            say(
                "!! Without Odoo 19 %s cannot run. Give an Odoo 19 source with --odoo "
                "SOURCE (a folder, an archive or a URL) or %s%s."
                % (
                    "the demo" if args.command == "demo" else "layer 2",
                    SOURCE_VARIABLE,
                    "" if args.command == "demo" else ", or run layer 1 alone with --layer 1",
                )
            )
            return 1
    if not node_linters_installed():
        install_node_linters(fh)
    if os.path.abspath(python) == os.path.abspath(sys.executable):
        os.environ[DONE_VARIABLE] = "1"
        return None
    env = dict(os.environ, FHDEV_REEXEC="1", **{DONE_VARIABLE: "1"})
    script = str(ROOT / "tools" / "fhdev.py")
    os.execve(str(python), [str(python), script, *argv], env)
    return None  # pragma: no cover - execve does not return


def argparse_namespace(**values):
    """A minimal argparse.Namespace for calling another fhdev command."""
    import argparse  # noqa: PLC0415

    return argparse.Namespace(**values)
