# Copyright 2026 kundenbindung_addon authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import fields, models

from .survey import COMPANY_KEY


class SurveyUserInput(models.Model):
    _inherit = "survey.user_input"

    kundenbindung_company_id = fields.Many2one(
        "res.company",
        string="NPS Company",
        default=lambda self: self.env.context.get(COMPANY_KEY),
        help="The company the NPS invitation was sent for.",
    )
    kundenbindung_invite_date = fields.Date(
        string="NPS Invitation Date",
        default=lambda self: fields.Date.context_today(self) if self.env.context.get(COMPANY_KEY) else False,
        help="When the NPS invitation was sent: the same customer is not asked again within the company's interval.",
    )

    def _mark_done(self):
        result = super()._mark_done()
        self._kundenbindung_nps_responses()
        return result

    def _kundenbindung_nps_responses(self):
        """An NPS answer for every completed participation in an NPS survey
        that answered its 0-10 question, once per participation."""
        inputs = self.filtered(
            lambda i: i.state == "done" and not i.test_entry and i.survey_id.kundenbindung_nps_question_id
        )
        if not inputs:
            return
        Response = self.env["kundenbindung.nps.response"].sudo()
        counted = set(Response.search([("user_input_id", "in", inputs.ids)]).user_input_id.ids)
        vals_list = []
        for user_input in inputs:
            if user_input.id in counted:
                continue
            survey = user_input.survey_id
            line = user_input.user_input_line_ids.filtered(
                lambda ln, q=survey.kundenbindung_nps_question_id: (
                    ln.question_id == q and not ln.skipped and ln.answer_type == "scale"
                )
            )[:1]
            if not line:
                continue
            reason_line = user_input.user_input_line_ids.filtered(
                lambda ln, q=survey.kundenbindung_nps_reason_question_id: q and ln.question_id == q and not ln.skipped
            )[:1]
            comment = reason_line.value_text_box or reason_line.value_char_box or False
            company = (
                user_input.kundenbindung_company_id
                or (user_input.partner_id.company_id if user_input.partner_id else False)
                or survey.user_id.company_id
                or self.env.company
            )
            vals_list.append(
                {
                    "partner_id": user_input.partner_id.id or False,
                    "company_id": company.id,
                    "date": fields.Date.context_today(self, user_input.end_datetime or fields.Datetime.now()),
                    "score": line.value_scale,
                    "comment": comment,
                    "source": "survey",
                    "user_input_id": user_input.id,
                }
            )
        if vals_list:
            # the participant (often the public user) may not read partners
            Response.with_context(mail_create_nolog=True, tracking_disable=True).create(vals_list)
