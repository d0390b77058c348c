# Copyright 2026 kundenbindung_addon authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Glue of the four signs of loyalty (``engine.loyalty_signals``): the
product lines of the window and the window before, and who recommended
whom, read in one query each."""

import pandas as pd

from odoo import api, models
from odoo.tools import SQL

from ..engine.loyalty_signals import loyalty_index, loyalty_signals


class KundenbindungSignals(models.AbstractModel):
    _name = "kundenbindung.signals"
    _description = "Customer Retention Signs of Loyalty"

    @api.model
    def _lines(self, company, date_from, date_to):
        """The product lines of the company's customer documents in
        [date_from, date_to): customer, product, category, date, quantity
        and amount (net, company currency; both negative on credit notes)."""
        self.env["account.move.line"].flush_model(["move_id", "display_type", "balance", "product_id", "quantity"])
        self.env["product.product"].flush_model(["product_tmpl_id"])
        self.env["product.template"].flush_model(["categ_id"])
        return self.env["kundenbindung.bulk"]._copy_frame(
            SQL(
                """
                SELECT move.commercial_partner_id AS customer, line.product_id AS product,
                       template.categ_id AS category, move.invoice_date AS date,
                       CASE WHEN move.move_type = 'out_refund' THEN -line.quantity ELSE line.quantity END AS quantity,
                       -line.balance AS amount
                  FROM account_move_line line
                  JOIN account_move move ON move.id = line.move_id
                  JOIN product_product product ON product.id = line.product_id
                  JOIN product_template template ON template.id = product.product_tmpl_id
                 WHERE %s AND line.display_type = 'product'
                """,
                self.env["account.move"]._kundenbindung_documents_sql(company.ids, date_from, date_to),
            ),
            dtype={"customer": "int64", "product": "int64", "category": "Int64", "quantity": "float64"},
            parse_dates=["date"],
        )

    @api.model
    def _referred_by(self):
        """Customer (a commercial partner) -> the commercial partner that
        recommended it."""
        self.env["res.partner"].flush_model(["kundenbindung_referred_by_id", "commercial_partner_id"])
        self.env.cr.execute(
            """
            SELECT partner.id, referrer.commercial_partner_id
              FROM res_partner partner
              JOIN res_partner referrer ON referrer.id = partner.kundenbindung_referred_by_id
             WHERE partner.id = partner.commercial_partner_id
            """
        )
        return pd.Series(dict(self.env.cr.fetchall()), dtype="float64")

    @api.model
    def _weights(self, company):
        """The company's weights of the loyalty index, as the engine takes them."""
        config = company.kundenbindung_config_id
        return {
            "repurchase": config.loyalty_weight_repurchase,
            "cross_buying": config.loyalty_weight_cross_buying,
            "referrals": config.loyalty_weight_referrals,
            "price_tolerance": config.loyalty_weight_price,
        }

    @api.model
    def _compute(self, company, result, docs, date_from, date_to, today):
        """The signs of loyalty and the loyalty index of the customers of
        ``result`` (the segments), from the documents already read and the
        product lines of [date_from, date_to)."""
        lines = self._lines(company, date_from, date_to)
        lines["category"] = lines["category"].fillna(0).astype("int64")
        signals = loyalty_signals(
            docs,
            lines,
            today,
            company.kundenbindung_config_id.window_months,
            referred_by=self._referred_by(),
            revenue=result["revenue"],
        ).reindex(result.index)
        signals["referrals"] = signals["referrals"].fillna(0)
        signals["referred_revenue"] = signals["referred_revenue"].fillna(0.0)
        buyers = result["revenue"] > 0
        signals["loyalty_index"], _used = loyalty_index(signals[buyers], self._weights(company))
        return signals
