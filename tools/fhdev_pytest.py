# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""pytest plugin of layer 2 (``-p fhdev_pytest``, beside pytest-odoo): collect
what Odoo's own test loader would run, no more.

pytest collects every ``TestCase`` class it finds in a test module and every
``test_*`` method it inherits. Odoo's loader (``odoo.tests.loader``) takes only
the classes defined in the module and only the methods defined in the class
itself, and it runs only tests tagged ``standard`` by default. Without this,
helpdesk_mgmt's ``tests/test_js.py``, which imports web's ``WebSuite``, would
run web's whole JavaScript suite under pytest, and base classes' tests would run
once per subclass.
"""

import pytest


def odoo_would_run(cls, method_name, module_name):
    """True when Odoo's default test run would run ``cls.method_name`` of ``module_name``."""
    if cls.__module__ != module_name:
        return False
    if not getattr(cls, "allow_inherited_tests_method", False) and method_name not in vars(cls):
        return False
    return "standard" in getattr(cls, "test_tags", {"standard"})


def pytest_collection_modifyitems(config, items):
    kept, dropped = [], []
    for item in items:
        cls = getattr(item, "cls", None)
        method_name = getattr(item, "originalname", None) or item.name
        if cls is None or odoo_would_run(cls, method_name, item.module.__name__):
            kept.append(item)
        else:
            dropped.append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    # Odoo's tag selector gives every test its tag parameters (web's JS suites
    # read them); none are given here.
    instance = getattr(item, "instance", None)
    if instance is not None and not hasattr(instance, "_test_params"):
        instance._test_params = []
