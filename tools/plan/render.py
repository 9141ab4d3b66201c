"""Show a plan the way `pulumi preview` does: the resource tree, then counts per type."""

from __future__ import annotations

from collections import Counter
from typing import Any

from .tree import children_by_parent


def tree_lines(resources: list[dict[str, Any]]) -> list[str]:
    children = children_by_parent(resources)
    rows: list[tuple[str, str, str]] = []

    def visit(record: dict[str, Any], prefix: str, last: bool, depth: int) -> None:
        branch = "" if depth == 0 else prefix + ("└─ " if last else "├─ ")
        flags = " [protect]" if record["protect"] else ""
        rows.append((branch + record["type"], record["name"], "create" + flags))
        kids = children.get(record["urn"], [])
        for i, kid in enumerate(kids):
            deeper = "" if depth == 0 else prefix + ("   " if last else "│  ")
            visit(kid, deeper, i == len(kids) - 1, depth + 1)

    for root in children.get(None, []):
        visit(root, "", True, 0)
    type_width = max(len(r[0]) for r in rows) + 2
    name_width = max(len(r[1]) for r in rows) + 2
    header = f"     {'Type':<{type_width}}{'Name':<{name_width}}Plan"
    return [header] + [f" +   {t:<{type_width}}{n:<{name_width}}{p}" for t, n, p in rows]


def type_counts(resources: list[dict[str, Any]]) -> Counter[str]:
    return Counter(r["type"] for r in resources)


def summary_lines(resources: list[dict[str, Any]]) -> list[str]:
    counts = type_counts(resources)
    width = max(len(t) for t in counts) + 2
    lines = ["Resources by type:"]
    lines += [f"    {t:<{width}}{n:>3}" for t, n in sorted(counts.items())]
    protected = sum(1 for r in resources if r["protect"])
    lines.append(f"Resources:\n    + {len(resources)} to create ({protected} protected)")
    return lines


def table_cell(text: str) -> str:
    """Text safe in a Markdown table cell: no `|` that would split it, no line break that would end the row."""
    return text.replace("|", "\\|").replace("\n", " ")
