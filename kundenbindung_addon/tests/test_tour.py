# Copyright 2026 kundenbindung_addon authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import HttpCase, tagged

from .common import make_user


@tagged("post_install", "-at_install")
class TestSalesmanTour(HttpCase):
    """In a real browser: a salesman opens Customer Retention, finds a B
    customer in the kanban, sees its NPS, points and cluster, and creates a
    campaign for the B customers."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = cls.env.company
        cls.salesman = make_user(
            cls.env,
            "kb_tour_salesman",
            "base.group_user,sales_team.group_sale_salesman,kundenbindung_addon.group_kundenbindung_user",
            company,
        )
        customer = cls.env["res.partner"].create(
            {"name": "Tour Kunde B GmbH", "is_company": True, "email": "tour@example.de", "user_id": cls.salesman.id}
        )
        cluster = (
            cls.env["kundenbindung.interest.cluster"]
            .sudo()
            .create({"name": "Tour Büromöbel", "company_id": company.id})
        )
        cls.env["kundenbindung.customer.segment"].sudo().create(
            {
                "partner_id": customer.id,
                "company_id": company.id,
                "abc_class": "B",
                "revenue": 9000.0,
                "churn_level": "medium",
                "cluster_id": cluster.id,
            }
        )
        cls.env["kundenbindung.nps.response"].sudo().create({"partner_id": customer.id, "score": 9})
        program = company.sudo().kundenbindung_config_id.action_create_loyalty_program()
        cls.env["loyalty.card"].sudo().create({"program_id": program.id, "partner_id": customer.id, "points": 250})

    def test_salesman_round(self):
        self.start_tour("/web", "kundenbindung_salesman_tour", login="kb_tour_salesman")
        campaign = self.env["kundenbindung.campaign"].search([("name", "=", "Tour: B-Kunden halten")])
        self.assertTrue(campaign.abc_b)
        self.assertEqual(campaign.create_uid, self.salesman)
        self.assertEqual(campaign.with_user(self.salesman).target_count, 1)
