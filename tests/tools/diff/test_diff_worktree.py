"""make diff's base: the ref planned in a temporary git worktree that is removed afterwards, also
when the base's plan fails."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tools.plan.diff.worktree import BaseError, plan_base
from tools.plan.stackfile import ROOT


def worktrees_under(folder: Path) -> list[str]:
    listed = subprocess.run(
        ["git", "-C", str(ROOT), "worktree", "list", "--porcelain"], capture_output=True, text=True, check=True
    )
    paths = [line.removeprefix("worktree ") for line in listed.stdout.splitlines() if line.startswith("worktree ")]
    return [p for p in paths if Path(p).resolve().is_relative_to(folder.resolve())]


@pytest.fixture
def scratch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The temporary folders plan_base makes, kept under tmp_path so the test can look at them."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    return tmp_path


@pytest.mark.long
def test_the_base_is_planned_in_a_worktree_that_is_then_removed(scratch: Path) -> None:
    out = scratch / "base"
    commit = plan_base(ROOT, "HEAD", ["dev", "added-later"], out)
    head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True, text=True, check=True)
    assert commit == head.stdout.strip()
    planned = json.loads((out / "dev" / "plan.json").read_text())
    assert planned["stack"] == "dev"
    assert any(r["type"].endswith(":Workspace") for r in planned["resources"])
    # a stack the ref has no file for: an empty base, marked, so that everything shows as created
    assert json.loads((out / "added-later" / "plan.json").read_text())["newStack"] is True
    assert worktrees_under(scratch) == []
    assert not list(scratch.glob("plan-base-*"))


def test_a_failing_base_plan_still_removes_the_worktree(scratch: Path) -> None:
    failing = (sys.executable, "-c", "import sys; sys.exit(2)")
    with pytest.raises(BaseError, match=r"wrote no plan\.json"):
        plan_base(ROOT, "HEAD", ["dev"], scratch / "base", command=failing)
    assert worktrees_under(scratch) == []
    assert not list(scratch.glob("plan-base-*"))


def test_an_unknown_ref_is_reported_before_any_worktree() -> None:
    with pytest.raises(BaseError, match="rev-parse"):
        plan_base(ROOT, "no-such-ref-anywhere", ["dev"], Path("unused"))
