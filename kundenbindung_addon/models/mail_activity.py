# Copyright 2026 kundenbindung_addon authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class MailActivity(models.Model):
    _inherit = "mail.activity"

    def _action_done(self, feedback=False, attachment_ids=None):
        """A detractor's follow-up to-do marked done wherever it is done
        (Odoo's activity menu, the chatter): its NPS answer is followed up."""
        responses = (
            self.env["kundenbindung.nps.response"]
            .sudo()
            .search([("followup_activity_id", "in", self.ids), ("followup_state", "=", "todo")])
        )
        result = super()._action_done(feedback=feedback, attachment_ids=attachment_ids)
        responses.write({"followup_state": "done"})
        return result
