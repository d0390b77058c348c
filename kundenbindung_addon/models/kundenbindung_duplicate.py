# Copyright 2026 kundenbindung_addon authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Duplicate partner candidates found by the fuzzy detection
(``engine.duplicates``), for review by Customer Retention managers."""

import logging
import time

import pandas as pd

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import plaintext2html

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

    survivor_id = fields.Many2one(
        "res.partner",
        string="Keep",
        domain="[('id', 'in', partner_ids)]",
        help="The partner that stays; the others are merged into it. Empty: the one with the most invoices, "
        "then the oldest.",
    )
    journal_ids = fields.One2many("kundenbindung.merge.journal", "group_id", string="Merge Journal", readonly=True)

    def _default_survivor(self):
        """The partner with the most customer invoices, then the oldest."""
        self.ensure_one()
        counts = dict(
            self.env["account.move"].sudo()._read_group(
                [("commercial_partner_id", "in", self.partner_ids.ids), ("move_type", "in", ("out_invoice", "out_refund"))],
                ["commercial_partner_id"],
                ["__count"],
            )
        )
        return max(self.partner_ids, key=lambda p: (counts.get(p, 0), -p.id))

    def _merge_blockers(self):
        """Why these partners must not be merged automatically, or []."""
        partners = self.partner_ids
        reasons = []
        vats = {p.vat.replace(" ", "").upper() for p in partners if p.vat}
        if len(vats) > 1:
            reasons.append(self.env._("two different VAT numbers"))
        if any(p.parent_id in partners for p in partners):
            reasons.append(self.env._("a contact and its company"))
        if len(partners.with_context(active_test=False).user_ids) > 1:
            reasons.append(self.env._("more than one linked user"))
        # one company, or all shared
        if len({p.company_id.id for p in partners}) > 1:
            reasons.append(self.env._("partners of different companies"))
        return reasons

    def action_merge(self):
        """Merge the group's partners into the survivor through Odoo's merge
        (every reference moved), in steps of at most three partners, after
        writing a journal entry with each source partner's values."""
        self._check_manager()
        for group in self:
            survivor = group.survivor_id or group._default_survivor()
            blockers = group._merge_blockers()
            if blockers:
                raise UserError(
                    self.env._("These partners cannot be merged: %(reasons)s.", reasons=", ".join(blockers))
                )
            sources = group.partner_ids - survivor
            wizard = self.env["base.partner.merge.automatic.wizard"].sudo()
            for start in range(0, len(sources), 2):
                step = sources[start : start + 2]
                journals = self.env["kundenbindung.merge.journal"].sudo()._record(group, step, survivor)
                wizard._merge((step | survivor).ids, survivor.sudo(), extra_checks=False)
                journals.with_user(self.env.user)._post_differences(survivor)
            group.write({"state": "merged", "survivor_id": survivor.id})
        return True

    def action_review(self):
        self._check_manager()
        self.filtered(lambda g: g.state == "new").write({"state": "review"})

    def _check_manager(self):
        if not self.env.user.has_group("kundenbindung_addon.group_kundenbindung_manager"):
            raise AccessError(self.env._("Only Customer Retention managers can review duplicates."))


class KundenbindungMergeJournal(models.Model):
    """What a merged partner was: the stored values of the source partner
    and its external ids, kept before Odoo's merge deleted it."""

    _name = "kundenbindung.merge.journal"
    _description = "Merge Journal"
    _order = "id desc"

    group_id = fields.Many2one("kundenbindung.duplicate.group", ondelete="set null", index=True, readonly=True)
    company_id = fields.Many2one("res.company", readonly=True, index=True)
    survivor_id = fields.Many2one("res.partner", string="Merged Into", ondelete="set null", readonly=True)
    source_id = fields.Integer(string="Merged Partner ID", readonly=True)
    source_name = fields.Char(string="Merged Partner", readonly=True)
    snapshot = fields.Json(readonly=True, help="The merged partner's stored values.")
    external_ids = fields.Char(string="External IDs", readonly=True)
    differences = fields.Text(readonly=True, help="Values of the merged partner that differed from the survivor's.")

    # plain values a user entered; relations are moved by the merge itself
    SNAPSHOT_TYPES = ("char", "text", "html", "selection", "boolean", "integer", "float", "monetary", "date",
                      "datetime", "many2one")

    def _record(self, group, sources, survivor):
        journals = self.browse()
        # the whole record, whatever fields the manager may read
        sources, survivor = sources.sudo(), survivor.sudo()
        fields_ = [
            name
            for name, field in sources._fields.items()
            if field.store and field.type in self.SNAPSHOT_TYPES and not field.compute and name not in models.MAGIC_COLUMNS
        ]
        for source in sources:
            values = source.read(fields_)[0]
            snapshot = {
                name: (value[0] if isinstance(value, tuple) else value)
                for name, value in values.items()
                if value not in (False, None, "")
            }
            snapshot = {k: (str(v) if not isinstance(v, (str, int, float, bool)) else v) for k, v in snapshot.items()}
            xmlids = self.env["ir.model.data"].search([("model", "=", "res.partner"), ("res_id", "=", source.id)])
            differences = []
            for name in ("name", "street", "street2", "zip", "city", "phone", "mobile", "email", "website", "vat",
                         "ref", "comment", "function"):
                if name in source._fields and source[name] and source[name] != survivor[name]:
                    label = source._fields[name].get_description(self.env)["string"]
                    differences.append(f"{label}: {source[name]}")
            journals |= self.create(
                {
                    "group_id": group.id,
                    "company_id": group.company_id.id,
                    "survivor_id": survivor.id,
                    "source_id": source.id,
                    "source_name": source.display_name,
                    "snapshot": snapshot,
                    "external_ids": ", ".join(f"{x.module}.{x.name}" for x in xmlids),
                    "differences": "\n".join(differences),
                }
            )
        return journals

    def _post_differences(self, survivor):
        """Values of the merged partners that differed, on the survivor's
        chatter, so nothing a user entered is lost from sight."""
        for journal in self.filtered("differences"):
            body = self.env._(
                "Merged %(partner)s (id %(id)s) into this partner. Its values that differed:",
                partner=journal.source_name,
                id=journal.source_id,
            )
            # the manager merges without the right to edit partners: posted as them, by the system
            survivor.sudo().message_post(
                body=plaintext2html(body + "\n" + journal.differences),
                subtype_xmlid="mail.mt_note",
                author_id=self.env.user.partner_id.id,
            )


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
