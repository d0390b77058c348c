# Copyright 2026 kundenbindung_addon authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
from unittest.mock import patch

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

from ..models import kundenbindung_contact_import as contact_import
from .common import make_user

# a trade fair's list, as people bring them: German headers, semicolons, Windows encoding
FAIR_LIST = """Firma;Vorname;Nachname;Straße;PLZ;Ort;Telefon;E-Mail;Geburtsdatum;Messe-Notiz
;Hans;Oberdorfer;Lindenweg 5;79098;Freiburg im Breisgau;0761 123456;hans@oberdorfer.de;;Stand 4
Müller Maschinenbau GmbH;;;Industriestr. 7;70565;Stuttgart;0711 987654;info@mueller-mb.de;;
;Walter;Kessler;Am Markt 2;79098;Freiburg;0761 555000;;12.07.1980;der Sohn
;Petra;Lange;Hauptstr. 9;01067;Dresden;;petra.lange@example.de;;umgezogen
;Jana;Wolff;Bahnhofstr. 1;10115;Berlin;030 111222;jana@wolff.de;;
;Jana;Wolff;Bahnhofstraße 1;10115;Berlin;030 111222;jana@wolff.de;;zweimal erfasst
;Tobias;Brandt;Seeweg 3;20095;Hamburg;040 333444;tobias@brandt.de;;
;;;;;Köln;0221 1;;;nur ein Ort
;Eva;Sommer;;;Dresden;;eva(at)sommer.de;;
"""


