# Copyright 2026 kundenbindung_addon authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import datetime

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError

from ..models.survey import COMPANY_KEY


class KundenbindungNpsSend(models.TransientModel):
    """Send the company's NPS survey to customers through Odoo's survey
    invitation, leaving out those asked or answering within the company's
    interval."""

    _name = "kundenbindung.nps.send"
    _description = "Send NPS Survey"

    company_id = fields.Many2one("res.company", required=True, readonly=True, default=lambda self: self.env.company)
    survey_id = fields.Many2one(
        "survey.survey",
        required=True,
        domain="[('kundenbindung_nps_question_id', '!=', False)]",
        default=lambda self: self.env.company.kundenbindung_nps_survey_id,
    )
    partner_ids = fields.Many2many("res.partner", string="Customers")
    abc_classes = fields.Char(
        string="ABC Classes", help="Add the customers of these classes, e.g. A,B (current company)."
    )
    interval_days = fields.Integer(related="company_id.kundenbindung_nps_interval_days")
    recipient_ids = fields.Many2many(
        "res.partner",
        compute="_compute_recipients",
        string="Recipients",
        relation="kundenbindung_nps_send_recipient_rel",
    )
    skipped_ids = fields.Many2many(
        "res.partner",
        compute="_compute_recipients",
        string="Asked Recently",
        relation="kundenbindung_nps_send_skipped_rel",
    )
    no_email_ids = fields.Many2many(
        "res.partner",
        compute="_compute_recipients",
        string="Without Email",
        relation="kundenbindung_nps_send_no_email_rel",
    )

    def _targets(self):
        # real records, also in the onchange of the form
        partners = self.partner_ids._origin.commercial_partner_id
        classes = [c.strip().upper() for c in (self.abc_classes or "").split(",") if c.strip()]
        if classes:
            segments = self.env["kundenbindung.customer.segment"].search(
                [("company_id", "=", self.company_id.id), ("abc_class", "in", classes)]
            )
            partners |= segments.partner_id
        if not partners:
            return partners
        # customers only (no employee, no company's own partner), the user's own for "own customers" users
        Partner = self.env["res.partner"]
        return Partner.search([("id", "in", partners.ids), *Partner._kundenbindung_customer_domain(self.env.user)])

    @api.depends("partner_ids", "abc_classes", "survey_id", "company_id")
    def _compute_recipients(self):
        for wizard in self:
            targets = wizard._targets()
            recent = wizard._asked_recently(targets)
            no_email = targets.filtered(lambda p: not p.email)
            wizard.skipped_ids = recent
            wizard.no_email_ids = no_email - recent
            wizard.recipient_ids = targets - recent - no_email

    def _asked_recently(self, partners):
        """Of ``partners``, those invited to or answering an NPS survey of
        this company within the interval."""
        if not partners:
            return partners
        since = fields.Date.context_today(self) - datetime.timedelta(
            days=self.company_id.kundenbindung_nps_interval_days
        )
        answered = (
            self.env["kundenbindung.nps.response"]
            .sudo()
            .search(
                [
                    ("commercial_partner_id", "in", partners.ids),
                    ("company_id", "=", self.company_id.id),
                    ("date", ">", since),
                ]
            )
            .commercial_partner_id
        )
        invited = (
            self.env["survey.user_input"]
            .sudo()
            .search(
                [
                    ("partner_id.commercial_partner_id", "in", partners.ids),
                    ("survey_id.kundenbindung_nps_question_id", "!=", False),
                    ("kundenbindung_company_id", "=", self.company_id.id),
                    ("kundenbindung_invite_date", ">", since),
                ]
            )
            .partner_id.commercial_partner_id
        )
        return partners & (answered | invited)

    def action_send(self):
        self.ensure_one()
        # the invitation goes out with sudo: first, that it is the user's company and an NPS survey
        if self.company_id not in self.env.user.company_ids:
            raise AccessError(
                self.env._("You cannot send the NPS survey of %(company)s.", company=self.company_id.sudo().name)
            )
        if not self.survey_id.sudo().kundenbindung_nps_question_id:
            raise UserError(
                self.env._(
                    "%(survey)s has no NPS question; choose the company's NPS survey.",
                    survey=self.survey_id.sudo().display_name,
                )
            )
        recipients = self.recipient_ids
        if not recipients:
            raise UserError(
                self.env._(
                    "Nobody to ask: every selected customer was asked within the last %(days)s days or has no email.",
                    days=self.interval_days,
                )
            )
        # Customer Retention users need no survey rights to ask their customers
        invite = (
            self.env["survey.invite"]
            .sudo()
            .with_context(**{COMPANY_KEY: self.company_id.id})
            .create(
                {
                    "survey_id": self.survey_id.id,
                    "partner_ids": [Command.set(recipients.ids)],
                    "template_id": self.env.ref("survey.mail_template_user_input_invite").id,
                    "existing_mode": "new",
                }
            )
        )
        invite.with_context(**{COMPANY_KEY: self.company_id.id}).action_invite()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("NPS survey sent"),
                "message": self.env._(
                    "%(sent)s customers invited, %(skipped)s asked recently, %(no_email)s without email.",
                    sent=len(recipients),
                    skipped=len(self.skipped_ids),
                    no_email=len(self.no_email_ids),
                ),
                "type": "success",
                "next": {"type": "ir.actions.act_window_close"},
            },
        }
