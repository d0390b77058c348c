"""The four signs of loyalty (Bruhn 2012, p. 96), the loyalty index, and
what makes promoters different.

* **Repurchase** (:func:`repurchase`): purchases in the window that were
  not the customer's first, how regular its rhythm is (1 / (1 + the
  coefficient of variation of the days between purchases)) and whether it
  still buys on that rhythm.
* **Cross buying** (:func:`cross_buying`): the share of the company's main
  categories bought in the window, and its change against the window
  before.
* **Referrals** (:func:`referrals`): the customers it brought and their
  revenue.
* **Price-increase tolerance** (:func:`price_tolerance`): after a price rise
  on a product it buys (the unit prices it paid, window against window),
  the quantity it kept buying, against the quantity kept by the customers
  of the same product who saw no rise.
* **Loyalty index** (:func:`loyalty_index`): 0-100, the weighted mean of the
  signals' percentile ranks, the weights shown and changeable.
* **Promoter drivers** (:func:`promoter_drivers`): the attributes in which
  promoters differ from the other customers, each with counts, the ratio
  and a p-value corrected for the number of attributes tried (Benjamini-
  Hochberg), so that small samples and many attributes don't shout.

Nothing here imports ``odoo``.
"""

import numpy as np
import pandas as pd
from scipy import stats

from .contracts import ContractError, window_bounds
from .margins import weighted_ranks

# the signals of the loyalty index and their default weights (a company changes them)
INDEX_WEIGHTS = {"repurchase": 0.35, "cross_buying": 0.25, "referrals": 0.15, "price_tolerance": 0.25}
# a unit price this much higher than in the window before is a price rise (and this much
# either way is none)
PRICE_RISE = 0.03
# still on its rhythm: bought within this many of its usual intervals
RHYTHM_SLACK = 1.5


def windows(reference_date, window_months):
    """The window ending on the reference date and the one before it:
    ``(start of the one before, start, end)``, half-open."""
    start, end = window_bounds(reference_date, window_months)
    return start - pd.DateOffset(months=window_months), start, end


def repurchase(documents, reference_date, window_months=12):
    """Per customer with a purchase up to the reference date.

    ``documents``: ``customer``, ``date`` and ``amount`` (credit notes
    negative; only positive documents are purchases). Returns
    ``purchases`` (in the window), ``repeat_purchases`` (of those, the ones
    after its first purchase ever), ``repeat_rate`` (their share),
    ``regularity`` (0-1, NaN with fewer than three purchases),
    ``interval_days`` (median days between purchases) and ``on_rhythm``
    (bought within RHYTHM_SLACK intervals of the reference date; NaN for a
    single purchase)."""
    _prev, start, end = windows(reference_date, window_months)
    buys = documents[(documents["amount"] > 0) & (documents["date"] < end)].copy()
    buys["date"] = pd.to_datetime(buys["date"]).dt.normalize()
    buys = buys.sort_values(["customer", "date"], kind="stable")
    first = buys.groupby("customer")["date"].transform("min")
    in_window = buys["date"] >= start
    out = pd.DataFrame(index=pd.Index(buys["customer"].unique(), name="customer"))
    out["purchases"] = in_window.groupby(buys["customer"]).sum().astype("int64")
    out["repeat_purchases"] = (in_window & (buys["date"] > first)).groupby(buys["customer"]).sum().astype("int64")
    out["repeat_rate"] = (out["repeat_purchases"] / out["purchases"].where(out["purchases"] > 0)).astype(float)
    gaps = buys.groupby("customer")["date"].diff().dt.days
    gaps = gaps[gaps > 0].groupby(buys["customer"])
    mean, std, count = gaps.mean(), gaps.std(ddof=0), gaps.count()
    out["regularity"] = (1.0 / (1.0 + std / mean)).where(count >= 2).reindex(out.index)
    out["interval_days"] = gaps.median().reindex(out.index)
    since = (pd.Timestamp(end) - pd.Timedelta(days=1) - buys.groupby("customer")["date"].max()).dt.days
    out["on_rhythm"] = (since.reindex(out.index) <= RHYTHM_SLACK * out["interval_days"]).astype(float)
    out.loc[out["interval_days"].isna(), "on_rhythm"] = np.nan
    return out


