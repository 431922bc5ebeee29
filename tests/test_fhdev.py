# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The test runner's reading of an Odoo log decides whether CI is green."""

import contextlib
import functools
import http.server
import importlib.util
import io
import os
import signal
import subprocess
import sys
import tarfile
import threading
import time
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("fhdev", ROOT / "tools" / "fhdev.py")
fhdev = importlib.util.module_from_spec(_spec)
sys.modules.setdefault("fhdev", fhdev)  # as `import fhdev` would (benchmarks do)
_spec.loader.exec_module(fhdev)
fhdev_install = fhdev.fhdev_install
fhdev_demo = fhdev.fhdev_demo

HEADER = "2026-11-26 03:16:16,208 7316 %s fusion_helpdesk_test_1 %s: %s"


def line(level, logger, message):
    return HEADER % (level, logger, message)


def test_unexpected_warnings_are_problems_but_odoo_noise_is_not():
    noisy = line("WARNING", "odoo.tools.config", "missing --http-interface, using 0.0.0.0")
    chrome = line(
        "WARNING",
        "odoo.addons.fusion_helpdesk.tests.test_submit_route.TestSubmitRoute.test_tour",
        "Chrome executable not found ",  # Odoo's log lines end with a space
    )
    ours = line(
        "WARNING", "odoo.addons.fusion_helpdesk_central.openai_client", "OpenAI call failed"
    )
    error = line("ERROR", "odoo.modules.loading", "Some module failed")
    info = line("INFO", "odoo.modules.loading", "Chrome executable not found")
    assert fhdev.log_problems("\n".join([noisy, chrome, ours, error, info])) == [ours, error]


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


# --------------------------------------------------------------------------- install --odoo
RELEASE_PY = "version_info = (%s, 0, 0, FINAL, 0, '')\n"


def make_odoo_tree(folder, major=19):
    """A tiny stand-in of an Odoo source tree: what the installer looks at."""
    (folder / "odoo").mkdir(parents=True)
    (folder / "odoo" / "release.py").write_text(RELEASE_PY % major)
    (folder / "setup.py").write_text("from setuptools import setup\nsetup(name='odoo')\n")
    (folder / "odoo-bin").write_text("#!/usr/bin/env python3\n")
    return folder


def make_archive(tmp_path, name, top="odoo-19.0", major=19):
    tree = make_odoo_tree(tmp_path / "src" / (top or "."), major)
    archive = tmp_path / name
    base = tmp_path / "src"
    if name.endswith(".zip"):
        with zipfile.ZipFile(archive, "w") as zf:
            for path in sorted(base.rglob("*")):
                zf.write(path, path.relative_to(base).as_posix())
    else:
        mode = {"xz": "w:xz", "gz": "w:gz", "tgz": "w:gz", "bz2": "w:bz2"}[name.rsplit(".", 1)[1]]
        with tarfile.open(archive, mode) as tar:
            for path in sorted(base.iterdir()):
                tar.add(path, path.name)
    return archive, tree


def test_source_kinds(tmp_path):
    archive, tree = make_archive(tmp_path, "odoo.tar.xz")
    assert fhdev_install.source_kind("https://github.com/odoo/odoo/archive/19.0.tar.gz") == "url"
    assert fhdev_install.source_kind("http://127.0.0.1:8000/odoo.zip") == "url"
    assert fhdev_install.source_kind(str(tree)) == "folder"
    assert fhdev_install.source_kind(str(archive)) == "archive"
    assert fhdev_install.source_kind("file://%s" % archive) == "archive"
    with pytest.raises(fhdev_install.InstallError, match="No such archive"):
        fhdev_install.source_kind(str(tmp_path / "missing.tar.gz"))
    with pytest.raises(fhdev_install.InstallError, match="No such folder or archive"):
        fhdev_install.source_kind(str(tmp_path / "nothing-here"))
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(fhdev_install.InstallError, match="not a folder nor an archive"):
        fhdev_install.source_kind(str(tmp_path / "notes.txt"))


def test_the_default_source_is_the_official_19_0_archive():
    args = fhdev.build_parser().parse_args(["install", "--odoo"])
    assert args.odoo == "https://github.com/odoo/odoo/archive/refs/heads/19.0.tar.gz"
    assert fhdev.build_parser().parse_args(["install"]).odoo is None


def test_archive_top_folder():
    top = fhdev_install.archive_top_folder
    assert top(["odoo-19.0/", "odoo-19.0/odoo/release.py", "odoo-19.0/setup.py"]) == "odoo-19.0"
    assert top(["./odoo-19.0/odoo/release.py", "./odoo-19.0/setup.py"]) == "odoo-19.0"
    assert top(["odoo/release.py", "setup.py"]) == ""
    assert top(["a/setup.py", "b/setup.py"]) == ""
    assert top(["setup.py"]) == ""


