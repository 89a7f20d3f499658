"""Which retailers a full day keeps first: must-visit, then flags, then class."""

from __future__ import annotations

from routing.retailers import Retailer
from routing.rules import Rules

#: Dropping any visit must cost more than a whole day's travel (seconds), so the search
#: first visits as many retailers as fit and only then shortens the route.
BASE_PENALTY = 100_000
#: Dropping a must-visit retailer costs more than any route can travel (seconds).
MUST_VISIT_PENALTY = 10**9
#: Fluctuating orders and enterprise-level accounts are the procedure's priority groups.
FLAG_BONUS = 3
#: Key-brand targets come next: the month's brand plan needs their shelves seen.
BRAND_BONUS = 2


def visit_priority(retailer: Retailer, rules: Rules) -> int:
    """Return the retailer's rank on a full day (higher is kept first)."""
    score = rules.classes[retailer.retailer_class].priority
    score += FLAG_BONUS * (retailer.fluctuating + retailer.enterprise)
    score += BRAND_BONUS * retailer.brand_target
    return score


def drop_penalty(retailer: Retailer, rules: Rules, *, optional: bool = False) -> int | None:
    """Return the solver's cost of leaving ``retailer`` out; ``None`` if it must be visited.

    An ``optional`` visit (a month plan's top-up to reach the quota) ranks below every
    visit the plan requires, whatever the retailers' priorities: a full day leaves out
    all its top-ups before any required visit.
    """
    if retailer.must_visit and not optional:
        return None
    penalty = BASE_PENALTY * (1 + visit_priority(retailer, rules))
    return penalty if optional else penalty + _optional_ceiling(rules)


def _optional_ceiling(rules: Rules) -> int:
    """Return a penalty above that of any optional visit."""
    top = max(rules_class.priority for rules_class in rules.classes.values())
    return BASE_PENALTY * (2 + top + 2 * FLAG_BONUS + BRAND_BONUS)
