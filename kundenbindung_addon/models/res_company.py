# Copyright 2026 kundenbindung_addon authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import pandas as pd

from odoo import api, fields, models
from odoo.tools import SQL

from ..engine import empty_invoice_lines, validate_invoice_lines, window_bounds


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

    def _kundenbindung_invoice_lines(self, date_from=None, date_to=None):
        """Invoice lines of these companies as the engine's invoice-line frame.

        Posted customer invoices and credit notes (``out_invoice`` and
        ``out_refund``), product lines only, untaxed, in company currency
        (credit notes negative), attributed to the commercial partner, with
        the product category. ``date_from`` is included, ``date_to``
        excluded; without them the company's window ending today is used.
        One query for all companies in ``self``, which the user must be
        allowed to read, as must be journal items (AccessError otherwise).
        """
        if not self:
            return empty_invoice_lines()
        # raw SQL below: check what the ORM would, the user's companies and
        # the right to read journal items
        self.check_access("read")
        self.env["account.move.line"].check_access("read")
        if date_from is None or date_to is None:
            self.ensure_one()
            start, end = window_bounds(fields.Date.context_today(self), self.kundenbindung_config_id.window_months)
            date_from, date_to = start.date(), end.date()
        self.env["account.move.line"].flush_model(["move_id", "company_id", "display_type", "balance", "product_id"])
        self.env.cr.execute(
            SQL(
                """
                SELECT move.commercial_partner_id AS partner_id,
                       line.company_id AS company_id,
                       line.move_id AS move_id,
                       move.invoice_date AS date,
                       -line.balance AS amount,
                       tmpl.categ_id AS category_id
                  FROM account_move_line line
                  JOIN account_move move ON move.id = line.move_id
             LEFT JOIN product_product prod ON prod.id = line.product_id
             LEFT JOIN product_template tmpl ON tmpl.id = prod.product_tmpl_id
                 WHERE %s AND line.display_type = 'product'
              ORDER BY line.company_id, move.invoice_date, line.move_id, line.id
                """,
                self.env["account.move"]._kundenbindung_documents_sql(self.ids, date_from, date_to),
            )
        )
        columns = [col.name for col in self.env.cr.description]
        return validate_invoice_lines(pd.DataFrame(self.env.cr.fetchall(), columns=columns))
