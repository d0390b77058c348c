"""Customer value on margin, not only revenue, and the customer portfolio.

* **Cost of an invoice line** (:func:`line_costs`) from the best source a
  database has, named on every line: the cost of the sale order line it
  was invoiced from (``order``), the cost of goods sold booked for it
  (``cogs``), the product's cost at the invoice date (``product``);
  ``none`` where there is none, so that a figure says how much of the
  revenue has no known cost. A credit note's line has a negative quantity
  and amount: its cost comes back with the goods.
* **Cost to serve** (:func:`cost_to_serve`): configurable and
  transparent, each part computed and kept on its own: returns (a share
  of the credit notes' amount for handling), payment delay (days past due
  x amount x a yearly rate), activities (a cost each), loyalty points
  redeemed (a value each) and campaign costs. Discounts are not a part:
  the revenue is already net of them, so the gross margin has them; they
  are shown beside it (``discounts``) instead of being counted twice.
* **Contribution margin** = gross margin - cost to serve
  (:func:`customer_margins`).
* **Portfolio** (:func:`portfolio`): attractiveness (value on margin and
  its growth) against the strength of the relationship, each a percentile
  rank, in four fields (Bruhn 2012, p. 104) with their strategy.

Nothing here imports ``odoo``.
"""

import numpy as np
import pandas as pd

from .contracts import ContractError
from .segments import NO_REVENUE, abc_classes

# the sources of a line's cost, best first
COST_SOURCES = ("order", "cogs", "product", "none")
# the parts of the cost to serve: (key, the column of the figures it is computed from)
SERVE_PARTS = ("returns", "payment_delay", "activities", "rewards", "campaigns")
# default rates of the cost to serve (a company changes them): the share of a returned amount
# that handling costs, the yearly interest on late money, the cost of one activity, the value
# of one loyalty point redeemed, the share of campaign costs
SERVE_RATES = {
    "returns": 0.05,
    "payment_delay": 0.08,
    "activities": 15.0,
    # a reward redeemed on an invoice is a discount line there already: counted only when valued
    "rewards": 0.0,
    "campaigns": 1.0,
}
# above these (0-100), a customer is attractive and strong: the better half
ATTRACTIVE_FROM = 50.0
STRONG_FROM = 50.0
# the four fields of the portfolio: (attractive, strong) -> key
PORTFOLIO_FIELDS = {
    (True, True): "star",
    (True, False): "question",
    (False, True): "cash_cow",
    (False, False): "poor",
}
# the strategy of each field (Bruhn): invest to keep, develop, keep cheaply, reduce spending
PORTFOLIO_STRATEGIES = {"star": "maintain", "question": "develop", "cash_cow": "selective", "poor": "reduce"}


def line_costs(lines):
    """Cost, margin and cost source of every invoice line.

    ``lines``: a DataFrame with ``amount`` (net revenue of the line in the
    company currency, after discounts, negative on credit notes),
    ``quantity`` (negative on credit notes) and any of ``order_cost``
    (unit cost of the sale order line it was invoiced from), ``cogs``
    (the cost booked for it, signed like the amount) and ``product_cost``
    (the product's unit cost at the invoice date); NaN where unknown.
    Returns a copy with ``cost``, ``margin`` (NaN where the cost is
    unknown) and ``cost_source`` (one of COST_SOURCES)."""
    missing = {"amount", "quantity"} - set(lines.columns)
    if missing:
        raise ContractError("missing_columns", "the lines lack %(columns)s", columns=", ".join(sorted(missing)))
    out = lines.copy()
    quantity = out["quantity"].astype(float)
    candidates = {
        "order": quantity * out["order_cost"].astype(float) if "order_cost" in out else None,
        "cogs": out["cogs"].astype(float) if "cogs" in out else None,
        "product": quantity * out["product_cost"].astype(float) if "product_cost" in out else None,
    }
    cost = pd.Series(np.nan, index=out.index)
    source = pd.Series("none", index=out.index, dtype=object)
    for name in COST_SOURCES[:-1]:
        values = candidates[name]
        if values is None:
            continue
        take = cost.isna() & values.notna()
        cost[take] = values[take]
        source[take] = name
    out["cost"] = cost
    out["margin"] = out["amount"].astype(float) - cost
    out["cost_source"] = source
    return out