def cross_buying(lines, reference_date, window_months=12, main_share=80.0):
    """Per customer: ``cross_buying`` (0-1, the share of the company's main
    categories, those that bring ``main_share`` percent of the window's
    revenue, that it bought in the window), ``cross_buying_before`` (the
    same in the window before, against the same main categories) and
    ``cross_buying_growth`` (the difference). ``lines``: ``customer``,
    ``category``, ``date``, ``amount``."""
    prev, start, end = windows(reference_date, window_months)
    dates = pd.to_datetime(lines["date"])
    now = lines[(dates >= start) & (dates < end)]
    revenue = now.groupby("category")["amount"].sum()
    revenue = revenue[revenue > 0].sort_values(ascending=False, kind="stable")
    customers = pd.Index(lines["customer"].unique(), name="customer")
    out = pd.DataFrame(index=customers)
    if revenue.empty:
        out["cross_buying"] = out["cross_buying_before"] = out["cross_buying_growth"] = np.nan
        return out
    above = (revenue.cumsum() - revenue) / revenue.sum() * 100.0
    main = set(revenue.index[above < main_share])

    def share(part):
        bought = part[part["category"].isin(main) & (part["amount"] > 0)]
        return bought.groupby("customer")["category"].nunique() / len(main)

    out["cross_buying"] = share(now).reindex(customers).fillna(0.0)
    before = lines[(dates >= prev) & (dates < start)]
    out["cross_buying_before"] = share(before).reindex(customers)
    out.loc[out.index.isin(before["customer"]), "cross_buying_before"] = out["cross_buying_before"].fillna(0.0)
    out["cross_buying_growth"] = out["cross_buying"] - out["cross_buying_before"]
    out.attrs["main_categories"] = len(main)
    return out


def referrals(referred_by, revenue):
    """Per referrer: ``referrals`` (customers it brought) and
    ``referred_revenue`` (their revenue). ``referred_by``: Series customer
    -> its referrer (NaN: none); ``revenue``: Series customer -> revenue."""
    pairs = pd.DataFrame({"referrer": referred_by}).dropna()
    pairs = pairs[pairs["referrer"] != pairs.index]
    pairs["revenue"] = revenue.reindex(pairs.index).fillna(0.0).to_numpy()
    grouped = pairs.groupby("referrer")
    out = pd.DataFrame({"referrals": grouped.size(), "referred_revenue": grouped["revenue"].sum()})
    out.index.name = "customer"
    return out


def price_tolerance(lines, reference_date, window_months=12, rise=PRICE_RISE):
    """How much of a product a customer kept buying after its price rose.

    ``lines``: ``customer``, ``product``, ``date``, ``quantity``,
    ``amount`` (net; negative on credit notes, which are netted). For
    every customer and product bought in the window before: the change of
    its mean unit price (where it bought in the window too; a customer who
    stopped buying the product is taken to have seen the product's own
    change, over all its customers) and the ratio of its quantities
    (window / before; 0 when it stopped). A change of ``rise`` or more is a
    price rise; the customers of the same product whose price stayed within
    ``rise`` either way are its control, and their median quantity ratio is
    what a customer keeps without a rise (without a control: 1). Returns per
    customer with at least one rise: ``price_rise`` (its mean rise, by
    revenue before), ``kept_quantity`` (its quantity ratio on the risen
    products, by revenue before) and ``price_tolerance`` (kept quantity
    against the control's, 0-2: 1 = kept as much as those without a
    rise)."""
    columns = ["price_rise", "kept_quantity", "price_tolerance"]
    empty = pd.DataFrame(columns=columns, index=pd.Index([], name="customer"))
    prev, start, end = windows(reference_date, window_months)
    dates = pd.to_datetime(lines["date"])
    period = pd.Series(np.where(dates >= start, "now", "before"), index=lines.index)
    chosen = (dates >= prev) & (dates < end)
    totals = (
        lines[chosen]
        .assign(period=period[chosen])
        .groupby(["customer", "product", "period"])[["quantity", "amount"]]
        .sum()
        .unstack("period")
    )
    if totals.empty or "before" not in totals["quantity"]:
        return empty
    quantity_before = totals[("quantity", "before")]
    amount_before = totals[("amount", "before")]
    bought = (quantity_before > 0) & (amount_before > 0)
    if "now" in totals["quantity"]:
        quantity_now = totals[("quantity", "now")].fillna(0.0).clip(lower=0.0)
        amount_now = totals[("amount", "now")].fillna(0.0)
    else:
        quantity_now = amount_now = pd.Series(0.0, index=totals.index)
    frame = pd.DataFrame(
        {
            "price_before": amount_before / quantity_before,
            "price_now": (amount_now / quantity_now).where((quantity_now > 0) & (amount_now > 0)),
            "kept": quantity_now / quantity_before,
            "weight": amount_before,
        }
    )[bought].reset_index()
    frame["change"] = frame["price_now"] / frame["price_before"] - 1.0
    # the product's own change, over the customers who bought it in both windows (by revenue before)
    both = frame[frame["change"].notna()]
    product_change = (both["change"] * both["weight"]).groupby(both["product"]).sum() / both["weight"].groupby(
        both["product"]
    ).sum()
    frame["change"] = frame["change"].fillna(frame["product"].map(product_change))
    frame = frame[frame["change"].notna()]
    control = frame[frame["change"].abs() < rise].groupby("product")["kept"].median()
    risen = frame[frame["change"] >= rise].copy()
    if risen.empty:
        return empty
    risen["relative"] = (risen["kept"] / risen["product"].map(control).fillna(1.0).where(lambda c: c > 0, 1.0)).clip(
        upper=2.0
    )
    weight = risen["weight"]
    grouped = risen.assign(
        w_change=risen["change"] * weight, w_kept=risen["kept"] * weight, w_relative=risen["relative"] * weight
    ).groupby("customer")
    total = grouped["weight"].sum()
    out = pd.DataFrame(
        {
            "price_rise": grouped["w_change"].sum() / total,
            "kept_quantity": grouped["w_kept"].sum() / total,
            "price_tolerance": grouped["w_relative"].sum() / total,
        }
    )
    out.index.name = "customer"
    return out


