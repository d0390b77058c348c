# Copyright 2026 kundenbindung_addon authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models
from odoo.tools import SQL
from odoo.tools.sql import create_index

from ..engine.duplicates import PROBE_KEYS, TF_FIELDS


def probe_expression(column, part, alias=None):
    """The SQL of one part of a key of ``engine.duplicates.PROBE_KEYS`` on
    this table: the same text for its index and its lookups, so that the
    lookups use the index."""
    ref = f"{alias}.{column}" if alias else column
    if part == "":
        return ref
    if part == "word":
        return f"split_part({ref}, ' ', 1)"
    return f"left({ref}, {int(part)})"


def _filled(key, alias=None):
    """The condition of a key's partial index: all its columns filled."""
    return " AND ".join(f"{alias}.{column} <> ''" if alias else f"{column} <> ''" for column, _part in key)


def probe_index_name(key):
    return "kundenbindung_duplicate_key_" + "_".join(f"{column}{part}" for column, part in key) + "_idx"


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

    def init(self):
        result = super().init()
        # the lookups of one partner's candidates at the door (the contact form, an import), each a
        # few index reads instead of a scan of every partner's keys
        for key in PROBE_KEYS:
            create_index(
                self.env.cr,
                probe_index_name(key),
                self._table,
                [probe_expression(column, part) for column, part in key],
                where=_filled(key),
            )
        # the records of one value of a weighed field (its term frequency)
        for field in TF_FIELDS:
            create_index(
                self.env.cr, f"kundenbindung_duplicate_key_{field}_idx", self._table, [field], where=f"{field} <> ''"
            )
        return result

    def _probe_condition(self, number, values):
        """The condition of one lookup (``engine.duplicates.probe_lookups``)
        on ``kundenbindung_duplicate_key k``."""
        key = PROBE_KEYS[number]
        equal = [
            SQL(f"{probe_expression(column, part, 'k')} = %s", value) for (column, part), value in zip(key, values)
        ]
        # the index's own condition too: the planner does not infer it from an equal first word
        return SQL(" AND ").join([*equal, SQL(_filled(key, "k"))])
