# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestManagerSettings(TransactionCase):
    """Customer Retention managers (sales managers, not administrators)
    change the addon's settings of their own company, and nothing else."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_1 = cls.env.company
        cls.company_2 = cls.env["res.company"].create({"name": "KB Filiale Nord GmbH"})
        cls.manager = new_test_user(
            cls.env,
            login="kb_manager",
            groups="base.group_user,sales_team.group_sale_manager",
            company_id=cls.company_2.id,
            company_ids=[Command.set(cls.company_2.ids)],
        )
        cls.salesman = new_test_user(
            cls.env,
            login="kb_salesman_settings",
            groups="base.group_user,sales_team.group_sale_salesman",
            company_id=cls.company_2.id,
            company_ids=[Command.set(cls.company_2.ids)],
        )

    def _form(self, user):
        return self.env["kundenbindung.settings"].with_user(user).with_company(self.company_2).create({})

    def test_manager_who_is_not_admin_saves_the_window_of_their_company(self):
        self.assertFalse(self.manager.has_group("base.group_system"))
        form = self._form(self.manager)
        self.assertEqual(form.company_id, self.company_2)
        self.assertEqual(form.window_months, 12)
        form.window_months = 18
        form.action_save()
        self.assertEqual(self.company_2.kundenbindung_window_months, 18)
        self.assertEqual(self.company_1.kundenbindung_window_months, 12)
        # the form opens with the saved value
        self.assertEqual(self._form(self.manager).window_months, 18)

    def test_manager_gets_no_general_right_to_write_companies(self):
        with self.assertRaises(AccessError):
            self.company_2.with_user(self.manager).write({"name": "Umbenannt GmbH"})

    def test_manager_cannot_change_another_company(self):
        form = self._form(self.manager)
        form.sudo().company_id = self.company_1
        with self.assertRaises(AccessError):
            form.action_save()
        self.assertEqual(self.company_1.kundenbindung_window_months, 12)

    def test_salesman_cannot_open_the_settings(self):
        with self.assertRaises(AccessError):
            self._form(self.salesman)

    def test_bad_value_is_refused_and_changes_nothing(self):
        form = self._form(self.manager)
        form.window_months = 0
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            form.action_save()
        self.company_2.invalidate_recordset()
        self.assertEqual(self.company_2.kundenbindung_window_months, 12)
