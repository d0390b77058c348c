# Copyright 2026 kundenbindung_addon authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

from .kundenbindung_customer_segment import PORTFOLIO_SELECTION


class KundenbindungPortfolioHistory(models.Model):
    """A customer moved to another field of the customer portfolio in a
    company (written by the segment recompute, only on a move)."""

    _name = "kundenbindung.portfolio.history"
    _description = "Customer Portfolio Move"
    _order = "date desc, id desc"
    _check_company_auto = True
    # an append-only log written by the recompute, like the ABC class changes
    _log_access = False

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        ondelete="cascade",
        readonly=True,
    )
    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True)
    date = fields.Date(required=True, readonly=True, index=True)
    old_field = fields.Selection(PORTFOLIO_SELECTION, string="From", required=True, readonly=True)
    new_field = fields.Selection(PORTFOLIO_SELECTION, string="To", required=True, readonly=True)
    attractiveness = fields.Float(readonly=True, aggregator="avg", digits=(16, 0))
    strength = fields.Float(string="Relationship Strength", readonly=True, aggregator="avg", digits=(16, 0))
    user_id = fields.Many2one(related="partner_id.user_id", string="Salesperson")

    @api.depends("old_field", "new_field")
    def _compute_display_name(self):
        labels = dict(self._fields["new_field"]._description_selection(self.env))
        for record in self:
            record.display_name = self.env._(
                "%(old)s to %(new)s", old=labels.get(record.old_field, ""), new=labels.get(record.new_field, "")
            )

    @api.model
    def _record(self, company, date, moves):
        """Insert the moves (a DataFrame: partner_id, old_field, new_field,
        attractiveness, strength) of ``company`` on ``date`` in one
        statement."""
        self.env["kundenbindung.bulk"]._copy_into(
            "kundenbindung_move_chunk",
            moves,
            [
                ("partner_id", "int4"),
                ("old_field", "varchar"),
                ("new_field", "varchar"),
                ("attractiveness", "float8"),
                ("strength", "float8"),
            ],
        )
        self.flush_model()
        self.env.cr.execute(
            """
            INSERT INTO kundenbindung_portfolio_history
                   (partner_id, company_id, date, old_field, new_field, attractiveness, strength)
            SELECT partner_id, %(company)s, %(date)s, old_field, new_field, attractiveness, strength
              FROM kundenbindung_move_chunk
            """,
            {"company": company.id, "date": date},
        )
