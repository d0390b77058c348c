# Copyright 2026 kundenbindung_addon authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The customers' spells of activity (engine/cohorts.py), kept from night to
night so that *Retention over Time* reads a few rows per customer instead of
every invoice: rewritten for a company by the nightly segment job."""

import datetime

import pandas as pd

from odoo import api, fields, models
from odoo.tools import SQL

from ..engine.cohorts import activity_spells
from ..engine.periods import month_number, month_start

# the periods *Retention over Time* shows, in months
PERIODS = [("6", "6 months"), ("12", "12 months"), ("24", "24 months")]
LONGEST_PERIOD = max(int(months) for months, _label in PERIODS)


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
        readonly=True,
        help="The net revenue over the window up to the last purchase, credit notes after it included "
        "(company currency).",
    )
    first_purchase = fields.Date(
        readonly=True, help="The first month of all time in which the customer's net revenue was positive."
    )

    @api.model
    def _monthly_sql(self, company, date_from, date_to, customers=None):
        """The query of ``company``'s net revenue per customer and month in
        [date_from, date_to) (columns customer, date, amount), of
        ``customers`` (ids) only when given."""
        Move = self.env["account.move"]
        Move.flush_model(["amount_untaxed_signed"])
        only = SQL() if customers is None else SQL("AND move.commercial_partner_id = ANY(%s)", list(customers))
        return SQL(
            """SELECT move.commercial_partner_id AS customer,
                      date_trunc('month', move.invoice_date)::date AS date,
                      SUM(move.amount_untaxed_signed) AS amount
                 FROM account_move move
                WHERE %s %s
             GROUP BY 1, 2""",
            Move._kundenbindung_documents_sql(company.ids, date_from, date_to),
            only,
        )

    @api.model
    def _monthly_revenue(self, company, date_from, date_to, customers=None):
        """:meth:`_monthly_sql` as the engine's transactions table, one row
        per customer and month: what the spells are cut from and what the
        cohort grid reads of its new customers."""
        return self.env["kundenbindung.bulk"]._copy_frame(
            self._monthly_sql(company, date_from, date_to, customers),
            dtype={"customer": "int64", "amount": "float64"},
            parse_dates=["date"],
        )

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
        spells = activity_spells(self._monthly_revenue(company, start, end), today, window)
        # of all time: the first month with a positive net amount, as the engine counts a first purchase
        customers = [int(customer) for customer in spells["customer"].unique()]
        self.env.cr.execute(
            SQL(
                "SELECT customer, MIN(date) FROM (%s) months WHERE amount > 0 GROUP BY customer",
                self._monthly_sql(company, None, end, customers),
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
        # what the page reads the spells with: the window they were cut with (the setting may change)
        company.sudo().kundenbindung_config_id.write({"spells_date": today, "spells_window": window})
        return len(rows)
