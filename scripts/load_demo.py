#!/usr/bin/env python3
"""Inside Odoo: prepare the demo company, or generate and load demo data.

Run by ``scripts/demo.py`` with the Odoo package importable::

    load_demo.py company -- <odoo options>
    load_demo.py data --partners 2000 [--invoice-lines N] [--seed 42]
        [--method bulk|orm] [--duplicates-csv PATH] -- <odoo options>
    load_demo.py segments [--runs 1] [--step-days 1] [--baseline] -- <odoo options>
    load_demo.py clusters [--runs 1] [--category-level N] [--min-invoices N]
        [--window-months N] -- <odoo options>
    load_demo.py nps [--nps-share 0.3] [--seed 42] -- <odoo options>
    load_demo.py loyalty [--loyalty-months 6] -- <odoo options>
    load_demo.py campaigns -- <odoo options>
    load_demo.py duplicates [--duplicates-csv PATH] [--changed 1000]
        [--merge-pairs 20] [--seed 42] -- <odoo options>

``segments`` recomputes the customer segments of the demo company ``--runs``
times, ``--step-days`` apart and the last one as of today (the first
classifies, the next ones are what the scheduled action does), and prints
the figures of each run (extraction, engine, write-back,
peak memory); with ``--baseline`` it first times one bare aggregate SQL query
over the same invoice lines, and prints the ratio of each run to it.

``clusters`` recomputes the interest clusters ``--runs`` times (on level
``--category-level`` of the product categories, with at least
``--min-invoices`` invoices, over a window of ``--window-months`` for this
step only, each if given) and prints the figures of each run and the
clusters found.

``nps`` gives a share of the classified customers NPS answers over the last
18 months (lower scores the higher their churn risk; follow-up to-dos for
the last two weeks only) and marks about a third of the lost customers
lost with a reason.

``loyalty`` creates the invoice loyalty program (1 point per euro) and
awards the points of the last ``--loyalty-months`` of posted invoices and
credit notes through the same path as posting one, and prints how long a
document took.

``campaigns`` creates four campaigns of the demo company: a call to
every B customer through their salespeople, launched 45
days ago with a 20 % control group and its effect measured; a thank-you
email to the A customers (draft); a cross-selling call list for the
largest interest cluster, scheduled for next week; and a request for
referrals to the A customers from a loyalty index of 50, launched 60
days ago, the demo's recommendations by the customers it reached
counted as its referrals.

``duplicates`` searches the demo company's duplicates over all partners
(time, peak memory), measures the groups against the generator's true
pairs in ``--duplicates-csv`` (precision and recall of the candidates and of
what automatic merging would merge), edits ``--changed`` partners and times
the incremental search that follows, and times merging ``--merge-pairs``
sure pairs with Odoo's own merge and as many through the addon (journal
included); those merges are rolled back.

``<odoo options>`` are the usual ``-d``, ``--addons-path`` and ``--db_*``.
"""

import argparse
import datetime
import json
import pathlib
import resource
import sys
import time

from lxml import etree

import odoo
from odoo import SUPERUSER_ID, Command, api
from odoo.modules.registry import Registry

COMPANY = {
    "name": "Muster Bürobedarf GmbH",
    "street": "Industriestraße 12",
    "zip": "70565",
    "city": "Stuttgart",
    "phone": "+49 711 1234560",
    "email": "info@muster-buerobedarf.de",
    "website": "https://www.muster-buerobedarf.de",
}
SALESPEOPLE = (
    ("Katrin Vogel", "katrin.vogel"),
    ("Jörg Hansen", "joerg.hansen"),
    ("Selin Aydın", "selin.aydin"),
)


def setup_company(env):
    """A German company in EUR, before the accounting chart is installed,
    so that Odoo picks the German chart (SKR03) itself."""
    company = env.ref("base.main_company")
    euro = env.ref("base.EUR")
    euro.active = True
    company.write(dict(COMPANY, country_id=env.ref("base.de").id, currency_id=euro.id))
    env["res.lang"]._activate_lang("de_DE")
    env.ref("base.user_admin").write({"lang": "de_DE", "tz": "Europe/Berlin"})
    env.ref("base.partner_admin").write({"lang": "de_DE"})


def salespeople(env):
    from odoo.addons.kundenbindung_demo.tools.demo_loader import demo_salespeople

    return demo_salespeople(env, SALESPEOPLE)


def load_data(env, args):
    from odoo.addons.kundenbindung_demo.tools import demo_data
    from odoo.addons.kundenbindung_demo.tools.demo_loader import DemoLoader

    # German terms of modules installed before the language (country names, ...)
    env["ir.module.module"].search([("state", "=", "installed")])._update_translations(["de_DE"])
    started = time.monotonic()
    data = demo_data.generate(partners=args.partners, invoice_lines=args.invoice_lines, seed=args.seed)
    generated = time.monotonic() - started
    loader = DemoLoader(env, data, salespeople=salespeople(env))
    stats = loader.load(method=args.method)
    stats["generate_seconds"] = round(generated, 1)
    if args.duplicates_csv:
        path = pathlib.Path(args.duplicates_csv)
        path.parent.mkdir(parents=True, exist_ok=True)
        pairs = data.duplicates.assign(
            duplicate_id=data.duplicates["duplicate_key"].map(loader.partner_ids),
            original_id=data.duplicates["original_key"].map(loader.partner_ids),
        )
        pairs.to_csv(path, index=False)
        stats["duplicates_csv"] = str(path)
    stats["duplicate_pairs"] = len(data.duplicates)
    # referrals: about 3 % of the customers were recommended by another customer
    import random

    rng = random.Random(args.seed + 23)
    keys = data.customers.loc[data.customers["duplicate_of"] == "", "key"].tolist()
    referred = {}
    for key in keys:
        if rng.random() < 0.03:
            referrer = rng.choice(keys)
            if referrer != key:
                referred.setdefault(loader.partner_ids[referrer], []).append(loader.partner_ids[key])
    for referrer, partner_ids in referred.items():
        env["res.partner"].browse(partner_ids).write({"kundenbindung_referred_by_id": referrer})
    stats["referrals"] = sum(len(ids) for ids in referred.values())
    # the planted truth of the margins, for the segments step to check against
    planted = data.customers.loc[data.customers["sold_at_a_loss"], "key"].tolist()
    env["ir.config_parameter"].sudo().set_param("kundenbindung_demo.sold_at_a_loss", json.dumps(planted))
    stats["sold_at_a_loss"] = len(planted)
    fields = data.customers.loc[data.customers["planted_field"] != "", ["key", "planted_field"]]
    env["ir.config_parameter"].sudo().set_param(
        "kundenbindung_demo.portfolio", json.dumps(dict(zip(fields["key"], fields["planted_field"])))
    )
    # fresh statistics after a bulk load, as after any large import: without
    # them PostgreSQL plans the first queries for empty tables until
    # autovacuum catches up
    env.cr.execute("ANALYZE res_partner, account_move, account_move_line")
    stats["seconds"] = round(time.monotonic() - started, 1)
    return stats


