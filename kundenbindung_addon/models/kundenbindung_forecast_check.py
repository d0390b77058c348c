# Copyright 2026 kundenbindung_addon authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""How well the forecasts came true: every nightly segment run checks the
forecast made from the history up to half a year ago against the half
year that followed (``engine.backtest_clv``), for the managers."""

import math

from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import format_date, formatLang

# the months the check looks back: the forecast made then, compared with what happened since
CHECK_MONTHS = 6
LINE_KINDS = [("band", "Churn level"), ("bucket", "Purchases before")]
MODELS = [("bgnbd", "BG/NBD + Gamma-Gamma"), ("rhythm", "Customer's own rhythm")]


class KundenbindungForecastCheck(models.Model):
    _name = "kundenbindung.forecast.check"
    _description = "Forecast Check"
    _order = "date desc, id desc"

    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    date = fields.Date(string="Checked On", required=True, readonly=True)
    cutoff = fields.Date(
        string="Forecast Made On", readonly=True, help="The forecast was made from the history up to this day."
    )
    months = fields.Integer(string="Months Compared", readonly=True)
    complete = fields.Boolean(
        string="Full Period",
        readonly=True,
        help="The data reaches the end of the period compared; otherwise the figures cover a shorter period.",
    )
    forecast_model = fields.Selection(MODELS, string="Model", readonly=True)
    customers = fields.Integer(readonly=True)
    actual_revenue = fields.Monetary(readonly=True)
    predicted_revenue = fields.Monetary(readonly=True)
    mae = fields.Monetary(
        string="Mean Error per Customer",
        readonly=True,
        help="Mean absolute difference of predicted and actual revenue.",
    )
    naive_mae = fields.Monetary(
        string="Mean Error, Last Period Repeated",
        readonly=True,
        help='The same for the naive forecast "the next months bring what the last ones brought".',
    )
    correlation = fields.Float(readonly=True, digits=(16, 3), help="Pearson r of predicted and actual revenue.")
    churn_auc = fields.Float(
        string="Churn Ranking (AUC)",
        readonly=True,
        digits=(16, 3),
        help="Probability that a customer who then bought nothing had the higher churn risk than one who bought: "
        "0.5 is chance, 1 perfect.",
    )
    chart = fields.Html(string="Calibration Chart", compute="_compute_chart", sanitize=False)
    line_ids = fields.One2many("kundenbindung.forecast.check.line", "check_id", string="Calibration", readonly=True)
    band_line_ids = fields.One2many(
        "kundenbindung.forecast.check.line",
        "check_id",
        string="By Churn Level",
        domain=[("kind", "=", "band")],
        readonly=True,
    )
    bucket_line_ids = fields.One2many(
        "kundenbindung.forecast.check.line",
        "check_id",
        string="By Purchases Before",
        domain=[("kind", "=", "bucket")],
        readonly=True,
    )

    @api.depends("date")
    def _compute_display_name(self):
        for check in self:
            check.display_name = self.env._(
                "Forecast check of %(date)s", date=format_date(self.env, check.date) if check.date else ""
            )

    @api.depends("band_line_ids")
    def _compute_chart(self):
        """The calibration chart: per churn level a bar of the predicted
        churn and one of the share that bought nothing, in the reader's
        language (HTML bars, no script)."""
        labels = dict(self.env["kundenbindung.forecast.check.line"]._fields["band"]._description_selection(self.env))
        predicted, observed = self.env._("predicted"), self.env._("bought nothing")
        for check in self:
            rows = []
            for line in check.band_line_ids:
                bars = "".join(
                    Markup(
                        '<div class="d-flex align-items-center mb-1"><div class="%s" style="height:0.9rem;width:%s%%"></div>'
                        '<small class="ms-2 text-nowrap">%s %%, %s</small></div>'
                    )
                    % (css, round(value, 1), formatLang(self.env, value, digits=1), name)
                    for css, value, name in (
                        ("bg-secondary", line.predicted, predicted),
                        ("bg-primary", line.actual, observed),
                    )
                )
                rows.append(
                    Markup(
                        '<div class="row mb-2"><div class="col-2 fw-bold">%s</div><div class="col-10">%s</div></div>'
                    )
                    % (labels.get(line.band, line.band), Markup(bars))
                )
            check.chart = Markup("").join(rows)

    def _record(self, company, today, result):
        """Keep ``engine.backtest_clv``'s ``result`` of ``company`` for
        ``today`` (a second run of the day replaces the first)."""
        self.sudo().search([("company_id", "=", company.id), ("date", "=", today)]).unlink()
        frame = result["frame"]

        def number(value):
            # not computable (everyone bought, or nobody): no figure, not a misleading 0
            return False if value is None or (isinstance(value, float) and math.isnan(value)) else float(value)

        lines = [
            (
                0,
                0,
                {
                    "kind": "band",
                    "sequence": i,
                    "band": band["label"],
                    "customers": band["customers"],
                    "predicted": band["predicted"] * 100,
                    "actual": band["actual"] * 100,
                },
            )
            for i, band in enumerate(result["bands"])
            if band["customers"]
        ] + [
            (
                0,
                0,
                {
                    "kind": "bucket",
                    "sequence": 10 + i,
                    "purchases": bucket["label"],
                    "customers": bucket["customers"],
                    "predicted": bucket["predicted"],
                    "actual": bucket["actual"],
                },
            )
            for i, bucket in enumerate(result["buckets"])
        ]
        return self.sudo().create(
            {
                "company_id": company.id,
                "date": today,
                "cutoff": result["cutoff"],
                "months": CHECK_MONTHS,
                "complete": result["complete"],
                "forecast_model": result["forecast_model"],
                "customers": result["customers"],
                "actual_revenue": result["holdout_revenue"],
                "predicted_revenue": float(frame["predicted"].sum()),
                "mae": result["model_mae"],
                "naive_mae": result["naive_mae"],
                "correlation": number(result["model_r"]),
                "churn_auc": number(result["churn_auc"]),
                "line_ids": lines,
            }
        )
