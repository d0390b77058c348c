# Copyright 2026 kundenbindung_addon authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models
from odoo.tools.translate import LazyTranslate, code_translations

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
        languages = [code for code, _language in self.env["res.lang"].get_installed()]
        # a name as created, in whichever language its creator worked
        defaults = {
            "name": {PROGRAM_NAME._translate(code) for code in languages},
            "portal_point_name": {POINT_NAME._translate(code) for code in languages}
            | set(ODOO_POINT_NAMES)
            | {
                code_translations.get_python_translations("loyalty", code).get(source, source)
                for code in languages
                for source in ODOO_POINT_NAMES
            },
        }
        for program in self.sudo():
            english = program.with_context(lang="en_US")
            fields_to_set = {
                "name": PROGRAM_NAME,
                "portal_point_name": POINT_NAME,
            }
            if keep_changed:
                for field in list(fields_to_set):
                    if english[field] not in defaults[field]:
                        del fields_to_set[field]
            if not fields_to_set:
                continue
            for field, source in fields_to_set.items():
                program.update_field_translations(field, {code: source._translate(code) for code in languages})
