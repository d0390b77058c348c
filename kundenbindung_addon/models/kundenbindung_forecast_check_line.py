# Copyright 2026 kundenbindung_addon authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A line of a forecast check: per churn level or per purchases before."""

from odoo import fields, models

from .kundenbindung_customer_segment import CHURN_SELECTION
from .kundenbindung_forecast_check import LINE_KINDS


class KundenbindungForecastCheckLine(models.Model):
    _name = "kundenbindung.forecast.check.line"
    _description = "Forecast Check Line"
    _order = "check_id, sequence"

    check_id = fields.Many2one("kundenbindung.forecast.check", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="check_id.company_id", store=True)
    sequence = fields.Integer()
    kind = fields.Selection(LINE_KINDS, required=True)
    band = fields.Selection(CHURN_SELECTION, string="Churn Level")
    purchases = fields.Char(
        string="Purchases Before", help="The customers' number of purchases before the forecast (4+: four or more)."
    )
    customers = fields.Integer()
    predicted = fields.Float(
        digits=(16, 2),
        aggregator="avg",
        help="Churn levels: the mean predicted churn risk in %; purchases: the mean predicted revenue.",
    )
    actual = fields.Float(
        digits=(16, 2),
        aggregator="avg",
        help="Churn levels: the share in % that bought nothing; purchases: the mean actual revenue.",
    )
