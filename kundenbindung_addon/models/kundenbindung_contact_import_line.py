# Copyright 2026 kundenbindung_addon authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import AccessError

DECISIONS = [
    ("new", "New partner"),
    ("existing", "Same as existing"),
    ("review", "To review"),
    ("skip", "Skip"),
    ("error", "Error"),
]


class KundenbindungContactImportLine(models.Model):
    """One row of an imported contact list: its values, what it was matched
    with and what the import did with it."""

    _name = "kundenbindung.contact.import.line"
    _description = "Contact Import Row"
    _order = "import_id, row"

    import_id = fields.Many2one("kundenbindung.contact.import", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="import_id.company_id", store=True)
    row = fields.Integer(help="The row of the file (the header is row 1).")
    values = fields.Json(help="The row's values by kind of column (engine.contact_import.FIELDS).")
    name = fields.Char()
    email = fields.Char()
    phone = fields.Char()
    city = fields.Char()
    decision = fields.Selection(
        DECISIONS,
        required=True,
        default="new",
        help="New partner: created. Same as existing: the existing partner's empty fields are filled from the row, "
        "filled ones kept unless Overwrite is ticked. To review: imported only once you choose new or existing. "
        "Skip: left out.",
    )
    partner_id = fields.Many2one("res.partner", string="Existing Partner", help="The most likely existing partner.")
    score = fields.Float(help="How likely the row is the existing partner (match probability in percent).")
    evidence = fields.Char(help="Why the row looks like the existing partner.")
    same_row = fields.Integer(string="Same as Row", help="An earlier row of the file that is probably the same.")
    error = fields.Char(help="Why the row cannot be imported as it is.")
    overwrite = fields.Boolean(
        help="Replace the existing partner's filled values by the row's, not only fill its empty ones.",
    )
    state = fields.Selection([("pending", "Pending"), ("done", "Imported"), ("failed", "Failed")], default="pending")
    result_partner_id = fields.Many2one("res.partner", string="Partner", help="The partner created or updated.")
    note = fields.Char(help="What the import did: the fields filled, and the filled ones it kept.")

    def write(self, vals):
        if "import_id" in vals and not self.env.su:
            raise AccessError(self.env._("A row stays in the list it was read from."))
        return super().write(vals)

    @api.onchange("partner_id")
    def _onchange_partner_id(self):
        if self.partner_id and self.decision in ("new", "review"):
            self.decision = "existing"