def test_find_odoo_root_in_the_folder_or_its_single_top_folder(tmp_path):
    flat = make_odoo_tree(tmp_path / "flat")
    assert fhdev_install.find_odoo_root(flat) == flat
    nested = make_odoo_tree(tmp_path / "nested" / "odoo-19.0")
    assert fhdev_install.find_odoo_root(tmp_path / "nested") == nested
    make_odoo_tree(tmp_path / "old" / "odoo-18.0", major=18)
    with pytest.raises(fhdev_install.InstallError, match="holds Odoo 18"):
        fhdev_install.find_odoo_root(tmp_path / "old")
    (tmp_path / "two" / "a").mkdir(parents=True)
    (tmp_path / "two" / "b").mkdir()
    with pytest.raises(fhdev_install.InstallError, match="not an Odoo source tree"):
        fhdev_install.find_odoo_root(tmp_path / "two")


@pytest.fixture
def work(tmp_path, monkeypatch):
    """The installer's .fhdev/ folders redirected into tmp_path."""
    root = tmp_path / "checkout"
    for name, value in (
        ("ROOT", root),
        ("WORK", root / ".fhdev"),
        ("VENV", root / ".fhdev" / "venv"),
        ("ODOO_DIR", root / ".fhdev" / "odoo"),
        ("DOWNLOADS", root / ".fhdev" / "downloads"),
    ):
        monkeypatch.setattr(fhdev_install, name, value)
    root.mkdir()
    return root


@pytest.mark.parametrize(
    "name, top", [("o.tar.xz", "odoo-19.0"), ("o.tar.gz", "odoo-master"), ("o.zip", "odoo-19.0")]
)
def test_an_archive_is_unpacked_once_and_reused(work, tmp_path, capsys, name, top):
    archive, _tree = make_archive(tmp_path, name, top=top)
    folder = fhdev_install.provide_source(str(archive))
    assert folder == work / ".fhdev" / "odoo" / top
    assert fhdev_install.odoo_version_of(folder) == 19
    assert "unpacked: 100 %" in capsys.readouterr().out
    (folder / "marker").write_text("kept")
    assert fhdev_install.provide_source(str(archive)) == folder
    assert "reusing" in capsys.readouterr().out
    assert (folder / "marker").exists(), "the second run reuses the unpacked tree"
    assert not list((work / ".fhdev" / "odoo").glob(".unpacking-*"))


def test_an_archive_with_files_at_its_root_is_unpacked_too(work, tmp_path):
    archive, _tree = make_archive(tmp_path, "flat.tgz", top="")
    folder = fhdev_install.provide_source(str(archive))
    assert folder == work / ".fhdev" / "odoo" / "odoo"
    assert (folder / "odoo" / "release.py").is_file()


def test_a_folder_source_is_used_in_place(work, tmp_path):
    tree = make_odoo_tree(tmp_path / "my-odoo")
    assert fhdev_install.provide_source(str(tree)) == tree
    assert not (work / ".fhdev" / "odoo").exists()


def test_an_archive_that_is_not_odoo_is_refused_and_cleaned(work, tmp_path):
    archive = tmp_path / "other.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        data = b"print('hi')\n"
        info = tarfile.TarInfo("project/main.py")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    with pytest.raises(fhdev_install.InstallError, match="not an Odoo source tree"):
        fhdev_install.provide_source(str(archive))
    assert not list((work / ".fhdev" / "odoo").glob(".unpacking-*"))


def test_an_archive_escaping_its_folder_is_refused(work, tmp_path):
    archive = tmp_path / "evil.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        info = tarfile.TarInfo("../../escaped.txt")
        info.size = 1
        tar.addfile(info, io.BytesIO(b"x"))
    with pytest.raises(fhdev_install.InstallError, match="Could not unpack"):
        fhdev_install.provide_source(str(archive))
    assert not (tmp_path / "escaped.txt").exists()


def test_a_broken_archive_says_what_to_do(work, tmp_path):
    archive = tmp_path / "broken.tar.xz"
    archive.write_bytes(b"not an archive at all")
    with pytest.raises(fhdev_install.InstallError, match="broken download"):
        fhdev_install.provide_source(str(archive))


@pytest.fixture
def local_server(tmp_path):
    """A plain http.server on 127.0.0.1 serving tmp_path/www."""
    www = tmp_path / "www"
    www.mkdir()

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Quiet, directory=str(www))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield www, "http://127.0.0.1:%d" % server.server_address[1]
    server.shutdown()
    server.server_close()


def test_a_url_is_downloaded_once_then_unpacked(work, tmp_path, local_server, capsys):
    www, base = local_server
    archive, _tree = make_archive(tmp_path, "odoo-19.0.tar.gz")
    (www / "odoo-19.0.tar.gz").write_bytes(archive.read_bytes())
    folder = fhdev_install.provide_source(base + "/odoo-19.0.tar.gz")
    assert folder == work / ".fhdev" / "odoo" / "odoo-19.0"
    assert "downloaded: 100 %" in capsys.readouterr().out
    (www / "odoo-19.0.tar.gz").unlink()  # a second run needs no network
    assert fhdev_install.provide_source(base + "/odoo-19.0.tar.gz") == folder


