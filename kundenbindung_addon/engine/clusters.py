"""Interest clusters: groups of customers who buy the same mix of categories.

Input is a plain table of what customers bought (customer, category, amount;
optionally document), usually one window of invoice lines. Every customer
with enough history becomes a vector of its revenue shares per category
(optionally with tags as extra signals); a scikit-learn pipeline
(square root of the shares, then k-means with a fixed ``random_state``)
groups them. The square root turns each share vector into a unit vector, so
k-means compares purchase *mixes* (the Hellinger distance), not volumes, and
the affinity of a customer to its cluster is the cosine between the two.

The number of clusters is given or chosen by the silhouette over a range.
Clusters get a readable name from their dominant categories; on a recompute
:func:`match_clusters` maps the new clusters to the previous ones (optimal
assignment on profile similarity) so a cluster keeps its identity while the
data barely moves. :func:`next_best_categories` proposes, per customer, the
categories that the members of its cluster buy and it does not (cross-selling).

Nothing here imports ``odoo``.
"""

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment
from sklearn.cluster import KMeans
from sklearn.metrics import silhouette_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

from .contracts import ContractError

NO_CLUSTER = -1
DEFAULT_MIN_DOCUMENTS = 3
DEFAULT_K_RANGE = (2, 10)
# customers on which the number of clusters is chosen, and on which the
# silhouette of each candidate is measured: enough for a stable choice,
# small enough that choosing costs at most a few final fits on 100,000 customers
SELECTION_SAMPLE = 4000
SILHOUETTE_SAMPLE = 1500
# k-means starts per candidate while choosing (the final fit makes 4)
SELECTION_INITS = 2
# a new cluster inherits the identity of a previous one from this cosine
# similarity of their profiles on
DEFAULT_MIN_SIMILARITY = 0.8
TAG_PREFIX = "tag:"


@dataclass
class ClusterResult:
    """What :func:`cluster_customers` returns.

    ``assignments``: one row per customer of the input, indexed by customer:
    ``cluster`` (label, or ``NO_CLUSTER`` for too little history), ``affinity``
    (0-1 cosine to the cluster's centre, NaN without cluster), ``revenue``
    (net, positive categories only).

    ``clusters``: one row per label: ``size``, ``revenue``, ``revenue_share``
    (of all customers' revenue in the input), ``name``, ``profile`` (dict
    category -> mean share of the members, the centroid kept for matching),
    ``penetration`` (dict category -> fraction of members buying it),
    ``top_categories`` (list of (category, share, penetration), dominant first).

    ``suggestions``: the next best categories, one row per customer and
    rank: customer, rank (1 = best), category, penetration.

    ``silhouettes``: k -> silhouette of the candidates tried (empty when the
    number was fixed).
    """

    assignments: pd.DataFrame
    clusters: pd.DataFrame
    suggestions: pd.DataFrame
    k: int
    silhouettes: dict = field(default_factory=dict)


def check_cluster_settings(n_clusters=0, k_range=DEFAULT_K_RANGE, min_documents=DEFAULT_MIN_DOCUMENTS):
    """Raise :class:`ContractError` for settings that cannot work:
    ``n_clusters`` 0 (automatic) or 2-50, ``k_range`` within 2-50 and ordered,
    ``min_documents`` at least 1."""
    if not (n_clusters == 0 or 2 <= n_clusters <= 50):
        raise ContractError(
            "bad_cluster_count", "the number of clusters must be 0 (automatic) or 2-50, got %(got)s", got=n_clusters
        )
    low, high = k_range
    if not (2 <= low <= high <= 50):
        raise ContractError(
            "bad_cluster_range",
            "the automatic range must satisfy 2 <= minimum <= maximum <= 50, got %(low)s-%(high)s",
            low=low,
            high=high,
        )
    if min_documents < 1:
        raise ContractError(
            "bad_min_documents", "the minimum number of invoices must be at least 1, got %(got)s", got=min_documents
        )


