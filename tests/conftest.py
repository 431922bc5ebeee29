# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Layer 1: import the addons' pure-Python modules without Odoo.

Each addon folder is registered as a bare package whose ``__init__`` (which
imports Odoo models) is not executed, so ``import fusion_helpdesk_central.openai_client``
loads just that plain module. Nothing of Odoo is imported or imitated.
"""

import importlib.machinery
import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ADDONS = ("fusion_helpdesk_central", "fusion_helpdesk")


def _register_bare_package(name):
    spec = importlib.machinery.ModuleSpec(name, None, is_package=True)
    spec.submodule_search_locations = [str(ROOT / name)]
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module


for _addon in ADDONS:
    _register_bare_package(_addon)
