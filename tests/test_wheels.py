# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Both addons build as `odoo-addon-<addon>` wheels (whool) carrying every tracked file.

Installing them into Odoo from site-packages is `python tools/wheels.py check`
(needs Odoo 19 and PostgreSQL); this layer-1 part needs only whool and git.
"""

import ast
import importlib.util
import re
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ADDONS = ("fusion_helpdesk_central", "fusion_helpdesk")
_spec = importlib.util.spec_from_file_location("wheels", ROOT / "tools" / "wheels.py")
wheels = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(wheels)


def project_name(addon):
    text = (ROOT / addon / "pyproject.toml").read_text()
    return re.search(r'^name = "([^"]+)"', text, re.M).group(1)


@pytest.mark.parametrize("addon", ADDONS)
def test_pyproject_builds_with_whool_under_the_oca_name(addon):
    text = (ROOT / addon / "pyproject.toml").read_text()
    assert 'requires = ["whool"]' in text
    assert 'build-backend = "whool.buildapi"' in text
    assert project_name(addon) == "odoo-addon-%s" % addon


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    pytest.importorskip("whool")
    if not shutil.which("git") or not (ROOT / ".git").exists():
        pytest.skip("whool packs the files under git control: needs a git checkout")
    out = tmp_path_factory.mktemp("dist")
    result = wheels.build(out)
    assert set(result) == set(ADDONS), "a wheel did not build"
    return result


@pytest.mark.parametrize("addon", ADDONS)
def test_wheel_carries_every_tracked_file_of_the_addon(built, addon):
    missing, forbidden, names = wheels.missing_from_wheel(addon, built[addon])
    assert not missing, "not in the wheel: %s" % missing
    assert not forbidden
    prefix = "odoo/addons/%s/" % addon
    for required in ("__manifest__.py", "README.rst", "LICENSE", "i18n/%s.pot" % addon):
        assert prefix + required in names
    assert any(n.startswith(prefix + "static/") for n in names)


@pytest.mark.parametrize("addon", ADDONS)
def test_wheel_metadata_follows_the_manifest(built, addon):
    manifest = ast.literal_eval((ROOT / addon / "__manifest__.py").read_text())
    meta = wheels.wheel_metadata(built[addon])
    assert meta["Name"] == [project_name(addon)]
    assert meta["Version"][0].startswith(manifest["version"])
    assert meta["License"] == [manifest["license"]]
    requires = set(meta["Requires-Dist"])
    assert "odoo==19.0.*" in requires
    for module in manifest["depends"]:
        if module == "helpdesk_mgmt":
            assert "odoo-addon-helpdesk_mgmt==19.0.*" in requires
    for package in manifest["external_dependencies"]["python"]:
        assert package in requires


def test_a_file_left_out_of_a_wheel_is_reported(built, tmp_path):
    """The comparison with git ls-files is what catches a lost static file."""
    import zipfile

    source = built["fusion_helpdesk"]
    trimmed = tmp_path / source.name
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(trimmed, "w") as copy:
        for item in original.infolist():
            if "/static/src/" not in item.filename:
                copy.writestr(item, original.read(item))
    missing, _forbidden, _names = wheels.missing_from_wheel("fusion_helpdesk", trimmed)
    assert "odoo/addons/fusion_helpdesk/static/src/submit_ticket/submit_ticket.js" in missing
