"""Duplicate partners: blocking, rapidfuzz scoring with an explanation, and
groups.

:func:`find_duplicates` takes a plain table of records (a DataFrame and a
mapping of its columns to roles) and returns scored pairs and groups, so it
can be measured on outside data sets. Nothing is compared all-against-all:
records are paired only within blocks that share a key (postcode and the
first word of the name, the phonetic code of the name and the postcode
area, the phone, the email, a company email domain, the website, the VAT
number, the address). Each pair gets per-field similarities (rapidfuzz)
combined into one score from 0 to 100, and a short explanation ("name 96,
street 100, phone equal, email differs").

Nothing here imports ``odoo``.
"""

import numpy as np
import pandas as pd
from rapidfuzz import fuzz
from rapidfuzz.process import cpdist
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from .contracts import ContractError
from .normalize import email, fold, phone_e164, phonetic, postcode, split_legal_form, split_street, vat, website_domain

ROLES = (
    "name",  # full name (company or person); or the three below
    "company",
    "given_name",
    "family_name",
    "street",
    "house_number",
    "postcode",
    "city",
    "phone",
    "email",
    "website",
    "vat",
    "birthdate",
    "is_company",
    "country",  # ISO code: the region of the record's phone numbers
)
# the columns of prepare()'s table, in order (kept between runs by callers)
PREPARED_COLUMNS = (
    "name",
    "legal_form",
    "street",
    "number",
    "postcode",
    "city",
    "phone",
    "email",
    "domain",
    "website",
    "vat",
    "birthdate",
    "full_name",
    "phonetic",
    "is_company",
)
# blocks larger than this are too common to pair within (a chain's email
# domain, a postcode and "bäckerei"): their records meet in other blocks
MAX_BLOCK = 40
REVIEW_THRESHOLD = 80
AUTO_MERGE_THRESHOLD = 95


def prepare(frame, columns, region="DE"):
    """One row of normalised keys per record (same index as ``frame``).

    ``columns`` maps roles (see ``ROLES``) to column names of ``frame``;
    ``name`` or ``company``/``given_name``/``family_name`` is required."""
    unknown = set(columns) - set(ROLES)
    if unknown:
        raise ContractError("bad_roles", "unknown roles %(roles)s", roles=", ".join(sorted(unknown)))
    if not ({"name", "company", "family_name"} & set(columns)):
        raise ContractError("missing_columns", "a name role is required (name, company or family_name)")
    missing = [c for c in columns.values() if c not in frame.columns]
    if missing:
        raise ContractError("missing_columns", "the table lacks the columns %(columns)s", columns=", ".join(missing))

    def col(role):
        return frame[columns[role]].fillna("").astype(str) if role in columns else pd.Series("", index=frame.index)

    if "name" in columns:
        names = col("name")
    else:
        person = (col("given_name") + " " + col("family_name")).str.strip()
        names = col("company").where(col("company") != "", person)
    legal = names.map(split_legal_form)
    street = col("street").map(split_street)
    number = col("house_number").where(col("house_number") != "", street.map(lambda s: s[1]))
    mail = col("email").map(email)
    out = pd.DataFrame(
        {
            "name": legal.map(lambda x: x[0]),
            "legal_form": legal.map(lambda x: x[1]),
            "street": street.map(lambda s: s[0]),
            "number": number.map(lambda n: n.lower().replace(" ", "")),
            "postcode": col("postcode").map(postcode),
            "city": col("city").map(fold),
            "phone": _phones(col("phone"), col("country") if "country" in columns else None, region),
            "email": mail.map(lambda m: m[0]),
            "domain": mail.map(lambda m: "" if m[2] else m[1]),
            "website": col("website").map(website_domain),
            "vat": col("vat").map(vat),
            "birthdate": _dates(frame[columns["birthdate"]]) if "birthdate" in columns else "",
        },
        index=frame.index,
    )
    out["full_name"] = names.map(fold)
    out["phonetic"] = out["name"].map(phonetic)
    if "is_company" in columns:
        out["is_company"] = frame[columns["is_company"]].fillna(False).astype(bool)
    else:
        out["is_company"] = out["legal_form"] != ""
    return out[list(PREPARED_COLUMNS)]


def _phones(phones, countries, region):
    """Phones in E.164; a record's own country is the region of a number
    written without one, else ``region``."""
    if countries is None:
        return phones.map(lambda p: phone_e164(p, region))
    regions = countries.str.upper().where(countries.str.len() == 2, region)
    return pd.Series([phone_e164(p, r) for p, r in zip(phones, regions)], index=phones.index)


def _dates(values):
    """ISO dates as text, "" where there is none."""
    dates = pd.to_datetime(values, errors="coerce")
    return dates.dt.strftime("%Y-%m-%d").fillna("")


