"""The plan command's own input (stack name, stack file, policy config) is checked before the
program runs: exit 2, one message, nothing written, never a traceback."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import tools.plan.engine
from tools.plan.__main__ import main as plan_main
from tools.plan.policy import config_path_for
from tools.plan.stackfile import stack_file

ML_10 = "ml-10-compute-scale-to-zero-and-capped"
DEV = str(stack_file("dev"))


@pytest.fixture
def program_must_not_run(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_: Any, **__: Any) -> None:
        raise AssertionError("the program ran before its input was checked")

    monkeypatch.setattr(tools.plan.engine, "run_program", refuse)


def plan_exit(args: list[str], out: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = plan_main([*args, "--out", str(out), "--quiet"])
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return code, err


def policy_config(tmp_path: Path, changes: dict[str, Any] | str) -> Path:
    path = tmp_path / "policy.json"
    if isinstance(changes, str):
        path.write_text(changes)
    else:
        path.write_text(json.dumps({**json.loads(config_path_for("dev").read_text()), **changes}))
    return path


@pytest.mark.parametrize(
    ("changes", "named"),
    [
        ({"ml-99-typo": "advisory"}, '"ml-99-typo": no rule of the pack has this name'),
        ({ML_10: "strict"}, f'"{ML_10}": "strict" is not an enforcement level'),
        ({"all": "sometimes"}, '"all": "sometimes" is not an enforcement level'),
        ({ML_10: {"maxNodesPerCluster": "many"}}, f"\"{ML_10}\".maxNodesPerCluster: 'many' is not of type 'integer'"),
        ({ML_10: {"maxNodesPerClustr": 4}}, f'"{ML_10}".maxNodesPerClustr: the rule has no such parameter'),
        ({ML_10: 3}, f'"{ML_10}": must be an enforcement level or an object'),
        ('{"all": "advisory",', "line 1, column 20: Expecting property name enclosed in double quotes (invalid JSON)"),
        ("[]", "must be a JSON object"),
    ],
)
def test_a_bad_policy_config_exits_2_before_the_program_runs(
    changes: dict[str, Any] | str,
    named: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    program_must_not_run: None,
) -> None:
    path = policy_config(tmp_path, changes)
    code, err = plan_exit(["--stack", "dev", "--policy-config", str(path)], tmp_path, capsys)
    assert code == 2
    assert named in err
    assert err.count("error:") == 1
    assert not (tmp_path / "dev").exists()


def test_every_problem_of_a_policy_config_is_in_the_one_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], program_must_not_run: None
) -> None:
    path = policy_config(tmp_path, {"all": "strict", "ml-99-typo": "advisory", ML_10: {"maxNodesPerCluster": 0}})
    code, err = plan_exit(["--stack", "dev", "--policy-config", str(path)], tmp_path, capsys)
    assert code == 2
    assert "has 3 problem(s)" in err
    for named in ('"all"', '"ml-99-typo"', f'"{ML_10}".maxNodesPerCluster'):
        assert named in err


def test_a_policy_config_that_is_a_directory_or_missing_is_a_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], program_must_not_run: None
) -> None:
    code, err = plan_exit(["--stack", "dev", "--policy-config", str(tmp_path)], tmp_path, capsys)
    assert (code, "is a directory, not a file" in err) == (2, True)
    code, err = plan_exit(["--stack", "dev", "--policy-config", str(tmp_path / "none.json")], tmp_path, capsys)
    assert (code, "no such file" in err) == (2, True)


@pytest.mark.parametrize(
    ("stack", "named"),
    [
        ("../../escaped", "invalid character '/' at position 2"),
        ("..", "'..' names a directory, not a stack"),
        (".", "'.' names a directory, not a stack"),
        ("", "a stack name may not be empty"),
        ("s" * 101, "a stack name cannot exceed 100 characters (this one has 101)"),
        ("prod eu", "invalid character ' ' at position 4"),
        ("prød", "invalid character 'ø' at position 2"),
    ],
)
def test_stack_names_follow_pulumis_rules_and_nothing_is_written_outside_out(
    stack: str, named: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], program_must_not_run: None
) -> None:
    out = tmp_path / "out" / "plan"
    code, err = plan_exit(["--stack", stack, "--stack-file", DEV], out, capsys)
    assert code == 2
    assert named in err
    assert list(tmp_path.rglob("*")) == []  # not even --out itself


def test_a_long_valid_stack_name_plans_inside_out(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    stack = "team-a_prod.eu-" + "x" * 85  # 100 characters, every kind Pulumi allows
    code, _ = plan_exit(["--stack", stack, "--stack-file", DEV], tmp_path, capsys)
    assert code == 0
    assert (tmp_path / stack / "plan.json").is_file()


def test_a_stack_file_that_is_a_directory_or_unreadable_is_a_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, program_must_not_run: None
) -> None:
    code, err = plan_exit(["--stack", "dev", "--stack-file", str(tmp_path)], tmp_path, capsys)
    assert code == 2
    assert "is a directory, not a file" in err
    locked = tmp_path / "Pulumi.locked.yaml"
    locked.write_text(Path(DEV).read_text())
    real_open = Path.open

    def no_permission(self: Path, *args: Any, **kwargs: Any) -> Any:
        if self == locked:  # chmod cannot lock out root, who runs CI containers: refuse as the OS would
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", no_permission)
    code, err = plan_exit(["--stack", "locked", "--stack-file", str(locked)], tmp_path, capsys)
    assert code == 2
    assert "cannot be read (Permission denied)" in err
    code, err = plan_exit(["--stack", "dev", "--stack-file", str(tmp_path / "missing.yaml")], tmp_path, capsys)
    assert (code, "no such file" in err) == (2, True)
