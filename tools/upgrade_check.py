#!/usr/bin/env python3
# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Upgrade check: 19.0.2.3.0 and 19.0.3 databases with owner approvals, upgraded to this code.

    python tools/upgrade_check.py                    # both; prints PASS or FAIL, exits 1 on FAIL
    python tools/upgrade_check.py --from 19.0.3      # only the upgrade from 19.0.3.1.0

Run it with the Python of the Odoo 19 environment (as ``tools/fhdev.py``). It
exports the 19.0.2.3.0 addons from git into a temporary folder, installs them
with demo data in a throw-away database, sends three approvals through that old
code (one left pending, one approved, one rejected), upgrades the database with
the current code (``-u fusion_helpdesk_central``), then checks the approval
rounds it made, that no clear token is left, and that the link mailed before
the upgrade decides once over HTTP; two tickets duplicated under one client
reference keep the oldest's reference and get the unique index (19.0.3.1.0).

The same again from the last 19.0.3 commit (``V3_COMMIT``, 19.0.3.1.0): that
code sends four approvals (pending, approved, rejected, changes requested)
and one more pending for long enough to be reminded, and records what each
ticket showed; after the upgrade the tickets show the same from their rounds
(state, owner, engineer, decision), the ticket's stored copies of its round
are gone, the reminder cron runs on the rounds and reminds the due one, and
the pending link mailed before the upgrade decides once over HTTP.
Each database is dropped at the end.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import fhdev  # noqa: E402  (a sibling script, not a package)

# Last commit of main with fusion_helpdesk_central 19.0.2.3.0 (before approval
# rounds): the code that wrote the databases this release must upgrade.
OLD_VERSION_COMMIT = "d8c1f01"
# Last commit of main with fusion_helpdesk_central 19.0.3.1.0 (the parent of
# the bump to 19.0.4.0.0): tickets stored a copy of their latest round.
V3_COMMIT = "4e88c72"
MARKER = "UPGRADE-CHECK-JSON:"
CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')

# Run by ``odoo shell`` on the old code: three approvals through its own API.
OLD_SCRIPT = """
import json
key = env["fusion.helpdesk.client.key"].create(
    {"name": "Upgrade Co", "owner_email": "owner@upgrade.example.com", "owner_name": "Uma Owner"}
)
engineer = env.ref("base.user_admin")
result = {}
for state in ("pending", "approved", "rejected"):
    ticket = env["helpdesk.ticket"].with_user(engineer).create(
        {"name": "Upgrade %s" % state, "description": "<p>x</p>", "client_key_id": key.id}
    )
    ticket._engagement_start("Findings %s" % state, "Summary %s" % state)
    ticket._engagement_send_mails()
    token = ticket.sudo().engagement_token
    if state != "pending":
        decision = "approve" if state == "approved" else "reject"
        env["helpdesk.ticket"]._engagement_decide(
            token, decision, comment="Comment %s" % state, ip="198.51.100.7", user_agent="UA"
        )
    result[state] = {"id": ticket.id, "token": token}
# Identical intake requests at the same time duplicated tickets before 19.0.3.1.0.
twins = env["helpdesk.ticket"].create(
    [
        {"name": "Twin", "description": "<p>x</p>", "client_key_id": key.id, "client_ref": "twin"}
        for _copy in range(2)
    ]
)
result["twins"] = twins.ids
env.cr.commit()
print("@@MARKER@@" + json.dumps(result))
"""

