"""The plan command: files it writes, policy verdicts, and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from tests.planning import dev_failing_a_mandatory_policy
from tools.plan.__main__ import main as plan_main
from tools.plan.policy import policy_config_for
from tools.plan.stackfile import available_stacks, stack_file


def test_plan_writes_plan_graphs_and_summary(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert plan_main(["--stack", "dev", "--out", str(tmp_path)]) == 0
    out = tmp_path / "dev"
    plan = json.loads((out / "plan.json").read_text())
    types = {r["type"] for r in plan["resources"]}
    assert "azure-native:machinelearningservices:Workspace" in types
    record = next(r for r in plan["resources"] if r["type"].endswith("machinelearningservices:Workspace"))
    assert {"inputs", "dependencies", "propertyDependencies", "protect", "parent"} <= set(record)
    assert plan["policy"]["config"] == "policies/config/dev.json"
    assert (out / "graph.dot").read_text().startswith("strict digraph {")
    assert (out / "graph.mmd").read_text().startswith("flowchart")
    summary = (out / "summary.md").read_text()
    assert "Policy pack:" in summary
    assert "```mermaid" in summary
    printed = capsys.readouterr().out
    assert "└─ mlplatform:index:Platform" in printed
    assert "azure-native:keyvault:Vault" in printed


def test_mandatory_policy_failure_exits_1_with_the_rule_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = dev_failing_a_mandatory_policy(tmp_path / "Pulumi.dev.yaml")
    assert plan_main(["--stack", "dev", "--stack-file", str(path), "--out", str(tmp_path), "--quiet"]) == 1
    captured = capsys.readouterr()
    assert "stk-09-workspace-associated-resources-in-stack" in captured.out
    assert "mandatory policies failed" in captured.err
    verdicts = json.loads((tmp_path / "dev" / "plan.json").read_text())["policy"]["verdicts"]
    assert any(v["policy"].startswith("stk-09") and v["level"] == "mandatory" for v in verdicts)


def test_a_new_stack_uses_its_tiers_policy_config(tmp_path: Path) -> None:
    document = yaml.safe_load(stack_file("dev").read_text())
    path = tmp_path / "Pulumi.qa.yaml"
    path.write_text(yaml.safe_dump(document))
    assert plan_main(["--stack", "qa", "--stack-file", str(path), "--out", str(tmp_path), "--quiet"]) == 0
    assert json.loads((tmp_path / "qa" / "plan.json").read_text())["policy"]["config"] == "policies/config/dev.json"


def test_unknown_stack_exits_2_with_the_known_stacks(capsys: pytest.CaptureFixture[str]) -> None:
    assert plan_main(["--stack", "nope"]) == 2
    err = capsys.readouterr().err
    assert "no stack file" in err
    assert "Pulumi.nope.yaml" in err
    assert ", ".join(available_stacks()) in err


def test_a_stacks_own_policy_config_wins_over_its_tiers() -> None:
    # a staging stack planned at prod's tier still gets staging.json (a stack may tune its own rules)
    assert policy_config_for("staging", "prod").name == "staging.json"
    assert policy_config_for("qa", "prod").name == "prod.json"
