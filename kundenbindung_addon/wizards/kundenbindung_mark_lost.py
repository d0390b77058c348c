# Copyright 2026 kundenbindung_addon authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class KundenbindungMarkLost(models.TransientModel):
    """Mark customers as lost in the current company, with a reason."""

    _name = "kundenbindung.mark.lost"
    _description = "Mark Customers as Lost"

    partner_ids = fields.Many2many("res.partner", string="Customers", required=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True, default=lambda self: self.env.company)
    reason_id = fields.Many2one("kundenbindung.churn.reason", required=True)
    date = fields.Date(required=True, default=fields.Date.context_today)
    note = fields.Text()

    def action_mark_lost(self):
        self.ensure_one()
        losses = self.env["kundenbindung.customer.loss"].create(
            [
                {
                    "partner_id": partner.id,
                    "company_id": self.company_id.id,
                    "reason_id": self.reason_id.id,
                    "date": self.date,
                    "note": self.note,
                }
                for partner in self.partner_ids._origin.commercial_partner_id
            ]
        )
        return {"type": "ir.actions.act_window_close", "infos": {"losses": losses.ids}}