def test_a_failed_download_leaves_nothing_behind(work, local_server):
    _www, base = local_server
    with pytest.raises(fhdev_install.InstallError, match="Could not download"):
        fhdev_install.provide_source(base + "/missing.tar.gz")
    assert not list((work / ".fhdev" / "downloads").glob("*"))


def test_a_branch_url_without_suffix_is_saved_as_an_archive(work, local_server):
    www, base = local_server
    (www / "19.0").write_bytes(b"x")
    saved = fhdev_install.download(base + "/19.0")
    assert saved.name.endswith("19.0.tar.gz")


# --------------------------------------------------------------------------- venv discovery
@pytest.fixture
def project_venv(tmp_path, monkeypatch):
    venv = tmp_path / "venv"
    python = venv / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.write_text("")
    monkeypatch.setattr(fhdev_install, "VENV", venv)
    monkeypatch.delenv("FHDEV_REEXEC", raising=False)
    monkeypatch.delenv("ODOO_PATH", raising=False)
    calls = []
    monkeypatch.setattr(fhdev.os, "execve", lambda *args: calls.append(args))
    monkeypatch.setattr(fhdev, "odoo_importable_here", lambda: False)
    return venv, python, calls


def test_commands_run_again_in_the_project_venv(project_venv):
    venv, python, calls = project_venv
    fhdev.reexec_in_project_venv(["test", "-k", "x"])
    ((executable, argv, env),) = calls
    assert executable == str(python)
    assert argv == [str(python), str(ROOT / "tools" / "fhdev.py"), "test", "-k", "x"]
    assert env["FHDEV_REEXEC"] == "1"


def test_no_second_run_in_the_venv(project_venv, monkeypatch):
    venv, _python, calls = project_venv
    monkeypatch.setenv("FHDEV_REEXEC", "1")
    fhdev.reexec_in_project_venv(["test"])
    monkeypatch.delenv("FHDEV_REEXEC")
    monkeypatch.setattr(fhdev.sys, "prefix", str(venv))
    fhdev.reexec_in_project_venv(["test"])
    assert calls == []


def test_an_odoo_of_your_own_wins_over_the_project_venv(project_venv, monkeypatch):
    _venv, _python, calls = project_venv
    monkeypatch.setattr(fhdev, "odoo_importable_here", lambda: True)
    fhdev.reexec_in_project_venv(["test"])
    assert calls == []


def test_without_a_project_venv_nothing_changes(project_venv):
    _venv, python, calls = project_venv
    python.unlink()
    fhdev.reexec_in_project_venv(["test"])
    assert calls == []


def test_odoo_path_counts_as_importable(tmp_path, monkeypatch):
    make_odoo_tree(tmp_path / "odoo19")
    monkeypatch.setenv("ODOO_PATH", str(tmp_path / "odoo19"))
    assert fhdev.odoo_importable_here()


def test_venv_python_and_virtualenv_detection(tmp_path, monkeypatch):
    assert fhdev_install.venv_python(tmp_path) == tmp_path / "bin" / "python"
    monkeypatch.setattr(fhdev_install.sys, "prefix", "/a")
    monkeypatch.setattr(fhdev_install.sys, "base_prefix", "/b")
    assert fhdev_install.in_virtualenv()
    monkeypatch.setattr(fhdev_install.sys, "base_prefix", "/a")
    assert not fhdev_install.in_virtualenv()


# --------------------------------------------------------------------------- summary
JUNIT = """<?xml version="1.0" encoding="utf-8"?>
<testsuites><testsuite name="pytest" tests="5">
<testcase classname="odoo.addons.fusion_helpdesk.tests.test_submit_route.TestSubmitRoute"
 name="test_submit_tour">
 <skipped type="pytest.skip" message="Chrome executable not found"/></testcase>
<testcase classname="a.TestA" name="test_ok"/>
<testcase classname="a.TestA" name="test_ok_too"/>
<testcase classname="a.TestA" name="test_bad">
 <failure message="AssertionError: 1 != 2">tb</failure></testcase>
<testcase classname="a.TestB" name="test_broken"><error message="KeyError">tb</error></testcase>
</testsuite></testsuites>
"""


def layer(name="layer 2 (Odoo 19)", **values):
    base = {"name": name, "ran": True, "returncode": 0, "problems": []}
    base.update(passed=0, failed=0, skipped=0, failures=[], skips=[])
    base.update(values)
    return base


def test_junit_results_name_failed_and_skipped_tests(tmp_path):
    path = tmp_path / "junit.xml"
    path.write_text(JUNIT)
    result = fhdev.junit_results(path)
    assert (result["passed"], result["failed"], result["skipped"]) == (2, 2, 1)
    assert result["skips"] == [("TestSubmitRoute.test_submit_tour", "Chrome executable not found")]
    assert [name for name, _ in result["failures"]] == ["TestA.test_bad", "TestB.test_broken"]
    assert fhdev.junit_results(tmp_path / "missing.xml")["passed"] == 0


