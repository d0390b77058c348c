# Copyright 2026 kundenbindung_addon authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models
from odoo.tools import SQL

from ..models.kundenbindung_customer_segment import ABC_SELECTION


class KundenbindungRevenueReport(models.Model):
    """Posted customer invoices and credit notes with the customer's current
    ABC class, for the revenue pivot and graph (by class, month,
    salesperson)."""

    _name = "kundenbindung.revenue.report"
    _description = "Customer Retention Revenue Analysis"
    _auto = False
    _order = "date desc"

    move_id = fields.Many2one("account.move", string="Document", readonly=True)
    move_type = fields.Selection(
        [("out_invoice", "Invoice"), ("out_refund", "Credit Note")], string="Type", readonly=True
    )
    date = fields.Date(string="Invoice Date", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    abc_class = fields.Selection(
        ABC_SELECTION,
        string="ABC Class",
        readonly=True,
        help="The customer's ABC class today in the company of the document.",
    )
    amount = fields.Monetary(string="Revenue", currency_field="currency_id", readonly=True)

    # what the view reads: the ORM writes these to the database before it is queried
    _depends = {
        "account.move": [
            "move_type",
            "state",
            "invoice_date",
            "commercial_partner_id",
            "company_id",
            "invoice_user_id",
            "amount_untaxed_signed",
        ],
        "res.company": ["currency_id"],
        "kundenbindung.customer.segment": ["partner_id", "company_id", "abc_class"],
    }

    @property
    def _table_query(self):
        return SQL("%s %s %s", self._select(), self._from(), self._where())

    def _select(self):
        return SQL(
            """
            SELECT move.id AS id,
                   move.id AS move_id,
                   move.move_type AS move_type,
                   move.invoice_date AS date,
                   move.commercial_partner_id AS partner_id,
                   move.company_id AS company_id,
                   company.currency_id AS currency_id,
                   move.invoice_user_id AS user_id,
                   COALESCE(segment.abc_class, 'none') AS abc_class,
                   move.amount_untaxed_signed AS amount
            """
        )

    def _from(self):
        return SQL(
            """
              FROM account_move move
              JOIN res_company company ON company.id = move.company_id
         LEFT JOIN kundenbindung_customer_segment segment
                    ON segment.partner_id = move.commercial_partner_id
                   AND segment.company_id = move.company_id
            """
        )

    def _where(self):
        return SQL("WHERE %s", self.env["account.move"]._kundenbindung_documents_sql(None))
