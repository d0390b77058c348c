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

    def test_every_setting_out_of_its_range_is_refused_by_name_and_changes_nothing(self):
        config = self.company_2.kundenbindung_config_id
        cases = {
            "window_months": (0, 121, "Revenue Window (Months)"),
            "lost_days": (0, 3651, "Lost After (Days)"),
            "cluster_category_level": (0, 11, "Product Category Level"),
            "nps_interval_days": (0, 3651, "Ask At Most Every (Days)"),
            "nps_followup_days": (-1, 91, "Follow Up Within (Days)"),
            "merge_journal_months": (0, 121, "Keep Merge Journal (Months)"),
        }
        for name, (too_low, too_high, label) in cases.items():
            kept = config[name]
            for bad in (too_low, too_high):
                with self.subTest(setting=name, value=bad):
                    with self.assertRaises(ValidationError) as err, self.env.cr.savepoint():
                        config[name] = bad
                    self.assertIn(label, str(err.exception))
                    self.assertIn("KB Zweitfirma GmbH", str(err.exception))
                    config.invalidate_recordset()
                    self.assertEqual(config[name], kept)
            # the ends of the range are allowed
            config[name] = too_low + 1
            config[name] = too_high - 1
        self.assertEqual(config.window_months, 120)

    def test_german_translation_is_loaded_and_used(self):
        self.env["res.lang"]._activate_lang("de_DE")
        self.env["ir.module.module"]._load_module_terms(["kundenbindung_addon"], ["de_DE"], overwrite=True)
        menu = self.env.ref("kundenbindung_addon.kundenbindung_menu_root").with_context(lang="de_DE")
        self.assertEqual(menu.name, "Kundenbindung")
        config = self.company_2.kundenbindung_config_id.with_context(lang="de_DE")
        with self.assertRaises(ValidationError) as err, self.env.cr.savepoint():
            config.window_months = 0
        self.assertIn(
            "„Umsatzzeitraum (Monate)“ von KB Zweitfirma GmbH muss zwischen 1 und 120 liegen, nicht 0.",
            str(err.exception),
        )
