# Copyright 2026 kundenbindung_addon authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command
from odoo.exceptions import AccessError, UserError
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

    def test_merge_moves_references_and_keeps_a_journal(self):
        invoice_partner = self.duplicate
        self.duplicate.write({"ref": "K-4711", "comment": "Lieferung nur vormittags"})
        message = self.duplicate.message_post(body="Rückruf vereinbart")
        self.env["kundenbindung.duplicate.detection"]._detect_company(self.company)
        group = self.groups()
        group.survivor_id = self.original
        group.with_user(self.manager).action_merge()
        self.assertEqual(group.state, "merged")
        self.assertFalse(invoice_partner.exists())
        # the message moved to the survivor, the values that differed are on its chatter
        self.assertEqual(message.res_id, self.original.id)
        notes = self.original.message_ids.mapped("body")
        self.assertTrue(any("K-4711" in str(body) and "vormittags" in str(body) for body in notes))
        journal = group.journal_ids
        self.assertEqual(journal.source_name, "MUELLER & SOEHNE G.m.b.H. & Co KG")
        self.assertEqual(journal.snapshot["ref"], "K-4711")
        self.assertEqual(journal.snapshot["street"], "Hauptstr. 12")
        self.assertEqual(journal.survivor_id, self.original)

    def test_merge_refused_for_two_vat_numbers_and_chained_beyond_three(self):
        Partner = self.env["res.partner"]
        self.original.vat = "DE111111111"
        self.duplicate.vat = "DE222222222"
        self.env["kundenbindung.duplicate.detection"]._detect_company(self.company, threshold=0)
        group = self.groups()
        with self.assertRaises(UserError):
            group.with_user(self.manager).action_merge()
        self.assertTrue(self.duplicate.exists())
        # four partners of one customer merge in chained steps (Odoo merges three at most)
        copies = Partner.create([{"name": "Kunz GmbH", "is_company": True, "zip": "10115", "city": "Berlin", "phone": "030 1234567"} for _i in range(4)])
        group = self.env["kundenbindung.duplicate.group"].create(
            {"company_id": self.company.id, "partner_ids": [Command.set(copies.ids)], "score": 100.0}
        )
        group.with_user(self.manager).action_merge()
        self.assertEqual(len(copies.exists()), 1)
        self.assertEqual(len(group.journal_ids), 3)

    def test_merge_refused_across_companies(self):
        own = self.env["res.partner"].create({"name": "Kunz AG", "is_company": True, "company_id": self.company_2.id})
        shared = self.env["res.partner"].create({"name": "Kunz AG", "is_company": True})
        group = self.env["kundenbindung.duplicate.group"].create(
            {"company_id": self.company.id, "partner_ids": [Command.set((own | shared).ids)], "score": 99.0}
        )
        with self.assertRaises(UserError):
            group.with_user(self.manager).action_merge()
        self.assertTrue(own.exists() and shared.exists())
        self.assertEqual(group.state, "new")
