# Copyright 2026 kundenbindung_addon authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Glue between Odoo and the segments engine.

Read one aggregate per company (posted customer invoices and credit notes,
one row per document), hand it to ``engine.segment_customers`` and write the
result back into the company-dependent partner fields with one UPDATE per
chunk; record class changes and give the salesperson a to-do when a
customer slips.
"""

import io
import logging
import math
import time

import pandas as pd

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL, format_amount

from ..engine import class_changes, segment_customers, window_bounds

_logger = logging.getLogger(__name__)

CHUNK_SIZE = 10000
MIN_HISTORY_MONTHS = 36

# engine column -> (partner field, SQL type of the value)
SEGMENT_FIELDS = (
    ("abc_class", "kundenbindung_abc_class", "varchar"),
    ("revenue", "kundenbindung_revenue", "float8"),
    ("previous_revenue", "kundenbindung_revenue_previous", "float8"),
    ("trend", "kundenbindung_revenue_trend", "float8"),
    ("last_purchase", "kundenbindung_last_invoice_date", "date"),
    ("frequency", "kundenbindung_frequency", "int4"),
    ("r_score", "kundenbindung_rfm_r", "int4"),
    ("f_score", "kundenbindung_rfm_f", "int4"),
    ("m_score", "kundenbindung_rfm_m", "int4"),
    ("rfm_segment", "kundenbindung_rfm_segment", "varchar"),
    ("historical_value", "kundenbindung_clv_historical", "float8"),
    ("predicted_value", "kundenbindung_clv_predicted", "float8"),
    ("clv", "kundenbindung_clv", "float8"),
    ("churn_score", "kundenbindung_churn_score", "float8"),
    ("churn_level", "kundenbindung_churn_level", "varchar"),
    ("drop_date", "kundenbindung_class_drop_date", "date"),
)


class KundenbindungSegmentation(models.AbstractModel):
    _name = "kundenbindung.segmentation"
    _description = "Customer Retention Segmentation"

    # ------------------------------------------------------------------ read

    @api.model
    def _history_bounds(self, company, today):
        """The documents read: enough for the window, the previous window
        (trend), the lost-customer rule and a rhythm worth the name."""
        months = max(
            2 * company.kundenbindung_window_months,
            MIN_HISTORY_MONTHS,
            math.ceil(company.kundenbindung_lost_days / 30) + 1,
        )
        return window_bounds(today, months)

    @api.model
    def _documents(self, company, date_from, date_to):
        """Posted customer invoices and credit notes of ``company`` as the
        engine's transactions table, one row per document: customer (the
        commercial partner), document, date, amount (untaxed, company
        currency, credit notes negative). One query, streamed with COPY."""
        self.env["account.move"].flush_model(
            ["commercial_partner_id", "move_type", "state", "company_id", "invoice_date", "amount_untaxed_signed"]
        )
        query = self.env.cr.mogrify(
            """
            SELECT commercial_partner_id AS customer, id AS document,
                   invoice_date AS date, amount_untaxed_signed AS amount
              FROM account_move
             WHERE move_type IN ('out_invoice', 'out_refund')
               AND state = 'posted'
               AND company_id = %s
               AND commercial_partner_id IS NOT NULL
               AND invoice_date >= %s AND invoice_date < %s
            """,
            (company.id, date_from, date_to),
        ).decode()
        buffer = io.BytesIO()
        self.env.cr.copy_expert(f"COPY ({query}) TO STDOUT WITH (FORMAT csv, HEADER true)", buffer)
        buffer.seek(0)
        return pd.read_csv(
            buffer,
            dtype={"customer": "int64", "document": "int64", "amount": "float64"},
            parse_dates=["date"],
        )

    @api.model
    def _current_classes(self, company):
        """Partner id -> ABC class currently stored for ``company``."""
        self.env["res.partner"].flush_model(["kundenbindung_abc_class"])
        key = str(company.id)
        self.env.cr.execute(
            "SELECT id, kundenbindung_abc_class->>%s FROM res_partner WHERE kundenbindung_abc_class ? %s",
            (key, key),
        )
        rows = self.env.cr.fetchall()
        return pd.Series({pid: klass for pid, klass in rows}, dtype=object)

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
            window_months=company.kundenbindung_window_months,
            a_share=company.kundenbindung_abc_a_share,
            b_share=company.kundenbindung_abc_b_share,
            rank_by=company.kundenbindung_abc_rank_by,
            lost_days=company.kundenbindung_lost_days,
        )
        old = self._current_classes(company)
        changes = class_changes(old, result["abc_class"])
        # partners that had figures and have no document any more keep only
        # "no revenue"
        gone = old.index.difference(result.index)
        if len(gone):
            result = pd.concat([result, pd.DataFrame({"abc_class": "none"}, index=gone)])
        result["drop_date"] = pd.NaT
        drops = changes.index[changes["is_drop"]]
        result.loc[drops, "drop_date"] = today
        engine_done = time.perf_counter()

        stats = {"customers": int((result["abc_class"] != "none").sum()), "partners": len(result)}
        stats.update(written=0, changes=0, drops=0, activities=0, failed_chunks=0)
        ids = result.index.to_numpy()
        for start in range(0, len(ids), CHUNK_SIZE):
            chunk_ids = ids[start : start + CHUNK_SIZE]
            chunk = result.loc[chunk_ids]
            chunk_changes = changes[changes.index.isin(chunk_ids)]
            try:
                with self.env.cr.savepoint():
                    stats["written"] += self._write_chunk(company, chunk)
                    self._record_changes(company, chunk, chunk_changes, today)
                    stats["changes"] += len(chunk_changes)
                    stats["drops"] += int(chunk_changes["is_drop"].sum())
                    if company.kundenbindung_drop_activity:
                        stats["activities"] += self._drop_activities(
                            company, chunk, chunk_changes[chunk_changes["is_drop"]], today
                        )
            except Exception:
                stats["failed_chunks"] += 1
                _logger.exception(
                    "Customer Retention: segments of %d partners of company %s could not be written; "
                    "they keep their previous values",
                    len(chunk_ids),
                    company.display_name,
                )
        self.env["res.partner"].invalidate_model([name for _col, name, _type in SEGMENT_FIELDS])
        self.env["kundenbindung.class.history"].invalidate_model()
        company.sudo().kundenbindung_segments_date = today.date()
        finished = time.perf_counter()
        stats.update(
            extract_seconds=extracted - started,
            engine_seconds=engine_done - extracted,
            write_seconds=finished - engine_done,
            total_seconds=finished - started,
            documents=len(docs),
        )
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

    # ------------------------------------------------------------------ write

    @api.model
    def _write_chunk(self, company, chunk):
        """One UPDATE for the chunk: each company-dependent column gets this
        company's value (or loses it when the value is empty). Rows whose
        values are all unchanged are not rewritten. Returns the number of
        partners written."""
        cr = self.env.cr
        columns = [(col, name, sqltype) for col, name, sqltype in SEGMENT_FIELDS]
        cr.execute(
            SQL(
                "CREATE TEMP TABLE IF NOT EXISTS kundenbindung_segment_chunk (id int4, %s) ON COMMIT DROP",
                SQL(", ").join(SQL("%s %s", SQL.identifier(col), SQL(sqltype)) for col, _name, sqltype in columns),
            )
        )
        cr.execute("TRUNCATE kundenbindung_segment_chunk")
        frame = pd.DataFrame({"id": chunk.index.astype("int64")})
        for col, _name, sqltype in columns:
            values = chunk[col] if col in chunk.columns else pd.Series(index=chunk.index, dtype=object)
            if sqltype == "date":
                values = pd.to_datetime(values).dt.strftime("%Y-%m-%d")
            elif sqltype == "int4":
                values = pd.to_numeric(values).round().astype("Int64")
            frame[col] = values.to_numpy()
        buffer = io.StringIO()
        frame.to_csv(buffer, index=False, header=False, na_rep="")
        buffer.seek(0)
        cr.copy_expert("COPY kundenbindung_segment_chunk FROM STDIN WITH (FORMAT csv)", buffer)
        key = str(company.id)
        assignments = [
            SQL(
                "%(column)s = CASE WHEN chunk.%(value)s IS NULL THEN partner.%(column)s - %(key)s "
                "ELSE COALESCE(partner.%(column)s, '{}'::jsonb) || jsonb_build_object(%(key)s, chunk.%(value)s) END",
                column=SQL.identifier(name),
                value=SQL.identifier(col),
                key=key,
            )
            for col, name, _sqltype in columns
            if col != "drop_date"
        ]
        # the drop date stays until the next drop
        assignments.append(
            SQL(
                "kundenbindung_class_drop_date = CASE WHEN chunk.drop_date IS NULL THEN partner.kundenbindung_class_drop_date "
                "ELSE COALESCE(partner.kundenbindung_class_drop_date, '{}'::jsonb) || jsonb_build_object(%s, chunk.drop_date) END",
                key,
            )
        )
        differs = [
            SQL(
                "(partner.%(column)s->%(key)s) IS DISTINCT FROM to_jsonb(chunk.%(value)s)",
                column=SQL.identifier(name),
                value=SQL.identifier(col),
                key=key,
            )
            for col, name, _sqltype in columns
            if col != "drop_date"
        ]
        differs.append(
            SQL(
                "(chunk.drop_date IS NOT NULL AND (partner.kundenbindung_class_drop_date->%s) "
                "IS DISTINCT FROM to_jsonb(chunk.drop_date))",
                key,
            )
        )
        cr.execute(
            SQL(
                "UPDATE res_partner partner SET %s FROM kundenbindung_segment_chunk chunk "
                "WHERE partner.id = chunk.id AND (%s)",
                SQL(", ").join(assignments),
                SQL(" OR ").join(differs),
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
        buffer = io.StringIO()
        frame.to_csv(buffer, index=False, header=False, na_rep="")
        buffer.seek(0)
        cr = self.env.cr
        cr.execute(
            "CREATE TEMP TABLE IF NOT EXISTS kundenbindung_history_chunk (partner_id int4, old_class varchar, "
            "new_class varchar, revenue float8, previous_revenue float8, is_drop bool) ON COMMIT DROP"
        )
        cr.execute("TRUNCATE kundenbindung_history_chunk")
        cr.copy_expert("COPY kundenbindung_history_chunk FROM STDIN WITH (FORMAT csv)", buffer)
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
    def _drop_activities(self, company, chunk, drops, today):
        """A to-do for the salesperson of every customer that slipped."""
        if drops.empty:
            return 0
        partners = self.env["res.partner"].browse([int(pid) for pid in drops.index]).exists()
        activity_type = self.env.ref("mail.mail_activity_data_todo", raise_if_not_found=False)
        model_id = self.env["ir.model"]._get_id("res.partner")
        vals_list = []
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
                months=company.kundenbindung_window_months,
                revenue=format_amount(env, revenue, company.currency_id, lang_code=user.lang),
                trend=trend,
            )
            vals_list.append(
                {
                    "res_model_id": model_id,
                    "res_id": partner.id,
                    "activity_type_id": activity_type.id if activity_type else False,
                    "summary": env._("Customer slipped from %(old)s to %(new)s", old=labels.get(old, old), new=labels.get(new, new)),
                    "note": note,
                    "user_id": user.id,
                    "date_deadline": today.date(),
                }
            )
        if vals_list:
            self.env["mail.activity"].sudo().with_context(mail_activity_quick_update=True).create(vals_list)
        return len(vals_list)

    # ------------------------------------------------------------------ entry points

    @api.model
    def _cron_recompute(self):
        """Scheduled action: one company per call, progress reported so that
        the scheduler calls again at once while companies remain."""
        today = fields.Date.context_today(self)
        companies = self.env["res.company"].sudo().search(
            ["|", ("kundenbindung_segments_date", "=", False), ("kundenbindung_segments_date", "<", today)],
            order="id",
        )
        if not companies:
            self.env["ir.cron"]._notify_progress(done=0, remaining=0)
            return
        company = companies[0]
        try:
            with self.env.cr.savepoint():
                self.sudo()._compute_company(company)
        except Exception:
            _logger.exception("Customer Retention: segments of %s failed; the next company goes on", company.display_name)
            # do not retry the same company in a loop today
            company.kundenbindung_segments_date = today
        self.env["ir.cron"]._notify_progress(done=1, remaining=len(companies) - 1)

    @api.model
    def action_recompute(self):
        """"Recompute now" for the current company (managers only)."""
        if not self.env.user.has_group("kundenbindung_addon.group_kundenbindung_manager"):
            raise AccessError(self.env._("Only Customer Retention managers can recompute the segments."))
        company = self.env.company
        stats = self.sudo()._compute_company(company)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Segments recomputed"),
                "message": self.env._(
                    "%(customers)s customers classified, %(changes)s class changes, %(drops)s drops.",
                    customers=stats["customers"],
                    changes=stats["changes"],
                    drops=stats["drops"],
                ),
                "type": "success" if not stats["failed_chunks"] else "warning",
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }
