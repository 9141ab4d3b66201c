"""The journeys in the plan's words: a Markdown table for summary.md and the terminal."""

from __future__ import annotations

from collections.abc import Sequence

from ..render import table_cell as cell
from .model import JourneyResult


def _verdict(result: JourneyResult) -> str:
    return "not claimed" if not result.claimed else "ok" if result.ok else "BROKEN"


def summarize(results: Sequence[JourneyResult]) -> str:
    """A count line, one row per journey and actor, then one row per failing step."""
    claimed = [r for r in results if r.claimed]
    broken = [r for r in claimed if not r.ok]
    head = f"Journeys: {len(claimed) - len(broken)} of {len(claimed)} claimed journey(s) hold, {len(broken)} broken."
    rows = ["| journey | who | verdict | steps | claim |", "|---|---|---|---|---|"]
    for result in results:
        passed = sum(step.ok for step in result.steps)
        steps = f"{passed}/{len(result.steps)}" if result.claimed else ""
        who = cell(result.actor or "")
        rows.append(f"| {cell(result.name)} | {who} | {_verdict(result)} | {steps} | {cell(result.claim)} |")
    failing = [(r, s) for r in broken for s in r.steps if not s.ok]
    if failing:
        rows += ["", "| journey | who | needs | on | why it fails | source |", "|---|---|---|---|---|---|"]
        rows += [
            f"| {r.key} | {cell(s.who)} | {cell(s.needs)} | {cell(s.on)} | {cell(s.detail)} | {s.source} |"
            for r, s in failing
        ]
    return f"{head}\n\n" + "\n".join(rows)
