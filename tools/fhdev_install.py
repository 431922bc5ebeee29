# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""``fhdev install``: the Python requirements, and with ``--odoo`` Odoo 19 itself.

``install --odoo [SOURCE]`` takes Odoo 19's source from a folder, a local archive
(.tar.xz, .tar.gz, .tgz, .tar.bz2, .zip) or a URL (default: the 19.0 branch archive
of odoo/odoo on GitHub), unpacks an archive into ``.fhdev/odoo/``, creates
``.fhdev/venv`` unless a virtual environment is active, and installs into it:
Odoo (editable, with its ``setup.py`` requirements), freezegun (Odoo's test
framework imports it), ``requirements-dev.txt`` and OCA helpdesk_mgmt 19.0.
Everything is kept: a second run checks what is there and reuses it.
"""

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import time
import urllib.parse
import urllib.request
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / ".fhdev"
VENV = WORK / "venv"
ODOO_DIR = WORK / "odoo"
DOWNLOADS = WORK / "downloads"
DEFAULT_ODOO_SOURCE = "https://github.com/odoo/odoo/archive/refs/heads/19.0.tar.gz"
ARCHIVE_SUFFIXES = (".tar.xz", ".txz", ".tar.gz", ".tgz", ".tar.bz2", ".zip")
# PyPDF2 3.x prints a deprecation warning at every Odoo start (a failed run for
# us); Odoo's own requirements.txt pins exact versions that no longer all build.
CONSTRAINTS = ("PyPDF2<3",)
HELPDESK_MGMT = "odoo-addon-helpdesk-mgmt==19.0.*"
ODOO_TEST_EXTRAS = ("freezegun",)
STAMP_NAME = "fhdev-install.json"
RELEASE_VERSION = re.compile(r"^version_info\s*=\s*\(\s*(?:['\"]saas~)?(\d+)", re.M)


class InstallError(Exception):
    """A step failed; the message says what to do next."""


def say(message=""):
    print(message, flush=True)


# --------------------------------------------------------------------------- sources
def source_kind(source):
    """'url', 'folder' or 'archive' for a SOURCE argument; InstallError otherwise."""
    scheme = urllib.parse.urlsplit(source).scheme.lower()
    if scheme in ("http", "https"):
        return "url"
    if scheme == "file":
        source = urllib.parse.unquote(urllib.parse.urlsplit(source).path)
    path = Path(source)
    if path.is_dir():
        return "folder"
    if path.name.lower().endswith(ARCHIVE_SUFFIXES):
        if not path.is_file():
            raise InstallError(
                "No such archive: %s. Give an existing file, a folder or an http(s) URL." % source
            )
        return "archive"
    if path.exists():
        raise InstallError(
            "%s is not a folder nor an archive ending in %s."
            % (source, ", ".join(ARCHIVE_SUFFIXES))
        )
    raise InstallError(
        "No such folder or archive: %s. Give an Odoo 19 source folder, an archive "
        "(%s) or an http(s) URL of one." % (source, ", ".join(ARCHIVE_SUFFIXES))
    )


def odoo_version_of(folder):
    """Major version read from ``folder/odoo/release.py``, or None."""
    release = Path(folder) / "odoo" / "release.py"
    if not release.is_file():
        return None
    match = RELEASE_VERSION.search(release.read_text(errors="replace"))
    return int(match.group(1)) if match else None


def find_odoo_root(folder):
    """The folder holding ``odoo/release.py`` and ``setup.py``: ``folder`` itself or
    its single top folder (archives pack the tree under e.g. ``odoo-19.0/``)."""
    folder = Path(folder)
    candidates = [folder]
    children = [c for c in folder.iterdir() if not c.name.startswith(".")]
    if len(children) == 1 and children[0].is_dir():
        candidates.append(children[0])
    for candidate in candidates:
        if (candidate / "odoo" / "release.py").is_file() and (candidate / "setup.py").is_file():
            version = odoo_version_of(candidate)
            if version != 19:
                raise InstallError(
                    "%s holds Odoo %s; these addons need Odoo 19 (branch 19.0)."
                    % (candidate, version)
                )
            return candidate
    raise InstallError(
        "%s is not an Odoo source tree: no odoo/release.py and setup.py in it or in a "
        "single top folder. Give the folder of a 19.0 checkout (the one with odoo-bin) "
        "or an archive of it." % folder
    )


def archive_top_folder(names):
    """The single top folder all archive member ``names`` share, or '' when the
    files lie at the archive's root or under several top folders."""
    tops = {name.lstrip("./").split("/", 1)[0] for name in names if name.strip("./")}
    nested = any("/" in name.lstrip("./").rstrip("/") for name in names)
    if len(tops) == 1 and nested:
        return tops.pop()
    return ""


def _file_identity(path):
    stat = Path(path).stat()
    return {"path": str(Path(path).resolve()), "size": stat.st_size, "mtime": int(stat.st_mtime)}


