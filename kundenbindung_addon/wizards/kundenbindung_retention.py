# Copyright 2026 kundenbindung_addon authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Retention over time: the cohort grid (first-purchase month x months
since, share still buying) and churn and lost revenue per month, of the
current company's customers the user may see (their own for a salesperson
who sees only their own customers). Odoo Community has no cohort view; the
grid is an HTML table coloured by the share, computed on the server."""

import datetime

import pandas as pd
from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.tools import SQL, format_date, formatLang

from ..engine.cohorts import churn_from_spells, cohort_grid
from ..engine.periods import month_number, month_start
from ..models.kundenbindung_customer_spell import PERIODS


class KundenbindungRetention(models.TransientModel):
    _name = "kundenbindung.retention"
    _description = "Customer Retention over Time"

    company_id = fields.Many2one("res.company", readonly=True, default=lambda self: self.env.company)
    currency_id = fields.Many2one(related="company_id.currency_id")
    months = fields.Selection(PERIODS, string="Period", required=True, default="12")
    cohort_html = fields.Html(string="Cohorts", compute="_compute_tables", sanitize=False)
    churn_html = fields.Html(string="Churn per Month", compute="_compute_tables", sanitize=False)

    @api.depends("company_id")
    def _compute_display_name(self):
        for retention in self:
            retention.display_name = self.env._("Retention over Time")

    @api.depends("company_id", "months")
    @api.depends_context("uid", "company", "lang")
    def _compute_tables(self):
        today = fields.Date.context_today(self)
        for retention in self:
            months = int(retention.months or 12)
            # the window the spells were cut with last night (the setting may have changed since)
            window = retention.company_id.sudo().kundenbindung_config_id.spells_window
            spells = retention._spells(today, months + window) if window else None
            if spells is None:
                note = Markup('<p class="text-muted">%s</p>') % self.env._(
                    "Retention over time is computed with the customer segments each night; "
                    "it shows here after the next run (managers: Configuration > Settings > Recompute Now)."
                )
                retention.cohort_html = retention.churn_html = note
                continue
            # partners merged since the night each bring their own: the earliest counts
            firsts = spells.groupby("customer")["first_purchase"].min()
            newcomers = retention._purchases_of_new_customers(spells, today, months)
            retention.cohort_html = retention._cohort_table(cohort_grid(newcomers, today, months, firsts))
            retention.churn_html = retention._churn_table(
                churn_from_spells(spells, today, months, window, firsts), window
            )

    def _customers(self):
        """The visible customers of the company, as a subquery: the record
        rules of the segments decide, as they do in the customer lists."""
        Segment = self.env["kundenbindung.customer.segment"]
        return Segment._search([("company_id", "=", self.company_id.id)]).subselect("partner_id")

    def _spells(self, today, months):
        """The kept spells of the visible customers that are active or end
        in the last ``months`` months."""
        self.ensure_one()
        self.env["kundenbindung.customer.spell"].flush_model()
        return self.env["kundenbindung.bulk"]._copy_frame(
            SQL(
                """SELECT partner_id AS customer, start_month AS start, end_month AS "end", lost_revenue,
                          first_purchase
                     FROM kundenbindung_customer_spell
                    WHERE company_id = %s AND end_month >= %s AND partner_id IN %s""",
                self.company_id.id,
                month_start(month_number(today) - months - 1),
                self._customers(),
            ),
            dtype={"customer": "int64", "lost_revenue": "float64"},
            parse_dates=["start", "end", "first_purchase"],
        )

    def _purchases_of_new_customers(self, spells, today, months):
        """The net revenue per month of the customers whose first purchase
        falls in the last ``months`` months (the cohorts), read from their
        invoices (few customers, through the addon's index)."""
        first = pd.Timestamp(month_start(month_number(today) - months + 1))
        new = spells.loc[spells["first_purchase"] >= first, "customer"].unique()
        return self.env["kundenbindung.customer.spell"]._monthly_revenue(
            self.company_id, first.date(), today + datetime.timedelta(days=1), [int(customer) for customer in new]
        )

    # ------------------------------------------------------------------ the tables

    def _month_label(self, day):
        return format_date(self.env, day, date_format="MMM yyyy")

    def _percent(self, share, digits=0):
        return formatLang(self.env, share * 100, digits=digits) + "\N{NO-BREAK SPACE}%"

    def _cohort_table(self, grid):
        env = self.env
        offsets = [column for column in grid.columns if column != "customers"]
        head = Markup("").join(Markup('<th class="text-end">%s</th>') % offset for offset in offsets)
        rows = []
        for cohort, row in grid.iterrows():
            cells = []
            for offset in offsets:
                share = row[offset]
                if share != share:  # NaN: still to come, or an empty cohort
                    cells.append(Markup("<td></td>"))
                    continue
                colour = "color: #fff; " if share >= 0.5 else ""
                cells.append(
                    Markup('<td class="text-end" style="%sbackground-color: rgba(1, 126, 132, %s)">%s</td>')
                    % (colour, f"{0.08 + 0.92 * share:.2f}", self._percent(share))
                )
            rows.append(
                Markup('<tr><th class="text-nowrap">%s</th><td class="text-end">%s</td>%s</tr>')
                % (self._month_label(cohort), formatLang(env, row["customers"], digits=0), Markup("").join(cells))
            )
        caption = escape(
            env._(
                "Each row: the customers whose first purchase fell in that month. Each column: the share of them "
                "who bought again that many months later (0 = the first month)."
            )
        )
        return Markup(
            '<table class="table table-sm table-bordered o_kundenbindung_cohorts">'
            '<caption class="caption-top">%s</caption>'
            '<thead><tr><th>%s</th><th class="text-end">%s</th>%s</tr>'
            '<tr><th></th><th></th><th class="text-center" colspan="%s">%s</th></tr></thead>'
            "<tbody>%s</tbody></table>"
        ) % (
            caption,
            env._("First purchase"),
            env._("Customers"),
            head,
            len(offsets),
            env._("months since the first purchase"),
            Markup("").join(rows),
        )

    def _churn_table(self, churn, window):
        env = self.env
        currency = self.currency_id
        rows = []
        for month, row in churn.iterrows():
            rate = row["rate"]
            rows.append(
                Markup(
                    '<tr><th class="text-nowrap">%s</th><td class="text-end">%s</td><td class="text-end">%s</td>'
                    '<td class="text-end">%s</td><td class="text-end">%s</td><td class="text-end">%s</td></tr>'
                )
                % (
                    self._month_label(month),
                    formatLang(env, row["active"], digits=0),
                    formatLang(env, row["new"], digits=0),
                    formatLang(env, row["lost"], digits=0),
                    self._percent(rate, digits=1) if rate == rate else "",
                    formatLang(env, row["lost_revenue"], currency_obj=currency),
                )
            )
        return Markup(
            '<table class="table table-sm table-striped o_kundenbindung_churn">'
            '<caption class="caption-top">%s</caption>'
            '<thead><tr><th>%s</th><th class="text-end">%s</th><th class="text-end">%s</th>'
            '<th class="text-end">%s</th><th class="text-end">%s</th><th class="text-end">%s</th></tr></thead>'
            "<tbody>%s</tbody></table>"
        ) % (
            escape(
                env._(
                    "A customer is lost in the month in which %(months)s months pass since its last purchase; "
                    "the lost revenue is its revenue over the %(months)s months up to that purchase.",
                    months=window,
                )
            ),
            env._("Month"),
            env._("Active at the start"),
            env._("New"),
            env._("Lost"),
            env._("Churn rate"),
            env._("Lost revenue"),
            Markup("").join(rows),
        )
