"""Net Promoter Score engine (issue 5 groundwork)."""

import math

import pandas as pd
import pytest
from engine import ContractError
from engine.nps import net_promoter_score, nps_by_period, nps_category, respondent_summary
from hypothesis import given
from hypothesis import strategies as st


@pytest.mark.parametrize(
    "score,category",
    [(0, "detractor"), (6, "detractor"), (7, "passive"), (8, "passive"), (9, "promoter"), (10, "promoter")],
)
def test_category_boundaries(score, category):
    assert nps_category(score) == category


def test_known_set_gives_thirty():
    # 5 promoters, 3 passives, 2 detractors: 50 % - 20 % = 30
    scores = [10, 9, 9, 10, 9, 7, 8, 8, 3, 6]
    assert net_promoter_score(scores) == {
        "answers": 10,
        "promoters": 5,
        "passives": 3,
        "detractors": 2,
        "nps": 30.0,
    }


def test_no_answers_no_score():
    assert net_promoter_score([])["nps"] is None


@pytest.mark.parametrize("bad", [11, -1, 7.5, "x", None])
def test_scores_outside_zero_to_ten_are_refused(bad):
    with pytest.raises(ContractError) as err:
        net_promoter_score([9, bad])
    assert err.value.code == "bad_score"


@given(st.lists(st.integers(min_value=0, max_value=10), min_size=1, max_size=200))
def test_nps_within_bounds_and_consistent(scores):
    got = net_promoter_score(scores)
    assert -100 <= got["nps"] <= 100
    assert got["promoters"] + got["passives"] + got["detractors"] == len(scores)
    assert math.isclose(got["nps"], round((got["promoters"] - got["detractors"]) * 100 / len(scores), 1))


def test_nps_by_quarter_and_group():
    answers = pd.DataFrame(
        {
            "date": ["2026-01-05", "2026-02-10", "2026-03-01", "2026-04-02", "2026-04-03"],
            "score": [10, 3, 9, 8, 0],
            "abc_class": ["A", "A", "B", "A", "B"],
        }
    )
    quarters = nps_by_period(answers, "Q")
    assert quarters["period"].astype(str).tolist() == ["2026Q1", "2026Q2"]
    # Q1: 2 promoters, 1 detractor of 3 = 33.3; Q2: 0 promoters, 1 detractor of 2 = -50
    assert quarters["nps"].tolist() == [33.3, -50.0]
    by_class = nps_by_period(answers, "Q", by="abc_class")
    q1a = by_class[(by_class["period"].astype(str) == "2026Q1") & (by_class["abc_class"] == "A")].iloc[0]
    assert (q1a["answers"], q1a["nps"]) == (2, 0.0)
    with pytest.raises(ContractError):
        nps_by_period(answers, "W")


def test_respondent_summary_latest_trend_and_anonymous():
    answers = pd.DataFrame(
        {
            "respondent": [1, 1, 2, None, 1],
            "date": ["2026-01-01", "2026-03-01", "2026-02-01", "2026-02-02", "2026-02-01"],
            "score": [9, 4, 7, 10, 8],
        }
    )
    got = respondent_summary(answers)
    assert sorted(got.index.tolist()) == [1, 2]
    assert got.loc[1, "score"] == 4 and got.loc[1, "category"] == "detractor"
    assert got.loc[1, "answers"] == 3
    # the answer before the latest (2026-03-01) is 8 (2026-02-01)
    assert got.loc[1, "trend"] == -4
    assert math.isnan(got.loc[2, "trend"])
    assert str(got.loc[2, "date"].date()) == "2026-02-01"