def category_shares(table, documents=None, min_documents=DEFAULT_MIN_DOCUMENTS):
    """Revenue share per category of every customer with enough history.

    ``table``: customer, category, amount (negative for returns), optionally
    document; several rows per customer and category are summed. A category
    with a net return counts as zero. ``documents``: number of invoices per
    customer (Series); without it they are counted from the ``document``
    column, or as rows.

    Returns ``(shares, revenue)``: shares (customers x categories, rows sum to
    1, categories sorted) of the customers with at least ``min_documents``
    invoices and positive revenue; revenue (net positive amount per customer,
    every customer of the input).
    """
    missing = {"customer", "category", "amount"} - set(table.columns)
    if missing:
        raise ContractError(
            "missing_columns", "the purchase table lacks the columns %(columns)s", columns=", ".join(sorted(missing))
        )
    table = table[table["category"].notna()]
    net = table.groupby(["customer", "category"], sort=True)["amount"].sum().clip(lower=0.0)
    matrix = net.unstack("category", fill_value=0.0).sort_index().sort_index(axis=1)
    revenue = matrix.sum(axis=1)
    if documents is None:
        if "document" in table.columns:
            documents = table.groupby("customer")["document"].nunique()
        else:
            documents = table.groupby("customer").size()
    counts = documents.reindex(matrix.index).fillna(0)
    eligible = (counts >= min_documents) & (revenue > 0)
    shares = matrix[eligible].div(revenue[eligible], axis=0)
    return shares, revenue


def tag_features(tags, customers, weight=0.5):
    """Tags as extra interest signals: one column per tag (named
    ``tag:<tag>``), ``weight`` where the customer has it, else 0."""
    if tags is None or tags.empty:
        return pd.DataFrame(index=customers)
    tags = tags[tags["customer"].isin(customers)]
    flags = pd.crosstab(tags["customer"], tags["tag"]).clip(upper=1).astype(float) * weight
    flags.columns = [f"{TAG_PREFIX}{tag}" for tag in flags.columns]
    return flags.reindex(customers, fill_value=0.0).sort_index(axis=1)


def _pipeline(k, random_state, n_init):
    # sqrt of non-negative shares (and tag weights): mixes compared by the
    # Hellinger distance, not by volume
    return make_pipeline(
        FunctionTransformer(np.sqrt, feature_names_out="one-to-one"),
        KMeans(n_clusters=k, n_init=n_init, random_state=random_state),
    )


def choose_k(features, k_range=DEFAULT_K_RANGE, random_state=0):
    """The number of clusters with the best silhouette in ``k_range``
    (ties to the smaller number). Returns ``(k, {k: silhouette})``.

    Chosen on a fixed random sample of ``SELECTION_SAMPLE`` customers, so
    that choosing costs about as much as the final fit of 100,000: each
    candidate is fitted there (``SELECTION_INITS`` starts) and scored by the
    silhouette of the same ``SILHOUETTE_SAMPLE`` points for every candidate,
    so the candidates are compared on equal terms rather than each on its
    own random draw (which let noise pick the smallest k on weak
    structure)."""
    values = features.to_numpy()
    rng = np.random.RandomState(random_state)
    if len(values) > SELECTION_SAMPLE:
        values = values[np.sort(rng.choice(len(values), SELECTION_SAMPLE, replace=False))]
    distinct = len(np.unique(values, axis=0))
    low, high = k_range
    high = min(high, distinct - 1, len(values) - 1)
    root = np.sqrt(values)
    probe = np.sort(rng.choice(len(values), min(SILHOUETTE_SAMPLE, len(values)), replace=False))
    scores = {}
    for k in range(low, high + 1):
        labels = _pipeline(k, random_state, n_init=SELECTION_INITS).fit_predict(values)
        if len(np.unique(labels[probe])) < 2:
            continue
        scores[k] = float(silhouette_score(root[probe], labels[probe]))
    if not scores:
        return min(low, max(distinct, 1)), scores
    best = max(scores.values())
    return min(k for k, s in scores.items() if s >= best - 1e-9), scores


