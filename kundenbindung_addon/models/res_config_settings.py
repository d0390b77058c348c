# Copyright 2026 kundenbindung_addon authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    def action_kundenbindung_open_config(self):
        """Odoo's settings lead to the company's Customer Retention
        configuration, where its settings are declared and checked once."""
        return self.env["kundenbindung.config"].with_company(self.company_id).action_open_current()
