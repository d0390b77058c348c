# Copyright 2026 kundenbindung_addon authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
import logging

import psycopg2
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.osv import expression
from odoo.tools import SQL, mute_logger, plaintext2html

from .groups import MANAGER
from .res_partner import REFERENCE_KEYS

# plain values a user entered; relations to many records are moved by the merge itself
SNAPSHOT_TYPES = (
    "char",
    "text",
    "html",
    "selection",
    "boolean",
    "integer",
    "float",
    "monetary",
    "date",
    "datetime",
    "many2one",
)
# the fields whose differing values are posted on the survivor
COMPARED_FIELDS = (
    "name",
    "street",
    "street2",
    "zip",
    "city",
    "phone",
    "mobile",
    "email",
    "website",
    "vat",
    "ref",
    "comment",
    "function",
)
# never written back by a restore: the record's identity and what Odoo computes
NOT_RESTORED = ("id", "commercial_partner_id", "message_main_attachment_id")
PURGE_BATCH = 1000
# the snapshot's key for the company-dependent values, by field and company
COMPANY_VALUES = "company_values"
# kept rows that Restore leaves: the merged group's list of partners stays as it was merged
NOT_PUT_BACK = ("kundenbindung_duplicate_group_partner_rel",)

_logger = logging.getLogger(__name__)


