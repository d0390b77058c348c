# Copyright 2026 kundenbindung_addon authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The plumbing of the addon's heavy paths, in one place: a query streamed
out into a DataFrame with COPY, a DataFrame streamed into a temporary table
with COPY (from where one INSERT ... ON CONFLICT writes what changed), and
the skeleton of the nightly jobs (one company per call)."""

import io
import logging

import pandas as pd

from odoo import api, fields, models
from odoo.tools import SQL

_logger = logging.getLogger(__name__)


class KundenbindungBulk(models.AbstractModel):
    _name = "kundenbindung.bulk"
    _description = "Customer Retention Bulk SQL"

    @api.model
    def _copy_frame(self, query, params=None, **read_csv):
        """Run ``query`` (text with ``params``, or an ``SQL`` object) and
        stream its rows into a DataFrame with COPY; ``read_csv``: options of
        ``pandas.read_csv`` (dtype, parse_dates...)."""
        sql = self.env.cr.mogrify(query, params).decode()
        buffer = io.BytesIO()
        self.env.cr.copy_expert(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv, HEADER true)", buffer)
        buffer.seek(0)
        return pd.read_csv(buffer, **read_csv)

    @api.model
    def _copy_into(self, table, frame, columns=None, like=None):
        """Stream ``frame`` (its columns, by name) into the temporary table
        ``table``: created once per transaction (dropped at commit) with
        ``columns`` ((name, SQL type) pairs) or like the table ``like``,
        emptied first. The caller then writes from it in one statement."""
        cr = self.env.cr
        if like:
            definition = SQL("(LIKE %s INCLUDING DEFAULTS)", SQL.identifier(like))
        else:
            definition = SQL(
                "(%s)", SQL(", ").join(SQL("%s %s", SQL.identifier(name), SQL(sqltype)) for name, sqltype in columns)
            )
        cr.execute(SQL("CREATE TEMP TABLE IF NOT EXISTS %s %s ON COMMIT DROP", SQL.identifier(table), definition))
        cr.execute(SQL("TRUNCATE %s", SQL.identifier(table)))
        buffer = io.StringIO()
        frame.to_csv(buffer, header=False, index=False, na_rep="")
        buffer.seek(0)
        copy = SQL(
            "COPY %s (%s) FROM STDIN WITH (FORMAT csv)",
            SQL.identifier(table),
            SQL(", ").join(SQL.identifier(str(name)) for name in frame.columns),
        )
        cr.copy_expert(copy.code, buffer)

    @api.model
    def _run_per_company(self, tried_field, steps, order="id", logger=_logger):
        """The skeleton of the addon's nightly jobs: the next company not
        tried today (``tried_field``, a date on its ``kundenbindung.config``,
        ordered by ``order`` there, stamped before
        the run, so that a failing company is tried once a day, not in a
        loop), each of ``steps`` ((label, callable taking the company)) in a
        savepoint of its own, a failure logged and the next step and company
        going on, and the progress reported so that the scheduler calls
        again at once while companies remain. Each step stamps its own last
        success. ``logger``: the job's own, so that its failures keep their
        name in the log."""
        today = fields.Date.context_today(self)
        configs = (
            self.env["kundenbindung.config"]
            .sudo()
            .search(
                [("company_id.active", "=", True), "|", (tried_field, "=", False), (tried_field, "<", today)],
                order=order,
            )
        )
        if not configs:
            self.env["ir.cron"]._notify_progress(done=0, remaining=0)
            return None
        configs[0][tried_field] = today
        company = configs[0].company_id
        for label, step in steps:
            try:
                with self.env.cr.savepoint():
                    step(company)
            except Exception:
                logger.exception("Customer Retention: %s of %s failed; the next goes on", label, company.display_name)
        self.env["ir.cron"]._notify_progress(done=1, remaining=len(configs) - 1)
        return company
