"""`python -m tools.plan --base OLD`: read the base plan, then diff, gate and report one stack.

OLD is a plan.json, a folder holding one, or a folder of stacks (OLD/<stack>/plan.json, what
`make diff` writes to build/plan-base/). A base plan that is missing, unreadable or of another
stack is bad input: exit 2 before anything runs.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..inputs import InputError
from ..stackfile import ROOT
from .compare import diff_records
from .gate import annotate, judge
from .report import counts_line, diff_markdown, fold

if TYPE_CHECKING:
    from ..cost.ceiling import Ceiling


def base_file(base: Path, stack: str) -> Path:
    if base.is_dir():
        for candidate in (base / "plan.json", base / stack / "plan.json"):
            if candidate.is_file():
                return candidate
        raise InputError(f"--base {base}", [f"holds neither plan.json nor {stack}/plan.json"])
    return base


def load_base(base: Path, stack: str) -> dict[str, Any]:
    path = base_file(base, stack)
    try:
        document = json.loads(path.read_text())
    except FileNotFoundError:
        raise InputError(f"--base {path}", ["no such file"]) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise InputError(f"--base {path}", [f"not a readable plan.json: {error}"]) from None
    if not isinstance(document, dict) or not isinstance(document.get("resources"), list):
        raise InputError(f"--base {path}", ["not a plan.json: no list of resources"])
    if document.get("stack") != stack:
        raise InputError(f"--base {path}", [f"a plan of stack {document.get('stack')!r}, not of {stack!r}"])
    document["_path"] = path
    return document


def write_diff(
    out: Path,
    stack: str,
    allowed: list[str],
    base: dict[str, Any],
    head: list[dict[str, Any]],
    summary: str,
    label: bool,
    head_cost: Ceiling,
) -> tuple[str, bool]:
    """Write out/diff.json; the summary.md text (the diff first, the plan folded) and whether the
    gate failed. `allowed`: the stack's ml-platform:allowDestroy; `head_cost`: the head's ceiling,
    priced once by the plan."""
    old: list[dict[str, Any]] = base["resources"]
    entries = diff_records(old, head)
    annotate(entries, old, head)
    verdict = judge(entries, allowed, label)
    (out / "diff.json").write_text(json.dumps(entries, indent=2, sort_keys=True) + "\n")
    path: Path = base["_path"]
    shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
    label_text = f"`{shown}`" + (" (the base has no such stack: everything is new)" if base.get("newStack") else "")
    print(f"\nChanges against {shown}: {counts_line(entries)}")
    for entry in verdict.blocking:
        kinds = ", ".join(f["kind"] for f in entry["flags"] if f["level"] == "destructive")
        print(f"error: {stack}: {entry['name']}: {kinds} (not acknowledged)", file=sys.stderr)
    for name in verdict.stale:
        print(
            f"error: {stack}: ml-platform:allowDestroy[{allowed.index(name)}]: '{name}' matches no "
            "destructive change in this diff: remove it (left in place it would wave the next one through)",
            file=sys.stderr,
        )
    cost = cost_change(old, head_cost)
    print(cost.splitlines()[0])
    markdown = diff_markdown(stack, label_text, entries, verdict, old, head)
    return f"{markdown}\n{cost}\n{fold(summary)}", verdict.failed


def cost_change(old: list[dict[str, Any]], head: Ceiling) -> str:
    """The change to the monthly cost ceiling (tools/plan/cost), priced from today's table on both
    sides: a pull request shows what it adds or removes, not a change of prices."""
    from ..cost.ceiling import ceiling, compare
    from ..cost.report import change_summary

    return change_summary(compare(ceiling(old), head))
