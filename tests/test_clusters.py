"""Interest clusters engine: features, clustering, names, identity, cross-selling."""

import numpy as np
import pandas as pd
import pytest
from engine import ContractError
from engine.clusters import (
    NO_CLUSTER,
    category_shares,
    check_cluster_settings,
    cluster_customers,
    cluster_names,
    match_clusters,
    next_best_categories,
)
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import adjusted_rand_score


def planted(groups=5, customers_per_group=120, categories=20, seed=0, tags=False):
    """Purchases of customers in ``groups`` planted groups: each group buys
    mostly (85 %) from its own 2-3 categories, the rest anywhere. Returns
    (table, truth, tag table)."""
    rng = np.random.default_rng(seed)
    dominant = [rng.choice(categories, size=rng.integers(2, 4), replace=False) for _ in range(groups)]
    rows, truth, tag_rows = [], {}, []
    for g in range(groups):
        for i in range(customers_per_group):
            customer = f"G{g}C{i:03d}"
            truth[customer] = g
            tag_rows.append({"customer": customer, "tag": f"T{g}"})
            for document in range(rng.integers(4, 11)):
                for _line in range(rng.integers(1, 5)):
                    if rng.random() < 0.85:
                        category = int(rng.choice(dominant[g]))
                    else:
                        category = int(rng.integers(categories))
                    rows.append(
                        {
                            "customer": customer,
                            "category": category,
                            "amount": float(rng.lognormal(4, 1)),
                            "document": f"{customer}-{document}",
                        }
                    )
    return pd.DataFrame(rows), pd.Series(truth), pd.DataFrame(tag_rows)


@pytest.fixture(scope="module")
def plant():
    return planted()


def _ari(result, truth):
    labels = result.assignments["cluster"]
    return adjusted_rand_score(truth.reindex(labels.index), labels)


def test_planted_groups_recovered_with_automatic_number(plant):
    table, truth, _tags = plant
    result = cluster_customers(table)
    assert result.k == 5
    assert _ari(result, truth) >= 0.9
    assert max(result.silhouettes, key=result.silhouettes.get) == 5


def test_planted_groups_recovered_with_fixed_number(plant):
    table, truth, _tags = plant
    result = cluster_customers(table, n_clusters=5)
    assert result.k == 5 and not result.silhouettes
    assert _ari(result, truth) >= 0.9


def test_same_input_same_output_whatever_the_row_order(plant):
    table, _truth, _tags = plant
    first = cluster_customers(table)
    again = cluster_customers(table.sample(frac=1.0, random_state=3))
    pd.testing.assert_frame_equal(first.assignments, again.assignments)
    pd.testing.assert_frame_equal(first.clusters, again.clusters)
    pd.testing.assert_frame_equal(first.suggestions, again.suggestions)


def test_small_perturbation_keeps_cluster_identities(plant):
    table, _truth, _tags = plant
    before = cluster_customers(table)
    rng = np.random.default_rng(1)
    moved = table.sample(frac=0.98, random_state=2).copy()
    moved["amount"] *= rng.uniform(0.9, 1.1, len(moved))
    after = cluster_customers(moved)
    mapping = match_clusters(before.clusters["profile"].to_dict(), after.clusters["profile"].to_dict())
    # every cluster continues one of before, one to one
    assert sorted(mapping) == list(range(after.k)) and len(set(mapping.values())) == after.k
    continued = after.assignments["cluster"].map(mapping)
    same = (continued == before.assignments["cluster"].reindex(continued.index)).mean()
    assert same >= 0.95


def test_customers_with_too_little_history_get_no_cluster(plant):
    table, _truth, _tags = plant
    extra = pd.DataFrame(
        [
            {"customer": "NEW1", "category": 1, "amount": 500.0, "document": "n1"},
            {"customer": "NEW1", "category": 2, "amount": 50.0, "document": "n1"},
            {"customer": "NEW1", "category": 1, "amount": 80.0, "document": "n2"},
        ]
    )
    result = cluster_customers(pd.concat([table, extra]), min_documents=3)
    assert result.assignments.at["NEW1", "cluster"] == NO_CLUSTER
    assert np.isnan(result.assignments.at["NEW1", "affinity"])
    assert result.clusters["size"].sum() == len(table["customer"].unique())
    assert "NEW1" not in set(result.suggestions["customer"])
    # with a lower minimum it is clustered
    lower = cluster_customers(pd.concat([table, extra]), min_documents=2)
    assert lower.assignments.at["NEW1", "cluster"] != NO_CLUSTER