# the columns of loyalty_signals(), as the nightly job keeps them
SIGNAL_COLUMNS = (
    "purchases",
    "repeat_rate",
    "regularity",
    "on_rhythm",
    "interval_days",
    "cross_buying",
    "cross_buying_growth",
    "main_categories",
    "referrals",
    "referred_revenue",
    "price_rise",
    "kept_quantity",
    "price_tolerance",
)


def loyalty_signals(documents, lines, reference_date, window_months=12, referred_by=None, revenue=None):
    """All four signs of loyalty of every customer, and the four inputs of
    the loyalty index.

    ``documents``: as :func:`repurchase`; ``lines``: ``customer``,
    ``product``, ``category``, ``date``, ``quantity``, ``amount`` over the
    window and the window before; ``referred_by`` and ``revenue``: as
    :func:`referrals`. Returns SIGNAL_COLUMNS (``main_categories``: how many
    categories make the company's main range) and the index inputs named as
    INDEX_WEIGHTS: ``repurchase`` (the mean of the repeat rate, the
    regularity and buying on rhythm, those known), ``cross_buying``,
    ``referrals`` (0 without) and ``price_tolerance`` (NaN without a price
    rise)."""
    out = repurchase(documents, reference_date, window_months)
    breadth = cross_buying(lines, reference_date, window_months)
    out = out.join(breadth[["cross_buying", "cross_buying_growth"]], how="outer")
    out["main_categories"] = breadth.attrs.get("main_categories", 0)
    if referred_by is not None:
        brought = referrals(referred_by, revenue if revenue is not None else pd.Series(dtype="float64"))
        out = out.join(brought, how="left")
    for name in ("referrals", "referred_revenue"):
        out[name] = out[name].fillna(0) if name in out else 0
    out["referrals"] = out["referrals"].astype("int64")
    out = out.join(price_tolerance(lines, reference_date, window_months), how="left")
    out["repurchase"] = out[["repeat_rate", "regularity", "on_rhythm"]].mean(axis=1, skipna=True)
    out.index.name = "customer"
    return out


def loyalty_index(signals, weights=None):
    """The loyalty index 0-100 of every customer: the weighted mean of the
    percentile ranks of its signals (``signals``: columns named as the keys
    of INDEX_WEIGHTS; a signal a customer lacks, NaN, is left out of its
    mean). ``weights``: INDEX_WEIGHTS changed where given. Returns the index
    and the weights used (normalised to sum 1 over the signals present)."""
    weights = {**INDEX_WEIGHTS, **(weights or {})}
    unknown = set(weights) - set(INDEX_WEIGHTS)
    if unknown:
        raise ContractError("bad_weights", "unknown signals %(names)s", names=", ".join(sorted(unknown)))
    if any(value < 0 for value in weights.values()) or not sum(weights.values()):
        raise ContractError("bad_weights", "the weights cannot be negative, and one at least must count")
    present = [name for name in INDEX_WEIGHTS if name in signals and signals[name].notna().any() and weights[name]]
    index = weighted_ranks(signals[present].astype(float), weights)
    total = sum(weights[name] for name in present)
    used = {name: weights[name] / total for name in present}
    return index.round(1), used


