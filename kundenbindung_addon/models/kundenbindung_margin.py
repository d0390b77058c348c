# Copyright 2026 kundenbindung_addon authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Glue of the margins (``engine.margins``): the invoice lines of a company
with the cost of each from every source the database has, in one query;
the figures of the cost to serve, in one query."""

import pandas as pd

from odoo import api, models
from odoo.tools import SQL

from ..engine.margins import cost_to_serve, customer_margins, line_costs


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
    def _cogs_origin_sql(self):
        """The invoice line a COGS line was booked for, where stock_account
        keeps it (``cogs_origin_id``); NULL otherwise."""
        if "cogs_origin_id" not in self.env["account.move.line"]._fields:
            return SQL("NULL::int4")
        self.env["account.move.line"].flush_model(["cogs_origin_id"])
        return SQL("cogs.cogs_origin_id")

    @api.model
    def _lines(self, company, date_from, date_to):
        """The product lines of the company's customer documents in
        [date_from, date_to): customer, amount (net, company currency,
        negative on credit notes), quantity (negative on credit notes) and
        the costs the engine chooses from: order_cost (per unit), cogs (the
        cost of goods sold booked for the line: its own COGS expense where
        stock_account links it, else the document's COGS expense for its
        product shared by quantity) and product_cost (the product's
        cost in the company; 0 counts as none); the product category and
        the discount given on the line (company currency, signed like the
        amount)."""
        self.env["account.move.line"].flush_model(
            [
                "move_id",
                "display_type",
                "balance",
                "product_id",
                "quantity",
                "company_id",
                "discount",
                "price_unit",
                "account_id",
            ]
        )
        self.env["account.account"].flush_model(["account_type"])
        self.env["account.move"].flush_model(["invoice_currency_rate"])
        self.env["product.product"].flush_model(["standard_price", "product_tmpl_id"])
        self.env["product.template"].flush_model(["categ_id"])
        return self.env["kundenbindung.bulk"]._copy_frame(
            SQL(
                """
                WITH product_lines AS (
                    SELECT line.id, move.commercial_partner_id AS customer, line.product_id, line.move_id,
                           template.categ_id AS category,
                           -line.balance AS amount,
                           CASE WHEN move.move_type = 'out_refund' THEN -line.quantity ELSE line.quantity END
                               AS quantity,
                           %(order_cost)s AS order_cost,
                           NULLIF((product.standard_price ->> %(company)s)::float8, 0) AS product_cost,
                           -- what the discount knocked off: from the net amount, or the full price at 100 percent
                           CASE WHEN COALESCE(line.discount, 0) <= 0 THEN 0
                                WHEN line.discount < 100 THEN -line.balance * line.discount / (100 - line.discount)
                                ELSE CASE WHEN move.move_type = 'out_refund' THEN -1 ELSE 1 END
                                     * line.price_unit * line.quantity / NULLIF(move.invoice_currency_rate, 0)
                           END AS discount
                      FROM account_move_line line
                      JOIN account_move move ON move.id = line.move_id
                      JOIN product_product product ON product.id = line.product_id
                      JOIN product_template template ON template.id = product.product_tmpl_id
                     WHERE %(documents)s AND line.display_type = 'product'
                ),
                -- the expense side of the booked cost of goods sold (signed like the amount): per invoice line
                -- where stock_account says which line it was booked for, else per document and product
                cogs AS (
                    SELECT cogs.move_id, cogs.product_id, %(origin)s AS origin, SUM(cogs.balance) AS cost
                      FROM account_move_line cogs
                      JOIN account_move move ON move.id = cogs.move_id
                      JOIN account_account account ON account.id = cogs.account_id
                     WHERE %(documents)s AND cogs.display_type = 'cogs' AND account.account_type LIKE %(expense)s
                  GROUP BY 1, 2, 3
                )
                SELECT p.customer, p.category, p.amount, p.quantity, p.order_cost, p.product_cost, p.discount,
                       COALESCE(
                           own.cost,
                           shared.cost * p.quantity
                               / NULLIF(SUM(p.quantity) OVER (PARTITION BY p.move_id, p.product_id), 0)
                       ) AS cogs
                  FROM product_lines p
                  LEFT JOIN cogs own ON own.origin = p.id
                  LEFT JOIN cogs shared
                         ON shared.origin IS NULL AND shared.move_id = p.move_id AND shared.product_id = p.product_id
                """,
                order_cost=self._order_cost_sql(),
                origin=self._cogs_origin_sql(),
                # expense, expense_direct_cost (the usual one for COGS), expense_depreciation
                expense="expense%",
                company=str(company.id),
                documents=self.env["account.move"]._kundenbindung_documents_sql(company.ids, date_from, date_to),
            ),
            dtype={
                "customer": "int64",
                "category": "Int64",
                "amount": "float64",
                "discount": "float64",
                "quantity": "float64",
                "order_cost": "float64",
                "product_cost": "float64",
                "cogs": "float64",
            },
        )

    @api.model
    def _activities_sql(self, company, date_from, date_to):
        """The activities done in [date_from, date_to) per customer, as
        (customer, 0, 0, count, 0, 0) rows: those on the customer and its
        contacts (of the company or of none), its invoices and credit notes
        of the company, and its sale orders and leads of the company where
        Sales and CRM are installed (one indexed join per kind of record)."""
        self.env["mail.message"].flush_model(["model", "res_id", "mail_activity_type_id", "date"])
        self.env["res.partner"].flush_model(["company_id", "commercial_partner_id"])
        self.env["account.move"].flush_model(["company_id", "move_type", "commercial_partner_id"])
        of_company = SQL("(record.company_id = %s OR record.company_id IS NULL)", company.id)
        sources = [
            ("res.partner", SQL("record.commercial_partner_id"), SQL(""), of_company),
            (
                "account.move",
                SQL("record.commercial_partner_id"),
                SQL(""),
                SQL("record.company_id = %s AND record.move_type IN ('out_invoice', 'out_refund')", company.id),
            ),
        ]
        for model in ("sale.order", "crm.lead"):
            if model in self.env:
                self.env[model].flush_model(["partner_id", "company_id"])
                sources.append(
                    (
                        model,
                        SQL("partner.commercial_partner_id"),
                        SQL("JOIN res_partner partner ON partner.id = record.partner_id"),
                        of_company,
                    )
                )
        return SQL(" UNION ALL ").join(
            SQL(
                """SELECT %(customer)s, 0, 0, COUNT(*), 0, 0
                     FROM mail_message message
                     JOIN %(table)s record ON record.id = message.res_id %(join)s
                    WHERE message.model = %(model)s AND message.mail_activity_type_id IS NOT NULL
                      AND message.date >= %(date_from)s AND message.date < %(date_to)s
                      AND %(customer)s IS NOT NULL AND %(of_company)s
                 GROUP BY 1""",
                customer=customer,
                table=SQL.identifier(self.env[model]._table),
                join=join,
                model=model,
                date_from=date_from,
                date_to=date_to,
                of_company=condition,
            )
            for model, customer, join, condition in sources
        )

    @api.model
    def _serve_figures(self, company, date_from, date_to, today):
        """What serving each customer of the company took in [date_from,
        date_to), in one query: returns (its credit notes' untaxed amount),
        overdue (over the instalments of its invoices, each payment x the
        days it came after the instalment's due date, and what is still open
        x the days until ``today`` where the company records payments in
        Odoo at all), activities (done on the customer, its
        contacts, invoices, orders and leads), rewards (loyalty points it
        redeemed in the company's programs) and campaigns (the cost per
        customer of every campaign that reached it)."""
        Move = self.env["account.move"]
        Move.flush_model(["amount_untaxed_signed", "amount_total_signed", "amount_residual_signed"])
        Move.flush_model(["invoice_date_due", "payment_state"])
        self.env["account.move.line"].flush_model(["display_type", "date_maturity", "amount_residual"])
        self.env["account.partial.reconcile"].flush_model(["debit_move_id", "max_date", "amount"])
        self.env["loyalty.history"].flush_model(["card_id", "used"])
        self.env["loyalty.card"].flush_model(["partner_id", "company_id"])
        self.env["kundenbindung.campaign.recipient"].flush_model(["partner_id", "control", "campaign_id"])
        self.env["kundenbindung.campaign"].flush_model(["launched_date", "cost_per_customer", "company_id"])
        return self.env["kundenbindung.bulk"]._copy_frame(
            SQL(
                """
                WITH parts AS (
                    SELECT move.commercial_partner_id AS customer,
                           -move.amount_untaxed_signed AS returns, 0 AS overdue, 0 AS activities,
                           0 AS rewards, 0 AS campaigns
                      FROM account_move move
                     WHERE %(refunds)s AND move.move_type = 'out_refund'
                    UNION ALL
                    -- each payment (or credit) of an instalment: its amount x the days it came late;
                    -- what is still open: x the days until today, where the company records payments in
                    -- Odoo at all (with the bookkeeping elsewhere, DATEV say, every invoice stays open here)
                    SELECT move.commercial_partner_id, 0,
                           (SELECT COALESCE(SUM(partial.amount * GREATEST(0, partial.max_date - term.date_maturity)), 0)
                              FROM account_move_line term
                              JOIN account_partial_reconcile partial ON partial.debit_move_id = term.id
                             WHERE term.move_id = move.id AND term.display_type = 'payment_term')
                           + CASE WHEN EXISTS (SELECT 1 FROM account_move paid
                                                WHERE %(paid_invoices)s
                                                  AND paid.payment_state IN ('paid', 'in_payment', 'partial'))
                                  THEN (SELECT COALESCE(SUM(term.amount_residual
                                                            * GREATEST(0, %(today)s::date - term.date_maturity)), 0)
                                          FROM account_move_line term
                                         WHERE term.move_id = move.id AND term.display_type = 'payment_term')
                                  ELSE 0
                             END,
                           0, 0, 0
                      FROM account_move move
                     WHERE %(invoices)s
                       AND move.payment_state NOT IN ('reversed', 'invoicing_legacy')
                    UNION ALL
                    %(activities)s
                    UNION ALL
                    SELECT partner.commercial_partner_id, 0, 0, 0, SUM(history.used), 0
                      FROM loyalty_history history
                      JOIN loyalty_card card ON card.id = history.card_id
                      JOIN res_partner partner ON partner.id = card.partner_id
                     WHERE (card.company_id = %(company)s OR card.company_id IS NULL) AND history.used > 0
                       AND history.create_date >= %(date_from)s AND history.create_date < %(date_to)s
                  GROUP BY partner.commercial_partner_id
                    UNION ALL
                    SELECT partner.commercial_partner_id, 0, 0, 0, 0, SUM(campaign.cost_per_customer)
                      FROM kundenbindung_campaign_recipient recipient
                      JOIN kundenbindung_campaign campaign ON campaign.id = recipient.campaign_id
                      JOIN res_partner partner ON partner.id = recipient.partner_id
                     WHERE campaign.company_id = %(company)s AND NOT COALESCE(recipient.control, FALSE)
                       AND campaign.launched_date >= %(date_from)s AND campaign.launched_date < %(date_to)s
                  GROUP BY partner.commercial_partner_id
                )
                SELECT customer, SUM(returns) AS returns, SUM(overdue) AS overdue,
                       SUM(activities) AS activities, SUM(rewards) AS rewards, SUM(campaigns) AS campaigns
                  FROM parts
              GROUP BY customer
                """,
                refunds=Move._kundenbindung_documents_sql(company.ids, date_from, date_to),
                invoices=Move._kundenbindung_documents_sql(company.ids, date_from, date_to, refunds=False),
                paid_invoices=Move._kundenbindung_documents_sql(
                    company.ids, date_from, date_to, refunds=False, alias="paid"
                ),
                activities=self._activities_sql(company, date_from, date_to),
                today=today,
                date_from=date_from,
                date_to=date_to,
                company=company.id,
            ),
            dtype={"customer": "int64"},
            index_col="customer",
        )

    @api.model
    def _serve_rates(self, company):
        """The company's rates of the cost to serve, as the engine takes them."""
        config = company.kundenbindung_config_id
        return {
            "returns": config.serve_return_rate / 100.0,
            "payment_delay": config.serve_interest_rate / 100.0,
            "activities": config.serve_activity_cost,
            "rewards": config.serve_point_value,
            "campaigns": 1.0,
        }

    @api.model
    def _figures(self, company, date_from, date_to, today):
        """Everything on margin of the company's customers in [date_from,
        date_to): ``customers`` (:func:`engine.margins.customer_margins`
        with the cost to serve, part by part) and ``categories`` (the same
        per product category)."""
        lines = line_costs(self._lines(company, date_from, date_to))
        serve = cost_to_serve(self._serve_figures(company, date_from, date_to, today), self._serve_rates(company))
        customers = customer_margins(lines, serve).join(serve.drop(columns="total").add_prefix("serve_"), how="left")
        # a customer served (an activity, a campaign) without revenue in the window costs all the same
        idle = serve.index.difference(customers.index)
        if len(idle):
            extra = serve.loc[idle].drop(columns="total").add_prefix("serve_")
            extra["cost_to_serve"] = serve.loc[idle, "total"]
            extra["contribution"] = -extra["cost_to_serve"]
            customers = pd.concat([customers, extra]) if len(customers) else extra
        categorised = lines.assign(category=lines["category"].fillna(0).astype("int64"))
        return {"customers": customers, "categories": customer_margins(categorised, by="category")}
