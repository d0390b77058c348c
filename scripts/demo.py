#!/usr/bin/env python3
"""make demo: a demo database with generated data, served on 127.0.0.1.

Keeps its PostgreSQL cluster under .demo/ (git-ignored) so the database
survives between runs; ``--reset`` builds it anew.
"""

import argparse
import json
import os
import pathlib
import subprocess
import sys
import time

REPO = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from harness.odoo_env import ADDON, DEMO_ADDON, Cluster, database_from_env, find_odoo, odoo_problem  # noqa: E402

DEMO_DIR = REPO / ".demo"
DB = "kundenbindung_demo"


def run(odoo, database, *args, log=None):
    command = odoo.command("--addons-path=%s" % ",".join(odoo.addons_paths), *database.odoo_args(), *args)
    result = subprocess.run(command, env=odoo.env(), stdout=log, stderr=subprocess.STDOUT, check=False)
    if result.returncode != 0:
        raise SystemExit("Odoo failed (%s): see %s" % (result.returncode, log.name if log else "output"))


def database_exists(database, name):
    conn = database.connect("postgres")
    try:
        with conn.cursor() as cr:
            cr.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
            return bool(cr.fetchone())
    finally:
        conn.close()


def print_figures(log_path):
    """The figures the steps of scripts/load_demo.py wrote to the log."""
    for line in log_path.read_text(encoding="utf-8").splitlines():
        if line.startswith("DEMO "):
            print("  " + json.dumps(json.loads(line[5:]), ensure_ascii=False))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--partners", type=int, default=2000)
    parser.add_argument(
        "--views", action="store_true", help="time every menu's first view through the web client's calls"
    )
    parser.add_argument("--invoice-lines", type=int, default=None)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--method", choices=["bulk", "orm"], default="bulk")
    parser.add_argument("--db", default=DB)
    parser.add_argument("--reset", action="store_true", help="drop and rebuild the demo database")
    parser.add_argument("--http-port", type=int, default=8069)
    parser.add_argument("--no-serve", action="store_true", help="build the database, do not serve it")
    parser.add_argument(
        "--segment-step-days", type=int, default=30, help="days between the segment runs (the last one is today)"
    )
    parser.add_argument(
        "--segment-runs",
        type=int,
        default=2,
        help="recompute the segments this many times after loading (and print the figures)",
    )
    parser.add_argument(
        "--baseline",
        action="store_true",
        help="time a bare aggregate SQL query over the invoice lines beside the segment runs",
    )
    parser.add_argument(
        "--duplicate-changed",
        type=int,
        default=0,
        help="partners edited before timing an incremental duplicate search (0: none)",
    )
    parser.add_argument(
        "--merge-pairs",
        type=int,
        default=0,
        help="sure pairs merged by Odoo and by the addon to time a merge (rolled back)",
    )
    parser.add_argument(
        "--effect-recipients",
        type=int,
        default=0,
        help="time the campaign effect update of a campaign with this many recipients (0: not)",
    )
    parser.add_argument(
        "--nps-partners",
        type=int,
        default=0,
        help="time the NPS send wizard for this many selected customers (0: not)",
    )
    parser.add_argument(
        "--posting-invoices",
        type=int,
        default=0,
        help="time posting this many invoices in one batch with the loyalty program on and off (0: not)",
    )
    parser.add_argument(
        "--first-night",
        action="store_true",
        help="switch automatic merging on and run the scheduled merge until no sure group is left",
    )
    parser.add_argument(
        "--cluster-runs", type=int, default=1, help="recompute the interest clusters this many times after the segments"
    )
    parser.add_argument(
        "--cluster-level",
        type=int,
        default=None,
        help="product category level the interests are counted on (default: the company's, 2)",
    )
    parser.add_argument(
        "--cluster-min-invoices",
        type=int,
        default=None,
        help="minimum invoices for a cluster (default: the company's, 3)",
    )
    parser.add_argument(
        "--cluster-window-months",
        type=int,
        default=None,
        help="window of the cluster runs only (default: the company's revenue window, 12)",
    )
    args = parser.parse_args(argv)

    odoo = find_odoo()
    if odoo is None:
        print("make demo needs Odoo 18. " + odoo_problem())
        return 2
    DEMO_DIR.mkdir(exist_ok=True)
    database = database_from_env()
    if database is None:
        port_file = DEMO_DIR / "pg-port"
        port = int(port_file.read_text()) if port_file.exists() else None
        cluster = Cluster(DEMO_DIR / "pg", port=port).init()
        port_file.write_text(str(cluster.port))
        database = cluster.database() if cluster.running() else cluster.start(fast=False)
    if args.reset and database_exists(database, args.db):
        conn = database.connect("postgres")
        conn.autocommit = True
        with conn.cursor() as cr:
            cr.execute('DROP DATABASE "%s"' % args.db)
        conn.close()

    log_path = DEMO_DIR / ("%s.log" % args.db)
    if not database_exists(database, args.db):
        started = time.monotonic()
        with open(log_path, "w", encoding="utf-8") as log:
            print("Creating %s (log: %s)" % (args.db, log_path))
            run(odoo, database, "-d", args.db, "-i", "base", "--without-demo=all", "--stop-after-init", log=log)
            load = [odoo.python, str(REPO / "scripts" / "load_demo.py")]
            odoo_args = ["--", "--addons-path=%s" % ",".join(odoo.addons_paths), *database.odoo_args(), "-d", args.db]

            def run_step(step, *step_args):
                """One step of scripts/load_demo.py in its own Odoo process,
                logged; when it fails, the figures of the steps before are
                printed all the same."""
                try:
                    subprocess.run(
                        [*load, step, *step_args, *odoo_args],
                        env=odoo.env(),
                        stdout=log,
                        stderr=subprocess.STDOUT,
                        check=True,
                    )
                except subprocess.CalledProcessError:
                    log.flush()
                    print("Step %s failed (log: %s); the figures so far:" % (step, log_path))
                    print_figures(log_path)
                    raise

            run_step("company")
            # the development-only addon holds the generator and the loader the data step runs
            print("Installing %s, %s and the German chart of accounts" % (ADDON, DEMO_ADDON))
            run(
                odoo,
                database,
                "-d",
                args.db,
                "-i",
                "l10n_de,%s,%s" % (ADDON, DEMO_ADDON),
                "--without-demo=all",
                "--stop-after-init",
                log=log,
            )
            print("Generating and loading %d partners" % args.partners)
            extra = [
                "--partners",
                str(args.partners),
                "--seed",
                str(args.seed),
                "--method",
                args.method,
                "--duplicates-csv",
                str(DEMO_DIR / ("%s-duplicates.csv" % args.db)),
            ]
            if args.invoice_lines:
                extra += ["--invoice-lines", str(args.invoice_lines)]
            run_step("data", *extra)
            # as after any bulk import: vacuum and analyse now, so that the
            # segment runs below neither plan on stale statistics nor share
            # the two cores with autovacuum
            print("VACUUM ANALYZE after the bulk load")
            conn = database.connect(args.db)
            conn.autocommit = True
            with conn.cursor() as cr:
                cr.execute("VACUUM ANALYZE")
            conn.close()
            print("Computing the customer segments")
            seg_args = ["--runs", str(args.segment_runs), "--step-days", str(args.segment_step_days)]
            seg_args += ["--baseline"] if args.baseline else []
            run_step("segments", *seg_args)
            print("Computing the interest clusters")
            cl_args = ["--runs", str(args.cluster_runs)]
            cl_args += ["--category-level", str(args.cluster_level)] if args.cluster_level else []
            cl_args += ["--min-invoices", str(args.cluster_min_invoices)] if args.cluster_min_invoices else []
            cl_args += ["--window-months", str(args.cluster_window_months)] if args.cluster_window_months else []
            run_step("clusters", *cl_args)
            print("Adding NPS answers and lost customers")
            run_step("nps", "--seed", str(args.seed))
            print("Creating demo campaigns")
            run_step("campaigns")
            print("Finding duplicate partners")
            dup_args = [
                "--duplicates-csv",
                str(DEMO_DIR / ("%s-duplicates.csv" % args.db)),
                "--changed",
                str(args.duplicate_changed),
                "--merge-pairs",
                str(args.merge_pairs),
            ]
            dup_args += ["--first-night"] if args.first_night else []
            run_step("duplicates", *dup_args)
            print("The contact form's duplicate warning: customers typed in again with a typo")
            run_step("door", "--seed", str(args.seed))
            print("A fair list of 10,000 rows imported, beside Odoo's own import")
            run_step(
                "import", "--seed", str(args.seed), "--duplicates-csv", str(DEMO_DIR / ("%s-duplicates.csv" % args.db))
            )
            # after the duplicates: at bench size it fails on a colliding card code (issue 24)
            print("Loyalty points from the last 6 months of invoices")
            run_step("loyalty")
            if args.posting_invoices:
                print("Posting %d invoices with the loyalty program on and off" % args.posting_invoices)
                run_step("posting", "--invoices", str(args.posting_invoices))
            if args.nps_partners:
                print("NPS send wizard for %d customers" % args.nps_partners)
                run_step("nps-send", "--nps-partners", str(args.nps_partners))
            if args.views:
                print("Every menu of the app as the web client opens it, as the admin and as a salesperson")
                run_step("views")
            if args.effect_recipients:
                print("Campaign effect update at %d recipients" % args.effect_recipients)
                run_step("effect", "--recipients", str(args.effect_recipients))
        print_figures(log_path)
        print("Built in %.0fs" % (time.monotonic() - started))
        conn = database.connect(args.db)
        with conn.cursor() as cr:
            cr.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
            size = cr.fetchone()[0]
            cr.execute(
                "SELECT (SELECT count(*) FROM res_partner), (SELECT count(*) FROM account_move), "
                "(SELECT count(*) FROM account_move_line WHERE display_type = 'product')"
            )
            partners, moves, lines = cr.fetchone()
        conn.close()
        print(
            "Database %s: %s; %d partners, %d invoices and credit notes, %d product lines"
            % (args.db, size, partners, moves, lines)
        )
    else:
        # an existing database gets the addon as it is now
        with open(log_path, "a", encoding="utf-8") as log:
            print("Updating %s in %s (log: %s)" % (ADDON, args.db, log_path))
            run(odoo, database, "-d", args.db, "-u", ADDON, "--stop-after-init", log=log)
    if args.no_serve:
        return 0
    url = "http://127.0.0.1:%d/web" % args.http_port
    print(
        "Serving %s at %s  (login: admin / password: admin; salespeople: katrin.vogel / katrin.vogel)" % (args.db, url)
    )
    print("True duplicate pairs: %s" % (DEMO_DIR / ("%s-duplicates.csv" % args.db)))
    sys.stdout.flush()
    command = odoo.command(
        "--addons-path=%s" % ",".join(odoo.addons_paths),
        *database.odoo_args(),
        "-d",
        args.db,
        "--db-filter=^%s$" % args.db,
        "--http-interface=127.0.0.1",
        "--http-port=%d" % args.http_port,
        "--max-cron-threads=1",
    )
    os.execvpe(command[0], command, odoo.env())


if __name__ == "__main__":
    sys.exit(main())
