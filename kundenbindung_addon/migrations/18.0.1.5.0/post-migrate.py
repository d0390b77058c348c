# Copyright 2026 kundenbindung_addon authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Groups found before 18.0.1.5.0 get their weakest link, which automatic
merging looks at."""

from odoo import SUPERUSER_ID, api

from odoo.addons.kundenbindung_addon.engine.duplicates import bottleneck


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    groups = env["kundenbindung.duplicate.group"].search([("weakest_score", "=", False)])
    for group in groups:
        group.weakest_score = bottleneck(
            (pair.partner_a_id.id, pair.partner_b_id.id, pair.score) for pair in group.pair_ids
        )
