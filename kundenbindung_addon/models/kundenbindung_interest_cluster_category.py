# Copyright 2026 kundenbindung_addon authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class KundenbindungInterestClusterCategory(models.Model):
    """A product category in a cluster's profile."""

    _name = "kundenbindung.interest.cluster.category"
    _description = "Interest Cluster Category"
    _order = "cluster_id, sequence, id"
    _log_access = False

    cluster_id = fields.Many2one(
        "kundenbindung.interest.cluster", required=True, ondelete="cascade", index=True, readonly=True
    )
    company_id = fields.Many2one(related="cluster_id.company_id", store=True, index=True)
    sequence = fields.Integer(readonly=True)
    category_id = fields.Many2one("product.category", string="Product Category", required=True, readonly=True)
    share = fields.Float(
        string="Average Share", readonly=True, help="Average share of this category in the members' revenue."
    )
    penetration = fields.Float(
        string="Customers Buying", readonly=True, help="Share of the members who buy this category."
    )

    @api.depends("category_id")
    def _compute_display_name(self):
        for line in self:
            line.display_name = line.category_id.display_name
