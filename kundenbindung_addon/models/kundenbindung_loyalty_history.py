# Copyright 2026 kundenbindung_addon authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.tools import SQL


class KundenbindungLoyaltyHistory(models.Model):
    """A customer's signs of loyalty in one month of one company: what the
    last segment recompute of that month found (written by the recompute,
    one statement for all customers)."""

    _name = "kundenbindung.loyalty.history"
    _description = "Signs of Loyalty by Month"
    _order = "month desc, id desc"
    _check_company_auto = True
    # a log written by the recompute in one statement, like the class changes
    _log_access = False

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, ondelete="cascade", readonly=True
    )
    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True)
    month = fields.Date(required=True, readonly=True, index=True, help="The first day of the month.")
    loyalty_index = fields.Float(readonly=True, aggregator="avg", digits=(16, 0))
    repeat_rate = fields.Float(readonly=True, aggregator="avg")
    regularity = fields.Float(readonly=True, aggregator="avg")
    cross_buying = fields.Float(string="Cross Buying (%)", readonly=True, aggregator="avg", digits=(16, 0))
    referral_count = fields.Integer(string="Referrals", readonly=True)
    price_tolerance = fields.Float(string="Price-Increase Tolerance", readonly=True, aggregator="avg")
    user_id = fields.Many2one(related="partner_id.user_id", string="Salesperson")

    _sql_constraints = [
        (
            "partner_company_month_unique",
            "UNIQUE(partner_id, company_id, month)",
            "A customer has one line of signs per month and company.",
        ),
    ]

    @api.model
    def _record(self, company, today):
        """Keep the company's current signs of every customer with an index
        as the month of ``today`` (a later run of the same month replaces
        them), in one statement. Returns the number of rows written."""
        self.env["kundenbindung.customer.segment"].flush_model()
        self.flush_model()
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO kundenbindung_loyalty_history AS history
                       (partner_id, company_id, month, loyalty_index, repeat_rate, regularity, cross_buying,
                        referral_count, price_tolerance)
                SELECT partner_id, company_id, %(month)s, loyalty_index, repeat_rate, regularity, cross_buying,
                       referral_count, price_tolerance
                  FROM kundenbindung_customer_segment
                 WHERE company_id = %(company)s AND loyalty_index IS NOT NULL
                ON CONFLICT (partner_id, company_id, month) DO UPDATE
                   SET loyalty_index = EXCLUDED.loyalty_index, repeat_rate = EXCLUDED.repeat_rate,
                       regularity = EXCLUDED.regularity, cross_buying = EXCLUDED.cross_buying,
                       referral_count = EXCLUDED.referral_count, price_tolerance = EXCLUDED.price_tolerance
                """,
                month=today.replace(day=1),
                company=company.id,
            )
        )
        self.invalidate_model()
        return self.env.cr.rowcount
