# Copyright 2026 kundenbindung_addon authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""From 18.0.1.11.0 on, each customer's segment carries its value at stake
(the order of the salesperson's list for today). The engine computes it: the
segments of every company are recomputed by the scheduled action right after
the update instead of waiting for the night. A campaign's single churn level
becomes the matching one of the four churn checkboxes (several can be
chosen now)."""

import logging

from odoo import SUPERUSER_ID, api
from odoo.tools import SQL
from odoo.tools.sql import column_exists

_logger = logging.getLogger("odoo.addons.kundenbindung_addon.migrations")


def migrate(cr, version):
    if not version:
        return
    if column_exists(cr, "kundenbindung_campaign", "churn_level"):
        for level in ("low", "medium", "high", "lost"):
            cr.execute(
                SQL(
                    "UPDATE kundenbindung_campaign SET %s = TRUE WHERE churn_level = %s",
                    SQL.identifier(f"churn_{level}"),
                    level,
                )
            )
    # until the recompute has run: nothing at stake, not an empty value sorted first
    cr.execute("UPDATE kundenbindung_customer_segment SET value_at_stake = 0 WHERE value_at_stake IS NULL")
    env = api.Environment(cr, SUPERUSER_ID, {})
    configs = env["kundenbindung.config"].search([])
    # tried today already: the scheduled action would skip them until tomorrow
    configs.write({"segments_tried": False})
    cron = env.ref("kundenbindung_addon.ir_cron_kundenbindung_segments", raise_if_not_found=False)
    if cron:
        cron._trigger()
    _logger.info("Customer Retention: segments of %s companies recomputed next by the scheduled action", len(configs))
