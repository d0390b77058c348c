# Copyright 2026 kundenbindung_addon authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Glue of the duplicate search: partners to the engine's record table,
its pairs to duplicate groups, the scheduled search and automatic merging."""

import logging
import time
from datetime import timedelta

import numpy as np
import pandas as pd
import psycopg2.errors

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.osv import expression
from odoo.tools import SQL, config

from ..engine.duplicates import (
    NORMALISATION,
    PREPARED_COLUMNS,
    PROBE_KEYS,
    PROBE_LIMIT,
    PROBE_SHOWN,
    REVIEW_ONLY_CAP,
    TF_FIELDS,
    Model,
    bottleneck,
    conflicting_groups,
    filled_counts,
    match,
    prepare,
    probe_batch,
    probe_frequencies,
    probe_lookups,
    probe_within,
)
from ..engine.duplicates import groups as connected_groups
from .client_actions import RELOAD, notification
from .groups import MANAGER
from .kundenbindung_duplicate import OPEN_STATES

_logger = logging.getLogger(__name__)

# role of engine.duplicates -> the partner's field of it; with the parent and the country below,
# the one list of what the search reads: its query, the fingerprint of its values, and a partner
# entered in the form alike, so that a changed value is always normalised again
PARTNER_FIELDS = {
    "name": "name",
    "street": "street",
    "street2": "street2",
    "postcode": "zip",
    "city": "city",
    "phone": "phone",
    "mobile": "mobile",
    "email": "email",
    "website": "website",
    "vat": "vat",
    "birthdate": "kundenbindung_birthdate",
    "is_company": "is_company",
}
# role -> its value in a partner's row (res_partner p, its parent and its country)
SOURCES = {
    **{role: f"p.{field}" for role, field in PARTNER_FIELDS.items()},
    # contacts of one company are its colleagues: their parent, when it is a company
    "parent": "CASE WHEN parent.is_company THEN parent.id::text ELSE '' END",
    "country": "country.code",
}
# the query names its columns after the roles
ROLE_COLUMNS = {role: role for role in SOURCES}
KEY_CHUNK = 10000
# an incremental search scores with the model of the last full one, unless the partners have
# grown to more than this many times those it was fitted on: then it is a full one again
REFIT_GROWTH = 2.0
# groups the scheduled merge takes per call (it stops earlier at its time budget)
MERGE_BATCH = 50
# a partner saved by a transaction still open when a search started has a
# write date before it: the next search looks this far back as well
CHANGE_MARGIN = timedelta(minutes=10)
# the first key of the advisory lock that lets one duplicate search of a company run at a time
SEARCH_LOCK = 2026_1130
# partners created since the last search (no keys yet) a check at the door compares at most
PROBE_NEWEST = 200


def _merge_seconds():
    """Time budget of one call of the scheduled merge: the scheduler runs up
    to ten calls in a row under one cron time limit (120 s by default)."""
    limit = config.get("limit_time_real_cron") or -1
    if limit <= 0:
        limit = config.get("limit_time_real") or 120
    return max(5, limit / 20)


def _ordered(pairs):
    """Pairs with the lower partner id first, scores to one decimal (as
    stored), so that a pair found again is recognised."""
    a, b = pairs["a"].to_numpy(), pairs["b"].to_numpy()
    return pairs.assign(a=np.minimum(a, b), b=np.maximum(a, b), score=pairs["score"].astype(float).round(1))


class KundenbindungDuplicateDetection(models.AbstractModel):
    _name = "kundenbindung.duplicate.detection"
    _description = "Customer Retention Duplicate Detection"

    # ------------------------------------------------------------------ read

    @api.model
    def _scope(self, company):
        """Partners a user of ``company`` sees (its own and shared), that are
        customers or contacts: no company's own partner, no internal user."""
        return SQL(
            """p.active AND p.name IS NOT NULL AND (p.company_id = %(company)s OR p.company_id IS NULL)
               AND NOT EXISTS (SELECT 1 FROM res_users u WHERE u.partner_id = p.id AND u.share IS NOT TRUE)
               AND NOT EXISTS (SELECT 1 FROM res_company c WHERE c.partner_id = p.id)""",
            company=company.id,
        )

    @api.model
    def _region(self, company):
        """The region of the numbers written without a country code: the
        company's country (Germany without one)."""
        return company.country_id.code or "DE"

    @api.model
    def _refresh_keys(self, company, since=None):
        """Normalise the partners of ``company``'s scope that are new or
        whose name, address or identifiers changed since their keys were
        computed (a fingerprint of the source values, not a date: two
        changes within a second are seen too); returns their ids.
        ``since``: only partners saved after it can have changed."""
        cr = self.env.cr
        recent = SQL("TRUE") if since is None else SQL("p.write_date > %s", since)
        self.env["res.partner"].flush_model()
        region = self._region(company)
        # a row's text tells NULL from "" and keeps every value in its place; the region reads the
        # phones; a new way of normalising (the engine's version of it) normalises everything again
        fingerprint = SQL(f"md5(ROW({', '.join(SOURCES.values())}, %s, %s)::text)", region, NORMALISATION)
        cr.execute(
            self._sources_query(
                company,
                SQL("(k.id IS NULL OR (%s AND k.source_hash IS DISTINCT FROM %s))", recent, fingerprint),
                extra=SQL("p.write_date, %s AS fingerprint", fingerprint),
                joins=SQL("LEFT JOIN kundenbindung_duplicate_key k ON k.partner_id = p.id"),
            )
        )
        columns = [c.name for c in cr.description]
        raw = pd.DataFrame(cr.fetchall(), columns=columns).set_index("id")
        if raw.empty:
            return []
        prepared = prepare(raw, ROLE_COLUMNS, region=region)
        prepared["source_date"] = raw["write_date"]
        prepared["source_hash"] = raw["fingerprint"]
        for start in range(0, len(prepared), KEY_CHUNK):
            self._write_keys(prepared.iloc[start : start + KEY_CHUNK])
        return raw.index.tolist()

    @api.model
    def _write_keys(self, chunk):
        """Upsert a chunk of keys: one COPY into a temporary table, one
        INSERT ... ON CONFLICT."""
        cr = self.env.cr
        columns = [*PREPARED_COLUMNS, "source_date", "source_hash"]
        self.env["kundenbindung.bulk"]._copy_into(
            "kundenbindung_key_chunk",
            chunk[columns].rename_axis("partner_id").reset_index(),
            like="kundenbindung_duplicate_key",
        )
        cr.execute(
            SQL(
                """
                INSERT INTO kundenbindung_duplicate_key (partner_id, %(columns)s)
                SELECT partner_id, %(columns)s FROM kundenbindung_key_chunk
                ON CONFLICT (partner_id) DO UPDATE SET %(updates)s
                """,
                columns=SQL(", ").join(SQL.identifier(c) for c in columns),
                updates=SQL(", ").join(SQL("%s = EXCLUDED.%s", SQL.identifier(c), SQL.identifier(c)) for c in columns),
            )
        )
        self.env["kundenbindung.duplicate.key"].invalidate_model()

    @api.model
    def _keys_query(self, company, condition=None):
        """The kept keys of the partners of ``company``'s scope (that meet
        ``condition``) as the engine's prepared columns, with the partners'
        last change: id, write_date, PREPARED_COLUMNS ("" for none)."""
        texts = [c for c in PREPARED_COLUMNS if c != "is_company"]
        return SQL(
            "SELECT k.partner_id AS id, p.write_date, %(columns)s, COALESCE(k.is_company, FALSE) AS is_company "
            "FROM kundenbindung_duplicate_key k JOIN res_partner p ON p.id = k.partner_id "
            "WHERE %(scope)s AND %(condition)s",
            columns=SQL(", ").join(
                SQL("COALESCE(k.%s, '') AS %s", SQL.identifier(c), SQL.identifier(c)) for c in texts
            ),
            scope=self._scope(company),
            condition=condition or SQL("TRUE"),
        )

    @api.model
    def _sources_query(self, company, condition, extra=None, joins=None):
        """The values the search reads of the partners of ``company``'s
        scope that meet ``condition``: id, ``extra`` columns, one column per
        role of SOURCES (``joins``: more tables the condition reads)."""
        return SQL(
            """SELECT p.id, %(extra)s %(values)s FROM res_partner p
                 LEFT JOIN res_partner parent ON parent.id = p.parent_id
                 LEFT JOIN res_country country ON country.id = p.country_id
                 %(joins)s
                WHERE %(scope)s AND %(condition)s""",
            extra=SQL("%s, ", extra) if extra else SQL(),
            values=SQL(", ").join(SQL(f"{source} AS {role}") for role, source in SOURCES.items()),
            joins=joins or SQL(),
            scope=self._scope(company),
            condition=condition,
        )

    @api.model
    def _keys(self, company):
        """The kept keys of ``company``'s scope as the engine's prepared
        table (index: partner id), with the partners' last change."""
        texts = [c for c in PREPARED_COLUMNS if c != "is_company"]
        query = self._keys_query(company)
        # streamed with COPY: a large company's keys are read in a fraction of the time of fetchall
        frame = (
            self.env["kundenbindung.bulk"]
            ._copy_frame(
                query,
                dtype={c: str for c in texts},
                keep_default_na=False,
                na_values=[],
                parse_dates=["write_date"],
            )
            .set_index("id")
        )
        frame["is_company"] = frame["is_company"].astype(str).str.lower().isin(("t", "true"))
        frame[texts] = frame[texts].astype(object)
        return frame[list(PREPARED_COLUMNS)], frame["write_date"]

    # ------------------------------------------------------------------ search

    @api.model
    def _detect_company(self, company, threshold=None, full=False):
        """Search ``company``'s duplicates and record them as groups.

        The first search, and ``full``, compare all partners and fit the
        match model on them, kept on the company; later ones only the
        partners changed since the last search, against all, scored with
        the kept model (so that they score as a full search would; without
        a usable one the search is a full one). Dismissed pairs are left
        out; open groups are updated, joined when a new pair ties them, and
        dropped when their pairs are gone. Returns figures of the run."""
        started = time.perf_counter()
        cr = self.env.cr
        # one search of a company at a time (the nightly one, the check of new partners, "Find now")
        cr.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", [SEARCH_LOCK, company.id])
        if not cr.fetchone()[0]:
            _logger.info("Customer Retention: a duplicate search of %s is running; skipped", company.display_name)
            return {"skipped": True}
        cr.execute("SELECT now() AT TIME ZONE 'UTC'")
        run_start = cr.fetchone()[0]
        threshold = company.kundenbindung_config_id.duplicate_review_score if threshold is None else threshold
        since = company.kundenbindung_config_id.duplicates_date
        kept = {} if full or not since else company.sudo().kundenbindung_config_id.duplicate_model or {}
        # a model of another normalisation would meet keys of two kinds: a full search again
        model = Model.from_dict(kept) if kept.get("normalisation") == NORMALISATION else None
        normalised = self._refresh_keys(company, since - CHANGE_MARGIN if model is not None else None)
        prepared, changed_on = self._keys(company)
        if model is not None and len(prepared) > REFIT_GROWTH * kept.get("partners", 0):
            # fitted on far fewer partners than there are now: fitted again, on all of them
            model = None
        incremental = model is not None
        if incremental:
            # new or edited values, and any partner saved since (a partner
            # coming back from the archive, or into this company's scope)
            recent = prepared.index[changed_on > since - CHANGE_MARGIN]
            changed = sorted(set(recent) | set(normalised).intersection(prepared.index))
        else:
            changed = None
        # the groups' conflicts are looked at by _record_groups, with the pairs kept from earlier searches
        pairs, _components = match(prepared, threshold=threshold, changed=changed, model=model, conflicts=False)
        engine_done = time.perf_counter()
        settings = company.sudo().kundenbindung_config_id
        if not incremental:
            settings.duplicate_model = dict(
                pairs.attrs["model"].to_dict(),
                partners=len(prepared),
                normalisation=NORMALISATION,
                filled=filled_counts(prepared),
            )
        elif kept.get("filled") != filled_counts(prepared):
            # how many partners have each weighed field: the check at the door reads it
            settings.duplicate_model = dict(kept, filled=filled_counts(prepared))
        self.env["kundenbindung.duplicate.dismissal"].flush_model()
        # the engine's pairs are not ordered: either partner may be the dismissal's first
        ids = sorted(set(pairs["a"].tolist()) | set(pairs["b"].tolist()))
        cr.execute(
            "SELECT partner_a_id, partner_b_id FROM kundenbindung_duplicate_dismissal "
            "WHERE partner_a_id = ANY(%s) AND partner_b_id = ANY(%s)",
            [ids, ids],
        )
        dismissed = set(cr.fetchall())
        if len(pairs):
            keep = np.array([(min(a, b), max(a, b)) not in dismissed for a, b in zip(pairs["a"], pairs["b"])])
            # a contact and its own company are never one customer (Odoo's merge refuses them)
            parent = prepared["parent"]
            keep &= parent.reindex(pairs["a"]).to_numpy() != pairs["b"].astype(str).to_numpy()
            keep &= parent.reindex(pairs["b"]).to_numpy() != pairs["a"].astype(str).to_numpy()
            pairs = pairs[keep]
        written = self._record_groups(company, pairs, None if changed is None else set(changed), prepared)
        company.sudo().kundenbindung_config_id.write({"duplicates_date": run_start, "duplicates_pairs": len(pairs)})
        stats = {
            "partners": len(prepared),
            "compared": len(prepared) if changed is None else len(changed),
            "full": not incremental,
            "normalised": len(normalised),
            "pairs": len(pairs),
            **written,
            "seconds": round(time.perf_counter() - started, 2),
            "engine_seconds": round(engine_done - started, 2),
        }
        _logger.info("Customer Retention: duplicates of %s: %s", company.display_name, stats)
        return stats

    @api.model
    def _record_groups(self, company, pairs, affected, prepared=None):
        """Bring the open groups of ``company`` in line with the new pairs.

        ``affected``: the partners compared again (None: all); their old
        pairs that were not found again with the same score and evidence
        are removed, the new ones added. Only the groups these changes
        touch are written: a nightly run with few changes writes little."""
        Group = self.env["kundenbindung.duplicate.group"].sudo()
        Pair = self.env["kundenbindung.duplicate.pair"].sudo()
        cr = self.env.cr
        self.env.flush_all()
        cr.execute(
            """SELECT pair.id, pair.partner_a_id, pair.partner_b_id, pair.score, pair.evidence, pair.group_id
                 FROM kundenbindung_duplicate_pair pair
                 JOIN kundenbindung_duplicate_group g ON g.id = pair.group_id
                WHERE g.company_id = %s AND g.state IN %s""",
            [company.id, OPEN_STATES],
        )
        old = _ordered(
            pd.DataFrame(cr.fetchall(), columns=["pair_id", "a", "b", "score", "evidence", "group_id"]).astype(
                {
                    "pair_id": "int64",
                    "a": "int64",
                    "b": "int64",
                    "score": "float64",
                    "evidence": object,
                    "group_id": "int64",
                }
            )
        )
        cr.execute(
            """SELECT rel.partner_id, rel.group_id FROM kundenbindung_duplicate_group_partner_rel rel
                 JOIN kundenbindung_duplicate_group g ON g.id = rel.group_id
                WHERE g.company_id = %s AND g.state IN %s""",
            [company.id, OPEN_STATES],
        )
        membership = pd.DataFrame(cr.fetchall(), columns=["partner_id", "group_id"])
        new = _ordered(
            # evidence as text on both sides, also when a side is empty (pandas types an empty column float)
            pairs[["a", "b", "score", "evidence"]]
            .assign(pair_id=0, group_id=0)
            .astype({"a": "int64", "b": "int64", "score": "float64", "evidence": object})
        )
        # a pair found again with the same score and evidence stays as it is (one of an earlier
        # version, without evidence, is replaced)
        same = old.merge(
            new[["a", "b", "score", "evidence"]], on=["a", "b", "score", "evidence"], how="left", indicator=True
        )["_merge"]
        again = (same == "both").to_numpy()
        touches = (
            np.ones(len(old), dtype=bool)
            if affected is None
            else (old["a"].isin(affected) | old["b"].isin(affected)).to_numpy()
        )
        stale = touches & ~again
        if stale.any():
            cr.execute(
                "DELETE FROM kundenbindung_duplicate_pair WHERE id = ANY(%s)", [old.loc[stale, "pair_id"].tolist()]
            )
            Pair.invalidate_model()
        kept = old[~stale]
        known = set(zip(kept["a"], kept["b"]))
        fresh = new[[(a, b) not in known for a, b in zip(new["a"], new["b"])]]
        combined = pd.concat([kept, fresh], ignore_index=True).sort_values("score", ascending=False, kind="stable")
        components = connected_groups(combined) if len(combined) else pd.Series(dtype="int64")
        combined["component"] = combined["a"].map(components)
        group_of_partner = dict(zip(membership["partner_id"], membership["group_id"]))
        members_of_group = membership.groupby("group_id")["partner_id"].agg(lambda s: sorted(s)).to_dict()
        # the groups to look at: all in a full search; else those holding a partner compared again
        # (its pairs, or its values, and so the group's conflicts, may have changed) or a new pair
        if affected is None:
            looked_at = combined["component"].notna()
        else:
            hit = combined["a"].isin(affected) | combined["b"].isin(affected) | (combined["pair_id"] == 0)
            looked_at = combined["component"].isin(set(combined.loc[hit, "component"]))
        touched = set(combined.loc[~looked_at, "group_id"]) - {0}
        today = fields.Date.context_today(self)
        created = updated = 0
        new_vals, new_pairs_of = [], []
        # plain rows, one pass: per-component DataFrame slices are far too slow for thousands of groups
        by_component = {}
        for row in combined[looked_at].itertuples(index=False):
            by_component.setdefault(row.component, []).append(row)
        # groups holding two partners that conflict or that a person must look at (father and son,
        # or spouses, both tied to a record without a birth date or given name), and groups too large
        # to be sure of: reviewed, never merged automatically; looked at for every group looked at,
        # as a partner's change can make a group whose pairs did not change hold two people
        conflicting = set()
        if prepared is not None and by_component:
            members = pd.Series(
                {p: component for component, links in by_component.items() for r in links for p in (r.a, r.b)}
            )
            conflicting = conflicting_groups(prepared, members)
        looked_at_groups = sorted(set(combined.loc[looked_at, "group_id"]) - {0})
        stored = {
            g["id"]: (g["weakest_score"], g["holds_conflict"])
            for g in Group.browse(looked_at_groups).read(["weakest_score", "holds_conflict"])
        }
        for component, links in by_component.items():
            members = sorted({r.a for r in links} | {r.b for r in links})
            hits = sorted({group_of_partner[p] for p in members if p in group_of_partner})
            links_fresh = [r for r in links if not r.pair_id]
            holds_conflict = component in conflicting
            weakest = min(bottleneck((r.a, r.b, r.score) for r in links), REVIEW_ONLY_CAP if holds_conflict else 100.0)
            if len(hits) == 1 and not links_fresh and members_of_group.get(hits[0]) == members:
                # the same pairs: only how sure the group is may have changed
                if stored.get(hits[0]) != (weakest, holds_conflict):
                    Group.browse(hits[0]).write({"weakest_score": weakest, "holds_conflict": holds_conflict})
                touched.add(hits[0])
                continue
            best = links[0]
            vals = {
                "score": float(best.score),
                "weakest_score": weakest,
                "holds_conflict": holds_conflict,
                # the best pair's evidence: language-neutral data, rendered when read
                "evidence": best.evidence,
            }
            pair_vals = [
                {
                    "partner_a_id": int(row.a),
                    "partner_b_id": int(row.b),
                    "score": float(row.score),
                    "evidence": row.evidence,
                }
                for row in links_fresh
            ]
            if hits:
                target = Group.browse(hits[0])
                if members_of_group.get(target.id) != members:
                    vals["partner_ids"] = [fields.Command.set(members)]
                    if target.survivor_id and target.survivor_id.id not in members:
                        vals["survivor_id"] = False
                target.write(vals)
                moved = [int(r.pair_id) for r in links if r.pair_id and r.group_id != target.id]
                Pair.browse(moved).write({"group_id": target.id})
                Group.browse(hits[1:]).unlink()
                Pair.create([dict(v, group_id=target.id) for v in pair_vals])
                touched.add(target.id)
                updated += 1
            else:
                new_vals.append(
                    dict(vals, company_id=company.id, detected_date=today, partner_ids=[fields.Command.set(members)])
                )
                new_pairs_of.append(pair_vals)
        if new_vals:
            groups = Group.create(new_vals)
            Pair.create([dict(v, group_id=g.id) for g, vals in zip(groups, new_pairs_of) for v in vals])
            touched |= set(groups.ids)
            created = len(groups)
        # open groups left without a pair: their partners no longer look alike
        gone = Group.browse(sorted(set(membership["group_id"]) - touched)).exists()
        dropped = len(gone)
        gone.unlink()
        return {"groups": len(touched), "created": created, "updated": updated, "dropped": dropped}

    # ------------------------------------------------------------------ at the door

    @api.model
    def _partner_values(self, partner):
        """The roles of SOURCES of one partner, saved or not (a record of
        the form): its values as the search reads them."""
        values = {role: partner[field] or "" for role, field in PARTNER_FIELDS.items()}
        values["is_company"] = bool(partner.is_company)
        values["birthdate"] = partner.kundenbindung_birthdate or None
        parent = partner.parent_id
        values["parent"] = str(parent._origin.id or "") if parent.is_company else ""
        values["country"] = partner.country_id.code or ""
        return values

    @api.model
    def _probe(self, values, company, partner_id=None):
        """Likely duplicates of one partner being entered, as the search
        would score them: ``values`` maps the roles of SOURCES to the
        partner's values (a partner not saved yet). ``partner_id`` (the
        partner edited), its company, its contacts and the pairs dismissed
        with it are left out. A DataFrame (b: partner id, score, evidence),
        best first, at most PROBE_SHOWN."""
        found = self._probe_many(self._prepare_rows(pd.DataFrame([values]), company), company, partner_id=partner_id)
        found = found.sort_values(["score", "b"], ascending=[False, True], kind="stable")
        return found[["b", "score", "evidence"]].head(PROBE_SHOWN).reset_index(drop=True)

    @api.model
    def _prepare_rows(self, rows, company):
        """``rows`` (a DataFrame of the roles of SOURCES: partners typed in
        or imported, not saved yet) normalised as the search normalises the
        company's partners; rows by position."""
        return prepare(rows.reset_index(drop=True), ROLE_COLUMNS, region=self._region(company))

    @api.model
    def _probe_many(self, records, company, partner_id=None):
        """The existing partners each of ``records`` (:meth:`_prepare_rows`)
        probably is, scored as the search would score the pair with the company's
        kept model, at or above its review score: a DataFrame (row: the
        position in ``rows``, b: partner id, score, evidence). Candidates
        are read from the kept keys by index, and among the partners created
        since the keys were last written; only partners the current user
        may read are returned."""
        settings = company.sudo().kundenbindung_config_id
        empty = pd.DataFrame(columns=["row", "b", "score", "evidence"])
        lookups = [
            (row, number, parts) for row in range(len(records)) for number, parts in probe_lookups(records.iloc[row])
        ]
        if not lookups:
            return empty
        cr = self.env.cr
        self.env["res.partner"].flush_model()
        # every lookup an index read, at most PROBE_LIMIT partners each
        by_key = {}
        for row, number, parts in lookups:
            by_key.setdefault(number, []).append((row, *parts))
        union = SQL(" UNION ALL ").join(
            SQL(
                "(SELECT v.row, c.partner_id FROM (VALUES %(values)s) AS v(row, %(names)s) "
                "CROSS JOIN LATERAL (SELECT k.partner_id FROM kundenbindung_duplicate_key k "
                "JOIN res_partner p ON p.id = k.partner_id WHERE %(condition)s AND %(scope)s LIMIT %(limit)s) c)",
                values=SQL(", ").join(SQL("(%s)", SQL(", ").join(SQL("%s", v) for v in value)) for value in values),
                names=SQL(", ").join(SQL.identifier(f"v{i}") for i in range(len(PROBE_KEYS[number]))),
                condition=self.env["kundenbindung.duplicate.key"]._probe_condition(
                    number, [SQL.identifier("v", f"v{i}") for i in range(len(PROBE_KEYS[number]))]
                ),
                limit=PROBE_LIMIT,
                scope=self._scope(company),
            )
            for number, values in by_key.items()
        )
        cr.execute(union)
        found = set(cr.fetchall())
        ids = sorted({partner for _row, partner in found})
        cr.execute(self._keys_query(company, SQL("k.partner_id = ANY(%s)", ids)))
        candidates = pd.DataFrame(cr.fetchall(), columns=[c.name for c in cr.description]).set_index("id")
        candidates = candidates[list(PREPARED_COLUMNS)]
        # partners created since the keys were last written: their keys are made here, not kept
        cr.execute(
            SQL(
                "%s ORDER BY p.id DESC LIMIT %s",
                self._sources_query(
                    company,
                    SQL("p.id > (SELECT COALESCE(max(partner_id), 0) FROM kundenbindung_duplicate_key)"),
                ),
                PROBE_NEWEST,
            )
        )
        newest = pd.DataFrame(cr.fetchall(), columns=[c.name for c in cr.description]).set_index("id")
        if not newest.empty:
            newest = prepare(newest, ROLE_COLUMNS, region=self._region(company))
            rows_of = {}
            for row, number, parts in lookups:
                rows_of.setdefault((number, parts), set()).add(row)
            for partner in newest.index:
                for key in probe_lookups(newest.loc[partner]):
                    found |= {(row, partner) for row in rows_of.get(key, ())}
            newest = newest[~newest.index.isin(candidates.index)]
            candidates = pd.concat([candidates, newest]) if len(candidates) else newest
        # the partner itself; a contact and its own company are never one customer
        parents = records["parent"].to_numpy()
        pairs = [
            (row, partner)
            for row, partner in sorted(found)
            if partner in candidates.index
            and partner != partner_id
            and str(partner) != parents[row]
            and not (partner_id and candidates.at[partner, "parent"] == str(partner_id))
        ]
        if not pairs:
            return empty
        model, filled = self._kept_model(company)
        tf = self._probe_frequencies(records, company, filled) if model else None
        scored = probe_batch(records, candidates, pairs, model, tf)
        scored = scored[scored["score"] >= settings.duplicate_review_score]
        if scored.empty:
            return scored
        partner_ids = sorted({int(i) for i in scored["b"]})
        visible = set(self.env["res.partner"].search([("id", "in", partner_ids)]).ids)
        if partner_id:
            # pairs a manager marked "not a duplicate" are not shown again
            self.env["kundenbindung.duplicate.dismissal"].flush_model()
            cr.execute(
                "SELECT CASE WHEN partner_a_id = %(id)s THEN partner_b_id ELSE partner_a_id END "
                "FROM kundenbindung_duplicate_dismissal WHERE partner_a_id = %(id)s OR partner_b_id = %(id)s",
                {"id": partner_id},
            )
            visible -= {other for (other,) in cr.fetchall()}
        return scored[[int(i) in visible for i in scored["b"]]].reset_index(drop=True)

    @api.model
    def _kept_model(self, company):
        """The match model of the company's last full search, and its
        partners' filled fields; (None, None) without one of this
        normalisation (the engine's defaults score then)."""
        kept = company.sudo().kundenbindung_config_id.duplicate_model or {}
        if kept.get("normalisation") != NORMALISATION:
            return None, None
        return Model.from_dict(kept), kept.get("filled")

    @api.model
    def _probe_within(self, records, company):
        """Pairs (a, b: positions in ``records``, :meth:`_prepare_rows`,
        a < b) of rows at the door that are probably one another, at or
        above the review score."""
        if len(records) < 2:
            return []
        settings = company.sudo().kundenbindung_config_id
        pairs = probe_within(records, self._kept_model(company)[0], threshold=settings.duplicate_review_score)
        return [(int(a), int(b)) for a, b in zip(pairs["a"], pairs["b"])]

    @api.model
    def _probe_frequencies(self, records, company, filled):
        """Term frequencies of the weighed values of ``records`` among the
        kept keys of ``company`` (counted by index), as the search computes
        them on the whole table."""
        if not filled:
            return None
        values = {field: sorted(set(records[field]) - {""}) for field in TF_FIELDS}
        values = {field: found for field, found in values.items() if found}
        if not values:
            return None
        # one query: every weighed field's values counted by its index
        self.env.cr.execute(
            SQL(" UNION ALL ").join(
                SQL(
                    "(SELECT %(name)s, k.%(field)s, count(*) FROM kundenbindung_duplicate_key k "
                    "JOIN res_partner p ON p.id = k.partner_id "
                    "WHERE k.%(field)s = ANY(%(values)s) AND %(scope)s GROUP BY k.%(field)s)",
                    name=field,
                    field=SQL.identifier(field),
                    values=found,
                    scope=self._scope(company),
                )
                for field, found in values.items()
            )
        )
        counts = {field: dict.fromkeys(found, 0) for field, found in values.items()}
        for field, value, count in self.env.cr.fetchall():
            counts[field][value] = count
        return probe_frequencies(counts, filled)

    # ------------------------------------------------------------------ merge

    @api.model
    def _auto_merge_domain(self):
        """Groups the scheduled merge may take: new, of a company that merges
        automatically, sure at its score. Empty when no company does."""
        companies = (
            self.env["kundenbindung.config"]
            .sudo()
            .search([("duplicate_auto_merge", "=", True), ("company_id.active", "=", True)])
            .company_id
        )
        if not companies:
            return None
        return expression.AND(
            [
                [("state", "=", "new")],
                expression.OR(
                    [
                        [
                            ("company_id", "=", company.id),
                            ("weakest_score", ">=", company.kundenbindung_config_id.duplicate_auto_score),
                        ]
                        for company in companies
                    ]
                ),
            ]
        )

    @api.model
    def _auto_merge(self, groups, deadline=None):
        """Merge ``groups`` if they pass the safety checks, each under its own
        savepoint: a group refused or failing is noted and put up for
        review, the others go on. Stops at ``deadline`` (time.monotonic()),
        after one group at least. Returns the figures."""
        stats = {"merged": 0, "refused": 0, "failed": 0}
        # the records of other companies naming the batch's partners, in one pass over the tables
        foreign = self.env["kundenbindung.duplicate.group"]._foreign_companies(groups.partner_ids.ids)
        for group in groups.sudo():
            if deadline and sum(stats.values()) and time.monotonic() > deadline:
                break
            try:
                with self.env.cr.savepoint():
                    blockers = group._merge_blockers(automatic=True, foreign=foreign)
                    if not blockers:
                        group._merge(automatic=True, foreign=foreign)
            except psycopg2.errors.TransactionRollbackError as error:
                # a deadlock or serialisation failure with another job: the group stays new for the next call
                _logger.info("Customer Retention: automatic merge of group %s postponed: %s", group.id, error)
                break
            except Exception as error:  # noqa: BLE001 - one group must not stop the run
                _logger.warning("Customer Retention: automatic merge of group %s failed: %s", group.id, error)
                group.write(
                    {
                        "state": "review",
                        "merge_note": self.env._("The automatic merge failed: %(error)s", error=str(error)),
                    }
                )
                stats["failed"] += 1
                continue
            if blockers:
                group.write(
                    {
                        "state": "review",
                        "merge_note": self.env._("Not merged automatically: %(reasons)s.", reasons=", ".join(blockers)),
                        # the companies with records of its shared partners review it too
                        "visible_company_ids": [
                            fields.Command.link(company) for company in group._other_companies(foreign)
                        ],
                    }
                )
                stats["refused"] += 1
            else:
                stats["merged"] += 1
        return stats

    @api.model
    def _cron_merge(self):
        """Scheduled action: merge the sure groups of the companies that
        merge automatically, one batch per call. The scheduler commits after
        each call and calls again while groups remain, so a night's merges
        finish across calls, each well under the cron time limit, and a
        killed run resumes with the groups still new."""
        domain = self._auto_merge_domain()
        if domain is None:
            self.env["ir.cron"]._notify_progress(done=0, remaining=0)
            return
        Group = self.env["kundenbindung.duplicate.group"].sudo()
        groups = Group.search(domain, order="id", limit=MERGE_BATCH)
        stats = self._auto_merge(groups, deadline=time.monotonic() + _merge_seconds())
        done = sum(stats.values())
        remaining = Group.search_count(domain)
        _logger.info("Customer Retention: automatic merges: %s, %s groups remaining", stats, remaining)
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)

    # ------------------------------------------------------------------ entry points

    @api.model
    def _cron_detect(self):
        """Scheduled action: one company per call (the one searched longest
        ago), progress reported so that the scheduler calls again at once
        while companies remain. One attempt a day; the date of the last
        search moves only when one succeeds, so that the next search still
        compares everything changed since the last good one."""
        self.env["kundenbindung.bulk"]._run_per_company(
            "duplicates_tried",
            [("duplicate search", lambda company: self.sudo()._detect_company(company))],
            order="duplicates_date asc nulls first, id",
            logger=_logger,
        )

    @api.model
    def _cron_detect_new(self):
        """Scheduled action, woken a minute after partners are created (by a
        website sign-up, a converted lead, an incoming email, an import or
        the API): the search of each company compares the partners new or
        changed since its last search against all, with the kept model, so
        that a likely duplicate is up for review at once instead of the next
        morning. Companies never searched wait for the nightly full search;
        nothing is merged here."""
        configs = (
            self.env["kundenbindung.config"]
            .sudo()
            .search([("company_id.active", "=", True), ("duplicates_date", "!=", False)])
        )
        self.env["res.partner"].flush_model(["write_date"])
        for settings in configs:
            company = settings.company_id
            # woken by another company's new partners: nothing of this one to compare
            self.env.cr.execute(
                SQL(
                    "SELECT 1 FROM res_partner p WHERE %s AND p.write_date > %s LIMIT 1",
                    self._scope(company),
                    settings.duplicates_date - CHANGE_MARGIN,
                )
            )
            if not self.env.cr.fetchone():
                continue
            try:
                with self.env.cr.savepoint():
                    self.sudo()._detect_company(company)
            except Exception:
                _logger.exception(
                    "Customer Retention: duplicate check of the new partners of %s failed; the next goes on",
                    company.display_name,
                )

    @api.model
    def action_detect(self):
        """ "Find duplicates now" for the current company (managers only):
        compares all partners, merges nothing."""
        if not self.env.user.has_group(MANAGER):
            raise AccessError(self.env._("Only Customer Retention managers can look for duplicates."))
        stats = self.sudo()._detect_company(self.env.company, full=True)
        if stats.get("skipped"):
            raise UserError(
                self.env._("A duplicate search of this company is running already; try again in a few minutes.")
            )
        return notification(
            self.env._("Duplicates searched"),
            self.env._(
                "%(partners)s partners compared: %(groups)s groups of probable duplicates, %(created)s new.",
                partners=stats["partners"],
                groups=stats["groups"],
                created=stats["created"],
            ),
            then=RELOAD,
        )
