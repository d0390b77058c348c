# Copyright 2026 kundenbindung_addon authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

from .kundenbindung_customer_segment import ABC_SELECTION


class KundenbindungClassHistory(models.Model):
    """A customer's ABC class changed in a company (written by the segment
    recompute, only when the class changes)."""

    _name = "kundenbindung.class.history"
    _description = "ABC Class Change"
    _order = "date desc, id desc"
    _check_company_auto = True
    # an append-only log written by the recompute: its date says when, and
    # without the four log columns (two of them foreign keys) a first run
    # that classifies every customer inserts twice as fast
    _log_access = False

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        ondelete="cascade",
        readonly=True,
    )
    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    date = fields.Date(required=True, readonly=True, index=True)
    old_class = fields.Selection(ABC_SELECTION, string="Previous Class", readonly=True)
    new_class = fields.Selection(ABC_SELECTION, required=True, readonly=True)
    revenue = fields.Monetary(
        string="Window Revenue",
        currency_field="currency_id",
        readonly=True,
        help="Revenue in the window at the time of the change.",
    )
    previous_revenue = fields.Monetary(
        string="Previous Window Revenue",
        currency_field="currency_id",
        readonly=True,
    )
    change = fields.Float(
        string="Revenue Change",
        compute="_compute_change",
        help="Revenue of the window against the window before it.",
    )
    is_drop = fields.Boolean(string="Slipped", readonly=True, index=True)
    user_id = fields.Many2one(related="partner_id.user_id", string="Salesperson")

    @api.depends("revenue", "previous_revenue")
    def _compute_change(self):
        for record in self:
            if record.previous_revenue > 0:
                record.change = (record.revenue - record.previous_revenue) / record.previous_revenue
            else:
                record.change = 0.0

    @api.depends("old_class", "new_class")
    def _compute_display_name(self):
        labels = dict(self._fields["new_class"]._description_selection(self.env))
        for record in self:
            record.display_name = self.env._(
                "%(old)s to %(new)s",
                old=labels.get(record.old_class) or self.env._("new"),
                new=labels.get(record.new_class, ""),
            )
