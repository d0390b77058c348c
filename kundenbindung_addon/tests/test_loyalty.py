# Copyright 2026 kundenbindung_addon authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import datetime
import re
from unittest.mock import patch

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

from .common import make_invoice, make_user

D = datetime.date
LOGGER = "odoo.addons.kundenbindung_addon.models.account_move"


@tagged("post_install", "-at_install")
class TestLoyalty(AccountTestInvoicingCommon):
    """Loyalty points from invoices on Odoo's loyalty cards, balance and
    tiers on the partner."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.company_data["company"]
        cls.program = cls.company.kundenbindung_config_id.action_create_loyalty_program()
        cls.company_2_data = cls.setup_other_company(name="KB Treue Zweitfirma")
        cls.company_2 = cls.company_2_data["company"]
        cls.taxes = {cls.company: cls.tax_sale_a, cls.company_2: cls.company_2_data["default_tax_sale"]}
        cls.foreign = cls.setup_other_currency("CHF", rates=[("2020-01-01", 2.0)])
        cls.product = cls._create_product(name="Toner", lst_price=100.0)
        cls.customer = cls.env["res.partner"].create({"name": "Treu GmbH", "is_company": True})
        cls.contact = cls.env["res.partner"].create({"name": "Tina Treu", "parent_id": cls.customer.id})
        cls.salesman = make_user(cls.env, "kb_loy_salesman", "salesman", cls.company)

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

    def card(self, partner=None):
        return (
            self.env["loyalty.card"]
            .sudo()
            .search([("program_id", "=", self.program.id), ("partner_id", "=", (partner or self.customer).id)])
        )

    def fail_once(self, model, method, message):
        """Patch ``method`` of ``model`` to raise a UserError with
        ``message`` on its first call, then work as before; the list of
        failures raised so far is returned with the patch."""
        cls = type(self.env[model])
        original = getattr(cls, method)
        raised = []

        def failing(records, *args, **kwargs):
            if not raised:
                raised.append(message)
                raise UserError(message)
            return original(records, *args, **kwargs)

        return patch.object(cls, method, failing), raised

    def test_card_code_collision_still_gives_the_card_and_its_points(self):
        # a card of Odoo's own making (Odoo's generator, Odoo's format) keeps working beside the addon's
        other = self.env["res.partner"].create({"name": "Anders AG", "is_company": True})
        taken = self.env["loyalty.card"].sudo().create({"program_id": self.program.id, "partner_id": other.id})
        self.assertTrue(taken.code.startswith("044"))
        # the addon's generator returns that code the first time: it is found taken, a new code is drawn
        Card = type(self.env["loyalty.card"])
        generate = Card._kundenbindung_generate_code
        codes = [taken.code]
        with patch.object(
            Card, "_kundenbindung_generate_code", lambda model: codes.pop() if codes else generate(model)
        ):
            invoice = self.invoice(250.0)
        self.assertFalse(codes)
        self.assertEqual(invoice.state, "posted")
        self.assertFalse(invoice.kundenbindung_loyalty_pending)
        card = self.card()
        self.assertEqual((len(card), card.points), (1, 250.0))
        self.assertEqual(self.points(), 250.0)
        self.assertNotEqual(card.code, taken.code)
        # 20 characters of base32: 100 random bits
        self.assertRegex(card.code, r"^044(-[0-9a-hjkmnp-tv-z]{4}){5}$")
        self.assertEqual(self.history(invoice).card_id, card)

    def test_card_code_taken_by_a_concurrent_transaction_is_drawn_again(self):
        # the code is free when looked up and taken when inserted: the database refuses, the savepoint retries
        other = self.env["res.partner"].create({"name": "Anders AG", "is_company": True})
        taken = self.env["loyalty.card"].sudo().create({"program_id": self.program.id, "partner_id": other.id})
        Card = type(self.env["loyalty.card"])
        generate, lookup = Card._kundenbindung_generate_code, Card._kundenbindung_taken_codes
        codes, lookups = [taken.code], []

        def taken_codes(model, drawn):
            lookups.append(set(drawn))
            return set() if taken.code in drawn else lookup(model, drawn)

        with (
            patch.object(Card, "_kundenbindung_generate_code", lambda model: codes.pop() if codes else generate(model)),
            patch.object(Card, "_kundenbindung_taken_codes", taken_codes),
            mute_logger("odoo.sql_db"),
        ):
            invoice = self.invoice(250.0)
        self.assertEqual(len(lookups), 2)
        self.assertEqual(invoice.state, "posted")
        self.assertFalse(invoice.kundenbindung_loyalty_pending)
        self.assertEqual((self.card().points, self.points()), (250.0, 250.0))
        self.assertNotEqual(self.card().code, taken.code)

    def test_addon_codes_are_random_and_readable(self):
        Card = self.env["loyalty.card"]
        codes = {Card._kundenbindung_generate_code() for _i in range(2000)}
        self.assertEqual(len(codes), 2000)
        self.assertTrue(all(re.fullmatch(r"044(-[0-9a-hjkmnp-tv-z]{4}){5}", code) for code in codes))

    def test_failing_loyalty_write_posts_and_the_catch_up_counts_once(self):
        failing, raised = self.fail_once("loyalty.history", "create", "history is locked")
        with failing, self.assertLogs(LOGGER, "WARNING") as logs:
            invoice = self.invoice(250.0)
        self.assertEqual(raised, ["history is locked"])
        self.assertIn("history is locked", logs.output[0])
        self.assertIn(invoice.name, logs.output[0])
        # the invoice is posted, its points are pending, and managers find it
        self.assertEqual(invoice.state, "posted")
        self.assertTrue(invoice.kundenbindung_loyalty_pending)
        self.assertEqual(self.points(), 0.0)
        self.assertFalse(self.history(invoice))
        Move = self.env["account.move"]
        self.assertEqual(Move.search([("kundenbindung_loyalty_pending", "=", True)]), invoice)
        # the scheduled action catches it up, once however often it runs
        cron = self.env.ref("kundenbindung_addon.ir_cron_kundenbindung_loyalty_catch_up")
        cron.method_direct_trigger()
        cron.method_direct_trigger()
        self.assertFalse(invoice.kundenbindung_loyalty_pending)
        self.assertEqual(self.points(), 250.0)
        self.assertEqual(len(self.history(invoice)), 1)
        # a failing reset to draft: the draft stays a draft, its points come off by the catch-up
        failing, raised = self.fail_once("loyalty.card", "write", "card is locked")
        with failing, self.assertLogs(LOGGER, "WARNING"):
            invoice.button_draft()
        self.assertEqual((invoice.state, invoice.kundenbindung_loyalty_pending), ("draft", True))
        self.assertEqual(self.points(), 250.0)
        self.assertEqual(Move._cron_kundenbindung_loyalty_catch_up()["done"], 1)
        self.assertEqual(Move._cron_kundenbindung_loyalty_catch_up()["done"], 0)
        self.assertEqual(self.points(), 0.0)
        # re-posted: the points once more, never twice
        invoice.action_post()
        self.assertEqual(self.points(), 250.0)
        self.assertEqual(sorted(self.history(invoice).mapped("issued")), [0.0, 250.0, 250.0])
        self.assertFalse(invoice.kundenbindung_loyalty_pending)

    def test_catch_up_in_batches_and_a_document_that_keeps_failing_holds_up_nothing(self):
        other = self.env["res.partner"].create({"name": "Anders AG", "is_company": True})
        Move = self.env["account.move"]
        with patch.object(type(Move), "_kundenbindung_sync_loyalty", side_effect=RuntimeError("loyalty is down")):
            with self.assertLogs(LOGGER, "WARNING"):
                first = self.invoice(100.0)
                second = self.invoice(40.0, partner=other)
                third = self.invoice(60.0)
        self.assertEqual((first | second | third).mapped("kundenbindung_loyalty_pending"), [True] * 3)
        # the first one keeps failing: the next batch is done, the rest reported as remaining
        sync = type(Move)._kundenbindung_sync_loyalty

        def sync_but_first(moves):
            if first in moves:
                raise RuntimeError("first is broken")
            return sync(moves)

        with patch.object(type(Move), "_kundenbindung_sync_loyalty", sync_but_first):
            with self.assertLogs(LOGGER, "WARNING"):
                result = Move._cron_kundenbindung_loyalty_catch_up(batch_size=1)
            self.assertEqual((result["done"], result["failed"], result["remaining"]), (1, 1, 1))
            with self.assertLogs(LOGGER, "WARNING"):
                result = Move._cron_kundenbindung_loyalty_catch_up(batch_size=1)
            self.assertEqual((result["done"], result["failed"], result["remaining"]), (1, 1, 0))
            with self.assertLogs(LOGGER, "WARNING"):
                result = Move._cron_kundenbindung_loyalty_catch_up(batch_size=1)
            self.assertEqual((result["done"], result["failed"], result["remaining"]), (0, 1, 0))
        self.assertEqual((first | second | third).mapped("kundenbindung_loyalty_pending"), [True, False, False])
        self.assertEqual((self.points(), self.points(other)), (60.0, 40.0))
        result = Move._cron_kundenbindung_loyalty_catch_up()
        self.assertEqual((result["done"], result["remaining"]), (1, 0))
        self.assertEqual(self.points(), 160.0)
        self.assertFalse(first.kundenbindung_loyalty_pending)

    def test_a_batch_creates_the_missing_cards_at_once(self):
        other = self.env["res.partner"].create({"name": "Anders AG", "is_company": True})
        third = self.env["res.partner"].create({"name": "Dritte KG", "is_company": True})
        self.invoice(10.0, partner=third)
        invoices = (
            self.invoice(100.0, post=False)
            | self.invoice(50.0, partner=self.contact, post=False)
            | self.invoice(30.0, partner=other, post=False)
            | self.invoice(20.0, partner=other, move_type="out_refund", post=False)
            | self.invoice(5.0, partner=third, post=False)
        )
        Card = type(self.env["loyalty.card"])
        with patch.object(
            Card, "_kundenbindung_create_cards", autospec=True, side_effect=Card._kundenbindung_create_cards
        ) as create:
            invoices.action_post()
        self.assertEqual(create.call_count, 1)
        self.assertEqual(len(create.call_args.args[1]), 2)
        self.assertEqual((self.card().points, self.card(other).points, self.card(third).points), (150.0, 10.0, 15.0))
        self.assertEqual(
            len(self.env["loyalty.history"].sudo().search([("card_id.program_id", "=", self.program.id)])), 6
        )
        # cancelling them all takes the points back, card by card
        invoices.button_draft()
        invoices.button_cancel()
        self.assertEqual((self.card().points, self.card(other).points, self.card(third).points), (0.0, 0.0, 10.0))

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
        self.company.kundenbindung_config_id.loyalty_program_id = False
        self.invoice(500.0)
        self.assertEqual(self.points(), 0.0)

    def test_two_companies_and_only_loyalty_programs_counted(self):
        self.invoice(100.0)
        # company 2 has no invoice program: its invoice earns nothing
        self.invoice(900.0, company=self.company_2)
        self.assertEqual(self.points(company=self.company_2), 0.0)
        program_2 = self.company_2.kundenbindung_config_id.action_create_loyalty_program()
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
            self.company.kundenbindung_config_id.loyalty_program_id = program_2

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
        # by the tier's name, as the search panel's "Loyalty Tier > Name" does (found nothing before)
        by_name = Partner.search([("kundenbindung_loyalty_tier_id.name", "=", silver.name)])
        self.assertIn(self.customer, by_name)
        self.assertNotIn(other, by_name)
        # no card is 0 points, and not a silver customer
        self.assertIn(other, Partner.search([("kundenbindung_loyalty_points", "=", 0)]))
        self.assertNotIn(self.customer, Partner.search([("kundenbindung_loyalty_points", "<", 1000)]))
        self.assertNotIn(other, Partner.search([("kundenbindung_loyalty_tier_id", "!=", bronze.id)]))
        # the analysis by tier and ABC class
        rows = self.env["kundenbindung.loyalty.report"].search([("partner_id", "=", self.customer.id)])
        self.assertEqual((rows.points, rows.tier_id, rows.company_id), (1200.0, silver, self.company))

    def test_points_and_their_name_in_the_users_language(self):
        """A German user reads "129.803,96 Punkte", not "129803.96 Points",
        on the addon's program; Odoo's other programs keep their display."""
        self.env["res.lang"]._activate_lang("de_DE")
        self.env["ir.module.module"].search([("name", "=", "kundenbindung_addon")])._update_translations("de_DE")
        program = self.company_2.kundenbindung_config_id.action_create_loyalty_program()
        Card = self.env["loyalty.card"].sudo()
        card = Card.create({"program_id": program.id, "partner_id": self.customer.id, "points": 129803.96})
        self.assertEqual(card.with_context(lang="de_DE").points_display, "129.803,96 Punkte")
        # each language its own, in one environment
        self.assertEqual(card.with_context(lang="en_US").points_display, "129,803.96 Points")
        self.assertEqual(card.with_context(lang="de_DE").points_display, "129.803,96 Punkte")
        self.assertEqual(program.with_context(lang="de_DE").name, "Treuepunkte aus Rechnungen")
        self.assertEqual(program.with_context(lang="en_US").name, "Loyalty points from invoices")
        other = self.env["loyalty.program"].sudo().create({"name": "Fremdprogramm", "program_type": "loyalty"})
        other_card = Card.create({"program_id": other.id, "partner_id": self.customer.id, "points": 1234.5})
        self.assertEqual(other_card.with_context(lang="de_DE").points_display, f"1234.50 {other.portal_point_name}")
        # created by a German-speaking manager before 18.0.1.12.0: German in every language, points Odoo's
        program.with_context(lang="en_US").write(
            {"name": "Treuepunkte aus Rechnungen", "portal_point_name": "Loyalty point(s)"}
        )
        program._kundenbindung_name_in_all_languages(keep_changed=True)
        self.assertEqual(program.with_context(lang="en_US").name, "Loyalty points from invoices")
        self.assertEqual(program.with_context(lang="de_DE").portal_point_name, "Punkte")
        # renamed by someone: an update keeps the name
        program.with_context(lang="en_US").name = "Bonusprogramm"
        program._kundenbindung_name_in_all_languages(keep_changed=True)
        self.assertEqual(program.with_context(lang="en_US").name, "Bonusprogramm")

    def test_access_rights(self):
        invoice = self.invoice(100.0)
        self.assertEqual(self.customer.with_user(self.salesman).kundenbindung_loyalty_points, 100.0)
        # the salesman opens the cards and reads their history, changes nothing
        action = self.customer.with_user(self.salesman).action_kundenbindung_loyalty_cards()
        cards = self.env[action["res_model"]].with_user(self.salesman).search(action["domain"])
        self.assertEqual(cards.program_id, self.program)
        self.assertIn(invoice.name, cards.history_ids.description)
        # the addon gives a salesperson no right to change points; Odoo's own apps may (sale_loyalty does)
        if not self.env["loyalty.card"].with_user(self.salesman).has_access("write"):
            with self.assertRaises(AccessError):
                cards.with_user(self.salesman).points = 1000.0
        silver = self.env.ref("kundenbindung_addon.loyalty_tier_silver")
        with self.assertRaises(AccessError):
            silver.with_user(self.salesman).min_points = 1
        employee = new_test_user(self.env, login="kb_loy_employee", groups="base.group_user")
        with self.assertRaises(AccessError):
            self.customer.with_user(employee).read(["kundenbindung_loyalty_points"])

    def test_card_history_links_the_invoice_only_for_those_who_may_open_it(self):
        """Issue 17: every line of a salesperson's card history read "no
        access" where it linked the invoice; it names the invoice in its
        description for everyone and links it for invoice readers."""
        invoice = self.invoice(100.0)
        card = self.card()
        line = card.history_ids.filtered(lambda h: h.order_id == invoice.id)
        self.assertFalse(line.with_user(self.salesman).kundenbindung_order_readable)
        self.assertIn(invoice.name, line.with_user(self.salesman).description)
        accountant = make_user(
            self.env,
            "kb_loy_accountant",
            "base.group_user,sales_team.group_sale_salesman,account.group_account_invoice",
            self.company,
        )
        self.assertTrue(line.with_user(accountant).kundenbindung_order_readable)
        # the card form shows the link only where it may be opened
        arch = self.env["loyalty.card"].get_view(self.env.ref("loyalty.loyalty_card_view_form").id)["arch"]
        self.assertIn('invisible="not kundenbindung_order_readable"', arch)

    def test_backfill_awards_earlier_invoices_once(self):
        """Invoices posted before the program was chosen earn nothing, until
        a manager asks for them: then the catch-up gives them their points,
        once."""
        self.company.kundenbindung_config_id.loyalty_program_id = False
        earlier = self.invoice(300.0)
        self.company.kundenbindung_config_id.loyalty_program_id = self.program
        self.assertEqual(self.points(), 0)
        manager = make_user(self.env, "kb_loy_manager", "sales_team.group_sale_manager", self.company)
        settings = self.company.kundenbindung_config_id.with_user(manager)
        with freeze_time("2026-11-30"):
            settings.action_loyalty_backfill()
            self.assertTrue(earlier.kundenbindung_loyalty_pending)
            Move = self.env["account.move"]
            Move._cron_kundenbindung_loyalty_catch_up()
            Move._cron_kundenbindung_loyalty_catch_up()
            self.assertEqual(self.points(), 300)
            self.assertFalse(earlier.kundenbindung_loyalty_pending)
            # asked again, nothing is pending twice
            settings.action_loyalty_backfill()
            self.assertFalse(earlier.kundenbindung_loyalty_pending)
        admin_only = new_test_user(
            self.env, login="kb_loy_admin_only", groups="base.group_system", company_id=self.company.id
        )
        with self.assertRaises(AccessError):
            settings.with_user(admin_only).action_loyalty_backfill()

    def test_two_tiers_of_one_company_cannot_start_at_the_same_points(self):
        """Issue 17: two tiers with one threshold were accepted."""
        Tier = self.env["kundenbindung.loyalty.tier"]
        silver = self.env.ref("kundenbindung_addon.loyalty_tier_silver")
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            Tier.create({"name": "Silber plus", "min_points": silver.min_points, "company_id": self.company.id})
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            Tier.create({"name": "Silber geteilt", "min_points": silver.min_points})
        # a threshold of its own is fine
        Tier.create({"name": "Platin", "min_points": silver.min_points + 123.0, "company_id": self.company.id})
