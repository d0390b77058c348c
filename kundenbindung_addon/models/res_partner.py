# Copyright 2026 kundenbindung_addon authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import datetime
import json
import operator as op

import pandas as pd

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.osv import expression
from odoo.tools import SQL, Query

from ..engine.loyalty import tier_for, tier_ranges
from ..engine.nps import respondent_summary
from .groups import MANAGER, USER_ALL
from .groups import USER as GROUP
from .kundenbindung_customer_segment import ABC_SELECTION, CHURN_SELECTION, PORTFOLIO_SELECTION, RFM_SEGMENT_SELECTION
from .kundenbindung_duplicate import evidence_summary, evidence_words
from .kundenbindung_duplicate_detection import PARTNER_FIELDS
from .kundenbindung_nps_response import NPS_CATEGORY_SELECTION

# the kinds of records a duplicate's merge moves (kundenbindung_ref_<kind>)
# minutes after partners are created until they are checked for duplicates (a burst is checked once)
NEW_PARTNER_DELAY_MINUTES = 1

REFERENCE_KEYS = ("invoices", "orders", "cards", "answers", "messages", "activities", "contacts")

# partner field -> field of kundenbindung.customer.segment
SEGMENT_FIELD_MAP = {
    "kundenbindung_abc_class": "abc_class",
    "kundenbindung_revenue": "revenue",
    "kundenbindung_revenue_previous": "previous_revenue",
    "kundenbindung_revenue_trend": "trend",
    "kundenbindung_last_invoice_date": "last_purchase",
    "kundenbindung_recency_days": "recency_days",
    "kundenbindung_frequency": "frequency",
    "kundenbindung_rfm_r": "r_score",
    "kundenbindung_rfm_f": "f_score",
    "kundenbindung_rfm_m": "m_score",
    "kundenbindung_rfm_score": "rfm_score",
    "kundenbindung_rfm_segment": "rfm_segment",
    "kundenbindung_clv_historical": "historical_value",
    "kundenbindung_clv_predicted": "predicted_value",
    "kundenbindung_clv": "clv",
    "kundenbindung_churn_score": "churn_score",
    "kundenbindung_p_alive": "p_alive",
    "kundenbindung_churn_level": "churn_level",
    "kundenbindung_class_drop_date": "class_drop_date",
    "kundenbindung_cluster_id": "cluster_id",
    "kundenbindung_cluster_affinity": "cluster_affinity",
    "kundenbindung_next_category_ids": "next_category_ids",
    "kundenbindung_portfolio_field": "portfolio_field",
    "kundenbindung_gross_margin": "gross_margin",
    "kundenbindung_margin_percent": "margin_percent",
    "kundenbindung_contribution_margin": "contribution_margin",
    "kundenbindung_loyalty_index": "loyalty_index",
}
SEGMENT = "_compute_kundenbindung_segment"


