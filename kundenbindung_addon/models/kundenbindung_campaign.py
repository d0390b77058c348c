# Copyright 2026 kundenbindung_addon authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Targeted campaigns: a target built from the segments, reached through
an Odoo email marketing mailing, activities for the salespeople or a call
list, with a random control group and the effect on revenue."""

import datetime
import logging

import pandas as pd

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL

from ..engine.campaigns import control_split, effect
from ..engine.contracts import ContractError
from .client_actions import notification
from .groups import USER_ALL
from .kundenbindung_customer_segment import CHURN_SELECTION, PORTFOLIO_SELECTION, RFM_SEGMENT_SELECTION
from .kundenbindung_nps_response import NPS_CATEGORY_SELECTION

_logger = logging.getLogger(__name__)

GOALS = [
    ("winback", "Win back"),
    ("crosssell", "Cross-sell / up-sell"),
    ("thankyou", "Thank you"),
    ("nps", "NPS survey"),
    ("occasion", "Occasion"),
    ("reactivation", "Reactivation"),
    ("referral", "Ask for referrals"),
]
# the fields that narrow a campaign's target (_target_domain): one at least, or it would reach everyone
TARGET_FIELDS = (
    "abc_a",
    "abc_b",
    "abc_c",
    "rfm_segment",
    "portfolio_field",
    "loyalty_index_min",
    "churn_low",
    "churn_medium",
    "churn_high",
    "churn_lost",
    "cluster_ids",
    "nps_category",
    "tier_ids",
    "tag_ids",
    "salesperson_ids",
    "country_ids",
    "partner_ids",
)
# set by the campaign's actions and jobs only (with sudo, after their checks)
PROTECTED_FIELDS = (
    "state",
    "launched_date",
    "mailing_id",
    "recipient_count",
    "control_count",
    "activity_count",
    "revenue_before",
    "revenue_after",
    "uplift",
    "incremental_revenue",
    "control_before",
    "control_after",
    "uplift_margin",
    "effect_date",
    "sent",
    "opened",
    "clicked",
)
CHANNELS = [("email", "Email (mailing)"), ("activity", "Activities for the salespeople"), ("call_list", "Call list")]
STATES = [("draft", "Draft"), ("scheduled", "Scheduled"), ("running", "Running"), ("done", "Done")]


class KundenbindungCampaign(models.Model):
    """A campaign for a target of customers."""

    _name = "kundenbindung.campaign"
    _description = "Customer Retention Campaign"
    _inherit = ["mail.thread"]
    _order = "id desc"

    name = fields.Char(required=True, tracking=True)
    goal = fields.Selection(GOALS, required=True, default="winback", tracking=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    user_id = fields.Many2one("res.users", string="Responsible", default=lambda self: self.env.user, tracking=True)
    state = fields.Selection(STATES, default="draft", required=True, tracking=True, group_expand="_expand_states")
    channel = fields.Selection(CHANNELS, required=True, default="activity", tracking=True)
    launch_date = fields.Date(
        string="Launch On", help="Empty: launched at once. A later date schedules the campaign.", tracking=True
    )
    launched_date = fields.Date(string="Launched On", readonly=True)
    effect_days = fields.Integer(
        string="Measure Over (Days)",
        default=90,
        help="Revenue of the targeted customers in this many days after the launch, against as many days before.",
    )
    control_share = fields.Integer(
        string="Control Group (%)",
        default=0,
        help="A random share of the target (0-50 %) kept out of the campaign, to tell its effect from "
        "what would have happened anyway.",
    )
    cost_per_customer = fields.Monetary(
        currency_field="currency_id",
        help="Money spent per reached customer (gift, print, voucher). A campaign that costs money warns "
        "when it targets C customers.",
    )
    note = fields.Html(string="Message", help="The activity's note for the salesperson, or the mailing's body.")
    subject = fields.Char(string="Email Subject")

    # target
    abc_a = fields.Boolean(string="A Customers")
    abc_b = fields.Boolean(string="B Customers")
    abc_c = fields.Boolean(string="C Customers")
    rfm_segment = fields.Selection(RFM_SEGMENT_SELECTION, string="RFM Segment")
    loyalty_index_min = fields.Integer(
        string="Loyalty Index From",
        help="Only customers whose loyalty index (0-100) is at least this: 0 leaves it out of the target.",
    )
    portfolio_field = fields.Selection(
        PORTFOLIO_SELECTION,
        string="Portfolio",
        help="The customers of one field of the customer portfolio: develop the question marks, keep the stars.",
    )
    # several churn levels at once ("medium or high"), as the ABC classes
    churn_low = fields.Boolean(string="Low Churn Risk")
    churn_medium = fields.Boolean(string="Medium Churn Risk")
    churn_high = fields.Boolean(string="High Churn Risk")
    churn_lost = fields.Boolean(string="Lost Customers")
    cluster_ids = fields.Many2many("kundenbindung.interest.cluster", string="Interest Clusters")
    nps_category = fields.Selection(NPS_CATEGORY_SELECTION, string="NPS Category")
    tier_ids = fields.Many2many("kundenbindung.loyalty.tier", string="Loyalty Tiers")
    tag_ids = fields.Many2many("res.partner.category", string="Tags")
    salesperson_ids = fields.Many2many(
        "res.users", "kundenbindung_campaign_salesperson_rel", "campaign_id", "user_id", string="Salespeople"
    )
    country_ids = fields.Many2many("res.country", string="Countries")
    partner_ids = fields.Many2many(
        "res.partner",
        "kundenbindung_campaign_partner_rel",
        "campaign_id",
        "partner_id",
        string="Chosen Customers",
        help="Only these customers (a selection from a list); the other filters still apply.",
    )
    partner_count = fields.Integer(string="Number of Chosen Customers", compute="_compute_partner_count")
    target_count = fields.Integer(string="Customers in Target", compute="_compute_target")
    target_revenue = fields.Monetary(string="Revenue Covered", compute="_compute_target", currency_field="currency_id")
    target_c_count = fields.Integer(string="C Customers in Target", compute="_compute_target")
    cost_warning = fields.Char(compute="_compute_target")
    overlap_warning = fields.Char(compute="_compute_target")

    # launch and effect
    recipient_ids = fields.One2many("kundenbindung.campaign.recipient", "campaign_id", string="Recipients")
    recipient_count = fields.Integer(string="Reached", readonly=True)
    control_count = fields.Integer(string="Control Group", readonly=True)
    mailing_id = fields.Many2one("mailing.mailing", readonly=True, ondelete="set null")
    activity_count = fields.Integer(string="Activities", readonly=True)
    sent = fields.Integer(readonly=True)
    opened = fields.Integer(readonly=True)
    clicked = fields.Integer(readonly=True)
    revenue_before = fields.Monetary(
        readonly=True,
        currency_field="currency_id",
        aggregator="sum",
        help="Revenue of the reached customers in the days before the launch.",
    )
    revenue_after = fields.Monetary(
        readonly=True,
        currency_field="currency_id",
        aggregator="sum",
        help="Revenue of the reached customers in the days after the launch (so far).",
    )
    uplift = fields.Monetary(
        string="Uplift per Customer",
        readonly=True,
        currency_field="currency_id",
        aggregator="avg",
        help="Change of revenue per reached customer, minus the control group's change per customer.",
    )
    incremental_revenue = fields.Monetary(
        string="Revenue from the Campaign",
        readonly=True,
        currency_field="currency_id",
        aggregator="sum",
        help="Uplift per customer times the reached customers.",
    )
    control_before = fields.Monetary(
        string="Control Group Before",
        readonly=True,
        currency_field="currency_id",
        aggregator="sum",
        help="Revenue of the control group in the days before the launch.",
    )
    control_after = fields.Monetary(
        string="Control Group After",
        readonly=True,
        currency_field="currency_id",
        aggregator="sum",
        help="Revenue of the control group in the days after the launch (so far).",
    )
    uplift_margin = fields.Monetary(
        string="Margin of Chance",
        readonly=True,
        currency_field="currency_id",
        help="The uplift per customer lies within plus or minus this much in 9 of 10 campaigns like this one "
        "(90 % interval of the difference between the two groups). Empty without a control group of two or more.",
    )
    effect_uncertain = fields.Boolean(
        compute="_compute_effect_uncertain",
        help="The uplift is within its margin of chance: it cannot be told from chance yet.",
    )
    effect_date = fields.Date(string="Effect Measured On", readonly=True)
    referral_count = fields.Integer(
        string="Referrals",
        compute="_compute_referrals",
        help="New customers recommended by customers this referral campaign asked (Referral Campaign on the customer).",
    )
    referred_revenue = fields.Monetary(
        string="Revenue of Referred Customers",
        compute="_compute_referrals",
        currency_field="currency_id",
        help="Revenue of the company with the new customers this campaign brought, since its launch.",
    )

    @api.depends("effect_date", "uplift", "uplift_margin", "recipient_count", "control_count")
    def _compute_effect_uncertain(self):
        for campaign in self:
            too_few = campaign.recipient_count < 2 or campaign.control_count < 2
            campaign.effect_uncertain = bool(
                campaign.effect_date and (too_few or abs(campaign.uplift) <= campaign.uplift_margin)
            )

    @api.depends("goal", "launched_date")
    def _compute_referrals(self):
        asking = self.filtered(lambda c: c.goal == "referral")._origin
        referred = dict(
            self.env["res.partner"]._read_group(
                [("kundenbindung_referral_campaign_id", "in", asking.ids)],
                ["kundenbindung_referral_campaign_id"],
                ["id:array_agg"],
            )
        )
        for campaign in self:
            partner_ids = referred.get(campaign._origin, [])
            campaign.referral_count = len(partner_ids)
            _before, after = (
                campaign._revenues(partner_ids, campaign.launched_date, campaign.launched_date, None)
                if partner_ids and campaign.launched_date
                else ({}, {})
            )
            campaign.referred_revenue = sum(after.values())

    @api.model
    def _referral_campaigns(self, referrers):
        """Customer id -> the referral campaign of the current company that
        reached it (not as its control group) most recently, launched and
        still within its effect days: the campaign a recommendation it makes
        now answers."""
        today = fields.Date.context_today(self)
        recipients = self.env["kundenbindung.campaign.recipient"].search(
            [
                ("partner_id", "in", referrers.ids),
                ("control", "=", False),
                ("campaign_id.goal", "=", "referral"),
                ("campaign_id.state", "in", ("running", "done")),
                ("campaign_id.company_id", "=", self.env.company.id),
                ("campaign_id.launched_date", "<=", today),
            ]
        )
        found = {}
        for recipient in recipients.sorted(lambda r: (r.campaign_id.launched_date, r.campaign_id.id)):
            campaign = recipient.campaign_id
            if campaign.launched_date + datetime.timedelta(days=campaign.effect_days) >= today:
                found[recipient.partner_id.id] = campaign
        return found

    def action_view_referrals(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Referrals of %(campaign)s", campaign=self.name),
            "res_model": "res.partner",
            "view_mode": "list,form",
            "domain": [("kundenbindung_referral_campaign_id", "=", self.id)],
            "context": {"create": False},
        }

    @api.model
    def _expand_states(self, states, domain):
        return [key for key, _label in STATES]

    @api.constrains("control_share", "effect_days", "loyalty_index_min")
    def _check_numbers(self):
        for campaign in self:
            if not 0 <= campaign.loyalty_index_min <= 100:
                raise ValidationError(
                    self.env._("The loyalty index runs from 0 to 100, not %(value)s.", value=campaign.loyalty_index_min)
                )
            if not 0 <= campaign.control_share <= 50:
                raise ValidationError(
                    self.env._(
                        "The control group must be 0-50 %% of the target, not %(share)s %%.",
                        share=campaign.control_share,
                    )
                )
            if not 1 <= campaign.effect_days <= 730:
                raise ValidationError(
                    self.env._("The effect is measured over 1-730 days, not %(days)s.", days=campaign.effect_days)
                )

    # ------------------------------------------------------------------ target

    def _target_domain(self):
        """The campaign's customers as a domain on res.partner (the
        segment fields of the partner answer for the campaign's company)."""
        self.ensure_one()
        # customers only, and only those both the responsible and the user may reach
        responsible = self.user_id or self.env.user
        domain = self.env["res.partner"]._kundenbindung_customer_domain(responsible | self.env.user)
        classes = [c for c, on in (("A", self.abc_a), ("B", self.abc_b), ("C", self.abc_c)) if on]
        if classes:
            domain.append(("kundenbindung_abc_class", "in", classes))
        if self.rfm_segment:
            domain.append(("kundenbindung_rfm_segment", "=", self.rfm_segment))
        if self.portfolio_field:
            domain.append(("kundenbindung_portfolio_field", "=", self.portfolio_field))
        if self.loyalty_index_min:
            domain.append(("kundenbindung_loyalty_index", ">=", self.loyalty_index_min))
        levels = [level for level, _label in CHURN_SELECTION if self[f"churn_{level}"]]
        if levels:
            domain.append(("kundenbindung_churn_level", "in", levels))
        if self.cluster_ids:
            domain.append(("kundenbindung_cluster_id", "in", self.cluster_ids.ids))
        if self.nps_category:
            domain.append(("kundenbindung_nps_category", "=", self.nps_category))
        if self.tier_ids:
            domain.append(("kundenbindung_loyalty_tier_id", "in", self.tier_ids.ids))
        if self.tag_ids:
            domain.append(("category_id", "in", self.tag_ids.ids))
        if self.salesperson_ids:
            domain.append(("user_id", "in", self.salesperson_ids.ids))
        if self.country_ids:
            domain.append(("country_id", "in", self.country_ids.ids))
        if self.partner_ids:
            domain.append(("id", "in", self.partner_ids._origin.ids))
        return domain

    def _target(self):
        """The customers of the target the current user may see."""
        self.ensure_one()
        company = self.company_id or self.env.company
        return self.env["res.partner"].with_company(company).search(self._target_domain())

    @api.depends(*TARGET_FIELDS, "company_id", "cost_per_customer", "channel", "state")
    def _compute_target(self):
        for campaign in self:
            # without a filter a campaign is for nobody (it never goes to everyone): it shows none
            has_filter = any(campaign[name] for name in TARGET_FIELDS)
            target = campaign._target() if has_filter else self.env["res.partner"]
            company = campaign.company_id or self.env.company
            segments = self.env["kundenbindung.customer.segment"]._read_group(
                [("partner_id", "in", target.ids), ("company_id", "=", company.id)],
                ["abc_class"],
                ["revenue:sum", "__count"],
            )
            campaign.target_count = len(target)
            campaign.target_revenue = sum(revenue for _cls, revenue, _n in segments)
            campaign.target_c_count = sum(n for cls, _revenue, n in segments if cls == "C")
            campaign.cost_warning = (
                self.env._(
                    "%(count)s C customers are in the target of a campaign that costs money: leave them out "
                    "(untick C customers) and spend on the customers who bring the revenue.",
                    count=campaign.target_c_count,
                )
                if campaign.target_c_count and campaign.cost_per_customer
                else False
            )
            # customers a running campaign of the company is measuring already: a second one blurs both effects
            Recipient = self.env["kundenbindung.campaign.recipient"].sudo()
            busy = Recipient._read_group(
                [
                    ("partner_id", "in", target.ids),
                    ("campaign_id.company_id", "=", company.id),
                    ("campaign_id.state", "=", "running"),
                    ("campaign_id", "not in", campaign._origin.ids),
                ],
                [],
                ["partner_id:count_distinct"],
            )[0][0]
            campaign.overlap_warning = (
                self.env._(
                    "%(count)s customers of the target are already in a running campaign: their effect is "
                    "measured there, and both campaigns' results blur.",
                    count=busy,
                )
                if busy and campaign.state in ("draft", "scheduled")
                else False
            )

    # ------------------------------------------------------------------ actions

    def action_view_target(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Target of %(campaign)s", campaign=self.name),
            "res_model": "res.partner",
            "view_mode": "list,form",
            "domain": [("id", "in", self._target().ids)],
            "context": {"create": False},
        }

    def action_view_recipients(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Recipients of %(campaign)s", campaign=self.name),
            "res_model": "kundenbindung.campaign.recipient",
            "view_mode": "list",
            "domain": [("campaign_id", "=", self.id)],
            "context": {"search_default_reached": 1},
        }

    def action_view_mailing(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "mailing.mailing",
            "view_mode": "form",
            "res_id": self.mailing_id.id,
        }

    @api.model_create_multi
    def create(self, vals_list):
        # the defaults too: a default_state of the context (a kanban column's "+") is a value set by hand
        vals_list = [self._add_missing_default_values(vals) for vals in vals_list]
        for vals in vals_list:
            self.browse()._check_protected(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._check_protected(vals)
        res = super().write(vals)
        # a scheduled campaign turned into an email campaign is one scheduled by this user
        if vals.get("channel") == "email":
            self.filtered(lambda c: c.state == "scheduled")._check_mailing_rights()
        return res

    def _check_protected(self, vals):
        """What the campaign's actions set (its state, its launch, its
        results) is not written by hand; a campaign is given to someone
        else only by those who see all customers (it reaches the
        responsible's customers)."""
        if self.env.su:
            return
        # the web client sends a new record's defaults (draft, nothing launched) and unchanged values
        protected = sorted(
            name
            for name in set(vals) & set(PROTECTED_FIELDS)
            if (
                vals[name] not in (False, 0, 0.0, "draft")
                if not self
                else any(
                    self._fields[name].convert_to_write(campaign[name], campaign) != vals[name] for campaign in self
                )
            )
        )
        if protected:
            labels = ", ".join(self._fields[name]._description_string(self.env) for name in protected)
            raise AccessError(
                self.env._("%(fields)s of a campaign are set by its buttons, not by hand.", fields=labels)
            )
        if vals.get("user_id") and vals["user_id"] != self.env.uid and not self.env.user.has_group(USER_ALL):
            raise AccessError(self.env._("Only users who see all customers give a campaign to someone else."))

    def _check_mailing_rights(self):
        """An email campaign sends a mass mailing: only users with Email
        Marketing rights may launch or schedule one, as in Odoo's own app."""
        if self.env.is_superuser() or self.env.user.has_group("mass_mailing.group_mass_mailing_user"):
            return
        emails = self.filtered(lambda c: c.channel == "email")
        if emails:
            raise AccessError(
                self.env._(
                    "Only users with Email Marketing rights can launch or schedule the email campaign %(campaign)s.",
                    campaign=emails[0].name,
                )
            )

    def action_schedule(self):
        self.check_access("write")
        self._check_mailing_rights()
        for campaign in self:
            if not campaign.launch_date or campaign.launch_date <= fields.Date.context_today(self):
                raise UserError(
                    self.env._("Choose a launch date after today to schedule %(campaign)s.", campaign=campaign.name)
                )
        self.sudo().write({"state": "scheduled"})

    @api.depends("partner_ids")
    def _compute_partner_count(self):
        for campaign in self:
            campaign.partner_count = len(campaign.partner_ids)

    def action_send_test(self):
        """The email as the customers will read it, to the user's own address
        first: queued like any email, noted in the campaign's chatter."""
        self.ensure_one()
        self.check_access("write")
        self._check_mailing_rights()
        if self.channel != "email":
            raise UserError(self.env._("Only an email campaign sends a test mail."))
        if not self.subject:
            raise UserError(self.env._("An email campaign needs a subject."))
        user = self.env.user
        if not user.email:
            raise UserError(self.env._("Your user has no email address to send the test mail to."))
        self.env["mail.mail"].sudo().create(
            {
                "subject": self.env._("[Test] %(subject)s", subject=self.subject),
                "body_html": self.note or "",
                "email_from": self.company_id.email_formatted or user.email_formatted,
                "email_to": user.email_formatted,
                "auto_delete": True,
            }
        )
        self._message_log(body=self.env._("Test mail sent to %(email)s.", email=user.email))
        return notification(
            self.env._("Test mail"), self.env._("A test mail is on its way to %(email)s.", email=user.email)
        )

    def action_launch(self):
        """Launch now: the recipients are fixed (the control group drawn and
        kept out), then the channel reaches the others. Who may change the
        campaign launches it; an email campaign needs Email Marketing rights."""
        self.check_access("write")
        self._check_mailing_rights()
        for campaign in self:
            if campaign.state not in ("draft", "scheduled"):
                raise UserError(self.env._("%(campaign)s is launched already.", campaign=campaign.name))
            campaign._launch()
        return True

    def action_done(self):
        """Close: the effect measured one last time (by those who may change the campaign)."""
        self.check_access("write")
        self._update_effect()
        self.sudo().write({"state": "done"})

    def action_update_effect(self):
        """ "Update effect" now (by those who may change the campaign)."""
        self.check_access("write")
        self._update_effect()
        return True

    def action_draft(self):
        self.check_access("write")
        if any(c.state in ("running", "done") for c in self):
            raise UserError(self.env._("A launched campaign cannot go back to draft."))
        self.sudo().write({"state": "draft"})

    # ------------------------------------------------------------------ launch

    def _launch(self):
        self.ensure_one()
        if not any(self[name] for name in TARGET_FIELDS):
            raise UserError(
                self.env._(
                    "%(campaign)s has no target: choose the customers it is for (a class, segment, tag, "
                    "salesperson or a selection), it never goes to everyone.",
                    campaign=self.name,
                )
            )
        target = self._target()
        if self.channel == "email":
            # no address or blacklisted: not reachable by email, not in the target either
            target = target.filtered(lambda p: p.email_normalized and not p.is_blacklisted)
        if not target:
            raise UserError(self.env._("The target of %(campaign)s is empty: nobody to reach.", campaign=self.name))
        try:
            reached, control = control_split(target.ids, self.control_share, seed=self.id)
        except ContractError as error:
            if error.code != "control_empty":
                raise
            raise UserError(
                self.env._(
                    "%(campaign)s reaches %(count)s customers: a %(share)s %% control group would hold nobody, "
                    "and its effect could not be told from chance. Choose at least %(minimum)s customers, or set the "
                    "control group to 0 %%.",
                    campaign=self.name,
                    **error.params,
                )
            ) from None
        Recipient = self.env["kundenbindung.campaign.recipient"].sudo()
        Recipient.create(
            [{"campaign_id": self.id, "partner_id": pid, "control": False} for pid in reached]
            + [{"campaign_id": self.id, "partner_id": pid, "control": True} for pid in control]
        )
        partners = self.env["res.partner"].browse(reached)
        values = {
            "state": "running",
            "launched_date": fields.Date.context_today(self),
            "recipient_count": len(reached),
            "control_count": len(control),
        }
        if self.channel == "email":
            values["mailing_id"] = self._create_mailing(partners).id
        elif self.channel == "activity":
            values["activity_count"] = self._create_activities(partners)
        self.sudo().write(values)
        self.message_post(
            body=self.env._(
                "Launched: %(reached)s customers reached, %(control)s kept out as the control group.",
                reached=len(reached),
                control=len(control),
            )
        )

    def _create_mailing(self, partners):
        """An email marketing mailing to the reached customers, sent by
        Odoo's email marketing (opt-outs and the blacklist respected again
        when it sends)."""
        if not self.subject:
            raise UserError(self.env._("An email campaign needs a subject."))
        body = self.note or ""
        mailing = (
            self.env["mailing.mailing"]
            .sudo()
            .create(
                {
                    "subject": self.subject,
                    "body_arch": body,
                    "body_html": body,
                    "mailing_model_id": self.env["ir.model"]._get_id("res.partner"),
                    "mailing_domain": repr([("id", "in", partners.ids)]),
                    "user_id": (self.user_id or self.env.user).id,
                }
            )
        )
        mailing.action_launch()
        return mailing

    def _create_activities(self, partners):
        """One to-do per customer for its salesperson (or the campaign's
        responsible), with the campaign's message."""
        deadline = fields.Date.context_today(self) + datetime.timedelta(days=7)
        activities = self.env["res.partner"]._kundenbindung_create_todos(
            [
                (partner, partner.user_id or self.user_id or self.env.user, self.name, self.note, deadline)
                for partner in partners.sudo()
            ]
        )
        return len(activities)

    # ------------------------------------------------------------------ effect

    def _update_effect(self, today=None):
        """Mailing statistics and revenue of the reached customers and of
        the control group in the days after the launch against as many days
        before. Set-based: per campaign one query for its recipients, one
        per period for their revenue, and one statement that writes the
        recipients whose figures changed."""
        today = today or fields.Date.context_today(self)
        Recipient = self.env["kundenbindung.campaign.recipient"]
        Recipient.flush_model(["campaign_id", "partner_id", "control", "revenue_before", "revenue_after"])
        cr = self.env.cr
        for campaign in self.filtered("launched_date"):
            start = campaign.launched_date
            days = datetime.timedelta(days=campaign.effect_days)
            end = min(start + days, today)
            cr.execute(
                "SELECT id, partner_id, control FROM kundenbindung_campaign_recipient WHERE campaign_id = %s",
                [campaign.id],
            )
            frame = pd.DataFrame(cr.fetchall(), columns=["id", "partner", "control"])
            before, after = campaign._revenues(frame["partner"].tolist(), start - (end - start), start, end)
            frame["control"] = frame["control"].fillna(False).astype(bool)
            frame["before"] = frame["partner"].map(before).fillna(0.0).round(2)
            frame["after"] = frame["partner"].map(after).fillna(0.0).round(2)
            result = effect(frame)
            values = {
                "revenue_before": result["targeted_before"],
                "revenue_after": result["targeted_after"],
                "uplift": result["uplift"],
                "incremental_revenue": result["incremental_revenue"],
                "control_before": result["control_before"],
                "control_after": result["control_after"],
                "uplift_margin": result["uplift_margin"] or 0.0,
                "effect_date": today,
            }
            if campaign.mailing_id:
                mailing = campaign.mailing_id.sudo()
                values.update({"sent": mailing.sent, "opened": mailing.opened, "clicked": mailing.clicked})
            campaign.sudo().write(values)
            if len(frame):
                cr.execute(
                    SQL(
                        """UPDATE kundenbindung_campaign_recipient recipient
                              SET revenue_before = figures.before, revenue_after = figures.after
                             FROM (SELECT UNNEST(%s::int[]) AS id, UNNEST(%s::numeric[]) AS before,
                                          UNNEST(%s::numeric[]) AS after) figures
                            WHERE recipient.id = figures.id
                              AND (recipient.revenue_before, recipient.revenue_after)
                                  IS DISTINCT FROM (figures.before, figures.after)""",
                        frame["id"].tolist(),
                        frame["before"].tolist(),
                        frame["after"].tolist(),
                    )
                )
        Recipient.invalidate_model(["revenue_before", "revenue_after"])

    def _revenues(self, partner_ids, date_from, start, date_to):
        """Customer id -> revenue of the campaign's company in [date_from,
        start) and in [start, date_to), both read in one pass."""
        if not partner_ids:
            return {}, {}
        Move = self.env["account.move"]
        Move.flush_model(["amount_untaxed_signed"])
        self.env.cr.execute(
            SQL(
                """SELECT move.commercial_partner_id,
                          SUM(move.amount_untaxed_signed) FILTER (WHERE move.invoice_date < %s),
                          SUM(move.amount_untaxed_signed) FILTER (WHERE move.invoice_date >= %s)
                     FROM account_move move
                    WHERE %s AND move.commercial_partner_id = ANY(%s)
                 GROUP BY move.commercial_partner_id""",
                start,
                start,
                Move._kundenbindung_documents_sql(self.company_id.ids, date_from, date_to),
                list(partner_ids),
            )
        )
        before, after = {}, {}
        for pid, amount_before, amount_after in self.env.cr.fetchall():
            before[pid] = float(amount_before or 0.0)
            after[pid] = float(amount_after or 0.0)
        return before, after

    @api.model
    def _cron_campaigns(self):
        """Daily: launch the campaigns due today, update the effect of the
        running ones, close those whose measuring period is over."""
        today = fields.Date.context_today(self)
        for campaign in self.search([("state", "=", "scheduled"), ("launch_date", "<=", today)]):
            try:
                with self.env.cr.savepoint():
                    campaign._launch()
            except Exception as error:  # noqa: BLE001 - one campaign must not stop the others
                _logger.warning("Customer Retention: campaign %s could not be launched: %s", campaign.id, error)
                campaign.sudo().write({"state": "draft"})
                campaign.message_post(
                    body=self.env._(
                        "The scheduled launch failed and the campaign is back in draft: %(error)s", error=str(error)
                    )
                )
        running = self.search([("state", "=", "running")])
        running._update_effect(today)
        running.filtered(lambda c: c.launched_date + datetime.timedelta(days=c.effect_days) <= today).sudo().write(
            {"state": "done"}
        )
