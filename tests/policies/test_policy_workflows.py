"""The GitHub workflows: schema-valid (check-jsonschema's vendored schema, offline) and wired
to run the policy pack with each stack's config."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = ROOT / ".github" / "workflows"
STACKS = ["dev", "staging", "prod"]
CHECK_JSONSCHEMA = Path(sys.executable).parent / "check-jsonschema"
# A dead proxy: any attempt to reach the network fails instead of passing silently.
NO_NETWORK = {
    **os.environ,
    "HTTP_PROXY": "http://127.0.0.1:9",
    "HTTPS_PROXY": "http://127.0.0.1:9",
    "http_proxy": "http://127.0.0.1:9",
    "https_proxy": "http://127.0.0.1:9",
}


def load(name: str) -> dict[str, Any]:
    data = yaml.safe_load((WORKFLOWS / name).read_text())
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as True
    return data  # type: ignore[no-any-return]


def validate(*files: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(CHECK_JSONSCHEMA), "--builtin-schema", "vendor.github-workflows", *map(str, files)],
        check=False,
        capture_output=True,
        text=True,
        env=NO_NETWORK,
        timeout=120,
    )


def steps_using(job: dict[str, Any], action: str) -> list[dict[str, Any]]:
    return [s for s in job["steps"] if str(s.get("uses", "")).startswith(action + "@")]


def test_workflows_match_the_github_workflow_schema() -> None:
    files = sorted(WORKFLOWS.glob("*.yml"))
    assert {f.name for f in files} >= {"pull-request.yml", "deploy.yml", "deploy-stack.yml"}
    result = validate(*files)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_schema_check_rejects_a_broken_workflow(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text((WORKFLOWS / "pull-request.yml").read_text().replace("contents: read", "contents: reed", 1))
    result = validate(broken)
    assert result.returncode != 0
    assert "reed" in result.stdout


def test_pull_requests_run_tests_and_every_offline_plan_without_secrets() -> None:
    workflow = load("pull-request.yml")
    assert "pull_request" in workflow["on"]
    assert "pull_request_target" not in workflow["on"]
    assert workflow["permissions"] == {"contents": "read"}
    offline = workflow["jobs"]["offline"]
    assert "permissions" not in offline
    assert "secrets." not in yaml.safe_dump(offline)
    assert steps_using(offline, "actions/setup-python")[0]["with"]["python-version"] == "3.11"
    scripts = "\n".join(s.get("run", "") for s in offline["steps"])
    assert "make test" in scripts
    # every stack in one plan process (make diff-all: every file in stacks/, including ones a team
    # adds, against the base branch planned the same way), then each stack's summary; the step
    # fails with the plan's worst exit code
    assert 'make diff-all BASE="$BASE_SHA" ALLOW_DESTROY="$ALLOW_DESTROY" || status=$?' in scripts
    step = next(s for s in offline["steps"] if "make diff-all" in s.get("run", ""))
    assert step["env"]["BASE_SHA"] == "${{ github.event.pull_request.base.sha }}"
    assert step["env"]["ALLOW_DESTROY"] == "${{ contains(github.event.pull_request.labels.*.name, 'allow-destroy') }}"
    assert "${{" not in step["run"]  # event values reach the script through env only
    assert steps_using(offline, "actions/checkout")[0]["with"]["fetch-depth"] == 0  # the base commit is there
    assert {"labeled", "unlabeled"} <= set(workflow["on"]["pull_request"]["types"])  # the label re-runs it
    assert "make plan STACK=" not in scripts
    assert "for file in stacks/Pulumi.*.yaml" in scripts
    assert 'summary="build/plan/$stack/summary.md"' in scripts
    assert '>> "$GITHUB_STEP_SUMMARY"' in scripts


def test_pull_request_preview_runs_the_pack_for_same_repository_branches_only() -> None:
    preview = load("pull-request.yml")["jobs"]["preview"]
    assert preview["if"] == "github.event.pull_request.head.repo.full_name == github.repository"
    assert preview["permissions"]["id-token"] == "write"
    # every stack file previews, the shared stack too (sorted here, the matrix's order is free)
    assert sorted(preview["strategy"]["matrix"]["stack"]) == sorted([*STACKS, "shared"])
    installs = "\n".join(s.get("run", "") for s in preview["steps"])
    # the plan's set: --which-policy-config imports the plan's input checks (jsonschema among them)
    assert "pip install -r requirements-plan.txt" in installs
    login = steps_using(preview, "azure/login")
    assert login
    assert login[0]["uses"] == "azure/login@v2"
    assert login[0]["with"] == {
        "client-id": "${{ secrets.AZURE_CLIENT_ID }}",
        "tenant-id": "${{ secrets.AZURE_TENANT_ID }}",
        "subscription-id": "${{ secrets.AZURE_SUBSCRIPTION_ID }}",
    }
    pulumi = steps_using(preview, "pulumi/actions")
    assert pulumi[0]["uses"] == "pulumi/actions@v7"
    assert pulumi[0]["with"] == {
        "command": "preview",
        "stack-name": "${{ matrix.stack }}",
        "work-dir": ".",
        "cloud-url": "${{ secrets.PULUMI_BACKEND_URL }}",
        "policyPacks": "policies",
        "policyPackConfigs": "${{ steps.policy.outputs.config }}",
        "comment-on-pr": True,
    }
    assert preview["env"]["PULUMI_ACCESS_TOKEN"] == "${{ secrets.PULUMI_ACCESS_TOKEN }}"


def test_deploy_goes_dev_and_shared_then_staging_then_prod_behind_environments() -> None:
    deploy = load("deploy.yml")
    assert deploy["on"] == {"push": {"branches": ["main"]}}
    assert deploy["permissions"] == {"contents": "read"}
    jobs = deploy["jobs"]
    # staging publishes to the shared stack's registry and prod deploys from it (docs/deploying.md)
    assert [jobs[s]["needs"] for s in [*STACKS, "shared"]] == ["test", ["dev", "shared"], "staging", "test"]
    for stack in [*STACKS, "shared"]:
        assert jobs[stack]["uses"] == "./.github/workflows/deploy-stack.yml"
        assert jobs[stack]["with"] == {"stack": stack}
        assert jobs[stack]["permissions"]["id-token"] == "write"
    assert "make test" in "\n".join(s.get("run", "") for s in jobs["test"]["steps"])

    stack_workflow = load("deploy-stack.yml")
    assert "workflow_call" in stack_workflow["on"]
    up = stack_workflow["jobs"]["up"]
    assert up["environment"] == "${{ inputs.stack }}"
    # the plan's set (--which-policy-config runs the plan's input checks) and preflight's
    installs = "\n".join(s.get("run", "") for s in up["steps"])
    assert "pip install -r requirements-plan.txt -r requirements-preflight.txt" in installs
    assert steps_using(up, "azure/login")[0]["uses"] == "azure/login@v2"
    pulumi = steps_using(up, "pulumi/actions")[0]
    assert pulumi["uses"] == "pulumi/actions@v7"
    assert {
        k: pulumi["with"][k] for k in ("command", "stack-name", "work-dir", "policyPacks", "policyPackConfigs")
    } == {
        "command": "up",
        "stack-name": "${{ inputs.stack }}",
        "work-dir": ".",
        "policyPacks": "policies",
        "policyPackConfigs": "${{ steps.policy.outputs.config }}",
    }
    resolve = next(step for step in up["steps"] if step.get("id") == "policy")
    assert "python -m tools.plan --stack ${{ inputs.stack }} --which-policy-config" in resolve["run"]
    assert '>> "$GITHUB_OUTPUT"' in resolve["run"]


@pytest.mark.parametrize("stack", [*STACKS, "shared"])
def test_the_deployment_runs_the_pack_with_the_config_the_plan_used(
    stack: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--which-policy-config` answers what the offline plan reads: the shared stack (no file of its
    own) gets its tier's, so `pulumi up --stack shared` runs the pack with prod's levels."""
    from tools.plan.__main__ import main
    from tools.plan.inputs import checked_inputs

    assert main(["--stack", stack, "--which-policy-config"]) == 0
    printed = capsys.readouterr().out.strip()
    _, used, _ = checked_inputs(stack, None, None)
    assert (ROOT / printed).resolve() == used.resolve()
    # each environment stack has its tier's name; stacks/Pulumi.shared.yaml is of tier prod
    assert printed == f"policies/config/{'prod' if stack == 'shared' else stack}.json"


def test_which_policy_config_of_a_stack_with_no_file_is_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    from tools.plan.__main__ import main

    assert main(["--stack", "nosuch", "--which-policy-config"]) == 2
    assert "no stack file" in capsys.readouterr().err


def test_every_stack_named_by_the_workflows_has_a_config_file() -> None:
    for stack in STACKS:
        assert (ROOT / "policies" / "config" / f"{stack}.json").is_file()
