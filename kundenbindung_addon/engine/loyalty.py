"""Loyalty points of an invoice, and tiers by points.

Points follow the rules of an Odoo loyalty program, applied to an invoice's
product lines instead of a sales order: per document, per currency unit
spent, or per unit bought, each rule counting only the lines of its
products and only when its minimum quantity and amount are reached. A
credit note gives the same points negative. Nothing here imports ``odoo``.
"""

from dataclasses import dataclass

from .contracts import ContractError

MODES = ("order", "money", "unit")


@dataclass(frozen=True)
class Rule:
    """One earning rule: ``points`` per document (``order``), per currency
    unit of the valid lines' untaxed amount (``money``) or per unit bought
    (``unit``); ``products`` the ids the rule counts (None: all);
    ``minimum_amount`` and ``minimum_qty`` over the valid lines."""

    mode: str
    points: float
    products: frozenset | None = None
    minimum_amount: float = 0.0
    minimum_qty: float = 0.0

    def __post_init__(self):
        if self.mode not in MODES:
            raise ContractError(
                "bad_mode", "a rule's mode must be one of %(modes)s, got %(got)r", modes=", ".join(MODES), got=self.mode
            )
        if not self.points > 0:
            raise ContractError("bad_points", "a rule's points must be above 0, got %(got)s", got=self.points)


def invoice_points(lines, rules, refund=False):
    """Points an invoice earns under ``rules`` (a credit note: the same,
    negative). ``lines``: iterable of (product id, quantity, untaxed amount
    in the program's currency), amounts positive for what was sold."""
    lines = list(lines)
    total = 0.0
    for rule in rules:
        valid = [line for line in lines if rule.products is None or line[0] in rule.products]
        quantity = sum(q for _p, q, _a in valid)
        amount = sum(a for _p, _q, a in valid)
        if not valid or quantity <= 0 or amount <= 0:
            continue
        if quantity < rule.minimum_qty or amount < rule.minimum_amount:
            continue
        if rule.mode == "order":
            total += rule.points
        elif rule.mode == "money":
            total += rule.points * amount
        else:
            total += rule.points * quantity
    total = round(total, 2)
    return -total if refund else total


def tier_for(points, tiers):
    """The tier of a balance: the one with the highest minimum at or below
    ``points``; ``tiers`` is an iterable of (tier, minimum points). None
    below every minimum."""
    reached = [(minimum, tier) for tier, minimum in tiers if points >= minimum]
    return max(reached, key=lambda pair: pair[0])[1] if reached else None


def tier_ranges(tiers):
    """{tier: (from points, below points or None)} of each tier that some
    balance reaches: the range of balances :func:`tier_for` gives it, so a
    search by tier is a range condition on the balance."""
    ordered = sorted((minimum, tier) for tier, minimum in tiers)
    ranges = {}
    for index, (minimum, tier) in enumerate(ordered):
        upper = next((m for m, _t in ordered[index + 1 :] if m > minimum), None)
        if index + 1 < len(ordered) and ordered[index + 1][0] == minimum:
            continue  # an equal minimum: tier_for gives the balance to the later one
        ranges[tier] = (minimum, upper)
    return ranges