# Run by ``odoo shell`` on the new code: what the migration made of them.
NEW_SCRIPT = """
import hashlib, json
data = json.loads(@@DATA@@)
admin = env.ref("base.user_admin")
problems = []
def check(condition, what):
    if not condition:
        problems.append(what)
first_twin, second_twin = env["helpdesk.ticket"].browse(data.pop("twins"))
check(first_twin.client_ref == "twin", "the oldest duplicate keeps its client_ref")
check(
    second_twin.client_ref == "twin~dup%d" % second_twin.id,
    "the newer duplicate's client_ref is suffixed, got %s" % second_twin.client_ref,
)
env.cr.execute("SELECT 1 FROM pg_indexes WHERE indexname = 'helpdesk_ticket_client_ref_unique'")
check(env.cr.fetchone(), "the client_ref unique index exists")
for state, item in data.items():
    ticket = env["helpdesk.ticket"].browse(item["id"])
    rounds = ticket.engagement_ids
    check(len(rounds) == 1, "%s: one round, got %d" % (state, len(rounds)))
    engagement = rounds[:1]
    check(engagement.state == state, "%s: round state %s" % (state, engagement.state))
    check(ticket.engagement_state == state, "%s: ticket %s" % (state, ticket.engagement_state))
    check(engagement.summary == "Summary %s" % state, "%s: summary" % state)
    check(engagement.findings == "Findings %s" % state, "%s: findings" % state)
    check(engagement.owner_email == "owner@upgrade.example.com", "%s: owner" % state)
    check(engagement.sent_at, "%s: sent_at" % state)
    check(engagement.requested_by_id == admin, "%s: requested by" % state)
    digest = hashlib.sha256(item["token"].encode()).hexdigest()
    if state == "pending":
        check(engagement.token_hash == digest, "pending: token digest on the round")
        check(ticket.engagement_token == digest, "pending: ticket shows the digest")
    else:
        live = engagement.token_hash or ticket.engagement_token
        check(not live, "%s: no live link" % state)
        check(engagement.decided_at, "%s: decided_at" % state)
        check(engagement.decision_comment == "Comment %s" % state, "%s: comment" % state)
        check(engagement.decision_ip == "198.51.100.7", "%s: ip" % state)
        check(engagement.decision_user_agent == "UA", "%s: user agent" % state)
        check(engagement.decision_message_id, "%s: decision message" % state)
    # 19.0.4.0.0 drops the ticket's copy of its round's digest altogether.
    env.cr.execute(
        "SELECT 1 FROM information_schema.columns "
        "WHERE table_name = 'helpdesk_ticket' AND column_name = 'engagement_token'"
    )
    if env.cr.fetchone():
        env.cr.execute(
            "SELECT count(*) FROM helpdesk_ticket WHERE engagement_token = %s", [item["token"]]
        )
        check(env.cr.fetchone()[0] == 0, "%s: token in clear on a ticket" % state)
env.cr.execute(
    "SELECT count(*) FROM mail_message WHERE body::text LIKE '%/fusion_helpdesk/engagement/%'"
)
check(env.cr.fetchone()[0] == 0, "a mail.message still carries a decision link")
# 19.0.4.0.0: the new dependency, the policy, the estimate and the revision subject.
automation = env["ir.module.module"].search([("name", "=", "base_automation")])
check(automation.state == "installed", "base_automation installed by the upgrade")
key = env["fusion.helpdesk.client.key"].search([("name", "=", "Upgrade Co")])
check(key and not key.budget_monthly and not key.deputy_email, "the client key has no policy")
pending = env["helpdesk.ticket"].browse(data["pending"]["id"]).engagement_id
check(pending.estimate_hours == 0 and not pending.auto_approved, "old rounds have no estimate")
single = env.ref("fusion_helpdesk_central.mail_template_engagement_single")
check("Revised proposal" in (single.subject or ""), "the single subject marks revisions")
print("@@MARKER@@" + json.dumps(problems))
"""


