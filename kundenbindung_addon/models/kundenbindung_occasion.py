# Copyright 2026 kundenbindung_addon authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Occasions: birthdays of contacts, the anniversary of the first
purchase, or any fixed date such as Christmas; a daily scheduled action
sends a mail template or gives the salesperson a to-do a few days ahead,
for the chosen ABC classes only (by default the A customers)."""

import datetime
import logging

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

KINDS = [("birthday", "Birthday"), ("anniversary", "Customer anniversary"), ("fixed", "Fixed date")]
ACTIONS = [("activity", "To-do for the salesperson"), ("email", "Email from a template")]


def occurs_on(month, day, date):
    """Whether a yearly date (month, day) falls on ``date``; 29 February
    falls on 28 February in other years."""
    if (month, day) == (2, 29) and not _leap(date.year):
        return (date.month, date.day) == (2, 28)
    return (date.month, date.day) == (month, day)


def _leap(year):
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


class KundenbindungOccasion(models.Model):
    _name = "kundenbindung.occasion"
    _description = "Customer Occasion"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    kind = fields.Selection(KINDS, required=True, default="birthday")
    fixed_month = fields.Integer(string="Month", help="For a fixed date: 1-12.")
    fixed_day = fields.Integer(string="Day", help="For a fixed date: 1-31.")
    days_before = fields.Integer(string="Days Ahead", default=7, help="Act this many days before the occasion.")
    abc_a = fields.Boolean(string="A Customers", default=True)
    abc_b = fields.Boolean(string="B Customers")
    abc_c = fields.Boolean(string="C Customers")
    action = fields.Selection(ACTIONS, required=True, default="activity")
    mail_template_id = fields.Many2one(
        "mail.template", string="Email Template", domain="[('model', '=', 'res.partner')]"
    )
    note = fields.Html(string="To-do Note")
    user_id = fields.Many2one(
        "res.users", string="Fallback Salesperson", help="Gets the to-do when the customer has no salesperson."
    )
    log_ids = fields.One2many("kundenbindung.occasion.log", "occasion_id", string="Done")

    @api.constrains("kind", "fixed_month", "fixed_day", "days_before", "action", "mail_template_id")
    def _check_occasion(self):
        for occasion in self:
            if occasion.kind == "fixed":
                try:
                    datetime.date(2024, occasion.fixed_month, occasion.fixed_day)
                except ValueError:
                    raise ValidationError(
                        self.env._(
                            "%(day)s.%(month)s. is not a date.", day=occasion.fixed_day, month=occasion.fixed_month
                        )
                    ) from None
            if not 0 <= occasion.days_before <= 60:
                raise ValidationError(self.env._("Act 0-60 days ahead, not %(days)s.", days=occasion.days_before))
            if occasion.action == "email" and not occasion.mail_template_id:
                raise ValidationError(self.env._("An occasion sending emails needs an email template."))
            if occasion.mail_template_id and occasion.mail_template_id.sudo().model != "res.partner":
                raise ValidationError(
                    self.env._(
                        "The email template %(template)s is not one for contacts: an occasion writes to its customers.",
                        template=occasion.mail_template_id.sudo().name,
                    )
                )

    # ------------------------------------------------------------------ due

    def _due_partners(self, today):
        """Customers of this occasion's ABC classes whose occasion is
        ``days_before`` days after ``today`` and who were not served for it
        this year. Found by the database: only the few whose day it is
        are read, whatever the number of partners."""
        self.ensure_one()
        day = today + datetime.timedelta(days=self.days_before)
        Partner = self.env["res.partner"].with_company(self.company_id).sudo()
        classes = [c for c, on in (("A", self.abc_a), ("B", self.abc_b), ("C", self.abc_c)) if on]
        # this company's partners and the shared ones
        domain = [("company_id", "in", [self.company_id.id, False])]
        if classes:
            domain.append(("kundenbindung_abc_class", "in", classes))
        # the yearly (month, day) pairs that fall on ``day``: 29 February on 28 February in other years
        days = [(day.month, day.day)]
        if (day.month, day.day) == (2, 28) and not _leap(day.year):
            days.append((2, 29))
        if self.kind == "fixed":
            if not occurs_on(self.fixed_month, self.fixed_day, day):
                return Partner.browse()
            partners = Partner.search(domain + [("parent_id", "=", False)])
        elif self.kind == "birthday":
            # persons with a birth date: a customer themselves or the contact of one
            Partner.flush_model(["kundenbindung_birthdate"])
            query = Partner._search(
                [
                    ("kundenbindung_birthdate", "!=", False),
                    ("is_company", "=", False),
                    ("company_id", "in", [self.company_id.id, False]),
                ]
            )
            birthdate = SQL.identifier(query.table, "kundenbindung_birthdate")
            query.add_where(
                SQL("(EXTRACT(MONTH FROM %s), EXTRACT(DAY FROM %s)) IN %s", birthdate, birthdate, tuple(days))
            )
            people = Partner.browse(query)
            customers = Partner.search(domain + [("id", "in", people.commercial_partner_id.ids)])
            partners = people.filtered(lambda p: p.commercial_partner_id in customers)
        else:
            # the first invoice's day, in an earlier year
            self.env.cr.execute(
                SQL(
                    """SELECT move.commercial_partner_id FROM account_move move WHERE %s
                     GROUP BY move.commercial_partner_id
                    HAVING MIN(move.invoice_date) < %s
                       AND (EXTRACT(MONTH FROM MIN(move.invoice_date)), EXTRACT(DAY FROM MIN(move.invoice_date)))
                           IN %s""",
                    self.env["account.move"]._kundenbindung_documents_sql(self.company_id.ids, refunds=False),
                    datetime.date(day.year, 1, 1),
                    tuple(days),
                )
            )
            since = [row[0] for row in self.env.cr.fetchall()]
            partners = Partner.search(domain + [("parent_id", "=", False), ("id", "in", since)])
        done = set(
            self.env["kundenbindung.occasion.log"]
            .sudo()
            .search([("occasion_id", "=", self.id), ("year", "=", day.year), ("partner_id", "in", partners.ids)])
            .partner_id.ids
        )
        return partners.filtered(lambda p: p.id not in done)

    def _serve(self, partners, today):
        """The to-do or the email for each partner, and a log line so that
        nobody is served twice for the same occasion in a year."""
        self.ensure_one()
        day = today + datetime.timedelta(days=self.days_before)
        if self.action == "activity":
            summary = self.env._("%(occasion)s on %(date)s", occasion=self.name, date=day.strftime("%d.%m."))
            self.env["res.partner"]._kundenbindung_create_todos(
                [
                    (
                        partner,
                        partner.user_id or partner.commercial_partner_id.user_id or self.user_id or self.env.user,
                        summary,
                        self.note,
                        day,
                    )
                    for partner in partners
                ]
            )
        else:
            # rendered and queued in one batch; Odoo's mail queue sends them
            self.mail_template_id.sudo().send_mail_batch(partners.ids)
        self.env["kundenbindung.occasion.log"].sudo().create(
            [{"occasion_id": self.id, "partner_id": partner.id, "year": day.year} for partner in partners]
        )
        return len(partners)

    @api.model
    def _cron_occasions(self, today=None):
        """Daily: serve every active occasion that is due; an occasion that
        fails is logged and skipped, the others go on."""
        today = today or fields.Date.context_today(self)
        served = {}
        # the active occasions of every company: a handful, not a table scan worth a limit
        for occasion in self.sudo().search([("active", "=", True)]):
            try:
                with self.env.cr.savepoint():
                    served[occasion.id] = occasion._serve(occasion._due_partners(today), today)
            except Exception:
                _logger.exception("Customer Retention: occasion %s failed; the others go on", occasion.display_name)
        return served
