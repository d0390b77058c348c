# Copyright 2026 kundenbindung_addon authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Duplicate scores as match probabilities: what the search reads of a
partner, the model kept between searches, explanations in the reader's
language, the score settings and the migration to 18.0.1.8.0."""

import datetime
import json
from unittest.mock import patch

from odoo import Command, fields
from odoo.exceptions import ValidationError
from odoo.modules.migration import load_script
from odoo.tests import TransactionCase, tagged
from odoo.tools.sql import column_exists

from ..engine.duplicates import (
    AUTO_MERGE_THRESHOLD,
    LEVELS,
    PREPARED_COLUMNS,
    REVIEW_ONLY_CAP,
    REVIEW_THRESHOLD,
    Model,
    match,
)
from ..models import kundenbindung_duplicate_detection as detection_module
from ..models.kundenbindung_config import MIN_AUTO_SCORE, MIN_REVIEW_SCORE
from ..models.kundenbindung_duplicate import evidence_words

D = datetime.date

GIVEN = (
    "Anna Bernd Clara Dieter Eva Frank Gisela Heinz Ingrid Jürgen Karin Lutz Monika Norbert Olga Peter Renate "
    "Stefan Tanja Uwe Vera Werner Yvonne Zoe Albert Bettina Carsten Doris Emil Friederike Gerd Helga Ivo Jutta "
    "Klaus Lena Martin Nina Otto Paula"
).split()
FAMILY = (
    "Becker Schulz Wagner Hoffmann Koch Richter Klein Wolf Neumann Schwarz Zimmermann Braun Krüger Hofmann "
    "Hartmann Lange Schmitt Werner Krause Meier Lehmann Köhler Herrmann Walter König Mayer Huber Kaiser Fuchs "
    "Peters Lang Scholz Möller Weiß Jung Hahn Vogel Friedrich Keller Günther"
).split()
STREETS = (
    "Ahornweg Birkenstraße Eichenallee Gartenstraße Kirchplatz Lindenstraße Mühlenweg Parkstraße Rosenweg "
    "Schulstraße Talstraße Waldweg Bergstraße Wiesenweg Feldstraße Brunnenstraße Mozartstraße Goethestraße "
    "Schillerstraße Uferweg"
).split()
TOWNS = (
    ("10115", "Berlin", "030"),
    ("20095", "Hamburg", "040"),
    ("50667", "Köln", "0221"),
    ("60311", "Frankfurt am Main", "069"),
    ("80331", "München", "089"),
    ("01067", "Dresden", "0351"),
    ("04109", "Leipzig", "0341"),
    ("30159", "Hannover", "0511"),
    ("90402", "Nürnberg", "0911"),
    ("28195", "Bremen", "0421"),
)


def population(company, size=40):
    """``size`` different customers of ``company``: each with its own name,
    address, phone, email and birth date, so that the model learns from
    records that are not duplicates."""
    values = []
    for i in range(size):
        zip_code, city, area = TOWNS[i % len(TOWNS)]
        given, family = GIVEN[i], FAMILY[(i * 7) % len(FAMILY)]
        values.append(
            {
                "name": f"{given} {family}",
                "street": f"{STREETS[i % len(STREETS)]} {i + 1}",
                "zip": zip_code,
                "city": city,
                "phone": f"{area} {4000 + i * 13}",
                "email": f"{given.lower()}.{family.lower()}@example.de",
                "kundenbindung_birthdate": D(1940 + i, 1 + i % 12, 1 + (i * 3) % 28),
                "company_id": company.id,
            }
        )
    return values


@tagged("post_install", "-at_install")
class TestDuplicateScores(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env["res.company"].create(
            {"name": "KB Dublettenmodell GmbH", "country_id": cls.env.ref("base.de").id}
        )
        Partner = cls.env["res.partner"]
        cls.others = Partner.create(population(cls.company))
        home = {
            "street": "Eschenweg 7",
            "zip": "70173",
            "city": "Stuttgart",
            "phone": "0711 998877",
            "company_id": cls.company.id,
        }
        cls.father, cls.son = Partner.create(
            [
                dict(home, name="Hans Müller", kundenbindung_birthdate=D(1950, 3, 1)),
                dict(home, name="Hans Müller", kundenbindung_birthdate=D(1980, 7, 12)),
            ]
        )
        # one person entered twice: a typo in the street, no email on the second
        greta = {
            "name": "Greta Oberdorfer",
            "zip": "79098",
            "city": "Freiburg",
            "phone": "0761 123450",
            "kundenbindung_birthdate": D(1972, 5, 9),
            "company_id": cls.company.id,
        }
        cls.greta, cls.greta_again = Partner.create(
            [
                dict(greta, street="Lerchenstraße 14", email="greta.oberdorfer@example.de"),
                dict(greta, street="Lerchenstrase 14"),
            ]
        )

    def detect(self, **kwargs):
        return self.env["kundenbindung.duplicate.detection"]._detect_company(self.company, **kwargs)

    def group_of(self, partner):
        return self.env["kundenbindung.duplicate.group"].search(
            [
                ("company_id", "=", self.company.id),
                ("partner_ids", "in", partner.ids),
                ("state", "in", ("new", "review")),
            ]
        )

    def pair_of(self, a, b):
        low, high = sorted((a.id, b.id))
        return self.env["kundenbindung.duplicate.pair"].search(
            [("partner_a_id", "=", low), ("partner_b_id", "=", high)]
        )

    def edited_since_last_search(self, partners, values):
        """``values`` written on ``partners`` after the last search, every
        other partner saved long before it (one transaction gives all one
        date)."""
        self.company.kundenbindung_config_id.duplicates_date = fields.Datetime.now() - datetime.timedelta(hours=1)
        partners.write(values)
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE res_partner SET write_date = now() - interval '2 hours' WHERE id != ALL(%s)", [partners.ids]
        )
        self.env.invalidate_all()

    # ------------------------------------------------------------------ production reads everything

    def test_key_table_has_every_prepared_column(self):
        Key = self.env["kundenbindung.duplicate.key"]
        self.assertFalse(set(PREPARED_COLUMNS) - set(Key._fields))
        self.assertEqual(Key._fields["is_company"].type, "boolean")

    def test_birth_date_mobile_address_line_and_company_are_read(self):
        firm = self.env["res.partner"].create(
            {"name": "Lerchen Apotheke OHG", "is_company": True, "company_id": self.company.id}
        )
        contact = self.env["res.partner"].create(
            {
                "name": "Ida Lerch",
                "parent_id": firm.id,
                "mobile": "0170 5556667",
                "street2": "Hinterhaus",
                "kundenbindung_birthdate": D(1990, 2, 3),
                "company_id": self.company.id,
            }
        )
        Detection = self.env["kundenbindung.duplicate.detection"]
        Detection._refresh_keys(self.company)
        key = self.env["kundenbindung.duplicate.key"].search([("partner_id", "=", contact.id)])
        self.assertEqual(
            (key.given, key.family, key.birthdate, key.mobile, key.parent),
            ("ida", "lerch", "1990-02-03", "+491705556667", str(firm.id)),
        )
        self.assertTrue(key.street2)
        # a changed birth date alone is normalised again
        contact.kundenbindung_birthdate = D(1990, 3, 2)
        self.assertEqual(Detection._refresh_keys(self.company), contact.ids)
        self.assertEqual(key.birthdate, "1990-03-02")
        self.assertEqual(Detection._refresh_keys(self.company), [])
        # a new version of the engine's normalisation normalises every partner again
        with patch.object(detection_module, "NORMALISATION", "a later version"):
            again = Detection._refresh_keys(self.company)
        self.assertIn(contact.id, again)
        self.assertGreater(len(again), len(self.others))
        # and the next search is a full one, with keys of one kind only
        self.assertTrue(self.detect(full=True)["full"])
        self.edited_since_last_search(contact, {"name": "Ida Lerche"})
        self.assertFalse(self.detect()["full"])
        self.edited_since_last_search(contact, {"name": "Ida Lerch"})
        with patch.object(detection_module, "NORMALISATION", "a later version"):
            stats = self.detect()
        self.assertTrue(stats["full"])
        self.assertEqual(stats["normalised"], stats["partners"])

    def test_birth_date_tells_father_and_son_apart(self):
        self.detect()
        auto = self.company.kundenbindung_config_id.duplicate_auto_score
        father = self.group_of(self.father)
        # not one customer: at most a candidate to review, never sure enough to merge unseen
        self.assertTrue(not father or father.weakest_score < auto, father.explanation)
        # one person entered twice, with a typo in the street: found
        greta = self.group_of(self.greta)
        self.assertEqual(greta.partner_ids, self.greta | self.greta_again)
        self.assertGreaterEqual(greta.score, self.company.kundenbindung_config_id.duplicate_review_score)
        evidence = {field: level for field, level, _bits in json.loads(greta.evidence)}
        self.assertEqual(evidence["birthdate"], "exact")

    def test_a_group_tying_father_and_son_is_never_merged_automatically(self):
        # a third "Hans Müller" without a birth date looks like either of them
        third = self.env["res.partner"].create(
            {
                "name": "Hans Mueller",
                "street": "Eschenweg 7a",
                "zip": "70173",
                "city": "Stuttgart",
                "phone": "0711 998877",
                "company_id": self.company.id,
            }
        )
        self.detect()
        group = self.group_of(third)
        self.assertEqual(group.partner_ids, self.father | self.son | third)
        # each link alone is sure, but the group holds two people: a person decides
        self.assertGreaterEqual(group.score, self.company.kundenbindung_config_id.duplicate_auto_score)
        self.assertLessEqual(group.weakest_score, 90)
        self.assertTrue(group.holds_conflict)
        self.company.kundenbindung_config_id.duplicate_auto_merge = True
        Detection = self.env["kundenbindung.duplicate.detection"]
        Detection._cron_merge()
        self.assertEqual(group.state, "new")
        self.assertTrue((self.father | self.son | third).exists() == self.father | self.son | third)

    def test_a_birth_date_entered_later_holds_back_a_group_whose_pairs_stay(self):
        home = {
            "name": "Karl Oberdorfer",
            "street": "Tannenweg 3",
            "zip": "79100",
            "city": "Freiburg",
            "phone": "0761 445566",
            "company_id": self.company.id,
        }
        first, second, third = self.env["res.partner"].create(
            [dict(home, kundenbindung_birthdate=D(1950, 3, 1)), dict(home), dict(home, street="Tannenweg 3a")]
        )
        self.detect(full=True)
        group = self.group_of(third)
        self.assertEqual(group.partner_ids, first | second | third)
        self.assertGreaterEqual(group.weakest_score, self.company.kundenbindung_config_id.duplicate_auto_score)
        # the second turns out to be the son: his pair with the father goes, the others stay as they were
        self.edited_since_last_search(second, {"kundenbindung_birthdate": D(1980, 7, 12)})
        self.detect()
        self.assertEqual(group.partner_ids, first | second | third)
        self.assertLessEqual(group.weakest_score, 90)
        self.assertTrue(group.holds_conflict)

    # ------------------------------------------------------------------ explanations

    def test_explanation_in_the_readers_language_from_neutral_evidence(self):
        self.env["res.lang"]._activate_lang("de_DE")
        self.detect()
        group = self.group_of(self.greta)
        # stored: field and level codes with their weights, no words of any language
        items = json.loads(group.evidence)
        self.assertTrue(items)
        for field, level, bits in items:
            self.assertIn(level, LEVELS[field])
            self.assertIsInstance(bits, (int, float))
        codes = set(LEVELS) | {level for levels in LEVELS.values() for level in levels}
        labels, words = evidence_words(self.env)
        for text in {*labels.values(), *words.values()} - codes:
            self.assertNotIn(text, group.evidence)
        self.assertEqual(group.evidence, group.pair_ids.sorted("score")[-1].evidence)
        # rendered in the reader's language
        self.assertIn("family name equal", group.with_context(lang="en_US").explanation)
        german = group.with_context(lang="de_DE")
        self.assertIn("Nachname gleich", german.explanation)
        self.assertIn("Geburtsdatum gleich", german.pair_ids.explanation)
        self.assertNotIn("family", german.explanation)
        # a group found before 18.0.1.8.0 keeps the text it was stored with
        old = self.env["kundenbindung.duplicate.group"].create(
            {
                "company_id": self.company.id,
                "partner_ids": [Command.set(self.others[:2].ids)],
                "score": 88.0,
                "weakest_score": 88.0,
                "legacy_explanation": "name 96, street 100, phone equal",
            }
        )
        self.assertEqual(old.with_context(lang="de_DE").explanation, "name 96, street 100, phone equal")

    def test_every_field_and_level_of_the_engine_has_words(self):
        labels, words = evidence_words(self.env)
        self.assertEqual(set(labels), set(LEVELS))
        self.assertEqual(set(words), {level for levels in LEVELS.values() for level in levels})

    # ------------------------------------------------------------------ the kept model

    def test_incremental_search_scores_with_the_model_of_the_last_full_one(self):
        first = self.detect()
        self.assertTrue(first["full"])
        kept = self.company.sudo().kundenbindung_config_id.duplicate_model
        self.assertTrue(Model.from_dict(kept))
        self.assertEqual(kept["partners"], first["partners"])
        # one partner edited: compared again alone, scored with the kept model
        self.edited_since_last_search(self.greta_again, {"email": "greta.oberdorfer@example.de"})
        run = self.detect()
        self.assertEqual((run["full"], run["compared"]), (False, 1))
        self.assertEqual(self.company.sudo().kundenbindung_config_id.duplicate_model, kept)
        pair = self.pair_of(self.greta, self.greta_again)
        # as all partners compared with that model score it
        prepared, _changed_on = self.env["kundenbindung.duplicate.detection"]._keys(self.company)
        full, _groups = match(prepared, threshold=0, model=Model.from_dict(kept))
        ends = {pair.partner_a_id.id, pair.partner_b_id.id}
        expected = full[[{a, b} == ends for a, b in zip(full["a"], full["b"])]]
        self.assertEqual((pair.score, pair.evidence), (expected["score"].iloc[0], expected["evidence"].iloc[0]))
        self.assertIn(["email", "exact"], [item[:2] for item in json.loads(pair.evidence)])
        # and as a full search, fitting the model again on the same partners, does
        score = pair.score
        self.assertTrue(self.detect(full=True)["full"])
        self.assertEqual(self.pair_of(self.greta, self.greta_again).score, score)
        # the kept model is what scores: one in which no field says anything finds nothing
        blind = dict(kept, m=kept["u"])
        self.company.sudo().kundenbindung_config_id.duplicate_model = blind
        self.edited_since_last_search(self.greta_again, {"phone": "0761 123451"})
        self.assertFalse(self.detect()["full"])
        self.assertFalse(self.group_of(self.greta))
        # no usable model kept: the search is a full one, and keeps a new one
        self.company.sudo().kundenbindung_config_id.duplicate_model = {"m": {}}
        self.edited_since_last_search(self.greta_again, {"phone": "0761 123450"})
        self.assertTrue(self.detect()["full"])
        self.assertTrue(Model.from_dict(self.company.sudo().kundenbindung_config_id.duplicate_model))
        self.assertTrue(self.group_of(self.greta))

    # ------------------------------------------------------------------ settings

    def test_score_settings_default_to_the_engine_and_are_checked(self):
        self.assertEqual(self.company.kundenbindung_config_id.duplicate_review_score, REVIEW_THRESHOLD)
        self.assertEqual(self.company.kundenbindung_config_id.duplicate_auto_score, AUTO_MERGE_THRESHOLD)
        # automatic merging starts above the pairs that are only ever reviewed
        self.assertLess(REVIEW_ONLY_CAP, MIN_AUTO_SCORE)
        self.assertLessEqual(MIN_REVIEW_SCORE, REVIEW_THRESHOLD)
        for review, auto in ((50, 90), (40, 99.5), (99.8, 99.6), (50, 100.5)):
            with self.assertRaises(ValidationError), self.env.cr.savepoint():
                self.company.kundenbindung_config_id.write(
                    {"duplicate_review_score": review, "duplicate_auto_score": auto}
                )
        self.company.kundenbindung_config_id.write({"duplicate_review_score": 60, "duplicate_auto_score": 95})
        self.env["res.lang"]._activate_lang("de_DE")
        with self.assertRaises(ValidationError) as error, self.env.cr.savepoint():
            self.company.with_context(lang="de_DE").kundenbindung_config_id.duplicate_auto_score = 90
        self.assertIn("Zusammenführen zwischen 95 und 100", str(error.exception))

    # ------------------------------------------------------------------ migration

    def test_migration_moves_scores_to_probabilities_and_searches_again(self):
        migration = load_script("kundenbindung_addon/migrations/18.0.1.8.0/post-migrate.py", "kb_post_migrate_1_8")
        self.detect()
        Group = self.env["kundenbindung.duplicate.group"]
        other = self.env["res.company"].create({"name": "KB Dublettenmodell Zwei GmbH"})
        # the database as 18.0.1.7.0 left it: the scores on the company (moved to the
        # configuration by the 18.0.1.10.0 migration, which runs after this one)
        cr = self.env.cr
        for column, sqltype in (
            ("kundenbindung_duplicate_review_score", "float8"),
            ("kundenbindung_duplicate_auto_score", "float8"),
            ("kundenbindung_duplicates_date", "timestamp"),
            ("kundenbindung_duplicate_model", "jsonb"),
        ):
            cr.execute(f"ALTER TABLE res_company ADD COLUMN IF NOT EXISTS {column} {sqltype}")
        cr.execute(
            "UPDATE res_company SET kundenbindung_duplicate_review_score = %s, kundenbindung_duplicate_auto_score = %s, "
            "kundenbindung_duplicates_date = now(), kundenbindung_duplicate_model = '{}' WHERE id = %s",
            [80, 95, self.company.id],
        )
        cr.execute(
            "UPDATE res_company SET kundenbindung_duplicate_review_score = %s, kundenbindung_duplicate_auto_score = %s "
            "WHERE id = %s",
            [70, 99.8, other.id],
        )
        sure = Group.create(
            {
                "company_id": self.company.id,
                "partner_ids": [Command.set(self.others[:2].ids)],
                "score": 97.0,
                "weakest_score": 96.0,
            }
        )
        merged = Group.create(
            {
                "company_id": self.company.id,
                "partner_ids": [Command.set(self.others[2:4].ids)],
                "score": 97.0,
                "weakest_score": 96.0,
                "state": "merged",
            }
        )
        self.assertTrue(self.env["kundenbindung.duplicate.key"].search_count([]))
        self.env.flush_all()
        migration.migrate(self.env.cr, "18.0.1.7.0")
        load_script("kundenbindung_addon/migrations/18.0.1.10.0/post-migrate.py", "kb_post_migrate_1_10").migrate(
            self.env.cr, "18.0.1.9.0"
        )
        self.env.invalidate_all()
        self.assertEqual(
            (
                self.company.kundenbindung_config_id.duplicate_review_score,
                self.company.kundenbindung_config_id.duplicate_auto_score,
            ),
            (50, 99.5),
        )
        self.assertEqual(
            (other.kundenbindung_config_id.duplicate_review_score, other.kundenbindung_config_id.duplicate_auto_score),
            (70, 99.8),
        )
        self.assertFalse(self.env["kundenbindung.duplicate.key"].search_count([]))
        self.assertFalse(self.company.kundenbindung_config_id.duplicates_date)
        self.assertFalse(self.company.sudo().kundenbindung_config_id.duplicate_model)
        self.assertLessEqual(sure.weakest_score, REVIEW_ONLY_CAP)
        self.assertEqual(merged.weakest_score, 96.0)
        # the next search is a full one: it normalises everyone and scores the open groups again
        stats = self.detect()
        self.assertTrue(stats["full"])
        self.assertEqual(stats["normalised"], stats["partners"])
        greta = self.group_of(self.greta)
        self.assertTrue(greta.evidence)
        self.assertGreaterEqual(greta.weakest_score, self.company.kundenbindung_config_id.duplicate_review_score)

    def test_old_explanations_are_kept_as_legacy(self):
        migration = load_script("kundenbindung_addon/migrations/18.0.1.8.0/pre-migrate.py", "kb_pre_migrate_1_8")
        group = self.env["kundenbindung.duplicate.group"].create(
            {
                "company_id": self.company.id,
                "partner_ids": [Command.set(self.others[:2].ids)],
                "legacy_explanation": "name 96, street 100",
            }
        )
        self.env.flush_all()
        # the column as 18.0.1.7.0 had it
        self.env.cr.execute("ALTER TABLE kundenbindung_duplicate_group RENAME COLUMN legacy_explanation TO explanation")
        migration.migrate(self.env.cr, "18.0.1.7.0")
        migration.migrate(self.env.cr, "18.0.1.7.0")
        self.assertFalse(column_exists(self.env.cr, "kundenbindung_duplicate_group", "explanation"))
        self.env.invalidate_all()
        self.assertEqual(group.explanation, "name 96, street 100")

    def test_pairs_of_an_earlier_version_are_scored_again(self):
        """A pair stored before 18.0.1.8.0 (no evidence) that the search
        finds again at the same score gets its evidence."""
        self.detect(full=True)
        pair = self.pair_of(self.greta, self.greta_again)
        self.env.cr.execute(
            "UPDATE kundenbindung_duplicate_pair SET evidence = NULL, legacy_explanation = 'name 100' WHERE id = %s",
            [pair.id],
        )
        self.env.invalidate_all()
        self.detect(full=True)
        pair = self.pair_of(self.greta, self.greta_again)
        self.assertTrue(pair.evidence)
        self.assertIn("birth date equal", pair.explanation)
