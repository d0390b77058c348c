"""Duplicate partners: blocking, a probabilistic match model, evidence, groups.

:func:`find_duplicates` takes a plain table of records (a DataFrame and a
mapping of its columns to roles) and returns scored pairs and the groups
they form, so it can be measured on outside data sets.

1. **Blocking**: records are compared only when they share a key in one
   of several independent passes (postcode; family-name sound and given
   initial; both name sounds in either order; house number and street;
   city; birth date and initial; each email, phone, VAT number, website).
   A block too large to compare all-against-all is not skipped: its
   records are compared with their neighbours in name order (a sorted
   window), so that the number of pairs grows linearly with the records
   and no single typo, nor one in each of two fields, hides a pair.
2. **Comparison levels**: every field of a pair is graded into a few
   levels (exact, close, similar, different; a typo in a postcode or a
   birth date; an initial or a short form of a given name), or "no
   evidence" when one side has no value.
3. **Match model** (Fellegi-Sunter): each level of each field has a
   probability among true duplicates (m) and among different customers
   (u). u is counted on random pairs of the database's own records, m is
   learned without labels by expectation maximisation on its candidate
   pairs, starting from and held near sane defaults. An exact match on a
   common value ("Müller") weighs less than one on a rare value
   ("Oberdorfer") (term-frequency adjustment). The score is the match
   probability in percent; the evidence of every field (its level and
   weight in bits, for or against) is kept as data.
4. **People are not households**: a different given name, birth date or
   "jun."/"sen." is strong evidence against; contacts of one company share
   its address and switchboard, which says nothing about the person; a
   pair tied only by an email or phone at a different address (a customer
   who moved), a changed family name, or two colleagues is put up for
   review, never scored high enough to be merged automatically.

The model is fitted on a database's whole record table and can be kept
(:meth:`Model.to_dict`) so that an incremental run, which compares only the
changed records, scores exactly like a full run.

Nothing here imports ``odoo``.
"""

import json
import math
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
from rapidfuzz import fuzz
from rapidfuzz.distance import OSA, JaroWinkler
from rapidfuzz.process import cpdist
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from .contracts import ContractError
from .normalize import (
    email,
    fold,
    nickname_key,
    phone_e164,
    phonetic,
    postcode,
    same_given_name,
    split_generation,
    split_legal_form,
    split_person,
    split_street,
    vat,
    website_domain,
)

ROLES = (
    "name",  # full name (company or person); or the three below
    "company",
    "given_name",
    "family_name",
    "street",
    "house_number",
    "street2",
    "postcode",
    "city",
    "phone",
    "mobile",
    "email",
    "website",
    "vat",
    "birthdate",
    "is_company",
    "parent",  # the company a contact belongs to: contacts of one company share it
    "country",  # ISO code: the region of the record's phone numbers
)
# the columns of prepare()'s table, in order (kept between runs by callers)
PREPARED_COLUMNS = (
    "name",
    "legal_form",
    "given",
    "family",
    "generation",
    "street",
    "number",
    "street2",
    "postcode",
    "city",
    "phone",
    "mobile",
    "email",
    "domain",
    "website",
    "vat",
    "birthdate",
    "full_name",
    "phonetic",
    "parent",
    "is_company",
)
# the version of prepare()'s normalisation: keys kept by a caller are computed again when it changes
NORMALISATION = "2026-11-30b"
# a block of at most this many records is compared all-against-all; a
# larger one with each record's WINDOW - 1 neighbours in name order
MAX_BLOCK = 40
WINDOW = 12
# up to this many records; smaller blocks and windows beyond (see block_sizes)
SMALL_TABLE = 50_000
# scores are match probabilities in percent
REVIEW_THRESHOLD = 50
AUTO_MERGE_THRESHOLD = 99.5
# a pair that must be reviewed (moved, spouses, colleagues) never scores above this
REVIEW_ONLY_CAP = 90.0
# nor a pair of two customers (see _conflicting) above this: it is not even proposed
CONFLICT_CAP = 10.0
# a group of more records than this is reviewed, never merged automatically
MAX_GROUP = 50
CONFLICTS = (
    ("kind", "different"),
    ("vat", "different"),
    ("birthdate", "different"),
    ("birthdate", "year"),
    ("generation", "different"),
)
# term frequencies are read from tables of at least this many records
TF_MIN_RECORDS = 500
# duplicates per record assumed before a table's own are counted
DUPLICATES_PER_RECORD = 0.05
RANDOM_PAIRS = 300_000
# pairs compared and scored at a time
CHUNK = 500_000
EM_ITERATIONS = 40

# field -> its levels, best first; a field with no value on one side gives no evidence
LEVELS = {
    "kind": ("same", "different"),
    "name": ("exact", "close", "similar", "different"),
    "legal_form": ("exact", "different"),
    "given": ("exact", "close", "similar", "initial", "different"),
    "family": ("exact", "close", "similar", "different"),
    "generation": ("exact", "one", "different"),
    "parent": ("exact", "different"),
    "birthdate": ("exact", "typo", "year", "different"),
    "street": ("exact", "close", "similar", "different"),
    "number": ("exact", "close", "different"),
    "street2": ("exact", "different"),
    "postcode": ("exact", "typo", "area", "different"),
    "city": ("exact", "close", "different"),
    "phone": ("exact", "different"),
    "mobile": ("exact", "different"),
    "email": ("exact", "local", "different"),
    "website": ("exact", "different"),
    "vat": ("exact", "typo", "different"),
}
FIELDS = tuple(LEVELS)
# starting values and priors of the model: m among duplicates, u among different customers
M_DEFAULT = {
    "kind": (0.9998, 0.0002),
    "name": (0.75, 0.15, 0.07, 0.03),
    "legal_form": (0.9, 0.1),
    "given": (0.8, 0.08, 0.04, 0.04, 0.04),
    "family": (0.8, 0.12, 0.05, 0.03),
    "generation": (0.9, 0.099, 0.001),
    "parent": (0.9, 0.1),
    "birthdate": (0.93, 0.066, 0.002, 0.002),
    "street": (0.75, 0.12, 0.05, 0.08),
    "number": (0.85, 0.05, 0.1),
    "street2": (0.7, 0.3),
    "postcode": (0.85, 0.05, 0.03, 0.07),
    "city": (0.85, 0.08, 0.07),
    "phone": (0.8, 0.2),
    "mobile": (0.85, 0.15),
    "email": (0.75, 0.05, 0.2),
    "website": (0.9, 0.1),
    "vat": (0.97, 0.0295, 0.0005),
}
U_DEFAULT = {
    "kind": (0.6, 0.4),
    "name": (0.0005, 0.001, 0.01, 0.9885),
    "legal_form": (0.4, 0.6),
    "given": (0.01, 0.01, 0.03, 0.02, 0.93),
    "family": (0.002, 0.003, 0.01, 0.985),
    "generation": (0.5, 0.3, 0.2),
    "parent": (0.0001, 0.9999),
    "birthdate": (0.0001, 0.0005, 0.02, 0.9794),
    "street": (0.001, 0.002, 0.01, 0.987),
    "number": (0.03, 0.02, 0.95),
    "street2": (0.01, 0.99),
    "postcode": (0.0005, 0.002, 0.01, 0.9875),
    "city": (0.005, 0.005, 0.99),
    "phone": (0.0001, 0.9999),
    "mobile": (0.00001, 0.99999),
    "email": (0.0001, 0.0001, 0.9998),
    "website": (0.001, 0.999),
    "vat": (0.0005, 0.0005, 0.999),
}
# how many pairs the defaults are worth against the data
M_PRIOR_WEIGHT = 30.0
U_PRIOR_WEIGHT = 10000.0
# the probability among duplicates of these levels never rises above the
# default: they are evidence against by their nature, whatever a database's
# households and families teach the model
M_CAPPED = {
    ("kind", "different"),
    ("generation", "different"),
    ("birthdate", "different"),
    ("birthdate", "year"),
    ("vat", "different"),
    ("legal_form", "different"),
}
# the parts of an address
ADDRESS_FIELDS = ("street", "number", "street2", "postcode", "city")
# fields whose exact matches weigh by the rarity of the value
TF_FIELDS = ("name", "given", "family", "street", "city")
TF_CLIP = 6.0


# ---------------------------------------------------------------- prepare


def _each_unique(values, function):
    """``function`` of every value, computed once per distinct value."""
    return _mapped(values, function)[0]


