# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Static checks of both addons: what Odoo would refuse at install time."""

import ast
import configparser
import csv
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from lxml import etree

ROOT = Path(__file__).resolve().parent.parent
EXPECTED = {
    "fusion_helpdesk_central": {
        "version": "19.0.4.0.0",
        "license": "AGPL-3",
        "depends": {"helpdesk_mgmt", "mail", "portal", "base_automation"},
        "python": {"openai>=3.0"},
    },
    "fusion_helpdesk": {
        "version": "19.0.4.0.0",
        "license": "LGPL-3",
        "depends": {"base_setup", "mail"},
        "python": {"requests"},
    },
}
ACCESS_HEADER = [
    "id",
    "name",
    "model_id:id",
    "group_id:id",
    "perm_read",
    "perm_write",
    "perm_create",
    "perm_unlink",
]


def manifest(addon):
    return ast.literal_eval((ROOT / addon / "__manifest__.py").read_text())


def addon_files(addon, pattern):
    return sorted((ROOT / addon).rglob(pattern))


@pytest.mark.parametrize("addon", sorted(EXPECTED))
def test_manifest_matches_the_contract(addon):
    data = manifest(addon)
    expected = EXPECTED[addon]
    assert data["version"] == expected["version"]
    assert data["license"] == expected["license"]
    assert set(data["depends"]) == expected["depends"]
    assert set(data["external_dependencies"]["python"]) == expected["python"]
    assert data["installable"] is True
    assert data.get("development_status")
    for key in ("name", "summary", "author", "website", "category"):
        assert data.get(key), "%s: manifest key %r is empty" % (addon, key)
    assert data["maintainers"] and all(
        re.fullmatch(r"[A-Za-z0-9-]+", handle) for handle in data["maintainers"]
    ), "maintainers: a list of GitHub handles"


@pytest.mark.parametrize("addon", sorted(EXPECTED))
def test_every_listed_data_file_exists_once(addon):
    data = manifest(addon)
    listed = data.get("data", []) + data.get("demo", [])
    assert len(listed) == len(set(listed)), "a data file is listed twice"
    for relative in listed:
        assert (ROOT / addon / relative).is_file(), "%s: %s is missing" % (addon, relative)


@pytest.mark.parametrize("addon", sorted(EXPECTED))
def test_every_data_file_on_disk_is_listed(addon):
    data = manifest(addon)
    listed = set(data.get("data", []) + data.get("demo", []))
    for path in addon_files(addon, "*.xml") + addon_files(addon, "*.csv"):
        relative = path.relative_to(ROOT / addon).as_posix()
        if relative.startswith(("static/", "tests/")):
            continue
        assert relative in listed, "%s: %s is not in the manifest" % (addon, relative)


@pytest.mark.parametrize(
    "path",
    [p for addon in EXPECTED for p in addon_files(addon, "*.xml")],
    ids=lambda p: p.relative_to(ROOT).as_posix(),
)
def test_xml_parses_and_uses_odoo_19_syntax(path):
    tree = etree.parse(str(path))
    text = path.read_text()
    assert tree.getroot().tag in ("odoo", "templates", "t")
    assert "<tree" not in text, "use <list> in Odoo 19"
    assert "attrs=" not in text and " states=" not in text, "use invisible=/readonly="
    assert "groups_id" not in text, "use group_ids in Odoo 19"
    assert "numbercall" not in text and "doall" not in text


