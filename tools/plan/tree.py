"""The parent -> children index every view of a plan walks (ordering, tree, Mermaid)."""

from __future__ import annotations

from typing import Any


def children_by_parent(records: list[dict[str, Any]]) -> dict[str | None, list[dict[str, Any]]]:
    """Records grouped by their parent's URN, in the order given; the root stack is under None."""
    children: dict[str | None, list[dict[str, Any]]] = {}
    for record in records:
        children.setdefault(record["parent"], []).append(record)
    return children
