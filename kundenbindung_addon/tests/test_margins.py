# Copyright 2026 kundenbindung_addon authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import datetime
from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

from .common import make_invoice, make_user

D = datetime.date


@tagged("post_install", "-at_install")
class TestMargins(AccountTestInvoicingCommon):
    """Issue 22: the cost of every invoice line from the best source the
    database has, the cost to serve and the contribution margin against
    hand-computed figures; classes on margin; the customer portfolio on a
    planted set; the low-margin lists; access."""

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

    TODAY = D(2026, 11, 30)

    def segment(self, partner):
        return self.env["kundenbindung.customer.segment"].search(
            [("partner_id", "=", partner.id), ("company_id", "=", self.company.id)]
        )

    def recompute(self):
        return self.env["kundenbindung.segmentation"]._compute_company(self.company, today=self.TODAY)

    def pay(self, invoice, date):
        self.env["account.payment.register"].with_context(active_model="account.move", active_ids=invoice.ids).create(
            {"payment_date": date}
        )._create_payments()

    def due(self, partner, date, lines):
        """A posted invoice due on its date (no payment term)."""
        invoice = make_invoice(self.env, self.company, partner, date, lines, self.taxes, post=False)
        invoice.write({"invoice_payment_term_id": False, "invoice_date_due": date})
        invoice.action_post()
        self.assertEqual(invoice.invoice_date_due, date)
        return invoice

    def margins(self):
        figures = self.env["kundenbindung.margin"]._figures(self.company, D(2026, 1, 1), D(2027, 1, 1), self.TODAY)
        return figures["customers"]

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
        # and on the customer's form, in the current company
        kunz = self.kunz.with_user(salesperson).with_company(self.company)
        self.assertEqual((kunz.kundenbindung_gross_margin, kunz.kundenbindung_margin_percent), (140.0, 70.0))
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

    def serve_kunz(self):
        """Kunz: 200 sold at 140 margin, paid 36 days late; 100 back on a
        credit note (margin -70, returns 100); one call; one campaign of
        10 a customer. By hand: returns 5 % x 100 = 5, payment delay
        200 x 36 / 365 x 8 % = 1.578, activities 15, campaigns 10."""
        invoice = self.due(self.kunz, D(2026, 3, 1), [(self.paper, 2, 100)])
        self.pay(invoice, D(2026, 4, 6))
        make_invoice(self.env, self.company, self.kunz, D(2026, 4, 1), [(self.paper, 1, 100)], self.taxes, "out_refund")
        self.env["mail.message"].create(
            {
                "model": "res.partner",
                "res_id": self.kunz.id,
                "message_type": "notification",
                "body": "Anruf",
                "mail_activity_type_id": self.env.ref("mail.mail_activity_data_call").id,
                "date": datetime.datetime(2026, 6, 1, 10, 0),
            }
        )
        campaign = self.env["kundenbindung.campaign"].create(
            {"name": "Frühjahr", "company_id": self.company.id, "cost_per_customer": 10.0, "abc_a": True}
        )
        campaign.sudo().write({"state": "done", "launched_date": D(2026, 5, 1)})
        self.env["kundenbindung.campaign.recipient"].sudo().create(
            {"campaign_id": campaign.id, "partner_id": self.kunz.id}
        )

    def test_cost_to_serve_part_by_part_and_the_contribution_margin_by_hand(self):
        self.serve_kunz()
        self.recompute()
        kunz = self.segment(self.kunz)
        self.assertEqual((kunz.revenue, kunz.gross_margin), (100.0, 70.0))
        self.assertEqual(
            (kunz.serve_returns, kunz.serve_payment_delay, kunz.serve_activities, kunz.serve_campaigns),
            (5.0, 1.58, 15.0, 10.0),
        )
        self.assertEqual(kunz.cost_to_serve, 31.58)
        self.assertEqual(kunz.contribution_margin, 38.42)
        # on revenue by default: the ranked value is the revenue
        self.assertEqual(kunz.ranked_value, 100.0)
        # the company's rates change the parts
        self.company.kundenbindung_config_id.write({"serve_activity_cost": 40.0, "serve_return_rate": 0.0})
        self.recompute()
        self.assertEqual((kunz.serve_activities, kunz.serve_returns, kunz.cost_to_serve), (40.0, 0.0, 51.58))

    def test_an_open_invoice_costs_its_interest_until_today_where_payments_are_recorded(self):
        self.due(self.lang, D(2026, 10, 31), [(self.paper, 1, 365)])
        self.recompute()
        # no payment recorded in Odoo at all (the bookkeeping is elsewhere): an open invoice says nothing
        self.assertEqual(self.segment(self.lang).serve_payment_delay, 0.0)
        self.pay(self.due(self.kunz, D(2026, 11, 1), [(self.paper, 1, 100)]), D(2026, 11, 1))
        self.recompute()
        # 365 open for 30 days at 8 % a year: 365 x 30 / 365 x 0.08; Kunz paid on time
        self.assertEqual(self.segment(self.lang).serve_payment_delay, 2.4)
        self.assertEqual(self.segment(self.kunz).serve_payment_delay, 0.0)

    def test_ranked_on_contribution_a_customer_sold_at_a_loss_is_a_c_customer(self):
        self.serve_kunz()
        bargain = self._create_product(name="Sonderposten", lst_price=120.0)
        bargain.with_company(self.company).standard_price = 150.0
        make_invoice(self.env, self.company, self.lang, D(2026, 6, 1), [(bargain, 3, 120)], self.taxes)
        self.recompute()
        lang = self.segment(self.lang)
        self.assertEqual((lang.abc_class, lang.gross_margin, lang.low_margin), ("A", -90.0, True))
        self.assertFalse(self.segment(self.kunz).low_margin)
        self.company.kundenbindung_config_id.value_basis = "contribution"
        self.recompute()
        self.assertEqual((lang.abc_class, lang.ranked_value), ("C", -90.0))
        self.assertEqual((self.segment(self.kunz).abc_class, self.segment(self.kunz).ranked_value), ("A", 38.42))
        change = self.env["kundenbindung.class.history"].search([("partner_id", "=", self.lang.id)], limit=1)
        self.assertEqual((change.old_class, change.new_class), ("A", "C"))
        # the product categories: the bargains' category sold at a loss is listed as low-margin
        categories = self.env["kundenbindung.category.margin"].search([("company_id", "=", self.company.id)])
        by_category = {line.category_id: line for line in categories}
        self.assertEqual(len(categories), len(by_category))
        line = by_category[bargain.categ_id]
        self.assertEqual(line.customers, 2 if bargain.categ_id == self.paper.categ_id else 1)
        self.assertTrue(line.low_margin)
        self.assertEqual(
            self.env["kundenbindung.category.margin"].search([("low_margin", "=", True)]).category_id,
            bargain.categ_id,
        )

    def test_planted_stars_question_marks_cash_cows_and_poor_dogs_land_in_their_fields(self):
        Partner = self.env["res.partner"]
        planted = {
            # big orders for two years / one big order last month / small orders for two years / one small order
            "star": (Partner.create({"name": "Star AG", "is_company": True}), 8, 2000.0),
            "question": (Partner.create({"name": "Neu GmbH", "is_company": True}), 1, 6000.0),
            "cash_cow": (Partner.create({"name": "Treu KG", "is_company": True}), 8, 100.0),
            "poor": (Partner.create({"name": "Klein OHG", "is_company": True}), 1, 60.0),
        }
        for partner, count, price in planted.values():
            for k in range(count):
                date = self.TODAY - datetime.timedelta(days=30 + 90 * (count - 1 - k))
                make_invoice(self.env, self.company, partner, date, [(self.paper, 1, price)], self.taxes)
        self.recompute()
        for field, (partner, _count, _price) in planted.items():
            segment = self.segment(partner)
            self.assertEqual(segment.portfolio_field, field, partner.name)
            self.assertTrue(0 <= segment.portfolio_attractiveness <= 100 and 0 <= segment.portfolio_strength <= 100)
        self.assertEqual(self.segment(planted["question"][0]).portfolio_strategy, "develop")

        # a move is kept with the field before it
        star = self.segment(planted["star"][0])
        self.env.cr.execute(
            "UPDATE kundenbindung_customer_segment SET portfolio_field = 'question' WHERE id = %s", [star.id]
        )
        star.invalidate_recordset()
        stats = self.recompute()
        self.assertEqual(stats["moves"], 1)
        move = self.env["kundenbindung.portfolio.history"].search([("partner_id", "=", planted["star"][0].id)])
        self.assertEqual(
            (move.old_field, move.new_field, star.portfolio_previous_field), ("question", "star", "question")
        )
        self.recompute()
        self.assertEqual(star.portfolio_previous_field, "question", "kept until the next move")

        # a campaign targets a field
        campaign = self.env["kundenbindung.campaign"].create(
            {"name": "Fragezeichen entwickeln", "company_id": self.company.id, "portfolio_field": "question"}
        )
        self.assertEqual(campaign._target(), planted["question"][0])

        # the chart's figures, as a salesperson of her own customers reads them
        salesperson = make_user(self.env, "kb_portfolio_own", "salesman", self.company)
        colleague = make_user(self.env, "kb_portfolio_colleague", "salesman", self.company)
        for partner, _count, _price in planted.values():
            partner.user_id = salesperson if partner == planted["cash_cow"][0] else colleague
        with freeze_time("2026-12-01"):
            data = self.env["kundenbindung.customer.segment"].with_user(salesperson).kundenbindung_portfolio_data([])
        self.assertEqual([point["name"] for point in data["points"]], ["Treu KG"])
        self.assertEqual({field["key"]: field["count"] for field in data["fields"]}["cash_cow"], 1)
        self.assertEqual(data["points_total"], 1)
        manager = make_user(self.env, "kb_portfolio_manager", "kb_manager", self.company)
        with freeze_time("2026-12-01"):
            data = self.env["kundenbindung.customer.segment"].with_user(manager).kundenbindung_portfolio_data([])
        self.assertEqual(data["points_total"], 4)
        counts = {field["key"]: (field["count"], field["previous_count"]) for field in data["fields"]}
        # before the moves of the last 90 days the star stood among the question marks
        self.assertEqual(counts["star"], (1, 0))
        self.assertEqual(counts["question"], (1, 2))
        self.assertEqual(data["moves"], [{"from": "Question Marks", "to": "Stars", "count": 1}])
        previous = {point["name"]: point["previous_field"] for point in data["points"]}
        self.assertEqual(previous, {"Star AG": "question", "Neu GmbH": False, "Treu KG": False, "Klein OHG": False})

    def test_category_margins_are_for_users_of_all_customers_and_the_settings_are_checked(self):
        make_invoice(self.env, self.company, self.kunz, D(2026, 3, 1), [(self.paper, 2, 100)], self.taxes)
        self.recompute()
        own = make_user(self.env, "kb_category_own", "salesman", self.company)
        with self.assertRaises(AccessError):
            self.env["kundenbindung.category.margin"].with_user(own).search([])
        every = make_user(self.env, "kb_category_all", "salesman_all", self.company)
        line = self.env["kundenbindung.category.margin"].with_user(every).search([])
        self.assertEqual((line.category_id, line.gross_margin, line.margin_percent), (self.paper.categ_id, 140.0, 70.0))
        with self.assertRaises(ValidationError):
            self.company.kundenbindung_config_id.serve_activity_cost = -1.0
        with self.assertRaises(ValidationError):
            self.company.kundenbindung_config_id.serve_interest_rate = 150.0

    def test_a_night_without_margins_keeps_the_figures_on_margin_and_the_portfolio(self):
        self.serve_kunz()
        self.recompute()
        kunz = self.segment(self.kunz)
        before = (kunz.gross_margin, kunz.cost_to_serve, kunz.portfolio_field, kunz.ranked_value)
        self.assertTrue(kunz.portfolio_field)
        Margin = type(self.env["kundenbindung.margin"])

        def failing(*args, **kwargs):
            raise ValueError("simulated failure of the margins")

        with (
            patch.object(Margin, "_figures", failing),
            mute_logger("odoo.addons.kundenbindung_addon.models.kundenbindung_segmentation"),
        ):
            stats = self.recompute()
        self.assertEqual(stats["failed_chunks"], 0)
        kunz.invalidate_recordset()
        self.assertEqual((kunz.gross_margin, kunz.cost_to_serve, kunz.portfolio_field, kunz.ranked_value), before)

    def test_activities_of_another_company_are_not_its_cost(self):
        other = self.setup_other_company()["company"]
        bill = make_invoice(self.env, other, self.kunz, D(2026, 6, 1), [(self.paper, 1, 100)], self.taxes)
        make_invoice(self.env, self.company, self.kunz, D(2026, 6, 1), [(self.paper, 1, 100)], self.taxes)
        self.env["mail.message"].create(
            {
                "model": "account.move",
                "res_id": bill.id,
                "message_type": "notification",
                "body": "Mahnung",
                "mail_activity_type_id": self.env.ref("mail.mail_activity_data_call").id,
                "date": datetime.datetime(2026, 6, 2, 10, 0),
            }
        )
        self.recompute()
        self.assertEqual(self.segment(self.kunz).serve_activities, 0.0)
        self.env["kundenbindung.segmentation"]._compute_company(other, today=self.TODAY)
        theirs = self.env["kundenbindung.customer.segment"].search(
            [("partner_id", "=", self.kunz.id), ("company_id", "=", other.id)]
        )
        self.assertEqual(theirs.serve_activities, 15.0)
