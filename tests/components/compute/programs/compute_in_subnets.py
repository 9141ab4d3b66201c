"""A program for the tests: the Compute component alone, given subnets as the network feature
hands them over (the real platform passes the Network component's subnet ids)."""

import pulumi

from components.compute.compute import Compute
from components.compute.inference.extension import ScoringTls
from components.compute.job_roles import JobRoleScopes
from components.core.component import StackContext
from components.core.naming import Names
from components.settings import StackSettings, load_settings

# ARM ids in a subscription: a role assignment's definition id is built from its scope's subscription
GROUP = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg"
SUBNETS = {
    "training": f"{GROUP}/providers/Microsoft.Network/virtualNetworks/vnet/subnets/training",
    "aks": f"{GROUP}/providers/Microsoft.Network/virtualNetworks/vnet/subnets/aks",
}

settings = load_settings()
assert isinstance(settings, StackSettings)
ctx = StackContext(
    names=Names("ml-platform", "test", settings.name_prefix),
    location=settings.location,
    tags={"environment": "test"},
    protect=False,
    resource_group_name="rg-test",
    subscription_id="00000000-0000-0000-0000-000000000000",
    tenant_id="11111111-1111-1111-1111-111111111111",
)
Compute(
    "compute",
    ctx,
    settings.compute,
    workspace_name="mlw-test",
    role_scopes=JobRoleScopes(
        storage_account_id=f"{GROUP}/providers/Microsoft.Storage/storageAccounts/st",
        registry_id=f"{GROUP}/providers/Microsoft.ContainerRegistry/registries/cr",
    ),
    training_subnet_id=SUBNETS["training"],
    aks_subnet_id=SUBNETS["aks"],
    scoring_tls=ScoringTls(pulumi.Output.secret("certificate"), pulumi.Output.secret("key")),
    logs_id="/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/log",
)