def _peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def segments(env, args):
    company = env.company
    segmentation = env["kundenbindung.segmentation"]
    result = {"company": company.name}
    if args.baseline:
        import pandas as pd

        from odoo import fields

        today = pd.Timestamp(fields.Date.context_today(segmentation))
        date_from, date_to = segmentation._history_bounds(company, today)
        timings = []
        # twice: the second, warm run is the baseline (the runs below are warm too)
        for _i in range(2):
            started = time.perf_counter()
            env.cr.execute(
                """
                SELECT move.commercial_partner_id, SUM(-line.balance)
                  FROM account_move_line line
                  JOIN account_move move ON move.id = line.move_id
                 WHERE move.move_type IN ('out_invoice', 'out_refund') AND move.state = 'posted'
                   AND line.display_type = 'product' AND line.company_id = %s
                   AND move.invoice_date >= %s AND move.invoice_date < %s
              GROUP BY move.commercial_partner_id
                """,
                (company.id, date_from.date(), date_to.date()),
            )
            rows = env.cr.fetchall()
            timings.append(time.perf_counter() - started)
        env.cr.execute(
            "SELECT count(*) FROM account_move_line line JOIN account_move move ON move.id = line.move_id "
            "WHERE move.move_type IN ('out_invoice', 'out_refund') AND move.state = 'posted' "
            "AND line.display_type = 'product' AND line.company_id = %s",
            (company.id,),
        )
        result.update(baseline_seconds=round(timings[-1], 2), baseline_partners=len(rows), lines=env.cr.fetchone()[0])
    result["rss_before_mb"] = round(_peak_rss_mb())
    runs = []

    from odoo import fields as odoo_fields

    today = odoo_fields.Date.context_today(segmentation)
    dates = [today - datetime.timedelta(days=args.step_days * (args.runs - 1 - k)) for k in range(args.runs)]
    # the signs of loyalty and the index, timed on their own within each run
    Signals = type(env["kundenbindung.signals"])
    signals_compute = Signals._compute
    signal_seconds = []

    def timed_signals(self, *args, **kwargs):
        started = time.perf_counter()
        try:
            return signals_compute(self, *args, **kwargs)
        finally:
            signal_seconds.append(time.perf_counter() - started)

    Signals._compute = timed_signals
    for date in dates:
        signal_seconds.clear()
        stats = segmentation._compute_company(company, today=date)
        stats["signals_seconds"] = sum(signal_seconds)
        # committed like the scheduled action's run
        env.cr.commit()
        run = {key: round(value, 2) if isinstance(value, float) else value for key, value in stats.items()}
        run["date"] = str(date)
        run["peak_rss_mb"] = round(_peak_rss_mb())
        if args.baseline and result["baseline_seconds"]:
            run["ratio_to_baseline"] = round(stats["total_seconds"] / result["baseline_seconds"], 2)
        runs.append(run)
    Signals._compute = signals_compute
    result["runs"] = runs
    # beside it, the same run on revenue only: the margins, the cost to serve and the portfolio left out
    Segmentation = type(segmentation)
    with_margins = Segmentation._margin_figures
    Segmentation._margin_figures = lambda self, company, today: None
    try:
        stats = segmentation._compute_company(company, today=dates[-1])
    finally:
        Segmentation._margin_figures = with_margins
    env.cr.rollback()
    result["revenue_only_seconds"] = round(stats["total_seconds"], 2)
    segmentation._compute_company(company, today=dates[-1])
    env.cr.commit()
    result["margins"] = _margin_check(env, company)
    # the nightly job's last step for Retention over Time
    started = time.perf_counter()
    result["spells"] = env["kundenbindung.customer.spell"]._refresh(company, today)
    result["spells_seconds"] = round(time.perf_counter() - started, 2)
    env.cr.commit()
    return result


def _margin_check(env, company):
    """What the margins found on the demo against what the generator
    planted: the customers sold at a loss (their ``ref`` is the generator's
    key) and the category sold at a loss; the portfolio's fields."""
    Segment = env["kundenbindung.customer.segment"]
    domain = [("company_id", "=", company.id), ("abc_class", "!=", "none")]
    env.cr.execute(
        """SELECT partner.ref, segment.low_margin, segment.gross_margin < 0
             FROM kundenbindung_customer_segment segment JOIN res_partner partner ON partner.id = segment.partner_id
            WHERE segment.company_id = %s AND segment.abc_class <> 'none'""",
        (company.id,),
    )
    rows = env.cr.fetchall()
    planted = set(json.loads(env["ir.config_parameter"].sudo().get_param("kundenbindung_demo.sold_at_a_loss") or "[]"))
    negative = {ref for ref, _low, below in rows if below}
    categories = env["kundenbindung.category.margin"].search(
        [("company_id", "=", company.id), ("low_margin", "=", True)]
    )
    fields = json.loads(env["ir.config_parameter"].sudo().get_param("kundenbindung_demo.portfolio") or "{}")
    env.cr.execute(
        """SELECT partner.ref, segment.portfolio_field
             FROM kundenbindung_customer_segment segment JOIN res_partner partner ON partner.id = segment.partner_id
            WHERE segment.company_id = %s AND partner.ref = ANY(%s)""",
        (company.id, list(fields)),
    )
    placed = dict(env.cr.fetchall())
    confusion = {}
    for ref, field in fields.items():
        key = f"{field} -> {placed.get(ref) or 'none'}"
        confusion[key] = confusion.get(key, 0) + 1
    return {
        "customers": len(rows),
        "with_margin": Segment.search_count(domain + [("margin_percent", "!=", False)]),
        "negative_margin": len(negative),
        # those planted that bought in the window (the others have no margin to find)
        "planted_at_a_loss": len(planted & {ref for ref, _low, _below in rows}),
        "planted_found": len(planted & negative),
        "low_margin_categories": categories.mapped("category_id.complete_name"),
        "planted_fields": len(fields),
        "planted_in_their_field": sum(placed.get(ref) == field for ref, field in fields.items()),
        "planted_placed": dict(sorted(confusion.items())),
        "portfolio": dict(
            (field or "none", count) for field, count in Segment._read_group(domain, ["portfolio_field"], ["__count"])
        ),
    }


def clusters(env, args):
    """Interest clusters of the demo company, ``--runs`` times on the same
    data: the first run creates the clusters, the next ones show what a
    nightly recompute costs when little changed (and that identities hold)."""
    company = env.company
    if args.category_level:
        company.kundenbindung_config_id.cluster_category_level = args.category_level
    if args.min_invoices:
        company.kundenbindung_config_id.cluster_min_invoices = args.min_invoices
    # a longer window for this step only (the segments keep theirs)
    window = company.kundenbindung_config_id.window_months
    if args.window_months:
        company.kundenbindung_config_id.window_months = args.window_months
    clustering = env["kundenbindung.clustering"]
    result = {
        "company": company.name,
        "category_level": company.kundenbindung_config_id.cluster_category_level,
        "min_invoices": company.kundenbindung_config_id.cluster_min_invoices,
        "window_months": company.kundenbindung_config_id.window_months,
    }
    runs = []
    for _i in range(args.runs):
        before = set(env["kundenbindung.interest.cluster"].search([("company_id", "=", company.id)]).ids)
        stats = clustering._compute_company(company)
        env.cr.commit()
        after = set(env["kundenbindung.interest.cluster"].search([("company_id", "=", company.id)]).ids)
        run = {key: round(value, 2) if isinstance(value, float) else value for key, value in stats.items()}
        run["kept_clusters"] = len(before & after)
        run["peak_rss_mb"] = round(_peak_rss_mb())
        runs.append(run)
    company.kundenbindung_config_id.window_months = window
    result["runs"] = runs
    result["clusters"] = [
        {"name": c.name, "customers": c.size, "revenue_share": round(c.revenue_share, 3)}
        for c in env["kundenbindung.interest.cluster"].search([("company_id", "=", company.id)])
    ]
    return result


