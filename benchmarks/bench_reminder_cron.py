# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Reminder cron at scale: queries, time and memory of the rounds' _cron_remind().

``--due`` pending engagements are older than the reminder delay (3 days),
sent in groups of ``--per-owner`` tickets to one owner each (so a reminder
mail carries that many cards); among them sit ``--not-due`` pending
engagements that are still young. The cron runs once per not-due size, as
the cron user does, committing per batch. Mails go to the ``mail.mail`` queue
and are never sent (no cron thread, SMTP on a closed local port). The key
scaling check: queries(largest not-due) / queries(smallest) must stay ~1.0:
pending engagements that are not due cost nothing. Each run reminds its own
fresh due engagements, created identically through the ORM (a second
reminder of the same tickets would not cost the same); the previous run's
ones are then decided. Young engagements are copied in SQL from one real one
(fast). Each run starts on a cold record cache, after a warm-up run; a last
run at the largest size measures peak Python memory under tracemalloc.
"""

import argparse
import gc
import resource
import sys
import tracemalloc
from datetime import timedelta

import _common
import _odoo

REQUIRES_ODOO = True
RATIO_TARGET = 1.05
DELAY_PARAM = "fusion_helpdesk_central.engagement_reminder_days"
DELAY_DAYS = 3


def clone_young(env, template, count):
    """Insert ``count`` copies of the pending ``template`` ticket and of its
    round, sent 0 to 2.5 days ago (not due); three SQL statements. The
    reminder cron selects on the rounds (the ticket keeps no copy of them)."""
    from odoo.tools import SQL  # pylint: disable=import-outside-toplevel

    def columns(table, *skip, alias=None):
        env.cr.execute(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_name = %s AND NOT column_name = ANY(%s) ORDER BY column_name",
            [table, ["id", *skip]],
        )
        names = [row[0] for row in env.cr.fetchall()]
        if alias:
            return SQL(", ").join(SQL.identifier(alias, name) for name in names)
        return SQL(", ").join(SQL.identifier(name) for name in names)

    env.cr.execute(
        SQL(
            """INSERT INTO helpdesk_ticket (%(columns)s, number)
               SELECT %(columns)s, 'YOUNG-' || n
                 FROM helpdesk_ticket, generate_series(1, %(count)s) AS n
                WHERE id = %(template)s""",
            columns=columns("helpdesk_ticket", "number", "engagement_id"),
            count=count,
            template=template.id,
        )
    )
    skipped = ("ticket_id", "sent_at", "token_hash", "previous_token_hash", "closed_token_hash")
    round_columns = columns("fusion_helpdesk_engagement", *skipped)
    round_values = columns("fusion_helpdesk_engagement", *skipped, alias="e")
    env.cr.execute(
        SQL(
            """INSERT INTO fusion_helpdesk_engagement (%(columns)s, ticket_id, sent_at)
               SELECT %(values)s, t.id,
                      (NOW() AT TIME ZONE 'UTC')
                      - (substr(t.number, 7)::int %% 60) * INTERVAL '1 hour'
                 FROM fusion_helpdesk_engagement e, helpdesk_ticket t
                WHERE e.id = %(template)s
                  AND t.number LIKE 'YOUNG-%%' AND t.engagement_id IS NULL""",
            columns=round_columns,
            values=round_values,
            template=template.engagement_id.id,
        )
    )
    env.cr.execute(
        """UPDATE helpdesk_ticket t SET engagement_id = e.id
             FROM fusion_helpdesk_engagement e
            WHERE e.ticket_id = t.id AND t.number LIKE 'YOUNG-%' AND t.engagement_id IS NULL"""
    )


class PeakMemory:
    """Peak memory of a block in MB: growth of the resident set (Linux: its
    high-water mark is reset at the start; elsewhere ru_maxrss) and, when
    ``traced``, the peak of Python allocations (tracemalloc, which slows the
    block down: its wall time is not comparable)."""

    def __init__(self, traced=False):
        self.traced = traced
        self.reset, self.start = False, 0
        self.rss_mb = self.traced_mb = None

    def __enter__(self):
        gc.collect()
        self.reset = _write("/proc/self/clear_refs", "5")
        self.start = _rss_kb("VmRSS") if self.reset else _maxrss_kb()
        if self.traced:
            tracemalloc.start()
        return self

    def __exit__(self, *exc_info):
        if self.traced:
            self.traced_mb = tracemalloc.get_traced_memory()[1] / 2**20
            tracemalloc.stop()
        peak = _rss_kb("VmHWM") if self.reset else _maxrss_kb()
        self.rss_mb = max(peak - self.start, 0) / 1024


def _write(path, text):
    try:
        with open(path, "w", encoding="ascii") as handle:
            handle.write(text)
    except OSError:
        return False
    return True


def _rss_kb(key):
    with open("/proc/self/status", encoding="ascii") as status:
        return next(int(line.split()[1]) for line in status if line.startswith(key + ":"))


def _maxrss_kb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def remind(env, due, traced=False):
    """Run the cron on a cold record cache; return (Counted, PeakMemory, reminded)."""
    env.invalidate_all()
    with PeakMemory(traced) as memory, _odoo.count_queries(env, commit=True) as counted:
        env["fusion.helpdesk.engagement"]._cron_remind()
    env.invalidate_all()
    reminded = env["helpdesk.ticket"].search_count(
        [("id", "in", due.ids), ("engagement_reminded_at", "!=", False)]
    )
    return counted, memory, reminded


class Scenario:
    """Owners, their due engagements and the young ones, in one database."""

    def __init__(self, env, args):
        self.env, self.args = env, args
        env["ir.config_parameter"].set_param(DELAY_PARAM, DELAY_DAYS)
        self.engineer = _odoo.make_engineer(env)
        self.owners = max(args.due // args.per_owner, 1)
        self.keys = _odoo.make_client_keys(env, self.owners + 2)
        self.young = _odoo.make_pending(
            env, 1, self.keys[:1], self.engineer, lambda index: _odoo.days_ago(1)
        )
        self.not_due = 1
        self.due = env["helpdesk.ticket"]

    def _sent(self, days):
        # Each owner's group shares one send time, groups a minute apart.
        per_owner = self.args.per_owner
        return lambda index: (
            _odoo.days_ago(DELAY_DAYS + days) - timedelta(minutes=index // per_owner)
        )

    def warm_up(self):
        """Remind a single and a bulk engagement (templates compiled, caches filled)."""
        keys, engineer, per_owner = self.keys, self.engineer, self.args.per_owner
        warm = _odoo.make_pending(self.env, 1, keys[-2:-1], engineer, self._sent(20))
        warm |= _odoo.make_pending(self.env, per_owner, keys[-1:], engineer, self._sent(20))
        self.env.cr.commit()
        remind(self.env, warm)

    def run(self, not_due, traced=False, prior_rounds=0):
        """Fresh due engagements among ``not_due`` young ones, then the cron: a table row."""
        env = self.env
        # The previous run's engagements get decided: pending = due + not due.
        self.due.engagement_id.write({"state": "approved", "token_hash": False})
        self.due = _odoo.make_pending(
            env,
            self.args.due,
            self.keys[: self.owners],
            self.engineer,
            self._sent(1),
            prior_rounds=prior_rounds,
        )
        clone_young(env, self.young, not_due - self.not_due)
        self.not_due = not_due
        env.cr.execute("ANALYZE helpdesk_ticket")
        env.cr.execute("ANALYZE fusion_helpdesk_engagement")
        env.cr.commit()
        mails_before = env["mail.mail"].search_count([])
        counted, memory, reminded = remind(env, self.due, traced)
        mails = env["mail.mail"].search_count([]) - mails_before
        row = (
            "%d%s%s"
            % (
                not_due,
                " (traced)" if traced else "",
                ", %d earlier rounds" % prior_rounds if prior_rounds else "",
            ),
            "%d/%d" % (reminded, self.args.due),
            mails,
            counted.queries,
            "%.2f" % (counted.queries / max(reminded, 1)),
            "%.2f" % counted.seconds,
            "%.2f" % (counted.seconds * 1000 / max(reminded, 1)),
            "%.1f" % memory.rss_mb,
            "%.1f" % memory.traced_mb if traced else "-",
        )
        return counted, row


def bench(db, args):
    with _odoo.environment(db) as env:
        scenario = Scenario(env, args)
        scenario.warm_up()
        runs, rows = {}, []
        for size in args.not_due:
            runs[size], row = scenario.run(size)
            rows.append(row)
        small = args.not_due[0]
        history, row = scenario.run(small, prior_rounds=args.prior_rounds)
        rows.append(row)
        if args.traced:
            rows.append(scenario.run(args.not_due[-1], traced=True)[1])
    print(
        "%d due engagements of %d owners (%d tickets each), delay %d days; %s"
        % (args.due, scenario.owners, args.per_owner, DELAY_DAYS, _odoo.load_average())
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
            "peak traced MB",
        ),
        rows,
    )
    large = args.not_due[-1]
    ratio = runs[large].queries / runs[small].queries
    history_ratio = history.queries / runs[small].queries
    print(
        "queries(%d not due) / queries(%d not due) = %.3f; wall time ratio %.2f"
        % (large, small, ratio, runs[large].seconds / runs[small].seconds)
    )
    print(
        "reminder_cron: queries ratio %.3f for %dx more pending-not-due "
        "(target <= %.2f: %s)"
        % (ratio, large // small, RATIO_TARGET, _odoo.verdict(ratio <= RATIO_TARGET))
    )
    print(
        "reminder_history: queries ratio %.3f with %d earlier rounds per ticket "
        "(target <= %.2f: %s)"
        % (
            history_ratio,
            args.prior_rounds,
            RATIO_TARGET,
            _odoo.verdict(history_ratio <= RATIO_TARGET),
        )
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
    parser.add_argument(
        "--prior-rounds",
        type=int,
        default=20,
        help="superseded rounds per due ticket in the round-history run",
    )
    parser.add_argument(
        "--no-traced",
        dest="traced",
        action="store_false",
        help="skip the extra run under tracemalloc (peak Python memory)",
    )
    args = parser.parse_args(argv)
    args.not_due = sorted(int(size) for size in args.not_due.split(","))
    return _odoo.run("reminder", bench, args)


if __name__ == "__main__":
    sys.exit(main())