@tagged("post_install", "-at_install")
class TestContactImport(AccountTestInvoicingCommon):
    """A contact list from a fair is matched against the existing partners
    before anything is written; new rows are created, existing partners
    completed, never overwritten without a choice."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.company_data["company"]
        cls.company.country_id = cls.env.ref("base.de")
        Partner = cls.env["res.partner"]
        cls.hans = Partner.create(
            {
                "name": "Hans Oberdorfer",
                "street": "Lindenweg 5",
                "zip": "79098",
                "city": "Freiburg",
                "phone": "0761 123456",
                "company_id": False,
            }
        )
        cls.mueller = Partner.create(
            {
                "name": "Müller Maschinenbau GmbH",
                "is_company": True,
                "street": "Industriestraße 7",
                "zip": "70565",
                "city": "Stuttgart",
                "phone": "0711 987654",
                "email": "vertrieb@mueller-mb.de",
            }
        )
        cls.father = Partner.create(
            {
                "name": "Walter Kessler",
                "kundenbindung_birthdate": "1950-03-01",
                "street": "Am Markt 2",
                "zip": "79098",
                "city": "Freiburg",
                "phone": "0761 555000",
            }
        )
        cls.petra = Partner.create(
            {
                "name": "Petra Lange",
                "street": "Am Bach 1",
                "zip": "79098",
                "city": "Freiburg",
                "email": "petra.lange@example.de",
            }
        )
        cls.env["kundenbindung.duplicate.detection"]._detect_company(cls.company)
        cls.clerk = make_user(cls.env, "kb_import_clerk", "base.group_user,base.group_partner_manager", cls.company)
        cls.other_clerk = make_user(
            cls.env, "kb_import_clerk_2", "base.group_user,base.group_partner_manager", cls.company
        )
        cls.reader = make_user(cls.env, "kb_import_reader", "base.group_user", cls.company)

    def new_import(self, user=None, text=FAIR_LIST, filename="messe.csv"):
        return (
            self.env["kundenbindung.contact.import"]
            .with_user(user or self.clerk)
            .create({"name": "Messe", "file": base64.b64encode(text.encode("cp1252")), "filename": filename})
        )

    def lines(self, imp, **where):
        return imp.line_ids.filtered(lambda line: all(line[k] == v for k, v in where.items()))

    def snapshot(self):
        fields = ["name", "street", "zip", "city", "phone", "email", "kundenbindung_birthdate", "is_company"]
        return {p.id: p.read(fields)[0] for p in self.hans | self.mueller | self.father | self.petra}

    def test_the_preview_tells_new_existing_review_and_errors_apart_and_writes_no_partner(self):
        partners = self.env["res.partner"].search_count([])
        before = self.snapshot()
        imp = self.new_import()
        imp.action_preview()
        self.assertEqual(
            (imp.row_count, imp.new_count, imp.existing_count, imp.review_count, imp.error_count), (9, 3, 2, 2, 2)
        )
        self.assertEqual(self.lines(imp, row=2).partner_id, self.hans)
        self.assertEqual(self.lines(imp, row=3).partner_id, self.mueller)
        # the son at his father's address is a new customer
        self.assertEqual(self.lines(imp, row=4).decision, "new")
        # the same name and email at another address: moved, or another Petra Lange; a person decides
        self.assertEqual(self.lines(imp, row=5).decision, "review")
        self.assertEqual(self.lines(imp, row=5).partner_id, self.petra)
        # one visitor written twice: the second is reviewed
        self.assertEqual(self.lines(imp, row=7).decision, "review")
        self.assertEqual(self.lines(imp, row=7).same_row, 6)
        self.assertEqual(self.lines(imp, row=9).error, "no name")
        self.assertEqual(self.lines(imp, row=10).error, "not an email address")
        self.assertIn("Telefon", imp.columns_found)
        self.assertEqual(imp.columns_ignored, "Messe-Notiz")
        self.assertEqual(self.env["res.partner"].search_count([]), partners)
        self.assertEqual(self.snapshot(), before)

    def test_the_import_creates_the_new_fills_empty_fields_and_never_overwrites_filled_ones(self):
        partners = self.env["res.partner"].search_count([])
        imp = self.new_import()
        imp.action_preview()
        imp.action_import()
        self.assertEqual(imp.state, "done")
        # three new partners (the son, Jana Wolff once, Tobias Brandt): no row is lost or doubled
        self.assertEqual(self.env["res.partner"].search_count([]), partners + 3)
        son = self.lines(imp, row=4).result_partner_id
        self.assertEqual((son.name, son.kundenbindung_birthdate.isoformat()), ("Walter Kessler", "1980-07-12"))
        self.assertEqual(self.father.kundenbindung_birthdate.isoformat(), "1950-03-01")
        # Hans: his empty email filled, his city kept
        self.assertEqual(self.hans.email, "hans@oberdorfer.de")
        self.assertEqual(self.hans.city, "Freiburg")
        self.assertIn("kept", self.lines(imp, row=2).note)
        # the firm: its own email kept, nothing overwritten
        self.assertEqual(self.mueller.email, "vertrieb@mueller-mb.de")
        self.assertEqual(self.mueller.street, "Industriestraße 7")
        # rows to review and errors wait; every row is still there
        self.assertEqual(len(imp.line_ids), 9)
        self.assertEqual(set(self.lines(imp, state="pending").mapped("row")), {5, 7, 9, 10})
        # a reviewed row: she moved; the existing partner, her address overwritten by choice
        row = self.lines(imp, row=5)
        row.write({"decision": "existing", "overwrite": True})
        imp.action_import()
        self.assertEqual((self.petra.street, self.petra.city), ("Hauptstr. 9", "Dresden"))
        self.assertEqual(row.state, "done")
        self.assertEqual(self.env["res.partner"].search_count([]), partners + 3)

    def test_a_long_list_is_imported_in_chunks_that_resume(self):
        partners = self.env["res.partner"].search_count([])
        imp = self.new_import()
        imp.action_preview()
        with patch.object(contact_import, "IMPORT_NOW", 1), patch.object(contact_import, "IMPORT_CHUNK", 2):
            imp.action_import()
            self.assertEqual(imp.state, "running")
            Import = self.env["kundenbindung.contact.import"]
            Import._cron_import()
            self.assertEqual(imp.done_count, 2)
            # a kill here loses nothing: the next call goes on with the rows not done
            Import._cron_import()
            Import._cron_import()
        self.assertEqual(imp.state, "done")
        self.assertEqual(imp.done_count, 5)
        self.assertEqual(self.env["res.partner"].search_count([]), partners + 3)
        self.assertEqual(self.lines(imp, row=4).result_partner_id.create_uid, self.clerk)

    def test_a_killed_chunk_is_done_again_by_the_next_call_without_doubles(self):
        partners = self.env["res.partner"].search_count([])
        imp = self.new_import()
        imp.action_preview()
        Import = self.env["kundenbindung.contact.import"]
        with patch.object(contact_import, "IMPORT_NOW", 1), patch.object(contact_import, "IMPORT_CHUNK", 3):
            imp.action_import()
            # the first call is killed before it commits: everything it did is rolled back
            with self.assertRaises(KeyboardInterrupt), self.env.cr.savepoint():
                Import._cron_import()
                raise KeyboardInterrupt
            self.env.invalidate_all()
            self.assertEqual(imp.done_count, 0)
            Import._cron_import()
            Import._cron_import()
        self.assertEqual((imp.state, imp.done_count), ("done", 5))
        self.assertEqual(self.env["res.partner"].search_count([]), partners + 3)

    def test_the_scheduled_import_acts_only_as_a_user_who_may_still_create_contacts(self):
        imp = self.new_import()
        imp.action_preview()
        # who imports and how far is set by the import, not by hand
        for vals in ({"user_id": self.env.user.id}, {"state": "running"}, {"company_id": self.company.id}):
            with self.assertRaises(AccessError):
                imp.write(vals)
        with patch.object(contact_import, "IMPORT_NOW", 1):
            imp.action_import()
        self.clerk.groups_id = [(3, self.env.ref("base.group_partner_manager").id)]
        partners = self.env["res.partner"].search_count([])
        with self.assertLogs(contact_import.__name__, level="WARNING") as logged:
            self.env["kundenbindung.contact.import"]._cron_import()
        self.assertIn("may no longer create contacts", logged.output[0])
        imp = imp.sudo()
        self.assertEqual(imp.state, "done")
        self.assertEqual(imp.done_count, 0)
        self.assertEqual(
            set(imp.line_ids.filtered(lambda line: line.decision in ("new", "existing")).mapped("state")), {"failed"}
        )
        self.assertEqual(self.env["res.partner"].search_count([]), partners)

    def test_a_country_is_read_by_code_or_name_and_an_unknown_one_is_said(self):
        text = "Name;Land\nAnna Beck;Germany\nTom Kurz;AT\nEva Lang;Atlantis\n"
        imp = self.new_import(text=text)
        imp.action_preview()
        lines = imp.line_ids.sorted("row")
        self.assertEqual(
            [line.values.get("country_id") for line in lines],
            [self.env.ref("base.de").id, self.env.ref("base.at").id, False],
        )
        self.assertEqual(lines[2].note, "country not recognised: Atlantis")
        self.assertEqual(set(lines.mapped("decision")), {"new"})

    def test_bad_files_are_refused_with_a_clear_error_and_change_nothing(self):
        for text, filename, message in (
            ("Stadt;Land\nKöln;DE\n", "liste.csv", "No column holds a name"),
            ("a", "liste.pdf", "Only CSV and Excel"),
        ):
            imp = self.new_import(text=text, filename=filename)
            with self.assertRaisesRegex(UserError, message):
                imp.action_preview()
            self.assertFalse(imp.line_ids)

    def test_only_users_who_may_create_contacts_import_and_each_sees_their_own_lists(self):
        with self.assertRaises(AccessError):
            self.new_import(user=self.reader)
        imp = self.new_import()
        imp.action_preview()
        with self.assertRaises(AccessError):
            imp.with_user(self.other_clerk).read(["name"])
        with self.assertRaises(AccessError):
            imp.line_ids.with_user(self.other_clerk).read(["name"])
