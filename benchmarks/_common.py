# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Helpers shared by the benchmarks: pure modules without Odoo, tables."""

import importlib.machinery
import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ADDONS = ("fusion_helpdesk_central", "fusion_helpdesk")


def load_pure_modules():
    """Make ``import fusion_helpdesk_central.openai_client`` work without Odoo.

    Each addon folder becomes a bare package whose ``__init__`` (Odoo models)
    is not run, as in tests/conftest.py.
    """
    for name in ADDONS:
        if name in sys.modules:
            continue
        spec = importlib.machinery.ModuleSpec(name, None, is_package=True)
        spec.submodule_search_locations = [str(ROOT / name)]
        sys.modules[name] = importlib.util.module_from_spec(spec)


def load_openai_server():
    """The local OpenAI-compatible server module, loaded by path (its package imports Odoo)."""
    name = "fusion_openai_server"
    if name not in sys.modules:
        path = ROOT / "fusion_helpdesk_central" / "tests" / "openai_server.py"
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


def sample_ticket(number):
    """A ticket of realistic size: a long report and a ten-message thread."""
    return {
        "number": "HT%05d" % number,
        "name": "Invoices stuck in draft after the upgrade",
        "client": "Acme Corp",
        "description": "Since the upgrade our invoices stay in draft. " * 40,
        "chatter": [
            {
                "author": "User %d" % i,
                "date": "2026-05-%02d 10:00" % (i + 1),
                "body": "Still blocked, the accountant cannot close the month. " * 6,
            }
            for i in range(10)
        ],
    }


SAMPLE_FINDINGS = (
    "Root cause: a custom module overrides action_post and swallows the error. "
    "Scope: fix the override and add a test, ~6 h. Risk: low, staging first. "
    "Need from the owner: approval and a 30 min window to deploy. "
) * 3


def print_table(headers, rows):
    """Print ``rows`` under ``headers`` in aligned columns."""
    cells = [[str(h) for h in headers]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    for index, row in enumerate(cells):
        print("  ".join(cell.rjust(width) for cell, width in zip(row, widths, strict=True)))
        if index == 0:
            print("  ".join("-" * width for width in widths))