def nps(env, args):
    """NPS answers and lost customers for the demo: a sample of the
    classified customers answered over the last 18 months, the more at
    risk the lower their score; some lost customers have a reason."""
    import random

    from odoo import fields as odoo_fields

    rng = random.Random(args.seed)
    company = env.company
    today = odoo_fields.Date.context_today(env["res.partner"])
    segments = env["kundenbindung.customer.segment"].search(
        [("company_id", "=", company.id), ("abc_class", "in", ["A", "B", "C"])], order="partner_id"
    )
    sample = [s for s in segments if rng.random() < args.nps_share]
    reasons = {
        "detractor": [
            "Lieferung kam zu spät",
            "Preise zu stark gestiegen",
            "Ansprechpartner schwer erreichbar",
            "Falsche Ware geliefert",
            None,
        ],
        "passive": ["Alles in Ordnung", "Preis okay, Lieferzeit zu lang", None],
        "promoter": ["Schnelle Lieferung, super Beratung", "Immer zuverlässig", None],
    }
    centre = {"low": 8.7, "medium": 7.6, "high": 6.2, "lost": 4.8}
    # planted for "what makes promoters different": buyers of office furniture are happier
    env.cr.execute(
        """SELECT DISTINCT move.commercial_partner_id
             FROM account_move_line line
             JOIN account_move move ON move.id = line.move_id
             JOIN product_product product ON product.id = line.product_id
             JOIN product_template template ON template.id = product.product_tmpl_id
             JOIN product_category category ON category.id = template.categ_id
             JOIN product_category main ON main.id = category.parent_id
            WHERE move.company_id = %s AND main.name = 'Büromöbel'""",
        (company.id,),
    )
    furniture = {row[0] for row in env.cr.fetchall()}
    vals = []
    for segment in sample:
        for _k in range(rng.choice((1, 1, 2))):
            lift = 1.5 if segment.partner_id.id in furniture else 0.0
            score = max(0, min(10, round(rng.gauss(centre.get(segment.churn_level, 7.5) + lift, 1.8))))
            category = "promoter" if score >= 9 else "passive" if score >= 7 else "detractor"
            vals.append(
                {
                    "partner_id": segment.partner_id.id,
                    "company_id": company.id,
                    "score": score,
                    "date": today - datetime.timedelta(days=rng.randint(0, 540)),
                    "comment": rng.choice(reasons[category]),
                    "source": rng.choice(("survey", "manual")),
                }
            )
    # follow-up to-dos only for the answers of the last two weeks
    recent = [v for v in vals if (today - v["date"]).days <= 14]
    older = [v for v in vals if (today - v["date"]).days > 14]
    Response = env["kundenbindung.nps.response"]
    Response.with_context(tracking_disable=True).create(recent)
    company_followup = company.kundenbindung_config_id.nps_followup
    company.kundenbindung_config_id.nps_followup = False
    Response.with_context(tracking_disable=True).create(older)
    company.kundenbindung_config_id.nps_followup = company_followup
    lost = env["kundenbindung.customer.segment"].search(
        [("company_id", "=", company.id), ("churn_level", "=", "lost")], order="partner_id"
    )
    churn_reasons = env["kundenbindung.churn.reason"].search([])
    weights = [4, 2, 3, 5, 2, 2, 1][: len(churn_reasons)]
    losses = [
        {
            "partner_id": segment.partner_id.id,
            "company_id": company.id,
            "reason_id": rng.choices(churn_reasons.ids, weights=weights)[0],
            "date": today - datetime.timedelta(days=rng.randint(0, 300)),
        }
        for segment in lost
        if rng.random() < 0.3
    ]
    env["kundenbindung.customer.loss"].create(losses)
    return {"company": company.name, "nps_answers": len(vals), "followups": len(recent), "lost_marked": len(losses)}


def loyalty(env, args):
    """The invoice loyalty program of the demo company (1 point per euro),
    with the points of the last ``--loyalty-months`` of posted invoices
    awarded through the same path as a posting: 500 documents per batch,
    each in a savepoint; a batch that fails is pending and caught up here as
    the scheduled action does. Time, cards and peak memory."""

    from odoo import fields as odoo_fields

    Move = env["account.move"]
    company = env.company
    program = (
        company.kundenbindung_config_id.loyalty_program_id
        or company.kundenbindung_config_id.action_create_loyalty_program()
    )
    since = odoo_fields.Date.context_today(program) - datetime.timedelta(days=30 * args.loyalty_months)
    moves = Move.search(
        [
            ("company_id", "=", company.id),
            ("move_type", "in", ("out_invoice", "out_refund")),
            ("state", "=", "posted"),
            ("invoice_date", ">=", since),
        ],
        order="invoice_date, id",
    )
    rss_before = _peak_rss_mb()
    started = time.perf_counter()
    deferred = 0
    for start in range(0, len(moves), 500):
        batch = moves[start : start + 500]
        if not batch._kundenbindung_sync_loyalty_or_defer():
            deferred += len(batch)
        # what a posting's commit does: the cards' tracking messages, then a fresh cache
        env.flush_all()
        env.cr.precommit.run()
        env.invalidate_all()
    sync_seconds = time.perf_counter() - started
    catch_up = {"calls": 0, "done": 0, "failed": 0}
    while deferred:
        result = Move._cron_kundenbindung_loyalty_catch_up()
        env.flush_all()
        env.cr.precommit.run()
        env.invalidate_all()
        catch_up["calls"] += 1
        catch_up["done"] += result["done"]
        catch_up["failed"] = result["failed"]
        if not result["done"] or not result["remaining"]:
            break
    seconds = time.perf_counter() - started
    [(cards, points)] = env["loyalty.card"]._read_group(
        [("program_id", "=", program.id)], aggregates=["__count", "points:sum"]
    )
    return {
        "program": program.name,
        "documents": len(moves),
        "cards": cards,
        "points": round(points or 0.0),
        "seconds": round(seconds, 1),
        "sync_seconds": round(sync_seconds, 1),
        "per_document_ms": round(1000 * seconds / max(len(moves), 1), 2),
        "deferred": deferred,
        "catch_up": catch_up,
        "pending": Move.search_count([("kundenbindung_loyalty_pending", "=", True)]),
        "rss_before_mb": round(rss_before),
        "peak_rss_mb": round(_peak_rss_mb()),
    }


def posting(env, args):
    """What loyalty costs a posting: ``--invoices`` new invoices of
    different customers posted in one batch with the invoice loyalty
    program on and off, twice each, interleaved; every round is rolled
    back. Run after the loyalty step, so the customers' cards exist."""
    company = env.company
    program = (
        company.kundenbindung_config_id.loyalty_program_id
        or company.kundenbindung_config_id.action_create_loyalty_program()
    )
    env.cr.commit()
    customers = env["res.partner"].search(
        [("customer_rank", ">", 0), ("company_id", "in", [False, company.id]), ("is_company", "=", True)],
        limit=args.invoices,
        order="id",
    )
    product = env["product.product"].search([("sale_ok", "=", True)], limit=1)
    rounds = {"off": [], "on": []}
    for label in ("off", "on", "off", "on"):
        company.kundenbindung_config_id.loyalty_program_id = program if label == "on" else False
        moves = env["account.move"].create(
            [
                {
                    "move_type": "out_invoice",
                    "partner_id": customer.id,
                    "invoice_date": time.strftime("%Y-%m-%d"),
                    "invoice_line_ids": [(0, 0, {"product_id": product.id, "quantity": 2, "price_unit": 50.0})],
                }
                for customer in customers
            ]
        )
        env.flush_all()
        started = time.perf_counter()
        moves.action_post()
        env.flush_all()
        rounds[label].append(time.perf_counter() - started)
        env.cr.rollback()
        env.invalidate_all()
    off, on = min(rounds["off"]), min(rounds["on"])
    return {
        "invoices": len(customers),
        "post_seconds_program_off": round(off, 2),
        "post_seconds_program_on": round(on, 2),
        "ratio": round(on / off, 3) if off else None,
        "rounds": {label: [round(t, 2) for t in times] for label, times in rounds.items()},
    }


