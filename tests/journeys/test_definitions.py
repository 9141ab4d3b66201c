"""The journey definitions: what they say about the examples matches the example files, every
word they use is one the evaluator knows, and every step names a Microsoft source."""

from __future__ import annotations

from pathlib import Path

import yaml

from tools.plan.journeys import checks, vocabulary
from tools.plan.journeys.definitions import (
    BUILD_IMAGE,
    DEPLOY_FROM_REGISTRY,
    DEPLOY_MODEL,
    EXAMPLES_REGISTRY,
    JOURNEYS,
    KUBERNETES_INSTANCE_TYPE,
    PACKAGE_HOSTS,
    PIPELINE_COMPUTE,
    SUBMIT_PIPELINE,
)

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
# conda's default channel_alias: a channel name X is served from https://conda.anaconda.org/X
CONDA_CHANNEL_HOST = "conda.anaconda.org"
# pip's default index lists packages on pypi.org and serves the files from files.pythonhosted.org
PIP_HOSTS = {"pypi.org", "files.pythonhosted.org"}


def test_the_pipeline_journey_is_about_the_pipeline_in_examples() -> None:
    pipeline = yaml.safe_load((EXAMPLES / "pipeline-job.yml").read_text())
    jobs = pipeline["jobs"].values()
    assert {job["compute"] for job in jobs} == {f"azureml:{PIPELINE_COMPUTE}"}
    # the platform's environment in the shared registry (built there, not in the workspace): J1 reaches
    # the registry and checks it is the stack's, and does not depend on J3
    assert {job["environment"] for job in jobs} == {
        f"azureml://registries/{EXAMPLES_REGISTRY}/environments/nyc-taxi-train/versions/2"
    }
    assert any(s.kind == "path" and s.on == "shared registry" for s in SUBMIT_PIPELINE.steps)
    assert any(s.kind == "setting" and s.on == "shared registry" for s in SUBMIT_PIPELINE.steps)
    assert not any(s.kind == "journey" for s in SUBMIT_PIPELINE.steps)
    # inputs are local folders (uploaded by the user) and outputs have no path (default datastore)
    assert all(
        not str(i.get("path", "./")).startswith("azureml://datastores/")
        for j in jobs
        for i in j.get("inputs", {}).values()
        if isinstance(i, dict)
    )
    assert all("path" not in o for job in jobs for o in job.get("outputs", {}).values())


def test_the_deploy_journey_builds_the_environment_the_deployments_name() -> None:
    # the managed deployment runs on the registry's environment (a path to the registry), the
    # Kubernetes one builds the same conda file in the workspace (J3)
    managed = yaml.safe_load((EXAMPLES / "endpoints" / "managed" / "deployment.yml").read_text())
    assert managed["environment"].startswith(f"azureml://registries/{EXAMPLES_REGISTRY}/environments/")
    assert any(s.kind == "path" and s.on == "shared registry" for s in DEPLOY_MODEL.steps)
    kubernetes = yaml.safe_load((EXAMPLES / "endpoints" / "kubernetes" / "deployment.yml").read_text())
    assert "conda_file" in kubernetes["environment"]  # an image Azure ML builds
    assert any(s.kind == "journey" and s.needs == BUILD_IMAGE.key for s in DEPLOY_MODEL.steps)
    assert kubernetes["instance_type"] == KUBERNETES_INSTANCE_TYPE


def test_the_registry_deployment_is_the_registry_journeys() -> None:
    """J7 deploys examples/endpoints/registry: the model and environment of the shared registry."""
    deployment = yaml.safe_load((EXAMPLES / "endpoints" / "registry" / "deployment.yml").read_text())
    prefix = f"azureml://registries/{EXAMPLES_REGISTRY}/"
    assert deployment["model"].startswith(prefix + "models/")
    assert deployment["environment"].startswith(prefix + "environments/")
    assert "examples/endpoints/registry" in DEPLOY_FROM_REGISTRY.title


def test_the_package_hosts_are_those_of_the_inference_environment() -> None:
    kubernetes = yaml.safe_load((EXAMPLES / "endpoints" / "kubernetes" / "deployment.yml").read_text())
    conda_file = EXAMPLES / "endpoints" / "kubernetes" / kubernetes["environment"]["conda_file"]
    conda = yaml.safe_load(conda_file.read_text())
    wanted = {CONDA_CHANNEL_HOST} if conda["channels"] else set()
    if any(isinstance(d, dict) and "pip" in d for d in conda["dependencies"]):
        wanted |= PIP_HOSTS
    assert set(PACKAGE_HOSTS) == wanted


def test_every_word_of_the_definitions_is_known_to_the_evaluator() -> None:
    for journey in JOURNEYS:
        assert journey.actors in vocabulary.ACTORS, journey.key
        for condition in (journey.needed_when, journey.claimed_when):
            assert condition is None or condition in vocabulary.WHEN, journey.key
        for step in journey.steps:
            where = (journey.key, step.needs, step.on)
            assert step.when is None or step.when in vocabulary.WHEN, where
            if step.kind == "journey":
                assert step.needs in {j.key for j in JOURNEYS} - {journey.key}, where
                continue
            assert step.on in vocabulary.TARGETS, where
            if step.kind == "role":
                assert step.who in vocabulary.PRINCIPALS, where
            elif step.kind == "path":
                assert step.who in vocabulary.VANTAGES, where
            else:
                assert step.needs in checks.SETTINGS, where


def test_every_step_names_a_microsoft_source_and_why() -> None:
    for journey in JOURNEYS:
        for step in journey.steps:
            assert step.source.startswith(("https://learn.microsoft.com/azure/", "https://github.com/Azure/")), (
                journey.key,
                step.needs,
            )
            assert step.why, (journey.key, step.needs)
    keys = [j.key for j in JOURNEYS]
    assert len(keys) == len(set(keys))
