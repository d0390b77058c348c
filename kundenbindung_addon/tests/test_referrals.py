# Copyright 2026 kundenbindung_addon authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Issue 23 (part): referrals that are rewarded, once."""

import datetime

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

from .common import make_invoice, make_user

D = datetime.date


@tagged("post_install", "-at_install")
class TestReferrals(AccountTestInvoicingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.company_data["company"]
        cls.config = cls.company.kundenbindung_config_id
        cls.program = cls.config.action_create_loyalty_program()
        cls.product = cls._create_product(name="Toner", lst_price=100.0)
        cls.alt = cls.env["res.partner"].create({"name": "Alt GmbH", "is_company": True})
        cls.neu = cls.env["res.partner"].create({"name": "Neu KG", "is_company": True})
        cls.taxes = cls.env["account.tax"]

    def invoice(self, partner, day=1, post=True):
        return make_invoice(
            self.env, self.company, partner, D(2026, 5, day), [(self.product, 1, 100.0)], self.taxes, post=post
        )

    def referral_points(self, partner):
        lines = (
            self.env["loyalty.history"]
            .sudo()
            .search([("order_model", "=", "res.partner"), ("card_id.partner_id", "=", partner.id)])
        )
        return sum(lines.mapped("issued"))

    def test_a_referral_earns_points_once(self):
        self.config.referral_points = 50.0
        self.neu.kundenbindung_referred_by_id = self.alt
        self.assertEqual(self.alt.kundenbindung_referral_count, 1)
        # posted by an accountant without Customer Retention rights
        accountant = make_user(
            self.env, "kb_referral_accountant", "base.group_user,account.group_account_invoice", self.company
        )
        first = self.invoice(self.neu, post=False)
        first.with_user(accountant).action_post()
        self.assertEqual(self.referral_points(self.alt), 50.0)
        self.assertEqual(self.alt.with_company(self.company).kundenbindung_loyalty_points, 50.0)
        # the new customer's own invoice points stay its own
        self.assertEqual(self.neu.with_company(self.company).kundenbindung_loyalty_points, 100.0)
        referral = self.env["kundenbindung.referral"].search([("partner_id", "=", self.neu.id)])
        self.assertEqual((referral.referrer_id, referral.move_id, referral.points), (self.alt, first, 50.0))
        # a second invoice, a reset to draft and a new posting: nothing more
        self.invoice(self.neu, day=9)
        first.button_draft()
        first.action_post()
        self.assertEqual(self.referral_points(self.alt), 50.0)
        self.assertEqual(self.env["kundenbindung.referral"].search_count([("partner_id", "=", self.neu.id)]), 1)

    def test_no_reward_for_an_invoice_posted_before_the_referral_was_set(self):
        first = self.invoice(self.neu)
        first.button_draft()
        self.config.referral_points = 50.0
        self.neu.kundenbindung_referred_by_id = self.alt
        first.action_post()
        self.assertEqual(self.referral_points(self.alt), 0.0)

    def test_no_reward_when_off_or_for_a_customer_invoiced_before(self):
        self.neu.kundenbindung_referred_by_id = self.alt
        self.invoice(self.neu)
        # off by default
        self.assertEqual(self.referral_points(self.alt), 0.0)
        self.config.referral_points = 50.0
        self.invoice(self.neu, day=9)
        # not its first invoice: not a new customer of the referral
        self.assertEqual(self.referral_points(self.alt), 0.0)
        self.assertFalse(self.env["kundenbindung.referral"].search([("partner_id", "=", self.neu.id)]))

    def test_who_sees_the_rewarded_referrals_and_a_customer_cannot_recommend_itself(self):
        self.config.referral_points = 50.0
        own = make_user(self.env, "kb_referral_own", "salesman", self.company)
        colleague = make_user(self.env, "kb_referral_colleague", "salesman", self.company)
        self.alt.user_id = own
        self.neu.kundenbindung_referred_by_id = self.alt
        self.invoice(self.neu)
        Referral = self.env["kundenbindung.referral"]
        self.assertEqual(Referral.with_user(own).search([]).referrer_id, self.alt)
        self.assertFalse(Referral.with_user(colleague).search([]))
        with self.assertRaises(AccessError):
            Referral.with_user(own).search([]).write({"points": 5000.0})
        with self.assertRaises(ValidationError):
            self.alt.kundenbindung_referred_by_id = self.alt
        with self.assertRaises(ValidationError):
            self.config.referral_points = -1.0

    def test_the_referral_code_of_a_loyalty_card_sets_who_recommended(self):
        self.config.referral_points = 50.0
        self.invoice(self.alt)
        card = self.env["loyalty.card"].sudo().search([("partner_id", "=", self.alt.id)])
        self.assertEqual(len(card), 1)
        clerk = make_user(
            self.env,
            "kb_referral_clerk",
            "base.group_user,base.group_partner_manager,kundenbindung_addon.group_kundenbindung_user",
            self.company,
        )
        neu = self.neu.with_user(clerk)
        with self.assertRaises(UserError):
            neu.kundenbindung_referral_code = "KEIN-CODE"
        self.assertFalse(self.neu.kundenbindung_referred_by_id)
        neu.kundenbindung_referral_code = card.code
        self.assertEqual(self.neu.kundenbindung_referred_by_id, self.alt)
        self.invoice(self.neu)
        self.assertEqual(self.referral_points(self.alt), 50.0)

    def test_a_cancelled_first_invoice_gives_the_points_back_and_the_next_one_rewards_again(self):
        self.config.referral_points = 50.0
        self.neu.kundenbindung_referred_by_id = self.alt
        first = self.invoice(self.neu)
        self.assertEqual(self.alt.with_company(self.company).kundenbindung_loyalty_points, 50.0)
        first.button_draft()
        first.button_cancel()
        self.assertEqual(self.alt.with_company(self.company).kundenbindung_loyalty_points, 0.0)
        self.assertFalse(self.env["kundenbindung.referral"].search([("partner_id", "=", self.neu.id)]))
        self.invoice(self.neu, day=9)
        self.assertEqual(self.alt.with_company(self.company).kundenbindung_loyalty_points, 50.0)
        self.assertEqual(self.env["kundenbindung.referral"].search_count([("partner_id", "=", self.neu.id)]), 1)

    def test_a_first_invoice_credited_in_full_gives_the_points_back_a_partial_credit_note_does_not(self):
        self.config.referral_points = 50.0
        self.neu.kundenbindung_referred_by_id = self.alt
        first = self.invoice(self.neu)
        points = self.alt.with_company(self.company)
        self.assertEqual(points.kundenbindung_loyalty_points, 50.0)
        # a credit note for part of it: the customer still bought, the referral stands
        partial = first._reverse_moves([{"invoice_date": D(2026, 5, 3)}])
        partial.invoice_line_ids.price_unit = 40.0
        partial.action_post()
        self.assertEqual(points.kundenbindung_loyalty_points, 50.0)
        self.assertTrue(self.env["kundenbindung.referral"].search([("partner_id", "=", self.neu.id)]))
        # the rest credited too: nothing was bought, the points go back, with a line on the card
        rest = first._reverse_moves([{"invoice_date": D(2026, 5, 4)}])
        rest.invoice_line_ids.price_unit = 60.0
        rest.action_post()
        self.assertEqual(points.kundenbindung_loyalty_points, 0.0)
        self.assertFalse(self.env["kundenbindung.referral"].search([("partner_id", "=", self.neu.id)]))
        history = (
            self.env["loyalty.history"].sudo().search([("card_id.partner_id", "=", self.alt.id), ("used", "=", 50.0)])
        )
        self.assertIn("credited in full", history.description)
        # the customer's next invoice is its first real purchase: the referral earns again, once
        self.invoice(self.neu, day=9)
        self.invoice(self.neu, day=10)
        self.assertEqual(points.kundenbindung_loyalty_points, 50.0)
        self.assertEqual(self.env["kundenbindung.referral"].search_count([("partner_id", "=", self.neu.id)]), 1)

    def test_a_full_reversal_of_the_first_invoice_gives_the_points_back(self):
        self.config.referral_points = 50.0
        self.neu.kundenbindung_referred_by_id = self.alt
        first = self.invoice(self.neu)
        # the Reverse button's full reversal: posted and reconciled at once
        first._reverse_moves([{"invoice_date": D(2026, 5, 3)}], cancel=True)
        self.assertEqual(first.payment_state, "reversed")
        self.assertEqual(self.alt.with_company(self.company).kundenbindung_loyalty_points, 0.0)

    def test_a_referral_answering_a_referral_campaign_is_counted_for_it(self):
        self.config.referral_points = 50.0
        seller = make_user(
            self.env,
            "kb_referral_seller",
            "base.group_user,base.group_partner_manager,sales_team.group_sale_salesman",
            self.company,
        )
        stranger = self.env["res.partner"].create({"name": "Fremd AG", "is_company": True})
        late = self.env["res.partner"].create({"name": "Spät OHG", "is_company": True})
        for partner in (self.alt, stranger, late, self.neu):
            partner.user_id = seller
        Campaign = self.env["kundenbindung.campaign"].with_user(seller).with_company(self.company)
        campaign = Campaign.create(
            {"name": "Kunden werben Kunden", "goal": "referral", "partner_ids": [(6, 0, self.alt.ids)]}
        )
        campaign.control_share = 0
        campaign.action_launch()
        old = Campaign.create({"name": "Alte Aktion", "goal": "referral", "partner_ids": [(6, 0, late.ids)]})
        old.control_share = 0
        old.action_launch()
        old.sudo().launched_date = old.launched_date - datetime.timedelta(days=old.effect_days + 1)
        # a salesperson of Customer Retention records who recommended the new customers
        neu = self.neu.with_user(seller).with_company(self.company)
        neu.kundenbindung_referred_by_id = self.alt
        self.assertEqual(neu.kundenbindung_referral_campaign_id, campaign)
        # a recommendation of a customer the campaign did not ask, or asked too long ago: no campaign's
        other = self.env["res.partner"].with_user(seller).with_company(self.company)
        by_stranger = other.create(
            {"name": "Von Fremd", "is_company": True, "kundenbindung_referred_by_id": stranger.id}
        )
        by_late = other.create({"name": "Von Spät", "is_company": True, "kundenbindung_referred_by_id": late.id})
        self.assertFalse(by_stranger.kundenbindung_referral_campaign_id)
        self.assertFalse(by_late.kundenbindung_referral_campaign_id)
        # the rewarded referral and the campaign show it, with the new customer's revenue since the launch
        make_invoice(self.env, self.company, self.neu, campaign.launched_date, [(self.product, 1, 100.0)], self.taxes)
        referral = self.env["kundenbindung.referral"].search([("partner_id", "=", self.neu.id)])
        self.assertEqual(referral.campaign_id, campaign)
        campaign.invalidate_recordset(["referral_count", "referred_revenue"])
        self.assertEqual((campaign.referral_count, campaign.referred_revenue), (1, 100.0))
        self.assertEqual(
            campaign.action_view_referrals()["domain"], [("kundenbindung_referral_campaign_id", "=", campaign.id)]
        )
        # a referrer changed by hand: the campaign follows
        neu.kundenbindung_referred_by_id = stranger
        self.assertFalse(neu.kundenbindung_referral_campaign_id)

    def test_undoing_the_credit_note_gives_the_points_again(self):
        self.config.referral_points = 50.0
        self.neu.kundenbindung_referred_by_id = self.alt
        first = self.invoice(self.neu)
        points = self.alt.with_company(self.company)
        refund = first._reverse_moves([{"invoice_date": D(2026, 5, 3)}], cancel=True)
        self.assertEqual(points.kundenbindung_loyalty_points, 0.0)
        # the taken-back referral is kept, archived, for the record
        Referral = self.env["kundenbindung.referral"].with_context(active_test=False)
        self.assertFalse(Referral.search([("partner_id", "=", self.neu.id)]).active)
        refund.button_draft()
        self.assertEqual(points.kundenbindung_loyalty_points, 50.0)
        referral = Referral.search([("partner_id", "=", self.neu.id)])
        self.assertEqual((referral.active, referral.move_id), (True, first))
        # posted again: taken back again, never twice either way
        refund.action_post()
        self.assertEqual(points.kundenbindung_loyalty_points, 0.0)
        self.assertEqual(Referral.search_count([("partner_id", "=", self.neu.id)]), 1)

    def test_a_customer_who_bought_again_keeps_its_referral_when_the_first_invoice_is_credited(self):
        self.config.referral_points = 50.0
        self.neu.kundenbindung_referred_by_id = self.alt
        first = self.invoice(self.neu)
        second = self.invoice(self.neu, day=9)
        first._reverse_moves([{"invoice_date": D(2026, 5, 10)}], cancel=True)
        self.assertEqual(self.alt.with_company(self.company).kundenbindung_loyalty_points, 50.0)
        referral = self.env["kundenbindung.referral"].search([("partner_id", "=", self.neu.id)])
        self.assertEqual(referral.move_id, second)

    def test_a_credit_note_in_another_currency_does_not_credit_the_invoice_in_full(self):
        self.config.referral_points = 50.0
        self.neu.kundenbindung_referred_by_id = self.alt
        first = self.invoice(self.neu)
        refund = first._reverse_moves([{"invoice_date": D(2026, 5, 3)}])
        refund.currency_id = self.setup_other_currency("CHF")
        refund.action_post()
        # 100 francs are not 100 of the invoice's currency: the points stay
        self.assertEqual(self.alt.with_company(self.company).kundenbindung_loyalty_points, 50.0)

    def test_two_customers_recommended_by_one_invoiced_together_earn_it_twice_on_one_card(self):
        self.config.referral_points = 50.0
        zwei = self.env["res.partner"].create({"name": "Zwei AG", "is_company": True})
        (self.neu | zwei).kundenbindung_referred_by_id = self.alt
        invoices = self.invoice(self.neu, post=False) | self.invoice(zwei, post=False)
        invoices.action_post()
        cards = self.env["loyalty.card"].sudo().search([("partner_id", "=", self.alt.id)])
        self.assertEqual((len(cards), cards.points), (1, 100.0))
        self.assertEqual(self.env["kundenbindung.referral"].search_count([("referrer_id", "=", self.alt.id)]), 2)

    def test_a_referral_moved_to_a_later_invoice_stands_again_when_the_first_credit_note_is_undone(self):
        self.config.referral_points = 50.0
        self.neu.kundenbindung_referred_by_id = self.alt
        first = self.invoice(self.neu)
        second = self.invoice(self.neu, day=9)
        points = self.alt.with_company(self.company)
        refund_first = first._reverse_moves([{"invoice_date": D(2026, 5, 10)}], cancel=True)
        second._reverse_moves([{"invoice_date": D(2026, 5, 11)}], cancel=True)
        self.assertEqual(points.kundenbindung_loyalty_points, 0.0)
        # the first invoice counts again: so does the referral, on it
        refund_first.button_draft()
        self.assertEqual(points.kundenbindung_loyalty_points, 50.0)
        referral = self.env["kundenbindung.referral"].search([("partner_id", "=", self.neu.id)])
        self.assertEqual(referral.move_id, first)

    def test_a_cancelled_first_invoice_posted_again_rewards_the_referral_again(self):
        self.config.referral_points = 50.0
        self.neu.kundenbindung_referred_by_id = self.alt
        first = self.invoice(self.neu)
        points = self.alt.with_company(self.company)
        first.button_draft()
        first.button_cancel()
        self.assertEqual(points.kundenbindung_loyalty_points, 0.0)
        first.button_draft()
        first.action_post()
        self.assertEqual(points.kundenbindung_loyalty_points, 50.0)
        Referral = self.env["kundenbindung.referral"].with_context(active_test=False)
        self.assertEqual(Referral.search([("partner_id", "=", self.neu.id)]).mapped("active"), [True])

    def test_points_are_taken_back_from_the_card_they_were_moved_to(self):
        self.config.referral_points = 50.0
        self.neu.kundenbindung_referred_by_id = self.alt
        first = self.invoice(self.neu)
        Card = self.env["loyalty.card"].sudo()
        old = Card.search([("partner_id", "=", self.alt.id)])
        # as Odoo's merge of two partners does: the points moved to the other card, this one archived
        new = Card.create({"program_id": old.program_id.id, "partner_id": self.alt.id, "points": old.points})
        old.write({"points": 0.0, "active": False})
        first.button_draft()
        first.button_cancel()
        self.assertEqual((new.points, old.points), (0.0, 0.0))