def campaigns(env, args):
    """Four demo campaigns (see the module's docstring)."""

    Campaign = env["kundenbindung.campaign"].with_context(default_user_id=env.ref("base.user_admin").id)
    company = env.company
    today = datetime.date.today()
    winback = Campaign.create(
        {
            "name": "B-Kunden halten: persönlicher Anruf",
            "goal": "winback",
            "channel": "activity",
            "abc_b": True,
            "control_share": 20,
            "effect_days": 90,
            "note": "<p>Anrufen, nach Gründen fragen, ein Angebot zum Lieblingssortiment machen.</p>",
        }
    )
    winback.action_launch()
    winback.launched_date = today - datetime.timedelta(days=45)
    winback._update_effect(today)
    thanks = Campaign.create(
        {
            "name": "Danke an unsere A-Kunden",
            "goal": "thankyou",
            "channel": "email",
            "abc_a": True,
            "subject": "Danke für Ihre Treue",
            "note": "<p>Liebe Kundin, lieber Kunde, herzlichen Dank für die gute Zusammenarbeit.</p>",
        }
    )
    cluster = env["kundenbindung.interest.cluster"].search(
        [("company_id", "=", company.id)], order="size desc", limit=1
    )
    crosssell = Campaign.create(
        {
            "name": "Cross-Selling: %s" % (cluster.name or "Cluster"),
            "goal": "crosssell",
            "channel": "call_list",
            "abc_a": True,
            "abc_b": True,
            "cluster_ids": [(6, 0, cluster.ids)],
            "launch_date": today + datetime.timedelta(days=7),
        }
    )
    crosssell.action_schedule()
    # A customers loyal enough to ask for a recommendation, launched 60 days ago; the demo's
    # recommendations by the customers it reached are taken as their answers
    referral = Campaign.create(
        {
            "name": "Kunden werben Kunden",
            "goal": "referral",
            "channel": "activity",
            "abc_a": True,
            "loyalty_index_min": 50,
            "control_share": 20,
            "effect_days": 120,
            "note": "<p>Zufriedene Kunden um eine Empfehlung bitten; als Dank gibt es Treuepunkte.</p>",
        }
    )
    referral.action_launch()
    referral.launched_date = today - datetime.timedelta(days=60)
    reached = referral.recipient_ids.filtered(lambda r: not r.control).partner_id
    answered = env["res.partner"].search([("kundenbindung_referred_by_id", "in", reached.ids)])
    answered.kundenbindung_referral_campaign_id = referral
    referral._update_effect(today)
    return {
        "winback": {
            "reached": winback.recipient_count,
            "control": winback.control_count,
            "activities": winback.activity_count,
            "revenue_before": round(winback.revenue_before, 2),
            "revenue_after": round(winback.revenue_after, 2),
            "uplift": round(winback.uplift, 2),
        },
        "thankyou_target": thanks.target_count,
        "crosssell_target": crosssell.target_count,
        "referral": {
            "reached": referral.recipient_count,
            "referrals": referral.referral_count,
            "referred_revenue": round(referral.referred_revenue, 2),
        },
    }


def campaign_effect(env, args):
    """The campaign effect update at ``--recipients`` recipients (the
    customers with the most invoices), first and second run: the figures
    written in one statement, and nothing rewritten when nothing changed."""
    env.cr.execute(
        """SELECT commercial_partner_id FROM account_move
            WHERE move_type = 'out_invoice' AND state = 'posted' AND company_id = %s
            GROUP BY commercial_partner_id ORDER BY COUNT(*) DESC, commercial_partner_id LIMIT %s""",
        [env.company.id, args.recipients],
    )
    partner_ids = [row[0] for row in env.cr.fetchall()]
    campaign = (
        env["kundenbindung.campaign"]
        .sudo()
        .create({"name": "Bench: Wirkung", "channel": "call_list", "partner_ids": [(6, 0, partner_ids[:1])]})
    )
    env.cr.execute(
        """INSERT INTO kundenbindung_campaign_recipient (campaign_id, company_id, partner_id, control)
           SELECT %s, %s, partner_id, (ordinality %% 5 = 0) FROM UNNEST(%s::int[]) WITH ORDINALITY AS t(partner_id)""",
        [campaign.id, env.company.id, partner_ids],
    )
    campaign.write({"state": "running", "launched_date": datetime.date.today() - datetime.timedelta(days=45)})
    # launched on an earlier day, as the daily update finds it (rows written by the
    # same transaction would make PostgreSQL check every foreign key of an update)
    env.cr.commit()
    timings = []
    try:
        for _run in range(2):
            started = time.perf_counter()
            campaign._update_effect()
            env.flush_all()
            timings.append(round(time.perf_counter() - started, 2))
        result = {
            "recipients": len(partner_ids),
            "first_seconds": timings[0],
            "second_seconds": timings[1],
            "uplift": round(campaign.uplift, 2),
        }
    finally:
        # a bench campaign is not left behind
        env.cr.rollback()
        campaign.unlink()
        env.cr.commit()
    return result


def nps_send(env, args):
    """The NPS send wizard for ``--nps-partners`` customers selected in a
    list: the seconds until the form shows its figures (the web client's
    onchange with the form's fields, as when opening it from a list of that
    many contacts), and the seconds to save it (Send saves first)."""

    env.cr.execute(
        "SELECT id FROM res_partner WHERE active AND parent_id IS NULL AND customer_rank > 0 ORDER BY id LIMIT %s",
        [args.nps_partners],
    )
    partner_ids = [row[0] for row in env.cr.fetchall()]
    Wizard = env["kundenbindung.nps.send"].with_context(active_model="res.partner", active_ids=partner_ids)
    spec = _spec(Wizard, Wizard.get_views([(False, "form")])["views"]["form"]["arch"])
    timings = {"open": [], "save": []}
    for _run in range(2):
        env.invalidate_all()
        started = time.perf_counter()
        values = Wizard.onchange({}, [], spec)["value"]
        timings["open"].append(round(time.perf_counter() - started, 2))
        env.invalidate_all()
        started = time.perf_counter()
        Wizard.create({"selection": values["selection"]})
        env.flush_all()
        timings["save"].append(round(time.perf_counter() - started, 2))
    return {
        "partners": len(partner_ids),
        "open_seconds": timings["open"],
        "save_seconds": timings["save"],
        "recipients_skipped_no_email": [
            values[name] for name in ("recipient_count", "skipped_count", "no_email_count")
        ],
    }


def _spec(Model, arch):
    """The web client's specification of the fields of a view (relational
    fields with their display name, as the views read them)."""
    spec = {}
    for node in etree.fromstring(arch).iter("field"):
        name = node.get("name")
        # the fields of a sub-view (a one2many's list) belong to the other model
        if name in Model._fields and not any(parent.tag == "field" for parent in node.iterancestors()):
            field = Model._fields[name]
            spec[name] = {"fields": {"display_name": {}}} if field.relational else {}
    return spec


