"""Value on margin: the cost of every invoice line from its best source,
the cost to serve, the contribution margin and the customer portfolio,
against hand-computed figures and a planted set."""

import math

import numpy as np
import pandas as pd
import pytest
from engine import ContractError
from engine.margins import (
    abc_on_basis,
    cost_to_serve,
    customer_margins,
    line_costs,
    low_margin,
    place_customers,
    portfolio,
    portfolio_moves,
    value_on_basis,
)

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
    # a redeemed point counts only when the company gives it a value (here: the figure is the value)
    assert cost_to_serve(figures).loc["Kunz", "rewards"] == 0.0
    serve = cost_to_serve(figures, {"rewards": 1.0})
    # 5 % handling of 1,000 returned; 1,000 paid 36.5 days late at 8 % a year; 4 activities at 15
    assert serve.loc["Kunz", ["returns", "payment_delay", "activities", "rewards"]].tolist() == [50.0, 8.0, 60.0, 12.5]
    assert serve.loc["Kunz", "total"] == pytest.approx(130.5)
    assert serve.loc["Lang", "total"] == 15.0
    assert cost_to_serve(figures, {"activities": 0.0, "rewards": 1.0}).loc["Lang", "total"] == 0.0
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


def test_discounts_are_shown_beside_the_margin_and_not_counted_twice():
    frame = lines()
    frame["discount"] = [10.0, 0.0, 0.0, 0.0, -5.0, 0.0]
    margins = customer_margins(line_costs(frame))
    assert margins.loc["Kunz", "discounts"] == 5.0
    # the revenue is net of the discounts already: the margin is what it was without the column
    assert margins.loc["Kunz", "margin"] == customer_margins(line_costs(lines())).loc["Kunz", "margin"]
    assert "discounts" not in cost_to_serve(pd.DataFrame({"returns": [1.0]}, index=["Kunz"])).columns


def test_margins_per_product_category_count_their_customers():
    frame = lines()
    frame["category"] = ["Möbel", "Möbel", "Papier", "Service", "Möbel", "Möbel"]
    by_category = customer_margins(line_costs(frame), by="category")
    assert by_category.loc["Möbel", "revenue"] == 100.0 + 50.0 - 50.0 + 90.0
    assert by_category.loc["Möbel", "margin"] == 40.0 + 15.0 - 20.0 - 30.0
    assert by_category.loc["Möbel", "customers"] == 2
    assert by_category.loc["Service", "uncosted_share"] == 1.0
    assert low_margin(by_category, below_percent=10.0).index.tolist() == ["Möbel"]


def segments_and_margins():
    segments = pd.DataFrame(
        {"revenue": [1000.0, 1000.0, 500.0, 0.0, 200.0], "clv": [2000.0, 2000.0, 800.0, 300.0, 100.0]},
        index=["Kunz", "Lang", "Ott", "Pohl", "Rau"],
    )
    # Rau's revenue has no known cost; Pohl bought nothing in the window
    margins = pd.DataFrame(
        {
            "revenue": [1000.0, 1000.0, 500.0, 200.0],
            "revenue_none": [0.0, 0.0, 0.0, 200.0],
            "margin": [400.0, -50.0, 50.0, 0.0],
            "cost_to_serve": [100.0, 0.0, 100.0, 0.0],
        },
        index=["Kunz", "Lang", "Ott", "Rau"],
    )
    return segments, margins


def test_the_value_of_a_customer_on_revenue_gross_margin_or_contribution():
    segments, margins = segments_and_margins()
    on_revenue = value_on_basis(segments, margins, "revenue")
    assert on_revenue["value"].equals(segments["revenue"]) and on_revenue["clv_value"].equals(segments["clv"])
    gross = value_on_basis(segments, margins, "gross_margin")
    # Rau has no known cost: the company's own margin % stands in (400 - 50 + 50 = 400 on 2,500 costed: 16 %)
    assert gross["value"].to_dict() == {"Kunz": 400.0, "Lang": -50.0, "Ott": 50.0, "Pohl": 0.0, "Rau": 32.0}
    assert gross.loc["Kunz", "clv_value"] == 800.0 and gross.loc["Lang", "clv_value"] == -100.0
    contribution = value_on_basis(segments, margins, "contribution")
    assert contribution.loc["Ott", "value"] == -50.0 and contribution.loc["Kunz", "value"] == 300.0
    # Pohl bought nothing in the window: the ratio of all customers, (300 - 50 - 50 + 32) / 2,700
    assert contribution.loc["Pohl", "clv_value"] == pytest.approx(300.0 * 232.0 / 2700.0, abs=0.01)
    with pytest.raises(ContractError):
        value_on_basis(segments, margins, "profit")


