# Copyright 2026 kundenbindung_addon authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

from .kundenbindung_class_history import ABC_SELECTION

RFM_SEGMENT_SELECTION = [
    ("champions", "Champions"),
    ("loyal", "Loyal"),
    ("potential", "Potential"),
    ("new", "New"),
    ("at_risk", "At risk"),
    ("cant_lose", "Can't lose"),
    ("hibernating", "Hibernating"),
    ("lost", "Lost"),
]
CHURN_SELECTION = [("low", "Low"), ("medium", "Medium"), ("high", "High"), ("lost", "Lost")]
GROUP = "kundenbindung_addon.group_kundenbindung_user"


class ResPartner(models.Model):
    _inherit = "res.partner"

    # all figures are per company (company-dependent): a customer shared by
    # two companies has each company's class there; written by
    # kundenbindung.segmentation, read for the current company. No index:
    # Odoo 18 would give each company-dependent column one, and every
    # partner write in the database would pay for 16 more indexes.
    kundenbindung_abc_class = fields.Selection(
        ABC_SELECTION,
        string="ABC Class",
        company_dependent=True,
        readonly=True,
        index=False,
        groups=GROUP,
        help="A: the best customers who bring the first share of the revenue (80 % by default), "
        "B: the next share (15 %), C: the rest; No revenue: no positive revenue in the window.",
    )
    kundenbindung_revenue = fields.Float(
        string="Revenue", company_dependent=True, readonly=True, index=False, groups=GROUP, aggregator="sum",
        help="Untaxed revenue of the revenue window (invoices minus credit notes), in company currency.",
    )
    kundenbindung_revenue_previous = fields.Float(
        string="Previous Revenue", company_dependent=True, readonly=True, index=False, groups=GROUP, aggregator="sum",
        help="Revenue of the window before the current one.",
    )
    kundenbindung_revenue_trend = fields.Float(
        string="Revenue Trend", company_dependent=True, readonly=True, index=False, groups=GROUP, aggregator=False,
        help="Change of the revenue against the previous window.",
    )
    kundenbindung_last_invoice_date = fields.Date(string="Last Purchase", company_dependent=True, readonly=True, index=False, groups=GROUP)
    kundenbindung_frequency = fields.Integer(
        string="Purchases", company_dependent=True, readonly=True, index=False, groups=GROUP, aggregator="sum",
        help="Number of invoices in the revenue window.",
    )
    kundenbindung_rfm_r = fields.Integer(string="Recency Score", company_dependent=True, readonly=True, index=False, groups=GROUP, aggregator="avg")
    kundenbindung_rfm_f = fields.Integer(string="Frequency Score", company_dependent=True, readonly=True, index=False, groups=GROUP, aggregator="avg")
    kundenbindung_rfm_m = fields.Integer(string="Monetary Score", company_dependent=True, readonly=True, index=False, groups=GROUP, aggregator="avg")
    kundenbindung_rfm_segment = fields.Selection(
        RFM_SEGMENT_SELECTION, string="RFM Segment", company_dependent=True, readonly=True, index=False, groups=GROUP
    )
    kundenbindung_clv_historical = fields.Float(
        string="Historical Value", company_dependent=True, readonly=True, index=False, groups=GROUP, aggregator="sum",
        help="Net revenue of the customer so far (in the history read, at least 36 months).",
    )
    kundenbindung_clv_predicted = fields.Float(
        string="Predicted 12-Month Value", company_dependent=True, readonly=True, index=False, groups=GROUP, aggregator="sum",
        help="Revenue expected in the next 12 months from the customer's own purchase rhythm.",
    )
    kundenbindung_clv = fields.Float(
        string="Lifetime Value", company_dependent=True, readonly=True, index=False, groups=GROUP, aggregator="sum",
        help="Historical value plus predicted 12-month value.",
    )
    kundenbindung_churn_score = fields.Float(
        string="Churn Risk", company_dependent=True, readonly=True, index=False, groups=GROUP, aggregator="avg",
        help="0: buying in its usual rhythm; towards 1: overdue by more and more intervals.",
    )
    kundenbindung_churn_level = fields.Selection(
        CHURN_SELECTION, string="Churn Level", company_dependent=True, readonly=True, index=False, groups=GROUP
    )
    kundenbindung_class_drop_date = fields.Date(
        string="Slipped On", company_dependent=True, readonly=True, index=False, groups=GROUP,
        help="Date of the last drop to a lower ABC class.",
    )
    # derived at read time rather than stored, so that a nightly run does
    # not rewrite every partner just because a day has passed
    kundenbindung_recency_days = fields.Integer(
        string="Days Since Last Purchase", compute="_compute_kundenbindung_recency_days", groups=GROUP
    )
    kundenbindung_segments_date = fields.Date(
        string="Segments Computed On", compute="_compute_kundenbindung_segments_date", groups=GROUP
    )
    kundenbindung_currency_id = fields.Many2one(
        "res.currency", string="Segment Currency", compute="_compute_kundenbindung_currency_id", groups=GROUP
    )
    kundenbindung_rfm_score = fields.Char(string="RFM Score", compute="_compute_kundenbindung_rfm_score", groups=GROUP)
    kundenbindung_class_history_ids = fields.One2many(
        "kundenbindung.class.history", "partner_id", string="Class History", groups=GROUP
    )

    @api.depends_context("company")
    def _compute_kundenbindung_currency_id(self):
        self.kundenbindung_currency_id = self.env.company.currency_id

    @api.depends("kundenbindung_last_invoice_date")
    @api.depends_context("company")
    def _compute_kundenbindung_recency_days(self):
        today = fields.Date.context_today(self)
        for partner in self:
            last = partner.kundenbindung_last_invoice_date
            partner.kundenbindung_recency_days = (today - last).days if last else 0

    @api.depends("kundenbindung_abc_class")
    @api.depends_context("company")
    def _compute_kundenbindung_segments_date(self):
        computed_on = self.env.company.kundenbindung_segments_date
        for partner in self:
            partner.kundenbindung_segments_date = computed_on if partner.kundenbindung_abc_class else False

    @api.depends("kundenbindung_rfm_r", "kundenbindung_rfm_f", "kundenbindung_rfm_m")
    @api.depends_context("company")
    def _compute_kundenbindung_rfm_score(self):
        for partner in self:
            scores = (partner.kundenbindung_rfm_r, partner.kundenbindung_rfm_f, partner.kundenbindung_rfm_m)
            partner.kundenbindung_rfm_score = "".join(str(s) for s in scores) if all(scores) else False

    def action_kundenbindung_class_history(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("kundenbindung_addon.kundenbindung_class_history_action")
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"create": False}
        return action