def _eval_context(env, context=None):
    """What the web client evaluates an action's or a filter's domain with."""
    from odoo.tools.safe_eval import datetime as safe_datetime
    from odoo.tools.safe_eval import dateutil, time

    return {
        "uid": env.uid,
        "context_today": datetime.date.today,
        "datetime": safe_datetime,
        "relativedelta": dateutil.relativedelta.relativedelta,
        "time": time,
        "context": context or {},
        "active_id": False,
        "active_ids": [],
    }


def _search_defaults(env, Model, search_arch, context):
    """Domain and group-by of the ``search_default_*`` filters of an action,
    as the web client's search panel applies them."""
    from odoo.tools.safe_eval import safe_eval

    eval_context = _eval_context(env, context)
    domain, groupby = [], []
    filters = {node.get("name"): node for node in etree.fromstring(search_arch).iter("filter")}
    for key, value in context.items():
        if not key.startswith("search_default_") or not value:
            continue
        node = filters.get(key[len("search_default_") :])
        if node is None:
            continue
        if node.get("domain"):
            domain += safe_eval(node.get("domain"), eval_context)
        if node.get("context"):
            group = safe_eval(node.get("context"), eval_context).get("group_by")
            if group:
                groupby.append(group)
    return domain, groupby


# Odoo's own menus on the same data, timed beside the addon's
PEER_MENUS = ("contacts.res_partner_menu_contacts", "account.menu_action_move_out_invoice_type", "sale.menu_sale_order")


def _salesperson(env):
    """A salesperson who sees her own customers only."""
    return env["res.users"].search(
        [
            ("groups_id", "in", env.ref("sales_team.group_sale_salesman").id),
            ("groups_id", "not in", env.ref("sales_team.group_sale_salesman_all_leads").id),
            ("share", "=", False),
        ],
        limit=1,
    )


def views(env, args):
    """Every menu of the app as the web client opens it, as the admin (all
    customers) and as a salesperson (their own): the seconds of the calls
    the client makes for the menu's first view (a list or kanban's search
    and read, the groups of a grouped kanban, a pivot or graph's
    aggregates, a form's onchange or read), twice each."""

    from odoo.tools.safe_eval import safe_eval

    root = env.ref("kundenbindung_addon.kundenbindung_menu_root")
    salesman = _salesperson(env)
    users = [("admin", env.ref("base.user_admin"))] + ([("salesperson", salesman)] if salesman else [])
    result = {"partners": env["res.partner"].search_count([]), "views": {}}
    root_menus = set(env["ir.ui.menu"].search([("id", "child_of", root.id)]).ids)
    for role, user in users:
        uenv = env(user=user, context={"lang": "de_DE", "tz": "Europe/Berlin"}, su=False)
        # the menus the client shows the user
        visible = uenv["ir.ui.menu"]._visible_menu_ids()
        menus = uenv["ir.ui.menu"].search([("id", "child_of", root.id), ("action", "!=", False)], order="id")
        # the peers beside them: Odoo's own lists of the same customers and invoices
        for xmlid in PEER_MENUS:
            menus |= uenv.ref(xmlid, raise_if_not_found=False) or uenv["ir.ui.menu"]
        for menu in menus:
            if not all(int(i) in visible for i in menu.parent_path.split("/")[:-1]):
                continue
            action = menu.action
            if not action:
                continue
            if action._name == "ir.actions.server":
                data = action.with_env(uenv).run()
            elif action._name == "ir.actions.act_window":
                data = action.with_env(uenv).sudo().read()[0]
            else:
                continue
            if not data or data.get("type") != "ir.actions.act_window":
                continue
            context = data.get("context") or {}
            if isinstance(context, str):
                context = safe_eval(context, _eval_context(uenv))
            Model = uenv[data["res_model"]].with_context(**context)
            views_of = data.get("views") or [(False, mode) for mode in data["view_mode"].split(",")]
            view_id, view_type = views_of[0]
            if isinstance(view_id, list | tuple):
                view_id = view_id[0]
            search_view = data.get("search_view_id")
            search_view = search_view[0] if isinstance(search_view, list | tuple) else search_view
            domain = data.get("domain") or []
            if isinstance(domain, str):
                domain = safe_eval(domain, _eval_context(uenv, context))
            timings = []
            for _run in range(2):
                env.invalidate_all()
                started = time.perf_counter()
                described = Model.get_views([(view_id, view_type), (search_view or False, "search")])
                arch = described["views"][view_type]["arch"]
                search_domain, groupby = _search_defaults(uenv, Model, described["views"]["search"]["arch"], context)
                full = domain + search_domain
                spec = _spec(Model, arch)
                if view_type == "form":
                    if data.get("res_id"):
                        Model.browse(data["res_id"]).web_read(spec)
                    else:
                        Model.onchange({}, [], spec)
                elif view_type in ("pivot", "graph"):
                    tree = etree.fromstring(arch)
                    rows = [n.get("name") for n in tree.iter("field") if n.get("type") in ("row", "col")] or groupby
                    measures = [n.get("name") for n in tree.iter("field") if n.get("type") == "measure"]
                    Model.read_group(full, [f"{m}:sum" for m in measures] or ["__count"], rows[:2], lazy=False)
                elif view_type == "kanban":
                    default = etree.fromstring(arch).get("default_group_by")
                    group = groupby[:1] or ([default] if default else [])
                    if group:
                        groups = Model.web_read_group(full, [], group, limit=80)["groups"]
                        for found in groups[:10]:
                            Model.web_search_read(found["__domain"], spec, limit=40)
                    else:
                        Model.web_search_read(full, spec, limit=40, count_limit=10001)
                elif view_type == "list":
                    if groupby:
                        Model.web_read_group(full, [], groupby[:1], limit=80)
                    else:
                        Model.web_search_read(full, spec, limit=80, count_limit=10001)
                else:
                    continue
                timings.append(round(time.perf_counter() - started, 2))
            if timings:
                label = menu.complete_name if menu.id not in root_menus else menu.complete_name.split("/", 1)[-1]
                result["views"].setdefault(label.strip(), {})[role] = timings
    env.cr.rollback()
    # the first call of a view also loads its definition and warms the caches; the second is a worker's day
    timings = [t for by_role in result["views"].values() for t in by_role.values()]
    result["slowest_first_seconds"] = max((t[0] for t in timings), default=0.0)
    result["slowest_warm_seconds"] = max((t[-1] for t in timings), default=0.0)
    return result


def _entity_pairs(groups, entity):
    """Member pairs of each group, and whether both are one customer."""
    found = []
    for members in groups:
        members = sorted(members)
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                found.append(entity.get(a, a) == entity.get(b, b))
    return found