def _block_keys(prepared):
    """(block name, keys, usable) triples: the key of every record (an
    object array) and whether it is a key at all (no empty part)."""
    col = {name: prepared[name].tolist() for name in ("name", "phonetic", "postcode", "street", "number")}
    words = [name.split(" ", 1)[0] for name in col["name"]]
    words = [w if len(w) >= 3 else "" for w in words]
    sounds = [" ".join(code.split()[:2]) for code in col["phonetic"]]
    areas = [code[:2] for code in col["postcode"]]

    def joined(*parts):
        keys = np.array(["|".join(values) for values in zip(*parts)], dtype=object)
        # the first and the last part must be there (the street may be missing)
        usable = np.array([bool(values[0]) and bool(values[-1]) for values in zip(*parts)])
        return keys, usable

    def single(name):
        keys = prepared[name].to_numpy(dtype=object)
        return keys, keys != ""

    return (
        ("postcode+word", *joined(col["postcode"], words)),
        ("phonetic+area", *joined(sounds, areas)),
        ("phone", *single("phone")),
        ("email", *single("email")),
        ("domain", *single("domain")),
        ("website", *single("website")),
        ("vat", *single("vat")),
        ("address", *joined(col["postcode"], col["street"], col["number"])),
    )


def candidate_pairs(prepared, max_block=MAX_BLOCK, changed=None):
    """Positions (i < j) of the records that share at least one block.

    ``changed`` (a boolean array over the rows) keeps only the pairs with at
    least one changed record: an incremental run compares the changed
    records against all, not everything again. Block sizes count all
    records either way, so a pair is found incrementally exactly when a
    full run would find it."""
    found = []
    changed = None if changed is None else np.asarray(changed, dtype=bool)
    for _name, keys, usable in _block_keys(prepared):
        rows = np.flatnonzero(usable)
        codes = pd.factorize(keys[rows])[0]
        sizes = np.bincount(codes) if len(codes) else np.empty(0, dtype=np.int64)
        wanted = (sizes > 1) & (sizes <= max_block)
        if changed is not None:
            # only the blocks a changed record is in
            wanted &= np.bincount(codes, weights=changed[rows], minlength=len(sizes)) > 0
        keep = wanted[codes]
        rows, codes = rows[keep], codes[keep]
        if not len(rows):
            continue
        order = np.argsort(codes, kind="stable")
        rows, codes = rows[order], codes[order]
        starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]])
        lengths = np.diff(np.r_[starts, len(rows)])
        # all blocks of one size at once: a matrix of their rows
        for size in np.unique(lengths):
            members = rows[starts[lengths == size][:, None] + np.arange(size)]
            left, right = np.triu_indices(size, k=1)
            block = np.column_stack((members[:, left].ravel(), members[:, right].ravel()))
            if changed is not None:
                block = block[changed[block[:, 0]] | changed[block[:, 1]]]
            found.append(block)
    if not found:
        return np.empty((0, 2), dtype=np.int64)
    pairs = np.unique(np.sort(np.vstack(found), axis=1), axis=0)
    return pairs.astype(np.int64)


def _equal(a, b):
    """1 equal, -1 both given and different, 0 one missing."""
    both = (a != "") & (b != "")
    return np.where(both & (a == b), 1, np.where(both, -1, 0))


def score_pairs(prepared, pairs, explain=True):
    """Per-field similarities, the combined score (0-100) and (with
    ``explain``) the explanation of each pair of positions."""
    a = prepared.iloc[pairs[:, 0]].reset_index(drop=True)
    b = prepared.iloc[pairs[:, 1]].reset_index(drop=True)
    # the core name in either word order, or the whole name (a typo in the
    # legal form leaves it in the core)
    name = np.maximum.reduce(
        [
            cpdist(a["name"].tolist(), b["name"].tolist(), scorer=fuzz.ratio, workers=-1),
            cpdist(a["name"].tolist(), b["name"].tolist(), scorer=fuzz.token_sort_ratio, workers=-1),
            cpdist(a["full_name"].tolist(), b["full_name"].tolist(), scorer=fuzz.ratio, workers=-1),
        ]
    )
    street = cpdist(a["street"].tolist(), b["street"].tolist(), scorer=fuzz.ratio, workers=-1)
    city = cpdist(a["city"].tolist(), b["city"].tolist(), scorer=fuzz.ratio, workers=-1)
    street = np.where((a["street"] == "") | (b["street"] == ""), np.nan, street)
    phonetic_equal = (a["phonetic"] == b["phonetic"]) & (a["phonetic"] != "")
    fields = {
        "number": _equal(a["number"].to_numpy(), b["number"].to_numpy()),
        "postcode": _equal(a["postcode"].to_numpy(), b["postcode"].to_numpy()),
        "phone": _equal(a["phone"].to_numpy(), b["phone"].to_numpy()),
        "email": _equal(a["email"].to_numpy(), b["email"].to_numpy()),
        "website": _equal(a["website"].to_numpy(), b["website"].to_numpy()),
        "vat": _equal(a["vat"].to_numpy(), b["vat"].to_numpy()),
        "legal_form": _equal(a["legal_form"].to_numpy(), b["legal_form"].to_numpy()),
        "birthdate": _equal(a["birthdate"].to_numpy(), b["birthdate"].to_numpy()),
    }
    # the name carries most; an equal phonetic code lifts a typo
    name_part = np.maximum(name, np.where(phonetic_equal, 92.0, 0.0))
    address = np.where(np.isnan(street), city, 0.7 * np.nan_to_num(street) + 0.3 * city)
    score = 0.6 * name_part + 0.4 * address
    # each equal identifier adds, each conflicting one takes away
    for field, bonus, malus in (
        ("phone", 8, 4),
        ("email", 8, 2),
        ("website", 6, 3),
        ("postcode", 4, 12),
        ("number", 4, 15),
        ("legal_form", 2, 12),
        ("birthdate", 6, 40),
        ("vat", 10, 60),
    ):
        score = score + np.where(fields[field] == 1, bonus, 0) - np.where(fields[field] == -1, malus, 0)
    # a person and a company are no duplicates of each other
    score = np.where(a["is_company"].to_numpy() != b["is_company"].to_numpy(), score - 30, score)
    score = np.clip(np.round(score, 1), 0, 100)
    result = pd.DataFrame(
        {
            "a": prepared.index.to_numpy()[pairs[:, 0]],
            "b": prepared.index.to_numpy()[pairs[:, 1]],
            "score": score,
            "name": np.round(name).astype(int),
            "street": street,
            "city": np.round(city).astype(int),
            **fields,
        }
    )
    if explain:
        result["explanation"] = _explain(result)
    return result