def cost_to_serve(figures, rates=None):
    """The cost to serve every customer, part by part.

    ``figures``: one row per customer (index) with any of the columns
    ``returns`` (amount of its credit notes, positive), ``overdue`` (sum
    over its invoices of days past due x amount), ``activities`` (number
    done), ``rewards`` (loyalty points redeemed, or their value with the
    rate 1), ``campaigns`` (its share of campaign costs); a missing column
    counts 0. ``rates``: SERVE_RATES changed where given.
    Returns one column per part of SERVE_PARTS and ``total``."""
    rates = {**SERVE_RATES, **(rates or {})}
    unknown = set(rates) - set(SERVE_PARTS)
    if unknown:
        raise ContractError("bad_rates", "unknown parts %(parts)s", parts=", ".join(sorted(unknown)))
    if any(value < 0 for value in rates.values()):
        raise ContractError("bad_rates", "the rates of the cost to serve cannot be negative")

    def column(name):
        return figures[name].astype(float).fillna(0.0) if name in figures else pd.Series(0.0, index=figures.index)

    out = pd.DataFrame(index=figures.index)
    out["returns"] = column("returns") * rates["returns"]
    # money owed late costs its interest: amount x days / 365 x the yearly rate
    out["payment_delay"] = column("overdue") / 365.0 * rates["payment_delay"]
    out["activities"] = column("activities") * rates["activities"]
    out["rewards"] = column("rewards") * rates["rewards"]
    out["campaigns"] = column("campaigns") * rates["campaigns"]
    out["total"] = out[list(SERVE_PARTS)].sum(axis=1)
    return out


def customer_margins(lines, serve=None, by="customer"):
    """Per customer (or per value of the column ``by``, a product category
    say): revenue, cost, gross margin, margin % (of the revenue with a
    known cost), the share of the revenue without a known cost, the revenue
    of each cost source, the discounts given (where the lines have a
    ``discount`` column: the amount knocked off, already out of the
    revenue), the number of customers, the cost to serve and the
    contribution margin. ``lines``: :func:`line_costs` with a ``customer``
    column; ``serve``: :func:`cost_to_serve` (none: 0)."""
    costed = lines["cost"].notna()
    frame = pd.DataFrame(
        {
            "key": lines[by],
            "customer": lines["customer"],
            "revenue": lines["amount"].astype(float),
            "known_revenue": lines["amount"].astype(float).where(costed, 0.0),
            "cost": lines["cost"].fillna(0.0),
            "margin": lines["margin"].fillna(0.0),
            "discounts": lines["discount"].astype(float).fillna(0.0) if "discount" in lines else 0.0,
            "source": lines["cost_source"],
        }
    )
    grouped = frame.groupby("key")
    out = grouped[["revenue", "known_revenue", "cost", "margin", "discounts"]].sum()
    out["customers"] = grouped["customer"].nunique()
    out.index.name = by
    by_source = frame.pivot_table(index="key", columns="source", values="revenue", aggfunc="sum", fill_value=0.0)
    for source in COST_SOURCES:
        out[f"revenue_{source}"] = by_source[source] if source in by_source else 0.0
    known = out["known_revenue"]
    out["margin_percent"] = np.where(known != 0, 100.0 * out["margin"] / known.where(known != 0, 1.0), np.nan)
    out["uncosted_share"] = np.where(
        out["revenue"] != 0, out["revenue_none"] / out["revenue"].where(out["revenue"] != 0, 1.0), 0.0
    )
    out["cost_to_serve"] = serve["total"].reindex(out.index).fillna(0.0) if serve is not None else 0.0
    out["contribution"] = out["margin"] - out["cost_to_serve"]
    return out.drop(columns="known_revenue")


# the figure the ABC classes and the lifetime value are ranked on
VALUE_BASES = ("revenue", "gross_margin", "contribution")


