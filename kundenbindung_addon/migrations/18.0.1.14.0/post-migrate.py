# Copyright 2026 kundenbindung_addon authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""From 18.0.1.14.0 on, each customer's segment carries its cost to serve,
contribution margin and place in the customer portfolio, and the product
categories their margins. The classes stay ranked on revenue (the new
setting's default). The segments of every company are recomputed by the
scheduled action right after the update, so that the new figures do not
wait for the night."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["kundenbindung.segmentation"]._recompute_all_soon()
