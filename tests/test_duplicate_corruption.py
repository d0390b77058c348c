"""The second corruption model: shape, determinism, the truth it plants
(entities, true pairs) and what each corruption and hard negative promises."""

import itertools
import re

import numpy as np
import pandas as pd
import phonenumbers
import pytest
from tools import duplicate_corruption as dc

TEXT_COLUMNS = [c for c in dc.COLUMNS.values() if c != "is_company"]
FIRST_KINDS = {dc.ORIGINAL, *dc.HARD_NEGATIVES}


@pytest.fixture(scope="module")
def data():
    return dc.generate(seed=11)


@pytest.fixture(scope="module")
def firsts(data):
    """The first record of every entity (its original or hard negative), by entity."""
    first = data[data["kind"].isin(FIRST_KINDS)]
    assert first["entity"].is_unique
    return first.reset_index(names="id").set_index("entity")


def _pieces(kinds):
    return {piece for kind in kinds for piece in kind.split("+")}


def _blank(value):
    return not isinstance(value, str) or value == ""


def test_same_seed_same_frame_other_seed_other_frame():
    one = dc.generate(300, seed=4)
    again = dc.generate(300, seed=4)
    pd.testing.assert_frame_equal(one, again)
    assert one.attrs == again.attrs
    other = dc.generate(300, seed=5)
    assert other["family_name"].tolist() != one["family_name"].tolist()


def test_shape_ids_and_columns(data):
    assert list(data.columns) == [*dc.COLUMNS.values(), "entity", "kind"]
    assert data.index.is_unique and data.index.str.fullmatch(r"r\d{6}").all()
    assert data["is_company"].dtype == bool
    assert (data["country"] == "DE").all()
    assert (data["kind"] == dc.ORIGINAL).sum() == 2000
    dates = data["birthdate"]
    assert (dates.str.fullmatch(r"\d{4}-\d{2}-\d{2}") | (dates == "")).all()
    pd.to_datetime(dates[dates != ""], format="%Y-%m-%d")  # all real dates
    # shuffled: the first records of entities are spread over the ids
    positions = np.flatnonzero(data["kind"].isin(FIRST_KINDS).to_numpy())
    assert positions.max() > len(data) * 0.9 and positions.min() < len(data) * 0.1


def test_missing_values_are_empty_strings_or_nan_only(data):
    for column in TEXT_COLUMNS:
        values = data[column]
        nan = values.isna()
        assert values[~nan].map(type).eq(str).all(), column
        text = values[~nan]
        assert not text.str.fullmatch(r"\s+").any(), column
        assert not text.str.strip().str.lower().isin(["none", "nan", "null", "n/a", "-"]).any(), column
    assert data[data["kind"] == "missing"].isna().any().any()  # the corruption uses NaN, too
    assert not data["birthdate"].isna().any() and not data["parent"].isna().any()


def test_originals_mix_persons_and_companies_with_german_details(data):
    first = data[data["kind"] == dc.ORIGINAL]
    companies = first[first["is_company"]]
    persons = first[~first["is_company"]]
    assert 0.25 < len(companies) / len(first) < 0.35
    assert (persons["given_name"] != "").all() and (persons["family_name"] != "").all()
    assert (persons["company"] == "").all() and (companies["given_name"] == "").all()
    assert 0.5 < (persons["birthdate"] != "").mean() < 0.7
    forms = companies["company"].str.extract(r"(GmbH & Co\. KG|GmbH|AG|KG|e\.K\.|UG \(haftungsbeschränkt\))$")[0]
    assert {"GmbH", "AG", "KG", "GmbH & Co. KG", "e.K.", "UG (haftungsbeschränkt)"} <= set(forms.dropna())
    vats = companies["vat"][companies["vat"] != ""]
    assert vats.str.fullmatch(r"DE[1-9]\d{8}").all() and vats.is_unique
    assert companies["website"].str.contains(r"\.", regex=True).mean() > 0.6
    assert first["postcode"].str.fullmatch(r"\d{5}").all()
    prefix = {name: code for name, code, _area in dc.CITIES}
    assert (first["postcode"].str[:3] == first["city"].map(prefix)).all()
    assert first["street"].str.contains(r"(?:straße|weg|platz|allee|ring|gasse|damm)$", case=False).mean() > 0.8
    assert first["house_number"].str.fullmatch(r"\d+[a-c]").any()
    assert first["house_number"].str.fullmatch(r"\d+-\d+").any()
    emails = first["email"][first["email"] != ""]
    assert emails.str.fullmatch(r"[a-z0-9._-]+@[a-z0-9.-]+\.[a-z]+").all() and emails.is_unique


