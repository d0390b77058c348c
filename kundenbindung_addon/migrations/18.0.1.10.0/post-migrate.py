# Copyright 2026 kundenbindung_addon authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""From 18.0.1.10.0 on, a company's Customer Retention settings and the
bookkeeping of its nightly jobs live in one ``kundenbindung.config`` record
per company instead of 26 columns on ``res_company``. The values are moved
there; Odoo drops the old columns at the end of the update, with the
fields they belonged to."""

import logging

from odoo import SUPERUSER_ID, api
from odoo.tools import SQL
from odoo.tools.sql import column_exists

_logger = logging.getLogger("odoo.addons.kundenbindung_addon.migrations")

# kundenbindung.config field <- res_company column (kundenbindung_<field>)
MOVED = (
    "window_months",
    "abc_a_share",
    "abc_b_share",
    "abc_rank_by",
    "lost_days",
    "drop_activity",
    "segments_date",
    "segments_tried",
    "cluster_count",
    "cluster_max",
    "cluster_min_invoices",
    "cluster_category_level",
    "cluster_use_tags",
    "clusters_date",
    "nps_survey_id",
    "nps_interval_days",
    "nps_followup",
    "nps_followup_days",
    "loyalty_program_id",
    "duplicate_review_score",
    "duplicate_auto_merge",
    "duplicate_auto_score",
    "duplicate_model",
    "merge_journal_months",
    "duplicates_date",
    "duplicates_tried",
)


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    companies = env["res.company"].with_context(active_test=False).search([])
    companies._kundenbindung_ensure_config()
    env.flush_all()
    present = [name for name in MOVED if column_exists(cr, "res_company", "kundenbindung_%s" % name)]
    if present:
        cr.execute(
            SQL(
                "UPDATE kundenbindung_config config SET (%s) = (SELECT %s FROM res_company company "
                "WHERE company.id = config.company_id)",
                SQL(", ").join(SQL.identifier(name) for name in present),
                SQL(", ").join(SQL.identifier("company", "kundenbindung_%s" % name) for name in present),
            )
        )
        _logger.info("Customer Retention: the settings of %s companies moved to their configuration", cr.rowcount)
    env.invalidate_all()
