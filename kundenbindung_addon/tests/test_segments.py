# Copyright 2026 kundenbindung_addon authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import datetime
from unittest.mock import patch

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

from ..models import kundenbindung_segmentation
from .common import make_invoice, make_user

D = datetime.date
TODAY = D(2026, 6, 30)


@tagged("post_install", "-at_install")
class TestSegments(AccountTestInvoicingCommon):
    """Revenue segments computed from posted invoices and written back."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.company_data["company"]
        cls.company.kundenbindung_config_id.drop_activity = True
        cls.product = cls._create_product(name="Aktenschrank", lst_price=100.0)
        cls.foreign = cls.setup_other_currency("CHF", rates=[("2020-01-01", 2.0)])
        cls.company_2_data = cls.setup_other_company(name="KB Zweitfirma")
        cls.company_2 = cls.company_2_data["company"]
        cls.taxes = {cls.company: cls.tax_sale_a, cls.company_2: cls.company_2_data["default_tax_sale"]}

        cls.salesman = make_user(cls.env, "kb_seg_salesman", "salesman", cls.company, cls.company | cls.company_2)
        cls.manager = make_user(cls.env, "kb_seg_manager", "kb_manager", cls.company)
        Partner = cls.env["res.partner"]
        cls.big = Partner.create({"name": "Groß GmbH", "is_company": True, "user_id": cls.salesman.id})
        cls.mid = Partner.create({"name": "Mittel KG", "is_company": True, "user_id": cls.salesman.id})
        cls.small = Partner.create({"name": "Klein e.K.", "is_company": True, "user_id": cls.salesman.id})
        cls.contact = Partner.create({"name": "Eva Klein", "parent_id": cls.small.id, "type": "contact"})
        cls.swiss = Partner.create({"name": "Schweizer AG", "is_company": True})
        cls.idle = Partner.create({"name": "Ruhig OHG", "is_company": True})

    @classmethod
    def invoice(cls, partner, date, amount, move_type="out_invoice", currency=None, company=None):
        company = company or cls.company
        lines = [(cls.product, 1, amount)]
        return make_invoice(cls.env, company, partner, date, lines, cls.taxes[company], move_type, currency)

    def compute(self, company=None, today=TODAY):
        return self.env["kundenbindung.segmentation"]._compute_company(company or self.company, today=today)

    def field(self, partner, name, company=None):
        return partner.with_company(company or self.company)[name]

    def base_invoices(self):
        # window 2025-07-01 .. 2026-06-30; big 8000, mid 1500 (2000 - 500
        # credit note), small 500 through its contact, swiss 600 CHF = 300 EUR
        self.invoice(self.big, D(2026, 3, 1), 8000.0)
        self.invoice(self.mid, D(2026, 2, 1), 2000.0)
        self.invoice(self.mid, D(2026, 2, 20), 500.0, move_type="out_refund")
        self.invoice(self.contact, D(2026, 5, 1), 500.0)
        self.invoice(self.swiss, D(2026, 4, 1), 600.0, currency=self.foreign)
        # outside the window: counts for the previous window only
        self.invoice(self.idle, D(2025, 3, 1), 900.0)

    def test_revenue_classes_credit_notes_currency_contacts(self):
        self.base_invoices()
        stats = self.compute()
        self.assertEqual(stats["failed_chunks"], 0)
        revenue = {p: self.field(p, "kundenbindung_revenue") for p in (self.big, self.mid, self.small, self.swiss)}
        self.assertEqual(revenue, {self.big: 8000.0, self.mid: 1500.0, self.small: 500.0, self.swiss: 300.0})
        # total 10300: big (0 % above) A, mid (77.7 % above) A, small (92.2 %) B, swiss (97.1 %) C
        classes = {
            p.name: self.field(p, "kundenbindung_abc_class")
            for p in (self.big, self.mid, self.small, self.swiss, self.idle)
        }
        self.assertEqual(
            classes, {"Groß GmbH": "A", "Mittel KG": "A", "Klein e.K.": "B", "Schweizer AG": "C", "Ruhig OHG": "none"}
        )
        # the contact has no figures of its own
        self.assertFalse(self.field(self.contact, "kundenbindung_abc_class"))
        self.assertEqual(self.field(self.idle, "kundenbindung_revenue_previous"), 900.0)
        self.assertEqual(self.field(self.big, "kundenbindung_frequency"), 1)
        self.assertEqual(self.field(self.mid, "kundenbindung_last_invoice_date"), D(2026, 2, 1))
        self.assertEqual(self.field(self.big, "kundenbindung_segments_date"), TODAY)
        self.assertEqual(self.company.kundenbindung_config_id.segments_date, TODAY)
        self.assertTrue(self.field(self.big, "kundenbindung_rfm_segment"))
        self.assertTrue(self.field(self.idle, "kundenbindung_churn_level"))
        self.assertGreaterEqual(self.field(self.big, "kundenbindung_clv"), 8000.0)
        # search and group by the company-dependent class
        Partner = self.env["res.partner"]
        ours = self.big | self.mid | self.small | self.swiss | self.idle | self.contact
        self.assertEqual(Partner.search([("kundenbindung_abc_class", "=", "A")]) & ours, self.big | self.mid)
        self.assertEqual(
            Partner.search([("kundenbindung_abc_class", "in", ["B", "C"])]) & ours, self.small | self.swiss
        )
        # negative and empty conditions include partners without figures
        self.assertEqual(
            Partner.search([("kundenbindung_abc_class", "!=", "A")]) & ours,
            self.small | self.swiss | self.idle | self.contact,
        )
        self.assertEqual(Partner.search([("kundenbindung_abc_class", "=", False)]) & ours, self.contact)
        self.assertEqual(Partner.search([("kundenbindung_abc_class", "!=", False)]) & ours, ours - self.contact)
        self.assertEqual(Partner.search([("kundenbindung_revenue", ">=", 1500)]) & ours, self.big | self.mid)
        self.assertEqual(Partner.search([("kundenbindung_churn_level", "=", "lost")]) & ours, self.idle)

    def test_thresholds_change_classes_and_are_validated(self):
        self.base_invoices()
        self.company.kundenbindung_config_id.write({"abc_a_share": 50.0, "abc_b_share": 45.0})
        self.compute()
        self.assertEqual(self.field(self.mid, "kundenbindung_abc_class"), "B")
        for a, b in ((0.0, 15.0), (80.0, 0.0), (80.0, 25.0), (-5.0, 50.0)):
            with self.assertRaises(ValidationError), self.cr.savepoint():
                self.company.kundenbindung_config_id.write({"abc_a_share": a, "abc_b_share": b})
        self.company.invalidate_recordset()
        self.assertEqual(self.company.kundenbindung_config_id.abc_a_share, 50.0)
        with self.assertRaises(ValidationError), self.cr.savepoint():
            self.company.kundenbindung_config_id.lost_days = 0

    def test_rank_by_lifetime_value(self):
        self.base_invoices()
        self.compute()
        # idle bought only before the window: no revenue, no class
        self.assertEqual(self.field(self.idle, "kundenbindung_abc_class"), "none")
        self.company.kundenbindung_config_id.abc_rank_by = "clv"
        self.compute()
        # ranked by lifetime value its 900 of history count: it gets a class
        self.assertEqual(self.field(self.idle, "kundenbindung_clv"), 900.0)
        self.assertIn(self.field(self.idle, "kundenbindung_abc_class"), ("B", "C"))
        self.assertEqual(self.field(self.big, "kundenbindung_abc_class"), "A")

    def test_history_only_on_change_and_recompute_is_stable(self):
        self.base_invoices()
        History = self.env["kundenbindung.class.history"].with_context(active_test=False)
        self.compute()
        # a first classification is not a change
        self.assertFalse(History.search([("company_id", "=", self.company.id)]))
        fields_read = [
            "kundenbindung_abc_class",
            "kundenbindung_revenue",
            "kundenbindung_clv",
            "kundenbindung_churn_score",
        ]
        before = self.big.with_company(self.company).read(fields_read)
        stats = self.compute()
        self.assertEqual(stats["changes"], 0)
        # nothing changed, nothing rewritten
        self.assertEqual(stats["written"], 0)
        self.assertFalse(History.search([("company_id", "=", self.company.id)]))
        self.assertEqual(self.big.with_company(self.company).read(fields_read), before)
        # narrower A share: mid (77.7 % above it) becomes B, one change; its own revenue did not
        # fall, so it is kept in the history but raises no "slipped" alarm (issue 18)
        self.company.kundenbindung_config_id.write({"abc_a_share": 70.0, "abc_b_share": 25.0})
        stats = self.compute()
        self.assertEqual((stats["changes"], stats["drops"], stats["written"]), (1, 0, 1))
        self.assertFalse(self.field(self.mid, "kundenbindung_class_drop_date"))
        change = History.search([("company_id", "=", self.company.id)])
        self.assertRecordValues(
            change, [{"partner_id": self.mid.id, "old_class": "A", "new_class": "B", "is_drop": True, "date": TODAY}]
        )
        self.assertEqual(change.display_name, "A to B")

    def test_drop_b_to_c_makes_history_and_a_todo_for_the_salesperson(self):
        self.base_invoices()
        self.compute()
        self.assertEqual(self.field(self.small, "kundenbindung_abc_class"), "B")
        # a year later small has bought for 10 only, the others as before: its class and its own
        # revenue fell
        later = D(2027, 6, 30)
        self.invoice(self.big, D(2026, 11, 1), 8000.0)
        self.invoice(self.mid, D(2026, 11, 2), 1500.0)
        self.invoice(self.swiss, D(2026, 11, 3), 600.0, currency=self.foreign)
        self.invoice(self.small, D(2026, 7, 10), 10.0)
        stats = self.compute(today=later)
        self.assertEqual(self.field(self.small, "kundenbindung_abc_class"), "C")
        self.assertEqual(self.field(self.small, "kundenbindung_class_drop_date"), later)
        change = self.env["kundenbindung.class.history"].search(
            [("partner_id", "=", self.small.id), ("date", "=", later)]
        )
        self.assertRecordValues(change, [{"old_class": "B", "new_class": "C", "is_drop": True, "revenue": 10.0}])
        activity = self.env["mail.activity"].search([("res_model", "=", "res.partner"), ("res_id", "=", self.small.id)])
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.salesman)
        self.assertEqual(activity.activity_type_id, self.env.ref("mail.mail_activity_data_todo"))
        self.assertIn("slipped from B to C", activity.note)
        self.assertIn("12-month revenue", activity.note)
        self.assertIn("-98 % against the previous window", activity.note)
        self.assertGreaterEqual(stats["activities"], 1)
        # the slipped filter of the customer views finds it
        slipped = (
            self.env["res.partner"]
            .with_company(self.company)
            .search([("kundenbindung_class_drop_date", ">=", D(2026, 12, 1))])
        )
        self.assertIn(self.small, slipped)

    def test_no_todo_when_switched_off(self):
        self.base_invoices()
        self.compute()
        self.company.kundenbindung_config_id.drop_activity = False
        # a year later big's only invoice has left the window: A to no revenue
        self.compute(today=D(2027, 3, 31))
        self.assertEqual(self.field(self.big, "kundenbindung_abc_class"), "none")
        self.assertTrue(
            self.env["kundenbindung.class.history"].search([("partner_id", "=", self.big.id), ("is_drop", "=", True)])
        )
        self.assertFalse(
            self.env["mail.activity"].search([("res_model", "=", "res.partner"), ("res_id", "=", self.big.id)])
        )

    def test_a_slipping_c_customer_gets_no_todo_unless_the_company_asks(self):
        self.swiss.user_id = self.salesman
        self.base_invoices()
        self.compute()
        self.assertEqual(self.field(self.swiss, "kundenbindung_abc_class"), "C")

        def todos(partner):
            return self.env["mail.activity"].search([("res_model", "=", "res.partner"), ("res_id", "=", partner.id)])

        # in April 2027 the invoices of big (A) and swiss (C) have left the window
        with self.env.cr.savepoint() as savepoint:
            self.compute(today=D(2027, 4, 15))
            self.assertEqual(self.field(self.swiss, "kundenbindung_abc_class"), "none")
            self.assertEqual(self.field(self.swiss, "kundenbindung_class_drop_date"), D(2027, 4, 15))
            self.assertTrue(todos(self.big))
            self.assertFalse(todos(self.swiss))
            # the lost A customer is worth more than the C customer in the salesperson's list
            segments = self.env["kundenbindung.customer.segment"].search(
                [("company_id", "=", self.company.id), ("partner_id", "in", (self.big | self.swiss).ids)],
                order="value_at_stake desc",
            )
            self.assertEqual(segments.partner_id, self.big | self.swiss)
            self.assertGreater(segments[0].value_at_stake, 10 * segments[1].value_at_stake)
            savepoint.rollback()
        self.company.kundenbindung_config_id.drop_activity_c = True
        self.compute(today=D(2027, 4, 15))
        self.assertTrue(todos(self.swiss))

    def test_a_customer_without_documents_has_nothing_at_stake_and_sorts_last(self):
        self.base_invoices()
        gone = self.env["res.partner"].create({"name": "Fort GmbH", "is_company": True})
        self.env["kundenbindung.customer.segment"].sudo().create(
            {"partner_id": gone.id, "company_id": self.company.id, "abc_class": "A"}
        )
        self.compute()
        segments = self.env["kundenbindung.customer.segment"].search(
            [("company_id", "=", self.company.id)], order="value_at_stake desc, id"
        )
        mine = segments.filtered(lambda s: s.partner_id == gone)
        self.assertEqual((mine.abc_class, mine.value_at_stake), ("none", 0.0))
        # stored as 0, not empty: an empty value would come first in the descending order of Today
        self.env.cr.execute(
            "SELECT value_at_stake IS NULL FROM kundenbindung_customer_segment WHERE id = %s", [mine.id]
        )
        self.assertFalse(self.env.cr.fetchone()[0])
        self.assertGreater(segments[0].value_at_stake, 0.0)

    def test_two_companies_kept_apart(self):
        self.base_invoices()
        # in company 2, small is the only and so the best customer
        self.invoice(self.small, D(2026, 6, 1), 50.0, company=self.company_2)
        self.compute()
        self.compute(self.company_2)
        self.assertEqual(self.field(self.small, "kundenbindung_abc_class"), "B")
        self.assertEqual(self.field(self.small, "kundenbindung_abc_class", self.company_2), "A")
        self.assertEqual(self.field(self.small, "kundenbindung_revenue", self.company_2), 50.0)
        self.assertEqual(self.field(self.big, "kundenbindung_abc_class", self.company_2), False)
        # a user of company 2 only sees company 2's history
        user_2 = make_user(
            self.env,
            "kb_seg_user_2",
            "base.group_user,kundenbindung_addon.group_kundenbindung_user_all,account.group_account_invoice",
            self.company_2,
        )
        segments = self.env["kundenbindung.customer.segment"].with_user(user_2).search([])
        self.assertEqual(segments.company_id, self.company_2)
        self.assertEqual(segments.partner_id, self.small)
        # a change in company 1 stays in company 1
        self.company.kundenbindung_config_id.write({"abc_a_share": 70.0, "abc_b_share": 25.0})
        self.compute()
        self.assertTrue(self.env["kundenbindung.class.history"].search([("company_id", "=", self.company.id)]))
        self.assertFalse(self.env["kundenbindung.class.history"].with_user(user_2).search([]))
        # and the partner shows user 2 the figures of company 2
        self.assertEqual(self.small.with_user(user_2).kundenbindung_abc_class, "A")
        report = self.env["kundenbindung.revenue.report"].with_user(user_2).search([])
        self.assertEqual(report.company_id, self.company_2)
        self.assertEqual(set(report.mapped("abc_class")), {"A"})

    def test_failing_chunk_is_logged_and_the_rest_written(self):
        self.base_invoices()
        original = kundenbindung_segmentation.KundenbindungSegmentation._write_chunk
        failing = self.mid.id

        def write_chunk(model, company, chunk, **options):
            if failing in chunk.index:
                raise ValueError("simulated failure")
            return original(model, company, chunk, **options)

        with (
            patch.object(kundenbindung_segmentation, "CHUNK_SIZE", 1),
            patch.object(kundenbindung_segmentation.KundenbindungSegmentation, "_write_chunk", write_chunk),
            mute_logger("odoo.addons.kundenbindung_addon.models.kundenbindung_segmentation"),
        ):
            stats = self.compute()
        self.assertEqual(stats["failed_chunks"], 1)
        # issue 19: a partial run is tried today, but not stamped as "computed on"
        self.assertEqual(self.company.kundenbindung_config_id.segments_tried, TODAY)
        self.assertFalse(self.company.kundenbindung_config_id.segments_date)
        self.assertFalse(self.field(self.mid, "kundenbindung_abc_class"))
        self.assertEqual(self.field(self.big, "kundenbindung_abc_class"), "A")
        self.assertEqual(self.field(self.swiss, "kundenbindung_abc_class"), "C")
        self.assertFalse(self.env["kundenbindung.class.history"].search([("partner_id", "=", self.mid.id)]))

    def test_cron_one_company_per_call_with_progress(self):
        self.base_invoices()
        cron = self.env.ref("kundenbindung_addon.ir_cron_kundenbindung_segments")
        self.assertEqual((cron.interval_number, cron.interval_type, cron.active), (1, "days", True))
        companies = self.env["res.company"].search([])
        companies.sudo().mapped("kundenbindung_config_id").write({"segments_date": False, "segments_tried": False})
        progress = self.env["ir.cron.progress"].create({"cron_id": cron.id, "remaining": 0, "done": 0})
        Segmentation = self.env["kundenbindung.segmentation"].with_context(ir_cron_progress_id=progress.id)
        with freeze_time(TODAY):
            Segmentation._cron_recompute()
            self.assertEqual(progress.done, 1)
            self.assertEqual(progress.remaining, len(companies) - 1)
            for _i in range(len(companies) - 1):
                Segmentation._cron_recompute()
            self.assertEqual(progress.remaining, 0)
            self.assertEqual(set(companies.sudo().mapped("kundenbindung_config_id").mapped("segments_date")), {TODAY})
            # nothing left today
            Segmentation._cron_recompute()
            self.assertEqual((progress.done, progress.remaining), (0, 0))
        self.assertEqual(self.field(self.big, "kundenbindung_abc_class"), "A")

    def test_access_rights(self):
        self.base_invoices()
        # a salesman reads the figures but changes no threshold and cannot recompute
        self.compute()
        salesman_env = self.env(user=self.salesman)
        self.assertEqual(self.big.with_env(salesman_env).kundenbindung_abc_class, "A")
        with self.assertRaises(AccessError):
            self.company.with_env(salesman_env).kundenbindung_config_id.abc_a_share = 60.0
        with self.assertRaises(AccessError):
            self.company.kundenbindung_config_id.with_env(salesman_env).write(
                {"abc_a_share": 60.0, "abc_b_share": 30.0}
            )
        with self.assertRaises(AccessError):
            salesman_env["kundenbindung.segmentation"].action_recompute()
        self.assertEqual(self.company.kundenbindung_config_id.abc_a_share, 80.0)
        # an employee outside Customer Retention does not see the figures
        employee = new_test_user(self.env, login="kb_seg_employee", groups="base.group_user")
        with self.assertRaises(AccessError):
            self.big.with_user(employee).read(["kundenbindung_abc_class"])
        # a manager changes the thresholds through the settings form and recomputes
        manager_env = self.env(user=self.manager)
        settings = self.company.kundenbindung_config_id.with_env(manager_env)
        self.assertEqual(settings.abc_a_share, 80.0)
        self.assertEqual(settings.segments_date, TODAY)
        settings.write({"abc_a_share": 50.0, "abc_b_share": 45.0})
        with freeze_time(TODAY):
            action = settings.action_recompute()
        self.assertEqual(action["params"]["type"], "success")
        self.assertEqual(self.company.kundenbindung_config_id.abc_a_share, 50.0)
        self.assertEqual(self.field(self.mid, "kundenbindung_abc_class"), "B")

    def test_a_bad_search_value_gets_a_clear_error(self):
        """Issue 17: bad search values gave a raw TypeError or ValueError."""
        Partner = self.env["res.partner"]
        for domain in (
            [("kundenbindung_revenue", ">", "viel")],
            [("kundenbindung_abc_class", "=", "Z")],
            [("kundenbindung_class_drop_date", "<", "gestern")],
            [("kundenbindung_loyalty_points", ">", "viele")],
        ):
            with self.subTest(domain=domain), self.assertRaises(UserError):
                Partner.search(domain)
        # good values still search
        Partner.search([("kundenbindung_revenue", ">", "100"), ("kundenbindung_abc_class", "in", ["A", "B"])])
