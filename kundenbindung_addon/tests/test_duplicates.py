# Copyright 2026 kundenbindung_addon authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestDuplicates(TransactionCase):
    """Duplicate candidates found among a company's partners, for review."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.company_2 = cls.env["res.company"].create({"name": "KB Dubletten Zweitfirma"})
        Partner = cls.env["res.partner"]
        cls.original = Partner.create(
            {"name": "Müller & Söhne GmbH & Co. KG", "is_company": True, "street": "Hauptstraße 12",
             "zip": "70173", "city": "Stuttgart", "phone": "0711 1234567", "email": "info@mueller-soehne.de"}
        )
        cls.duplicate = Partner.create(
            {"name": "MUELLER & SOEHNE G.m.b.H. & Co KG", "is_company": True, "street": "Hauptstr. 12",
             "zip": "70173", "city": "Stuttgart", "phone": "+49 (0)711 123-4567"}
        )
        cls.other = Partner.create(
            {"name": "Schmidt Logistik AG", "is_company": True, "street": "Hafenweg 3", "zip": "20457",
             "city": "Hamburg", "phone": "040 555111"}
        )
        cls.manager = new_test_user(
            cls.env,
            login="kb_dup_manager",
            groups="base.group_user,kundenbindung_addon.group_kundenbindung_manager",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.salesman = new_test_user(
            cls.env, login="kb_dup_salesman", groups="base.group_user,sales_team.group_sale_salesman"
        )

    def groups(self):
        return self.env["kundenbindung.duplicate.group"].search(
            [("company_id", "=", self.company.id), ("partner_ids", "in", self.original.ids)]
        )

    def test_found_with_explanation_once_and_dismissed_for_good(self):
        detection = self.env["kundenbindung.duplicate.detection"]
        stats = detection._detect_company(self.company)
        group = self.groups()
        self.assertEqual(group.partner_ids, self.original | self.duplicate)
        self.assertGreaterEqual(group.score, 95)
        self.assertIn("phone equal", group.explanation)
        self.assertEqual(group.state, "new")
        self.assertGreaterEqual(stats["created"], 1)
        # a second run updates the open group, does not repeat it
        detection._detect_company(self.company)
        self.assertEqual(len(self.groups()), 1)
        # not a duplicate: never proposed again
        group.with_user(self.manager).action_dismiss()
        self.assertEqual(group.state, "dismissed")
        detection._detect_company(self.company)
        self.assertEqual(self.groups(), group)

    def test_managers_only_and_companies_apart(self):
        self.env["kundenbindung.duplicate.detection"]._detect_company(self.company)
        group = self.groups()
        with self.assertRaises(AccessError):
            group.with_user(self.salesman).read(["score"])
        with self.assertRaises(AccessError):
            self.env["kundenbindung.duplicate.detection"].with_user(self.salesman).action_detect()
        action = self.env["kundenbindung.duplicate.detection"].with_user(self.manager).action_detect()
        self.assertEqual(action["params"]["type"], "success")
        manager_2 = new_test_user(
            self.env,
            login="kb_dup_manager_2",
            groups="base.group_user,kundenbindung_addon.group_kundenbindung_manager",
            company_id=self.company_2.id,
            company_ids=[Command.set(self.company_2.ids)],
        )
        self.assertFalse(self.env["kundenbindung.duplicate.group"].with_user(manager_2).search([]))
