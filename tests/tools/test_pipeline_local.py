"""`make pipeline-local`: the seed's pipeline runs here with its own commands on examples/data, and
the trained MLflow model scores the sample request through score.py as an online deployment does."""

from __future__ import annotations

import json
import math
import shlex
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from tools import pipeline_local
from tools.pipeline_local import PipelineError, command_argv, job_order, local_inputs

ROOT = Path(__file__).resolve().parents[2]
PIPELINE_PYTHON = ROOT / ".venv-pipeline" / "bin" / "python"
PIPELINE = ROOT / "examples" / "pipeline-job.yml"


def run_locally(out: Path) -> dict[str, Any]:
    assert PIPELINE_PYTHON.exists(), "no .venv-pipeline: run `make pipeline-local` (make test builds it)"
    done = subprocess.run(
        [str(PIPELINE_PYTHON), str(ROOT / "tools" / "pipeline_local.py"), "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return {"out": out, "report": json.loads((out / "report.json").read_text()), "stdout": done.stdout}


@pytest.mark.long
def test_the_pipeline_runs_here_and_its_model_scores_the_sample_request(tmp_path: Path) -> None:
    """One run (it takes seconds: MLflow's import and its pip-requirement inference), three views."""
    ran = run_locally(tmp_path)
    scored_one_number_per_row(ran)
    each_job_ran_its_own_command(ran)
    the_jobs_wrote_their_outputs_and_an_mlflow_model(ran)


def scored_one_number_per_row(ran: dict[str, Any]) -> None:
    rows = json.loads((ROOT / "examples" / "endpoints" / "sample-request.json").read_text())["data"]
    scores = ran["report"]["scores"]
    assert isinstance(scores, list)
    assert len(scores) == len(rows)
    assert all(isinstance(s, float) and math.isfinite(s) for s in scores)
    assert json.dumps(scores) in ran["stdout"]


def each_job_ran_its_own_command(ran: dict[str, Any]) -> None:
    jobs = yaml.safe_load(PIPELINE.read_text())["jobs"]
    report = ran["report"]["jobs"]
    assert [j["job"] for j in report] == ["transform_job", "train_job"]  # train takes transform's output
    for job in report:
        spec = jobs[job["job"]]
        assert Path(job["cwd"]) == (PIPELINE.parent / spec["code"]).resolve()
        placeholders = {v: f"${{{{inputs.{k}}}}}" for k, v in job["inputs"].items()}
        placeholders |= {v: f"${{{{outputs.{k}}}}}" for k, v in job["outputs"].items()}
        as_written = ["python", *(placeholders.get(arg, arg) for arg in job["argv"][1:])]
        assert as_written == shlex.split(spec["command"])
        assert Path(job["argv"][0]) == PIPELINE_PYTHON.absolute()


def the_jobs_wrote_their_outputs_and_an_mlflow_model(ran: dict[str, Any]) -> None:
    out: Path = ran["out"]
    raw = (ROOT / "examples" / "data" / "taxi-trips.csv").read_text().splitlines()
    transformed = (out / "transform_job" / "transformed_data" / "trips.csv").read_text().splitlines()
    assert 1 < len(transformed) < len(raw)  # the invalid trips are dropped, the rest kept
    assert (out / "train_job" / "test_data" / "test.csv").is_file()
    model = yaml.safe_load((out / "train_job" / "model_output" / "MLmodel").read_text())
    assert {"sklearn", "python_function"} <= set(model["flavors"])
    # the deployment's view: AZUREML_MODEL_DIR holds the registered model's folder
    assert (out / "azureml-models" / "nyc-taxi-fare" / "1" / "model_output" / "MLmodel").is_file()
    # MLflow tracked the run under the output folder, not in the examples' code folders
    assert (out / "mlruns").is_dir()
    assert not list((ROOT / "examples").rglob("mlruns"))


def _jobs(**inputs: Any) -> dict[str, Any]:
    return {"step": {"code": ".", "command": "python run.py --x ${{inputs.x}}", "inputs": inputs}}


def test_inputs_the_runner_cannot_stand_in_for_are_refused_by_key(tmp_path: Path) -> None:
    with pytest.raises(PipelineError, match=r"jobs\.step\.inputs\.x\.path: 'azureml://datastores/raw/paths/a'"):
        local_inputs("step", _jobs(x={"path": "azureml://datastores/raw/paths/a"})["step"], {}, tmp_path)
    with pytest.raises(PipelineError, match=r"jobs\.step\.inputs\.x: .* is not an output of an earlier job"):
        local_inputs("step", _jobs(x="${{parent.jobs.other.outputs.o}}")["step"], {}, tmp_path)
    with pytest.raises(PipelineError, match=r"jobs\.step\.command: no local value for \$\{\{outputs\.y\}\}"):
        command_argv("step", "python run.py --y ${{outputs.y}}", {}, {})
    with pytest.raises(PipelineError, match=r"jobs: their inputs form a cycle \(a, b\)"):
        job_order(
            {
                "a": {"inputs": {"i": "${{parent.jobs.b.outputs.o}}"}},
                "b": {"inputs": {"i": "${{parent.jobs.a.outputs.o}}"}},
            }
        )


def test_a_pipeline_the_runner_refuses_exits_2_before_running_anything(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = yaml.safe_load(PIPELINE.read_text())
    document["jobs"]["transform_job"]["inputs"]["raw_data"]["path"] = "azureml://datastores/raw/paths/trips"
    pipeline = tmp_path / "pipeline-job.yml"
    pipeline.write_text(yaml.safe_dump(document))
    assert pipeline_local.main(["--pipeline", str(pipeline), "--out", str(tmp_path / "out")]) == 2
    assert "jobs.transform_job.inputs.raw_data.path" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def _pins(lines: list[str]) -> dict[str, str]:
    pins = {}
    for line in lines:
        name, sep, version = line.split("#", 1)[0].strip().partition("==")
        if sep:
            pins[name.lower()] = version
    return pins


def _conda(environment: str) -> dict[str, Any]:
    return yaml.safe_load((ROOT / "environments" / environment / "1" / "conda.yml").read_text())


def test_the_local_packages_are_those_of_the_deployments_and_the_pipelines_environments() -> None:
    local = _pins((ROOT / "requirements-pipeline.txt").read_text().splitlines())
    # the runner reads the pipeline file with the program's own PyYAML pin
    assert local.pop("pyyaml") == _pins((ROOT / "requirements.txt").read_text().splitlines())["pyyaml"]
    # the environments the pipeline and the deployments name, without their Azure ML packages (the
    # tracking plugin and the inference server: runs log locally, init()/run() are called directly)
    environments = {job["environment"] for job in yaml.safe_load(PIPELINE.read_text())["jobs"].values()}
    assert environments == {"azureml://registries/mlr-mlp-shared/environments/nyc-taxi-train/versions/2"}
    for name in ("nyc-taxi-train", "nyc-taxi-serve"):
        conda = _conda(name)
        pip_section = next(d["pip"] for d in conda["dependencies"] if isinstance(d, dict) and "pip" in d)
        pins = {k: v for k, v in _pins(pip_section).items() if not k.startswith("azureml-")}
        assert pins == local, name
        python = next(d for d in conda["dependencies"] if isinstance(d, str) and d.startswith("python="))
        assert PIPELINE_PYTHON.exists(), "no .venv-pipeline: run `make pipeline-local` (make test builds it)"
        version = subprocess.run(
            [str(PIPELINE_PYTHON), "-c", "import sys; print(f'{sys.version_info[0]}.{sys.version_info[1]}')"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        assert python == f"python={version}", name