class ResPartner(models.Model):
    _inherit = "res.partner"

    # The figures live in kundenbindung.customer.segment, one record per
    # customer and company; the partner shows those of the current company
    # and can be searched by them (filters, campaign targets).
    kundenbindung_segment_ids = fields.One2many(
        "kundenbindung.customer.segment", "partner_id", string="Segments", groups=GROUP
    )
    kundenbindung_abc_class = fields.Selection(
        ABC_SELECTION,
        string="ABC Class",
        compute=SEGMENT,
        search="_search_kundenbindung_abc_class",
        groups=GROUP,
        help="A: the best customers who bring the first share of the revenue (80 % by default), "
        "B: the next share (15 %), C: the rest; No revenue: no positive revenue in the window.",
    )
    kundenbindung_revenue = fields.Monetary(
        string="Revenue",
        currency_field="kundenbindung_currency_id",
        compute=SEGMENT,
        search="_search_kundenbindung_revenue",
        groups=GROUP,
        help="Untaxed revenue of the revenue window (invoices minus credit notes), in company currency.",
    )
    kundenbindung_revenue_previous = fields.Monetary(
        string="Previous Revenue",
        currency_field="kundenbindung_currency_id",
        compute=SEGMENT,
        groups=GROUP,
        help="Revenue of the window before the current one.",
    )
    kundenbindung_revenue_trend = fields.Float(
        string="Revenue Trend",
        compute=SEGMENT,
        groups=GROUP,
        help="Change of the revenue against the previous window.",
    )
    kundenbindung_last_invoice_date = fields.Date(string="Last Purchase", compute=SEGMENT, groups=GROUP)
    kundenbindung_recency_days = fields.Integer(string="Days Since Last Purchase", compute=SEGMENT, groups=GROUP)
    kundenbindung_frequency = fields.Integer(
        string="Purchases", compute=SEGMENT, groups=GROUP, help="Number of invoices in the revenue window."
    )
    kundenbindung_rfm_r = fields.Integer(string="Recency Score", compute=SEGMENT, groups=GROUP)
    kundenbindung_rfm_f = fields.Integer(string="Frequency Score", compute=SEGMENT, groups=GROUP)
    kundenbindung_rfm_m = fields.Integer(string="Monetary Score", compute=SEGMENT, groups=GROUP)
    kundenbindung_rfm_score = fields.Char(string="RFM Score", compute=SEGMENT, groups=GROUP)
    kundenbindung_loyalty_index = fields.Float(
        string="Loyalty Index",
        compute=SEGMENT,
        search="_search_kundenbindung_loyalty_index",
        groups=GROUP,
        digits=(16, 0),
        help="0-100: repurchase, cross buying, referrals and price-increase tolerance, ranked among all customers.",
    )
    kundenbindung_referred_by_id = fields.Many2one(
        "res.partner",
        string="Recommended By",
        index="btree_not_null",
        ondelete="set null",
        tracking=True,
        groups=GROUP,
        help="The customer who recommended this one. When this customer gets its first invoice, the recommending "
        "customer earns the referral points of the settings, once.",
    )
    kundenbindung_referral_campaign_id = fields.Many2one(
        "kundenbindung.campaign",
        string="Referral Campaign",
        compute="_compute_kundenbindung_referral_campaign_id",
        store=True,
        readonly=False,
        index="btree_not_null",
        ondelete="set null",
        tracking=True,
        groups=GROUP,
        domain="[('goal', '=', 'referral'), ('company_id', 'in', allowed_company_ids)]",
        help="The referral campaign this recommendation answers. Filled in when Recommended By is set and the "
        "recommending customer was reached by a referral campaign of the current company (launched, within the days "
        "it measures over, not in its control group); may be changed.",
    )
    kundenbindung_referral_code = fields.Char(
        string="Referral Code",
        compute="_compute_kundenbindung_referral_code",
        inverse="_inverse_kundenbindung_referral_code",
        groups=GROUP,
        help="The code of the recommending customer's loyalty card: entered here, it sets Recommended By.",
    )
    kundenbindung_referral_ids = fields.One2many(
        "res.partner", "kundenbindung_referred_by_id", string="Customers Recommended"
    )
    kundenbindung_referral_count = fields.Integer(string="Referrals", compute="_compute_kundenbindung_referral_count")
    kundenbindung_gross_margin = fields.Monetary(
        string="Gross Margin",
        currency_field="kundenbindung_currency_id",
        compute=SEGMENT,
        groups=GROUP,
        help="Revenue minus the cost of what was sold in the revenue window.",
    )
    kundenbindung_margin_percent = fields.Float(string="Margin %", compute=SEGMENT, groups=GROUP, digits=(16, 1))
    kundenbindung_contribution_margin = fields.Monetary(
        string="Contribution Margin",
        currency_field="kundenbindung_currency_id",
        compute=SEGMENT,
        groups=GROUP,
        help="Gross margin less the cost to serve: what the customer really brings.",
    )
    kundenbindung_portfolio_field = fields.Selection(
        PORTFOLIO_SELECTION,
        string="Portfolio",
        compute=SEGMENT,
        search="_search_kundenbindung_portfolio_field",
        groups=GROUP,
    )
    kundenbindung_rfm_segment = fields.Selection(
        RFM_SEGMENT_SELECTION,
        string="RFM Segment",
        compute=SEGMENT,
        search="_search_kundenbindung_rfm_segment",
        groups=GROUP,
    )
    kundenbindung_clv_historical = fields.Monetary(
        string="Historical Value",
        currency_field="kundenbindung_currency_id",
        compute=SEGMENT,
        groups=GROUP,
        help="Net revenue of the customer so far (in the history read, at least 36 months).",
    )
    kundenbindung_clv_predicted = fields.Monetary(
        string="Predicted 12-Month Value",
        currency_field="kundenbindung_currency_id",
        compute=SEGMENT,
        groups=GROUP,
        help="Revenue expected in the next 12 months: expected purchases times the expected value of a purchase.",
    )
    kundenbindung_clv = fields.Monetary(
        string="Lifetime Value",
        currency_field="kundenbindung_currency_id",
        compute=SEGMENT,
        search="_search_kundenbindung_clv",
        groups=GROUP,
        help="Historical value plus predicted 12-month value.",
    )
    kundenbindung_churn_score = fields.Float(
        string="Churn Risk",
        compute=SEGMENT,
        groups=GROUP,
        help="Probability that the customer buys nothing in the next 6 months, from the company's forecast model.",
    )
    kundenbindung_p_alive = fields.Float(
        string="Probability Active",
        compute=SEGMENT,
        groups=GROUP,
        help="Probability that the customer is still buying from you, from its purchases so far (not known for a "
        "customer who bought once).",
    )
    kundenbindung_churn_level = fields.Selection(
        CHURN_SELECTION,
        string="Churn Level",
        compute=SEGMENT,
        search="_search_kundenbindung_churn_level",
        groups=GROUP,
    )
    kundenbindung_class_drop_date = fields.Date(
        string="Slipped On",
        compute=SEGMENT,
        search="_search_kundenbindung_class_drop_date",
        groups=GROUP,
        help="Date of the last drop to a lower ABC class.",
    )
    kundenbindung_cluster_id = fields.Many2one(
        "kundenbindung.interest.cluster",
        string="Interest Cluster",
        compute=SEGMENT,
        search="_search_kundenbindung_cluster_id",
        groups=GROUP,
        help="Group of customers who buy a similar mix of product categories.",
    )
    kundenbindung_cluster_affinity = fields.Float(
        string="Cluster Affinity",
        compute=SEGMENT,
        groups=GROUP,
        help="How closely the customer's purchases match its cluster: 1 = the same mix, 0 = nothing in common.",
    )
    kundenbindung_next_category_ids = fields.Many2many(
        "product.category",
        string="Next Best Categories",
        compute=SEGMENT,
        search="_search_kundenbindung_next_category_ids",
        groups=GROUP,
        help="Categories that many customers of the same cluster buy and this customer does not: cross-selling ideas.",
    )
    kundenbindung_segments_date = fields.Date(string="Segments Computed On", compute=SEGMENT, groups=GROUP)
    kundenbindung_currency_id = fields.Many2one(
        "res.currency", string="Segment Currency", compute=SEGMENT, groups=GROUP
    )
    kundenbindung_class_history_ids = fields.One2many(
        "kundenbindung.class.history", "partner_id", string="Class History", groups=GROUP
    )

    kundenbindung_nps_response_ids = fields.One2many(
        "kundenbindung.nps.response", "commercial_partner_id", string="NPS Answers", groups=GROUP
    )
    kundenbindung_nps_score = fields.Integer(
        string="NPS Score",
        compute="_compute_kundenbindung_nps",
        groups=GROUP,
        help="The customer's latest answer (0-10) in the current company.",
    )
    kundenbindung_nps_category = fields.Selection(
        NPS_CATEGORY_SELECTION,
        string="NPS Category",
        compute="_compute_kundenbindung_nps",
        search="_search_kundenbindung_nps_category",
        groups=GROUP,
        help="Of the latest answer: promoter 9-10, passive 7-8, detractor 0-6.",
    )
    kundenbindung_nps_date = fields.Date(string="NPS Answered On", compute="_compute_kundenbindung_nps", groups=GROUP)
    kundenbindung_nps_count = fields.Integer(
        string="NPS Answers Given", compute="_compute_kundenbindung_nps", groups=GROUP
    )
    kundenbindung_nps_trend = fields.Integer(
        string="NPS Trend",
        compute="_compute_kundenbindung_nps",
        groups=GROUP,
        help="Latest score minus the one before.",
    )
    kundenbindung_loss_ids = fields.One2many(
        "kundenbindung.customer.loss", "partner_id", string="Marked Lost", groups=GROUP
    )

    kundenbindung_loyalty_points = fields.Float(
        string="Loyalty Points",
        compute="_compute_kundenbindung_loyalty",
        search="_search_kundenbindung_loyalty_points",
        groups=GROUP,
        help="Balance of the loyalty cards of the customer and its contacts in the loyalty programs of the "
        "current company (gift cards and eWallets are money, not points, and are not counted).",
    )
    kundenbindung_loyalty_tier_id = fields.Many2one(
        "kundenbindung.loyalty.tier",
        string="Loyalty Tier",
        compute="_compute_kundenbindung_loyalty",
        search="_search_kundenbindung_loyalty_tier_id",
        groups=GROUP,
    )

    kundenbindung_birthdate = fields.Date(
        string="Birth Date", help="For birthday greetings (occasions) and to tell two people apart."
    )
    kundenbindung_likely_duplicates = fields.Json(
        string="Likely Duplicates",
        compute="_compute_kundenbindung_likely_duplicates",
        help="Existing partners that are probably this one, checked while it is typed in the contact form, as "
        "the duplicate search would score them.",
    )
    kundenbindung_form_check = fields.Boolean(
        string="Checked for Duplicates",
        compute="_compute_kundenbindung_form_check",
        inverse="_inverse_kundenbindung_form_check",
        default=True,
        help="Set by the contact form: a partner saved from it is checked against the company's blocking score.",
    )

    @api.model
    def _kundenbindung_create_todos(self, todos):
        """One to-do per ``(partner, user, summary, note, deadline)``, created
        in one batch by the system (the caller chose who gets it); returns
        the activities in the order of ``todos``."""
        todo_type = self.env.ref("mail.mail_activity_data_todo", raise_if_not_found=False)
        model_id = self.env["ir.model"]._get_id("res.partner")
        return (
            self.env["mail.activity"]
            .sudo()
            .with_context(mail_activity_quick_update=True)
            .create(
                [
                    {
                        "res_model_id": model_id,
                        "res_id": partner.id,
                        "activity_type_id": todo_type.id if todo_type else False,
                        "summary": summary,
                        "note": note,
                        "user_id": user.id,
                        "date_deadline": deadline,
                    }
                    for partner, user, summary, note, deadline in todos
                ]
            )
        )

    @api.model
    def _kundenbindung_invoiced(self, partner_ids, company, date_from=None, date_to=None):
        """Commercial partner id -> untaxed revenue of ``company``'s posted
        customer invoices and credit notes (negative), contacts' included,
        optionally in [date_from, date_to); the customer is the one stored
        on the document, as for the segments."""
        Move = self.env["account.move"]
        Move.flush_model(["amount_untaxed_signed"])
        self.env.cr.execute(
            SQL(
                """SELECT move.commercial_partner_id, SUM(move.amount_untaxed_signed)
                     FROM account_move move
                    WHERE %s AND move.commercial_partner_id = ANY(%s)
                 GROUP BY move.commercial_partner_id""",
                Move._kundenbindung_documents_sql(company.ids, date_from, date_to),
                list(partner_ids),
            )
        )
        return {pid: float(amount or 0.0) for pid, amount in self.env.cr.fetchall()}

    def _kundenbindung_customer_domain(self, users):
        """Partners that are customers (never an employee, a partner of an
        internal user, nor a company's own partner) and, for each of
        ``users`` who sees only their own customers, theirs or unassigned
        ones: the one rule of who a campaign or a survey may reach."""
        companies = self.env["res.company"].sudo().with_context(active_test=False).search([("partner_id", "!=", False)])
        domain = [
            ("parent_id", "=", False),
            ("active", "=", True),
            ("id", "not in", companies.partner_id.ids),
            ("user_ids", "not any", [("share", "=", False)]),
        ]
        for user in users:
            if not user._is_superuser() and not user.has_group(USER_ALL):
                domain += ["|", ("user_id", "=", user.id), ("user_id", "=", False)]
        return domain

    @api.depends(*PARTNER_FIELDS.values(), "parent_id", "country_id", "company_id")
    @api.depends_context("uid", "company")
    def _compute_kundenbindung_likely_duplicates(self):
        self.kundenbindung_likely_duplicates = False
        # one partner at a time, as the form shows it (a list or an export reading the field checks none)
        if len(self) == 1 and self.env.user._is_internal():
            self.kundenbindung_likely_duplicates = self._kundenbindung_likely_duplicates() or False

    def _compute_kundenbindung_form_check(self):
        # the form sends this with a new partner: its save is checked against the blocking score
        self.kundenbindung_form_check = True

    def _inverse_kundenbindung_form_check(self):
        """Nothing kept: create reads the value before."""

    def _kundenbindung_likely_duplicates(self):
        """The existing partners this one (saved or being entered) probably
        is, once it has a name and one more value: a list of dicts (id,
        name, place, score, evidence in words) and whether saving a new one
        is blocked; None when there are none."""
        self.ensure_one()
        Detection = self.env["kundenbindung.duplicate.detection"]
        values = Detection._partner_values(self)
        more = [role for role in PARTNER_FIELDS if role not in ("name", "is_company")]
        if not values["name"].strip() or not any(values[role] for role in more):
            return None
        company = self.company_id or self.env.company
        found = Detection._probe(values, company, partner_id=self._origin.id or None)
        if found.empty:
            return None
        partners = self.browse([int(i) for i in found["b"]])
        block = company.sudo().kundenbindung_config_id.duplicate_block_score
        words = evidence_words(self.env)
        return {
            "matches": [
                {
                    "id": partner.id,
                    "name": partner.display_name,
                    "place": " ".join(filter(None, [partner.zip, partner.city])),
                    "score": float(score),
                    "evidence": evidence_summary(self.env, evidence, words=words),
                }
                for partner, score, evidence in zip(partners, found["score"], found["evidence"])
            ],
            "blocked": bool(block and found["score"].iloc[0] >= block and not self.env.user.has_group(MANAGER)),
        }

    @api.model_create_multi
    def create(self, vals_list):
        # partners saved from the contact form: none above the company's blocking score
        checked = [vals.pop("kundenbindung_form_check", False) for vals in vals_list]
        for vals, check in zip(vals_list, checked):
            if check:
                self._kundenbindung_check_blocked(vals)
        partners = super().create(vals_list)
        # whatever created them, the new partners are checked for duplicates in a minute
        # (a scheduled action of its own, so that the flow that created them waits for nothing)
        # (created by a visitor of the website too: the job is looked at as the system)
        cron = self.env.ref("kundenbindung_addon.ir_cron_kundenbindung_duplicates_new", raise_if_not_found=False)
        if cron and cron.sudo().active:
            cron.sudo()._trigger(fields.Datetime.now() + datetime.timedelta(minutes=NEW_PARTNER_DELAY_MINUTES))
        return partners

    @api.model
    def _kundenbindung_check_blocked(self, vals):
        """Refuse a new partner of the contact form that an existing one is
        at least the company's blocking score likely to be (managers may
        save it; 0: never blocked)."""
        if self.env.su or self.env.user.has_group(MANAGER):
            return
        company = self.env["res.company"].browse(vals.get("company_id")) or self.env.company
        if not company.sudo().kundenbindung_config_id.duplicate_block_score:
            return
        found = self.new(vals)._kundenbindung_likely_duplicates()
        if found and found["blocked"]:
            best = found["matches"][0]
            raise UserError(
                self.env._(
                    "%(name)s is probably %(existing)s already (%(score)s %% likely: %(evidence)s). Open the "
                    "existing partner from the warning and use it, or ask a Customer Retention manager to save "
                    "this one.",
                    name=vals.get("name"),
                    existing=best["name"],
                    score=best["score"],
                    evidence=best["evidence"],
                )
            )

    def _kundenbindung_check_user(self):
        """The partner's Customer Retention actions are for its users, on
        partners they may read (the views they open check the rest)."""
        if not self.env.su and not self.env.user.has_group(GROUP):
            raise AccessError(self.env._("Only Customer Retention users can do this."))
        self.check_access("read")

    def action_kundenbindung_new_campaign(self):
        """ "New Campaign" from a selection of customers: a draft campaign for
        them, opened. Created on the server: a selection of thousands given
        to the form as a default would take the web client seconds."""
        return self._kundenbindung_new_campaign({})

    def _kundenbindung_new_campaign(self, values):
        """The draft campaign for these customers, with ``values``, opened."""
        self._kundenbindung_check_user()
        customers = self.commercial_partner_id
        campaign = self.env["kundenbindung.campaign"].create(
            {
                "name": self.env._("Campaign for %(count)s customers", count=len(customers)),
                "partner_ids": [Command.set(customers.ids)],
                **values,
            }
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "kundenbindung.campaign",
            "res_id": campaign.id,
            "view_mode": "form",
            "target": "current",
        }

    # what a duplicate's merge would move: the side-by-side comparison
    kundenbindung_ref_invoices = fields.Integer(
        string="Invoice Count", compute="_compute_kundenbindung_references", groups=MANAGER
    )
    kundenbindung_ref_orders = fields.Integer(
        string="Order Count", compute="_compute_kundenbindung_references", groups=MANAGER
    )
    kundenbindung_ref_cards = fields.Integer(
        string="Loyalty Card Count", compute="_compute_kundenbindung_references", groups=MANAGER
    )
    kundenbindung_ref_answers = fields.Integer(
        string="NPS Answer Count", compute="_compute_kundenbindung_references", groups=MANAGER
    )
    kundenbindung_ref_messages = fields.Integer(
        string="Message Count", compute="_compute_kundenbindung_references", groups=MANAGER
    )
    kundenbindung_ref_activities = fields.Integer(
        string="Activity Count", compute="_compute_kundenbindung_references", groups=MANAGER
    )
    kundenbindung_ref_contacts = fields.Integer(
        string="Contact Count", compute="_compute_kundenbindung_references", groups=MANAGER
    )
    kundenbindung_ref_revenue = fields.Float(
        string="Invoiced",
        compute="_compute_kundenbindung_references",
        groups=MANAGER,
        help="Untaxed revenue of the posted customer invoices and credit notes in the current company.",
    )

    @api.depends_context("company")
    def _compute_kundenbindung_references(self):
        references = self._kundenbindung_references(self._origin, self.env.company)
        for partner in self:
            counts = references.get(partner._origin.id, {})
            for key in REFERENCE_KEYS:
                partner[f"kundenbindung_ref_{key}"] = len(counts.get(key, ()))
            partner.kundenbindung_ref_revenue = counts.get("revenue", 0.0)

    @api.model
    def _kundenbindung_references(self, partners, company):
        """Partner id -> the records that point at it and a merge would move
        (ids per kind: invoices, orders, loyalty cards, NPS answers, chatter
        messages, activities, contacts), their total, and the partner's
        invoiced revenue in ``company``. One query per kind."""
        ids = [pid for pid in partners.ids if pid]
        found = {pid: {key: [] for key in REFERENCE_KEYS} | {"revenue": 0.0, "total": 0} for pid in ids}
        if not ids:
            return found
        for model, names in (
            ("account.move", ["partner_id", "move_type", "amount_untaxed_signed", "state", "company_id"]),
            ("loyalty.card", ["partner_id"]),
            ("kundenbindung.nps.response", ["partner_id"]),
            ("mail.message", ["model", "res_id"]),
            ("mail.activity", ["res_model", "res_id"]),
            ("res.partner", ["parent_id", "commercial_partner_id"]),
        ):
            self.env[model].flush_model(names)
        queries = {
            "invoices": "SELECT partner_id, id FROM account_move WHERE partner_id = ANY(%(ids)s) "
            "AND move_type != 'entry'",
            "cards": "SELECT partner_id, id FROM loyalty_card WHERE partner_id = ANY(%(ids)s)",
            "answers": "SELECT partner_id, id FROM kundenbindung_nps_response WHERE partner_id = ANY(%(ids)s)",
            "messages": "SELECT res_id, id FROM mail_message WHERE model = 'res.partner' AND res_id = ANY(%(ids)s)",
            "activities": "SELECT res_id, id FROM mail_activity WHERE res_model = 'res.partner' "
            "AND res_id = ANY(%(ids)s)",
            "contacts": "SELECT parent_id, id FROM res_partner WHERE parent_id = ANY(%(ids)s)",
        }
        if "sale.order" in self.env:
            self.env["sale.order"].flush_model(["partner_id"])
            queries["orders"] = "SELECT partner_id, id FROM sale_order WHERE partner_id = ANY(%(ids)s)"
        cr = self.env.cr
        for key, query in queries.items():
            cr.execute(query + " ORDER BY id", {"ids": ids})
            for pid, rid in cr.fetchall():
                found[pid][key].append(rid)
        for pid, revenue in self._kundenbindung_invoiced(ids, company).items():
            found[pid]["revenue"] = revenue
        for counts in found.values():
            counts["total"] = sum(len(counts[key]) for key in REFERENCE_KEYS)
        return found

    @api.model
    def _kundenbindung_balance_sql(self, all_companies=False):
        """The loyalty balance per commercial partner and company (cards of
        loyalty programs only, contacts' cards included; a program of no
        company counts for every company) as a query with the columns
        partner_id, company_id and points: for the current company, or with
        ``all_companies`` for each. Read by the partner's figures, the
        searches on them (as a subquery) and the loyalty analysis."""
        self.env["loyalty.card"].flush_model(["partner_id", "points", "program_id", "active"])
        self.env["loyalty.program"].flush_model(["program_type", "company_id", "active"])
        self.flush_model(["commercial_partner_id"])
        return SQL(
            """SELECT partner.commercial_partner_id AS partner_id, company.id AS company_id,
                      SUM(card.points) AS points
                 FROM loyalty_card card
                 JOIN loyalty_program program ON program.id = card.program_id
                 JOIN res_partner partner ON partner.id = card.partner_id
                 JOIN res_company company ON company.id = program.company_id OR program.company_id IS NULL
                WHERE program.program_type = 'loyalty' AND program.active AND card.active %s
             GROUP BY partner.commercial_partner_id, company.id""",
            SQL() if all_companies else SQL("AND company.id = %s", self.env.company.id),
        )

    @api.model
    def _kundenbindung_loyalty_balances(self, partner_ids):
        """Commercial partner id -> loyalty points of the current company."""
        self.env.cr.execute(
            SQL(
                "SELECT partner_id, points FROM (%s) balance WHERE partner_id = ANY(%s)",
                self._kundenbindung_balance_sql(),
                list(partner_ids),
            )
        )
        return dict(self.env.cr.fetchall())

    def _kundenbindung_balance_domain(self, condition, with_zero):
        """Partners whose balance satisfies ``condition`` (SQL on the
        ``balance`` columns), and with ``with_zero`` also those without a
        card (0 points): a domain with subqueries, not lists of ids."""
        balance = self._kundenbindung_balance_sql()
        domain = [
            ("commercial_partner_id", "in", SQL("(SELECT partner_id FROM (%s) balance WHERE %s)", balance, condition))
        ]
        if with_zero:
            domain = [
                "|",
                *domain,
                ("commercial_partner_id", "not in", SQL("(SELECT partner_id FROM (%s) b)", balance)),
            ]
        return domain

    @api.depends("kundenbindung_referral_ids")
    def _compute_kundenbindung_referral_count(self):
        counts = dict(
            self._read_group(
                [("kundenbindung_referred_by_id", "in", self.ids)], ["kundenbindung_referred_by_id"], ["__count"]
            )
        )
        for partner in self:
            partner.kundenbindung_referral_count = counts.get(partner._origin, 0)

    @api.depends("kundenbindung_referred_by_id")
    def _compute_kundenbindung_referral_campaign_id(self):
        referrers = self.kundenbindung_referred_by_id.commercial_partner_id
        campaigns = self.env["kundenbindung.campaign"]._referral_campaigns(referrers) if referrers else {}
        for partner in self:
            referrer = partner.kundenbindung_referred_by_id.commercial_partner_id
            partner.kundenbindung_referral_campaign_id = campaigns.get(referrer.id, False)

    def _compute_kundenbindung_referral_code(self):
        # a way in, not a value kept: always empty when read
        self.kundenbindung_referral_code = False

    def _inverse_kundenbindung_referral_code(self):
        """The customer whose loyalty card (a loyalty program of the current
        company or of none) has the code recommended this one; an unknown
        code is refused and changes nothing."""
        for partner in self.filtered("kundenbindung_referral_code"):
            code = partner.kundenbindung_referral_code.strip()
            card = (
                self.env["loyalty.card"]
                .sudo()
                .search(
                    [
                        ("code", "=", code),
                        ("program_id.program_type", "=", "loyalty"),
                        ("company_id", "in", [False, self.env.company.id]),
                        ("partner_id", "!=", False),
                    ],
                    limit=1,
                )
            )
            if not card:
                raise UserError(self.env._("No loyalty card has the code %(code)s.", code=code))
            partner.kundenbindung_referred_by_id = card.partner_id.commercial_partner_id

    @api.constrains("kundenbindung_referred_by_id")
    def _check_kundenbindung_referred_by(self):
        for partner in self:
            referrer = partner.kundenbindung_referred_by_id
            if referrer and referrer.commercial_partner_id == partner.commercial_partner_id:
                raise ValidationError(
                    self.env._("%(customer)s cannot recommend itself.", customer=partner.display_name)
                )

    @api.depends_context("company")
    def _compute_kundenbindung_loyalty(self):
        commercial = {p.id: p._origin.commercial_partner_id.id for p in self}
        balances = self._kundenbindung_loyalty_balances([pid for pid in commercial.values() if pid])
        Tier = self.env["kundenbindung.loyalty.tier"]
        tiers = [(tier.id, tier.min_points) for tier in Tier._for_company(self.env.company)]
        for partner in self:
            points = balances.get(commercial[partner.id], 0.0)
            partner.kundenbindung_loyalty_points = points
            partner.kundenbindung_loyalty_tier_id = Tier.browse(tier_for(points, tiers))

    def _kundenbindung_search_number(self, label, value):
        """``value`` of a search on a figure as a number, or a translated
        error (not a TypeError from deep inside)."""
        if value is False or value is None:
            return 0.0
        try:
            return float(value)
        except (TypeError, ValueError):
            raise UserError(
                self.env._("Search %(field)s for a number, not %(value)s.", field=label, value=value)
            ) from None

    def _search_kundenbindung_loyalty_points(self, operator, value):
        if operator not in ("=", "!=", "<", "<=", ">", ">="):
            return expression.FALSE_DOMAIN
        value = self._kundenbindung_search_number(self._fields["kundenbindung_loyalty_points"].string, value)
        compare = {"=": op.eq, "!=": op.ne, "<": op.lt, "<=": op.le, ">": op.gt, ">=": op.ge}[operator]
        sql_operator = {"=": "=", "!=": "<>"}.get(operator, operator)
        # partners without a card have 0 points
        return self._kundenbindung_balance_domain(
            SQL("balance.points %s %s", SQL(sql_operator), value), with_zero=compare(0.0, value)
        )

    def _search_kundenbindung_loyalty_tier_id(self, operator, value):
        Tier = self.env["kundenbindung.loyalty.tier"]
        if isinstance(value, Query):
            # a condition on the tier ("Loyalty Tier > Name = Gold") arrives as a query of tiers
            value = Tier.search([("id", "in", value)]).ids
        if operator not in ("=", "in", "!=", "not in"):
            return expression.FALSE_DOMAIN
        wanted = value if isinstance(value, (list, tuple)) else [value]
        wanted_ids = {v for v in wanted if isinstance(v, int)} | set(
            Tier.search([("name", "in", [v for v in wanted if isinstance(v, str)])]).ids
        )
        tiers = [(tier.id, tier.min_points) for tier in Tier._for_company(self.env.company)]
        ranges = [bounds for tier, bounds in tier_ranges(tiers).items() if tier in wanted_ids]
        conditions = [
            SQL("(balance.points >= %s AND balance.points < %s)", low, high)
            if high is not None
            else SQL("balance.points >= %s", low)
            for low, high in ranges
        ]
        condition = SQL(" OR ").join(conditions) if conditions else SQL("FALSE")
        # partners without a card have 0 points
        domain = self._kundenbindung_balance_domain(condition, with_zero=tier_for(0.0, tiers) in wanted_ids)
        return domain if operator in ("=", "in") else ["!", *domain]

    def action_kundenbindung_loyalty_cards(self):
        """The customer's cards of loyalty programs (not gift cards or eWallets)."""
        self._kundenbindung_check_user()
        action = self.action_view_loyalty_cards()
        action["domain"] = [*action["domain"], ("program_type", "=", "loyalty")]
        return action

    # what the user may read decides (own customers' answers only, for some)
    @api.depends_context("company", "uid")
    @api.depends("kundenbindung_nps_response_ids.score", "kundenbindung_nps_response_ids.date")
    def _compute_kundenbindung_nps(self):
        ids = [pid for pid in self._origin.ids if pid]
        responses = self.env["kundenbindung.nps.response"].search_read(
            [("commercial_partner_id", "in", ids), ("company_id", "=", self.env.company.id)],
            ["commercial_partner_id", "date", "score"],
        )
        frame = pd.DataFrame(
            [
                {"respondent": r["commercial_partner_id"][0], "date": r["date"], "score": r["score"], "id": r["id"]}
                for r in responses
            ],
            columns=["respondent", "date", "score", "id"],
        )
        summary = respondent_summary(frame) if len(frame) else pd.DataFrame()
        for partner in self:
            pid = partner._origin.commercial_partner_id.id
            if pid in summary.index:
                row = summary.loc[pid]
                partner.kundenbindung_nps_score = int(row["score"])
                partner.kundenbindung_nps_category = row["category"]
                partner.kundenbindung_nps_date = row["date"]
                partner.kundenbindung_nps_count = int(row["answers"])
                partner.kundenbindung_nps_trend = 0 if pd.isna(row["trend"]) else int(row["trend"])
            else:
                partner.kundenbindung_nps_score = 0
                partner.kundenbindung_nps_category = False
                partner.kundenbindung_nps_date = False
                partner.kundenbindung_nps_count = 0
                partner.kundenbindung_nps_trend = 0

    def _search_kundenbindung_nps_category(self, operator, value):
        """Customers whose latest answer in the current company is of the
        category (or categories) given."""
        if operator not in ("=", "!=", "in", "not in"):
            return expression.FALSE_DOMAIN
        values = [value] if isinstance(value, str) or value is False else list(value)
        Response = self.env["kundenbindung.nps.response"]
        Response.flush_model(["commercial_partner_id", "company_id", "date", "category"])
        # the answers the user may read (their own customers' for "own customers" users), as subqueries
        visible = Response._search([("company_id", "=", self.env.company.id), ("commercial_partner_id", "!=", False)])
        categories = tuple(v for v in values if v)
        latest = SQL(
            """(SELECT commercial_partner_id FROM (
                    SELECT DISTINCT ON (commercial_partner_id) commercial_partner_id, category
                      FROM kundenbindung_nps_response
                     WHERE id IN %s
                  ORDER BY commercial_partner_id, date DESC, id DESC) latest
                 WHERE category IN %s)""",
            visible.subselect(),
            categories or (None,),
        )
        domain = [("id", "in", latest)]
        if False in values:
            answered = SQL(
                "(SELECT commercial_partner_id FROM kundenbindung_nps_response WHERE id IN %s)", visible.subselect()
            )
            domain = ["|", *domain, ("id", "not in", answered)]
        return domain if operator in ("=", "in") else ["!", *domain]

    def action_kundenbindung_mark_lost(self):
        self._kundenbindung_check_user()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Mark as Lost"),
            "res_model": "kundenbindung.mark.lost",
            "view_mode": "form",
            "target": "new",
            "context": {"default_partner_ids": [Command.set(self.commercial_partner_id.ids)]},
        }

    def action_kundenbindung_send_nps(self):
        self._kundenbindung_check_user()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Send NPS Survey"),
            "res_model": "kundenbindung.nps.send",
            "view_mode": "form",
            "target": "new",
            # the wizard's selection, not a many2many default (slow for thousands)
            "context": {"default_selection": json.dumps(self.commercial_partner_id.ids)},
        }

    # what the user may read decides (own customers' figures only, for some)
    @api.depends_context("company", "uid")
    @api.depends("kundenbindung_segment_ids")
    def _compute_kundenbindung_segment(self):
        company = self.env.company
        ids = [pid for pid in self._origin.ids if pid]
        segments = self.env["kundenbindung.customer.segment"].search(
            [("partner_id", "in", ids), ("company_id", "=", company.id)]
        )
        by_partner = {segment.partner_id.id: segment for segment in segments}
        for partner in self:
            segment = by_partner.get(partner._origin.id)
            partner.kundenbindung_currency_id = company.currency_id
            partner.kundenbindung_segments_date = company.kundenbindung_config_id.segments_date if segment else False
            for name, source in SEGMENT_FIELD_MAP.items():
                if segment:
                    partner[name] = segment[source]
                else:
                    partner[name] = (
                        self.env[self._fields[name].comodel_name] if self._fields[name].relational else False
                    )

    @api.model
    def _kundenbindung_invalidate(self):
        """Forget the cached Customer Retention figures: the recomputes
        write the records they are read from in SQL."""
        self.invalidate_model([name for name in self._fields if name.startswith("kundenbindung_")])

    def _kundenbindung_segment_search(self, source, operator, value):
        """Domain on partners whose segment figures in the current company
        satisfy ``(source, operator, value)``; a negative condition also
        finds partners without figures."""
        company_id = self.env.company.id
        field = self.env["kundenbindung.customer.segment"]._fields[source]
        if field.type in ("float", "monetary", "integer") and operator in ("=", "!=", "<", "<=", ">", ">="):
            value = self._kundenbindung_search_number(field.string, value) if value is not False else False
        elif field.type == "date" and value and isinstance(value, str):
            try:
                fields.Date.to_date(value)
            except ValueError:
                raise UserError(
                    self.env._("Search %(field)s for a date, not %(value)s.", field=field.string, value=value)
                ) from None
        elif field.type == "selection" and operator in ("=", "!=", "in", "not in") and value is not False:
            allowed = {key for key, _label in field._description_selection(self.env)}
            given = value if isinstance(value, (list, tuple)) else [value]
            unknown = [v for v in given if v not in allowed and v is not False]
            if unknown:
                raise UserError(
                    self.env._(
                        "%(field)s has no value %(value)s; it is one of %(allowed)s.",
                        field=field.string,
                        value=unknown[0],
                        allowed=", ".join(sorted(allowed)),
                    )
                )
        if operator in expression.NEGATIVE_TERM_OPERATORS and value is not False:
            positive = expression.TERM_OPERATORS_NEGATION[operator]
            return ["!", *self._kundenbindung_segment_search(source, positive, value)]
        if value is False and operator in ("=", "!="):
            inner = [("company_id", "=", company_id), (source, "!=", False)]
            domain = [("kundenbindung_segment_ids", "any", inner)]
            return domain if operator == "!=" else ["!", *domain]
        inner = [("company_id", "=", company_id), (source, operator, value)]
        return [("kundenbindung_segment_ids", "any", inner)]

    def _search_kundenbindung_abc_class(self, operator, value):
        return self._kundenbindung_segment_search("abc_class", operator, value)

    def _search_kundenbindung_revenue(self, operator, value):
        return self._kundenbindung_segment_search("revenue", operator, value)

    def _search_kundenbindung_loyalty_index(self, operator, value):
        return self._kundenbindung_segment_search("loyalty_index", operator, value)

    def _search_kundenbindung_portfolio_field(self, operator, value):
        return self._kundenbindung_segment_search("portfolio_field", operator, value)

    def _search_kundenbindung_rfm_segment(self, operator, value):
        return self._kundenbindung_segment_search("rfm_segment", operator, value)

    def _search_kundenbindung_clv(self, operator, value):
        return self._kundenbindung_segment_search("clv", operator, value)

    def _search_kundenbindung_churn_level(self, operator, value):
        return self._kundenbindung_segment_search("churn_level", operator, value)

    def _search_kundenbindung_class_drop_date(self, operator, value):
        return self._kundenbindung_segment_search("class_drop_date", operator, value)

    def _search_kundenbindung_cluster_id(self, operator, value):
        return self._kundenbindung_segment_search("cluster_id", operator, value)

    def _search_kundenbindung_next_category_ids(self, operator, value):
        return self._kundenbindung_segment_search("next_category_ids", operator, value)
