"""Run the seed's pipeline on this machine: `make pipeline-local`.

Reads examples/pipeline-job.yml and runs each job's own `command:` in its `code:` folder, in the
order the jobs' inputs need them, with `${{inputs.<name>}}` and `${{outputs.<name>}}` replaced by
local folders: an input with a `path` is that folder (relative to the YAML file, as `az ml job
create` uploads it), an input bound to another job's output is that output's folder, and every
output is a new empty folder (what `mode: rw_mount` gives a job). MLflow writes its runs under the
output folder (Azure ML points MLFLOW_TRACKING_URI at the workspace). Then it loads the trained
MLflow model the way an online deployment does: AZUREML_MODEL_DIR names the folder that holds the
registered model, examples/src/score/score.py's init() runs once and run() gets the request body
of examples/endpoints/sample-request.json as text.

Runs in .venv-pipeline (requirements-pipeline.txt: the packages of the pipeline's and the
deployments' environments). Writes build/pipeline-local/report.json: each job's command as run,
and the scores. Exit codes: 0 ok, 1 a step failed, 2 the pipeline file names something this runner
cannot stand in for (the message names it).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
PIPELINE = ROOT / "examples" / "pipeline-job.yml"
SCORE_SCRIPT = ROOT / "examples" / "src" / "score" / "score.py"
SAMPLE_REQUEST = ROOT / "examples" / "endpoints" / "sample-request.json"
# the name both deployments give the model (examples/endpoints/*/deployment.yml: azureml:nyc-taxi-fare@latest)
MODEL_NAME = "nyc-taxi-fare"
MODEL_OUTPUT = "model_output"
BINDING = re.compile(r"\$\{\{\s*([^}]*?)\s*\}\}")
PARENT_OUTPUT = re.compile(r"^parent\.jobs\.(\w+)\.outputs\.(\w+)$")


class PipelineError(Exception):
    """The pipeline file asks for something a local run cannot give (exit 2)."""


def job_order(jobs: dict[str, Any]) -> list[str]:
    """The jobs, each after the jobs whose outputs it takes as inputs."""
    needs = {name: set() for name in jobs}
    for name, job in jobs.items():
        for key, value in (job.get("inputs") or {}).items():
            match = PARENT_OUTPUT.match(_binding(value) or "")
            if match:
                if match[1] not in jobs:
                    raise PipelineError(f"jobs.{name}.inputs.{key}: no job named {match[1]}")
                needs[name].add(match[1])
    ordered: list[str] = []
    while len(ordered) < len(jobs):
        ready = [n for n in jobs if n not in ordered and needs[n] <= set(ordered)]
        if not ready:
            raise PipelineError(f"jobs: their inputs form a cycle ({', '.join(n for n in jobs if n not in ordered)})")
        ordered += ready
    return ordered


def _binding(value: Any) -> str | None:
    match = BINDING.fullmatch(value.strip()) if isinstance(value, str) else None
    return match[1] if match else None


def local_inputs(name: str, job: dict[str, Any], outputs: dict[tuple[str, str], Path], base: Path) -> dict[str, str]:
    """Each input of a job as the local value its command gets."""
    values: dict[str, str] = {}
    for key, value in (job.get("inputs") or {}).items():
        bound = _binding(value)
        if bound is not None:
            match = PARENT_OUTPUT.match(bound)
            if not match or (match[1], match[2]) not in outputs:
                raise PipelineError(f"jobs.{name}.inputs.{key}: '{value}' is not an output of an earlier job")
            values[key] = str(outputs[match[1], match[2]])
        elif isinstance(value, dict) and "path" in value:
            path = str(value["path"])
            if "://" in path or path.startswith("azureml:"):
                raise PipelineError(f"jobs.{name}.inputs.{key}.path: '{path}' is not a local folder")
            values[key] = str((base / path).resolve())
        elif isinstance(value, str | int | float | bool):
            values[key] = str(value)
        else:
            raise PipelineError(f"jobs.{name}.inputs.{key}: neither a path, a literal nor another job's output")
    return values


def command_argv(name: str, command: str, inputs: dict[str, str], outputs: dict[str, str]) -> list[str]:
    """The job's command with its bindings replaced, split as a shell would."""

    def replace(match: re.Match[str]) -> str:
        kind, _, key = match[1].partition(".")
        table = {"inputs": inputs, "outputs": outputs}.get(kind)
        if table is None or key not in table:
            raise PipelineError(f"jobs.{name}.command: no local value for ${{{{{match[1]}}}}}")
        return shlex.quote(table[key])

    argv = shlex.split(BINDING.sub(replace, command))
    # the environment's `python` is this interpreter (.venv-pipeline stands in for the job's image)
    return [sys.executable, *argv[1:]] if argv and argv[0] == "python" else argv


