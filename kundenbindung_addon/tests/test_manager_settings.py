# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, TransactionCase, tagged

from .common import make_user


@tagged("post_install", "-at_install")
class TestManagerSettings(TransactionCase):
    """Customer Retention managers (sales managers, not administrators)
    change the addon's settings of their own company, and nothing else."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_1 = cls.env.company
        cls.company_2 = cls.env["res.company"].create({"name": "KB Filiale Nord GmbH"})
        cls.manager = make_user(cls.env, "kb_manager", "sales_manager", cls.company_2)
        cls.salesman = make_user(cls.env, "kb_salesman_settings", "salesman", cls.company_2)

    def _open(self, user):
        """What the menu Configuration > Settings opens for ``user``."""
        action = self.env["kundenbindung.config"].with_user(user).with_company(self.company_2).action_open_current()
        return self.env["kundenbindung.config"].with_user(user).browse(action["res_id"])

    def test_every_company_has_one_configuration_with_the_defaults(self):
        config = self.company_2.kundenbindung_config_id
        self.assertEqual(config.company_id, self.company_2)
        self.assertEqual((config.window_months, config.abc_a_share, config.lost_days), (12, 80.0, 365))
        self.assertFalse(config.duplicate_auto_merge, "merging ships off")
        self.assertEqual(config.nps_survey_id, self.env.ref("kundenbindung_addon.survey_nps"))
        self.assertNotEqual(self.company_1.kundenbindung_config_id, config)

    def test_manager_who_is_not_admin_saves_the_window_of_their_company(self):
        self.assertFalse(self.manager.has_group("base.group_system"))
        config = self._open(self.manager)
        self.assertEqual(config.company_id, self.company_2)
        with Form(config) as form:
            form.window_months = 18
        self.assertEqual(self.company_2.kundenbindung_config_id.window_months, 18)
        self.assertEqual(self.company_1.kundenbindung_config_id.window_months, 12)

    def test_manager_gets_no_general_right_to_write_companies(self):
        with self.assertRaises(AccessError):
            self.company_2.with_user(self.manager).write({"name": "Umbenannt GmbH"})

    def test_manager_cannot_change_another_company(self):
        other = self.company_1.kundenbindung_config_id.with_user(self.manager)
        with self.assertRaises(AccessError):
            other.write({"window_months": 24})
        self.assertEqual(self.company_1.kundenbindung_config_id.window_months, 12)

    def test_salesman_reads_but_cannot_change_the_settings(self):
        config = self._open(self.salesman)
        self.assertEqual(config.window_months, 12)
        with self.assertRaises(AccessError):
            config.write({"window_months": 24})

    def test_bad_value_is_refused_and_changes_nothing(self):
        config = self._open(self.manager)
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            config.write({"window_months": 0})
        config.invalidate_recordset()
        self.assertEqual(config.window_months, 12)

    def test_odoo_settings_lead_to_the_same_record(self):
        settings = self.env["res.config.settings"].with_company(self.company_2).create({})
        action = settings.action_kundenbindung_open_config()
        self.assertEqual(action["res_id"], self.company_2.kundenbindung_config_id.id)