def _mapped(values, function):
    """``function`` of every value (computed once per distinct value) and
    the integer codes of the results (-1 for ""), without a second pass
    over all the values."""
    codes, uniques = pd.factorize(pd.Series(values, dtype=object).fillna(""), sort=False)
    results = np.empty(len(uniques), dtype=object)
    results[:] = [function(value) for value in uniques]
    result_codes = _codes(results)
    if not len(codes):
        return np.empty(0, dtype=object), np.empty(0, dtype=np.int64)
    return results[codes], result_codes[codes]


def prepare(frame, columns, region="DE"):
    """One row of normalised keys per record (same index as ``frame``).

    ``columns`` maps roles (see ``ROLES``) to column names of ``frame``;
    ``name`` or ``company``/``given_name``/``family_name`` is required.
    A person's name written in one field is split into given and family
    name; "jun."/"sen." are kept apart."""
    unknown = set(columns) - set(ROLES)
    if unknown:
        raise ContractError("bad_roles", "unknown roles %(roles)s", roles=", ".join(sorted(unknown)))
    if not ({"name", "company", "family_name"} & set(columns)):
        raise ContractError("missing_columns", "a name role is required (name, company or family_name)")
    missing = [c for c in columns.values() if c not in frame.columns]
    if missing:
        raise ContractError("missing_columns", "the table lacks the columns %(columns)s", columns=", ".join(missing))

    def col(role):
        if role not in columns:
            return pd.Series("", index=frame.index, dtype=object)
        values = frame[columns[role]]
        return values.astype(object).where(values.notna(), "").astype(str)

    company = col("company")
    if "name" in columns:
        names = col("name")
    else:
        person = (col("given_name") + " " + col("family_name")).str.strip()
        names = company.where(company != "", person)
    names_array = names.to_numpy(dtype=object)
    if "is_company" in columns:
        is_company = frame[columns["is_company"]].astype(object).where(frame[columns["is_company"]].notna(), False)
        is_company = is_company.astype(bool).to_numpy()
        # the legal form is split off the names of companies only
        legal = np.array([("", "")] * len(names_array) + [None], dtype=object)[:-1]
        if is_company.any():
            legal[is_company] = _each_unique(names_array[is_company], split_legal_form)
    else:
        legal = _each_unique(names_array, split_legal_form)
        is_company = np.array([bool(x[1]) for x in legal], dtype=bool) | (company != "").to_numpy(dtype=bool)
    # persons: given and family name, from their own roles or split from the name
    given = _each_unique(col("given_name"), lambda v: split_generation(v)[0])
    family_gen = _each_unique(col("family_name"), split_generation)
    given_gen = _each_unique(col("given_name"), lambda v: split_generation(v)[1])
    family = np.array([f[0] for f in family_gen], dtype=object)
    generation = np.array([f[1] or g for f, g in zip(family_gen, given_gen)], dtype=object)
    unsplit = (family == "") & ~is_company
    if unsplit.any():
        split = _each_unique(names_array[unsplit], split_person)
        family[unsplit] = [s[1] for s in split]
        rows = np.flatnonzero(unsplit)
        for k, (first, _last, mark) in zip(rows, split):
            if not given[k]:
                given[k] = first
            if not generation[k]:
                generation[k] = mark
    for values in (given, family, generation):
        values[is_company] = ""
    core = np.array([x[0] for x in legal], dtype=object)
    person_name = np.array([(g + " " + f).strip() for g, f in zip(given, family)], dtype=object)
    core = np.where(is_company, core, person_name)
    street = _each_unique(col("street"), split_street)
    number = col("house_number").to_numpy(dtype=object)
    number = np.where(number != "", number, np.array([s[1] for s in street], dtype=object))
    mail = _each_unique(col("email"), email)
    countries = col("country") if "country" in columns else None
    out = pd.DataFrame(
        {
            "name": core,
            "legal_form": [x[1] for x in legal],
            "given": given,
            "family": family,
            "generation": generation,
            "street": [s[0] for s in street],
            "number": _each_unique(number, lambda n: n.lower().replace(" ", "")),
            "street2": _each_unique(col("street2"), fold),
            "postcode": _each_unique(col("postcode"), postcode),
            "city": _each_unique(col("city"), fold),
            "phone": _phones(col("phone"), countries, region),
            "mobile": _phones(col("mobile"), countries, region),
            "email": [m[0] for m in mail],
            "domain": ["" if m[2] else m[1] for m in mail],
            "website": _each_unique(col("website"), website_domain),
            "vat": _each_unique(col("vat"), vat),
            "birthdate": _dates(frame[columns["birthdate"]]) if "birthdate" in columns else "",
            "full_name": _each_unique(names, fold),
            "parent": col("parent").to_numpy(dtype=object),
            "is_company": is_company,
        },
        index=frame.index,
    )
    # the sound of the family name (persons) or of the name (companies)
    out["phonetic"] = _each_unique(np.where(is_company, core, family), phonetic)
    # a mobile number written in the phone field is one number either way
    same = out["mobile"] == out["phone"]
    out.loc[same, "mobile"] = ""
    return out[list(PREPARED_COLUMNS)]


def _phones(phones, countries, region):
    """Phones in E.164; a record's own country is the region of a number
    written without one, else ``region``."""
    if countries is None:
        return _each_unique(phones, lambda p: phone_e164(p, region))
    regions = countries.str.upper().where(countries.str.len() == 2, region)
    joined = regions + "|" + phones
    return _each_unique(joined, lambda v: phone_e164(v[3:], v[:2]))


def _dates(values):
    """ISO dates as text, "" where there is none."""
    dates = pd.to_datetime(pd.Series(values).astype(object), errors="coerce", format="mixed")
    text = dates.dt.strftime("%Y-%m-%d")
    return text.where(dates.notna(), "").to_numpy(dtype=object)


# ---------------------------------------------------------------- blocking


def _first(values):
    return _each_unique(values, lambda v: v.split(" ", 1)[0])


def _codes(values):
    """Integer codes of text values, -1 for "" (no key)."""
    codes, uniques = pd.factorize(np.asarray(values, dtype=object))
    empty = np.flatnonzero(np.asarray(uniques, dtype=object) == "")
    if len(empty):
        codes = np.where(codes == empty[0], -1, codes)
    return codes.astype(np.int64)


def _shared_codes(x, y):
    """:func:`_codes` of two columns on one code table."""
    both = _codes(np.concatenate([np.asarray(x, dtype=object), np.asarray(y, dtype=object)]))
    return both[: len(x)], both[len(x) :]


def _passes(prepared):
    """(name, rows, keys) of every blocking pass: records of equal key in
    one pass are compared (keys are integers). A record may have several
    keys in one pass (its phone and its mobile)."""
    n = len(prepared)
    rows = np.arange(n)
    col = {name: prepared[name].to_numpy(dtype=object) for name in PREPARED_COLUMNS if name != "is_company"}
    company = prepared["is_company"].to_numpy(dtype=bool)
    person = ~company

    def only(values, where):
        values = np.asarray(values, dtype=object).copy()
        values[~where] = ""
        return values

    # the sounds of family and given names on one code table: swapped names meet
    sound, given_sound = _shared_codes(
        only(_first(col["phonetic"]), person),
        _each_unique(col["given"], lambda g: phonetic(g.split(" ", 1)[0]) if g else ""),
    )
    initial = _mapped(col["given"], lambda g: g[:1])[1]
    area = _mapped(col["postcode"], lambda p: p[:2])[1]

    def key(*parts):
        """Equal where all parts are equal; no key where a part has none."""
        usable = np.logical_and.reduce([p >= 0 for p in parts])
        keys = parts[0]
        for part in parts[1:]:
            keys = pd.factorize(keys * (int(part.max(initial=0)) + 1) + part)[0].astype(np.int64)
        return rows[usable], keys[usable]

    def either_order(x, y):
        low, high = np.minimum(x, y), np.maximum(x, y)
        low = np.where((x < 0) | (y < 0), -1, low)
        return low, high

    company_sound = np.where(company, _mapped(col["phonetic"], lambda c: " ".join(c.split()[:2]))[1], -1)
    starts = either_order(
        *_shared_codes(_each_unique(col["given"], lambda g: g[:2]), _each_unique(col["family"], lambda f: f[:2]))
    )
    passes = [
        ("postcode", *key(_codes(col["postcode"]))),
        ("family", *key(sound)),
        ("family+initial", *key(sound, initial)),
        # the two name sounds in either order: given and family name swapped
        ("names", *key(*either_order(sound, given_sound))),
        ("starts", *key(*starts)),
        # companies: the sound of their name's first words, and its first word, in the postcode area
        ("company+area", *key(company_sound, area)),
        # and alone: companies entered without an address
        ("company", *key(company_sound)),
        # persons: the given name in the postcode area (a typo in the family name)
        ("word+area", *key(_mapped(col["name"], _first_word)[1], area)),
        ("street", *key(_codes(col["street"]))),
        ("address", *key(_codes(col["number"]), _mapped(col["street"], lambda s: s[:4])[1])),
        ("city", *key(_codes(col["city"]))),
        ("birthdate+initial", *key(_codes(col["birthdate"]), initial)),
        ("email", *key(_codes(col["email"]))),
        ("vat", *key(_codes(col["vat"]))),
        ("website", *key(_codes(col["website"]))),
        ("domain", *key(_codes(col["domain"]))),
        ("parent", *key(_codes(only(col["parent"], person)))),
    ]
    # phone and mobile are one pass: a number in either field meets the other
    numbers = _codes(np.concatenate([col["phone"], col["mobile"]]))
    number_rows = np.concatenate([rows, rows])
    usable = numbers >= 0
    passes.append(("phone", number_rows[usable], numbers[usable]))
    return passes


