# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, new_test_user, tagged

from .common import make_user


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
        user_all = self.env.ref("kundenbindung_addon.group_kundenbindung_user_all")
        self.assertIn(user_all, self.group_manager.implied_ids)
        self.assertIn(self.group_user, user_all.implied_ids)
        self.assertIn(self.group_user, self.group_manager.trans_implied_ids)

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
        # sales managers configure the addon through its one settings entry, not Odoo's Settings
        manager_menus = self._visible_menus(self.sales_manager)
        self.assertIn(self.settings_menu.id, manager_menus)
        configuration = self.env.ref("kundenbindung_addon.kundenbindung_menu_configuration")
        settings_entries = self.env["ir.ui.menu"].search(
            [("parent_id", "=", configuration.id), ("name", "ilike", "Settings")]
        )
        self.assertEqual(settings_entries, self.settings_menu, "one settings entry in the menus")

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


@tagged("post_install", "-at_install")
class TestCompaniesApart(TransactionCase):
    """A manager of company 2 never sees or changes company 1's segments,
    class changes, NPS answers, losses, duplicate candidates, merge
    journal, campaigns, recipients or occasions."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.company_2 = cls.env["res.company"].create({"name": "KB Getrennt Zweitfirma"})
        customer = cls.env["res.partner"].create({"name": "Getrennt GmbH", "is_company": True})
        other = cls.env["res.partner"].create({"name": "Getrennt G.m.b.H.", "is_company": True})
        company_id = cls.company.id
        cls.records = {
            "kundenbindung.customer.segment": cls.env["kundenbindung.customer.segment"].create(
                {"partner_id": customer.id, "company_id": company_id, "abc_class": "A", "revenue": 1000.0}
            ),
            "kundenbindung.class.history": cls.env["kundenbindung.class.history"].create(
                {
                    "partner_id": customer.id,
                    "company_id": company_id,
                    "old_class": "A",
                    "new_class": "B",
                    "date": "2026-01-01",
                }
            ),
            "kundenbindung.nps.response": cls.env["kundenbindung.nps.response"].create(
                {"partner_id": customer.id, "score": 9, "company_id": company_id}
            ),
            "kundenbindung.duplicate.group": cls.env["kundenbindung.duplicate.group"].create(
                {"company_id": company_id, "partner_ids": [Command.set((customer | other).ids)], "score": 99.0}
            ),
            "kundenbindung.merge.journal": cls.env["kundenbindung.merge.journal"].create(
                {"company_id": company_id, "source_id": 1, "source_name": "Alt GmbH"}
            ),
            "kundenbindung.campaign": cls.env["kundenbindung.campaign"].create(
                {"name": "Nur Firma 1", "company_id": company_id, "abc_a": True}
            ),
            "kundenbindung.occasion": cls.env["kundenbindung.occasion"].create(
                {"name": "Geburtstag", "company_id": company_id}
            ),
        }
        cls.records["kundenbindung.campaign.recipient"] = cls.env["kundenbindung.campaign.recipient"].create(
            {"campaign_id": cls.records["kundenbindung.campaign"].id, "partner_id": customer.id}
        )
        cls.manager_2 = make_user(cls.env, "kb_apart_manager", "kb_manager", cls.company_2)

    def test_company_two_sees_and_changes_nothing_of_company_one(self):
        for model, record in self.records.items():
            with self.subTest(model=model):
                self.assertFalse(self.env[model].with_user(self.manager_2).search([("id", "=", record.id)]))
                with self.assertRaises(AccessError):
                    record.with_user(self.manager_2).read(["company_id"])
                if self.env["ir.model.access"].with_user(self.manager_2).check(model, "write", raise_exception=False):
                    with self.assertRaises(AccessError):
                        record.with_user(self.manager_2).write({"company_id": self.company_2.id})

    def test_only_a_manager_of_the_company_creates_its_invoice_loyalty_program(self):
        """Issue 17: the public action created a program with sudo for any
        logged-in user, portal and other companies included."""
        company = self.env["res.company"].create({"name": "KB Treue GmbH"})
        other = self.env["res.company"].create({"name": "KB Andere GmbH"})
        portal = new_test_user(self.env, login="kb_portal_loyalty", groups="base.group_portal")
        outsider = make_user(self.env, "kb_other_manager", "sales_manager", other)
        manager = make_user(self.env, "kb_loyalty_manager", "sales_manager", company)
        Program = self.env["loyalty.program"].sudo()
        before = Program.search_count([])
        salesman = make_user(self.env, "kb_loyalty_salesman", "salesman", company)
        clerk = new_test_user(self.env, login="kb_loyalty_clerk", groups="base.group_user")
        for user in (portal, salesman, clerk, outsider):
            with self.assertRaises(AccessError, msg=user.login):
                company.with_user(user).kundenbindung_config_id.action_create_loyalty_program()
        self.assertEqual(Program.search_count([]), before)
        self.assertFalse(company.kundenbindung_config_id.loyalty_program_id)
        program = (
            company.with_user(manager).with_company(company).kundenbindung_config_id.action_create_loyalty_program()
        )
        self.assertEqual(company.kundenbindung_config_id.loyalty_program_id, program)
        self.assertEqual(program.company_id, company)