class KundenbindungMergeJournal(models.Model):
    """What a merged partner was: the stored values of the source partner,
    its external ids and the records the merge moved to the survivor, kept
    before Odoo's merge deleted it; from here a manager can restore it."""

    _name = "kundenbindung.merge.journal"
    _description = "Merge Journal"
    _order = "id desc"
    _rec_name = "source_name"

    group_id = fields.Many2one("kundenbindung.duplicate.group", ondelete="set null", index=True, readonly=True)
    company_id = fields.Many2one("res.company", readonly=True, index=True)
    survivor_id = fields.Many2one("res.partner", string="Merged Into", ondelete="set null", readonly=True)
    source_id = fields.Integer(string="Merged Partner ID", readonly=True)
    source_name = fields.Char(string="Merged Partner", readonly=True)
    # the whole record, for Restore: read through stored_values, which shows what the reader may see
    snapshot = fields.Json(readonly=True, groups="base.group_system", help="The merged partner's stored values.")
    stored_values = fields.Text(
        string="All Stored Values",
        compute="_compute_stored_values",
        help="The merged partner's values, of the fields you may read on a contact.",
    )
    external_ids = fields.Char(string="External IDs", readonly=True)
    differences = fields.Text(readonly=True, help="Values of the merged partner that differed from the survivor's.")
    moved = fields.Json(string="Moved Records", readonly=True, help="Ids of the records the merge moved, by kind.")
    # rendered in the reader's language from the stored ids
    moved_summary = fields.Char(string="Moved to the Survivor", compute="_compute_moved_summary")
    restored_partner_id = fields.Many2one("res.partner", string="Restored As", readonly=True, ondelete="set null")
    # Odoo's privacy lookup finds a record by a stored email field (and then its name)
    email = fields.Char(string="Email of the Merged Partner", readonly=True, index="trigram")
    dropped = fields.Json(
        string="Kept Row Values",
        readonly=True,
        groups="base.group_system",
        help="Rows of the merged partner that could not move to the survivor because it had the same one "
        "(a follower, a channel membership, a campaign recipient...): their table and values, put back by Restore.",
    )
    dropped_count = fields.Integer(string="Rows Kept", readonly=True)
    dropped_summary = fields.Text(string="Rows Kept Here", compute="_compute_dropped_summary")
    visible_company_ids = fields.Many2many(
        "res.company",
        "kundenbindung_merge_journal_company_rel",
        "journal_id",
        "company_id",
        string="Also Visible To",
        readonly=True,
        help="Companies with documents of a shared merged partner: their managers see this entry too.",
    )
    purged_date = fields.Date(
        string="Personal Data Deleted On",
        readonly=True,
        help="The merged partner's values were deleted after the retention period; it can no longer be restored.",
    )

    def _check_owner(self):
        """Managers of the entry's company restore or delete it; the other
        companies that see an entry of shared partners only read it."""
        if self.env.su:
            return
        if not self.env.user.has_group(MANAGER):
            raise AccessError(self.env._("Only Customer Retention managers can restore merged partners."))
        others = self.company_id - self.env.user.company_ids
        if others:
            raise AccessError(
                self.env._(
                    "Only the managers of %(company)s restore or delete its merge journal.",
                    company=", ".join(others.mapped("name")),
                )
            )

    def unlink(self):
        self._check_owner()
        return super().unlink()

    def _compute_moved_summary(self):
        for journal in self:
            journal.moved_summary = journal._summary(journal.moved or {})

    def _compute_dropped_summary(self):
        """ "2 Followers, 1 Channel Member": the kept rows by the name of
        their model, in the reader's language."""
        labels = {}
        for journal in self:
            counts = {}
            for entry in journal.sudo().dropped or []:
                counts[entry["table"]] = counts.get(entry["table"], 0) + 1
            if counts and not labels:
                labels = self._table_labels()
            journal.dropped_summary = "\n".join(
                f"{count} {labels.get(table, table)}" for table, count in sorted(counts.items())
            )

    def _compute_stored_values(self):
        """ "Label: value" per line, in the reader's language, of the
        snapshot's fields the reader may read on a contact (a field with
        ``groups=`` stays hidden, as on the contact form)."""
        Partner = self.env["res.partner"]
        for journal in self:
            lines = []
            for name, value in (journal.sudo().snapshot or {}).items():
                field = Partner._fields.get(name)
                if not field or not field.is_accessible(self.env):
                    continue
                if field.type == "many2one":
                    record = self.env[field.comodel_name].browse(value).exists()._filtered_access("read")
                    value = record.display_name if record else f"#{value}"
                elif field.type == "selection":
                    value = dict(field._description_selection(self.env)).get(value, value)
                elif field.type == "boolean":
                    value = self.env._("Yes") if value else self.env._("No")
                lines.append((field._description_string(self.env), value))
            journal.stored_values = "\n".join(f"{label}: {value}" for label, value in sorted(lines))

    def _table_labels(self):
        """{table: what a user calls its rows}: a model's name, or for the
        table of a many2many field the field's label with its model's."""
        env = self.env
        labels = {}
        for name, Model in env.registry.items():
            if Model._abstract or not Model._auto:
                continue
            model_label = env["ir.model"]._get(name).name or name
            labels.setdefault(Model._table, model_label)
            for field in Model._fields.values():
                if field.type == "many2many" and field.store and field.relation not in labels:
                    labels[field.relation] = f"{model_label}: {field._description_string(env)}"
        return labels

    def _record(self, group, sources, survivor, references=None):
        """One journal entry per source partner, before it is merged
        (``references``: ``res.partner._kundenbindung_references`` of the
        sources, if read already)."""
        journals = self.browse()
        # the whole record, whatever fields the manager may read
        sources, survivor = sources.sudo(), survivor.sudo()
        fields_ = [
            name
            for name, field in sources._fields.items()
            # what a user can enter: not computed, or computed with a value a user may set (the salesperson)
            if field.store
            and field.type in SNAPSHOT_TYPES
            and (not field.compute or not field.readonly)
            and name not in models.MAGIC_COLUMNS
        ]
        if references is None:
            references = self.env["res.partner"]._kundenbindung_references(sources, group.company_id)
        per_company = self._company_values(sources)
        for source, values in zip(sources, sources.read(fields_)):
            snapshot = {
                name: (value[0] if isinstance(value, tuple) else value)
                for name, value in values.items()
                if value not in (False, None, "")
                and name != "id"
                # company-dependent values are kept for every company below, not for the reader's only
                and not sources._fields[name].company_dependent
            }
            snapshot = {k: (v if isinstance(v, (str, int, float, bool)) else str(v)) for k, v in snapshot.items()}
            if per_company.get(source.id):
                snapshot[COMPANY_VALUES] = per_company[source.id]
            xmlids = self.env["ir.model.data"].search([("model", "=", "res.partner"), ("res_id", "=", source.id)])
            differences = []
            for name in COMPARED_FIELDS:
                if name in source._fields and source[name] and source[name] != survivor[name]:
                    label = source._fields[name]._description_string(self.env)
                    differences.append(f"{label}: {source[name]}")
            moved = {key: ids for key, ids in references[source.id].items() if key in REFERENCE_KEYS and ids}
            journals |= self.create(
                {
                    "group_id": group.id,
                    "company_id": group.company_id.id,
                    "visible_company_ids": [fields.Command.set(group.visible_company_ids.ids)],
                    "email": source.email or False,
                    "survivor_id": survivor.id,
                    "source_id": source.id,
                    "source_name": source.display_name,
                    "snapshot": snapshot,
                    "external_ids": ", ".join(f"{x.module}.{x.name}" for x in xmlids),
                    "differences": "\n".join(differences),
                    "moved": moved,
                }
            )
        return journals

    def _company_values(self, partners):
        """{partner id: {field: {company id: value}}} of the partners'
        company-dependent fields (payment terms, pricelist, accounts...), as
        stored: Odoo's merge keeps the survivor's where both have one."""
        names = [
            name
            for name, field in partners._fields.items()
            if field.company_dependent and field.store and field.type in SNAPSHOT_TYPES
        ]
        if not names or not partners:
            return {}
        partners.flush_recordset(names)
        self.env.cr.execute(
            SQL(
                "SELECT id, %s FROM res_partner WHERE id = ANY(%s)",
                SQL(", ").join(SQL.identifier(name) for name in names),
                partners.ids,
            )
        )
        found = {}
        for partner_id, *values in self.env.cr.fetchall():
            kept = {name: value for name, value in zip(names, values) if value}
            if kept:
                found[partner_id] = kept
        return found

    def _restore_company_values(self, partner, values):
        """Write the kept company-dependent values back, company by company;
        a value whose record is gone is left out."""
        for name, by_company in values.items():
            field = partner._fields.get(name)
            if not field:
                continue
            for company_id, value in by_company.items():
                company = self.env["res.company"].sudo().browse(int(company_id)).exists()
                if not company or (
                    field.type == "many2one" and not self.env[field.comodel_name].sudo().browse(value).exists()
                ):
                    continue
                partner.with_company(company).write({name: value})

    def _add_dropped(self, rows):
        """Keep rows of the merged partner that could not move (see
        ``wizards/base_partner_merge.py``): ``rows`` are dicts with table,
        column, row (its values) and children (rows deleted with it)."""
        self.ensure_one()
        dropped = [*(self.sudo().dropped or []), *rows]
        self.write({"dropped": dropped, "dropped_count": len(dropped)})

    def _restore_dropped(self, partner):
        """Put the kept rows back, naming ``partner`` where they named the
        merged one; a row that no longer fits (its record is gone, or it
        exists again) is skipped. Returns (put back, skipped)."""
        cr = self.env.cr
        self.env.flush_all()
        done = skipped = 0
        for entry in self.dropped or []:
            if entry["table"] in NOT_PUT_BACK:
                continue
            row = dict(entry["row"], **{entry["column"]: partner.id})
            if entry["table"] == "kundenbindung_duplicate_dismissal":
                # a decision names the lower partner id first
                low, high = sorted((row["partner_a_id"], row["partner_b_id"]))
                row.update(partner_a_id=low, partner_b_id=high)
            try:
                with mute_logger("odoo.sql_db"), cr.savepoint():
                    for table, values in [(entry["table"], row)] + [
                        (child["table"], child["row"]) for child in entry.get("children", [])
                    ]:
                        cr.execute(
                            SQL(
                                "INSERT INTO %s SELECT * FROM jsonb_populate_record(NULL::%s, %s)",
                                SQL.identifier(table),
                                SQL.identifier(table),
                                json.dumps(values),
                            )
                        )
                done += 1
            except psycopg2.Error:
                skipped += 1
        self.env.invalidate_all()
        return done, skipped

    def _summary(self, moved):
        labels = {
            "invoices": self.env._("invoices"),
            "orders": self.env._("orders"),
            "cards": self.env._("loyalty cards"),
            "answers": self.env._("NPS answers"),
            "messages": self.env._("messages"),
            "activities": self.env._("activities"),
            "contacts": self.env._("contacts"),
        }
        return ", ".join(f"{len(ids)} {labels[key]}" for key, ids in moved.items()) or self.env._("nothing")

    def _post_merge_note(self, survivor):
        """One note on the survivor's chatter for the partners merged into
        it, with their values that differed, so nothing a user entered is
        lost from sight. It stands in for Odoo's own "merged with" note."""
        lines = []
        for journal in self:
            lines.append(
                self.env._(
                    "Merged %(partner)s (id %(id)s) into this partner.",
                    partner=journal.source_name,
                    id=journal.source_id,
                )
            )
            if journal.differences:
                lines.append(self.env._("Its values that differed:"))
                lines.extend(journal.differences.splitlines())
        # the manager merges without the right to edit partners: posted as them, by the system
        survivor.sudo().message_post(
            body=plaintext2html("\n".join(lines)),
            subtype_xmlid="mail.mt_note",
            author_id=self.env.user.partner_id.id,
        )

    def action_restore(self):
        """Create the merged partner again, as a new partner with its
        snapshot values. The records the merge moved stay with the
        survivor; the journal lists them. The two are not proposed as
        duplicates again."""
        self._check_owner()
        Partner = self.env["res.partner"].sudo()
        restored = Partner.browse()
        for journal in self:
            if journal.purged_date:
                raise UserError(
                    self.env._(
                        "The values of %(partner)s were deleted after the retention period; it cannot be restored.",
                        partner=journal.source_name,
                    )
                )
            if journal.restored_partner_id:
                raise UserError(
                    self.env._(
                        "%(partner)s was restored already, as %(restored)s.",
                        partner=journal.source_name,
                        restored=journal.restored_partner_id.display_name,
                    )
                )
            values = {}
            snapshot = journal.sudo().snapshot or {}
            for name, value in snapshot.items():
                if name == COMPANY_VALUES:
                    continue
                field = Partner._fields.get(name)
                if not field or name in NOT_RESTORED or not field.store or field.readonly:
                    continue
                if field.type == "many2one" and not self.env[field.comodel_name].sudo().browse(value).exists():
                    continue
                values[name] = value
            values["active"] = True
            partner = Partner.create(values)
            journal._restore_company_values(partner, snapshot.get(COMPANY_VALUES, {}))
            put_back, skipped = journal.sudo()._restore_dropped(partner)
            partner.message_post(
                body=self.env._(
                    "Restored from the merge journal: %(partner)s (id %(id)s) had been merged into %(survivor)s. "
                    "Its invoices, orders, cards and messages stay with %(survivor)s. Rows it could not "
                    "hand over: %(put_back)s put back, %(skipped)s no longer fit.",
                    partner=journal.source_name,
                    id=journal.source_id,
                    survivor=journal.survivor_id.display_name or "-",
                    put_back=put_back,
                    skipped=skipped,
                ),
                subtype_xmlid="mail.mt_note",
                author_id=self.env.user.partner_id.id,
            )
            journal.sudo().restored_partner_id = partner
            # the survivor says so too: whoever opens it sees why a partner of that name is back
            if journal.survivor_id:
                journal.survivor_id.sudo().message_post(
                    body=self.env._(
                        "%(partner)s, merged into this partner, was restored from the merge journal as a partner of "
                        "its own (%(restored)s). Its invoices, orders, cards and messages stay here.",
                        partner=journal.source_name,
                        restored=partner.display_name,
                    ),
                    subtype_xmlid="mail.mt_note",
                    author_id=self.env.user.partner_id.id,
                )
            # restored means "not the same customer": never proposed, nor merged, with its survivor again
            if journal.survivor_id:
                low, high = sorted((journal.survivor_id.id, partner.id))
                Dismissal = self.env["kundenbindung.duplicate.dismissal"].sudo()
                if not Dismissal.search_count([("partner_a_id", "=", low), ("partner_b_id", "=", high)]):
                    Dismissal.create({"partner_a_id": low, "partner_b_id": high})
            restored |= partner
        return {
            "type": "ir.actions.act_window",
            "name": restored[:1].display_name,
            "res_model": "res.partner",
            "view_mode": "form",
            "res_id": restored[:1].id,
        }

    @api.model
    def _cron_purge(self):
        """Scheduled action: delete the personal data of entries older than
        their company's retention period (name, email, values, kept rows),
        in batches; what was merged into what, and when, stays."""
        today = fields.Date.context_today(self)
        # entries of a company by its period; shared ones (no company) by the default
        domain = expression.OR(
            [
                [
                    ("company_id", "=", company_id),
                    ("create_date", "<", fields.Datetime.to_datetime(today - relativedelta(months=months))),
                ]
                for company_id, months in [
                    (company.id, company.sudo().kundenbindung_config_id.merge_journal_months or 12)
                    for company in self.env["res.company"].sudo().search([])
                ]
                + [(False, 12)]
            ]
        )
        domain = expression.AND([[("purged_date", "=", False)], domain])
        Journal = self.sudo()
        batch = Journal.search(domain, limit=PURGE_BATCH, order="id")
        batch.write(
            {
                "email": False,
                "snapshot": False,
                "differences": False,
                "external_ids": False,
                "dropped": False,
                "purged_date": today,
            }
        )
        # the name becomes the merged partner's id, language-neutral, in one statement
        self.env.cr.execute(
            "UPDATE kundenbindung_merge_journal SET source_name = '#' || source_id WHERE id = ANY(%s)", [batch.ids]
        )
        batch.invalidate_recordset(["source_name"])
        remaining = Journal.search_count(domain)
        _logger.info("Customer Retention: personal data of %s merge journal entries deleted", len(batch))
        self.env["ir.cron"]._notify_progress(done=len(batch), remaining=remaining)
