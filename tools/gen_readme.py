#!/usr/bin/env python3
# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Generate each addon's README.rst and static/description/index.html from readme/.

    python tools/gen_readme.py          # write both files of both addons
    python tools/gen_readme.py --check  # exit 1 when a committed file is out of date

OCA generates these with ``oca-gen-addon-readme`` (OCA/maintainer-tools, not on
PyPI, and it converts Markdown fragments with pandoc). This script follows the same
layout - badges, table of contents, the DESCRIPTION / INSTALL / CONFIGURE / USAGE /
ROADMAP / HISTORY fragments, Bug Tracker, Credits (Authors, Contributors, Other
credits, Maintainers) - converts our small Markdown subset itself, and renders
index.html from README.rst with docutils, as OCA does. Both files carry a digest of
their sources, so a stale index.html is detected without comparing HTML that
depends on the docutils version.
"""

import argparse
import ast
import hashlib
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ADDONS = ("fusion_helpdesk_central", "fusion_helpdesk")
BRANCH = "main"
GENERATOR = "tools/gen_readme.py"
# Bump when the output of this script changes for the same sources.
GENERATOR_VERSION = "1"
# (fragment, heading); DESCRIPTION has none. Order as in OCA's template.
SECTIONS = (
    ("INSTALL", "Installation"),
    ("CONFIGURE", "Configuration"),
    ("USAGE", "Usage"),
    ("ROADMAP", "Known issues / Roadmap"),
    ("HISTORY", "Changelog"),
)
FRAGMENTS = ("DESCRIPTION", *(name for name, _ in SECTIONS), "CONTRIBUTORS", "CREDITS")
MATURITY_COLORS = {
    "Alpha": "red",
    "Beta": "yellow",
    "Production/Stable": "green",
    "Mature": "brightgreen",
}
LICENSE_URLS = {
    "AGPL-3": "http://www.gnu.org/licenses/agpl-3.0-standalone.html",
    "LGPL-3": "http://www.gnu.org/licenses/lgpl-3.0-standalone.html",
    "GPL-3": "http://www.gnu.org/licenses/gpl-3.0-standalone.html",
}
DIGEST_LINE = re.compile(r"!! source digest: (sha256:[0-9a-f]{64})")
# Markdown headings inside a fragment sit below the fragment's own heading.
HEADING_UNDERLINES = {1: "-", 2: "~", 3: "^"}

CODE_SPAN = re.compile(r"`([^`]+)`")
LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")
PLACEHOLDER = re.compile(r"\x00(\d+)\x00")


# --------------------------------------------------------------------------- Markdown
def _inline(text):
    """Markdown inline markup of one block -> reStructuredText."""
    literals = []

    def keep(rst):
        literals.append(rst)
        return "\x00%d\x00" % (len(literals) - 1)

    text = CODE_SPAN.sub(lambda m: keep("``%s``" % m.group(1)), text)
    text = LINK.sub(lambda m: keep("`%s <%s>`__" % (m.group(1), m.group(2))), text)
    # reST-only markup characters: a substitution bar, a trailing underscore
    # (a reference in reST) must stay plain text.
    text = text.replace("|", "\\|")
    text = re.sub(r"(\w)_(?=\W|$)", r"\1\\_", text)

    def restore(match):
        rst = literals[int(match.group(1))]
        start, end = match.span()
        before = text[start - 1] if start else " "
        after = text[end] if end < len(text) else " "
        # Inline markup must touch whitespace or punctuation in reST.
        prefix = "\\ " if before.isalnum() else ""
        suffix = "\\ " if after.isalnum() else ""
        return prefix + rst + suffix

    return PLACEHOLDER.sub(restore, text)


def markdown_to_rst(markdown):
    """Convert the Markdown subset of readme/ fragments (paragraphs, bullet and
    numbered lists with indented continuations, emphasis, code spans, links,
    ``#`` headings) to reStructuredText. Line wrapping is kept."""
    blocks = re.split(r"\n\s*\n", markdown.strip("\n"))
    out = []
    for block in blocks:
        heading = re.fullmatch(r"(#{1,3})\s+(.+)", block.strip())
        if heading:
            title = _inline(heading.group(2).strip())
            underline = HEADING_UNDERLINES[len(heading.group(1))]
            out.append("%s\n%s" % (title, underline * len(title)))
            continue
        # Code spans may be wrapped across lines: convert the block as a whole.
        out.append(_inline(block.rstrip()))
    return "\n\n".join(out) + "\n"


# --------------------------------------------------------------------------- README.rst
def read_manifest(addon_dir):
    return ast.literal_eval((addon_dir / "__manifest__.py").read_text(encoding="utf-8"))


def read_fragments(addon_dir):
    """{NAME: markdown} of the non-empty readme/NAME.md fragments."""
    fragments = {}
    for name in FRAGMENTS:
        path = addon_dir / "readme" / ("%s.md" % name)
        if path.is_file() and path.read_text(encoding="utf-8").strip():
            fragments[name] = path.read_text(encoding="utf-8")
    return fragments


def source_digest(addon_dir):
    """sha256 of what README.rst is made of: manifest, fragments, generator version."""
    digest = hashlib.sha256(GENERATOR_VERSION.encode())
    digest.update((addon_dir / "__manifest__.py").read_bytes())
    for name, text in sorted(read_fragments(addon_dir).items()):
        digest.update(b"\0" + name.encode() + b"\0" + text.encode("utf-8"))
    return "sha256:" + digest.hexdigest()


def _title(text, char="=", over=False):
    line = char * len(text)
    return "%s\n%s\n%s\n" % (line, text, line) if over else "%s\n%s\n" % (text, line)


def _repository(manifest):
    """('owner/name', 'https://github.com/owner/name') from the manifest's website."""
    match = re.fullmatch(r"https://github\.com/([^/]+/[^/]+?)/?", manifest["website"])
    if not match:
        raise SystemExit("%s: website must be a GitHub repository URL" % manifest["name"])
    return match.group(1), "https://github.com/%s" % match.group(1)


def _badge_text(text):
    return text.replace("-", "--").replace("_", "__").replace("/", "%2F").replace(" ", "%20")


def render_readme(addon_dir):
    """The README.rst text of one addon."""
    addon = addon_dir.name
    manifest = read_manifest(addon_dir)
    fragments = read_fragments(addon_dir)
    slug, repo_url = _repository(manifest)
    tree_url = "%s/tree/%s/%s" % (repo_url, BRANCH, addon)
    status = manifest.get("development_status", "Beta")
    license_name = manifest["license"]
    badges = [
        (
            "https://img.shields.io/badge/maturity-%s-%s.png"
            % (_badge_text(status), MATURITY_COLORS[status]),
            "https://odoo-community.org/page/development-status",
            status,
        ),
        (
            "https://img.shields.io/badge/license-%s-blue.png" % _badge_text(license_name),
            LICENSE_URLS[license_name],
            "License: %s" % license_name,
        ),
        (
            "https://img.shields.io/badge/github-%s-lightgray.png?logo=github" % _badge_text(slug),
            tree_url,
            slug,
        ),
    ]
    parts = [_title(manifest["name"], over=True)]
    banner = "!! This file is generated by %s, changes will be overwritten. !!" % GENERATOR
    bangs = "!" * len(banner)
    parts.append(
        "..\n   %s\n   %s\n   %s\n   !! source digest: %s\n   %s\n"
        % (bangs, banner, bangs, source_digest(addon_dir), bangs)
    )
    parts.append(
        "".join(
            ".. |badge%d| image:: %s\n    :target: %s\n    :alt: %s\n" % (i, image, target, alt)
            for i, (image, target, alt) in enumerate(badges, 1)
        )
    )
    parts.append(" ".join("|badge%d|" % i for i in range(1, len(badges) + 1)) + "\n")
    if "DESCRIPTION" in fragments:
        parts.append(markdown_to_rst(fragments["DESCRIPTION"]))
    if status == "Alpha":
        parts.append(
            ".. IMPORTANT::\n   This is an alpha version, the data model and design can "
            "change at any time without warning.\n   Only for development or testing "
            "purpose, do not use in production.\n"
        )
    parts.append("**Table of contents**\n\n.. contents::\n   :local:\n")
    for name, heading in SECTIONS:
        if name in fragments:
            parts.append(_title(heading) + "\n" + markdown_to_rst(fragments[name]))
    issue_body = (
        "module:%%20%s%%0Aversion:%%20%s%%0A%%0A**Steps%%20to%%20reproduce**%%0A-%%20...%%0A%%0A"
        "**Current%%20behavior**%%0A%%0A**Expected%%20behavior**"
        % (addon, ".".join(manifest["version"].split(".")[:2]))
    )
    parts.append(
        _title("Bug Tracker") + "\nBugs are tracked on `GitHub Issues <%s/issues>`_.\n"
        "Before reporting one, please check whether it is already known. When it is "
        "not, a report\nwith the steps to reproduce it helps us most: `report a bug "
        "<%s/issues/new?body=%s>`_.\n" % (repo_url, repo_url, issue_body)
    )
    parts.append(_title("Credits"))
    authors = [a.strip() for a in manifest["author"].split(",") if a.strip()]
    parts.append(_title("Authors", "-") + "\n" + "".join("* %s\n" % a for a in authors))
    if "CONTRIBUTORS" in fragments:
        parts.append(
            _title("Contributors", "-") + "\n" + markdown_to_rst(fragments["CONTRIBUTORS"])
        )
    if "CREDITS" in fragments:
        parts.append(_title("Other credits", "-") + "\n" + markdown_to_rst(fragments["CREDITS"]))
    maintainers = manifest.get("maintainers", [])
    section = _title("Maintainers", "-") + "\n"
    if maintainers:
        section += "".join(
            ".. |maintainer-%s| image:: https://github.com/%s.png?size=40px\n"
            "    :target: https://github.com/%s\n    :alt: %s\n" % (m, m, m, m)
            for m in maintainers
        )
        section += "\nCurrent maintainer%s:\n\n%s\n\n" % (
            "s" if len(maintainers) > 1 else "",
            " ".join("|maintainer-%s|" % m for m in maintainers),
        )
    section += "This module is part of the `%s <%s>`_ project on GitHub.\n\n" % (slug, tree_url)
    section += "You are welcome to contribute.\n"
    parts.append(section)
    return "\n".join(parts)


# --------------------------------------------------------------------------- index.html
def render_index(readme):
    """static/description/index.html from README.rst, as OCA renders it (docutils'
    html4css1 writer, stylesheet embedded). Raises on any reST warning."""
    # Imported here: docutils comes with Odoo's requirements, only this step needs it.
    from docutils.core import publish_string
    from docutils.writers import html4css1

    return publish_string(
        source=readme,
        writer=html4css1.Writer(),
        settings_overrides={
            "output_encoding": "unicode",
            "report_level": 2,
            "halt_level": 2,
            "embed_stylesheet": True,
            "_disable_config": True,
            "warning_stream": False,
        },
    )


def digest_of(text):
    match = DIGEST_LINE.search(text or "")
    return match.group(1) if match else None


def stale_files(addon_dir):
    """Paths of addon_dir whose generated file is missing or out of date."""
    readme = addon_dir / "README.rst"
    index = addon_dir / "static" / "description" / "index.html"
    stale = []
    expected = render_readme(addon_dir)
    if not readme.is_file() or readme.read_text(encoding="utf-8") != expected:
        stale.append(readme)
    if not index.is_file() or digest_of(index.read_text(encoding="utf-8")) != digest_of(expected):
        stale.append(index)
    return stale


def write(addon_dir):
    readme = render_readme(addon_dir)
    (addon_dir / "README.rst").write_text(readme, encoding="utf-8")
    index = addon_dir / "static" / "description" / "index.html"
    index.parent.mkdir(parents=True, exist_ok=True)
    index.write_text(render_index(readme), encoding="utf-8")
    return [addon_dir / "README.rst", index]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only report stale files")
    parser.add_argument("addons", nargs="*", default=list(ADDONS))
    args = parser.parse_args(argv)
    rc = 0
    for addon in args.addons:
        addon_dir = ROOT / addon
        if args.check:
            for path in stale_files(addon_dir):
                print("out of date: %s (run python %s)" % (path.relative_to(ROOT), GENERATOR))
                rc = 1
        else:
            for path in write(addon_dir):
                print("wrote %s" % path.relative_to(ROOT))
    return rc


if __name__ == "__main__":
    sys.exit(main())
