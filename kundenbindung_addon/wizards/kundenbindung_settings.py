# Copyright 2026 kundenbindung_addon authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import AccessError

from ..models.res_company import DUPLICATE_AUTO_MERGE, DUPLICATE_AUTO_SCORE, DUPLICATE_REVIEW_SCORE

# wizard field -> res.company field "kundenbindung_<name>"
FIELDS = (
    "window_months",
    "abc_a_share",
    "abc_b_share",
    "abc_rank_by",
    "lost_days",
    "drop_activity",
    "cluster_count",
    "cluster_max",
    "cluster_min_invoices",
    "cluster_category_level",
    "cluster_use_tags",
    "nps_survey_id",
    "nps_interval_days",
    "nps_followup",
    "nps_followup_days",
    "loyalty_program_id",
    "duplicate_review_score",
    "duplicate_auto_merge",
    "duplicate_auto_score",
    "merge_journal_months",
)


class KundenbindungSettings(models.TransientModel):
    """Customer Retention settings of the current company for Customer
    Retention managers.

    Odoo lets only administrators save *Settings* (``res.config.settings``),
    while the sales managers who run customer retention are rarely
    administrators. This form writes only the addon's own company fields,
    for a company the manager is working in.
    """

    _name = "kundenbindung.settings"
    _description = "Customer Retention Settings"

    company_id = fields.Many2one(
        "res.company",
        required=True,
        readonly=True,
        default=lambda self: self.env.company,
    )
    window_months = fields.Integer(
        string="Revenue Window (Months)",
        required=True,
        help="Segments, lifetime value and churn risk look at the revenue of this many months up to today.",
    )
    abc_a_share = fields.Float(
        string="A Customers' Revenue Share (%)",
        required=True,
        digits=(5, 2),
        help="A customers are your best customers, who together bring this share of the revenue.",
    )
    abc_b_share = fields.Float(
        string="B Customers' Revenue Share (%)",
        required=True,
        digits=(5, 2),
        help="B customers bring the next share of the revenue; C customers the rest.",
    )
    abc_rank_by = fields.Selection(
        [("revenue", "Revenue in the window"), ("clv", "Customer lifetime value")],
        string="Rank ABC Classes By",
        required=True,
    )
    lost_days = fields.Integer(
        string="Lost After (Days)",
        required=True,
        help="A customer who has not bought for this many days counts as lost.",
    )
    drop_activity = fields.Boolean(
        string="To-do When a Customer Slips",
        help="When a customer drops to a lower ABC class, its salesperson gets a to-do with the figures.",
    )
    segments_date = fields.Date(string="Segments Computed On", readonly=True)
    cluster_count = fields.Integer(
        string="Number of Interest Clusters",
        help="0: chosen automatically (the number that separates the customers best, up to the maximum); "
        "2-50: exactly this many.",
    )
    cluster_max = fields.Integer(
        string="Maximum Number of Interest Clusters",
        help="Upper bound of the automatic choice.",
    )
    cluster_min_invoices = fields.Integer(
        string="Minimum Invoices for a Cluster",
        help="Customers with fewer invoices in the revenue window get no interest cluster: "
        "too little history to tell what they like.",
    )
    cluster_category_level = fields.Integer(
        string="Product Category Level",
        help="Level of the product category tree that interests are counted on: 1 = the top "
        "categories (such as All), 2 = their subcategories (All / Office Furniture), and so on. "
        "Products in a category above this level count on their own category.",
    )
    cluster_use_tags = fields.Boolean(
        string="Tags as Interest Signals",
        help="The customers' tags count as interests too, beside what they buy.",
    )
    clusters_date = fields.Date(string="Interest Clusters Computed On", readonly=True)
    nps_survey_id = fields.Many2one(
        "survey.survey",
        string="NPS Survey",
        domain="[('kundenbindung_nps_question_id', '!=', False)]",
        help='The survey sent by "Send NPS Survey".',
    )
    nps_interval_days = fields.Integer(
        string="Ask At Most Every (Days)",
        help="A customer who answered or was invited within this many days is not asked again.",
    )
    nps_followup = fields.Boolean(
        string="Follow Up Detractors",
        help="A detractor's answer (0-6) gives the salesperson a to-do with the score and the reason.",
    )
    loyalty_program_id = fields.Many2one(
        "loyalty.program",
        string="Invoice Loyalty Program",
        domain="[('program_type', '=', 'loyalty'), ('company_id', 'in', [False, company_id])]",
        help="Posted customer invoices earn points in this loyalty program by its rules; credit notes, "
        "a reset to draft or a cancellation take them back. Empty: invoices earn no points.",
    )
    nps_followup_days = fields.Integer(
        string="Follow Up Within (Days)", help="Deadline of the to-do, in days after the answer."
    )

    duplicate_review_score = fields.Float(**DUPLICATE_REVIEW_SCORE)
    duplicate_auto_merge = fields.Boolean(**DUPLICATE_AUTO_MERGE)
    duplicate_auto_score = fields.Float(**DUPLICATE_AUTO_SCORE)
    merge_journal_months = fields.Integer(
        string="Keep Merge Journal (Months)",
        help="The personal data of merged partners kept in the merge journal (name, address, email, "
        "phone...) is deleted by a scheduled action after this many months (1-120).",
    )
    duplicates_date = fields.Datetime(string="Duplicates Searched On", readonly=True)

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        company = self.env["res.company"].browse(values.get("company_id")) or self.env.company
        for name in (*FIELDS, "segments_date", "clusters_date", "duplicates_date"):
            value = company[f"kundenbindung_{name}"]
            values.setdefault(name, value.id if isinstance(value, models.BaseModel) else value)
        return values

    def action_save(self):
        self.ensure_one()
        if not self.env.user.has_group("kundenbindung_addon.group_kundenbindung_manager"):
            raise AccessError(self.env._("Only Customer Retention managers can change these settings."))
        if self.company_id not in self.env.companies:
            raise AccessError(
                self.env._(
                    "You cannot change the settings of %(company)s: it is not one of the companies you are working in.",
                    company=self.company_id.name,
                )
            )
        # only the addon's own fields, checked above: managers need no
        # general right to write companies
        values = {name: self[name] for name in FIELDS}
        values = {name: value.id if isinstance(value, models.BaseModel) else value for name, value in values.items()}
        self.company_id.sudo().write({f"kundenbindung_{name}": value for name, value in values.items()})
        return {"type": "ir.actions.client", "tag": "soft_reload"}

    def action_recompute(self):
        """Save, then recompute the segments and interest clusters of the company now."""
        self.action_save()
        return self.env["kundenbindung.segmentation"].with_company(self.company_id).action_recompute()