def test_documents_counted_per_invoice_or_given():
    table = pd.DataFrame(
        {"customer": [1, 1, 1, 2, 2], "category": [1, 2, 3, 1, 1], "amount": [10.0] * 5, "document": [7, 7, 8, 9, 10]}
    )
    shares, revenue = category_shares(table, min_documents=2)
    assert list(shares.index) == [1, 2]
    shares, _ = category_shares(table, min_documents=3)
    assert shares.empty
    shares, _ = category_shares(table, documents=pd.Series({1: 5, 2: 1}), min_documents=3)
    assert list(shares.index) == [1]


def test_shares_net_returns_and_ignore_rows_without_category():
    table = pd.DataFrame(
        {
            "customer": [1, 1, 1, 1],
            "category": [1, 2, 2, None],
            "amount": [300.0, 100.0, -150.0, 999.0],
            "document": [1, 2, 3, 4],
        }
    )
    shares, revenue = category_shares(table, min_documents=1)
    # the net return of category 2 counts as nothing, the uncategorised row not at all
    assert shares.loc[1].to_dict() == {1: 1.0, 2: 0.0}
    assert revenue.loc[1] == 300.0


def test_suggestions_exclude_bought_categories_and_rank_by_cluster_penetration():
    shares = pd.DataFrame(
        {
            "desks": [0.5, 0.6, 0.5, 1.0],
            "chairs": [0.5, 0.4, 0.0, 0.0],
            "lamps": [0.0, 0.0, 0.5, 0.0],
        },
        index=["a", "b", "c", "d"],
    )
    labels = pd.Series(0, index=shares.index)
    result = next_best_categories(shares, labels, top_n=3, min_penetration=0.2)
    by_customer = result.groupby("customer")["category"].apply(list).to_dict()
    # chairs (2 of 4 members) before lamps (1 of 4)
    assert by_customer["d"] == ["chairs", "lamps"]
    assert by_customer["c"] == ["chairs"]
    assert by_customer["a"] == ["lamps"]
    for customer, categories in by_customer.items():
        assert not any(shares.at[customer, c] > 0 for c in categories)
    # a threshold above lamps' penetration drops it
    strict = next_best_categories(shares, labels, top_n=3, min_penetration=0.3)
    assert "lamps" not in set(strict["category"])


def test_suggestions_come_from_the_customers_own_cluster(plant):
    table, _truth, _tags = plant
    result = cluster_customers(table)
    shares, _ = category_shares(table)
    assert not result.suggestions.empty
    for row in result.suggestions.itertuples():
        assert shares.at[row.customer, row.category] == 0
        cluster = result.assignments.at[row.customer, "cluster"]
        assert result.clusters.at[cluster, "penetration"][row.category] == pytest.approx(row.penetration)


def test_names_from_dominant_categories_and_unique():
    profiles = {
        0: {"Büromöbel": 0.5, "Papier": 0.3, "Kaffee": 0.2},
        1: {"Toner": 0.9, "Papier": 0.1},
        2: {"Toner": 0.8, "Kaffee": 0.15, "Papier": 0.05},
    }
    names = cluster_names(profiles)
    assert names[0] == "Büromöbel + Papier"
    # equal names are told apart by the next category
    assert names[1] == "Toner (Papier)" and names[2] == "Toner (Kaffee)"
    assert cluster_names({0: {3: 1.0}}, {3: "Leuchten"}) == {0: "Leuchten"}
    assert len(set(cluster_names({0: {"x": 1.0}, 1: {"x": 1.0}}).values())) == 2


def test_matching_is_optimal_one_to_one_and_has_a_floor():
    previous = {10: {"a": 1.0}, 11: {"b": 0.9, "c": 0.1}, 12: {"d": 1.0}}
    current = {0: {"b": 1.0}, 1: {"a": 0.9, "b": 0.1}, 2: {"e": 1.0}}
    assert match_clusters(previous, current) == {0: 11, 1: 10}
    assert match_clusters({}, current) == {}


