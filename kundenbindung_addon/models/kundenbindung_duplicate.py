# Copyright 2026 kundenbindung_addon authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Duplicate partner candidates found by the fuzzy detection
(``engine.duplicates``), for review by Customer Retention managers, and
their merge through Odoo's own merge machinery."""

import logging

import pandas as pd

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL

from ..engine.duplicates import evidence_items, explain_evidence
from .groups import MANAGER

_logger = logging.getLogger(__name__)

DUPLICATE_STATES = [
    ("new", "New"),
    ("review", "To review"),
    ("merged", "Merged"),
    ("dismissed", "Not a duplicate"),
]
OPEN_STATES = ("new", "review")
# one merged partner per step of Odoo's merge (it takes up to two): rows of two merged
# partners that would collide with each other are then seen like those of the survivor
MERGE_STEP = 1
EXPLANATION_HELP = (
    "Why the partners look like one customer: how each field compares (equal, close, different...) and "
    "its weight in bits, strongest first; positive speaks for one customer, negative against."
)


def evidence_words(env):
    """The labels of the fields of ``engine.duplicates.LEVELS`` and the
    words of their levels in ``env``'s language: (labels, words)."""
    labels = {
        "kind": env._("person or company"),
        "name": env._("company name"),
        "legal_form": env._("legal form"),
        "given": env._("given name"),
        "family": env._("family name"),
        "generation": env._("jun./sen."),
        "parent": env._("related company"),
        "birthdate": env._("birth date"),
        "street": env._("street"),
        "number": env._("house number"),
        "street2": env._("address line 2"),
        "postcode": env._("postcode"),
        "city": env._("city"),
        "phone": env._("phone"),
        "mobile": env._("mobile"),
        "email": env._("email"),
        "website": env._("website"),
        "vat": env._("VAT number"),
    }
    words = {
        "exact": env._("equal"),
        "close": env._("close"),
        "similar": env._("similar"),
        "initial": env._("initial"),
        "typo": env._("typo"),
        "year": env._("same year"),
        "area": env._("same area"),
        "one": env._("one marked"),
        "local": env._("same name, other domain"),
        "different": env._("different"),
        "same": env._("same"),
    }
    return labels, words


def evidence_summary(env, evidence, limit=3, words=None):
    """The strongest evidence for one customer in a few words of ``env``'s
    language ("phone equal, family name typo"): what a salesperson reads
    in the warning of the contact form. ``words``: :func:`evidence_words`,
    translated once for many."""
    labels, words = words or evidence_words(env)
    # (that both are persons, or companies, goes without saying)
    items = [item for item in evidence_items(evidence) if item[2] > 0 and item[0] != "kind"][:limit]
    return ", ".join(f"{labels.get(field, field)} {words.get(level, level)}" for field, level, _bits in items)


def _render_explanations(records):
    """``explanation`` of pairs or groups: their evidence in the reader's
    language (the words translated once, not per record); the text stored
    by a version before 18.0.1.8.0 where there is no evidence."""
    labels, words = evidence_words(records.env)
    texts = explain_evidence(pd.Series([record.evidence or "" for record in records], dtype=object), labels, words)
    for record, text in zip(records, texts):
        record.explanation = text if record.evidence else record.legacy_explanation


