"""A corpus of broken stack files: each is rejected with ONE message naming its config key,
before any resource is registered, and the plan command exits 2 without a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from components.settings import SettingsError
from tools.plan.__main__ import main as plan_main
from tools.plan.engine import RecordingMonitor, run_program
from tools.plan.mocks import PlanMocks
from tools.plan.stackfile import load_stack_config

CORPUS = sorted((Path(__file__).parent / "bad_stacks").glob("*.yaml"))


def expected_key(path: Path) -> str:
    first = path.read_text().splitlines()[0]
    assert first.startswith("# expect: "), f"{path.name} must start with '# expect: <config key>'"
    return first.removeprefix("# expect: ").strip()


def test_the_corpus_is_large_enough() -> None:
    assert len(CORPUS) >= 25


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.stem)
def test_broken_stack_is_rejected_with_its_key_before_any_resource(path: Path) -> None:
    monitor = RecordingMonitor(PlanMocks())
    with pytest.raises(SettingsError) as caught:
        run_program(load_stack_config("broken", path), monitor=monitor)
    assert expected_key(path) in caught.value.keys, str(caught.value)
    # only the root stack (made by the engine before the program runs) may exist
    assert [r["type"] for r in monitor.records] == ["pulumi:pulumi:Stack"]


@pytest.mark.parametrize("path", CORPUS[:3], ids=lambda p: p.stem)
def test_plan_command_prints_only_the_message_and_exits_2(
    path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert plan_main(["--stack", "broken", "--stack-file", str(path), "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert expected_key(path) in err
    assert "Traceback" not in err
    assert not (tmp_path / "broken" / "plan.json").exists()


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
