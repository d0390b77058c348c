# Copyright 2026 kundenbindung_addon authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import api, fields, models
from odoo.exceptions import ValidationError

# context key: the company an NPS invitation is sent for
COMPANY_KEY = "kundenbindung_nps_company_id"


class SurveySurvey(models.Model):
    _inherit = "survey.survey"

    kundenbindung_nps_question_id = fields.Many2one(
        "survey.question",
        string="NPS Question",
        domain="[('survey_id', '=', id), ('question_type', '=', 'scale'), ('scale_min', '=', 0), ('scale_max', '=', 10)]",
        help="Marks this survey as a Net Promoter Score survey: every completed answer to this 0-10 "
        "question becomes an NPS answer of the participant's customer.",
    )
    kundenbindung_nps_reason_question_id = fields.Many2one(
        "survey.question",
        string="NPS Reason Question",
        domain="[('survey_id', '=', id), ('question_type', 'in', ('text_box', 'char_box'))]",
        help="Its answer is kept as the reason of the NPS answer.",
    )

    @api.constrains("kundenbindung_nps_question_id", "kundenbindung_nps_reason_question_id")
    def _check_kundenbindung_nps_questions(self):
        for survey in self:
            question = survey.kundenbindung_nps_question_id
            if question and (
                question.survey_id != survey
                or question.question_type != "scale"
                or (question.scale_min, question.scale_max) != (0, 10)
            ):
                raise ValidationError(
                    self.env._(
                        "The NPS question of %(survey)s must be one of its own questions with a scale from 0 to 10.",
                        survey=survey.title,
                    )
                )
            reason = survey.kundenbindung_nps_reason_question_id
            if reason and (reason.survey_id != survey or reason.question_type not in ("text_box", "char_box")):
                raise ValidationError(
                    self.env._(
                        "The NPS reason question of %(survey)s must be one of its own text questions.",
                        survey=survey.title,
                    )
                )
