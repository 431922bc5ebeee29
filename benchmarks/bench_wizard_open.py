# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Wizard open: OpenAI calls, SQL queries and wall time of opening the engagement wizard.

Opens ``fusion.helpdesk.engagement.wizard`` as the web client does, as a
helpdesk engineer: ``default_get`` with the action's ``active_ids`` and
``new`` to display the form (mode, owner, pending warning, one line per
ticket), then ``create`` when the engineer saves it. OpenAI is configured
(API key, base URL of a local server) and its requests are counted: opening
must call it zero times. The first size is the baseline: queries(N) /
queries(baseline) says whether opening costs queries per ticket. Each size
runs ``--repeat`` times on a cold record cache (median reported).
"""

import argparse
import statistics
import sys

import _common
import _odoo

REQUIRES_ODOO = True
RATIO_TARGET = 2.0


def open_wizard(env, tickets):
    """Open the wizard on ``tickets``; return the phases' ``Counted`` and the wizard."""
    Wizard = env["fusion.helpdesk.engagement.wizard"].with_context(
        active_model="helpdesk.ticket", active_ids=tickets.ids, active_id=tickets[:1].id
    )
    with _odoo.count_queries(env) as shown:
        values = Wizard.default_get(list(Wizard._fields))
        draft = Wizard.new(values)
        # What the form displays.
        draft.mapped("mode")
        draft.mapped("owner_email")
        draft.mapped("pending_warning")
        draft.line_ids.mapped("ticket_id.display_name")
    with _odoo.count_queries(env) as saved:
        wizard = Wizard.create(values)
    return shown, saved, wizard


def bench(db, args):
    server_module = _common.load_openai_server()
    with server_module.OpenAIServer() as ai, _odoo.environment(db) as env:
        params = env["ir.config_parameter"]
        params.set_param("fusion_helpdesk_central.openai_api_key", "sk-bench")
        params.set_param("fusion_helpdesk_central.openai_base_url", ai.base_url)
        engineer = _odoo.make_engineer(env)
        tickets = _odoo.make_tickets(env, max(args.sizes), _odoo.make_client_keys(env), engineer)
        env.cr.commit()
        env = env(user=engineer)
        tickets = tickets.with_env(env)
        open_wizard(env, tickets[:1])  # warm the registry caches, not counted
        ai.reset()
        rows, totals = [], {}
        for size in args.sizes:
            runs = []
            for _ in range(args.repeat):
                env.invalidate_all()
                runs.append(open_wizard(env, tickets[:size]))
            shown = statistics.median(run[0].queries for run in runs)
            saved = statistics.median(run[1].queries for run in runs)
            seconds = statistics.median(run[0].seconds + run[1].seconds for run in runs)
            wizard = runs[-1][2]
            totals[size] = shown + saved
            rows.append(
                (
                    size,
                    wizard.mode,
                    len(wizard.line_ids),
                    "%g" % shown,
                    "%g" % saved,
                    "%g" % totals[size],
                    _odoo.ms(seconds),
                    " ".join(_odoo.ms(run[0].seconds + run[1].seconds) for run in runs),
                )
            )
            env.cr.rollback()
        calls = ai.started
    print("engineer: helpdesk user; %s" % _odoo.load_average())
    _common.print_table(
        (
            "tickets",
            "mode",
            "lines",
            "queries open",
            "queries save",
            "queries total",
            "wall ms (median)",
            "runs ms",
        ),
        rows,
    )
    base, top = args.sizes[0], args.sizes[-1]
    ratio = totals[top] / totals[base]
    per_ticket = (totals[top] - totals[base]) / max(top - base, 1)
    print("OpenAI requests during all the opens: %d" % calls)
    print(
        "queries(%d)/queries(%d) = %.2f; %.2f extra queries per extra ticket"
        % (top, base, ratio, per_ticket)
    )
    print(
        "wizard_open: %d OpenAI calls, queries(%d)/queries(%d) = %.2f "
        "(target 0 calls and <= %.1f: %s)"
        % (
            calls,
            top,
            base,
            ratio,
            RATIO_TARGET,
            _odoo.verdict(not calls and ratio <= RATIO_TARGET),
        )
    )
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(prog="bench_wizard_open", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes", default="1,100", help="ticket counts, baseline first (default %(default)s)"
    )
    parser.add_argument("--repeat", type=int, default=3, help="opens per size (median reported)")
    args = parser.parse_args(argv)
    args.sizes = [int(size) for size in args.sizes.split(",")]
    return _odoo.run("wizard", bench, args)


if __name__ == "__main__":
    sys.exit(main())
