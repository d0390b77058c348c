"""The four signs of loyalty, the loyalty index and the promoter drivers,
on planted data: the planted signal is found, and on random data the
driver analysis finds nothing."""

import numpy as np
import pandas as pd
import pytest
from engine import ContractError
from engine.loyalty_signals import (
    INDEX_WEIGHTS,
    cross_buying,
    loyalty_index,
    price_tolerance,
    promoter_drivers,
    referrals,
    repurchase,
)

TODAY = "2026-11-30"


def docs(rows):
    frame = pd.DataFrame(rows, columns=["customer", "date", "amount"])
    frame["date"] = pd.to_datetime(frame["date"])
    return frame


def every(days, count, end=TODAY):
    return [pd.Timestamp(end) - pd.Timedelta(days=days * k) for k in range(count)]


def test_repurchase_regularity_and_rhythm():
    rows = [("Takt", d, 100.0) for d in every(30, 24)]
    # new in the window: three purchases, the first not a repeat
    rows += [("Neu", d, 50.0) for d in every(60, 3, "2026-11-01")]
    # irregular: gaps of 5, 200 and 20 days
    rows += [("Sprung", pd.Timestamp(d), 80.0) for d in ("2025-12-01", "2025-12-06", "2026-06-24", "2026-07-14")]
    rows += [("Einmal", pd.Timestamp("2026-05-01"), 10.0), ("Einmal", pd.Timestamp("2026-06-01"), -10.0)]
    result = repurchase(docs(rows), TODAY)
    takt, neu = result.loc["Takt"], result.loc["Neu"]
    # every 30 days: 13 purchases in the 12 months up to today, each after the first ever
    assert (takt["purchases"], takt["repeat_purchases"], takt["repeat_rate"]) == (13, 13, 1.0)
    assert takt["regularity"] == pytest.approx(1.0) and takt["on_rhythm"] == 1.0
    assert (neu["purchases"], neu["repeat_purchases"]) == (3, 2)
    assert result.loc["Sprung", "regularity"] < 0.6
    # last bought 139 days ago on a rhythm of about 20 days: no longer on it
    assert result.loc["Sprung", "on_rhythm"] == 0.0
    # one purchase (the credit note is none): no rhythm to speak of
    assert result.loc["Einmal", "purchases"] == 1 and np.isnan(result.loc["Einmal", "on_rhythm"])


def test_cross_buying_and_its_growth():
    lines = pd.DataFrame(
        [
            ("Breit", "Möbel", "2026-03-01", 500.0),
            ("Breit", "Papier", "2026-04-01", 300.0),
            ("Breit", "Möbel", "2025-03-01", 500.0),
            ("Schmal", "Möbel", "2026-05-01", 600.0),
            ("Schmal", "Möbel", "2025-05-01", 200.0),
            ("Schmal", "Papier", "2025-06-01", 100.0),
            ("Kaffee", "Kaffee", "2026-06-01", 5.0),
        ],
        columns=["customer", "category", "date", "amount"],
    )
    result = cross_buying(lines, TODAY)
    # the main range: furniture and paper (coffee brings under 1 %)
    assert result.loc["Breit", ["cross_buying", "cross_buying_before", "cross_buying_growth"]].tolist() == [
        1.0,
        0.5,
        0.5,
    ]
    assert result.loc["Schmal", ["cross_buying", "cross_buying_growth"]].tolist() == [0.5, -0.5]
    assert result.loc["Kaffee", "cross_buying"] == 0.0 and np.isnan(result.loc["Kaffee", "cross_buying_before"])


def test_referrals_count_the_customers_brought_and_their_revenue():
    referred_by = pd.Series({"Neu": "Alt", "Neuer": "Alt", "Dritt": "Neu", "Selbst": "Selbst", "Ohne": np.nan})
    revenue = pd.Series({"Neu": 1000.0, "Neuer": 250.0, "Dritt": 40.0})
    result = referrals(referred_by, revenue)
    assert result.to_dict("index") == {
        "Alt": {"referrals": 2, "referred_revenue": 1250.0},
        "Neu": {"referrals": 1, "referred_revenue": 40.0},
    }


def price_lines():
    rows = []
    # product P, 10.00 a piece before; Treu pays 11.00 now and keeps buying 10 a month, Weg pays 11.00
    # and halves, Ruhig and Still see no rise and keep their 10
    for customer, price_now, quantity_now in (
        ("Treu", 11.0, 10),
        ("Weg", 11.0, 5),
        ("Ruhig", 10.0, 10),
        ("Still", 10.1, 10),
    ):
        for month in range(12):
            before = pd.Timestamp("2024-12-15") + pd.DateOffset(months=month)
            rows.append((customer, "P", before, 10.0, 100.0))
            now = pd.Timestamp("2025-12-15") + pd.DateOffset(months=month)
            rows.append((customer, "P", now, float(quantity_now), quantity_now * price_now))
    return pd.DataFrame(rows, columns=["customer", "product", "date", "quantity", "amount"])