def duplicates(env, args):
    """Duplicate search of the demo company: full run, quality against the
    true pairs, incremental run after edits, merge time per pair."""
    import random

    import pandas as pd

    company = env.company
    detection = env["kundenbindung.duplicate.detection"]
    result = {"company": company.name}
    started = time.perf_counter()
    stats = detection._detect_company(company, full=True)
    env.cr.commit()
    result["full"] = {
        **stats,
        "wall_seconds": round(time.perf_counter() - started, 2),
        "peak_rss_mb": round(_peak_rss_mb()),
    }

    # quality: every pair of members of a group, true when both are one customer
    if args.duplicates_csv and pathlib.Path(args.duplicates_csv).exists():
        truth = pd.read_csv(args.duplicates_csv)
        entity = dict(zip(truth["duplicate_id"], truth["original_id"]))
        entity.update({o: o for o in truth["original_id"]})
        auto = company.kundenbindung_config_id.duplicate_auto_score
        env.cr.execute(
            """SELECT g.weakest_score, array_agg(r.partner_id) FROM kundenbindung_duplicate_group g
                 JOIN kundenbindung_duplicate_group_partner_rel r ON r.group_id = g.id
                WHERE g.company_id = %s AND g.state IN ('new', 'review') GROUP BY g.id""",
            [company.id],
        )
        rows = env.cr.fetchall()
        truth_pairs = len(truth)
        for label, chosen in (("review", rows), ("auto_merge", [r for r in rows if (r[0] or 0) >= auto])):
            pairs = _entity_pairs([members for _score, members in chosen], entity)
            together = {frozenset(m) for _s, members in chosen for m in [members]}
            member_group = {p: i for i, members in enumerate(together) for p in members}
            caught = sum(
                1
                for d, o in zip(truth["duplicate_id"], truth["original_id"])
                if d in member_group and member_group.get(d) == member_group.get(o)
            )
            result[label] = {
                "groups": len(chosen),
                "member_pairs": len(pairs),
                "precision": round(sum(pairs) / len(pairs), 4) if pairs else None,
                "recall": round(caught / truth_pairs, 4) if truth_pairs else None,
                "true_pairs": truth_pairs,
            }

    # incremental: a day's edits, then the scheduled search
    rng = random.Random(args.seed)
    env.cr.execute(
        "SELECT partner_id FROM kundenbindung_duplicate_key k JOIN res_partner p ON p.id = k.partner_id "
        "WHERE p.active ORDER BY partner_id"
    )
    ids = [r[0] for r in env.cr.fetchall()]
    edited = rng.sample(ids, min(args.changed, len(ids)))
    half = len(edited) // 2
    # new values on every run (a salt from the clock), as a day of real edits would have
    salt = int(time.time()) % 100000
    env.cr.execute(
        "UPDATE res_partner SET phone = '+49 30 ' || (1000000 + (id * 7 + %s) %% 8999999)::text, "
        "write_date = now() WHERE id = ANY(%s)",
        [salt, edited[:half]],
    )
    env.cr.execute(
        "UPDATE res_partner SET email = 'neu.' || id::text || '.' || %s::text || '@example.de', "
        "write_date = now() WHERE id = ANY(%s)",
        [salt, edited[half:]],
    )
    env.cr.commit()
    env.invalidate_all()
    company.invalidate_recordset()
    started = time.perf_counter()
    stats = detection._detect_company(company)
    env.cr.commit()
    result["incremental"] = {**stats, "edited": len(edited), "wall_seconds": round(time.perf_counter() - started, 2)}

    # merging: Odoo's own merge against the addon's (journal, note), rolled back
    Group = env["kundenbindung.duplicate.group"]
    sure = Group.search(
        [
            ("company_id", "=", company.id),
            ("state", "=", "new"),
            ("weakest_score", ">=", company.kundenbindung_config_id.duplicate_auto_score),
            ("partner_count", "=", 2),
        ],
        limit=5 * args.merge_pairs,
    )
    sure = sure.filtered(lambda g: not g._merge_blockers())[: 3 * args.merge_pairs]
    wizard = env["base.partner.merge.automatic.wizard"]
    n = args.merge_pairs
    timings = {"odoo_wizard": 0.0, "odoo_merge": 0.0, "addon": 0.0}
    # interleaved, so that none profits from another's warm caches
    for by_wizard, by_merge, by_addon in zip(sure[:n], sure[n : 2 * n], sure[2 * n :]):
        # Contacts > select > Merge: the wizard as a user drives it
        started = time.perf_counter()
        ids = by_wizard.partner_ids.ids
        wizard.with_context(active_model="res.partner", active_ids=ids).create({}).action_merge()
        env.flush_all()
        timings["odoo_wizard"] += time.perf_counter() - started
        # the wizard's merge alone, the destination chosen by Odoo
        started = time.perf_counter()
        wizard._merge(by_merge.partner_ids.ids)
        env.flush_all()
        timings["odoo_merge"] += time.perf_counter() - started
        started = time.perf_counter()
        by_addon._merge()
        env.flush_all()
        timings["addon"] += time.perf_counter() - started
    done = len(sure) // 3
    result["merge"] = {"pairs_each": done}
    result["merge"].update(
        {f"{key}_ms_per_pair": round(1000 * value / done) if done else None for key, value in timings.items()}
    )
    env.cr.rollback()
    if args.first_night:
        result["night"] = _first_night(env, company, args)
    return result


def _typo(name, rng):
    """One typing error in a name: two letters swapped, one dropped or doubled."""
    letters = [i for i, ch in enumerate(name) if ch.isalpha()]
    if len(letters) < 4:
        return name + "e"
    i = rng.choice(letters[1:-1])
    kind = rng.randrange(3)
    if kind == 0:
        return name[:i] + name[i + 1] + name[i] + name[i + 2 :]
    if kind == 1:
        return name[:i] + name[i + 1 :]
    return name[:i] + name[i] + name[i:]


def door(env, args):
    """The warning of the contact form at this size: ``--probes`` existing
    customers typed in again (a typo in the name, then their phone) by a
    salesperson, timed through the form's onchange as the web client calls
    it; beside it, the same onchange without the warning (Odoo's own form,
    its VAT check included). Also the share of them the warning names."""
    import random
    import statistics

    rng = random.Random(args.seed)
    Partner = env["res.partner"]
    user = _salesperson(env) or env.ref("base.user_admin")
    uenv = env(user=user, context={"lang": "de_DE", "tz": "Europe/Berlin"}, su=False)
    arch = Partner.with_env(uenv).get_views([(False, "form")])["views"]["form"]["arch"]
    spec = _spec(Partner, arch)
    peer_spec = {name: value for name, value in spec.items() if name != "kundenbindung_likely_duplicates"}
    env.cr.execute(
        """SELECT p.id, p.name, p.phone, p.zip, p.city, p.street FROM res_partner p
            WHERE p.active AND p.customer_rank > 0 AND NOT p.is_company AND p.phone IS NOT NULL
              AND p.zip IS NOT NULL AND (p.company_id IS NULL OR p.company_id = %s)
            ORDER BY p.id""",
        [env.company.id],
    )
    rows = env.cr.fetchall()
    chosen = rng.sample(rows, min(args.probes, len(rows)))
    timings = {"warning": [], "odoo": []}
    named = 0
    UPartner = Partner.with_env(uenv)
    for partner_id, name, phone, zip_code, city, street in chosen:
        values = {
            **{field: False for field in spec},
            "name": _typo(name, rng),
            "phone": phone,
            "zip": zip_code,
            "city": city,
            "street": street,
        }
        values.pop("id", None)
        for key, field_spec in (("warning", spec), ("odoo", peer_spec)):
            started = time.perf_counter()
            result = UPartner.onchange({k: v for k, v in values.items() if k in field_spec}, ["phone"], field_spec)
            timings[key].append(1000 * (time.perf_counter() - started))
            if key == "warning":
                found = (result.get("value", {}).get("kundenbindung_likely_duplicates") or {}).get("matches", [])
                named += any(match["id"] == partner_id for match in found)
        env.invalidate_all()

    def summary(values):
        values = sorted(values)
        return {
            "median_ms": round(statistics.median(values), 1),
            "p95_ms": round(values[int(0.95 * (len(values) - 1))], 1),
            "max_ms": round(values[-1], 1),
        }

    env.cr.rollback()
    return {
        "partners": Partner.search_count([]),
        "user": user.login,
        "probes": len(chosen),
        "warned_of_the_customer": round(named / len(chosen), 4) if chosen else None,
        "form_onchange_with_warning": summary(timings["warning"]),
        "peer_odoo_form_onchange": summary(timings["odoo"]),
    }


