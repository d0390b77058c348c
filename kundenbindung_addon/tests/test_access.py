# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Issue 17: who may read, write, create, delete and call what, walked over
every model and every public method of the addon as six kinds of users,
through the ORM as an RPC call would reach it (``with_user``, public
methods only)."""

import inspect

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import TransactionCase, tagged

from .common import make_user

ADDON = "odoo.addons.kundenbindung_addon"
KINDS = ("clerk", "portal", "own", "all", "manager", "other")
CONTACTS = "base.group_user,base.group_partner_manager"

# model -> kind -> (operations on the record of the own-customers salesperson's customer,
#                   operations on the record of a colleague's customer); a single string where the
# record belongs to no customer. r read, w write, c create (a record like it, in company 1), u unlink.
# A kind not named may do nothing. "other" is a manager of another company only.
EXPECTED = {
    "kundenbindung.customer.segment": {"own": ("r", ""), "all": ("r", "r"), "manager": ("r", "r")},
    "kundenbindung.class.history": {"own": ("r", ""), "all": ("r", "r"), "manager": ("ru", "ru")},
    "kundenbindung.portfolio.history": {"own": ("r", ""), "all": ("r", "r"), "manager": ("ru", "ru")},
    "kundenbindung.loyalty.history": {"own": ("r", ""), "all": ("r", "r"), "manager": ("ru", "ru")},
    # the margins of a company's product categories, over all its customers: for those who see all
    "kundenbindung.category.margin": {"all": "r", "manager": "r"},
    "kundenbindung.referral": {"own": ("r", ""), "all": ("r", "r"), "manager": ("r", "r")},
    "kundenbindung.nps.response": {"own": ("rwc", ""), "all": ("r", "rwc"), "manager": ("rwcu", "rwcu")},
    "kundenbindung.nps.report": {"own": ("r", ""), "all": ("r", "r"), "manager": ("r", "r")},
    "kundenbindung.customer.loss": {"own": ("rwc", ""), "all": ("rwc", "rwc"), "manager": ("rwcu", "rwcu")},
    "kundenbindung.loyalty.report": {"own": ("r", ""), "all": ("r", "r"), "manager": ("r", "r")},
    "kundenbindung.campaign": {"own": ("rwc", ""), "all": ("rc", "rwc"), "manager": ("rwcu", "rwcu")},
    "kundenbindung.campaign.recipient": {"own": ("r", ""), "all": ("r", "r"), "manager": ("r", "r")},
    "kundenbindung.interest.cluster": {"own": "r", "all": "r", "manager": "rw"},
    "kundenbindung.interest.cluster.category": {"own": "r", "all": "r", "manager": "r"},
    # reasons for leaving are shared by all companies, like product categories
    "kundenbindung.churn.reason": {"own": "r", "all": "r", "manager": "rwcu", "other": "rwcu"},
    "kundenbindung.loyalty.tier": {"own": "r", "all": "r", "manager": "rwcu"},
    "kundenbindung.occasion": {"own": "r", "all": "r", "manager": "rwcu"},
    "kundenbindung.occasion.log": {"manager": "r"},
    "kundenbindung.duplicate.group": {"manager": "rw"},
    "kundenbindung.duplicate.pair": {"manager": "r"},
    "kundenbindung.duplicate.dismissal": {"manager": "rc"},
    "kundenbindung.merge.journal": {"manager": "ru"},
    # the company's settings: read in Customer Retention, changed by its managers; created with the company
    "kundenbindung.config": {"own": "r", "all": "r", "manager": "rw"},
    "kundenbindung.forecast.check": {"manager": "r"},
    # the kept spells behind Retention over Time: read there through the segments' rules; managers may look
    "kundenbindung.customer.spell": {"manager": "r"},
    "kundenbindung.forecast.check.line": {"manager": "r"},
    # the duplicate search's keys: the system only
    "kundenbindung.duplicate.key": {},
    # contact lists (the own-customers salesperson's): whoever may create contacts imports their own;
    # managers see all of their companies'
    "kundenbindung.contact.import": {"own": "rwcu", "all": "c", "manager": "rwcu", "other": "c"},
    "kundenbindung.contact.import.line": {"own": "rwcu", "all": "c", "manager": "rwcu", "other": "c"},
    # a view on invoices: only for those who may read invoices (Billing), none of the kinds here
    "kundenbindung.revenue.report": {},
}

# (model, public method) -> the kinds that may call it, on company 1's records of the
# own-customers salesperson (its customer, its campaign); the others get an AccessError.
OPENS = {"own", "all", "manager"}  # opens a view of what the reader may read
MAY_CALL = {
    ("kundenbindung.campaign", "action_view_target"): OPENS,
    ("kundenbindung.campaign", "action_view_recipients"): OPENS,
    ("kundenbindung.campaign", "action_view_mailing"): OPENS,
    ("kundenbindung.campaign", "action_view_referrals"): OPENS,
    ("kundenbindung.campaign", "action_schedule"): {"own", "manager"},
    ("kundenbindung.campaign", "action_launch"): {"own", "manager"},
    ("kundenbindung.campaign", "action_send_test"): {"own", "manager"},
    ("kundenbindung.campaign", "action_done"): {"own", "manager"},
    ("kundenbindung.campaign", "action_draft"): {"own", "manager"},
    ("kundenbindung.campaign", "action_update_effect"): {"own", "manager"},
    ("kundenbindung.customer.segment", "action_new_campaign"): OPENS,
    ("kundenbindung.customer.segment", "action_send_nps"): OPENS,
    # the customers list of the caller's current company (its own customers for salespeople)
    ("kundenbindung.customer.segment", "action_open_customers"): {"own", "all", "manager", "other"},
    ("kundenbindung.customer.segment", "action_open_partner"): OPENS,
    # the portfolio chart of the caller's current company, read with the caller's rights
    ("kundenbindung.customer.segment", "kundenbindung_portfolio_data"): {"own", "all", "manager", "other"},
    # the promoter analysis of the caller's current company, read with the caller's rights
    ("kundenbindung.promoter.analysis", "action_open"): {"own", "all", "manager", "other"},
    # for the caller's current company: the other company's manager searches their own
    ("kundenbindung.duplicate.detection", "action_detect"): {"manager", "other"},
    ("kundenbindung.segmentation", "action_recompute"): {"manager", "other"},
    ("kundenbindung.duplicate.group", "action_dismiss"): {"manager"},
    ("kundenbindung.duplicate.group", "action_merge"): {"manager"},
    ("kundenbindung.duplicate.group", "action_review"): {"manager"},
    ("kundenbindung.interest.cluster", "action_open_members"): OPENS,
    # the list's owner (it needs Odoo's contact creation right) and the managers
    ("kundenbindung.contact.import", "action_preview"): {"own", "manager"},
    ("kundenbindung.contact.import", "action_import"): {"own", "manager"},
    ("kundenbindung.interest.cluster", "action_reset_name"): {"manager"},
    ("kundenbindung.merge.journal", "action_restore"): {"manager"},
    ("kundenbindung.nps.response", "action_followed_up"): {"own", "manager"},
    ("kundenbindung.nps.response", "action_open_partner"): OPENS,
    ("kundenbindung.mark.lost", "action_mark_lost"): {"own", "all", "manager"},
    ("kundenbindung.nps.send", "action_send"): {"own", "all", "manager"},
    # the overview opens the lists of the caller's current company, which check the rest
    **{
        ("kundenbindung.dashboard", f"action_open_{name}"): {"own", "all", "manager", "other"}
        for name in ("today", "at_risk", "slipped", "lost", "nps", "followups", "campaigns", "retention")
    },
    ("kundenbindung.dashboard", "action_open_duplicates"): {"manager", "other"},
    ("kundenbindung.config", "action_create_loyalty_program"): {"manager"},
    ("kundenbindung.config", "action_loyalty_backfill"): {"manager"},
    ("kundenbindung.config", "action_recompute"): {"manager"},
    # opens the settings of the caller's current company, which the form then checks
    ("kundenbindung.config", "action_open_current"): {"own", "all", "manager", "other"},
    # Odoo's Settings: administrators only, none of the kinds here
    ("res.config.settings", "action_kundenbindung_open_config"): set(),
    ("res.partner", "action_kundenbindung_loyalty_cards"): OPENS,
    ("res.partner", "action_kundenbindung_mark_lost"): OPENS,
    ("res.partner", "action_kundenbindung_new_campaign"): OPENS,
    ("res.partner", "action_kundenbindung_send_nps"): OPENS,
}


class _Undo(Exception):
    """Raised inside a savepoint to undo what an allowed call did."""


def addon_public_methods(env):
    """{(model, method)} of every public method the addon adds (not an
    override of a method of Odoo's, which Odoo checks itself)."""
    found = set()
    for model_name in env.registry:
        cls = type(env[model_name])
        names = {
            name
            for klass in cls.__mro__
            for name, attr in vars(klass).items()
            if not name.startswith("_") and inspect.isfunction(attr)
        }
        for name in names:
            owners = [klass.__module__ for klass in cls.__mro__ if name in vars(klass)]
            if all(owner.startswith(ADDON) for owner in owners):
                found.add((model_name, name))
    return found


@tagged("post_install", "-at_install")
class TestAccessWalk(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.company = env.company
        cls.company_2 = env["res.company"].create({"name": "KB Zugriff Zweitfirma"})

        def user(login, groups, company=cls.company):
            return make_user(env, login, groups, company)

        cls.users = {
            "clerk": user("kb_walk_clerk", "base.group_user"),
            "portal": user("kb_walk_portal", "base.group_portal"),
            # internal users as Odoo makes them by default: they may create and delete contacts
            "own": user("kb_walk_own", f"{CONTACTS},sales_team.group_sale_salesman"),
            "all": user("kb_walk_all", f"{CONTACTS},sales_team.group_sale_salesman_all_leads"),
            "manager": user("kb_walk_manager", f"{CONTACTS},sales_team.group_sale_manager"),
            "other": user("kb_walk_other", f"{CONTACTS},sales_team.group_sale_manager", cls.company_2),
        }
        Partner = env["res.partner"]
        company_id = cls.company.id
        cls.mine = Partner.create(
            {
                "name": "Eigenkunde GmbH",
                "is_company": True,
                "company_id": company_id,
                "user_id": cls.users["own"].id,
                "email": "eigen@example.de",
            }
        )
        cls.theirs = Partner.create(
            {
                "name": "Fremdkunde AG",
                "is_company": True,
                "company_id": company_id,
                "user_id": cls.users["all"].id,
                "email": "fremd@example.de",
            }
        )
        twins = Partner.create(
            [
                {"name": "Doppel GmbH", "is_company": True, "company_id": company_id, "city": "Köln"},
                {"name": "Doppel G.m.b.H.", "is_company": True, "company_id": company_id, "city": "Köln"},
            ]
        )
        reason = env["kundenbindung.churn.reason"].create({"name": "Preis"})
        cluster = env["kundenbindung.interest.cluster"].create({"name": "Kaffee", "company_id": company_id})
        program = env["loyalty.program"].create({"name": "Punkte", "program_type": "loyalty", "company_id": company_id})
        occasion = env["kundenbindung.occasion"].create({"name": "Geburtstag", "company_id": company_id})
        group = env["kundenbindung.duplicate.group"].create(
            {"company_id": company_id, "partner_ids": [Command.set(twins.ids)], "score": 99.0}
        )
        check = env["kundenbindung.forecast.check"].create(
            {
                "company_id": company_id,
                "date": "2026-06-30",
                "customers": 2,
                "line_ids": [Command.create({"kind": "band", "band": "low", "predicted": 20.0, "actual": 15.0})],
            }
        )
        records = {}
        for side, partner in (("mine", cls.mine), ("theirs", cls.theirs)):
            salesperson = partner.user_id
            segment = env["kundenbindung.customer.segment"].create(
                {
                    "partner_id": partner.id,
                    "company_id": company_id,
                    "abc_class": "A",
                    "revenue": 9000.0,
                    "cluster_id": cluster.id,
                }
            )
            response = env["kundenbindung.nps.response"].create(
                {"partner_id": partner.id, "score": 4, "company_id": company_id, "comment": "zu teuer"}
            )
            campaign = env["kundenbindung.campaign"].create(
                {
                    "name": f"Kampagne {partner.name}",
                    "company_id": company_id,
                    "user_id": salesperson.id,
                    "abc_a": True,
                    "channel": "call_list",
                }
            )
            # a launched campaign of the same salesperson, with the customer among its recipients
            launched = campaign.copy({"name": f"Gestartet {partner.name}", "state": "running"})
            env["loyalty.card"].create({"program_id": program.id, "partner_id": partner.id, "points": 500.0})
            records[side] = {
                "kundenbindung.customer.segment": segment,
                "kundenbindung.class.history": env["kundenbindung.class.history"].create(
                    {
                        "partner_id": partner.id,
                        "company_id": company_id,
                        "old_class": "A",
                        "new_class": "B",
                        "date": "2026-01-01",
                    }
                ),
                "kundenbindung.portfolio.history": env["kundenbindung.portfolio.history"].create(
                    {
                        "partner_id": partner.id,
                        "company_id": company_id,
                        "old_field": "question",
                        "new_field": "star",
                        "date": "2026-01-01",
                    }
                ),
                "kundenbindung.referral": env["kundenbindung.referral"].create(
                    {
                        "partner_id": env["res.partner"].create({"name": f"Empfohlen von {partner.name}"}).id,
                        "referrer_id": partner.id,
                        "company_id": company_id,
                        "date": "2026-01-01",
                        "points": 50.0,
                    }
                ),
                "kundenbindung.loyalty.history": env["kundenbindung.loyalty.history"].create(
                    {"partner_id": partner.id, "company_id": company_id, "month": "2026-01-01", "loyalty_index": 50}
                ),
                "kundenbindung.nps.response": response,
                "kundenbindung.customer.loss": env["kundenbindung.customer.loss"].create(
                    {"partner_id": partner.id, "company_id": company_id, "reason_id": reason.id}
                ),
                "kundenbindung.campaign": campaign,
                "kundenbindung.campaign.recipient": env["kundenbindung.campaign.recipient"].create(
                    {"campaign_id": launched.id, "partner_id": partner.id}
                ),
            }
            env.flush_all()
            records[side]["kundenbindung.nps.report"] = env["kundenbindung.nps.report"].search(
                [("response_id", "=", response.id)]
            )
            records[side]["kundenbindung.loyalty.report"] = env["kundenbindung.loyalty.report"].search(
                [("partner_id", "=", partner.id), ("company_id", "=", company_id)]
            )
        cls.single = {
            "kundenbindung.interest.cluster": cluster,
            "kundenbindung.interest.cluster.category": env["kundenbindung.interest.cluster.category"].create(
                {"cluster_id": cluster.id, "category_id": env.ref("product.product_category_all").id}
            ),
            "kundenbindung.churn.reason": reason,
            "kundenbindung.loyalty.tier": env["kundenbindung.loyalty.tier"].create(
                {"name": "Gold", "min_points": 1234.0, "company_id": company_id}
            ),
            "kundenbindung.occasion": occasion,
            "kundenbindung.occasion.log": env["kundenbindung.occasion.log"].create(
                {"occasion_id": occasion.id, "partner_id": cls.mine.id, "year": 2026}
            ),
            "kundenbindung.duplicate.group": group,
            "kundenbindung.customer.spell": env["kundenbindung.customer.spell"].create(
                {
                    "company_id": company_id,
                    "partner_id": cls.mine.id,
                    "start_month": "2026-01-01",
                    "end_month": "2026-03-01",
                    "lost_revenue": 120.0,
                }
            ),
            "kundenbindung.duplicate.pair": env["kundenbindung.duplicate.pair"].create(
                {"group_id": group.id, "partner_a_id": twins[0].id, "partner_b_id": twins[1].id, "score": 99.0}
            ),
            "kundenbindung.duplicate.dismissal": env["kundenbindung.duplicate.dismissal"].create(
                {"partner_a_id": min(cls.mine.id, cls.theirs.id), "partner_b_id": max(cls.mine.id, cls.theirs.id)}
            ),
            "kundenbindung.merge.journal": env["kundenbindung.merge.journal"].create(
                {
                    "company_id": company_id,
                    "source_id": 1,
                    "source_name": "Alt GmbH",
                    "snapshot": {"name": "Alt GmbH", "city": "Bonn"},
                }
            ),
            "kundenbindung.forecast.check": check,
            "kundenbindung.category.margin": env["kundenbindung.category.margin"].create(
                {"company_id": company_id, "category_id": env.ref("product.product_category_all").id}
            ),
            "kundenbindung.config": cls.company.kundenbindung_config_id,
            "kundenbindung.forecast.check.line": check.line_ids[:1],
            "kundenbindung.duplicate.key": env["kundenbindung.duplicate.key"].create(
                {"partner_id": cls.mine.id, "name": "eigenkunde"}
            ),
        }
        contact_list = (
            env["kundenbindung.contact.import"]
            .with_user(cls.users["own"])
            .create({"name": "Messe", "file": b"TmFtZQpBbm5hIEJlY2sK", "filename": "messe.csv"})
        )
        contact_list.action_preview()
        cls.single["kundenbindung.contact.import"] = contact_list.sudo()
        cls.single["kundenbindung.contact.import.line"] = contact_list.sudo().line_ids[:1]
        cls.records = records
        cls.reason, cls.twins = reason, twins

    # ------------------------------------------------------------------ helpers

    def attempt(self, action, *args):
        """'ok' if ``action`` passes the access checks (what it did undone;
        a business refusal such as "nobody to ask" counts as passed),
        'denied' on an AccessError."""
        # nothing read before by the test's superuser stands in for what the user may read
        self.env.invalidate_all()
        try:
            with self.env.cr.savepoint():
                action(*args)
                raise _Undo
        except _Undo:
            return "ok"
        except AccessError:
            return "denied"
        except UserError:
            return "ok"

    def create_values(self, model, partner):
        """Values of a record like the side's, in company 1 (None: no kind may create it)."""
        company_id = self.company.id
        return {
            "kundenbindung.nps.response": {"partner_id": partner.id, "score": 8, "company_id": company_id},
            "kundenbindung.customer.loss": {
                "partner_id": partner.id,
                "company_id": company_id,
                "reason_id": self.reason.id,
            },
            "kundenbindung.campaign": {
                "name": "Neu",
                "company_id": company_id,
                "user_id": partner.user_id.id,
                "abc_a": True,
                "channel": "call_list",
            },
            "kundenbindung.churn.reason": {"name": "KB Zugriffstest"},
            "kundenbindung.loyalty.tier": {"name": "Platin", "min_points": 5678.0, "company_id": company_id},
            "kundenbindung.occasion": {"name": "Jubiläum", "company_id": company_id},
            "kundenbindung.duplicate.dismissal": {
                "partner_a_id": min(self.twins.ids),
                "partner_b_id": max(self.twins.ids),
            },
        }.get(model)

    def allowed(self, user, record, model, partner):
        """The operations ``user`` may do on ``record``, as 'rwcu' letters."""
        done = ""
        if record:
            as_user = record.with_user(user)
            if self.attempt(lambda: as_user.read(["display_name"])) == "ok":
                done += "r"
            if self.attempt(lambda: as_user.check_access("write")) == "ok":
                done += "w"
        values = self.create_values(model, partner)
        if values is None:
            if self.env[model].with_user(user).has_access("create"):
                done += "c"
        elif self.attempt(lambda: self.env[model].with_user(user).create(values)) == "ok":
            done += "c"
        if record and self.attempt(lambda: record.with_user(user).check_access("unlink")) == "ok":
            done += "u"
        return done

    # ------------------------------------------------------------------ the walk

    def test_every_model_as_every_kind_of_user(self):
        stored = {
            name
            for name in self.env.registry
            if name.startswith("kundenbindung.") and not self.env[name]._abstract and not self.env[name]._transient
        }
        self.assertEqual(stored, set(EXPECTED), "every stored model of the addon has its line in EXPECTED")
        for model, by_kind in EXPECTED.items():
            for kind in KINDS:
                user = self.users[kind]
                expected = by_kind.get(kind, ("", "") if model in self.records["mine"] else "")
                with self.subTest(model=model, kind=kind):
                    if model in self.records["mine"]:
                        got = tuple(
                            self.allowed(user, self.records[side][model], model, partner)
                            for side, partner in (("mine", self.mine), ("theirs", self.theirs))
                        )
                    elif model in self.single:
                        got = self.allowed(user, self.single[model], model, self.mine)
                    else:  # a report without rows here: what the access rights allow
                        got = "r" if self.env[model].with_user(user).has_access("read") else ""
                    self.assertEqual(got, expected)

    def test_every_public_method_as_every_kind_of_user(self):
        declared = set(MAY_CALL)
        self.assertEqual(
            addon_public_methods(self.env),
            declared,
            "every public method of the addon states who may call it (MAY_CALL)",
        )
        for (model, method), kinds in sorted(MAY_CALL.items()):
            for kind in KINDS:
                with self.subTest(model=model, method=method, kind=kind):
                    outcome = self.attempt(self.call, model, method, self.users[kind])
                    self.assertEqual(outcome, "ok" if kind in kinds else "denied")

    # ------------------------------------------------------------------ the findings, one by one

    def test_own_customers_salesperson_sees_only_her_customers_figures(self):
        """A salesperson with Sales' "Own Documents Only" read the revenue
        and value of every customer; now her own (and unassigned) ones, on
        the partner form, in searches and in the lists; "All Documents"
        sees all."""
        own, everyone = self.users["own"], self.users["all"]
        both = (self.mine | self.theirs).ids
        self.assertEqual(self.mine.with_user(own).kundenbindung_revenue, 9000.0)
        self.assertEqual(self.mine.with_user(own).kundenbindung_abc_class, "A")
        self.assertEqual(self.theirs.with_user(own).kundenbindung_revenue, 0.0)
        self.assertFalse(self.theirs.with_user(own).kundenbindung_abc_class)
        self.assertFalse(self.theirs.with_user(own).kundenbindung_nps_category)
        self.assertEqual(self.theirs.with_user(everyone).kundenbindung_revenue, 9000.0)
        Partner = self.env["res.partner"]
        for field, value in (("kundenbindung_abc_class", "A"), ("kundenbindung_nps_category", "detractor")):
            found = Partner.with_user(own).search([("id", "in", both), (field, "=", value)])
            self.assertEqual(found, self.mine, field)
            found = Partner.with_user(everyone).search([("id", "in", both), (field, "=", value)])
            self.assertEqual(found, self.mine | self.theirs, field)
        history = self.env["kundenbindung.class.history"].with_user(own).search([("partner_id", "in", both)])
        self.assertEqual(history.partner_id, self.mine)

    def test_revenue_analysis_only_for_invoice_readers(self):
        """The per-invoice revenue report was open to every salesperson,
        while Odoo refuses her the invoice analysis."""
        own = self.users["own"]
        Report = self.env["kundenbindung.revenue.report"]
        self.assertFalse(self.env["account.invoice.report"].with_user(own).has_access("read"))
        with self.assertRaises(AccessError):
            Report.with_user(own).search([])
        menu = self.env.ref("kundenbindung_addon.kundenbindung_menu_revenue_report")
        self.assertNotIn(menu.id, self.env["ir.ui.menu"].with_user(own)._visible_menu_ids())
        own.groups_id += self.env.ref("account.group_account_invoice")
        self.env.invalidate_all()
        Report.with_user(own).search([])
        self.assertIn(menu.id, self.env["ir.ui.menu"].with_user(own)._visible_menu_ids())

    def test_merge_journal_shows_only_the_fields_the_reader_may_read(self):
        """The journal's snapshot was read with sudo: a partner field with
        ``groups=`` showed to every manager."""
        journal = self.single["kundenbindung.merge.journal"]
        journal.snapshot = {"name": "Alt GmbH", "city": "Bonn", "signup_type": "reset"}
        manager = self.users["manager"]
        self.assertFalse(manager.has_group("base.group_erp_manager"))
        shown = journal.with_user(manager).stored_values
        self.assertIn("Bonn", shown)
        self.assertNotIn("reset", shown)
        with self.assertRaises(AccessError):
            journal.with_user(manager).read(["snapshot"])
        manager.groups_id += self.env.ref("base.group_erp_manager")
        self.env.invalidate_all()
        self.assertIn("reset", journal.with_user(manager).stored_values)

    def test_a_manager_of_another_company_cannot_dismiss_its_duplicates(self):
        """A "not a duplicate" decision on two partners of company 1 would
        keep them from ever being proposed there again."""
        other = self.users["other"]
        with self.assertRaises(AccessError):
            self.env["kundenbindung.duplicate.dismissal"].with_user(other).create(
                {"partner_a_id": min(self.twins.ids), "partner_b_id": max(self.twins.ids)}
            )
        self.assertFalse(
            self.env["kundenbindung.duplicate.dismissal"]
            .with_user(other)
            .search([])
            .filtered(lambda d: d.partner_a_id in self.mine | self.theirs)
        )

    def test_an_own_customers_salesperson_cannot_reach_a_colleagues_customers(self):
        """Review of issue 17: naming someone else responsible, a hand-set
        state, a loss or an answer moved to a colleague's customer, a
        survey sent to them."""
        own = self.users["own"]
        Campaign = self.env["kundenbindung.campaign"].with_user(own)
        with self.assertRaises(AccessError):
            Campaign.create({"name": "Fremd", "user_id": self.users["all"].id, "abc_a": True})
        chosen = Campaign.create({"name": "Auswahl", "partner_ids": [Command.set((self.mine | self.theirs).ids)]})
        self.assertEqual(chosen._target(), self.mine)
        self.assertEqual(chosen.target_revenue, 9000.0)
        with self.assertRaises(AccessError):
            chosen.write({"state": "scheduled", "launch_date": "2099-01-01"})
        with self.assertRaises(AccessError):
            Campaign.create({"name": "Sofort", "abc_a": True, "channel": "email", "state": "scheduled"})
        loss = self.records["mine"]["kundenbindung.customer.loss"].with_user(own)
        with self.assertRaises(AccessError):
            loss.write({"partner_id": self.theirs.id})
        Response = self.env["kundenbindung.nps.response"].with_user(own)
        with self.assertRaises(AccessError):
            Response.create({"partner_id": self.theirs.id, "score": 0, "company_id": self.company.id})
        with self.assertRaises(AccessError):
            Response.create({"partner_id": self.mine.id, "score": 5, "user_id": self.users["all"].id})
        with self.assertRaises(AccessError):
            self.records["mine"]["kundenbindung.nps.response"].with_user(own).write({"partner_id": self.theirs.id})
        employee = self.users["clerk"].partner_id
        wizard = (
            self.env["kundenbindung.nps.send"]
            .with_user(own)
            .create({"partner_ids": [Command.set((self.mine | self.theirs | employee).ids)]})
        )
        self.assertEqual(wizard.recipient_ids | wizard.no_email_ids | wizard.skipped_ids, self.mine)

    def test_shared_tiers_and_summed_revenue(self):
        """Only administrators change the tiers shared by all companies; the
        clusters' summed revenue is for those who see all customers."""
        gold = self.env.ref("kundenbindung_addon.loyalty_tier_gold")
        self.assertFalse(gold.company_id)
        for kind in ("other", "manager"):
            with self.assertRaises(AccessError, msg=kind):
                gold.with_user(self.users[kind]).write({"min_points": 50.0})
        tier = self.single["kundenbindung.loyalty.tier"]
        tier.with_user(self.users["manager"]).write({"min_points": 1500.0})
        cluster = self.single["kundenbindung.interest.cluster"]
        with self.assertRaises(AccessError):
            cluster.with_user(self.users["own"]).read(["revenue"])
        cluster.with_user(self.users["all"]).read(["revenue", "revenue_share"])

    def call(self, model, method, user):
        return getattr(self.target(model, user), method)()

    def target(self, model, user):
        """What ``user`` calls ``model``'s method on: company 1's record of
        the own-customers salesperson, a wizard the user opens, or the model."""
        mine = self.records["mine"]
        company_id = self.company.id
        if model in mine:
            return mine[model].with_user(user)
        if model in self.single:
            return self.single[model].with_user(user)
        if model == "res.partner":
            return self.mine.with_user(user)
        if model == "res.company":
            return self.company.with_user(user)
        wizards = {
            "kundenbindung.mark.lost": {
                "partner_ids": [Command.set(self.mine.ids)],
                "company_id": company_id,
                "reason_id": self.reason.id,
            },
            "kundenbindung.nps.send": {"partner_ids": [Command.set(self.mine.ids)], "company_id": company_id},
            # the overview of the caller's current company
            "kundenbindung.dashboard": {},
        }
        if model in wizards:
            return self.env[model].with_user(user).create(wizards[model])
        if model == "res.config.settings":
            return self.env[model].with_user(user).create({})
        return self.env[model].with_user(user)
