# Copyright 2026 kundenbindung_addon authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models
from odoo.tools.translate import LazyTranslate

_lt = LazyTranslate(__name__)

# what the program and its points are called when the addon creates it, in each language
PROGRAM_NAME = _lt("Loyalty points from invoices")
POINT_NAME = _lt("Points")
# Odoo's own default names of a loyalty program's points
ODOO_POINT_NAMES = ("Points", "Loyalty point(s)")


class LoyaltyProgram(models.Model):
    _inherit = "loyalty.program"

    def _kundenbindung_name_in_all_languages(self, keep_changed=False):
        """The invoice program's name and its points' name in every installed
        language (Odoo keeps them in the language of whoever created the
        program, so a German user read "Points"). With ``keep_changed``,
        names someone changed are left alone."""
        for program in self.sudo():
            english = program.with_context(lang="en_US")
            fields_to_set = {
                "name": PROGRAM_NAME,
                "portal_point_name": POINT_NAME,
            }
            if keep_changed:
                if english.name != PROGRAM_NAME._translate("en_US"):
                    del fields_to_set["name"]
                if english.portal_point_name not in ODOO_POINT_NAMES:
                    del fields_to_set["portal_point_name"]
            if not fields_to_set:
                continue
            for code, _language in self.env["res.lang"].get_installed():
                program.with_context(lang=code).write(
                    {field: source._translate(code) for field, source in fields_to_set.items()}
                )
