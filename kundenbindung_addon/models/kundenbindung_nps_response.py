# Copyright 2026 kundenbindung_addon authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import datetime

from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.tools import format_date

from ..engine.nps import nps_category
from .groups import MANAGER

NPS_CATEGORY_SELECTION = [("promoter", "Promoter"), ("passive", "Passive"), ("detractor", "Detractor")]
# value of one answer whose average over any group is that group's NPS
NPS_VALUE = {"promoter": 100.0, "passive": 0.0, "detractor": -100.0}


class KundenbindungNpsResponse(models.Model):
    """One answer to "How likely is it that you would recommend us to a
    friend or colleague?" (0-10), from a survey, entered by hand after a
    call, or imported. Answers without a customer (anonymous) count in the
    company's NPS but give nobody a score."""

    _name = "kundenbindung.nps.response"
    _description = "NPS Answer"
    _inherit = ["mail.thread"]
    _order = "date desc, id desc"
    _check_company_auto = True
    _rec_names_search = ["partner_id", "comment"]

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        index=True,
        check_company=True,
        tracking=True,
        help="Empty for an anonymous answer.",
    )
    commercial_partner_id = fields.Many2one(
        "res.partner",
        string="Customer Company",
        compute="_compute_commercial_partner_id",
        store=True,
        index=True,
    )
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    user_id = fields.Many2one(
        "res.users",
        string="Salesperson",
        compute="_compute_user_id",
        store=True,
        readonly=False,
        index=True,
    )
    date = fields.Date(required=True, default=fields.Date.context_today, index=True, tracking=True)
    score = fields.Integer(
        required=True, tracking=True, aggregator="avg", help="0 (not at all likely) to 10 (extremely likely)."
    )
    category = fields.Selection(
        NPS_CATEGORY_SELECTION,
        compute="_compute_category",
        store=True,
        help="Promoter 9-10, passive 7-8, detractor 0-6.",
    )
    nps = fields.Float(
        string="NPS",
        compute="_compute_category",
        store=True,
        aggregator="avg",
        help="+100 for a promoter, 0 for a passive, -100 for a detractor: its average over any group of "
        "answers is their Net Promoter Score.",
    )
    comment = fields.Text(string="Reason", help="What is the main reason for your score?")
    source = fields.Selection(
        [("survey", "Survey"), ("manual", "Entered by hand"), ("import", "Import")],
        required=True,
        default="manual",
    )
    user_input_id = fields.Many2one(
        "survey.user_input", string="Survey Answer", readonly=True, index="btree_not_null", ondelete="set null"
    )
    survey_id = fields.Many2one(related="user_input_id.survey_id", string="Survey")
    # looked up each time an activity is marked done anywhere
    followup_activity_id = fields.Many2one(
        "mail.activity", string="Follow-up To-do", readonly=True, copy=False, index="btree_not_null"
    )
    followup_state = fields.Selection(
        [("todo", "To follow up"), ("done", "Followed up")],
        string="Follow-up",
        copy=False,
        tracking=True,
    )
    followup_outcome = fields.Selection(
        [
            ("resolved", "Resolved"),
            ("improving", "Improvement agreed"),
            ("unresolved", "Not resolved"),
            ("unreachable", "Not reachable"),
        ],
        string="Outcome",
        copy=False,
        tracking=True,
    )
    followup_note = fields.Text(string="Follow-up Note", copy=False)

    _sql_constraints = [
        ("score_range", "CHECK(score >= 0 AND score <= 10)", "An NPS answer is a whole number from 0 to 10."),
        ("user_input_unique", "UNIQUE(user_input_id)", "A survey answer counts only once."),
    ]

    @api.depends("partner_id")
    def _compute_commercial_partner_id(self):
        for response in self:
            response.commercial_partner_id = response.partner_id.commercial_partner_id

    @api.depends("partner_id")
    def _compute_user_id(self):
        for response in self:
            response.user_id = response.partner_id.commercial_partner_id.user_id or response.partner_id.user_id

    @api.depends("score")
    def _compute_category(self):
        for response in self:
            if 0 <= response.score <= 10:
                response.category = nps_category(int(response.score))
                response.nps = NPS_VALUE[response.category]
            else:
                response.category = response.nps = False

    @api.depends("partner_id", "score", "date")
    def _compute_display_name(self):
        for response in self:
            who = response.partner_id.display_name or self.env._("Anonymous")
            response.display_name = f"{who}: {response.score}"

    def _kundenbindung_check_scores(self, vals_list, creating=False):
        """Refuse a missing score or one outside 0-10 before anything is
        written (create and write go through here; the SQL check is the
        backstop): an empty score would be stored as 0, a detractor."""
        for vals in vals_list:
            if not creating and "score" not in vals:
                continue
            score = vals.get("score")
            if score is None or score is False or isinstance(score, bool):
                raise ValidationError(self.env._("An NPS answer needs a score, a whole number from 0 to 10."))
            if not (isinstance(score, int) and 0 <= score <= 10):
                raise ValidationError(
                    self.env._("An NPS answer must be a whole number from 0 to 10, not %(score)s.", score=score)
                )

    def _kundenbindung_check_salesperson(self, vals_list):
        """The salesperson of an answer is its customer's; only managers set
        another one (it decides who sees and changes the answer)."""
        if self.env.su or self.env.user.has_group(MANAGER):
            return
        if any("user_id" in vals for vals in vals_list):
            raise AccessError(
                self.env._("The salesperson of an NPS answer is the customer's; a manager may change it.")
            )

    def write(self, vals):
        self._kundenbindung_check_scores([vals])
        self._kundenbindung_check_salesperson([vals])
        if "followup_activity_id" in vals and not self.env.su:
            # the follow-up to-do is the one the addon made: "followed up" closes it with sudo
            raise AccessError(self.env._("The follow-up to-do of an NPS answer is set by the addon, not by hand."))
        res = super().write(vals)
        if not self.env.su:
            # the rules hold for the answer as it is after the change too: not moved to a colleague's customer
            self.check_access("write")
        return res

    @api.model_create_multi
    def create(self, vals_list):
        self._kundenbindung_check_scores(vals_list, creating=True)
        self._kundenbindung_check_salesperson(vals_list)
        if self.env.context.get("import_file"):
            for vals in vals_list:
                vals.setdefault("source", "import")
        responses = super().create(vals_list)
        responses._kundenbindung_follow_up()
        return responses

    def _kundenbindung_follow_up(self):
        """A to-do for the salesperson of every detractor, due within the
        company's follow-up days, with the score and the reason."""
        todos, todo = [], []
        for response in self:
            company = response.company_id
            if (
                response.category != "detractor"
                or not response.partner_id
                or not company.sudo().kundenbindung_config_id.nps_followup
            ):
                continue
            customer = response.commercial_partner_id
            # the salesperson, else the survey's responsible, else whoever
            # entered the answer (never the public user of a survey link)
            candidates = (response.user_id, response.survey_id.user_id, self.env.user)
            user = next(
                (u for u in candidates if u and u.active and u._is_internal() and company in u.company_ids), None
            )
            if not user:
                continue
            env = self.with_context(lang=user.lang or self.env.lang).env
            note = env._(
                "%(customer)s answered %(score)s of 10 (detractor) on %(date)s. Reason: %(reason)s",
                customer=response.partner_id.display_name,
                score=response.score,
                date=format_date(env, response.date, lang_code=user.lang),
                reason=response.comment or env._("none given"),
            )
            todos.append(
                (
                    customer,
                    user,
                    env._("Follow up NPS answer %(score)s of 10", score=response.score),
                    note,
                    response.date + datetime.timedelta(days=company.sudo().kundenbindung_config_id.nps_followup_days),
                )
            )
            todo.append(response)
        if not todos:
            return
        activities = self.env["res.partner"]._kundenbindung_create_todos(todos)
        for response, activity in zip(todo, activities):
            response.sudo().write({"followup_activity_id": activity.id, "followup_state": "todo"})

    def action_followed_up(self):
        """Record that the detractor was followed up; its to-do is done (by
        those who may change the answer: its salesperson, a manager)."""
        self.check_access("write")
        for response in self:
            if response.followup_activity_id:
                response.followup_activity_id.sudo().action_feedback(
                    feedback=response.followup_note or response.followup_outcome or ""
                )
        self.write({"followup_state": "done"})

    def action_open_partner(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "res.partner",
            "res_id": self.commercial_partner_id.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }
