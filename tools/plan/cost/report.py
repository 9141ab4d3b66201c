"""The cost ceiling as build/plan/<stack>/cost.json and as a section of summary.md."""

from __future__ import annotations

from collections import Counter
from typing import Any

from .budget import budget_problems, money
from .ceiling import Ceiling, CeilingChange
from .prices import DAYS_PER_MONTH, HOURS_PER_MONTH

STATEMENT = (
    "A ceiling, not an estimate: the most the planned resources can bill in a month at retail prices, "
    "every cluster at maxNodes and every instance and node pool running all month; usage-based meters "
    "(storage, operations, data processed) are listed, not counted."
)
TABLE = "tools/plan/cost/prices.json"


def to_json(ceiling: Ceiling, budget: float | None) -> dict[str, Any]:
    problems = budget_problems(ceiling, budget)
    return {
        "statement": STATEMENT,
        "currency": "USD",
        "priceTable": {"path": TABLE, "date": ceiling.table_date},
        "hoursPerMonth": HOURS_PER_MONTH,
        "daysPerMonth": round(DAYS_PER_MONTH, 4),
        "total": ceiling.total,
        "bounded": ceiling.bounded,
        "items": [
            {
                "key": i.key,
                "urn": i.urn,
                "resource": i.resource,
                "item": i.item,
                "quantity": i.quantity,
                "unit": i.unit,
                "unitPrice": i.unit_price,
                "periods": i.periods,
                "monthly": i.monthly,
                "priceId": i.price_id,
                **({"note": i.note} if i.note else {}),
            }
            for i in ceiling.items
        ],
        "unbounded": [_gap(g) for g in ceiling.unbounded],
        "unpriced": [_gap(g) for g in ceiling.unpriced],
        "usageBased": [_gap(g) for g in ceiling.usage_based],
        "budget": {"monthly": budget, "ok": not problems, "problems": problems},
    }


def _gap(gap: Any) -> dict[str, str]:
    return {"urn": gap.urn, "resource": gap.resource, "why": gap.why}


def headline(ceiling: Ceiling) -> str:
    if ceiling.unpriced:
        return f"at least {money(ceiling.total)} a month, not fully priced"
    if ceiling.unbounded:
        return f"unbounded ({money(ceiling.total)} a month before what has no cap)"
    return f"{money(ceiling.total)} a month"


def budget_line(ceiling: Ceiling, budget: float | None) -> str:
    if budget is None:
        return "Budget: none set (`ml-platform:budget.monthly`)."
    problems = budget_problems(ceiling, budget)
    if not problems:
        return f"Budget: {money(budget)} a month: the ceiling is within it."
    return f"Budget: {money(budget)} a month: **exceeded**: " + "; ".join(problems) + "."


def summary(ceiling: Ceiling, budget: float | None) -> str:
    """The summary.md section: headline, gaps, budget, the line items, what is not counted."""
    lines = [
        f"### Cost ceiling: {headline(ceiling)}",
        "",
        f"{STATEMENT} Prices: `{TABLE}` of {ceiling.table_date} (USD); a month is {HOURS_PER_MONTH} hours.",
        "",
    ]
    for gap in ceiling.unbounded:
        lines.append(f"- **Unbounded**: {gap.resource}: {gap.why}.")
    for gap in ceiling.unpriced:
        lines.append(f"- **Not priced**: {gap.resource}: {gap.why}.")
    lines += [budget_line(ceiling, budget), "", "| resource | what | quantity | unit price | a month | price row |"]
    lines.append("|---|---|---|---|---|---|")
    for i in ceiling.items:
        what = f"{i.item} ({i.note})" if i.note else i.item
        unit = f"${i.unit_price:,.3f} / {i.unit}"
        lines.append(f"| {i.resource} | {what} | {i.quantity:g} | {unit} | {money(i.monthly)} | `{i.price_id}` |")
    lines.append(f"| **total** | | | | **{money(ceiling.total)}** | |")
    reasons = Counter(gap.why for gap in ceiling.usage_based)
    if reasons:
        lines += ["", "<details><summary>Not counted: usage-based</summary>", ""]
        lines += [f"- {why} ({count})" for why, count in sorted(reasons.items())]
        lines += ["", "</details>"]
    return "\n".join(lines) + "\n"


def change_summary(change: CeilingChange) -> str:
    """The change a pull request makes to the ceiling, for the diff's summary."""
    lines = [f"Cost ceiling: {headline(change.base)} -> {headline(change.head)} ({signed(change.delta)})"]
    if change.items:
        lines += ["", "| resource | what | before | after | change |", "|---|---|---|---|---|"]
        for c in change.items:
            lines.append(f"| {c.resource} | {c.item} | {money(c.base)} | {money(c.head)} | {signed(c.delta)} |")
    return "\n".join(lines) + "\n"


def signed(usd: float) -> str:
    return ("+" if usd >= 0 else "-") + money(abs(usd))
