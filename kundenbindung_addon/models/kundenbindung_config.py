# Copyright 2026 kundenbindung_addon authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError

from ..engine.clusters import check_cluster_settings
from ..engine.duplicates import AUTO_MERGE_THRESHOLD, REVIEW_THRESHOLD
from ..engine.loyalty_signals import INDEX_WEIGHTS
from ..engine.margins import SERVE_RATES
from .client_actions import notification
from .groups import MANAGER
from .loyalty_program import PROGRAM_NAME

# the settings that are a whole number in a range: field -> (lowest, highest)
RANGES = {
    "window_months": (1, 120),
    "lost_days": (1, 3650),
    "cluster_category_level": (1, 10),
    "nps_interval_days": (1, 3650),
    "nps_followup_days": (0, 90),
    "merge_journal_months": (1, 120),
}
# duplicate scores are match probabilities in percent; candidates start at 50 at least, and
# automatic merging well above the pairs that are only ever reviewed (engine REVIEW_ONLY_CAP)
MIN_REVIEW_SCORE = 50
MIN_AUTO_SCORE = 95


class KundenbindungConfig(models.Model):
    """The Customer Retention configuration of one company: its settings,
    with their checks, and per nightly job the last attempt and the last
    success. One record per company, created with the company; managers
    edit it in *Configuration > Settings*, administrators reach it from
    Odoo's settings too. Declared here only: everything else reads it."""

    _name = "kundenbindung.config"
    _description = "Customer Retention Configuration"
    _rec_name = "company_id"

    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True, ondelete="cascade")

    _sql_constraints = [
        ("company_unique", "UNIQUE(company_id)", "A company has one Customer Retention configuration."),
    ]

    window_months = fields.Integer(
        string="Revenue Window (Months)",
        default=12,
        help="Customer Retention measures revenue, segments and churn over this many months up to today.",
    )
    abc_a_share = fields.Float(
        string="A Customers' Revenue Share (%)",
        default=80.0,
        digits=(5, 2),
        help="A customers are your best customers, who together bring this share of the revenue.",
    )
    abc_b_share = fields.Float(
        string="B Customers' Revenue Share (%)",
        default=15.0,
        digits=(5, 2),
        help="B customers bring the next share of the revenue; C customers the rest.",
    )
    abc_rank_by = fields.Selection(
        [("revenue", "Revenue in the window"), ("clv", "Customer lifetime value")],
        string="Rank ABC Classes By",
        default="revenue",
        required=True,
    )
    value_basis = fields.Selection(
        [
            ("revenue", "Revenue"),
            ("gross_margin", "Gross margin"),
            ("contribution", "Contribution margin (gross margin - cost to serve)"),
        ],
        string="Value Customers On",
        default="revenue",
        required=True,
        help="What the ABC classes and the lifetime value rank customers by: the revenue, the gross margin of "
        "what they bought, or that margin less the cost of serving them. A customer with revenue but no margin is "
        "a C customer.",
    )
    serve_return_rate = fields.Float(
        string="Handling of Returns (%)",
        default=100.0 * SERVE_RATES["returns"],
        digits=(5, 2),
        help="Cost to serve: this share of the amount of a customer's credit notes is counted as the cost of "
        "handling the return.",
    )
    serve_interest_rate = fields.Float(
        string="Interest on Late Payments (% a Year)",
        default=100.0 * SERVE_RATES["payment_delay"],
        digits=(5, 2),
        help="Cost to serve: money a customer pays after the due date costs this yearly interest, for every day late.",
    )
    serve_activity_cost = fields.Float(
        string="Cost of an Activity",
        default=SERVE_RATES["activities"],
        digits=(16, 2),
        help="Cost to serve: each activity done on the customer, its contacts, invoices, orders and leads (a call, "
        "a meeting, a to-do) counts this much, in the company's currency.",
    )
    serve_point_value = fields.Float(
        string="Value of a Redeemed Loyalty Point",
        default=SERVE_RATES["rewards"],
        digits=(16, 4),
        help="Cost to serve: each loyalty point a customer redeems counts this much. 0 by default: a reward "
        "redeemed on an order or invoice is already a discount line there, so the gross margin has it; set a "
        "value if rewards are given outside your invoices (gifts, vouchers).",
    )
    low_margin_percent = fields.Float(
        string="Low Margin Below (%)",
        default=10.0,
        digits=(5, 2),
        help="Customers and product categories whose gross margin is below this share of their revenue are "
        "listed as low-margin.",
    )
    loyalty_weight_repurchase = fields.Float(
        string="Weight of Repurchase", default=INDEX_WEIGHTS["repurchase"], digits=(3, 2)
    )
    loyalty_weight_cross_buying = fields.Float(
        string="Weight of Cross Buying", default=INDEX_WEIGHTS["cross_buying"], digits=(3, 2)
    )
    loyalty_weight_referrals = fields.Float(
        string="Weight of Referrals", default=INDEX_WEIGHTS["referrals"], digits=(3, 2)
    )
    loyalty_weight_price = fields.Float(
        string="Weight of Price-Increase Tolerance",
        default=INDEX_WEIGHTS["price_tolerance"],
        digits=(3, 2),
        help="The loyalty index (0-100) weighs the four signs of loyalty by these weights; a sign not known for a "
        "customer is left out of its index.",
    )
    referral_points = fields.Float(
        string="Points for a Referral",
        default=0.0,
        digits=(16, 2),
        help="When a customer recommended by another gets its first invoice, the recommending customer earns this "
        "many points on its card of the invoice loyalty program, once. 0 (the default): referrals earn nothing.",
    )
    lost_days = fields.Integer(
        string="Lost After (Days)",
        default=365,
        help="A customer who has not bought for this many days counts as lost.",
    )
    drop_activity = fields.Boolean(
        string="To-do When a Customer Slips",
        default=True,
        help="When a customer drops to a lower ABC class, its salesperson gets a to-do with the figures.",
    )
    drop_activity_c = fields.Boolean(
        string="To-dos for C Customers Too",
        help="A C customer who slips gets a to-do as well. Off by default: personal time goes to the A and B "
        "customers, not to the C customers.",
    )
    segments_date = fields.Date(
        string="Segments Computed On",
        readonly=True,
        copy=False,
        help="The last run that wrote every customer's figures.",
    )
    # the nightly job's last attempt, also when it failed: tried once a day, not in a loop
    segments_tried = fields.Date(string="Segments Last Tried On", readonly=True, copy=False)
    spells_date = fields.Date(
        string="Retention over Time Computed On",
        readonly=True,
        copy=False,
        help="The last run that kept the customers' spells of activity.",
    )
    spells_window = fields.Integer(
        string="Retention over Time Window (Months)",
        readonly=True,
        copy=False,
        help="The revenue window the kept spells were cut with.",
    )
    segments_customers = fields.Integer(
        string="Customers Classified", readonly=True, copy=False, help="Customers of the last complete run."
    )

    cluster_count = fields.Integer(
        string="Number of Interest Clusters",
        default=0,
        help="0: chosen automatically (the number that separates the customers best, up to the maximum); "
        "2-50: exactly this many.",
    )
    cluster_max = fields.Integer(
        string="Maximum Number of Interest Clusters",
        default=10,
        help="Upper bound of the automatic choice.",
    )
    cluster_min_invoices = fields.Integer(
        string="Minimum Invoices for a Cluster",
        default=3,
        help="Customers with fewer invoices in the revenue window get no interest cluster: "
        "too little history to tell what they like.",
    )
    cluster_category_level = fields.Integer(
        string="Product Category Level",
        default=2,
        help="Level of the product category tree that interests are counted on: 1 = the top "
        "categories (such as All), 2 = their subcategories (All / Office Furniture), and so on. "
        "Products in a category above this level count on their own category.",
    )
    cluster_use_tags = fields.Boolean(
        string="Tags as Interest Signals",
        default=False,
        help="The customers' tags count as interests too, beside what they buy.",
    )
    clusters_count = fields.Integer(
        string="Interest Clusters Found", readonly=True, copy=False, help="Clusters of the last complete run."
    )
    clusters_date = fields.Date(
        string="Interest Clusters Computed On",
        readonly=True,
        copy=False,
    )

    nps_survey_id = fields.Many2one(
        "survey.survey",
        string="NPS Survey",
        default=lambda self: self.env.ref("kundenbindung_addon.survey_nps", raise_if_not_found=False),
        domain="[('kundenbindung_nps_question_id', '!=', False)]",
        help='The survey sent by "Send NPS Survey".',
    )
    nps_interval_days = fields.Integer(
        string="Ask At Most Every (Days)",
        default=180,
        help="A customer who answered or was invited within this many days is not asked again.",
    )
    nps_followup = fields.Boolean(
        string="Follow Up Detractors",
        default=True,
        help="A detractor's answer (0-6) gives the salesperson a to-do with the score and the reason.",
    )
    nps_followup_days = fields.Integer(
        string="Follow Up Within (Days)",
        default=2,
        help="Deadline of the to-do, in days after the answer.",
    )

    loyalty_program_id = fields.Many2one(
        "loyalty.program",
        string="Invoice Loyalty Program",
        domain="[('program_type', '=', 'loyalty'), ('company_id', 'in', [False, company_id])]",
        help="Posted customer invoices earn points in this loyalty program by its rules; credit notes, "
        "a reset to draft or a cancellation take them back. Empty: invoices earn no points.",
    )

    duplicate_review_score = fields.Float(
        default=REVIEW_THRESHOLD,
        string="Duplicate Candidates From (Score)",
        help="The score is the match probability in percent (0-100): how likely two partners are one customer. "
        "Pairs of partners scoring at least this much (50 or more) are proposed as probable duplicates.",
    )
    duplicate_auto_merge = fields.Boolean(
        default=False,
        string="Merge Sure Duplicates Automatically",
        help="The scheduled action merges groups whose weakest link scores at least the auto-merge score "
        "and that pass the safety checks; a journal keeps every merged partner's values. Off by default: "
        "merging changes partners and deletes the merged ones, and Odoo ships its own automations off. "
        "Review the duplicate candidates first, then switch it on.",
    )
    duplicate_auto_score = fields.Float(
        default=AUTO_MERGE_THRESHOLD,
        string="Merge Automatically From (Score)",
        help="The match probability in percent (95-100) from which the scheduled action merges a group without "
        "review. Moved customers, persons of another given name at one address and colleagues of one company "
        "never score above 90, and so are never merged automatically.",
    )
    duplicate_block_score = fields.Float(
        default=0.0,
        string="Block New Duplicates From (Score)",
        help="A user who is not a Customer Retention manager cannot save a new contact in the contact form "
        "when an existing partner is at least this likely the same (match probability in percent); the form "
        "warns from the candidates' score on either way. 0: never blocked (the default).",
    )
    duplicate_model = fields.Json(
        string="Duplicate Match Model",
        readonly=True,
        copy=False,
        groups="base.group_system",
        help="The match model fitted by the last full duplicate search: later searches, which compare only the "
        "changed partners, score with it as the full search did.",
    )
    merge_journal_months = fields.Integer(
        string="Keep Merge Journal (Months)",
        default=12,
        help="The personal data of merged partners kept in the merge journal (name, address, email, "
        "phone...) is deleted by a scheduled action after this many months (1-120).",
    )
    duplicates_date = fields.Datetime(
        string="Duplicates Searched On",
        readonly=True,
        help="Start of the last search; the next scheduled search compares only the partners changed since.",
    )

    duplicates_pairs = fields.Integer(
        string="Duplicate Pairs Found",
        readonly=True,
        copy=False,
        help="Pairs of probable duplicates found by the last search (dismissed pairs left out).",
    )
    duplicates_tried = fields.Date(
        string="Duplicate Search Tried On",
        readonly=True,
        help="Day of the scheduled search's last attempt, successful or not: one attempt per company and day.",
    )

    @api.constrains("duplicate_review_score", "duplicate_auto_score", "duplicate_block_score")
    def _check_kundenbindung_duplicate_scores(self):
        for config in self:
            block = config.duplicate_block_score
            if block and not config.duplicate_review_score <= block <= 100:
                raise ValidationError(
                    self.env._(
                        "New duplicates of %(company)s are blocked from a score of %(block)s: it must be 0 (never "
                        "blocked) or between the candidates' score %(review)s and 100.",
                        company=config.company_id.name,
                        block=block,
                        review=config.duplicate_review_score,
                    )
                )
            review, auto = config.duplicate_review_score, config.duplicate_auto_score
            if not (MIN_REVIEW_SCORE <= review <= auto <= 100 and auto >= MIN_AUTO_SCORE):
                raise ValidationError(
                    self.env._(
                        "The duplicate scores of %(company)s are not valid: candidates from %(review)s and "
                        "automatic merging from %(auto)s. Candidates must start between %(min_review)s and 100, "
                        "automatic merging between %(min_auto)s and 100 and not below the candidates.",
                        company=config.company_id.name,
                        review=review,
                        auto=auto,
                        min_review=MIN_REVIEW_SCORE,
                        min_auto=MIN_AUTO_SCORE,
                    )
                )

    @api.constrains(
        "serve_return_rate",
        "serve_interest_rate",
        "serve_activity_cost",
        "serve_point_value",
        "low_margin_percent",
        "referral_points",
        "loyalty_weight_repurchase",
        "loyalty_weight_cross_buying",
        "loyalty_weight_referrals",
        "loyalty_weight_price",
    )
    def _check_kundenbindung_margin_settings(self):
        for config in self:
            if min(
                config.serve_return_rate,
                config.serve_interest_rate,
                config.serve_activity_cost,
                config.serve_point_value,
            ) < 0 or not (config.serve_return_rate <= 100 and config.serve_interest_rate <= 100):
                raise ValidationError(
                    self.env._(
                        "The cost to serve of %(company)s cannot count negative costs, and its shares (returns, "
                        "interest) are at most 100 %%.",
                        company=config.company_id.name,
                    )
                )
            weights = (
                config.loyalty_weight_repurchase,
                config.loyalty_weight_cross_buying,
                config.loyalty_weight_referrals,
                config.loyalty_weight_price,
            )
            if min(weights) < 0 or not sum(weights):
                raise ValidationError(
                    self.env._(
                        "The weights of the loyalty index of %(company)s cannot be negative, and one at least must "
                        "count.",
                        company=config.company_id.name,
                    )
                )
            if config.referral_points < 0:
                raise ValidationError(
                    self.env._(
                        "The points for a referral of %(company)s cannot be negative.", company=config.company_id.name
                    )
                )
            if not -100 <= config.low_margin_percent <= 100:
                raise ValidationError(
                    self.env._(
                        "The low margin of %(company)s must be between -100 %% and 100 %%, not %(value)s %%.",
                        company=config.company_id.name,
                        value=config.low_margin_percent,
                    )
                )

    @api.constrains("loyalty_program_id")
    def _check_kundenbindung_loyalty_program(self):
        for config in self:
            program = config.loyalty_program_id
            if program and (
                program.program_type != "loyalty"
                or program.company_id not in (config.company_id, self.env["res.company"])
            ):
                raise ValidationError(
                    self.env._(
                        "The invoice loyalty program of %(company)s must be a loyalty card program of that company.",
                        company=config.company_id.name,
                    )
                )

    def action_create_loyalty_program(self):
        """A loyalty program for invoices: 1 point per currency unit spent,
        made the company's invoice program. Customer Retention managers of
        this company only: it changes what invoices earn."""
        self.ensure_one()
        user = self.env.user
        if not self.env.is_superuser() and (not user.has_group(MANAGER) or self.company_id not in user.company_ids):
            raise AccessError(
                self.env._(
                    "Only Customer Retention managers of %(company)s can create its invoice loyalty program.",
                    company=self.sudo().company_id.name,
                )
            )
        program = (
            self.env["loyalty.program"]
            .sudo()
            .create(
                {
                    "name": PROGRAM_NAME._translate(self.env.lang or "en_US"),
                    "program_type": "loyalty",
                    "company_id": self.company_id.id,
                    "trigger": "auto",
                    "applies_on": "both",
                    "rule_ids": [(0, 0, {"reward_point_mode": "money", "reward_point_amount": 1.0})],
                    "reward_ids": [(0, 0, {"reward_type": "discount", "discount": 5.0, "required_points": 200.0})],
                }
            )
        )
        program._kundenbindung_name_in_all_languages()
        self.sudo().loyalty_program_id = program
        return program

    @api.model
    def action_open_current(self):
        """*Configuration > Settings*: the configuration of the company the
        user is working in."""
        self.browse().check_access("read")
        company = self.env.company
        company._kundenbindung_ensure_config()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Customer Retention Settings"),
            "res_model": self._name,
            "res_id": company.kundenbindung_config_id.id,
            "view_mode": "form",
            "target": "current",
        }

    def action_recompute(self):
        """Recompute the company's segments and interest clusters now."""
        self.ensure_one()
        return self.env["kundenbindung.segmentation"].with_company(self.company_id).action_recompute()

    def action_loyalty_backfill(self):
        """Points for the invoices of the revenue window posted before the
        program was chosen (managers): marked pending, written by the
        scheduled catch-up."""
        self.ensure_one()
        if not self.env.user.has_group(MANAGER):
            raise AccessError(self.env._("Only Customer Retention managers can award points for earlier invoices."))
        self.check_access("write")
        count = self.env["account.move"].sudo()._kundenbindung_loyalty_backfill(self.company_id)
        return notification(
            self.env._("Loyalty points"),
            self.env._(
                "%(count)s earlier documents will earn their points with the next catch-up of loyalty points.",
                count=count,
            ),
        )

    @api.constrains("cluster_count", "cluster_max", "cluster_min_invoices")
    def _check_kundenbindung_clusters(self):
        for config in self:
            try:
                check_cluster_settings(
                    config.cluster_count,
                    (2, config.cluster_max),
                    config.cluster_min_invoices,
                )
            except ValueError as error:
                code = getattr(error, "code", "")
                if code == "bad_cluster_count":
                    message = self.env._(
                        "The number of interest clusters of %(company)s must be 0 (automatic) or "
                        "between 2 and 50, not %(value)s.",
                        company=config.company_id.name,
                        value=config.cluster_count,
                    )
                elif code == "bad_cluster_range":
                    message = self.env._(
                        "The maximum number of interest clusters of %(company)s must be between 2 "
                        "and 50, not %(value)s.",
                        company=config.company_id.name,
                        value=config.cluster_max,
                    )
                else:
                    message = self.env._(
                        "The minimum number of invoices for an interest cluster of %(company)s must "
                        "be at least 1, not %(value)s.",
                        company=config.company_id.name,
                        value=config.cluster_min_invoices,
                    )
                raise ValidationError(message) from error

    def _drop_activity_classes(self):
        """The classes whose customers get a to-do when they slip (none when
        the to-dos are off)."""
        self.ensure_one()
        if not self.drop_activity:
            return ()
        return ("A", "B", "C") if self.drop_activity_c else ("A", "B")

    @api.constrains("abc_a_share", "abc_b_share")
    def _check_kundenbindung_abc_shares(self):
        for config in self:
            a, b = config.abc_a_share, config.abc_b_share
            if not (a > 0 and b > 0 and a + b <= 100):
                raise ValidationError(
                    self.env._(
                        "The ABC shares of %(company)s are not valid: A (%(a)s %%) and B "
                        "(%(b)s %%) must both be above 0 and together at most 100 %%.",
                        company=config.company_id.name,
                        a=a,
                        b=b,
                    )
                )

    @api.constrains(*RANGES)
    def _check_kundenbindung_ranges(self):
        for config in self:
            for name, (low, high) in RANGES.items():
                value = config[name]
                if not low <= value <= high:
                    raise ValidationError(
                        self.env._(
                            '"%(setting)s" of %(company)s must be between %(min)s and %(max)s, not %(value)s.',
                            setting=self._fields[name]._description_string(self.env),
                            company=config.company_id.name,
                            min=low,
                            max=high,
                            value=value,
                        )
                    )