def _name_order(prepared):
    """Rank of every record in name order (family sound, family, given,
    name): the order of the sorted windows."""
    # the rank of each value in its column's sorted distinct values: integers sort fast
    order = np.lexsort(
        [
            pd.factorize(prepared[name].to_numpy(dtype=object), sort=True)[0]
            for name in ("full_name", "name", "given", "family")
        ]
    )
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    return rank


# the fields each pass's key is made of: within a pass they agree by construction and
# teach the model nothing, so its pairs train the other fields only
PASS_FIELDS = {
    "postcode": ("postcode", "city"),
    "family": ("family",),
    "family+initial": ("family", "given"),
    "starts": ("given", "family"),
    "street": ("street",),
    "names": ("family", "given"),
    "company+area": ("name", "postcode"),
    "company": ("name",),
    "word+area": ("name", "postcode"),
    "address": ("number", "street"),
    "city": ("city", "postcode"),
    "birthdate+initial": ("birthdate", "given"),
    "email": ("email",),
    "vat": ("vat",),
    "parent": ("parent",),
    "website": ("website",),
    "domain": ("email", "website"),
    "phone": ("phone", "mobile"),
}


def block_sizes(records):
    """``(max_block, window)`` for a table of ``records``: the full sizes
    up to SMALL_TABLE records; beyond, the window shrinks with the square
    root of the table's growth, the blocks compared all against all with
    the growth itself (both to 4 at least), so that the pairs compared per
    record stay bounded on large databases, whose keys are crowded."""
    if records <= SMALL_TABLE:
        return MAX_BLOCK, WINDOW
    shrink = (SMALL_TABLE / records) ** 0.5
    window = max(4, int(WINDOW * shrink))
    return max(window, int(MAX_BLOCK * shrink * shrink)), window


def blocked_pairs(prepared, max_block=None, changed=None, window=None):
    """(pass name, positions (i < j)) of the pairs each pass compares.
    ``max_block`` and ``window``: see :func:`block_sizes` when not given."""
    sizes_max, sizes_window = block_sizes(len(prepared))
    max_block = sizes_max if max_block is None else max_block
    window = sizes_window if window is None else window
    out = []
    changed = None if changed is None else np.asarray(changed, dtype=bool)
    rank = _name_order(prepared)
    n = max(len(prepared), 1)
    for name, rows, keys in _passes(prepared):
        if not len(rows):
            continue
        codes = pd.factorize(keys)[0]
        sizes = np.bincount(codes)
        wanted = sizes > 1
        if changed is not None:
            # only the blocks a changed record is in
            wanted &= np.bincount(codes, weights=changed[rows], minlength=len(sizes)) > 0
        keep = wanted[codes]
        rows, codes = rows[keep], codes[keep]
        if not len(rows):
            continue
        # block by block, records in name order
        order = np.lexsort((rank[rows], codes))
        rows, codes = rows[order], codes[order]
        small = sizes[codes] <= max_block
        found = _all_pairs(rows[small], codes[small]) + _window_pairs(rows[~small], codes[~small], window)
        if not found:
            continue
        pairs = np.sort(np.vstack(found), axis=1)
        pairs = pairs[pairs[:, 0] != pairs[:, 1]]
        if changed is not None:
            pairs = pairs[changed[pairs[:, 0]] | changed[pairs[:, 1]]]
        out.append((name, _distinct(pairs[:, 0] * n + pairs[:, 1])))
    return out


def candidate_pairs(prepared, max_block=None, changed=None, window=None):
    """Positions (i < j) of the records that meet in at least one pass.

    ``changed`` (a boolean array over the rows) keeps only the pairs with at
    least one changed record: an incremental run compares the changed
    records against all, not everything again. Blocks and windows are
    formed over all records either way, so a pair is found incrementally
    exactly when a full run would find it."""
    return _union(prepared, blocked_pairs(prepared, max_block, changed, window))[0]


def _union(prepared, passes):
    """The pairs of all passes (positions) and, per pass, the rows of its
    pairs in them."""
    n = max(len(prepared), 1)
    if not passes:
        return np.empty((0, 2), dtype=np.int64), []
    flat = _distinct(np.concatenate([keys for _name, keys in passes]))
    members = [(name, np.searchsorted(flat, keys)) for name, keys in passes]
    return np.column_stack((flat // n, flat % n)).astype(np.int64), members


def _distinct(values):
    """Sorted distinct integers (a sort: faster than numpy's hashing unique
    on tens of millions)."""
    values = np.sort(values)
    return values[np.r_[True, values[1:] != values[:-1]]] if len(values) else values


def _all_pairs(rows, codes):
    """All pairs within each block (rows sorted by block)."""
    if not len(rows):
        return []
    starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]])
    lengths = np.diff(np.r_[starts, len(rows)])
    out = []
    # all blocks of one size at once: a matrix of their rows
    for size in np.unique(lengths):
        members = rows[starts[lengths == size][:, None] + np.arange(size)]
        left, right = np.triu_indices(size, k=1)
        out.append(np.column_stack((members[:, left].ravel(), members[:, right].ravel())))
    return out


def _window_pairs(rows, codes, window):
    """Each record with its next ``window - 1`` neighbours of the same
    block (rows sorted by block, then name)."""
    out = []
    for step in range(1, window):
        if step >= len(rows):
            break
        same = codes[step:] == codes[:-step]
        out.append(np.column_stack((rows[:-step][same], rows[step:][same])))
    return out


# ---------------------------------------------------------------- comparison levels


def _similarity(a, b, scorer):
    return cpdist(a, b, scorer=scorer, workers=-1) if len(a) else np.empty(0)


def compare(prepared, pairs, cache=None):
    """Comparison levels of every pair of positions: a DataFrame of int8
    columns, one per field of ``LEVELS`` (0 is its best level, -1 no
    evidence). Equality is read on integer codes of the values; text is
    looked at only where a field differs and both sides have a value.
    Pairs are compared a chunk at a time, so that memory stays bounded."""
    cache = ({}, {}) if cache is None else cache
    starts = list(range(0, max(len(pairs), 1), CHUNK))
    # the first chunk fills the cache of value codes; the others only read it, two at a time
    # (numpy leaves the interpreter lock for most of the work)
    chunks = [_compare_chunk(prepared, pairs[:CHUNK], cache)]
    if len(starts) > 1:
        with ThreadPoolExecutor(max_workers=2) as pool:
            chunks += list(
                pool.map(lambda start: _compare_chunk(prepared, pairs[start : start + CHUNK], cache), starts[1:])
            )
    levels = pd.concat([chunk for chunk, _colleagues in chunks], ignore_index=True)
    levels.attrs["colleagues"] = np.concatenate([colleagues for _chunk, colleagues in chunks])
    return levels


