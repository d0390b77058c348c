# Copyright 2026 kundenbindung_addon authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A merge loses nothing, stays inside its company and its books, is checked
on the server, finishes in batches and forgets personal data in time."""

import datetime
from unittest.mock import patch

import psycopg2
from dateutil.relativedelta import relativedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged
from odoo.tools import SQL, mute_logger

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

from ..models import kundenbindung_duplicate_detection
from .common import make_duplicate_group, make_invoice, make_user

D = datetime.date


class Killed(BaseException):
    """The worker killed in the middle of a call (not an error a job catches)."""


# copying a row of these would make the partners users or companies, which no merge takes
NOT_COPIED = ("res_users", "res_company", "res_partner")
# the column naming the model of a res_model/res_id reference
MODEL_COLUMN = {"mail_message": "model"}


@tagged("post_install", "-at_install")
class TestMergeSafety(AccountTestInvoicingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.company_data["company"]
        cls.company_2 = cls.setup_other_company(name="KB Merge Zweitfirma")["company"]
        cls.product = cls._create_product(name="Toner", lst_price=50.0)
        cls.manager = make_user(cls.env, "kb_merge_manager", "kb_merger", cls.company)
        cls.manager_2 = make_user(cls.env, "kb_merge_manager_2", "kb_merger", cls.company_2)

    def pair(self, name="Kern Druck GmbH", **values):
        return self.env["res.partner"].create(
            [dict({"name": name, "is_company": True, "zip": "70173", "city": "Stuttgart"}, **values)] * 2
        )

    def group_of(self, partners, company=None, score=100.0):
        return make_duplicate_group(self.env, company or self.company, partners, score)

    def invoice(self, partner, amount, company=None):
        company = company or self.company
        taxes = self.tax_sale_a if company == self.company else self.env["account.tax"]
        return make_invoice(self.env, company, partner, D(2026, 5, 4), [(self.product, 1, amount)], taxes)

    # ------------------------------------------------------------------ every row

    def references(self):
        """(table, column) of every foreign key to res_partner, from the catalogue."""
        return self.env["base.partner.merge.automatic.wizard"]._get_fk_on("res_partner")

    def count_rows(self, ids, sources, max_ids):
        """Rows that existed before the merge and name one of ``ids``, per
        (table, column): every foreign key to res_partner and every
        res_model/res_id reference; the merged partners' own rows aside."""
        cr = self.env.cr
        self.env.flush_all()
        counts = {}
        buckets = [(t, c) for t, c in self.references() if "base_partner_merge_" not in t]
        buckets += [(t, "res_id") for t in ("mail_followers", "mail_message", "mail_activity", "ir_attachment")]
        for table, column in buckets:
            where = [SQL("%s = ANY(%s)", SQL.identifier(column), ids)]
            if column == "res_id":
                where.append(SQL("%s = 'res.partner'", SQL.identifier(MODEL_COLUMN.get(table, "res_model"))))
            if table == "res_partner":
                where.append(SQL("id <> ALL(%s)", sources))
            if table in max_ids:
                where.append(SQL("id <= %s", max_ids[table]))
            cr.execute(SQL("SELECT count(*) FROM %s WHERE %s", SQL.identifier(table), SQL(" AND ").join(where)))
            counts[(table, column)] = cr.fetchone()[0]
        return counts

    def test_every_row_accounted_for(self):
        """Rows in every table that references partners: after the merge each
        one still exists (moved to the survivor) or is in the journal."""
        cr = self.env.cr
        survivor, source = self.pair(email="info@kern-druck.de")
        other = self.env["res.partner"].create({"name": "Lutz Papier AG", "is_company": True})
        both = survivor | source
        # a second merged partner: its rows may collide with the first one's, not with the survivor's
        second = self.env["res.partner"].create({"name": "Kern Druck GmbH", "is_company": True, "zip": "70173"})
        watcher = self.env["res.partner"].create({"name": "Nina Beobachter"})
        (source | second).message_subscribe(partner_ids=watcher.ids)
        members, sources = both | second, source | second
        # the collisions Odoo's merge resolves by deleting rows
        other.message_subscribe(partner_ids=both.ids)
        survivor.message_subscribe(partner_ids=other.ids)
        source.message_subscribe(partner_ids=other.ids)
        channel = self.env["discuss.channel"].create({"name": "Kern Druck"})
        channel.add_members(partner_ids=both.ids, post_joined_message=False)
        other.message_post(body="Bitte Rückruf", partner_ids=both.ids, message_type="comment")
        tag = self.env["res.partner.category"].create({"name": "Messe 2026"})
        both.category_id = [Command.link(tag.id)]
        source.category_id = [Command.link(self.env["res.partner.category"].create({"name": "Nur Quelle"}).id)]
        campaign = self.env["kundenbindung.campaign"].sudo().create({"name": "Ostern", "company_id": self.company.id})
        summer = self.env["kundenbindung.campaign"].sudo().create({"name": "Sommer", "company_id": self.company.id})
        self.env["kundenbindung.campaign.recipient"].sudo().create(
            [
                {"campaign_id": campaign.id, "partner_id": survivor.id, "control": True},
                {"campaign_id": campaign.id, "partner_id": source.id, "control": False},
                {"campaign_id": summer.id, "partner_id": source.id, "control": True},
                {"campaign_id": summer.id, "partner_id": second.id, "control": False},
            ]
        )
        occasion = self.env["kundenbindung.occasion"].sudo().create({"name": "Jubiläum", "company_id": self.company.id})
        self.env["kundenbindung.occasion.log"].sudo().create(
            [{"occasion_id": occasion.id, "partner_id": p.id, "year": 2026} for p in both]
        )
        lower = self.env["res.partner"].browse(min(self.env["res.partner"].search([]).ids))
        Dismissal = self.env["kundenbindung.duplicate.dismissal"].sudo()
        Dismissal.create(
            [
                dict(zip(("partner_a_id", "partner_b_id"), sorted((a.id, b.id))))
                for a, b in ((other, source), (other, survivor), (lower, source))
            ]
        )
        self.env["kundenbindung.duplicate.detection"]._refresh_keys(self.company)
        self.env["res.partner.bank"].create(
            [{"acc_number": "DE89370400440532013000", "partner_id": p.id} for p in both]
        )
        self.invoice(source, 300.0)
        group = self.group_of(members)
        group.survivor_id = survivor
        # and a copy of a row of every other table that references partners, for both
        self.env.flush_all()
        for table, column in self.references():
            if table in NOT_COPIED or "base_partner_merge_" in table:
                continue
            cr.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = %s AND column_name <> 'id'",
                [table],
            )
            columns = [row[0] for row in cr.fetchall()]
            for partner in both:
                picked = SQL(", ").join(
                    SQL("%s", partner.id) if name == column else SQL.identifier(name) for name in columns
                )
                try:
                    with mute_logger("odoo.sql_db"), cr.savepoint(flush=False):
                        cr.execute(
                            SQL(
                                "INSERT INTO %s (%s) SELECT %s FROM %s WHERE %s IS NOT NULL AND %s <> ALL(%s) "
                                "LIMIT 1 ON CONFLICT DO NOTHING",
                                SQL.identifier(table),
                                SQL(", ").join(SQL.identifier(name) for name in columns),
                                picked,
                                SQL.identifier(table),
                                SQL.identifier(column),
                                SQL.identifier(column),
                                both.ids,
                            )
                        )
                except psycopg2.Error:
                    continue  # a table whose rows cannot be copied as they are (a check, a unique key)
        self.env.invalidate_all()
        max_ids = {}
        for table, _column in self.references() + [("mail_followers", ""), ("mail_message", "")]:
            cr.execute("SELECT 1 FROM information_schema.columns WHERE table_name = %s AND column_name = 'id'", [table])
            if cr.fetchone():
                cr.execute(SQL("SELECT COALESCE(max(id), 0) FROM %s", SQL.identifier(table)))
                max_ids[table] = cr.fetchone()[0]
        for table in ("mail_activity", "ir_attachment"):
            cr.execute(SQL("SELECT COALESCE(max(id), 0) FROM %s", SQL.identifier(table)))
            max_ids[table] = cr.fetchone()[0]
        before = self.count_rows(members.ids, sources.ids, max_ids)
        self.assertGreater(sum(1 for n in before.values() if n), 15, "rows in many tables name the partners")

        group.with_user(self.manager).action_merge()
        self.assertFalse(sources.exists())
        after = self.count_rows(members.ids, sources.ids, max_ids)
        journal = group.journal_ids.filtered(lambda j: j.source_id == source.id)
        dropped = [entry for j in group.journal_ids for entry in j.dropped]
        expected = dict(before)
        for entry in dropped:
            for table, column in expected:
                if table != entry["table"]:
                    continue
                if column == "res_id" and entry["row"].get(MODEL_COLUMN.get(table, "res_model")) != "res.partner":
                    continue
                if entry["row"].get(column) in members.ids:
                    expected[(table, column)] -= 1
        lost = {key: (before[key], after[key], expected[key]) for key in before if after[key] != expected[key]}
        self.assertFalse(lost, "rows lost without a journal entry: (before, after, expected)")
        kept = {entry["table"] for entry in dropped}
        self.assertTrue(
            {"mail_followers", "discuss_channel_member", "kundenbindung_campaign_recipient"} <= kept,
            "true duplicates are journaled",
        )
        self.assertEqual(journal.dropped_count, len(journal.dropped))
        # shown by what a user calls the rows, one line per table
        self.assertEqual(len(journal.dropped_summary.splitlines()), len({entry["table"] for entry in journal.dropped}))
        self.assertIn("Channel", journal.dropped_summary)
        # their own rules: tags united, the recipient reached, dismissals in order, the invoice moved
        self.assertEqual(set(survivor.category_id.mapped("name")), {"Messe 2026", "Nur Quelle"})
        for easter_or_summer in (campaign, summer):
            recipient = self.env["kundenbindung.campaign.recipient"].search([("campaign_id", "=", easter_or_summer.id)])
            self.assertEqual((recipient.partner_id, recipient.control), (survivor, False))
        # both merged partners' watcher follows the survivor once
        self.assertIn(
            watcher,
            self.env["mail.followers"]
            .search([("res_model", "=", "res.partner"), ("res_id", "=", survivor.id)])
            .partner_id,
        )
        pairs = Dismissal.search([]).mapped(lambda d: (d.partner_a_id.id, d.partner_b_id.id))
        self.assertIn(tuple(sorted((lower.id, survivor.id))), pairs)
        self.assertEqual(pairs.count(tuple(sorted((other.id, survivor.id)))), 1)
        self.assertIn(
            other,
            self.env["mail.followers"]
            .search([("res_model", "=", "res.partner"), ("res_id", "=", survivor.id)])
            .partner_id,
        )

        # Restore puts back what can be put back, on the restored partner
        action = journal.with_user(self.manager).action_restore()
        restored = self.env["res.partner"].browse(action["res_id"])
        self.assertIn(restored, channel.channel_member_ids.partner_id)
        # the decision "not a duplicate" comes back in order
        self.assertIn(
            tuple(sorted((other.id, restored.id))),
            Dismissal.search([]).mapped(lambda d: (d.partner_a_id.id, d.partner_b_id.id)),
        )
        self.assertIn(
            restored,
            self.env["mail.followers"]
            .search([("res_model", "=", "res.partner"), ("res_id", "=", other.id)])
            .partner_id,
        )

    # ------------------------------------------------------------------ checked on the server

    def test_survivor_and_members_checked_on_the_server(self):
        first, second = self.pair()
        group = self.group_of(first | second)
        stranger = self.env["res.partner"].create({"name": "Kern Druck GmbH", "company_id": self.company_2.id})
        # over RPC: a partner outside the group (here another company's) is no survivor
        with self.assertRaises(ValidationError):
            group.with_user(self.manager).write({"survivor_id": stranger.id})
        # a manager who may not edit partners may not merge them either
        no_contacts = make_user(self.env, "kb_merge_no_contacts", "kb_manager", self.company)
        with self.assertRaises(AccessError):
            group.with_user(no_contacts).action_merge()
        self.assertEqual(len((first | second).exists()), 2)
        # never the company's own partner, never an employee's partner merged away
        own = self.group_of(self.company.partner_id | first)
        with self.assertRaisesRegex(UserError, "company's own partner"):
            own.with_user(self.manager).action_merge()
        employee = new_test_user(self.env, login="kb_merge_employee", groups="base.group_user")
        staff = self.group_of(employee.partner_id | second)
        staff.survivor_id = second
        with self.assertRaisesRegex(UserError, "internal user"):
            staff.with_user(self.manager).action_merge()
        self.assertTrue(employee.partner_id.exists() and second.exists())

    def test_another_companys_job_leaves_shared_customers_alone(self):
        """Company 1 merges nothing automatically; company 2 does, but not
        shared customers with company 1's invoices: they go to review,
        and company 1 sees the group."""
        self.company.kundenbindung_config_id.duplicate_auto_merge = False
        self.company_2.kundenbindung_config_id.duplicate_auto_merge = True
        shared = self.pair(name="Ost Verpackung GmbH")
        invoice = self.invoice(shared[1], 200.0)
        group = self.group_of(shared, company=self.company_2)
        own = self.pair(name="Nord Etiketten GmbH", company_id=self.company.id)
        own_group = self.group_of(own)
        self.env["kundenbindung.duplicate.detection"]._cron_merge()
        self.assertEqual(group.state, "review")
        self.assertIn("records of other companies", group.merge_note)
        self.assertEqual(len(shared.exists()), 2)
        self.assertEqual(invoice.partner_id, shared[1])
        self.assertEqual(group.with_user(self.manager).read(["state"])[0]["state"], "review")
        # company 1's own sure group waits: it did not switch automatic merging on
        self.assertEqual((own_group.state, len(own.exists())), ("new", 2))
        # company 1 sees the group, and does not act on it: that is company 2's
        with self.assertRaises(AccessError):
            group.with_user(self.manager).action_merge()
        with self.assertRaises(AccessError):
            group.with_user(self.manager).action_dismiss()
        # merged by hand, the journal is company 2's and company 1's to see, company 2's to restore or delete
        group.with_user(self.manager_2).action_merge()
        journal = group.journal_ids
        self.assertTrue(journal.with_user(self.manager).read(["source_name"]))
        with self.assertRaises(AccessError):
            journal.with_user(self.manager).unlink()
        with self.assertRaises(AccessError):
            journal.with_user(self.manager).action_restore()
        # a group with a company's own partner is never shown to another company
        mine = self.env["res.partner"].create({"name": "Süd Karton GmbH", "company_id": self.company_2.id})
        theirs = self.env["res.partner"].create({"name": "Süd Karton GmbH"})
        self.invoice(theirs, 80.0)
        mixed = self.group_of(mine | theirs, company=self.company_2)
        self.env["kundenbindung.duplicate.detection"]._cron_merge()
        self.assertEqual(mixed.state, "review")
        self.assertFalse(mixed.visible_company_ids)
        with self.assertRaises(AccessError):
            mixed.with_user(self.manager).read(["name"])

    def test_restore_brings_back_each_companys_values(self):
        """Odoo's merge keeps the survivor's payment terms where both had
        some; the journal keeps the merged partner's, for every company."""
        keep, merged = self.pair(name="Alt Papier GmbH")
        term_30 = self.env.ref("account.account_payment_term_30days")
        term_15 = self.env.ref("account.account_payment_term_15days")
        keep.with_company(self.company_2).property_payment_term_id = term_30
        merged.with_company(self.company_2).property_payment_term_id = term_15
        group = self.group_of(keep | merged)
        group.survivor_id = keep
        group.with_user(self.manager).action_merge()
        self.assertEqual(keep.with_company(self.company_2).property_payment_term_id, term_30)
        action = group.journal_ids.with_user(self.manager).action_restore()
        restored = self.env["res.partner"].browse(action["res_id"])
        self.assertEqual(restored.with_company(self.company_2).property_payment_term_id, term_15)

    def test_odoo_own_merge_keeps_the_addons_rows(self):
        """Contacts > Merge (Odoo's wizard, no journal): "not a duplicate"
        decisions are re-keyed instead of deleted, a reached recipient stays
        reached."""
        survivor, source = self.pair(name="Nord Papier KG")
        other = self.env["res.partner"].create({"name": "Nord Pappe KG", "is_company": True})
        Dismissal = self.env["kundenbindung.duplicate.dismissal"].sudo()
        Dismissal.create([dict(zip(("partner_a_id", "partner_b_id"), sorted((other.id, source.id))))])
        campaign = self.env["kundenbindung.campaign"].sudo().create({"name": "Herbst", "company_id": self.company.id})
        self.env["kundenbindung.campaign.recipient"].sudo().create(
            [
                {"campaign_id": campaign.id, "partner_id": survivor.id, "control": True},
                {"campaign_id": campaign.id, "partner_id": source.id, "control": False},
            ]
        )
        self.env["base.partner.merge.automatic.wizard"]._merge((survivor | source).ids, survivor)
        self.assertFalse(source.exists())
        pairs = Dismissal.search([]).mapped(lambda d: (d.partner_a_id.id, d.partner_b_id.id))
        self.assertIn(tuple(sorted((other.id, survivor.id))), pairs)
        recipient = self.env["kundenbindung.campaign.recipient"].sudo().search([("campaign_id", "=", campaign.id)])
        self.assertEqual((recipient.partner_id, recipient.control), (survivor, False))

    # ------------------------------------------------------------------ books

    def test_hash_locked_books_stay_intact(self):
        unlocked, locked = self.pair(name="Süd Büro GmbH")
        # the bigger customer's invoice in a journal without hashes
        plain = self.company_data["default_journal_sale"].copy({"code": "PLN", "name": "Ohne Hash"})
        bigger = make_invoice(
            self.env, self.company, unlocked, D(2026, 5, 4), [(self.product, 1, 900.0)], self.tax_sale_a, post=False
        )
        bigger.journal_id = plain
        bigger.action_post()
        self.company_data["default_journal_sale"].restrict_mode_hash_table = True
        hashed = self.invoice(locked, 100.0)
        self.assertTrue(hashed.inalterable_hash)
        group = self.group_of(unlocked | locked)
        # the partner with the secured entries cannot be merged away
        group.survivor_id = unlocked
        with self.assertRaisesRegex(UserError, "secured by a hash"):
            group.with_user(self.manager).action_merge()
        # chosen by the addon, it is the one that stays
        group.survivor_id = False
        self.assertEqual(group.proposed_survivor_id, locked)
        group.with_user(self.manager).action_merge()
        self.assertEqual((unlocked | locked).exists(), locked)
        self.assertEqual(hashed.line_ids.partner_id, locked)
        results = self.company._check_hash_integrity()["results"]
        self.assertTrue(results)
        self.assertEqual({r["status"] for r in results} - {"no_data"}, {"verified"})

    def test_lock_dates_protect_the_books_the_same_way(self):
        before, after = self.pair(name="West Akten KG")
        early = make_invoice(self.env, self.company, before, D(2026, 3, 2), [(self.product, 1, 50.0)], self.tax_sale_a)
        make_invoice(self.env, self.company, after, D(2026, 9, 1), [(self.product, 1, 500.0)], self.tax_sale_a)
        twice, again = self.pair(name="Ost Akten KG")
        make_invoice(self.env, self.company, twice, D(2026, 3, 3), [(self.product, 1, 50.0)], self.tax_sale_a)
        make_invoice(self.env, self.company, again, D(2026, 3, 4), [(self.product, 1, 50.0)], self.tax_sale_a)
        self.company.sudo().fiscalyear_lock_date = D(2026, 6, 30)
        # the partner of the locked entry stays, though the other brought more revenue
        group = self.group_of(before | after)
        self.assertEqual(group.proposed_survivor_id, before)
        group.with_user(self.manager).action_merge()
        self.assertEqual((before | after).exists(), before)
        self.assertEqual(early.line_ids.partner_id, before)
        # two partners with locked entries: one would change, so nothing is merged
        both = self.group_of(twice | again)
        with self.assertRaisesRegex(UserError, "lock date"):
            both.with_user(self.manager).action_merge()
        self.assertEqual(len((twice | again).exists()), 2)

    # ------------------------------------------------------------------ at any size

    def test_scheduled_merge_works_in_batches_and_resumes(self):
        self.company.kundenbindung_config_id.duplicate_auto_merge = True
        groups = self.env["kundenbindung.duplicate.group"]
        for i in range(5):
            groups |= self.group_of(self.pair(name="Stapel %s GmbH" % i))
        cron = self.env.ref("kundenbindung_addon.ir_cron_kundenbindung_duplicate_merge")
        progress = self.env["ir.cron.progress"].create({"cron_id": cron.id, "remaining": 0, "done": 0})
        Detection = self.env["kundenbindung.duplicate.detection"].with_context(ir_cron_progress_id=progress.id)
        with patch.object(kundenbindung_duplicate_detection, "MERGE_BATCH", 2):
            Detection._cron_merge()
            self.assertEqual((progress.done, progress.remaining), (2, 3))
            self.assertEqual(groups.mapped("state").count("merged"), 2)
            # a call that dies is rolled back whole; the next one takes the same groups again
            # killed after one more merge: the call is rolled back whole, the next takes the same groups
            real_merge = type(groups)._merge
            merges = []

            def merge_then_die(group, *args, **kwargs):
                if merges:
                    raise Killed()
                merges.append(group)
                return real_merge(group, *args, **kwargs)

            with (
                self.assertRaises(Killed),
                self.env.cr.savepoint(),
                patch.object(type(groups), "_merge", merge_then_die),
            ):
                Detection._cron_merge()
            self.assertEqual(len(merges), 1)
            self.assertEqual(groups.mapped("state").count("merged"), 2)
            # the time budget: once spent, a call ends after the group it is on
            with patch.object(kundenbindung_duplicate_detection, "_merge_seconds", return_value=0):
                Detection._cron_merge()
            self.assertEqual((progress.done, progress.remaining), (1, 2))
            Detection._cron_merge()
            Detection._cron_merge()
            self.assertEqual(progress.remaining, 0)
        self.assertEqual(set(groups.mapped("state")), {"merged"})
        # switched off (the default): the scheduled merge takes nothing
        self.company.kundenbindung_config_id.duplicate_auto_merge = False
        late = self.group_of(self.pair(name="Spät GmbH"))
        Detection._cron_merge()
        self.assertEqual((late.state, progress.remaining), ("new", 0))

    # ------------------------------------------------------------------ personal data

    def test_journal_forgets_personal_data_and_is_found_by_privacy_lookup(self):
        old, new = self.pair(name="Petra Kern", email="petra.kern@example.com", is_company=False)
        group = self.group_of(old | new)
        group.with_user(self.manager).action_merge()
        journal = group.journal_ids
        self.assertEqual(journal.email, "petra.kern@example.com")
        if "privacy.lookup.wizard" in self.env:
            lookup = self.env["privacy.lookup.wizard"].create({"name": "Petra Kern", "email": "petra.kern@example.com"})
            lookup.action_lookup()
            found = lookup.line_ids.filtered(lambda line: line.res_model == "kundenbindung.merge.journal")
            self.assertEqual(found.mapped("res_id"), journal.ids)
        recent = self.group_of(self.pair(name="Jan Ost", is_company=False))
        recent.with_user(self.manager).action_merge()
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE kundenbindung_merge_journal SET create_date = %s WHERE id = %s",
            [fields.Datetime.now() - relativedelta(months=13), journal.id],
        )
        self.env.invalidate_all()
        self.env["kundenbindung.merge.journal"]._cron_purge()
        self.assertTrue(journal.purged_date)
        self.assertEqual(
            (journal.email, journal.snapshot, journal.source_name), (False, False, "#%s" % journal.source_id)
        )
        self.assertFalse(recent.journal_ids.purged_date)
        self.assertTrue(recent.journal_ids.snapshot)
        with self.assertRaises(UserError):
            journal.with_user(self.manager).action_restore()
        # managers delete entries, users cannot
        user = make_user(self.env, "kb_merge_user", "kb_user", self.company)
        with self.assertRaises(AccessError):
            recent.journal_ids.with_user(user).unlink()
        recent.journal_ids.with_user(self.manager).unlink()
        self.assertFalse(recent.journal_ids.exists())