def test_phones_are_valid_german_numbers_in_several_formats(data):
    first = data[data["kind"] == dc.ORIGINAL]
    for column in ("phone", "mobile"):
        numbers = first[column][first[column] != ""]
        assert numbers.map(lambda p: phonenumbers.is_valid_number(phonenumbers.parse(p, "DE"))).all()
        assert numbers.str.startswith("+49").any() and numbers.str.startswith("0").any()
    assert first["phone"].str.fullmatch(r"\(0\d+\) (\d\d )*\d\d-\d").any()  # "(0711) 12 34 56-7"
    assert first["mobile"].str.fullmatch(r"\+49 1\d\d \d+").any()  # "+49 171 2345678"


def test_contacts_belong_to_a_company_and_share_its_address_and_switchboard(data):
    contacts = data[(data["parent"] != "") & data["kind"].isin(FIRST_KINDS)]
    assert len(contacts) > 300
    parents = data.loc[contacts["parent"]]
    assert parents["is_company"].all() and (parents["kind"] == dc.ORIGINAL).all()
    for column in ("street", "postcode", "city", "phone"):
        assert (contacts[column].to_numpy() == parents[column].to_numpy()).all(), column
    assert (contacts["vat"] == "").all() and (contacts["website"] == "").all()
    # their own mailbox at the company's domain
    with_mail = ((contacts["email"] != "").to_numpy()) & (parents["website"] != "").to_numpy()
    domain = contacts["email"].str.split("@").str[1].to_numpy()[with_mail]
    assert with_mail.sum() > 100
    assert (domain == parents["email"].str.split("@").str[1].to_numpy()[with_mail]).all()
    assert not (contacts["email"].to_numpy()[with_mail] == parents["email"].to_numpy()[with_mail]).any()
    assert (data.loc[data["is_company"], "parent"] == "").all()


def test_every_corruption_and_hard_negative_occurs(data):
    pieces = _pieces(data["kind"])
    assert pieces == {dc.ORIGINAL, *dc.CORRUPTIONS, *dc.HARD_NEGATIVES}
    counts = pd.Series([p for kind in data["kind"] for p in kind.split("+")]).value_counts()
    assert counts[list(dc.CORRUPTIONS)].min() >= 10
    assert counts[list(dc.HARD_NEGATIVES)].min() >= 10
    assert 150 < data["kind"].isin(dc.HARD_NEGATIVES).sum() < 250  # about 10 % extra records
    multi = data["kind"].str.count(r"\+")
    assert (multi == 1).any() and (multi == 2).any() and multi.max() <= 2


def test_about_the_duplicate_share_of_entities_are_duplicated(data):
    sizes = data.groupby("entity").size()
    assert 0.35 < (sizes > 1).mean() < 0.45
    assert sizes.max() == 4
    again = dc.generate(200, seed=3, duplicate_share=0.0, hard_negatives=False)
    assert len(again) == 200 and again["entity"].is_unique and (again["kind"] == dc.ORIGINAL).all()


