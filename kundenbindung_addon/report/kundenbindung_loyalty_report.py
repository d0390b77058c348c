# Copyright 2026 kundenbindung_addon authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models
from odoo.tools import SQL

from ..models.kundenbindung_customer_segment import ABC_SELECTION


class KundenbindungLoyaltyReport(models.Model):
    """Loyalty points per customer and company, with the customer's tier
    and ABC class: points and customers by tier and class."""

    _name = "kundenbindung.loyalty.report"
    _description = "Loyalty Points Analysis"
    _auto = False
    _order = "points desc"

    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    points = fields.Float(string="Loyalty Points", readonly=True)
    customer_count = fields.Integer(string="Customers", readonly=True)
    tier_id = fields.Many2one("kundenbindung.loyalty.tier", string="Loyalty Tier", readonly=True)
    abc_class = fields.Selection(ABC_SELECTION, string="ABC Class", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)

    # what the view reads: the ORM writes these to the database before it is queried
    _depends = {
        "loyalty.card": ["partner_id", "program_id", "points", "active"],
        "loyalty.program": ["program_type", "active", "company_id"],
        "res.partner": ["commercial_partner_id", "user_id"],
        "kundenbindung.loyalty.tier": ["active", "min_points", "company_id"],
        "kundenbindung.customer.segment": ["partner_id", "company_id", "abc_class"],
    }

    @property
    def _table_query(self):
        # one row per customer and company of a loyalty program (a program of no company
        # counts for each company)
        return SQL("%s %s %s", self._with(), self._select(), self._from())

    def _with(self):
        return SQL("WITH balance AS (%s)", self.env["res.partner"]._kundenbindung_balance_sql(all_companies=True))

    def _select(self):
        return SQL(
            """
            SELECT row_number() OVER (ORDER BY balance.partner_id, balance.company_id) AS id,
                   balance.partner_id,
                   balance.company_id,
                   balance.points,
                   1 AS customer_count,
                   (SELECT tier.id FROM kundenbindung_loyalty_tier tier
                     WHERE tier.active AND tier.min_points <= balance.points
                       AND (tier.company_id IS NULL OR tier.company_id = balance.company_id)
                  ORDER BY tier.min_points DESC, tier.id LIMIT 1) AS tier_id,
                   segment.abc_class,
                   partner.user_id
            """
        )

    def _from(self):
        return SQL(
            """
              FROM balance
              JOIN res_partner partner ON partner.id = balance.partner_id
         LEFT JOIN kundenbindung_customer_segment segment
                    ON segment.partner_id = balance.partner_id AND segment.company_id = balance.company_id
            """
        )
