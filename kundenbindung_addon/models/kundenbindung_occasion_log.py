# Copyright 2026 kundenbindung_addon authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Which occasion served which customer in which year: once a year."""

from odoo import fields, models


class KundenbindungOccasionLog(models.Model):
    _name = "kundenbindung.occasion.log"
    _description = "Occasion Served"
    _order = "id desc"

    occasion_id = fields.Many2one("kundenbindung.occasion", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="occasion_id.company_id", store=True)
    partner_id = fields.Many2one("res.partner", required=True, ondelete="cascade", index=True)
    year = fields.Integer(required=True)

    _sql_constraints = [
        ("occasion_partner_year_unique", "UNIQUE(occasion_id, partner_id, year)", "Served once a year."),
    ]
