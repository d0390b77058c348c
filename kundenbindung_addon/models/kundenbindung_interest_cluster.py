# Copyright 2026 kundenbindung_addon authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

# context key of the recompute: its names are generated, not edited
GENERATED = "kundenbindung_generated_name"


# who may read figures summed over all customers: those who see all customers, and invoice readers
ALL_REVENUE = (
    "kundenbindung_addon.group_kundenbindung_user_all,account.group_account_invoice,account.group_account_readonly"
)


class KundenbindungInterestCluster(models.Model):
    """A group of customers of one company who buy a similar mix of product
    categories, found by the interest clustering (``kundenbindung.clustering``).

    The recompute keeps a cluster's record while the group barely moves (its
    profile is matched to the previous ones), archives clusters that vanish
    and creates new ones. The name is generated from the dominant
    categories; a name edited by a user is kept on every recompute.
    """

    _name = "kundenbindung.interest.cluster"
    _description = "Interest Cluster"
    _order = "company_id, size desc, id"
    _check_company_auto = True

    name = fields.Char(required=True, help="Generated from the dominant categories; you can rename it.")
    generated_name = fields.Char(
        readonly=True, help="The name generated from the dominant categories at the last recompute."
    )
    name_edited = fields.Boolean(
        string="Renamed",
        readonly=True,
        help="The name was edited by a user and is kept when the clusters are recomputed.",
    )
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    color = fields.Integer()
    note = fields.Html(
        string="Message Ideas",
        help="What to tell this group: offers, arguments, occasions. For your team's campaigns.",
    )
    size = fields.Integer(string="Customers", readonly=True)
    # the members' revenue sums up customers of all salespeople: for those who see all of them
    revenue = fields.Monetary(readonly=True, groups=ALL_REVENUE, help="Revenue of the members in the revenue window.")
    revenue_share = fields.Float(
        readonly=True, groups=ALL_REVENUE, help="Share of the members in the revenue of all customers."
    )
    top_categories = fields.Char(readonly=True, help="The dominant categories with their average share.")
    category_line_ids = fields.One2many(
        "kundenbindung.interest.cluster.category", "cluster_id", string="Categories", readonly=True
    )
    profile = fields.Json(
        readonly=True,
        copy=False,
        help="Average revenue share per product category of the members: the centre the next recompute compares with.",
    )
    segment_ids = fields.One2many("kundenbindung.customer.segment", "cluster_id", string="Members", readonly=True)
    computed_date = fields.Date(string="Computed On", readonly=True)

    def write(self, vals):
        if "name" in vals and not self.env.context.get(GENERATED):
            vals = dict(vals, name_edited=True)
        return super().write(vals)

    def action_reset_name(self):
        """Back to the generated name, which follows the data again."""
        for cluster in self:
            cluster.with_context(**{GENERATED: True}).write(
                {"name": cluster.generated_name or cluster.name, "name_edited": False}
            )

    def action_open_members(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "kundenbindung_addon.res_partner_action_kundenbindung_customers"
        )
        action.update(
            name=self.name,
            display_name=self.name,
            domain=[("cluster_id", "=", self.id)],
            context={"default_cluster_id": self.id, "search_default_group_abc": 1},
        )
        return action
