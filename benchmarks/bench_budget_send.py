# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Budget send: time and queries per request approved within budget vs sent to the owner.

Sends ``--count`` approval requests one by one through the wizard, as a
helpdesk engineer, each committed like a web request: first to a client whose
pre-approved budget covers them all (each is approved at once: a public note,
the engineer's to-do, the owner's notice), then the same number to a client
without a budget (each goes to the owner: the approval email with its link).
Same run, same database: the ratio of the times per request says what the
budget check and the immediate decision cost.
"""

import argparse
import sys

import _common
import _odoo

REQUIRES_ODOO = True
RATIO_TARGET = 1.5


def send_all(env, tickets, hours):
    """Send one request per ticket (one committed transaction each); return
    the per-request ``Counted`` list."""
    counted = []
    Wizard = env["fusion.helpdesk.engagement.wizard"]
    for ticket in tickets:
        with _odoo.count_queries(env, commit=True) as one:
            Wizard.with_context(active_model="helpdesk.ticket", active_ids=ticket.ids).create(
                {"findings": "Effort", "summary": "Replace the fuser.", "estimate_hours": hours}
            ).action_send()
        counted.append(one)
    return counted


def bench(db, args):
    from odoo.addons.fusion_helpdesk_central import money  # pylint: disable=import-outside-toplevel

    with _odoo.environment(db) as env:
        engineer = _odoo.make_engineer(env)
        budget_key, owner_key = _odoo.make_client_keys(env, 2)
        (budget_key | owner_key).write({"hourly_rate": 100.0})
        budget_key._api_set_policy(
            money.validate_policy_payload(
                {
                    "budget_monthly": args.count * 100.0 + 100,
                    "currency": budget_key.currency_id.name,
                }
            )
        )
        within = _odoo.make_tickets(env, args.count, budget_key, engineer)
        to_owner = _odoo.make_tickets(env, args.count, owner_key, engineer)
        env.cr.commit()
        user_env = env(user=engineer)
        auto = send_all(user_env, within.with_env(user_env), hours=1.0)
        normal = send_all(user_env, to_owner.with_env(user_env), hours=1.0)
        env.invalidate_all()
        approved = len(within.engagement_id.filtered("auto_approved"))
        pending = len(to_owner.engagement_id.filtered(lambda e: e.state == "pending"))
    rows = []
    figures = {}
    for label, runs, decided in (
        ("within budget (auto-approved)", auto, "%d approved" % approved),
        ("to the owner (email)", normal, "%d pending" % pending),
    ):
        seconds = sum(run.seconds for run in runs) / len(runs)
        queries = sum(run.queries for run in runs) / len(runs)
        figures[label] = (seconds, queries)
        rows.append((label, len(runs), decided, _odoo.ms(seconds), "%.1f" % queries))
    print("engineer: helpdesk user; %s" % _odoo.load_average())
    _common.print_table(("requests", "count", "outcome", "ms per request", "queries/request"), rows)
    (auto_s, auto_q), (normal_s, normal_q) = figures.values()
    ratio = auto_s / normal_s
    print(
        "budget_send: time per request within budget / to the owner = %.2f, queries %.1f vs %.1f "
        "(target <= %.1f: %s)"
        % (ratio, auto_q, normal_q, RATIO_TARGET, _odoo.verdict(ratio <= RATIO_TARGET))
    )
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(prog="bench_budget_send", description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100, help="requests of each kind")
    args = parser.parse_args(argv)
    return _odoo.run("budget", bench, args)


if __name__ == "__main__":
    sys.exit(main())
