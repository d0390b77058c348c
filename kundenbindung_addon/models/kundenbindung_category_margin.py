# Copyright 2026 kundenbindung_addon authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import pandas as pd

from odoo import api, fields, models

from ..engine.margins import is_low_margin


class KundenbindungCategoryMargin(models.Model):
    """The margin of a product category over the revenue window in a
    company, as the last segment recompute found it: where the offer
    earns little or loses money."""

    _name = "kundenbindung.category.margin"
    _description = "Product Category Margin"
    _order = "margin_percent, revenue desc, id"
    _rec_name = "category_id"
    _check_company_auto = True
    _log_access = False

    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    category_id = fields.Many2one(
        "product.category", string="Product Category", readonly=True, index=True, ondelete="cascade"
    )
    date = fields.Date(string="Computed On", readonly=True)
    revenue = fields.Monetary(readonly=True)
    cost = fields.Monetary(readonly=True)
    gross_margin = fields.Monetary(readonly=True)
    margin_percent = fields.Float(string="Margin %", readonly=True, aggregator=None, digits=(16, 1))
    uncosted_share = fields.Float(
        string="Revenue without Cost (%)",
        readonly=True,
        aggregator=None,
        digits=(16, 1),
        help="Share of the category's revenue whose cost is not known: the margin does not cover it.",
    )
    discounts = fields.Monetary(string="Discounts Given", readonly=True)
    customers = fields.Integer(readonly=True, aggregator=None)
    low_margin = fields.Boolean(readonly=True, index=True)

    @api.model
    def _record(self, company, categories, today):
        """Replace the company's category margins by ``categories``
        (``engine.margins.customer_margins`` by category; 0: no category)."""
        low = company.kundenbindung_config_id.low_margin_percent
        frame = pd.DataFrame(
            {
                "category_id": categories.index.astype("int64"),
                "revenue": categories["revenue"].round(2).to_numpy(),
                "cost": categories["cost"].round(2).to_numpy(),
                "gross_margin": categories["margin"].round(2).to_numpy(),
                "margin_percent": categories["margin_percent"].to_numpy(),
                "uncosted_share": (100.0 * categories["uncosted_share"]).to_numpy(),
                "discounts": categories["discounts"].round(2).to_numpy(),
                "customers": categories["customers"].astype("int64").to_numpy(),
                "low_margin": is_low_margin(categories["margin_percent"], low).to_numpy(),
            }
        )
        self.env["kundenbindung.bulk"]._copy_into(
            "kundenbindung_category_chunk",
            frame,
            [
                ("category_id", "int4"),
                ("revenue", "numeric"),
                ("cost", "numeric"),
                ("gross_margin", "numeric"),
                ("margin_percent", "float8"),
                ("uncosted_share", "float8"),
                ("discounts", "numeric"),
                ("customers", "int4"),
                ("low_margin", "bool"),
            ],
        )
        self.flush_model()
        cr = self.env.cr
        cr.execute("DELETE FROM kundenbindung_category_margin WHERE company_id = %s", (company.id,))
        cr.execute(
            """
            INSERT INTO kundenbindung_category_margin
                   (company_id, date, category_id, revenue, cost, gross_margin, margin_percent, uncosted_share,
                    discounts, customers, low_margin)
            SELECT %(company)s, %(date)s, category.id, chunk.revenue, chunk.cost, chunk.gross_margin,
                   chunk.margin_percent, chunk.uncosted_share, chunk.discounts, chunk.customers, chunk.low_margin
              FROM kundenbindung_category_chunk chunk
              LEFT JOIN product_category category ON category.id = chunk.category_id
            """,
            {"company": company.id, "date": today.date()},
        )
        self.invalidate_model()
