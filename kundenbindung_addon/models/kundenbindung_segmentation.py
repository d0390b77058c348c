# Copyright 2026 kundenbindung_addon authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Glue between Odoo and the segments engine.

Read one aggregate per company (posted customer invoices and credit notes,
one row per document), hand it to ``engine.segment_customers`` and write the
result into ``kundenbindung.customer.segment`` with one COPY and one upsert
per chunk; record class changes and give the salesperson a to-do when a
customer slips.
"""

import logging
import math
import time

import pandas as pd

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL, format_amount

from ..engine import backtest_clv, class_changes, segment_customers, slip_alarms, window_bounds
from ..engine.loyalty_signals import windows
from ..engine.margins import (
    abc_on_basis,
    is_low_margin,
    place_customers,
    portfolio_moves,
    portfolio_signals,
    value_on_basis,
)
from .client_actions import RELOAD, notification
from .groups import MANAGER
from .kundenbindung_forecast_check import CHECK_MONTHS

_logger = logging.getLogger(__name__)

CHUNK_SIZE = 10000
MIN_HISTORY_MONTHS = 36

# where a segment column comes from: the segments engine; engine.margins.customer_margins as they
# are; figures ranked on the margins; the portfolio (margins and signs); the signs of loyalty. A night
# whose margins or signs could not be read keeps the columns that depend on them.
SEGMENTS, MARGINS, RANKED_ON_MARGIN, PORTFOLIO, SIGNALS = "segments", "margins", "ranked", "portfolio", "signals"
# engine column -> (column of kundenbindung_customer_segment, SQL type, where it comes from)
COLUMNS = (
    ("abc_class", "abc_class", "varchar", SEGMENTS),
    ("revenue", "revenue", "numeric", SEGMENTS),
    ("previous_revenue", "previous_revenue", "numeric", SEGMENTS),
    ("trend", "trend", "float8", SEGMENTS),
    ("last_purchase", "last_purchase", "date", SEGMENTS),
    ("frequency", "frequency", "int4", SEGMENTS),
    ("r_score", "r_score", "int4", SEGMENTS),
    ("f_score", "f_score", "int4", SEGMENTS),
    ("m_score", "m_score", "int4", SEGMENTS),
    ("rfm_segment", "rfm_segment", "varchar", SEGMENTS),
    ("historical_value", "historical_value", "numeric", SEGMENTS),
    ("predicted_value", "predicted_value", "numeric", SEGMENTS),
    ("clv", "clv", "numeric", SEGMENTS),
    ("interval_days", "interval_days", "float8", SEGMENTS),
    ("churn_score", "churn_score", "float8", SEGMENTS),
    ("p_alive", "p_alive", "float8", SEGMENTS),
    ("expected_purchases", "expected_purchases", "float8", SEGMENTS),
    ("churn_level", "churn_level", "varchar", SEGMENTS),
    ("drop_date", "class_drop_date", "date", SEGMENTS),
    ("value_at_stake", "value_at_stake", "numeric", SEGMENTS),
    ("gross_margin", "gross_margin", "numeric", MARGINS),
    ("margin_percent", "margin_percent", "float8", MARGINS),
    ("uncosted_share", "uncosted_share", "float8", MARGINS),
    ("discounts", "discounts", "numeric", MARGINS),
    ("serve_returns", "serve_returns", "numeric", MARGINS),
    ("serve_payment_delay", "serve_payment_delay", "numeric", MARGINS),
    ("serve_activities", "serve_activities", "numeric", MARGINS),
    ("serve_rewards", "serve_rewards", "numeric", MARGINS),
    ("serve_campaigns", "serve_campaigns", "numeric", MARGINS),
    ("cost_to_serve", "cost_to_serve", "numeric", MARGINS),
    ("contribution", "contribution_margin", "numeric", MARGINS),
    ("ranked_value", "ranked_value", "numeric", RANKED_ON_MARGIN),
    ("clv_value", "clv_value", "numeric", RANKED_ON_MARGIN),
    ("low_margin", "low_margin", "bool", RANKED_ON_MARGIN),
    ("cross_buying", "cross_buying", "float8", SIGNALS),
    ("cross_buying_growth", "cross_buying_growth", "float8", SIGNALS),
    ("repeat_rate", "repeat_rate", "float8", SIGNALS),
    ("regularity", "regularity", "float8", SIGNALS),
    ("on_rhythm", "on_rhythm", "float8", SIGNALS),
    ("referrals", "referral_count", "int4", SIGNALS),
    ("referred_revenue", "referred_revenue", "numeric", SIGNALS),
    ("price_rise", "price_rise", "float8", SIGNALS),
    ("kept_quantity", "kept_quantity", "float8", SIGNALS),
    ("price_tolerance", "price_tolerance", "float8", SIGNALS),
    ("loyalty_index", "loyalty_index", "float8", SIGNALS),
    ("attractiveness", "portfolio_attractiveness", "float8", PORTFOLIO),
    ("strength", "portfolio_strength", "float8", PORTFOLIO),
    ("field", "portfolio_field", "varchar", PORTFOLIO),
    ("previous_field", "portfolio_previous_field", "varchar", PORTFOLIO),
)
SEGMENT_COLUMNS = tuple((col, name, sqltype) for col, name, sqltype, _source in COLUMNS)
# columns a run writes only when it has a value for them: the last slip and the field before the last move
KEPT_UNTIL_REPLACED = ("class_drop_date", "portfolio_previous_field")


def _from(*sources):
    return tuple(col for col, _name, _type, source in COLUMNS if source in sources)


ON_SIGNALS = _from(SIGNALS)
ON_PORTFOLIO = _from(PORTFOLIO)
ON_MARGIN = _from(RANKED_ON_MARGIN, PORTFOLIO)
MARGIN_COLUMNS = _from(MARGINS)


def run_timings(started, extracted, engine_done):
    """Seconds of a recompute's steps, from ``time.perf_counter()`` marks
    (the write-back ends now)."""
    finished = time.perf_counter()
    return {
        "extract_seconds": extracted - started,
        "engine_seconds": engine_done - extracted,
        "write_seconds": finished - engine_done,
        "total_seconds": finished - started,
    }


class KundenbindungSegmentation(models.AbstractModel):
    _name = "kundenbindung.segmentation"
    _description = "Customer Retention Segmentation"

    # ------------------------------------------------------------------ read

    @api.model
    def _history_bounds(self, company, today):
        """The documents read: enough for the window, the previous window
        (trend), the lost-customer rule and a rhythm worth the name."""
        months = max(
            2 * company.kundenbindung_config_id.window_months,
            MIN_HISTORY_MONTHS,
            math.ceil(company.kundenbindung_config_id.lost_days / 30) + 1,
        )
        return window_bounds(today, months)

    @api.model
    def _documents(self, company, date_from, date_to):
        """Posted customer invoices and credit notes of ``company`` as the
        engine's transactions table, one row per document: customer (the
        commercial partner), document, date, amount (untaxed, company
        currency, credit notes negative). One query, streamed with COPY."""
        Move = self.env["account.move"]
        Move.flush_model(["amount_untaxed_signed"])
        return self.env["kundenbindung.bulk"]._copy_frame(
            SQL(
                """SELECT move.commercial_partner_id AS customer, move.id AS document,
                          move.invoice_date AS date, move.amount_untaxed_signed AS amount
                     FROM account_move move
                    WHERE %s""",
                Move._kundenbindung_documents_sql(company.ids, date_from, date_to),
            ),
            dtype={"customer": "int64", "document": "int64", "amount": "float64"},
            parse_dates=["date"],
        )

    @api.model
    def _current(self, company, column):
        """Partner id -> the value of ``column`` (the ABC class, the
        portfolio field) currently recorded for ``company``; partners
        without one are left out."""
        self.env["kundenbindung.customer.segment"].flush_model(["partner_id", "company_id", column])
        self.env.cr.execute(
            SQL(
                "SELECT partner_id, %s FROM kundenbindung_customer_segment WHERE company_id = %s AND %s IS NOT NULL",
                SQL.identifier(column),
                company.id,
                SQL.identifier(column),
            )
        )
        return pd.Series(dict(self.env.cr.fetchall()), dtype=object)

    # ------------------------------------------------------------------ compute

    @api.model
    def _compute_company(self, company, today=None):
        """Recompute the segments of one company; return figures of the run.

        Runs with the rights of the caller: callers check who may start it
        (the scheduled action runs as the superuser, "Recompute now" checks
        the manager group first).
        """
        company.ensure_one()
        started = time.perf_counter()
        today = pd.Timestamp(today or fields.Date.context_today(self)).normalize()
        date_from, date_to = self._history_bounds(company, today)
        docs = self._documents(company, date_from.date(), date_to.date())
        extracted = time.perf_counter()

        result = segment_customers(
            docs,
            today,
            window_months=company.kundenbindung_config_id.window_months,
            a_share=company.kundenbindung_config_id.abc_a_share,
            b_share=company.kundenbindung_config_id.abc_b_share,
            rank_by=company.kundenbindung_config_id.abc_rank_by,
            lost_days=company.kundenbindung_config_id.lost_days,
        )
        figures = self._margin_figures(company, today)
        result = self._value_on_margin(company, result, figures)
        signals = self._loyalty_signals(company, result, docs, today)
        if signals is not None:
            result = result.join(signals)
        old = self._current(company, "abc_class")
        changes = class_changes(old, result["abc_class"])
        # partners that had figures and have no document any more keep only
        # "no revenue"
        gone = old.index.difference(result.index)
        if len(gone):
            lost = pd.DataFrame({"abc_class": "none", "value_at_stake": 0.0}, index=gone)
            # no documents at all: only the lost ones (pandas will stop typing a concat by its empty parts)
            result = (
                pd.concat([result, lost]) if len(result) else lost.reindex(columns=result.columns.union(lost.columns))
            )
        result["drop_date"] = pd.NaT
        # "slipped" (the date, the to-do) only where the customer's own revenue fell too
        drops = slip_alarms(changes, result)
        result.loc[drops, "drop_date"] = today
        # a to-do only for the classes the company spends personal time on
        todo_drops = slip_alarms(changes, result, classes=company.kundenbindung_config_id._drop_activity_classes())
        result, moves = self._place(company, result, figures if signals is not None else None, docs, today)
        engine_done = time.perf_counter()

        result = self._sql_ready(result)
        # without the margins (or the signs of loyalty), what comes from them and the portfolio stay as the
        # last night left them
        kept_columns = (() if figures is not None else MARGIN_COLUMNS + ON_MARGIN) + (
            () if signals is not None else ON_SIGNALS + ON_PORTFOLIO
        )
        kept = tuple(name for col, name, _type in SEGMENT_COLUMNS if col in kept_columns)
        stats = {"customers": int((result["abc_class"] != "none").sum()), "partners": len(result)}
        stats.update(written=0, changes=0, drops=0, activities=0, moves=0, failed_chunks=0)
        ids = result.index.to_numpy()
        for start in range(0, len(ids), CHUNK_SIZE):
            chunk_ids = ids[start : start + CHUNK_SIZE]
            chunk = result.loc[chunk_ids]
            chunk_changes = changes[changes.index.isin(chunk_ids)]
            try:
                with self.env.cr.savepoint():
                    stats["written"] += self._write_chunk(company, chunk, keep=kept)
                    self._record_changes(company, chunk, chunk_changes, today)
                    stats["changes"] += len(chunk_changes)
                    stats["drops"] += int(chunk_changes.index.isin(drops).sum())
                    alarms = chunk_changes[chunk_changes.index.isin(todo_drops)]
                    stats["activities"] += self._drop_activities(company, chunk, alarms, today)
                    chunk_moves = moves[moves.index.isin(chunk_ids)]
                    self._record_moves(company, chunk, chunk_moves, today)
                    stats["moves"] += len(chunk_moves)
            except Exception:
                stats["failed_chunks"] += 1
                _logger.exception(
                    "Customer Retention: segments of %d partners of company %s could not be written; "
                    "they keep their previous values",
                    len(chunk_ids),
                    company.display_name,
                )
        if signals is not None and not stats["failed_chunks"]:
            try:
                with self.env.cr.savepoint():
                    stats["signals_kept"] = self.env["kundenbindung.loyalty.history"]._record(company, today.date())
            except Exception:
                _logger.exception("Customer Retention: the signs of loyalty of %s were not kept", company.display_name)
        if figures is not None:
            try:
                with self.env.cr.savepoint():
                    self.env["kundenbindung.category.margin"]._record(company, figures["categories"], today)
            except Exception:
                _logger.exception("Customer Retention: the category margins of %s failed", company.display_name)
        try:
            with self.env.cr.savepoint():
                self._check_forecast(company, docs, today)
        except Exception:
            _logger.exception("Customer Retention: the forecast check of %s failed", company.display_name)
        self.env["kundenbindung.customer.segment"].invalidate_model()
        self.env["kundenbindung.class.history"].invalidate_model()
        # the partner's figures are computed from the records written above
        self.env["res.partner"]._kundenbindung_invalidate()
        # "computed on" only when every customer's figures were written; a partial run is tried again
        values = {"segments_tried": today.date()}
        if not stats["failed_chunks"]:
            values.update(segments_date=today.date(), segments_customers=stats["customers"])
        company.sudo().kundenbindung_config_id.write(values)
        stats.update(run_timings(started, extracted, engine_done), documents=len(docs))
        _logger.info(
            "Customer Retention: segments of %s: %d customers, %d class changes, %d drops, "
            "%d to-dos, %d failed chunks in %.1f s",
            company.display_name,
            stats["customers"],
            stats["changes"],
            stats["drops"],
            stats["activities"],
            stats["failed_chunks"],
            stats["total_seconds"],
        )
        return stats

    @api.model
    def _margin_figures(self, company, today):
        """The company's figures on margin over the revenue window
        (``kundenbindung.margin._figures``); None when the costs cannot be
        read, so that the segments are written all the same (on revenue:
        a company that ranks on margin keeps its classes)."""
        start, end = window_bounds(today, company.kundenbindung_config_id.window_months)
        try:
            with self.env.cr.savepoint():
                return self.env["kundenbindung.margin"]._figures(company, start.date(), end.date(), today.date())
        except Exception:
            _logger.exception("Customer Retention: the margins of %s could not be read", company.display_name)
            return None

    @api.model
    def _value_on_margin(self, company, result, figures):
        """The segments with each customer's margins and cost to serve, its
        ranked value and lifetime value on the company's basis, and the ABC
        classes ranked on that basis (the engine ranked on revenue). Without
        figures a company that ranks on margin keeps its recorded classes,
        rather than jumping to revenue for a night."""
        config = company.kundenbindung_config_id
        if figures is None:
            if config.value_basis != "revenue":
                kept = self._current(company, "abc_class").reindex(result.index)
                result["abc_class"] = kept.where(kept.notna(), result["abc_class"])
            return result
        customers = figures["customers"].reindex(result.index)
        result = result.join(customers[[col for col in MARGIN_COLUMNS if col != "gross_margin"]])
        result["gross_margin"] = customers["margin"]
        result["uncosted_share"] = 100.0 * result["uncosted_share"]
        result["low_margin"] = is_low_margin(result["margin_percent"], config.low_margin_percent)
        on_basis = value_on_basis(result, customers, config.value_basis)
        result["ranked_value"] = on_basis["value"]
        result["clv_value"] = on_basis["clv_value"]
        # the portfolio's attractiveness is the expected value on margin, whatever the classes rank by
        result["predicted_on_basis"] = value_on_basis(result, customers, "gross_margin")["predicted_value"]
        if config.value_basis != "revenue":
            ranked = on_basis["clv_value"] if config.abc_rank_by == "clv" else on_basis["value"]
            result["abc_class"] = abc_on_basis(ranked, result["revenue"], config.abc_a_share, config.abc_b_share)
        return result

    @api.model
    def _loyalty_signals(self, company, result, docs, today):
        """The signs of loyalty and the loyalty index per customer
        (``kundenbindung.signals._compute``), the shares in percent; None
        when they cannot be read, so that the segments are written all the
        same and the last night's signals kept."""
        start, _window_start, end = windows(today, company.kundenbindung_config_id.window_months)
        try:
            with self.env.cr.savepoint():
                signals = self.env["kundenbindung.signals"]._compute(
                    company, result, docs, start.date(), end.date(), today
                )
        except Exception:
            _logger.exception("Customer Retention: the signs of loyalty of %s could not be read", company.display_name)
            return None
        signals["cross_buying"] = 100.0 * signals["cross_buying"]
        signals["cross_buying_growth"] = 100.0 * signals["cross_buying_growth"]
        return signals[[col for col in ON_SIGNALS if col in signals]]

    @api.model
    def _portfolio_signals(self, company):
        """Commercial partner id -> its last NPS score and its loyalty
        points in the company, in one query."""
        self.env["kundenbindung.nps.response"].flush_model(["commercial_partner_id", "company_id", "date", "score"])
        balance = self.env["res.partner"].with_company(company)._kundenbindung_balance_sql()
        return self.env["kundenbindung.bulk"]._copy_frame(
            SQL(
                """
                SELECT COALESCE(nps.customer, balance.partner_id) AS customer, nps.nps, balance.points
                  FROM (
                    SELECT DISTINCT ON (commercial_partner_id) commercial_partner_id AS customer, score::float8 AS nps
                      FROM kundenbindung_nps_response
                     WHERE company_id = %(company)s AND commercial_partner_id IS NOT NULL
                  ORDER BY commercial_partner_id, date DESC, id DESC
                  ) nps
                  FULL JOIN (%(balance)s) balance ON balance.partner_id = nps.customer
                """,
                company=company.id,
                balance=balance,
            ),
            dtype={"customer": "int64", "nps": "float64", "points": "float64"},
            index_col="customer",
        )

    @api.model
    def _place(self, company, result, figures, docs, today):
        """The customers with revenue placed in the portfolio
        (``engine.margins.place_customers``), and the moves since the last
        placing (old and new field per partner)."""
        moves = pd.DataFrame(columns=["old", "new"])
        if figures is None or "predicted_on_basis" not in result:
            return result, moves
        signals = self._portfolio_signals(company)
        points = signals["points"].dropna()
        frame = portfolio_signals(
            result, docs, today, nps=signals["nps"].dropna(), points=points if len(points) else None
        )
        placed = place_customers(frame)
        result = result.join(placed[["attractiveness", "strength", "field"]])
        moves = portfolio_moves(self._current(company, "portfolio_field"), placed["field"])
        result["previous_field"] = moves["old"].reindex(result.index)
        return result, moves

    # ------------------------------------------------------------------ write

    @api.model
    def _sql_ready(self, result):
        """The engine's result with every column of ``SEGMENT_COLUMNS``, dates
        as ISO text and whole numbers as nullable integers, converted once
        (vectorised) rather than per chunk."""
        result = result.copy()
        for col, _name, sqltype in SEGMENT_COLUMNS:
            if col not in result.columns:
                result[col] = None
            if sqltype == "date":
                days = pd.to_datetime(result[col]).to_numpy().astype("datetime64[D]")
                text = days.astype(str).astype(object)
                text[pd.isna(days)] = None
                result[col] = text
            elif sqltype == "int4":
                result[col] = pd.to_numeric(result[col]).round().astype("Int64")
            elif sqltype == "numeric":
                # amounts in the company's currency, to the cent
                result[col] = pd.to_numeric(result[col]).round(2)
            elif sqltype == "bool":
                result[col] = result[col].astype("boolean")
            elif sqltype == "varchar":
                result[col] = result[col].astype(object).where(result[col].notna(), None)
        return result

    @api.model
    def _write_chunk(self, company, chunk, keep=()):
        """Upsert the chunk's figures into ``kundenbindung_customer_segment``
        (one COPY, one INSERT ... ON CONFLICT): new customers get a record,
        changed figures are updated, unchanged records are not rewritten.
        A slip date stays until the next slip; the columns named in ``keep``
        keep their values on existing records. Returns the number of
        records written."""
        cr = self.env.cr
        # the index (partner id) first, then the columns in table order
        self.env["kundenbindung.bulk"]._copy_into(
            "kundenbindung_segment_chunk",
            chunk[[col for col, _name, _type in SEGMENT_COLUMNS]].rename_axis("partner_id").reset_index(),
            [("partner_id", "int4")] + [(col, sqltype) for col, _name, sqltype in SEGMENT_COLUMNS],
        )
        self.env["kundenbindung.customer.segment"].flush_model()
        targets = [SQL.identifier(name) for _col, name, _type in SEGMENT_COLUMNS]
        sources = [SQL("chunk.%s", SQL.identifier(col)) for col, _name, _type in SEGMENT_COLUMNS]
        updates = [
            SQL("%s = EXCLUDED.%s", SQL.identifier(name), SQL.identifier(name))
            if name not in KEPT_UNTIL_REPLACED
            else SQL("%s = COALESCE(EXCLUDED.%s, segment.%s)", *[SQL.identifier(name)] * 3)
            for _col, name, _type in SEGMENT_COLUMNS
            if name not in keep
        ]
        compared = [
            SQL.identifier(name)
            for _col, name, _type in SEGMENT_COLUMNS
            if name not in KEPT_UNTIL_REPLACED and name not in keep
        ]
        replaced = [
            SQL("(EXCLUDED.%s IS NOT NULL AND EXCLUDED.%s IS DISTINCT FROM segment.%s)", *[SQL.identifier(name)] * 3)
            for name in KEPT_UNTIL_REPLACED
            if name not in keep
        ]
        cr.execute(
            SQL(
                """
                INSERT INTO kundenbindung_customer_segment AS segment (partner_id, company_id, user_id, %(targets)s)
                SELECT chunk.partner_id, %(company)s, partner.user_id, %(sources)s
                  FROM kundenbindung_segment_chunk chunk
                  JOIN res_partner partner ON partner.id = chunk.partner_id
                ON CONFLICT (partner_id, company_id) DO UPDATE SET %(updates)s
                 WHERE (%(old)s) IS DISTINCT FROM (%(new)s) OR %(replaced)s
                """,
                targets=SQL(", ").join(targets),
                company=company.id,
                sources=SQL(", ").join(sources),
                updates=SQL(", ").join(updates),
                old=SQL(", ").join(SQL("segment.%s", c) for c in compared),
                new=SQL(", ").join(SQL("EXCLUDED.%s", c) for c in compared),
                replaced=SQL(" OR ").join(replaced),
            )
        )
        return cr.rowcount

    @api.model
    def _record_changes(self, company, chunk, changes, today):
        """One history row per class change, inserted in one statement (a
        first run classifies every customer at once)."""
        if changes.empty:
            return
        rows = chunk.loc[changes.index]
        frame = pd.DataFrame(
            {
                "partner_id": changes.index.astype("int64"),
                "old_class": changes["old"].to_numpy(),
                "new_class": changes["new"].to_numpy(),
                "revenue": rows["revenue"].fillna(0.0).to_numpy(),
                "previous_revenue": rows["previous_revenue"].fillna(0.0).to_numpy(),
                "is_drop": changes["is_drop"].to_numpy(),
            }
        )
        cr = self.env.cr
        self.env["kundenbindung.bulk"]._copy_into(
            "kundenbindung_history_chunk",
            frame,
            [
                ("partner_id", "int4"),
                ("old_class", "varchar"),
                ("new_class", "varchar"),
                ("revenue", "float8"),
                ("previous_revenue", "float8"),
                ("is_drop", "bool"),
            ],
        )
        history = self.env["kundenbindung.class.history"]
        history.flush_model()
        cr.execute(
            """
            INSERT INTO kundenbindung_class_history
                   (partner_id, company_id, date, old_class, new_class, revenue, previous_revenue, is_drop)
            SELECT partner_id, %(company)s, %(date)s, old_class, new_class, revenue, previous_revenue, is_drop
              FROM kundenbindung_history_chunk
            """,
            {"company": company.id, "date": today.date()},
        )

    @api.model
    def _record_moves(self, company, chunk, moves, today):
        """One portfolio history row per customer that changed its field,
        inserted in one statement."""
        if moves.empty:
            return
        rows = chunk.loc[moves.index]
        self.env["kundenbindung.portfolio.history"]._record(
            company,
            today.date(),
            pd.DataFrame(
                {
                    "partner_id": moves.index.astype("int64"),
                    "old_field": moves["old"].to_numpy(),
                    "new_field": moves["new"].to_numpy(),
                    "attractiveness": rows["attractiveness"].astype(float).to_numpy(),
                    "strength": rows["strength"].astype(float).to_numpy(),
                }
            ),
        )

    @api.model
    def _check_forecast(self, company, docs, today):
        """The forecast the history up to ``CHECK_MONTHS`` ago makes,
        against what happened since (managers read it under Analysis)."""
        cutoff = today - pd.DateOffset(months=CHECK_MONTHS)
        if docs.empty or not (docs["date"] <= cutoff).any():
            return None
        result = backtest_clv(
            docs,
            cutoff,
            horizon_months=CHECK_MONTHS,
            lost_days=company.kundenbindung_config_id.lost_days,
            data_end=today,
        )
        return self.env["kundenbindung.forecast.check"]._record(company, today.date(), result)

    @api.model
    def _drop_activities(self, company, chunk, drops, today):
        """A to-do for the salesperson of every customer that slipped."""
        if drops.empty:
            return 0
        partners = self.env["res.partner"].browse([int(pid) for pid in drops.index]).exists()
        todos = []
        for partner in partners:
            user = partner.user_id
            if not user or not user.active or company not in user.company_ids:
                continue
            row = chunk.loc[partner.id]
            env = self.with_context(lang=user.lang or self.env.lang).env
            labels = dict(env["res.partner"]._fields["kundenbindung_abc_class"]._description_selection(env))
            old, new = drops.at[partner.id, "old"], drops.at[partner.id, "new"]
            revenue = row["revenue"] if pd.notna(row["revenue"]) else 0.0
            previous = row["previous_revenue"] if pd.notna(row["previous_revenue"]) else 0.0
            if previous > 0:
                percent = "%+.0f" % ((revenue - previous) / previous * 100)
                trend = env._("%(percent)s %% against the previous window", percent=percent)
            else:
                trend = env._("no revenue in the previous window")
            note = env._(
                "%(customer)s slipped from %(old)s to %(new)s: %(months)s-month revenue %(revenue)s, %(trend)s.",
                customer=partner.display_name,
                old=labels.get(old, old),
                new=labels.get(new, new),
                months=company.kundenbindung_config_id.window_months,
                revenue=format_amount(env, revenue, company.currency_id, lang_code=user.lang),
                trend=trend,
            )
            summary = env._(
                "Customer slipped from %(old)s to %(new)s", old=labels.get(old, old), new=labels.get(new, new)
            )
            todos.append((partner, user, summary, note, today.date()))
        return len(self.env["res.partner"]._kundenbindung_create_todos(todos)) if todos else 0

    # ------------------------------------------------------------------ entry points

    @api.model
    def _recompute_all_soon(self):
        """Ask the scheduled segment recompute to run for every company at
        once (after an update that adds figures), rather than at night,
        and log it. Returns the number of companies."""
        configs = self.env["kundenbindung.config"].sudo().search([("company_id", "!=", False)])
        # tried today already: the scheduled action would skip them until tomorrow
        configs.write({"segments_tried": False})
        cron = self.env.ref("kundenbindung_addon.ir_cron_kundenbindung_segments", raise_if_not_found=False)
        if cron:
            cron._trigger()
        _logger.info(
            "Customer Retention: segments of %s companies recomputed next by the scheduled action", len(configs)
        )
        return len(configs)

    @api.model
    def _cron_recompute(self):
        """Scheduled action: one company per call, its segments and then its
        interest clusters (written onto the segment records), progress
        reported so that the scheduler calls again at once while companies
        remain."""
        self.env["kundenbindung.bulk"]._run_per_company(
            "segments_tried",
            [
                ("segments", lambda company: self.sudo()._compute_company(company)),
                (
                    "interest clusters",
                    lambda company: self.env["kundenbindung.clustering"].sudo()._compute_company(company),
                ),
                (
                    "retention over time",
                    lambda company: self.env["kundenbindung.customer.spell"].sudo()._refresh(company),
                ),
            ],
            logger=_logger,
        )

    @api.model
    def action_recompute(self):
        """ "Recompute now" for the current company (managers only)."""
        if not self.env.user.has_group(MANAGER):
            raise AccessError(self.env._("Only Customer Retention managers can recompute the segments."))
        company = self.env.company
        stats = self.sudo()._compute_company(company)
        clusters = self.env["kundenbindung.clustering"].sudo()._compute_company(company)
        self.env["kundenbindung.customer.spell"].sudo()._refresh(company)
        return notification(
            self.env._("Segments recomputed"),
            self.env._(
                "%(customers)s customers classified, %(changes)s class changes, %(drops)s drops; "
                "%(clustered)s customers in %(clusters)s interest clusters.",
                customers=stats["customers"],
                changes=stats["changes"],
                drops=stats["drops"],
                clustered=clusters["clustered"],
                clusters=clusters["clusters"],
            ),
            warning=bool(stats["failed_chunks"] or clusters["failed_chunks"]),
            then=RELOAD,
        )
