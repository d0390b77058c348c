# Copyright 2026 kundenbindung_addon authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Contact lists from fairs and events imported without duplicates: every
row matched against the existing partners before anything is written (as
the duplicate search would score the pair), a preview with counts, then new
partners created and existing ones completed, never overwritten without a
choice, in chunks that resume after an interruption."""

import base64
import logging

import pandas as pd

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..engine.contact_import import FIELDS, contacts, decide, map_columns, read_table
from ..engine.contracts import ContractError
from .kundenbindung_duplicate import evidence_summary, evidence_words
from .kundenbindung_duplicate_detection import CHANGE_MARGIN, PARTNER_FIELDS

_logger = logging.getLogger(__name__)

# fields of an import set by the import only
PROTECTED = {"user_id", "company_id", "state"}
# rows imported at once when the user clicks Import; more go to the scheduled action
IMPORT_NOW = 1000
# rows per call of the scheduled action (it is called again while rows remain)
IMPORT_CHUNK = 500
# kinds of column (engine.contact_import.FIELDS) the search reads as they are, named by its roles
# (the partner's field of a role is the search's: PARTNER_FIELDS)
PLAIN_ROLES = ("street", "street2", "postcode", "city", "phone", "mobile", "email", "website", "vat")
# kinds of column the search does not read, written to these partner fields
OTHER_FIELDS = {"function": "function", "comment": "comment"}


class KundenbindungContactImport(models.Model):
    _name = "kundenbindung.contact.import"
    _description = "Contact Import"
    _order = "id desc"

    name = fields.Char(required=True, default=lambda self: self.env._("Contact list"))
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, readonly=True)
    user_id = fields.Many2one("res.users", default=lambda self: self.env.user, readonly=True, string="Imported By")
    file = fields.Binary(attachment=True, help="A CSV (any delimiter) or Excel (.xlsx) file.")
    filename = fields.Char()
    state = fields.Selection(
        [("draft", "Draft"), ("preview", "Preview"), ("running", "Importing"), ("done", "Done")],
        default="draft",
        readonly=True,
    )
    columns_found = fields.Char(readonly=True, help="The columns recognised, and what each holds.")
    columns_ignored = fields.Char(readonly=True, help="Columns not recognised by their header: not imported.")
    line_ids = fields.One2many("kundenbindung.contact.import.line", "import_id", string="Rows")
    row_count = fields.Integer(compute="_compute_counts", string="Number of Rows")
    new_count = fields.Integer(compute="_compute_counts", string="New")
    existing_count = fields.Integer(compute="_compute_counts", string="Existing")
    review_count = fields.Integer(compute="_compute_counts", string="To Review")
    error_count = fields.Integer(compute="_compute_counts", string="Errors")
    done_count = fields.Integer(compute="_compute_counts", string="Imported")

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_protected(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._check_protected(vals)
        return super().write(vals)

    def _check_protected(self, vals):
        """Who imports, for which company and how far: set by the import
        itself (the scheduled action acts as that user), never by hand."""
        if not self.env.su and set(vals) & PROTECTED:
            raise AccessError(self.env._("The user, company and state of a contact import are set by the import."))

    @api.depends("line_ids.decision", "line_ids.state")
    def _compute_counts(self):
        counts = {
            (imp.id, decision, state): count
            for imp, decision, state, count in self.env["kundenbindung.contact.import.line"]._read_group(
                [("import_id", "in", self.ids)], ["import_id", "decision", "state"], ["__count"]
            )
        }
        for record in self:
            mine = {(d, s): n for (i, d, s), n in counts.items() if i == record.id}
            record.row_count = sum(mine.values())
            record.new_count = sum(n for (d, _s), n in mine.items() if d == "new")
            record.existing_count = sum(n for (d, _s), n in mine.items() if d == "existing")
            record.review_count = sum(n for (d, _s), n in mine.items() if d == "review")
            record.error_count = sum(n for (d, _s), n in mine.items() if d == "error")
            record.done_count = sum(n for (_d, s), n in mine.items() if s == "done")

    # ------------------------------------------------------------------ preview

    def _check_rights(self):
        if not self.env.user.has_group("base.group_partner_manager"):
            raise AccessError(self.env._("Importing contacts needs the right to create contacts."))

    def action_preview(self):
        """Read the file, recognise its columns, check every row and match it
        against the existing partners; writes no partner."""
        self.ensure_one()
        self._check_rights()
        if self.state not in ("draft", "preview"):
            raise UserError(self.env._("This list is imported already."))
        if not self.file:
            raise UserError(self.env._("Choose a CSV or Excel file first."))
        try:
            frame = read_table(base64.b64decode(self.file), self.filename)
            mapping, ignored = map_columns(frame.columns)
        except ContractError as error:
            raise UserError(self._contract_message(error)) from error
        rows = contacts(frame, mapping)
        labels = self._kind_labels()
        self.line_ids.unlink()
        self.write(
            {
                "columns_found": ", ".join(f"{column} → {labels[kind]}" for column, kind in mapping.items()),
                "columns_ignored": ", ".join(ignored),
            }
        )
        lines = self._match(rows)
        Line = self.env["kundenbindung.contact.import.line"]
        for start in range(0, len(lines), 5000):
            Line.create(lines[start : start + 5000])
        self.sudo().state = "preview"
        return True

    def _match(self, rows):
        """The line values of ``rows``: matched against the partners of the
        company (and against each other), decided new / existing / review,
        or an error with its reason."""
        Detection = self.env["kundenbindung.duplicate.detection"]
        settings = self.company_id.sudo().kundenbindung_config_id
        countries = self._countries(set(rows["country"]) - {""})
        ok = rows["error"] == ""
        roles = pd.DataFrame(
            {
                "name": rows["person_name"],
                **{role: rows[role] for role in PLAIN_ROLES},
                "birthdate": rows["birthdate"].where(rows["birthdate"] != "", None),
                "is_company": rows["is_company"],
                "parent": "",
                "country": [countries.get(c, (False, ""))[1] for c in rows["country"]],
            }
        )
        valid = roles[ok.to_numpy()]
        positions = valid.index.to_numpy()
        # the keys of partners saved since the last search (another list imported since, say)
        if settings.duplicates_date:
            Detection.sudo()._refresh_keys(self.company_id, settings.duplicates_date - CHANGE_MARGIN)
        records = Detection._prepare_rows(valid, self.company_id)
        found = Detection._probe_many(records, self.company_id)
        best = found.sort_values("score", ascending=False, kind="stable").drop_duplicates("row")
        best = best.assign(row=positions[best["row"].astype(int).to_numpy()]).set_index("row")
        decision = pd.Series("error", index=rows.index, dtype=object)
        decision[ok] = decide(
            best["score"].reindex(positions).to_numpy(), settings.duplicate_review_score, settings.duplicate_auto_score
        )
        # one visitor twice in the list: the later row is reviewed
        same = {}
        for a, b in Detection._probe_within(records, self.company_id):
            same.setdefault(positions[b], positions[a])
        errors = self._error_labels()
        words = evidence_words(self.env)
        lines = []
        for position, row in rows.iterrows():
            match = best.loc[position] if position in best.index else None
            choice = decision[position]
            if position in same and choice == "new":
                choice = "review"
            values = {kind: row[kind] for kind in FIELDS if row[kind]}
            if row["country"]:
                values["country_id"] = countries.get(row["country"], (False, ""))[0]
            values["is_company"] = bool(row["is_company"])
            values["person_name"] = row["person_name"]
            lines.append(
                {
                    "import_id": self.id,
                    "row": int(position),
                    "values": values,
                    "name": row["person_name"] or row["company"],
                    "email": row["email"],
                    "phone": row["phone"] or row["mobile"],
                    "city": row["city"],
                    "decision": choice,
                    "partner_id": int(match["b"]) if match is not None and choice != "new" else False,
                    "score": float(match["score"]) if match is not None else 0.0,
                    "evidence": evidence_summary(self.env, match["evidence"], words=words)
                    if match is not None
                    else False,
                    "same_row": int(same[position]) if position in same else 0,
                    "error": errors.get(row["error"], row["error"]) if row["error"] else False,
                    # a country the list names that is not one of Odoo's: said, the row imported without it
                    "note": self.env._("country not recognised: %(country)s", country=row["country"])
                    if row["country"] and not countries.get(row["country"], (False,))[0]
                    else False,
                }
            )
        return lines

    def _countries(self, written):
        """Country written in the file (a code, or a name in any installed
        language) -> (country id, code)."""
        out = {}
        Country = self.env["res.country"]
        languages = [code for code, _name in self.env["res.lang"].get_installed()]
        for text in written:
            country = Country.search([("code", "=ilike", text)], limit=1) if len(text) == 2 else Country
            for lang in languages:
                country = country or Country.with_context(lang=lang).search([("name", "=ilike", text)], limit=1)
            out[text] = (country.id, country.code or "")
        return out

    def _kind_labels(self):
        return {
            "name": self.env._("Name"),
            "company": self.env._("Company"),
            "given": self.env._("Given name"),
            "family": self.env._("Family name"),
            "street": self.env._("Street"),
            "street2": self.env._("Street 2"),
            "postcode": self.env._("ZIP"),
            "city": self.env._("City"),
            "country": self.env._("Country"),
            "phone": self.env._("Phone"),
            "mobile": self.env._("Mobile"),
            "email": self.env._("Email"),
            "website": self.env._("Website"),
            "vat": self.env._("Tax ID"),
            "birthdate": self.env._("Birth Date"),
            "function": self.env._("Job Position"),
            "comment": self.env._("Notes"),
        }

    def _error_labels(self):
        return {
            "no_name": self.env._("no name"),
            "email": self.env._("not an email address"),
            "birthdate": self.env._("not a date of birth"),
        }

    def _contract_message(self, error):
        params = error.params
        if error.code == "unreadable":
            return self.env._("The file cannot be read: %(error)s", error=params.get("error"))
        if error.code == "unknown_format":
            return self.env._("Only CSV and Excel (.xlsx) files can be imported.")
        if error.code == "too_many_rows":
            return self.env._("At most %(limit)s rows can be imported at once.", limit=params.get("limit"))
        if error.code == "no_name_column":
            return self.env._(
                "No column holds a name (Name, Firma, Nachname...). The columns are: %(columns)s",
                columns=params.get("columns"),
            )
        return str(error)

    # ------------------------------------------------------------------ import

    def action_import(self):
        """Write the rows decided new or existing: at once for a short list,
        else by the scheduled action, a chunk at a time."""
        self.ensure_one()
        self._check_rights()
        if self.state != "preview" and not (self.state == "done" and self._pending()):
            raise UserError(self.env._("Preview the list first."))
        pending = self._pending()
        if len(pending) <= IMPORT_NOW:
            self._import_lines(pending)
            self.sudo().state = "done"
        else:
            self.sudo().state = "running"
            self.env.ref("kundenbindung_addon.ir_cron_kundenbindung_contact_import")._trigger()
        return True

    def _pending_domain(self):
        """The rows of these lists still to write: decided new or existing, not done."""
        return [("import_id", "in", self.ids), ("state", "=", "pending"), ("decision", "in", ("new", "existing"))]

    def _pending(self):
        return self.env["kundenbindung.contact.import.line"].search(self._pending_domain(), order="row")

    @api.model
    def _cron_import(self):
        """Scheduled action: the next chunk of a list being imported, as the
        user who imports it; progress reported, called again while rows
        remain, so that a killed run resumes with the rows not done."""
        running = self.search([("state", "=", "running")], order="id", limit=1)
        if not running:
            self.env["ir.cron"]._notify_progress(done=0, remaining=0)
            return
        Line = self.env["kundenbindung.contact.import.line"]
        pending = running._pending_domain()
        chunk = Line.search(pending, order="row", limit=IMPORT_CHUNK)
        user = running.user_id
        try:
            with self.env.cr.savepoint():
                if not (
                    user.active
                    and user.has_group("base.group_partner_manager")
                    and running.company_id in user.company_ids
                ):
                    raise AccessError(
                        self.env._(
                            "%(user)s may no longer create contacts in %(company)s.",
                            user=user.name,
                            company=running.company_id.name,
                        )
                    )
                running.with_user(user).with_company(running.company_id)._import_lines(chunk.with_user(user))
        except Exception as error:  # noqa: BLE001 - one list must not hold up the others
            _logger.warning("Customer Retention: import of list %s stopped: %s", running.id, error)
            chunk.write({"state": "failed", "note": str(error)[:250]})
            Line.search(pending).write({"state": "failed", "note": str(error)[:250]})
            running.sudo().state = "done"
        if not Line.search_count(pending):
            running.sudo().state = "done"
        remaining = Line.search_count(self.search([("state", "=", "running")])._pending_domain())
        self.env["ir.cron"]._notify_progress(done=len(chunk), remaining=remaining)

    def _import_lines(self, lines):
        """Create the new partners (one create per chunk) and complete the
        existing ones. A chunk that fails is done again row by row, each
        under its own savepoint: a row that fails is marked with the
        reason, the others go on."""
        new = lines.filtered(lambda line: line.decision == "new")
        try:
            with self.env.cr.savepoint():
                self._create_partners(new)
        except Exception as error:  # noqa: BLE001 - found again row by row below
            _logger.info("Customer Retention: import of %s rows at once failed (%s); row by row", len(new), error)
            for line in new:
                self._import_row(line, self._create_partners)
        for line in lines - new:
            self._import_row(line, lambda line: line.write(self._complete(line)))

    def _import_row(self, line, write):
        try:
            with self.env.cr.savepoint():
                write(line)
        except Exception as error:  # noqa: BLE001 - one row must not stop the list
            _logger.info("Customer Retention: import row %s failed: %s", line.row, error)
            line.write({"state": "failed", "note": str(error)[:250]})

    def _create_partners(self, lines):
        partners = self.env["res.partner"].create([self._partner_values(line.values) for line in lines])
        note = self.env._("created")
        for line, partner in zip(lines, partners):
            line.write({"state": "done", "result_partner_id": partner.id, "note": note})

    def _partner_values(self, values):
        fields_of = {role: PARTNER_FIELDS[role] for role in PLAIN_ROLES} | OTHER_FIELDS
        vals = {field: values[kind] for kind, field in fields_of.items() if values.get(kind)}
        vals["name"] = values.get("person_name")
        vals["is_company"] = values.get("is_company", False)
        if values.get("company") and not values.get("is_company"):
            vals["company_name"] = values["company"]
        if values.get("country_id"):
            vals["country_id"] = values["country_id"]
        if values.get("birthdate"):
            vals["kundenbindung_birthdate"] = values["birthdate"]
        return vals

    def _complete(self, line):
        """Fill the existing partner's empty fields from the row; its filled
        ones are kept (and named in the note) unless Overwrite is ticked."""
        partner = line.partner_id
        if not partner:
            raise UserError(self.env._("Choose the existing partner of row %(row)s.", row=line.row))
        vals = self._partner_values(line.values)
        vals.pop("name", None)
        vals.pop("is_company", None)
        write, kept = {}, []
        for field, value in vals.items():
            current = partner[field]
            current = current.id if isinstance(current, models.BaseModel) else current
            current = current.isoformat() if hasattr(current, "isoformat") else current
            if not current or line.overwrite:
                if current != value:
                    write[field] = value
            elif current != value:
                kept.append(partner._fields[field].get_description(self.env)["string"])
        if write:
            partner.write(write)
        labels = [partner._fields[f].get_description(self.env)["string"] for f in write]
        note = self.env._("filled: %(fields)s", fields=", ".join(labels)) if labels else self.env._("nothing to fill")
        if kept:
            note += "; " + self.env._("kept: %(fields)s", fields=", ".join(kept))
        return {"state": "done", "result_partner_id": partner.id, "note": note}
