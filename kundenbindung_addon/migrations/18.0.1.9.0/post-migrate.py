# Copyright 2026 kundenbindung_addon authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""From 18.0.1.9.0 on, "User" is "User: Own Customers" beside the new "User:
All Customers". Its old translations ("Benutzer") would stay over the new
name and description; they are dropped here, and the translations loaded right after this
step give the new name in every installed language.

The three analysis reports are queries of their own now (``_table_query``),
no longer database views: the old views are dropped, so that they cannot
hold up a later change of the tables they read."""

import logging

from odoo.tools import SQL

_logger = logging.getLogger("odoo.addons.kundenbindung_addon.migrations")


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        """UPDATE res_groups
              SET name = jsonb_build_object('en_US', name->'en_US'),
                  comment = CASE WHEN comment IS NULL THEN NULL
                                 ELSE jsonb_build_object('en_US', comment->'en_US') END
            WHERE id = (SELECT res_id FROM ir_model_data
                         WHERE module = 'kundenbindung_addon' AND name = 'group_kundenbindung_user')"""
    )
    _logger.info("Customer Retention: the old translations of the renamed user group dropped (%s)", cr.rowcount)
    for view in ("kundenbindung_revenue_report", "kundenbindung_nps_report", "kundenbindung_loyalty_report"):
        cr.execute("SELECT 1 FROM pg_views WHERE schemaname = current_schema() AND viewname = %s", [view])
        if cr.fetchone():
            cr.execute(SQL("DROP VIEW %s", SQL.identifier(view)))
