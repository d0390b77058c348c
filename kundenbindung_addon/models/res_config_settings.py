# Copyright 2026 kundenbindung_addon authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    kundenbindung_window_months = fields.Integer(
        related="company_id.kundenbindung_window_months",
        readonly=False,
    )
    kundenbindung_abc_a_share = fields.Float(related="company_id.kundenbindung_abc_a_share", readonly=False)
    kundenbindung_abc_b_share = fields.Float(related="company_id.kundenbindung_abc_b_share", readonly=False)
    kundenbindung_abc_rank_by = fields.Selection(related="company_id.kundenbindung_abc_rank_by", readonly=False)
    kundenbindung_lost_days = fields.Integer(related="company_id.kundenbindung_lost_days", readonly=False)
    kundenbindung_drop_activity = fields.Boolean(related="company_id.kundenbindung_drop_activity", readonly=False)
    kundenbindung_segments_date = fields.Date(related="company_id.kundenbindung_segments_date")

    def action_kundenbindung_recompute(self):
        return self.env["kundenbindung.segmentation"].with_company(self.company_id).action_recompute()
