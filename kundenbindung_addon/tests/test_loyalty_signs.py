# Copyright 2026 kundenbindung_addon authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Issue 23 (part): the four signs of loyalty and the loyalty index, kept
with the segments by the nightly job, explained in the reader's language."""

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
class TestLoyaltySigns(AccountTestInvoicingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.company_data["company"]
        cls.toner = cls._create_product(name="Toner", lst_price=10.0)
        cls.paper = cls._create_product(name="Papier", lst_price=5.0)
        cls.taxes = cls.env["account.tax"]
        Partner = cls.env["res.partner"]
        cls.treu = Partner.create({"name": "Treu GmbH", "is_company": True})
        cls.weg = Partner.create({"name": "Weg KG", "is_company": True})
        cls.ruhig = Partner.create({"name": "Ruhig AG", "is_company": True})
        cls.neu = Partner.create({"name": "Neu OHG", "is_company": True, "kundenbindung_referred_by_id": cls.treu.id})
        # a year before at 10.00 a piece, 10 a month; since: Treu pays 11.00 and keeps 10, Weg pays 11.00 and
        # buys 5, Ruhig still pays 10.00 and buys 10
        for partner, price, quantity in ((cls.treu, 11.0, 10), (cls.weg, 11.0, 5), (cls.ruhig, 10.0, 10)):
            for month in range(12):
                before = D(2024, 12, 15) + datetime.timedelta(days=30 * month)
                make_invoice(cls.env, cls.company, partner, before, [(cls.toner, 10, 10.0)], cls.taxes)
                now = D(2025, 12, 10) + datetime.timedelta(days=30 * month)
                make_invoice(cls.env, cls.company, partner, now, [(cls.toner, quantity, price)], cls.taxes)
        make_invoice(cls.env, cls.company, cls.treu, D(2026, 11, 20), [(cls.paper, 4, 5.0)], cls.taxes)
        make_invoice(cls.env, cls.company, cls.neu, D(2026, 10, 1), [(cls.paper, 100, 5.0)], cls.taxes)
        cls.env["kundenbindung.segmentation"]._compute_company(cls.company, today=D(2026, 11, 30))

    def segment(self, partner):
        return self.env["kundenbindung.customer.segment"].search(
            [("partner_id", "=", partner.id), ("company_id", "=", self.company.id)]
        )

    def test_the_signs_of_a_loyal_customer_and_of_one_who_left_after_a_price_rise(self):
        treu, weg = self.segment(self.treu), self.segment(self.weg)
        self.assertAlmostEqual(treu.price_rise, 0.10, places=2)
        self.assertAlmostEqual(treu.price_tolerance, 1.0, places=2)
        self.assertAlmostEqual(weg.price_tolerance, 0.5, places=2)
        self.assertFalse(self.segment(self.ruhig).price_rise)
        self.assertEqual((treu.referral_count, treu.referred_revenue), (1, 500.0))
        self.assertEqual(treu.repeat_rate, 1.0)
        # Neu bought once, its first purchase: no repeat
        self.assertEqual(self.segment(self.neu).repeat_rate, 0.0)
        self.assertGreater(treu.loyalty_index, weg.loyalty_index)
        self.assertTrue(0 <= weg.loyalty_index <= 100)
        # a campaign for the loyal: from Treu's index on, Weg is not in it
        campaign = self.env["kundenbindung.campaign"].create(
            {"name": "Die Treuen", "company_id": self.company.id, "loyalty_index_min": int(treu.loyalty_index)}
        )
        target = campaign._target()
        self.assertIn(self.treu, target)
        self.assertNotIn(self.weg, target)
        with self.assertRaises(ValidationError):
            campaign.loyalty_index_min = 101

    def test_the_signs_are_kept_month_by_month(self):
        History = self.env["kundenbindung.loyalty.history"]
        november = History.search([("partner_id", "=", self.treu.id), ("month", "=", D(2026, 11, 1))])
        self.assertEqual(november.loyalty_index, self.segment(self.treu).loyalty_index)
        # a later run of the same month replaces it; the next month gets its own line
        self.env["kundenbindung.segmentation"]._compute_company(self.company, today=D(2026, 11, 30))
        self.assertEqual(History.search_count([("partner_id", "=", self.treu.id)]), 1)
        self.env["kundenbindung.segmentation"]._compute_company(self.company, today=D(2026, 12, 2))
        months = History.search([("partner_id", "=", self.treu.id)]).mapped("month")
        self.assertEqual(months, [D(2026, 12, 1), D(2026, 11, 1)])
        # as the other figures: a salesperson of her own customers reads her customers' months only
        own = make_user(self.env, "kb_history_own", "salesman", self.company)
        self.weg.user_id = own
        self.treu.user_id = make_user(self.env, "kb_history_other", "salesman", self.company)
        self.assertEqual(History.with_user(own).search([]).partner_id, self.weg | self.neu | self.ruhig)

    def test_a_night_without_the_signs_keeps_the_last_ones_and_the_portfolio(self):
        treu = self.segment(self.treu)
        before = (treu.loyalty_index, treu.price_tolerance, treu.referral_count, treu.portfolio_field)
        Signals = type(self.env["kundenbindung.signals"])

        def failing(*args, **kwargs):
            raise ValueError("simulated failure of the signs of loyalty")

        with (
            patch.object(Signals, "_compute", failing),
            mute_logger("odoo.addons.kundenbindung_addon.models.kundenbindung_segmentation"),
        ):
            stats = self.env["kundenbindung.segmentation"]._compute_company(self.company, today=D(2026, 11, 30))
        self.assertEqual((stats["failed_chunks"], stats["moves"]), (0, 0))
        treu.invalidate_recordset()
        self.assertEqual((treu.loyalty_index, treu.price_tolerance, treu.referral_count, treu.portfolio_field), before)

    def test_each_sign_is_explained_in_the_readers_language(self):
        self.env["res.lang"]._activate_lang("de_DE")
        self.env["ir.module.module"].search([("name", "=", "kundenbindung_addon")])._update_translations("de_DE")
        german = make_user(self.env, "kb_signs_de", "salesman_all", self.company, lang="de_DE")
        text = self.segment(self.treu).with_user(german).with_context(lang="de_DE").loyalty_explanation
        self.assertIn("Preiserhöhung: +10 %", text)
        self.assertIn("Empfehlungen: 1", text)
        own = make_user(self.env, "kb_signs_own", "salesman", self.company)
        self.weg.user_id = own
        self.treu.user_id = make_user(self.env, "kb_signs_other", "salesman", self.company)
        # the signs are segment figures: a salesperson of her own customers reads her customers' only
        Segment = self.env["kundenbindung.customer.segment"].with_user(own)
        self.assertEqual(Segment.search([("partner_id", "in", (self.treu | self.weg).ids)]).partner_id, self.weg)


@tagged("post_install", "-at_install")
class TestPromoterAnalysis(AccountTestInvoicingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.company_data["company"]
        root = cls.env.ref("product.product_category_all")
        furniture = cls.env["product.category"].create({"name": "Büromöbel", "parent_id": root.id})
        cls.chair = cls._create_product(name="Stuhl", lst_price=200.0, categ_id=furniture.id)
        cls.paper = cls._create_product(name="Papier", lst_price=5.0)
        coffee = cls.env["product.category"].create({"name": "Kaffee", "parent_id": root.id})
        cls.coffee = cls._create_product(name="Bohnen", lst_price=20.0, categ_id=coffee.id)
        cls.own = make_user(cls.env, "kb_promoter_own", "salesman", cls.company)
        colleague = make_user(cls.env, "kb_promoter_colleague", "salesman", cls.company)
        cls.customers = cls.env["res.partner"]
        taxes = cls.env["account.tax"]
        # 16 promoters, 14 of them buy furniture; 16 others, 3 of them do
        for k in range(32):
            promoter = k < 16
            partner = cls.env["res.partner"].create(
                {"name": f"Kunde {k:02d}", "is_company": True, "user_id": (cls.own if k % 4 == 0 else colleague).id}
            )
            lines = [(cls.paper, 10, 5.0)]
            if (promoter and k % 8 != 7) or (not promoter and k % 5 == 0):
                lines.append((cls.chair, 1, 200.0))
            # coffee: 10 of the promoters, none of the others
            if promoter and k < 10:
                lines.append((cls.coffee, 1, 20.0))
            make_invoice(cls.env, cls.company, partner, D(2026, 6, 1) + datetime.timedelta(days=k), lines, taxes)
            cls.env["kundenbindung.nps.response"].create(
                {"partner_id": partner.id, "company_id": cls.company.id, "score": 10 if promoter else 5}
            )
            cls.customers |= partner
        cls.env["kundenbindung.segmentation"]._compute_company(cls.company, today=D(2026, 11, 30))

    def test_promoters_buy_office_furniture_more_often_said_in_words(self):
        manager = make_user(self.env, "kb_promoter_manager", "kb_manager", self.company)
        with freeze_time("2026-11-30"):
            action = self.env["kundenbindung.promoter.analysis"].with_user(manager).action_open()
        analysis = self.env["kundenbindung.promoter.analysis"].with_user(manager).browse(action["res_id"])
        self.assertEqual((analysis.answered, analysis.promoters, analysis.others), (32, 16, 16))
        sentences = analysis.line_ids.mapped("sentence")
        line = analysis.line_ids.filtered(lambda line: "Büromöbel" in line.sentence)
        self.assertEqual(len(line), 1, sentences)
        # 14 of 16 promoters against 3 of 16 others
        self.assertAlmostEqual(line.ratio, 14 / 3, places=1)
        self.assertIn("88 % against 19 %", line.sentence)
        self.assertLess(line.q_value, 0.05)
        # a share of the others of 0: no ratio to speak of, said in words
        coffee = analysis.line_ids.filtered(lambda line: "Kaffee" in line.sentence)
        self.assertEqual(coffee.sentence, "Only promoters: Kaffee (62 % of them, none of the others)")
        # what follows from it (class, cross buying) may show; the salespeople, shared alike, do not
        self.assertFalse([sentence for sentence in sentences if "Salesperson" in sentence])

    def test_where_stock_is_installed_late_deliveries_set_the_others_apart(self):
        if "stock.picking" not in self.env:
            self.skipTest("Stock is not installed: deliveries are not compared")
        out = self.env["stock.warehouse"].search([("company_id", "=", self.company.id)], limit=1).out_type_id
        # one delivery each in November, done on the 25th at 13:00 in Berlin: the others' 20 days after the
        # date promised, the promoters' on it (promised for 00:30 in Berlin, the 24th in UTC)
        for k, partner in enumerate(self.customers.sorted("name")):
            promised = datetime.datetime(2026, 11, 24, 23, 30) if k < 16 else datetime.datetime(2026, 11, 5, 12)
            picking = (
                self.env["stock.picking"]
                .with_company(self.company)
                .create(
                    {
                        "picking_type_id": out.id,
                        "partner_id": partner.id,
                        "scheduled_date": promised,
                        "move_ids": [
                            Command.create(
                                {
                                    "name": "Papier",
                                    "product_id": self.paper.id,
                                    "product_uom_qty": 1.0,
                                    "location_id": out.default_location_src_id.id,
                                    "location_dest_id": self.env.ref("stock.stock_location_customers").id,
                                }
                            )
                        ],
                    }
                )
            )
            picking.action_confirm()
            picking.move_ids.write({"quantity": 1.0, "picked": True})
            with freeze_time("2026-11-25 12:00"):
                picking.button_validate()
        manager = make_user(self.env, "kb_promoter_stock_manager", "kb_manager", self.company, tz="Europe/Berlin")
        with freeze_time("2026-11-30"):
            action = self.env["kundenbindung.promoter.analysis"].with_user(manager).action_open()
        analysis = self.env["kundenbindung.promoter.analysis"].with_user(manager).browse(action["res_id"])
        late = analysis.line_ids.filtered(lambda line: "days late per delivery" in line.sentence)
        self.assertEqual(len(late), 1, analysis.line_ids.mapped("sentence"))
        self.assertEqual((late.promoter_value, late.other_value), (0.0, 20.0))
        self.assertIn(
            "Never among promoters: received a delivery late (100 % of the others)",
            analysis.line_ids.mapped("sentence"),
        )

    def test_a_salesperson_analyses_her_own_customers_only(self):
        with freeze_time("2026-11-30"):
            action = self.env["kundenbindung.promoter.analysis"].with_user(self.own).action_open()
        analysis = self.env["kundenbindung.promoter.analysis"].with_user(self.own).browse(action["res_id"])
        # 8 of the 32 are hers: too few to say anything
        self.assertEqual(analysis.answered, 8)
        self.assertFalse(analysis.line_ids)
        self.assertTrue(analysis.summary)
        employee = make_user(self.env, "kb_promoter_employee", "employee", self.company)
        with self.assertRaises(AccessError):
            self.env["kundenbindung.promoter.analysis"].with_user(employee).action_open()
