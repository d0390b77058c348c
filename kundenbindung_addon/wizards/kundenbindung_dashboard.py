# Copyright 2026 kundenbindung_addon authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The overview: a few figures of the current company, each against the
period before, each opening the list behind it. Read with the rights of the
user, so a salesperson who sees only their own customers sees their own
figures, a manager those of all."""

import numpy as np

from odoo import api, fields, models

from ..engine.nps import net_promoter_score
from ..engine.periods import period_bounds
from ..models.kundenbindung_duplicate import OPEN_STATES


class KundenbindungDashboard(models.TransientModel):
    _name = "kundenbindung.dashboard"
    _description = "Customer Retention Overview"

    company_id = fields.Many2one("res.company", readonly=True, default=lambda self: self.env.company)
    currency_id = fields.Many2one(related="company_id.currency_id")
    due_today = fields.Integer(string="Steps Due Today", compute="_compute_figures")
    at_risk_count = fields.Integer(string="Customers at Risk", compute="_compute_figures")
    at_risk_value = fields.Monetary(
        string="Value at Risk",
        compute="_compute_figures",
        help="The value at stake of the customers with a medium or high churn risk.",
    )
    slipped = fields.Integer(string="Slipped This Month", compute="_compute_figures")
    slipped_before = fields.Integer(string="Slipped Last Month", compute="_compute_figures")
    lost = fields.Integer(string="Marked Lost This Month", compute="_compute_figures")
    lost_before = fields.Integer(string="Marked Lost Last Month", compute="_compute_figures")
    nps = fields.Float(string="NPS This Quarter", compute="_compute_figures", digits=(4, 1))
    nps_answers = fields.Integer(string="Answers This Quarter", compute="_compute_figures")
    nps_before = fields.Float(string="NPS Last Quarter", compute="_compute_figures", digits=(4, 1))
    nps_answers_before = fields.Integer(string="Answers Last Quarter", compute="_compute_figures")
    followups = fields.Integer(string="Detractors to Follow Up", compute="_compute_figures")
    duplicates = fields.Integer(string="Duplicates to Review", compute="_compute_figures")
    may_review_duplicates = fields.Boolean(compute="_compute_figures")
    campaigns = fields.Integer(string="Running Campaigns", compute="_compute_figures")
    campaign_revenue = fields.Monetary(
        string="Revenue from Running Campaigns",
        compute="_compute_figures",
        help="Their customers' change of revenue since the launch, minus the control group's.",
    )

    @api.depends("company_id")
    def _compute_display_name(self):
        # the breadcrumb's title, not "New"
        for dashboard in self:
            dashboard.display_name = self.env._("Overview")

    # on company_id: the web client opens a new overview, whose onchange computes only what depends on a value
    @api.depends("company_id")
    @api.depends_context("uid", "company")
    def _compute_figures(self):
        today = fields.Date.context_today(self)
        env = self.env
        month = period_bounds(today, "month")
        quarter = period_bounds(today, "quarter")
        Segment = env["kundenbindung.customer.segment"]
        company = [("company_id", "=", env.company.id)]
        due = Segment.search_count([*company, ("next_activity_date", "<=", today)])
        at_risk = Segment._read_group(
            [*company, ("churn_level", "in", ("medium", "high"))], [], ["__count", "value_at_stake:sum"]
        )[0]

        def drops(start, end):
            return len(self._slips(start, end))

        Loss = env["kundenbindung.customer.loss"]

        def losses(start, end):
            return Loss.search_count([*company, ("date", ">=", start), ("date", "<", end)])

        Response = env["kundenbindung.nps.response"]

        def nps(start, end):
            # one row per score given, not one per answer
            counts = Response._read_group([*company, ("date", ">=", start), ("date", "<", end)], ["score"], ["__count"])
            return net_promoter_score(np.repeat([score for score, _n in counts], [n for _s, n in counts]))

        this_quarter, last_quarter = nps(quarter[1], quarter[2]), nps(quarter[0], quarter[1])
        followups = Response.search_count([*company, ("followup_state", "=", "todo")])
        Group = env["kundenbindung.duplicate.group"]
        may_review = Group.has_access("read")
        duplicates = Group.search_count([*company, ("state", "in", OPEN_STATES)]) if may_review else 0
        running = env["kundenbindung.campaign"]._read_group(
            [*company, ("state", "=", "running")], [], ["__count", "incremental_revenue:sum"]
        )[0]
        for dashboard in self:
            dashboard.due_today = due
            dashboard.at_risk_count, dashboard.at_risk_value = at_risk[0], at_risk[1] or 0.0
            dashboard.slipped, dashboard.slipped_before = drops(month[1], month[2]), drops(month[0], month[1])
            dashboard.lost, dashboard.lost_before = losses(month[1], month[2]), losses(month[0], month[1])
            dashboard.nps = this_quarter["nps"] or 0.0
            dashboard.nps_answers = this_quarter["answers"]
            dashboard.nps_before = last_quarter["nps"] or 0.0
            dashboard.nps_answers_before = last_quarter["answers"]
            dashboard.followups = followups
            dashboard.duplicates = duplicates
            dashboard.may_review_duplicates = may_review
            dashboard.campaigns, dashboard.campaign_revenue = running[0], running[1] or 0.0

    def _slips(self, start, end):
        """The slips in [start, end): a class fell and so did the customer's
        own revenue (as the slip to-dos count them; a customer who only lost
        rank because others grew did not slip)."""
        drops = self.env["kundenbindung.class.history"].search(
            [
                ("company_id", "=", self.env.company.id),
                ("is_drop", "=", True),
                ("date", ">=", start),
                ("date", "<", end),
            ]
        )
        return drops.filtered(lambda change: change.revenue < change.previous_revenue)

    # ------------------------------------------------------------------ the lists behind the figures

    def _open(self, xmlid, context=None, domain=None):
        action = self.env["ir.actions.act_window"]._for_xml_id(xmlid)
        if context is not None:
            action["context"] = context
        if domain is not None:
            action["domain"] = domain
        return action

    def action_open_today(self):
        return self._open("kundenbindung_addon.kundenbindung_customer_segment_action_today")

    def action_open_at_risk(self):
        return self._open(
            "kundenbindung_addon.res_partner_action_kundenbindung_customers",
            context={"search_default_at_risk": 1},
        )

    def action_open_slipped(self):
        _previous, start, end = period_bounds(fields.Date.context_today(self), "month")
        return self._open(
            "kundenbindung_addon.kundenbindung_class_history_action",
            domain=[("id", "in", self._slips(start, end).ids)],
        )

    def action_open_lost(self):
        start = period_bounds(fields.Date.context_today(self), "month")[1]
        return self._open("kundenbindung_addon.kundenbindung_customer_loss_action", domain=[("date", ">=", start)])

    def action_open_nps(self):
        start = period_bounds(fields.Date.context_today(self), "quarter")[1]
        return self._open("kundenbindung_addon.kundenbindung_nps_response_action", domain=[("date", ">=", start)])

    def action_open_followups(self):
        return self._open(
            "kundenbindung_addon.kundenbindung_nps_response_action", domain=[("followup_state", "=", "todo")]
        )

    def action_open_duplicates(self):
        self.env["kundenbindung.duplicate.group"].check_access("read")
        return self._open("kundenbindung_addon.kundenbindung_duplicate_group_action")

    def action_open_retention(self):
        return self._open("kundenbindung_addon.kundenbindung_retention_action")

    def action_open_campaigns(self):
        return self._open("kundenbindung_addon.kundenbindung_campaign_action", domain=[("state", "=", "running")])
