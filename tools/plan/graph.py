"""The dependency graph: DOT as `pulumi stack graph` writes it, and Mermaid for pull requests."""

from __future__ import annotations

import re
from typing import Any

from .tree import children_by_parent

# `pulumi stack graph` colours: dependency edges and parent (containment) edges
DEPENDENCY_COLOR = "#246C60"
PARENT_COLOR = "#AA6639"


def _edges(resources: list[dict[str, Any]]) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    known = {r["urn"] for r in resources}
    deps = [(r["urn"], d) for r in resources for d in r["dependencies"] if d in known]
    parents = [(r["urn"], r["parent"]) for r in resources if r["parent"] in known]
    return deps, parents


def to_dot(resources: list[dict[str, Any]]) -> str:
    index = {r["urn"]: i for i, r in enumerate(resources)}
    deps, parents = _edges(resources)
    lines = ["strict digraph {"]
    lines += [f'    Resource{index[r["urn"]]} [label="{r["urn"]}"];' for r in resources]
    lines += [f'    Resource{index[a]} -> Resource{index[b]} [color = "{DEPENDENCY_COLOR}"];' for a, b in deps]
    lines += [f'    Resource{index[a]} -> Resource{index[b]} [color = "{PARENT_COLOR}"];' for a, b in parents]
    lines.append("}")
    return "\n".join(lines) + "\n"


def _short_type(type_token: str) -> str:
    return re.sub(r"^azure-native:", "", type_token)


def to_mermaid(resources: list[dict[str, Any]]) -> str:
    """Components become subgraphs; arrows point from a resource to what it depends on."""
    ids = {r["urn"]: f"r{i}" for i, r in enumerate(resources)}
    children = children_by_parent(resources)
    lines = ["flowchart LR"]

    def emit(record: dict[str, Any], indent: str) -> None:
        kids = children.get(record["urn"], [])
        label = f"{record['name']}<br/><small>{_short_type(record['type'])}</small>"
        if kids and record["type"] != "pulumi:pulumi:Stack":
            lines.append(f'{indent}subgraph {ids[record["urn"]]}["{label}"]')
            for kid in kids:
                emit(kid, indent + "  ")
            lines.append(f"{indent}end")
        elif kids:
            for kid in kids:
                emit(kid, indent)
        else:
            lines.append(f'{indent}{ids[record["urn"]]}["{label}"]')

    for root in children.get(None, []):
        emit(root, "  ")
    deps, _ = _edges(resources)
    custom = {r["urn"] for r in resources if r["custom"]}
    lines += [f"  {ids[a]} --> {ids[b]}" for a, b in deps if a in custom and b in custom]
    return "\n".join(lines) + "\n"
