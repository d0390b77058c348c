# Copyright 2026 kundenbindung_addon authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Shared fixtures of the addon's Odoo tests."""

from odoo import Command


def make_invoice(env, company, partner, date, lines, taxes, move_type="out_invoice", currency=None, post=True):
    """A customer invoice (or credit note) of ``company`` for ``partner``
    with ``lines`` given as ``(product, quantity, price_unit)``, taxed with
    ``taxes``, posted unless ``post`` is false."""
    invoice = (
        env["account.move"]
        .with_company(company)
        .create(
            {
                "move_type": move_type,
                "partner_id": partner.id,
                "invoice_date": date,
                "currency_id": (currency or company.currency_id).id,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "quantity": quantity,
                            "price_unit": price,
                            "tax_ids": [Command.set(taxes.ids)],
                        }
                    )
                    for product, quantity, price in lines
                ],
            }
        )
    )
    if post:
        invoice.action_post()
    return invoice


def make_duplicate_group(env, company, partners, score=100.0):
    """A duplicate group of ``company`` with ``partners``, sure at ``score``
    (best pair and weakest link), as the duplicate search records them."""
    return (
        env["kundenbindung.duplicate.group"]
        .sudo()
        .create(
            {
                "company_id": company.id,
                "partner_ids": [Command.set(partners.ids)],
                "score": score,
                "weakest_score": score,
            }
        )
    )
