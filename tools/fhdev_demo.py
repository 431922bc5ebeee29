# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""``fhdev demo``: a linked central + client pair, a login per role, and a local
mail catcher so the owner's emails can be opened and their links clicked.

The catcher is an SMTP server on 127.0.0.1 (aiosmtpd) that writes every message
as ``.fhdev/demo-mail/<n>.eml`` plus ``<n>.html`` (its HTML part) and keeps an
``index.html`` listing them, served on a second local port. Nothing leaves the
machine: both demo databases get an outgoing mail server pointing at it.
"""

import contextlib
import email
import email.policy
import functools
import html
import http.server
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAIL_DIR = ROOT / ".fhdev" / "demo-mail"
DEMO_CENTRAL_DB = "fusion_central_demo"
DEMO_CLIENT_DB = "fusion_client_demo"
# (database, login, password = login, what the role does); the users come from
# the addons' demo data, the passwords from the link step below.
DEMO_LOGINS = (
    ("client", "employee", "an employee: Helpdesk > Submit a Ticket, My Tickets"),
    ("central", "engineer", "a support engineer: tickets, Request Owner Approval"),
    ("central", "manager", "a helpdesk manager: Helpdesk > Reporting > Owner Engagements"),
    ("central", "admin", "the administrator: Configuration > Clients, Settings"),
    ("client", "admin", "the administrator: Settings > Fusion Helpdesk"),
)

LINK_SCRIPT = r"""
import sys
import odoo
from odoo.tools import config
config.parse_config(sys.argv[1:], setup_logging=True)
from odoo.modules.registry import Registry
from odoo import api, SUPERUSER_ID
central_db, client_db, central_url = %(central_db)r, %(client_db)r, %(central_url)r
smtp_port, logins = %(smtp_port)r, %(logins)r


def demo_users_and_mail(env):
    # Demo data cannot set a usable password: the demo's simple ones are set here.
    for login in logins:
        user = env["res.users"].with_context(active_test=False).search([("login", "=", login)])
        user.write({"password": login, "active": True})
    server = env["ir.mail_server"].search([("name", "=", "Demo mail catcher")])
    values = {
        "name": "Demo mail catcher",
        "smtp_host": "127.0.0.1",
        "smtp_port": smtp_port,
        "smtp_encryption": "none",
        "sequence": 1,
    }
    server.write(values) if server else server.create(values)


with Registry(central_db).cursor() as cr:
    env = api.Environment(cr, SUPERUSER_ID, {})
    demo_users_and_mail(env)
    client_key = env.ref("fusion_helpdesk_central.fusion_helpdesk_client_key_demo_data")
    env["ir.config_parameter"].set_param("web.base.url", central_url)
    env["ir.config_parameter"].set_param("web.base.url.freeze", True)
    key = client_key._generate_key() if hasattr(client_key, "_generate_key") else client_key.key
    owner_email, owner_name = client_key.owner_email, client_key.owner_name
    central_ticket = env.ref("fusion_helpdesk_central.fusion_helpdesk_ticket_1_demo_data")
    central_ticket_id, central_number = central_ticket.id, central_ticket.number
with Registry(client_db).cursor() as cr:
    env = api.Environment(cr, SUPERUSER_ID, {})
    demo_users_and_mail(env)
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


# --------------------------------------------------------------------------- mail catcher
def header(message, name, default=""):
    """A header on one line: a subject folded right after ``Subject:`` starts
    with the fold's white space, which the pages and the log would show."""
    return " ".join(str(message.get(name) or default).split())


def mail_file_stem(number, message):
    """``0003-approval-requested-...``: sortable and readable in a file list."""
    subject = header(message, "Subject", "no subject").lower()
    words = "".join(c if c.isalnum() else "-" for c in subject).strip("-")
    while "--" in words:
        words = words.replace("--", "-")
    return "%04d-%s" % (number, words[:60].rstrip("-") or "message")


def html_body(message):
    """The message's HTML part, else its text part as escaped preformatted text."""
    part = message.get_body(preferencelist=("html", "plain"))
    if part is None:
        return "<p>(no body)</p>"
    content = part.get_content()
    if part.get_content_type() == "text/html":
        return content
    return "<pre>%s</pre>" % html.escape(content)


