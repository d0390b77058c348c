# Copyright 2026 kundenbindung_addon authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import datetime

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import new_test_user, tagged

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

from .common import make_invoice

D = datetime.date


@tagged("post_install", "-at_install")
class TestLoyalty(AccountTestInvoicingCommon):
    """Loyalty points from invoices on Odoo's loyalty cards, balance and
    tiers on the partner."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.company_data["company"]
        cls.program = cls.company.action_kundenbindung_create_loyalty_program()
        cls.company_2_data = cls.setup_other_company(name="KB Treue Zweitfirma")
        cls.company_2 = cls.company_2_data["company"]
        cls.taxes = {cls.company: cls.tax_sale_a, cls.company_2: cls.company_2_data["default_tax_sale"]}
        cls.foreign = cls.setup_other_currency("CHF", rates=[("2020-01-01", 2.0)])
        cls.product = cls._create_product(name="Toner", lst_price=100.0)
        cls.customer = cls.env["res.partner"].create({"name": "Treu GmbH", "is_company": True})
        cls.contact = cls.env["res.partner"].create({"name": "Tina Treu", "parent_id": cls.customer.id})
        cls.salesman = new_test_user(
            cls.env,
            login="kb_loy_salesman",
            groups="base.group_user,sales_team.group_sale_salesman",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )

    def invoice(self, amount, partner=None, move_type="out_invoice", company=None, currency=None, post=True):
        company = company or self.company
        return make_invoice(
            self.env,
            company,
            partner or self.customer,
            D(2026, 5, 4),
            [(self.product, 1, amount)],
            self.taxes[company],
            move_type,
            currency,
            post=post,
        )

    def points(self, partner=None, company=None):
        return (partner or self.customer).with_company(company or self.company).kundenbindung_loyalty_points

    def history(self, move):
        return (
            self.env["loyalty.history"]
            .sudo()
            .search([("order_model", "=", "account.move"), ("order_id", "=", move.id)])
        )

    def test_award_reset_repost_cancel_never_twice(self):
        invoice = self.invoice(250.0)
        self.assertEqual(self.points(), 250.0)
        line = self.history(invoice)
        self.assertEqual((line.issued, line.used, line.card_id.program_id), (250.0, 0.0, self.program))
        # a retry of the sync changes nothing
        invoice._kundenbindung_sync_loyalty()
        invoice._kundenbindung_sync_loyalty()
        self.assertEqual(self.points(), 250.0)
        self.assertEqual(len(self.history(invoice)), 1)
        # reset to draft takes the points back, re-posting gives them again
        invoice.button_draft()
        self.assertEqual(self.points(), 0.0)
        invoice.action_post()
        self.assertEqual(self.points(), 250.0)
        invoice.button_draft()
        invoice.button_cancel()
        self.assertEqual(self.points(), 0.0)
        self.assertEqual(sorted(self.history(invoice).mapped("issued")), [0.0, 0.0, 250.0, 250.0])

    def test_credit_note_takes_points_back_and_contacts_count_for_their_company(self):
        self.invoice(400.0, partner=self.contact)
        self.invoice(150.0, move_type="out_refund")
        self.assertEqual(self.points(), 250.0)
        # the card is the company's, the contact shows the company's balance
        card = self.env["loyalty.card"].sudo().search([("program_id", "=", self.program.id)])
        self.assertEqual(card.partner_id, self.customer)
        self.assertEqual(self.points(self.contact), 250.0)

    def test_foreign_currency_invoice_earns_by_company_currency(self):
        # 600 CHF at 2 CHF per EUR = 300 EUR untaxed
        self.invoice(600.0, currency=self.foreign)
        self.assertEqual(self.points(), 300.0)

    def test_draft_invoices_earn_nothing_and_no_program_no_points(self):
        self.invoice(500.0, post=False)
        self.assertEqual(self.points(), 0.0)
        self.company.kundenbindung_loyalty_program_id = False
        self.invoice(500.0)
        self.assertEqual(self.points(), 0.0)

    def test_two_companies_and_only_loyalty_programs_counted(self):
        self.invoice(100.0)
        # company 2 has no invoice program: its invoice earns nothing
        self.invoice(900.0, company=self.company_2)
        self.assertEqual(self.points(company=self.company_2), 0.0)
        program_2 = self.company_2.action_kundenbindung_create_loyalty_program()
        self.invoice(900.0, company=self.company_2)
        self.assertEqual(self.points(company=self.company_2), 900.0)
        self.assertEqual(self.points(), 100.0)
        self.assertEqual(program_2.coupon_count, 1)
        # a gift card's money is not loyalty points
        gift = (
            self.env["loyalty.program"]
            .sudo()
            .create({"name": "Geschenkkarte", "program_type": "gift_card", "company_id": self.company.id})
        )
        self.env["loyalty.card"].sudo().create({"program_id": gift.id, "partner_id": self.customer.id, "points": 50.0})
        self.assertEqual(self.points(), 100.0)
        # a program of another company cannot be the invoice program
        with self.assertRaises(ValidationError):
            self.company.kundenbindung_loyalty_program_id = program_2

    def test_merge_keeps_the_total(self):
        duplicate = self.env["res.partner"].create({"name": "Treu G.m.b.H.", "is_company": True})
        self.invoice(100.0)
        self.invoice(40.0, partner=duplicate)
        wizard = self.env["base.partner.merge.automatic.wizard"].create({})
        wizard._merge((self.customer | duplicate).ids, self.customer)
        self.assertFalse(duplicate.exists())
        self.assertEqual(self.points(), 140.0)

    def test_reset_after_merge_takes_points_from_the_survivors_active_card(self):
        merged = self.env["res.partner"].create({"name": "Treu Handels GmbH", "is_company": True})
        survivor = self.env["res.partner"].create({"name": "Treu Handel GmbH", "is_company": True})
        old_invoice = self.invoice(100.0, partner=merged)
        self.invoice(40.0, partner=survivor)
        self.env["base.partner.merge.automatic.wizard"]._merge((merged | survivor).ids, survivor)
        self.assertFalse(merged.exists())
        cards = (
            self.env["loyalty.card"]
            .sudo()
            .with_context(active_test=False)
            .search([("program_id", "=", self.program.id), ("partner_id", "=", survivor.id)])
        )
        active, inactive = cards.filtered("active"), cards.filtered(lambda c: not c.active)
        self.assertEqual((len(active), len(inactive)), (1, 1))
        self.assertEqual((active.points, inactive.points), (140.0, 0.0))
        # the merged partner's old invoice is now the survivor's: its points come off the active card
        self.assertEqual(old_invoice.commercial_partner_id, survivor)
        old_invoice.button_draft()
        self.assertEqual((active.points, inactive.points), (40.0, 0.0))
        self.assertEqual(self.points(survivor), 40.0)
        reset = self.history(old_invoice).filtered("used")
        self.assertEqual((reset.card_id, reset.used), (active, 100.0))
        # posting it again gives them back to the same card, once
        old_invoice.action_post()
        self.assertEqual((active.points, inactive.points), (140.0, 0.0))

    def test_tiers_on_the_partner_and_in_search(self):
        bronze = self.env.ref("kundenbindung_addon.loyalty_tier_bronze")
        silver = self.env.ref("kundenbindung_addon.loyalty_tier_silver")
        other = self.env["res.partner"].create({"name": "Neu KG", "is_company": True})
        self.invoice(1200.0)
        self.assertEqual(self.customer.with_company(self.company).kundenbindung_loyalty_tier_id, silver)
        self.assertEqual(other.with_company(self.company).kundenbindung_loyalty_tier_id, bronze)
        Partner = self.env["res.partner"].with_company(self.company)
        self.assertIn(self.customer, Partner.search([("kundenbindung_loyalty_tier_id", "=", silver.id)]))
        self.assertNotIn(other, Partner.search([("kundenbindung_loyalty_tier_id", "=", silver.id)]))
        self.assertIn(other, Partner.search([("kundenbindung_loyalty_tier_id", "=", bronze.id)]))
        self.assertIn(self.customer, Partner.search([("kundenbindung_loyalty_points", ">=", 1000)]))
        # the analysis by tier and ABC class
        rows = self.env["kundenbindung.loyalty.report"].search([("partner_id", "=", self.customer.id)])
        self.assertEqual((rows.points, rows.tier_id, rows.company_id), (1200.0, silver, self.company))

    def test_access_rights(self):
        invoice = self.invoice(100.0)
        self.assertEqual(self.customer.with_user(self.salesman).kundenbindung_loyalty_points, 100.0)
        # the salesman opens the cards and reads their history, changes nothing
        action = self.customer.with_user(self.salesman).action_kundenbindung_loyalty_cards()
        cards = self.env[action["res_model"]].with_user(self.salesman).search(action["domain"])
        self.assertEqual(cards.program_id, self.program)
        self.assertIn(invoice.name, cards.history_ids.description)
        with self.assertRaises(AccessError):
            cards.with_user(self.salesman).points = 1000.0
        silver = self.env.ref("kundenbindung_addon.loyalty_tier_silver")
        with self.assertRaises(AccessError):
            silver.with_user(self.salesman).min_points = 1
        employee = new_test_user(self.env, login="kb_loy_employee", groups="base.group_user")
        with self.assertRaises(AccessError):
            self.customer.with_user(employee).read(["kundenbindung_loyalty_points"])
