# Copyright 2026 kundenbindung_addon authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Loyalty points on Odoo's loyalty app: points from posted invoices (and
back for credit notes, reset to draft and cancellation) written as loyalty
history lines of the customer's card, and tiers by points. Loyalty never
stops a posting: what fails is pending and caught up by a scheduled action."""

from odoo import api, fields, models
from odoo.exceptions import ValidationError


class KundenbindungLoyaltyTier(models.Model):
    """A level of the loyalty balance (e.g. Bronze, Silver, Gold)."""

    _name = "kundenbindung.loyalty.tier"
    _description = "Loyalty Tier"
    _order = "min_points, id"

    name = fields.Char(required=True, translate=True)
    min_points = fields.Float(string="From Points", required=True, default=0.0)
    company_id = fields.Many2one("res.company", help="Empty: a tier of every company.")
    color = fields.Integer()
    active = fields.Boolean(default=True)

    _sql_constraints = [("min_points_positive", "CHECK(min_points >= 0)", "A tier starts at 0 points or more.")]

    @api.constrains("min_points", "company_id", "active")
    def _check_kundenbindung_tier_points(self):
        """Two tiers that apply to one company cannot start at the same
        points: which one a customer reaches would be a matter of chance."""
        for tier in self.filtered("active"):
            scope = [False] if not tier.company_id else [False, tier.company_id.id]
            domain = [("id", "!=", tier.id), ("min_points", "=", tier.min_points)]
            if tier.company_id:
                domain.append(("company_id", "in", scope))
            clash = self.sudo().search(domain, limit=1)
            if clash:
                raise ValidationError(
                    self.env._(
                        "The loyalty tiers %(tier)s and %(other)s both start at %(points)s points; each tier needs "
                        "a threshold of its own.",
                        tier=tier.name,
                        other=clash.name,
                        points=tier.min_points,
                    )
                )

    @api.model
    def _for_company(self, company):
        return self.search([("company_id", "in", [False, company.id])], order="min_points desc, id")