def run_jobs(pipeline: Path, out: Path) -> list[dict[str, Any]]:
    document = yaml.safe_load(pipeline.read_text())
    jobs: dict[str, Any] = document.get("jobs") or {}
    outputs: dict[tuple[str, str], Path] = {}
    ran = []
    for name in job_order(jobs):
        job = jobs[name]
        if not job.get("command") or not job.get("code"):
            raise PipelineError(f"jobs.{name}: a command job with `code` and `command` is what runs locally")
        inputs = local_inputs(name, job, outputs, pipeline.parent)
        folders = {key: out / name / key for key in job.get("outputs") or {}}
        for key, folder in folders.items():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True)  # rw_mount: an empty folder the job writes into
            outputs[name, key] = folder
        argv = command_argv(name, str(job["command"]), inputs, {k: str(v) for k, v in folders.items()})
        cwd = (pipeline.parent / str(job["code"])).resolve()
        env = {**os.environ, "MLFLOW_TRACKING_URI": (out / "mlruns").resolve().as_uri()}
        print(f"[{name}] {shlex.join(argv)}", flush=True)
        subprocess.run(argv, cwd=cwd, env=env, check=True)
        ran.append({"job": name, "cwd": str(cwd), "argv": argv, "inputs": inputs, "outputs": folders})
    return ran


def score(model: Path, out: Path) -> list[Any]:
    """Load the model as an online deployment does and score the sample request through score.py."""
    model_dir = out / "azureml-models" / MODEL_NAME / "1"
    shutil.rmtree(model_dir, ignore_errors=True)
    shutil.copytree(model, model_dir / MODEL_OUTPUT)
    os.environ["AZUREML_MODEL_DIR"] = str(model_dir)
    spec = importlib.util.spec_from_file_location("score", SCORE_SCRIPT)
    if spec is None or spec.loader is None:
        raise PipelineError(f"cannot load {SCORE_SCRIPT}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.init()
    return module.run(SAMPLE_REQUEST.read_text())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--pipeline", type=Path, default=PIPELINE)
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "pipeline-local")
    args = parser.parse_args(argv)
    out: Path = args.out.resolve()
    try:
        ran = run_jobs(args.pipeline.resolve(), out)
        models = [job["outputs"][MODEL_OUTPUT] for job in ran if MODEL_OUTPUT in job["outputs"]]
        if len(models) != 1:
            raise PipelineError(f"jobs: expected one output named {MODEL_OUTPUT}, found {len(models)}")
        scores = score(models[0], out)
    except PipelineError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except subprocess.CalledProcessError as error:
        print(f"error: {shlex.join(error.cmd)} exited {error.returncode}", file=sys.stderr)
        return 1
    report = {
        "jobs": [{**job, "outputs": {k: str(v) for k, v in job["outputs"].items()}} for job in ran],
        "scores": scores,
    }
    (out / "report.json").write_text(json.dumps(report, indent=2) + "\n")
    print(f"scores of {SAMPLE_REQUEST.relative_to(ROOT)}: {json.dumps(scores)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
