# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Retention over time in the web client: the cohort grid and churn per
month of the company's customers, as far as the user may see them."""

import datetime

from freezegun import freeze_time
from lxml import html

from odoo.exceptions import AccessError
from odoo.tests import Form, tagged

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

from .common import make_invoice, make_user

D = datetime.date
TODAY = D(2026, 11, 30)


def table(markup):
    """The rows of an HTML table as lists of cell texts."""
    tree = html.fromstring(str(markup))
    return [[cell.text_content().strip() for cell in row] for row in tree.iter("tr")]


@tagged("post_install", "-at_install")
class TestRetention(AccountTestInvoicingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.company_data["company"]
        cls.katrin = make_user(cls.env, "kb_ret_katrin", "salesman", cls.company)
        cls.manager = make_user(cls.env, "kb_ret_manager", "sales_manager", cls.company)
        cls.env["res.lang"]._activate_lang("de_DE")
        Partner = cls.env["res.partner"]
        cls.hers = Partner.create({"name": "Katrins Kunde GmbH", "is_company": True, "user_id": cls.katrin.id})
        cls.others = Partner.create({"name": "Fremder Kunde AG", "is_company": True, "user_id": cls.manager.id})
        cls.old = Partner.create({"name": "Alter Kunde KG", "is_company": True, "user_id": cls.katrin.id})
        product = cls._create_product(name="Schreibtisch", lst_price=100.0)

        def invoice(partner, day, price, move_type="out_invoice"):
            make_invoice(cls.env, cls.company, partner, day, [(product, 1, price)], cls.tax_sale_a, move_type)

        # her customer: first purchase in September, again in November
        invoice(cls.hers, D(2026, 9, 3), 1000.0)
        invoice(cls.hers, D(2026, 11, 2), 500.0)
        # another salesperson's customer: first purchase in September, nothing since
        invoice(cls.others, D(2026, 9, 20), 300.0)
        # a customer since 2019 buying again in October is no October cohort;
        # silent since then it is lost in a year
        invoice(cls.old, D(2019, 5, 1), 50.0)
        invoice(cls.old, D(2025, 10, 7), 800.0)
        invoice(cls.old, D(2025, 10, 9), 200.0, "out_refund")
        Segment = cls.env["kundenbindung.customer.segment"].sudo()
        for partner in cls.hers | cls.others | cls.old:
            Segment.create({"partner_id": partner.id, "company_id": cls.company.id, "abc_class": "B"})
        # what the nightly segment job keeps for it
        cls.env["kundenbindung.customer.spell"]._refresh(cls.company, TODAY)

    def _open(self, user, months="12"):
        with freeze_time(TODAY):
            form = Form(self.env["kundenbindung.retention"].with_user(user).with_context(lang="de_DE"))
            form.months = months
            return form.cohort_html, form.churn_html

    def _cohort_row(self, cohorts, label):
        return next(row for row in table(cohorts) if row and row[0] == label)

    def test_a_manager_sees_every_cohort_of_the_company(self):
        cohorts, churn = self._open(self.manager, "24")
        september = self._cohort_row(cohorts, "Sept. 2026")
        # two customers began in September; one of them bought again two months later
        self.assertEqual(
            september[1:5], ["2", "100\N{NO-BREAK SPACE}%", "0\N{NO-BREAK SPACE}%", "50\N{NO-BREAK SPACE}%"]
        )
        # the customer of 2019 is not counted as new in October 2025
        october = self._cohort_row(cohorts, "Okt. 2025")
        self.assertEqual(october[1], "0")
        # the old customer's window of twelve months ran out in October 2026: lost with 800 - 200
        lost_october = next(row for row in table(churn) if row and row[0] == "Okt. 2026")
        self.assertEqual(lost_october[3], "1")
        self.assertIn("600,00", lost_october[5])
        self.assertIn(self.company.currency_id.symbol, lost_october[5])

    def test_a_salesperson_sees_only_her_customers(self):
        cohorts, _churn = self._open(self.katrin)
        september = self._cohort_row(cohorts, "Sept. 2026")
        self.assertEqual(
            september[1:5], ["1", "100\N{NO-BREAK SPACE}%", "0\N{NO-BREAK SPACE}%", "100\N{NO-BREAK SPACE}%"]
        )

    def test_the_period_sets_the_number_of_cohorts(self):
        cohorts, churn = self._open(self.manager, "6")
        rows = [row for row in table(cohorts) if row and row[0] and row[0][0].isalpha() and row[1].isdigit()]
        self.assertEqual(len(rows), 6)
        self.assertEqual(len([row for row in table(churn)[1:] if row]), 6)

    def test_before_the_first_night_it_says_so_and_recompute_now_fills_it(self):
        Spell = self.env["kundenbindung.customer.spell"].sudo()
        Spell.search([]).unlink()
        self.company.kundenbindung_config_id.sudo().write({"spells_date": False, "spells_window": 0})
        cohorts, churn = self._open(self.manager)
        # a note, no grid
        self.assertNotIn("o_kundenbindung_cohorts", str(cohorts))
        self.assertIn("<p", str(cohorts))
        with freeze_time(TODAY):
            self.env["kundenbindung.segmentation"].with_user(self.manager).action_recompute()
        # the customer of 2019: its spell of October 2025 (older ones are too old to matter), its first purchase kept
        old = Spell.search([("partner_id", "=", self.old.id)])
        self.assertEqual(old.mapped("start_month"), [D(2025, 10, 1)])
        self.assertEqual(old.first_purchase, D(2019, 5, 1))
        self.assertEqual(old.lost_revenue, 600.0)
        cohorts, churn = self._open(self.manager, "24")
        self.assertEqual(self._cohort_row(cohorts, "Sept. 2026")[1], "2")

    def test_only_retention_users_open_it(self):
        clerk = make_user(self.env, "kb_ret_clerk", "employee", self.company)
        with self.assertRaises(AccessError):
            self.env["kundenbindung.retention"].with_user(clerk).create({})
