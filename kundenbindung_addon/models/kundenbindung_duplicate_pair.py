# Copyright 2026 kundenbindung_addon authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Two partners of a duplicate group, with their match probability and its evidence."""

from odoo import api, fields, models

from .kundenbindung_duplicate import EXPLANATION_HELP, _render_explanations


class KundenbindungDuplicatePair(models.Model):
    _name = "kundenbindung.duplicate.pair"
    _description = "Duplicate Pair"
    _order = "score desc, id"
    _log_access = False

    group_id = fields.Many2one("kundenbindung.duplicate.group", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="group_id.company_id", store=True)
    partner_a_id = fields.Many2one("res.partner", string="Partner", required=True, ondelete="cascade", index=True)
    partner_b_id = fields.Many2one("res.partner", string="Duplicate of", required=True, ondelete="cascade", index=True)
    score = fields.Float(
        string="Match %", readonly=True, help="The match probability in percent: how likely the two are one customer."
    )
    evidence = fields.Text(readonly=True, help="How each field compares, as data (rendered in the explanation).")
    legacy_explanation = fields.Char(readonly=True, help="The explanation stored by a version before 18.0.1.8.0.")
    explanation = fields.Char(compute="_compute_explanation", help=EXPLANATION_HELP)
    # written when the group is merged: Odoo's merge points both sides to the survivor
    partner_a_label = fields.Char(string="Partner (before the merge)", readonly=True)
    partner_b_label = fields.Char(string="Duplicate of (before the merge)", readonly=True)

    def _write_labels(self):
        """Each side as it was, before a merge points both to the survivor:
        its name, and where two names are alike, what told them apart (the
        city, else the email, else the partner's number)."""
        for pair in self.sudo():
            a, b = pair.partner_a_id, pair.partner_b_id
            labels = []
            for partner in (a, b):
                label = partner.display_name
                if a.display_name == b.display_name:
                    label = f"{label} ({partner.city or partner.email or '#%s' % partner.id})"
                labels.append(label)
            pair.write({"partner_a_label": labels[0], "partner_b_label": labels[1]})

    @api.depends("evidence", "legacy_explanation")
    @api.depends_context("lang")
    def _compute_explanation(self):
        _render_explanations(self)
