# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from psycopg2 import IntegrityError

from odoo.exceptions import ValidationError
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger


@tagged("post_install", "-at_install")
class TestSettings(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_1 = cls.env.company
        cls.company_2 = cls.env["res.company"].create({"name": "KB Zweitfirma GmbH"})

    def test_default_window_is_twelve_months(self):
        self.assertEqual(self.company_2.kundenbindung_config_id.window_months, 12)

    def test_one_configuration_per_company(self):
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"), self.env.cr.savepoint():
            self.env["kundenbindung.config"].create({"company_id": self.company_2.id})
        self.assertEqual(self.env["kundenbindung.config"].search_count([("company_id", "=", self.company_2.id)]), 1)

    def test_bad_window_is_refused_and_changes_nothing(self):
        config = self.company_2.kundenbindung_config_id
        config.window_months = 18
        for bad in (0, -1, 121):
            with self.assertRaises(ValidationError) as err, self.env.cr.savepoint():
                config.window_months = bad
            self.assertIn("between 1 and 120", str(err.exception))
            config.invalidate_recordset()
            self.assertEqual(config.window_months, 18)

    def test_german_translation_is_loaded_and_used(self):
        self.env["res.lang"]._activate_lang("de_DE")
        self.env["ir.module.module"]._load_module_terms(["kundenbindung_addon"], ["de_DE"], overwrite=True)
        menu = self.env.ref("kundenbindung_addon.kundenbindung_menu_root").with_context(lang="de_DE")
        self.assertEqual(menu.name, "Kundenbindung")
        config = self.company_2.kundenbindung_config_id.with_context(lang="de_DE")
        with self.assertRaises(ValidationError) as err, self.env.cr.savepoint():
            config.window_months = 0
        self.assertIn("Der Umsatzzeitraum von KB Zweitfirma GmbH muss zwischen 1 und 120 Monaten", str(err.exception))
