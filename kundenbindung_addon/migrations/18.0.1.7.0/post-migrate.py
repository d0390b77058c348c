# Copyright 2026 kundenbindung_addon authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""From 18.0.1.7.0 on, automatic merging of duplicates is off by default:
it could delete partners, and across companies, before. Databases upgraded
from an earlier version have it switched off on every company, until a
manager has reviewed the candidates and switches it back on. Companies get
the merge journal's retention period, and earlier journal entries the
merged partner's email (so that Odoo's privacy lookup finds them)."""

import logging

_logger = logging.getLogger("odoo.addons.kundenbindung_addon.migrations")


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        """
        UPDATE res_company
           SET kundenbindung_duplicate_auto_merge = FALSE
         WHERE kundenbindung_duplicate_auto_merge IS DISTINCT FROM FALSE
        """
    )
    switched_off = cr.rowcount
    # the ORM fills a new column with its default; this covers a column that existed without one
    cr.execute(
        """
        UPDATE res_company
           SET kundenbindung_merge_journal_months = 12
         WHERE kundenbindung_merge_journal_months IS NULL
        """
    )
    # the email of partners merged before, for Odoo's privacy lookup
    cr.execute(
        """
        UPDATE kundenbindung_merge_journal
           SET email = snapshot->>'email'
         WHERE email IS NULL AND snapshot->>'email' IS NOT NULL
        """
    )
    _logger.info(
        "Customer Retention: automatic merging of duplicates is now off on every company (switched off on "
        "%s). Before 18.0.1.7.0 it could delete partners and merge across companies; a manager switches it "
        "back on in the settings after reviewing the duplicate candidates.",
        switched_off,
    )
