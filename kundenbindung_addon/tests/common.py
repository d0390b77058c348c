# Copyright 2026 kundenbindung_addon authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Shared fixtures of the addon's Odoo tests."""

from odoo import Command
from odoo.tests import new_test_user

# the kinds of users the tests act as, by the groups Odoo's own apps give them
ROLES = {
    "employee": "base.group_user",
    # Sales "Own Documents Only" and "All Documents", and the Sales administrator
    "salesman": "base.group_user,sales_team.group_sale_salesman",
    "salesman_all": "base.group_user,sales_team.group_sale_salesman_all_leads",
    "sales_manager": "base.group_user,sales_team.group_sale_manager",
    # the addon's own groups, without Sales
    "kb_user": "base.group_user,kundenbindung_addon.group_kundenbindung_user",
    "kb_user_all": "base.group_user,kundenbindung_addon.group_kundenbindung_user_all",
    "kb_manager": "base.group_user,kundenbindung_addon.group_kundenbindung_manager",
    # a manager who may also edit contacts, as merging needs
    "kb_merger": "base.group_user,base.group_partner_manager,kundenbindung_addon.group_kundenbindung_manager",
}


def make_user(env, login, role, company, companies=None, **values):
    """A user working in ``company`` (allowed in ``companies``, by default
    that one only) with the groups of ``role``: a key of ``ROLES`` or a
    comma-separated list of group xml ids."""
    return new_test_user(
        env,
        login=login,
        groups=ROLES.get(role, role),
        company_id=company.id,
        company_ids=[Command.set((companies or company).ids)],
        **values,
    )


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
