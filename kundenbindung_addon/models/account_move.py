# Copyright 2026 kundenbindung_addon authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Loyalty points from posted invoices (and back for credit notes, reset to draft and
cancellation) as history lines of the customer's card; never stops a posting: what fails
is pending and caught up by a scheduled action."""

import logging

import psycopg2
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.service.model import PG_CONCURRENCY_ERRORS_TO_RETRY
from odoo.tools import SQL
from odoo.tools.sql import create_index

from ..engine.loyalty import Rule, invoice_points

_logger = logging.getLogger(__name__)

CATCH_UP_BATCH = 500


class AccountMove(models.Model):
    _inherit = "account.move"

    kundenbindung_loyalty_pending = fields.Boolean(
        string="Loyalty points pending",
        copy=False,
        readonly=True,
        help="The loyalty points of this document could not be written when it was posted, reset to draft or "
        "cancelled; the scheduled action catching up loyalty points writes them.",
    )

    def init(self):
        result = super().init()
        # the few pending documents, found without reading the others
        create_index(
            self.env.cr,
            "account_move_kundenbindung_loyalty_pending_idx",
            self._table,
            ["id"],
            where="kundenbindung_loyalty_pending",
        )
        # a customer's documents by the customer stored on them (_kundenbindung_documents_sql)
        create_index(
            self.env.cr,
            "account_move_kundenbindung_customer_idx",
            self._table,
            ["commercial_partner_id", "company_id"],
            where="move_type IN ('out_invoice', 'out_refund') AND state = 'posted'",
        )
        return result

    @api.model
    def _kundenbindung_documents_sql(self, company_ids, date_from=None, date_to=None, refunds=True, alias="move"):
        """The one definition of what the addon counts as a customer's
        documents, as a condition on ``alias`` (an account_move): posted
        customer invoices (and credit notes with ``refunds``) of the
        companies (None: of all), in [date_from, date_to) when given, whose customer is the
        commercial partner stored on the document. Segments, clusters,
        campaign effects, merge references and the invoice lines all read
        through it."""
        self.flush_model(["move_type", "state", "company_id", "commercial_partner_id", "invoice_date"])
        table = SQL.identifier(alias)
        conditions = [
            SQL(
                "%s.move_type IN %s AND %s.state = 'posted' AND %s.commercial_partner_id IS NOT NULL",
                table,
                ("out_invoice", "out_refund") if refunds else ("out_invoice",),
                table,
                table,
            ),
        ]
        if company_ids is not None:
            conditions.append(SQL("%s.company_id = ANY(%s)", table, list(company_ids)))
        if date_from is not None:
            conditions.append(SQL("%s.invoice_date >= %s", table, date_from))
        if date_to is not None:
            conditions.append(SQL("%s.invoice_date < %s", table, date_to))
        return SQL(" AND ").join(conditions)

    def _post(self, soft=True):
        # an invoice posted before (reset to draft, posted again) is no customer's first
        posted_before = {move.id: True for move in self if move.posted_before}
        posted = super()._post(soft=soft)
        posted._kundenbindung_sync_loyalty_or_defer()
        # a first invoice rewards its customer's referral; a credit note crediting it in full takes the
        # points back; an invoice taken back and posted again has the referral stand again
        self.env["kundenbindung.referral"].with_context(kundenbindung_posted_before=posted_before)._settle_or_log(
            posted
        )
        return posted

    @api.model
    def _kundenbindung_not_credited_sql(self, alias="move"):
        """SQL: the customer invoice ``alias`` is not credited in full by
        the posted credit notes reversing it in its currency (one full
        reversal, or partial ones that add up). An invoice of 0 never is."""
        table = SQL.identifier(alias)
        return SQL(
            """(%(move)s.amount_total = 0 OR %(move)s.amount_total > COALESCE(
                   (SELECT SUM(refund.amount_total) FROM account_move refund
                     WHERE refund.reversed_entry_id = %(move)s.id AND refund.move_type = 'out_refund'
                       AND refund.state = 'posted' AND refund.currency_id = %(move)s.currency_id), 0))""",
            move=table,
        )

    def _kundenbindung_credited_in_full(self):
        """The invoices among these that their posted credit notes credit in full."""
        if not self:
            return self
        self.flush_model(["move_type", "state", "amount_total", "currency_id", "reversed_entry_id"])
        self.env.cr.execute(
            SQL(
                "SELECT move.id FROM account_move move WHERE move.id = ANY(%s) AND NOT %s",
                self.ids,
                self._kundenbindung_not_credited_sql(),
            )
        )
        return self.browse(row[0] for row in self.env.cr.fetchall())

    def button_draft(self):
        result = super().button_draft()
        self._kundenbindung_sync_loyalty_or_defer()
        # a credit note undone: the referral it took back stands again
        self.env["kundenbindung.referral"]._settle_or_log(self)
        return result

    def button_cancel(self):
        result = super().button_cancel()
        self._kundenbindung_sync_loyalty_or_defer()
        # a referral rewarded by a first invoice that is cancelled gives its points back
        self.env["kundenbindung.referral"]._settle_or_log(self)
        return result

    @api.model
    def _cron_kundenbindung_loyalty_catch_up(self, batch_size=CATCH_UP_BATCH):
        """Scheduled action: the loyalty points of pending documents, a
        batch per call, each in a savepoint. A failing batch is tried again
        document by document; what still fails stays pending (logged) and
        the call goes on with the next batch until one succeeds, so a
        document that keeps failing never holds up the others. Idempotent:
        a document caught up twice counts once."""
        pending = [("kundenbindung_loyalty_pending", "=", True)]
        done = failed = last_id = 0
        while not done:
            batch = self.search([*pending, ("id", ">", last_id)], order="id", limit=batch_size)
            if not batch:
                break
            last_id = batch[-1].id
            if batch._kundenbindung_sync_loyalty_or_defer():
                done += len(batch)
                continue
            for move in batch:
                if move._kundenbindung_sync_loyalty_or_defer():
                    done += 1
                else:
                    failed += 1
        remaining = self.search_count([*pending, ("id", ">", last_id)])
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
        return {"done": done, "failed": failed, "remaining": remaining}

    @api.model
    def _kundenbindung_loyalty_backfill(self, company):
        """The posted customer invoices and credit notes of ``company``'s
        revenue window that earned nothing in its invoice program yet
        (posted before the program was chosen) become pending: the
        scheduled catch-up gives them their points, in batches, once.
        Returns how many."""
        program = company.sudo().kundenbindung_config_id.loyalty_program_id
        if not program:
            return 0
        since = fields.Date.context_today(self) - relativedelta(
            months=company.sudo().kundenbindung_config_id.window_months or 12
        )
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                UPDATE account_move m SET kundenbindung_loyalty_pending = TRUE
                 WHERE m.company_id = %(company)s AND m.state = 'posted'
                   AND m.move_type IN ('out_invoice', 'out_refund') AND m.invoice_date >= %(since)s
                   AND NOT m.kundenbindung_loyalty_pending IS TRUE
                   AND NOT EXISTS (SELECT 1 FROM loyalty_history h JOIN loyalty_card c ON c.id = h.card_id
                                    WHERE h.order_model = 'account.move' AND h.order_id = m.id
                                      AND c.program_id = %(program)s)
                """,
                company=company.id,
                since=since,
                program=program.id,
            )
        )
        count = self.env.cr.rowcount
        self.invalidate_model(["kundenbindung_loyalty_pending"])
        if count:
            self.env.ref("kundenbindung_addon.ir_cron_kundenbindung_loyalty_catch_up")._trigger()
        return count

    def _kundenbindung_loyalty_moves(self):
        """The documents that earn loyalty points: customer invoices and
        credit notes of companies with an invoice loyalty program."""
        return self.filtered(
            lambda m: (
                m.move_type in ("out_invoice", "out_refund")
                and m.company_id.sudo().kundenbindung_config_id.loyalty_program_id
                and m.commercial_partner_id
            )
        )

    def _kundenbindung_set_loyalty_pending(self, pending):
        """Mark or clear pending loyalty points. In SQL: a flag of the
        addon, not an accounting change (no write_date, no check of posted
        entries or lock dates that could refuse it)."""
        if not self:
            return
        self.env.cr.execute(
            SQL(
                "UPDATE account_move SET kundenbindung_loyalty_pending = %s WHERE id = ANY(%s)",
                bool(pending),
                self.ids,
            )
        )
        self.invalidate_recordset(["kundenbindung_loyalty_pending"])

    def _kundenbindung_sync_loyalty_or_defer(self):
        """``_kundenbindung_sync_loyalty`` in a savepoint: loyalty never
        stops a posting, a reset or a cancellation. If it fails, the reason
        is logged and the documents are pending until the scheduled
        catch-up writes their points; conflicts with a concurrent
        transaction are raised, so that Odoo retries the whole request.
        True if the points are written (the pending flag then cleared)."""
        moves = self._kundenbindung_loyalty_moves()
        if moves:
            try:
                with self.env.cr.savepoint():
                    moves._kundenbindung_sync_loyalty()
            except Exception as error:
                if isinstance(error, psycopg2.Error) and error.pgcode in PG_CONCURRENCY_ERRORS_TO_RETRY:
                    raise
                _logger.warning(
                    "Loyalty points of %s document(s) (%s) not written, pending for the scheduled catch-up: %s",
                    len(moves),
                    ", ".join(moves[:10].mapped("display_name")) + (", ..." if len(moves) > 10 else ""),
                    error,
                )
                moves._kundenbindung_set_loyalty_pending(True)
                return False
        self.filtered("kundenbindung_loyalty_pending")._kundenbindung_set_loyalty_pending(False)
        return True

    def _kundenbindung_loyalty_rule_products(self, program):
        """The program's active rules, each with the ids of the products of
        these documents it counts (None: all products)."""
        products = self.invoice_line_ids.product_id
        result = []
        for rule in program.rule_ids.filtered("active"):
            domain = rule._get_valid_product_domain()
            result.append((rule, frozenset(products.filtered_domain(domain).ids) if domain else None))
        return result

    def _kundenbindung_loyalty_points(self, program, rule_products=None):
        """Points this document should have earned now: by the program's
        rules for a posted invoice, the same negative for a posted credit
        note, nothing otherwise. ``rule_products``: the program's
        ``_kundenbindung_loyalty_rule_products`` for a batch, if known."""
        self.ensure_one()
        if self.state != "posted" or self.move_type not in ("out_invoice", "out_refund"):
            return 0.0
        if rule_products is None:
            rule_products = self._kundenbindung_loyalty_rule_products(program)
        rules = []
        for rule, products in rule_products:
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

    def _kundenbindung_loyalty_awarded(self):
        """``(move id, program id)`` -> (points the document earned so far
        by its history lines, the card of its latest line, whether that card
        is active, its partner id), in one query."""
        self.env["loyalty.history"].flush_model(["order_model", "order_id", "card_id", "issued", "used"])
        self.env["loyalty.card"].flush_model(["program_id", "partner_id", "active"])
        self.env.cr.execute(
            SQL(
                """
                SELECT history.order_id, card.program_id,
                       SUM(COALESCE(history.issued, 0)) - SUM(COALESCE(history.used, 0)),
                       (ARRAY_AGG(card.id ORDER BY history.id DESC))[1],
                       (ARRAY_AGG(card.active ORDER BY history.id DESC))[1],
                       (ARRAY_AGG(card.partner_id ORDER BY history.id DESC))[1]
                  FROM loyalty_history history
                  JOIN loyalty_card card ON card.id = history.card_id
                 WHERE history.order_model = 'account.move' AND history.order_id = ANY(%s)
                 GROUP BY history.order_id, card.program_id
                """,
                self.ids,
            )
        )
        return {(row[0], row[1]): row[2:] for row in self.env.cr.fetchall()}

    def _kundenbindung_loyalty_description(self):
        self.ensure_one()
        document = self.name if self.name and self.name != "/" else self.display_name
        if self.state == "posted" and self.move_type == "out_refund":
            return self.env._("Credit note %(document)s", document=document)
        if self.state == "posted":
            return self.env._("Invoice %(document)s", document=document)
        if self.state == "cancel":
            return self.env._("%(document)s cancelled", document=document)
        return self.env._("%(document)s reset to draft", document=document)

    def _kundenbindung_sync_loyalty(self):
        """Bring each document's points on the customer's card of the
        company's invoice loyalty program to what it should have earned
        now, with one history line per change: idempotent, so a retry, a
        re-post or a second reset never counts twice. Set-based: the
        batch's history and cards are read in one query each, missing
        cards created in one call, the history lines in one, and each card's
        balance written once."""
        moves = self._kundenbindung_loyalty_moves()
        if not moves:
            return
        History = self.env["loyalty.history"].sudo()
        Card = self.env["loyalty.card"].sudo()
        awarded = moves._kundenbindung_loyalty_awarded()
        rule_products = {}
        changes = []  # (move, program id, partner id, delta, card id or None)
        for move in moves:
            program = move.company_id.sudo().kundenbindung_config_id.loyalty_program_id
            if program not in rule_products:
                rule_products[program] = moves._kundenbindung_loyalty_rule_products(program)
            target = move._kundenbindung_loyalty_points(program, rule_products[program])
            points, card_id, card_active, card_partner_id = awarded.get((move.id, program.id), (0.0, None, False, None))
            delta = round(target - points, 2)
            if not delta:
                continue
            # the card of the earlier lines while it is active and the customer's; after a partner
            # merge it is the merged partner's inactive card at 0 points, and the customer's active
            # card holds its points
            partner_id = move.commercial_partner_id.id
            if not (card_active and card_partner_id == partner_id):
                card_id = None
            changes.append((move, program.id, partner_id, delta, card_id))
        if not changes:
            return
        wanted = {(program_id, partner_id) for _m, program_id, partner_id, _d, card_id in changes if not card_id}
        cards = Card._kundenbindung_active_cards(wanted)
        # the customers without a card get one, in one create, with their points
        new_points = {}
        for _m, program_id, partner_id, delta, card_id in changes:
            key = (program_id, partner_id)
            if not card_id and key not in cards:
                new_points[key] = new_points.get(key, 0.0) + delta
        if new_points:
            keys = sorted(new_points)
            created = Card.with_context(loyalty_no_mail=True)._kundenbindung_create_cards(
                [
                    {"program_id": program_id, "partner_id": partner_id, "points": new_points[program_id, partner_id]}
                    for program_id, partner_id in keys
                ]
            )
            cards.update(zip(keys, created.ids, strict=True))
        history_vals = []
        card_deltas = {}
        for move, program_id, partner_id, delta, card_id in changes:
            key = (program_id, partner_id)
            card_id = card_id or cards[key]
            history_vals.append(
                {
                    "card_id": card_id,
                    "description": move._kundenbindung_loyalty_description(),
                    "issued": max(delta, 0.0),
                    "used": max(-delta, 0.0),
                    "order_model": "account.move",
                    "order_id": move.id,
                }
            )
            if key not in new_points or card_id != cards[key]:
                card_deltas[card_id] = card_deltas.get(card_id, 0.0) + delta
        History.create(history_vals)
        for card in Card.browse(sorted(card_deltas)):
            card.points += card_deltas[card.id]