def _compare_chunk(prepared, pairs, cache):
    i, j = pairs[:, 0], pairs[:, 1]
    n = len(pairs)
    company = prepared["is_company"].to_numpy(dtype=bool)
    ca, cb = company[i], company[j]
    persons = ~ca & ~cb
    text, codes = cache

    def column(name):
        if name not in codes:
            values = prepared[name].to_numpy(dtype=object)
            text[name] = values
            codes[name] = _codes(values)
        return codes[name]

    def derived(name, function):
        """Codes of a value made from every record's ``name`` (once per distinct value)."""
        key = (name, function.__name__)
        if key not in codes:
            text[key], codes[key] = _mapped(prepared[name].to_numpy(dtype=object), function)
        return codes[key]

    def per_distinct(rows, code, function):
        """``function(k)`` of the pairs ``rows``, computed once per distinct pair of values
        (by ``code``, a column's codes): names repeat, and so do their pairs."""
        if not len(rows):
            return np.zeros(0, dtype=bool)
        keys = code[i[rows]] * (int(code.max(initial=0)) + 2) + code[j[rows]]
        distinct, first_row, inverse = np.unique(keys, return_index=True, return_inverse=True)
        values = np.array([function(rows[k]) for k in first_row], dtype=bool)
        return values[inverse.ravel()]

    def per_record(name, function):
        if name not in codes:
            codes[name] = function()
        return codes[name]

    def both(name):
        """(equal, both present) of a column."""
        code = column(name)
        left, right = code[i], code[j]
        has = (left >= 0) & (right >= 0)
        return has & (left == right), has

    def similarity(name, where, scorer, other=None):
        out = np.zeros(n)
        if where.any():
            column(other or name)
            left, right = text[name][i[where]], text[other or name][j[where]]
            out[where] = cpdist(left.tolist(), right.tolist(), scorer=scorer, workers=-1)
        return out

    def edits(name, where):
        out = np.full(n, 99, dtype=np.int64)
        if where.any():
            left, right = text[name][i[where]], text[name][j[where]]
            out[where] = cpdist(left.tolist(), right.tolist(), scorer=OSA.distance, workers=-1)
        return out

    def graded(present, conditions):
        """-1 where not present, else the first condition's position."""
        level = np.full(n, len(conditions), dtype=np.int8)
        for position in range(len(conditions) - 1, -1, -1):
            level[conditions[position]] = position
        level[~present] = -1
        return level

    out = {"kind": graded(np.ones(n, dtype=bool), [ca == cb])}
    # companies by their name, persons by given and family name
    equal, has = both("name")
    has &= ca & cb
    fuzzy = has & ~equal
    ratio = np.maximum(similarity("name", fuzzy, fuzz.ratio), similarity("name", fuzzy, fuzz.token_sort_ratio))
    # "Filiale 1" and "Filiale 3", "Neukunde 1" and "Neukunde 2": numbered names are numbered apart
    name_digits = derived("name", _digits)
    numbered_apart = (name_digits[i] >= 0) & (name_digits[j] >= 0) & (name_digits[i] != name_digits[j])
    out["name"] = graded(has, [equal, (ratio >= 92) & ~numbered_apart, (ratio >= 80) & ~numbered_apart])
    equal, has = both("legal_form")
    out["legal_form"] = graded(has & ca & cb, [equal])
    g_equal, has_given = both("given")
    f_equal, has_family = both("family")
    has_given &= persons
    has_family &= persons
    jaro = JaroWinkler.normalized_similarity
    straight_g = np.where(g_equal, 1.0, similarity("given", has_given & ~g_equal, jaro))
    straight_f = np.where(f_equal, 1.0, similarity("family", has_family & ~f_equal, jaro))
    # (where both names are alike already, a swap cannot be what ties them)
    cross = has_given & has_family & ~(g_equal & f_equal) & (np.minimum(straight_g, straight_f) < 0.9)
    crossed = np.minimum(similarity("given", cross, jaro, "family"), similarity("family", cross, jaro, "given"))
    # given and family name swapped: compared crosswise
    swapped = crossed > np.minimum(straight_g, straight_f) + 0.05
    given_sim = np.where(swapped, crossed, straight_g)
    family_sim = np.where(swapped, crossed, straight_f)
    g_exact = g_equal | (swapped & (crossed >= 0.999))
    first = derived("given", _first_word)
    g1_equal = (first[i] == first[j]) & (first[i] >= 0)
    one_letter = per_record(
        "one_letter", lambda: np.array([len(g) == 1 for g in text[("given", "_first_word")]], dtype=bool)
    )
    letter = derived("given", _first_letter)
    initial = has_given & (one_letter[i] | one_letter[j]) & (letter[i] == letter[j])
    nick = derived("given", nickname_key)
    shared_nick = text[("given", "nickname_key")]
    known = (nick[i] >= 0) & (nick[j] >= 0)
    several_nicks = per_record("several_nicks", lambda: np.array([v == "*" for v in shared_nick], dtype=bool))
    short = has_given & known & (nick[i] == nick[j]) & ~several_nicks[i]
    words = text[("given", "_first_word")]
    rows = np.flatnonzero(has_given & ~short & known & (several_nicks[i] | several_nicks[j]))
    short[rows] = per_distinct(rows, first, lambda k: same_given_name(words[i[k]], words[j[k]]))
    # "Klaus" and "Klaus-Dieter" may be one man or father and son: similar, not close
    first_only = has_given & ~g_exact & g1_equal
    # "Jan" and "Jana", "Michael" and "Michaela": two names, however alike they are written
    other_sex = np.zeros(n, dtype=bool)
    rows = np.flatnonzero(has_given & ~g_exact & ~first_only & (given_sim >= 0.8))
    other_sex[rows] = per_distinct(rows, first, lambda k: _female_form(words[i[k]], words[j[k]]))
    close_given = ((given_sim >= 0.92) | short) & ~first_only & ~other_sex
    similar_given = ((given_sim >= 0.8) | first_only) & ~other_sex
    out["given"] = graded(has_given, [g_exact, close_given, similar_given, initial & ~other_sex])
    # a double name shortened ("mueller luedenscheidt" / "mueller"): one contains the other
    contained = np.zeros(n, dtype=bool)
    several = per_record("several", lambda: np.array([" " in f for f in text["family"]], dtype=bool))
    rows = np.flatnonzero(has_family & ~f_equal & (family_sim < 0.92) & (several[i] | several[j]))
    contained[rows] = per_distinct(
        rows, column("family"), lambda k: _contains(text["family"][i[k]], text["family"][j[k]])
    )
    sound_equal, _has_sound = both("phonetic")
    f_exact = f_equal | (swapped & (crossed >= 0.999))
    out["family"] = graded(has_family, [f_exact, (family_sim >= 0.92) | sound_equal, (family_sim >= 0.8) | contained])
    equal, _has = both("generation")
    generation = column("generation")
    one = ((generation[i] >= 0) | (generation[j] >= 0)) & persons
    out["generation"] = graded(one, [equal | ((generation[i] < 0) & (generation[j] < 0)), ~_has])
    # contacts of one company share its address and switchboard: no evidence about the person
    equal, has_parent = both("parent")
    colleagues = equal & persons
    # one company's contact twice: the company is what the pair shares, once
    out["parent"] = graded(has_parent & persons, [equal])
    shared = ~colleagues
    equal, has_date = both("birthdate")
    has_date &= persons
    year = derived("birthdate", _year)
    month_day = derived("birthdate", _month_day)
    day_month = per_record(
        "day_month", lambda: _codes_like(text[("birthdate", "_month_day")], _each_unique(text["birthdate"], _day_month))
    )
    differ = has_date & ~equal
    same_year = differ & (year[i] == year[j])
    typo = same_year & (month_day[i] == day_month[j]) & (month_day[i] >= 0)
    typo |= differ & (edits("birthdate", differ) <= 1)
    out["birthdate"] = graded(has_date, [equal, typo, same_year])
    equal, has = both("street")
    has &= shared
    street_sim = similarity("street", has & ~equal, fuzz.ratio)
    out["street"] = graded(has, [equal, street_sim >= 90, street_sim >= 70])
    equal, has = both("number")
    has &= shared
    digits = derived("number", _digits)
    differ = has & ~equal
    close_number = differ & (((digits[i] == digits[j]) & (digits[i] >= 0)) | (edits("number", differ) <= 1))
    out["number"] = graded(has, [equal, close_number])
    equal, has = both("street2")
    out["street2"] = graded(has & shared, [equal])
    equal, has = both("postcode")
    has &= shared
    post_typo = has & ~equal & (edits("postcode", has & ~equal) <= 1)
    area = derived("postcode", _area)
    out["postcode"] = graded(has, [equal, post_typo, area[i] == area[j]])
    equal, has = both("city")
    has &= shared
    city_sim = similarity("city", has & ~equal, fuzz.ratio)
    out["city"] = graded(has, [equal, city_sim >= 85])
    # a number in either field of one equal to one in either field of the other, on one code
    # table for both fields
    if "numbers" not in codes:
        codes["numbers"] = _codes(
            np.concatenate([prepared["phone"].to_numpy(dtype=object), prepared["mobile"].to_numpy(dtype=object)])
        )
    numbers = codes["numbers"]
    size = len(prepared)
    phones = [(numbers[:size], True), (numbers[size:], False)]
    present = np.zeros(n, dtype=bool)
    equal = np.zeros(n, dtype=bool)
    for left, left_shared in phones:
        for right, right_shared in phones:
            if not (left_shared or right_shared):
                continue  # mobile against mobile: a field of its own, below
            usable = (left[i] >= 0) & (right[j] >= 0) & shared
            present |= usable
            equal |= usable & (left[i] == right[j])
    out["phone"] = graded(present, [equal])
    # a mobile number is one person's: two different ones are two people, or one who changed
    mobile = phones[1][0]
    out["mobile"] = graded((mobile[i] >= 0) & (mobile[j] >= 0), [mobile[i] == mobile[j]])
    equal, has = both("email")
    local = derived("email", _local_part)
    out["email"] = graded(has, [equal, has & (local[i] == local[j])])
    equal, has = both("website")
    out["website"] = graded(has & shared, [equal])
    equal, has = both("vat")
    has &= shared
    out["vat"] = graded(has, [equal, has & ~equal & (edits("vat", has & ~equal) <= 1)])
    return pd.DataFrame({field: out[field] for field in FIELDS}), colleagues


