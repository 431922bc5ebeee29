# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Hand-over cron at scale: queries and time of _cron_hand_over() per handed request.

``--pending`` approval requests are pending, ``--per-owner`` per client
owner. The hourly cron runs twice: first with ``--small`` of those requests'
owners away (their deputy set, away today), then with ``--large`` other
owners away; every other request stays pending with its owner (and the
first run's requests with their deputies). Each run hands every request of
the away owners to the deputy the real way (the owner's delegation path:
``delegated``, a new pending round with a fresh link, the deputy's email,
the engineer's to-do, the public note), as the cron user, committing per
batch. Mails go to the ``mail.mail`` queue and are never sent. The scaling
check: queries per handed request at the large size / at the small size
must stay ~1.0 (flat), and the requests of owners who are not away cost
nothing. A warm-up run first (templates compiled, caches filled); each
measured run starts on a cold record cache.
"""

import argparse
import sys
from datetime import timedelta

import _common
import _odoo

REQUIRES_ODOO = True
RATIO_TARGET = 1.10
ESCALATION_PARAM = "fusion_helpdesk_central.engagement_escalation_days"


def set_away(env, keys):
    """Owners of ``keys`` away from yesterday to next week, each with a deputy."""
    from odoo import fields  # pylint: disable=import-outside-toplevel

    today = fields.Date.today()
    for index, key in enumerate(keys):
        key.write(
            {
                "deputy_email": "deputy%d@client.example.com" % key.id,
                "deputy_name": "Deputy %d" % index,
                "away_from": today - timedelta(days=1),
                "away_until": today + timedelta(days=7),
            }
        )


def back(env, keys):
    keys.write({"away_from": False, "away_until": False})


def hand_over(env, away_keys):
    """Run the cron with ``away_keys``' owners away; return (Counted, handed)."""
    Engagement = env["fusion.helpdesk.engagement"]
    before = Engagement.search_count([("handover_reason", "=", "away")])
    set_away(env, away_keys)
    env.cr.commit()
    env.invalidate_all()
    with _odoo.count_queries(env, commit=True) as counted:
        Engagement._cron_hand_over()
    env.invalidate_all()
    handed = Engagement.search_count([("handover_reason", "=", "away")]) - before
    back(env, away_keys)
    env.cr.commit()
    return counted, handed


def bench(db, args):
    with _odoo.environment(db) as env:
        env["ir.config_parameter"].set_param(ESCALATION_PARAM, 0)
        engineer = _odoo.make_engineer(env)
        owners = args.pending // args.per_owner
        warm_owners = 2
        keys = _odoo.make_client_keys(env, owners + warm_owners)
        _odoo.make_pending(
            env,
            args.pending + warm_owners * args.per_owner,
            keys,
            engineer,
            lambda index: _odoo.days_ago(1) - timedelta(minutes=index),
        )
        env.cr.execute("ANALYZE fusion_helpdesk_engagement")
        env.cr.commit()
        hand_over(env, keys[-warm_owners:])  # warm-up
        small_owners = args.small // args.per_owner
        large_owners = args.large // args.per_owner
        small_keys = keys[:small_owners]
        large_keys = keys[small_owners : small_owners + large_owners]
        runs, rows = {}, []
        for label, away in (("small", small_keys), ("large", large_keys)):
            counted, handed = hand_over(env, away)
            runs[label] = (counted, handed)
            pending = env["fusion.helpdesk.engagement"].search_count([("state", "=", "pending")])
            mails = env["mail.mail"].search_count([])
            rows.append(
                (
                    len(away),
                    handed,
                    pending,
                    counted.queries,
                    "%.2f" % (counted.queries / max(handed, 1)),
                    "%.2f" % counted.seconds,
                    "%.1f" % (counted.seconds * 1000 / max(handed, 1)),
                    mails,
                )
            )
    print(
        "%d pending requests of %d owners (%d each); %s"
        % (args.pending, owners, args.per_owner, _odoo.load_average())
    )
    _common.print_table(
        (
            "away owners",
            "handed",
            "pending after",
            "queries",
            "queries/handed",
            "wall s",
            "ms/handed",
            "mails queued (total)",
        ),
        rows,
    )
    (small, small_handed), (large, large_handed) = runs["small"], runs["large"]
    ratio = (large.queries / max(large_handed, 1)) / (small.queries / max(small_handed, 1))
    print(
        "queries per handed request: %.2f (%d handed) vs %.2f (%d handed)"
        % (
            large.queries / max(large_handed, 1),
            large_handed,
            small.queries / max(small_handed, 1),
            small_handed,
        )
    )
    print(
        "handover: queries/handed ratio %.3f for %dx more handed among %d pending "
        "(target <= %.2f: %s)"
        % (
            ratio,
            max(large_handed, 1) // max(small_handed, 1),
            args.pending,
            RATIO_TARGET,
            _odoo.verdict(ratio <= RATIO_TARGET and large_handed == args.large),
        )
    )
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(prog="bench_handover", description=__doc__.splitlines()[0])
    parser.add_argument("--pending", type=int, default=10000, help="pending requests in all")
    parser.add_argument("--per-owner", type=int, default=10, help="pending requests per owner")
    parser.add_argument("--small", type=int, default=100, help="requests handed, first run")
    parser.add_argument("--large", type=int, default=1000, help="requests handed, second run")
    args = parser.parse_args(argv)
    return _odoo.run("handover", bench, args)


if __name__ == "__main__":
    sys.exit(main())
