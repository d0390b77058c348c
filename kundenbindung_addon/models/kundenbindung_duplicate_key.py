# Copyright 2026 kundenbindung_addon authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class KundenbindungDuplicateKey(models.Model):
    """A partner's normalised name, address and identifiers
    (``engine.duplicates.prepare``), kept between duplicate searches so that
    a scheduled run normalises only the partners changed since the last."""

    _name = "kundenbindung.duplicate.key"
    _description = "Duplicate Search Keys"
    _log_access = False

    partner_id = fields.Many2one("res.partner", required=True, ondelete="cascade", index=True)
    source_date = fields.Datetime(help="The partner's last change when these keys were computed.")
    source_hash = fields.Char(help="Fingerprint of the values the keys were computed from.")
    # one column per column of engine.duplicates.PREPARED_COLUMNS
    name = fields.Char()
    legal_form = fields.Char()
    given = fields.Char()
    family = fields.Char()
    generation = fields.Char()
    street = fields.Char()
    number = fields.Char()
    street2 = fields.Char()
    postcode = fields.Char()
    city = fields.Char()
    phone = fields.Char()
    mobile = fields.Char()
    email = fields.Char()
    domain = fields.Char()
    website = fields.Char()
    vat = fields.Char()
    birthdate = fields.Char()
    full_name = fields.Char()
    phonetic = fields.Char()
    parent = fields.Char()
    is_company = fields.Boolean()

    _sql_constraints = [("partner_unique", "UNIQUE(partner_id)", "A partner has one set of duplicate keys.")]