def cluster_names(profiles, category_names=None, max_parts=3, cover=0.6, min_part=0.1):
    """A readable name per cluster from its dominant categories, e.g.
    "Büromöbel + Papier": categories by share until ``cover`` of the profile
    is named (at most ``max_parts``, each further part at least ``min_part``).
    Equal names get the next category in parentheses, then a number.

    ``profiles``: label -> {category: share}. Returns label -> name.
    """
    category_names = category_names or {}

    def label_of(category):
        return str(category_names.get(category, category))

    ranked = {
        label: [c for c, s in sorted(profile.items(), key=lambda kv: (-kv[1], str(kv[0]))) if s > 0]
        for label, profile in profiles.items()
    }
    names = {}
    for label, order in ranked.items():
        profile = profiles[label]
        parts, covered = [], 0.0
        for category in order:
            if parts and (covered >= cover or len(parts) >= max_parts or profile[category] < min_part):
                break
            parts.append(category)
            covered += profile[category]
        names[label] = " + ".join(label_of(c) for c in parts) or "-"
    groups = {}
    for label in sorted(names, key=str):
        groups.setdefault(names[label], []).append(label)
    for name, labels in groups.items():
        if len(labels) < 2:
            continue
        used = set(name.split(" + "))
        for label in labels:
            extra = next((label_of(c) for c in ranked[label] if label_of(c) not in used), None)
            if extra:
                names[label] = f"{name} ({extra})"
    # still equal (no further category tells them apart): number them
    groups = {}
    for label in sorted(names, key=str):
        groups.setdefault(names[label], []).append(label)
    for name, labels in groups.items():
        if len(labels) > 1:
            for number, label in enumerate(labels, start=1):
                names[label] = f"{name} {number}"
    return names


def next_best_categories(shares, labels, top_n=3, min_penetration=0.2):
    """Cross-selling: per customer, the categories most members of its
    cluster buy (penetration at least ``min_penetration``) that the customer
    has not bought, best first, at most ``top_n``.

    ``shares``: customers x categories (positive where bought); ``labels``:
    cluster per customer (same index). Returns a frame customer, rank,
    category, penetration.
    """
    columns = ["customer", "rank", "category", "penetration"]
    if shares.empty or top_n < 1:
        return pd.DataFrame(columns=columns)
    bought = shares.to_numpy() > 0
    label_values = labels.reindex(shares.index).to_numpy()
    unique = np.unique(label_values[label_values != NO_CLUSTER])
    penetration = np.zeros((len(unique), bought.shape[1]))
    position = {label: i for i, label in enumerate(unique)}
    for label, i in position.items():
        penetration[i] = bought[label_values == label].mean(axis=0)
    has_cluster = label_values != NO_CLUSTER
    rows = np.flatnonzero(has_cluster)
    score = penetration[[position[lb] for lb in label_values[rows]]]
    score[bought[rows]] = -1.0
    score[score < min_penetration] = -1.0
    top_n = min(top_n, score.shape[1])
    # best first; ties in category order (stable sort on the negated score)
    order = np.argsort(-score, axis=1, kind="stable")[:, :top_n]
    picked = np.take_along_axis(score, order, axis=1)
    keep = picked >= 0
    customer = np.repeat(shares.index.to_numpy()[rows], top_n).reshape(-1, top_n)
    rank = np.tile(np.arange(1, top_n + 1), (len(rows), 1))
    categories = shares.columns.to_numpy()[order]
    return pd.DataFrame(
        {
            "customer": customer[keep],
            "rank": rank[keep],
            "category": categories[keep],
            "penetration": picked[keep],
        },
        columns=columns,
    ).reset_index(drop=True)


