# Copyright 2026 kundenbindung_addon authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The customers' loyalty cards: codes of the addon's own, drawn again when taken, and the
partner's balance forgotten when a card changes."""

import logging
import secrets

import psycopg2

from odoo import api, models
from odoo.tools import SQL, formatLang

_logger = logging.getLogger(__name__)

LOYALTY_FIELDS = ["kundenbindung_loyalty_points", "kundenbindung_loyalty_tier_id"]

# codes of the addon's cards: "044" (Odoo's coupon barcode prefix) and 20
# characters of Crockford's base32 (no i, l, o, u), 100 random bits, in
# groups of four; Odoo's own codes ("044" and 9 hex digits) never look alike
CODE_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"

CODE_GROUPS = 5

CODE_GROUP_SIZE = 4

CODE_CONSTRAINT = "loyalty_card_card_code_unique"

CODE_ATTEMPTS = 5


class LoyaltyCard(models.Model):
    _inherit = "loyalty.card"

    @api.depends("points", "point_name")
    @api.depends_context("lang")
    def _compute_points_display(self):
        """The points of the addon's invoice programs as numbers are written
        in the user's language ("129.803,96 Punkte", not "129803.96
        Points"); Odoo's other programs keep Odoo's display."""
        programs = (
            self.env["kundenbindung.config"].sudo().search([("loyalty_program_id", "!=", False)]).loyalty_program_id
        )
        ours = self.filtered(
            lambda card: card.program_id in programs and card.point_name != card.program_id.currency_id.symbol
        )
        result = super(LoyaltyCard, self - ours)._compute_points_display()
        for card in ours:
            points = card.points
            digits = 0 if points == int(points) else 2
            card.points_display = f"{formatLang(self.env, points, digits=digits)} {card.point_name or ''}".strip()
        return result

    # the partner's balance is computed from the cards: forget it when they change

    @api.model_create_multi
    def create(self, vals_list):
        self.env["res.partner"].invalidate_model(LOYALTY_FIELDS)
        return super().create(vals_list)

    def write(self, vals):
        self.env["res.partner"].invalidate_model(LOYALTY_FIELDS)
        return super().write(vals)

    @api.model
    def _kundenbindung_generate_code(self):
        """The code of a card the addon creates: 100 random bits from
        ``secrets``, readable (no 0/o, 1/i/l mix-ups), e.g.
        ``044-7kq2-m9xh-4trb-3zwp-6n8c``."""
        chars = "".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_GROUPS * CODE_GROUP_SIZE))
        groups = [chars[start : start + CODE_GROUP_SIZE] for start in range(0, len(chars), CODE_GROUP_SIZE)]
        return "044-" + "-".join(groups)

    @api.model
    def _kundenbindung_taken_codes(self, codes):
        """The codes of ``codes`` already on a card, in one query."""
        self.flush_model(["code"])
        self.env.cr.execute(SQL("SELECT code FROM loyalty_card WHERE code = ANY(%s)", list(codes)))
        return {code for (code,) in self.env.cr.fetchall()}

    @api.model
    def _kundenbindung_new_codes(self, count):
        """``count`` codes of ``_kundenbindung_generate_code``, distinct and
        on no card yet."""
        codes = set()
        for _attempt in range(CODE_ATTEMPTS):
            drawn = {self._kundenbindung_generate_code() for _i in range(count - len(codes))} - codes
            codes |= drawn - self._kundenbindung_taken_codes(drawn)
            if len(codes) == count:
                break
        return list(codes)

    @api.model
    def _kundenbindung_create_cards(self, vals_list):
        """The addon's cards of ``vals_list`` in one create, each with a new
        code of ``_kundenbindung_new_codes``. Should the database still find
        a code taken (a card of a concurrent transaction), the create is
        rolled back to its savepoint and tried again with new codes."""
        for attempt in range(1, CODE_ATTEMPTS + 1):
            codes = self._kundenbindung_new_codes(len(vals_list))
            try:
                with self.env.cr.savepoint():
                    return self.create([dict(vals, code=code) for vals, code in zip(vals_list, codes, strict=True)])
            except psycopg2.errors.UniqueViolation as error:
                if error.diag.constraint_name != CODE_CONSTRAINT or attempt == CODE_ATTEMPTS:
                    raise
                _logger.info("Loyalty card code already taken, new codes (attempt %s): %s", attempt, error)

    @api.model
    def _kundenbindung_active_cards(self, keys):
        """``(program id, partner id)`` of ``keys`` -> id of the partner's
        active card in that program (the oldest, as a search finds it), in
        one query; keys without an active card are left out."""
        if not keys:
            return {}
        self.flush_model(["program_id", "partner_id", "active"])
        programs, partners = zip(*keys, strict=True)
        self.env.cr.execute(
            SQL(
                """
                SELECT DISTINCT ON (card.program_id, card.partner_id) card.program_id, card.partner_id, card.id
                  FROM loyalty_card card
                  JOIN unnest(%s::int[], %s::int[]) AS wanted(program_id, partner_id)
                    ON wanted.program_id = card.program_id AND wanted.partner_id = card.partner_id
                 WHERE card.active
                 ORDER BY card.program_id, card.partner_id, card.id
                """,
                list(programs),
                list(partners),
            )
        )
        return {(program_id, partner_id): card_id for program_id, partner_id, card_id in self.env.cr.fetchall()}
