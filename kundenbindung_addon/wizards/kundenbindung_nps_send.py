# Copyright 2026 kundenbindung_addon authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import datetime
import json

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL
from odoo.tools.misc import formatLang

from ..models.client_actions import CLOSE, notification
from ..models.survey import COMPANY_KEY

# names shown in the form before "and N more"
PREVIEW = 5


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
        default=lambda self: self.env.company.kundenbindung_config_id.nps_survey_id,
    )
    # a list's selection (up to Odoo's 20,000 active ids) as the ids' text, as Odoo's mail
    # composer keeps its res_ids: a many2many default of that size takes Odoo seconds to open
    selection = fields.Text(default=lambda self: self._default_selection())
    selection_count = fields.Integer(compute="_compute_selection_count", string="Selected Customers")
    # archived partners are left out by the customer rule (_targets), not by a filter over each of them
    partner_ids = fields.Many2many(
        "res.partner",
        string="Further Customers",
        context={"active_test": False},
        help="Customers to ask besides the selection.",
    )
    abc_classes = fields.Char(
        string="ABC Classes", help="Add the customers of these classes, e.g. A,B (current company)."
    )
    interval_days = fields.Integer(related="company_id.kundenbindung_config_id.nps_interval_days")
    recipient_ids = fields.Many2many(
        "res.partner",
        compute="_compute_recipients",
        string="Recipient Customers",
        relation="kundenbindung_nps_send_recipient_rel",
        # the recipients are active already: no second filter over thousands of partners
        context={"active_test": False},
    )
    skipped_ids = fields.Many2many(
        "res.partner",
        compute="_compute_recipients",
        string="Customers Asked Recently",
        relation="kundenbindung_nps_send_skipped_rel",
        context={"active_test": False},
    )
    no_email_ids = fields.Many2many(
        "res.partner",
        compute="_compute_recipients",
        string="Customers Without Email",
        relation="kundenbindung_nps_send_no_email_rel",
        context={"active_test": False},
    )
    # what the form shows: counts and the first names, not thousands of tags
    recipient_count = fields.Integer(compute="_compute_counts", string="Recipients")
    skipped_count = fields.Integer(compute="_compute_counts", string="Asked Recently")
    no_email_count = fields.Integer(compute="_compute_counts", string="Without Email")
    recipient_preview = fields.Char(compute="_compute_counts", string="Recipients Preview")

    @api.model
    def _default_selection(self):
        context = self.env.context
        if context.get("active_model") == "res.partner" and context.get("active_ids"):
            return json.dumps([int(pid) for pid in context["active_ids"]])
        return False

    def _selected_ids(self):
        """The ids of the list selection (``selection``) and of the
        customers chosen in the form."""
        self.ensure_one()
        try:
            selected = json.loads(self.selection or "[]")
        except ValueError:
            selected = None
        if not isinstance(selected, list) or not all(
            isinstance(pid, int) and not isinstance(pid, bool) for pid in selected
        ):
            raise UserError(self.env._("The selection of customers is not a list of customers."))
        return list(dict.fromkeys([*selected, *(pid for pid in self.partner_ids._origin.ids if pid)]))

    @api.depends("selection", "partner_ids")
    def _compute_selection_count(self):
        for wizard in self:
            wizard.selection_count = len(wizard._selected_ids())

    def _commercial_ids(self, partner_ids):
        """The commercial partners (their companies) of ``partner_ids``, in one query."""
        self.env.cr.execute(
            "SELECT DISTINCT commercial_partner_id FROM res_partner WHERE id = ANY(%s)", [list(partner_ids)]
        )
        return {row[0] for row in self.env.cr.fetchall() if row[0]}

    def _targets(self):
        """The customers to ask, as customer id -> whether it has an email:
        the chosen partners' companies and the customers of the chosen
        classes, customers only (no employee, no company's own partner) and
        the user's own for "own customers" users. One query, whatever the
        selection's size."""
        # the query below runs as SQL: what the ORM still holds goes to the database first
        Partner = self.env["res.partner"]
        Partner.flush_model(["commercial_partner_id", "email"])
        self.env["kundenbindung.customer.segment"].flush_model(["partner_id", "company_id", "abc_class"])
        sources = []
        chosen = self._selected_ids()
        if chosen:
            sources.append(SQL("SELECT commercial_partner_id FROM res_partner WHERE id = ANY(%s)", chosen))
        classes = [c.strip().upper() for c in (self.abc_classes or "").split(",") if c.strip()]
        if classes:
            segments = self.env["kundenbindung.customer.segment"]._search(
                [("company_id", "=", self.company_id.id), ("abc_class", "in", classes)]
            )
            sources.append(segments.select(SQL.identifier(segments.table, "partner_id")))
        if not sources:
            return {}
        query = Partner._search(Partner._kundenbindung_customer_domain(self.env.user))
        query.add_where(SQL("%s IN (%s)", SQL.identifier(query.table, "id"), SQL(" UNION ").join(sources)))
        self.env.cr.execute(
            query.select(
                SQL.identifier(query.table, "id"),
                SQL("COALESCE(%s, '') != ''", SQL.identifier(query.table, "email")),
            )
        )
        return dict(self.env.cr.fetchall())

    def _split(self):
        """The customers to ask as (recipients, asked recently, without
        email), lists of ids."""
        targets = self._targets()
        ids = sorted(targets)
        recent = set(self._asked_recently(ids))
        skipped = [pid for pid in ids if pid in recent]
        no_email = [pid for pid in ids if not targets[pid] and pid not in recent]
        recipients = [pid for pid in ids if targets[pid] and pid not in recent]
        return recipients, skipped, no_email

    @api.depends("selection", "partner_ids", "abc_classes", "survey_id", "company_id")
    def _compute_recipients(self):
        Partner = self.env["res.partner"]
        for wizard in self:
            recipients, skipped, no_email = wizard._split()
            wizard.recipient_ids = Partner.browse(recipients)
            wizard.skipped_ids = Partner.browse(skipped)
            wizard.no_email_ids = Partner.browse(no_email)

    @api.depends("selection", "partner_ids", "abc_classes", "survey_id", "company_id")
    def _compute_counts(self):
        Partner = self.env["res.partner"]
        for wizard in self:
            recipients, skipped, no_email = wizard._split()
            wizard.recipient_count = len(recipients)
            wizard.skipped_count = len(skipped)
            wizard.no_email_count = len(no_email)
            names = Partner.browse(recipients[:PREVIEW]).mapped("display_name")
            if len(recipients) > PREVIEW:
                names.append(
                    self.env._("and %(count)s more", count=formatLang(self.env, len(recipients) - PREVIEW, digits=0))
                )
            wizard.recipient_preview = ", ".join(names)

    def _asked_recently(self, partner_ids):
        """Of ``partner_ids`` (commercial partners), those invited to or
        answering an NPS survey of this company within the interval (ids).
        Read with sudo: whoever was asked, by whichever colleague, is not
        asked twice; only the ids of the user's own targets come back."""
        if not partner_ids:
            return []
        since = fields.Date.context_today(self) - datetime.timedelta(
            days=self.company_id.kundenbindung_config_id.nps_interval_days
        )
        cr = self.env.cr
        # the queries below run as SQL: what the ORM still holds goes to the database first
        self.env["kundenbindung.nps.response"].flush_model()
        self.env["survey.user_input"].flush_model()
        answered = (
            self.env["kundenbindung.nps.response"]
            .sudo()
            ._search(
                [
                    ("commercial_partner_id", "in", partner_ids),
                    ("company_id", "=", self.company_id.id),
                    ("date", ">", since),
                ]
            )
        )
        cr.execute(answered.select(SQL.identifier(answered.table, "commercial_partner_id")))
        found = {row[0] for row in cr.fetchall()}
        invited = (
            self.env["survey.user_input"]
            .sudo()
            ._search(
                [
                    ("partner_id.commercial_partner_id", "in", partner_ids),
                    ("survey_id.kundenbindung_nps_question_id", "!=", False),
                    ("kundenbindung_company_id", "=", self.company_id.id),
                    ("kundenbindung_invite_date", ">", since),
                ]
            )
        )
        cr.execute(invited.select(SQL.identifier(invited.table, "partner_id")))
        invitees = [row[0] for row in cr.fetchall() if row[0]]
        if invitees:
            found.update(self._commercial_ids(invitees))
        return [pid for pid in partner_ids if pid in found]

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
                    "template_id": self.env.ref("kundenbindung_addon.mail_template_nps_invite").id,
                    "existing_mode": "new",
                }
            )
        )
        invite.with_context(**{COMPANY_KEY: self.company_id.id}).action_invite()
        return notification(
            self.env._("NPS survey sent"),
            self.env._(
                "%(sent)s customers invited, %(skipped)s asked recently, %(no_email)s without email.",
                sent=len(recipients),
                skipped=len(self.skipped_ids),
                no_email=len(self.no_email_ids),
            ),
            then=CLOSE,
        )