def test_a_customer_bought_at_a_loss_is_a_c_customer_not_one_without_revenue():
    segments, margins = segments_and_margins()
    values = value_on_basis(segments, margins, "contribution")["value"]
    classes = abc_on_basis(values, segments["revenue"])
    assert classes.to_dict() == {"Kunz": "A", "Lang": "C", "Ott": "C", "Pohl": "none", "Rau": "B"}


def test_revenue_without_a_known_cost_counts_at_the_margin_of_all_customers_not_at_an_absurd_own_one():
    segments = pd.DataFrame({"revenue": [9010.0, 1000.0], "clv": [9010.0, 1000.0]}, index=["Mix", "Norm"])
    # Mix: 9,000 without a cost; a sale of 1,000 and a credit note of -990 with a known cost, margin -90 on 10
    # (its own margin % would be -900 %); Norm: 400 on 1,000
    margins = pd.DataFrame(
        {"revenue": [9010.0, 1000.0], "revenue_none": [9000.0, 0.0], "margin": [-90.0, 400.0], "cost_to_serve": 0.0},
        index=["Mix", "Norm"],
    )
    # all customers' margin % on known cost: 310 / 1,010
    value = value_on_basis(segments, margins, "gross_margin")["value"]
    assert value["Mix"] == pytest.approx(-90.0 + 9000.0 * 310.0 / 1010.0, abs=0.01)
    assert value["Norm"] == 400.0


def test_portfolio_moves_are_changes_of_field_only():
    old = pd.Series({"Kunz": "question", "Lang": "star", "Ott": "poor"})
    new = pd.Series({"Kunz": "star", "Lang": "star", "Pohl": "poor"})
    moves = portfolio_moves(old, new)
    assert moves.to_dict("index") == {"Kunz": {"old": "question", "new": "star"}}


def test_only_customers_with_revenue_are_placed_and_an_empty_signal_is_left_out():
    frame = pd.DataFrame(
        {
            "revenue": [9000.0, 8000.0, 100.0, 200.0, 0.0],
            "expected_value": [5000.0, 4000.0, 50.0, 60.0, 10.0],
            "purchases": [2, 12, 1, 10, 0],
            "tenure_days": [100, 3000, 50, 2500, 10],
            "nps": [NAN] * 5,
        },
        index=["Neu", "Stamm", "Klein", "Treu", "Weg"],
    )
    placed = place_customers(frame)
    assert placed["field"].to_dict() == {"Neu": "question", "Stamm": "star", "Klein": "poor", "Treu": "cash_cow"}


def test_value_weighs_more_than_growth_and_a_signal_that_tells_nobody_apart_is_left_out():
    frame = pd.DataFrame(
        {
            "revenue": [9000.0, 6000.0, 100.0, 200.0],
            "expected_value": [5000.0, 4000.0, 150.0, 60.0],
            # the small newcomer grew most: not enough to make it attractive
            "growth": [0.0, 6000.0, 0.0, 200.0],
            "purchases": [12, 1, 10, 1],
            "cross_buying": [100.0] * 4,
        },
        index=["Stamm", "Neu", "Treu", "Klein"],
    )
    placed = place_customers(frame)
    assert placed["field"].to_dict() == {"Stamm": "star", "Neu": "question", "Treu": "cash_cow", "Klein": "poor"}
    # the same cross buying for all leaves the strength to the purchases: 100, 75 and 37.5 for both single buyers
    assert placed.loc["Stamm", "strength"] == 100.0 and placed.loc["Klein", "strength"] == 37.5
    # a small customer that grew most: value counted once like its growth, it would be attractive
    grown = frame.assign(growth=[0.0, 100.0, 50.0, 9000.0])
    assert place_customers(grown).loc["Klein", "field"] == "poor"
    assert place_customers(grown, weights={"expected_value": 1.0}).loc["Klein", "field"] == "question"
