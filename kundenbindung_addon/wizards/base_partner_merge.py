# Copyright 2026 kundenbindung_addon authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

from odoo import models

_logger = logging.getLogger(__name__)


class BasePartnerMergeAutomaticWizard(models.TransientModel):
    _inherit = "base.partner.merge.automatic.wizard"

    def _log_merge_operation(self, src_partners, dst_partner):
        """A merge of duplicate candidates posts one note on the survivor:
        which partners were merged into it (what Odoo's own note says) and
        the values of theirs that differed, from the merge journal."""
        journal_ids = self.env.context.get("kundenbindung_merge_journal_ids")
        if not journal_ids:
            return super()._log_merge_operation(src_partners, dst_partner)
        _logger.info("(uid = %s) merged the partners %r with %s", self.env.uid, src_partners.ids, dst_partner.id)
        self.env["kundenbindung.merge.journal"].browse(journal_ids)._post_merge_note(dst_partner)
