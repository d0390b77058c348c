# Copyright 2026 kundenbindung_addon authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Glue of the margins (``engine.margins``): the invoice lines of a company
with the cost of each from every source the database has, in one query."""

from odoo import api, models
from odoo.tools import SQL

from ..engine.margins import customer_margins, line_costs


class KundenbindungMargin(models.AbstractModel):
    _name = "kundenbindung.margin"
    _description = "Customer Retention Margins"

    @api.model
    def _order_cost_sql(self):
        """The unit cost of the sale order line an invoice line was invoiced
        from, where Odoo's sale_margin keeps one (in the company's currency
        only); NULL otherwise."""
        order_line = self.env.registry.get("sale.order.line")
        if order_line is None or "purchase_price" not in order_line._fields:
            return SQL("NULL::float8")
        self.env["sale.order.line"].flush_model(["purchase_price", "currency_id"])
        return SQL(
            """(SELECT AVG(sol.purchase_price) FROM sale_order_line_invoice_rel rel
                  JOIN sale_order_line sol ON sol.id = rel.order_line_id
                  JOIN res_company company ON company.id = move.company_id
                 WHERE rel.invoice_line_id = line.id AND sol.currency_id = company.currency_id
                   AND sol.purchase_price <> 0)"""
        )

    @api.model
    def _lines(self, company, date_from, date_to):
        """The product lines of the company's customer documents in
        [date_from, date_to): customer, amount (net, company currency,
        negative on credit notes), quantity (negative on credit notes) and
        the costs the engine chooses from: order_cost (per unit), cogs (the
        cost of goods sold booked for the line: the move's COGS expense for
        its product, shared by quantity) and product_cost (the product's
        cost in the company; 0 counts as none)."""
        self.env["account.move.line"].flush_model(
            ["move_id", "display_type", "balance", "product_id", "quantity", "company_id"]
        )
        self.env["product.product"].flush_model(["standard_price"])
        return self.env["kundenbindung.bulk"]._copy_frame(
            SQL(
                """
                WITH product_lines AS (
                    SELECT line.id, move.commercial_partner_id AS customer, line.product_id, line.move_id,
                           -line.balance AS amount,
                           CASE WHEN move.move_type = 'out_refund' THEN -line.quantity ELSE line.quantity END
                               AS quantity,
                           %(order_cost)s AS order_cost,
                           NULLIF((product.standard_price ->> %(company)s)::float8, 0) AS product_cost
                      FROM account_move_line line
                      JOIN account_move move ON move.id = line.move_id
                      JOIN product_product product ON product.id = line.product_id
                     WHERE %(documents)s AND line.display_type = 'product'
                ),
                -- the expense side of the booked cost of goods sold, per document and product
                cogs AS (
                    SELECT cogs.move_id, cogs.product_id,
                           SUM(CASE WHEN move.move_type = 'out_refund' THEN -1 ELSE 1 END * ABS(cogs.balance)) / 2
                               AS cost
                      FROM account_move_line cogs
                      JOIN account_move move ON move.id = cogs.move_id
                     WHERE %(documents)s AND cogs.display_type = 'cogs'
                  GROUP BY 1, 2
                )
                SELECT p.customer, p.amount, p.quantity, p.order_cost, p.product_cost,
                       c.cost * p.quantity / NULLIF(SUM(p.quantity) OVER (PARTITION BY p.move_id, p.product_id), 0)
                           AS cogs
                  FROM product_lines p
                  LEFT JOIN cogs c ON c.move_id = p.move_id AND c.product_id = p.product_id
                """,
                order_cost=self._order_cost_sql(),
                company=str(company.id),
                documents=self.env["account.move"]._kundenbindung_documents_sql(company.ids, date_from, date_to),
            ),
            dtype={
                "customer": "int64",
                "amount": "float64",
                "quantity": "float64",
                "order_cost": "float64",
                "product_cost": "float64",
                "cogs": "float64",
            },
        )

    @api.model
    def _customer_margins(self, company, date_from, date_to, serve=None):
        """Revenue, cost, gross margin, margin %, the revenue of every cost
        source and the contribution margin per customer of the company
        (``engine.margins.customer_margins``)."""
        return customer_margins(line_costs(self._lines(company, date_from, date_to)), serve)
