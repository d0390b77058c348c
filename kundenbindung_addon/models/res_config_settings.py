# Copyright 2026 kundenbindung_addon authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    kundenbindung_window_months = fields.Integer(
        related="company_id.kundenbindung_window_months",
        readonly=False,
    )
