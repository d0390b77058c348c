"""One record checked at the door (the contact form, an import): found by
the lookups a database indexes and scored exactly as the full search
scores the pair."""

import json

import numpy as np
import pandas as pd
import pytest
from engine.duplicates import (
    PROBE_KEYS,
    PROBE_LIMIT,
    REVIEW_THRESHOLD,
    TF_FIELDS,
    _part,
    filled_counts,
    match,
    prepare,
    probe,
    probe_frequencies,
    probe_lookups,
)
from test_duplicates import COLUMNS, HOME, PEOPLE
from tools.demo_data import generate


def parts_of(table):
    return {
        (column, part): np.array([_part(v, part) for v in table[column]], dtype=object)
        for key in PROBE_KEYS
        for column, part in key
    }


def lookup(table, record, parts=None):
    """The candidates of ``record`` in ``table`` as a database finds them:
    rows equal on every part of one key, PROBE_LIMIT per lookup."""
    parts = parts_of(table) if parts is None else parts
    found = []
    for number, values in probe_lookups(record):
        mask = np.ones(len(table), dtype=bool)
        for (column, part), value in zip(PROBE_KEYS[number], values):
            mask &= parts[column, part] == value
        found += table.index[mask][:PROBE_LIMIT].tolist()
    return table.loc[sorted(set(found))]


def frequencies(table, record):
    counts = {field: {record[field]: int((table[field] == record[field]).sum())} for field in TF_FIELDS}
    return probe_frequencies(counts, filled_counts(table))


def _generated():
    data = generate(3000, seed=11)
    return prepare(data.customers.set_index("key"), {k: v for k, v in COLUMNS.items() if k != "vat"})


def _corrupted():
    from tools import duplicate_corruption

    return prepare(duplicate_corruption.generate(1500, seed=5), duplicate_corruption.COLUMNS)


@pytest.fixture(scope="module", params=[_generated, _corrupted], ids=["generator", "corruption model"])
def searched(request):
    prepared = request.param()
    pairs, _groups = match(prepared, threshold=REVIEW_THRESHOLD)
    return prepared, pairs


def test_a_record_at_the_door_finds_what_the_full_search_pairs_it_with_at_the_same_score(searched):
    prepared, pairs = searched
    model = pairs.attrs["model"]
    assert len(pairs) > 100
    pairs = pairs.sample(min(len(pairs), 300), random_state=3)
    reached = same = 0
    parts = parts_of(prepared)
    for a, b, expected in zip(pairs["a"], pairs["b"], pairs["score"]):
        record = prepared.loc[[a]]
        rest = prepared.drop(index=a)
        others = prepared.index != a
        candidates = lookup(rest, record.iloc[0], {key: values[others] for key, values in parts.items()})
        found = probe(record, candidates, model, frequencies(rest, record.iloc[0]), limit=len(candidates))
        scored = dict(zip(found["b"], found["score"]))
        if b in scored:
            reached += 1
            same += abs(scored[b] - expected) < 0.05
    # the lookups reach nearly every pair the search finds; those reached score the same
    assert reached / len(pairs) >= 0.97
    assert same == reached


def people(*rows):
    table = pd.DataFrame([{**HOME, **row} for row in rows])
    return prepare(table, PEOPLE)


def test_a_typo_in_the_name_and_the_same_phone_is_a_likely_duplicate_with_its_evidence():
    existing = people(
        {"name": "Hans Oberdorfer", "birthdate": "1977-04-05"},
        {"name": "Petra Lange", "street": "Am Markt 2"},
    )
    new = people({"name": "Hans Oberdorffer", "street": "", "zip": "", "city": ""})
    found = probe(new, lookup(existing, new.iloc[0]))
    assert found["b"].tolist() == [0]
    assert found["score"].iloc[0] >= REVIEW_THRESHOLD
    fields = [field for field, _level, _bits in json.loads(found["evidence"].iloc[0])]
    assert "phone" in fields and "family" in fields


def test_father_and_son_at_one_address_are_not_shown_as_duplicates():
    existing = people({"name": "Hans Müller", "birthdate": "1950-03-01"})
    son = people({"name": "Hans Müller", "birthdate": "1980-07-12"})
    candidates = lookup(existing, son.iloc[0])
    assert len(candidates) == 1  # looked at: one name, one address
    assert probe(son, candidates).empty


def test_swapped_names_are_looked_up_and_companies_have_no_personal_keys():
    existing = people({"name": "Oberdorfer Hans", "street": "", "zip": "", "city": "", "phone": ""})
    new = people({"name": "Hans Oberdorfer", "street": "", "zip": "", "city": "", "phone": ""})
    assert lookup(existing, new.iloc[0]).index.tolist() == [0]
    company = prepare(
        pd.DataFrame([{"name": "Müller Maschinenbau GmbH", "zip": "79098", "is_company": True, "parent": "7"}]),
        {"name": "name", "postcode": "zip", "is_company": "is_company", "parent": "parent"},
    ).iloc[0]
    used = {column for number, _values in probe_lookups(company) for column, _part in PROBE_KEYS[number]}
    assert "given" not in used and "parent" not in used
    assert "phonetic" in used


def test_nothing_to_look_up_or_compare_finds_nothing():
    new = people({"name": "Hans Oberdorfer"})
    assert probe(new, new.iloc[0:0]).empty


def test_a_list_holding_one_visitor_twice_is_found_as_the_full_search_finds_it():
    from engine.duplicates import probe_within
    from tools import duplicate_corruption

    data = duplicate_corruption.generate(1500, seed=5)
    records = prepare(data, duplicate_corruption.COLUMNS)
    truth = duplicate_corruption.true_pairs(data)
    positions = {label: k for k, label in enumerate(records.index)}
    truth = {tuple(sorted((positions[a], positions[b]))) for a, b in truth}
    found = probe_within(records)
    pairs = set(zip(found["a"], found["b"]))
    # nearly the pairs the full search finds (it fits its own model; the list is scored with the kept one)
    expected, _groups = match(records)
    expected = {tuple(sorted((positions[a], positions[b]))) for a, b in zip(expected["a"], expected["b"])}
    assert len(pairs & truth) / len(truth) >= 0.95
    assert len(pairs ^ expected) <= 0.05 * len(expected)
