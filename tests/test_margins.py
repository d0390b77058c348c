"""Value on margin: the cost of every invoice line from its best source,
the cost to serve, the contribution margin and the customer portfolio,
against hand-computed figures and a planted set."""

import math

import numpy as np
import pandas as pd
import pytest
from engine import ContractError
from engine.margins import cost_to_serve, customer_margins, line_costs, low_margin, portfolio

NAN = float("nan")


def lines():
    return pd.DataFrame(
        [
            # customer, amount, quantity, order cost per unit, COGS booked, product cost per unit
            ("Kunz", 100.0, 2.0, 30.0, 64.0, 25.0),  # from an order: its cost wins over COGS and product
            ("Kunz", 50.0, 1.0, NAN, 35.0, 20.0),  # COGS booked, no order
            ("Kunz", 25.0, 1.0, NAN, NAN, 20.0),  # the product's cost only
            ("Kunz", 40.0, 4.0, NAN, NAN, NAN),  # a service without any cost
            ("Kunz", -50.0, -1.0, 30.0, NAN, 25.0),  # credit note: one unit back
            ("Lang", 90.0, 3.0, 40.0, NAN, NAN),  # sold below cost
        ],
        columns=["customer", "amount", "quantity", "order_cost", "cogs", "product_cost"],
    )


def test_every_line_costs_from_its_best_source_and_says_which():
    costed = line_costs(lines())
    assert costed["cost_source"].tolist() == ["order", "cogs", "product", "none", "order", "order"]
    assert costed["cost"].tolist()[:3] == [60.0, 35.0, 20.0]
    assert math.isnan(costed["cost"].iloc[3]) and math.isnan(costed["margin"].iloc[3])
    # the credit note's goods come back: cost -30, margin -20
    assert (costed["cost"].iloc[4], costed["margin"].iloc[4]) == (-30.0, -20.0)
    assert costed["margin"].iloc[5] == -30.0


def test_customer_margins_by_hand():
    margins = customer_margins(line_costs(lines()))
    kunz = margins.loc["Kunz"]
    assert kunz["revenue"] == 165.0
    # costed: 100 - 60, 50 - 35, 25 - 20, -50 + 30
    assert kunz["margin"] == 40.0 + 15.0 + 5.0 - 20.0
    # margin % of the revenue with a known cost (165 - 40 = 125)
    assert kunz["margin_percent"] == pytest.approx(100 * 40.0 / 125.0)
    assert kunz["uncosted_share"] == pytest.approx(40.0 / 165.0)
    assert (kunz["revenue_order"], kunz["revenue_cogs"], kunz["revenue_product"], kunz["revenue_none"]) == (
        50.0,
        50.0,
        25.0,
        40.0,
    )
    assert margins.loc["Lang", "margin_percent"] == pytest.approx(-100 * 30.0 / 90.0)
    assert margins["contribution"].equals(margins["margin"])


def test_cost_to_serve_part_by_part_and_the_contribution_margin():
    figures = pd.DataFrame(
        {"returns": [1000.0, 0.0], "overdue": [36500.0, 0.0], "activities": [4, 1], "rewards": [12.5, NAN]},
        index=["Kunz", "Lang"],
    )
    serve = cost_to_serve(figures)
    # 5 % handling of 1,000 returned; 1,000 paid 36.5 days late at 8 % a year; 4 activities at 15
    assert serve.loc["Kunz", ["returns", "payment_delay", "activities", "rewards"]].tolist() == [50.0, 8.0, 60.0, 12.5]
    assert serve.loc["Kunz", "total"] == pytest.approx(130.5)
    assert serve.loc["Lang", "total"] == 15.0
    assert cost_to_serve(figures, {"activities": 0.0}).loc["Lang", "total"] == 0.0
    margins = customer_margins(line_costs(lines()), serve)
    assert margins.loc["Kunz", "contribution"] == pytest.approx(40.0 - 130.5)


def test_bad_rates_and_lines_are_refused():
    with pytest.raises(ContractError):
        cost_to_serve(pd.DataFrame(index=["Kunz"]), {"activities": -1.0})
    with pytest.raises(ContractError):
        cost_to_serve(pd.DataFrame(index=["Kunz"]), {"coffee": 1.0})
    with pytest.raises(ContractError):
        line_costs(pd.DataFrame({"amount": [1.0]}))


def test_the_low_margin_list_finds_the_customers_who_buy_at_a_loss():
    margins = customer_margins(line_costs(lines()))
    assert low_margin(margins).index.tolist() == ["Lang"]
    assert low_margin(margins, below_percent=50.0).index.tolist() == ["Lang", "Kunz"]
    assert low_margin(margins, below_percent=50.0, min_revenue=100.0).index.tolist() == ["Kunz"]


def test_planted_stars_cash_cows_question_marks_and_poor_customers_land_in_their_fields():
    rng = np.random.default_rng(3)
    kinds = ["star"] * 25 + ["cash_cow"] * 25 + ["question"] * 25 + ["poor"] * 25
    high = {"star": True, "question": True, "cash_cow": False, "poor": False}
    strong = {"star": True, "cash_cow": True, "question": False, "poor": False}
    index = [f"K{k}" for k in range(len(kinds))]
    value = [rng.uniform(5000, 9000) if high[k] else rng.uniform(100, 900) for k in kinds]
    growth = [rng.uniform(0.1, 0.4) if high[k] else rng.uniform(-0.3, 0.0) for k in kinds]
    rhythm = [rng.uniform(0.8, 1.0) if strong[k] else rng.uniform(0.0, 0.3) for k in kinds]
    tenure = [rng.uniform(5, 10) if strong[k] else rng.uniform(0, 1) for k in kinds]
    nps = [rng.integers(9, 11) if strong[k] else rng.integers(0, 7) for k in kinds]
    placed = portfolio(
        pd.DataFrame({"value": value, "growth": growth}, index=index),
        pd.DataFrame({"rhythm": rhythm, "tenure": tenure, "nps": nps}, index=index),
    )
    assert placed["field"].tolist() == kinds
    assert placed.loc["K0", "strategy"] == "maintain" and placed.loc["K99", "strategy"] == "reduce"
    assert set(placed.loc[placed["field"] == "question", "strategy"]) == {"develop"}
    assert placed["attractiveness"].between(0, 100).all() and placed["strength"].between(0, 100).all()
