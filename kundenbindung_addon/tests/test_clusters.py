# Copyright 2026 kundenbindung_addon authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import datetime
from unittest.mock import patch

from freezegun import freeze_time
from lxml import etree

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger
from odoo.tools.safe_eval import safe_eval

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

from ..models import kundenbindung_clustering
from .common import make_invoice, make_user

D = datetime.date
TODAY = D(2026, 6, 30)


@tagged("post_install", "-at_install")
class TestClusters(AccountTestInvoicingCommon):
    """Interest clusters from what customers buy, kept stable and written
    onto the customers."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.company_data["company"]
        cls.company.kundenbindung_config_id.write(
            {
                "cluster_count": 3,
                "cluster_min_invoices": 2,
                "cluster_category_level": 2,
            }
        )
        cls.company_2_data = cls.setup_other_company(name="KB Cluster Zweitfirma")
        cls.company_2 = cls.company_2_data["company"]
        cls.company_2.kundenbindung_config_id.write({"cluster_count": 2, "cluster_min_invoices": 1})
        cls.taxes = {cls.company: cls.tax_sale_a, cls.company_2: cls.company_2_data["default_tax_sale"]}

        Category = cls.env["product.category"]
        root = cls.env.ref("product.product_category_all")
        cls.furniture = Category.create({"name": "Möbel", "parent_id": root.id})
        # level 3: counts as Möbel at level 2
        cls.chairs = Category.create({"name": "Stühle", "parent_id": cls.furniture.id})
        cls.paper = Category.create({"name": "Papier", "parent_id": root.id})
        cls.coffee = Category.create({"name": "Kaffee", "parent_id": root.id})
        cls.desk = cls._create_product(name="Schreibtisch", lst_price=500.0, categ_id=cls.furniture.id)
        cls.chair = cls._create_product(name="Bürostuhl", lst_price=300.0, categ_id=cls.chairs.id)
        cls.ream = cls._create_product(name="Kopierpapier", lst_price=50.0, categ_id=cls.paper.id)
        cls.beans = cls._create_product(name="Kaffeebohnen", lst_price=20.0, categ_id=cls.coffee.id)

        cls.salesman = make_user(cls.env, "kb_cl_salesman", "salesman", cls.company)
        cls.manager = make_user(cls.env, "kb_cl_manager", "kb_manager", cls.company)
        Partner = cls.env["res.partner"]
        cls.groups = {}
        for key, count in (("furniture", 5), ("paper", 4), ("coffee", 4)):
            cls.groups[key] = Partner.create(
                [{"name": f"{key} {i}", "is_company": True, "user_id": cls.salesman.id} for i in range(count)]
            )
        cls.contact = Partner.create({"name": "Eva Kontakt", "parent_id": cls.groups["coffee"][0].id})
        cls.newcomer = Partner.create({"name": "Neu GmbH", "is_company": True})

        # furniture buys desks and chairs, two of them paper as well; paper
        # and coffee buy their own; one coffee customer through its contact
        for i, partner in enumerate(cls.groups["furniture"]):
            cls.invoice(partner, D(2026, 2, 1), [(cls.desk, 2, 500.0)])
            extra = [(cls.ream, 1, 50.0)] if i < 2 else []
            cls.invoice(partner, D(2026, 4, 1), [(cls.chair, 3, 300.0), *extra])
        for partner in cls.groups["paper"]:
            cls.invoice(partner, D(2026, 1, 10), [(cls.ream, 20, 50.0)])
            cls.invoice(partner, D(2026, 5, 10), [(cls.ream, 10, 50.0)])
        for i, partner in enumerate(cls.groups["coffee"]):
            buyer = cls.contact if i == 0 else partner
            cls.invoice(buyer, D(2026, 3, 3), [(cls.beans, 30, 20.0)])
            cls.invoice(buyer, D(2026, 6, 3), [(cls.beans, 25, 20.0)])
        # a single invoice: too little history for a cluster
        cls.invoice(cls.newcomer, D(2026, 6, 1), [(cls.desk, 1, 500.0)])

    @classmethod
    def invoice(cls, partner, date, lines, company=None):
        company = company or cls.company
        return make_invoice(cls.env, company, partner, date, lines, cls.taxes[company])

    def compute(self, company=None):
        return self.env["kundenbindung.clustering"]._compute_company(company or self.company, today=TODAY)

    def cluster_of(self, partner, company=None):
        return partner.with_company(company or self.company).kundenbindung_cluster_id

    def clusters(self, company=None):
        return self.env["kundenbindung.interest.cluster"].search([("company_id", "=", (company or self.company).id)])

    def test_clusters_from_invoices_named_after_their_categories(self):
        stats = self.compute()
        self.assertEqual((stats["clusters"], stats["clustered"], stats["failed_chunks"]), (3, 13, 0))
        clusters = self.clusters()
        self.assertEqual(sorted(clusters.mapped("name")), ["Kaffee", "Möbel", "Papier"])
        by_name = {cluster.name: cluster for cluster in clusters}
        for key, name in (("furniture", "Möbel"), ("paper", "Papier"), ("coffee", "Kaffee")):
            for partner in self.groups[key]:
                self.assertEqual(self.cluster_of(partner), by_name[name], partner.name)
        furniture = by_name["Möbel"]
        self.assertEqual(furniture.size, 5)
        # chairs (level 3) count as furniture (level 2): one category line
        # with most of the revenue, paper bought by 2 of 5
        lines = {line.category_id: line for line in furniture.category_line_ids}
        self.assertNotIn(self.chairs, lines)
        self.assertEqual(lines[self.paper].penetration, 0.4)
        self.assertGreater(lines[self.furniture].share, 0.9)
        self.assertEqual(furniture.revenue, 5 * 1900.0 + 2 * 50.0)
        # shares of all customers' revenue: the newcomer's 500 is in no cluster
        self.assertAlmostEqual(sum(clusters.mapped("revenue_share")), 20000.0 / 20500.0, places=6)
        # the contact's invoices count for its company
        self.assertFalse(self.contact.with_company(self.company).kundenbindung_cluster_id)
        self.assertGreater(self.groups["coffee"][0].with_company(self.company).kundenbindung_cluster_affinity, 0.99)
        # a single invoice is not enough history
        self.assertFalse(self.cluster_of(self.newcomer))
        # partners can be searched by cluster
        found = (
            self.env["res.partner"].with_company(self.company).search([("kundenbindung_cluster_id", "=", furniture.id)])
        )
        self.assertEqual(found, self.groups["furniture"])

    def test_categories_are_shown_by_their_name_without_the_root(self):
        """Issue 20: the next best categories read "All / Reinigung & Hygiene"."""
        cleaning = self.env["product.category"].create(
            {"name": "Reinigung & Hygiene", "parent_id": self.env.ref("product.product_category_all").id}
        )
        checked = 0
        for model, view_type, name in (
            ("res.partner", "form", "kundenbindung_next_category_ids"),
            ("kundenbindung.customer.segment", "form", "next_category_ids"),
            ("kundenbindung.interest.cluster", "form", "category_id"),
        ):
            arch = self.env[model].get_views([(False, view_type)])["views"][view_type]["arch"]
            for node in etree.fromstring(arch).iter("field"):
                if node.get("name") == name:
                    context = safe_eval(node.get("context") or "{}")
                    self.assertEqual(cleaning.with_context(**context).display_name, "Reinigung & Hygiene")
                    checked += 1
        self.assertGreaterEqual(checked, 3)

    def test_suggestions_exclude_categories_already_bought(self):
        self.compute()
        furniture = self.groups["furniture"]
        for partner in furniture[:2]:
            self.assertFalse(partner.with_company(self.company).kundenbindung_next_category_ids, partner.name)
        for partner in furniture[2:]:
            self.assertEqual(partner.with_company(self.company).kundenbindung_next_category_ids, self.paper)
        found = (
            self.env["res.partner"]
            .with_company(self.company)
            .search([("kundenbindung_next_category_ids", "in", self.paper.ids)])
        )
        self.assertEqual(found, furniture[2:])
        # one of them buys paper now: no longer proposed to it
        self.invoice(furniture[2], D(2026, 6, 20), [(self.ream, 1, 50.0)])
        self.compute()
        self.assertFalse(furniture[2].with_company(self.company).kundenbindung_next_category_ids)
        self.assertEqual(furniture[3].with_company(self.company).kundenbindung_next_category_ids, self.paper)

    def test_identity_kept_edited_name_survives_vanished_archived(self):
        self.compute()
        before = self.clusters()
        furniture = before.filtered(lambda c: c.name == "Möbel")
        # a manager renames the cluster
        furniture.with_user(self.manager).name = "Büroausstatter"
        self.assertTrue(furniture.name_edited)
        # more data, recompute: same records, the edited name stays
        self.invoice(self.groups["paper"][0], D(2026, 6, 15), [(self.ream, 5, 50.0)])
        stats = self.compute()
        self.assertEqual(stats["clusters"], 3)
        self.assertEqual(self.clusters(), before)
        self.assertEqual(furniture.name, "Büroausstatter")
        self.assertEqual(furniture.generated_name, "Möbel")
        self.assertEqual(self.cluster_of(self.groups["furniture"][0]), furniture)
        # back to the generated name, which follows the data again
        furniture.with_user(self.manager).action_reset_name()
        self.assertEqual((furniture.name, furniture.name_edited), ("Möbel", False))
        # two clusters asked for: the one that no longer exists is archived
        self.company.kundenbindung_config_id.cluster_count = 2
        self.compute()
        active = self.clusters()
        self.assertEqual(len(active), 2)
        archived = before - active
        self.assertTrue(archived)
        self.assertFalse(any(archived.mapped("active")))
        self.assertFalse(archived.segment_ids)
        members = self.env["kundenbindung.customer.segment"].search([("company_id", "=", self.company.id)])
        self.assertLessEqual(members.cluster_id, active)
        # back to three: the archived clusters are revived, not duplicated,
        # and what served only for two clusters is archived
        self.company.kundenbindung_config_id.cluster_count = 3
        self.compute()
        self.assertEqual(self.clusters(), before)
        self.assertFalse(any((active - before).mapped("active")))

    def test_two_companies_kept_apart(self):
        furniture, paper = self.groups["furniture"][0], self.groups["paper"][0]
        self.invoice(furniture, D(2026, 5, 1), [(self.beans, 10, 20.0)], company=self.company_2)
        self.invoice(paper, D(2026, 5, 1), [(self.desk, 1, 500.0)], company=self.company_2)
        self.compute()
        stats = self.compute(self.company_2)
        self.assertEqual((stats["clusters"], stats["clustered"]), (2, 2))
        # the same partner is in a different cluster per company
        self.assertEqual(self.cluster_of(furniture).name, "Möbel")
        self.assertEqual(self.cluster_of(furniture, self.company_2).name, "Kaffee")
        self.assertEqual(self.cluster_of(paper, self.company_2).name, "Möbel")
        self.assertEqual(len(self.clusters()), 3)
        user_2 = make_user(self.env, "kb_cl_user_2", "kb_user_all", self.company_2)
        visible = self.env["kundenbindung.interest.cluster"].with_user(user_2).search([])
        self.assertEqual(visible, self.clusters(self.company_2))
        with self.assertRaises(AccessError):
            self.clusters().with_user(user_2).read(["name"])
        lines = self.env["kundenbindung.interest.cluster.category"].with_user(user_2).search([])
        self.assertEqual(lines.company_id, self.company_2)
        self.assertEqual(furniture.with_user(user_2).kundenbindung_cluster_id.name, "Kaffee")

    def test_access_rights(self):
        self.compute()
        cluster = self.clusters()[0]
        # a salesman reads clusters, renames nothing
        self.assertTrue(cluster.with_user(self.salesman).name)
        with self.assertRaises(AccessError):
            cluster.with_user(self.salesman).name = "Meins"
        with self.assertRaises(AccessError):
            cluster.with_user(self.manager).unlink()
        employee = new_test_user(self.env, login="kb_cl_employee", groups="base.group_user")
        with self.assertRaises(AccessError):
            cluster.with_user(employee).read(["name"])
        # the manager's settings form writes the cluster settings
        settings = self.company.kundenbindung_config_id.with_user(self.manager)
        self.assertEqual((settings.cluster_count, settings.cluster_min_invoices), (3, 2))
        settings.write({"cluster_count": 0, "cluster_max": 4})
        self.assertEqual(
            (self.company.kundenbindung_config_id.cluster_count, self.company.kundenbindung_config_id.cluster_max),
            (0, 4),
        )
        with freeze_time(TODAY):
            action = settings.action_recompute()
        self.assertEqual(action["params"]["type"], "success")
        self.assertEqual(self.company.kundenbindung_config_id.clusters_date, TODAY)

    def test_bad_settings_refused_and_nothing_changed(self):
        for vals in (
            {"cluster_count": 1},
            {"cluster_count": 51},
            {"cluster_max": 1},
            {"cluster_min_invoices": 0},
            {"cluster_category_level": 0},
        ):
            with self.subTest(vals=vals), self.assertRaises(ValidationError):
                self.company.kundenbindung_config_id.write(vals)
            self.assertEqual(self.company.kundenbindung_config_id.cluster_count, 3)
            self.assertEqual(self.company.kundenbindung_config_id.cluster_min_invoices, 2)

    def test_failing_chunk_is_logged_and_the_rest_written(self):
        original = kundenbindung_clustering.KundenbindungClustering._write_chunk
        failing = self.groups["paper"][0].id

        def write_chunk(model, company, chunk, suggestions):
            if failing in chunk.index:
                raise ValueError("simulated failure")
            return original(model, company, chunk, suggestions)

        self.company.kundenbindung_config_id.clusters_date = False
        with (
            patch.object(kundenbindung_clustering, "CHUNK_SIZE", 1),
            patch.object(kundenbindung_clustering.KundenbindungClustering, "_write_chunk", write_chunk),
            mute_logger("odoo.addons.kundenbindung_addon.models.kundenbindung_clustering"),
        ):
            stats = self.compute()
        self.assertEqual(stats["failed_chunks"], 1)
        # a partial run is not stamped as "computed on" (issue 19)
        self.assertFalse(self.company.kundenbindung_config_id.clusters_date)
        self.assertFalse(self.cluster_of(self.groups["paper"][0]))
        self.assertEqual(self.cluster_of(self.groups["paper"][1]).name, "Papier")

    def test_scheduled_action_computes_clusters_after_segments(self):
        companies = self.env["res.company"].search([])
        companies.sudo().mapped("kundenbindung_config_id").write({"segments_date": False, "segments_tried": False})
        with freeze_time(TODAY):
            for _company in companies:
                self.env["kundenbindung.segmentation"]._cron_recompute()
        self.assertEqual(self.company.kundenbindung_config_id.clusters_date, TODAY)
        segment = self.groups["paper"][0].with_company(self.company)
        self.assertEqual(segment.kundenbindung_cluster_id.name, "Papier")
        self.assertTrue(segment.kundenbindung_abc_class)
