# Copyright 2026 kundenbindung_addon authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A pair a manager marked "not a duplicate": never proposed again."""

from odoo import fields, models


class KundenbindungDuplicateDismissal(models.Model):
    """A pair of partners a manager marked "not a duplicate"."""

    _name = "kundenbindung.duplicate.dismissal"
    _description = "Dismissed Duplicate Pair"

    partner_a_id = fields.Many2one("res.partner", required=True, ondelete="cascade", index=True)
    partner_b_id = fields.Many2one("res.partner", required=True, ondelete="cascade", index=True)

    _sql_constraints = [
        ("pair_unique", "UNIQUE(partner_a_id, partner_b_id)", "This pair is dismissed already."),
        ("pair_ordered", "CHECK(partner_a_id < partner_b_id)", "A dismissed pair names the lower id first."),
    ]
