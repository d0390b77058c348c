# Copyright 2026 kundenbindung_addon authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import datetime

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, TransactionCase, new_test_user, tagged
from odoo.tools import format_date, mute_logger

from .common import make_user

D = datetime.date
TODAY = D(2026, 6, 30)


@tagged("post_install", "-at_install")
class TestNps(TransactionCase):
    """NPS answers from Odoo surveys, by hand and by import; follow-up of
    detractors; invitations; churn reasons."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.company_2 = cls.env["res.company"].create({"name": "KB NPS Zweitfirma"})
        cls.survey = cls.env.ref("kundenbindung_addon.survey_nps")
        cls.score_q = cls.env.ref("kundenbindung_addon.survey_nps_question_score")
        cls.reason_q = cls.env.ref("kundenbindung_addon.survey_nps_question_reason")
        cls.salesman = make_user(cls.env, "kb_nps_salesman", "salesman", cls.company)
        cls.manager = make_user(cls.env, "kb_nps_manager", "kb_manager", cls.company)
        Partner = cls.env["res.partner"]
        cls.customer = Partner.create(
            {"name": "Kunde GmbH", "is_company": True, "email": "info@kunde.example", "user_id": cls.salesman.id}
        )
        cls.contact = Partner.create(
            {"name": "Jana Kunde", "parent_id": cls.customer.id, "email": "jana@kunde.example"}
        )
        cls.other = Partner.create({"name": "Andere AG", "is_company": True, "email": "info@andere.example"})
        cls.mute = Partner.create({"name": "Ohne Mail KG", "is_company": True})

    def answer_survey(self, partner, score, reason=None, company=None):
        context = {"kundenbindung_nps_company_id": company.id} if company else {}
        user_input = self.survey.with_context(**context)._create_answer(partner=partner, check_attempts=False)
        user_input._save_lines(self.score_q, score)
        if reason:
            user_input._save_lines(self.reason_q, reason)
        user_input._mark_done()
        return user_input

    def responses(self, **domain):
        return self.env["kundenbindung.nps.response"].search([(k, "=", v) for k, v in domain.items()])

    def test_survey_completion_creates_exactly_one_answer(self):
        user_input = self.answer_survey(self.contact, 4, "Lieferung zu spät", company=self.company)
        response = self.responses(user_input_id=user_input.id)
        self.assertEqual(len(response), 1)
        self.assertEqual(
            (response.partner_id, response.commercial_partner_id, response.score, response.category),
            (self.contact, self.customer, 4, "detractor"),
        )
        self.assertEqual(
            (response.comment, response.source, response.company_id), ("Lieferung zu spät", "survey", self.company)
        )
        self.assertEqual(response.user_id, self.salesman)
        # a second submission of the same answer does not count twice
        user_input._mark_done()
        user_input._kundenbindung_nps_responses()
        self.assertEqual(len(self.responses(user_input_id=user_input.id)), 1)
        # the partner shows it
        customer = self.customer.with_company(self.company)
        self.assertEqual((customer.kundenbindung_nps_score, customer.kundenbindung_nps_category), (4, "detractor"))
        self.assertEqual(customer.kundenbindung_nps_count, 1)
        # a survey that is not an NPS survey creates nothing
        other = self.env["survey.survey"].create({"title": "Zufriedenheit"})
        question = self.env["survey.question"].create(
            {"survey_id": other.id, "title": "Wie?", "question_type": "scale", "scale_min": 0, "scale_max": 10}
        )
        plain = other._create_answer(partner=self.other, check_attempts=False)
        plain._save_lines(question, 10)
        plain._mark_done()
        self.assertFalse(self.responses(user_input_id=plain.id))

    def test_anonymous_answer_counts_for_the_company_not_for_a_partner(self):
        anonymous = self.survey._create_answer(user=self.env.ref("base.public_user"), check_attempts=False)
        anonymous._save_lines(self.score_q, 10)
        anonymous._mark_done()
        response = self.responses(user_input_id=anonymous.id)
        self.assertEqual((response.score, response.category), (10, "promoter"))
        self.assertFalse(response.partner_id)
        self.assertFalse(response.followup_state)
        report = self.env["kundenbindung.nps.report"].search([("response_id", "=", response.id)])
        self.assertEqual(report.nps, 100.0)

    def test_categories_and_the_nps_of_a_known_set(self):
        Response = self.env["kundenbindung.nps.response"]
        for score, category in (
            (0, "detractor"),
            (6, "detractor"),
            (7, "passive"),
            (8, "passive"),
            (9, "promoter"),
            (10, "promoter"),
        ):
            self.assertEqual(Response.new({"score": score}).category, category, score)
        company = self.env["res.company"].create({"name": "KB NPS Zählfirma"})
        scores = [10, 9, 9, 10, 9, 7, 8, 8, 3, 6]
        Response.create([{"score": s, "company_id": company.id, "date": D(2026, 5, 1)} for s in scores])
        groups = self.env["kundenbindung.nps.report"].read_group(
            [("company_id", "=", company.id)], ["nps:avg", "promoters:sum", "detractors:sum"], []
        )
        self.assertEqual((groups[0]["promoters"], groups[0]["detractors"]), (5, 2))
        self.assertAlmostEqual(groups[0]["nps"], 30.0)

    def test_trend_and_latest_answer_on_the_partner(self):
        Response = self.env["kundenbindung.nps.response"]
        Response.create({"partner_id": self.customer.id, "score": 6, "date": D(2026, 1, 10)})
        Response.create({"partner_id": self.contact.id, "score": 9, "date": D(2026, 4, 10)})
        customer = self.customer.with_company(self.company)
        self.assertEqual(customer.kundenbindung_nps_score, 9)
        self.assertEqual(customer.kundenbindung_nps_trend, 3)
        self.assertEqual(customer.kundenbindung_nps_date, D(2026, 4, 10))
        found = self.env["res.partner"].search([("kundenbindung_nps_category", "=", "promoter")])
        self.assertIn(self.customer, found)
        self.assertNotIn(self.other, found)
        self.assertIn(self.other, self.env["res.partner"].search([("kundenbindung_nps_category", "=", False)]))

    def test_an_answer_without_a_score_is_refused_not_a_detractor(self):
        """Issue 17: a score of None was stored as 0, a detractor with a follow-up to-do."""
        Response = self.env["kundenbindung.nps.response"]
        before = Response.search_count([])
        for empty in (None, False):
            with self.subTest(score=empty), self.assertRaises(ValidationError), self.env.cr.savepoint():
                Response.create({"partner_id": self.other.id, "score": empty})
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            Response.create({"partner_id": self.other.id})
        self.assertEqual(Response.search_count([]), before)
        answer = Response.create({"partner_id": self.other.id, "score": 7})
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            answer.write({"score": None})
        self.assertEqual(answer.score, 7)

    def test_score_outside_0_to_10_refused_and_nothing_written(self):
        Response = self.env["kundenbindung.nps.response"]
        before = Response.search_count([])
        for bad in (11, -1):
            with self.subTest(score=bad), self.assertRaises(ValidationError), self.env.cr.savepoint():
                Response.create(
                    [{"partner_id": self.other.id, "score": 5}, {"partner_id": self.customer.id, "score": bad}]
                )
        self.assertEqual(Response.search_count([]), before)
        # an import with a bad row imports nothing
        with mute_logger("odoo.sql_db"):
            result = Response.with_context(import_file=True).load(
                ["partner_id", "score", "date"],
                [["Andere AG", "8", "2026-05-01"], ["Kunde GmbH", "12", "2026-05-02"]],
            )
        self.assertTrue(result["messages"])
        self.assertFalse(result["ids"])
        self.assertEqual(Response.search_count([]), before)
        result = Response.with_context(import_file=True).load(
            ["partner_id", "score", "date"], [["Andere AG", "8", "2026-05-01"]]
        )
        self.assertEqual(Response.browse(result["ids"]).source, "import")

    @freeze_time(TODAY)
    def test_detractor_follow_up_for_the_salesperson(self):
        self.company.kundenbindung_config_id.nps_followup_days = 2
        response = self.env["kundenbindung.nps.response"].create(
            {"partner_id": self.contact.id, "score": 3, "comment": "Zu teuer", "date": TODAY}
        )
        activity = response.followup_activity_id
        self.assertEqual(response.followup_state, "todo")
        self.assertEqual((activity.res_id, activity.user_id), (self.customer.id, self.salesman))
        self.assertEqual(activity.date_deadline, TODAY + datetime.timedelta(days=2))
        self.assertIn("Zu teuer", activity.note)
        # the date as the salesperson reads dates, not the database's ISO form
        self.assertNotIn(TODAY.isoformat(), activity.note)
        self.assertIn(format_date(self.env, TODAY, lang_code=self.salesman.lang), activity.note)
        self.assertIn("3", activity.summary)
        # the salesperson records the outcome
        response_as_salesman = response.with_user(self.salesman)
        response_as_salesman.write({"followup_outcome": "resolved", "followup_note": "Rabatt vereinbart"})
        response_as_salesman.action_followed_up()
        self.assertEqual(response.followup_state, "done")
        self.assertFalse(activity.exists())
        # promoters and passives get none; switched off, detractors neither
        passive = self.env["kundenbindung.nps.response"].create({"partner_id": self.other.id, "score": 8})
        self.assertFalse(passive.followup_activity_id)
        self.company.kundenbindung_config_id.nps_followup = False
        quiet = self.env["kundenbindung.nps.response"].create({"partner_id": self.other.id, "score": 2})
        self.assertFalse(quiet.followup_activity_id)

    def test_manual_entry_permissions(self):
        Response = self.env["kundenbindung.nps.response"]
        entered = Response.with_user(self.salesman).create({"partner_id": self.customer.id, "score": 9})
        self.assertEqual(entered.source, "manual")
        with self.assertRaises(AccessError):
            entered.with_user(self.salesman).unlink()
        entered.with_user(self.manager).unlink()
        employee = new_test_user(self.env, login="kb_nps_employee", groups="base.group_user")
        with self.assertRaises(AccessError):
            Response.with_user(employee).create({"partner_id": self.customer.id, "score": 9})
        with self.assertRaises(AccessError):
            self.customer.with_user(employee).read(["kundenbindung_nps_score"])

    @freeze_time(TODAY)
    def test_invitation_interval_respected(self):
        self.company.kundenbindung_config_id.nps_interval_days = 90
        self.env["kundenbindung.nps.response"].create(
            {"partner_id": self.other.id, "score": 8, "date": TODAY - datetime.timedelta(days=10)}
        )
        wizard = (
            self.env["kundenbindung.nps.send"]
            .with_user(self.salesman)
            .create({"partner_ids": [Command.set((self.customer | self.other | self.mute).ids)]})
        )
        self.assertEqual(wizard.survey_id, self.survey)
        self.assertEqual(wizard.recipient_ids, self.customer)
        self.assertEqual(wizard.skipped_ids, self.other)
        self.assertEqual(wizard.no_email_ids, self.mute)
        wizard.action_send()
        invited = self.env["survey.user_input"].search(
            [("survey_id", "=", self.survey.id), ("partner_id", "=", self.customer.id)]
        )
        self.assertEqual(len(invited), 1)
        self.assertEqual(invited.kundenbindung_company_id, self.company)
        # the invitation asks the NPS question, with the link to this customer's answer
        mail = (
            self.env["mail.mail"].sudo().search([("recipient_ids", "in", self.customer.ids)], order="id desc", limit=1)
        )
        self.assertIn("would you recommend us", mail.subject)
        self.assertIn("recommend us to a friend or colleague", mail.body_html)
        self.assertIn(invited.access_token, mail.body_html)
        # asked again at once: nobody left to ask
        again = (
            self.env["kundenbindung.nps.send"]
            .with_user(self.salesman)
            .create({"partner_ids": [Command.set((self.customer | self.other).ids)]})
        )
        self.assertFalse(again.recipient_ids)
        with self.assertRaises(UserError):
            again.action_send()
        # after the interval the customer can be asked again
        with freeze_time(TODAY + datetime.timedelta(days=91)):
            later = self.env["kundenbindung.nps.send"].create({"partner_ids": [Command.set(self.customer.ids)]})
            self.assertEqual(later.recipient_ids, self.customer)
        # the answer to the invitation counts for the company it was sent for
        invited._save_lines(self.score_q, 9)
        invited._mark_done()
        self.assertEqual(self.responses(user_input_id=invited.id).company_id, self.company)

    @freeze_time(TODAY)
    def test_send_form_from_a_list_selection_shows_who_is_left_out(self):
        # as in the web client: opened from a list of contacts (the selection in the
        # context), the form's onchange, then saved and sent
        self.env["kundenbindung.nps.response"].create(
            {"partner_id": self.other.id, "score": 7, "date": TODAY - datetime.timedelta(days=30)}
        )
        selection = self.customer | self.other | self.mute | self.customer.child_ids
        form = Form(
            self.env["kundenbindung.nps.send"]
            .with_user(self.salesman)
            .with_context(active_model="res.partner", active_ids=selection.ids)
        )
        self.assertEqual(form.interval_days, 180)
        self.assertEqual(form.selection_count, len(selection))
        self.assertEqual((form.recipient_count, form.skipped_count, form.no_email_count), (1, 1, 1))
        self.assertEqual(form.recipient_preview, self.customer.display_name)
        wizard = form.save()
        self.assertEqual(wizard.recipient_ids, self.customer)
        self.assertEqual(wizard.skipped_ids, self.other)
        wizard.action_send()
        self.assertEqual(
            self.env["survey.user_input"].search_count([("survey_id", "=", self.survey.id)]),
            1,
        )

    def test_send_from_a_selection_in_the_customer_retention_list(self):
        # the customers list shows segment records: its "Send NPS Survey" asks their customers
        segments = (
            self.env["kundenbindung.customer.segment"]
            .sudo()
            .create([{"partner_id": p.id, "company_id": self.company.id} for p in (self.customer, self.mute)])
        )
        action = segments.with_user(self.salesman).action_send_nps()
        form = Form(self.env[action["res_model"]].with_user(self.salesman).with_context(**action["context"]))
        self.assertEqual((form.selection_count, form.recipient_count, form.no_email_count), (2, 1, 1))
        form.save().action_send()
        invited = self.env["survey.user_input"].search([("survey_id", "=", self.survey.id)])
        self.assertEqual(invited.partner_id, self.customer)

    def test_a_selection_that_is_not_a_list_of_ids_is_refused(self):
        wizard = self.env["kundenbindung.nps.send"].with_user(self.salesman).create({"selection": "[1, 'x']"})
        with self.assertRaises(UserError):
            wizard.action_send()
        self.assertFalse(self.env["survey.user_input"].search_count([("survey_id", "=", self.survey.id)]))

    def test_two_companies_kept_apart(self):
        Response = self.env["kundenbindung.nps.response"]
        Response.create({"partner_id": self.customer.id, "score": 10, "company_id": self.company.id})
        Response.create({"partner_id": self.customer.id, "score": 2, "company_id": self.company_2.id})
        self.assertEqual(self.customer.with_company(self.company).kundenbindung_nps_score, 10)
        self.assertEqual(self.customer.with_company(self.company_2).kundenbindung_nps_score, 2)
        user_2 = make_user(self.env, "kb_nps_user_2", "kb_user_all", self.company_2)
        visible = Response.with_user(user_2).search([("partner_id", "=", self.customer.id)])
        self.assertEqual(visible.mapped("score"), [2])
        report = self.env["kundenbindung.nps.report"].with_user(user_2).search([])
        self.assertEqual(report.company_id, self.company_2)
        self.assertEqual(self.customer.with_user(user_2).kundenbindung_nps_score, 2)

    def test_only_a_0_to_10_question_of_its_own_marks_an_nps_survey(self):
        other = self.env["survey.survey"].create({"title": "Andere Umfrage"})
        stars = self.env["survey.question"].create(
            {"survey_id": other.id, "title": "Sterne", "question_type": "scale", "scale_min": 1, "scale_max": 5}
        )
        with self.assertRaises(ValidationError):
            other.kundenbindung_nps_question_id = stars
        with self.assertRaises(ValidationError):
            other.kundenbindung_nps_question_id = self.score_q

    def test_mark_lost_with_reason_kept_by_segment(self):
        self.env["kundenbindung.customer.segment"].sudo().create(
            {"partner_id": self.customer.id, "company_id": self.company.id, "abc_class": "B", "revenue": 1200.0}
        )
        wizard = (
            self.env["kundenbindung.mark.lost"]
            .with_user(self.salesman)
            .create(
                {
                    "partner_ids": [Command.set(self.contact.ids)],
                    "reason_id": self.env.ref("kundenbindung_addon.churn_reason_price").id,
                    "note": "Günstigeren Anbieter gefunden",
                }
            )
        )
        wizard.action_mark_lost()
        loss = self.env["kundenbindung.customer.loss"].search([("partner_id", "=", self.customer.id)])
        self.assertEqual((loss.abc_class, loss.revenue, loss.salesperson_id), ("B", 1200.0, self.salesman))
        self.assertEqual(loss.reason_id.name, "Price")
        groups = self.env["kundenbindung.customer.loss"].read_group(
            [], ["partner_id:count"], ["reason_id", "abc_class"], lazy=False
        )
        self.assertIn((loss.reason_id.id, "B"), [(g["reason_id"][0], g["abc_class"]) for g in groups])
        with self.assertRaises(AccessError):
            self.env.ref("kundenbindung_addon.churn_reason_price").with_user(self.salesman).name = "Preis!"

    def test_a_follow_up_done_in_the_activity_menu_follows_the_answer_up(self):
        response = self.env["kundenbindung.nps.response"].create(
            {"partner_id": self.customer.id, "score": 2, "comment": "Lieferung zu spät"}
        )
        self.assertEqual(response.followup_state, "todo")
        # as the salesperson does it from Odoo's activity menu, not from the answer
        response.followup_activity_id.with_user(self.salesman).action_feedback(feedback="Angerufen, Rabatt")
        self.assertEqual(response.followup_state, "done")
        # another to-do of the customer done leaves other answers as they are
        other = self.env["kundenbindung.nps.response"].create(
            {"partner_id": self.contact.id, "score": 1, "user_id": self.salesman.id}
        )
        self.assertEqual(other.followup_state, "todo")
        self.customer.activity_schedule("mail.mail_activity_data_todo", user_id=self.salesman.id).action_feedback()
        self.assertEqual(other.followup_state, "todo")

    def test_a_lost_customer_shows_what_was_lost(self):
        # it stopped buying before it was marked lost: no revenue in the window, fallen from A
        self.env["kundenbindung.customer.segment"].sudo().create(
            {
                "partner_id": self.customer.id,
                "company_id": self.company.id,
                "abc_class": "none",
                "revenue": 0.0,
                "previous_revenue": 18000.0,
                "last_purchase": "2025-06-02",
            }
        )
        self.env["kundenbindung.class.history"].sudo().create(
            {
                "partner_id": self.customer.id,
                "company_id": self.company.id,
                "date": "2026-07-01",
                "old_class": "A",
                "new_class": "none",
                "is_drop": True,
            }
        )
        loss = self.env["kundenbindung.customer.loss"].create(
            {"partner_id": self.customer.id, "reason_id": self.env.ref("kundenbindung_addon.churn_reason_price").id}
        )
        self.assertEqual((loss.abc_class, loss.revenue, str(loss.last_purchase)), ("A", 18000.0, "2025-06-02"))

    def test_the_follow_up_to_do_is_not_set_by_hand(self):
        """Issue 17: an answer could be pointed at any activity, which "followed up" closed with sudo."""
        foreign = self.env["mail.activity"].create(
            {
                "res_model_id": self.env["ir.model"]._get_id("res.partner"),
                "res_id": self.other.id,
                "summary": "Fremde Aufgabe",
                "activity_type_id": self.env.ref("mail.mail_activity_data_todo").id,
            }
        )
        answer = self.env["kundenbindung.nps.response"].create({"partner_id": self.other.id, "score": 8})
        manager = new_test_user(
            self.env, login="kb_nps_todo_manager", groups="base.group_user,sales_team.group_sale_manager"
        )
        answer.with_user(manager).write({"followup_note": "Angerufen"})  # a manager edits answers
        with self.assertRaises(AccessError):
            answer.with_user(manager).write({"followup_activity_id": foreign.id})
        answer.action_followed_up()
        self.assertTrue(foreign.exists())

    def test_users_change_their_own_customers_answers_managers_all(self):
        """Issue 17: a salesperson could write on a colleague's customer's NPS answer."""
        groups = "base.group_user,sales_team.group_sale_salesman"
        anna = new_test_user(self.env, login="kb_nps_anna", groups=groups)
        bernd = new_test_user(self.env, login="kb_nps_bernd", groups=groups)
        customer = self.env["res.partner"].create({"name": "Annas Kunde GmbH", "is_company": True, "user_id": anna.id})
        answer = self.env["kundenbindung.nps.response"].create({"partner_id": customer.id, "score": 4})
        self.assertEqual(answer.user_id, anna)
        answer.with_user(anna).write({"followup_note": "Rückruf vereinbart"})
        with self.assertRaises(AccessError):
            answer.with_user(bernd).write({"followup_note": "Übernommen"})
        self.assertEqual(answer.followup_note, "Rückruf vereinbart")
