# Copyright 2026 kundenbindung_addon authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import datetime

from odoo import Command
from odoo.tests import tagged

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

from .common import make_invoice, make_user

D = datetime.date


@tagged("post_install", "-at_install")
class TestMargins(AccountTestInvoicingCommon):
    """Issue 22 (begun): the cost of every invoice line from the best source
    the database has, against hand-computed margins."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.company_data["company"]
        cls.paper = cls._create_product(name="Papier", lst_price=100.0)
        cls.paper.with_company(cls.company).standard_price = 30.0
        cls.service = cls._create_product(name="Beratung", lst_price=50.0)
        cls.service.with_company(cls.company).standard_price = 0.0
        cls.kunz = cls.env["res.partner"].create({"name": "Kunz GmbH", "is_company": True})
        cls.lang = cls.env["res.partner"].create({"name": "Lang KG", "is_company": True})
        cls.taxes = cls.env["account.tax"]

    def margins(self):
        return self.env["kundenbindung.margin"]._customer_margins(self.company, D(2026, 1, 1), D(2027, 1, 1))

    def test_product_cost_credit_notes_and_lines_without_a_cost(self):
        make_invoice(
            self.env, self.company, self.kunz, D(2026, 3, 1), [(self.paper, 2, 100), (self.service, 1, 50)], self.taxes
        )
        make_invoice(self.env, self.company, self.kunz, D(2026, 4, 1), [(self.paper, 1, 100)], self.taxes, "out_refund")
        kunz = self.margins().loc[self.kunz.id]
        # 2 x 100 - 2 x 30, one back: -(100 - 30); the service has no cost
        self.assertEqual((kunz["revenue"], kunz["margin"]), (150.0, 70.0))
        self.assertAlmostEqual(kunz["margin_percent"], 70.0)
        self.assertAlmostEqual(kunz["uncosted_share"], 50.0 / 150.0)
        self.assertEqual((kunz["revenue_product"], kunz["revenue_none"], kunz["revenue_cogs"]), (100.0, 50.0, 0.0))

    def test_the_booked_cost_of_goods_sold_comes_before_the_product_cost(self):
        invoice = make_invoice(
            self.env, self.company, self.lang, D(2026, 5, 1), [(self.paper, 2, 100)], self.taxes, post=False
        )
        # what stock_account books for anglo-saxon accounting: the expense and the stock output, 25 a unit
        accounts = self.company_data["default_account_expense"] | self.company_data["default_account_assets"]
        invoice.with_context(check_move_validity=False).write(
            {
                "line_ids": [
                    Command.create(
                        {
                            "display_type": "cogs",
                            "name": "COGS",
                            "product_id": self.paper.id,
                            "account_id": account.id,
                            "balance": balance,
                            "quantity": 2,
                        }
                    )
                    for account, balance in zip(accounts, (50.0, -50.0))
                ]
            }
        )
        invoice.action_post()
        self.assertEqual(len(invoice.line_ids.filtered(lambda line: line.display_type == "cogs")), 2)
        lang = self.margins().loc[self.lang.id]
        self.assertEqual(
            (lang["revenue"], lang["cost"], lang["margin"], lang["revenue_cogs"]), (200.0, 50.0, 150.0, 200.0)
        )

    def test_the_nightly_segments_keep_each_customers_margin_over_the_window(self):
        self.company.kundenbindung_config_id.window_months = 12
        make_invoice(
            self.env, self.company, self.kunz, D(2026, 3, 1), [(self.paper, 2, 100), (self.service, 1, 50)], self.taxes
        )
        # before the window: not counted
        make_invoice(self.env, self.company, self.kunz, D(2024, 3, 1), [(self.paper, 1, 100)], self.taxes)
        self.env["kundenbindung.segmentation"]._compute_company(self.company, today=D(2026, 11, 30))
        segment = self.env["kundenbindung.customer.segment"].search(
            [("partner_id", "=", self.kunz.id), ("company_id", "=", self.company.id)]
        )
        self.assertEqual(segment.gross_margin, 140.0)
        self.assertAlmostEqual(segment.margin_percent, 70.0)
        self.assertAlmostEqual(segment.uncosted_share, 100 * 50.0 / 250.0, places=1)
        # a salesperson of her own customers reads them on her customers only, as the other figures
        salesperson = make_user(self.env, "kb_margin_own", "salesman", self.company)
        self.kunz.user_id = salesperson
        self.assertEqual(segment.with_user(salesperson).gross_margin, 140.0)
        self.assertFalse(
            self.env["kundenbindung.customer.segment"]
            .with_user(salesperson)
            .search([("partner_id", "=", self.lang.id)])
        )

    def test_the_sale_order_lines_cost_comes_first_where_sales_margins_keep_one(self):
        order_line = self.env.registry.get("sale.order.line")
        if order_line is None or "purchase_price" not in order_line._fields:
            self.skipTest("Sales margins (sale_margin) are not installed in this database")
        order = self.env["sale.order"].create(
            {
                "partner_id": self.kunz.id,
                "company_id": self.company.id,
                "order_line": [Command.create({"product_id": self.paper.id, "product_uom_qty": 2, "price_unit": 100})],
            }
        )
        order.order_line.purchase_price = 40.0
        order.action_confirm()
        invoice = order._create_invoices()
        invoice.invoice_date = D(2026, 6, 1)
        invoice.action_post()
        kunz = self.margins().loc[self.kunz.id]
        # 40 a unit from the order, not the product's 30
        self.assertEqual((kunz["cost"], kunz["margin"], kunz["revenue_order"]), (80.0, 120.0, 200.0))