def test_skipped_tours_are_named_and_do_not_fail_the_run():
    skips = [("TestSubmitRoute.test_submit_tour", "Chrome executable not found")]
    lines, code = fhdev.summarize(
        [layer("layer 1 (pure Python)", passed=10), layer(passed=5, skipped=1, skips=skips)]
    )
    assert code == 0
    assert "    skipped: TestSubmitRoute.test_submit_tour (Chrome executable not found)" in lines
    assert lines[-1] == "total: 15 passed, 0 failed, 1 skipped"


def test_failures_and_unexpected_log_lines_fail_the_run():
    lines, code = fhdev.summarize([layer(passed=5, failed=1, failures=[("T.test", "boom")])])
    assert code == 1 and "    failed: T.test  boom" in lines
    assert lines[-1] == "total: 5 passed, 1 failed, 0 skipped"
    lines, code = fhdev.summarize([layer(passed=5, problems=["... WARNING db x: y"])])
    assert code == 1 and any("unexpected warning" in line for line in lines)
    _lines, code = fhdev.summarize([layer(passed=5, returncode=3)])
    assert code == 1, "pytest's internal error fails even without a failed test"


def test_no_test_at_all_fails_but_an_empty_k_selection_says_so():
    lines, code = fhdev.summarize([layer("layer 1 (pure Python)", returncode=5)])
    assert code == 1 and "  no test ran" in lines
    lines, code = fhdev.summarize([layer(returncode=5)], keyword="test_nothing")
    assert code == 5 and "  no test ran (nothing matched -k test_nothing)" in lines
    _lines, code = fhdev.summarize([layer(passed=1), layer(returncode=5)], keyword="x")
    assert code == 0, "-k matching in one layer only is fine"


def test_a_skipped_layer_fails_only_when_required():
    skipped = {"name": "layer 2 (Odoo 19)", "ran": False, "why": "SKIPPED: no Odoo"}
    lines, code = fhdev.summarize([layer("layer 1 (pure Python)", passed=3), skipped])
    assert code == 0 and "SKIPPED: no Odoo" in lines[-2]
    _lines, code = fhdev.summarize([layer("layer 1", passed=3), dict(skipped, returncode=1)])
    assert code == 1


@pytest.mark.parametrize(
    "tags, keyword, folders, expression",
    [
        (None, None, ["fusion_helpdesk_central", "fusion_helpdesk", "helpdesk_mgmt"], ""),
        (
            None,
            "test_x",
            ["fusion_helpdesk_central", "fusion_helpdesk", "helpdesk_mgmt"],
            "(test_x)",
        ),
        ("/fusion_helpdesk_central", None, ["fusion_helpdesk_central"], ""),
        (
            "/fusion_helpdesk_central:TestIntakeApi.test_ok",
            None,
            ["fusion_helpdesk_central"],
            "((TestIntakeApi and test_ok))",
        ),
        (
            "post_install/fusion_helpdesk:TestA,:TestB",
            "x",
            ["fusion_helpdesk"],
            "(x) and ((TestA) or (TestB))",
        ),
        ("-/helpdesk_mgmt", None, ["fusion_helpdesk_central", "fusion_helpdesk"], ""),
        (
            "-:TestSlow",
            None,
            ["fusion_helpdesk_central", "fusion_helpdesk", "helpdesk_mgmt"],
            "not (TestSlow)",
        ),
    ],
)
def test_odoo_test_tags_become_pytest_paths_and_keywords(tags, keyword, folders, expression):
    paths, got = fhdev.test_paths_and_keyword(
        tags, keyword, "/site/odoo/addons/helpdesk_mgmt/tests"
    )
    assert [Path(p).parent.name for p in paths] == folders
    assert got == expression


def test_bad_test_tags_are_refused():
    with pytest.raises(ValueError, match="no tests of 'sale'"):
        fhdev.test_paths_and_keyword("/sale", None, None)
    with pytest.raises(ValueError, match="not an Odoo test tag"):
        fhdev.test_paths_and_keyword("/a b", None, None)


# --------------------------------------------------------------------------- demo mail
MAIL = (
    b"From: Eddie Engineer <eddie@provider.example.com>\r\n"
    b"To: owner@acme.example.com\r\n"
    b"Subject: Approval requested: HT00001 Vendor bills\r\n"
    b"Date: Tue, 01 Dec 2026 10:00:00 +0000\r\n"
    b"MIME-Version: 1.0\r\n"
    b'Content-Type: multipart/alternative; boundary="b"\r\n\r\n'
    b"--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nApprove: http://x/a\r\n"
    b"--b\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
    b"<p><a href='http://127.0.0.1:8069/fusion_helpdesk/engagement/t/approve'>Approve</a></p>\r\n"
    b"--b--\r\n"
)


