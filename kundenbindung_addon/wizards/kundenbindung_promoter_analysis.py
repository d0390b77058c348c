# Copyright 2026 kundenbindung_addon authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What makes promoters different: the customers who answered the NPS, as
far as the user may see them, compared promoters against the others over
what the database knows of them (``engine.loyalty_signals.promoter_drivers``),
in words."""

import pandas as pd

from odoo import api, fields, models
from odoo.tools import SQL, formatLang

from ..engine.contracts import window_bounds
from ..engine.loyalty_signals import promoter_drivers


class KundenbindungPromoterAnalysis(models.TransientModel):
    _name = "kundenbindung.promoter.analysis"
    _description = "What Makes Promoters Different"

    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, readonly=True)
    answered = fields.Integer(string="Customers Who Answered", readonly=True)
    promoters = fields.Integer(readonly=True)
    others = fields.Integer(string="Passives and Detractors", readonly=True)
    line_ids = fields.One2many(
        "kundenbindung.promoter.analysis.line", "analysis_id", string="Differences", readonly=True
    )
    summary = fields.Char(readonly=True)

    def _compute_display_name(self):
        for analysis in self:
            analysis.display_name = self.env._("What Makes Promoters Different")

    @api.model
    def action_open(self):
        """Analyse the current company's answers as the user may see them
        and show what sets the promoters apart."""
        analysis = self.create({})
        analysis._analyse()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("What Makes Promoters Different"),
            "res_model": self._name,
            "res_id": analysis.id,
            "view_mode": "form",
            "target": "current",
        }

    def _attributes(self):
        """One row per customer with an NPS answer the user may read (its
        latest category), and the columns compared: the product categories
        it bought, its salesperson, ABC class, loyalty tier, region,
        purchases, interval, tenure, cross buying, loyalty index, whether it
        pays late and, where Stock is installed, how late its deliveries
        came. Returns (attributes, category, labels: column -> (kind, label))."""
        self.ensure_one()
        company = self.company_id
        responses = self.env["kundenbindung.nps.response"].search_fetch(
            [("company_id", "=", company.id), ("commercial_partner_id", "!=", False)],
            ["commercial_partner_id", "category", "date"],
            order="date desc, id desc",
        )
        category = {}
        for response in responses:
            category.setdefault(response.commercial_partner_id.id, response.category)
        segments = self.env["kundenbindung.customer.segment"].search_fetch(
            [("company_id", "=", company.id), ("partner_id", "in", list(category))],
            ["partner_id", "user_id", "abc_class", "frequency", "interval_days", "cross_buying", "loyalty_index"]
            + ["serve_payment_delay", "loyalty_tier_id"],
        )
        if not segments:
            return pd.DataFrame(), pd.Series(dtype=object), {}
        labels = {}
        abc = dict(self.env["kundenbindung.customer.segment"]._fields["abc_class"]._description_selection(self.env))
        rows = {}
        for segment in segments:
            partner = segment.partner_id
            region = partner.state_id.name or (
                self.env._("postcode area %(digit)s", digit=partner.zip[0]) if partner.zip else None
            )
            rows[partner.id] = {
                "salesperson": segment.user_id.name or None,
                "abc_class": abc.get(segment.abc_class),
                "tier": segment.loyalty_tier_id.name or None,
                "region": region,
                "purchases": segment.frequency,
                "interval_days": segment.interval_days or None,
                "cross_buying": segment.cross_buying,
                "loyalty_index": segment.loyalty_index or None,
                "pays_late": bool(segment.serve_payment_delay),
            }
        labels.update(
            salesperson=("value", self.env._("Salesperson")),
            abc_class=("value", self.env._("ABC Class")),
            tier=("value", self.env._("Loyalty Tier")),
            region=("value", self.env._("Region")),
            purchases=("number", self.env._("purchases in the window")),
            interval_days=("number", self.env._("days between purchases")),
            cross_buying=("number", self.env._("cross buying (%)")),
            loyalty_index=("number", self.env._("loyalty index")),
            pays_late=("flag", self.env._("pays late")),
        )
        attributes = pd.DataFrame.from_dict(rows, orient="index")
        # tenure: years since the customer's first document in the company
        self.env.cr.execute(
            SQL(
                "SELECT move.commercial_partner_id, MIN(move.invoice_date) FROM account_move move "
                "WHERE %s AND move.commercial_partner_id = ANY(%s) GROUP BY 1",
                self.env["account.move"]._kundenbindung_documents_sql(company.ids),
                [int(pid) for pid in attributes.index],
            )
        )
        today = fields.Date.context_today(self)
        first = {pid: (today - day).days / 365.25 for pid, day in self.env.cr.fetchall() if day}
        attributes["tenure_years"] = pd.Series(first, dtype="float64").reindex(attributes.index)
        labels["tenure_years"] = ("number", self.env._("years as a customer"))
        start, end = window_bounds(fields.Date.context_today(self), company.kundenbindung_config_id.window_months)
        if "stock.picking" in self.env:
            late_days, late = self._delivery_delays(attributes.index, start.date(), end.date())
            attributes["late_days"] = pd.Series(late_days, dtype="float64").reindex(attributes.index)
            attributes["delivered_late"] = attributes.index.isin([pid for pid, was_late in late.items() if was_late])
            labels["late_days"] = ("number", self.env._("days late per delivery"))
            labels["delivered_late"] = ("flag", self.env._("received a delivery late"))
        purchases = self.env["kundenbindung.clustering"]._purchases(company, start.date(), end.date())
        purchases = purchases[purchases["customer"].isin(attributes.index) & (purchases["amount"] > 0)]
        for categ in self.env["product.category"].browse(sorted(int(c) for c in purchases["category"].unique())):
            column = f"category_{categ.id}"
            bought = set(purchases.loc[purchases["category"] == categ.id, "customer"])
            attributes[column] = attributes.index.isin(bought)
            labels[column] = ("bought", categ.name)
        return attributes, pd.Series(category), labels

    def _delivery_delays(self, partner_ids, date_from, date_to):
        """Where Stock is installed: per customer, the mean days its
        deliveries of the company done in [date_from, date_to) came after
        the date promised (the deadline, else the scheduled date), and
        whether one came late. Returns (days late, came late) by customer."""
        Picking = self.env["stock.picking"]
        Picking.flush_model(["state", "company_id", "partner_id", "picking_type_id", "date_done", "return_id"])
        Picking.flush_model(["scheduled_date", "date_deadline"])
        self.env["res.partner"].flush_model(["commercial_partner_id"])
        # calendar days where the user lives, not in UTC
        tz = self.env.user.tz or self.company_id.partner_id.tz or "UTC"
        self.env.cr.execute(
            SQL(
                """SELECT partner.commercial_partner_id, AVG(GREATEST(late.days, 0)), BOOL_OR(late.days > 0)
                     FROM stock_picking picking
                     JOIN stock_picking_type picking_type ON picking_type.id = picking.picking_type_id
                     JOIN res_partner partner ON partner.id = picking.partner_id
                    CROSS JOIN LATERAL (
                          SELECT (picking.date_done AT TIME ZONE 'UTC' AT TIME ZONE %(tz)s)::date
                                 - (COALESCE(picking.date_deadline, picking.scheduled_date)
                                    AT TIME ZONE 'UTC' AT TIME ZONE %(tz)s)::date AS days) late
                    WHERE picking_type.code = 'outgoing' AND picking.state = 'done'
                      -- a return of goods received goes out too, but is no delivery
                      AND picking.return_id IS NULL
                      AND picking.company_id = %(company)s
                      AND picking.date_done >= %(date_from)s AND picking.date_done < %(date_to)s
                      AND partner.commercial_partner_id = ANY(%(partners)s)
                 GROUP BY partner.commercial_partner_id""",
                tz=tz,
                company=self.company_id.id,
                date_from=date_from,
                date_to=date_to,
                partners=[int(pid) for pid in partner_ids],
            )
        )
        late_days, late = {}, {}
        for pid, days, was_late in self.env.cr.fetchall():
            late_days[pid], late[pid] = float(days), bool(was_late)
        return late_days, late

    def _sentence(self, row, labels):
        kind, label = labels[row["attribute"]]

        def share(value):
            return formatLang(self.env, 100.0 * value, digits=0)

        named = label if kind != "value" else "%s %s" % (label, row["value"])
        if kind in ("bought", "flag", "value") and not row["other_value"]:
            return self.env._(
                "Only promoters: %(attribute)s (%(promoters)s %% of them, none of the others)",
                attribute=named,
                promoters=share(row["promoter_value"]),
            )
        if kind in ("bought", "flag", "value") and not row["promoter_value"]:
            return self.env._(
                "Never among promoters: %(attribute)s (%(others)s %% of the others)",
                attribute=named,
                others=share(row["other_value"]),
            )
        ratio = formatLang(self.env, row["ratio"], digits=1)
        if kind == "bought":
            return self.env._(
                "Promoters buy %(category)s %(ratio)s times as often (%(promoters)s %% against %(others)s %%)",
                category=label,
                ratio=ratio,
                promoters=share(row["promoter_value"]),
                others=share(row["other_value"]),
            )
        if kind == "flag":
            return self.env._(
                "Among promoters, '%(attribute)s' is %(ratio)s times as frequent (%(promoters)s %% against "
                "%(others)s %%)",
                attribute=label,
                ratio=ratio,
                promoters=share(row["promoter_value"]),
                others=share(row["other_value"]),
            )
        if kind == "number":
            return self.env._(
                "Promoters: %(promoters)s %(attribute)s on average, the others %(others)s",
                attribute=label,
                promoters=formatLang(self.env, row["promoter_value"], digits=1),
                others=formatLang(self.env, row["other_value"], digits=1),
            )
        return self.env._(
            "Among promoters, %(attribute)s %(value)s is %(ratio)s times as frequent (%(promoters)s %% against "
            "%(others)s %%)",
            attribute=label,
            value=row["value"],
            ratio=ratio,
            promoters=share(row["promoter_value"]),
            others=share(row["other_value"]),
        )

    def _analyse(self):
        self.ensure_one()
        attributes, category, labels = self._attributes()
        category = category.reindex(attributes.index)
        drivers = promoter_drivers(attributes, category) if len(attributes) else pd.DataFrame()
        promoters = int((category == "promoter").sum())
        values = {"answered": len(attributes), "promoters": promoters, "others": len(attributes) - promoters}
        values["line_ids"] = [
            fields.Command.create(
                {
                    "sequence": k,
                    "sentence": self._sentence(row, labels),
                    "promoter_value": row["promoter_value"],
                    "other_value": row["other_value"],
                    # only promoters (the others' share 0): no finite ratio, the sentence says so
                    "ratio": min(row["ratio"], 999.0),
                    "promoters": row["promoters"],
                    "others": row["others"],
                    "q_value": row["q_value"],
                }
            )
            for k, (_i, row) in enumerate(drivers.iterrows())
        ]
        values["summary"] = (
            self.env._(
                "Significant differences: %(count)s (corrected for the %(answered)s answers and the number of "
                "attributes compared).",
                count=len(drivers),
                answered=len(attributes),
            )
            if len(drivers)
            else self.env._(
                "Nothing sets the promoters apart significantly among these %(answered)s answers: too few answers, "
                "or no difference larger than chance.",
                answered=len(attributes),
            )
        )
        self.write(values)


class KundenbindungPromoterAnalysisLine(models.TransientModel):
    _name = "kundenbindung.promoter.analysis.line"
    _description = "What Makes Promoters Different: a Difference"
    _order = "sequence"

    analysis_id = fields.Many2one("kundenbindung.promoter.analysis", required=True, ondelete="cascade")
    sequence = fields.Integer()
    sentence = fields.Char(string="Difference", readonly=True)
    promoter_value = fields.Float(string="Promoters", readonly=True, digits=(16, 2))
    other_value = fields.Float(string="Others", readonly=True, digits=(16, 2))
    ratio = fields.Float(readonly=True, digits=(16, 1))
    promoters = fields.Integer(string="Promoters Counted", readonly=True)
    others = fields.Integer(string="Others Counted", readonly=True)
    q_value = fields.Float(
        string="p (Corrected)",
        readonly=True,
        digits=(16, 4),
        help="The probability of a difference this large by chance alone, corrected for the number of attributes "
        "compared (Benjamini-Hochberg): the smaller, the surer.",
    )
