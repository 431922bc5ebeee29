# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A private PostgreSQL cluster for this checkout, when no server is reachable.

``fhdev test`` and ``fhdev demo`` call :func:`private_cluster` when PostgreSQL does
not answer: if PostgreSQL's programs (``initdb``, ``pg_ctl``) are installed, a
cluster is created once under ``.fhdev/postgres/`` (trust authentication, listening
on 127.0.0.1 only, on a free port), started for the command and stopped after it;
``PGHOST``/``PGPORT``/``PGUSER`` point the command's children at it. PostgreSQL
refuses to run as root, so under root the cluster belongs to the ``nobody`` user.
"""

import contextlib
import glob
import os
import pwd
import re
import shutil
import socket
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLUSTER_DIR = ROOT / ".fhdev" / "postgres"
# The cluster's superuser. Odoo refuses to connect as "postgres".
ROLE = "fhdev"
# The account that runs initdb/pg_ctl when fhdev runs as root.
ROOT_RUNS_AS = "nobody"
INSTALL_HINT = (
    "Install PostgreSQL (Debian/Ubuntu: `sudo apt-get install postgresql`; "
    "macOS: `brew install postgresql`) and run the command again: fhdev starts a "
    "private server for this checkout when none is running. Or point PGHOST/PGPORT/"
    "PGUSER (or ODOO_RC) at a server you have."
)


class ClusterError(Exception):
    """The private cluster could not be started; the message says what to do."""


def say(message=""):
    print(message, flush=True)


def _version_key(path):
    return [int(n) for n in re.findall(r"\d+", str(path))]


def find_programs(patterns=("/usr/lib/postgresql/*/bin", "/usr/local/opt/postgresql*/bin")):
    """The folder holding ``initdb`` and ``pg_ctl`` (newest PostgreSQL first), else
    the one on PATH, else None."""
    for pattern in patterns:
        for folder in sorted(glob.glob(pattern), key=_version_key, reverse=True):
            if all(Path(folder, name).is_file() for name in ("initdb", "pg_ctl")):
                return Path(folder)
    initdb, pg_ctl = shutil.which("initdb"), shutil.which("pg_ctl")
    if initdb and pg_ctl and Path(initdb).parent == Path(pg_ctl).parent:
        return Path(initdb).parent
    return None


def plan(server_reachable, connection_from_rc, programs):
    """What to do about PostgreSQL: 'server' (use the reachable one), 'private'
    (start a private cluster with ``programs``) or 'missing' (say how to install).

    A server named by ODOO_RC's db_* options is the user's choice: it is never
    replaced by a private cluster, even when it does not answer.
    """
    if server_reachable:
        return "server"
    if connection_from_rc:
        return "unreachable"
    return "private" if programs else "missing"


def _as_cluster_owner(cmd):
    """``cmd`` run as the cluster's owner: ``nobody`` under root, else ourselves."""
    if os.geteuid() != 0:
        return list(cmd)
    return ["runuser", "-u", ROOT_RUNS_AS, "--", *cmd]


def _run(cmd, what):
    proc = subprocess.run(_as_cluster_owner(cmd), capture_output=True, text=True)
    if proc.returncode:
        raise ClusterError(
            "%s failed (exit %d): %s"
            % (what, proc.returncode, (proc.stderr or proc.stdout).strip()[-800:])
        )
    return proc


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _give_to_owner(path):
    """Under root, hand ``path`` to ROOT_RUNS_AS and check that it can reach it
    (every parent folder must be open to other users)."""
    if os.geteuid() != 0:
        return
    owner = pwd.getpwnam(ROOT_RUNS_AS)
    for folder in [path, *path.rglob("*")]:
        os.chown(folder, owner.pw_uid, owner.pw_gid)
    if subprocess.run(_as_cluster_owner(["test", "-w", str(path)])).returncode:
        raise ClusterError(
            "PostgreSQL refuses to run as root, and the user %r cannot reach %s (a "
            "parent folder is closed to other users). Run fhdev as a regular user, or "
            "start PostgreSQL yourself (`service postgresql start`)." % (ROOT_RUNS_AS, path)
        )