def value_on_basis(segments, margins, basis="revenue"):
    """Window value and lifetime value of every customer on ``basis``.

    ``segments``: ``revenue`` and ``clv`` per customer (the segments
    engine); ``margins``: :func:`customer_margins` (``revenue``,
    ``revenue_none``, ``margin``, ``cost_to_serve``). On ``gross_margin``
    the window value is the margin of the revenue with a known cost, plus
    the rest of the revenue (without a known cost) at the margin % of all
    customers: it counts neither as pure profit nor at one customer's own
    %, which a credit note can make absurd; on ``contribution`` the cost to
    serve is taken off as well. The lifetime value is scaled by the same
    ratio of value to revenue (within -1 and 1); a customer without revenue
    in the window takes the ratio of all customers. Returns ``value``,
    ``clv_value`` and, where ``segments`` has it, ``predicted_value`` on
    the same basis."""
    if basis not in VALUE_BASES:
        raise ContractError(
            "bad_basis", "basis must be one of %(choices)s, got %(got)r", choices=", ".join(VALUE_BASES), got=basis
        )
    revenue = segments["revenue"].astype(float)
    out = pd.DataFrame(index=segments.index)
    if basis == "revenue":
        out["value"] = revenue
        out["clv_value"] = segments["clv"].astype(float)
        if "predicted_value" in segments:
            out["predicted_value"] = segments["predicted_value"].astype(float)
        return out
    known_revenue = (margins["revenue"] - margins.get("revenue_none", 0.0)).astype(float)
    costed = known_revenue.sum()
    # the margin % of all customers' revenue with a known cost (none known: no cost)
    overall = min(max(margins["margin"].sum() / costed, -1.0), 1.0) if costed > 0 else 1.0
    margins = margins.reindex(segments.index)
    known_revenue = known_revenue.reindex(segments.index).fillna(0.0)
    value = margins["margin"].astype(float).fillna(0.0) + (revenue - known_revenue) * overall
    if basis == "contribution":
        value = value - margins["cost_to_serve"].astype(float).fillna(0.0)
    ratio = (value / revenue.where(revenue > 0)).clip(lower=-1.0, upper=1.0)
    company_ratio = value[revenue > 0].sum() / revenue[revenue > 0].sum() if (revenue > 0).any() else 1.0
    ratio = ratio.fillna(company_ratio)
    out["value"] = value.round(2)
    out["clv_value"] = (segments["clv"].astype(float) * ratio).round(2)
    if "predicted_value" in segments:
        out["predicted_value"] = (segments["predicted_value"].astype(float) * ratio).round(2)
    return out


def abc_on_basis(values, revenue, a_share=80.0, b_share=15.0):
    """ABC classes ranked on ``values`` (:func:`.segments.abc_classes`): a
    customer with revenue but no positive value (sold at a loss, or costing
    more to serve than it brings) is a C customer, never taken for one
    without revenue."""
    classes = abc_classes(values, a_share, b_share)
    return classes.where(~((classes == NO_REVENUE) & (revenue.reindex(classes.index) > 0)), "C")


def _rank(values):
    """Percentile rank 0-100 (ties share their mean rank); NaN stays NaN."""
    return values.rank(pct=True, method="average") * 100.0


def weighted_ranks(signals, weights):
    """The weighted mean of the signals' percentile ranks (0-100) per row,
    ``weights``: signal -> weight (1 where not given); a signal a row lacks
    is left out of its mean. The portfolio's axes and the loyalty index."""
    ranks = signals.apply(_rank)
    weight = pd.Series({name: float(weights.get(name, 1.0)) for name in ranks.columns}, dtype="float64")
    present = ranks.notna()
    total = present.mul(weight, axis=1).sum(axis=1)
    return ranks.fillna(0.0).mul(weight, axis=1).sum(axis=1) / total.where(total > 0)


def portfolio(attractiveness, strength, attractive_from=ATTRACTIVE_FROM, strong_from=STRONG_FROM, weights=None):
    """The field of every customer in the portfolio.

    ``attractiveness`` and ``strength``: DataFrames (index: customer) whose
    columns are the signals of each axis, each turned into a percentile
    rank and averaged with ``weights`` (signal -> weight, 1 where not
    given; a signal a customer lacks is left out of its average); a
    customer is attractive above ``attractive_from`` and strong above
    ``strong_from`` on that 0-100 scale (50: the better half). Returns the
    two scores, the field (a key of PORTFOLIO_STRATEGIES) and its
    strategy."""
    weights = weights or {}
    index = attractiveness.index.union(strength.index)
    score_a = weighted_ranks(attractiveness.reindex(index), weights)
    score_s = weighted_ranks(strength.reindex(index), weights)
    fields = [
        PORTFOLIO_FIELDS[(bool(a > attractive_from), bool(s > strong_from))]
        for a, s in zip(score_a.fillna(0), score_s.fillna(0))
    ]
    out = pd.DataFrame({"attractiveness": score_a.round(1), "strength": score_s.round(1), "field": fields}, index=index)
    out["strategy"] = out["field"].map(PORTFOLIO_STRATEGIES)
    return out


