"""The real-Odoo harness: finding Odoo, its own PostgreSQL, reading the log."""

import os
import pathlib
import subprocess
import sys

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))

from harness import odoo_env  # noqa: E402

LOG = """\
2026-11-22 18:31:44,393 7809 INFO db odoo.modules.loading: loading 59 modules...
2026-11-22 18:31:44,400 7809 WARNING db odoo.addons.base.models.ir_module: docutils' system message present
2026-11-22 18:31:44,401 7809 WARNING db odoo.addons.kundenbindung_addon.models.res_company: something odd
2026-11-22 18:31:44,402 7809 WARNING db odoo.addons.base.models.ir_ui_view: field in kundenbindung_addon view has no string
2026-11-22 18:31:44,616 7809 ERROR db odoo.addons.kundenbindung_addon.tests.test_x: FAIL: TestX.test_y
Traceback (most recent call last):
AssertionError: 1 != 2
2026-11-22 18:31:46,123 7809 INFO db odoo.tests.stats: kundenbindung_addon: 20 tests 8.41s 5889 queries
2026-11-22 18:31:46,123 7809 ERROR db odoo.tests.result: 1 failed, 2 error(s) of 14 tests when loading database 'db'
"""


def test_read_log_counts_results_errors_and_addon_warnings():
    report = odoo_env.read_log(LOG.splitlines())
    assert report.result_seen
    assert (report.tests, report.failed, report.errors, report.passed) == (14, 1, 2, 11)
    assert len(report.error_lines) == 2
    assert len(report.addon_warnings) == 2  # the addon's own logger and a message naming it
    assert all("docutils" not in line for line in report.addon_warnings)


def test_read_log_covers_the_demo_addon_and_counts_tests_per_module():
    log = """\
2026-11-22 18:31:44,401 7809 WARNING db odoo.addons.kundenbindung_demo.tools.demo_loader: template not found
2026-11-22 18:31:44,402 7809 WARNING db odoo.addons.base.models.ir_module: kundenbindung_demo: no icon
2026-11-22 18:31:44,403 7809 WARNING db odoo.addons.base.models.ir_module: some_other_addon: no icon
2026-11-22 18:31:46,123 7809 INFO db odoo.tests.stats: kundenbindung_addon: 20 tests 8.41s 5889 queries
2026-11-22 18:31:46,123 7809 INFO db odoo.tests.stats: kundenbindung_demo: 5 tests 30.02s 91234 queries
2026-11-22 18:31:46,123 7809 INFO db odoo.tests.result: 0 failed, 0 error(s) of 25 tests when loading database 'db'
"""
    report = odoo_env.read_log(log.splitlines())
    assert len(report.addon_warnings) == 2
    assert report.tests_by_module == {"kundenbindung_addon": 20, "kundenbindung_demo": 5}
    assert odoo_env.read_log(log.splitlines(), addons=("kundenbindung_addon",)).addon_warnings == []


def test_the_suite_installs_and_tests_both_addons():
    import odoo_suite

    assert odoo_env.ADDONS == ("kundenbindung_addon", "kundenbindung_demo")
    assert odoo_suite.tagged_modules("/kundenbindung_addon,/kundenbindung_demo") == set(odoo_env.ADDONS)
    assert odoo_suite.tagged_modules("post_install/kundenbindung_demo:TestDemoLoader.test_x,-/kundenbindung_addon") == {
        "kundenbindung_demo"
    }
    assert odoo_suite.tagged_modules("-standard,at_install") == set()


def test_read_log_of_a_clean_run():
    clean = "2026-11-22 18:31:46,123 1 INFO db odoo.tests.result: 0 failed, 0 error(s) of 9 tests when loading database 'db'\n"
    report = odoo_env.read_log(clean.splitlines())
    assert (report.tests, report.passed, report.error_lines, report.addon_warnings) == (9, 9, [], [])


def test_read_log_without_result_line_is_not_a_pass():
    report = odoo_env.read_log(["Traceback (most recent call last):", "ImportError: no module"])
    assert not report.result_seen and report.tests == 0


def _fake_odoo(root, major, with_bin=True):
    (root / "odoo").mkdir(parents=True)
    (root / "odoo" / "release.py").write_text("version_info = (%d, 0, 0, FINAL, 0, '')\n" % major)
    (root / "addons").mkdir()
    if with_bin:
        (root / "odoo-bin").write_text("#!/usr/bin/env python3\n")
    return root


