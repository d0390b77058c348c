# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import ValidationError
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestSettings(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_1 = cls.env.company
        cls.company_2 = cls.env["res.company"].create({"name": "KB Zweitfirma GmbH"})

    def test_default_window_is_twelve_months(self):
        self.assertEqual(self.company_2.kundenbindung_window_months, 12)

    def test_settings_write_only_the_current_company(self):
        settings = self.env["res.config.settings"].with_company(self.company_2).create({})
        self.assertEqual(settings.kundenbindung_window_months, 12)
        settings.kundenbindung_window_months = 24
        settings.execute()
        self.assertEqual(self.company_2.kundenbindung_window_months, 24)
        self.assertEqual(self.company_1.kundenbindung_window_months, 12)

    def test_bad_window_is_refused_and_changes_nothing(self):
        self.company_2.kundenbindung_window_months = 18
        for bad in (0, -1, 121):
            with self.assertRaises(ValidationError) as err, self.env.cr.savepoint():
                self.company_2.kundenbindung_window_months = bad
            self.assertIn("between 1 and 120", str(err.exception))
            self.company_2.invalidate_recordset()
            self.assertEqual(self.company_2.kundenbindung_window_months, 18)

    def test_german_translation_is_loaded_and_used(self):
        self.env["res.lang"]._activate_lang("de_DE")
        self.env["ir.module.module"]._load_module_terms(["kundenbindung_addon"], ["de_DE"], overwrite=True)
        menu = self.env.ref("kundenbindung_addon.kundenbindung_menu_root").with_context(lang="de_DE")
        self.assertEqual(menu.name, "Kundenbindung")
        company = self.company_2.with_context(lang="de_DE")
        with self.assertRaises(ValidationError) as err, self.env.cr.savepoint():
            company.kundenbindung_window_months = 0
        self.assertIn("Der Umsatzzeitraum von KB Zweitfirma GmbH muss zwischen 1 und 120 Monaten", str(err.exception))
