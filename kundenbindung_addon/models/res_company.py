# Copyright 2026 kundenbindung_addon authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import pandas as pd

from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.tools import SQL

from ..engine import empty_invoice_lines, validate_invoice_lines, window_bounds
from ..engine.clusters import check_cluster_settings
from ..engine.duplicates import AUTO_MERGE_THRESHOLD, REVIEW_THRESHOLD

MAX_WINDOW_MONTHS = 120
MAX_MERGE_JOURNAL_MONTHS = 120
MAX_LOST_DAYS = 3650
MAX_CATEGORY_LEVEL = 10
# label and help of the duplicate settings, shared with the managers' settings form
DUPLICATE_REVIEW_SCORE = {
    "string": "Duplicate Candidates From (Score)",
    "help": "The score is the match probability in percent (0-100): how likely two partners are one customer. "
    "Pairs of partners scoring at least this much (50 or more) are proposed as probable duplicates.",
}
DUPLICATE_AUTO_MERGE = {
    "string": "Merge Sure Duplicates Automatically",
    "help": "The scheduled action merges groups whose weakest link scores at least the auto-merge score "
    "and that pass the safety checks; a journal keeps every merged partner's values. Off by default: "
    "merging changes partners and deletes the merged ones, and Odoo ships its own automations off. "
    "Review the duplicate candidates first, then switch it on.",
}
DUPLICATE_AUTO_SCORE = {
    "string": "Merge Automatically From (Score)",
    "help": "The match probability in percent (95-100) from which the scheduled action merges a group without "
    "review. Moved customers, persons of another given name at one address and colleagues of one company "
    "never score above 90, and so are never merged automatically.",
}
# duplicate scores are match probabilities in percent; candidates start at 50 at least, and
# automatic merging well above the pairs that are only ever reviewed (engine REVIEW_ONLY_CAP)
MIN_REVIEW_SCORE = 50
MIN_AUTO_SCORE = 95


