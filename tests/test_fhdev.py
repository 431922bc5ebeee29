# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The test runner's reading of an Odoo log decides whether CI is green."""

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("fhdev", ROOT / "tools" / "fhdev.py")
fhdev = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(fhdev)

HEADER = "2026-11-26 03:16:16,208 7316 %s fusion_helpdesk_test_1 %s: %s"


def line(level, logger, message):
    return HEADER % (level, logger, message)


def test_counts_tests_of_every_result_line():
    log = "\n".join(
        [
            line("INFO", "odoo.tests.result", "0 failed, 0 error(s) of 3 tests when loading"),
            line("INFO", "odoo.tests.result", "1 failed, 2 error(s) of 10 tests after install"),
        ]
    )
    result = fhdev.summarize_odoo_log(log, 0)
    assert (result["total"], result["failed"], result["passed"]) == (13, 3, 10)
    assert result["problems"] == []


def test_unexpected_warnings_are_problems_but_odoo_noise_is_not():
    noisy = line("WARNING", "odoo.tools.config", "missing --http-interface, using 0.0.0.0")
    ours = line("WARNING", "odoo.addons.fusion_helpdesk_central.utils", "OpenAI call failed")
    error = line("ERROR", "odoo.modules.loading", "Some module failed")
    result = fhdev.summarize_odoo_log("\n".join([noisy, ours, error]), 1)
    assert result["problems"] == [ours, error]
    assert result["returncode"] == 1


def test_a_log_without_results_counts_no_test():
    result = fhdev.summarize_odoo_log(line("INFO", "odoo.modules.loading", "loading"), 0)
    assert result["total"] == 0