class KundenbindungDuplicateGroup(models.Model):
    """Partners that are probably one customer: the pairs that tie them
    together with their score and explanation."""

    _name = "kundenbindung.duplicate.group"
    _description = "Duplicate Candidates"
    _order = "state_order, score desc, id"

    name = fields.Char(compute="_compute_name", store=True)
    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True)
    score = fields.Float(
        string="Match %",
        readonly=True,
        aggregator="max",
        help="The best match probability of the group's pairs, in percent: how likely they are one customer.",
    )
    weakest_score = fields.Float(
        string="Sure At",
        readonly=True,
        aggregator="min",
        help="The highest match probability (in percent) at which the group's pairs still tie all its partners "
        "together: its weakest necessary link. Automatic merging looks at this score.",
    )
    evidence = fields.Text(
        readonly=True, help="How each field of the best pair compares, as data (rendered in the explanation)."
    )
    legacy_explanation = fields.Char(readonly=True, help="The explanation stored by a version before 18.0.1.8.0.")
    explanation = fields.Char(compute="_compute_explanation", help=EXPLANATION_HELP)
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
    survivor_id = fields.Many2one(
        "res.partner",
        string="Keep Instead",
        domain="[('id', 'in', partner_ids)]",
        help="The partner that stays; the others are merged into it. Empty: the one with the most revenue, "
        "then the most references (invoices, orders, cards, answers, messages, contacts), then the oldest.",
    )
    proposed_survivor_id = fields.Many2one(
        "res.partner",
        string="Proposed to Stay",
        compute="_compute_proposed_survivor_id",
        help="The partner that stays unless another is chosen to keep instead.",
    )
    journal_ids = fields.One2many("kundenbindung.merge.journal", "group_id", string="Merge Journal", readonly=True)
    merge_note = fields.Text(readonly=True, help="Why the scheduled action did not merge this group.")
    holds_conflict = fields.Boolean(
        string="Holds Two Customers",
        readonly=True,
        help="Two of the group's partners cannot be one customer, or must be looked at (two birth dates, "
        "spouses, father and son), though each is tied to the group: it is never merged automatically.",
    )
    merged_date = fields.Datetime(string="Merged On", readonly=True)
    merged_by_id = fields.Many2one("res.users", readonly=True)
    auto_merged = fields.Boolean(string="Merged Automatically", readonly=True)
    visible_company_ids = fields.Many2many(
        "res.company",
        "kundenbindung_duplicate_group_company_rel",
        "group_id",
        "company_id",
        string="Also Visible To",
        readonly=True,
        help="Other companies with documents of these shared partners: their managers review this group too.",
    )

    @api.depends("partner_ids.name")
    def _compute_name(self):
        for group in self:
            group.name = " / ".join(group.partner_ids.sorted("id").mapped("display_name")[:3])
            group.partner_count = len(group.partner_ids)

    @api.depends("evidence", "legacy_explanation")
    @api.depends_context("lang")
    def _compute_explanation(self):
        _render_explanations(self)

    @api.depends("state")
    def _compute_state_order(self):
        order = {state: i for i, (state, _label) in enumerate(DUPLICATE_STATES)}
        for group in self:
            group.state_order = order.get(group.state, 9)

    @api.depends("survivor_id", "partner_ids")
    def _compute_proposed_survivor_id(self):
        for group in self:
            if group.survivor_id or not group.partner_ids:
                group.proposed_survivor_id = group.survivor_id
            else:
                group.proposed_survivor_id = group._survivor()

    @api.constrains("survivor_id", "partner_ids")
    def _check_survivor_id(self):
        for group in self:
            if group.survivor_id and group.state in OPEN_STATES and group.survivor_id not in group.partner_ids:
                raise ValidationError(self.env._("The partner to keep must be one of the group's partners."))

    # ------------------------------------------------------------------ actions

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

    def action_merge(self):
        """Merge each group's partners into its survivor (managers who may
        also edit and delete these partners, as Odoo's merge asks)."""
        self._check_manager()
        for group in self:
            if group.state not in OPEN_STATES:
                raise UserError(self.env._("Only new groups or groups to review can be merged."))
            # as the user: the group's partners must be theirs to read, edit and delete
            group.partner_ids.check_access("write")
            group.partner_ids.check_access("unlink")
            blockers = group._merge_blockers()
            if blockers:
                raise UserError(
                    self.env._("These partners cannot be merged: %(reasons)s.", reasons=", ".join(blockers))
                )
            group._merge()
        return True

    # ------------------------------------------------------------------ merge

    def _check_manager(self):
        """Managers of the group's company act on it; the other companies
        that see a group of shared partners only read it."""
        if not self.env.user.has_group(MANAGER):
            raise AccessError(self.env._("Only Customer Retention managers can review duplicates."))
        others = self.company_id - self.env.user.company_ids
        if others and not self.env.su:
            raise AccessError(
                self.env._(
                    "Only the managers of %(company)s act on its duplicate candidates.",
                    company=", ".join(others.mapped("name")),
                )
            )

    def write(self, vals):
        if not self.env.su:
            self._check_manager()
        return super().write(vals)

    def _default_survivor(self, references=None):
        """The partner with the most revenue, then the most references,
        then the oldest."""
        self.ensure_one()
        if references is None:
            references = self.env["res.partner"]._kundenbindung_references(self.partner_ids, self.company_id)
        return max(
            self.partner_ids,
            key=lambda p: (round(references[p.id]["revenue"], 2), references[p.id]["total"], -p.id),
        )

    @api.model
    def _locked_partners(self, partner_ids):
        """The partners among ``partner_ids`` named on posted journal entries
        that must not change: secured by a hash (a journal with "lock posted
        entries with hash", or secured by hand) or dated on or before one of
        their company's lock dates."""
        self.env.flush_all()
        # the partner of the lines (in the hash, and protected by the lock dates) and of the entry,
        # one indexed look-up each (a shared CTE would scan every posted entry)
        locked = SQL(
            """m.state = 'posted' AND (m.inalterable_hash IS NOT NULL OR m.date <= (
                   -- the company's lock dates and those of its parents (branches inherit them)
                   SELECT max(GREATEST(p.fiscalyear_lock_date, p.sale_lock_date, p.purchase_lock_date, p.hard_lock_date))
                     FROM res_company p WHERE c.parent_path LIKE p.parent_path || '%%'))"""
        )
        ids = list(partner_ids)
        self.env.cr.execute(
            SQL(
                """
                SELECT l.partner_id FROM account_move_line l
                  JOIN account_move m ON m.id = l.move_id JOIN res_company c ON c.id = m.company_id
                 WHERE l.partner_id = ANY(%(ids)s) AND %(locked)s
                UNION
                SELECT m.partner_id FROM account_move m JOIN res_company c ON c.id = m.company_id
                 WHERE m.partner_id = ANY(%(ids)s) AND %(locked)s
                """,
                ids=ids,
                locked=locked,
            )
        )
        return {row[0] for row in self.env.cr.fetchall()}

    @api.model
    def _foreign_companies(self, partner_ids):
        """{partner id: companies} of the records that name the partners
        among ``partner_ids``: every table with a company that references
        partners, read from the catalogue (one query per column: the
        scheduled merge reads it once per batch)."""
        cr = self.env.cr
        self.env.flush_all()
        cr.execute(
            """SELECT cl.relname, att.attname
                 FROM pg_constraint con
                 JOIN pg_class cl ON cl.oid = con.conrelid
                 JOIN pg_attribute att ON att.attrelid = con.conrelid AND att.attnum = con.conkey[1]
                WHERE con.contype = 'f' AND con.confrelid = 'res_partner'::regclass
                  AND array_length(con.conkey, 1) = 1
                  AND EXISTS (SELECT 1 FROM pg_attribute c
                               WHERE c.attrelid = con.conrelid AND c.attname = 'company_id' AND NOT c.attisdropped)
                  AND cl.relname NOT LIKE 'kundenbindung_duplicate%%'
"""
        )
        found = {}
        for table, column in cr.fetchall():
            cr.execute(
                SQL(
                    "SELECT DISTINCT %s, company_id FROM %s WHERE %s = ANY(%s) AND company_id IS NOT NULL",
                    SQL.identifier(column),
                    SQL.identifier(table),
                    SQL.identifier(column),
                    list(partner_ids),
                )
            )
            for partner_id, company_id in cr.fetchall():
                found.setdefault(partner_id, set()).add(company_id)
        return found

    def _other_companies(self, foreign=None):
        """Companies other than the group's with records of its shared
        partners (``foreign``: ``_foreign_companies``, if read)."""
        self.ensure_one()
        shared = self.partner_ids.sudo()
        # a company's own partner is never shown to another company
        if not shared or shared.company_id:
            return set()
        if foreign is None:
            foreign = self._foreign_companies(shared.ids)
        return {company for partner in shared for company in foreign.get(partner.id, ())} - {self.company_id.id}

    def _survivor(self, references=None, locked=None):
        """The partner that stays: the one chosen; else the only one whose
        journal entries are locked (they stay untouched); else the default."""
        self.ensure_one()
        if self.survivor_id:
            return self.survivor_id
        locked = self._locked_partners(self.partner_ids.ids) if locked is None else locked
        keep = self.partner_ids.filtered(lambda p: p.id in locked)
        if len(keep) == 1:
            return keep
        return self._default_survivor(references)

    def _merge_blockers(self, automatic=False, foreign=None):
        """Why these partners must not be merged, or []: what Odoo's merge
        would refuse too (a contact with its parent company, two users) and
        what would lose a customer's identity (two VAT numbers, two
        companies' partners), a company's own partner, an employee's
        partner, or locked books. ``automatic``: the scheduled merge also
        leaves shared partners with another company's records to review
        (``foreign``: ``_foreign_companies`` of the partners, if read)."""
        self.ensure_one()
        partners = self.partner_ids.sudo()
        reasons = []
        if len(partners) < 2:
            reasons.append(self.env._("fewer than two partners are left"))
            return reasons
        locked = self._locked_partners(partners.ids)
        survivor = self._survivor(locked=locked)
        if len(locked - {survivor.id}):
            reasons.append(self.env._("journal entries secured by a hash or before a lock date would change"))
        if (
            self.env["res.company"]
            .sudo()
            .with_context(active_test=False)
            .search_count([("partner_id", "in", partners.ids)])
        ):
            reasons.append(self.env._("a company's own partner"))
        if (partners - survivor).with_context(active_test=False).user_ids.filtered(lambda u: not u.share):
            reasons.append(self.env._("a partner of an internal user would be merged away"))
        if automatic and self._other_companies(foreign):
            reasons.append(self.env._("shared partners with records of other companies"))
        vats = {p.vat.replace(" ", "").upper() for p in partners if p.vat}
        if len(vats) > 1:
            reasons.append(self.env._("two different VAT numbers"))
        family = self.env["res.partner"].sudo().with_context(active_test=False)
        if any(family.search_count([("id", "child_of", p.id), ("id", "in", (partners - p).ids)]) for p in partners):
            reasons.append(self.env._("a contact and its company"))
        if len(partners.with_context(active_test=False).user_ids) > 1:
            reasons.append(self.env._("more than one linked user"))
        # one company, or all shared
        if len({p.company_id.id for p in partners}) > 1:
            reasons.append(self.env._("partners of different companies"))
        return reasons

    def _merge(self, automatic=False, foreign=None):
        """Merge the partners into the survivor through Odoo's merge (every
        foreign key and reference moved, the extensions of mail, account and
        loyalty applied), in steps of at most three partners, after writing
        a journal entry with each source partner's values and references.
        The caller has checked ``_merge_blockers`` (``foreign``: the
        ``_foreign_companies`` it read, if any)."""
        self.ensure_one()
        # read once: the sources' references do not change while others merge into the survivor
        references = self.env["res.partner"]._kundenbindung_references(self.partner_ids, self.company_id)
        survivor = self._survivor(references)
        # shared partners: the companies with their records see the group and its journal
        others = self._other_companies(foreign)
        if others:
            self.sudo().visible_company_ids = [fields.Command.link(company) for company in others]
        Journal = self.env["kundenbindung.merge.journal"].sudo()
        wizard = self.env["base.partner.merge.automatic.wizard"].sudo()
        self.pair_ids._write_labels()
        sources = self.partner_ids - survivor
        for start in range(0, len(sources), MERGE_STEP):
            step = sources[start : start + MERGE_STEP]
            journals = Journal._record(self, step, survivor, references)
            # the merge's note on the survivor comes from the journal (wizards/base_partner_merge.py)
            wizard.with_context(kundenbindung_merge_journal_ids=journals.ids)._merge(
                (step | survivor).ids, survivor.sudo(), extra_checks=False
            )
        self.sudo().write(
            {
                "state": "merged",
                "survivor_id": survivor.id,
                "merged_date": fields.Datetime.now(),
                "merged_by_id": self.env.user.id,
                "auto_merged": automatic,
                "merge_note": False,
            }
        )
        _logger.info(
            "Customer Retention: merged partners %s into %s (group %s%s)",
            sources.ids,
            survivor.id,
            self.id,
            ", automatically" if automatic else "",
        )
