# Copyright 2026 kundenbindung_addon authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.osv import expression
from odoo.tools import SQL, format_amount, formatLang

from ..engine.margins import ATTRACTIVE_FROM, PORTFOLIO_STRATEGIES, STRONG_FROM
from .groups import MANAGER

ABC_SELECTION = [("A", "A"), ("B", "B"), ("C", "C"), ("none", "No revenue")]
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
# the four fields of the customer portfolio (engine.margins.PORTFOLIO_FIELDS), in the chart's order
PORTFOLIO_SELECTION = [
    ("star", "Stars"),
    ("question", "Question Marks"),
    ("cash_cow", "Cash Cows"),
    ("poor", "Poor Dogs"),
]
# the colour of each field in the portfolio chart
PORTFOLIO_COLORS = {"star": "#28a745", "question": "#e49a00", "cash_cow": "#1f77b4", "poor": "#8c8c8c"}
# the chart's moves: those of the last this many days
PORTFOLIO_PERIOD_DAYS = 90
# at most this many customers drawn in the chart, the most valuable first
PORTFOLIO_POINTS = 2000
# the strategy of each field (engine.margins.PORTFOLIO_STRATEGIES), said to the manager
PORTFOLIO_STRATEGY_SELECTION = [
    ("maintain", "Maintain: invest to keep them"),
    ("develop", "Develop: invest to win more of their business, or let go"),
    ("selective", "Selective: keep them, serve them cheaply"),
    ("reduce", "Reduce spending: standard service only"),
]