def _codes_like(reference, values):
    """Codes of ``values`` in the code table of ``reference`` (-1 where a
    value is not in it)."""
    table = {value: code for code, value in enumerate(pd.unique(np.asarray(reference, dtype=object))) if value != ""}
    return np.array([table.get(v, -1) for v in values], dtype=np.int64)


def _first_word(text):
    return text.split(" ", 1)[0]


def _first_letter(text):
    return text[:1]


def _year(date):
    return date[:4]


def _month_day(date):
    return date[5:]


def _day_month(date):
    return date[8:] + "-" + date[5:7] if date else ""


def _area(code):
    return code[:2]


def _local_part(address):
    return address.split("@", 1)[0]


def _digits(text):
    return "".join(ch for ch in text if ch.isdigit())


def _contains(a, b):
    """Whether the words of one name are all in the other ("mueller" and
    "mueller luedenscheidt")."""
    x, y = set(a.split()), set(b.split())
    return x <= y or y <= x


def _female_form(a, b):
    """Whether one given name is the other's female form ("jan"/"jana",
    "christian"/"christiane", "paul"/"pauline")."""
    short, long = sorted((a, b), key=len)
    return len(short) >= 3 and long.startswith(short) and long[len(short) :] in ("a", "e", "ina", "ine")


# ---------------------------------------------------------------- the model


class Model:
    """m and u probabilities of every level of every field and the share of
    duplicates among compared pairs (``prior``): a Fellegi-Sunter model."""

    def __init__(self, m=None, u=None, prior=0.01):
        self.m = {f: np.array(m[f] if m else M_DEFAULT[f], dtype=float) for f in FIELDS}
        self.u = {f: np.array(u[f] if u else U_DEFAULT[f], dtype=float) for f in FIELDS}
        self.prior = float(prior)

    def weights(self):
        """Bits of evidence of each level of each field: log2(m / u)."""
        return {f: np.log2(self.m[f] / self.u[f]) for f in FIELDS}

    def to_dict(self):
        """Plain data (JSON-safe), to keep the model between runs."""
        return {
            "m": {f: [round(float(x), 8) for x in self.m[f]] for f in FIELDS},
            "u": {f: [round(float(x), 10) for x in self.u[f]] for f in FIELDS},
            "prior": self.prior,
        }

    @classmethod
    def from_dict(cls, data):
        if not data or set(data.get("m", {})) != set(FIELDS) or set(data.get("u", {})) != set(FIELDS):
            return None
        if any(len(data["m"][f]) != len(LEVELS[f]) or len(data["u"][f]) != len(LEVELS[f]) for f in FIELDS):
            return None
        return cls(data["m"], data["u"], data["prior"])


def _estimate_u(prepared, seed=0, pairs=RANDOM_PAIRS, cache=None):
    """u of every level: its share among random pairs of records (nearly
    all different customers), held near the defaults on small tables."""
    n = len(prepared)
    rng = np.random.default_rng(seed)
    total = n * (n - 1) // 2
    u = {}
    if n >= 2:
        size = int(min(pairs, total))
        i = rng.integers(0, n, size)
        j = rng.integers(0, n - 1, size)
        j = np.where(j >= i, j + 1, j)
        levels = compare(prepared, np.column_stack((i, j)), cache)
    for field in FIELDS:
        counts = np.zeros(len(LEVELS[field]))
        if n >= 2:
            values = levels[field].to_numpy()
            values = values[values >= 0]
            counts = np.bincount(values, minlength=len(LEVELS[field])).astype(float)
        prior = np.array(U_DEFAULT[field]) * U_PRIOR_WEIGHT
        # every level possible: half a count at least
        u[field] = (counts + prior + 0.5) / (counts.sum() + prior.sum() + 0.5 * len(prior))
    return u


def fit(prepared, pairs=None, levels=None, members=None, seed=0, cache=None):
    """The model of one table of records: u from random pairs; m by
    expectation maximisation on the pairs of each blocking pass, leaving
    out the fields its key is made of (they agree by construction), the
    passes' estimates weighed by the duplicates each found; then the share
    of duplicates among all compared pairs."""
    if levels is None:
        pairs, members = _union(prepared, blocked_pairs(prepared))
        levels = compare(prepared, pairs)
    model = Model(u=_estimate_u(prepared, seed, cache=cache))
    if levels.empty:
        return model
    matrix = levels[list(FIELDS)].to_numpy(dtype=np.int8)
    # the distinct patterns of all pairs, and each pair's: a pass counts its pairs' patterns
    patterns, counts, inverse = _patterns(matrix)
    if not members:
        members = [("all", np.arange(len(matrix)))]
    seen = {f: np.zeros(len(LEVELS[f])) for f in FIELDS}
    for name, rows in members:
        if len(rows) < 2:
            continue
        ignored = [FIELDS.index(f) for f in PASS_FIELDS.get(name, ())]
        part_counts = np.bincount(inverse[rows], minlength=len(patterns)).astype(float)
        used = part_counts > 0
        part = patterns[used].copy()
        part[:, ignored] = -1
        found = _em(model, part, part_counts[used], ignored)
        for k, field in enumerate(FIELDS):
            if k not in ignored:
                seen[field] += found[field]
    for field in FIELDS:
        prior = np.array(M_DEFAULT[field]) * M_PRIOR_WEIGHT
        model.m[field] = _cap(field, (seen[field] + prior) / (seen[field].sum() + prior.sum()))
    # then all compared pairs together: the share of duplicates among all pairs of records
    # (u was counted on random pairs, so the prior is that of a random pair, and the
    # posterior of a compared pair is right however it was chosen), m refined with it
    total = max(len(prepared) * (len(prepared) - 1) / 2, 1.0)
    # a small table says little about its share of duplicates: assume the usual one
    model.prior = min(DUPLICATES_PER_RECORD * len(prepared) / total, 0.5)
    small = len(prepared) < TF_MIN_RECORDS
    for _iteration in range(EM_ITERATIONS):
        matched = counts * _posterior(model, patterns)
        for k, field in enumerate(FIELDS):
            level = patterns[:, k]
            present = level >= 0
            seen = np.bincount(level[present], weights=matched[present], minlength=len(LEVELS[field]))
            prior = np.array(M_DEFAULT[field]) * M_PRIOR_WEIGHT
            model.m[field] = _cap(field, (seen + prior) / (seen.sum() + prior.sum()))
        new_prior = model.prior if small else float(np.clip(matched.sum() / total, 1 / total, 0.5))
        converged = abs(new_prior - model.prior) <= 1e-4 * new_prior
        model.prior = new_prior
        if converged:
            break
    return model


