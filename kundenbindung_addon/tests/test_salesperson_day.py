# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A salesperson's day: landing on their own customers, today's list ranked
by what is at stake, a customer opened on its retention tab."""

import datetime

from freezegun import freeze_time
from lxml import etree

from odoo.exceptions import AccessError
from odoo.tests import Form, TransactionCase, tagged

from .common import make_user

TODAY = datetime.date(2026, 11, 30)


@tagged("post_install", "-at_install")
class TestSalespersonDay(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.katrin = make_user(cls.env, "kb_day_katrin", "salesman", cls.company)
        cls.joerg = make_user(cls.env, "kb_day_joerg", "salesman", cls.company)
        cls.manager = make_user(cls.env, "kb_day_manager", "sales_manager", cls.company)
        Partner = cls.env["res.partner"]
        Segment = cls.env["kundenbindung.customer.segment"]
        cls.customers = {}
        # name: (salesperson, ABC class, value at stake)
        for name, user, abc, stake in (
            ("Adler A-Kunde GmbH", cls.katrin, "A", 36000.0),
            ("Berg B-Kunde KG", cls.katrin, "B", 4200.0),
            ("Clemens C-Kunde e.K.", cls.katrin, "C", 9.0),
            ("Ruhig Ohne-Termin AG", cls.katrin, "A", 50000.0),
            ("Jörgs Kunde GmbH", cls.joerg, "A", 90000.0),
        ):
            partner = Partner.create({"name": name, "is_company": True, "user_id": user.id})
            Segment.create(
                {"partner_id": partner.id, "company_id": cls.company.id, "abc_class": abc, "value_at_stake": stake}
            )
            cls.customers[name] = partner
        cls.contact = Partner.create({"name": "Anna Adler", "parent_id": cls.customers["Adler A-Kunde GmbH"].id})

        def todo(partner, summary, days, user=cls.katrin):
            return partner.activity_schedule(
                "mail.mail_activity_data_todo",
                date_deadline=TODAY + datetime.timedelta(days=days),
                summary=summary,
                user_id=user.id,
            )

        # the A customer's step is on its contact, and late; a later one on the company itself
        cls.late = todo(cls.contact, "Anrufen wegen Rückgang", -2)
        todo(cls.customers["Adler A-Kunde GmbH"], "Angebot nachfassen", 5)
        todo(cls.customers["Berg B-Kunde KG"], "Besuch planen", 0)
        todo(cls.customers["Clemens C-Kunde e.K."], "Katalog schicken", 0)
        todo(cls.customers["Jörgs Kunde GmbH"], "Jahresgespräch", 0, cls.joerg)

    def test_a_salesperson_lands_on_their_own_customers_a_manager_on_all(self):
        Segment = self.env["kundenbindung.customer.segment"]
        action = Segment.with_user(self.katrin).action_open_customers()
        self.assertEqual(action["res_model"], "kundenbindung.customer.segment")
        self.assertEqual(action["context"], {"search_default_my_customers": 1})
        manager_action = Segment.with_user(self.manager).action_open_customers()
        self.assertNotIn("search_default_my_customers", str(manager_action.get("context") or ""))
        # the menu runs it, for a salesperson who may not write segments too
        menu = self.env.ref("kundenbindung_addon.kundenbindung_menu_customers")
        server_action = self.env.ref("kundenbindung_addon.kundenbindung_customer_segment_action_open")
        self.assertEqual(menu.action, server_action)
        self.assertEqual(server_action.with_user(self.katrin).run()["context"], {"search_default_my_customers": 1})
        clerk = make_user(self.env, "kb_day_clerk", "employee", self.company)
        with self.assertRaises(AccessError):
            server_action.with_user(clerk).run()

    @freeze_time(TODAY)
    def test_todays_list_is_her_due_steps_the_most_at_stake_first(self):
        action = self.env.ref("kundenbindung_addon.kundenbindung_customer_segment_action_today")
        self.assertIn("search_default_due", action.context)
        self.assertIn("search_default_my_customers", action.context)
        Segment = self.env["kundenbindung.customer.segment"].with_user(self.katrin)
        # the two default filters are in different groups of the search view, so both apply (AND, not OR)
        search = etree.fromstring(Segment.get_views([(False, "search")])["views"]["search"]["arch"])
        group_of, group = {}, 0
        for node in search.iter("filter", "separator"):
            if node.tag == "separator":
                group += 1
            else:
                group_of[node.get("name")] = group
        self.assertNotEqual(group_of["my_customers"], group_of["due"])
        # the two default filters of the action, as the search view defines them
        today_list = Segment.search(
            [("user_id", "=", self.katrin.id), ("next_activity_date", "<=", TODAY)],
            order="value_at_stake desc, id",
        )
        self.assertEqual(
            today_list.partner_id.mapped("name"),
            ["Adler A-Kunde GmbH", "Berg B-Kunde KG", "Clemens C-Kunde e.K."],
        )
        adler = today_list[0]
        # the first open step, on its contact, is late
        self.assertEqual(adler.next_activity_id, self.late)
        self.assertEqual(adler.next_activity_date, TODAY - datetime.timedelta(days=2))
        self.assertTrue(adler.next_activity_late)
        # a customer without a step is not in the list, and has none
        quiet = Segment.search([("partner_id", "=", self.customers["Ruhig Ohne-Termin AG"].id)])
        self.assertFalse(quiet.next_activity_id)
        self.assertNotIn(quiet, Segment.search([("next_activity_date", "!=", False)]))
        # once done, the step leaves the list
        self.late.action_feedback(feedback="erledigt")
        adler.invalidate_recordset()
        self.assertEqual(adler.next_activity_date, TODAY + datetime.timedelta(days=5))
        self.assertNotIn(adler, Segment.search([("next_activity_date", "<=", TODAY)]))

    def test_a_customer_opens_on_its_retention_tab(self):
        segment = self.env["kundenbindung.customer.segment"].search(
            [("partner_id", "=", self.customers["Berg B-Kunde KG"].id)]
        )
        action = segment.with_user(self.katrin).action_open_partner()
        self.assertEqual((action["res_model"], action["res_id"]), ("res.partner", segment.partner_id.id))
        view_id = action["views"][0][0]
        arch = self.env["res.partner"].with_user(self.katrin).get_views([(view_id, "form")])["views"]["form"]["arch"]
        page = etree.fromstring(arch).xpath("//page[@name='kundenbindung']")
        self.assertEqual(len(page), 1)
        self.assertEqual(page[0].get("autofocus"), "autofocus")

    def test_churn_levels_are_grouped_in_their_order(self):
        """The pivot and the grouped list show low, medium, high, lost, not
        the stored values' alphabet (high, lost, low, medium)."""
        Segment = self.env["kundenbindung.customer.segment"]
        segments = Segment.search([("partner_id", "in", [p.id for p in self.customers.values()])])
        for segment, level in zip(segments, ("lost", "high", "low", "medium", "high"), strict=True):
            segment.churn_level = level
        domain = [("id", "in", segments.ids)]
        pivot = Segment.with_user(self.manager).read_group(domain, ["__count"], ["churn_level"], lazy=False)
        self.assertEqual([row["churn_level"] for row in pivot], ["low", "medium", "high", "lost"])
        # under the ABC classes, in the classes' order
        nested = Segment.with_user(self.manager).read_group(
            domain, ["__count"], ["abc_class", "churn_level"], lazy=False
        )
        self.assertEqual(
            [(row["abc_class"], row["churn_level"]) for row in nested],
            [("A", "medium"), ("A", "high"), ("A", "lost"), ("B", "high"), ("C", "low")],
        )
        # as the kanban and the lists ask, with their own order of the records
        for order in (None, "revenue DESC", "value_at_stake DESC"):
            grouped = Segment.with_user(self.manager).web_read_group(
                domain, ["revenue:sum", "value_at_stake:sum"], ["churn_level"], orderby=order
            )
            self.assertEqual([row["churn_level"] for row in grouped["groups"]], ["low", "medium", "high", "lost"])
        # a click on the column's header orders by the stored value, as asked
        by_header = Segment.with_user(self.manager).web_read_group(
            domain, [], ["churn_level"], orderby="churn_level DESC"
        )
        self.assertEqual([row["churn_level"] for row in by_header["groups"]], ["medium", "low", "lost", "high"])


