# Copyright 2026 kundenbindung_addon authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class KundenbindungChurnReason(models.Model):
    """Why customers leave: a short, configurable list (price, quality,
    service, competitor, ...)."""

    _name = "kundenbindung.churn.reason"
    _description = "Churn Reason"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    description = fields.Text(translate=True)

    _sql_constraints = [("name_unique", "UNIQUE(name)", "A churn reason with this name exists already.")]
