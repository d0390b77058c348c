# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The demo loader's bulk path writes what the ORM writes.

One generated data set is loaded twice: through ``account.move.create`` and
``action_post`` into company A, and through the bulk ``COPY`` path into
company B. Every document is then compared column by column (company-bound
references compared by what they mean: account code, tax, journal code),
through Odoo's own reports, and by using the bulk documents in Odoo
afterwards (payment, reset to draft and re-post, next number).
"""

import datetime
import logging
import unittest

from odoo.tests import tagged

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

_logger = logging.getLogger(__name__)

try:
    import faker  # noqa: F401

    from ..tools import demo_data
    from ..tools.demo_loader import DemoLoader
except ImportError:  # pragma: no cover - depends on the machine
    demo_data = None

SKIP_COLUMNS = {
    "id",
    "create_date",
    "write_date",
    "create_uid",
    "write_uid",
    "company_id",
    "journal_id",
    "access_token",
    "move_id",
}


@tagged("post_install", "-at_install")
class TestDemoLoader(AccountTestInvoicingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if demo_data is None:
            raise unittest.SkipTest("the demo generator needs the Python package Faker")
        cls.company_a = cls.company_data["company"]
        cls.company_b = cls.setup_other_company(name="KB Bulk GmbH")["company"]
        cls.data = demo_data.generate(partners=40, invoice_lines=150, seed=3, today=datetime.date(2026, 6, 30))
        env = cls.env(context=dict(cls.env.context, allowed_company_ids=[cls.company_a.id, cls.company_b.id]))
        cls.orm = DemoLoader(env, cls.data, company=cls.company_a)
        cls.orm.load_partners()
        cls.orm.load_products()
        cls.orm.load_invoices("orm")
        partners = env["res.partner"].browse(list(cls.orm.partner_ids.values()))
        cls.rank_after_orm = {p.id: p.customer_rank for p in partners}
        cls.bulk = DemoLoader(env, cls.data, company=cls.company_b)
        cls.bulk.partner_ids = cls.orm.partner_ids
        cls.bulk.load_products()
        cls.bulk.load_invoices("bulk")
        cls.env.invalidate_all()

    # ------------------------------------------------------------- helpers

    def _meaning(self, table, column, value):
        """Company-bound ids replaced by what they stand for."""
        if value is None:
            return None
        env = self.env
        if column == "account_id":
            account = env["account.account"].browse(value)
            return account.with_company(account.company_ids[:1]).code
        if column in ("tax_line_id",):
            tax = env["account.tax"].browse(value)
            return (tax.name, tax.amount)
        if column == "tax_group_id":
            return env["account.tax.group"].browse(value).name
        if column == "tax_repartition_line_id":
            rep = env["account.tax.repartition.line"].browse(value)
            return (rep.repartition_type, rep.document_type, rep.factor_percent)
        if column in ("fiscal_position_id", "invoice_payment_term_id", "partner_bank_id"):
            return bool(value)
        return value

    def _rows(self, table, where, params):
        self.env.cr.execute("SELECT * FROM %s WHERE %s ORDER BY id" % (table, where), params)
        names = [d.name for d in self.env.cr.description]
        return [
            {n: self._meaning(table, n, v) for n, v in zip(names, row) if n not in SKIP_COLUMNS}
            for row in self.env.cr.fetchall()
        ]

    def _rel(self, line_ids, table, column):
        self.env.cr.execute(
            "SELECT account_move_line_id, %s FROM %s WHERE account_move_line_id IN %%s" % (column, table),
            (tuple(line_ids) or (0,),),
        )
        out = {}
        for line_id, other in self.env.cr.fetchall():
            record = self.env["account.tax" if "tax" in column else "account.account.tag"].browse(other)
            out.setdefault(line_id, []).append(record.name)
        return {k: sorted(v) for k, v in out.items()}

    def _lines(self, move_id):
        lines = self._rows("account_move_line", "move_id = %s", (move_id,))
        self.env.cr.execute("SELECT id FROM account_move_line WHERE move_id = %s ORDER BY id", (move_id,))
        ids = [r[0] for r in self.env.cr.fetchall()]
        taxes = self._rel(ids, "account_move_line_account_tax_rel", "account_tax_id")
        tags = self._rel(ids, "account_account_tag_account_move_line_rel", "account_account_tag_id")
        for line, line_id in zip(lines, ids):
            line["taxes"] = taxes.get(line_id, [])
            line["tags"] = tags.get(line_id, [])
        return sorted(
            lines,
            key=lambda l: (l["sequence"], l["display_type"], l["product_id"] or 0, l["quantity"], l["price_unit"]),
        )

    # --------------------------------------------------------------- tests

    def test_every_document_is_written_column_by_column_like_the_orm(self):
        self.assertEqual(set(self.orm.move_ids), set(self.data.invoices["key"]))
        self.assertEqual(set(self.bulk.move_ids), set(self.orm.move_ids))
        refunds = 0
        for key, orm_id in self.orm.move_ids.items():
            bulk_id = self.bulk.move_ids[key]
            with self.subTest(document=key):
                orm_move = self._rows("account_move", "id = %s", (orm_id,))[0]
                bulk_move = self._rows("account_move", "id = %s", (bulk_id,))[0]
                self.assertEqual(bulk_move, orm_move)
                self.assertEqual(self._lines(bulk_id), self._lines(orm_id))
                refunds += orm_move["move_type"] == "out_refund"
        self.assertGreater(refunds, 0, "the data set must contain credit notes")

    def test_odoo_reads_bulk_documents_back_like_orm_documents(self):
        def report(company):
            groups = self.env["account.invoice.report"]._read_group(
                [("company_id", "=", company.id)],
                ["partner_id", "move_type"],
                ["price_subtotal:sum", "quantity:sum", "price_total:sum"],
            )
            return {(p.id, t): tuple(round(v, 2) for v in values) for p, t, *values in groups}

        self.assertEqual(report(self.company_b), report(self.company_a))
        self.assertTrue(report(self.company_a))

        bounds = (datetime.date(2020, 1, 1), datetime.date(2030, 1, 1))

        def documents(company):
            docs = self.env["kundenbindung.segmentation"]._documents(company, *bounds)
            return sorted(zip(docs["customer"], docs["date"], docs["amount"].round(2)))

        def purchases(company):
            rows = self.env["kundenbindung.clustering"]._purchases(company, *bounds)
            return sorted(zip(rows["customer"], rows["category"], rows["amount"].round(2)))

        # the addon reads both companies' documents alike
        self.assertTrue(documents(self.company_a))
        self.assertEqual(documents(self.company_b), documents(self.company_a))
        self.assertEqual(purchases(self.company_b), purchases(self.company_a))

        partners = self.env["res.partner"].browse(list(self.orm.partner_ids.values()))
        for partner in partners.filtered(lambda p: p.parent_id == p.browse()):
            self.assertAlmostEqual(
                partner.with_company(self.company_b).credit, partner.with_company(self.company_a).credit, places=2
            )
        moves = self.env["account.move"]
        fields_ = [
            "amount_untaxed",
            "amount_tax",
            "amount_total",
            "amount_residual",
            "payment_state",
            "state",
            "amount_total_signed",
            "invoice_date_due",
            "name",
            "partner_id",
            "commercial_partner_id",
        ]
        for key, orm_id in self.orm.move_ids.items():
            orm_vals = moves.browse(orm_id).read(fields_)[0]
            bulk_vals = moves.browse(self.bulk.move_ids[key]).read(fields_)[0]
            orm_vals.pop("id"), bulk_vals.pop("id")
            self.assertEqual(bulk_vals, orm_vals)

    def test_customer_rank_counts_bulk_documents_like_posting(self):
        partners = self.env["res.partner"].browse(list(self.orm.partner_ids.values()))
        for partner in partners:
            before = self.rank_after_orm[partner.id]
            self.assertEqual(partner.customer_rank, 2 * before, partner.name)
        self.assertTrue(any(self.rank_after_orm.values()))

    def test_bulk_documents_work_in_odoo_afterwards(self):
        # foreign-key checks are on again after the bulk copy
        self.env.cr.execute("SHOW session_replication_role")
        self.assertEqual(self.env.cr.fetchone()[0], "origin")
        moves = self.env["account.move"].browse(list(self.bulk.move_ids.values()))
        invoice = moves.filtered(lambda m: m.move_type == "out_invoice").sorted("id")[0]
        total = invoice.amount_total
        # pay it
        self.env["account.payment.register"].with_context(active_model="account.move", active_ids=invoice.ids).create(
            {"payment_date": invoice.invoice_date}
        ).action_create_payments()
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        # reset another one to draft and post it again: Odoo recomputes the same amounts
        other = moves.filtered(lambda m: m.move_type == "out_invoice" and m != invoice).sorted("id")[0]
        before = (other.name, other.amount_untaxed, other.amount_tax, other.amount_total, len(other.line_ids))
        other.button_draft()
        other.line_ids.invalidate_recordset()
        other.action_post()
        self.assertEqual(
            (other.name, other.amount_untaxed, other.amount_tax, other.amount_total, len(other.line_ids)), before
        )
        self.assertEqual(total, invoice.amount_total)
        # the next ORM invoice continues the bulk numbering
        last = moves.filtered(lambda m: m.move_type == "out_invoice").sorted(
            lambda m: (m.sequence_prefix, m.sequence_number)
        )[-1]
        new = (
            self.env["account.move"]
            .with_company(self.company_b)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": other.partner_id.id,
                    "invoice_date": last.invoice_date,
                    "invoice_line_ids": [(0, 0, {"name": "Beratung", "quantity": 1, "price_unit": 80.0})],
                }
            )
        )
        new.action_post()
        self.assertEqual(new.sequence_prefix, last.sequence_prefix)
        self.assertEqual(new.sequence_number, last.sequence_number + 1)


@tagged("post_install", "-at_install")
class TestSignalsAgree(AccountTestInvoicingCommon):
    """Issue 18: on generated demo data, as a salesperson reads it, the
    figures never contradict each other: no "slipped" alarm while the own
    revenue grew, no "lost" in RFM with a low or medium churn risk, no lost
    customer that RFM calls anything else."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if demo_data is None:
            raise unittest.SkipTest("the demo generator needs the Python package Faker")
        cls.company = cls.company_data["company"]
        data = demo_data.generate(partners=400, invoice_lines=6000, seed=11, today=datetime.date(2026, 6, 30))
        loader = DemoLoader(cls.env, data, company=cls.company)
        loader.load_partners()
        loader.load_products()
        loader.load_invoices("bulk")
        cls.env.invalidate_all()

    def test_segments_agree_after_two_runs(self):
        Segmentation = self.env["kundenbindung.segmentation"]
        Segmentation._compute_company(self.company, today=datetime.date(2026, 6, 30))
        stats = Segmentation._compute_company(self.company, today=datetime.date(2026, 12, 31))
        segments = self.env["kundenbindung.customer.segment"].search([("company_id", "=", self.company.id)])
        buyers = segments.filtered("rfm_segment")
        self.assertGreater(len(buyers), 100)
        self.assertEqual(set(buyers.mapped("f_score")), {1, 2, 3, 4, 5})
        slipped = segments.filtered("class_drop_date")
        self.assertEqual(len(slipped), stats["drops"])
        for segment in slipped:
            self.assertLess(segment.revenue, segment.previous_revenue, segment.partner_id.display_name)
        for segment in buyers:
            if segment.rfm_segment == "lost":
                self.assertIn(segment.churn_level, ("high", "lost"), segment.partner_id.display_name)
            if segment.churn_level == "lost":
                self.assertEqual(segment.rfm_segment, "lost", segment.partner_id.display_name)
        # one model: a customer likely to be active has the lower churn risk
        active = buyers.filtered(lambda s: s.p_alive >= 0.8)
        gone = buyers.filtered(lambda s: s.p_alive <= 0.2)
        if active and gone:
            self.assertLess(
                sum(active.mapped("churn_score")) / len(active), sum(gone.mapped("churn_score")) / len(gone)
            )
        # the forecast made half a year earlier is checked against what happened since
        check = self.env["kundenbindung.forecast.check"].search([("company_id", "=", self.company.id)], limit=1)
        self.assertEqual(check.date, datetime.date(2026, 12, 31))
        self.assertEqual(check.cutoff, datetime.date(2026, 6, 30))
        self.assertTrue(check.complete)
        self.assertGreater(check.customers, 100)
        self.assertLessEqual({"low", "medium"}, set(check.band_line_ids.mapped("band")))
        self.assertEqual(len(check.line_ids.filtered(lambda l: l.kind == "bucket")), 4)
        self.assertEqual(check.chart.count('class="row mb-2"'), len(check.band_line_ids))
        # the class changes that were no slip are in the history, without an alarm
        drops = self.env["kundenbindung.class.history"].search(
            [("company_id", "=", self.company.id), ("is_drop", "=", True), ("date", "=", datetime.date(2026, 12, 31))]
        )
        self.assertGreaterEqual(len(drops), len(slipped))


@tagged("post_install", "-at_install")
class TestDemoSalespeople(AccountTestInvoicingCommon):
    def test_a_demo_salesperson_writes_notes_and_exports_but_administers_nothing(self):
        from ..tools.demo_loader import demo_salespeople

        katrin = demo_salespeople(self.env, [("Katrin Vogel", "kb_demo_katrin")])
        customer = self.env["res.partner"].create({"name": "Demo Kunde GmbH", "user_id": katrin.id})
        customer.with_user(katrin).message_post(body="Angerufen", message_type="comment", subtype_xmlid="mail.mt_note")
        self.assertIn("Angerufen", str(customer.message_ids[0].body))
        self.assertTrue(katrin.has_group("base.group_allow_export"))
        self.assertTrue(katrin.has_group("kundenbindung_addon.group_kundenbindung_user"))
        for group in ("account.group_account_manager", "sales_team.group_sale_manager", "base.group_system"):
            self.assertFalse(katrin.has_group(group), group)
        # run again (make demo on an existing database): the same user
        self.assertEqual(demo_salespeople(self.env, [("Katrin Vogel", "kb_demo_katrin")]), katrin)
