# Copyright 2026 kundenbindung_addon authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models
from odoo.exceptions import AccessError


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
    kundenbindung_cluster_count = fields.Integer(related="company_id.kundenbindung_cluster_count", readonly=False)
    kundenbindung_cluster_max = fields.Integer(related="company_id.kundenbindung_cluster_max", readonly=False)
    kundenbindung_cluster_min_invoices = fields.Integer(
        related="company_id.kundenbindung_cluster_min_invoices", readonly=False
    )
    kundenbindung_cluster_category_level = fields.Integer(
        related="company_id.kundenbindung_cluster_category_level", readonly=False
    )
    kundenbindung_cluster_use_tags = fields.Boolean(related="company_id.kundenbindung_cluster_use_tags", readonly=False)
    kundenbindung_clusters_date = fields.Date(related="company_id.kundenbindung_clusters_date")
    kundenbindung_nps_survey_id = fields.Many2one(related="company_id.kundenbindung_nps_survey_id", readonly=False)
    kundenbindung_nps_interval_days = fields.Integer(
        related="company_id.kundenbindung_nps_interval_days", readonly=False
    )
    kundenbindung_nps_followup = fields.Boolean(related="company_id.kundenbindung_nps_followup", readonly=False)
    kundenbindung_nps_followup_days = fields.Integer(
        related="company_id.kundenbindung_nps_followup_days", readonly=False
    )

    kundenbindung_loyalty_program_id = fields.Many2one(
        related="company_id.kundenbindung_loyalty_program_id", readonly=False
    )

    kundenbindung_duplicate_review_score = fields.Float(
        related="company_id.kundenbindung_duplicate_review_score", readonly=False
    )
    kundenbindung_duplicate_auto_merge = fields.Boolean(
        related="company_id.kundenbindung_duplicate_auto_merge", readonly=False
    )
    kundenbindung_duplicate_auto_score = fields.Float(
        related="company_id.kundenbindung_duplicate_auto_score", readonly=False
    )
    kundenbindung_merge_journal_months = fields.Integer(
        related="company_id.kundenbindung_merge_journal_months", readonly=False
    )

    def action_kundenbindung_create_loyalty_program(self):
        self.company_id.action_kundenbindung_create_loyalty_program()
        return {"type": "ir.actions.client", "tag": "reload"}

    def action_kundenbindung_loyalty_backfill(self):
        """Points for the invoices of the revenue window posted before the
        program was chosen (managers): marked pending, written by the
        scheduled catch-up."""
        if not self.env.user.has_group("kundenbindung_addon.group_kundenbindung_manager"):
            raise AccessError(self.env._("Only Customer Retention managers can award points for earlier invoices."))
        count = self.env["account.move"].sudo()._kundenbindung_loyalty_backfill(self.company_id)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Loyalty points"),
                "message": self.env._(
                    "%(count)s earlier documents will earn their points with the next catch-up of loyalty points.",
                    count=count,
                ),
                "type": "success",
            },
        }

    def action_kundenbindung_recompute(self):
        return self.env["kundenbindung.segmentation"].with_company(self.company_id).action_recompute()
