"""Preflight end to end, offline: prod's checks against recorded ARM responses (fake_arm.py).

Each scenario changes one answer of an all-green subscription and asserts the row it must turn
into, the exit code, and that nothing but GETs left the process.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.tools.preflight.fake_arm import (
    FOREIGN,
    SUBSCRIPTION,
    Arm,
    FakeCredential,
    FixtureTransport,
    NoCredential,
    prod_subscription,
)
from tools.plan.engine import run_program
from tools.plan.stackfile import load_stack_config
from tools.preflight.__main__ import main
from tools.preflight.azure_clients import Retry

S = f"/subscriptions/{SUBSCRIPTION}"
TINY_BACKOFF = Retry(total=2, backoff=0.001, backoff_max=0.01)


@pytest.fixture(scope="module")
def prod_plan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """prod's offline plan, written once (preflight reads it with --plan)."""
    path = tmp_path_factory.mktemp("plan") / "plan.json"
    path.write_text(json.dumps(run_program(load_stack_config("prod")).to_json()))
    return path


def preflight(plan: Path, tmp_path: Path, arm: Arm, credential: Any = None, *extra: str) -> tuple[int, list[dict]]:
    argv = ["--stack", "prod", "--plan", str(plan), "--subscription", SUBSCRIPTION, "--out", str(tmp_path), *extra]
    code = main(argv, credential=credential or FakeCredential(), transport=FixtureTransport(arm), retry=TINY_BACKOFF)
    report = tmp_path / "prod.json"
    findings = json.loads(report.read_text())["findings"] if report.exists() else []
    return code, findings


def rows(findings: list[dict], status: str) -> list[dict]:
    return [f for f in findings if f["status"] == status]


def assert_read_only(arm: Arm) -> None:
    assert arm.requests, "preflight asked Azure nothing"
    assert {method for method, _ in arm.requests} == {"GET"}
    assert arm.unmatched == []


def test_all_green_passes_with_every_check_and_only_reads(prod_plan: Path, tmp_path: Path) -> None:
    arm = prod_subscription()
    code, findings = preflight(prod_plan, tmp_path, arm)
    assert code == 0
    assert rows(findings, "fail") == []
    assert rows(findings, "warn") == []
    checks = {f["check"] for f in findings}
    assert checks == {"exists", "provider", "feature", "permission", "vm-size", "quota", "ml-quota", "soft-delete"}
    assert json.loads((tmp_path / "prod.json").read_text())["result"] == "pass"
    # the foreign scopes prod grants on were read where they are, in their own subscription
    permission_targets = {f["target"] for f in findings if f["check"] == "permission"}
    assert any(
        t.startswith(f"/subscriptions/{FOREIGN}/") and t.endswith("/containers/reference") for t in permission_targets
    )
    assert_read_only(arm)


@pytest.mark.parametrize(
    ("usages", "code", "status"),
    [("compute_usages_exact", 0, "ok"), ("compute_usages_short", 1, "fail")],
)
def test_compute_quota_at_and_over_the_limit(
    prod_plan: Path, tmp_path: Path, usages: str, code: int, status: str
) -> None:
    """prod's AKS pools may grow to 3 x 4 + 6 x 8 = 60 DDSv5 vCPUs: 60 free passes, 59 fails."""
    arm = prod_subscription().serve(f"{S}/providers/Microsoft.Compute/locations/westeurope/usages", usages)
    result, findings = preflight(prod_plan, tmp_path, arm)
    family = next(f for f in findings if f["check"] == "quota" and f["target"] == "standardddsv5family")
    assert (result, family["status"]) == (code, status)
    if status == "fail":
        assert "request 1 more vCPUs" in family["action"]
    assert_read_only(arm)


def test_unregistered_provider_fails_with_the_command_that_registers_it(prod_plan: Path, tmp_path: Path) -> None:
    arm = prod_subscription().serve(f"{S}/providers", "providers_container_service_unregistered")
    code, findings = preflight(prod_plan, tmp_path, arm)
    assert code == 1
    [row] = rows(findings, "fail")
    assert row["target"] == "Microsoft.ContainerService"
    assert "az provider register --namespace Microsoft.ContainerService" in row["action"]


def test_contributor_with_rbac_administrator_cannot_create_the_lock(prod_plan: Path, tmp_path: Path) -> None:
    """Contributor + Role Based Access Control Administrator: role assignments yes, locks no."""
    arm = prod_subscription().serve(
        f"{S}/providers/Microsoft.Authorization/roleAssignments", "role_assignments_contributor_rbac_admin"
    )
    code, findings = preflight(prod_plan, tmp_path, arm)
    assert code == 1
    failed = rows(findings, "fail")
    assert [row["detail"].split()[0] for row in failed] == ["Microsoft.Authorization/locks/write"]
    assert failed[0]["target"] == f"{S}/resourceGroups/rg-mlp-prod"
    assert "Owner or User Access Administrator" in failed[0]["action"]
    assert_read_only(arm)


