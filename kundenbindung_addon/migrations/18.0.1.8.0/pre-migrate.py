# Copyright 2026 kundenbindung_addon authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""From 18.0.1.8.0 on, duplicate pairs and groups store their evidence as
language-neutral data and render the explanation in the reader's language.
The English text stored before is kept, as ``legacy_explanation``, for the
records that have no evidence yet."""

from odoo.tools.sql import column_exists, rename_column

TABLES = ("kundenbindung_duplicate_pair", "kundenbindung_duplicate_group")


def migrate(cr, version):
    if not version:
        return
    for table in TABLES:
        if column_exists(cr, table, "explanation") and not column_exists(cr, table, "legacy_explanation"):
            rename_column(cr, table, "explanation", "legacy_explanation")
