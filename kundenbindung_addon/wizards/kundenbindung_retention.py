# Copyright 2026 kundenbindung_addon authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Retention over time: the cohort grid (first-purchase month x months
since, share still buying) and churn and lost revenue per month, of the
current company's customers the user may see (their own for a salesperson
who sees only their own customers). Odoo Community has no cohort view; the
grid is an HTML table coloured by the share, computed on the server."""

import datetime

from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.tools import SQL, format_date, formatLang

from ..engine.cohorts import cohort_grid, month_number, month_start, monthly_churn

PERIODS = [("6", "6 months"), ("12", "12 months"), ("24", "24 months")]


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
            window = retention.company_id.sudo().kundenbindung_config_id.window_months or 12
            monthly, first = retention._monthly_purchases(today, months + window)
            retention.cohort_html = retention._cohort_table(cohort_grid(monthly, today, months, first))
            retention.churn_html = retention._churn_table(monthly_churn(monthly, today, months, window, first))

    def _customers(self):
        """The visible customers of the company, as a subquery: the record
        rules of the segments decide, as they do in the customer lists."""
        Segment = self.env["kundenbindung.customer.segment"]
        return Segment._search([("company_id", "=", self.company_id.id)]).subselect("partner_id")

    def _monthly_purchases(self, today, months):
        """The visible customers' net revenue per month over the last
        ``months`` months (the engine's transactions table, one row per
        customer and month) and each one's first purchase of all time."""
        self.ensure_one()
        Move = self.env["account.move"]
        Move.flush_model(["amount_untaxed_signed"])
        start = month_start(month_number(today) - months)
        end = today + datetime.timedelta(days=1)
        company = self.company_id.ids
        customers = self._customers()
        Bulk = self.env["kundenbindung.bulk"]
        monthly = Bulk._copy_frame(
            SQL(
                """SELECT move.commercial_partner_id AS customer,
                          date_trunc('month', move.invoice_date)::date AS date,
                          SUM(move.amount_untaxed_signed) AS amount
                     FROM account_move move
                    WHERE %s AND move.commercial_partner_id IN %s
                 GROUP BY 1, 2""",
                Move._kundenbindung_documents_sql(company, start, end),
                customers,
            ),
            dtype={"customer": "int64", "amount": "float64"},
            parse_dates=["date"],
        )
        # the first month with a positive net amount, as the engine counts a purchase
        self.env.cr.execute(
            SQL(
                """SELECT customer, MIN(month) FROM (
                       SELECT move.commercial_partner_id AS customer,
                              date_trunc('month', move.invoice_date)::date AS month
                         FROM account_move move
                        WHERE %s AND move.commercial_partner_id IN %s
                     GROUP BY 1, 2
                       HAVING SUM(move.amount_untaxed_signed) > 0
                   ) months
                   GROUP BY customer""",
                Move._kundenbindung_documents_sql(company, None, end),
                customers,
            )
        )
        return monthly, dict(self.env.cr.fetchall())

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

    def _churn_table(self, churn):
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
                    "the lost revenue is its revenue over those months.",
                    months=self.company_id.sudo().kundenbindung_config_id.window_months or 12,
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
