"""Net Promoter Score: categories, the score of a set of answers, periods
and each respondent's latest answer and trend.

Scores are whole numbers from 0 to 10 ("How likely is it that you would
recommend us to a friend or colleague?"): 0-6 detractor, 7-8 passive,
9-10 promoter. NPS = % promoters - % detractors, from -100 to +100.
"""

import numpy as np
import pandas as pd

from .contracts import ContractError

PROMOTER, PASSIVE, DETRACTOR = "promoter", "passive", "detractor"
CATEGORIES = (PROMOTER, PASSIVE, DETRACTOR)


def check_scores(scores):
    """Return the scores as an int64 Series, or raise ContractError
    (``bad_score``) naming the first offending values."""
    series = pd.Series(scores)
    values = pd.to_numeric(series, errors="coerce")
    bad = values.isna() | (values < 0) | (values > 10) | (values != values.round())
    if bad.any():
        raise ContractError(
            "bad_score",
            "A Net Promoter Score answer must be a whole number from 0 to 10, got %(values)s",
            values=", ".join(repr(v) for v in series[bad].head(5).tolist()),
        )
    return values.astype("int64")


def nps_category(scores):
    """Category of each score: ``promoter`` (9-10), ``passive`` (7-8) or
    ``detractor`` (0-6). Takes a scalar or anything a Series takes."""
    scalar = np.isscalar(scores)
    values = check_scores([scores] if scalar else scores)
    result = pd.Series(
        np.select([values >= 9, values >= 7], [PROMOTER, PASSIVE], default=DETRACTOR),
        index=values.index,
        dtype=object,
    )
    return result.iloc[0] if scalar else result


def net_promoter_score(scores):
    """Counts per category and the NPS of a set of answers.

    Returns ``{"answers", "promoters", "passives", "detractors", "nps"}``;
    ``nps`` is None without answers.
    """
    values = check_scores(scores)
    promoters = int((values >= 9).sum())
    detractors = int((values <= 6).sum())
    answers = int(len(values))
    passives = answers - promoters - detractors
    nps = round((promoters - detractors) * 100.0 / answers, 1) if answers else None
    return {"answers": answers, "promoters": promoters, "passives": passives, "detractors": detractors, "nps": nps}


def _frame(responses):
    if not isinstance(responses, pd.DataFrame) or not {"date", "score"} <= set(responses.columns):
        raise ContractError(
            "missing_columns",
            "NPS answers need the columns date and score, got %(columns)s",
            columns=", ".join(map(str, getattr(responses, "columns", []))),
        )
    frame = responses.copy()
    frame["score"] = check_scores(frame["score"]).to_numpy()
    try:
        frame["date"] = pd.to_datetime(frame["date"], errors="raise").dt.normalize()
    except (ValueError, TypeError) as exc:
        raise ContractError("bad_dates", "NPS answers: a date is not a date (%(detail)s)", detail=str(exc)) from exc
    return frame


def nps_by_period(responses, freq="M", by=None):
    """NPS per period (``"M"`` month, ``"Q"`` quarter, ``"Y"`` year) and,
    with ``by``, per value of that column (ABC class, salesperson, ...).

    ``responses`` has the columns ``date`` and ``score`` (and ``by``).
    Returns one row per period (and group) with answers, promoters,
    passives, detractors and nps, periods in order.
    """
    if freq not in ("M", "Q", "Y"):
        raise ContractError("bad_period", "The period must be M, Q or Y, got %(freq)r", freq=freq)
    frame = _frame(responses)
    frame["period"] = frame["date"].dt.to_period(freq)
    frame["promoters"] = (frame["score"] >= 9).astype("int64")
    frame["detractors"] = (frame["score"] <= 6).astype("int64")
    keys = ["period"] + ([by] if by else [])
    grouped = frame.groupby(keys, sort=True, dropna=False).agg(
        answers=("score", "size"), promoters=("promoters", "sum"), detractors=("detractors", "sum")
    )
    grouped["passives"] = grouped["answers"] - grouped["promoters"] - grouped["detractors"]
    grouped["nps"] = ((grouped["promoters"] - grouped["detractors"]) * 100.0 / grouped["answers"]).round(1)
    return grouped[["answers", "promoters", "passives", "detractors", "nps"]].reset_index()


def respondent_summary(responses, respondent="respondent"):
    """Each respondent's latest answer: score, category, date, number of
    answers and trend (latest score minus the one before; NaN with one
    answer). Answers without a respondent (anonymous) are left out: they
    count in a company's NPS but give nobody a score. Answers of one day
    are ordered by the ``id`` column when there is one."""
    frame = _frame(responses)
    if respondent not in frame.columns:
        raise ContractError("missing_columns", "NPS answers need the column %(column)s", column=respondent)
    frame = frame[frame[respondent].notna()]
    order = ["date", "id"] if "id" in frame.columns else ["date"]
    frame = frame.sort_values([respondent, *order], kind="mergesort")
    grouped = frame.groupby(respondent, sort=True)
    last = grouped.tail(1).set_index(respondent)
    previous = grouped.nth(-2).set_index(respondent)["score"] if len(frame) else pd.Series(dtype="int64")
    out = pd.DataFrame(
        {
            "score": last["score"],
            "category": nps_category(last["score"]) if len(last) else pd.Series(dtype=object),
            "date": last["date"],
            "answers": grouped.size(),
        }
    )
    out["trend"] = (out["score"] - previous.reindex(out.index)).astype("float64")
    return out