def _patterns(matrix):
    """Distinct comparison patterns, how many pairs have each, and the
    pattern of every pair (a pattern packed into one integer, three bits a
    field, to count it fast)."""
    packed = np.zeros(len(matrix), dtype=np.int64)
    for k in range(matrix.shape[1]):
        packed |= (matrix[:, k].astype(np.int64) + 1) << (3 * k)
    values = _distinct(packed)
    # few distinct patterns: a binary search finds each pair's
    inverse = np.searchsorted(values, packed)
    counts = np.bincount(inverse, minlength=len(values))
    patterns = (values[:, None] >> (3 * np.arange(matrix.shape[1], dtype=np.int64))) & 7
    return patterns.astype(np.int16) - 1, counts.astype(float), inverse


def _posterior(model, patterns, prior=None):
    weights = model.weights()
    prior = model.prior if prior is None else prior
    bits = np.full(len(patterns), math.log2(prior / (1 - prior)))
    for k, field in enumerate(FIELDS):
        level = patterns[:, k]
        present = level >= 0
        bits[present] += weights[field][level[present]]
    return 1 / (1 + np.exp2(-np.clip(bits, -60, 60)))


def _em(model, patterns, counts, ignored):
    """Expected counts of every level among the duplicates of one pass's
    pairs, by expectation maximisation from the model's m (u held)."""
    work = Model(model.m, model.u, 0.1)
    for _iteration in range(EM_ITERATIONS):
        posterior = _posterior(work, patterns)
        matched = counts * posterior
        seen = {}
        for k, field in enumerate(FIELDS):
            level = patterns[:, k]
            present = level >= 0
            seen[field] = np.bincount(level[present], weights=matched[present], minlength=len(LEVELS[field]))
            if k not in ignored:
                prior = np.array(M_DEFAULT[field]) * M_PRIOR_WEIGHT
                work.m[field] = _cap(field, (seen[field] + prior) / (seen[field].sum() + prior.sum()))
        new_prior = float(np.clip(matched.sum() / counts.sum(), 1e-7, 0.9))
        converged = abs(new_prior - work.prior) < 1e-7
        work.prior = new_prior
        if converged:
            break
    return seen


def _cap(field, m):
    """m held at or below its default on the levels that speak against."""
    m = m.copy()
    for position, level in enumerate(LEVELS[field]):
        if (field, level) in M_CAPPED:
            m[position] = min(m[position], M_DEFAULT[field][position])
    capped = [p for p, level in enumerate(LEVELS[field]) if (field, level) in M_CAPPED]
    free = [p for p in range(len(m)) if p not in capped]
    if free:
        m[free] *= (1 - m[capped].sum()) / m[free].sum()
    return m


def _term_frequencies(prepared):
    """Share of every value among the records that have the field, per
    field of ``TF_FIELDS``; None for tables too small to tell."""
    if len(prepared) < TF_MIN_RECORDS:
        return None
    tables = {}
    for field in TF_FIELDS:
        values = prepared[field]
        values = values[values != ""]
        if len(values) >= TF_MIN_RECORDS:
            tables[field] = values.value_counts(normalize=True)
    return tables


def score(prepared, pairs, levels, model, tf=None, evidence=True):
    """Match probability in percent of every pair, and (``evidence``) the
    bits of evidence of every field (a DataFrame, one float column per
    field, NaN where the field gave none; None otherwise). A chunk of pairs
    at a time."""
    probability = np.empty(len(pairs))
    parts = []
    colleagues = levels.attrs.get("colleagues")
    for start in range(0, len(pairs), CHUNK):
        part = slice(start, start + CHUNK)
        chunk = levels.iloc[part]
        if colleagues is not None:
            chunk.attrs["colleagues"] = colleagues[part]
        probability[part], bits = _score_chunk(prepared, pairs[part], chunk, model, tf)
        if evidence:
            parts.append(pd.DataFrame(bits))
    if not evidence:
        return probability, None
    frame = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame({f: [] for f in FIELDS})
    return probability, frame


def _score_chunk(prepared, pairs, levels, model, tf):
    weights = model.weights()
    n = len(pairs)
    evidence = {}
    total = np.full(n, math.log2(model.prior / (1 - model.prior)))
    for field in FIELDS:
        level = levels[field].to_numpy()
        present = level >= 0
        bits = np.full(n, np.nan)
        bits[present] = weights[field][level[present]]
        if tf is not None and field in tf:
            # an exact match on a rare value weighs more, on a common one less
            exact = np.flatnonzero(level == 0)
            values = prepared[field].to_numpy(dtype=object)[pairs[exact, 0]]
            freq = tf[field].reindex(values).to_numpy(dtype=float)
            freq = np.where(np.isnan(freq), tf[field].min(), freq)
            u_exact = model.u[field][0]
            bits[exact] += np.clip(np.log2(u_exact / freq), -TF_CLIP, TF_CLIP)
        evidence[field] = bits
    # a move changes every part of an address at once: where a phone, an email or a VAT number ties the
    # pair, the disagreement of the address counts once, by its strongest part
    tied = _tied(levels) | (levels["vat"].to_numpy() == 0)
    moved = _moved(levels) & tied
    if moved.any():
        parts = np.column_stack([evidence[f] for f in ADDRESS_FIELDS])
        parts_moved = parts[moved]
        strongest = np.nanargmin(np.where(np.isnan(parts_moved), np.inf, parts_moved), axis=1)
        kept = np.zeros_like(parts_moved, dtype=bool)
        kept[np.arange(len(kept)), strongest] = True
        parts_moved = np.where(kept | np.isnan(parts_moved) | (parts_moved > 0), parts_moved, 0.0)
        for k, field in enumerate(ADDRESS_FIELDS):
            evidence[field][moved] = parts_moved[:, k]
    for field in FIELDS:
        total += np.nan_to_num(evidence[field])
    probability = 100 / (1 + np.exp2(-np.clip(total, -60, 60)))
    probability = np.minimum(probability, np.where(_review_only(levels), REVIEW_ONLY_CAP, 100.0))
    probability = np.minimum(probability, np.where(_conflicting(levels), CONFLICT_CAP, 100.0))
    return np.round(probability, 1), evidence


def _moved(levels):
    """Pairs whose address does not agree, though there is one on both
    sides: neither the street nor the postcode (the city only where there
    is no postcode: a town has many streets)."""
    postcode = levels["postcode"].to_numpy()
    street = levels["street"].to_numpy()
    city = levels["city"].to_numpy()

    def close(values):
        return (values >= 0) & (values <= 1)

    agrees = close(street) | close(postcode) | ((postcode == -1) & close(city))
    return ~agrees & ((postcode >= 0) | (city >= 0) | (street >= 0))


def _conflicting(levels):
    """Pairs that are two customers whatever else agrees: a person and a
    company, two VAT numbers, two birth dates (not a typo of one), "jun."
    and "sen.". The fields of one household or one firm (its address,
    phone) agree for two people as they do for one, so no sum of them may
    outweigh this."""
    out = np.zeros(len(levels), dtype=bool)
    for field, level in CONFLICTS:
        out |= levels[field].to_numpy() == LEVELS[field].index(level)
    # a birth date of the same year, two digits apart, where an email or a phone ties the
    # pair: two typos of one date, put up for review (_review_only)
    return out & ~(_same_year(levels) & _tied(levels))


def _tied(levels):
    """Pairs that share an email or a phone number."""
    return (levels["phone"].to_numpy() == 0) | (levels["mobile"].to_numpy() == 0) | (levels["email"].to_numpy() == 0)


def _same_year(levels):
    return levels["birthdate"].to_numpy() == LEVELS["birthdate"].index("year")


