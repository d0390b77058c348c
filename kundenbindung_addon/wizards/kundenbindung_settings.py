# Copyright 2026 kundenbindung_addon authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import AccessError


class KundenbindungSettings(models.TransientModel):
    """Customer Retention settings of the current company for Customer
    Retention managers.

    Odoo lets only administrators save *Settings* (``res.config.settings``),
    while the sales managers who run customer retention are rarely
    administrators. This form writes only the addon's own company fields,
    for a company the manager is working in.
    """

    _name = "kundenbindung.settings"
    _description = "Customer Retention Settings"

    company_id = fields.Many2one(
        "res.company",
        required=True,
        readonly=True,
        default=lambda self: self.env.company,
    )
    window_months = fields.Integer(
        string="Revenue Window (Months)",
        required=True,
        help="Segments, lifetime value and churn risk look at the revenue of "
        "this many months up to today.",
    )

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        company = self.env["res.company"].browse(values.get("company_id")) or self.env.company
        values.setdefault("window_months", company.kundenbindung_window_months)
        return values

    def action_save(self):
        self.ensure_one()
        if not self.env.user.has_group("kundenbindung_addon.group_kundenbindung_manager"):
            raise AccessError(self.env._("Only Customer Retention managers can change these settings."))
        if self.company_id not in self.env.companies:
            raise AccessError(
                self.env._(
                    "You cannot change the settings of %(company)s: it is not one of the "
                    "companies you are working in.",
                    company=self.company_id.name,
                )
            )
        # only the addon's own fields, checked above: managers need no
        # general right to write companies
        self.company_id.sudo().write({"kundenbindung_window_months": self.window_months})
        return {"type": "ir.actions.client", "tag": "soft_reload"}
