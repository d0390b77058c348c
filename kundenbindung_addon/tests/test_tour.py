# Copyright 2026 kundenbindung_addon authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""In a real browser and in German: a salesperson's morning and a manager's
review (static/tests/tours)."""

import datetime

from odoo import fields
from odoo.tests import HttpCase, tagged

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

from .common import make_duplicate_group, make_invoice, make_user

# /web leads to the web client wherever it lives
OVERVIEW = "/web#action=kundenbindung_addon.kundenbindung_dashboard_action"


@tagged("post_install", "-at_install")
class TestRetentionTours(AccountTestInvoicingCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.company_data["company"]
        cls.env["res.lang"]._activate_lang("de_DE")
        modules = cls.env["ir.module.module"].search([("name", "in", ("web", "mail", "kundenbindung_addon"))])
        modules._update_translations("de_DE")
        german = {"lang": "de_DE", "tz": "Europe/Berlin"}
        cls.katrin = make_user(cls.env, "kb_tour_katrin", "salesman", cls.company, **german)
        cls.joerg = make_user(cls.env, "kb_tour_joerg", "salesman", cls.company, **german)
        cls.manager = make_user(cls.env, "kb_tour_manager", "kb_merger", cls.company, **german)
        cls.today = fields.Date.context_today(cls.katrin)

    def _customer(self, name, user, abc, churn, stake, todo=None, days=0):
        partner = self.env["res.partner"].create(
            {"name": name, "is_company": True, "email": "kunde@example.de", "user_id": user.id}
        )
        self.env["kundenbindung.customer.segment"].sudo().create(
            {
                "partner_id": partner.id,
                "company_id": self.company.id,
                "abc_class": abc,
                "churn_level": churn,
                "value_at_stake": stake,
                "revenue": stake / 4,
            }
        )
        if todo:
            partner.activity_schedule(
                "mail.mail_activity_data_todo",
                date_deadline=self.today + datetime.timedelta(days=days),
                summary=todo,
                user_id=user.id,
            )
        return partner

    def test_a_salespersons_morning(self):
        customer = self._customer("Tour Kunde B GmbH", self.katrin, "B", "medium", 4200.0, "Anrufen wegen Rückgang")
        self._customer("Tour A-Kunde AG", self.katrin, "A", "high", 36000.0, "Jahresgespräch nachholen", -2)
        self._customer("Tour B-Kunde Treu KG", self.katrin, "B", "low", 3800.0)
        self._customer("Jörgs B-Kunde GmbH", self.joerg, "B", "high", 5000.0, "Besuch", 0)
        cluster = (
            self.env["kundenbindung.interest.cluster"]
            .sudo()
            .create({"name": "Tour Büromöbel", "company_id": self.company.id})
        )
        self.env["kundenbindung.customer.segment"].sudo().search(
            [("partner_id", "=", customer.id)]
        ).cluster_id = cluster
        self.env["kundenbindung.nps.response"].sudo().create(
            {"partner_id": customer.id, "score": 9, "company_id": self.company.id}
        )

        self.start_tour(OVERVIEW, "kundenbindung_morning_tour", login="kb_tour_katrin")

        # the call is logged on the customer, and no longer due
        done = customer.message_ids.filtered(lambda message: "bestellt im Dezember" in str(message.body))
        self.assertTrue(done)
        self.assertFalse(customer.activity_ids)
        campaign = self.env["kundenbindung.campaign"].search([("name", "=", "Gefährdete B-Kunden halten")])
        self.assertEqual(campaign.create_uid, self.katrin)
        self.assertTrue(campaign.abc_b and campaign.churn_medium and campaign.churn_high)
        self.assertFalse(campaign.abc_a or campaign.abc_c or campaign.churn_low)
        # her at-risk B customer only: not the loyal one, not Jörg's
        self.assertEqual(campaign.with_user(self.katrin).target_count, 1)

    def test_a_managers_review(self):
        first = self._customer("Tour Doppel GmbH", self.katrin, "B", "low", 1000.0)
        second = self.env["res.partner"].create({"name": "Tour Doppel GmbH", "is_company": True, "city": "Köln"})
        # the survivor keeps its own values; the journal keeps the merged partner's
        group = make_duplicate_group(self.env, self.company, first | second)
        self.env["kundenbindung.duplicate.pair"].sudo().create(
            {"group_id": group.id, "partner_a_id": first.id, "partner_b_id": second.id, "score": 100.0}
        )
        invoice = make_invoice(self.env, self.company, first, self.today, [(self.product_a, 1, 100.0)], self.tax_sale_a)
        self.env["kundenbindung.customer.spell"]._refresh(self.company)
        partners = self.env["res.partner"].with_context(active_test=False).search_count([])

        self.start_tour(OVERVIEW, "kundenbindung_manager_tour", login="kb_tour_manager")

        group = self.env["kundenbindung.duplicate.group"].search([("company_id", "=", self.company.id)])
        self.assertEqual(group.state, "merged")
        journal = self.env["kundenbindung.merge.journal"].search([("group_id", "=", group.id)])
        self.assertEqual(len(journal), 1)
        # one partner fewer, its invoice with the survivor, what it was in the journal
        self.assertEqual(self.env["res.partner"].with_context(active_test=False).search_count([]), partners - 1)
        # the partner with the revenue stays
        self.assertEqual((first | second).exists(), first)
        self.assertEqual(invoice.commercial_partner_id, first)
        self.assertEqual(journal.survivor_id, first)
        self.assertEqual(journal.source_name, "Tour Doppel GmbH")
        self.assertIn("Köln", journal.stored_values)
        # the pair reads as it was found, not "Tour Doppel GmbH / Tour Doppel GmbH"
        self.assertEqual(
            {group.pair_ids.partner_a_label, group.pair_ids.partner_b_label},
            {"Tour Doppel GmbH (Köln)", "Tour Doppel GmbH (kunde@example.de)"},
        )

    def test_a_caller_who_is_a_customer_already(self):
        # a German company: numbers written without a country code are German
        self.company.country_id = self.env.ref("base.de")
        existing = self.env["res.partner"].create(
            {
                "name": "Hans Oberdorfer",
                "street": "Lindenweg 5",
                "zip": "79098",
                "city": "Freiburg",
                "phone": "0761 123456",
                "customer_rank": 1,
            }
        )
        self.env["kundenbindung.duplicate.detection"]._detect_company(self.company)
        clerk = make_user(
            self.env,
            "kb_tour_sabine",
            "base.group_user,base.group_partner_manager,sales_team.group_sale_salesman",
            self.company,
            lang="de_DE",
            tz="Europe/Berlin",
        )
        partners = self.env["res.partner"].search_count([])

        self.start_tour("/web#action=contacts.action_contacts", "kundenbindung_door_tour", login=clerk.login)

        # nothing was created twice: the typed-in contact was discarded, the customer kept as he was
        self.assertEqual(self.env["res.partner"].search_count([]), partners)
        self.assertFalse(self.env["res.partner"].search([("name", "ilike", "Oberdorffer")]))
        self.assertEqual(existing.phone, "0761 123456")

    def test_a_manager_looks_at_the_portfolio(self):
        Segment = self.env["kundenbindung.customer.segment"].sudo()
        placed = {
            "Tour Star AG": ("star", 80.0, 75.0),
            "Tour Neu GmbH": ("question", 90.0, 10.0),
            "Tour Treu KG": ("cash_cow", 20.0, 80.0),
            "Tour Klein OHG": ("poor", 15.0, 20.0),
        }
        for name, (field, attractiveness, strength) in placed.items():
            partner = self.env["res.partner"].create({"name": name, "is_company": True})
            Segment.create(
                {
                    "partner_id": partner.id,
                    "company_id": self.company.id,
                    "abc_class": "A",
                    "revenue": 1000.0,
                    "gross_margin": 300.0,
                    "portfolio_field": field,
                    "portfolio_attractiveness": attractiveness,
                    "portfolio_strength": strength,
                }
            )
            if field == "star":
                self.env["kundenbindung.portfolio.history"].sudo().create(
                    {
                        "partner_id": partner.id,
                        "company_id": self.company.id,
                        "date": self.today - datetime.timedelta(days=10),
                        "old_field": "question",
                        "new_field": "star",
                    }
                )
        self.start_tour(
            "/web#action=kundenbindung_addon.kundenbindung_customer_portfolio_action",
            "kundenbindung_portfolio_tour",
            login="kb_tour_manager",
        )
