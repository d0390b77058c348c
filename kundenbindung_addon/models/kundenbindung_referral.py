# Copyright 2026 kundenbindung_addon authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Referrals that are rewarded: when a customer recommended by another
(``res.partner.kundenbindung_referred_by_id``) gets its first invoice in a
company, the recommending customer earns the company's referral points on
its card of the company's invoice loyalty program, once."""

import logging

import psycopg2

from odoo import api, fields, models
from odoo.service.model import PG_CONCURRENCY_ERRORS_TO_RETRY
from odoo.tools import SQL

_logger = logging.getLogger(__name__)


class KundenbindungReferral(models.Model):
    """A referral rewarded in a company: written once, by the posting of the
    referred customer's first invoice."""

    _name = "kundenbindung.referral"
    _description = "Rewarded Referral"
    _order = "date desc, id desc"
    _check_company_auto = True

    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    active = fields.Boolean(
        string="Standing",
        default=True,
        readonly=True,
        help="Archived: taken back, its first invoice cancelled or credited in full; the points went back.",
    )
    referrer_id = fields.Many2one(
        "res.partner", string="Recommended By", required=True, readonly=True, index=True, ondelete="cascade"
    )
    partner_id = fields.Many2one(
        "res.partner", string="New Customer", required=True, readonly=True, index=True, ondelete="cascade"
    )
    move_id = fields.Many2one("account.move", string="First Invoice", readonly=True, ondelete="set null")
    date = fields.Date(readonly=True, required=True)
    points = fields.Float(readonly=True)
    card_id = fields.Many2one("loyalty.card", string="Loyalty Card", readonly=True, ondelete="set null")
    campaign_id = fields.Many2one(
        "kundenbindung.campaign", string="Referral Campaign", readonly=True, index="btree_not_null", ondelete="set null"
    )
    user_id = fields.Many2one(related="referrer_id.user_id", string="Salesperson")

    _sql_constraints = [
        (
            "partner_company_unique",
            "UNIQUE(partner_id, company_id)",
            "A new customer's referral is rewarded once per company.",
        ),
    ]

    @api.model
    def _reward(self, moves):
        """Reward the referrers of the customers whose first invoice is
        among the posted ``moves`` (customer invoices), once per customer
        and company: points on the referrer's card of the company's invoice
        loyalty program and a referral record. A customer that had an
        invoice in the company before, or whose invoice was posted before
        (a reset to draft posted again), earns its referrer nothing."""
        posted_before = self.env.context.get("kundenbindung_posted_before") or {}
        # whoever posts (an accountant without Customer Retention rights) rewards the referral all the same
        candidates = moves.sudo().filtered(
            lambda m: (
                m.move_type == "out_invoice"
                and m.state == "posted"
                and not posted_before.get(m.id)
                and m.commercial_partner_id.kundenbindung_referred_by_id
                and m.company_id.sudo().kundenbindung_config_id.referral_points > 0
                and m.company_id.sudo().kundenbindung_config_id.loyalty_program_id
            )
        )
        if not candidates:
            return self.browse()
        self.env["account.move"].flush_model(
            ["move_type", "state", "company_id", "commercial_partner_id", "amount_total", "currency_id"]
            + ["reversed_entry_id"]
        )
        self.flush_model(["partner_id", "company_id", "active"])
        pairs = sorted({(m.commercial_partner_id.id, m.company_id.id) for m in candidates})
        customers, companies = zip(*pairs, strict=True)
        # already rewarded, or invoiced before this batch: not a new customer
        self.env.cr.execute(
            SQL(
                """
                SELECT pair.partner_id, pair.company_id
                  FROM unnest(%(customers)s::int[], %(companies)s::int[]) AS pair(partner_id, company_id)
                 WHERE EXISTS (SELECT 1 FROM kundenbindung_referral referral
                                WHERE referral.partner_id = pair.partner_id AND referral.company_id = pair.company_id
                                  AND referral.active)
                    OR EXISTS (SELECT 1 FROM account_move move
                                WHERE move.commercial_partner_id = pair.partner_id
                                  AND move.company_id = pair.company_id
                                  AND move.move_type = 'out_invoice' AND move.state = 'posted'
                                  AND move.id <> ALL(%(batch)s)
                                  -- an invoice credited in full is no purchase
                                  AND %(not_credited)s)
                """,
                customers=list(customers),
                companies=list(companies),
                batch=candidates.ids,
                not_credited=self.env["account.move"]._kundenbindung_not_credited_sql(),
            )
        )
        known = set(self.env.cr.fetchall())
        first = []
        for move in candidates.sorted(lambda m: (m.invoice_date or fields.Date.today(), m.id)):
            key = (move.commercial_partner_id.id, move.company_id.id)
            if key not in known:
                known.add(key)
                first.append(move)
        # the referrers' cards of the companies' programs, found or made in one go
        Card = self.env["loyalty.card"].sudo()
        wanted = {
            (
                move.company_id.sudo().kundenbindung_config_id.loyalty_program_id.id,
                move.commercial_partner_id.kundenbindung_referred_by_id.commercial_partner_id.id,
            )
            for move in first
        }
        cards = Card._kundenbindung_active_cards(wanted)
        missing = sorted(wanted - set(cards))
        if missing:
            made = Card.with_context(loyalty_no_mail=True)._kundenbindung_create_cards(
                [
                    {"program_id": program_id, "partner_id": partner_id, "points": 0.0}
                    for program_id, partner_id in missing
                ]
            )
            cards.update({(card.program_id.id, card.partner_id.id): card.id for card in made})
        rewards = []
        for move in first:
            config = move.company_id.sudo().kundenbindung_config_id
            referrer = move.commercial_partner_id.kundenbindung_referred_by_id.commercial_partner_id
            card = Card.browse(cards[(config.loyalty_program_id.id, referrer.id)])
            points = config.referral_points
            campaign = move.commercial_partner_id.kundenbindung_referral_campaign_id
            self._card_points(
                card,
                move.commercial_partner_id,
                self.with_context(lang=referrer.lang or self.env.lang).env._(
                    "Referral: %(customer)s", customer=move.commercial_partner_id.display_name
                ),
                points,
            )
            rewards.append(
                {
                    "company_id": move.company_id.id,
                    "referrer_id": referrer.id,
                    "partner_id": move.commercial_partner_id.id,
                    "move_id": move.id,
                    "date": move.invoice_date or fields.Date.context_today(self),
                    "points": points,
                    "card_id": card.id,
                    "campaign_id": campaign.id if campaign.company_id == move.company_id else False,
                }
            )
        if not rewards:
            return self.browse()
        # a referral taken back before stands again, rewarded by this invoice (one record per customer and company)
        archived = {
            (referral.partner_id.id, referral.company_id.id): referral
            for referral in self.sudo()
            .with_context(active_test=False)
            .search([("active", "=", False), ("partner_id", "in", [r["partner_id"] for r in rewards])])
        }
        rewarded = self.browse()
        for values in rewards:
            referral = archived.get((values["partner_id"], values["company_id"]))
            if referral:
                referral.write({**values, "active": True})
                rewarded |= referral
        fresh = [r for r in rewards if (r["partner_id"], r["company_id"]) not in archived]
        return rewarded | (self.sudo().create(fresh) if fresh else self.browse())

    @api.model
    def _revoke(self, moves):
        """The referrals rewarded by invoices that ``moves`` undo: invoices
        now cancelled, or invoices that posted credit notes among ``moves``
        credit in full. A customer that bought all the same (another posted
        invoice of the company, not credited in full) keeps its referral,
        now standing on that invoice; otherwise the points are taken back
        (a history line on the card) and the referral archived, so that the
        customer's next first invoice rewards it again."""
        moves = moves.sudo()
        cancelled = moves.filtered(lambda m: m.move_type == "out_invoice" and m.state == "cancel")
        refunded = moves.filtered(
            lambda m: m.move_type == "out_refund" and m.state == "posted" and m.reversed_entry_id
        ).reversed_entry_id.filtered(lambda m: m.move_type == "out_invoice")
        undone = cancelled | refunded._kundenbindung_credited_in_full()
        referrals = self.sudo().search([("move_id", "in", undone.ids)]) if undone else self.browse()
        standing = referrals._standing_invoices()
        taken_back = self.browse()
        for referral in referrals:
            if referral.id in standing:
                referral.move_id = standing[referral.id]
                continue
            reader = self.with_context(lang=referral.referrer_id.lang or self.env.lang).env
            reason = (
                reader._(
                    "Referral taken back (invoice cancelled): %(customer)s", customer=referral.partner_id.display_name
                )
                if referral.move_id in cancelled
                else reader._(
                    "Referral taken back (invoice credited in full): %(customer)s",
                    customer=referral.partner_id.display_name,
                )
            )
            # nothing to take back from a referrer without an active card (deleted with its points)
            self._card_points(referral._current_card(), referral.partner_id, reason, -referral.points)
            referral.active = False
            taken_back |= referral
        return taken_back

    @api.model
    def _reinstate(self, moves):
        """The referrals taken back from the customers of ``moves`` (invoices
        posted, also again after a cancellation; credit notes reset to
        draft) stand again, with their points, once the customer has a
        posted invoice of the company that is not credited in full: the
        purchase taken back counts again."""
        moves = moves.sudo()
        invoices = moves.filtered(lambda m: m.move_type == "out_invoice" and m.state == "posted")
        invoices |= moves.filtered(lambda m: m.move_type == "out_refund" and m.state != "posted").reversed_entry_id
        pairs = {(m.commercial_partner_id.id, m.company_id.id) for m in invoices if m.commercial_partner_id}
        if not pairs:
            return self.browse()
        archived = (
            self.sudo()
            .with_context(active_test=False)
            .search([("active", "=", False), ("partner_id", "in", sorted({pid for pid, _c in pairs}))])
            .filtered(lambda r: (r.partner_id.id, r.company_id.id) in pairs)
        )
        standing = archived._standing_invoices()
        reinstated = archived.filtered(lambda r: r.id in standing)
        for referral in reinstated:
            referral.move_id = standing[referral.id]
            reader = self.with_context(lang=referral.referrer_id.lang or self.env.lang).env
            self._card_points(
                referral._current_card(create=True),
                referral.partner_id,
                reader._("Referral rewarded again: %(customer)s", customer=referral.partner_id.display_name),
                referral.points,
            )
            referral.active = True
        return reinstated

    def _standing_invoices(self):
        """Referral id -> the earliest posted invoice of its customer in its
        company that is not credited in full, for those that have one."""
        if not self:
            return {}
        Move = self.env["account.move"]
        Move.flush_model(
            ["move_type", "state", "company_id", "commercial_partner_id", "invoice_date", "amount_total"]
            + ["currency_id", "reversed_entry_id"]
        )
        self.flush_model(["partner_id", "company_id"])
        self.env.cr.execute(
            SQL(
                """SELECT referral.id,
                          (SELECT move.id FROM account_move move
                            WHERE move.commercial_partner_id = referral.partner_id
                              AND move.company_id = referral.company_id
                              AND move.move_type = 'out_invoice' AND move.state = 'posted' AND %s
                         ORDER BY move.invoice_date, move.id LIMIT 1)
                     FROM kundenbindung_referral referral
                    WHERE referral.id = ANY(%s)""",
                Move._kundenbindung_not_credited_sql(),
                self.ids,
            )
        )
        return {referral_id: move_id for referral_id, move_id in self.env.cr.fetchall() if move_id}

    def _current_card(self, create=False):
        """The referrer's card the referral's points live on: its own card
        while active and the referrer's, else the referrer's active card of
        that program (after a merge of partners moved the points there),
        made when ``create`` and there is none. Kept on the referral."""
        self.ensure_one()
        Card = self.env["loyalty.card"].sudo()
        card = self.card_id.sudo()
        if card.active and card.partner_id == self.referrer_id:
            return card
        program = card.program_id or self.company_id.sudo().kundenbindung_config_id.loyalty_program_id
        if not program:
            return Card
        key = (program.id, self.referrer_id.id)
        found = Card._kundenbindung_active_cards({key}).get(key)
        if found:
            card = Card.browse(found)
        elif create:
            card = Card.with_context(loyalty_no_mail=True)._kundenbindung_create_cards(
                [{"program_id": program.id, "partner_id": self.referrer_id.id, "points": 0.0}]
            )
        else:
            return Card
        self.sudo().card_id = card
        return card

    @api.model
    def _card_points(self, card, customer, description, points):
        """Add ``points`` (taken back when negative) to the loyalty ``card``
        for the referral of ``customer``, with a history line."""
        if not card:
            return
        self.env["loyalty.history"].sudo().create(
            {
                "card_id": card.id,
                "description": description,
                "issued": max(points, 0.0),
                "used": max(-points, 0.0),
                "order_model": "res.partner",
                "order_id": customer.id,
            }
        )
        card.sudo().points += points

    @api.model
    def _settle_or_log(self, moves):
        """The referrals of ``moves`` that were just posted, reset to draft
        or cancelled: rewarded (``_reward``), taken back (``_revoke``) or
        standing again (``_reinstate``), each of which looks only at the
        moves it concerns. In a savepoint: a referral never stops a posting,
        a reset or a cancellation; conflicts with a concurrent transaction
        (two new customers of one referrer on its card) are raised, so that
        Odoo retries the whole request rather than lose the points."""
        try:
            with self.env.cr.savepoint():
                self._reward(moves)
                self._revoke(moves)
                self._reinstate(moves)
        except Exception as error:
            if isinstance(error, psycopg2.Error) and error.pgcode in PG_CONCURRENCY_ERRORS_TO_RETRY:
                raise
            _logger.exception("Customer Retention: the referral points of %s could not be written", moves.ids)
