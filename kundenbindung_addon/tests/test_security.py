# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestSecurity(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.group_user = cls.env.ref("kundenbindung_addon.group_kundenbindung_user")
        cls.group_manager = cls.env.ref("kundenbindung_addon.group_kundenbindung_manager")
        cls.salesman = new_test_user(
            cls.env, login="kb_salesman", groups="base.group_user,sales_team.group_sale_salesman"
        )
        cls.sales_manager = new_test_user(
            cls.env, login="kb_sales_manager", groups="base.group_user,sales_team.group_sale_manager"
        )
        cls.clerk = new_test_user(cls.env, login="kb_clerk", groups="base.group_user")
        cls.root_menu = cls.env.ref("kundenbindung_addon.kundenbindung_menu_root")
        cls.settings_menu = cls.env.ref("kundenbindung_addon.kundenbindung_menu_settings")
        cls.customers_menu = cls.env.ref("kundenbindung_addon.kundenbindung_menu_customers")

    def _visible_menus(self, user):
        return self.env["ir.ui.menu"].with_user(user)._visible_menu_ids()

    def test_manager_implies_user(self):
        self.assertIn(self.group_user, self.group_manager.implied_ids)

    def test_salesman_is_user_not_manager(self):
        self.assertTrue(self.salesman.has_group("kundenbindung_addon.group_kundenbindung_user"))
        self.assertFalse(self.salesman.has_group("kundenbindung_addon.group_kundenbindung_manager"))

    def test_sales_manager_is_manager(self):
        self.assertTrue(self.sales_manager.has_group("kundenbindung_addon.group_kundenbindung_manager"))
        self.assertTrue(self.sales_manager.has_group("kundenbindung_addon.group_kundenbindung_user"))

    def test_admin_is_manager(self):
        self.assertTrue(self.env.ref("base.user_admin").has_group("kundenbindung_addon.group_kundenbindung_manager"))

    def test_menu_visibility_follows_groups(self):
        salesman_menus = self._visible_menus(self.salesman)
        self.assertIn(self.root_menu.id, salesman_menus)
        self.assertIn(self.customers_menu.id, salesman_menus)
        self.assertNotIn(self.settings_menu.id, salesman_menus)
        self.assertNotIn(self.root_menu.id, self._visible_menus(self.clerk))
        admin_menus = self._visible_menus(self.env.ref("base.user_admin"))
        self.assertIn(self.settings_menu.id, admin_menus)
        # sales managers configure the addon through its own form, not Odoo's Settings
        retention_settings = self.env.ref("kundenbindung_addon.kundenbindung_menu_retention_settings")
        manager_menus = self._visible_menus(self.sales_manager)
        self.assertIn(retention_settings.id, manager_menus)
        self.assertNotIn(self.settings_menu.id, manager_menus)
        self.assertNotIn(retention_settings.id, salesman_menus)

    def test_customers_action_opens_for_salesman(self):
        action = self.env.ref("kundenbindung_addon.res_partner_action_kundenbindung_customers")
        self.assertEqual(action.res_model, "kundenbindung.customer.segment")
        self.assertEqual(action.path, "customer-retention")
        Segment = self.env["kundenbindung.customer.segment"]
        # salesmen read the segments, nobody writes them by hand
        Segment.with_user(self.salesman).check_access("read")
        self.assertFalse(Segment.with_user(self.salesman).has_access("create"))
        self.assertFalse(Segment.with_user(self.salesman).has_access("write"))
        self.assertFalse(Segment.with_user(self.clerk).has_access("read"))

    def test_every_model_closed_to_plain_users_and_kept_to_its_company(self):
        """Each stored model of the addon: a user without a Customer
        Retention group reads nothing; a model with a company has a record
        rule on it; a User never gets more rights than a Manager."""
        models = self.env["ir.model"].search([("model", "=like", "kundenbindung.%"), ("transient", "=", False)])
        checked = 0
        for ir_model in models:
            Model = self.env[ir_model.model]
            if not Model._auto or Model._abstract or not ir_model.model.startswith("kundenbindung."):
                continue
            checked += 1
            Access = self.env["ir.model.access"]
            self.assertFalse(
                Access.with_user(self.clerk).check(ir_model.model, "read", raise_exception=False),
                f"{ir_model.model} is readable without a Customer Retention group",
            )
            user, manager = new_test_user(self.env, login=f"kb_u_{checked}"), None
            user.groups_id |= self.group_user
            manager = new_test_user(self.env, login=f"kb_m_{checked}")
            manager.groups_id |= self.group_manager
            for mode in ("read", "write", "create", "unlink"):
                if Access.with_user(user).check(ir_model.model, mode, raise_exception=False):
                    self.assertTrue(
                        Access.with_user(manager).check(ir_model.model, mode, raise_exception=False),
                        f"a User may {mode} {ir_model.model}, a Manager may not",
                    )
            if "company_id" in Model._fields and Model._fields["company_id"].store:
                rules = self.env["ir.rule"].sudo().search([("model_id", "=", ir_model.id)])
                self.assertTrue(
                    any("company_ids" in (rule.domain_force or "") for rule in rules),
                    f"{ir_model.model} has a company but no company rule",
                )
        self.assertGreaterEqual(checked, 15)