def test_soft_deleted_vault_holding_the_name(prod_plan: Path, tmp_path: Path) -> None:
    arm = prod_subscription().serve(f"{S}/providers/Microsoft.KeyVault/deletedVaults", "deleted_vaults_holding_name")
    code, findings = preflight(prod_plan, tmp_path, arm)
    assert code == 1
    [row] = rows(findings, "fail")
    assert row["target"] == "key vault kv-mlp-prod-ffac8abd"
    assert "az keyvault recover --name kv-mlp-prod-ffac8abd" in row["action"]
    assert "purge" not in row["action"]  # purge protection: the vault cannot be purged early
    assert "ml-platform:naming.revision to 1" in row["action"]


def test_restricted_size_fails(prod_plan: Path, tmp_path: Path) -> None:
    arm = prod_subscription().serve(f"{S}/providers/Microsoft.Compute/skus", "resource_skus_gpu_restricted")
    code, findings = preflight(prod_plan, tmp_path, arm)
    assert code == 1
    [row] = rows(findings, "fail")
    assert (row["check"], row["target"]) == ("vm-size", "Standard_NC4as_T4_v3")
    assert "NotAvailableForSubscription" in row["detail"]


def test_throttled_read_is_retried_after_retry_after(prod_plan: Path, tmp_path: Path) -> None:
    vaults = f"{S}/providers/Microsoft.KeyVault/deletedVaults"
    arm = prod_subscription().serve(vaults, "throttled", "deleted_vaults")
    code, findings = preflight(prod_plan, tmp_path, arm)
    assert code == 0
    assert arm.count(vaults) == 2
    assert any(f["target"] == "key vault kv-mlp-prod-ffac8abd" and f["status"] == "ok" for f in findings)


def test_server_error_mid_way_is_reported_and_the_other_checks_still_run(
    prod_plan: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    usages = f"{S}/providers/Microsoft.MachineLearningServices/locations/westeurope/usages"
    arm = prod_subscription().serve(usages, "server_error")
    code, findings = preflight(prod_plan, tmp_path, arm)
    assert code == 1
    [row] = rows(findings, "fail")
    assert row["check"] == "ml-quota"
    assert "HTTP 500" in row["detail"]
    assert arm.count(usages) == TINY_BACKOFF.total + 1  # retried, then reported
    assert any(f["check"] == "soft-delete" for f in findings)  # the checks after it ran
    assert "Traceback" not in capsys.readouterr().err


def test_a_policy_that_would_register_a_provider_is_refused(prod_plan: Path, tmp_path: Path) -> None:
    """azure-mgmt-core answers 409 MissingSubscriptionRegistration by POSTing .../register: the
    read-only guard stops that request before the transport, and the check reports it."""
    arm = prod_subscription().serve(f"{S}/providers/Microsoft.Compute/skus", "missing_registration")
    code, findings = preflight(prod_plan, tmp_path, arm)
    assert code == 1
    assert any("preflight only reads: refused POST" in f["detail"] for f in rows(findings, "fail"))
    assert {method for method, _ in arm.requests} == {"GET"}


def test_no_credentials_exit_2_with_a_message_and_no_request(
    prod_plan: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    arm = prod_subscription()
    code, _ = preflight(prod_plan, tmp_path, arm, NoCredential())
    err = capsys.readouterr().err
    assert code == 2
    assert "no Azure credentials" in err
    assert "az login" in err
    assert "Traceback" not in err
    assert arm.requests == []


def test_no_subscription_exit_2(prod_plan: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.delenv("AZURE_SUBSCRIPTION_ID", raising=False)
    monkeypatch.delenv("ARM_SUBSCRIPTION_ID", raising=False)
    arm = prod_subscription()
    argv = ["--stack", "prod", "--plan", str(prod_plan), "--out", str(tmp_path)]
    assert main(argv, credential=FakeCredential(), transport=FixtureTransport(arm)) == 2
    assert "no subscription" in capsys.readouterr().err
    assert arm.requests == []


def test_bad_settings_exit_2_before_any_request(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    stack_file = tmp_path / "Pulumi.broken.yaml"
    stack_file.write_text("config:\n  ml-platform:tier: prod\n  ml-platform:location: westeurope\n")
    arm = prod_subscription()
    argv = [
        "--stack",
        "broken",
        "--stack-file",
        str(stack_file),
        "--subscription",
        SUBSCRIPTION,
        "--out",
        str(tmp_path),
    ]
    assert main(argv, credential=FakeCredential(), transport=FixtureTransport(arm)) == 2
    err = capsys.readouterr().err
    assert "ml-platform:namePrefix" in err
    assert "Traceback" not in err
    assert arm.requests == []
