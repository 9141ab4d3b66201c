"""The rules across environments (tools/plan/across): the shipped stacks pass as a set; each rule
fails on a one-line weakening of one stack (prod, where the rule is about prod), names both stacks,
and a stricter prod passes. Each variant is planned once, when a test first needs it."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

import tools.plan.__main__ as plan_cli
from components.settings.loader import any_settings_from_config
from tests.components.registry.test_shared_stack import PRIVATE
from tests.planning import Resources, config_for
from tools.plan.across import egress, registry, strictness
from tools.plan.across.check import check
from tools.plan.across.findings import Violation
from tools.plan.across.stacks import PlannedStack, planned_stack, tier_pairs
from tools.plan.engine import Plan, run_program
from tools.plan.policy import evaluate, policy_config_for
from tools.plan.stackfile import stack_file

OTHER_REGISTRY = (
    "/subscriptions/5e5e5e5e-0000-4000-8000-00000000005e/resourceGroups/rg-other"
    "/providers/Microsoft.MachineLearningServices/registries/mlr-other"
)
TIER = {"dev": "dev", "staging": "staging", "prod": "prod", "shared": "prod"}


def _planned(stack: str, overrides: dict[str, Any] | None, plan: Plan | None, policy: Path | None) -> PlannedStack:
    config = config_for(stack, overrides)
    plan = plan or run_program(config)
    path = policy or policy_config_for(stack, TIER[stack])
    settings = any_settings_from_config(config.values, set(config.secret_keys), stack)
    return planned_stack(settings, stack, path, plan.resources, plan.outputs, evaluate(plan.resources, stack, path))


@cache
def variant(stack: str, overrides: str = "{}") -> PlannedStack:
    """`stack` with the JSON `overrides` over its file, planned once per worker."""
    return _planned(stack, json.loads(overrides), None, None)


@pytest.fixture(scope="module")
def shipped(stack_plans: dict[str, Resources], shared_plans: dict[str, Resources]) -> dict[str, PlannedStack]:
    plans = {**stack_plans, **shared_plans}
    return {stack: _planned(stack, None, plans[stack].plan, None) for stack in plans}


def weakened(stack: str, overrides: dict[str, Any]) -> PlannedStack:
    return variant(stack, json.dumps(overrides, sort_keys=True))


def run(*stacks: PlannedStack) -> list[Violation]:
    return check(stacks)[0]


def only(violations: list[Violation], kind: str) -> list[Violation]:
    return [v for v in violations if v.check == kind]


def test_the_shipped_stacks_pass_as_a_set(shipped: dict[str, PlannedStack]) -> None:
    violations, notes = check(list(shipped.values()))
    assert violations == []
    # ML-10 is declared advisory in prod (its caps), so prod's level is not compared with staging's
    assert any("ml-10" in n.message and "staging and prod" in n.message for n in notes)


def test_a_rule_lowered_in_prods_policy_config_fails(
    shipped: dict[str, PlannedStack], stack_plans: dict[str, Resources], tmp_path: Path
) -> None:
    config = json.loads(policy_config_for("prod", "prod").read_text())
    config["ml-01-workspace-public-network-disabled"]["enforcementLevel"] = "advisory"
    path = tmp_path / "prod.json"
    path.write_text(json.dumps(config))
    prod = _planned("prod", None, stack_plans["prod"].plan, path)
    [violation] = run(shipped["staging"], prod)
    assert (violation.check, violation.first, violation.second) == (strictness.LEVELS, "staging", "prod")
    assert violation.subject == "ml-01-workspace-public-network-disabled"
    assert "mandatory in staging" in violation.message
    assert "advisory in prod" in violation.message


def test_a_rule_raised_in_prods_policy_config_passes(
    shipped: dict[str, PlannedStack], stack_plans: dict[str, Resources], tmp_path: Path
) -> None:
    config = json.loads(policy_config_for("prod", "prod").read_text())
    config["ml-04-workspace-user-assigned-identity"]["enforcementLevel"] = "mandatory"  # prod passes ML-04
    path = tmp_path / "prod.json"
    path.write_text(json.dumps(config))
    prod = _planned("prod", None, stack_plans["prod"].plan, path)
    assert run(shipped["staging"], prod) == []


def test_a_rule_that_passes_in_staging_and_fails_in_prod_fails(shipped: dict[str, PlannedStack]) -> None:
    prod = weakened("prod", {"monitoring": {"disableLocalAuth": False}})
    violations = run(shipped["staging"], prod)
    rules = {v.subject for v in only(violations, strictness.OUTCOMES)}
    assert "mon-01-app-insights-workspace-based" in rules  # advisory in prod: the per-stack gate lets it through
    assert all((v.first, v.second) == ("staging", "prod") for v in violations)
    # the property the rule reads, too
    assert "Application Insights local auth disabled" in {v.subject for v in only(violations, strictness.PROPERTY)}


def test_a_property_weaker_than_staging_fails_even_within_the_rules_threshold(
    shipped: dict[str, PlannedStack],
) -> None:
    prod = weakened("prod", {"keyVault": {"softDeleteRetentionDays": 7}})  # KV-02's minimum is 7: it passes
    [violation] = run(shipped["staging"], prod)
    assert (violation.check, violation.subject) == (strictness.PROPERTY, "key vault soft-delete retention (days)")
    assert "7" in violation.message
    assert "30" in violation.message


def test_prod_without_locks_fails_against_a_locked_staging(shipped: dict[str, PlannedStack]) -> None:
    staging = weakened("staging", {"locks": {"enabled": True}})
    assert run(staging, shipped["prod"]) == []  # prod locks too
    [violation] = run(staging, weakened("prod", {"locks": {"enabled": False}}))
    assert (violation.check, violation.subject) == (strictness.PROPERTY, strictness.LOCKS)


# prod stricter than shipped: longer retention, one more outbound rule
STRICTER = {
    "monitoring": {"logRetentionDays": 730},
    "network": {"managed": {"outboundRules": {"extra": {"type": "FQDN", "destination": "example.org"}}}},
}


def test_a_stricter_prod_passes(shipped: dict[str, PlannedStack]) -> None:
    assert run(shipped["dev"], shipped["staging"], weakened("prod", STRICTER)) == []


def test_an_egress_of_staging_missing_in_prod_fails(shipped: dict[str, PlannedStack]) -> None:
    violations = run(shipped["staging"], weakened("prod", {"network": {"managed": {"packageEgress": "none"}}}))
    missing = {v.subject for v in only(violations, egress.EGRESS)}
    assert missing == {
        "FQDN anaconda.com",
        "FQDN *.anaconda.com",
        "FQDN *.anaconda.org",
        "FQDN pypi.org",
        "FQDN *.pythonhosted.org",
    }
    assert all((v.first, v.second) == ("staging", "prod") for v in violations)


def test_egress_is_compared_by_destination_not_by_rule_name(shipped: dict[str, PlannedStack]) -> None:
    # staging's rule to its data account `shared` and prod's reach different accounts (each tier's
    # own), under the same settings key: the same destination. A rule of another name to the same
    # host is the same egress; a new host in staging is missing in prod.
    named = {"network": {"managed": {"outboundRules": {"original": {"type": "FQDN", "destination": "example.org"}}}}}
    assert only(run(weakened("staging", named), weakened("prod", STRICTER)), egress.EGRESS) == []  # rule `extra`
    [violation] = only(run(weakened("staging", named), shipped["prod"]), egress.EGRESS)
    assert violation.subject == "FQDN example.org"


def test_prod_naming_another_registry_fails(shipped: dict[str, PlannedStack]) -> None:
    prod = weakened("prod", {"sharedRegistry": {"id": OTHER_REGISTRY}})
    violations = only(run(shipped["staging"], prod, shipped["shared"]), registry.SAME)
    assert {(v.first, v.second) for v in violations} == {("staging", "prod"), ("shared", "prod")}


def test_prod_reading_from_a_registry_staging_does_not_publish_to_fails(shipped: dict[str, PlannedStack]) -> None:
    principals = config_for("staging").values["ml-platform:access"]
    access = json.loads(principals)
    access["principals"]["deployPipeline"]["sharedRegistry"] = "read"
    staging = weakened("staging", {"access": access})
    [violation] = only(run(staging, shipped["prod"]), registry.DIRECTION)
    assert (violation.first, violation.second, violation.subject) == ("staging", "prod", "sharedRegistry: publish")
    assert only(run(shipped["staging"], shipped["prod"]), registry.DIRECTION) == []


def test_a_closed_registry_needs_an_outbound_rule_in_every_consumer(shipped: dict[str, PlannedStack]) -> None:
    closed = weakened("shared", PRIVATE)
    violations = only(run(shipped["dev"], shipped["staging"], shipped["prod"], closed), registry.REACH)
    assert {(v.first, v.second) for v in violations} == {("shared", "dev")}  # dev has no managed network


def test_only_the_tiers_planned_are_compared(shipped: dict[str, PlannedStack]) -> None:
    # dev and prod alone: prod is compared with dev, whose key vault keeps 7 days too, and no egress
    # is compared (that needs staging); the same prod fails against staging
    prod = weakened("prod", {"keyVault": {"softDeleteRetentionDays": 7}})
    assert tier_pairs([prod, shipped["dev"], shipped["shared"]]) == [(shipped["dev"], prod)]
    violations, notes = check([shipped["dev"], prod])
    assert violations == []
    assert any(n.check == egress.EGRESS for n in notes)
    assert run(shipped["staging"], prod) != []


def test_the_plan_command_exits_1_and_writes_the_violation(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    document = yaml.safe_load(stack_file("prod").read_text())
    document["config"]["ml-platform:network"] = {"managed": {"packageEgress": "none"}}  # the one weakening
    path = tmp_path / "Pulumi.prod.yaml"
    path.write_text(yaml.safe_dump(document))
    argv = ["--stack", "staging", "--stack", "prod", "--stack-file", f"prod={path}", "--out", str(tmp_path), "--quiet"]
    assert plan_cli.main(argv) == 1
    captured = capsys.readouterr()
    assert "violation(s) across environments" in captured.err
    written = json.loads((tmp_path / "across.json").read_text())
    assert {(v["check"], v["first"], v["second"]) for v in written["violations"]} == {("egress", "staging", "prod")}
    assert "FQDN pypi.org" in (tmp_path / "across.md").read_text()


def test_a_single_stack_compares_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from tools.plan.across.check import run as run_across

    assert run_across([weakened("prod", {"keyVault": {"softDeleteRetentionDays": 7}})], tmp_path) == 0
    assert "nothing to compare" in capsys.readouterr().out
    assert not (tmp_path / "across.json").exists()