def test_the_mail_catcher_writes_each_message_and_an_index(tmp_path):
    handler = fhdev_demo.MailFolderHandler(tmp_path)
    eml = handler.save(MAIL)
    assert eml.name == "0001-approval-requested-ht00001-vendor-bills.eml"
    assert eml.read_bytes() == MAIL
    assert "engagement/t/approve" in eml.with_suffix(".html").read_text()
    assert eml.with_suffix(".html").read_text().startswith('<meta charset="utf-8">')
    assert "charset=utf-8" in fhdev_demo._QuietHandler.extensions_map[".html"]
    index = (tmp_path / "index.html").read_text()
    assert "0001-approval-requested-ht00001-vendor-bills.html" in index
    assert "Eddie Engineer &lt;eddie@provider.example.com&gt;" in index
    assert handler.save(MAIL.replace(b"HT00001", b"<b>")).name.startswith("0002-approval-")


def test_a_subject_folded_after_its_name_shows_without_a_stray_space(tmp_path, capsys):
    folded = MAIL.replace(
        b"Subject: Approval requested: HT00001 Vendor bills\r\n",
        b"Subject:\r\n Approval requested: HT00001 Vendor bills\r\n",
    )
    eml = fhdev_demo.MailFolderHandler(tmp_path).save(folded)
    assert "mail: Approval requested: HT00001 Vendor bills ->" in capsys.readouterr().out
    assert ">Approval requested: HT00001 Vendor bills</a>" in (tmp_path / "index.html").read_text()
    assert eml.name == "0001-approval-requested-ht00001-vendor-bills.eml"


def test_a_plain_text_mail_is_shown_escaped():
    import email as email_lib
    import email.policy

    message = email_lib.message_from_string(
        "Subject: x\n\n<script>alert(1)</script>\n", policy=email.policy.default
    )
    assert fhdev_demo.html_body(message) == "<pre>&lt;script&gt;alert(1)&lt;/script&gt;\n</pre>"


# --------------------------------------------------------------------------- pytest-odoo
def test_layer_2_collects_what_odoo_s_own_loader_would_run():
    spec = importlib.util.spec_from_file_location(
        "fhdev_pytest", ROOT / "tools" / "fhdev_pytest.py"
    )
    plugin = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(plugin)

    class Imported:  # e.g. web's WebSuite imported by helpdesk_mgmt's test_js.py
        __module__ = "odoo.addons.web.tests.test_js"

        def test_hoot(self):
            pass

    class Base:
        __module__ = "m"

        def test_base(self):
            pass

    class Child(Base):
        __module__ = "m"

        def test_own(self):
            pass

    class Inheriting(Base):
        __module__ = "m"
        allow_inherited_tests_method = True

    class NotStandard:
        __module__ = "m"
        test_tags = {"external", "post_install"}

        def test_x(self):
            pass

    assert not plugin.odoo_would_run(Imported, "test_hoot", "m")
    assert plugin.odoo_would_run(Base, "test_base", "m")
    assert plugin.odoo_would_run(Child, "test_own", "m")
    assert not plugin.odoo_would_run(Child, "test_base", "m"), "inherited: Odoo skips it"
    assert plugin.odoo_would_run(Inheriting, "test_base", "m")
    assert not plugin.odoo_would_run(NotStandard, "test_x", "m")


def test_integration_checks_count_as_passed_skipped_or_failed(tmp_path, monkeypatch):
    """Layer 3 runs each whole-product script: exit 0 passes, 2 skips (cannot run
    here), anything else fails the run and names the check."""
    testrun = fhdev.fhdev_testrun
    scripts = {}
    for name, code in (("ok", 0), ("cannot", 2), ("broken", 1)):
        scripts[name] = tmp_path / ("%s.py" % name)
        scripts[name].write_text("import sys; sys.exit(%d)\n" % code)
    monkeypatch.setattr(
        testrun,
        "INTEGRATION_CHECKS",
        tuple((name, (str(path),)) for name, path in scripts.items())
        + (("absent", (str(tmp_path / "missing.py"),)),),
    )
    result = testrun.run_integration_checks()
    assert (result["passed"], result["skipped"], result["failed"]) == (1, 1, 1)
    lines, code = fhdev.summarize([result])
    assert code == 1
    assert any(line.startswith("    failed: broken") for line in lines)
    assert any(line.startswith("    skipped: cannot") for line in lines)


# --------------------------------------------------------------------------- test/demo set up
fhdev_setup = fhdev.fhdev_setup
fhdev_postgres = fhdev.fhdev_postgres
DEFAULT_SOURCE = "https://github.com/odoo/odoo/archive/refs/heads/19.0.tar.gz"


