# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import datetime

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

from .common import make_invoice

D = datetime.date


@tagged("post_install", "-at_install")
class TestInvoiceLines(AccountTestInvoicingCommon):
    """The invoice-line frame handed to the engine (see engine/contracts.py)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.company_data["company"]
        cls.categ_office = cls.env["product.category"].create({"name": "KB Büromöbel"})
        cls.categ_paper = cls.env["product.category"].create({"name": "KB Papier"})
        cls.desk = cls._create_product(name="Schreibtisch", categ_id=cls.categ_office.id, lst_price=500.0)
        cls.paper = cls._create_product(name="Kopierpapier", categ_id=cls.categ_paper.id, lst_price=5.0)
        cls.customer = cls.env["res.partner"].create({"name": "Müller Bürobedarf GmbH", "is_company": True})
        cls.contact = cls.env["res.partner"].create(
            {"name": "Anna Müller", "parent_id": cls.customer.id, "type": "contact"}
        )
        cls.other = cls.env["res.partner"].create({"name": "Schulz AG", "is_company": True})
        cls.foreign = cls.setup_other_currency("CHF", rates=[("2020-01-01", 2.0)])

        def move(partner, date, lines, move_type="out_invoice", post=True, currency=None, company=None):
            company = company or cls.company
            return make_invoice(cls.env, company, partner, date, lines, taxes[company], move_type, currency, post)

        cls.company_2_data = cls.setup_other_company(name="KB Zweitfirma")
        cls.company_2 = cls.company_2_data["company"]
        taxes = {cls.company: cls.tax_sale_a, cls.company_2: cls.company_2_data["default_tax_sale"]}

        cls.inv_company = move(cls.customer, D(2026, 3, 10), [(cls.desk, 2, 500.0), (cls.paper, 10, 5.0)])
        cls.inv_contact = move(cls.contact, D(2026, 4, 1), [(cls.paper, 20, 5.0)])
        cls.refund = move(cls.customer, D(2026, 4, 15), [(cls.desk, 1, 500.0)], move_type="out_refund")
        cls.inv_foreign = move(cls.other, D(2026, 5, 2), [(cls.desk, 1, 300.0)], currency=cls.foreign)
        cls.draft = move(cls.other, D(2026, 5, 3), [(cls.desk, 1, 999.0)], post=False)
        cls.vendor_bill = move(cls.other, D(2026, 5, 4), [(cls.desk, 1, 777.0)], move_type="in_invoice")
        cls.cancelled = move(cls.other, D(2026, 5, 5), [(cls.desk, 1, 888.0)])
        cls.cancelled.button_draft()
        cls.cancelled.button_cancel()
        cls.outside = move(cls.other, D(2025, 1, 1), [(cls.desk, 1, 111.0)])

        cls.inv_company_2 = move(cls.customer, D(2026, 3, 11), [(cls.paper, 1, 42.0)], company=cls.company_2)

    def _frame(self, companies=None):
        companies = companies or self.company
        return companies._kundenbindung_invoice_lines(D(2026, 1, 1), D(2027, 1, 1))

    def test_posted_customer_lines_attributed_to_commercial_partner(self):
        frame = self._frame()
        self.assertEqual(list(frame.columns), ["partner_id", "company_id", "move_id", "date", "amount", "category_id"])
        moves = set(frame["move_id"])
        self.assertEqual(moves, {self.inv_company.id, self.inv_contact.id, self.refund.id, self.inv_foreign.id})
        # the contact's invoice counts for its company
        contact_rows = frame[frame["move_id"] == self.inv_contact.id]
        self.assertEqual(set(contact_rows["partner_id"]), {self.customer.id})

    def test_amounts_untaxed_company_currency_refunds_negative(self):
        frame = self._frame()
        per_move = frame.groupby("move_id")["amount"].sum()
        self.assertAlmostEqual(per_move[self.inv_company.id], 1050.0)
        self.assertAlmostEqual(per_move[self.inv_contact.id], 100.0)
        self.assertAlmostEqual(per_move[self.refund.id], -500.0)
        # 300 CHF at 2 CHF per EUR
        self.assertAlmostEqual(per_move[self.inv_foreign.id], 150.0)
        customer_total = frame.loc[frame["partner_id"] == self.customer.id, "amount"].sum()
        self.assertAlmostEqual(customer_total, 650.0)

    def test_categories_and_dates(self):
        frame = self._frame()
        rows = frame[frame["move_id"] == self.inv_company.id].sort_values("amount")
        self.assertEqual(rows["category_id"].tolist(), [self.categ_paper.id, self.categ_office.id])
        self.assertEqual(str(rows["date"].iloc[0].date()), "2026-03-10")

    def test_companies_apart_and_together(self):
        frame_2 = self._frame(self.company_2)
        self.assertEqual(set(frame_2["move_id"]), {self.inv_company_2.id})
        self.assertEqual(set(frame_2["company_id"]), {self.company_2.id})
        both = self._frame(self.company | self.company_2)
        self.assertEqual(len(both), len(self._frame()) + len(frame_2))

    def test_window_bounds_and_default_window(self):
        frame = self.company._kundenbindung_invoice_lines(D(2026, 4, 1), D(2026, 4, 15))
        self.assertEqual(set(frame["move_id"]), {self.inv_contact.id})
        self.company.kundenbindung_config_id.window_months = 2
        later = {self.inv_contact.id, self.refund.id, self.inv_foreign.id}
        # 2 months ending 2026-05-09 start on 2026-03-10: the first invoice's day is in
        with freeze_time("2026-05-09"):
            default = self.company._kundenbindung_invoice_lines()
        self.assertEqual(set(default["move_id"]), later | {self.inv_company.id})
        # one day later it has left the window
        with freeze_time("2026-05-10"):
            default = self.company._kundenbindung_invoice_lines()
        self.assertEqual(set(default["move_id"]), later)

    def test_users_read_only_their_companies_lines(self):
        accountant_2 = new_test_user(
            self.env,
            login="kb_accountant_2",
            groups="base.group_user,account.group_account_invoice",
            company_id=self.company_2.id,
            company_ids=[Command.set(self.company_2.ids)],
        )
        company_2 = self.company_2.with_user(accountant_2)
        frame = company_2._kundenbindung_invoice_lines(D(2026, 1, 1), D(2027, 1, 1))
        self.assertEqual(set(frame["move_id"]), {self.inv_company_2.id})
        with self.assertRaises(AccessError):
            self.company.with_user(accountant_2)._kundenbindung_invoice_lines(D(2026, 1, 1), D(2027, 1, 1))
        # a user without invoicing rights reads no journal items at all
        clerk = new_test_user(self.env, login="kb_clerk_2", groups="base.group_user", company_id=self.company_2.id)
        with self.assertRaises(AccessError):
            self.company_2.with_user(clerk)._kundenbindung_invoice_lines(D(2026, 1, 1), D(2027, 1, 1))
