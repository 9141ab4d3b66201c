"""Findings, the table they print as and build/preflight/<stack>.json."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Literal

Status = Literal["ok", "warn", "fail"]
_MARK = {"ok": "ok", "warn": "WARN", "fail": "FAIL"}


@dataclass(frozen=True)
class Finding:
    check: str  # provider, feature, permission, vm-size, quota, ml-quota, soft-delete, exists, read
    target: str
    status: Status
    detail: str  # what was found
    action: str = ""  # what to do (empty when ok)


def exit_code(findings: Sequence[Finding]) -> int:
    return 1 if any(f.status == "fail" for f in findings) else 0


def _short(target: str) -> str:
    """ARM ids in full are in the JSON; the table keeps their last type and name."""
    if target.startswith("/subscriptions/") and len(target) > 60:
        return ".../" + "/".join(target.split("/")[-2:])
    return target


def table(findings: Sequence[Finding]) -> str:
    rows = [("check", "target", "status", "what to do")]
    rows += [(f.check, _short(f.target), _MARK[f.status], f.action or f.detail) for f in findings]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = ["  ".join(cell.ljust(widths[i]) if i < 3 else cell for i, cell in enumerate(row)) for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths) + "  " + "-" * 10)
    return "\n".join(line.rstrip() for line in lines)


def summary(findings: Sequence[Finding]) -> str:
    counts = {s: sum(1 for f in findings if f.status == s) for s in ("ok", "warn", "fail")}
    return f"{counts['ok']} ok, {counts['warn']} warn, {counts['fail']} fail"


def write_json(path: Path, stack: str, subscription: str, findings: Sequence[Finding]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    document = {
        "stack": stack,
        "subscription": subscription,
        "result": "fail" if exit_code(findings) else "pass",
        "findings": [asdict(f) for f in findings],
    }
    path.write_text(json.dumps(document, indent=2) + "\n")
