"""The examples load with azure-ai-ml's own YAML loaders, and every compute they name exists in
the offline plan of every stack that claims to support it."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from components.core.naming import Names
from components.registry.environments import newest_versions, published_environments
from components.settings import validate_settings, validate_stack
from components.settings.compute import REQUIRED_CLUSTER
from tests.conftest import SHARED_STACKS, STACKS
from tests.planning import Resources, stack_values
from tools.plan.journeys.definitions import EXAMPLES_REGISTRY
from tools.plan.stackfile import project_name

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES_PYTHON = ROOT / ".venv-examples" / "bin" / "python"
SEED_COPY = "examples/pipeline-job.seed.yml"
NODE_NAME_ERROR = "Pipeline node name should be a valid python identifier"


# the examples are loaded once, by azure-ai-ml in its own virtualenv (a subprocess of seconds)
pytestmark = pytest.mark.long


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
        "automl-regression",
        "environment",
        "managed-online-endpoint",
        "managed-online-deployment",
        "kubernetes-online-endpoint",
        "kubernetes-online-deployment",
    } <= kinds
    # every YAML file under examples/ is an Azure ML spec the SDK loads
    assert list(of_kind(examples, "not-an-azure-ml-spec")) == []


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
        if example["kind"] in ("pipeline", "automl-regression") and path != SEED_COPY:
            # every stack runs the pipeline and the AutoML job
            assert set(example["computes"]) <= set(clusters), (stack, path)
        elif example["kind"] == "kubernetes-online-endpoint":
            # the production target: only stacks with the inference cluster claim it
            if inference_enabled(stack):
                assert set(example["computes"]) <= set(kubernetes), (stack, path)
            else:
                assert kubernetes == {}, stack


def cpu_cores(quantity: str) -> float:
    return float(quantity[:-1]) / 1000 if quantity.endswith("m") else float(quantity)


def gibibytes(quantity: str) -> float:
    units = {"Ki": 2**-20, "Mi": 2**-10, "Gi": 1, "Ti": 2**10, "K": 1e3 / 2**30, "M": 1e6 / 2**30, "G": 1e9 / 2**30}
    unit = next((u for u in sorted(units, key=len, reverse=True) if quantity.endswith(u)), "")
    return float(quantity.removesuffix(unit)) * (units[unit] if unit else 2**-30)


def test_production_deployment_asks_for_an_instance_type_the_stack_renders_for_the_cluster(
    examples: dict[str, dict[str, Any]], stack_plans: dict[str, Resources]
) -> None:
    """Instance types live in the cluster (how-to-manage-kubernetes-instance-types): the one the
    deployment names is in the manifest the stack exports for `kubectl apply`. The example deploys
    an MLflow model, which Microsoft says needs a request of at least 2 CPU cores and 4 GB."""
    deployment = examples["examples/endpoints/kubernetes/deployment.yml"]
    supporting = [s for s in STACKS if inference_enabled(s)]
    assert "prod" in supporting
    for stack in supporting:
        manifest = yaml.safe_load(stack_plans[stack].plan.outputs["inferenceInstanceTypes"])
        specs = {item["metadata"]["name"]: item["spec"] for item in manifest["items"]}
        requests = specs[deployment["instanceType"]]["resources"]["requests"]
        assert cpu_cores(requests["cpu"]) >= 2, stack
        assert gibibytes(requests["memory"]) >= 4 * 10**9 / 2**30, stack


@pytest.mark.parametrize(("quantity", "cores"), [("2", 2.0), ("1500m", 1.5), ("500m", 0.5)])
def test_cpu_quantities_read_as_cores(quantity: str, cores: float) -> None:
    assert cpu_cores(quantity) == cores


@pytest.mark.parametrize(("quantity", "gib"), [("4Gi", 4.0), ("4096Mi", 4.0), ("4G", 4e9 / 2**30), ("3Gi", 3.0)])
def test_memory_quantities_read_as_gibibytes(quantity: str, gib: float) -> None:
    assert gibibytes(quantity) == pytest.approx(gib)


REGISTRY_ENVIRONMENT = re.compile(r"^azureml://registries/([^/]+)/environments/([^/]+)/versions/([^/]+)$")


def shared_registry_name() -> str:
    (shared,) = SHARED_STACKS
    settings = validate_stack(stack_values(shared), shared)
    return Names(project_name(), shared, settings.name_prefix, settings.naming.revision).ml_registry


def test_the_platform_environments_load_and_are_the_ones_the_shared_stack_publishes(
    examples: dict[str, dict[str, Any]],
) -> None:
    loaded = {path: e for path, e in of_kind(examples, "environment").items() if path.startswith("environments/")}
    published = published_environments("test")
    assert {(e.name, e.version) for e in published} == {(e["name"], e["version"]) for e in loaded.values()}
    assert len(published) >= 2
    for environment in published:
        sdk = loaded[str(environment.path.relative_to(ROOT))]
        # what the shared stack sends as condaFile is the conda file the SDK reads for that spec
        assert yaml.safe_load(environment.conda_file) == sdk["condaDependencies"]
        assert environment.image == sdk["image"]


def test_every_registry_environment_an_example_names_is_published_in_the_shared_registry(
    examples: dict[str, dict[str, Any]],
) -> None:
    published = {(e.name, e.version) for e in published_environments("test")}
    named = [(path, uri) for path, e in examples.items() for uri in e.get("environments", [])]
    in_registries = [(path, REGISTRY_ENVIRONMENT.match(uri)) for path, uri in named if uri.startswith("azureml://")]
    assert {path for path, _ in in_registries} >= {
        "examples/pipeline-job.yml",
        "examples/endpoints/managed/deployment.yml",
        "examples/endpoints/registry/deployment.yml",
    }
    for path, match in in_registries:
        assert match is not None, path
        assert match[1] == shared_registry_name() == EXAMPLES_REGISTRY, path
        assert (match[2], match[3]) in published, path


def test_the_automl_example_regresses_the_fare_on_the_taxi_table(examples: dict[str, dict[str, Any]]) -> None:
    (path, job) = next(iter(of_kind(examples, "automl-regression").items()))
    assert job["task"] == "Regression"
    assert job["computes"] == [REQUIRED_CLUSTER]
    assert job["trainingData"]["type"] == "mltable"
    table_folder = (ROOT / path).parent / job["trainingData"]["path"]
    table = yaml.safe_load((table_folder / "MLTable").read_text())
    files = [table_folder / entry["file"] for entry in table["paths"]]
    assert files
    assert all(f.is_file() for f in files)
    kept = next(t["keep_columns"] for t in table["transformations"] if "keep_columns" in t)
    header = files[0].read_text().splitlines()[0].split(",")
    # the target is a column of the data, and what is not known when a fare is predicted is left out
    assert job["target"] == "fare_amount" in kept
    assert set(kept) <= set(header)
    assert "tip_amount" in header
    assert "tip_amount" not in kept


@pytest.mark.parametrize("stack", STACKS)
def test_automl_runs_no_more_trials_at_once_than_cpu_cluster_has_nodes(
    stack: str, examples: dict[str, dict[str, Any]]
) -> None:
    """Each concurrent trial takes a node of the cluster: more than it may scale to would queue."""
    (job,) = of_kind(examples, "automl-regression").values()
    clusters = {c.name: c for c in validate_settings(stack_values(stack), stack).compute.clusters}
    assert 1 <= job["maxConcurrentTrials"] <= clusters[REQUIRED_CLUSTER].max_nodes


def test_every_example_names_the_newest_published_version_of_its_environment(
    examples: dict[str, dict[str, Any]],
) -> None:
    """A new environment version (a newer base image, new pins) reaches every example: those that
    name the registry's environment by URI, and the Kubernetes deployment that inlines its image and
    conda file (azure-ai-ml refuses registry environments there)."""
    newest = newest_versions(published_environments("test"))
    for path, example in examples.items():
        for uri in example.get("environments", []):
            match = REGISTRY_ENVIRONMENT.match(uri)
            if match:
                assert match[3] == newest[match[2]].version, f"{path} names {uri}"
    kubernetes = yaml.safe_load((ROOT / "examples/endpoints/kubernetes/deployment.yml").read_text())["environment"]
    serve = newest["nyc-taxi-serve"]
    assert kubernetes["image"] == serve.image
    conda = (ROOT / "examples/endpoints/kubernetes" / kubernetes["conda_file"]).resolve()
    assert conda == serve.path.with_name("conda.yml").resolve()
