# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The test runner's reading of an Odoo log decides whether CI is green."""

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

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


def test_odoo_command_keeps_secrets_off_the_command_line(monkeypatch, tmp_path):
    rc = tmp_path / "odoo.conf"
    rc.write_text("[options]\ndb_password = s3cr%%t\naddons_path = %s\n" % tmp_path)
    monkeypatch.setenv("ODOO_RC", str(rc))
    monkeypatch.setenv("PGPASSWORD", "an0ther")
    monkeypatch.setenv("PGHOST", "db.example.com")
    cmd = fhdev.odoo_command("fusion_test")
    assert not any("s3cr%t" in arg or "an0ther" in arg or "db.example" in arg for arg in cmd)
    assert cmd[cmd.index("-c") + 1] == str(rc)
    assert "--addons-path=%s,%s" % (ROOT, tmp_path) in cmd
    # libpq gets the password from the environment, ODOO_RC's value when PG* is unset.
    monkeypatch.delenv("PGPASSWORD")
    assert fhdev.pg_env()["PGPASSWORD"] == "s3cr%t"


def test_odoo_command_uses_only_real_odoo_options():
    """Every option we pass exists in the installed Odoo (skipped without Odoo)."""
    ok, why = fhdev.odoo_status()
    if not ok:
        pytest.skip(why)
    help_text = subprocess.run(
        [sys.executable, "-m", "odoo", "server", "--help"],
        env=fhdev.odoo_env(),
        capture_output=True,
        text=True,
    ).stdout
    for arg in fhdev.odoo_command("fusion_test", data_dir="/tmp/x"):
        if arg.startswith("--"):
            assert arg.split("=")[0] in help_text, arg