@tagged("post_install", "-at_install")
class TestOverview(TransactionCase):
    """The manager's and the salesperson's overview: each figure against the
    period before, with the rights of the reader."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.company_2 = cls.env["res.company"].create({"name": "KB Übersicht Zweitfirma"})
        cls.katrin = make_user(cls.env, "kb_ov_katrin", "salesman", cls.company)
        cls.joerg = make_user(cls.env, "kb_ov_joerg", "salesman", cls.company)
        cls.manager = make_user(cls.env, "kb_ov_manager", "sales_manager", cls.company)
        cls.outsider = make_user(cls.env, "kb_ov_outsider", "sales_manager", cls.company_2)
        Partner = cls.env["res.partner"]
        Segment = cls.env["kundenbindung.customer.segment"]
        History = cls.env["kundenbindung.class.history"]
        Response = cls.env["kundenbindung.nps.response"]
        cls.mine = Partner.create({"name": "Meine Kundin GmbH", "is_company": True, "user_id": cls.katrin.id})
        cls.theirs = Partner.create({"name": "Seine Kundin AG", "is_company": True, "user_id": cls.joerg.id})
        for partner, stake, level in ((cls.mine, 1000.0, "high"), (cls.theirs, 5000.0, "medium")):
            Segment.create(
                {
                    "partner_id": partner.id,
                    "company_id": cls.company.id,
                    "abc_class": "B",
                    "churn_level": level,
                    "value_at_stake": stake,
                }
            )
        # a slip this month and one last month for her customer, one this month for his; and a fall in
        # rank of hers while her own revenue grew, which is no slip
        for partner, date, revenue in (
            (cls.mine, "2026-11-03", 100.0),
            (cls.mine, "2026-10-20", 100.0),
            (cls.theirs, "2026-11-10", 100.0),
            (cls.mine, "2026-11-20", 900.0),
        ):
            History.create(
                {
                    "partner_id": partner.id,
                    "company_id": cls.company.id,
                    "date": date,
                    "old_class": "A",
                    "new_class": "B",
                    "is_drop": True,
                    "revenue": revenue,
                    "previous_revenue": 500.0,
                }
            )
        # NPS: this quarter her customer 10 and 9, his 2; last quarter her customer 5
        cls.env["kundenbindung.config"].search([]).write({"nps_followup": False})
        for partner, score, date in (
            (cls.mine, 10, "2026-10-05"),
            (cls.mine, 9, "2026-11-05"),
            (cls.theirs, 2, "2026-11-06"),
            (cls.mine, 5, "2026-08-01"),
        ):
            Response.create({"partner_id": partner.id, "score": score, "date": date, "company_id": cls.company.id})

    def figures(self, user):
        # as the web client opens it: a new record's onchange
        form = Form(self.env["kundenbindung.dashboard"].with_user(user))
        names = ["at_risk_count", "at_risk_value", "slipped", "slipped_before", "nps", "nps_answers", "nps_before"]
        return {name: form[name] for name in names}

    @freeze_time(TODAY)
    def test_a_salesperson_sees_her_own_figures_a_manager_all(self):
        mine = self.figures(self.katrin)
        self.assertEqual(
            (mine["at_risk_count"], mine["at_risk_value"], mine["slipped"], mine["slipped_before"]), (1, 1000.0, 1, 1)
        )
        self.assertEqual((mine["nps"], mine["nps_answers"], mine["nps_before"]), (100.0, 2, -100.0))
        everyone = self.figures(self.manager)
        self.assertEqual((everyone["at_risk_count"], everyone["at_risk_value"], everyone["slipped"]), (2, 6000.0, 2))
        # promoters 2, detractors 1 of 3
        self.assertEqual((everyone["nps"], everyone["nps_answers"]), (33.3, 3))
        # another company's manager sees none of it
        other = self.figures(self.outsider)
        self.assertEqual((other["at_risk_count"], other["slipped"], other["nps_answers"]), (0, 0, 0))

    @freeze_time(TODAY)
    def test_each_figure_opens_the_list_behind_it(self):
        dashboard = self.env["kundenbindung.dashboard"].with_user(self.katrin).create({})
        self.assertFalse(dashboard.may_review_duplicates)
        slipped = dashboard.action_open_slipped()
        self.assertEqual(slipped["res_model"], "kundenbindung.class.history")
        found = self.env[slipped["res_model"]].with_user(self.katrin).search(slipped["domain"])
        self.assertEqual(found.partner_id, self.mine)
        at_risk = dashboard.action_open_at_risk()
        self.assertEqual(at_risk["context"], {"search_default_at_risk": 1})
        nps = dashboard.action_open_nps()
        self.assertEqual(len(self.env[nps["res_model"]].with_user(self.katrin).search(nps["domain"])), 2)
