"""The targets a component publishes (core/targets.py): handed to the shared components, they get
private endpoints, managed-network rules, diagnostic settings and locks, whoever made the resource."""

from __future__ import annotations

import textwrap
from pathlib import Path

from tests.planning import Resources, config_for
from tools.plan.engine import run_program

HOOK_PROGRAM = """
from components.core.component import StackContext
from components.core.naming import Names
from components.core.targets import DiagnosticTarget, LockTarget, PrivateLinkTarget
from components.protection.diagnostics import Diagnostics
from components.protection.locks import Locks
from components.network.private_endpoints import PrivateEndpoints
from components.network.outbound_rules import ManagedOutboundRules, user_defined_rules
from components.settings import StackSettings, load_settings

SUB = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-x/providers"
LAKE = SUB + "/Microsoft.Storage/storageAccounts/stlake"
AKS = SUB + "/Microsoft.ContainerService/managedClusters/aks-x"
settings = load_settings()
assert isinstance(settings, StackSettings)
ctx = StackContext(
    names=Names("ml-platform", "prod", "mlp"), location="westeurope", tags={"environment": "prod"}, protect=True,
    resource_group_name="rg-x", subscription_id="0", tenant_id="1",
)
lake = [PrivateLinkTarget("lake", LAKE, ("dfs", "blob"))]
PrivateEndpoints(
    "pe",
    ctx,
    private_dns_zone_ids=settings.network.private_dns_zone_ids,
    subnet_id=SUB + "/vnet/subnets/s",
    vnet_id=SUB + "/vnet",
    targets=lake,
)
ManagedOutboundRules("rules", ctx, workspace_name="mlw-x", rules=user_defined_rules(settings.network, lake))
Diagnostics("diag", ctx, settings.diagnostics, logs_id=SUB + "/law", targets=[DiagnosticTarget("aks", AKS)])
Locks("locks", ctx, settings.locks, targets=[LockTarget("lake", LAKE)], after=[])
"""


def test_targets_added_later_get_endpoints_rules_diagnostics_and_locks(tmp_path: Path) -> None:
    program = tmp_path / "__main__.py"
    program.write_text(textwrap.dedent(HOOK_PROGRAM))
    res = Resources(run_program(config_for("prod"), program=program))
    lake = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-x/providers"
    lake += "/Microsoft.Storage/storageAccounts/stlake"
    groups = sorted(
        pe["inputs"]["privateLinkServiceConnections"][0]["groupIds"][0] for pe in res.of_type("network:PrivateEndpoint")
    )
    assert groups == ["blob", "dfs"]
    zones = {z["inputs"]["privateZoneName"] for z in res.of_type("privatedns:PrivateZone")}
    assert zones == {"privatelink.blob.core.windows.net", "privatelink.dfs.core.windows.net"}
    rules = {r["inputs"]["ruleName"]: r["inputs"]["properties"] for r in res.of_type("ManagedNetworkSettingsRule")}
    assert rules["lake-dfs"]["destination"] == {
        "serviceResourceId": lake,
        "subresourceTarget": "dfs",
        "sparkEnabled": False,
    }
    # besides the package-index FQDN rules of the tier (settings, not targets)
    assert {name for name in rules if not name.startswith("pkg-")} == {"lake-dfs", "lake-blob"}
    assert res.one("monitor:DiagnosticSetting")["inputs"]["resourceUri"].endswith("/managedClusters/aks-x")
    assert res.one("authorization:ManagementLockByScope")["inputs"]["scope"] == lake
