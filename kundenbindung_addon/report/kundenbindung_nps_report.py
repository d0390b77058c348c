# Copyright 2026 kundenbindung_addon authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models
from odoo.tools import SQL

from ..models.kundenbindung_customer_segment import ABC_SELECTION
from ..models.kundenbindung_nps_response import NPS_CATEGORY_SELECTION


class KundenbindungNpsReport(models.Model):
    """NPS answers with the customer's current ABC class and interest
    cluster: the company NPS by period, class, cluster and salesperson
    (the average of ``nps`` over any group is that group's NPS)."""

    _name = "kundenbindung.nps.report"
    _description = "Net Promoter Score Analysis"
    _auto = False
    _order = "date desc"

    response_id = fields.Many2one("kundenbindung.nps.response", string="Answer", readonly=True)
    date = fields.Date(readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    score = fields.Float(readonly=True, aggregator="avg")
    category = fields.Selection(NPS_CATEGORY_SELECTION, readonly=True)
    nps = fields.Float(string="NPS", readonly=True, aggregator="avg")
    promoters = fields.Integer(readonly=True)
    passives = fields.Integer(readonly=True)
    detractors = fields.Integer(readonly=True)
    source = fields.Selection(
        [("survey", "Survey"), ("manual", "Entered by hand"), ("import", "Import")], readonly=True
    )
    abc_class = fields.Selection(
        ABC_SELECTION, string="ABC Class", readonly=True, help="The customer's ABC class today."
    )
    cluster_id = fields.Many2one(
        "kundenbindung.interest.cluster",
        string="Interest Cluster",
        readonly=True,
        help="The customer's interest cluster today.",
    )

    # what the view reads: the ORM writes these to the database before it is queried
    _depends = {
        "kundenbindung.nps.response": [
            "date",
            "commercial_partner_id",
            "company_id",
            "user_id",
            "score",
            "category",
            "nps",
            "source",
        ],
        "kundenbindung.customer.segment": ["partner_id", "company_id", "abc_class", "cluster_id"],
    }

    @property
    def _table_query(self):
        return SQL("%s %s", self._select(), self._from())

    def _select(self):
        return SQL(
            """
            SELECT response.id AS id,
                   response.id AS response_id,
                   response.date AS date,
                   response.commercial_partner_id AS partner_id,
                   response.company_id AS company_id,
                   response.user_id AS user_id,
                   response.score AS score,
                   response.category AS category,
                   response.nps AS nps,
                   (response.category = 'promoter')::int AS promoters,
                   (response.category = 'passive')::int AS passives,
                   (response.category = 'detractor')::int AS detractors,
                   response.source AS source,
                   segment.abc_class AS abc_class,
                   segment.cluster_id AS cluster_id
            """
        )

    def _from(self):
        return SQL(
            """
              FROM kundenbindung_nps_response response
         LEFT JOIN kundenbindung_customer_segment segment
                    ON segment.partner_id = response.commercial_partner_id
                   AND segment.company_id = response.company_id
            """
        )
