"""Rules across environments: the stacks of one plan run as a set, beside the per-stack pack.

`python -m tools.plan --stack dev --stack staging --stack prod` (make plan-all) plans each stack,
then checks them together and exits 1 on a violation. Three checks, each in its own module:

- **strictness** (strictness.py): each stack is at least as strict as every stack of the tier
  below, by the pack's own terms: rule levels, rule outcomes, and the properties the rules read;
- **egress** (egress.py): every outbound rule of a staging stack reaches its destination in prod;
- **registry** (registry.py): one shared registry, published from staging and read in prod, and
  reachable by every consumer.

The order of the stacks is their tier's (dev < staging < prod, components/settings/tiers.py), so
a team's extra stack joins its tier; stacks of the same tier are not compared with each other.
Only the tiers planned are compared (dev and prod alone: dev against prod; egress needs a staging
and a prod stack). A single stack compares nothing, and says so. A stack whose own plan failed
(exit 2) is left out. Violations name both stacks and the rule, property, destination or
registry; they are printed, written to build/plan/across.json and build/plan/across.md.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

from ..render import table_cell as cell
from . import egress, registry, strictness
from .findings import Note, Violation
from .stacks import PlannedStack, tier_pairs

TITLE = "Rules across environments"


def check(stacks: Sequence[PlannedStack]) -> tuple[list[Violation], list[Note]]:
    """Every violation of the set of stacks, and what was not compared."""
    pairs = tier_pairs(stacks)
    violations = [v for less, more in pairs for v in strictness.compare(less, more)]
    notes = strictness.exceptions(pairs)
    if not pairs:
        notes.append(Note(strictness.LEVELS, "not compared: the run has environment stacks of one tier only"))
    for found, more_notes in (egress.compare(stacks), registry.compare(stacks)):
        violations += found
        notes += more_notes
    return violations, notes


def summary(stacks: Sequence[PlannedStack], violations: Sequence[Violation], notes: Sequence[Note]) -> str:
    """The Markdown section: what was compared, a table of violations, the notes folded."""
    order = " < ".join(f"{s.name} ({s.tier})" for s in sorted(stacks, key=lambda s: (s.kind == "shared", s.rank)))
    lines = [f"## {TITLE}", "", f"Stacks: {order}. {len(violations)} violation(s).", ""]
    if violations:
        lines += ["| check | stacks | subject | message |", "|---|---|---|---|"]
        lines += [
            f"| {v.check} | {cell(v.first)} → {cell(v.second)} | {cell(v.subject)} | {cell(v.message)} |"
            for v in violations
        ]
        lines.append("")
    if notes:
        lines += ["<details><summary>Not compared</summary>", ""]
        lines += [f"- {n.check}: {n.message}" for n in notes]
        lines += ["", "</details>", ""]
    return "\n".join(lines)


def run(stacks: Sequence[PlannedStack], out: Path) -> int:
    """Check the planned stacks, print and write the result; 1 on a violation, else 0. One stack
    compares nothing and says so."""
    if not stacks:
        return 0  # nothing planned (bad input): the stack's own message is all there is to say
    if len(stacks) == 1:
        print(f"\n{TITLE}: one stack planned, nothing to compare (plan several: make plan-all).")
        return 0
    violations, notes = check(stacks)
    text = summary(stacks, violations, notes)
    out.mkdir(parents=True, exist_ok=True)
    document = {
        "stacks": [{"name": s.name, "tier": s.tier, "kind": s.kind} for s in stacks],
        "violations": [asdict(v) for v in violations],
        "notes": [asdict(n) for n in notes],
    }
    (out / "across.json").write_text(json.dumps(document, indent=2, sort_keys=True) + "\n")
    (out / "across.md").write_text(text)
    print("\n" + text)
    if violations:
        print(f"\nerror: {len(violations)} violation(s) across environments (see the table above)", file=sys.stderr)
        return 1
    return 0
