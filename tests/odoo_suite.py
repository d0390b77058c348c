#!/usr/bin/env python3
"""Run the addon's Odoo test suite on a real Odoo 18.

Finds Odoo (``ODOO_PATH`` or an importable ``odoo``), starts a throwaway
PostgreSQL cluster (unless ``ODOO_DB_HOST`` & co. are given), installs the
addon and the development-only ``kundenbindung_demo`` (the demo generator
and bulk loader, with the loader's column-by-column test) with
``--test-enable`` on a new database, reads Odoo's log, prints
``N passed, N failed``, writes ``.test-results/odoo.json`` and exits non-zero
on a failed test, an install error, or any ERROR/CRITICAL log line (or a
warning from either addon). Without an Odoo 18 it prints one SKIPPED line
and exits 0.
"""

import argparse
import datetime
import json
import pathlib
import subprocess
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))

from harness.odoo_env import (  # noqa: E402
    ADDON,
    ADDONS,
    DEMO_ADDON,
    REPO,
    SKIP_LINE,
    addon_version,
    find_odoo,
    free_port,
    read_log,
    throwaway_database,
)

RESULTS = REPO / ".test-results"


def tagged_modules(test_tags):
    """Modules that Odoo's ``--test-tags`` ([-][tag][/module][:class][.method],
    comma separated) asks to test."""
    modules = set()
    for spec in test_tags.split(","):
        spec = spec.strip()
        if spec.startswith("-") or "/" not in spec:
            continue
        modules.add(spec.split("/", 1)[1].split(":")[0].split(".")[0])
    return modules


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--test-tags",
        default=",".join("/%s" % addon for addon in ADDONS),
        help="Odoo --test-tags (default: the tests of both addons)",
    )
    parser.add_argument("--db", default="kundenbindung_test", help="name of the new database")
    args = parser.parse_args(argv)

    odoo = find_odoo()
    if odoo is None:
        print(SKIP_LINE)
        return 0

    RESULTS.mkdir(exist_ok=True)
    log_path = RESULTS / "odoo.log"
    started = time.monotonic()
    print(
        "Odoo %s from %s; installing %s %s and %s with tests"
        % (odoo.version, odoo.source, ADDON, addon_version(), DEMO_ADDON)
    )
    with throwaway_database() as database:
        conn = database.connect("postgres")
        conn.autocommit = True
        with conn.cursor() as cr:
            cr.execute('DROP DATABASE IF EXISTS "%s"' % args.db)
        conn.close()
        command = odoo.command(
            "--addons-path=%s" % ",".join(odoo.addons_paths),
            *database.odoo_args(),
            "-d",
            args.db,
            "-i",
            ",".join(ADDONS),
            "--without-demo=all",
            "--test-enable",
            "--test-tags",
            args.test_tags,
            "--stop-after-init",
            "--log-level=info",
            "--http-interface=127.0.0.1",
            "--http-port=%d" % free_port(),
            "--max-cron-threads=0",
            "--data-dir=%s" % (RESULTS / "filestore"),
        )
        with open(log_path, "w", encoding="utf-8") as log:
            process = subprocess.run(command, env=odoo.env(), stdout=log, stderr=subprocess.STDOUT, check=False)
        states = {}
        try:
            conn = database.connect(args.db)
            with conn.cursor() as cr:
                cr.execute("SELECT name, state FROM ir_module_module WHERE name IN %s", (ADDONS,))
                states = dict(cr.fetchall())
            conn.close()
        except Exception as exc:  # noqa: BLE001 - reported below as "not installed"
            print("could not read the module state: %s" % str(exc).strip())
        conn = database.connect("postgres")
        conn.autocommit = True
        with conn.cursor() as cr:
            cr.execute('DROP DATABASE IF EXISTS "%s"' % args.db)
        conn.close()
    seconds = round(time.monotonic() - started, 1)

    with open(log_path, encoding="utf-8", errors="replace") as log:
        report = read_log(log)
    problems = []
    if process.returncode != 0:
        problems.append("Odoo exited with code %s" % process.returncode)
    for addon in ADDONS:
        if states.get(addon) != "installed":
            problems.append("%s is not installed (state: %s)" % (addon, states.get(addon)))
    if not report.result_seen or report.tests == 0:
        problems.append("no Odoo test of %s ran" % " or ".join(ADDONS))
    for addon in sorted(tagged_modules(args.test_tags) & set(ADDONS)):
        # each addon the test tags name must have run tests of its own
        if not report.tests_by_module.get(addon):
            problems.append("no Odoo test of %s ran" % addon)
    if report.failed or report.errors:
        problems.append("%d failed, %d error(s)" % (report.failed, report.errors))
    if report.error_lines:
        problems.append("%d ERROR/CRITICAL line(s) in the log" % len(report.error_lines))
    if report.addon_warnings:
        problems.append("%d warning(s) from the addons in the log" % len(report.addon_warnings))

    for line in (report.error_lines + report.addon_warnings)[:30]:
        print("  " + line[:400])
    result = {
        "odoo_version": odoo.version,
        "odoo_source": odoo.source,
        "addon_version": addon_version(),
        "tests": report.tests,
        "tests_by_addon": {addon: report.tests_by_module.get(addon, 0) for addon in ADDONS},
        "passed": report.passed,
        "failed": report.failed,
        "errors": report.errors,
        "log_errors": len(report.error_lines),
        "addon_warnings": len(report.addon_warnings),
        "installed": all(states.get(addon) == "installed" for addon in ADDONS),
        "seconds": seconds,
        "finished_at": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "log": str(log_path.relative_to(REPO)),
        "ok": not problems,
    }
    (RESULTS / "odoo.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    for problem in problems:
        print("FAILED: " + problem)
    print("Odoo log: %s, results: %s" % (log_path, RESULTS / "odoo.json"))
    failed = report.failed + report.errors
    if problems and not failed:
        failed = 1  # the run itself failed (install error, no test, error in the log)
    print("tests per addon: %s" % ", ".join("%s %d" % (a, report.tests_by_module.get(a, 0)) for a in ADDONS))
    print("odoo: %d passed, %d failed" % (report.passed, failed))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
