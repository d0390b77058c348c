# Copyright 2026 kundenbindung_addon authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import datetime
from unittest.mock import patch

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.sql_db import db_connect
from odoo.tests import new_test_user, tagged

from odoo.addons.account.tests.common import AccountTestInvoicingCommon
from odoo.addons.base.wizard.base_partner_merge import MergePartnerAutomatic

from ..models.kundenbindung_duplicate_detection import SEARCH_LOCK
from .common import make_duplicate_group, make_invoice, make_user

D = datetime.date


@tagged("post_install", "-at_install")
class TestDuplicates(AccountTestInvoicingCommon):
    """Duplicate candidates found among a company's partners, reviewed and
    merged through Odoo's merge without losing anything."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.company_data["company"]
        cls.company.write({"country_id": cls.env.ref("base.de").id})
        cls.company.kundenbindung_config_id.duplicates_date = False
        cls.company_2 = cls.setup_other_company(name="KB Dubletten Zweitfirma")["company"]
        cls.product = cls._create_product(name="Papier", lst_price=100.0)
        Partner = cls.env["res.partner"]
        cls.original = Partner.create(
            {
                "name": "Müller & Söhne GmbH & Co. KG",
                "is_company": True,
                "street": "Hauptstraße 12",
                "zip": "70173",
                "city": "Stuttgart",
                "phone": "0711 1234567",
                "email": "info@mueller-soehne.de",
            }
        )
        cls.duplicate = Partner.create(
            {
                "name": "MUELLER & SOEHNE G.m.b.H. & Co KG",
                "is_company": True,
                "street": "Hauptstr. 12",
                "zip": "70173",
                "city": "Stuttgart",
                "phone": "+49 (0)711 123-4567",
            }
        )
        cls.other = Partner.create(
            {
                "name": "Schmidt Logistik AG",
                "is_company": True,
                "street": "Hafenweg 3",
                "zip": "20457",
                "city": "Hamburg",
                "phone": "040 555111",
            }
        )
        cls.manager = make_user(cls.env, "kb_dup_manager", "kb_merger", cls.company)
        cls.salesman = make_user(
            cls.env,
            "kb_dup_salesman",
            "base.group_user,sales_team.group_sale_salesman,kundenbindung_addon.group_kundenbindung_user",
            cls.company,
        )

    def detect(self, **kwargs):
        return self.env["kundenbindung.duplicate.detection"]._detect_company(self.company, **kwargs)

    def groups(self, partner=None):
        return self.env["kundenbindung.duplicate.group"].search(
            [("company_id", "=", self.company.id), ("partner_ids", "in", (partner or self.original).ids)]
        )

    def group_of(self, partners, score=100.0):
        return make_duplicate_group(self.env, self.company, partners, score)

    def invoice(self, partner, amount):
        return make_invoice(
            self.env, self.company, partner, D(2026, 5, 4), [(self.product, 1, amount)], self.tax_sale_a
        )

    def test_found_with_explanation_once_and_dismissed_for_good(self):
        stats = self.detect()
        group = self.groups()
        self.assertEqual(group.partner_ids, self.original | self.duplicate)
        # sure enough to be merged automatically
        self.assertGreaterEqual(group.score, self.company.kundenbindung_config_id.duplicate_auto_score)
        self.assertEqual(group.weakest_score, group.score)
        self.assertIn("phone equal", group.explanation)
        self.assertEqual(group.state, "new")
        self.assertGreaterEqual(stats["created"], 1)
        # a second run updates the open group, does not repeat it
        self.detect(full=True)
        self.assertEqual(self.groups(), group)
        # not a duplicate: never proposed again, by a full or an incremental run
        group.with_user(self.manager).action_dismiss()
        self.assertEqual(group.state, "dismissed")
        self.detect(full=True)
        self.duplicate.write({"street": "Hauptstrasse 12"})
        self.detect()
        self.assertEqual(self.groups(), group)

    def test_incremental_run_compares_only_changed_partners_against_all(self):
        first = self.detect()
        self.assertEqual(first["compared"], first["partners"])
        self.assertTrue(self.company.kundenbindung_config_id.duplicates_date)
        group = self.groups()
        # nothing changed since: nothing compared, the group stays as it was
        self.company.kundenbindung_config_id.duplicates_date = fields.Datetime.now() + datetime.timedelta(hours=1)
        quiet = self.detect()
        self.assertEqual((quiet["compared"], quiet["created"], quiet["dropped"]), (0, 0, 0))
        self.assertEqual(self.groups(), group)
        # a partner entered today joins the existing group
        self.company.kundenbindung_config_id.duplicates_date = fields.Datetime.now() - datetime.timedelta(hours=1)
        third = self.env["res.partner"].create(
            {
                "name": "Müller und Söhne GmbH & Co. KG",
                "is_company": True,
                "street": "Hauptstraße 12",
                "zip": "70173",
                "city": "Stuttgart",
                "phone": "0711/1234567",
            }
        )
        self.env.flush_all()
        self.env.cr.execute("UPDATE res_partner SET write_date = now() - interval '2 hours' WHERE id != %s", [third.id])
        self.env.invalidate_all()
        run = self.detect()
        self.assertEqual(run["compared"], 1)
        self.assertEqual(self.groups(), group)
        self.assertEqual(group.partner_ids, self.original | self.duplicate | third)
        self.assertEqual(len(group.pair_ids), 3)
        # a partner corrected so that it no longer looks alike leaves; a group of one is dropped
        self.company.kundenbindung_config_id.duplicates_date = fields.Datetime.now() - datetime.timedelta(hours=1)
        (self.duplicate | third).write(
            {"name": "Schulze Bau KG", "street": "Am Ring 1", "zip": "01067", "city": "Dresden", "phone": "0351 999999"}
        )
        self.detect()
        group = self.groups(self.duplicate)
        self.assertEqual(group.partner_ids, self.duplicate | third)
        self.assertFalse(self.groups())

    def test_a_partner_created_by_another_flow_is_up_for_review_at_once(self):
        """Issue 21: a partner created by a website sign-up, a converted
        lead, an email or the API is checked a minute later, not the next
        morning; up for review, nothing merged."""
        cron = self.env.ref("kundenbindung_addon.ir_cron_kundenbindung_duplicates_new")
        Trigger = self.env["ir.cron.trigger"].sudo()
        Detection = self.env["kundenbindung.duplicate.detection"]
        # a company never searched waits for the nightly full search
        Detection._cron_detect_new()
        self.assertFalse(self.groups(self.other))
        self.detect(full=True)
        before = Trigger.search_count([("cron_id", "=", cron.id)])
        # as a website sign-up creates it: as the public user, through sudo
        newcomer = (
            self.env["res.partner"]
            .with_user(self.env.ref("base.public_user"))
            .sudo()
            .create(
                {
                    "name": "Schmidt Logistik AG",
                    "is_company": True,
                    "street": "Hafenweg 3",
                    "zip": "20457",
                    "city": "Hamburg",
                    "phone": "040/555111",
                }
            )
        )
        # the flow that created it waits for nothing: the check is woken for later
        wake_ups = Trigger.search([("cron_id", "=", cron.id)], order="id desc", limit=1)
        self.assertEqual(Trigger.search_count([("cron_id", "=", cron.id)]), before + 1)
        self.assertGreater(wake_ups.call_at, fields.Datetime.now() - datetime.timedelta(seconds=5))
        self.assertFalse(self.groups(self.other))
        self.env.flush_all()
        # as the scheduler runs it a minute later
        Detection._cron_detect_new()
        group = self.groups(self.other)
        self.assertEqual(group.partner_ids, self.other | newcomer)
        self.assertEqual(group.state, "new")
        self.assertTrue(newcomer.exists() and self.other.exists())

    def test_one_search_of_a_company_at_a_time(self):
        """While another worker searches the company's duplicates (the
        nightly search, the check of new partners), a second search steps
        aside and "Find now" says so; nothing is written twice."""
        Detection = self.env["kundenbindung.duplicate.detection"]
        with db_connect(self.env.cr.dbname).cursor() as other:
            # the other worker's search holds the company (before this transaction searched it)
            other.execute("SELECT pg_try_advisory_lock(%s, %s)", [SEARCH_LOCK, self.company.id])
            self.assertTrue(other.fetchone()[0])
            try:
                self.assertEqual(Detection._detect_company(self.company), {"skipped": True})
                with self.assertRaises(UserError):
                    Detection.with_user(self.manager).action_detect()
                self.assertFalse(self.groups())
            finally:
                other.execute("SELECT pg_advisory_unlock(%s, %s)", [SEARCH_LOCK, self.company.id])
        self.assertNotIn("skipped", self.detect())
        self.assertTrue(self.groups())

    def test_managers_only_and_companies_apart(self):
        self.detect()
        group = self.groups()
        with self.assertRaises(AccessError):
            group.with_user(self.salesman).read(["score"])
        with self.assertRaises(AccessError):
            group.with_user(self.salesman).action_merge()
        with self.assertRaises(AccessError):
            self.env["kundenbindung.duplicate.detection"].with_user(self.salesman).action_detect()
        self.assertTrue(self.duplicate.exists())
        action = self.env["kundenbindung.duplicate.detection"].with_user(self.manager).action_detect()
        self.assertEqual(action["params"]["type"], "success")
        manager_2 = make_user(self.env, "kb_dup_manager_2", "kb_manager", self.company_2)
        self.assertFalse(self.env["kundenbindung.duplicate.group"].with_user(manager_2).search([]))
        self.assertFalse(self.env["kundenbindung.merge.journal"].with_user(manager_2).search([]))

    def test_merge_moves_every_reference_and_keeps_a_journal_that_restores(self):
        self.duplicate.write({"ref": "K-4711", "comment": "Lieferung nur vormittags", "user_id": self.salesman.id})
        comment = self.duplicate.comment
        invoice = self.invoice(self.duplicate, 300.0)
        card = (
            self.env["loyalty.card"]
            .sudo()
            .create(
                {
                    "program_id": self.company.kundenbindung_config_id.action_create_loyalty_program().id,
                    "partner_id": self.duplicate.id,
                    "points": 40,
                }
            )
        )
        answer = self.env["kundenbindung.nps.response"].create({"partner_id": self.duplicate.id, "score": 9})
        message = self.duplicate.message_post(body="Rückruf vereinbart")
        activity = self.duplicate.activity_schedule("mail.mail_activity_data_todo", summary="Angebot nachfassen")
        contact = self.env["res.partner"].create({"name": "Erika Müller", "parent_id": self.duplicate.id})
        self.detect()
        group = self.groups()
        # side by side: what each partner would bring
        member = group.with_user(self.manager).partner_ids.filtered(lambda p: p.id == self.duplicate.id)
        self.assertEqual(
            (
                member.kundenbindung_ref_invoices,
                member.kundenbindung_ref_cards,
                member.kundenbindung_ref_answers,
                member.kundenbindung_ref_activities,
                member.kundenbindung_ref_contacts,
            ),
            (1, 1, 1, 1, 1),
        )
        self.assertEqual(member.kundenbindung_ref_revenue, 300.0)
        # the partner with the revenue is kept unless the manager chooses
        self.assertEqual(group.proposed_survivor_id, self.duplicate)
        group.with_user(self.manager).survivor_id = self.original
        source_id = self.duplicate.id
        group.with_user(self.manager).action_merge()
        self.assertEqual((group.state, group.merged_by_id, group.auto_merged), ("merged", self.manager, False))
        self.assertFalse(self.duplicate.exists())
        # everything points at the survivor now
        self.assertEqual(invoice.partner_id, self.original)
        self.assertEqual(card.partner_id, self.original)
        self.assertEqual(answer.partner_id, self.original)
        self.assertEqual((message.model, message.res_id), ("res.partner", self.original.id))
        self.assertEqual(activity.res_id, self.original.id)
        self.assertEqual(contact.parent_id, self.original)
        # empty values of the survivor were filled, differing ones are on its chatter
        self.assertEqual(self.original.ref, "K-4711")
        notes = self.original.message_ids.mapped("body")
        self.assertTrue(any("Hauptstr. 12" in str(body) and "MUELLER" in str(body) for body in notes))
        journal = group.journal_ids
        self.assertEqual(journal.source_id, source_id)
        self.assertEqual(journal.snapshot["ref"], "K-4711")
        self.assertEqual(journal.snapshot["street"], "Hauptstr. 12")
        self.assertEqual(journal.moved["invoices"], invoice.ids)
        self.assertEqual(journal.moved["cards"], card.ids)
        self.assertIn("1", journal.moved_summary)
        # the journal brings the merged partner back with the values it had
        action = journal.with_user(self.manager).action_restore()
        restored = self.env["res.partner"].browse(action["res_id"])
        self.assertEqual(journal.restored_partner_id, restored)
        self.assertEqual(
            (restored.name, restored.street, restored.ref, restored.comment, restored.user_id),
            ("MUELLER & SOEHNE G.m.b.H. & Co KG", "Hauptstr. 12", "K-4711", comment, self.salesman),
        )
        # the survivor's chatter says why a partner of that name is back, and where the invoices stayed
        note = self.original.message_ids[:1]
        self.assertIn("was restored from the merge journal", str(note.body))
        self.assertIn("MUELLER &amp; SOEHNE G.m.b.H. &amp; Co KG", str(note.body))
        # restored means "not the same customer": not proposed again
        self.detect(full=True)
        self.assertFalse(self.groups(restored).filtered(lambda g: g.state in ("new", "review")))
        with self.assertRaises(UserError):
            journal.with_user(self.manager).action_restore()
        with self.assertRaises(AccessError):
            journal.with_user(self.salesman).action_restore()

    def test_every_safety_refusal_changes_nothing(self):
        Partner = self.env["res.partner"]

        def refused(partners):
            group = self.group_of(partners)
            with self.assertRaises(UserError):
                group.with_user(self.manager).action_merge()
            self.assertTrue(all(p.exists() for p in partners))
            self.assertEqual(group.state, "new")
            self.assertFalse(group.journal_ids)

        a, b = Partner.create(
            [
                {"name": "Kunz AG", "is_company": True, "vat": "DE111111111"},
                {"name": "Kunz AG", "is_company": True, "vat": "DE222222222"},
            ]
        )
        refused(a | b)
        parent = Partner.create({"name": "Kunz AG", "is_company": True})
        refused(parent | Partner.create({"name": "Kunz AG", "parent_id": parent.id}))
        one, two = Partner.create([{"name": "Jana Kunz"}, {"name": "Jana Kunz"}])
        new_test_user(self.env, login="kb_dup_portal_1", groups="base.group_portal", partner_id=one.id)
        new_test_user(self.env, login="kb_dup_portal_2", groups="base.group_portal", partner_id=two.id)
        refused(one | two)
        own = Partner.create({"name": "Kunz AG", "is_company": True, "company_id": self.company_2.id})
        refused(own | Partner.create({"name": "Kunz AG", "is_company": True}))

    def test_group_of_five_merged_in_chained_steps(self):
        copies = self.env["res.partner"].create(
            [
                {"name": "Kunz GmbH", "is_company": True, "zip": "10115", "city": "Berlin", "phone": "030 1234567"}
                for _i in range(5)
            ]
        )
        self.invoice(copies[3], 100.0)
        group = self.group_of(copies)
        group.with_user(self.manager).action_merge()
        self.assertEqual(copies.exists(), copies[3])
        self.assertEqual(len(group.journal_ids), 4)
        self.assertEqual(set(group.journal_ids.mapped("source_id")), set((copies - copies[3]).ids))

    def test_scheduled_run_merges_sure_groups_and_logs_the_rest(self):
        Partner = self.env["res.partner"]
        sure = Partner.create(
            [
                {
                    "name": "Becker Bau GmbH",
                    "is_company": True,
                    "street": "Lindenweg 5",
                    "zip": "50667",
                    "city": "Köln",
                    "phone": "0221 445566",
                }
                for _i in range(2)
            ]
        )
        # one of this company, one shared: refused by the safety checks
        blocked = Partner.create(
            [
                {
                    "name": "Hansen Druck KG",
                    "is_company": True,
                    "street": "Moorweg 1",
                    "zip": "24103",
                    "city": "Kiel",
                    "phone": "0431 778899",
                    "company_id": company,
                }
                for company in (self.company.id, False)
            ]
        )
        failing = Partner.create(
            [
                {
                    "name": "Wolf Elektro GmbH",
                    "is_company": True,
                    "street": "Parkstraße 9",
                    "zip": "80331",
                    "city": "München",
                    "phone": "089 121212",
                }
                for _i in range(2)
            ]
        )
        # one name and email in another town (a customer who moved, or a branch): a candidate,
        # never sure enough to merge unseen
        unsure = Partner.create(
            [
                {
                    "name": "Fischer Metallbau GmbH",
                    "is_company": True,
                    "street": street,
                    "zip": zip_code,
                    "city": city,
                    "phone": phone,
                    "email": "info@fischer-metallbau.de",
                }
                for street, zip_code, city, phone in (
                    ("Bahnhofstraße 3", "99084", "Erfurt", "0361 343434"),
                    ("Am Anger 5", "07743", "Jena", "03641 565656"),
                )
            ]
        )
        real_merge = MergePartnerAutomatic._merge

        def merge(wizard, partner_ids, dst_partner=None, extra_checks=True):
            if set(partner_ids) & set(failing.ids):
                # a test double: its message is never shown to a user
                raise UserError("Simulated failure")  # pylint: disable=translation-required
            return real_merge(wizard, partner_ids, dst_partner, extra_checks)

        # the other companies were searched today: this company's turn
        self.env["res.company"].sudo().search([("id", "!=", self.company.id)]).mapped(
            "kundenbindung_config_id"
        ).duplicates_tried = fields.Date.today()
        detection_log = "odoo.addons.kundenbindung_addon.models.kundenbindung_duplicate_detection"
        self.company.kundenbindung_config_id.duplicate_auto_merge = True
        self.env["kundenbindung.duplicate.detection"]._cron_detect()
        with patch.object(MergePartnerAutomatic, "_merge", merge), self.assertLogs(detection_log, "WARNING") as log:
            self.env["kundenbindung.duplicate.detection"]._cron_merge()
        self.assertIn("Simulated failure", log.output[0])
        self.assertTrue(self.company.kundenbindung_config_id.duplicates_date)
        self.assertEqual(self.company.kundenbindung_config_id.duplicates_tried, fields.Date.context_today(self.company))
        self.assertEqual(len(sure.exists()), 1)
        merged = self.groups(sure.exists())
        self.assertEqual((merged.state, merged.auto_merged, len(merged.journal_ids)), ("merged", True, 1))
        refused = self.groups(blocked[0])
        self.assertEqual(refused.state, "review")
        self.assertIn("partners of different companies", refused.merge_note)
        self.assertEqual(len(blocked.exists()), 2)
        failed = self.groups(failing[0])
        self.assertEqual(failed.state, "review")
        self.assertIn("Simulated failure", failed.merge_note)
        self.assertEqual(len(failing.exists()), 2)
        self.assertFalse(failed.journal_ids)
        candidate = self.groups(unsure[0])
        self.assertGreaterEqual(candidate.weakest_score, self.company.kundenbindung_config_id.duplicate_review_score)
        self.assertLess(candidate.weakest_score, self.company.kundenbindung_config_id.duplicate_auto_score)
        self.assertEqual(candidate.state, "new")
        self.assertEqual(len(unsure.exists()), 2)
        # a failing search is logged, keeps the last good date and is not retried the same day
        self.company.kundenbindung_config_id.duplicates_tried = False
        searched = self.company.kundenbindung_config_id.duplicates_date
        Detection = type(self.env["kundenbindung.duplicate.detection"])
        with (
            patch.object(Detection, "_refresh_keys", side_effect=ValueError("Simulated search failure")),
            self.assertLogs(detection_log, "ERROR"),
        ):
            self.env["kundenbindung.duplicate.detection"]._cron_detect()
        self.assertEqual(self.company.kundenbindung_config_id.duplicates_date, searched)
        with patch.object(Detection, "_detect_company") as detect:
            self.env["kundenbindung.duplicate.detection"]._cron_detect()
        detect.assert_not_called()
        # switched off: nothing merged
        self.company.kundenbindung_config_id.duplicate_auto_merge = False
        candidate.weakest_score = 100
        self.env["kundenbindung.duplicate.detection"]._cron_merge()
        self.assertEqual(len(unsure.exists()), 2)