class _Progress:
    """Prints ``label: NN %`` every 10 % (a steady line, readable in CI logs)."""

    def __init__(self, label, total):
        self.label, self.total, self.shown, self.done = label, total, -1, 0

    def add(self, amount):
        self.done += amount
        if not self.total:
            return
        step = min(100, int(self.done * 100 / self.total)) // 10 * 10
        if step > self.shown:
            self.shown = step
            say("   %s: %d %%" % (self.label, step))


class _CountingReader:
    """A file wrapper that reports the bytes read to a _Progress."""

    def __init__(self, raw, progress):
        self.raw, self.progress = raw, progress

    def read(self, size=-1):
        data = self.raw.read(size)
        self.progress.add(len(data))
        return data


def download(url, downloads=None):
    """Fetch ``url`` into ``downloads/`` (once: a finished download is reused)."""
    downloads = downloads or DOWNLOADS
    name = Path(urllib.parse.unquote(urllib.parse.urlsplit(url).path)).name or "odoo.tar.gz"
    if not name.lower().endswith(ARCHIVE_SUFFIXES):
        name += ".tar.gz"  # GitHub's archive links end in the branch name
    digest = hashlib.sha256(url.encode()).hexdigest()[:12]
    target = Path(downloads) / ("%s-%s" % (digest, name))
    if target.is_file():
        say("   reusing %s (delete it to download again)" % target.relative_to(ROOT))
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    say("   downloading %s" % url)
    try:
        with urllib.request.urlopen(url, timeout=60) as response, open(partial, "wb") as out:
            progress = _Progress("downloaded", int(response.headers.get("Content-Length") or 0))
            while chunk := response.read(1 << 20):
                out.write(chunk)
                progress.add(len(chunk))
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise InstallError(
            "Could not download %s (%s). Check the network, or download the archive "
            "yourself and run: python3 tools/fhdev.py install --odoo /path/to/archive"
            % (url, error)
        ) from error
    partial.rename(target)
    return target


def unpack(archive, into):
    """Unpack ``archive`` into the new folder ``into`` with progress."""
    into.mkdir(parents=True)
    size = Path(archive).stat().st_size
    progress = _Progress("unpacked", size)
    try:
        if archive.name.lower().endswith(".zip"):
            with zipfile.ZipFile(archive) as zf:
                progress.total = sum(i.compress_size for i in zf.infolist())
                for info in zf.infolist():
                    zf.extract(info, into)  # zipfile drops absolute and '..' parts
                    progress.add(info.compress_size)
            return
        with open(archive, "rb") as raw:
            with tarfile.open(fileobj=_CountingReader(raw, progress), mode="r|*") as tar:
                for member in tar:
                    # the 'data' filter refuses links and paths leaving ``into``
                    tar.extract(member, into, filter="data")
    except (tarfile.TarError, zipfile.BadZipFile, EOFError, OSError) as error:
        raise InstallError(
            "Could not unpack %s (%s). Is it a complete Odoo source archive? Delete it "
            "if it was a broken download and run the command again." % (archive, error)
        ) from error


def provide_source(source):
    """The Odoo 19 source folder for SOURCE, unpacked into .fhdev/odoo/ if needed."""
    kind = source_kind(source)
    if kind == "folder":
        return find_odoo_root(source)
    if kind == "url":
        archive = download(source)
        identity = {"url": source}
    else:
        if source.startswith("file:"):
            source = urllib.parse.unquote(urllib.parse.urlsplit(source).path)
        archive = Path(source)
        identity = _file_identity(archive)
    marker = ODOO_DIR / "source.json"
    if marker.is_file():
        known = json.loads(marker.read_text())
        folder = ODOO_DIR / known.get("folder", "-")
        if known.get("source") == identity and (folder / "odoo" / "release.py").is_file():
            say("   reusing %s (unpacked earlier from the same archive)" % folder.relative_to(ROOT))
            return folder
    ODOO_DIR.mkdir(parents=True, exist_ok=True)
    staging = ODOO_DIR / (".unpacking-%d" % os.getpid())
    shutil.rmtree(staging, ignore_errors=True)
    started = time.monotonic()
    say("   unpacking %s (about 25,000 files)" % archive)
    unpack(archive, staging)
    try:
        root = find_odoo_root(staging)
    except InstallError:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    name = root.name if root != staging else "odoo"
    folder = ODOO_DIR / name
    # replace an older tree only now that the new one is complete
    marker.unlink(missing_ok=True)
    shutil.rmtree(folder, ignore_errors=True)
    root.rename(folder)
    shutil.rmtree(staging, ignore_errors=True)
    marker.write_text(json.dumps({"source": identity, "folder": name}, indent=1))
    say("   unpacked into %s in %.0f s" % (folder.relative_to(ROOT), time.monotonic() - started))
    return folder


# --------------------------------------------------------------------------- environment
def in_virtualenv():
    """True when this Python runs in a virtual environment (``python -m venv``)."""
    return sys.prefix != getattr(sys, "base_prefix", sys.prefix)


def venv_python(venv=None):
    """The Python executable of the virtual environment ``venv`` (.fhdev/venv)."""
    venv = venv or VENV
    if os.name == "nt":  # pragma: no cover - the project runs on Linux and macOS
        return Path(venv) / "Scripts" / "python.exe"
    return Path(venv) / "bin" / "python"


