"""The plan command writes the journeys into plan.json and summary.md, and exits 1 when a journey
the stack claims is broken (as for a mandatory policy); secrets never reach the journeys."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

import tools.plan.engine
from tests.components.data.test_data import SAS, share_config
from tools.plan.__main__ import main as plan_main
from tools.plan.engine import Plan, run_program
from tools.plan.journeys.evaluate import evaluate
from tools.plan.stackfile import SECRET_PLACEHOLDER, stack_file

DATA_SCIENTIST_GRANT = "mlp-access-dataScientists-azureml-data-scientist"


def _dev_without_principals(tmp_path: Path) -> Path:
    document = yaml.safe_load(stack_file("dev").read_text())
    document["config"].pop("ml-platform:access")
    path = tmp_path / "Pulumi.dev.yaml"
    path.write_text(yaml.safe_dump(document))
    return path


def test_plan_json_and_summary_hold_the_journeys(tmp_path: Path) -> None:
    plan_main(["--stack", "dev", "--out", str(tmp_path), "--quiet"])
    document = json.loads((tmp_path / "dev" / "plan.json").read_text())
    listed = document["journeys"]
    assert {j["key"] for j in listed} == {"J1", "J2", "J3", "J4", "J5", "J6", "J7"}
    for entry in listed:
        assert {"name", "ok", "steps", "claimed", "claim"} <= set(entry)
        for step in entry["steps"]:
            assert {"who", "needs", "on", "ok", "source"} <= set(step)
            assert step["source"].startswith("https://")
        assert entry["ok"] == (all(s["ok"] for s in entry["steps"]) if entry["claimed"] else None)
    summary = (tmp_path / "dev" / "summary.md").read_text()
    assert "Journeys: " in summary
    assert "| journey | who | verdict | steps | claim |" in summary
    assert "| J3 build an environment image where the registry is private |  | not claimed |" in summary


def test_a_broken_claimed_journey_exits_1_and_names_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def without_the_data_scientist_grant(*args: Any, **kwargs: Any) -> Plan:
        planned = run_program(*args, **kwargs)
        planned.resources = [r for r in planned.resources if r["name"] != DATA_SCIENTIST_GRANT]
        return planned

    monkeypatch.setattr(tools.plan.engine, "run_program", without_the_data_scientist_grant)
    assert plan_main(["--stack", "dev", "--out", str(tmp_path), "--quiet"]) == 1
    captured = capsys.readouterr()
    assert "a journey the stack claims is broken" in captured.err
    assert "mandatory policies failed" not in captured.err
    assert (
        "| J1 | dataScientists | AzureML Data Scientist | workspace mlw-mlp-dev | no AzureML Data Scientist"
        in captured.out
    )
    listed = json.loads((tmp_path / "dev" / "plan.json").read_text())["journeys"]
    assert any(j["key"] == "J1" and j["ok"] is False for j in listed)


def test_a_stack_that_claims_no_broken_journey_exits_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Dev without access principals claims only J5 (its compute reads the lakes), which holds."""
    path = _dev_without_principals(tmp_path)
    assert plan_main(["--stack", "dev", "--stack-file", str(path), "--out", str(tmp_path), "--quiet"]) == 0
    listed = json.loads((tmp_path / "dev" / "plan.json").read_text())["journeys"]
    assert [j["key"] for j in listed if j["claimed"]] == ["J5"]
    assert "journey the stack claims is broken" not in capsys.readouterr().err


def _unmask(value: Any) -> Any:
    if value == SECRET_PLACEHOLDER:
        return SAS
    if isinstance(value, dict):
        return {k: _unmask(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_unmask(v) for v in value]
    return value


def test_a_secret_never_reaches_the_journeys() -> None:
    """Even records that carried a secret in clear (the plan masks them: here they are put back)
    give journeys that never repeat it: the evaluator reports names, roles and paths only."""
    planned = run_program(share_config({"ml-platform:teamShareSas": SAS}, ("ml-platform:teamShareSas",)))
    records = [{**r, "inputs": _unmask(r["inputs"]), "outputs": _unmask(r["outputs"])} for r in planned.resources]
    assert SAS in json.dumps(records)  # the secret is really there to leak
    results = evaluate(records, planned.outputs)
    assert any(r.claimed and r.steps for r in results)
    assert SAS not in json.dumps([r.to_json() for r in results])
