"""Several stacks in one plan process: each stack runs in a fresh mock engine, writes exactly what
its own plan writes, and the process exits with the worst of the stacks' exit codes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import tools.plan.__main__ as plan_cli
import tools.plan.inputs as plan_inputs
from tests.planning import dev_failing_a_mandatory_policy
from tools.plan.inputs import default_stack_file
from tools.plan.stackfile import ROOT, available_stacks

STACKS = available_stacks()
FILES = ("plan.json", "graph.dot", "graph.mmd", "cost.json", "summary.md")


def solo_plans(out: Path, stacks: list[str]) -> dict[str, int]:
    """`python -m tools.plan --stack <s>` for each stack, each in a fresh interpreter (side by
    side): their exit codes."""
    running = {
        stack: subprocess.Popen(
            [sys.executable, "-m", "tools.plan", "--stack", stack, "--quiet", "--out", str(out)],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for stack in stacks
    }
    codes = {}
    for stack, process in running.items():
        _, err = process.communicate(timeout=300)
        assert "Traceback" not in err, err
        codes[stack] = process.returncode
    return codes


@pytest.mark.long
def test_every_stack_planned_with_the_others_writes_its_solo_files_byte_for_byte(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The references: each stack alone, in a fresh interpreter. Then all of them in one process,
    # in both orders: this test's own, which has already run the other tests' plans.
    # (One test, not one per order: pytest-xdist would plan the references on both workers.)
    codes = solo_plans(tmp_path / "solo", STACKS)
    assert len(STACKS) >= 2  # in one order or the other, every stack runs after another one
    for order in (STACKS, STACKS[::-1]):
        together = tmp_path / "-".join(order)
        argv = [a for s in order for a in ("--stack", s)]
        assert plan_cli.main([*argv, "--quiet", "--out", str(together)]) == max(codes.values())
        for position, stack in enumerate(order):
            for name in FILES:
                assert (together / stack / name).read_bytes() == (tmp_path / "solo" / stack / name).read_bytes(), (
                    f"{stack}/{name} differs when planned after {order[:position]}"
                )
    assert "Traceback" not in capsys.readouterr().err


@pytest.fixture
def with_failing_stack(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A stack `policy-fail` (exit 1) beside the shipped ones; `nope` has no file (exit 2)."""
    path = dev_failing_a_mandatory_policy(tmp_path / "Pulumi.policy-fail.yaml")

    def stack_file(stack: str) -> Path:
        return path if stack == "policy-fail" else default_stack_file(stack)

    monkeypatch.setattr(plan_inputs, "default_stack_file", stack_file)


@pytest.mark.usefixtures("with_failing_stack")
def test_the_worst_exit_code_wins_and_every_other_stack_is_still_planned(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    assert plan_cli.main(["--stack", "nope", "--stack", "policy-fail", "--out", str(out), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "Pulumi.nope.yaml" in err
    assert "policy-fail: mandatory policies failed" in err
    assert {p.name for p in out.iterdir()} == {"policy-fail"}  # nope registered nothing, and did not stop the next
    assert plan_cli.main(["--stack", "dev", "--stack", "policy-fail", "--out", str(out), "--quiet"]) == 1


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--stack", "dev", "--stack", "dev"], "each --stack once"),
        (["--stack", "dev", "--stack", "prod", "--stack-file", "x.yaml"], "applies to one stack"),
        (["--stack", "dev", "--stack-file", "dev=a.yaml", "--stack-file", "dev=b.yaml"], "one file per stack"),
        (["--stack", "dev", "--stack", "prod", "--policy-config", "x.json"], "applies to one stack"),
    ],
)
def test_ambiguous_stack_lists_exit_2_before_any_plan(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(plan_cli, "plan_stack", lambda *_: pytest.fail("planned despite bad arguments"))
    with pytest.raises(SystemExit) as caught:
        plan_cli.main(argv)
    assert caught.value.code == 2
    assert message in capsys.readouterr().err
