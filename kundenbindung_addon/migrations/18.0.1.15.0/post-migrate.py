# Copyright 2026 kundenbindung_addon authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""From 18.0.1.15.0 on, each customer's segment carries the four signs of
loyalty (repurchase, cross buying, referrals, price-increase tolerance) and
the loyalty index, which also counts towards the relationship strength of
the customer portfolio. The segments of every company are recomputed by the
scheduled action right after the update."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["kundenbindung.segmentation"]._recompute_all_soon()
