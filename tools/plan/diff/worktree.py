"""`make diff STACK=prod BASE=main`: plan a git ref in a temporary worktree, then the head against it.

The base commit is checked out with `git worktree add --detach` in a temporary folder and planned
there with this interpreter (the current .venv: a base that needs other package versions is planned
with these), writing build/plan-base/<stack>/plan.json. The worktree is removed afterwards, also when
the base plan fails. A stack the base has no stack file for gets an empty base plan (everything is
created, and the summary says so). Then the head is planned with `--base build/plan-base`.
Exit codes: those of the head's plan; 2 when the ref is unknown or the base cannot be planned.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from ..stackfile import ROOT

PLAN_COMMAND = (sys.executable, "-m", "tools.plan")


class BaseError(Exception):
    """The base could not be planned: exit 2 with this message."""


def _git(repo: Path, *args: str) -> str:
    result = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BaseError(f"git {' '.join(args)}: {result.stderr.strip() or result.stdout.strip()}")
    return result.stdout.strip()


def plan_base(repo: Path, ref: str, stacks: Sequence[str], out: Path, command: Sequence[str] = PLAN_COMMAND) -> str:
    """Plan `stacks` as of `ref` into out/<stack>/plan.json; the commit planned."""
    commit = _git(repo, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    holder = Path(tempfile.mkdtemp(prefix="plan-base-"))
    tree = holder / "tree"
    try:
        _git(repo, "worktree", "add", "--detach", str(tree), commit)
        for stack in stacks:
            shutil.rmtree(out / stack, ignore_errors=True)
        present = [s for s in stacks if (tree / "stacks" / f"Pulumi.{s}.yaml").is_file()]
        if present:
            args = [*command, *(a for s in present for a in ("--stack", s)), "--out", str(out), "--quiet"]
            # exit 1 (a policy or journey of the base failed) still leaves its plans: only they matter here
            subprocess.run(args, cwd=tree, check=False, stdout=subprocess.DEVNULL)
        for stack in stacks:
            plan = out / stack / "plan.json"
            if stack not in present:
                plan.parent.mkdir(parents=True, exist_ok=True)
                empty = {"stack": stack, "resources": [], "outputs": {}, "newStack": True}
                plan.write_text(json.dumps(empty, indent=2) + "\n")
            elif not plan.is_file():
                raise BaseError(f"the plan of {stack} at {ref} ({commit[:12]}) wrote no plan.json (see above)")
    finally:
        remove = ["git", "-C", str(repo), "worktree", "remove", "--force", str(tree)]
        subprocess.run(remove, check=False, capture_output=True)
        shutil.rmtree(holder, ignore_errors=True)
    return commit


def main(argv: list[str] | None = None) -> int:
    from ..__main__ import main as plan_main

    parser = argparse.ArgumentParser(
        prog="python -m tools.plan.diff.worktree", description=(__doc__ or "").splitlines()[0]
    )
    parser.add_argument("--ref", required=True, help="the git ref to compare with (a branch, tag or commit)")
    parser.add_argument("--stack", action="append", required=True, help="stack name, repeatable")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "plan", help="the head's output folder")
    parser.add_argument("--base-out", type=Path, default=ROOT / "build" / "plan-base", help="the base's plans")
    parser.add_argument("--quiet", action="store_true", help="print only the summaries and the verdicts")
    parser.add_argument("--allow-destroy", action="store_true", help="the pull request's allow-destroy label")
    args = parser.parse_args(argv)
    try:
        commit = plan_base(ROOT, args.ref, args.stack, args.base_out.resolve())
    except BaseError as error:
        print(f"error: --ref {args.ref}: {error}", file=sys.stderr)
        return 2
    print(f"Planned the base {args.ref} ({commit[:12]}) into {args.base_out}\n")
    head = [a for s in args.stack for a in ("--stack", s)]
    head += ["--out", str(args.out), "--base", str(args.base_out)]
    head += ["--quiet"] * args.quiet + ["--allow-destroy"] * args.allow_destroy
    return plan_main(head)


if __name__ == "__main__":
    sys.exit(main())
