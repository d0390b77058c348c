# Copyright 2026 kundenbindung_addon authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

from .common import make_user

HOME = {"street": "Lindenweg 5", "zip": "79098", "city": "Freiburg", "phone": "0761 123456"}
CONTACTS = "base.group_user,base.group_partner_manager"


@tagged("post_install", "-at_install")
class TestDuplicateDoor(AccountTestInvoicingCommon):
    """The contact form warns while a partner is typed in that it probably
    exists already, scored as the duplicate search scores the pair."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.company_data["company"]
        cls.company.write({"country_id": cls.env.ref("base.de").id})
        cls.company_2 = cls.setup_other_company(name="KB Tür Zweitfirma")["company"]
        Partner = cls.env["res.partner"]
        cls.hans = Partner.create(
            {"name": "Hans Oberdorfer", "kundenbindung_birthdate": "1962-04-05", "company_id": False, **HOME}
        )
        cls.father = Partner.create(
            {
                "name": "Walter Kessler",
                "kundenbindung_birthdate": "1950-03-01",
                "company_id": False,
                **dict(HOME, street="Am Markt 2", phone="0761 555000"),
            }
        )
        # a customer of the second company only
        cls.foreign = Partner.create(
            {
                "name": "Petra Lindqvist",
                "company_id": cls.company_2.id,
                **dict(HOME, street="Seestraße 9", phone="0761 777888"),
            }
        )
        # the keys of the partners there are, as a search keeps them
        cls.env["kundenbindung.duplicate.detection"]._detect_company(cls.company)
        cls.clerk = make_user(cls.env, "kb_door_clerk", CONTACTS, cls.company)
        cls.clerk_2 = make_user(
            cls.env, "kb_door_clerk_2", CONTACTS, cls.company_2, companies=cls.company | cls.company_2
        )
        cls.manager = make_user(cls.env, "kb_door_manager", "kb_merger", cls.company)

    def form(self, user, **values):
        form = Form(self.env["res.partner"].with_user(user))
        for name, value in values.items():
            setattr(form, name, value)
        return form

    def warned(self, form):
        return [match["id"] for match in (form.kundenbindung_likely_duplicates or {}).get("matches", [])]

    def test_a_typo_in_the_name_and_the_same_phone_warn_with_probability_and_evidence(self):
        form = self.form(self.clerk, name="Hans Oberdorffer")
        self.assertFalse(form.kundenbindung_likely_duplicates, "a name alone warns of nothing")
        form.phone = "+49 761 123456"
        self.assertEqual(self.warned(form), [self.hans.id])
        match = form.kundenbindung_likely_duplicates["matches"][0]
        self.assertGreaterEqual(match["score"], self.company.kundenbindung_config_id.duplicate_review_score)
        self.assertIn("phone equal", match["evidence"])
        self.assertEqual(match["place"], "79098 Freiburg")
        self.assertFalse(form.kundenbindung_likely_duplicates["blocked"])

    def test_a_son_at_his_fathers_address_is_no_duplicate(self):
        form = self.form(
            self.clerk,
            name="Walter Kessler",
            kundenbindung_birthdate="1980-07-12",
            street="Am Markt 2",
            zip="79098",
            city="Freiburg",
            phone="0761 555000",
        )
        self.assertFalse(form.kundenbindung_likely_duplicates)
        # the same man, his birth date written again: the warning is there
        form.kundenbindung_birthdate = "1950-03-01"
        self.assertEqual(self.warned(form), [self.father.id])

    def test_a_partner_created_since_the_last_search_is_found_too(self):
        new = self.env["res.partner"].create({"name": "Gisela Brandtner", **dict(HOME, phone="0761 999111")})
        form = self.form(self.clerk, name="Gisela Brandner", phone="0761 999111")
        self.assertEqual(self.warned(form), [new.id])

    def test_only_partners_the_user_may_read_are_shown(self):
        values = {"name": "Petra Lindquist", "phone": "0761 777888"}
        self.assertEqual(self.warned(self.form(self.clerk, **values)), [])
        # a user working in the second company is warned of its customer
        self.assertEqual(self.warned(self.form(self.clerk_2, **values)), [self.foreign.id])

    def test_a_partner_hidden_from_the_user_by_a_record_rule_is_not_shown(self):
        values = {"name": "Hans Oberdorffer", "phone": "0761 123456"}
        self.assertEqual(self.warned(self.form(self.clerk, **values)), [self.hans.id])
        # a company that shows its clerks some contacts only (a rule of its own on contacts)
        self.env["ir.rule"].create(
            {
                "name": "Clerks: not the Oberdorfers",
                "model_id": self.env.ref("base.model_res_partner").id,
                "groups": [(4, self.env.ref("base.group_partner_manager").id)],
                "domain_force": "[('name', 'not ilike', 'Oberdorfer')]",
            }
        )
        self.assertEqual(self.warned(self.form(self.clerk, **values)), [])
        # a user the rule does not apply to still is
        reader = make_user(self.env, "kb_door_reader", "base.group_user", self.company)
        self.assertEqual(self.warned(self.form(reader, **values)), [self.hans.id])

    def test_editing_a_partner_does_not_warn_of_itself_nor_of_a_dismissed_pair(self):
        twin = self.env["res.partner"].create({"name": "Hans Oberdorfer", "company_id": False, **HOME})
        self.assertEqual(self.warned(Form(twin.with_user(self.clerk))), [self.hans.id])
        self.env["kundenbindung.duplicate.dismissal"].create(
            {"partner_a_id": min(twin.id, self.hans.id), "partner_b_id": max(twin.id, self.hans.id)}
        )
        self.assertEqual(self.warned(Form(twin.with_user(self.clerk))), [])

    def test_a_manager_may_block_new_duplicates_in_the_form_only(self):
        config = self.company.kundenbindung_config_id
        config.duplicate_block_score = 70
        values = {"name": "Hans Oberdorffer", "phone": "0761 123456", "zip": "79098"}
        form = self.form(self.clerk, **values)
        self.assertTrue(form.kundenbindung_likely_duplicates["blocked"])
        before = self.env["res.partner"].search_count([])
        with self.assertRaisesRegex(UserError, "Hans Oberdorfer"):
            form.save()
        self.assertEqual(self.env["res.partner"].search_count([]), before)
        # a Customer Retention manager is warned, not blocked
        form = self.form(self.manager, **values)
        self.assertFalse(form.kundenbindung_likely_duplicates["blocked"])
        self.assertTrue(form.save())
        # other doors (an import, the API, a website sign-up) are never blocked: checked after
        self.assertTrue(self.env["res.partner"].with_user(self.clerk).create(dict(values)))
        # 0 blocks nothing
        config.duplicate_block_score = 0
        self.assertTrue(self.form(self.clerk, **values).save())

    def test_the_blocking_score_is_0_or_not_below_the_candidates_score(self):
        config = self.company.kundenbindung_config_id
        with self.assertRaises(ValidationError):
            config.duplicate_block_score = config.duplicate_review_score - 1
        with self.assertRaises(ValidationError):
            config.duplicate_block_score = 101
