# Copyright 2026 kundenbindung_addon authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The bulk SQL of the addon's heavy paths, in one place: a query streamed
out into a DataFrame with COPY, and a DataFrame streamed into a temporary
table with COPY, from where one INSERT ... ON CONFLICT writes what
changed."""

import io

import pandas as pd

from odoo import api, models
from odoo.tools import SQL


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