def test_tags_separate_groups_that_buy_alike():
    rng = np.random.default_rng(5)
    rows, tags, truth = [], [], {}
    for g in range(2):
        for i in range(80):
            customer = f"{g}-{i}"
            truth[customer] = g
            tags.append({"customer": customer, "tag": f"branch-{g}"})
            for document in range(4):
                rows.append(
                    {
                        "customer": customer,
                        "category": int(rng.integers(3)),
                        "amount": 100.0,
                        "document": f"{customer}/{document}",
                    }
                )
    table, tags, truth = pd.DataFrame(rows), pd.DataFrame(tags), pd.Series(truth)
    with_tags = cluster_customers(table, n_clusters=2, tags=tags, tag_weight=1.0)
    assert adjusted_rand_score(truth.reindex(with_tags.assignments.index), with_tags.assignments["cluster"]) == 1.0
    without = cluster_customers(table, n_clusters=2)
    assert adjusted_rand_score(truth.reindex(without.assignments.index), without.assignments["cluster"]) < 0.5


def test_too_few_customers_give_no_clusters():
    table = pd.DataFrame(
        {"customer": [1, 1, 1], "category": [1, 1, 1], "amount": [5.0, 5.0, 5.0], "document": [1, 2, 3]}
    )
    result = cluster_customers(table)
    assert result.k == 0 and result.clusters.empty
    assert (result.assignments["cluster"] == NO_CLUSTER).all()


@pytest.mark.parametrize(
    "kwargs, code",
    [
        ({"n_clusters": 1}, "bad_cluster_count"),
        ({"n_clusters": 51}, "bad_cluster_count"),
        ({"k_range": (1, 5)}, "bad_cluster_range"),
        ({"k_range": (6, 5)}, "bad_cluster_range"),
        ({"min_documents": 0}, "bad_min_documents"),
    ],
)
def test_bad_settings_refused(kwargs, code):
    with pytest.raises(ContractError) as error:
        check_cluster_settings(**kwargs)
    assert error.value.code == code


def test_missing_columns_refused():
    with pytest.raises(ContractError) as error:
        cluster_customers(pd.DataFrame({"customer": [1], "amount": [1.0]}))
    assert error.value.code == "missing_columns"


@settings(max_examples=30, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 30), st.integers(0, 6), st.floats(-50, 500, allow_nan=False), st.integers(0, 4)),
        min_size=1,
        max_size=200,
    )
)
def test_every_eligible_customer_gets_one_cluster_and_a_bounded_affinity(rows):
    table = pd.DataFrame(rows, columns=["customer", "category", "amount", "document"])
    result = cluster_customers(table, min_documents=2)
    shares, _ = category_shares(table, min_documents=2)
    assert np.allclose(shares.sum(axis=1), 1.0)
    clustered = result.assignments["cluster"] != NO_CLUSTER
    if result.k:
        assert set(result.assignments.index[clustered]) == set(shares.index)
        assert result.assignments.loc[clustered, "affinity"].between(0, 1).all()
        assert result.clusters["size"].sum() == clustered.sum()
    else:
        assert not clustered.any()


def _weak_baskets(n, groups=4, categories=30, seed=0):
    """Revenue shares drawn around ``demo_data.weak_basket_mixes``."""
    from tools import demo_data

    mixes, planted = demo_data.weak_basket_mixes(n, groups, categories, seed)
    rng = np.random.default_rng(seed + 1)
    shares = np.vstack([rng.dirichlet(mix * 30 + 0.01) for mix in mixes])
    return pd.DataFrame(shares, columns=[f"cat{i}" for i in range(categories)]), planted


def test_choose_k_finds_weak_planted_groups():
    from engine.clusters import choose_k

    features, _labels = _weak_baskets(6000)
    k, scores = choose_k(features)
    assert k == 4
    assert set(scores) == set(range(2, 11))
    # the same input gives the same choice
    assert choose_k(features) == (k, scores)
