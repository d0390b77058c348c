"""Pure numeric engine of kundenbindung_addon.

Nothing below this package imports ``odoo``: it takes plain data (pandas
DataFrames, arrays, dicts) and returns plain data, so it is tested in seconds
without a database and can be run on outside data sets.
"""

from .contracts import (
    TRANSACTION_COLUMNS,
    ContractError,
    validate_transactions,
    window_bounds,
)
from .segments import (
    ABC_CLASSES,
    CHURN_LEVELS,
    NO_REVENUE,
    RFM_SEGMENTS,
    abc_classes,
    backtest_clv,
    check_thresholds,
    churn_risk,
    class_changes,
    customer_lifetime_value,
    documents,
    rfm,
    segment_customers,
    slip_alarms,
    value_at_stake,
)

__all__ = [
    "ABC_CLASSES",
    "CHURN_LEVELS",
    "NO_REVENUE",
    "RFM_SEGMENTS",
    "abc_classes",
    "backtest_clv",
    "check_thresholds",
    "churn_risk",
    "class_changes",
    "customer_lifetime_value",
    "documents",
    "rfm",
    "segment_customers",
    "slip_alarms",
    "value_at_stake",
    "TRANSACTION_COLUMNS",
    "ContractError",
    "validate_transactions",
    "window_bounds",
]
