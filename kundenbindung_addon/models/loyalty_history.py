# Copyright 2026 kundenbindung_addon authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The history lines of a loyalty card: the invoice linked for those who may open it."""

from odoo import fields, models
from odoo.tools.sql import create_index


class LoyaltyHistory(models.Model):
    _inherit = "loyalty.history"

    kundenbindung_order_readable = fields.Boolean(
        string="Document Readable",
        compute="_compute_kundenbindung_order_readable",
        help="The reader may open the document of the line (an invoice needs invoicing rights).",
    )

    def _compute_kundenbindung_order_readable(self):
        """The card's history names the invoice in its description for
        everyone; the link to it is shown to those who may open it, one
        access check per kind of document."""
        readable = set()
        by_model = {}
        for line in self:
            if line.order_model in self.env and line.order_id:
                by_model.setdefault(line.order_model, set()).add(line.order_id)
        for model, ids in by_model.items():
            documents = self.env[model].browse(ids).exists()
            readable |= {(model, rid) for rid in documents._filtered_access("read").ids}
        for line in self:
            line.kundenbindung_order_readable = (line.order_model, line.order_id) in readable

    def init(self):
        result = super().init()
        # every posting reads the history of its documents: without this index, the whole table
        create_index(
            self.env.cr,
            "loyalty_history_kundenbindung_account_move_idx",
            self._table,
            ["order_id"],
            where="order_model = 'account.move'",
        )
        return result