def write_index(folder):
    """(Re)write ``index.html``: newest message first, one link per message."""
    rows = []
    for eml in sorted(Path(folder).glob("*.eml"), reverse=True):
        message = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
        rows.append(
            "<tr><td>%s</td><td>%s</td><td>%s</td><td><a href='%s'>%s</a></td>"
            "<td><a href='%s'>.eml</a></td></tr>"
            % tuple(
                html.escape(str(v))
                for v in (
                    header(message, "Date"),
                    header(message, "From"),
                    header(message, "To"),
                    eml.with_suffix(".html").name,
                    header(message, "Subject", "(no subject)"),
                    eml.name,
                )
            )
        )
    page = (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>Demo mail</title>"
        "<meta http-equiv='refresh' content='5'></head><body style='font-family:sans-serif'>"
        "<h1>Mail sent by the demo</h1><p>Newest first; this page refreshes itself.</p>"
        "<table cellpadding='6' border='1' style='border-collapse:collapse'>"
        "<tr><th>date</th><th>from</th><th>to</th><th>subject</th><th>raw</th></tr>%s"
        "</table></body></html>" % ("".join(rows) or "<tr><td colspan='5'>no mail yet</td></tr>")
    )
    (Path(folder) / "index.html").write_text(page, encoding="utf-8")


class MailFolderHandler:
    """aiosmtpd handler: every accepted message becomes an .eml and an .html file."""

    def __init__(self, folder):
        self.folder = Path(folder)
        self.lock = threading.Lock()

    def save(self, content):
        """Write one raw message; return the path of its .eml file."""
        message = email.message_from_bytes(content, policy=email.policy.default)
        with self.lock:
            number = len(list(self.folder.glob("*.eml"))) + 1
            stem = self.folder / mail_file_stem(number, message)
            stem.with_suffix(".eml").write_bytes(content)
            # The page declares its charset: a browser never guesses it.
            stem.with_suffix(".html").write_text(
                '<meta charset="utf-8">\n' + html_body(message), encoding="utf-8"
            )
            write_index(self.folder)
        print(
            "   mail: %s -> %s" % (header(message, "Subject"), stem.with_suffix(".html")),
            flush=True,
        )
        return stem.with_suffix(".eml")

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.save(envelope.original_content or envelope.content)
        return "250 Message accepted for delivery"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    # The header says it too (the pages are written in UTF-8).
    extensions_map = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".html": "text/html; charset=utf-8",
        ".eml": "message/rfc822; charset=utf-8",
    }

    def log_message(self, *args):
        pass


def start_mail_catcher(smtp_port, http_port, folder=MAIL_DIR):
    """Start the SMTP catcher and the page listing its mail; return a stop function."""
    from aiosmtpd.controller import Controller  # noqa: PLC0415 (dev requirement)

    folder.mkdir(parents=True, exist_ok=True)
    write_index(folder)
    controller = Controller(MailFolderHandler(folder), hostname="127.0.0.1", port=smtp_port)
    controller.start()
    page = http.server.ThreadingHTTPServer(
        ("127.0.0.1", http_port), functools.partial(_QuietHandler, directory=str(folder))
    )
    threading.Thread(target=page.serve_forever, daemon=True).start()

    def stop():
        page.shutdown()
        controller.stop()

    return stop


# --------------------------------------------------------------------------- demo
def prepare_and_link(args, fh, data_dir, central_url):
    """Install both demo databases (once), link the client to central, set the
    demo passwords and point outgoing mail at the catcher. Return an exit code."""
    data_dir.mkdir(parents=True, exist_ok=True)
    if args.reset:
        fh.drop_database(DEMO_CENTRAL_DB)
        fh.drop_database(DEMO_CLIENT_DB)
    for database, addon in ((DEMO_CENTRAL_DB, fh.ADDONS[0]), (DEMO_CLIENT_DB, fh.ADDONS[1])):
        fh.say(
            "== Preparing %s (%s, with demo data: a minute or two the first time)"
            % (database, addon)
        )
        proc = subprocess.run(
            fh.odoo_command(
                database,
                "-i",
                addon,
                "--with-demo",
                "--stop-after-init",
                "--log-level=warn",
                data_dir=data_dir,
            ),
            env=fh.odoo_env(),
        )
        if proc.returncode:
            fh.say("!! Odoo could not prepare %s (messages above). Try `demo --reset`." % database)
            return proc.returncode
    fh.say("== Linking the client to central, demo passwords, outgoing mail to the catcher")
    link = LINK_SCRIPT % {
        "central_db": DEMO_CENTRAL_DB,
        "client_db": DEMO_CLIENT_DB,
        "central_url": central_url,
        "smtp_port": args.smtp_port,
        "logins": sorted({login for _db, login, _role in DEMO_LOGINS if login != "admin"}),
    }
    link_cmd = fh.odoo_command(DEMO_CENTRAL_DB, "--log-level=warn", data_dir=data_dir)[3:]
    proc = subprocess.run([sys.executable, "-c", link] + link_cmd, env=fh.odoo_env())
    if proc.returncode:
        fh.say("!! Linking failed (messages above). Try `python3 tools/fhdev.py demo --reset`.")
        return proc.returncode
    return 0