def _review_only(levels, two_people=False):
    """Pairs a person must look at, whatever their score: tied only by an
    email or phone at another address (a customer who moved), persons of
    another given name at one address (spouses, children) unless their
    birth date or email agrees, or two contacts of one company whose own
    name and email do not both agree."""
    moved = _moved(levels)
    colleagues = levels.attrs.get("colleagues")
    if colleagues is None:
        colleagues = np.zeros(len(levels), dtype=bool)
    same_person = (levels["given"].to_numpy() == 0) & (levels["family"].to_numpy() == 0)
    same_person &= levels["email"].to_numpy() == 0
    # a given name only alike (not a typo or a short form of it), or an initial: unless a personal
    # identifier agrees; another given name: a spouse, a child, even with the family's shared
    # email or mobile, unless the birth date agrees
    birthdate = levels["birthdate"].to_numpy() == 0
    personal = birthdate | (levels["email"].to_numpy() == 0) | (levels["mobile"].to_numpy() == 0)
    given = levels["given"].to_numpy()
    other_given = (
        (given == LEVELS["given"].index("similar")) | (given == LEVELS["given"].index("initial"))
    ) & ~personal
    other_given |= (given == LEVELS["given"].index("different")) & ~birthdate
    # persons of one name and home with two emails or two mobiles and nothing personal in common:
    # father and son, or one person with two addresses; a person decides
    persons = levels["given"].to_numpy() >= 0
    two_contacts = persons & ((levels["email"].to_numpy() == 2) | (levels["mobile"].to_numpy() == 1)) & ~personal
    # nothing but the names agree (a small table's namesakes): a person decides
    evidence = [f for f in FIELDS if f not in ("kind", "name", "legal_form", "given", "family", "generation")]
    name_only = ~np.logical_or.reduce([(levels[f].to_numpy() >= 0) & (levels[f].to_numpy() <= 1) for f in evidence])
    # "Hans Müller" and "Hans Müller jun.": father and son, or one of them written twice
    one_marked = levels["generation"].to_numpy() == 1
    # a company of another name at one address: a neighbour in the building, or renamed
    other_name = levels["name"].to_numpy() == len(LEVELS["name"]) - 1
    # another family name: married, or another person of that given name nearby, unless the
    # whole address (street and house number) or a personal identifier agrees
    street, number = levels["street"].to_numpy(), levels["number"].to_numpy()
    at_home = (street >= 0) & (street <= 1) & (number == 0)
    renamed = (levels["family"].to_numpy() == LEVELS["family"].index("different")) & ~personal & ~at_home
    # two legal forms (a GmbH and its OHG, an e.K. that became a GmbH): two legal entities, or one
    # written wrongly; a person decides
    other_form = levels["legal_form"].to_numpy() == LEVELS["legal_form"].index("different")
    # a company name only alike, and nothing of the company's own agreeing (its phone, email, website,
    # VAT number, or street and house number): two firms of a town, or one misspelt; a person decides
    own = at_home.copy()
    for field in ("phone", "email", "website", "vat"):
        own |= levels[field].to_numpy() == 0
    alike_name = (levels["name"].to_numpy() == LEVELS["name"].index("similar")) & ~own
    # (``two_people``: only the reasons that may be two people, not a move or too little evidence)
    reviewed = other_given | one_marked | other_name | other_form | renamed | two_contacts | _same_year(levels)
    reviewed |= colleagues & ~same_person
    # (a name only alike is too little evidence, not a sign of two firms: in a group, the links decide)
    return reviewed if two_people else reviewed | alike_name | moved | name_only


# ---------------------------------------------------------------- results


def score_pairs(prepared, pairs, explain=True, model=None):
    """Levels, evidence and score of pairs of positions (``model``: fitted
    on ``prepared`` when not given)."""
    pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    if model is None:
        model = fit(prepared)
    levels = compare(prepared, pairs)
    probability, evidence = score(prepared, pairs, levels, model, _term_frequencies(prepared))
    return _result(prepared, pairs, probability, levels, evidence, explain)


def _result(prepared, pairs, probability, levels, evidence, explain):
    index = prepared.index.to_numpy()
    result = pd.DataFrame({"a": index[pairs[:, 0]], "b": index[pairs[:, 1]], "score": probability})
    for field in FIELDS:
        result[field] = levels[field].to_numpy()
    result["evidence"] = _evidence_json(levels, evidence)
    if explain:
        result["explanation"] = explain_evidence(result["evidence"])
    return result


def _evidence_json(levels, evidence):
    """Per pair, the evidence as language-neutral JSON: [[field, level,
    bits], ...], strongest first."""
    codes = {f: np.array(LEVELS[f], dtype=object) for f in FIELDS}
    out = []
    level_rows = levels[list(FIELDS)].to_numpy()
    bit_rows = evidence[list(FIELDS)].to_numpy()
    for lv, bits in zip(level_rows, bit_rows):
        items = [[field, codes[field][lv[k]], round(float(bits[k]), 1)] for k, field in enumerate(FIELDS) if lv[k] >= 0]
        items.sort(key=lambda item: -abs(item[2]))
        out.append(json.dumps(items, separators=(",", ":")))
    return out


def evidence_items(evidence):
    """The ``[field, level, bits]`` items of one pair's evidence JSON."""
    try:
        items = json.loads(evidence or "[]")
    except ValueError:
        return []
    return [item for item in items if isinstance(item, list) and len(item) == 3 and item[0] in LEVELS]


def explain_evidence(evidence, labels=None, words=None, limit=6):
    """Evidence rendered as text, strongest first ("family exact +9.1,
    birthdate different -12.0"). ``labels`` (field -> text) and ``words``
    (level -> text) translate it; English field and level codes otherwise."""
    labels = labels or {}
    words = words or {}

    def render(value):
        parts = [
            "%s %s %+.1f" % (labels.get(field, field), words.get(level, level), bits)
            for field, level, bits in evidence_items(value)[:limit]
        ]
        return ", ".join(parts)

    index = evidence.index if isinstance(evidence, pd.Series) else None
    return pd.Series([render(v) for v in evidence], index=index, dtype=object)


def find_duplicates(frame, columns, region="DE", threshold=REVIEW_THRESHOLD, max_block=None, changed=None):
    """Scored pairs at or above ``threshold`` (columns a, b: index labels of
    ``frame``; score: match probability in percent; the level of every
    field; evidence; explanation), best first, and the groups they form (a
    Series: index label -> group number, records in no pair left out).

    ``changed``: index labels of the records changed since the last run;
    only pairs with at least one of them are returned."""
    return match(prepare(frame, columns, region), threshold, max_block, changed)


def match(prepared, threshold=REVIEW_THRESHOLD, max_block=None, changed=None, model=None, conflicts=True):
    """:func:`find_duplicates` on records already prepared by :func:`prepare`
    (kept between runs, so that an incremental run normalises only what
    changed). ``model``: the one to score with; fitted on ``prepared``'s
    candidate pairs when not given (a full run), which an incremental run
    cannot do: it passes the model of the last full run."""
    # codes of the values, made once for every comparison of this run
    cache = ({}, {})
    if model is None:
        pairs, members = _union(prepared, blocked_pairs(prepared, max_block))
        levels = compare(prepared, pairs, cache)
        model = fit(prepared, pairs, levels, members, cache=cache)
        if changed is not None:
            mask = prepared.index.isin(list(changed))
            keep = mask[pairs[:, 0]] | mask[pairs[:, 1]]
            pairs = pairs[keep]
            levels = _subset(levels, keep)
    else:
        mask = None if changed is None else prepared.index.isin(list(changed))
        pairs = candidate_pairs(prepared, max_block, mask)
        levels = compare(prepared, pairs, cache)
    tf = _term_frequencies(prepared)
    probability, _evidence = score(prepared, pairs, levels, model, tf, evidence=False)
    keep = probability >= threshold
    pairs = pairs[keep]
    levels = _subset(levels, keep)
    # the evidence of the pairs kept only
    probability, evidence = score(prepared, pairs, levels, model, tf)
    kept = _result(prepared, pairs, probability, levels, evidence, explain=True)
    kept = kept.sort_values(["score", "a", "b"], ascending=[False, True, True]).reset_index(drop=True)
    grouping = groups(kept)
    kept.attrs["model"] = model
    # groups holding two records that conflict: their weakest link is held at the review cap
    # (``conflicts=False``: a caller that forms its groups with pairs of earlier runs looks itself)
    kept.attrs["conflicting"] = conflicting_groups(prepared, grouping, cache=cache) if conflicts else set()
    return kept, grouping


def _subset(levels, keep):
    colleagues = levels.attrs.get("colleagues")
    out = levels[keep].reset_index(drop=True)
    if colleagues is not None:
        out.attrs["colleagues"] = colleagues[keep]
    return out