# Run by ``odoo shell`` on the 19.0.3 code: approvals through its own API,
# and what each ticket showed of its latest round.
# What a ticket shows of its round, read the same way by the old release's
# code (stored copies) and by this one (related fields): both scripts use it.
V3_TICKET_SHOWN = """{
    "engagement_state": ticket.engagement_state,
    "engagement_owner_email": ticket.engagement_owner_email,
    "engagement_owner_name": ticket.engagement_owner_name,
    "engagement_requested_by_id": ticket.engagement_requested_by_id.id,
    "engagement_summary": ticket.engagement_summary,
    "engagement_findings": ticket.engagement_findings,
    "engagement_sent_at": str(ticket.engagement_sent_at),
    "engagement_decided_at": str(ticket.engagement_decided_at),
    "engagement_decision_comment": ticket.engagement_decision_comment or False,
    "engagement_decision_ip": ticket.engagement_decision_ip or False,
    "engagement_decision_message_id": ticket.engagement_decision_message_id.id,
    "engagement_token": ticket.engagement_token or False,
    "engagement_turnaround_hours": round(ticket.engagement_turnaround_hours, 4),
}"""

V3_OLD_SCRIPT = """
import json
key = env["fusion.helpdesk.client.key"].create(
    {"name": "Upgrade Co", "owner_email": "owner@upgrade.example.com", "owner_name": "Uma Owner"}
)
engineer = env.ref("base.user_admin")
decisions = {"approved": "approve", "rejected": "reject", "changes_requested": "changes"}
result = {}
for state in ("pending", "approved", "rejected", "changes_requested", "due"):
    ticket = env["helpdesk.ticket"].with_user(engineer).create(
        {"name": "Upgrade %s" % state, "description": "<p>x</p>", "client_key_id": key.id}
    )
    token = ticket._engagement_start("Findings %s" % state, "Summary %s" % state)
    ticket._engagement_send_mails({ticket.id: token})
    if state in decisions:
        env["helpdesk.ticket"]._engagement_decide(
            token, decisions[state], comment="Comment %s" % state,
            ip="198.51.100.7", user_agent="UA",
        )
    if state == "due":
        # Sent five days ago: due for its reminder (3 days) before its expiry (14).
        env.flush_all()
        env.cr.execute(
            "UPDATE fusion_helpdesk_engagement SET sent_at = sent_at - interval '5 days' "
            "WHERE ticket_id = %s", [ticket.id]
        )
        env.cr.execute(
            "UPDATE helpdesk_ticket "
            "SET engagement_sent_at = engagement_sent_at - interval '5 days' "
            "WHERE id = %s", [ticket.id]
        )
        env.invalidate_all()
    ticket = ticket.sudo()
    shown = @@SHOWN@@
    result[state] = {"id": ticket.id, "token": token, "shown": shown}
env.cr.commit()
print("@@MARKER@@" + json.dumps(result))
"""

# Run by ``odoo shell`` on the new code: the tickets read their rounds.
V3_NEW_SCRIPT = """
import json
data = json.loads(@@DATA@@)
problems = []
def check(condition, what):
    if not condition:
        problems.append(what)
dropped = (
    "engagement_owner_email", "engagement_owner_name", "engagement_token", "engagement_sent_at",
    "engagement_reminded_at", "engagement_decided_at", "engagement_findings",
    "engagement_summary", "engagement_decision_comment", "engagement_decision_ip",
    "engagement_decision_user_agent", "engagement_decision_message_id",
    "engagement_requested_by_id", "engagement_turnaround_hours",
)
env.cr.execute(
    "SELECT column_name FROM information_schema.columns "
    "WHERE table_name = 'helpdesk_ticket' AND column_name = ANY(%s)", [list(dropped)]
)
left = [row[0] for row in env.cr.fetchall()]
check(not left, "the ticket's copies of its round are gone, left: %s" % left)
env.cr.execute(
    "SELECT 1 FROM pg_indexes WHERE indexname = 'helpdesk_ticket_engagement_reminder_due_index'"
)
check(not env.cr.fetchone(), "the ticket's reminder index is gone")
for state, item in data.items():
    ticket = env["helpdesk.ticket"].sudo().browse(item["id"])
    shown = @@SHOWN@@
    for fname, before in item["shown"].items():
        now = shown[fname]
        check(now == before, "%s: %s was %r, now %r" % (state, fname, before, now))
    check(len(ticket.engagement_ids) == 1, "%s: one round" % state)
cron = env.ref("fusion_helpdesk_central.ir_cron_engagement_reminder")
check(cron.model_id.model == "fusion.helpdesk.engagement", "the reminder cron runs on the rounds")
check(cron.code.strip() == "model._cron_remind()", "the reminder cron calls _cron_remind")
ran = cron.method_direct_trigger()
check(ran is True, "the reminder cron ran: %r" % (ran,))
# The job ran and committed in a transaction of its own: see what it did.
env.cr.commit()
env.invalidate_all()
due = env["helpdesk.ticket"].browse(data["due"]["id"])
check(due.engagement_reminded_at, "the due request was reminded by the moved cron")
pending = env["helpdesk.ticket"].browse(data["pending"]["id"])
check(not pending.engagement_reminded_at, "the young pending request was not reminded")
env.cr.commit()
print("@@MARKER@@" + json.dumps(problems))
"""