def cmd_demo(args, fh):
    """Prepare, link and serve the demo; ``fh`` is the fhdev module (Odoo helpers)."""
    try:
        import aiosmtpd  # noqa: F401, PLC0415
    except ImportError:
        fh.say("Cannot start the demo's mail catcher: aiosmtpd is missing.")
        fh.say("Run `python3 tools/fhdev.py install` (it installs requirements-dev.txt).")
        return 2
    with fh.fhdev_postgres.postgres_for(fh) as problem:
        ok, why = fh.odoo_ready() if not problem else (False, problem)
        if not ok:
            fh.say("Cannot start the demo: " + why)
            return 2
        return serve(args, fh)


@contextlib.contextmanager
def stopped_by_any_signal():
    """Within this block SIGTERM and SIGINT both raise KeyboardInterrupt, so a
    demo stopped by ``kill`` or run in the background (where the shell ignores
    SIGINT) still stops its two Odoo servers instead of leaving them running."""

    def stop(signum, frame):
        raise KeyboardInterrupt

    previous = {number: signal.signal(number, stop) for number in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def serve(args, fh):
    """Prepare, link and serve both demo instances and the mail catcher until
    Ctrl-C (or --seconds)."""
    data_dir = ROOT / ".fhdev" / "demo-data"
    central_url = "http://127.0.0.1:%d" % args.central_port
    client_url = "http://127.0.0.1:%d" % args.client_port
    code = prepare_and_link(args, fh, data_dir, central_url)
    if code:
        return code
    try:
        stop_catcher = start_mail_catcher(args.smtp_port, args.mail_port)
    except OSError as error:
        fh.say(
            "!! The mail catcher cannot listen (%s): pick other ports with "
            "--smtp-port/--mail-port." % error
        )
        return 2
    servers = []
    for database, port in (
        (DEMO_CENTRAL_DB, args.central_port),
        (DEMO_CLIENT_DB, args.client_port),
    ):
        servers.append(
            subprocess.Popen(
                fh.odoo_command(
                    database,
                    "--db-filter=^%s$" % database,
                    "--log-level=warn",
                    data_dir=data_dir,
                    http_port=port,
                ),
                env=fh.odoo_env(),
            )
        )
    urls = {"central": central_url, "client": client_url}
    fh.say()
    fh.say("Fusion Helpdesk demo is starting:")
    fh.say("  central  %s/odoo   (database %s)" % (central_url, DEMO_CENTRAL_DB))
    fh.say("  client   %s/odoo   (database %s)" % (client_url, DEMO_CLIENT_DB))
    fh.say("Log in as (password = login):")
    for side, login, role in DEMO_LOGINS:
        fh.say("  %-8s %-9s %s/web/login  %s" % (side, login, urls[side], role))
    fh.say("Mail sent by either side (the owner's approval emails too) lands in")
    fh.say("  http://127.0.0.1:%d/   (files: %s)" % (args.mail_port, MAIL_DIR.relative_to(ROOT)))
    fh.say("The owner needs no login: open the approval email there and click Approve.")
    fh.say("Press Ctrl-C to stop.")
    # --seconds counts from here: the first run's setup and database preparation
    # take minutes, and the servers must then really serve for N seconds.
    serving_since = time.monotonic()
    try:
        with stopped_by_any_signal():
            while all(server.poll() is None for server in servers):
                if args.seconds and time.monotonic() - serving_since > args.seconds:
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
        stop_catcher()
    return 0