class ResCompany(models.Model):
    _inherit = "res.company"

    kundenbindung_window_months = fields.Integer(
        string="Revenue Window (Months)",
        default=12,
        help="Customer Retention measures revenue, segments and churn over this many months up to today.",
    )
    kundenbindung_abc_a_share = fields.Float(
        string="A Customers' Revenue Share (%)",
        default=80.0,
        digits=(5, 2),
        help="A customers are your best customers, who together bring this share of the revenue.",
    )
    kundenbindung_abc_b_share = fields.Float(
        string="B Customers' Revenue Share (%)",
        default=15.0,
        digits=(5, 2),
        help="B customers bring the next share of the revenue; C customers the rest.",
    )
    kundenbindung_abc_rank_by = fields.Selection(
        [("revenue", "Revenue in the window"), ("clv", "Customer lifetime value")],
        string="Rank ABC Classes By",
        default="revenue",
        required=True,
    )
    kundenbindung_lost_days = fields.Integer(
        string="Lost After (Days)",
        default=365,
        help="A customer who has not bought for this many days counts as lost.",
    )
    kundenbindung_drop_activity = fields.Boolean(
        string="To-do When a Customer Slips",
        default=True,
        help="When a customer drops to a lower ABC class, its salesperson gets a to-do with the figures.",
    )
    kundenbindung_segments_date = fields.Date(
        string="Segments Computed On",
        readonly=True,
        copy=False,
        help="The last run that wrote every customer's figures.",
    )
    # the nightly job's last attempt, also when it failed: tried once a day, not in a loop
    kundenbindung_segments_tried = fields.Date(string="Segments Last Tried On", readonly=True, copy=False)

    kundenbindung_cluster_count = fields.Integer(
        string="Number of Interest Clusters",
        default=0,
        help="0: chosen automatically (the number that separates the customers best, up to the maximum); "
        "2-50: exactly this many.",
    )
    kundenbindung_cluster_max = fields.Integer(
        string="Maximum Number of Interest Clusters",
        default=10,
        help="Upper bound of the automatic choice.",
    )
    kundenbindung_cluster_min_invoices = fields.Integer(
        string="Minimum Invoices for a Cluster",
        default=3,
        help="Customers with fewer invoices in the revenue window get no interest cluster: "
        "too little history to tell what they like.",
    )
    kundenbindung_cluster_category_level = fields.Integer(
        string="Product Category Level",
        default=2,
        help="Level of the product category tree that interests are counted on: 1 = the top "
        "categories (such as All), 2 = their subcategories (All / Office Furniture), and so on. "
        "Products in a category above this level count on their own category.",
    )
    kundenbindung_cluster_use_tags = fields.Boolean(
        string="Tags as Interest Signals",
        default=False,
        help="The customers' tags count as interests too, beside what they buy.",
    )
    kundenbindung_clusters_date = fields.Date(
        string="Interest Clusters Computed On",
        readonly=True,
        copy=False,
    )

    kundenbindung_nps_survey_id = fields.Many2one(
        "survey.survey",
        string="NPS Survey",
        default=lambda self: self.env.ref("kundenbindung_addon.survey_nps", raise_if_not_found=False),
        domain="[('kundenbindung_nps_question_id', '!=', False)]",
        help='The survey sent by "Send NPS Survey".',
    )
    kundenbindung_nps_interval_days = fields.Integer(
        string="Ask At Most Every (Days)",
        default=180,
        help="A customer who answered or was invited within this many days is not asked again.",
    )
    kundenbindung_nps_followup = fields.Boolean(
        string="Follow Up Detractors",
        default=True,
        help="A detractor's answer (0-6) gives the salesperson a to-do with the score and the reason.",
    )
    kundenbindung_nps_followup_days = fields.Integer(
        string="Follow Up Within (Days)",
        default=2,
        help="Deadline of the to-do, in days after the answer.",
    )

    kundenbindung_loyalty_program_id = fields.Many2one(
        "loyalty.program",
        string="Invoice Loyalty Program",
        domain="[('program_type', '=', 'loyalty'), ('company_id', 'in', [False, id])]",
        help="Posted customer invoices earn points in this loyalty program by its rules; credit notes, "
        "a reset to draft or a cancellation take them back. Empty: invoices earn no points.",
    )

    kundenbindung_duplicate_review_score = fields.Float(default=REVIEW_THRESHOLD, **DUPLICATE_REVIEW_SCORE)
    kundenbindung_duplicate_auto_merge = fields.Boolean(default=False, **DUPLICATE_AUTO_MERGE)
    kundenbindung_duplicate_auto_score = fields.Float(default=AUTO_MERGE_THRESHOLD, **DUPLICATE_AUTO_SCORE)
    kundenbindung_duplicate_model = fields.Json(
        string="Duplicate Match Model",
        readonly=True,
        copy=False,
        groups="base.group_system",
        help="The match model fitted by the last full duplicate search: later searches, which compare only the "
        "changed partners, score with it as the full search did.",
    )
    kundenbindung_merge_journal_months = fields.Integer(
        string="Keep Merge Journal (Months)",
        default=12,
        help="The personal data of merged partners kept in the merge journal (name, address, email, "
        "phone...) is deleted by a scheduled action after this many months (1-120).",
    )
    kundenbindung_duplicates_date = fields.Datetime(
        string="Duplicates Searched On",
        readonly=True,
        help="Start of the last search; the next scheduled search compares only the partners changed since.",
    )

    kundenbindung_duplicates_tried = fields.Date(
        string="Duplicate Search Tried On",
        readonly=True,
        help="Day of the scheduled search's last attempt, successful or not: one attempt per company and day.",
    )

    @api.constrains("kundenbindung_duplicate_review_score", "kundenbindung_duplicate_auto_score")
    def _check_kundenbindung_duplicate_scores(self):
        for company in self:
            review, auto = company.kundenbindung_duplicate_review_score, company.kundenbindung_duplicate_auto_score
            if not (MIN_REVIEW_SCORE <= review <= auto <= 100 and auto >= MIN_AUTO_SCORE):
                raise ValidationError(
                    self.env._(
                        "The duplicate scores of %(company)s are not valid: candidates from %(review)s and "
                        "automatic merging from %(auto)s. Candidates must start between %(min_review)s and 100, "
                        "automatic merging between %(min_auto)s and 100 and not below the candidates.",
                        company=company.name,
                        review=review,
                        auto=auto,
                        min_review=MIN_REVIEW_SCORE,
                        min_auto=MIN_AUTO_SCORE,
                    )
                )

    @api.constrains("kundenbindung_merge_journal_months")
    def _check_kundenbindung_merge_journal_months(self):
        for company in self:
            if not 1 <= company.kundenbindung_merge_journal_months <= MAX_MERGE_JOURNAL_MONTHS:
                raise ValidationError(
                    self.env._(
                        "The merge journal of %(company)s must keep merged partners' data between 1 and "
                        "%(max)s months, not %(value)s.",
                        company=company.name,
                        max=MAX_MERGE_JOURNAL_MONTHS,
                        value=company.kundenbindung_merge_journal_months,
                    )
                )

    @api.constrains("kundenbindung_loyalty_program_id")
    def _check_kundenbindung_loyalty_program(self):
        for company in self:
            program = company.kundenbindung_loyalty_program_id
            if program and (
                program.program_type != "loyalty" or program.company_id not in (company, self.env["res.company"])
            ):
                raise ValidationError(
                    self.env._(
                        "The invoice loyalty program of %(company)s must be a loyalty card program of that company.",
                        company=company.name,
                    )
                )

    def action_kundenbindung_create_loyalty_program(self):
        """A loyalty program for invoices: 1 point per currency unit spent,
        made the company's invoice program. Customer Retention managers of
        this company only: it changes what invoices earn."""
        self.ensure_one()
        user = self.env.user
        if not self.env.is_superuser() and (
            not user.has_group("kundenbindung_addon.group_kundenbindung_manager") or self not in user.company_ids
        ):
            raise AccessError(
                self.env._(
                    "Only Customer Retention managers of %(company)s can create its invoice loyalty program.",
                    company=self.sudo().name,
                )
            )
        program = (
            self.env["loyalty.program"]
            .sudo()
            .create(
                {
                    "name": self.env._("Loyalty points from invoices"),
                    "program_type": "loyalty",
                    "company_id": self.id,
                    "trigger": "auto",
                    "applies_on": "both",
                    "rule_ids": [(0, 0, {"reward_point_mode": "money", "reward_point_amount": 1.0})],
                    "reward_ids": [(0, 0, {"reward_type": "discount", "discount": 5.0, "required_points": 200.0})],
                }
            )
        )
        self.sudo().kundenbindung_loyalty_program_id = program
        return program

    @api.model
    def _kundenbindung_default_nps_survey(self):
        """Companies without an NPS survey get the shipped one (the column
        is created before the survey exists, so its default cannot)."""
        survey = self.env.ref("kundenbindung_addon.survey_nps", raise_if_not_found=False)
        if survey:
            self.sudo().with_context(active_test=False).search(
                [("kundenbindung_nps_survey_id", "=", False)]
            ).kundenbindung_nps_survey_id = survey

    @api.constrains("kundenbindung_nps_interval_days", "kundenbindung_nps_followup_days")
    def _check_kundenbindung_nps(self):
        for company in self:
            if not 1 <= company.kundenbindung_nps_interval_days <= MAX_LOST_DAYS:
                raise ValidationError(
                    self.env._(
                        "The days between two NPS surveys to the same customer of %(company)s must be "
                        "between 1 and %(max)s, not %(value)s.",
                        company=company.name,
                        max=MAX_LOST_DAYS,
                        value=company.kundenbindung_nps_interval_days,
                    )
                )
            if not 0 <= company.kundenbindung_nps_followup_days <= 90:
                raise ValidationError(
                    self.env._(
                        "The days to follow up a detractor of %(company)s must be between 0 and 90, not %(value)s.",
                        company=company.name,
                        value=company.kundenbindung_nps_followup_days,
                    )
                )

    @api.constrains(
        "kundenbindung_cluster_count",
        "kundenbindung_cluster_max",
        "kundenbindung_cluster_min_invoices",
        "kundenbindung_cluster_category_level",
    )
    def _check_kundenbindung_clusters(self):
        for company in self:
            try:
                check_cluster_settings(
                    company.kundenbindung_cluster_count,
                    (2, company.kundenbindung_cluster_max),
                    company.kundenbindung_cluster_min_invoices,
                )
            except ValueError as error:
                code = getattr(error, "code", "")
                if code == "bad_cluster_count":
                    message = self.env._(
                        "The number of interest clusters of %(company)s must be 0 (automatic) or "
                        "between 2 and 50, not %(value)s.",
                        company=company.name,
                        value=company.kundenbindung_cluster_count,
                    )
                elif code == "bad_cluster_range":
                    message = self.env._(
                        "The maximum number of interest clusters of %(company)s must be between 2 "
                        "and 50, not %(value)s.",
                        company=company.name,
                        value=company.kundenbindung_cluster_max,
                    )
                else:
                    message = self.env._(
                        "The minimum number of invoices for an interest cluster of %(company)s must "
                        "be at least 1, not %(value)s.",
                        company=company.name,
                        value=company.kundenbindung_cluster_min_invoices,
                    )
                raise ValidationError(message) from error
            if not 1 <= company.kundenbindung_cluster_category_level <= MAX_CATEGORY_LEVEL:
                raise ValidationError(
                    self.env._(
                        "The product category level of %(company)s must be between 1 and %(max)s, not %(value)s.",
                        company=company.name,
                        max=MAX_CATEGORY_LEVEL,
                        value=company.kundenbindung_cluster_category_level,
                    )
                )

    @api.constrains("kundenbindung_window_months")
    def _check_kundenbindung_window_months(self):
        for company in self:
            if not 1 <= company.kundenbindung_window_months <= MAX_WINDOW_MONTHS:
                raise ValidationError(
                    self.env._(
                        "The revenue window of %(company)s must be between 1 and %(max)s months, not %(value)s.",
                        company=company.name,
                        max=MAX_WINDOW_MONTHS,
                        value=company.kundenbindung_window_months,
                    )
                )

    @api.constrains("kundenbindung_abc_a_share", "kundenbindung_abc_b_share")
    def _check_kundenbindung_abc_shares(self):
        for company in self:
            a, b = company.kundenbindung_abc_a_share, company.kundenbindung_abc_b_share
            if not (a > 0 and b > 0 and a + b <= 100):
                raise ValidationError(
                    self.env._(
                        "The ABC shares of %(company)s are not valid: A (%(a)s %%) and B "
                        "(%(b)s %%) must both be above 0 and together at most 100 %%.",
                        company=company.name,
                        a=a,
                        b=b,
                    )
                )

    @api.constrains("kundenbindung_lost_days")
    def _check_kundenbindung_lost_days(self):
        for company in self:
            if not 1 <= company.kundenbindung_lost_days <= MAX_LOST_DAYS:
                raise ValidationError(
                    self.env._(
                        "The days without purchase after which a customer of %(company)s is "
                        "lost must be between 1 and %(max)s, not %(value)s.",
                        company=company.name,
                        max=MAX_LOST_DAYS,
                        value=company.kundenbindung_lost_days,
                    )
                )

    def _kundenbindung_invoice_lines(self, date_from=None, date_to=None):
        """Invoice lines of these companies as the engine's invoice-line frame.

        Posted customer invoices and credit notes (``out_invoice`` and
        ``out_refund``), product lines only, untaxed, in company currency
        (credit notes negative), attributed to the commercial partner, with
        the product category. ``date_from`` is included, ``date_to``
        excluded; without them the company's window ending today is used.
        One query for all companies in ``self``, which the user must be
        allowed to read, as must be journal items (AccessError otherwise).
        """
        if not self:
            return empty_invoice_lines()
        # raw SQL below: check what the ORM would, the user's companies and
        # the right to read journal items
        self.check_access("read")
        self.env["account.move.line"].check_access("read")
        if date_from is None or date_to is None:
            self.ensure_one()
            start, end = window_bounds(fields.Date.context_today(self), self.kundenbindung_window_months)
            date_from, date_to = start.date(), end.date()
        self.env["account.move.line"].flush_model(["move_id", "company_id", "display_type", "balance", "product_id"])
        self.env.cr.execute(
            SQL(
                """
                SELECT move.commercial_partner_id AS partner_id,
                       line.company_id AS company_id,
                       line.move_id AS move_id,
                       move.invoice_date AS date,
                       -line.balance AS amount,
                       tmpl.categ_id AS category_id
                  FROM account_move_line line
                  JOIN account_move move ON move.id = line.move_id
             LEFT JOIN product_product prod ON prod.id = line.product_id
             LEFT JOIN product_template tmpl ON tmpl.id = prod.product_tmpl_id
                 WHERE %s AND line.display_type = 'product'
              ORDER BY line.company_id, move.invoice_date, line.move_id, line.id
                """,
                self.env["account.move"]._kundenbindung_documents_sql(self.ids, date_from, date_to),
            )
        )
        columns = [col.name for col in self.env.cr.description]
        return validate_invoice_lines(pd.DataFrame(self.env.cr.fetchall(), columns=columns))
