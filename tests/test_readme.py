# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""README.rst and index.html are generated from readme/ and must be committed fresh."""

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ADDONS = ("fusion_helpdesk_central", "fusion_helpdesk")
_spec = importlib.util.spec_from_file_location("gen_readme", ROOT / "tools" / "gen_readme.py")
gen_readme = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(gen_readme)


@pytest.mark.parametrize("addon", ADDONS)
def test_committed_readme_and_index_match_the_fragments(addon):
    stale = gen_readme.stale_files(ROOT / addon)
    assert not stale, "run `python tools/gen_readme.py`: %s out of date" % ", ".join(
        p.relative_to(ROOT).as_posix() for p in stale
    )


@pytest.mark.parametrize("addon", ADDONS)
def test_readme_is_valid_restructuredtext_with_every_fragment(addon):
    pytest.importorskip("docutils")
    readme = (ROOT / addon / "README.rst").read_text()
    html = gen_readme.render_index(readme)  # raises on any reST warning
    assert "Bug Tracker" in html and "Maintainers" in html
    for name in gen_readme.read_fragments(ROOT / addon):
        if name != "DESCRIPTION":
            title = dict(gen_readme.SECTIONS).get(name) or {"CONTRIBUTORS": "Contributors"}[name]
            assert "\n%s\n" % title in readme, name


def test_editing_a_fragment_makes_the_readme_stale(tmp_path):
    addon = tmp_path / "fusion_helpdesk"
    (addon / "readme").mkdir(parents=True)
    (addon / "static" / "description").mkdir(parents=True)
    (addon / "__manifest__.py").write_text(
        (ROOT / "fusion_helpdesk" / "__manifest__.py").read_text()
    )
    (addon / "readme" / "DESCRIPTION.md").write_text("First text.\n")
    gen_readme.write(addon)
    assert gen_readme.stale_files(addon) == []
    (addon / "readme" / "DESCRIPTION.md").write_text("Second text.\n")
    assert gen_readme.stale_files(addon) == [
        addon / "README.rst",
        addon / "static" / "description" / "index.html",
    ]


@pytest.mark.parametrize(
    "markdown, rst",
    [
        ("Use `a_b` here", "Use ``a_b`` here"),
        ("a `code`s b", "a ``code``\\ s b"),
        ("see [the docs](https://example.com/x_y)", "see `the docs <https://example.com/x_y>`__"),
        ("pipe | and word_ end", "pipe \\| and word\\_ end"),
        ("**bold** and *em*", "**bold** and *em*"),
        ("# Title", "Title\n-----"),
        ("- item\n  continued\n\n1. first", "- item\n  continued\n\n1. first"),
    ],
)
def test_markdown_subset_becomes_restructuredtext(markdown, rst):
    assert gen_readme.markdown_to_rst(markdown) == rst + "\n"
