"""Campaign arithmetic: a random control group kept out of a campaign, and
the campaign's effect on revenue against it.

Nothing here imports ``odoo``.
"""

import math
import random

import pandas as pd

from .contracts import ContractError


def min_customers(share):
    """The fewest customers for which a control group of ``share`` % holds
    at least one customer (1 without a control group)."""
    # the group is round(customers x share / 100), and round(0.5) is 0
    return math.floor(50 / share) + 1 if share > 0 else 1


def control_split(customers, share, seed):
    """``(targeted, control)``: a random ``share`` (0-50 %) of
    ``customers`` kept out as a control group, the same for the same seed.
    The two lists are disjoint and together are ``customers``. A control
    group that would hold nobody is refused (``control_empty``), never
    silently dropped: an effect without one cannot be told from chance."""
    if not 0 <= share <= 50:
        raise ContractError("bad_share", "the control group must be 0-50 %% of the target, not %(share)s", share=share)
    ordered = sorted(customers)
    size = round(len(ordered) * share / 100)
    if share > 0 and size == 0:
        raise ContractError(
            "control_empty",
            "a %(share)s %% control group of %(count)s customers holds nobody: %(minimum)s are needed",
            share=share,
            count=len(ordered),
            minimum=min_customers(share),
        )
    control = set(random.Random(seed).sample(ordered, size)) if size else set()
    return [c for c in ordered if c not in control], sorted(control)


def effect(recipients):
    """The effect of a campaign on revenue.

    ``recipients``: one row per customer with ``control`` (bool), ``before``
    and ``after`` (revenue in the N days before and after the launch).
    Returns the revenue of the targeted and the control customers before and
    after, each group's change per customer, the uplift (the targeted
    customers' change per customer minus the control's) and the revenue it
    brought (uplift times the targeted customers). Without a control group
    the uplift is the targeted customers' change."""
    missing = {"control", "before", "after"} - set(recipients.columns)
    if missing:
        raise ContractError("missing_columns", "the recipients lack %(columns)s", columns=", ".join(sorted(missing)))
    frame = recipients.assign(
        control=recipients["control"].astype(bool),
        before=pd.to_numeric(recipients["before"]).fillna(0.0),
        after=pd.to_numeric(recipients["after"]).fillna(0.0),
    )
    result = {}
    for name, part in (("targeted", frame[~frame["control"]]), ("control", frame[frame["control"]])):
        result[f"{name}_count"] = len(part)
        result[f"{name}_before"] = float(part["before"].sum())
        result[f"{name}_after"] = float(part["after"].sum())
        result[f"{name}_change"] = float((part["after"] - part["before"]).mean()) if len(part) else 0.0
    result["uplift"] = result["targeted_change"] - (result["control_change"] if result["control_count"] else 0.0)
    result["incremental_revenue"] = result["uplift"] * result["targeted_count"]
    result["uplift_margin"] = uplift_margin(frame)
    return result


# two-sided 90 %: the uplift lies within +- the margin in 9 of 10 such campaigns
Z_90 = 1.6449


def uplift_margin(frame):
    """Half the width of the 90 % interval of the uplift per customer: the
    standard error of the difference of the two groups' mean changes
    (Welch, normal approximation) times 1.645. None without a control group
    or with fewer than two customers in a group: then nothing can be said
    about chance."""
    changes = frame["after"] - frame["before"]
    targeted, control = changes[~frame["control"]], changes[frame["control"]]
    if len(targeted) < 2 or len(control) < 2:
        return None
    error = math.sqrt(targeted.var(ddof=1) / len(targeted) + control.var(ddof=1) / len(control))
    return float(Z_90 * error)
