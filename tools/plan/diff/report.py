"""The diff for a reviewer: counts, the changed resources with their reasons, their graph."""

from __future__ import annotations

from collections import Counter

from ..graph import to_mermaid
from ..render import table_cell as cell
from .compare import Entry, Record
from .gate import DESTRUCTIVE, Verdict

OPS = ("create", "update", "replace", "delete", "same")
# Mermaid classes for the changed resources (neighbours keep the default style)
STYLES = {
    "create": "fill:#d4edda,stroke:#28a745",
    "update": "fill:#fff3cd,stroke:#d39e00",
    "replace": "fill:#f8d7da,stroke:#dc3545",
    "delete": "fill:#f5c6cb,stroke:#721c24,stroke-dasharray:4",
}


def counts_line(entries: list[Entry]) -> str:
    counts = Counter(e["op"] for e in entries)
    return ", ".join(f"{counts[op]} to {op}" if op != "same" else f"{counts[op]} unchanged" for op in OPS)


def _flags_cell(entry: Entry) -> str:
    cells = []
    for flag in entry["flags"]:
        if flag["level"] == DESTRUCTIVE:
            by = flag.get("acknowledged")
            cells.append(f"**{flag['kind']}** ({'acknowledged: ' + by if by else 'not acknowledged'})")
        else:
            cells.append(f"warning: {flag['kind']}: {flag['detail']}")
    return "<br>".join(cells)


def _why_cell(entry: Entry) -> str:
    if entry["reasons"]:
        return "<br>".join(f"`{r['path']}`: {r['why']}" for r in entry["reasons"])
    return ", ".join(f"`{p}`" for p in entry["changed"][:8]) + (" ..." if len(entry["changed"]) > 8 else "")


def table_lines(entries: list[Entry]) -> list[str]:
    changed = [e for e in entries if e["op"] != "same" or e["flags"]]
    if not changed:
        return ["No resource changes."]
    lines = ["| op | resource | type | stateful | why | flags |", "|---|---|---|---|---|---|"]
    for e in changed:
        lines.append(
            f"| {e['op']} | `{e['name']}` | `{e['type']}` | {'yes' if e['stateful'] else ''} | "
            f"{cell(_why_cell(e))} | {cell(_flags_cell(e))} |"
        )
    return lines


def changed_graph(entries: list[Entry], base: list[Record], head: list[Record]) -> str:
    """Mermaid of the changed resources, their direct dependency neighbours and the components that
    hold them (graph.to_mermaid draws components as subgraphs); deleted ones from the base plan."""
    records = list(head) + [r for r in base if r["urn"] not in {h["urn"] for h in head}]
    by_urn = {r["urn"]: r for r in records}
    ops = {e["urn"]: e["op"] for e in entries if e["op"] != "same"}
    keep = set(ops)
    for record in records:
        deps = set(record["dependencies"])
        if record["urn"] in ops:
            keep |= {d for d in deps if d in by_urn and by_urn[d]["custom"]}
        elif record["custom"] and deps & ops.keys():
            keep.add(record["urn"])
    for urn in list(keep):  # the components above each, so the subgraphs nest as in the full graph
        parent = by_urn[urn]["parent"]
        while parent in by_urn and parent not in keep:
            keep.add(parent)
            parent = by_urn[parent]["parent"]
    subset = [r for r in records if r["urn"] in keep]
    lines = [to_mermaid(subset).rstrip("\n")]
    ids = {r["urn"]: f"r{i}" for i, r in enumerate(subset)}  # the ids to_mermaid gives
    for op, style in STYLES.items():
        members = [ids[urn] for urn, o in ops.items() if o == op and urn in ids and by_urn[urn]["custom"]]
        if members:
            lines += [f"  classDef {op} {style}", f"  class {','.join(members)} {op}"]
    return "\n".join(lines) + "\n"


def diff_markdown(
    stack: str, base_label: str, entries: list[Entry], verdict: Verdict, base: list[Record], head: list[Record]
) -> str:
    lines = [f"## Changes: `{stack}` against {base_label}", "", f"**{counts_line(entries)}**", ""]
    if verdict.blocking:
        names = ", ".join(f"`{e['name']}`" for e in verdict.blocking)
        lines += [
            f"> **Destructive changes not acknowledged (the plan fails):** {names}. Acknowledge each in the "
            "stack file (`ml-platform:allowDestroy`) or with the `allow-destroy` label: "
            "docs/reviewing-changes.md.",
            "",
        ]
    if verdict.stale:
        names = ", ".join(f"`{n}`" for n in verdict.stale)
        lines += [f"> **`ml-platform:allowDestroy` names no destructive change (the plan fails):** {names}.", ""]
    lines += table_lines(entries)
    if any(e["op"] != "same" for e in entries):
        lines += ["", "```mermaid", changed_graph(entries, base, head).rstrip("\n"), "```"]
    return "\n".join(lines) + "\n"


def fold(summary: str) -> str:
    return f"<details><summary>Full plan</summary>\n\n{summary}\n</details>\n"
