# Copyright 2026 kundenbindung_addon authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import datetime

from freezegun import freeze_time
from lxml import etree

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.osv import expression
from odoo.tests import new_test_user, tagged
from odoo.tools.safe_eval import safe_eval

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

from .common import make_invoice, make_user

D = datetime.date


@tagged("post_install", "-at_install")
class TestCampaigns(AccountTestInvoicingCommon):
    """Campaigns from a segment to a mailing or to the salespeople's
    activities, with a control group and the effect on revenue; occasions."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.company_data["company"]
        cls.company_2 = cls.setup_other_company(name="KB Kampagnen Zweitfirma")["company"]
        cls.product = cls._create_product(name="Toner", lst_price=100.0)
        # Sales "All Documents": sees and targets every customer of the company
        cls.salesman = make_user(cls.env, "kb_camp_salesman", "salesman_all", cls.company)
        # Sales "Own Documents Only"
        cls.other_salesman = make_user(cls.env, "kb_camp_salesman_2", "salesman", cls.company)
        Partner = cls.env["res.partner"]
        Segment = cls.env["kundenbindung.customer.segment"].sudo()
        cls.customers = {}
        for i, (abc, churn, user) in enumerate(
            [
                ("A", "low", cls.salesman),
                ("A", "high", cls.other_salesman),
                ("B", "high", cls.salesman),
                ("B", "high", cls.other_salesman),
                ("B", "low", cls.salesman),
                ("C", "high", cls.salesman),
            ]
        ):
            partner = Partner.create(
                {"name": f"Kunde {abc}{i}", "is_company": True, "email": f"kunde{i}@example.de", "user_id": user.id}
            )
            Segment.create(
                {
                    "partner_id": partner.id,
                    "company_id": cls.company.id,
                    "abc_class": abc,
                    "churn_level": churn,
                    "revenue": {"A": 50000.0, "B": 8000.0, "C": 500.0}[abc],
                }
            )
            cls.customers[f"{abc}{i}"] = partner

    def campaign(self, user=None, **values):
        return (
            self.env["kundenbindung.campaign"]
            .with_user(user or self.salesman)
            .create({"name": "Kampagne", "company_id": self.company.id, **values})
        )

    def test_a_control_group_is_never_silently_empty(self):
        two = self.customers["A0"] | self.customers["B2"]
        campaign = self.campaign(partner_ids=[Command.set(two.ids)], channel="call_list", control_share=20)
        with self.assertRaises(UserError) as error:
            campaign.action_launch()
        self.assertIn("at least 3 customers", str(error.exception))
        self.assertEqual(campaign.state, "draft")
        self.assertFalse(campaign.sudo().recipient_ids)
        # without a control group it goes out
        campaign.control_share = 0
        campaign.action_launch()
        self.assertEqual((campaign.recipient_count, campaign.control_count), (2, 0))

    def test_a_campaign_warns_of_customers_already_in_a_running_one(self):
        running = self.campaign(abc_a=True, channel="call_list")
        running.action_launch()
        overlapping = self.campaign(abc_a=True, abc_b=True, channel="call_list")
        a_customers = len(running.recipient_ids)
        self.assertIn(f"{a_customers} customers of the target", overlapping.overlap_warning)
        # its own recipients do not count, nor customers of a campaign that is over
        self.assertFalse(running.overlap_warning)
        running.sudo().state = "done"
        overlapping.invalidate_recordset(["overlap_warning"])
        self.assertFalse(overlapping.overlap_warning)

    def test_no_campaign_is_born_done(self):
        # the kanban's "+" in the Done column sends its state as a default
        Campaign = self.env["kundenbindung.campaign"].with_user(self.salesman).with_context(default_state="done")
        before = Campaign.search_count([])
        with self.assertRaises(AccessError):
            Campaign.create({"name": "Nie gestartet", "company_id": self.company.id})
        self.assertEqual(Campaign.search_count([]), before)
        arch = Campaign.get_views([(False, "kanban")])["views"]["kanban"]["arch"]
        self.assertIn('quick_create="0"', arch)

    def test_target_by_class_churn_salesperson_and_selection(self):
        slipping_b = self.campaign(abc_b=True, churn_high=True)
        self.assertEqual(slipping_b._target(), self.customers["B2"] | self.customers["B3"])
        self.assertEqual(slipping_b.target_count, 2)
        self.assertEqual(slipping_b.target_revenue, 16000.0)
        # several churn levels at once (issue 20: "medium or high" could not be chosen)
        low_or_high_b = self.campaign(abc_b=True, churn_low=True, churn_high=True)
        self.assertEqual(low_or_high_b._target(), slipping_b._target() | self.customers["B4"])
        a_and_b = self.campaign(abc_a=True, abc_b=True, salesperson_ids=[Command.set(self.salesman.ids)])
        self.assertEqual(a_and_b._target(), self.customers["A0"] | self.customers["B2"] | self.customers["B4"])
        chosen = self.campaign(partner_ids=[Command.set((self.customers["A0"] | self.customers["C5"]).ids)], abc_a=True)
        self.assertEqual(chosen._target(), self.customers["A0"])
        # from a selection of segment records of one class: that class is preset
        segments = self.env["kundenbindung.customer.segment"].search(
            [("partner_id", "in", (self.customers["B2"] | self.customers["B3"]).ids)]
        )
        action = segments.with_user(self.salesman).action_new_campaign()
        from_selection = self.env["kundenbindung.campaign"].browse(action["res_id"])
        self.assertTrue(from_selection.abc_b)
        self.assertFalse(from_selection.abc_a or from_selection.abc_c)
        self.assertEqual(from_selection.partner_ids, self.customers["B2"] | self.customers["B3"])
        self.assertEqual(from_selection.state, "draft")
        self.assertEqual(from_selection.create_uid, self.salesman)
        # the form pages through the chosen customers instead of showing thousands of tags
        self.assertEqual(from_selection.partner_count, 2)
        # no money on C customers: a paid campaign that targets them warns
        paid = self.campaign(abc_b=True, abc_c=True, cost_per_customer=5.0)
        self.assertEqual(paid.target_c_count, 1)
        self.assertIn("C customers", paid.cost_warning)
        self.assertFalse(self.campaign(abc_b=True, cost_per_customer=5.0).cost_warning)

    def test_own_customers_salesperson_reaches_only_her_customers(self):
        """Issue 17: with Sales' "Own Documents Only" a salesperson's
        campaign reaches her customers (and those without a salesperson),
        also when the daily job launches it; she does not see a colleague's
        campaign nor its recipients."""
        self.assertFalse(self.other_salesman.has_group("kundenbindung_addon.group_kundenbindung_user_all"))
        unassigned = self.env["res.partner"].create({"name": "Ohne Betreuer AG", "is_company": True})
        self.env["kundenbindung.customer.segment"].sudo().create(
            {"partner_id": unassigned.id, "company_id": self.company.id, "abc_class": "A", "revenue": 40000.0}
        )
        own = self.campaign(user=self.other_salesman, abc_a=True, abc_b=True)
        self.assertEqual(own._target(), self.customers["A1"] | self.customers["B3"] | unassigned)
        # a tag alone (no figure) does not widen it either
        tag = self.env["res.partner.category"].create({"name": "Newsletter"})
        (self.customers["A0"] | self.customers["A1"]).category_id = tag
        self.assertEqual(
            self.campaign(user=self.other_salesman, tag_ids=[Command.set(tag.ids)])._target(), self.customers["A1"]
        )
        # the daily job launches it as the system: still only hers
        with freeze_time("2026-06-01"):
            scheduled = self.campaign(user=self.other_salesman, abc_a=True, launch_date=D(2026, 6, 3))
            scheduled.action_schedule()
        with freeze_time("2026-06-03"):
            self.env["kundenbindung.campaign"]._cron_campaigns()
        self.assertEqual(scheduled.sudo().recipient_ids.partner_id, self.customers["A1"] | unassigned)
        # she sees only her own campaigns; the all-customers salesperson sees hers too
        theirs = self.campaign(user=self.salesman, abc_a=True, channel="call_list")
        theirs.action_launch()
        Campaign = self.env["kundenbindung.campaign"]
        self.assertNotIn(theirs, Campaign.with_user(self.other_salesman).search([]))
        self.assertIn(scheduled, Campaign.with_user(self.salesman).search([]))
        Recipient = self.env["kundenbindung.campaign.recipient"]
        self.assertFalse(Recipient.with_user(self.other_salesman).search([("campaign_id", "=", theirs.id)]))
        with self.assertRaises(AccessError):
            theirs.with_user(self.other_salesman).action_update_effect()
        # the all-customers salesperson reads her colleague's campaign but does not change it
        with self.assertRaises(AccessError):
            scheduled.with_user(self.salesman).action_done()

    def test_target_by_tag_country_and_nps_category(self):
        tag = self.env["res.partner.category"].create({"name": "Messe 2026"})
        self.customers["A0"].category_id = tag
        self.customers["B2"].country_id = self.env.ref("base.at")
        self.env["kundenbindung.nps.response"].sudo().create(
            {"partner_id": self.customers["B4"].id, "score": 3, "company_id": self.company.id}
        )
        self.assertEqual(self.campaign(tag_ids=[Command.set(tag.ids)])._target(), self.customers["A0"])
        self.assertEqual(
            self.campaign(country_ids=[Command.set(self.env.ref("base.at").ids)])._target(), self.customers["B2"]
        )
        self.assertEqual(self.campaign(nps_category="detractor")._target(), self.customers["B4"])

    def test_activities_one_per_customer_for_its_salesperson_with_a_disjoint_control_group(self):
        campaign = self.campaign(abc_a=True, abc_b=True, channel="activity", note="<p>Anrufen</p>", control_share=40)
        campaign.with_user(self.salesman).action_launch()
        self.assertEqual(campaign.state, "running")
        reached = campaign.recipient_ids.filtered(lambda r: not r.control).partner_id
        control = campaign.recipient_ids.filtered("control").partner_id
        self.assertEqual((len(reached), len(control)), (3, 2))  # 40 % of 5
        self.assertFalse(reached & control)
        activities = self.env["mail.activity"].search(
            [("res_model", "=", "res.partner"), ("res_id", "in", (reached | control).ids), ("summary", "=", "Kampagne")]
        )
        self.assertEqual(sorted(activities.mapped("res_id")), sorted(reached.ids))
        for activity in activities:
            self.assertEqual(activity.user_id, self.env["res.partner"].browse(activity.res_id).user_id)
        with self.assertRaises(UserError):
            campaign.with_user(self.salesman).action_launch()

    def test_email_creates_a_mailing_without_opted_out_customers(self):
        self.env["mail.blacklist"].sudo()._add(self.customers["B3"].email)
        campaign = self.campaign(abc_b=True, channel="email", subject="Wir vermissen Sie", note="<p>Hallo</p>")
        # issue 17: a mass mailing needs Email Marketing rights, as in Odoo's own app
        with self.assertRaises(AccessError):
            campaign.action_launch()
        with self.assertRaises(AccessError):
            campaign.write({"launch_date": D(2099, 1, 1)})
            campaign.action_schedule()
        self.assertFalse(campaign.mailing_id)
        self.assertFalse(
            self.env["kundenbindung.campaign.recipient"].sudo().search([("campaign_id", "=", campaign.id)])
        )
        self.salesman.groups_id += self.env.ref("mass_mailing.group_mass_mailing_user")
        campaign.action_launch()
        mailing = campaign.mailing_id
        self.assertTrue(mailing)
        self.assertEqual(mailing.sudo().mailing_model_real, "res.partner")
        self.assertEqual(mailing.sudo().state, "in_queue")
        recipients = self.env["res.partner"].search(mailing.sudo()._parse_mailing_domain())
        self.assertEqual(recipients, self.customers["B2"] | self.customers["B4"])
        self.assertEqual(campaign.recipient_count, 2)

    def test_a_test_mail_goes_to_the_user_only_and_changes_nothing_else(self):
        self.salesman.email = "katrin@example.de"
        campaign = self.campaign(abc_b=True, channel="email", subject="Wir vermissen Sie", note="<p>Hallo</p>")
        Mail = self.env["mail.mail"].sudo()
        before = Mail.search_count([])
        # as launching: Email Marketing rights
        with self.assertRaises(AccessError):
            campaign.action_send_test()
        self.salesman.groups_id += self.env.ref("mass_mailing.group_mass_mailing_user")
        campaign.action_send_test()
        mails = Mail.search([], order="id desc", limit=Mail.search_count([]) - before)
        # one mail, and no notification of the followers
        self.assertEqual(len(mails), 1, mails.mapped(lambda m: (m.subject, m.email_to, m.recipient_ids.ids)))
        self.assertIn("katrin@example.de", mails.email_to)
        self.assertEqual(mails.subject, "[Test] Wir vermissen Sie")
        self.assertIn("Hallo", str(mails.body_html))
        self.assertFalse(mails.recipient_ids)
        # still a draft, nobody reached
        self.assertEqual(campaign.state, "draft")
        self.assertFalse(campaign.mailing_id)
        self.assertEqual(campaign.recipient_count, 0)
        self.assertIn("katrin@example.de", campaign.sudo().message_ids[0].body)
        # an activity campaign has no mail to test
        activities = self.campaign(abc_b=True, channel="activity")
        with self.assertRaises(UserError):
            activities.action_send_test()

    def test_effect_against_the_control_group(self):
        with freeze_time("2026-03-01"):
            campaign = self.campaign(abc_a=True, abc_b=True, channel="call_list", control_share=40, effect_days=30)
            campaign.action_launch()
        reached = campaign.recipient_ids.filtered(lambda r: not r.control).partner_id
        control = campaign.recipient_ids.filtered("control").partner_id
        for partner in reached:
            make_invoice(self.env, self.company, partner, D(2026, 2, 10), [(self.product, 1, 100.0)], self.tax_sale_a)
            make_invoice(self.env, self.company, partner, D(2026, 3, 10), [(self.product, 1, 400.0)], self.tax_sale_a)
        for partner in control:
            make_invoice(self.env, self.company, partner, D(2026, 2, 10), [(self.product, 1, 100.0)], self.tax_sale_a)
            make_invoice(self.env, self.company, partner, D(2026, 3, 10), [(self.product, 1, 200.0)], self.tax_sale_a)
        # an invoice outside the 30 days after the launch does not count
        make_invoice(self.env, self.company, reached[0], D(2026, 4, 15), [(self.product, 1, 999.0)], self.tax_sale_a)
        campaign._update_effect(today=D(2026, 5, 1))
        self.assertEqual(campaign.revenue_before, 300.0)
        self.assertEqual(campaign.revenue_after, 1200.0)
        # +300 per reached customer, +100 per control customer: +200 from the campaign, 600 in all
        self.assertEqual(campaign.uplift, 200.0)
        self.assertEqual(campaign.incremental_revenue, 600.0)
        # the control group's figures beside: 2 customers, 100 each before, 200 each after
        self.assertEqual((campaign.control_before, campaign.control_after), (200.0, 400.0))
        # every reached customer +300, every control +100: no spread, the uplift is no chance
        self.assertEqual(campaign.uplift_margin, 0.0)
        self.assertFalse(campaign.effect_uncertain)
        # one reached customer bought much more: now the spread hides the uplift
        make_invoice(self.env, self.company, reached[1], D(2026, 3, 12), [(self.product, 1, 3000.0)], self.tax_sale_a)
        campaign._update_effect(today=D(2026, 5, 1))
        self.assertGreater(campaign.uplift_margin, abs(campaign.uplift))
        self.assertTrue(campaign.effect_uncertain)
        # each recipient's own figures, written in one statement (issue 19)
        recipient = campaign.recipient_ids.filtered(lambda r: r.partner_id == reached[0])
        self.assertEqual((recipient.revenue_before, recipient.revenue_after), (100.0, 400.0))
        control_recipient = campaign.recipient_ids.filtered(lambda r: r.partner_id == control[0])
        self.assertEqual((control_recipient.revenue_before, control_recipient.revenue_after), (100.0, 200.0))

    def test_schedule_and_daily_launch(self):
        with freeze_time("2026-06-01"):
            campaign = self.campaign(abc_a=True, launch_date=D(2026, 6, 3))
            campaign.action_schedule()
            self.env["kundenbindung.campaign"]._cron_campaigns()
            self.assertEqual(campaign.state, "scheduled")
            empty = self.campaign(abc_c=True, churn_low=True, launch_date=D(2026, 6, 3))
            empty.action_schedule()
        with (
            freeze_time("2026-06-03"),
            self.assertLogs("odoo.addons.kundenbindung_addon.models.kundenbindung_campaign", "WARNING"),
        ):
            self.env["kundenbindung.campaign"]._cron_campaigns()
        self.assertEqual((campaign.state, campaign.recipient_count), ("running", 2))
        # a campaign that cannot launch goes back to draft with the reason; the others launch
        self.assertEqual(empty.state, "draft")
        self.assertIn("empty", empty.message_ids[0].body)
        with freeze_time("2026-09-10"):
            self.env["kundenbindung.campaign"]._cron_campaigns()
            self.assertEqual(campaign.state, "done")
        with self.assertRaises(ValidationError):
            self.campaign(control_share=80)

    def test_access_and_companies(self):
        campaign = self.campaign(abc_a=True)
        user_2 = make_user(self.env, "kb_camp_user_2", "kb_user", self.company_2)
        self.assertFalse(self.env["kundenbindung.campaign"].with_user(user_2).search([]))
        with self.assertRaises(AccessError):
            campaign.with_user(user_2).read(["name"])
        # a company 2 campaign sees none of company 1's segments
        theirs = self.campaign(user=user_2, abc_a=True, company_id=self.company_2.id)
        self.assertEqual(theirs.target_count, 0)
        nobody = new_test_user(self.env, login="kb_camp_nobody", groups="base.group_user")
        with self.assertRaises(AccessError):
            self.env["kundenbindung.campaign"].with_user(nobody).search([])
        with self.assertRaises(AccessError):
            campaign.with_user(self.salesman).unlink()

    def test_birthday_anniversary_and_fixed_date_occasions(self):
        Occasion = self.env["kundenbindung.occasion"]
        person_a = self.env["res.partner"].create(
            {"name": "Anna Alt", "parent_id": self.customers["A0"].id, "kundenbindung_birthdate": D(1970, 6, 10)}
        )
        person_c = self.env["res.partner"].create(
            {"name": "Carl Klein", "parent_id": self.customers["C5"].id, "kundenbindung_birthdate": D(1980, 6, 10)}
        )
        birthday = Occasion.create(
            {
                "name": "Geburtstag",
                "company_id": self.company.id,
                "kind": "birthday",
                "days_before": 3,
                "note": "<p>Karte schicken</p>",
            }
        )
        make_invoice(
            self.env, self.company, self.customers["A1"], D(2020, 6, 10), [(self.product, 1, 100.0)], self.tax_sale_a
        )
        anniversary = Occasion.create(
            {"name": "Kundenjubiläum", "company_id": self.company.id, "kind": "anniversary", "days_before": 3}
        )
        christmas = Occasion.create(
            {
                "name": "Weihnachten",
                "company_id": self.company.id,
                "kind": "fixed",
                "fixed_day": 24,
                "fixed_month": 12,
                "days_before": 14,
                "abc_b": True,
            }
        )
        with freeze_time("2026-06-06"):
            served = Occasion._cron_occasions()
        self.assertEqual(served[birthday.id], 0)
        with freeze_time("2026-06-07"):
            served = Occasion._cron_occasions()
            # twice the same day: nobody served twice
            again = Occasion._cron_occasions()
        self.assertEqual((served[birthday.id], served[anniversary.id], served[christmas.id]), (1, 1, 0))
        self.assertEqual((again[birthday.id], again[anniversary.id]), (0, 0))
        todo = self.env["mail.activity"].search([("res_model", "=", "res.partner"), ("res_id", "=", person_a.id)])
        self.assertEqual((todo.user_id, todo.date_deadline), (self.salesman, D(2026, 6, 10)))
        self.assertFalse(
            self.env["mail.activity"].search([("res_model", "=", "res.partner"), ("res_id", "=", person_c.id)])
        )
        self.assertTrue(
            self.env["mail.activity"].search(
                [("res_model", "=", "res.partner"), ("res_id", "=", self.customers["A1"].id)]
            )
        )
        with freeze_time("2026-12-10"):
            served = Occasion._cron_occasions()
        self.assertEqual(served[christmas.id], 5)  # the A and B customers
        with self.assertRaises(ValidationError):
            Occasion.create(
                {"name": "Falsch", "company_id": self.company.id, "kind": "fixed", "fixed_day": 31, "fixed_month": 2}
            )

    def test_a_leap_day_birthday_falls_on_28_february_in_other_years(self):
        leap = self.env["res.partner"].create(
            {"name": "Lea Schalt", "parent_id": self.customers["A0"].id, "kundenbindung_birthdate": D(1992, 2, 29)}
        )
        occasion = self.env["kundenbindung.occasion"].create(
            {"name": "Geburtstag", "company_id": self.company.id, "kind": "birthday", "days_before": 0}
        )
        self.assertEqual(occasion._due_partners(D(2026, 2, 28)), leap)
        self.assertFalse(occasion._due_partners(D(2026, 3, 1)))
        # in a leap year on its own day only
        self.assertFalse(occasion._due_partners(D(2028, 2, 28)))
        self.assertEqual(occasion._due_partners(D(2028, 2, 29)), leap)

    def test_an_email_occasion_writes_to_each_due_customer_once(self):
        template = self.env["mail.template"].create(
            {
                "name": "Weihnachtsgruß",
                "model_id": self.env["ir.model"]._get_id("res.partner"),
                "subject": "Frohe Weihnachten, {{ object.name }}",
                "email_to": "{{ object.email }}",
            }
        )
        christmas = self.env["kundenbindung.occasion"].create(
            {
                "name": "Weihnachten",
                "company_id": self.company.id,
                "kind": "fixed",
                "fixed_day": 24,
                "fixed_month": 12,
                "days_before": 0,
                "action": "email",
                "mail_template_id": template.id,
            }
        )
        due = christmas._due_partners(D(2026, 12, 24))
        self.assertTrue(due)
        Mail = self.env["mail.mail"].sudo()
        before = Mail.search_count([])
        self.assertEqual(christmas._serve(due, D(2026, 12, 24)), len(due))
        mails = Mail.search([], order="id desc", limit=len(due))
        self.assertEqual(Mail.search_count([]) - before, len(due))
        self.assertEqual(set(mails.mapped("subject")), {f"Frohe Weihnachten, {p.name}" for p in due})
        self.assertFalse(christmas._due_partners(D(2026, 12, 24)))

    def test_the_shipped_occasions_are_shown_switched_off(self):
        Occasion = self.env["kundenbindung.occasion"].sudo()
        action = self.env.ref("kundenbindung_addon.kundenbindung_occasion_action")
        defaults = [key[len("search_default_") :] for key in safe_eval(action.context)]
        # the default filters, as the web client combines them (one group: OR)
        search = etree.fromstring(Occasion.get_views([(False, "search")])["views"]["search"]["arch"])
        domains = [safe_eval(f.get("domain")) for f in search.iter("filter") if f.get("name") in defaults]
        shown = Occasion.search(expression.OR(domains))
        examples = self.env.ref("kundenbindung_addon.occasion_birthday") | self.env.ref(
            "kundenbindung_addon.occasion_christmas"
        )
        self.assertEqual((shown & examples).ids, examples.ids)
        self.assertFalse(any(examples.sudo().mapped("active")))
        # the context of the list does not reach the form's fields: no archived users or templates offered there
        self.assertNotIn("active_test", action.context)

    def test_employees_and_company_partners_are_never_recipients(self):
        """Issue 17: a campaign without filter reached employees and the
        company's own partner."""
        employee = new_test_user(self.env, login="kb_camp_employee", email="employee@example.de")
        everyone = self.campaign(partner_ids=[Command.set((employee.partner_id | self.company.partner_id).ids)])
        self.assertFalse(everyone._target())
        self.assertNotIn(employee.partner_id, self.campaign()._target())
        self.assertNotIn(self.company.partner_id, self.campaign()._target())
        # a campaign without any filter is for nobody, not for everyone, and says so before launching
        unfiltered = self.campaign(channel="call_list")
        self.assertEqual((unfiltered.target_count, unfiltered.target_c_count), (0, 0))
        with self.assertRaises(UserError):
            unfiltered.action_launch()

    def test_an_occasion_writes_only_with_a_template_for_contacts(self):
        """Issue 17: an occasion accepted a mail template of another model."""
        Template = self.env["mail.template"]
        partner_template = Template.create(
            {"name": "Geburtstag", "model_id": self.env["ir.model"]._get_id("res.partner"), "subject": "Alles Gute"}
        )
        invoice_template = Template.create(
            {"name": "Rechnung", "model_id": self.env["ir.model"]._get_id("account.move"), "subject": "Rechnung"}
        )
        Occasion = self.env["kundenbindung.occasion"]
        values = {"name": "Geburtstag", "kind": "birthday", "action": "email"}
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            Occasion.create(dict(values, mail_template_id=invoice_template.id))
        occasion = Occasion.create(dict(values, mail_template_id=partner_template.id))
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            occasion.mail_template_id = invoice_template

    def test_users_change_their_own_campaigns_managers_all(self):
        """Issue 17: a salesperson could write on a colleague's campaign."""
        mine = self.campaign(abc_a=True)
        theirs = self.campaign(user=self.other_salesman, abc_b=True)
        mine.write({"name": "Meine Kampagne"})
        with self.assertRaises(AccessError):
            theirs.with_user(self.salesman).write({"name": "Übernommen"})
        self.assertEqual(theirs.with_user(self.salesman).name, "Kampagne")  # read, not changed
        manager = make_user(self.env, "kb_camp_manager", "sales_manager", self.company)
        theirs.with_user(manager).write({"name": "Vom Manager"})
        self.assertEqual(theirs.name, "Vom Manager")