def cluster_customers(
    table,
    n_clusters=0,
    k_range=DEFAULT_K_RANGE,
    min_documents=DEFAULT_MIN_DOCUMENTS,
    documents=None,
    tags=None,
    tag_weight=0.5,
    category_names=None,
    random_state=0,
    top_n=3,
    min_penetration=0.2,
):
    """Cluster customers by what they buy; see :class:`ClusterResult`.

    ``n_clusters`` 0 chooses the number in ``k_range`` by the silhouette.
    Customers with fewer than ``min_documents`` invoices (or no positive
    revenue) get ``NO_CLUSTER``. ``tags`` (customer, tag) adds tags as
    signals. The input's row order does not matter; the same input gives the
    same output.
    """
    check_cluster_settings(n_clusters, k_range, min_documents)
    shares, revenue = category_shares(table, documents=documents, min_documents=min_documents)
    features = shares
    if tags is not None and not tags.empty:
        features = pd.concat([shares, tag_features(tags, shares.index, tag_weight)], axis=1)
    assignments = pd.DataFrame(
        {"cluster": NO_CLUSTER, "affinity": np.nan, "revenue": revenue.astype(float)},
        index=revenue.index,
    )
    assignments.index.name = "customer"
    empty_clusters = pd.DataFrame(
        columns=["size", "revenue", "revenue_share", "name", "profile", "penetration", "top_categories"]
    )
    distinct = len(np.unique(features.to_numpy(), axis=0)) if len(features) else 0
    if distinct < 2:
        return ClusterResult(assignments, empty_clusters, next_best_categories(shares.iloc[0:0], pd.Series()), 0)

    silhouettes = {}
    if n_clusters:
        k = min(n_clusters, distinct)
    else:
        k, silhouettes = choose_k(features, k_range, random_state)
    pipeline = _pipeline(k, random_state, n_init=4)
    values = features.to_numpy()
    labels = pipeline.fit_predict(values)
    # relabel by size (largest cluster 0): labels do not depend on k-means'
    # internal numbering
    sizes = np.bincount(labels, minlength=k)
    order = np.argsort(-sizes, kind="stable")
    relabel = np.empty(k, dtype=int)
    relabel[order] = np.arange(k)
    labels = relabel[labels]
    centers = pipeline[-1].cluster_centers_[order]

    root = np.sqrt(values)
    norms = np.linalg.norm(centers, axis=1)
    affinity = np.einsum("ij,ij->i", root, centers[labels]) / np.where(
        np.linalg.norm(root, axis=1) * norms[labels] > 0, np.linalg.norm(root, axis=1) * norms[labels], 1.0
    )
    assignments.loc[shares.index, "cluster"] = labels
    assignments.loc[shares.index, "affinity"] = np.clip(affinity, 0.0, 1.0)
    assignments["cluster"] = assignments["cluster"].astype(int)

    total_revenue = float(revenue.sum())
    member_revenue = revenue.loc[shares.index].to_numpy()
    bought = shares.to_numpy() > 0
    categories = shares.columns.to_numpy()
    share_values = shares.to_numpy()
    rows = []
    profiles = {}
    for label in range(k):
        members = labels == label
        profile = share_values[members].mean(axis=0)
        penetration = bought[members].mean(axis=0)
        profiles[label] = {c: float(s) for c, s in zip(categories, profile) if s > 0}
        top = [
            (categories[i], float(profile[i]), float(penetration[i]))
            for i in np.argsort(-profile, kind="stable")
            if profile[i] > 0
        ]
        cluster_revenue = float(member_revenue[members].sum())
        rows.append(
            {
                "size": int(members.sum()),
                "revenue": cluster_revenue,
                "revenue_share": cluster_revenue / total_revenue if total_revenue else 0.0,
                "profile": profiles[label],
                "penetration": {c: float(p) for c, p in zip(categories, penetration) if p > 0},
                "top_categories": top,
            }
        )
    clusters = pd.DataFrame(rows, index=pd.RangeIndex(k, name="cluster"))
    names = cluster_names(profiles, category_names)
    clusters["name"] = [names[label] for label in range(k)]
    suggestions = next_best_categories(shares, assignments["cluster"], top_n, min_penetration)
    return ClusterResult(assignments, clusters, suggestions, k, silhouettes)


def profile_similarity(first, second):
    """Cosine similarity of two profiles (dicts category -> share)."""
    keys = sorted(set(first) | set(second), key=str)
    a = np.array([first.get(key, 0.0) for key in keys])
    b = np.array([second.get(key, 0.0) for key in keys])
    norm = np.linalg.norm(a) * np.linalg.norm(b)
    return float(a @ b / norm) if norm else 0.0


def match_clusters(previous, current, min_similarity=DEFAULT_MIN_SIMILARITY):
    """Which previous cluster each current one continues.

    ``previous``: id -> profile; ``current``: label -> profile. An optimal
    one-to-one assignment (Hungarian method) maximises the total cosine
    similarity; pairs below ``min_similarity`` are not matched. Returns
    label -> previous id for the matched clusters.
    """
    if not previous or not current:
        return {}
    old_ids = list(previous)
    new_labels = list(current)
    similarity = np.array([[profile_similarity(current[lb], previous[pid]) for pid in old_ids] for lb in new_labels])
    rows, cols = linear_sum_assignment(-similarity)
    return {new_labels[r]: old_ids[c] for r, c in zip(rows, cols) if similarity[r, c] >= min_similarity}
