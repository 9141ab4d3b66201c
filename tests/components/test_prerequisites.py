"""What a subscription and the deployer need before a first `pulumi up` (components/prerequisites.py):
data for a preflight check, each item with its reason and Microsoft source, derived from the settings."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest

from components.prerequisites import PROVIDERS, deployer_permissions, foreign_grant_scopes, required_providers
from components.settings import validate_settings
from components.settings.tiers import deep_merge
from tests.planning import EXISTING_ACCOUNT, stack_values
from tools.plan.stackfile import ROOT


def names(stack: str, overrides: dict[str, Any] | None = None) -> set[str]:
    settings = validate_settings(deep_merge(stack_values(stack), overrides or {}), stack)
    return {need.name for need in required_providers(settings)}


def permissions(stack: str, overrides: dict[str, Any] | None = None) -> list[Any]:
    return deployer_permissions(validate_settings(deep_merge(stack_values(stack), overrides or {}), stack))


def test_it_is_plain_data_a_preflight_tool_can_import_outside_a_pulumi_program() -> None:
    code = (
        "import sys\n"
        "from components.prerequisites import required_providers\n"
        "from components.settings import validate_settings\n"
        "from tests.planning import stack_values\n"
        "print(len(required_providers(validate_settings(stack_values('prod'), 'prod'))))\n"
        "print(any(m.startswith('pulumi_azure_native') for m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    count, azure_native = out.split()
    assert int(count) > 10
    assert azure_native == "False"


def test_every_need_says_why_and_where_microsoft_says_so() -> None:
    assert len({need.name for need in PROVIDERS}) == len(PROVIDERS)
    for need in PROVIDERS:
        assert need.reason, need.name
        assert need.source, need.name
        assert need.when, need.name
        assert need.namespace.startswith("Microsoft."), need.name
    feature = next(n for n in PROVIDERS if n.feature)
    assert feature.register == "az feature register --namespace Microsoft.Compute --name EncryptionAtHost"


def test_dev_needs_the_base_providers_only() -> None:
    dev = names("dev")
    assert {"Microsoft.MachineLearningServices", "Microsoft.Storage", "Microsoft.KeyVault"} <= dev
    assert not dev & {"Microsoft.Network", "Microsoft.DocumentDB", "Microsoft.ContainerService"}


def test_prod_needs_what_its_key_network_and_aks_use() -> None:
    """how-to-setup-customer-managed-keys lists DocumentDB and Search; how-to-managed-network Network;
    the AKS add-ons ContainerService, KubernetesConfiguration, PolicyInsights; EncryptionAtHost a feature."""
    prod = names("prod")
    assert {
        "Microsoft.DocumentDB",
        "Microsoft.Search",
        "Microsoft.Network",
        "Microsoft.ContainerService",
        "Microsoft.KubernetesConfiguration",
        "Microsoft.PolicyInsights",
        "Microsoft.Compute/EncryptionAtHost",
    } <= prod
    # a service-side key keeps no Cosmos DB or AI Search in the subscription
    service_side = names("prod", {"encryption": {"serviceSide": True, "cosmosDbPrincipalObjectId": None}})
    assert not service_side & {"Microsoft.DocumentDB", "Microsoft.Search"}
    no_aks = names("prod", {"compute": {"inference": {"enabled": False}}})
    assert not no_aks & {"Microsoft.ContainerService", "Microsoft.Compute/EncryptionAtHost"}


def test_locks_need_owner_or_user_access_administrator() -> None:
    """lock-resources: "Users assigned to the Owner and the User Access Administrator roles have the
    required access" (Microsoft.Authorization/locks/*)."""
    locks = [p for p in permissions("prod") if "Microsoft.Authorization/locks/*" in p.actions]
    assert len(locks) == 1
    assert "Role Based Access Control Administrator cannot" in locks[0].reason
    assert not [p for p in permissions("staging") if "Microsoft.Authorization/locks/*" in p.actions]


def test_role_assignments_on_every_foreign_scope_the_stack_grants_on() -> None:
    settings = validate_settings(stack_values("prod"), "prod")
    shared = settings.data.accounts["shared"].existing_id
    assert settings.shared_registry is not None
    registry = settings.shared_registry.id
    assert foreign_grant_scopes(settings) == [shared, registry]
    scoped = {
        p.scope for p in deployer_permissions(settings) if "Microsoft.Authorization/roleAssignments/write" in p.actions
    }
    assert {shared, registry} <= scoped


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        # an existing account no datastore uses gets no grant, so no right is needed there
        ({"data": {"accounts": {"other": {"existingId": EXISTING_ACCOUNT}}}}, False),
        # approving its endpoints (endpointApproval grant) is a grant on it, and the approval action
        ({"data": {"accounts": {"other": {"existingId": EXISTING_ACCOUNT, "endpointApproval": "grant"}}}}, True),
    ],
)
def test_an_existing_account_needs_rights_only_where_the_stack_grants(
    overrides: dict[str, Any], expected: bool
) -> None:
    scopes = {p.scope for p in permissions("prod", overrides)}
    assert (EXISTING_ACCOUNT in scopes) is expected
    approvals = [
        p
        for p in permissions("prod", overrides)
        if p.actions == ("Microsoft.Storage/storageAccounts/privateEndpointConnectionsApproval/action",)
    ]
    assert bool(approvals) is expected