def test_find_odoo_accepts_only_an_odoo_18_source_tree(tmp_path):
    tree = _fake_odoo(tmp_path / "o18", 18)
    found = odoo_env.find_odoo({"ODOO_PATH": str(tree)})
    assert found.version == "18.0"
    assert found.source == str(tree)
    assert found.addons_paths == [str(tree / "addons"), str(odoo_env.REPO)]
    assert odoo_env.find_odoo({"ODOO_PATH": str(_fake_odoo(tmp_path / "o17", 17))}) is None
    assert odoo_env.find_odoo({"ODOO_PATH": str(_fake_odoo(tmp_path / "nobin", 18, with_bin=False))}) is None
    assert odoo_env.find_odoo({"ODOO_PATH": str(tmp_path / "missing")}) is None


def test_odoo_problem_says_why_a_path_is_rejected_and_how_to_get_odoo(tmp_path):
    """Issue 19: make demo said only "no Odoo 18 found (set ODOO_PATH)",
    also for a wrong path, after spending 42 s on pip."""
    assert odoo_env.odoo_problem({"ODOO_PATH": str(_fake_odoo(tmp_path / "o18", 18))}) is None
    cases = {
        str(tmp_path / "missing"): "is not a folder",
        str(tmp_path): "has no odoo/release.py",
        str(_fake_odoo(tmp_path / "nobin", 18, with_bin=False)): "has no odoo-bin",
        str(_fake_odoo(tmp_path / "o17", 17)): "holds Odoo 17.0, not 18",
    }
    for path, reason in cases.items():
        problem = odoo_env.odoo_problem({"ODOO_PATH": path})
        assert reason in problem
        assert "git clone --depth 1 --branch 18.0 https://github.com/odoo/odoo.git" in problem


def _python_with_path(tmp_path, name, pythonpath):
    wrapper = tmp_path / name
    wrapper.write_text('#!/bin/sh\nPYTHONPATH="%s" exec "%s" "$@"\n' % (pythonpath, sys.executable))
    wrapper.chmod(0o755)
    return str(wrapper)


def test_find_odoo_without_path_uses_an_importable_odoo_18(tmp_path):
    tree = _fake_odoo(tmp_path / "site", 18, with_bin=False)
    (tree / "odoo" / "__init__.py").write_text("")
    found = odoo_env.find_odoo({}, python=_python_with_path(tmp_path, "py18", tree))
    assert found is not None and found.source == str(tree) and found.version == "18.0"
    (tree / "odoo" / "release.py").write_text("version_info = (17, 0, 0, FINAL, 0, '')\n")
    assert odoo_env.find_odoo({}, python=_python_with_path(tmp_path, "py17", tree)) is None
    failing = tmp_path / "no-odoo"
    failing.write_text("#!/bin/sh\necho 'ModuleNotFoundError: No module named odoo' >&2\nexit 1\n")
    failing.chmod(0o755)
    assert odoo_env.find_odoo({}, python=str(failing)) is None


def test_suite_skips_cleanly_without_odoo(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "ODOO_PATH"}
    env["PYTHONPATH"] = ""
    probe = subprocess.run([sys.executable, "-c", "import odoo"], env=env, capture_output=True)
    if probe.returncode == 0:
        pytest.skip("an odoo package is importable here, so the suite would run instead of skipping")
    result = subprocess.run(
        [sys.executable, str(odoo_env.REPO / "tests" / "odoo_suite.py")], env=env, capture_output=True, text=True
    )
    assert result.returncode == 0
    assert result.stdout.strip() == odoo_env.SKIP_LINE


def test_throwaway_cluster_starts_answers_and_is_removed():
    try:
        bindir = odoo_env.postgres_bindir()
    except RuntimeError as exc:
        pytest.skip(str(exc))
    folders_before = set(pathlib.Path("/tmp").glob("kundenbindung-pg-*"))
    with odoo_env.throwaway_database({}) as database:
        ready = subprocess.run(
            [os.path.join(bindir, "pg_isready"), "-h", database.host, "-p", str(database.port)], capture_output=True
        )
        assert ready.returncode == 0, ready.stdout
        assert database.user == "odoo"
        created = set(pathlib.Path("/tmp").glob("kundenbindung-pg-*")) - folders_before
        assert len(created) == 1
    assert not any(path.exists() for path in created)
    ready = subprocess.run(
        [os.path.join(bindir, "pg_isready"), "-h", "127.0.0.1", "-p", str(database.port)], capture_output=True
    )
    assert ready.returncode != 0


def test_given_database_settings_are_used_as_they_are():
    database = odoo_env.database_from_env(
        {"ODOO_DB_HOST": "db.local", "ODOO_DB_PORT": "5433", "ODOO_DB_USER": "u", "ODOO_DB_PASSWORD": "p"}
    )
    assert database.odoo_args() == [
        "--db_host",
        "db.local",
        "--db_port",
        "5433",
        "--db_user",
        "u",
        "--db_password",
        "p",
    ]
    assert odoo_env.database_from_env({}) is None