def running_port(data):
    """The port of the server running on ``data`` (from postmaster.pid), or None."""
    pid_file = Path(data) / "postmaster.pid"
    try:
        lines = pid_file.read_text().splitlines()
        pid, port = int(lines[0]), int(lines[3])
        os.kill(pid, 0)
    except (OSError, ValueError, IndexError):
        return None
    return port


def _initialise(programs, data):
    say("== PostgreSQL: creating a private cluster in %s (once)" % data)
    data.mkdir(parents=True)
    data.chmod(0o700)
    _give_to_owner(data.parent)
    _run(
        [
            str(programs / "initdb"),
            "--pgdata=%s" % data,
            "--username=%s" % ROLE,
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C",
            "--no-sync",
        ],
        "initdb",
    )


@contextlib.contextmanager
def private_cluster(programs, cluster_dir=None):
    """Start this checkout's cluster (created on first use), point PGHOST/PGPORT/
    PGUSER at it for this process and its children, and stop it on exit. A cluster
    already running (another fhdev command of this checkout) is used, not stopped."""
    cluster_dir = Path(cluster_dir or CLUSTER_DIR)
    data = cluster_dir / "data"
    if not (data / "PG_VERSION").is_file():
        shutil.rmtree(data, ignore_errors=True)
        cluster_dir.mkdir(parents=True, exist_ok=True)
        _initialise(programs, data)
    port = running_port(data)
    started = port is None
    if started:
        port = _free_port()
        sockets = cluster_dir / "run"
        sockets.mkdir(exist_ok=True)
        _give_to_owner(cluster_dir)
        say("== PostgreSQL: starting the private cluster on 127.0.0.1:%d" % port)
        # Clients use TCP; a Unix socket path longer than 107 bytes stops the
        # server, so a deep checkout goes without one.
        socket_dir = str(sockets) if len(str(sockets)) < 80 else "''"
        options = "-p %d -c listen_addresses=127.0.0.1 -c unix_socket_directories=%s" % (
            port,
            socket_dir,
        )
        _run(
            [
                str(programs / "pg_ctl"),
                "--pgdata=%s" % data,
                "--log=%s" % (cluster_dir / "server.log"),
                "--options=%s" % options,
                "--wait",
                "start",
            ],
            "pg_ctl start (log: %s)" % (cluster_dir / "server.log"),
        )
    else:
        say("== PostgreSQL: using the private cluster already running on port %d" % port)
    saved = {name: os.environ.get(name) for name in ("PGHOST", "PGPORT", "PGUSER", "PGPASSWORD")}
    os.environ.update(PGHOST="127.0.0.1", PGPORT=str(port), PGUSER=ROLE)
    os.environ.pop("PGPASSWORD", None)
    try:
        yield port
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        if started:
            say("== PostgreSQL: stopping the private cluster")
            subprocess.run(
                _as_cluster_owner(
                    [str(programs / "pg_ctl"), "--pgdata=%s" % data, "-m", "fast", "-w", "stop"]
                ),
                capture_output=True,
            )


@contextlib.contextmanager
def postgres_for(fh):
    """PostgreSQL for a command: the reachable server, else a private cluster.
    Yields '' when PostgreSQL is there, else the reason it is not (the caller says
    it and fails)."""
    ok, why = fh.postgres_status()
    connection_from_rc = any(fh.odoo_rc_options().get(key) for key in ("db_host", "db_port"))
    programs = None if ok else find_programs()
    decision = plan(ok, connection_from_rc, programs)
    if decision == "server":
        yield ""
    elif decision == "unreachable":
        yield why + " (ODOO_RC names this server: start it, or fix db_host/db_port)"
    elif decision == "missing":
        yield why + "\n" + INSTALL_HINT
    else:
        try:
            with private_cluster(programs) as _port:
                yield ""
        except ClusterError as error:
            yield "%s\nCould not start a private PostgreSQL: %s" % (why, error)
