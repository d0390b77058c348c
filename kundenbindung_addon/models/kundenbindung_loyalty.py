# Copyright 2026 kundenbindung_addon authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Loyalty points on Odoo's loyalty app: points from posted invoices (and
back for credit notes, reset to draft and cancellation) written as loyalty
history lines of the customer's card, and tiers by points."""

from odoo import api, fields, models

from ..engine.loyalty import Rule, invoice_points


class KundenbindungLoyaltyTier(models.Model):
    """A level of the loyalty balance (e.g. Bronze, Silver, Gold)."""

    _name = "kundenbindung.loyalty.tier"
    _description = "Loyalty Tier"
    _order = "min_points, id"

    name = fields.Char(required=True, translate=True)
    min_points = fields.Float(string="From Points", required=True, default=0.0)
    company_id = fields.Many2one("res.company", help="Empty: a tier of every company.")
    color = fields.Integer()
    active = fields.Boolean(default=True)

    _sql_constraints = [("min_points_positive", "CHECK(min_points >= 0)", "A tier starts at 0 points or more.")]

    @api.model
    def _for_company(self, company):
        return self.search([("company_id", "in", [False, company.id])], order="min_points desc, id")


LOYALTY_FIELDS = ["kundenbindung_loyalty_points", "kundenbindung_loyalty_tier_id"]


class LoyaltyCard(models.Model):
    _inherit = "loyalty.card"

    # the partner's balance is computed from the cards: forget it when they change

    @api.model_create_multi
    def create(self, vals_list):
        self.env["res.partner"].invalidate_model(LOYALTY_FIELDS)
        return super().create(vals_list)

    def write(self, vals):
        self.env["res.partner"].invalidate_model(LOYALTY_FIELDS)
        return super().write(vals)


class AccountMove(models.Model):
    _inherit = "account.move"

    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        posted._kundenbindung_sync_loyalty()
        return posted

    def button_draft(self):
        result = super().button_draft()
        self._kundenbindung_sync_loyalty()
        return result

    def button_cancel(self):
        result = super().button_cancel()
        self._kundenbindung_sync_loyalty()
        return result

    def _kundenbindung_loyalty_points(self, program):
        """Points this document should have earned now: by the program's
        rules for a posted invoice, the same negative for a posted credit
        note, nothing otherwise."""
        self.ensure_one()
        if self.state != "posted" or self.move_type not in ("out_invoice", "out_refund"):
            return 0.0
        rules = []
        for rule in program.rule_ids.filtered("active"):
            domain = rule._get_valid_product_domain()
            products = None
            if domain:
                products = frozenset(self.invoice_line_ids.product_id.filtered_domain(domain).ids)
            minimum = (
                rule.currency_id._convert(
                    rule.minimum_amount,
                    self.company_id.currency_id,
                    self.company_id,
                    self.invoice_date or fields.Date.today(),
                )
                if rule.minimum_amount
                else 0.0
            )
            rules.append(Rule(rule.reward_point_mode, rule.reward_point_amount, products, minimum, rule.minimum_qty))
        sign = -1 if self.move_type == "out_refund" else 1
        lines = [
            (line.product_id.id, line.quantity, sign * -line.balance)
            for line in self.invoice_line_ids
            if line.display_type == "product" and line.product_id
        ]
        return invoice_points(lines, rules, refund=self.move_type == "out_refund")

    def _kundenbindung_sync_loyalty(self):
        """Bring each document's points on the customer's card of the
        company's invoice loyalty program to what it should have earned
        now, with one history line per change: idempotent, so a retry, a
        re-post or a second reset never counts twice."""
        History = self.env["loyalty.history"].sudo()
        Card = self.env["loyalty.card"].sudo()
        moves = self.filtered(
            lambda m: (
                m.move_type in ("out_invoice", "out_refund")
                and m.company_id.kundenbindung_loyalty_program_id
                and m.commercial_partner_id
            )
        )
        if not moves:
            return
        # what each document earned so far, in one query
        history = History.search([("order_model", "=", "account.move"), ("order_id", "in", moves.ids)])
        for move in moves:
            program = move.company_id.kundenbindung_loyalty_program_id.sudo()
            target = move._kundenbindung_loyalty_points(program)
            lines = history.filtered(lambda h, m=move, p=program: h.order_id == m.id and h.card_id.program_id == p)
            awarded = sum(lines.mapped("issued")) - sum(lines.mapped("used"))
            delta = round(target - awarded, 2)
            if not delta:
                continue
            # the card of the earlier lines while it is active and the customer's; after a partner
            # merge it is the merged partner's inactive card at 0 points, and the customer's active
            # card holds its points
            card = lines[:1].card_id.filtered(lambda c, m=move: c.active and c.partner_id == m.commercial_partner_id)
            card = card or Card.search(
                [
                    ("program_id", "=", program.id),
                    ("partner_id", "=", move.commercial_partner_id.id),
                    ("active", "=", True),
                ],
                limit=1,
            )
            if not card:
                card = Card.with_context(loyalty_no_mail=True).create(
                    {"program_id": program.id, "partner_id": move.commercial_partner_id.id, "points": 0.0}
                )
            document = move.name if move.name and move.name != "/" else move.display_name
            if move.state == "posted" and move.move_type == "out_refund":
                description = self.env._("Credit note %(document)s", document=document)
            elif move.state == "posted":
                description = self.env._("Invoice %(document)s", document=document)
            elif move.state == "cancel":
                description = self.env._("%(document)s cancelled", document=document)
            else:
                description = self.env._("%(document)s reset to draft", document=document)
            History.create(
                {
                    "card_id": card.id,
                    "description": description,
                    "issued": max(delta, 0.0),
                    "used": max(-delta, 0.0),
                    "order_model": "account.move",
                    "order_id": move.id,
                }
            )
            card.points += delta