# the signals of each axis of the portfolio (columns of place_customers' frame): the expected
# value on margin, and the growth of revenue (money gained since the window before)
ATTRACTIVENESS_SIGNALS = ("expected_value", "growth")
# purchases in the window, the probability a repeat buyer still buys on its rhythm (0 for one
# purchase: no rhythm yet), cross buying, tenure, the last NPS score, loyalty points, and the
# loyalty index of the four signs of loyalty where it is known
STRENGTH_SIGNALS = ("purchases", "on_rhythm", "cross_buying", "tenure_days", "nps", "points", "loyalty_index")
# the value counts twice its growth: a small customer that doubles is not yet attractive
PORTFOLIO_WEIGHTS = {"expected_value": 2.0}


def portfolio_signals(segments, documents, reference_date, nps=None, points=None):
    """The frame :func:`place_customers` takes, from what the addon knows of
    each customer (index: customer).

    ``segments``: the segments engine's ``revenue``, ``previous_revenue``,
    ``frequency``, ``p_alive`` and, where known, ``predicted_on_basis``
    (the predicted value on the company's basis; else ``predicted_value``),
    ``cross_buying`` and ``loyalty_index``; ``documents``: ``customer`` and ``date`` of every
    document read (tenure, repeat buying); ``nps``: the last NPS score per
    customer; ``points``: loyalty points per customer (given at all: a
    customer without any has 0)."""
    dates = documents.groupby("customer")["date"]
    first = pd.to_datetime(dates.min()).reindex(segments.index)
    repeat = dates.count().reindex(segments.index).fillna(0) >= 2
    expected = segments["predicted_on_basis"] if "predicted_on_basis" in segments else segments["predicted_value"]
    frame = pd.DataFrame(
        {
            "revenue": segments["revenue"],
            "expected_value": expected,
            "growth": segments["revenue"] - segments["previous_revenue"],
            "purchases": segments["frequency"],
            # the probability a repeat buyer still buys on its rhythm; one purchase: no rhythm yet
            "on_rhythm": segments["p_alive"].where(repeat, 0.0),
            "cross_buying": segments["cross_buying"] if "cross_buying" in segments else np.nan,
            "tenure_days": (pd.Timestamp(reference_date).normalize() - first).dt.days,
        },
        index=segments.index,
    )
    frame["loyalty_index"] = segments["loyalty_index"] if "loyalty_index" in segments else np.nan
    frame["nps"] = nps.reindex(segments.index) if nps is not None else np.nan
    frame["points"] = points.reindex(segments.index).fillna(0.0) if points is not None else np.nan
    return frame


def place_customers(frame, attractive_from=ATTRACTIVE_FROM, strong_from=STRONG_FROM, weights=None):
    """The portfolio of the customers with revenue (``revenue`` > 0) in
    ``frame``, from the signals it has of ATTRACTIVENESS_SIGNALS and
    STRENGTH_SIGNALS; a signal missing, or the same for every customer
    (it tells them not apart), is left out. ``weights``: PORTFOLIO_WEIGHTS
    changed where given. See :func:`portfolio`."""
    buyers = frame[frame["revenue"].astype(float) > 0]

    def axis(signals):
        present = [name for name in signals if name in buyers and buyers[name].nunique(dropna=True) > 1]
        return buyers[present].astype(float)

    weights = {**PORTFOLIO_WEIGHTS, **(weights or {})}
    return portfolio(axis(ATTRACTIVENESS_SIGNALS), axis(STRENGTH_SIGNALS), attractive_from, strong_from, weights)


def is_low_margin(margin_percent, below_percent=0.0):
    """Whether each margin % is below ``below_percent`` (unknown: no)."""
    return (pd.Series(margin_percent, dtype="float64") < below_percent).fillna(False).astype(bool)


def low_margin(margins, below_percent=0.0, min_revenue=0.0):
    """The rows of ``margins`` (:func:`customer_margins`, or the same
    columns per product category) whose margin % is below ``below_percent``
    (:func:`is_low_margin`) and whose revenue is at least ``min_revenue``,
    the lowest first."""
    chosen = margins[is_low_margin(margins["margin_percent"], below_percent) & (margins["revenue"] >= min_revenue)]
    return chosen.sort_values("margin_percent", kind="stable")


def portfolio_moves(old, new):
    """The customers whose field changed since the last placing: ``old``
    and ``new`` are Series of field keys by customer (a customer placed for
    the first time or no longer placed is no move). Returns ``old`` and
    ``new`` per customer that moved."""
    both = pd.DataFrame({"old": old, "new": new}).dropna()
    return both[both["old"] != both["new"]]
