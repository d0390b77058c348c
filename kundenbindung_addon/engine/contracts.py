"""Data contracts shared by the engine and the Odoo glue.

Two frames cross the border between Odoo and the engine:

* **invoice lines** (``INVOICE_LINE_COLUMNS``): what the Odoo glue reads from
  posted customer invoices and credit notes, one row per product line,
  attributed to the commercial partner, untaxed, in company currency
  (credit notes negative);
* **transactions** (``TRANSACTION_COLUMNS``): the neutral table the segment,
  cluster and value functions work on (customer, date, amount and optionally
  category and document), so they also run on data sets from outside Odoo.

``validate_*`` return a new frame with canonical column order and dtypes, or
raise :class:`ContractError`. The error carries a machine-readable ``code``
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


INVOICE_LINE_COLUMNS = (
    Column("partner_id", "id", True, "commercial partner the line is attributed to"),
    Column("company_id", "id", True, "company of the invoice"),
    Column("move_id", "id", True, "invoice or credit note the line belongs to"),
    Column("date", "date", True, "invoice date"),
    Column(
        "amount",
        "money",
        True,
        "untaxed amount in company currency, negative for credit notes",
    ),
    Column("category_id", "optional_id", True, "product category (empty if none)"),
)

TRANSACTION_COLUMNS = (
    Column("customer", "id", True, "customer identifier (any hashable id)"),
    Column("date", "date", True, "date of the purchase"),
    Column("amount", "money", True, "value of the purchase, negative for returns"),
    Column("category", "optional_id", False, "product category (optional)"),
    Column("document", "id", False, "invoice/order the row belongs to (optional)"),
)


class ContractError(ValueError):
    """A frame does not satisfy its contract.

    ``code`` is one of ``missing_columns``, ``null_values``, ``bad_ids``,
    ``bad_dates``, ``bad_amounts``, ``bad_window``; ``params`` holds the
    values named in the message.
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


def _coerce(frame, column, what, strict_ids):
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
    # ids
    if not strict_ids:
        return series
    if column.kind == "optional_id":
        values = pd.to_numeric(series, errors="coerce")
        bad = (values.isna() & series.notna()) | (values <= 0)
    else:
        values = pd.to_numeric(series, errors="coerce")
        bad = values.isna() | (values <= 0)
    if not bad.any():
        bad = values.notna() & (values != values.round())
    if bad.any():
        raise ContractError(
            "bad_ids",
            "%(what)s: column %(column)s must hold positive integer ids, row(s) %(rows)s do not",
            what=what,
            column=column.name,
            rows=_bad_rows(bad),
        )
    return values.astype("Int64" if column.kind == "optional_id" else "int64")


def _validate(frame, columns, what, strict_ids):
    _check_columns(frame, columns, what)
    out = {}
    for column in columns:
        if column.name in frame.columns:
            out[column.name] = _coerce(frame, column, what, strict_ids)
    return pd.DataFrame(out).reset_index(drop=True)


def empty_invoice_lines():
    """An empty frame of invoice lines with the canonical dtypes."""
    return pd.DataFrame(
        {
            "partner_id": pd.Series([], dtype="int64"),
            "company_id": pd.Series([], dtype="int64"),
            "move_id": pd.Series([], dtype="int64"),
            "date": pd.Series([], dtype="datetime64[ns]"),
            "amount": pd.Series([], dtype="float64"),
            "category_id": pd.Series([], dtype="Int64"),
        }
    )


def validate_invoice_lines(frame):
    """Check and normalise a frame of invoice lines (see the module doc).

    Ids must be positive integers, dates parseable (time of day dropped),
    amounts finite numbers; ``category_id`` may be empty. Extra columns are
    dropped. The input frame is not modified.
    """
    return _validate(frame, INVOICE_LINE_COLUMNS, "Invoice lines", strict_ids=True)


def validate_transactions(frame):
    """Check and normalise a transactions table (see the module doc).

    ``customer`` and ``document`` may be any non-empty hashable values
    (names, numbers), so outside data sets need no re-keying.
    """
    return _validate(frame, TRANSACTION_COLUMNS, "Transactions", strict_ids=False)


def invoice_lines_to_transactions(lines, company_id=None):
    """Turn validated invoice lines into the neutral transactions table.

    With ``company_id`` only that company's lines are kept: segments are
    always computed per company.
    """
    lines = validate_invoice_lines(lines)
    if company_id is not None:
        lines = lines[lines["company_id"] == company_id]
    out = lines.rename(
        columns={
            "partner_id": "customer",
            "move_id": "document",
            "category_id": "category",
        }
    )[["customer", "date", "amount", "category", "document"]]
    return out.reset_index(drop=True)


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
