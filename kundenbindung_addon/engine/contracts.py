"""Data contracts shared by the engine and the Odoo glue.

**Transactions** (``TRANSACTION_COLUMNS``) are the neutral table the segment
and value functions work on (customer, date, amount and optionally category
and document), so they also run on data sets from outside Odoo. The Odoo glue
reads them from posted customer invoices and credit notes (one query,
``kundenbindung.segmentation._documents``).

``validate_transactions`` returns a new frame with canonical column order and
dtypes, or raises :class:`ContractError`. The error carries a machine-readable ``code``
and ``params`` so that the Odoo side can show a translated message; its
English text is for logs and for users of the engine outside Odoo.
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # "id", "optional_id", "date", "money"
    required: bool
    description: str


TRANSACTION_COLUMNS = (
    Column("customer", "id", True, "customer identifier (any hashable id)"),
    Column("date", "date", True, "date of the purchase"),
    Column("amount", "money", True, "value of the purchase, negative for returns"),
    Column("category", "optional_id", False, "product category (optional)"),
    Column("document", "id", False, "invoice/order the row belongs to (optional)"),
)


class ContractError(ValueError):
    """A frame does not satisfy its contract.

    ``code`` names the problem (``missing_columns``, ``null_values``,
    ``bad_dates``, ``bad_amounts``, ``bad_window``, and the codes of the
    engine's other checks); ``params`` holds the values named in the message.
    """

    def __init__(self, code, message, **params):
        self.code = code
        self.params = params
        super().__init__(message % params)


def _check_columns(frame, columns, what):
    if not isinstance(frame, pd.DataFrame):
        raise ContractError(
            "missing_columns",
            "%(what)s must be a pandas DataFrame, got %(got)s",
            what=what,
            got=type(frame).__name__,
        )
    missing = [c.name for c in columns if c.required and c.name not in frame.columns]
    if missing:
        raise ContractError(
            "missing_columns",
            "%(what)s lack the column(s): %(columns)s",
            what=what,
            columns=", ".join(missing),
        )


def _bad_rows(mask):
    """Return the first few row labels where ``mask`` is true, for messages."""
    return ", ".join(str(i) for i in mask[mask].index[:5])


def _coerce(frame, column, what):
    series = frame[column.name]
    if column.kind in ("id", "date", "money"):
        nulls = series.isna()
        if nulls.any():
            raise ContractError(
                "null_values",
                "%(what)s: column %(column)s is empty in row(s) %(rows)s",
                what=what,
                column=column.name,
                rows=_bad_rows(nulls),
            )
    if column.kind == "date":
        try:
            values = pd.to_datetime(series, errors="raise")
        except (ValueError, TypeError) as exc:
            raise ContractError(
                "bad_dates",
                "%(what)s: column %(column)s holds a value that is not a date (%(detail)s)",
                what=what,
                column=column.name,
                detail=str(exc),
            ) from exc
        if getattr(values.dt, "tz", None) is not None:
            values = values.dt.tz_localize(None)
        return values.dt.normalize().astype("datetime64[ns]")
    if column.kind == "money":
        values = pd.to_numeric(series, errors="coerce")
        bad = values.isna() | ~np.isfinite(values.astype("float64"))
        if bad.any():
            raise ContractError(
                "bad_amounts",
                "%(what)s: column %(column)s is not a finite number in row(s) %(rows)s",
                what=what,
                column=column.name,
                rows=_bad_rows(bad),
            )
        return values.astype("float64")
    # ids: any non-empty hashable value, kept as given
    return series


def _validate(frame, columns, what):
    _check_columns(frame, columns, what)
    out = {}
    for column in columns:
        if column.name in frame.columns:
            out[column.name] = _coerce(frame, column, what)
    return pd.DataFrame(out).reset_index(drop=True)


def validate_transactions(frame):
    """Check and normalise a transactions table (see the module doc).

    ``customer`` and ``document`` may be any non-empty hashable values
    (names, numbers), so outside data sets need no re-keying.
    """
    return _validate(frame, TRANSACTION_COLUMNS, "Transactions")


def window_bounds(reference_date, months):
    """Return the half-open window ``[start, end)`` of ``months`` calendar
    months that ends with ``reference_date`` (included).

    >>> window_bounds("2026-03-31", 1)
    (Timestamp('2026-03-01 00:00:00'), Timestamp('2026-04-01 00:00:00'))
    """
    if isinstance(months, bool) or not isinstance(months, (int, np.integer)):
        raise ContractError(
            "bad_window",
            "The window must be a whole number of months, got %(months)r",
            months=months,
        )
    if months < 1:
        raise ContractError(
            "bad_window",
            "The window must be at least one month, got %(months)r",
            months=months,
        )
    end = pd.Timestamp(reference_date).normalize() + pd.Timedelta(days=1)
    start = end - pd.DateOffset(months=int(months))
    return start, end
