# Copyright 2026 kundenbindung_addon authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Glue between Odoo and the interest clusters engine.

Read what every customer of a company bought in the revenue window (one
aggregate per customer and product category at the configured level of the
category tree), hand it to ``engine.clusters.cluster_customers``, keep the
cluster records stable (matched to the previous profiles) and write each
customer's cluster, affinity and next best categories onto its
``kundenbindung.customer.segment`` record in chunks.
"""

import logging
import time

import numpy as np
import pandas as pd

from odoo import Command, api, fields, models
from odoo.tools import SQL

from ..engine import window_bounds
from ..engine.clusters import NO_CLUSTER, cluster_customers, match_clusters
from .kundenbindung_interest_cluster import GENERATED
from .kundenbindung_segmentation import run_timings

_logger = logging.getLogger(__name__)

CHUNK_SIZE = 10000
# categories listed on a cluster: the dominant ones, down to this share
CATEGORY_LINES = 10
MIN_LINE_SHARE = 0.01


class KundenbindungClustering(models.AbstractModel):
    _name = "kundenbindung.clustering"
    _description = "Customer Retention Interest Clustering"

    # ------------------------------------------------------------------ read

    @api.model
    def _purchases(self, company, date_from, date_to):
        """Net untaxed revenue (company currency) per commercial partner and
        product category at the company's category level, of the posted
        customer invoices and credit notes in [date_from, date_to)."""
        self.env["account.move.line"].flush_model(["move_id", "display_type", "balance", "product_id", "company_id"])
        self.env["product.template"].flush_model(["categ_id"])
        self.env["product.category"].flush_model(["parent_path"])
        return self.env["kundenbindung.bulk"]._copy_frame(
            SQL(
                """
                SELECT move.commercial_partner_id AS customer,
                       COALESCE(NULLIF(split_part(categ.parent_path, '/', %s), '')::int4, categ.id) AS category,
                       SUM(-line.balance) AS amount
                  FROM account_move_line line
                  JOIN account_move move ON move.id = line.move_id
                  JOIN product_product product ON product.id = line.product_id
                  JOIN product_template tmpl ON tmpl.id = product.product_tmpl_id
                  JOIN product_category categ ON categ.id = tmpl.categ_id
                 WHERE %s AND line.display_type = 'product'
              GROUP BY 1, 2
                """,
                company.kundenbindung_config_id.cluster_category_level,
                self.env["account.move"]._kundenbindung_documents_sql(company.ids, date_from, date_to),
            ),
            dtype={"customer": "int64", "category": "int64", "amount": "float64"},
        )

    @api.model
    def _invoice_counts(self, company, date_from, date_to):
        """Number of posted customer invoices per commercial partner."""
        frame = self.env["kundenbindung.bulk"]._copy_frame(
            SQL(
                "SELECT move.commercial_partner_id AS customer, COUNT(*) AS invoices FROM account_move move "
                "WHERE %s GROUP BY 1",
                self.env["account.move"]._kundenbindung_documents_sql(company.ids, date_from, date_to, refunds=False),
            ),
            dtype={"customer": "int64", "invoices": "int64"},
        )
        return frame.set_index("customer")["invoices"]

    @api.model
    def _tags(self, customers):
        """The customers' own tags as (customer, tag) rows."""
        self.env["res.partner"].flush_model(["category_id"])
        self.env.cr.execute(
            "SELECT partner_id AS customer, category_id AS tag FROM res_partner_res_partner_category_rel "
            "WHERE partner_id = ANY(%s)",
            ([int(c) for c in customers],),
        )
        return pd.DataFrame(self.env.cr.fetchall(), columns=["customer", "tag"])

    # ------------------------------------------------------------------ compute

    @api.model
    def _compute_company(self, company, today=None):
        """Recompute the interest clusters of one company; return figures of
        the run. Runs with the rights of the caller (the scheduled action runs
        as the superuser, "Recompute now" checks the manager group first)."""
        company.ensure_one()
        started = time.perf_counter()
        today = pd.Timestamp(today or fields.Date.context_today(self)).normalize()
        date_from, date_to = window_bounds(today, company.kundenbindung_config_id.window_months)
        purchases = self._purchases(company, date_from.date(), date_to.date())
        invoices = self._invoice_counts(company, date_from.date(), date_to.date())
        tags = self._tags(purchases["customer"].unique()) if company.kundenbindung_config_id.cluster_use_tags else None
        extracted = time.perf_counter()

        categories = self.env["product.category"].browse(sorted(int(c) for c in purchases["category"].unique()))
        result = cluster_customers(
            purchases,
            n_clusters=company.kundenbindung_config_id.cluster_count,
            k_range=(2, company.kundenbindung_config_id.cluster_max),
            min_documents=company.kundenbindung_config_id.cluster_min_invoices,
            documents=invoices,
            tags=tags,
            category_names={category.id: category.name for category in categories.exists()},
        )
        engine_done = time.perf_counter()

        cluster_ids = self._sync_clusters(company, result, today.date())
        assignments = self._assignments(company, result, cluster_ids)
        stats = {
            "clusters": result.k,
            "clustered": int((result.assignments["cluster"] != NO_CLUSTER).sum()),
            "customers": len(result.assignments),
            "written": 0,
            "failed_chunks": 0,
            "silhouettes": {k: round(v, 3) for k, v in result.silhouettes.items()},
        }
        ids = assignments.index.to_numpy()
        suggestions = result.suggestions
        for start in range(0, len(ids), CHUNK_SIZE):
            chunk = assignments.iloc[start : start + CHUNK_SIZE]
            try:
                with self.env.cr.savepoint():
                    stats["written"] += self._write_chunk(
                        company, chunk, suggestions[suggestions["customer"].isin(chunk.index)]
                    )
            except Exception:
                stats["failed_chunks"] += 1
                _logger.exception(
                    "Customer Retention: interest clusters of %d partners of company %s could not be written; "
                    "they keep their previous values",
                    len(chunk),
                    company.display_name,
                )
        Segment = self.env["kundenbindung.customer.segment"]
        Segment.invalidate_model(["cluster_id", "cluster_affinity", "next_category_ids"])
        self.env["kundenbindung.interest.cluster"].invalidate_model(["segment_ids"])
        self.env["res.partner"]._kundenbindung_invalidate()
        # "computed on" only when every customer was written (the job itself is tried once a day)
        if not stats["failed_chunks"]:
            company.sudo().kundenbindung_config_id.write(
                {"clusters_date": today.date(), "clusters_count": stats["clusters"]}
            )
        stats.update(run_timings(started, extracted, engine_done), rows=len(purchases), categories=len(categories))
        _logger.info(
            "Customer Retention: interest clusters of %s: %d clusters, %d of %d customers clustered, "
            "%d failed chunks in %.1f s",
            company.display_name,
            stats["clusters"],
            stats["clustered"],
            stats["customers"],
            stats["failed_chunks"],
            stats["total_seconds"],
        )
        return stats

    @api.model
    def _sync_clusters(self, company, result, today):
        """Cluster records for the engine's clusters: a cluster continuing a
        previous one (matched on the profiles, archived ones included) keeps
        its record and, if a user renamed it, its name; the others are
        created; previous clusters left over are archived. Returns label ->
        record id."""
        # the records are the recompute's own: users may only rename them
        Cluster = self.env["kundenbindung.interest.cluster"].sudo().with_context(active_test=False, **{GENERATED: True})
        existing = Cluster.search([("company_id", "=", company.id)])
        previous = {
            cluster.id: {int(category): share for category, share in cluster.profile.items()}
            for cluster in existing
            if cluster.profile
        }
        current = result.clusters["profile"].to_dict() if result.k else {}
        mapping = match_clusters(previous, current)
        categories = self.env["product.category"].browse(sorted({int(c) for p in current.values() for c in p}))
        names = {category.id: category.name for category in categories}
        label_to_id = {}
        for label, row in result.clusters.iterrows():
            top = [(int(c), share, pen) for c, share, pen in row["top_categories"] if share >= MIN_LINE_SHARE]
            top = top[:CATEGORY_LINES]
            vals = {
                "generated_name": row["name"],
                "size": int(row["size"]),
                "revenue": float(row["revenue"]),
                "revenue_share": float(row["revenue_share"]),
                "profile": {str(int(c)): round(float(s), 5) for c, s in row["profile"].items()},
                "top_categories": ", ".join(
                    "%s %d %%" % (names.get(c, c), round(share * 100)) for c, share, _pen in top[:3]
                ),
                "category_line_ids": [Command.clear()]
                + [
                    Command.create({"sequence": i, "category_id": c, "share": share, "penetration": pen})
                    for i, (c, share, pen) in enumerate(top)
                ],
                "computed_date": today,
                "active": True,
            }
            if label in mapping:
                cluster = Cluster.browse(mapping[label])
                if not cluster.name_edited:
                    vals["name"] = row["name"]
                cluster.write(vals)
            else:
                cluster = Cluster.create(
                    dict(vals, name=row["name"], company_id=company.id, color=(len(existing) + int(label)) % 11 + 1)
                )
            label_to_id[label] = cluster.id
        vanished = existing.filtered(lambda c: c.active and c.id not in label_to_id.values())
        vanished.write({"active": False})
        Cluster.flush_model()
        self.env["kundenbindung.interest.cluster.category"].flush_model()
        return label_to_id

    @api.model
    def _assignments(self, company, result, cluster_ids):
        """Cluster record id and affinity per partner: the engine's customers,
        plus the partners that had a cluster in this company and have none
        now (written empty)."""
        frame = result.assignments[["cluster", "affinity"]].copy()
        frame["cluster_id"] = frame["cluster"].map(cluster_ids).astype("Int64")
        frame["affinity"] = frame["affinity"].round(3)
        self.env["kundenbindung.customer.segment"].flush_model(["cluster_id", "company_id", "partner_id"])
        self.env.cr.execute(
            "SELECT partner_id FROM kundenbindung_customer_segment WHERE company_id = %s AND cluster_id IS NOT NULL",
            (company.id,),
        )
        gone = pd.Index([row[0] for row in self.env.cr.fetchall()]).difference(frame.index)
        if len(gone):
            frame = pd.concat(
                [frame, pd.DataFrame({"cluster_id": pd.array([None] * len(gone), dtype="Int64")}, index=gone)]
            )
        frame.index = frame.index.astype("int64")
        return frame[["cluster_id", "affinity"]].sort_index()

    # ------------------------------------------------------------------ write

    @api.model
    def _write_chunk(self, company, chunk, suggestions):
        """Cluster, affinity and next best categories of the chunk's partners:
        one COPY and one upsert into the segment records (unchanged ones not
        rewritten), then the categories' differences. Returns the number of
        segment records written."""
        cr = self.env.cr
        Bulk = self.env["kundenbindung.bulk"]
        Bulk._copy_into(
            "kundenbindung_cluster_chunk",
            chunk.rename_axis("partner_id").reset_index()[["partner_id", "cluster_id", "affinity"]],
            [("partner_id", "int4"), ("cluster_id", "int4"), ("affinity", "float8")],
        )
        Bulk._copy_into(
            "kundenbindung_next_chunk",
            suggestions[["customer", "category"]]
            .astype(np.int64)
            .rename(columns={"customer": "partner_id", "category": "category_id"}),
            [("partner_id", "int4"), ("category_id", "int4")],
        )
        self.env["kundenbindung.customer.segment"].flush_model()
        cr.execute(
            """
            INSERT INTO kundenbindung_customer_segment AS segment
                   (partner_id, company_id, user_id, cluster_id, cluster_affinity)
            SELECT chunk.partner_id, %(company)s, partner.user_id, chunk.cluster_id, chunk.affinity
              FROM kundenbindung_cluster_chunk chunk
              JOIN res_partner partner ON partner.id = chunk.partner_id
            ON CONFLICT (partner_id, company_id) DO UPDATE
               SET cluster_id = EXCLUDED.cluster_id, cluster_affinity = EXCLUDED.cluster_affinity
             WHERE (segment.cluster_id, segment.cluster_affinity)
                   IS DISTINCT FROM (EXCLUDED.cluster_id, EXCLUDED.cluster_affinity)
            """,
            {"company": company.id},
        )
        written = cr.rowcount
        # next best categories: remove what is no longer proposed, add what is new
        cr.execute(
            """
            DELETE FROM kundenbindung_segment_next_category_rel rel
             USING kundenbindung_customer_segment segment, kundenbindung_cluster_chunk chunk
             WHERE rel.segment_id = segment.id
               AND segment.company_id = %(company)s AND segment.partner_id = chunk.partner_id
               AND NOT EXISTS (
                   SELECT 1 FROM kundenbindung_next_chunk next
                    WHERE next.partner_id = chunk.partner_id AND next.category_id = rel.category_id)
            """,
            {"company": company.id},
        )
        cr.execute(
            """
            INSERT INTO kundenbindung_segment_next_category_rel (segment_id, category_id)
            SELECT segment.id, next.category_id
              FROM kundenbindung_next_chunk next
              JOIN kundenbindung_customer_segment segment
                ON segment.partner_id = next.partner_id AND segment.company_id = %(company)s
            ON CONFLICT DO NOTHING
            """,
            {"company": company.id},
        )
        return written