def target_python():
    """The Python to install into: the active virtual environment's, else .fhdev/venv's
    (created when missing)."""
    if in_virtualenv():
        if Path(sys.prefix).resolve() == VENV.resolve():
            say("   reusing the virtual environment %s" % VENV.relative_to(ROOT))
        else:
            say("   using the active virtual environment %s" % sys.prefix)
        return Path(sys.executable)
    python = venv_python()
    if python.exists() and subprocess.run([python, "-c", "pass"]).returncode == 0:
        say("   reusing the virtual environment %s" % VENV.relative_to(ROOT))
        return python
    say("   creating the virtual environment %s" % VENV.relative_to(ROOT))
    shutil.rmtree(VENV, ignore_errors=True)
    proc = subprocess.run([sys.executable, "-m", "venv", str(VENV)])
    if proc.returncode:
        raise InstallError(
            "Could not create a virtual environment with %s. On Debian/Ubuntu install "
            "the venv module (apt-get install python3-venv), or activate a virtual "
            "environment of your own and run this command again." % sys.executable
        )
    return python


def _requirements_digest(odoo_root):
    digest = hashlib.sha256()
    for path in (
        ROOT / "requirements.txt",
        ROOT / "requirements-dev.txt",
        Path(odoo_root) / "setup.py",
    ):
        digest.update(path.read_bytes() if path.exists() else b"")
    digest.update(repr((CONSTRAINTS, HELPDESK_MGMT, ODOO_TEST_EXTRAS)).encode())
    return digest.hexdigest()


PROBE = (
    "import odoo, odoo.release as r, importlib.util as u;"
    "print(r.version_info[0], r.__file__,"
    " bool(u.find_spec('odoo.addons.helpdesk_mgmt')), bool(u.find_spec('freezegun')))"
)


def installed_state(python):
    """(major, odoo/release.py path, helpdesk_mgmt there, freezegun there) or None."""
    proc = subprocess.run([str(python), "-c", PROBE], capture_output=True, text=True)
    if proc.returncode:
        return None
    major, path, helpdesk, freezegun = proc.stdout.split()[-4:]
    return int(major), path, helpdesk == "True", freezegun == "True"


def _pip(python, *args, what):
    cmd = [str(python), "-m", "pip", "install", "--disable-pip-version-check", *args]
    proc = subprocess.run(cmd)
    if proc.returncode:
        raise InstallError(
            "pip could not install %s (exit %d; its messages are above). Check that "
            "PyPI is reachable and that the build tools of the failing package are "
            "there (gcc, python3-dev, libpq-dev), then run the command again."
            % (what, proc.returncode)
        )


def install_odoo(source):
    """Provision Odoo 19 + requirements + helpdesk_mgmt; return the Python to use."""
    started = time.monotonic()
    say("== [1/4] Odoo 19 source from %s" % source)
    odoo_root = provide_source(source)
    say("== [2/4] Python environment")
    python = target_python()
    stamp = WORK / STAMP_NAME
    wanted = {
        "python": str(python),
        "odoo": str(odoo_root.resolve()),
        "requirements": _requirements_digest(odoo_root),
    }
    state = installed_state(python)
    expected_release = str((odoo_root / "odoo" / "release.py").resolve())
    fresh = (
        stamp.is_file()
        and json.loads(stamp.read_text()) == wanted
        and state is not None
        and state[0] == 19
        and str(Path(state[1]).resolve()) == expected_release
        and state[2]
        and state[3]
    )
    if fresh:
        say("== [3/4] Odoo 19, the requirements and helpdesk_mgmt are installed already")
    else:
        stamp.unlink(missing_ok=True)
        constraints = WORK / "constraints.txt"
        constraints.parent.mkdir(exist_ok=True)
        constraints.write_text("".join(c + "\n" for c in CONSTRAINTS))
        say("== [3/4] Installing Odoo 19 (editable) and its requirements: 1-3 minutes")
        _pip(
            python,
            "--progress-bar",
            "off",
            "-c",
            str(constraints),
            "-e",
            str(odoo_root),
            *ODOO_TEST_EXTRAS,
            what="Odoo 19 from %s" % odoo_root,
        )
        say("   installing requirements-dev.txt and OCA helpdesk_mgmt 19.0")
        _pip(
            python,
            "--quiet",
            "-c",
            str(constraints),
            "-r",
            str(ROOT / "requirements-dev.txt"),
            what="requirements-dev.txt",
        )
        # The wheel declares `odoo==19.0.*`, which no index serves: Odoo is here.
        _pip(python, "--quiet", "--no-deps", HELPDESK_MGMT, what="helpdesk_mgmt")
        state = installed_state(python)
        if not state or state[0] != 19 or not state[2]:
            raise InstallError(
                "Odoo 19 or helpdesk_mgmt is still not importable with %s after "
                "installing; run `%s -c 'import odoo'` to see why." % (python, python)
            )
        stamp.write_text(json.dumps(wanted, indent=1))
    say("== [4/4] Ready in %.0f s: Odoo 19 from %s" % (time.monotonic() - started, odoo_root))
    return python
