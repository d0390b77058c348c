# Copyright 2026 kundenbindung_addon authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

from .kundenbindung_customer_segment import ABC_SELECTION


class KundenbindungCustomerLoss(models.Model):
    """A customer marked lost in one company: reason, date and note. The
    ABC class and interest cluster it had are kept, for the analysis of
    reasons by segment."""

    _name = "kundenbindung.customer.loss"
    _description = "Lost Customer"
    _order = "date desc, id desc"
    _check_company_auto = True

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        ondelete="cascade",
        domain="[('is_company', '=', True)]",
    )
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    reason_id = fields.Many2one("kundenbindung.churn.reason", required=True, ondelete="restrict")
    date = fields.Date(required=True, default=fields.Date.context_today)
    note = fields.Text()
    user_id = fields.Many2one("res.users", string="Recorded By", default=lambda self: self.env.user, readonly=True)
    salesperson_id = fields.Many2one("res.users", compute="_compute_segment", store=True, readonly=True)
    abc_class = fields.Selection(
        ABC_SELECTION,
        string="ABC Class",
        compute="_compute_segment",
        store=True,
        readonly=True,
        help="The customer's ABC class when it was marked lost, or the class it had before it fell to no revenue.",
    )
    cluster_id = fields.Many2one(
        "kundenbindung.interest.cluster",
        string="Interest Cluster",
        compute="_compute_segment",
        store=True,
        readonly=True,
        help="The customer's interest cluster when it was marked lost.",
    )
    revenue = fields.Monetary(
        string="Revenue Lost",
        compute="_compute_segment",
        store=True,
        readonly=True,
        help="What the customer bought in the revenue window when it was marked lost, or in the window before "
        "when it had already stopped buying.",
    )
    # its own compute: added in 18.0.1.11.0, filled for earlier losses without rewriting what they recorded
    last_purchase = fields.Date(compute="_compute_last_purchase", store=True, readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")

    @api.depends("partner_id", "company_id")
    def _compute_segment(self):
        segments = self._segments()
        # fallen to no revenue before they were marked lost: the class each had, in one query
        fallen = [s for s in segments.values() if s.abc_class == "none"]
        falls = (
            self.env["kundenbindung.class.history"]
            .sudo()
            .search(
                [
                    ("partner_id", "in", [s.partner_id.id for s in fallen]),
                    ("company_id", "in", self.company_id.ids),
                    ("new_class", "=", "none"),
                ],
                order="date, id",
            )
            if fallen
            else []
        )
        # the latest fall per customer and company wins
        class_before = {(fall.partner_id.id, fall.company_id.id): fall.old_class for fall in falls}
        for loss in self:
            segment = segments[loss.id]
            abc_class = segment.abc_class
            if abc_class == "none":
                abc_class = class_before.get((segment.partner_id.id, segment.company_id.id)) or abc_class
            loss.abc_class = abc_class
            loss.cluster_id = segment.cluster_id
            loss.revenue = max(segment.revenue, segment.previous_revenue)
            loss.salesperson_id = loss.partner_id.commercial_partner_id.user_id

    def _segments(self):
        """Each loss's segment record (its customer in its company)."""
        segments = (
            self.env["kundenbindung.customer.segment"]
            .sudo()
            .search(
                [
                    ("partner_id", "in", self.partner_id.commercial_partner_id.ids),
                    ("company_id", "in", self.company_id.ids),
                ]
            )
        )
        by_key = {(s.partner_id.id, s.company_id.id): s for s in segments}
        empty = self.env["kundenbindung.customer.segment"].sudo()
        return {
            loss.id: by_key.get((loss.partner_id.commercial_partner_id.id, loss.company_id.id), empty) for loss in self
        }

    @api.depends("partner_id", "company_id")
    def _compute_last_purchase(self):
        segments = self._segments()
        for loss in self:
            loss.last_purchase = segments[loss.id].last_purchase

    def write(self, vals):
        res = super().write(vals)
        if not self.env.su:
            # the rules hold for the record as it is after the change too: a loss is not moved to a
            # customer the user may not record one for
            self.check_access("write")
        return res

    @api.depends("partner_id", "reason_id")
    def _compute_display_name(self):
        for loss in self:
            loss.display_name = f"{loss.partner_id.display_name}: {loss.reason_id.name}"
