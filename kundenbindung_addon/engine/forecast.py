"""One forward-looking model per company: BG/NBD purchases with Gamma-Gamma
spend, fitted by maximum likelihood on the company's own history.

Everything forward-looking comes from it, so the figures agree by
construction: the expected purchases in a horizon, the probability that a
customer is still active, the probability of no purchase in the horizon
(the churn risk) and the predicted value (expected purchases times expected
spend per purchase).

* **BG/NBD** (Fader, Hardie and Lee 2005, "Counting your customers the easy
  way"): while active a customer buys at a Poisson rate (gamma distributed
  over customers, r and alpha) and after each purchase becomes inactive with
  a probability (beta distributed, a and b).
* **Gamma-Gamma** (Fader, Hardie and Lee 2005, "RFM and CLV"): the spend per
  repeat purchase varies around the customer's own mean, which is gamma
  distributed over customers (p, q, gamma).

Written on scipy (a maintained library every scikit-learn install carries)
rather than on ``lifetimes`` (unmaintained since 2020) or PyMC-Marketing (a
probabilistic-programming stack far too heavy for an Odoo server): the
likelihoods are closed forms of a few lines, and fitted on at most
``FIT_SAMPLE`` customers a fit takes a second or two at any size.

Time is counted in weeks, as in the papers. The inputs per customer are the
purchase *days* up to the reference date: ``x`` repeat purchases (purchase
days after the first), ``t_x`` the week of the last purchase and ``T`` the
weeks observed, both counted from the first purchase, and ``m_x`` the mean
value of the repeat purchases.
"""

import numpy as np
import pandas as pd
from scipy import optimize, special

WEEK_DAYS = 7.0
# below this many repeat buyers the spend model falls back to the plain mean
MIN_REPEAT_BUYERS = 10
# below this many customers the purchase model is not fitted (see fit_bgnbd)
MIN_CUSTOMERS = 20
# the models are fitted on at most this many customers (a fixed random sample,
# by customer, so the row order does not matter): their parameters are then
# known to about 1 %, and a fit takes a second or two however large the company
FIT_SAMPLE = 20000
# the log-parameters are searched in [-LOG_BOUND, LOG_BOUND]; a fit that ends at
# the edge has no proper optimum (purchases too regular for the model, or too
# little data) and is refused
LOG_BOUND = 10.0
BGNBD_BOUNDS = [(-LOG_BOUND, LOG_BOUND)] * 2 + [(-LOG_BOUND, 1.5 * LOG_BOUND)] * 2


def purchase_summary(purchases, reference_date):
    """Per customer (index): ``x``, ``t_x``, ``T`` (weeks), ``m_x`` (mean of
    the repeat purchases, NaN without), ``first_value`` and ``purchases``
    from ``purchases`` (columns customer, date, amount; one row per
    purchase, amount > 0) up to ``reference_date``."""
    ref = pd.Timestamp(reference_date).normalize()
    frame = purchases[purchases["date"] <= ref]
    if frame.empty:
        return pd.DataFrame(columns=["x", "t_x", "T", "m_x", "first_value", "purchases"], dtype="float64")
    # one purchase per customer and day, as the models count them
    days = frame.groupby(["customer", "date"], sort=True)["amount"].sum().round(2).reset_index()
    grouped = days.groupby("customer", sort=True)
    first = grouped["date"].min()
    last = grouped["date"].max()
    count = grouped.size()
    first_value = grouped["amount"].first()
    total = grouped["amount"].sum()
    out = pd.DataFrame(index=first.index)
    out["x"] = (count - 1).astype("float64")
    out["t_x"] = (last - first).dt.days / WEEK_DAYS
    out["T"] = (ref - first).dt.days / WEEK_DAYS
    repeat_total = total - first_value
    out["m_x"] = np.where(out["x"] > 0, repeat_total / out["x"].where(out["x"] > 0, 1.0), np.nan)
    out["first_value"] = first_value
    out["purchases"] = count.astype("int64")
    return out


# ------------------------------------------------------------------ BG/NBD


def _bgnbd_terms(params, x, t_x, T):
    """log of the two terms of the BG/NBD likelihood per customer."""
    r, alpha, a, b = params
    base = special.gammaln(r + x) - special.gammaln(r) + r * np.log(alpha)
    first = base + special.betaln(a, b + x) - special.betaln(a, b) - (r + x) * np.log(alpha + T)
    with np.errstate(divide="ignore", invalid="ignore"):
        second = np.where(
            x > 0,
            base
            + special.betaln(a + 1, np.maximum(b + x - 1, 1e-12))
            - special.betaln(a, b)
            - (r + x) * np.log(alpha + t_x),
            -np.inf,
        )
    return first, second


def _bgnbd_negll(log_params, x, t_x, T, weights):
    params = np.exp(log_params)
    first, second = _bgnbd_terms(params, x, t_x, T)
    ll = np.logaddexp(first, second)
    return -(weights * ll).sum() / weights.sum()