def conflicting_groups(prepared, grouping, max_size=MAX_GROUP, cache=None):
    """The groups (of ``grouping``: index label -> group) holding two
    records that conflict (see ``_conflicting``) or that may be two people
    (``_review_only``: spouses, father and son), though each is tied to the group by
    others: father and son both linked to a record of "Hans Müller"
    without a birth date. Such a group is reviewed, never merged
    automatically; so is a group larger than ``max_size``."""
    found = set()
    if grouping is None or grouping.empty:
        return found
    position = pd.Series(np.arange(len(prepared)), index=prepared.index)
    pairs = []
    # most groups are a pair, which its own link judged already: only the larger ones are looked into
    sizes = grouping.map(grouping.value_counts())
    found.update(grouping[sizes > max_size].unique().tolist())
    larger = grouping[(sizes > 2) & (sizes <= max_size)]
    for group, members in larger.groupby(larger):
        if len(members) > 2:
            rows = position.reindex(members.index).dropna().astype(np.int64).to_numpy()
            left, right = np.triu_indices(len(rows), k=1)
            pairs.append((group, np.column_stack((rows[left], rows[right]))))
    if pairs:
        everything = np.vstack([p for _group, p in pairs])
        levels = compare(prepared, everything, cache)
        # two of them that cannot be one, or that a person must look at (spouses both tied to a
        # record without a given name)
        conflict = _conflicting(levels) | _review_only(levels, two_people=True)
        owners = np.concatenate([np.full(len(p), g, dtype=object) for g, p in pairs])
        found |= set(owners[conflict].tolist())
    return found


def automatic_groups(pairs, grouping, threshold=AUTO_MERGE_THRESHOLD):
    """The groups of :func:`match` (``pairs`` and their ``grouping``) that
    automatic merging would take: tied together at ``threshold`` by their
    weakest necessary link, and holding no two records that conflict. A
    Series: index label -> group, like ``grouping``."""
    if pairs.empty:
        return grouping.iloc[:0]
    conflicting = pairs.attrs.get("conflicting", set())
    component = pairs["a"].map(grouping)
    sure = {
        group
        for group, links in pairs.groupby(component.to_numpy())
        if group not in conflicting and weakest_link(links) >= threshold
    }
    return grouping[grouping.isin(sure)]


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
    for a, b, link_score in links:
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[ra] = rb
            joined += 1
            if joined == len(records):
                return float(link_score)
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


# ---------------------------------------------------------------- one record at the door

# the keys under which a caller that keeps prepare()'s table (one row per record, a database
# table) looks up the candidates of one new record: each key a tuple of (column, part), the
# part "" for the whole value, "word" for its first word, an integer for its first characters.
# They follow the blocking passes, narrowed where a pass's block is a whole town or a common
# name (such a block is compared in windows by the full search): a caller indexes each key
PROBE_KEYS = (
    (("phone", ""),),
    (("mobile", ""),),
    (("email", ""),),
    (("vat", ""),),
    (("website", ""),),
    (("domain", ""),),
    (("birthdate", ""), ("given", 1)),
    (("phonetic", "word"), ("given", 1)),
    (("phonetic", "word"), ("postcode", 2)),
    (("name", "word"), ("postcode", 2)),
    (("postcode", ""), ("number", "")),
    (("street", 4), ("number", "")),
    (("city", ""), ("phonetic", "word")),
    (("parent", ""),),
)
# candidates read per lookup at most: a common name in one area stays a few hundred pairs
PROBE_LIMIT = 100
# likely duplicates shown for one record at most
PROBE_SHOWN = 5


def _part(value, part):
    if part == "":
        return value
    if part == "word":
        return value.split(" ", 1)[0]
    return value[:part]


def probe_lookups(record):
    """The lookups of the candidates of one prepared record (a row of
    :func:`prepare`'s table): ``(key number in PROBE_KEYS, values)`` for
    every key the record has all parts of. Numbers are looked up in phone
    and mobile alike; a person's names also in swapped order."""
    values = {column: str(record[column] or "") for column in PREPARED_COLUMNS if column != "is_company"}
    person = not bool(record["is_company"])
    if not person:
        # colleagues are the contacts of one company, as in the search's pass
        values["parent"] = ""
    lookups = []
    for number, key in enumerate(PROBE_KEYS):
        parts = tuple(_part(values[column], part) for column, part in key)
        if all(parts):
            lookups.append((number, parts))
    # a number in either field meets the other
    phones = {PROBE_KEYS.index(((column, ""),)) for column in ("phone", "mobile")}
    for column in ("phone", "mobile"):
        if values[column]:
            lookups += [(number, (values[column],)) for number in phones]
    if person and values["given"] and values["family"]:
        # given and family name swapped: the other's sound, the other's initial
        swapped = (phonetic(values["given"].split(" ", 1)[0]).split(" ", 1)[0], values["family"][:1])
        if all(swapped):
            lookups.append((PROBE_KEYS.index((("phonetic", "word"), ("given", 1))), swapped))
    return sorted(set(lookups))


def filled_counts(prepared):
    """What :func:`probe_frequencies` needs of a whole table: its number of
    records and, per field of ``TF_FIELDS``, of records that have one."""
    return {"records": len(prepared), **{field: int((prepared[field] != "").sum()) for field in TF_FIELDS}}


def probe_frequencies(counts, filled):
    """The term frequencies of the values of records at the door as
    :func:`score` uses them, from ``counts`` (field -> {value: records of
    the table with it}) and ``filled`` (:func:`filled_counts` of the
    table): the same shares the full search computes on the whole table;
    None where it computes none (small tables, sparse fields)."""
    if not filled or filled.get("records", 0) < TF_MIN_RECORDS:
        return None
    tables = {}
    for field in TF_FIELDS:
        total = filled.get(field, 0)
        values = {value: n for value, n in counts.get(field, {}).items() if value}
        if values and total >= TF_MIN_RECORDS:
            # a record at the door is not in the table yet: it adds one to its own value
            tables[field] = pd.Series({value: (n + 1) / (total + 1) for value, n in values.items()}, dtype=float)
    return tables or None


def probe(record, candidates, model=None, tf=None, threshold=REVIEW_THRESHOLD, limit=PROBE_SHOWN):
    """Likely duplicates of one prepared record (a one-row table of
    :func:`prepare`) among ``candidates`` (prepared rows, index: their ids),
    scored as the search would score the pair: columns b (the candidate's
    id), score, evidence, best first, at most ``limit``, none below
    ``threshold``. ``model``: the kept one (the defaults without);
    ``tf``: :func:`probe_frequencies`."""
    pairs = [(0, label) for label in candidates.index]
    result = probe_batch(record, candidates, pairs, model, tf)[["b", "score", "evidence"]]
    result = result[result["score"] >= threshold]
    return result.sort_values(["score", "b"], ascending=[False, True], kind="stable").head(limit).reset_index(drop=True)


def probe_batch(records, candidates, pairs, model=None, tf=None):
    """:func:`probe` for many records at once (an import): ``pairs`` are
    (position in ``records``, index label in ``candidates``) of the pairs to
    score, as their lookups found them; ``tf``: per field, the share of
    each value (as :func:`probe_frequencies` gives for one record). Returns
    row (the record's position), b, score, evidence of every pair."""
    columns = ["row", "b", "score", "evidence"]
    pairs = np.asarray(pairs, dtype=object).reshape(-1, 2)
    if not len(pairs) or candidates.empty:
        return pd.DataFrame(columns=columns)
    candidates = candidates[list(PREPARED_COLUMNS)]
    table = pd.concat([records[list(PREPARED_COLUMNS)], candidates], ignore_index=True)
    table["is_company"] = table["is_company"].astype(bool)
    found = candidates.index.get_indexer(pairs[:, 1])
    if (found < 0).any():
        raise ContractError("unknown_candidates", "pairs name records that are not candidates")
    where = len(records) + found
    positions = np.column_stack((pairs[:, 0].astype(np.int64), where.astype(np.int64)))
    levels = compare(table, positions)
    probability, evidence = score(table, positions, levels, model or Model(), tf)
    return pd.DataFrame(
        {
            "row": positions[:, 0],
            "b": pairs[:, 1],
            "score": probability,
            "evidence": _evidence_json(levels, evidence),
        }
    )


def probe_within(records, model=None, tf=None, threshold=REVIEW_THRESHOLD):
    """Pairs of records at the door that are probably one another (a list
    holding one visitor twice): a, b (positions, a < b), score, at or above
    ``threshold``, blocked and scored as the search does (``tf``: the
    records' own term frequencies when not given)."""
    pairs = candidate_pairs(records)
    if not len(pairs):
        return pd.DataFrame(columns=["a", "b", "score"])
    levels = compare(records, pairs)
    tf = _term_frequencies(records) if tf is None else tf
    probability, _evidence = score(records, pairs, levels, model or Model(), tf, evidence=False)
    keep = probability >= threshold
    return pd.DataFrame({"a": pairs[keep, 0], "b": pairs[keep, 1], "score": probability[keep]})