def test_true_pairs_are_exactly_the_records_sharing_an_entity(data):
    pairs = dc.true_pairs(data)
    sizes = data.groupby("entity").size()
    assert len(pairs) == int((sizes * (sizes - 1) // 2).sum())
    entity = data["entity"]
    assert all(a < b and entity[a] == entity[b] for a, b in pairs)
    small = pd.DataFrame({"entity": ["x", "y", "x", "x", "z"]}, index=["r5", "r2", "r3", "r1", "r4"])
    assert dc.true_pairs(small) == {("r1", "r3"), ("r1", "r5"), ("r3", "r5")}


def test_each_duplicate_differs_from_its_original(data, firsts):
    dups = data[~data["kind"].isin(FIRST_KINDS)]
    assert len(dups) > 800
    first = firsts.loc[dups["entity"]]
    a = dups[TEXT_COLUMNS].fillna("\0").to_numpy()
    b = first[TEXT_COLUMNS].to_numpy()
    assert ((a != b).any(axis=1)).all()
    assert (dups["is_company"].to_numpy() == first["is_company"].to_numpy()).all()


def _kind(data, firsts, name):
    rows = data[data["kind"].str.split("+").map(lambda k: name in k)]
    return rows, firsts.loc[rows["entity"]]


def test_moved_records_keep_a_phone_mobile_or_email_but_not_the_postcode(data, firsts):
    moved, first = _kind(data, firsts, "moved")
    assert len(moved) > 50
    kept = np.zeros(len(moved), dtype=bool)
    for column in ("phone", "mobile", "email"):
        new, old = moved[column].to_numpy(), first[column].to_numpy()
        kept |= (old != "") & (new == old)
    assert kept.all()
    assert (moved["postcode"].to_numpy() != first["postcode"].to_numpy()).all()
    assert (moved["city"].str.strip().str.lower().to_numpy() != first["city"].str.lower().to_numpy()).mean() > 0.9


def test_married_keeps_given_name_and_birth_date_but_not_the_family_name(data, firsts):
    married, first = _kind(data, firsts, "married")
    assert len(married) > 20
    assert (married["family_name"].to_numpy() != first["family_name"].to_numpy()).all()
    assert (married["given_name"].to_numpy() == first["given_name"].to_numpy()).all()
    assert (married["birthdate"].to_numpy() == first["birthdate"].to_numpy()).all()


def test_name_corruptions_do_what_they_say(data, firsts):
    only = data[data["kind"] == "name_swap"]
    base = firsts.loc[only["entity"]]
    assert (only["given_name"].to_numpy() == base["family_name"].to_numpy()).all()
    assert (only["family_name"].to_numpy() == base["given_name"].to_numpy()).all()
    initials = data[data["kind"] == "initial"]
    assert initials["given_name"].str.fullmatch(r"[A-ZÄÖÜ]\.?(-[A-Z]\.)?").all()
    shortened = data[data["kind"] == "double_name"]
    base = firsts.loc[shortened["entity"]]
    was = base["family_name"] + " " + base["given_name"]
    now = shortened["family_name"] + " " + shortened["given_name"]
    assert all(len(n) < len(w) for n, w in zip(now, was))
    birth = data[data["kind"] == "birthdate"]
    old = pd.to_datetime(firsts.loc[birth["entity"], "birthdate"]).to_numpy()
    assert (pd.to_datetime(birth["birthdate"]).to_numpy() != old).all()


def test_typos_reach_postcodes_phones_names_and_emails():
    frame = dc.generate(3000, seed=2)
    first = frame[frame["kind"].isin(FIRST_KINDS)].set_index("entity")
    typos = frame[frame["kind"] == "typo"]
    base = first.loc[typos["entity"]]
    changed = {c for c in TEXT_COLUMNS if (typos[c].to_numpy() != base[c].to_numpy()).any()}
    assert {"postcode", "phone", "given_name", "family_name", "street", "city", "email", "house_number"} <= changed
    one = (typos[TEXT_COLUMNS].to_numpy() != base[TEXT_COLUMNS].to_numpy()).sum(axis=1)
    assert (one == 1).all()


def test_hard_negatives_are_other_entities_that_share_what_they_should(data):
    mimics = data.attrs["hard_negative_of"]
    hard = data[data["kind"].isin(dc.HARD_NEGATIVES)]
    assert set(mimics) == set(hard.index)
    assert dc.hard_negative_pairs(data) == {tuple(sorted(p)) for p in mimics.items()}
    true = dc.true_pairs(data)
    assert not (dc.hard_negative_pairs(data) & true)

    def strip(name):
        return re.sub(r" (jun|sen)\.$", "", name)

    for kind, rows in hard.groupby("kind"):
        base = data.loc[[mimics[i] for i in rows.index]]
        assert (rows["entity"].to_numpy() != base["entity"].to_numpy()).all(), kind
        assert (base["kind"] == dc.ORIGINAL).all(), kind

        def same(column, rows=rows, base=base):
            return rows[column].to_numpy() == base[column].to_numpy()

        address = same("street") & same("house_number") & same("postcode") & same("city")
        years = pd.to_datetime(rows["birthdate"], errors="coerce").dt.year.to_numpy()
        base_years = pd.to_datetime(base["birthdate"], errors="coerce").dt.year.to_numpy()
        if kind == "father_son":
            assert address.all() and same("phone").all() and (rows["phone"] != "").all()
            assert (rows["given_name"].map(strip).to_numpy() == base["given_name"].to_numpy()).all()
            assert (rows["family_name"].map(strip).to_numpy() == base["family_name"].to_numpy()).all()
            assert (np.abs(years - base_years) >= 20).all()
            assert not (same("email") & (rows["email"] != "").to_numpy()).any()
            assert rows["family_name"].str.endswith(" jun.").any() or rows["given_name"].str.endswith(" sen.").any()
        elif kind == "spouse":
            assert address.all() and same("phone").all() and same("family_name").all()
            assert not same("given_name").any()
            assert not (same("birthdate") & (rows["birthdate"] != "").to_numpy()).any()
        elif kind == "child":
            assert address.all() and same("family_name").all() and not same("given_name").any()
            assert (years >= 1999).all()
        elif kind == "colleague":
            assert (rows["parent"] != "").all() and same("parent").all()
            assert same("street").all() and same("phone").all()
            assert (rows["vat"] == "").all() and (rows["website"] == "").all()
            assert not (same("given_name") & same("family_name")).any()
        elif kind == "similar_company":
            assert rows["is_company"].all() and same("city").all() and not same("company").any()
            assert not same("phone").any()
            assert not (same("vat") & (rows["vat"] != "").to_numpy()).any()
            assert (rows["company"].str[:4].to_numpy() == base["company"].str[:4].to_numpy()).mean() > 0.6
        elif kind == "branch":
            assert rows["is_company"].all() and same("company").all()
            assert not same("postcode").any() and not same("phone").any() and not same("vat").any()
    colleagues = hard[hard["kind"] == "colleague"]
    base = data.loc[[mimics[i] for i in colleagues.index]]
    similar = [b in dc._SIMILAR_GIVEN.get(a, ()) for a, b in zip(base["given_name"], colleagues["given_name"])]
    assert any(similar)


def test_generate_checks_its_arguments():
    with pytest.raises(ValueError):
        dc.generate(0)
    with pytest.raises(ValueError):
        dc.generate(10, duplicate_share=1.5)
    tiny = dc.generate(3, seed=1)
    assert (tiny["kind"] == dc.ORIGINAL).sum() == 3


def test_all_pairs_helper_is_consistent_with_itertools(data):
    some = data.head(400)
    expected = set()
    for _entity, ids in some.groupby("entity").groups.items():
        expected.update(itertools.combinations(sorted(ids), 2))
    assert dc.true_pairs(some) == expected