def shell(cmd, script):
    """Run ``odoo shell`` with ``script``; return the JSON printed after MARKER."""
    proc = subprocess.run(
        cmd, input=script, env=fhdev.odoo_env(), capture_output=True, text=True, check=False
    )
    for line in proc.stdout.splitlines():
        if line.startswith(MARKER):
            return json.loads(line[len(MARKER) :])
    raise RuntimeError("odoo shell failed (exit %d):\n%s" % (proc.returncode, proc.stderr[-4000:]))


def with_addons(cmd, addons_root):
    """``cmd`` (from fhdev.odoo_command) serving the addons of ``addons_root`` instead."""
    return [
        arg.replace(str(fhdev.ROOT), str(addons_root), 1)
        if arg.startswith("--addons-path=")
        else arg
        for arg in cmd
    ]


def export_addons(ref, dest):
    """Write both addons as they are at git ``ref`` into the folder ``dest``
    (raises CalledProcessError when ``ref`` or git is not there)."""
    archive = subprocess.run(
        ["git", "-C", str(fhdev.ROOT), "archive", ref, *fhdev.ADDONS],
        capture_output=True,
        check=True,
    )
    subprocess.run(["tar", "-x", "-C", str(dest)], input=archive.stdout, check=True)


def run_odoo(cmd, what):
    fhdev.say("$ " + " ".join(cmd))
    proc = subprocess.run(cmd, env=fhdev.odoo_env(), capture_output=True, text=True, check=False)
    if proc.returncode:
        raise RuntimeError(
            "%s failed (exit %d):\n%s" % (what, proc.returncode, proc.stderr[-4000:])
        )


