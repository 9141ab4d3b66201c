"""Load every example in examples/ and every environment the platform publishes (environments/)
with azure-ai-ml's own YAML loaders; print what each one names.

Runs in `.venv-examples` (azure-ai-ml cannot share the main venv): `.venv-examples/bin/python
tools/examples_check.py`. Prints one JSON object, keyed by path relative to the repository:
kind, name, the computes it runs on, its endpoint and instance type, and the loader's errors.
"""

# pyright: reportMissingImports=false

from __future__ import annotations

import json
import logging
import sys
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
ENVIRONMENTS = ROOT / "environments"


def _loaders() -> dict[str, Callable[[Path], Any]]:
    from azure.ai.ml import load_environment, load_job, load_online_deployment, load_online_endpoint

    # which loader a file takes, by the end of its $schema URL
    return {
        "pipelineJob.schema.json": load_job,
        "autoMLJob.schema.json": load_job,
        "environment.schema.json": load_environment,
        "managedOnlineEndpoint.schema.json": load_online_endpoint,
        "kubernetesOnlineEndpoint.schema.json": load_online_endpoint,
        "managedOnlineDeployment.schema.json": load_online_deployment,
        "kubernetesOnlineDeployment.schema.json": load_online_deployment,
    }


def _compute(value: Any) -> str | None:
    return str(value).removeprefix("azureml:") if value else None


def describe(entity: Any) -> dict[str, Any]:
    kind = {
        "PipelineJob": "pipeline",
        "RegressionJob": "automl-regression",
        "Environment": "environment",
        "ManagedOnlineEndpoint": "managed-online-endpoint",
        "KubernetesOnlineEndpoint": "kubernetes-online-endpoint",
        "ManagedOnlineDeployment": "managed-online-deployment",
        "KubernetesOnlineDeployment": "kubernetes-online-deployment",
    }[type(entity).__name__]
    computes: list[str | None] = []
    if kind == "pipeline":
        settings = getattr(entity, "settings", None)
        computes.append(_compute(getattr(settings, "default_compute", None)))
        computes += [_compute(getattr(node, "compute", None)) for node in entity.jobs.values()]
    elif kind in ("kubernetes-online-endpoint", "automl-regression"):
        computes.append(_compute(entity.compute))
    scoring = getattr(entity, "code_configuration", None)
    return {
        "kind": kind,
        "name": entity.name or getattr(entity, "display_name", None),
        # what names an environment: a registry or workspace URI, or an inline image + conda file
        "environments": _environments(kind, entity),
        **_described(kind, entity),
        "computes": sorted({c for c in computes if c}),
        "endpoint": getattr(entity, "endpoint_name", None),
        "instanceType": getattr(entity, "instance_type", None),
        # the loader does not check that a deployment's scoring script exists: report it
        "scoringScript": str(_resolve(entity, scoring.code) / scoring.scoring_script) if scoring else None,
        "errors": [],
    }


def _environments(kind: str, entity: Any) -> list[str]:
    if kind == "pipeline":
        # a command node keeps its environment on the component the loader makes of it
        found = [getattr(node, "environment", None) or node.component.environment for node in entity.jobs.values()]
    else:
        found = [getattr(entity, "environment", None)]
    # an inline environment is an object: name it by its image
    return sorted({e if isinstance(e, str) else f"image:{e.image}" for e in found if e is not None})


def _described(kind: str, entity: Any) -> dict[str, Any]:
    """What the tests hold against the platform: an AutoML job's task and data, an environment's
    image and conda file, a deployment's model."""
    if kind == "automl-regression":
        return {
            "task": str(getattr(entity.task_type, "value", entity.task_type)),
            "target": entity.target_column_name,
            "trainingData": {"type": entity.training_data.type, "path": str(entity.training_data.path)},
            "maxConcurrentTrials": entity.limits.max_concurrent_trials,
        }
    if kind == "environment":
        return {"version": entity.version, "image": entity.image, "condaDependencies": entity.conda_file}
    if kind.endswith("-deployment"):
        model = entity.model
        return {"model": model if isinstance(model, str) else getattr(model, "path", None)}
    return {}


def _resolve(entity: Any, relative: str) -> Path:
    return (Path(entity.base_path) / relative).resolve().relative_to(ROOT)


def _errors(error: Exception) -> list[dict[str, str]]:
    """The loader's structured errors ({path, message}), parsed from its message."""
    text = str(getattr(error, "messages", [error])[0])
    start = text.find("{")
    try:
        report, _ = json.JSONDecoder().raw_decode(text[start:])
        return [{"path": e.get("path", ""), "message": e.get("message", "")} for e in report["errors"]]
    except (ValueError, KeyError):
        return [{"path": "", "message": text}]


def check(path: Path, loaders: dict[str, Callable[[Path], Any]]) -> dict[str, Any]:
    schema = str((yaml.safe_load(path.read_text()) or {}).get("$schema", ""))
    loader = next((fn for suffix, fn in loaders.items() if schema.endswith("/" + suffix)), None)
    if loader is None:
        return {"kind": None, "errors": [{"path": "$schema", "message": f"no loader for '{schema}'"}]}
    try:
        return describe(loader(path))
    except Exception as error:  # the loader's verdict is the result, whatever its type
        return {"kind": None, "errors": _errors(error)}


def main() -> int:
    logging.disable(logging.WARNING)
    warnings.simplefilter("ignore")
    loaders = _loaders()
    results: dict[str, Any] = {}
    for path in [*sorted(EXAMPLES.rglob("*.yml")), *sorted(ENVIRONMENTS.glob("*/*/environment.yml"))]:
        key = str(path.relative_to(ROOT))
        if "$schema" not in path.read_text():
            results[key] = {"kind": "not-an-azure-ml-spec", "errors": []}  # e.g. a conda file
            continue
        results[key] = check(path, loaders)
    json.dump(results, sys.stdout, indent=2, sort_keys=True)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