def test_a_planted_price_rise_with_kept_quantities_is_tolerated_and_a_halved_one_is_not():
    result = price_tolerance(price_lines(), "2026-11-30")
    assert set(result.index) == {"Treu", "Weg"}
    assert result.loc["Treu", "price_rise"] == pytest.approx(0.10)
    assert result.loc["Treu", "price_tolerance"] == pytest.approx(1.0)
    assert result.loc["Weg", "price_tolerance"] == pytest.approx(0.5)
    # against the control: had the unrisen customers bought a quarter less, keeping all is more than they did
    lines = price_lines()
    calm = lines["customer"].isin(["Ruhig", "Still"]) & (lines["date"] >= "2025-12-01")
    lines.loc[calm, ["quantity", "amount"]] *= 0.8
    assert price_tolerance(lines, "2026-11-30").loc["Treu", "price_tolerance"] == pytest.approx(1.25)


def test_a_customer_who_stopped_after_the_rise_or_sent_it_back_kept_nothing():
    lines = price_lines()
    # Stopp bought 10 a month at 10.00 and nothing since the product's price rose (Treu and Weg pay 11.00)
    stopped = lines[lines["customer"] == "Treu"].copy()
    stopped = stopped[stopped["date"] < "2025-12-01"].assign(customer="Stopp")
    # Zurück bought as Treu did, and sent all of it back on credit notes
    back = lines[(lines["customer"] == "Treu") & (lines["date"] >= "2025-12-01")].copy()
    back = pd.concat([lines[lines["customer"] == "Treu"].assign(customer="Zurück"), back.assign(customer="Zurück")])
    back.loc[back.index[-12:], ["quantity", "amount"]] *= -1
    result = price_tolerance(pd.concat([lines, stopped, back], ignore_index=True), "2026-11-30")
    # the product's own rise, over the customers who bought it in both windows: Treu and Weg +10 %, Ruhig and
    # Still (almost) none, by what they bought before
    assert result.loc["Stopp", "kept_quantity"] == 0.0 and result.loc["Stopp", "price_tolerance"] == 0.0
    assert result.loc["Stopp", "price_rise"] == pytest.approx(0.0525, abs=0.001)
    assert "Zurück" not in result.index or result.loc["Zurück", "price_tolerance"] == 0.0
    assert result.loc["Treu", "price_tolerance"] == pytest.approx(1.0)


def test_no_rise_no_tolerance_measured():
    lines = price_lines()
    lines = lines[lines["customer"].isin(["Ruhig", "Still"])]
    assert price_tolerance(lines, "2026-11-30").empty


def test_the_loyalty_index_weighs_the_ranks_of_the_signals_shown():
    signals = pd.DataFrame(
        {
            "repurchase": [1.0, 0.5, 0.0, np.nan],
            "cross_buying": [1.0, 0.5, 0.0, 1.0],
            "referrals": [2, 0, 0, 0],
            "price_tolerance": [np.nan, np.nan, np.nan, np.nan],
        },
        index=["A", "B", "C", "D"],
    )
    index, used = loyalty_index(signals)
    assert index.idxmax() == "A" and index.idxmin() == "C"
    # the tolerance measured for nobody is left out and the others' weights say so
    assert set(used) == {"repurchase", "cross_buying", "referrals"} and sum(used.values()) == pytest.approx(1.0)
    only_referrals, _used = loyalty_index(signals, {"repurchase": 0.0, "cross_buying": 0.0})
    assert only_referrals["A"] == 100.0 and only_referrals["B"] == only_referrals["C"]
    with pytest.raises(ContractError):
        loyalty_index(signals, {"coffee": 1.0})
    with pytest.raises(ContractError):
        loyalty_index(signals, dict.fromkeys(INDEX_WEIGHTS, 0.0))


def planted_customers(seed, planted=True, n=400):
    rng = np.random.default_rng(seed)
    category = rng.choice(["promoter", "passive", "detractor"], size=n, p=[0.35, 0.35, 0.3])
    promoter = category == "promoter"
    attributes = pd.DataFrame(index=[f"K{k}" for k in range(n)])
    # planted: promoters buy office furniture 2.3 times as often and order more often
    furniture = np.where(promoter, 0.69, 0.30) if planted else np.full(n, 0.45)
    attributes["Büromöbel"] = rng.random(n) < furniture
    attributes["orders_per_year"] = rng.poisson(np.where(promoter, 9, 6) if planted else 7, size=n)
    # noise the analysis must not report
    for k in range(12):
        attributes[f"Kategorie {k}"] = rng.random(n) < rng.uniform(0.1, 0.6)
    attributes["salesperson"] = rng.choice(["Vogel", "Hansen", "Kraus", "Beck"], size=n)
    attributes["tenure_years"] = rng.gamma(2.0, 3.0, size=n)
    return attributes, pd.Series(category, index=attributes.index)


def test_the_planted_promoter_attributes_are_found_with_counts_and_significance():
    attributes, category = planted_customers(3)
    drivers = promoter_drivers(attributes, category)
    assert set(drivers["attribute"]) == {"Büromöbel", "orders_per_year"}
    furniture = drivers.set_index("attribute").loc["Büromöbel"]
    assert furniture["kind"] == "share" and 1.8 < furniture["ratio"] < 3.0
    assert furniture["promoters"] + furniture["others"] == len(attributes)
    assert furniture["q_value"] < 0.05 and furniture["q_value"] >= furniture["p_value"]


@pytest.mark.parametrize("seed", range(5))
def test_on_random_data_nothing_is_reported(seed):
    attributes, category = planted_customers(seed, planted=False)
    assert promoter_drivers(attributes, category).empty


def test_too_few_answers_are_not_analysed():
    attributes, category = planted_customers(3, n=8)
    assert promoter_drivers(attributes, category).empty