def test_the_odoo_source_comes_from_the_flag_then_the_variable():
    choose = fhdev_setup.chosen_source
    variable = {"FHDEV_ODOO_SOURCE": "/srv/odoo-19.tar.xz"}
    assert choose("../shared/odoo.tar.xz", variable) == "../shared/odoo.tar.xz"
    assert choose(None, variable) == "/srv/odoo-19.tar.xz"
    assert choose(None, {"FHDEV_ODOO_SOURCE": "  "}) is None
    assert choose(None, {}) is None


@pytest.mark.parametrize("command", ["test", "demo"])
def test_test_and_demo_take_odoo_source(command):
    assert fhdev.parse_args([command, "--odoo", "/x/odoo.zip"]).odoo == "/x/odoo.zip"
    assert fhdev.parse_args([command]).odoo is None


@pytest.mark.parametrize(
    "source, odoo_here, ours, previous, expected",
    [
        # Someone's own Odoo 19 (package, ODOO_PATH, their venv): used, whatever SOURCE says.
        ("/x/odoo.tar.xz", 19, False, None, ("own", None)),
        (None, 19, False, "/p", ("own", None)),
        # Another Odoo version in this Python: never installed over.
        (None, 17, False, None, ("refuse", None)),
        # Nothing yet: SOURCE, else the official archive.
        ("/x/odoo.tar.xz", None, False, None, ("install", "/x/odoo.tar.xz")),
        (None, None, False, None, ("install", DEFAULT_SOURCE)),
        # Installed before: checked against what it came from (no download of the default).
        (None, 19, True, "/c/.fhdev/odoo/odoo-19.0", ("install", "/c/.fhdev/odoo/odoo-19.0")),
        ("/y/odoo.zip", 19, True, "/c/.fhdev/odoo/odoo-19.0", ("install", "/y/odoo.zip")),
        # Our venv made elsewhere (no stamp to check against): used as it is.
        (None, 19, True, None, ("ready", None)),
    ],
)
def test_what_test_and_demo_set_up(source, odoo_here, ours, previous, expected):
    assert fhdev_setup.plan(source, odoo_here, ours, previous) == expected


def test_layer_1_alone_is_asked_with_layer_1_or_only_python():
    for argv in (["test", "--layer", "1"], ["test", "--only", "python"]):
        args = fhdev.parse_args(argv)
        assert args.only == "python" and fhdev.layer_one_only(args)
    assert fhdev.parse_args(["test", "--layer", "2"]).only == "odoo"
    assert not fhdev.layer_one_only(fhdev.parse_args(["test"]))
    assert not fhdev.layer_one_only(fhdev.parse_args(["demo"]))
    with pytest.raises(SystemExit):
        fhdev.parse_args(["test", "--layer", "1", "--only", "odoo"])


@pytest.fixture
def no_odoo_here(monkeypatch, tmp_path):
    """fhdev_setup on a machine where this Python has no Odoo and nothing was installed."""
    monkeypatch.delenv(fhdev_setup.DONE_VARIABLE, raising=False)
    monkeypatch.delenv("FHDEV_ODOO_SOURCE", raising=False)
    monkeypatch.setattr(fhdev_setup, "odoo_major_here", lambda fh: None)
    monkeypatch.setattr(fhdev_setup, "python_is_ours", lambda: False)
    monkeypatch.setattr(fhdev_setup, "installed_source", lambda: None)
    monkeypatch.setattr(fhdev_setup, "node_linters_installed", lambda: True)
    calls = {"install": [], "execve": []}

    def install_odoo(source):
        calls["install"].append(source)
        if "unreachable" in source:
            raise fhdev_install.InstallError("Could not download %s" % source)
        return tmp_path / "venv" / "bin" / "python"

    monkeypatch.setattr(fhdev_install, "install_odoo", install_odoo)
    monkeypatch.setattr(fhdev_setup.os, "execve", lambda *a: calls["execve"].append(a))
    return calls


def test_without_odoo_test_installs_from_the_variable_then_runs_again_in_the_venv(
    no_odoo_here, monkeypatch, tmp_path
):
    monkeypatch.setenv("FHDEV_ODOO_SOURCE", "/srv/odoo-19.tar.xz")
    args = fhdev.parse_args(["test", "-k", "x"])
    assert fhdev_setup.ensure_ready(args, ["test", "-k", "x"], fhdev) is None
    assert no_odoo_here["install"] == ["/srv/odoo-19.tar.xz"]
    ((python, argv, env),) = no_odoo_here["execve"]
    assert python == str(tmp_path / "venv" / "bin" / "python")
    assert argv[1:] == [str(ROOT / "tools" / "fhdev.py"), "test", "-k", "x"]
    assert env[fhdev_setup.DONE_VARIABLE] == "1", "the venv run does not set up again"