def contact_import(env, args):
    """A fair list of ``--rows`` rows (a share of them existing customers,
    written again with a typo or another phone format; the rest new
    people) imported through the addon, as a salesperson with contact
    rights: the preview (every row matched) and the import, timed; how
    many existing customers it recognised. Beside it Odoo's own import
    (``load``) of the same rows, which matches nothing. Rolled back."""
    import base64
    import csv
    import io
    import random

    rng = random.Random(args.seed)
    env.cr.execute(
        """SELECT p.id, p.name, p.street, p.zip, p.city, p.phone, p.email FROM res_partner p
            WHERE p.active AND p.customer_rank > 0 AND NOT p.is_company AND p.phone IS NOT NULL
              AND (p.company_id IS NULL OR p.company_id = %s) ORDER BY p.id""",
        [env.company.id],
    )
    customers = env.cr.fetchall()
    known = rng.sample(customers, min(int(args.rows * 0.3), len(customers)))
    rows, truth = [], {}
    for partner_id, name, street, zip_code, city, phone, email in known:
        name = _typo(name, rng) if rng.random() < 0.5 else name
        phone = phone.replace(" ", "") if rng.random() < 0.5 else phone
        truth[len(rows)] = partner_id
        rows.append([name, street or "", zip_code or "", city or "", phone, email or ""])
    # new visitors: names from syllables (tens of thousands of them), towns, streets and numbers of their own
    given = ["Lena", "Jonas", "Mia", "Paul", "Emma", "Finn", "Hannah", "Luis", "Sophie", "Noah", "Clara", "Ben"]
    given += ["Ida", "Emil", "Frieda", "Oskar", "Greta", "Anton", "Lotte", "Jakob", "Marie", "Henri", "Nele", "Karl"]
    heads = ["Achter", "Brede", "Czer", "Dohl", "Eil", "Fuchs", "Ger", "Hinz", "Ilse", "Jung", "Kort", "Lind", "Moor"]
    heads += ["Nord", "Ost", "Pahl", "Quast", "Roh", "Stein", "Thal", "Ull", "Vogt", "Wend", "Zell", "Bus", "Dam"]
    tails = ["berg", "meier", "mann", "feld", "hoff", "rich", "wald", "ke", "bach", "brink", "hagen", "mund"]
    tails += ["stedt", "kamp", "loh", "ner", "horst", "ow", "itz", "er", "sen", "beck", "dorf", "ing"]
    towns = ["Leipzig", "Chemnitz", "Halle", "Erfurt", "Jena", "Gera", "Zwickau", "Plauen", "Dessau", "Weimar"]
    streets = ["Messeweg", "Lindenstraße", "Bahnhofstraße", "Gartenweg", "Schulstraße", "Am Markt", "Ringstraße"]
    while len(rows) < args.rows:
        first = rng.choice(given)
        last = rng.choice(heads) + rng.choice(tails) + rng.choice(["", "-" + rng.choice(heads) + rng.choice(tails)])
        rows.append(
            [
                f"{first} {last}",
                f"{rng.choice(streets)} {rng.randrange(1, 120)}",
                f"{rng.randrange(1000, 99999):05d}",
                rng.choice(towns),
                f"0{rng.randrange(30, 999)} {rng.randrange(100000, 9999999)}",
                f"{first.lower()}.{last.lower()}@{rng.choice(['web.de', 'gmx.de', 't-online.de', 'posteo.de'])}",
            ]
        )
    header = ["Name", "Straße", "PLZ", "Ort", "Telefon", "E-Mail"]
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(header)
    writer.writerows(rows)
    user = _salesperson(env) or env.ref("base.user_admin")
    if not user.has_group("base.group_partner_manager"):
        user.groups_id = [Command.link(env.ref("base.group_partner_manager").id)]
    uenv = env(user=user, context={"lang": "de_DE", "tz": "Europe/Berlin"}, su=False)
    imp = uenv["kundenbindung.contact.import"].create(
        {"name": "Messe", "file": base64.b64encode(buffer.getvalue().encode()), "filename": "messe.csv"}
    )
    partners = env["res.partner"].search_count([])
    started = time.perf_counter()
    imp.action_preview()
    preview = time.perf_counter() - started
    lines = {line.row - 2: line for line in imp.line_ids}
    recognised = sum(1 for k, pid in truth.items() if lines[k].decision in ("existing", "review"))
    right = sum(1 for k, pid in truth.items() if lines[k].decision == "existing" and lines[k].partner_id.id == pid)
    # the bench holds planted duplicates: a row may match its customer's planted twin, the same customer
    entity = {}
    if args.duplicates_csv and pathlib.Path(args.duplicates_csv).exists():
        import pandas as pd

        planted = pd.read_csv(args.duplicates_csv)
        entity = dict(zip(planted["duplicate_id"], planted["original_id"]))
    same_customer = sum(
        1
        for k, pid in truth.items()
        if lines[k].decision == "existing"
        and entity.get(lines[k].partner_id.id, lines[k].partner_id.id) == entity.get(pid, pid)
    )
    existing = sum(1 for line in lines.values() if line.decision == "existing")
    false_existing = sum(1 for k, line in lines.items() if line.decision == "existing" and k not in truth)
    # what the new visitors taken for review looked like (a sample)
    sample = [
        [line.name, line.partner_id.name or "", line.score, line.evidence or "", line.same_row]
        for k, line in sorted(lines.items())
        if k not in truth and line.decision == "review"
    ][:8]
    started = time.perf_counter()
    pending = imp._pending()
    for start in range(0, len(pending), 500):
        imp._import_lines(pending[start : start + 500])
    env.flush_all()
    imported = time.perf_counter() - started
    created = env["res.partner"].search_count([]) - partners
    result = {
        "partners": partners,
        "rows": len(rows),
        "known_rows": len(truth),
        "preview_seconds": round(preview, 1),
        "import_seconds": round(imported, 1),
        "total_seconds": round(preview + imported, 1),
        "counts": {"new": imp.new_count, "existing": imp.existing_count, "review": imp.review_count},
        "known_recognised": round(recognised / len(truth), 4) if truth else None,
        "known_same_partner": round(right / len(truth), 4) if truth else None,
        "known_same_customer": round(same_customer / len(truth), 4) if truth and entity else None,
        "existing_precision": round((existing - false_existing) / existing, 4) if existing else None,
        "created": created,
        "new_rows_reviewed_sample": sample,
    }
    env.cr.rollback()
    # the peer: Odoo's own import of the same rows (Contacts > Import), which creates every row
    started = time.perf_counter()
    loaded = uenv["res.partner"].load(
        ["name", "street", "zip", "city", "phone", "email"], [[str(v) for v in row] for row in rows]
    )
    env.flush_all()
    result["peer_odoo_import"] = {
        "seconds": round(time.perf_counter() - started, 1),
        "created": len(loaded.get("ids") or []),
        "known_created_again": len(truth),
    }
    env.cr.rollback()
    return result


