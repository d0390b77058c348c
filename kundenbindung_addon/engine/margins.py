"""Customer value on margin, not only revenue, and the customer portfolio.

* **Cost of an invoice line** (:func:`line_costs`) from the best source a
  database has, named on every line: the cost of the sale order line it
  was invoiced from (``order``), the cost of goods sold booked for it
  (``cogs``), the product's cost at the invoice date (``product``);
  ``none`` where there is none, so that a figure says how much of the
  revenue has no known cost. A credit note's line has a negative quantity
  and amount: its cost comes back with the goods.
* **Cost to serve** (:func:`cost_to_serve`): configurable and
  transparent, each part computed and kept on its own: returns (credit
  notes), discounts given, payment delay (days past due x amount x a
  yearly rate), activities (a cost each), loyalty rewards redeemed and
  campaign costs.
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

# the sources of a line's cost, best first
COST_SOURCES = ("order", "cogs", "product", "none")
# the parts of the cost to serve: (key, the column of the figures it is computed from)
SERVE_PARTS = ("returns", "discounts", "payment_delay", "activities", "rewards", "campaigns")
# default rates of the cost to serve (a company changes them): the share of a returned amount
# that handling costs, the yearly interest on late money, the cost of one activity
SERVE_RATES = {
    "returns": 0.05,
    "discounts": 1.0,
    "payment_delay": 0.08,
    "activities": 15.0,
    "rewards": 1.0,
    "campaigns": 1.0,
}
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
    ``returns`` (amount of its credit notes, positive), ``discounts``
    (discounts given), ``overdue`` (sum over its invoices of days past due
    x amount), ``activities`` (number done), ``rewards`` (value of loyalty
    rewards redeemed), ``campaigns`` (its share of campaign costs); a
    missing column counts 0. ``rates``: SERVE_RATES changed where given.
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
    out["discounts"] = column("discounts") * rates["discounts"]
    # money owed late costs its interest: amount x days / 365 x the yearly rate
    out["payment_delay"] = column("overdue") / 365.0 * rates["payment_delay"]
    out["activities"] = column("activities") * rates["activities"]
    out["rewards"] = column("rewards") * rates["rewards"]
    out["campaigns"] = column("campaigns") * rates["campaigns"]
    out["total"] = out[list(SERVE_PARTS)].sum(axis=1)
    return out


def customer_margins(lines, serve=None):
    """Per customer: revenue, cost, gross margin, margin % (of the revenue
    with a known cost), the share of the revenue without a known cost, the
    revenue of each cost source, the cost to serve and the contribution
    margin. ``lines``: :func:`line_costs` with a ``customer`` column;
    ``serve``: :func:`cost_to_serve` (none: 0)."""
    costed = lines["cost"].notna()
    frame = pd.DataFrame(
        {
            "customer": lines["customer"],
            "revenue": lines["amount"].astype(float),
            "known_revenue": lines["amount"].astype(float).where(costed, 0.0),
            "cost": lines["cost"].fillna(0.0),
            "margin": lines["margin"].fillna(0.0),
            "source": lines["cost_source"],
        }
    )
    out = frame.groupby("customer")[["revenue", "known_revenue", "cost", "margin"]].sum()
    by_source = frame.pivot_table(index="customer", columns="source", values="revenue", aggfunc="sum", fill_value=0.0)
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


def _rank(values):
    """Percentile rank 0-100 (ties share their mean rank); NaN stays NaN."""
    return values.rank(pct=True, method="average") * 100.0


def portfolio(attractiveness, strength, attractive_from=50.0, strong_from=50.0):
    """The field of every customer in the portfolio.

    ``attractiveness`` and ``strength``: DataFrames (index: customer) whose
    columns are the signals of each axis, each turned into a percentile
    rank and averaged (a signal a customer lacks is left out of its
    average); a customer is attractive from ``attractive_from`` and strong
    from ``strong_from`` on that 0-100 scale. Returns the two scores, the
    field (a key of PORTFOLIO_STRATEGIES) and its strategy."""
    index = attractiveness.index.union(strength.index)
    score_a = attractiveness.reindex(index).apply(_rank).mean(axis=1, skipna=True)
    score_s = strength.reindex(index).apply(_rank).mean(axis=1, skipna=True)
    fields = [
        PORTFOLIO_FIELDS[(bool(a >= attractive_from), bool(s >= strong_from))]
        for a, s in zip(score_a.fillna(0), score_s.fillna(0))
    ]
    out = pd.DataFrame({"attractiveness": score_a.round(1), "strength": score_s.round(1), "field": fields}, index=index)
    out["strategy"] = out["field"].map(PORTFOLIO_STRATEGIES)
    return out


def low_margin(margins, below_percent=0.0, min_revenue=0.0):
    """The rows of ``margins`` (:func:`customer_margins`, or the same
    columns per product category) whose margin % is below ``below_percent``
    and whose revenue is at least ``min_revenue``, the lowest first."""
    chosen = margins[(margins["margin_percent"] < below_percent) & (margins["revenue"] >= min_revenue)]
    return chosen.sort_values("margin_percent", kind="stable")