def fit_bgnbd(x, t_x, T, weights=None):
    """BG/NBD parameters ``(r, alpha, a, b)`` by maximum likelihood, or
    None when the search ends at the edge of the parameter space (no proper
    optimum: purchases on a fixed schedule, or too little data).

    ``weights``: how many customers share each (x, t_x, T) row (all 1 by
    default). Customers with the same history are fitted once."""
    x, t_x, T = (np.asarray(v, dtype="float64") for v in (x, t_x, T))
    weights = np.ones_like(x) if weights is None else np.asarray(weights, dtype="float64")
    frame = pd.DataFrame({"x": x, "t_x": t_x, "T": T, "w": weights})
    frame = frame.groupby(["x", "t_x", "T"], as_index=False)["w"].sum()
    args = (frame["x"].to_numpy(), frame["t_x"].to_numpy(), frame["T"].to_numpy(), frame["w"].to_numpy())
    best = None
    for start in (np.log([1.0, 1.0, 1.0, 1.0]), np.log([0.5, 5.0, 1.0, 3.0]), np.log([0.1, 1.0, 0.5, 5.0])):
        result = optimize.minimize(_bgnbd_negll, start, args=args, method="L-BFGS-B", bounds=BGNBD_BOUNDS)
        if best is None or result.fun < best.fun:
            best = result
    # r and alpha at the edge: no proper optimum. a and b may grow large together: the
    # dropout probability is then the same for every customer, a proper limit of the model
    if not np.isfinite(best.fun) or np.any(np.abs(best.x[:2]) > LOG_BOUND - 0.01):
        return None
    return tuple(float(v) for v in np.exp(best.x))


def _bgnbd_alive_odds(params, x, t_x, T):
    """(a / (b + x - 1)) ((alpha + T) / (alpha + t_x))^(r + x) for x > 0, else 0."""
    r, alpha, a, b = params
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        odds = np.where(
            x > 0,
            np.exp(np.log(a) - np.log(np.maximum(b + x - 1, 1e-12)) + (r + x) * np.log((alpha + T) / (alpha + t_x))),
            0.0,
        )
    return odds


def probability_alive(params, x, t_x, T):
    """P(still active at T | x, t_x, T)."""
    x, t_x, T = (np.asarray(v, dtype="float64") for v in (x, t_x, T))
    return 1.0 / (1.0 + _bgnbd_alive_odds(params, x, t_x, T))


def expected_purchases(params, t, x, t_x, T):
    """Expected purchases in the ``t`` weeks after T, given x, t_x, T."""
    r, alpha, a, b = params
    x, t_x, T = (np.asarray(v, dtype="float64") for v in (x, t_x, T))
    z = t / (alpha + T + t)
    hyp = special.hyp2f1(r + x, b + x, a + b + x - 1, z)
    factor = np.power((alpha + T) / (alpha + T + t), r + x)
    numerator = (a + b + x - 1) / (a - 1) * (1.0 - factor * hyp)
    result = numerator / (1.0 + _bgnbd_alive_odds(params, x, t_x, T))
    # a < 1 makes the closed form's sign flip harmlessly; a value can never be negative.
    # NaN stays NaN: the caller refuses a model it cannot evaluate (see fit)
    return np.where(np.isnan(result), np.nan, np.maximum(result, 0.0))


def probability_no_purchase(params, t, x, t_x, T):
    """P(no purchase in the ``t`` weeks after T | x, t_x, T): inactive, or
    active and by chance not buying (the posterior rate is
    Gamma(r + x, alpha + T))."""
    r, alpha, _a, _b = params
    x, t_x, T = (np.asarray(v, dtype="float64") for v in (x, t_x, T))
    alive = probability_alive(params, x, t_x, T)
    quiet = np.power((alpha + T) / (alpha + T + t), r + x)
    return (1.0 - alive) + alive * quiet


# ------------------------------------------------------------------ Gamma-Gamma


def _gg_negll(log_params, x, m):
    p, q, gamma = np.exp(log_params)
    ll = (
        special.gammaln(p * x + q)
        - special.gammaln(p * x)
        - special.gammaln(q)
        + q * np.log(gamma)
        + (p * x - 1) * np.log(m)
        + p * x * np.log(x)
        - (p * x + q) * np.log(gamma + m * x)
    )
    return -ll.mean()


