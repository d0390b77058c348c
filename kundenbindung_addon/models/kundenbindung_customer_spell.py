# Copyright 2026 kundenbindung_addon authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The customers' spells of activity (engine/cohorts.py), kept from night to
night so that *Retention over Time* reads a few rows per customer instead of
every invoice: rewritten for a company by the nightly segment job."""

import datetime

import pandas as pd

from odoo import api, fields, models
from odoo.tools import SQL

from ..engine.cohorts import activity_spells, month_number, month_start

# the longest period *Retention over Time* shows, in months
LONGEST_PERIOD = 24


class KundenbindungCustomerSpell(models.Model):
    _name = "kundenbindung.customer.spell"
    _description = "Customer Activity Spell"
    _log_access = False
    _order = "partner_id, start_month"

    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True, ondelete="cascade")
    partner_id = fields.Many2one("res.partner", required=True, index=True, readonly=True, ondelete="cascade")
    start_month = fields.Date(required=True, readonly=True, help="The month of the spell's first purchase.")
    end_month = fields.Date(required=True, readonly=True, help="The month of the spell's last purchase.")
    lost_revenue = fields.Float(
        readonly=True, help="The net revenue over the window that follows the last purchase (company currency)."
    )
    first_purchase = fields.Date(
        readonly=True, help="The first month of all time in which the customer's net revenue was positive."
    )
    computed_date = fields.Date(readonly=True)
    window_months = fields.Integer(readonly=True, help="The revenue window the spell was cut with.")

    @api.model
    def _refresh(self, company, today=None):
        """Rewrite the spells of ``company`` from its documents of the
        longest period plus two windows (enough to see every spell that is
        active or ends in the period, and its last window). Returns the
        number of spells."""
        today = today or fields.Date.context_today(self)
        window = company.kundenbindung_config_id.window_months or 12
        start = month_start(month_number(today) - LONGEST_PERIOD - 2 * window - 1)
        end = today + datetime.timedelta(days=1)
        Move = self.env["account.move"]
        Move.flush_model(["amount_untaxed_signed"])
        monthly = self.env["kundenbindung.bulk"]._copy_frame(
            SQL(
                """SELECT move.commercial_partner_id AS customer,
                          date_trunc('month', move.invoice_date)::date AS date,
                          SUM(move.amount_untaxed_signed) AS amount
                     FROM account_move move
                    WHERE %s
                 GROUP BY 1, 2""",
                Move._kundenbindung_documents_sql(company.ids, start, end),
            ),
            dtype={"customer": "int64", "amount": "float64"},
            parse_dates=["date"],
        )
        spells = activity_spells(monthly, today, window)
        # the first month with a positive net amount, as the engine counts a first purchase
        self.env.cr.execute(
            SQL(
                """SELECT customer, MIN(month) FROM (
                       SELECT move.commercial_partner_id AS customer,
                              date_trunc('month', move.invoice_date)::date AS month
                         FROM account_move move
                        WHERE %s AND move.commercial_partner_id = ANY(%s)
                     GROUP BY 1, 2
                       HAVING SUM(move.amount_untaxed_signed) > 0
                   ) months
                   GROUP BY customer""",
                Move._kundenbindung_documents_sql(company.ids, None, end),
                [int(customer) for customer in spells["customer"].unique()],
            )
        )
        firsts = dict(self.env.cr.fetchall())
        rows = pd.DataFrame(
            {
                "company_id": company.id,
                "partner_id": spells["customer"].astype("int64"),
                "start_month": spells["start"],
                "end_month": spells["end"],
                "lost_revenue": spells["lost_revenue"],
                "first_purchase": spells["customer"].map(firsts),
                "computed_date": today,
                "window_months": window,
            }
        )
        self.flush_model()
        self.env.cr.execute(SQL("DELETE FROM %s WHERE company_id = %s", SQL.identifier(self._table), company.id))
        if len(rows):
            Bulk = self.env["kundenbindung.bulk"]
            Bulk._copy_into("kundenbindung_spell_new", rows, like=self._table)
            columns = SQL(", ").join(SQL.identifier(column) for column in rows.columns)
            self.env.cr.execute(
                SQL(
                    "INSERT INTO %s (%s) SELECT %s FROM kundenbindung_spell_new",
                    SQL.identifier(self._table),
                    columns,
                    columns,
                )
            )
        self.invalidate_model()
        return len(rows)