class KundenbindungCustomerSegment(models.Model):
    """A customer's segment figures in one company.

    One record per commercial partner and company, written by the segment
    recompute (``kundenbindung.segmentation``) in bulk: a narrow table of its
    own, so that the nightly run rewrites a few columns here instead of
    every partner row, and every company sees only its own figures (record
    rule on ``company_id``). The partner shows the record of the current
    company.
    """

    _name = "kundenbindung.customer.segment"
    _description = "Customer Segment"
    _order = "revenue desc, id"
    _rec_name = "partner_id"
    _check_company_auto = True
    # rewritten by the recompute: its date is on the company
    _log_access = False

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, readonly=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    user_id = fields.Many2one(related="partner_id.user_id", string="Salesperson", store=True, index=True)
    city = fields.Char(related="partner_id.city")

    abc_class = fields.Selection(
        ABC_SELECTION,
        string="ABC Class",
        readonly=True,
        help="A: the best customers who bring the first share of the revenue (80 % by default), "
        "B: the next share (15 %), C: the rest; No revenue: no positive revenue in the window.",
    )
    revenue = fields.Monetary(
        readonly=True,
        help="Untaxed revenue of the revenue window (invoices minus credit notes), in company currency.",
    )
    previous_revenue = fields.Monetary(readonly=True, help="Revenue of the window before the current one.")
    trend = fields.Float(
        string="Revenue Trend",
        readonly=True,
        aggregator=False,
        help="Change of the revenue against the previous window.",
    )
    last_purchase = fields.Date(readonly=True)
    recency_days = fields.Integer(string="Days Since Last Purchase", compute="_compute_recency_days")
    frequency = fields.Integer(string="Purchases", readonly=True, help="Number of invoices in the revenue window.")
    r_score = fields.Integer(string="Recency Score", readonly=True, aggregator="avg")
    f_score = fields.Integer(string="Frequency Score", readonly=True, aggregator="avg")
    m_score = fields.Integer(string="Monetary Score", readonly=True, aggregator="avg")
    rfm_score = fields.Char(string="RFM Score", compute="_compute_rfm_score")
    rfm_segment = fields.Selection(RFM_SEGMENT_SELECTION, string="RFM Segment", readonly=True)
    historical_value = fields.Monetary(
        readonly=True,
        help="Net revenue of the customer so far (in the history read, at least 36 months).",
    )
    predicted_value = fields.Monetary(
        string="Predicted 12-Month Value",
        readonly=True,
        help="Revenue expected in the next 12 months: the expected purchases times the expected value of a "
        "purchase, from the company's forecast model (the customer's own rhythm while the company has too "
        "little history for it).",
    )
    clv = fields.Monetary(
        string="Lifetime Value", readonly=True, help="Historical value plus predicted 12-month value."
    )
    interval_days = fields.Float(
        string="Usual Interval (Days)",
        readonly=True,
        aggregator="avg",
        help="Median number of days between the customer's purchases.",
    )
    churn_score = fields.Float(
        string="Churn Risk",
        readonly=True,
        aggregator="avg",
        help="Probability that the customer buys nothing in the next 6 months, from the company's forecast "
        "model (from the customer's own rhythm while the company has too little history for it).",
    )
    p_alive = fields.Float(
        string="Probability Active",
        readonly=True,
        aggregator="avg",
        help="Probability that the customer is still buying from you, from its purchases so far (not known for a "
        "customer who bought once).",
    )
    expected_purchases = fields.Float(
        string="Expected Purchases (12 Months)",
        readonly=True,
        aggregator="sum",
        digits=(16, 2),
        help="Purchases the forecast model expects from the customer in the next 12 months.",
    )
    churn_level = fields.Selection(CHURN_SELECTION, readonly=True)
    class_drop_date = fields.Date(
        string="Slipped On", readonly=True, help="Date of the last drop to a lower ABC class."
    )
    next_activity_id = fields.Many2one(
        "mail.activity",
        string="Next Step",
        compute="_compute_next_activity",
        help="The first open activity of the customer or one of its contacts.",
    )
    next_activity_date = fields.Date(
        string="Next Step Due",
        compute="_compute_next_activity",
        search="_search_next_activity_date",
    )
    next_activity_late = fields.Boolean(compute="_compute_next_activity")
    value_at_stake = fields.Monetary(
        string="Value at Stake",
        readonly=True,
        help="What losing the customer would cost: the larger of its revenue in the revenue window and in the "
        "window before, times its churn risk. Today's list is ordered by it.",
    )
    gross_margin = fields.Monetary(
        readonly=True,
        help="Revenue minus the cost of what was sold in the revenue window, credit notes included. The cost of "
        "a line comes from the best source there is: the sale order line's cost (Sales margins), the cost of "
        "goods sold booked for it, or the product's cost; lines without any cost are left out (see Revenue "
        "without Cost).",
    )
    margin_percent = fields.Float(
        string="Margin %",
        readonly=True,
        aggregator=None,
        digits=(16, 1),
        help="Gross margin in percent of the revenue whose cost is known.",
    )
    uncosted_share = fields.Float(
        string="Revenue without Cost (%)",
        readonly=True,
        aggregator=None,
        digits=(16, 1),
        help="Share of the revenue in the window whose cost is not known (services, products without a cost): "
        "the gross margin does not cover it.",
    )

    discounts = fields.Monetary(
        string="Discounts Given",
        readonly=True,
        help="What discounts on the invoice lines knocked off the price in the revenue window. The revenue and the "
        "gross margin are already net of them.",
    )
    serve_returns = fields.Monetary(string="Cost of Returns", readonly=True)
    serve_payment_delay = fields.Monetary(string="Cost of Late Payment", readonly=True)
    serve_activities = fields.Monetary(string="Cost of Activities", readonly=True)
    serve_rewards = fields.Monetary(string="Cost of Rewards", readonly=True)
    serve_campaigns = fields.Monetary(string="Cost of Campaigns", readonly=True)
    cost_to_serve = fields.Monetary(
        readonly=True,
        help="What serving the customer cost in the revenue window, part by part at the rates of the settings: "
        "handling its returns, the interest on its late payments, the activities done for it, the loyalty "
        "points it redeemed and the campaigns that reached it.",
    )
    contribution_margin = fields.Monetary(
        readonly=True,
        help="Gross margin less the cost to serve: what the customer really brings.",
    )
    ranked_value = fields.Monetary(
        readonly=True,
        help="The customer's value in the revenue window that the ABC classes are ranked by: its revenue, gross "
        "margin or contribution margin, as set in the settings (Value Customers On). Revenue without a known cost "
        "counts at the customer's margin %.",
    )
    clv_value = fields.Monetary(
        string="Lifetime Value on the Ranked Basis",
        readonly=True,
        help="The lifetime value scaled by the customer's ratio of ranked value to revenue: equal to the lifetime "
        "value when customers are valued on revenue, its margin when they are valued on margin.",
    )
    low_margin = fields.Boolean(
        readonly=True,
        help="The customer's gross margin is below the low margin of the settings (or negative).",
    )
    cross_buying = fields.Float(
        string="Cross Buying (%)",
        readonly=True,
        aggregator="avg",
        digits=(16, 0),
        help="Share of the company's main product categories (those that bring 80 % of the revenue) the customer "
        "bought in the revenue window.",
    )
    cross_buying_growth = fields.Float(
        string="Cross Buying Growth (Points)",
        readonly=True,
        aggregator="avg",
        digits=(16, 0),
        help="Change of the cross buying against the window before, in percentage points.",
    )
    repeat_rate = fields.Float(
        readonly=True,
        aggregator="avg",
        help="Share of the customer's purchases in the revenue window that were not its first purchase ever.",
    )
    regularity = fields.Float(
        readonly=True,
        aggregator="avg",
        help="How regular the customer's rhythm is: 1 / (1 + the coefficient of variation of the days between its "
        "purchases); 1 = like clockwork. Unknown with fewer than three purchases.",
    )
    on_rhythm = fields.Float(
        string="Buys on Its Rhythm",
        readonly=True,
        aggregator="avg",
        help="1 when the customer bought within one and a half of its usual intervals, else 0; unknown with a "
        "single purchase.",
    )
    referral_count = fields.Integer(
        string="Referrals", readonly=True, help="Customers who were recommended by this one."
    )
    referred_revenue = fields.Monetary(
        readonly=True, help="The revenue in the revenue window of the customers this one recommended."
    )
    price_rise = fields.Float(
        readonly=True,
        aggregator="avg",
        help="How much the unit prices of the products the customer buys rose against the window before (weighted "
        "by what it bought before); unknown without a rise.",
    )
    kept_quantity = fields.Float(
        readonly=True,
        aggregator="avg",
        help="The quantity of the products whose price rose that the customer kept buying, against the window before.",
    )
    price_tolerance = fields.Float(
        string="Price-Increase Tolerance",
        readonly=True,
        aggregator="avg",
        help="The quantity the customer kept buying after a price rise, against what the customers of the same "
        "products kept without a rise: 1 = as much, above 1 = more.",
    )
    loyalty_index = fields.Float(
        readonly=True,
        aggregator="avg",
        digits=(16, 0),
        help="0-100: the customer's repurchase, cross buying, referrals and price-increase tolerance, each ranked "
        "among all customers and weighted as in the settings.",
    )
    loyalty_explanation = fields.Text(string="Signs of Loyalty", compute="_compute_loyalty_explanation")
    portfolio_attractiveness = fields.Float(
        string="Attractiveness",
        readonly=True,
        aggregator="avg",
        digits=(16, 0),
        help="0-100: where the customer ranks among all customers by its expected value on margin and the growth "
        "of its revenue.",
    )
    portfolio_strength = fields.Float(
        string="Relationship Strength",
        readonly=True,
        aggregator="avg",
        digits=(16, 0),
        help="0-100: where the customer ranks among all customers by how loyal it is: purchases in the window, "
        "buying on its own rhythm, cross buying, tenure, its last NPS answer, its loyalty points and its loyalty "
        "index.",
    )
    portfolio_field = fields.Selection(
        PORTFOLIO_SELECTION,
        string="Portfolio",
        readonly=True,
        index=True,
        help="The customer's field in the customer portfolio: attractive and strong (stars), attractive and weak "
        "(question marks), less attractive and strong (cash cows), less attractive and weak (poor dogs).",
    )
    portfolio_previous_field = fields.Selection(
        PORTFOLIO_SELECTION,
        string="Portfolio Before",
        readonly=True,
        help="The customer's field before its last move in the portfolio.",
    )
    portfolio_strategy = fields.Selection(
        PORTFOLIO_STRATEGY_SELECTION, string="Strategy", compute="_compute_portfolio_strategy"
    )

    cluster_id = fields.Many2one(
        "kundenbindung.interest.cluster",
        string="Interest Cluster",
        readonly=True,
        ondelete="set null",
        help="Group of customers who buy a similar mix of product categories.",
    )
    cluster_affinity = fields.Float(
        readonly=True,
        aggregator="avg",
        help="How closely the customer's purchases match its cluster: 1 = the same mix, 0 = nothing in common.",
    )
    next_category_ids = fields.Many2many(
        "product.category",
        "kundenbindung_segment_next_category_rel",
        "segment_id",
        "category_id",
        string="Next Best Categories",
        readonly=True,
        help="Categories that many customers of the same cluster buy and this customer does not: cross-selling ideas.",
    )

    loyalty_points = fields.Float(compute="_compute_loyalty")
    loyalty_tier_id = fields.Many2one("kundenbindung.loyalty.tier", compute="_compute_loyalty")

    _sql_constraints = [
        (
            "partner_company_unique",
            "UNIQUE(partner_id, company_id)",
            "A customer has one set of segment figures per company.",
        ),
    ]

    def init(self):
        # the nightly recompute updates most rows in place without touching
        # an indexed column: free room on each page lets PostgreSQL do that
        # as heap-only updates, without new index entries
        self.env.cr.execute("ALTER TABLE kundenbindung_customer_segment SET (fillfactor = 70)")
        # the kanbans open one column per class (Customers) or per cluster (Customers by Interest),
        # each the 40 customers of most revenue and a count, read from these indexes alone; a
        # customer's row loses its heap-only update only on a night its revenue changed
        for column in ("abc_class", "cluster_id"):
            self.env.cr.execute(
                SQL(
                    """CREATE INDEX IF NOT EXISTS %s ON kundenbindung_customer_segment
                           (%s, revenue DESC, id) INCLUDE (company_id, user_id) WHERE %s IS NOT NULL""",
                    SQL.identifier(f"kundenbindung_customer_segment_{column}_revenue_idx"),
                    SQL.identifier(column),
                    SQL.identifier(column),
                )
            )

    @api.model
    def _activities_sql(self):
        """Open activities on partners, each with the customer (commercial
        partner) it belongs to."""
        return SQL(
            """SELECT contact.commercial_partner_id AS partner_id, activity.id, activity.date_deadline
                 FROM mail_activity activity JOIN res_partner contact ON contact.id = activity.res_id
                WHERE activity.res_model = 'res.partner' AND activity.active"""
        )

    def _compute_next_activity(self):
        """The customer's first open activity by due date, in one query for
        all records (activities on its contacts count for it)."""
        self.env["mail.activity"].flush_model(["res_model", "res_id", "date_deadline", "active"])
        partner_ids = list({segment.partner_id.id for segment in self if segment.partner_id})
        first = {}
        if partner_ids:
            self.env.cr.execute(
                SQL(
                    """SELECT DISTINCT ON (partner_id) partner_id, id, date_deadline FROM (%s) open
                        WHERE partner_id = ANY(%s) ORDER BY partner_id, date_deadline, id""",
                    self._activities_sql(),
                    partner_ids,
                )
            )
            first = {partner_id: (activity_id, date) for partner_id, activity_id, date in self.env.cr.fetchall()}
        today = fields.Date.context_today(self)
        Activity = self.env["mail.activity"]
        for segment in self:
            activity_id, date = first.get(segment.partner_id.id, (False, False))
            segment.next_activity_id = Activity.browse(activity_id)
            segment.next_activity_date = date
            segment.next_activity_late = bool(date and date < today)

    def _search_next_activity_date(self, operator, value):
        if operator not in ("<", "<=", ">", ">=", "=", "!="):
            return expression.FALSE_DOMAIN
        self.env["mail.activity"].flush_model(["res_model", "res_id", "date_deadline", "active"])
        self.env["res.partner"].flush_model(["commercial_partner_id"])
        if value is False:
            # "is set" / "is not set"
            subquery = SQL("(SELECT partner_id FROM (%s) open)", self._activities_sql())
            return [("partner_id", "in" if operator == "!=" else "not in", subquery)]
        value = fields.Date.to_date(value)
        subquery = SQL(
            "(SELECT partner_id FROM (%s) open GROUP BY partner_id HAVING MIN(date_deadline) %s %s)",
            self._activities_sql(),
            SQL(operator),
            value,
        )
        return [("partner_id", "in", subquery)]

    def _compute_loyalty(self):
        for company in self.company_id:
            segments = self.filtered(lambda s, c=company: s.company_id == c)
            partners = {p.id: p for p in segments.partner_id.with_company(company).sudo()}
            for segment in segments:
                partner = partners[segment.partner_id.id]
                segment.loyalty_points = partner.kundenbindung_loyalty_points
                segment.loyalty_tier_id = partner.kundenbindung_loyalty_tier_id

    @api.depends(
        "repeat_rate",
        "regularity",
        "on_rhythm",
        "cross_buying",
        "cross_buying_growth",
        "referral_count",
        "referred_revenue",
        "price_rise",
        "kept_quantity",
        "price_tolerance",
    )
    def _compute_loyalty_explanation(self):
        """Each sign of loyalty in one line, in the reader's language."""

        def percent(value):
            return formatLang(self.env, 100.0 * value, digits=0)

        for segment in self:
            lines = []
            if segment.repeat_rate or segment.regularity:
                lines.append(
                    self.env._(
                        "Repurchase: %(repeat)s %% of its purchases are repeat purchases; regularity %(regularity)s; "
                        "%(rhythm)s",
                        repeat=percent(segment.repeat_rate),
                        regularity=formatLang(self.env, segment.regularity, digits=2),
                        rhythm=self.env._("buys on its rhythm") if segment.on_rhythm else self.env._("off its rhythm"),
                    )
                )
            if segment.cross_buying or segment.cross_buying_growth:
                lines.append(
                    self.env._(
                        "Cross buying: %(share)s %% of the main categories, %(growth)s points against the window "
                        "before",
                        share=formatLang(self.env, segment.cross_buying, digits=0),
                        growth=("+" if segment.cross_buying_growth > 0 else "")
                        + formatLang(self.env, segment.cross_buying_growth, digits=0),
                    )
                )
            if segment.referral_count:
                lines.append(
                    self.env._(
                        "Referrals: %(count)s recommended, with %(revenue)s revenue",
                        count=segment.referral_count,
                        revenue=format_amount(self.env, segment.referred_revenue, segment.currency_id),
                    )
                )
            if segment.price_rise:
                lines.append(
                    self.env._(
                        "Price rise: +%(rise)s %% on products it buys, %(kept)s %% of the quantity kept "
                        "(tolerance %(tolerance)s)",
                        rise=percent(segment.price_rise),
                        kept=percent(segment.kept_quantity),
                        tolerance=formatLang(self.env, segment.price_tolerance, digits=2),
                    )
                )
            segment.loyalty_explanation = "\n".join(lines) or False

    @api.depends("portfolio_field")
    def _compute_portfolio_strategy(self):
        for segment in self:
            segment.portfolio_strategy = PORTFOLIO_STRATEGIES.get(segment.portfolio_field)

    @api.depends("last_purchase")
    def _compute_recency_days(self):
        today = fields.Date.context_today(self)
        for segment in self:
            segment.recency_days = (today - segment.last_purchase).days if segment.last_purchase else 0

    @api.depends("r_score", "f_score", "m_score")
    def _compute_rfm_score(self):
        for segment in self:
            scores = (segment.r_score, segment.f_score, segment.m_score)
            segment.rfm_score = "".join(str(s) for s in scores) if all(scores) else False

    @api.model
    def read_group(self, domain, fields, groupby, offset=0, limit=None, orderby=False, lazy=True):
        """Groups of a selection (churn risk: low, medium, high, lost) in the
        order of the selection, as the form lists them, instead of by the
        stored value (high, lost, low, medium): in the pivot, the grouped
        list and the graph. Other groupings keep the order they came in."""
        rows = super().read_group(domain, fields, groupby, offset, limit, orderby, lazy)
        names = [groupby] if isinstance(groupby, str) else list(groupby)
        names = [name.split(":")[0] for name in (names[:1] if lazy else names)]
        selections = [name for name in names if name in self._fields and self._fields[name].type == "selection"]
        # the views send their own order (revenue, value at stake): only an order on the grouped
        # field itself (a click on its header) is kept
        ordered = {term.split()[0] for term in (orderby or "").split(",") if term.strip()}
        if not selections or ordered & set(selections):
            return rows
        keys = []
        for name in names:
            field = self._fields.get(name)
            if field is not None and field.type == "selection":
                selection = field._description_selection(self.env)
                ranks = {value: rank for rank, (value, _label) in enumerate(selection)}
            else:
                ranks = {}
                for row in rows:
                    ranks.setdefault(repr(row.get(name)), len(ranks))
            keys.append((name, field is not None and field.type == "selection", ranks))

        def rank(row):
            return tuple(
                ranks.get(row.get(name), len(ranks)) if selection else ranks[repr(row.get(name))]
                for name, selection, ranks in keys
            )

        return sorted(rows, key=rank)

    def action_new_campaign(self):
        """ "New Campaign" from a selection of segment records: their
        customers, and their ABC class when they share one."""
        classes = set(self.mapped("abc_class"))
        values = {}
        if len(classes) == 1 and classes <= {"A", "B", "C"}:
            values[f"abc_{classes.pop().lower()}"] = True
        return self.partner_id._kundenbindung_new_campaign(values)

    def action_send_nps(self):
        """ "Send NPS Survey" from a selection of segment records: their customers."""
        return self.partner_id.action_kundenbindung_send_nps()

    @api.model
    def action_open_customers(self):
        """*Customer Retention > Customers*: a salesperson lands on their
        own customers (as Sales and CRM open on "my" records), a manager on
        all; the filter can be removed."""
        self.browse().check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "kundenbindung_addon.res_partner_action_kundenbindung_customers"
        )
        if not self.env.user.has_group(MANAGER):
            action["context"] = {"search_default_my_customers": 1}
        return action

    @api.model
    def kundenbindung_portfolio_data(self, domain=None):
        """The customer portfolio of the current company as the chart shows
        it (static/src/js/customer_portfolio.js), read with the user's
        rights: the four fields with their strategy, count, count before
        the moves of the last 90 days and gross margin; the customers placed
        (the most valuable first); those moves between fields."""
        domain = expression.AND(
            [domain or [], [("company_id", "=", self.env.company.id), ("portfolio_field", "!=", False)]]
        )
        labels = dict(self._fields["portfolio_field"]._description_selection(self.env))
        strategies = dict(self._fields["portfolio_strategy"]._description_selection(self.env))
        groups = {
            field: (count, margin)
            for field, count, margin in self._read_group(domain, ["portfolio_field"], ["__count", "gross_margin:sum"])
        }
        segments = self.search_fetch(
            domain,
            ["partner_id", "portfolio_attractiveness", "portfolio_strength", "portfolio_field", "gross_margin"],
            order="clv_value desc, id",
            limit=PORTFOLIO_POINTS,
        )
        total = sum(count for count, _margin in groups.values())
        # where each customer placed now stood PORTFOLIO_PERIOD_DAYS ago: the field it left first since then
        since = fields.Date.context_today(self) - relativedelta(days=PORTFOLIO_PERIOD_DAYS)
        history = self.env["kundenbindung.portfolio.history"].search_fetch(
            [("company_id", "=", self.env.company.id), ("date", ">", since)],
            ["partner_id", "old_field"],
            order="date, id",
        )
        before = {}
        for move in history:
            before.setdefault(move.partner_id.id, move.old_field)
        moved = self.search_fetch(
            expression.AND([domain, [("partner_id", "in", list(before))]]), ["partner_id", "portfolio_field"]
        )
        previous_counts = {key: groups.get(key, (0, 0.0))[0] for key in labels}
        moves = {}
        for segment in moved:
            old, new = before[segment.partner_id.id], segment.portfolio_field
            if old != new:
                previous_counts[new] -= 1
                previous_counts[old] += 1
                moves[(old, new)] = moves.get((old, new), 0) + 1
        currency = self.env.company.currency_id
        return {
            "attractive_from": ATTRACTIVE_FROM,
            "strong_from": STRONG_FROM,
            "moves_title": self.env._("Moves in the last %(days)s days", days=PORTFOLIO_PERIOD_DAYS),
            # the count of each field before the moves of the period (of the customers placed now)
            "previous_title": self.env._("Before the moves of the last %(days)s days", days=PORTFOLIO_PERIOD_DAYS),
            "currency": {"symbol": currency.symbol, "position": currency.position},
            "fields": [
                {
                    "key": key,
                    "label": labels[key],
                    "strategy": strategies[PORTFOLIO_STRATEGIES[key]],
                    "count": groups.get(key, (0, 0.0))[0],
                    "previous_count": previous_counts[key],
                    "margin": groups.get(key, (0, 0.0))[1] or 0.0,
                    "color": PORTFOLIO_COLORS[key],
                }
                for key, _label in PORTFOLIO_SELECTION
            ],
            "points": [
                {
                    "id": segment.id,
                    "name": segment.partner_id.display_name,
                    "x": segment.portfolio_strength,
                    "y": segment.portfolio_attractiveness,
                    "field": segment.portfolio_field,
                    "previous_field": before.get(segment.partner_id.id, False),
                    "margin": segment.gross_margin,
                }
                for segment in segments
            ],
            "points_total": total,
            "moves": [
                {"from": labels[old], "to": labels[new], "count": count}
                for (old, new), count in sorted(moves.items(), key=lambda item: -item[1])
            ],
            "empty_message": not total
            and self.env._(
                "No customer is placed in the portfolio yet: the nightly segment recompute places every customer "
                "with revenue in the window (a manager can start it now under Configuration > Settings)."
            ),
        }

    def action_open_partner(self):
        """The customer's form, on its Customer Retention tab."""
        self.ensure_one()
        view = self.env.ref("kundenbindung_addon.res_partner_view_form_kundenbindung_focus")
        return {
            "type": "ir.actions.act_window",
            "res_model": "res.partner",
            "res_id": self.partner_id.id,
            "view_mode": "form",
            "views": [(view.id, "form")],
        }