def decide_over_http(database, data_dir, token):
    """The pre-upgrade link: confirm page, POST once (200), POST again (410:
    the link is closed and says the request was approved)."""
    import requests  # pylint: disable=import-outside-toplevel

    port = fhdev.free_port()
    cmd = fhdev.odoo_command(
        database, "--workers=0", "--max-cron-threads=0", data_dir=data_dir, http_port=port
    )
    base = "http://127.0.0.1:%d" % port
    url = "%s/fusion_helpdesk/engagement/%s/approve" % (base, token)
    server = subprocess.Popen(
        cmd, env=fhdev.odoo_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                if requests.get(base + "/web/health", timeout=5).ok:
                    break
            except (requests.ConnectionError, requests.Timeout):
                pass  # not listening yet, or still loading its registry (busy machine)
            if server.poll() is not None or time.monotonic() > deadline:
                return ["the upgraded server did not start"]
            time.sleep(0.3)
        with requests.Session() as session:
            page = session.get(url, timeout=30)
            if page.status_code != 200:
                return ["old link: confirm page answered %d" % page.status_code]
            form = {"csrf_token": CSRF_INPUT.search(page.text).group(1), "comment": "After upgrade"}
            done = session.post(url, data=form, timeout=30)
            again = session.post(url, data=form, timeout=30)
        problems = []
        if done.status_code != 200 or "your decision is recorded" not in done.text:
            problems.append("old link: decision answered %d" % done.status_code)
        if again.status_code != 410 or "It was approved on" not in again.text:
            problems.append("old link: second decision answered %d" % again.status_code)
        return problems
    finally:
        server.terminate()
        server.wait(30)


# (label, commit, script on the old code, script on this code): see the docstring.
UPGRADES = {
    "19.0.2.3.0": (OLD_VERSION_COMMIT, OLD_SCRIPT, NEW_SCRIPT),
    "19.0.3": (
        V3_COMMIT,
        V3_OLD_SCRIPT.replace("@@SHOWN@@", V3_TICKET_SHOWN),
        V3_NEW_SCRIPT.replace("@@SHOWN@@", V3_TICKET_SHOWN),
    ),
}


def check_upgrade(label):
    """Install the addons of ``label``'s commit, make approvals with that
    code, upgrade to this checkout and check them; return the problems."""
    commit, old_script, new_script = UPGRADES[label]
    # One database per run: several checkouts may run the check at once.
    database = "fusion_helpdesk_upgrade_check_%d_%s" % (os.getpid(), label.replace(".", "_"))
    tmp = Path(tempfile.mkdtemp(prefix="fusion-helpdesk-upgrade-"))
    old_root, data_dir = tmp / "addons", tmp / "data"
    old_root.mkdir()
    problems = []
    try:
        export_addons(commit, old_root)
        fhdev.drop_database(database)
        base = fhdev.odoo_command(database, "--max-cron-threads=0", data_dir=str(data_dir))
        run_odoo(
            with_addons(base, old_root)
            + ["-i", "fusion_helpdesk_central", "--with-demo", "--stop-after-init"],
            "installing %s (%s)" % (label, commit),
        )
        shell_cmd = [*base[:3], "shell", *base[3:], "--no-http"]
        created = shell(with_addons(shell_cmd, old_root), old_script.replace("@@MARKER@@", MARKER))
        run_odoo(base + ["-u", "fusion_helpdesk_central", "--stop-after-init"], "upgrading")
        problems += shell(
            shell_cmd,
            new_script.replace("@@MARKER@@", MARKER).replace("@@DATA@@", repr(json.dumps(created))),
        )
        problems += decide_over_http(database, str(data_dir), created["pending"]["token"])
    except (RuntimeError, subprocess.CalledProcessError) as error:
        problems.append(str(error))
    finally:
        fhdev.drop_database(database)
        shutil.rmtree(tmp, ignore_errors=True)
    return problems


PASSED = {
    "19.0.2.3.0": "pending, approved and rejected approvals became rounds; the old pending "
    "link decided once over HTTP; duplicated client references resolved under the unique index",
    "19.0.3": "tickets show their round's state, owner, engineer and decision from the round; "
    "the ticket's copies of its round are gone; the reminder cron runs on the rounds; the "
    "pending link decided once over HTTP",
}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--from",
        dest="sources",
        choices=sorted(UPGRADES),
        action="append",
        help="upgrade from this release only (repeatable; default: all)",
    )
    args = parser.parse_args(argv)
    ok, why = fhdev.odoo_ready()
    if not ok:
        fhdev.say("FAIL: Odoo 19 is not available (%s)" % why)
        return 1
    failed = False
    for label in args.sources or UPGRADES:
        started = time.monotonic()
        problems = check_upgrade(label)
        elapsed = time.monotonic() - started
        commit = UPGRADES[label][0]
        if problems:
            failed = True
            fhdev.say("FAIL: upgrade from %s (%s, %.0f s)" % (label, commit, elapsed))
            for problem in problems:
                fhdev.say("  - %s" % problem)
        else:
            fhdev.say(
                "PASS: upgrade from %s (%s): %s (%.0f s)" % (label, commit, PASSED[label], elapsed)
            )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
