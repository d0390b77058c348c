# Copyright 2026 kundenbindung_addon authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.osv import expression
from odoo.tools import SQL

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