def _explain(result):
    if result.empty:
        return pd.Series(dtype=object, index=result.index)
    words = {1: "equal", -1: "differs"}
    parts = [("name " + result["name"].astype(str))]
    parts.append(
        np.where(result["street"].isna(), "", "street " + result["street"].fillna(0).round().astype(int).astype(str))
    )
    for field in ("number", "postcode", "phone", "email", "website", "vat", "legal_form", "birthdate"):
        label = {"number": "house number", "legal_form": "legal form"}.get(field, field)
        parts.append(result[field].map(lambda v, lb=label: f"{lb} {words[v]}" if v else ""))
    frame = pd.concat([pd.Series(p, index=result.index) for p in parts], axis=1)
    return frame.apply(lambda row: ", ".join(x for x in row if x), axis=1)


def find_duplicates(frame, columns, region="DE", threshold=REVIEW_THRESHOLD, max_block=MAX_BLOCK, changed=None):
    """Scored pairs at or above ``threshold`` (columns a, b: index labels of
    ``frame``; score; per-field similarities; explanation), best first, and
    the groups they form (a Series: index label -> group number, records
    in no pair left out).

    ``changed``: index labels of the records changed since the last run;
    only pairs with at least one of them are returned."""
    return match(prepare(frame, columns, region), threshold, max_block, changed)


def match(prepared, threshold=REVIEW_THRESHOLD, max_block=MAX_BLOCK, changed=None):
    """:func:`find_duplicates` on records already prepared by :func:`prepare` (kept
    between runs, so that an incremental run normalises only what changed)."""
    mask = None if changed is None else prepared.index.isin(list(changed))
    pairs = candidate_pairs(prepared, max_block, mask)
    scored = score_pairs(prepared, pairs, explain=False)
    kept = scored[scored["score"] >= threshold].sort_values(["score", "a", "b"], ascending=[False, True, True])
    kept = kept.reset_index(drop=True)
    # explained once filtered: a few thousand pairs, not every candidate
    kept["explanation"] = _explain(kept)
    return kept, groups(kept)


def weakest_link(pairs):
    """The highest score at which the pairs still tie all their records
    together (the bottleneck of a maximum spanning tree): a group is as sure
    as its weakest necessary link, not its best pair."""
    if pairs.empty:
        return 0.0
    return bottleneck(zip(pairs["a"], pairs["b"], pairs["score"]))


def bottleneck(links):
    """:func:`weakest_link` of plain ``(a, b, score)`` triples."""
    links = sorted(links, key=lambda link: -link[2])
    records = {a for a, _b, _s in links} | {b for _a, b, _s in links}
    if not links:
        return 0.0
    parent = {}

    def root(x):
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    joined = 1
    for a, b, score in links:
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[ra] = rb
            joined += 1
            if joined == len(records):
                return float(score)
    return 0.0  # not connected: no single group


def groups(pairs):
    """Connected components of the pairs: index label -> group number."""
    if pairs.empty:
        return pd.Series(dtype="int64")
    labels = pd.Index(pd.unique(np.concatenate([pairs["a"].to_numpy(), pairs["b"].to_numpy()])))
    rows, cols = labels.get_indexer(pairs["a"]), labels.get_indexer(pairs["b"])
    graph = coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(labels), len(labels)))
    _n, component = connected_components(graph, directed=False)
    return pd.Series(component, index=labels)