def fit_gamma_gamma(x, m_x):
    """Gamma-Gamma parameters ``(p, q, gamma)`` by maximum likelihood on the
    repeat buyers (x > 0, m_x > 0); None if there are too few of them."""
    x, m = np.asarray(x, dtype="float64"), np.asarray(m_x, dtype="float64")
    keep = (x > 0) & (m > 0) & np.isfinite(m)
    if keep.sum() < MIN_REPEAT_BUYERS:
        return None
    x, m = x[keep], m[keep]
    # fitted on values in units of their median, so the currency's scale (yen or euro,
    # a coffee or a machine) does not matter; gamma is a scale and goes back with it
    unit = float(np.median(m))
    m = m / unit
    best = None
    for start in (np.log([1.0, 1.0, 1.0]), np.log([5.0, 3.0, 1.0])):
        result = optimize.minimize(
            _gg_negll, start, args=(x, m), method="L-BFGS-B", bounds=[(-LOG_BOUND, LOG_BOUND)] * 3
        )
        if best is None or result.fun < best.fun:
            best = result
    if not np.isfinite(best.fun) or np.any(np.abs(best.x) > LOG_BOUND - 0.01):
        return None
    p, q, gamma = (float(v) for v in np.exp(best.x))
    return (p, q, gamma * unit) if q > 1 else None


def expected_spend(gg_params, x, m_x, fallback):
    """Expected value of a future purchase: the Gamma-Gamma posterior mean
    (the customer's own repeat mean shrunk towards the population's); for
    customers without a repeat purchase the population mean ``fallback``
    (the mean of the first purchases) when there is no model."""
    x = np.asarray(x, dtype="float64")
    m = np.nan_to_num(np.asarray(m_x, dtype="float64"), nan=0.0)
    if gg_params is None:
        return np.where(x > 0, m, fallback)
    p, q, gamma = gg_params
    return (gamma + m * x) * p / (p * x + q - 1)


# ------------------------------------------------------------------ one model per company


def fit(summary):
    """The company's model from its ``purchase_summary``: a dict with the
    BG/NBD and Gamma-Gamma parameters and the mean first purchase, or None
    when the history is too thin for a fit (fewer than ``MIN_CUSTOMERS``
    customers or ``MIN_REPEAT_BUYERS`` repeat buyers, or a fit that does not
    converge to a proper model); the caller then falls back to a simpler
    rule."""
    if len(summary) < MIN_CUSTOMERS or int((summary["x"] > 0).sum()) < MIN_REPEAT_BUYERS:
        return None
    if not (summary["T"] > 0).any():
        return None
    if len(summary) > FIT_SAMPLE:
        picked = np.sort(np.random.RandomState(0).choice(len(summary), FIT_SAMPLE, replace=False))
        summary = summary.sort_index().iloc[picked]
    purchases = fit_bgnbd(summary["x"], summary["t_x"], summary["T"])
    # a = 1 is a pole of the expected purchases; a model that cannot be evaluated is no model
    if purchases is None or abs(purchases[2] - 1.0) < 1e-6:
        return None
    probe = expected_purchases(purchases, 52.0, summary["x"], summary["t_x"], summary["T"])
    if not np.all(np.isfinite(probe)):
        return None
    return {
        "bgnbd": purchases,
        "gamma_gamma": fit_gamma_gamma(summary["x"], summary["m_x"]),
        "first_value": float(summary["first_value"].clip(lower=0).mean()),
    }


def predict(model, summary, horizon_weeks, churn_weeks):
    """Per customer of ``summary``: ``p_alive``, ``expected_purchases`` and
    ``predicted_value`` over ``horizon_weeks``, ``expected_spend`` and
    ``churn_probability`` (no purchase in the next ``churn_weeks``), all from
    the one ``model``."""
    params = model["bgnbd"]
    x, t_x, T = summary["x"], summary["t_x"], summary["T"]
    out = pd.DataFrame(index=summary.index)
    out["p_alive"] = probability_alive(params, x, t_x, T)
    out["expected_purchases"] = expected_purchases(params, horizon_weeks, x, t_x, T)
    out["expected_spend"] = np.maximum(
        expected_spend(model["gamma_gamma"], x, summary["m_x"], model["first_value"]), 0.0
    )
    out["predicted_value"] = out["expected_purchases"] * out["expected_spend"]
    out["churn_probability"] = probability_no_purchase(params, churn_weeks, x, t_x, T)
    return out


# ------------------------------------------------------------------ calibration


def _logit(p):
    p = np.clip(np.asarray(p, dtype="float64"), 1e-4, 1 - 1e-4)
    return np.log(p / (1 - p))


def fit_calibration(raw, happened):
    """Platt scaling of probabilities ``raw`` against what ``happened``
    (booleans): ``(slope, intercept)`` of a logistic regression on the
    log-odds, or None when all or none happened."""
    happened = np.asarray(happened, dtype=bool)
    if happened.all() or not happened.any():
        return None

    def negll(params):
        z = params[0] * _logit(raw) + params[1]
        return float(np.sum(np.logaddexp(0.0, z) - happened * z))

    result = optimize.minimize(negll, np.array([1.0, 0.0]), method="L-BFGS-B", bounds=[(0.01, 20.0), (-20.0, 20.0)])
    return (float(result.x[0]), float(result.x[1])) if result.success else None


def calibrate(calibration, raw):
    """``raw`` probabilities through ``fit_calibration``'s mapping."""
    if calibration is None:
        return np.asarray(raw, dtype="float64")
    slope, intercept = calibration
    return special.expit(slope * _logit(raw) + intercept)
