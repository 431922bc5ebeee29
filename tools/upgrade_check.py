#!/usr/bin/env python3
# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Upgrade check: a 19.0.2.3.0 database with owner approvals, upgraded to this code.

    python tools/upgrade_check.py          # prints PASS or FAIL, exits 1 on FAIL

Run it with the Python of the Odoo 19 environment (as ``tools/fhdev.py``). It
exports the 19.0.2.3.0 addons from git into a temporary folder, installs them
with demo data in a throw-away database, sends three approvals through that old
code (one left pending, one approved, one rejected), upgrades the database with
the current code (``-u fusion_helpdesk_central``), then checks the approval
rounds it made, that no clear token is left, and that the link mailed before
the upgrade decides once over HTTP; two tickets duplicated under one client
reference keep the oldest's reference and get the unique index (19.0.3.1.0).
The database is dropped at the end.
"""

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


def main():
    ok, why = fhdev.odoo_ready()
    if not ok:
        fhdev.say("FAIL: Odoo 19 is not available (%s)" % why)
        return 1
    started = time.monotonic()
    # One database per run: several checkouts may run the check at once.
    database = "fusion_helpdesk_upgrade_check_%d" % os.getpid()
    tmp = Path(tempfile.mkdtemp(prefix="fusion-helpdesk-upgrade-"))
    old_root, data_dir = tmp / "addons", tmp / "data"
    old_root.mkdir()
    problems = []
    try:
        export_addons(OLD_VERSION_COMMIT, old_root)
        fhdev.drop_database(database)
        base = fhdev.odoo_command(database, "--max-cron-threads=0", data_dir=str(data_dir))
        run_odoo(
            with_addons(base, old_root)
            + ["-i", "fusion_helpdesk_central", "--with-demo", "--stop-after-init"],
            "installing 19.0.2.3.0",
        )
        shell_cmd = [*base[:3], "shell", *base[3:], "--no-http"]
        created = shell(with_addons(shell_cmd, old_root), OLD_SCRIPT.replace("@@MARKER@@", MARKER))
        run_odoo(base + ["-u", "fusion_helpdesk_central", "--stop-after-init"], "upgrading")
        problems += shell(
            shell_cmd,
            NEW_SCRIPT.replace("@@MARKER@@", MARKER).replace("@@DATA@@", repr(json.dumps(created))),
        )
        problems += decide_over_http(database, str(data_dir), created["pending"]["token"])
    except (RuntimeError, subprocess.CalledProcessError) as error:
        problems.append(str(error))
    finally:
        fhdev.drop_database(database)
        shutil.rmtree(tmp, ignore_errors=True)
    elapsed = time.monotonic() - started
    if problems:
        fhdev.say("FAIL: upgrade from 19.0.2.3.0 (%.0f s)" % elapsed)
        for problem in problems:
            fhdev.say("  - %s" % problem)
        return 1
    fhdev.say(
        "PASS: upgrade from 19.0.2.3.0 (%s): pending, approved and rejected approvals became "
        "rounds; the old pending link decided once over HTTP; duplicated client references "
        "resolved under the unique index (%.0f s)" % (OLD_VERSION_COMMIT, elapsed)
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