def _benjamini_hochberg(p_values):
    """Adjusted p-values (q) of Benjamini-Hochberg for a Series."""
    p = p_values.sort_values(kind="stable")
    n = len(p)
    if not n:
        return p
    adjusted = (p * n / np.arange(1, n + 1)).iloc[::-1].cummin().iloc[::-1].clip(upper=1.0)
    return adjusted.reindex(p_values.index)


def promoter_drivers(attributes, category, alpha=0.05, min_count=5):
    """What sets promoters apart from the other customers who answered.

    ``attributes``: one row per customer, columns of what the database
    knows (booleans or 0/1 such as "bought office furniture", categories
    such as the salesperson or region, numbers such as orders per year or
    tenure); ``category``: ``promoter``, ``passive`` or ``detractor`` per
    customer. Booleans and each value of a category are compared as shares
    (Fisher's exact test), numbers as distributions (Mann-Whitney U), and
    every p-value is corrected for the number of comparisons made
    (Benjamini-Hochberg). Comparisons with fewer than ``min_count``
    promoters or others are not made. Returns the significant ones (q below
    ``alpha``), the largest difference first: ``attribute``, ``value`` (the
    category's value, or None), ``kind`` (``share`` or ``number``),
    ``promoters`` and ``others`` (counts answering), ``promoter_value`` and
    ``other_value`` (shares or means), ``ratio`` (promoters against others),
    ``p_value`` and ``q_value``."""
    category = category.reindex(attributes.index)
    answered = category.notna()
    attributes, category = attributes[answered], category[answered]
    is_promoter = (category == "promoter").to_numpy()
    n_promoters, n_others = int(is_promoter.sum()), int((~is_promoter).sum())
    columns = [
        "attribute",
        "value",
        "kind",
        "promoters",
        "others",
        "promoter_value",
        "other_value",
        "ratio",
        "p_value",
        "q_value",
    ]
    if n_promoters < min_count or n_others < min_count:
        return pd.DataFrame(columns=columns)
    rows = []
    for name in attributes.columns:
        column = attributes[name]
        if column.dtype == bool or set(column.dropna().unique()) <= {0, 1}:  # True and False are 1 and 0
            binaries = [(None, column.isin([True]).to_numpy())]
        elif pd.api.types.is_numeric_dtype(column):
            values = column.astype(float).to_numpy()
            promoters, others = values[is_promoter], values[~is_promoter]
            promoters, others = promoters[~np.isnan(promoters)], others[~np.isnan(others)]
            if len(promoters) < min_count or len(others) < min_count or np.ptp(np.r_[promoters, others]) == 0:
                continue
            p_value = stats.mannwhitneyu(promoters, others, alternative="two-sided").pvalue
            mean_p, mean_o = promoters.mean(), others.mean()
            rows.append(
                (name, None, "number", len(promoters), len(others), mean_p, mean_o, _ratio(mean_p, mean_o), p_value)
            )
            continue
        else:
            binaries = [(value, (column == value).to_numpy()) for value in column.dropna().unique()]
        for value, has in binaries:
            a, b = int(has[is_promoter].sum()), int(has[~is_promoter].sum())
            if a + b < min_count:
                continue
            p_value = stats.fisher_exact([[a, n_promoters - a], [b, n_others - b]]).pvalue
            share_p, share_o = a / n_promoters, b / n_others
            rows.append(
                (name, value, "share", n_promoters, n_others, share_p, share_o, _ratio(share_p, share_o), p_value)
            )
    found = pd.DataFrame(rows, columns=columns[:-1])
    if found.empty:
        return pd.DataFrame(columns=columns)
    found["q_value"] = _benjamini_hochberg(found["p_value"])
    found = found[found["q_value"] < alpha].copy()
    # the largest difference first, however it goes
    found["_size"] = np.abs(np.log(found["ratio"].clip(lower=1e-6, upper=1e6)))
    return found.sort_values(["_size", "q_value"], ascending=[False, True], kind="stable").drop(columns="_size")


def _ratio(promoters, others):
    if others == 0:
        return np.inf if promoters > 0 else 1.0
    return promoters / others
