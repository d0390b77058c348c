# Copyright 2026 kundenbindung_addon authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""From 18.0.1.12.0 on, the invoice loyalty program and its points are named
in every installed language ("Punkte" in German, not "Points"). Programs
created before get the translations, unless someone renamed them.
*Retention over Time* reads the customers' activity spells the nightly
segment job keeps: the job runs for every company right after the update."""

import logging

from odoo import SUPERUSER_ID, api

_logger = logging.getLogger("odoo.addons.kundenbindung_addon.migrations")


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    configs = env["kundenbindung.config"].search([])
    configs.loyalty_program_id._kundenbindung_name_in_all_languages(keep_changed=True)
    # tried today already: the scheduled action would skip them until tomorrow
    configs.write({"segments_tried": False})
    cron = env.ref("kundenbindung_addon.ir_cron_kundenbindung_segments", raise_if_not_found=False)
    if cron:
        cron._trigger()
    _logger.info(
        "Customer Retention: %s companies' segments and spells computed next by the scheduled action", len(configs)
    )