def test_without_odoo_and_no_way_to_get_it_test_fails_and_says_what_to_do(
    no_odoo_here, monkeypatch, capsys
):
    monkeypatch.setenv("FHDEV_ODOO_SOURCE", "https://unreachable.example/odoo.tar.gz")
    code = fhdev_setup.ensure_ready(fhdev.parse_args(["test"]), ["test"], fhdev)
    assert code == 1
    out = capsys.readouterr().out
    assert "Could not download https://unreachable.example/odoo.tar.gz" in out
    assert "--odoo SOURCE" in out and "--layer 1" in out
    assert no_odoo_here["execve"] == []


def test_an_own_odoo_19_is_used_and_no_other_is_installed(no_odoo_here, monkeypatch, capsys):
    monkeypatch.setattr(fhdev_setup, "odoo_major_here", lambda fh: 19)
    monkeypatch.setattr(fhdev, "odoo_status", lambda: (True, "19.0"))
    monkeypatch.setattr(fhdev_setup, "missing_modules", lambda: [])
    args = fhdev.parse_args(["demo", "--odoo", "/x/odoo.tar.xz"])
    assert fhdev_setup.ensure_ready(args, ["demo"], fhdev) is None
    assert no_odoo_here["install"] == [] and no_odoo_here["execve"] == []
    assert "Using the Odoo 19 that" in capsys.readouterr().out


def test_another_odoo_version_is_never_installed_over(no_odoo_here, monkeypatch, capsys):
    monkeypatch.setattr(fhdev_setup, "odoo_major_here", lambda fh: 17)
    assert fhdev_setup.ensure_ready(fhdev.parse_args(["test"]), ["test"], fhdev) == 2
    assert no_odoo_here["install"] == []
    assert "imports Odoo 17" in capsys.readouterr().out


def test_the_venv_run_does_not_set_up_again(no_odoo_here, monkeypatch):
    monkeypatch.setenv(fhdev_setup.DONE_VARIABLE, "1")
    assert fhdev_setup.ensure_ready(fhdev.parse_args(["test"]), ["test"], fhdev) is None
    assert no_odoo_here["install"] == []


def test_the_installed_source_is_read_from_the_install_stamp(tmp_path):
    stamp = tmp_path / "fhdev-install.json"
    assert fhdev_setup.installed_source(stamp) is None
    stamp.write_text('{"python": "/v/bin/python", "odoo": "/c/.fhdev/odoo/odoo-19.0"}')
    assert fhdev_setup.installed_source(stamp) == "/c/.fhdev/odoo/odoo-19.0"
    stamp.write_text("{broken")
    assert fhdev_setup.installed_source(stamp) is None


# --------------------------------------------------------------------------- layer 2 required
def test_layer_2_that_cannot_run_fails_the_run_and_says_what_to_do(monkeypatch, capsys):
    @contextlib.contextmanager
    def server_answers(fh):
        yield ""

    monkeypatch.setattr(fhdev_postgres, "postgres_for", server_answers)
    monkeypatch.setattr(fhdev, "odoo_ready", lambda: (False, "Odoo is not importable"))
    code = fhdev.fhdev_testrun.cmd_test(fhdev.parse_args(["test", "--layer", "2"]))
    out = capsys.readouterr().out
    assert code == 1
    assert "layer 2 (Odoo 19)      NOT RUN -> FAILED: Odoo is not importable" in out
    assert "python3 tools/fhdev.py test --layer 1" in out


def test_a_postgres_problem_fails_layer_2_with_its_reason(monkeypatch, capsys):
    @contextlib.contextmanager
    def no_postgres(fh):
        yield "PostgreSQL is not reachable (x).\n" + fhdev_postgres.INSTALL_HINT

    monkeypatch.setattr(fhdev_postgres, "postgres_for", no_postgres)
    monkeypatch.setattr(fhdev, "odoo_ready", lambda: (True, ""))
    assert fhdev.fhdev_testrun.cmd_test(fhdev.parse_args(["test", "--layer", "2"])) == 1
    assert "apt-get install postgresql" in capsys.readouterr().out


# --------------------------------------------------------------------------- private cluster
@pytest.mark.parametrize(
    "reachable, from_rc, programs, expected",
    [
        (True, False, None, "server"),
        (True, True, Path("/usr/lib/postgresql/16/bin"), "server"),
        (False, False, Path("/usr/lib/postgresql/16/bin"), "private"),
        (False, False, None, "missing"),
        # A server ODOO_RC names is the user's choice: not replaced by a private one.
        (False, True, Path("/usr/lib/postgresql/16/bin"), "unreachable"),
    ],
)
def test_when_a_private_cluster_is_started(reachable, from_rc, programs, expected):
    assert fhdev_postgres.plan(reachable, from_rc, programs) == expected


