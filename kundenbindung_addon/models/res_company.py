# Copyright 2026 kundenbindung_addon authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import pandas as pd

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..engine import empty_invoice_lines, validate_invoice_lines, window_bounds

MAX_WINDOW_MONTHS = 120
MAX_LOST_DAYS = 3650


class ResCompany(models.Model):
    _inherit = "res.company"

    kundenbindung_window_months = fields.Integer(
        string="Revenue Window (Months)",
        default=12,
        help="Customer Retention measures revenue, segments and churn over this "
        "many months up to today.",
    )
    kundenbindung_abc_a_share = fields.Float(
        string="A Customers' Revenue Share (%)",
        default=80.0,
        digits=(5, 2),
        help="A customers are your best customers, who together bring this share of the revenue.",
    )
    kundenbindung_abc_b_share = fields.Float(
        string="B Customers' Revenue Share (%)",
        default=15.0,
        digits=(5, 2),
        help="B customers bring the next share of the revenue; C customers the rest.",
    )
    kundenbindung_abc_rank_by = fields.Selection(
        [("revenue", "Revenue in the window"), ("clv", "Customer lifetime value")],
        string="Rank ABC Classes By",
        default="revenue",
        required=True,
    )
    kundenbindung_lost_days = fields.Integer(
        string="Lost After (Days)",
        default=365,
        help="A customer who has not bought for this many days counts as lost.",
    )
    kundenbindung_drop_activity = fields.Boolean(
        string="To-do When a Customer Slips",
        default=True,
        help="When a customer drops to a lower ABC class, its salesperson gets a to-do with the figures.",
    )
    kundenbindung_segments_date = fields.Date(
        string="Segments Computed On",
        readonly=True,
        copy=False,
    )

    @api.constrains("kundenbindung_window_months")
    def _check_kundenbindung_window_months(self):
        for company in self:
            if not 1 <= company.kundenbindung_window_months <= MAX_WINDOW_MONTHS:
                raise ValidationError(
                    self.env._(
                        "The revenue window of %(company)s must be between 1 and "
                        "%(max)s months, not %(value)s.",
                        company=company.name,
                        max=MAX_WINDOW_MONTHS,
                        value=company.kundenbindung_window_months,
                    )
                )

    @api.constrains("kundenbindung_abc_a_share", "kundenbindung_abc_b_share")
    def _check_kundenbindung_abc_shares(self):
        for company in self:
            a, b = company.kundenbindung_abc_a_share, company.kundenbindung_abc_b_share
            if not (a > 0 and b > 0 and a + b <= 100):
                raise ValidationError(
                    self.env._(
                        "The ABC shares of %(company)s are not valid: A (%(a)s %%) and B "
                        "(%(b)s %%) must both be above 0 and together at most 100 %%.",
                        company=company.name,
                        a=a,
                        b=b,
                    )
                )

    @api.constrains("kundenbindung_lost_days")
    def _check_kundenbindung_lost_days(self):
        for company in self:
            if not 1 <= company.kundenbindung_lost_days <= MAX_LOST_DAYS:
                raise ValidationError(
                    self.env._(
                        "The days without purchase after which a customer of %(company)s is "
                        "lost must be between 1 and %(max)s, not %(value)s.",
                        company=company.name,
                        max=MAX_LOST_DAYS,
                        value=company.kundenbindung_lost_days,
                    )
                )

    def _kundenbindung_invoice_lines(self, date_from=None, date_to=None):
        """Invoice lines of these companies as the engine's invoice-line frame.

        Posted customer invoices and credit notes (``out_invoice`` and
        ``out_refund``), product lines only, untaxed, in company currency
        (credit notes negative), attributed to the commercial partner, with
        the product category. ``date_from`` is included, ``date_to``
        excluded; without them the company's window ending today is used.
        One query for all companies in ``self``, which the user must be
        allowed to read, as must be journal items (AccessError otherwise).
        """
        if not self:
            return empty_invoice_lines()
        # raw SQL below: check what the ORM would, the user's companies and
        # the right to read journal items
        self.check_access("read")
        self.env["account.move.line"].check_access("read")
        if date_from is None or date_to is None:
            self.ensure_one()
            start, end = window_bounds(fields.Date.context_today(self), self.kundenbindung_window_months)
            date_from, date_to = start.date(), end.date()
        self.env["account.move.line"].flush_model(
            ["move_id", "company_id", "display_type", "balance", "product_id", "parent_state"]
        )
        self.env["account.move"].flush_model(["move_type", "commercial_partner_id", "invoice_date", "state"])
        self.env.cr.execute(
            """
            SELECT move.commercial_partner_id AS partner_id,
                   line.company_id AS company_id,
                   line.move_id AS move_id,
                   move.invoice_date AS date,
                   -line.balance AS amount,
                   tmpl.categ_id AS category_id
              FROM account_move_line line
              JOIN account_move move ON move.id = line.move_id
         LEFT JOIN product_product prod ON prod.id = line.product_id
         LEFT JOIN product_template tmpl ON tmpl.id = prod.product_tmpl_id
             WHERE move.move_type IN ('out_invoice', 'out_refund')
               AND move.state = 'posted'
               AND line.display_type = 'product'
               AND line.company_id IN %s
               AND move.invoice_date >= %s
               AND move.invoice_date < %s
          ORDER BY line.company_id, move.invoice_date, line.move_id, line.id
            """,
            (tuple(self.ids), date_from, date_to),
        )
        columns = [col.name for col in self.env.cr.description]
        return validate_invoice_lines(pd.DataFrame(self.env.cr.fetchall(), columns=columns))