def _first_night(env, company, args):
    """The first night with automatic merging switched on: the scheduled
    merge called again and again, each call committed, as Odoo's scheduler
    does, until no sure group is left. Some members of sure groups get a
    posted invoice in a journal locked with hashes first; afterwards Odoo's
    integrity check must still say verified."""
    Group = env["kundenbindung.duplicate.group"]
    sure = Group.search(
        [
            ("company_id", "=", company.id),
            ("state", "=", "new"),
            ("weakest_score", ">=", company.kundenbindung_config_id.duplicate_auto_score),
        ],
        order="id",
        limit=args.hashed_groups,
    )
    journal = env["account.journal"].search([("company_id", "=", company.id), ("type", "=", "sale")], limit=1)
    locked = env["account.journal"].search([("company_id", "=", company.id), ("code", "=", "GSB")]) or journal.copy(
        {"name": "Gesichert (Bench)", "code": "GSB", "restrict_mode_hash_table": True}
    )
    product = env["product.product"].search([("sale_ok", "=", True)], limit=1)
    for group in sure:
        move = env["account.move"].create(
            {
                "move_type": "out_invoice",
                "journal_id": locked.id,
                "partner_id": group.partner_ids[0].id,
                "invoice_date": time.strftime("%Y-%m-%d"),
                "invoice_line_ids": [(0, 0, {"product_id": product.id, "quantity": 1, "price_unit": 10.0})],
            }
        )
        move.action_post()
    env.cr.commit()
    company.kundenbindung_config_id.duplicate_auto_merge = True
    cron = env.ref("kundenbindung_addon.ir_cron_kundenbindung_duplicate_merge")
    progress = env["ir.cron.progress"].create({"cron_id": cron.id, "remaining": 0, "done": 0})
    env.cr.commit()
    detection = env["kundenbindung.duplicate.detection"].with_context(ir_cron_progress_id=progress.id)
    todo = Group.search_count(
        [
            ("company_id", "=", company.id),
            ("state", "=", "new"),
            ("weakest_score", ">=", company.kundenbindung_config_id.duplicate_auto_score),
        ]
    )
    calls, slowest = 0, 0.0
    started = time.perf_counter()
    while True:
        call_started = time.perf_counter()
        detection._cron_merge()
        env.cr.commit()
        calls += 1
        slowest = max(slowest, time.perf_counter() - call_started)
        if not progress.remaining or (args.night_minutes and time.perf_counter() - started > 60 * args.night_minutes):
            break
    seconds = time.perf_counter() - started
    env.cr.execute(
        "SELECT state, auto_merged, count(*) FROM kundenbindung_duplicate_group WHERE company_id = %s "
        "AND write_date >= now() - interval '1 day' GROUP BY 1, 2",
        [company.id],
    )
    states = {f"{state}{'_auto' if auto else ''}": n for state, auto, n in env.cr.fetchall()}
    env.cr.execute("SELECT count(*), COALESCE(sum(dropped_count), 0) FROM kundenbindung_merge_journal")
    journals, kept = env.cr.fetchone()
    done = todo - progress.remaining
    # the report is for accountants: the administrator becomes one for it, and not for longer
    admin = env.ref("base.user_admin")
    admin.groups_id = [(4, env.ref("account.group_account_user").id)]
    integrity = company.with_user(admin)._check_hash_integrity()["results"]
    env.cr.rollback()
    return {
        "sure_groups": todo,
        "calls": calls,
        "remaining": progress.remaining,
        "seconds": round(seconds, 1),
        "slowest_call_seconds": round(slowest, 1),
        "groups_per_minute": round(60 * done / seconds, 1) if done else None,
        "ms_per_group": round(1000 * seconds / done) if done else None,
        "states": states,
        "journal_entries": journals,
        "rows_kept_in_journal": kept,
        "hash_locked_groups": len(sure),
        "integrity": sorted({r["status"] for r in integrity if r["restricted_by_hash_table"] == "V"}),
    }


def main(argv):
    if "--" in argv:
        split = argv.index("--")
        own, odoo_args = argv[:split], argv[split + 1 :]
    else:
        own, odoo_args = argv, []
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "step",
        choices=[
            "company",
            "data",
            "segments",
            "clusters",
            "nps",
            "loyalty",
            "posting",
            "duplicates",
            "campaigns",
            "effect",
            "nps-send",
            "views",
            "door",
            "import",
        ],
    )
    parser.add_argument("--partners", type=int, default=2000)
    parser.add_argument("--invoice-lines", type=int, default=None)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--method", choices=["bulk", "orm"], default="bulk")
    parser.add_argument("--duplicates-csv")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--step-days", type=int, default=1)
    parser.add_argument("--baseline", action="store_true")
    parser.add_argument("--category-level", type=int, default=None)
    parser.add_argument("--min-invoices", type=int, default=None)
    parser.add_argument("--window-months", type=int, default=None)
    parser.add_argument("--nps-share", type=float, default=0.3)
    parser.add_argument("--loyalty-months", type=int, default=6)
    parser.add_argument("--changed", type=int, default=1000)
    parser.add_argument("--merge-pairs", type=int, default=20)
    parser.add_argument("--probes", type=int, default=200, help="door: customers typed in again in the form")
    parser.add_argument("--rows", type=int, default=10000, help="import: rows of the fair list")
    parser.add_argument("--invoices", type=int, default=1000, help="posting: invoices posted in one batch")
    parser.add_argument("--recipients", type=int, default=50000, help="effect: recipients of the measured campaign")
    parser.add_argument("--nps-partners", type=int, default=20000, help="nps-send: customers selected in the wizard")
    parser.add_argument(
        "--hashed-groups", type=int, default=50, help="sure groups given an invoice in a hash-locked journal"
    )
    parser.add_argument("--first-night", action="store_true", help="run the scheduled merge until nothing is left")
    parser.add_argument(
        "--night-minutes", type=float, default=0, help="stop the first-night merge after this long (0: all)"
    )
    args = parser.parse_args(own)

    odoo.tools.config.parse_config(odoo_args)
    dbname = odoo.tools.config["db_name"]
    registry = Registry(dbname)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        if args.step == "company":
            setup_company(env)
            result = {"company": env.ref("base.main_company").name}
        elif args.step == "segments":
            result = segments(env, args)
        elif args.step == "clusters":
            result = clusters(env, args)
        elif args.step == "nps":
            result = nps(env, args)
        elif args.step == "campaigns":
            result = campaigns(api.Environment(cr, SUPERUSER_ID, {"lang": "de_DE"}), args)
        elif args.step == "duplicates":
            result = duplicates(env, args)
        elif args.step == "effect":
            result = campaign_effect(env, args)
        elif args.step == "nps-send":
            result = nps_send(env, args)
        elif args.step == "views":
            result = views(env, args)
        elif args.step == "door":
            result = door(env, args)
        elif args.step == "import":
            result = contact_import(env, args)
        elif args.step == "loyalty":
            # the program is named in the demo company's language
            result = loyalty(api.Environment(cr, SUPERUSER_ID, {"lang": "de_DE"}), args)
        elif args.step == "posting":
            result = posting(api.Environment(cr, SUPERUSER_ID, {"lang": "de_DE"}), args)
        else:
            admin = env.ref("base.user_admin")
            env = api.Environment(cr, admin.id, {"lang": "de_DE"})
            result = load_data(env, args)
        # leaving the block commits the cursor
    print("DEMO " + json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])
