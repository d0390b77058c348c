"""Duplicate detection engine: blocking, scoring, explanation, groups,
measured against the generator's planted duplicates."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine import ContractError
from engine.duplicates import (
    AUTO_MERGE_THRESHOLD,
    REVIEW_THRESHOLD,
    candidate_pairs,
    find_duplicates,
    groups,
    match,
    prepare,
    score_pairs,
    weakest_link,
)
from tools.demo_data import generate

COLUMNS = {
    "name": "name",
    "street": "street",
    "postcode": "zip",
    "city": "city",
    "phone": "phone",
    "email": "email",
    "website": "website",
    "vat": "vat",
    "birthdate": "birthdate",
    "is_company": "is_company",
}


def frame(rows):
    base = {
        "name": "",
        "street": "",
        "zip": "",
        "city": "",
        "phone": "",
        "email": "",
        "website": "",
        "vat": "",
        "birthdate": None,
        "is_company": True,
    }
    return pd.DataFrame([{**base, **row} for row in rows])


def test_german_spelling_variants_are_one_customer_with_an_explanation():
    data = frame(
        [
            {
                "name": "Müller & Söhne GmbH & Co. KG",
                "street": "Hauptstraße 12",
                "zip": "70173",
                "city": "Stuttgart",
                "phone": "0711 1234567",
                "email": "info@mueller-soehne.de",
            },
            {
                "name": "MUELLER & SOEHNE G.m.b.H. & Co KG",
                "street": "Hauptstr. 12",
                "zip": "70173",
                "city": "Stuttgart",
                "phone": "+49 (0)711 123-4567",
                "email": "",
            },
            {
                "name": "Schmidt Logistik AG",
                "street": "Hafenweg 3",
                "zip": "20457",
                "city": "Hamburg",
                "phone": "040 555111",
                "email": "info@schmidt-logistik.de",
            },
        ]
    )
    pairs, grouped = find_duplicates(data, COLUMNS)
    assert list(zip(pairs["a"], pairs["b"])) == [(0, 1)]
    assert pairs.at[0, "score"] >= AUTO_MERGE_THRESHOLD
    explanation = pairs.at[0, "explanation"]
    assert "name 100" in explanation and "street 100" in explanation and "phone equal" in explanation
    assert "email" not in explanation  # one side has none: no signal either way
    assert grouped.to_dict() == {0: 0, 1: 0}


def test_conflicting_identifiers_and_person_vs_company_are_not_duplicates():
    data = frame(
        [
            {"name": "Weber Bau GmbH", "street": "Ring 1", "zip": "50667", "city": "Köln", "vat": "DE111111111"},
            {"name": "Weber Bau GmbH", "street": "Ring 1", "zip": "50667", "city": "Köln", "vat": "DE222222222"},
            {
                "name": "Anna Weber",
                "street": "Ring 1",
                "zip": "50667",
                "city": "Köln",
                "is_company": False,
                "birthdate": "1970-01-01",
            },
            {
                "name": "Anna Weber",
                "street": "Ring 1",
                "zip": "50667",
                "city": "Köln",
                "is_company": False,
                "birthdate": "1988-12-24",
            },
            {"name": "Anna Weber", "street": "Ring 1", "zip": "50667", "city": "Köln", "is_company": True},
        ]
    )
    pairs, _groups = find_duplicates(data, COLUMNS, threshold=0)
    score = {(a, b): s for a, b, s in zip(pairs["a"], pairs["b"], pairs["score"])}
    assert score[(0, 1)] < REVIEW_THRESHOLD  # two VAT numbers: two companies
    assert score[(2, 3)] < REVIEW_THRESHOLD  # two birthdays: two people
    assert score[(2, 4)] < REVIEW_THRESHOLD  # a person is not a company


def test_blocking_compares_far_fewer_than_all_pairs():
    data = generate(3000, seed=5).customers.set_index("key")
    prepared = prepare(data, {k: v for k, v in COLUMNS.items() if k != "vat"})
    pairs = candidate_pairs(prepared, max_block=10)
    n = len(prepared)
    assert 0 < len(pairs) < n * (n - 1) / 2 / 50
    assert (pairs[:, 0] < pairs[:, 1]).all()


@pytest.fixture(scope="module")
def planted():
    data = generate(10000, seed=42)
    truth = {tuple(sorted(p)) for p in zip(data.duplicates["duplicate_key"], data.duplicates["original_key"])}
    pairs, grouped = find_duplicates(
        data.customers.set_index("key"), {k: v for k, v in COLUMNS.items() if k != "vat"}, threshold=50
    )
    pairs["true"] = [tuple(sorted(p)) in truth for p in zip(pairs["a"], pairs["b"])]
    return pairs, truth, grouped


def test_review_recall_and_auto_merge_precision_on_planted_duplicates(planted):
    pairs, truth, _grouped = planted
    review = pairs[pairs["score"] >= REVIEW_THRESHOLD]
    auto = pairs[pairs["score"] >= AUTO_MERGE_THRESHOLD]
    assert review["true"].sum() / len(truth) >= 0.95
    assert auto["true"].mean() >= 0.995
    assert auto["true"].sum() / len(truth) >= 0.9


def test_groups_are_connected_pairs(planted):
    pairs, _truth, grouped = planted
    assert set(grouped.index) == set(pairs["a"]) | set(pairs["b"])
    chained = pd.DataFrame({"a": ["x", "y", "p"], "b": ["y", "z", "q"]})
    found = groups(chained)
    assert found["x"] == found["y"] == found["z"] != found["p"] == found["q"]


def test_roles_checked():
    with pytest.raises(ContractError) as error:
        prepare(pd.DataFrame({"n": ["a"]}), {"nickname": "n"})
    assert error.value.code == "bad_roles"
    with pytest.raises(ContractError) as error:
        prepare(pd.DataFrame({"n": ["a"]}), {"street": "n"})
    assert error.value.code == "missing_columns"


def test_names_from_company_or_given_and_family_name():
    data = pd.DataFrame(
        {
            "firma": ["", "", "Meier KG"],
            "vorname": ["Jana", "Jana", ""],
            "nachname": ["Meier", "Mayer", ""],
            "plz": ["10115", "10115", "10115"],
            "ort": ["Berlin", "Berlin", "Berlin"],
        }
    )
    roles = {"company": "firma", "given_name": "vorname", "family_name": "nachname", "postcode": "plz", "city": "ort"}
    prepared = prepare(data, roles)
    assert prepared["name"].tolist() == ["jana meier", "jana mayer", "meier"]
    assert prepared["is_company"].tolist() == [False, False, True]
    pairs, _groups = find_duplicates(data, roles, threshold=0)
    best = pairs.iloc[0]
    assert (best["a"], best["b"]) == (0, 1)


def test_blocks_pair_the_right_records_when_some_keys_are_empty():
    # the empty keys of the first rows must not shift the pairs
    data = frame(
        [
            {"name": "A"},
            {"name": "B", "phone": "030 1234567"},
            {"name": "Kunz GmbH", "phone": "0711 1234567"},
            {"name": "Kunz G.m.b.H.", "phone": "+49 711 1234567"},
        ]
    )
    prepared = prepare(data, COLUMNS)
    assert candidate_pairs(prepared).tolist() == [[2, 3]]


def test_incremental_run_finds_exactly_the_full_runs_pairs_of_the_changed_records():
    data = generate(4000, seed=11).customers.set_index("key")
    roles = {k: v for k, v in COLUMNS.items() if k != "vat"}
    prepared = prepare(data, roles)
    full, _groups = match(prepared, threshold=50)
    changed = list(prepared.index[::7])  # every seventh record "changed since the last run"
    incremental, _groups = match(prepared, threshold=50, changed=changed)
    touching = full[full["a"].isin(changed) | full["b"].isin(changed)]
    key = ["a", "b", "score"]
    assert len(touching) > 20
    pd.testing.assert_frame_equal(incremental[key].reset_index(drop=True), touching[key].reset_index(drop=True))
    # the same through find_duplicates on the raw table
    again, _groups = find_duplicates(data, roles, threshold=50, changed=changed)
    assert again[key].equals(incremental[key])
    # nothing changed: nothing to compare
    none, _groups = match(prepared, changed=[])
    assert none.empty


def test_a_group_is_as_sure_as_its_weakest_necessary_link():
    pairs = pd.DataFrame({"a": [1, 2, 1, 4], "b": [2, 3, 3, 5], "score": [99.0, 96.0, 82.0, 90.0]})
    assert weakest_link(pairs.iloc[:3]) == 96.0  # 1-3 at 82 is not needed: 1-2-3 hold at 96
    chain = pd.DataFrame({"a": [1, 2], "b": [2, 3], "score": [99.0, 81.0]})
    assert weakest_link(chain) == 81.0
    assert weakest_link(pairs) == 0.0  # two separate groups
    assert weakest_link(pairs.iloc[:0]) == 0.0


def test_a_records_own_country_reads_its_phone_number():
    data = frame(
        [
            {"name": "Gruber GmbH", "phone": "01 5123456", "zip": "1010"},
            {"name": "Gruber GmbH", "phone": "+43 1 5123456", "zip": "1010"},
        ]
    )
    data["country"] = ["AT", "AT"]
    austrian = prepare(data, {**COLUMNS, "country": "country"})
    assert austrian["phone"].tolist() == ["+4315123456", "+4315123456"]
    german = prepare(data, COLUMNS)
    assert german["phone"].iloc[0] != "+4315123456"


def test_prepared_table_has_the_documented_columns():
    from engine.duplicates import PREPARED_COLUMNS

    prepared = prepare(frame([{"name": "Kunz GmbH"}]), COLUMNS)
    assert tuple(prepared.columns) == PREPARED_COLUMNS


@pytest.fixture(scope="module")
def sample_prepared():
    return prepare(generate(1500, seed=19).customers.set_index("key"), {k: v for k, v in COLUMNS.items() if k != "vat"})


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_scores_are_symmetric(sample_prepared, data):
    n = len(sample_prepared)
    i = data.draw(st.integers(0, n - 1))
    j = data.draw(st.integers(0, n - 1))
    forward = score_pairs(sample_prepared, np.array([[i, j]]))
    backward = score_pairs(sample_prepared, np.array([[j, i]]))
    assert forward.at[0, "score"] == backward.at[0, "score"]
    assert forward.at[0, "explanation"] == backward.at[0, "explanation"]
    # a record is its own duplicate
    assert score_pairs(sample_prepared, np.array([[i, i]])).at[0, "score"] >= AUTO_MERGE_THRESHOLD
