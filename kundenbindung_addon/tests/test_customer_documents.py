# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import datetime

from odoo.tests import tagged

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

from .common import make_invoice

D = datetime.date
YEAR = (D(2026, 1, 1), D(2027, 1, 1))


@tagged("post_install", "-at_install")
class TestCustomerDocuments(AccountTestInvoicingCommon):
    """The one reading of a customer's posted documents
    (account.move._kundenbindung_documents_sql) as the segments and the
    interest clusters read it."""

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

    def _documents(self, company=None, bounds=YEAR):
        frame = self.env["kundenbindung.segmentation"]._documents(company or self.company, *bounds)
        return frame.set_index("document")

    def _purchases(self, company=None):
        frame = self.env["kundenbindung.clustering"]._purchases(company or self.company, *YEAR)
        return {(row.customer, row.category): row.amount for row in frame.itertuples()}

    def test_posted_customer_documents_attributed_to_the_commercial_partner(self):
        frame = self._documents()
        self.assertEqual(list(frame.columns), ["customer", "date", "amount"])
        # drafts, vendor bills, cancelled and older documents are not counted
        self.assertEqual(
            set(frame.index), {self.inv_company.id, self.inv_contact.id, self.refund.id, self.inv_foreign.id}
        )
        # the contact's invoice counts for its company
        self.assertEqual(frame.loc[self.inv_contact.id, "customer"], self.customer.id)
        self.assertEqual(str(frame.loc[self.inv_company.id, "date"].date()), "2026-03-10")

    def test_amounts_untaxed_company_currency_refunds_negative(self):
        amounts = self._documents()["amount"]
        self.assertAlmostEqual(amounts[self.inv_company.id], 1050.0)
        self.assertAlmostEqual(amounts[self.inv_contact.id], 100.0)
        self.assertAlmostEqual(amounts[self.refund.id], -500.0)
        # 300 CHF at 2 CHF per EUR
        self.assertAlmostEqual(amounts[self.inv_foreign.id], 150.0)
        customer_total = self._documents().query("customer == @self.customer.id")["amount"].sum()
        self.assertAlmostEqual(customer_total, 650.0)

    def test_purchases_per_category_match_the_documents(self):
        purchases = self._purchases()
        # desks 1000 - 500 returned, paper 50 + 100 by the contact
        self.assertAlmostEqual(purchases[(self.customer.id, self.categ_office.id)], 500.0)
        self.assertAlmostEqual(purchases[(self.customer.id, self.categ_paper.id)], 150.0)
        self.assertAlmostEqual(purchases[(self.other.id, self.categ_office.id)], 150.0)
        self.assertAlmostEqual(sum(purchases.values()), self._documents()["amount"].sum())

    def test_companies_apart(self):
        self.assertEqual(set(self._documents(self.company_2).index), {self.inv_company_2.id})
        self.assertEqual(self._purchases(self.company_2), {(self.customer.id, self.categ_paper.id): 42.0})
        self.assertNotIn(self.inv_company_2.id, set(self._documents().index))

    def test_date_bounds_include_the_start_and_exclude_the_end(self):
        frame = self._documents(bounds=(D(2026, 4, 1), D(2026, 4, 15)))
        self.assertEqual(set(frame.index), {self.inv_contact.id})
        frame = self._documents(bounds=(D(2026, 3, 11), D(2026, 4, 16)))
        self.assertEqual(set(frame.index), {self.inv_contact.id, self.refund.id})
