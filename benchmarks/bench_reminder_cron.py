# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Reminder cron at scale: queries, time and memory of _cron_engagement_reminder().

``--due`` pending engagements are older than the reminder delay (3 days),
sent in groups of ``--per-owner`` tickets to one owner each (so a reminder
mail carries that many cards); among them sit ``--not-due`` pending
engagements that are still young. The cron runs once per not-due size, on
the same due engagements (their reminder flag reset in between), as the cron
user does, committing per batch. Mails go to the ``mail.mail`` queue and are
never sent (no cron thread, SMTP on a closed local port). The key scaling
check: queries(largest not-due) / queries(smallest) must stay ~1.0, pending
engagements that are not due cost nothing. Young engagements are copied in
SQL from one real one (fast), the due ones are created through the ORM.
"""

import argparse
import gc
import resource
import sys
from datetime import timedelta

import _common
import _odoo

REQUIRES_ODOO = True
RATIO_TARGET = 1.05
DELAY_PARAM = "fusion_helpdesk_central.engagement_reminder_days"
DELAY_DAYS = 3


def clone_young(env, template, count):
    """Insert ``count`` copies of the pending ``template`` ticket sent 0 to 2.5
    days ago (not due), each with its own token; one SQL statement."""
    from odoo.tools import SQL  # pylint: disable=import-outside-toplevel

    env.cr.execute(
        """SELECT column_name FROM information_schema.columns
            WHERE table_name = 'helpdesk_ticket'
              AND column_name NOT IN ('id', 'number', 'engagement_token', 'engagement_sent_at')"""
    )
    columns = SQL(", ").join(SQL.identifier(row[0]) for row in env.cr.fetchall())
    env.cr.execute(
        SQL(
            """INSERT INTO helpdesk_ticket
                      (%(columns)s, number, engagement_token, engagement_sent_at)
               SELECT %(columns)s, 'YOUNG-' || n, gen_random_uuid()::text,
                      (NOW() AT TIME ZONE 'UTC') - (n %% 60) * INTERVAL '1 hour'
                 FROM helpdesk_ticket, generate_series(1, %(count)s) AS n
                WHERE id = %(template)s""",
            columns=columns,
            count=count,
            template=template.id,
        )
    )


class PeakMemory:
    """Peak resident memory growth of this process during a block, in MB
    (Linux: the high-water mark is reset at the start; elsewhere ru_maxrss)."""

    def __enter__(self):
        gc.collect()
        self.reset = _write("/proc/self/clear_refs", "5")
        self.start = _rss_kb("VmRSS") if self.reset else _maxrss_kb()
        return self

    def __exit__(self, *exc_info):
        peak = _rss_kb("VmHWM") if self.reset else _maxrss_kb()
        self.mb = max(peak - self.start, 0) / 1024


def _write(path, text):
    try:
        with open(path, "w") as handle:
            handle.write(text)
    except OSError:
        return False
    return True


def _rss_kb(key):
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith(key + ":"))


def _maxrss_kb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def remind(env, due):
    """Run the cron on a cold record cache; return (Counted, PeakMemory, reminded)."""
    env.invalidate_all()
    with PeakMemory() as memory, _odoo.count_queries(env, commit=True) as counted:
        env["helpdesk.ticket"]._cron_engagement_reminder()
    env.invalidate_all()
    reminded = env["helpdesk.ticket"].search_count(
        [("id", "in", due.ids), ("engagement_reminded_at", "!=", False)]
    )
    return counted, memory, reminded


def bench(db, args):
    with _odoo.environment(db) as env:
        env["ir.config_parameter"].set_param(DELAY_PARAM, DELAY_DAYS)
        engineer = _odoo.make_engineer(env)
        owners = max(args.due // args.per_owner, 1)
        keys = _odoo.make_client_keys(env, owners + 2)

        def sent(offset):
            # Each owner's group shares one send time, groups a minute apart.
            return lambda index: (
                _odoo.days_ago(DELAY_DAYS + offset) - timedelta(minutes=index // args.per_owner)
            )

        # Warm-up (templates compiled, caches filled): a single and a bulk reminder.
        warm = _odoo.make_pending(env, 1, keys[-2:-1], engineer, sent(20))
        warm |= _odoo.make_pending(env, args.per_owner, keys[-1:], engineer, sent(20))
        env.cr.commit()
        remind(env, warm)
        due = _odoo.make_pending(env, args.due, keys[:owners], engineer, sent(1))
        young = _odoo.make_pending(env, 1, keys[:1], engineer, lambda index: _odoo.days_ago(1))
        env.cr.commit()
        rows, runs = [], {}
        existing = 1
        for size in args.not_due:
            clone_young(env, young, size - existing)
            existing = size
            env.cr.execute(
                "UPDATE helpdesk_ticket SET engagement_reminded_at = NULL WHERE id IN %s",
                [tuple(due.ids)],
            )
            env.cr.execute("ANALYZE helpdesk_ticket")
            env.cr.commit()
            mails_before = env["mail.mail"].search_count([])
            counted, memory, reminded = remind(env, due)
            mails = env["mail.mail"].search_count([]) - mails_before
            runs[size] = counted
            per_thousand = counted.seconds * 1000 / max(reminded, 1)
            rows.append(
                (
                    size,
                    "%d/%d" % (reminded, args.due),
                    mails,
                    counted.queries,
                    "%.2f" % (counted.queries / max(reminded, 1)),
                    "%.2f" % counted.seconds,
                    "%.2f" % per_thousand,
                    "%.1f" % memory.mb,
                )
            )
    print(
        "%d due engagements of %d owners (%d tickets each), delay %d days; %s"
        % (args.due, owners, args.per_owner, DELAY_DAYS, _odoo.load_average())
    )
    _common.print_table(
        (
            "pending not due",
            "reminded",
            "mails queued",
            "queries",
            "queries/reminder",
            "wall s",
            "s per 1000 reminders",
            "peak RSS growth MB",
        ),
        rows,
    )
    small, large = args.not_due[0], args.not_due[-1]
    ratio = runs[large].queries / runs[small].queries
    print(
        "queries(%d not due) / queries(%d not due) = %.3f; wall time ratio %.2f"
        % (large, small, ratio, runs[large].seconds / runs[small].seconds)
    )
    print(
        "reminder_cron: queries ratio %.3f for %dx more pending-not-due "
        "(target <= %.2f: %s)"
        % (ratio, large // small, RATIO_TARGET, _odoo.verdict(ratio <= RATIO_TARGET))
    )
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="bench_reminder_cron", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--due", type=int, default=1000, help="due engagements reminded")
    parser.add_argument(
        "--not-due",
        default="1000,10000",
        help="pending-not-due counts, ascending, one run each (default %(default)s)",
    )
    parser.add_argument("--per-owner", type=int, default=5, help="due engagements per owner")
    args = parser.parse_args(argv)
    args.not_due = sorted(int(size) for size in args.not_due.split(","))
    return _odoo.run("reminder", bench, args)


if __name__ == "__main__":
    sys.exit(main())
