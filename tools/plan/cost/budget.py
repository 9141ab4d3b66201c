"""The budget rule: a stack's cost ceiling stays within its `budget.monthly`.

It runs in the offline plan of every stack (exit 1, like a mandatory policy). A budget promises
that the stack cannot cost more, so a ceiling that is unbounded (logs without a daily cap) or not
fully priced (a meter without a row in the price table) fails it too: neither can be shown to fit.
"""

from __future__ import annotations

from .ceiling import Ceiling


def budget_problems(ceiling: Ceiling, budget: float | None) -> list[str]:
    """Why `ceiling` breaks `budget` (USD a month); empty when it fits or there is no budget."""
    if budget is None:
        return []
    problems = [f"{gap.resource}: {gap.why}" for gap in (*ceiling.unbounded, *ceiling.unpriced)]
    if problems:
        problems.insert(0, f"the ceiling cannot be shown to stay within the budget of {money(budget)} a month")
    elif ceiling.total > budget:
        problems.append(
            f"the cost ceiling {money(ceiling.total)} a month is over the budget of {money(budget)} "
            f"by {money(ceiling.total - budget)} (ml-platform:budget.monthly)"
        )
    return problems


def money(usd: float) -> str:
    return f"${usd:,.2f}"