@pytest.mark.parametrize("addon", sorted(EXPECTED))
def test_access_csv_is_valid(addon):
    path = ROOT / addon / "security" / "ir.model.access.csv"
    with path.open(newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ACCESS_HEADER
    ids = [row[0] for row in rows[1:]]
    assert len(ids) == len(set(ids)), "duplicate access ids"
    for row in rows[1:]:
        assert len(row) == len(ACCESS_HEADER), row
        assert row[2].startswith("model_"), row
        assert all(flag in ("0", "1") for flag in row[4:]), row


def test_every_model_has_access_rules():
    """Each new model (TransientModel included) needs an access row, or Odoo warns."""
    for addon in EXPECTED:
        declared = set()
        for path in addon_files(addon, "*.py"):
            # An AbstractModel has no table: Odoo wants no access row for it.
            for source in re.split(r"^class ", path.read_text(), flags=re.M)[1:]:
                if "(models.AbstractModel)" in source.partition("\n")[0]:
                    continue
                declared.update(re.findall(r'^\s+_name = "([\w.]+)"', source, re.M))
        access = (ROOT / addon / "security" / "ir.model.access.csv").read_text()
        for model in declared:
            assert "model_%s," % model.replace(".", "_") in access, "%s: no access rule for %s" % (
                addon,
                model,
            )


@pytest.mark.parametrize("addon", sorted(EXPECTED))
def test_addon_ships_icon_description_and_translation_template(addon):
    assert (ROOT / addon / "static" / "description" / "icon.png").is_file()
    assert (ROOT / addon / "static" / "description" / "index.html").is_file()
    assert (ROOT / addon / "readme" / "DESCRIPTION.md").is_file()
    pot = ROOT / addon / "i18n" / ("%s.pot" % addon)
    assert pot.is_file()
    assert 'msgid ""' in pot.read_text()


def test_pylint_odoo_is_clean():
    """The OCA linter over both addons, with the repository's .pylintrc."""
    pytest.importorskip("pylint_odoo")
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pylint",
            "--rcfile=%s" % (ROOT / ".pylintrc"),
            *sorted(EXPECTED),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_ruff_is_clean():
    """Lint and formatting of every Python file, with the repository's ruff.toml."""
    pytest.importorskip("ruff")
    for args in (["check", "."], ["format", "--check", "."]):
        proc = subprocess.run(
            [sys.executable, "-m", "ruff", *args], cwd=ROOT, capture_output=True, text=True
        )
        assert proc.returncode == 0, proc.stdout + proc.stderr


def _pylintrc(name):
    parser = configparser.RawConfigParser()
    parser.read(ROOT / name)
    enabled = {m.strip() for m in parser.get("MESSAGES CONTROL", "enable").split(",") if m.strip()}
    return parser, enabled


def test_pylintrc_runs_every_oca_mandatory_check():
    """.pylintrc-mandatory is OCA's blocking set; test_pylint_odoo_is_clean runs .pylintrc,
    which must enable all of it with the same options (one pylint run, not two)."""
    mandatory, mandatory_enabled = _pylintrc(".pylintrc-mandatory")
    house, house_enabled = _pylintrc(".pylintrc")
    assert mandatory.get("MESSAGES CONTROL", "disable") == "all"
    assert (
        "missing-readme" in mandatory_enabled and "manifest-maintainers-list" in mandatory_enabled
    )
    assert mandatory_enabled <= house_enabled, mandatory_enabled - house_enabled
    assert dict(mandatory.items("ODOOLINT")) == dict(house.items("ODOOLINT"))


def _oca_hook(name, *args):
    """Run an oca-odoo-pre-commit-hooks command (module: its console script's entry point)."""
    module = {"oca-checks-odoo-module": "cli", "oca-checks-po": "cli_po"}[name]
    pytest.importorskip("oca_pre_commit_hooks.%s" % module)
    code = "import sys; from oca_pre_commit_hooks.%s import main; sys.exit(main())" % module
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
    )


def test_oca_checks_odoo_module_pass():
    """oca-checks-odoo-module (XML headers, numeric fields with eval, attribute order,
    files not in the manifest...) over both addons, every check enabled."""
    proc = _oca_hook("oca-checks-odoo-module", *sorted(EXPECTED))
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_oca_checks_po_pass():
    """oca-checks-po over the translation templates, as OCA's pre-commit runs it."""
    files = [str(p.relative_to(ROOT)) for a in EXPECTED for p in (ROOT / a / "i18n").glob("*.po*")]
    proc = _oca_hook("oca-checks-po", "--disable=po-pretty-format", *files)
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.parametrize("addon", sorted(EXPECTED))
def test_addon_ships_license_and_contributors(addon):
    text = (ROOT / addon / "LICENSE").read_text()
    expected = {"AGPL-3": "GNU AFFERO GENERAL PUBLIC LICENSE", "LGPL-3": "GNU LESSER GENERAL"}
    assert expected[manifest(addon)["license"]] in text
    assert "TERMS AND CONDITIONS" in text
    assert (ROOT / addon / "readme" / "CONTRIBUTORS.md").read_text().strip()


def test_security_doc_names_only_existing_tests():
    """docs/security.md proves every "cannot" with a named test: each name must exist."""
    import ast
    import re

    defined = set()
    for path in list(ROOT.glob("fusion_helpdesk*/tests/*.py")) + list(ROOT.glob("tests/*.py")):
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.ClassDef):
                defined.add(node.name)
                defined.update(
                    "%s.%s" % (node.name, item.name)
                    for item in node.body
                    if isinstance(item, ast.FunctionDef)
                )
            elif isinstance(node, ast.FunctionDef):
                defined.add(node.name)
    doc = (ROOT / "docs" / "security.md").read_text()
    cited = set(re.findall(r"`((?:\w+\.)?test_\w+)`", doc))
    assert cited, "docs/security.md names no test"
    assert sorted(cited - defined) == []


def _npx(*args):
    """Run a tool of package.json from node_modules (never downloads: --no-install)."""
    npx = shutil.which("npx")
    if not npx:
        pytest.skip("npm/npx is not installed: the JS and XML linters did not run")
    if not (ROOT / "node_modules" / ".bin" / args[0]).exists():
        pytest.skip("node_modules is missing: run `npm ci` for the JS and XML linters")
    return subprocess.run(
        [npx, "--no-install", *args], cwd=ROOT, capture_output=True, text=True, timeout=300
    )


def test_prettier_formats_js_and_xml():
    """prettier + @prettier/plugin-xml (package.json), OCA's settings (prettier.config.cjs)."""
    proc = _npx("prettier", "--check", ".")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_eslint_passes():
    proc = _npx("eslint", ".")
    assert proc.returncode == 0, proc.stdout + proc.stderr
