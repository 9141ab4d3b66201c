"""The examples load with azure-ai-ml's own YAML loaders, and every compute they name exists in
the offline plan of every stack that claims to support it."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from components.settings import validate_settings
from components.settings.compute import REQUIRED_CLUSTER
from tests.conftest import STACKS
from tests.planning import Resources, stack_values

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES_PYTHON = ROOT / ".venv-examples" / "bin" / "python"
SEED_COPY = "examples/pipeline-job.seed.yml"
NODE_NAME_ERROR = "Pipeline node name should be a valid python identifier"


@pytest.fixture(scope="module")
def examples() -> dict[str, dict[str, Any]]:
    """One subprocess in the examples' venv loads every example file."""
    assert EXAMPLES_PYTHON.exists(), "no .venv-examples: run `make venv-examples`"
    done = subprocess.run(
        [str(EXAMPLES_PYTHON), str(ROOT / "tools" / "examples_check.py")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(done.stdout)


def of_kind(examples: dict[str, dict[str, Any]], kind: str) -> dict[str, dict[str, Any]]:
    return {path: e for path, e in examples.items() if e["kind"] == kind}


def inference_enabled(stack: str) -> bool:
    return validate_settings(stack_values(stack), stack).compute.inference.enabled


def test_every_example_loads_with_the_azure_ml_sdk(examples: dict[str, dict[str, Any]]) -> None:
    failing = {path: e["errors"] for path, e in examples.items() if e["errors"] and path != SEED_COPY}
    assert failing == {}
    kinds = {e["kind"] for e in examples.values()}
    assert {
        "pipeline",
        "managed-online-endpoint",
        "managed-online-deployment",
        "kubernetes-online-endpoint",
        "kubernetes-online-deployment",
    } <= kinds
    # only the conda file is not an Azure ML spec
    assert list(of_kind(examples, "not-an-azure-ml-spec")) == ["examples/environments/inference-conda.yml"]


def test_the_seeds_copy_is_rejected_for_exactly_what_the_readme_says(examples: dict[str, dict[str, Any]]) -> None:
    errors = examples[SEED_COPY]["errors"]
    assert [e["path"] for e in errors] == ["jobs.transform-job", "jobs.train-job"]
    assert all(e["message"].startswith(NODE_NAME_ERROR) for e in errors)
    readme = (ROOT / "examples" / "README.md").read_text()
    assert NODE_NAME_ERROR in readme


def test_the_pipeline_runs_on_the_cluster_every_stack_has(examples: dict[str, dict[str, Any]]) -> None:
    pipeline = examples["examples/pipeline-job.yml"]
    assert pipeline["computes"] == [REQUIRED_CLUSTER]


def test_deployments_belong_to_the_endpoints_beside_them_and_their_scripts_exist(
    examples: dict[str, dict[str, Any]],
) -> None:
    for target in ("managed", "kubernetes"):
        endpoint = examples[f"examples/endpoints/{target}/endpoint.yml"]
        deployment = examples[f"examples/endpoints/{target}/deployment.yml"]
        assert endpoint["kind"] == f"{target}-online-endpoint"
        assert deployment["kind"] == f"{target}-online-deployment"
        assert deployment["endpoint"] == endpoint["name"]
        assert (ROOT / deployment["scoringScript"]).is_file()


@pytest.mark.parametrize("stack", STACKS)
def test_every_compute_an_example_names_exists_where_the_stack_claims_it(
    stack: str, examples: dict[str, dict[str, Any]], stack_plans: dict[str, Resources]
) -> None:
    res = stack_plans[stack]
    clusters = res.ml_computes("AmlCompute")
    kubernetes = res.ml_computes("Kubernetes")
    for path, example in examples.items():
        if example["kind"] == "pipeline" and path != SEED_COPY:
            # every stack runs the pipeline
            assert set(example["computes"]) <= set(clusters), (stack, path)
        elif example["kind"] == "kubernetes-online-endpoint":
            # the production target: only stacks with the inference cluster claim it
            if inference_enabled(stack):
                assert set(example["computes"]) <= set(kubernetes), (stack, path)
            else:
                assert kubernetes == {}, stack


def test_production_deployment_asks_for_an_instance_type_the_kubernetes_compute_defines(
    examples: dict[str, dict[str, Any]], stack_plans: dict[str, Resources]
) -> None:
    deployment = examples["examples/endpoints/kubernetes/deployment.yml"]
    endpoint = examples["examples/endpoints/kubernetes/endpoint.yml"]
    supporting = [s for s in STACKS if inference_enabled(s)]
    assert "prod" in supporting
    for stack in supporting:
        (compute_name,) = endpoint["computes"]
        compute = stack_plans[stack].ml_computes("Kubernetes")[compute_name]
        assert deployment["instanceType"] in compute["inputs"]["properties"]["properties"]["instanceTypes"]
