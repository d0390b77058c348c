# Copyright 2026 kundenbindung_addon authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""From 18.0.1.12.0 on, the invoice loyalty program and its points are named
in every installed language ("Punkte" in German, not "Points"). Programs
created before get the translations, unless someone renamed them."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    programs = env["kundenbindung.config"].search([]).loyalty_program_id
    programs._kundenbindung_name_in_all_languages(keep_changed=True)