def test_postgres_programs_are_found_newest_first(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    for version in ("9.6", "16", "13"):
        for name in ("initdb", "pg_ctl"):
            path = tmp_path / "lib" / version / "bin" / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text("")
    (tmp_path / "lib" / "17" / "bin").mkdir(parents=True)  # client only: no initdb
    pattern = str(tmp_path / "lib" / "*" / "bin")
    assert fhdev_postgres.find_programs((pattern,)) == tmp_path / "lib" / "16" / "bin"
    assert fhdev_postgres.find_programs((str(tmp_path / "none" / "*"),)) is None


def fake_fh(reachable, rc_options=None):
    return type(
        "FakeFhdev",
        (),
        {
            "postgres_status": staticmethod(lambda: (reachable, "" if reachable else "down")),
            "odoo_rc_options": staticmethod(lambda: rc_options or {}),
        },
    )


def test_without_server_nor_programs_the_install_command_is_named(monkeypatch):
    monkeypatch.setattr(fhdev_postgres, "find_programs", lambda: None)
    with fhdev_postgres.postgres_for(fake_fh(False)) as problem:
        assert problem.startswith("down\n") and "apt-get install postgresql" in problem
    with fhdev_postgres.postgres_for(fake_fh(True)) as problem:
        assert problem == ""
    with fhdev_postgres.postgres_for(fake_fh(False, {"db_host": "db.example"})) as problem:
        assert "ODOO_RC names this server" in problem


def test_with_programs_a_private_cluster_serves_the_command(monkeypatch, tmp_path):
    monkeypatch.setattr(fhdev_postgres, "find_programs", lambda: tmp_path / "bin")
    seen = []

    @contextlib.contextmanager
    def private_cluster(programs):
        seen.append(programs)
        yield 5433

    monkeypatch.setattr(fhdev_postgres, "private_cluster", private_cluster)
    with fhdev_postgres.postgres_for(fake_fh(False)) as problem:
        assert problem == ""
    assert seen == [tmp_path / "bin"]


def test_root_runs_postgres_programs_as_nobody(monkeypatch):
    monkeypatch.setattr(fhdev_postgres.os, "geteuid", lambda: 0)
    assert fhdev_postgres._as_cluster_owner(["initdb", "-D", "x"]) == [
        "runuser",
        "-u",
        "nobody",
        "--",
        "initdb",
        "-D",
        "x",
    ]
    monkeypatch.setattr(fhdev_postgres.os, "geteuid", lambda: 1000)
    assert fhdev_postgres._as_cluster_owner(["initdb"]) == ["initdb"]


def test_a_running_private_cluster_is_found_by_its_pid_file(tmp_path):
    assert fhdev_postgres.running_port(tmp_path) is None
    pid_file = tmp_path / "postmaster.pid"
    pid_file.write_text("%d\n%s\n1700000000\n45123\n/run\n" % (os.getpid(), tmp_path))
    assert fhdev_postgres.running_port(tmp_path) == 45123
    pid_file.write_text("999999999\n%s\n1700000000\n45123\n" % tmp_path)  # stale
    assert fhdev_postgres.running_port(tmp_path) is None


def test_layer_1_passing_does_not_hide_a_layer_2_that_could_not_run():
    """The newcomer's case: 440 layer-1 tests pass, Odoo is missing -> the run fails."""
    not_run = fhdev.fhdev_testrun.layer2_not_run("Odoo is not importable")
    lines, code = fhdev.summarize([layer("layer 1 (pure Python)", passed=440), not_run])
    assert code == 1
    assert lines[-1] == "total: 440 passed, 0 failed, 0 skipped"


def test_npm_ci_runs_again_only_when_package_lock_changed(tmp_path, monkeypatch):
    monkeypatch.setattr(fhdev_setup, "ROOT", tmp_path)
    stamp = tmp_path / ".fhdev" / "npm-ci.sha256"
    (tmp_path / "package-lock.json").write_text('{"v": 1}')
    assert not fhdev_setup.node_linters_installed(stamp), "no node_modules yet"
    runs = []

    class FakeFhdev:
        @staticmethod
        def install_node_linters():
            runs.append(1)
            (tmp_path / "node_modules").mkdir(exist_ok=True)
            (tmp_path / "node_modules" / ".package-lock.json").write_text("{}")

    fhdev_setup.install_node_linters(FakeFhdev, stamp)
    assert runs == [1] and fhdev_setup.node_linters_installed(stamp)
    (tmp_path / "package-lock.json").write_text('{"v": 2}')
    assert not fhdev_setup.node_linters_installed(stamp)
    stamp.unlink()  # node_modules filled another way (a shared one): trusted as is
    assert fhdev_setup.node_linters_installed(stamp)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_demo_stopped_by_kill_or_in_the_background_stops_its_servers(signum):
    # `kill <pid>` (SIGTERM) and Ctrl-C reach the demo's loop as KeyboardInterrupt,
    # whose handler stops both Odoo servers; a background shell ignores SIGINT, so
    # the block installs its own handler for it too.
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        with pytest.raises(KeyboardInterrupt), fhdev_demo.stopped_by_any_signal():
            os.kill(os.getpid(), signum)
            time.sleep(5)
        assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    finally:
        signal.signal(signal.SIGINT, previous)
