# Copyright 2026 kundenbindung_addon authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Duplicate partner candidates found by the fuzzy detection
(``engine.duplicates``), for review by Customer Retention managers."""

import logging
import time

import pandas as pd

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError

from ..engine.duplicates import REVIEW_THRESHOLD, find_duplicates
from ..engine.duplicates import groups as connected_groups

_logger = logging.getLogger(__name__)

DUPLICATE_STATES = [
    ("new", "New"),
    ("review", "To review"),
    ("merged", "Merged"),
    ("dismissed", "Not a duplicate"),
]
OPEN_STATES = ("new", "review")
# partner column -> role of engine.duplicates
ROLE_COLUMNS = {
    "name": "name",
    "street": "street",
    "postcode": "zip",
    "city": "city",
    "phone": "phone",
    "email": "email",
    "website": "website",
    "vat": "vat",
    "is_company": "is_company",
}


class KundenbindungDuplicateGroup(models.Model):
    """Partners that are probably one customer: the pairs that tie them
    together with their score and explanation."""

    _name = "kundenbindung.duplicate.group"
    _description = "Duplicate Candidates"
    _order = "state_order, score desc, id"

    name = fields.Char(compute="_compute_name", store=True)
    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True)
    score = fields.Float(readonly=True, aggregator="max", help="The best score of the group's pairs, 0-100.")
    explanation = fields.Char(readonly=True, help="Why the best pair looks like one customer.")
    state = fields.Selection(DUPLICATE_STATES, default="new", required=True, index=True)
    state_order = fields.Integer(compute="_compute_state_order", store=True)
    partner_ids = fields.Many2many(
        "res.partner",
        "kundenbindung_duplicate_group_partner_rel",
        "group_id",
        "partner_id",
        string="Partners",
        readonly=True,
    )
    partner_count = fields.Integer(compute="_compute_name", store=True, string="Partners in Group")
    pair_ids = fields.One2many("kundenbindung.duplicate.pair", "group_id", string="Pairs", readonly=True)
    detected_date = fields.Date(string="Found On", readonly=True)

    @api.depends("partner_ids.name")
    def _compute_name(self):
        for group in self:
            group.name = " / ".join(group.partner_ids.sorted("id").mapped("display_name")[:3])
            group.partner_count = len(group.partner_ids)

    @api.depends("state")
    def _compute_state_order(self):
        order = {state: i for i, (state, _label) in enumerate(DUPLICATE_STATES)}
        for group in self:
            group.state_order = order.get(group.state, 9)

    def action_dismiss(self):
        """Not a duplicate: every pair of the group is never proposed again."""
        self._check_manager()
        Dismissal = self.env["kundenbindung.duplicate.dismissal"]
        for group in self:
            ids = sorted(group.partner_ids.ids)
            known = {(d.partner_a_id.id, d.partner_b_id.id) for d in Dismissal.search([("partner_a_id", "in", ids)])}
            Dismissal.create(
                [
                    {"partner_a_id": a, "partner_b_id": b}
                    for i, a in enumerate(ids)
                    for b in ids[i + 1 :]
                    if (a, b) not in known
                ]
            )
        self.write({"state": "dismissed"})

    def action_review(self):
        self._check_manager()
        self.filtered(lambda g: g.state == "new").write({"state": "review"})

    def _check_manager(self):
        if not self.env.user.has_group("kundenbindung_addon.group_kundenbindung_manager"):
            raise AccessError(self.env._("Only Customer Retention managers can review duplicates."))


class KundenbindungDuplicatePair(models.Model):
    _name = "kundenbindung.duplicate.pair"
    _description = "Duplicate Pair"
    _order = "score desc, id"
    _log_access = False

    group_id = fields.Many2one("kundenbindung.duplicate.group", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="group_id.company_id", store=True)
    partner_a_id = fields.Many2one("res.partner", string="Partner", required=True, ondelete="cascade")
    partner_b_id = fields.Many2one("res.partner", string="Duplicate of", required=True, ondelete="cascade")
    score = fields.Float(readonly=True)
    explanation = fields.Char(readonly=True)


class KundenbindungDuplicateDismissal(models.Model):
    """A pair of partners a manager marked "not a duplicate"."""

    _name = "kundenbindung.duplicate.dismissal"
    _description = "Dismissed Duplicate Pair"

    partner_a_id = fields.Many2one("res.partner", required=True, ondelete="cascade", index=True)
    partner_b_id = fields.Many2one("res.partner", required=True, ondelete="cascade", index=True)

    _sql_constraints = [
        ("pair_unique", "UNIQUE(partner_a_id, partner_b_id)", "This pair is dismissed already."),
        ("pair_ordered", "CHECK(partner_a_id < partner_b_id)", "A dismissed pair names the lower id first."),
    ]


class KundenbindungDuplicateDetection(models.AbstractModel):
    _name = "kundenbindung.duplicate.detection"
    _description = "Customer Retention Duplicate Detection"

    @api.model
    def _explain(self, row):
        """The engine's per-field results of a pair in the user's language:
        "Name 96, Straße 100, Telefon gleich, E-Mail verschieden"."""
        env = self.env
        labels = {
            "number": env._("house number"),
            "postcode": env._("postcode"),
            "phone": env._("phone"),
            "email": env._("email"),
            "website": env._("website"),
            "vat": env._("VAT number"),
            "legal_form": env._("legal form"),
            "birthdate": env._("birth date"),
        }
        parts = [env._("name %(score)s", score=int(row.name))]
        if not pd.isna(row.street):
            parts.append(env._("street %(score)s", score=int(round(row.street))))
        for field, label in labels.items():
            value = getattr(row, field)
            if value == 1:
                parts.append(env._("%(field)s equal", field=label))
            elif value == -1:
                parts.append(env._("%(field)s differs", field=label))
        return ", ".join(parts)

    @api.model
    def _partners(self, company):
        """Active partners a user of ``company`` sees (its own and shared),
        as the engine's record table indexed by partner id."""
        self.env["res.partner"].flush_model(list(ROLE_COLUMNS.values()) + ["active", "company_id"])
        self.env.cr.execute(
            """
            SELECT id, name, street, zip, city, phone, email, website, vat, is_company
              FROM res_partner
             WHERE active AND name IS NOT NULL AND (company_id = %s OR company_id IS NULL)
               AND id NOT IN (SELECT partner_id FROM res_users WHERE partner_id IS NOT NULL AND share IS NOT TRUE)
            """,
            (company.id,),
        )
        columns = [c.name for c in self.env.cr.description]
        return pd.DataFrame(self.env.cr.fetchall(), columns=columns).set_index("id")

    @api.model
    def _detect_company(self, company, threshold=REVIEW_THRESHOLD, today=None):
        """Find the duplicate groups among ``company``'s partners and record
        them; returns figures of the run. Dismissed pairs are left out;
        an open group with the same partners is updated, not repeated."""
        started = time.perf_counter()
        partners = self._partners(company)
        pairs, _groups = find_duplicates(partners, ROLE_COLUMNS, threshold=threshold)
        self.env["kundenbindung.duplicate.dismissal"].flush_model()
        self.env.cr.execute("SELECT partner_a_id, partner_b_id FROM kundenbindung_duplicate_dismissal")
        dismissed = set(self.env.cr.fetchall())
        if len(pairs):
            keep = [(min(a, b), max(a, b)) not in dismissed for a, b in zip(pairs["a"], pairs["b"])]
            pairs = pairs[keep]
        components = connected_groups(pairs) if len(pairs) else pd.Series(dtype="int64")
        Group = self.env["kundenbindung.duplicate.group"].sudo()
        open_groups = Group.search([("company_id", "=", company.id), ("state", "in", OPEN_STATES)])
        by_members = {tuple(sorted(g.partner_ids.ids)): g for g in open_groups}
        created = updated = 0
        today = today or fields.Date.context_today(self)
        for _component, members in components.groupby(components):
            ids = sorted(int(pid) for pid in members.index)
            group_pairs = pairs[pairs["a"].isin(ids) & pairs["b"].isin(ids)]
            best = group_pairs.iloc[0]
            vals = {
                "score": float(best["score"]),
                "explanation": self._explain(next(group_pairs.head(1).itertuples())),
                "pair_ids": [Command.clear()]
                + [
                    Command.create(
                        {
                            "partner_a_id": int(row.a),
                            "partner_b_id": int(row.b),
                            "score": float(row.score),
                            "explanation": self._explain(row),
                        }
                    )
                    for row in group_pairs.itertuples()
                ],
            }
            group = by_members.get(tuple(ids))
            if group:
                group.write(vals)
                updated += 1
            else:
                Group.create(
                    dict(vals, company_id=company.id, partner_ids=[Command.set(ids)], detected_date=today)
                )
                created += 1
        stats = {
            "partners": len(partners),
            "pairs": len(pairs),
            "groups": int(components.nunique()) if len(components) else 0,
            "created": created,
            "updated": updated,
            "seconds": round(time.perf_counter() - started, 2),
        }
        _logger.info("Customer Retention: duplicates of %s: %s", company.display_name, stats)
        return stats

    @api.model
    def action_detect(self):
        """"Find duplicates now" for the current company (managers only)."""
        if not self.env.user.has_group("kundenbindung_addon.group_kundenbindung_manager"):
            raise AccessError(self.env._("Only Customer Retention managers can look for duplicates."))
        stats = self.sudo()._detect_company(self.env.company)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Duplicates searched"),
                "message": self.env._(
                    "%(partners)s partners compared: %(groups)s groups of probable duplicates, %(created)s new.",
                    partners=stats["partners"],
                    groups=stats["groups"],
                    created=stats["created"],
                ),
                "type": "success",
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }
