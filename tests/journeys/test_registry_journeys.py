"""J6 (publish to the shared registry from staging) and J7 (deploy the registry's model): each
holds on the shipped stacks and breaks when the grant, rule or firewall entry it needs is gone."""

from __future__ import annotations

import copy
from typing import Any

from tests.planning import Resources
from tools.plan.journeys.evaluate import evaluate

from .helpers import changed, journey, journeys, named, step

RULE = "mlregistry-amlregistry"


def test_staging_publishes_and_prod_does_not(stack_plans: dict[str, Resources]) -> None:
    published = journey(journeys(stack_plans["staging"]), "J6", "deployPipeline")
    assert published.ok
    assert not journey(journeys(stack_plans["prod"]), "J6").claimed


def test_publishing_breaks_without_the_storage_firewall_entry(stack_plans: dict[str, Resources]) -> None:
    res = stack_plans["staging"]
    storage = named(res.records, "mlp-workspace-storage")["urn"]

    def no_resource_rule(inputs: dict[str, Any]) -> None:
        inputs["networkRuleSet"].pop("resourceAccessRules")

    after = journey(journeys(res, changed(res.records, storage, no_resource_rule)), "J6", "deployPipeline")
    broken = step(after, "the registry may read the default storage", "default storage")
    assert not broken.ok
    assert "no resource rule lets the registry in" in broken.detail

    def closed_again(inputs: dict[str, Any]) -> None:
        inputs["publicNetworkAccess"] = "Disabled"

    after = journey(journeys(res, changed(res.records, storage, closed_again)), "J6", "deployPipeline")
    assert not step(after, "the registry may read the default storage", "default storage").ok


def test_publishing_needs_registry_user_not_reader(stack_plans: dict[str, Resources]) -> None:
    res = stack_plans["staging"]
    grant = named(res.records, "mlp-access-deployPipeline-mlregistry-azureml-registry-user")["urn"]

    def reader(inputs: dict[str, Any]) -> None:
        inputs["roleDefinitionId"] = (
            inputs["roleDefinitionId"].rsplit("/", 1)[0] + "/acdd72a7-3385-48ef-bd42-f606fba81ae7"
        )

    after = journey(journeys(res, changed(res.records, grant, reader)), "J6", "deployPipeline")
    assert not step(after, "AzureML Registry User", "registry mlr-mlp-shared").ok


def test_prod_deploys_from_the_registry_through_its_outbound_rule(stack_plans: dict[str, Resources]) -> None:
    res = stack_plans["prod"]
    deployed = journey(journeys(res), "J7", "deployPipeline")
    assert deployed.ok
    path = step(deployed, "reach 'amlregistry'", "registry mlr-mlp-shared", "managed online deployment")
    rule = named(res.records, f"mlp-outbound-{RULE}")
    assert path.evidence == [rule["urn"]]
    assert path.assumes == "its owner approves the private endpoint connection (it is not in this stack)"
    without_rule = [r for r in res.records if r["urn"] != rule["urn"]]
    after = journey(journeys(res, without_rule), "J7", "deployPipeline")
    broken = step(after, "reach 'amlregistry'", "registry mlr-mlp-shared", "managed online deployment")
    assert not broken.ok
    assert "no private-endpoint outbound rule" in broken.detail


def test_the_examples_name_the_registry_the_stack_consumes(stack_plans: dict[str, Resources]) -> None:
    res = stack_plans["dev"]
    outputs = copy.deepcopy(res.plan.outputs)
    outputs["sharedRegistry"]["name"] = "mlr-someone-else"
    results = evaluate(res.records, outputs)
    for key in ("J1", "J7"):
        broken = step(journey(results, key, "dataScientists"), "the examples' registry", "registry")
        assert not broken.ok, key
        assert "the examples name registry mlr-mlp-shared" in broken.detail


def test_a_stack_without_the_registry_cannot_run_the_registrys_environments(stack_plans: dict[str, Resources]) -> None:
    res = stack_plans["dev"]
    outputs = {**res.plan.outputs, "sharedRegistry": None}
    results = evaluate(res.records, outputs)
    assert not journey(results, "J7").claimed
    submit = journey(results, "J1", "dataScientists")
    assert submit.broken
    assert any(s.on == "shared registry" and not s.ok for s in submit.steps)
