# Copyright 2026 kundenbindung_addon authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    kundenbindung_config_id = fields.Many2one(
        "kundenbindung.config",
        string="Customer Retention Configuration",
        compute="_compute_kundenbindung_config_id",
    )

    def _compute_kundenbindung_config_id(self):
        # one per company (unique); found as superuser so that the company's
        # settings resolve for every user, reading them then checks the rights
        configs = self.env["kundenbindung.config"].sudo().search([("company_id", "in", self.ids)])
        by_company = {config.company_id.id: config.id for config in configs}
        for company in self:
            company.kundenbindung_config_id = by_company.get(company.id, False)

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        companies._kundenbindung_ensure_config()
        return companies

    def _kundenbindung_ensure_config(self):
        """Each of these companies with its configuration (created with
        the defaults where missing)."""
        Config = self.env["kundenbindung.config"].sudo()
        missing = self.sudo() - Config.search([("company_id", "in", self.ids)]).company_id
        if missing:
            Config.create([{"company_id": company.id} for company in missing])
            self.invalidate_recordset(["kundenbindung_config_id"])
