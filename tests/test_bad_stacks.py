"""A corpus of broken stack files: each is rejected with ONE message naming its config key (or,
for a file the CLI cannot read, its line), before any resource is registered, and the plan
command exits 2 without a traceback. First line: `# expect: <key>[; <key>...]` (those keys are
named) or `# expect only: <key>; ...` (exactly those keys, no other)."""

from __future__ import annotations

from pathlib import Path

import pytest

from components.settings import SettingsError
from tools.plan.__main__ import main as plan_main
from tools.plan.engine import RecordingMonitor, run_program
from tools.plan.mocks import PlanMocks
from tools.plan.stackfile import load_stack_config

CORPUS = sorted((Path(__file__).parent / "bad_stacks").glob("*.yaml"))


def expectation(path: Path) -> tuple[list[str], bool]:
    """The keys a corpus file's first line names, and whether they are the only ones."""
    first = path.read_bytes().split(b"\n", 1)[0].decode()  # (a file may be broken past its first line)
    for head, only in (("# expect only: ", True), ("# expect: ", False)):
        if first.startswith(head):
            return [k.strip() for k in first.removeprefix(head).split("; ")], only
    raise AssertionError(f"{path.name} must start with '# expect: <config key>'")


def test_the_corpus_is_large_enough() -> None:
    assert len(CORPUS) >= 50


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.stem)
def test_broken_stack_is_rejected_with_its_key_before_any_resource(path: Path) -> None:
    monitor = RecordingMonitor(PlanMocks())
    with pytest.raises(SettingsError) as caught:
        run_program(load_stack_config("broken", path), monitor=monitor)
    keys, only = expectation(path)
    if only:
        assert sorted(set(caught.value.keys)) == sorted(keys), str(caught.value)
    else:
        assert set(keys) <= set(caught.value.keys), str(caught.value)
    # only the root stack (made by the engine before the program runs) may exist, and not even
    # that when the file itself is refused (the program never starts)
    assert [r["type"] for r in monitor.records] in ([], ["pulumi:pulumi:Stack"])


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.stem)
def test_plan_command_prints_only_the_message_and_exits_2(
    path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert plan_main(["--stack", "broken", "--stack-file", str(path), "--out", str(tmp_path)]) == 2
    captured = capsys.readouterr()
    keys, _ = expectation(path)
    assert all(key in captured.err for key in keys), captured.err
    assert "Traceback" not in captured.err
    assert captured.err.count("error:") == 1  # one message
    assert captured.out == ""  # nothing but the message
    assert not (tmp_path / "broken").exists()


def test_every_problem_is_listed_in_one_message() -> None:
    bad = {
        "tier": "qa",
        "location": "mars",
        "namePrefix": "X",
        "tags": {"owner": "t"},
        "storage": {"sku": "Premium_LRS"},
    }
    from components.settings import validate_settings

    with pytest.raises(SettingsError) as caught:
        validate_settings(bad, "broken")
    keys = set(caught.value.keys)
    assert {
        "ml-platform:tier",
        "ml-platform:location",
        "ml-platform:namePrefix",
        "ml-platform:tags.costCenter",
        "ml-platform:tags.dataClassification",
        "ml-platform:storage.sku",
    } <= keys
    message = str(caught.value)
    assert message.startswith("stack 'broken' has")
    assert all(key in message for key in keys)
