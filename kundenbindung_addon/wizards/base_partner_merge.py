# Copyright 2026 kundenbindung_addon authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Odoo's partner merge, made to lose nothing when the addon merges.

Odoo's ``_update_foreign_keys_generic`` moves every row that references a
source partner with one UPDATE per column; when that UPDATE hits a unique or
check constraint it deletes *all* the source's rows of that table. And
``_update_reference_fields_generic`` unlinks every follower of a source
whose move collides with one of the survivor's. For a merge of the addon
(the context names its journal entries) each row is accounted for first:

- followers of the same record are united on the survivor's follower (their
  subtypes added), campaign recipients keep "reached" over "control",
  "not a duplicate" decisions are re-keyed in order;
- every other row is moved in one UPDATE per column, and only when that
  fails row by row: a row that truly cannot move (the survivor has the
  same one) is written to the journal with its table, its values and the
  rows that depend on it, then deleted. ``Restore`` puts them back.

Odoo's generic foreign-key step is then left out (it would find nothing to
move, after one slow catalogue query per table); its reference step runs."""

import logging

import psycopg2
import psycopg2.errors

from odoo import models
from odoo.tools import SQL, mute_logger

_logger = logging.getLogger(__name__)


class BasePartnerMergeAutomaticWizard(models.TransientModel):
    _inherit = "base.partner.merge.automatic.wizard"

    # ------------------------------------------------------------------ Odoo's steps

    def _merge_bank_accounts(self, src_partners, dst_partner):
        """Odoo deletes a source's bank account when the survivor has the
        same number: journaled first."""
        if self._kundenbindung_journals():
            cr = self.env.cr
            self.env.flush_all()
            # the accounts Odoo's step compares: the active ones
            cr.execute(
                """SELECT s.id FROM res_partner_bank s
                     JOIN res_partner_bank d ON d.partner_id = %s AND d.sanitized_acc_number = s.sanitized_acc_number
                      AND d.active
                    WHERE s.partner_id = ANY(%s) AND s.active""",
                [dst_partner.id, src_partners.ids],
            )
            ids = [row[0] for row in cr.fetchall()]
            if ids:
                self._kundenbindung_journal_rows(
                    "res_partner_bank", "partner_id", SQL("id = ANY(%s)", ids), delete=False
                )
        return super()._merge_bank_accounts(src_partners, dst_partner)

    def _update_foreign_keys_generic(self, model, src_records, dst_record):
        if model == "res.partner" and self._kundenbindung_journals():
            # the same tables and columns as Odoo's step (``_get_fk_on``): nothing is left for it to move
            return self._kundenbindung_move_rows(src_records, dst_record)
        if model == "res.partner":
            # any other merge (Contacts > Merge): the addon's own rows by their rules, the rest as Odoo does
            self.env.flush_all()
            self._kundenbindung_own_rules(src_records.ids, dst_record.id)
        return super()._update_foreign_keys_generic(model, src_records, dst_record)

    def _update_reference_fields(self, src_partners, dst_partner):
        if self._kundenbindung_journals():
            self._kundenbindung_unite_followers(
                SQL("s.res_model = 'res.partner' AND s.res_id = ANY(%s)", src_partners.ids),
                SQL("d.res_model = s.res_model AND d.res_id = %s AND d.partner_id = s.partner_id", dst_partner.id),
                "res_id",
            )
        return super()._update_reference_fields(src_partners, dst_partner)

    def _log_merge_operation(self, src_partners, dst_partner):
        """A merge of duplicate candidates posts one note on the survivor:
        which partners were merged into it (what Odoo's own note says) and
        the values of theirs that differed, from the merge journal."""
        journals = self._kundenbindung_journals()
        if not journals:
            return super()._log_merge_operation(src_partners, dst_partner)
        _logger.info("(uid = %s) merged the partners %r with %s", self.env.uid, src_partners.ids, dst_partner.id)
        journals._post_merge_note(dst_partner)

    # ------------------------------------------------------------------ the addon's rules

    def _kundenbindung_journals(self):
        ids = self.env.context.get("kundenbindung_merge_journal_ids")
        return self.env["kundenbindung.merge.journal"].sudo().browse(ids or [])

    def _kundenbindung_move_rows(self, src_partners, dst_partner):
        """Move every row that references a source partner to the survivor,
        by its own rule where it has one, and journal what cannot move."""
        cr = self.env.cr
        self.env.flush_all()
        sources, dst = src_partners.ids, dst_partner.id
        # followers of one record: the survivor's follower gets the source's subtypes
        self._kundenbindung_unite_followers(
            SQL("s.partner_id = ANY(%s)", sources),
            SQL("d.partner_id = %s AND d.res_model = s.res_model AND d.res_id = s.res_id", dst),
            "partner_id",
        )
        self._kundenbindung_own_rules(sources, dst)
        # defaults naming a merged partner (Odoo's merge moves only the company-dependent ones)
        cr.execute(
            """UPDATE ir_default d SET json_value = %s FROM ir_model_fields f
                WHERE f.id = d.field_id AND f.relation = 'res.partner' AND f.ttype = 'many2one'
                  AND d.json_value = ANY(%s)""",
            [str(dst), [str(source) for source in sources]],
        )
        for table, column in self._get_fk_on("res_partner"):
            if "base_partner_merge_" in table:
                continue
            try:
                with mute_logger("odoo.sql_db"), cr.savepoint():
                    cr.execute(
                        SQL(
                            "UPDATE %s SET %s = %s WHERE %s = ANY(%s)",
                            SQL.identifier(table),
                            SQL.identifier(column),
                            dst,
                            SQL.identifier(column),
                            sources,
                        )
                    )
            except psycopg2.Error:
                self._kundenbindung_move_one_by_one(table, column, sources, dst)
        self.env.invalidate_all()

    def _kundenbindung_own_rules(self, sources, dst):
        """The addon's rows whose duplicates mean something: a customer
        reached by a campaign stays reached when its duplicate was in the
        control group; "not a duplicate" decisions keep their order; a
        campaign recipient or an occasion served that the survivor has
        already is one (journaled when the merge has a journal)."""
        cr = self.env.cr
        cr.execute(
            """UPDATE kundenbindung_campaign_recipient d SET control = FALSE
                 FROM kundenbindung_campaign_recipient s
                WHERE d.partner_id = %s AND s.partner_id = ANY(%s) AND s.campaign_id = d.campaign_id
                  AND d.control AND NOT s.control""",
            [dst, sources],
        )
        self._kundenbindung_rekey_dismissals(sources, dst)
        for table, key in (("kundenbindung_campaign_recipient", "campaign_id"), ("kundenbindung_occasion_log", None)):
            same = (
                SQL("d.campaign_id = s.campaign_id")
                if key
                else SQL("d.occasion_id = s.occasion_id AND d.year = s.year")
            )
            self._kundenbindung_journal_rows(
                table,
                "partner_id",
                SQL(
                    "partner_id = ANY(%s) AND EXISTS (SELECT 1 FROM %s d, %s s WHERE s.id = t.id AND d.partner_id = %s AND %s)",
                    sources,
                    SQL.identifier(table),
                    SQL.identifier(table),
                    dst,
                    same,
                ),
            )

    def _kundenbindung_move_one_by_one(self, table, column, sources, dst):
        """The rows of ``table`` that the bulk move could not take, one by
        one: a row that collides with one the survivor has is journaled and
        deleted, the others move."""
        cr = self.env.cr
        cr.execute(
            SQL(
                "SELECT ctid FROM %s WHERE %s = ANY(%s)",
                SQL.identifier(table),
                SQL.identifier(column),
                sources,
            )
        )
        for (ctid,) in cr.fetchall():
            try:
                with mute_logger("odoo.sql_db"), cr.savepoint():
                    cr.execute(
                        SQL(
                            "UPDATE %s SET %s = %s WHERE ctid = %s",
                            SQL.identifier(table),
                            SQL.identifier(column),
                            dst,
                            ctid,
                        )
                    )
            except psycopg2.errors.UniqueViolation:
                # the survivor has the same row; any other error stops the merge
                self._kundenbindung_journal_rows(table, column, SQL("ctid = %s", ctid))

    def _kundenbindung_unite_followers(self, sources, duplicate_of, column):
        """Followers of a source that duplicate one of the survivor's
        (``duplicate_of`` joins ``s`` to the survivor's ``d``): the survivor's
        follower takes their subtypes, then they are journaled and go."""
        cr = self.env.cr
        cr.execute(
            SQL(
                "SELECT s.id, d.id FROM mail_followers s JOIN mail_followers d ON %s WHERE %s",
                duplicate_of,
                sources,
            )
        )
        pairs = cr.fetchall()
        if not pairs:
            return
        cr.execute(
            """INSERT INTO mail_followers_mail_message_subtype_rel (mail_followers_id, mail_message_subtype_id)
               SELECT pair.d, rel.mail_message_subtype_id
                 FROM unnest(%s::int[], %s::int[]) AS pair(s, d)
                 JOIN mail_followers_mail_message_subtype_rel rel ON rel.mail_followers_id = pair.s
               ON CONFLICT DO NOTHING""",
            [[s for s, _d in pairs], [d for _s, d in pairs]],
        )
        self._kundenbindung_journal_rows("mail_followers", column, SQL("id = ANY(%s)", [s for s, _d in pairs]))

    def _kundenbindung_rekey_dismissals(self, sources, dst):
        """ "Not a duplicate" names the lower partner id first: a decision
        about a source becomes one about the survivor, in order. One that
        the survivor has already, or one between a source and the survivor,
        is journaled."""
        cr = self.env.cr
        cr.execute(
            """SELECT id, partner_a_id, partner_b_id FROM kundenbindung_duplicate_dismissal
                WHERE partner_a_id = ANY(%s) OR partner_b_id = ANY(%s) ORDER BY id""",
            [sources, sources],
        )
        rows = cr.fetchall()
        cr.execute(
            "SELECT partner_a_id, partner_b_id FROM kundenbindung_duplicate_dismissal WHERE %s IN (partner_a_id, partner_b_id)",
            [dst],
        )
        known = set(cr.fetchall())
        dropped = []
        for dismissal_id, a, b in rows:
            low, high = sorted(dst if p in sources else p for p in (a, b))
            if low == high or (low, high) in known:
                dropped.append(dismissal_id)
                continue
            known.add((low, high))
            cr.execute(
                "UPDATE kundenbindung_duplicate_dismissal SET partner_a_id = %s, partner_b_id = %s WHERE id = %s",
                [low, high, dismissal_id],
            )
        if dropped:
            # journaled under the source the row names, the first column first
            self._kundenbindung_journal_rows(
                "kundenbindung_duplicate_dismissal",
                "partner_a_id",
                SQL("id = ANY(%s) AND partner_a_id = ANY(%s)", dropped, sources),
            )
            self._kundenbindung_journal_rows(
                "kundenbindung_duplicate_dismissal", "partner_b_id", SQL("id = ANY(%s)", dropped)
            )

    def _kundenbindung_journal_rows(self, table, column, where, delete=True):
        """Write the rows of ``table`` matching ``where`` to the journal
        entry of the source partner they name in ``column``, with the rows
        that would go with them (ON DELETE CASCADE), then delete them."""
        cr = self.env.cr
        cr.execute(
            SQL(
                "SELECT %s, row_to_json(t)::jsonb FROM %s t WHERE %s",
                SQL.identifier(column),
                SQL.identifier(table),
                where,
            )
        )
        rows = cr.fetchall()
        if not rows:
            return
        journals = {journal.source_id: journal for journal in self._kundenbindung_journals()}
        if not journals:
            # a merge without the addon's journal (Odoo's own wizard): only the addon's true duplicates come here
            _logger.info("Customer Retention: %s duplicate row(s) of %s dropped by a merge", len(rows), table)
            if delete:
                cr.execute(SQL("DELETE FROM %s t WHERE %s", SQL.identifier(table), where))
            return
        dependants = self._kundenbindung_cascades(table)
        entries = {}
        for partner_id, values in rows:
            children = []
            if "id" in values:
                for child_table, child_column in dependants:
                    cr.execute(
                        SQL(
                            "SELECT row_to_json(c)::jsonb FROM %s c WHERE %s = %s",
                            SQL.identifier(child_table),
                            SQL.identifier(child_column),
                            values["id"],
                        )
                    )
                    children += [{"table": child_table, "row": row} for (row,) in cr.fetchall()]
            entries.setdefault(partner_id, []).append(
                {"table": table, "column": column, "row": values, "children": children}
            )
        for partner_id, rows_of in entries.items():
            journal = journals.get(partner_id)
            if journal:
                journal._add_dropped(rows_of)
            else:
                _logger.warning("Customer Retention: no merge journal for partner %s (%s rows)", partner_id, table)
        if delete:
            cr.execute(SQL("DELETE FROM %s t WHERE %s", SQL.identifier(table), where))
        _logger.info(
            "Customer Retention: %s row(s) of %s could not move to the survivor; kept in the merge journal",
            len(rows),
            table,
        )

    def _kundenbindung_cascades(self, table):
        """Tables and columns whose rows are deleted with a row of ``table``."""
        self.env.cr.execute(
            """SELECT child.relname, att.attname
                 FROM pg_constraint con
                 JOIN pg_class child ON child.oid = con.conrelid
                 JOIN pg_class parent ON parent.oid = con.confrelid
                 JOIN pg_attribute att ON att.attrelid = con.conrelid AND att.attnum = con.conkey[1]
                WHERE con.contype = 'f' AND con.confdeltype = 'c' AND parent.relname = %s
                  AND array_length(con.conkey, 1) = 1""",
            [table],
        )
        return self.env.cr.fetchall()
