# Copyright 2026 kundenbindung_addon authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""From 18.0.1.8.0 on, a duplicate score is the match probability in percent
(a fitted probabilistic model), no longer a sum of hand-tuned points, and
the search reads more of a partner (mobile, address line 2, birth date, its
company). Companies' score settings, the kept search keys and the open
groups are brought over to the new meaning."""

import logging

from odoo.addons.kundenbindung_addon.models.kundenbindung_duplicate import OPEN_STATES

_logger = logging.getLogger("odoo.addons.kundenbindung_addon.migrations")

# the old defaults and the new ones (engine.duplicates REVIEW_THRESHOLD, AUTO_MERGE_THRESHOLD,
# REVIEW_ONLY_CAP), written out: a migration keeps the values of its own version
OLD_REVIEW_DEFAULT = 80
NEW_REVIEW_DEFAULT = 50
NEW_AUTO_MINIMUM = 99.5
REVIEW_ONLY_CAP = 90


def migrate(cr, version):
    if not version:
        return
    # candidates from the old default become candidates from the new one; a score a manager
    # chose is kept (at least 50 either way, and a probability of the same height is as strict)
    cr.execute(
        "UPDATE res_company SET kundenbindung_duplicate_review_score = %s "
        "WHERE kundenbindung_duplicate_review_score = %s",
        [NEW_REVIEW_DEFAULT, OLD_REVIEW_DEFAULT],
    )
    reviews = cr.rowcount
    # an old auto-merge score meant points, not a probability: 95 points were reached by pairs
    # the new model puts well below 99.5 %. Raising it is the safe direction (fewer merges
    # without review, never more), so every score below the new default is raised to it.
    cr.execute(
        "UPDATE res_company SET kundenbindung_duplicate_auto_score = %s "
        "WHERE kundenbindung_duplicate_auto_score IS NULL OR kundenbindung_duplicate_auto_score < %s",
        [NEW_AUTO_MINIMUM, NEW_AUTO_MINIMUM],
    )
    autos = cr.rowcount
    # every partner normalised again, with the new columns, by the next search...
    cr.execute("DELETE FROM kundenbindung_duplicate_key")
    # ... which is a full one (no date of a last search, no kept model): it fits the model and
    # scores the open groups again
    cr.execute(
        "UPDATE res_company SET kundenbindung_duplicates_date = NULL, kundenbindung_duplicate_model = NULL "
        "WHERE kundenbindung_duplicates_date IS NOT NULL OR kundenbindung_duplicate_model IS NOT NULL"
    )
    # until then, an open group's old score must not let the scheduled merge take it: no
    # higher than the pairs that are only ever reviewed
    cr.execute(
        "UPDATE kundenbindung_duplicate_group SET weakest_score = LEAST(weakest_score, %s) "
        "WHERE state IN %s AND weakest_score > %s",
        [REVIEW_ONLY_CAP, OPEN_STATES, REVIEW_ONLY_CAP],
    )
    held = cr.rowcount
    _logger.info(
        "Customer Retention: duplicate scores are match probabilities now. Candidate scores moved from %s "
        "to %s on %s companies, automatic merging raised to %s on %s; %s open groups held below automatic "
        "merging until the next duplicate search, a full one, scores them again.",
        OLD_REVIEW_DEFAULT,
        NEW_REVIEW_DEFAULT,
        reviews,
        NEW_AUTO_MINIMUM,
        autos,
        held,
    )
