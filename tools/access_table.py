"""Generate the access model (who gets which role at which scope, per stack) from the stack
files, through the same grant planning the Access component uses, so it cannot drift.
`make docs` (tools/docs.py) writes it into docs/data-and-access.md."""

from __future__ import annotations

from components.access.grants import Grantee, plan_grants
from components.compute.job_roles import JobRoleScopes, job_roles
from components.data.datastores import datastore_target
from components.settings import StackSettings
from components.settings.loader import settings_from_config
from components.workspace.identity import USER_ASSIGNED_ROLES
from tools.plan.stackfile import environment_stacks, load_stack_config

SCOPES = {"workspace": "workspace", "storage": "default storage", "container": "container", "registry": "ML registry"}
TARGETS = {
    "storage": "default storage",
    "keyvault": "key vault",
    "registry": "container registry",
    "appinsights": "App Insights",
}


def stack_settings(stack: str) -> StackSettings:
    config = load_stack_config(stack)
    return settings_from_config(config.values, set(config.secret_keys), stack)


def rows(stack: str) -> list[list[str]]:
    settings = stack_settings(stack)
    targets = {name: datastore_target(store, "") for name, store in settings.data.datastores.items()}
    compute = Grantee("compute identity", "", "ServicePrincipal")
    table = []
    planned = plan_grants(
        settings.access, workspace_id="", default_storage_id="", datastores=targets, compute_grantees=[compute]
    )
    for grant in planned:
        principal = grant.principal if grant.principal == compute.key else f"`{grant.principal}`"
        target = grant.target.rsplit("/", 1)[-1] if grant.scope_kind == "registry" else grant.target
        if grant.scope_kind in ("workspace", "storage"):
            scope = SCOPES[grant.scope_kind]
        else:
            scope = f"{SCOPES[grant.scope_kind]} `{target}`"
        table.append([stack, principal, grant.principal_type, grant.role, scope])
    scopes = JobRoleScopes(storage_account_id="", registry_id="" if settings.registry.mode == "create" else None)
    for target, role, _ in job_roles(scopes):
        table.append([stack, compute.key, "ServicePrincipal", role, f"{TARGETS[target]} (before any cluster)"])
    identity = f"workspace identity ({settings.workspace.identity})"
    if settings.workspace.identity == "UserAssigned":
        for target, roles in USER_ASSIGNED_ROLES.items():
            table.append(
                [stack, identity, "ServicePrincipal", ", ".join(roles), f"{TARGETS[target]} (before the workspace)"]
            )
        table.append([stack, identity, "ServicePrincipal", "Contributor", "workspace (right after it)"])
    else:
        # Microsoft grants a system-assigned identity its roles itself: the stack adds none of them
        table.append([stack, identity, "ServicePrincipal", "(granted by Azure ML itself)", "associated resources"])
    return table


def access_model(stacks: list[str] | None = None) -> str:
    lines = ["| stack | who | type | role | scope |", "|---|---|---|---|---|"]
    order = {"dev": 0, "staging": 1, "prod": 2}
    # a shared stack grants nothing: the environment stacks grant their principals on its registry
    for stack in sorted(stacks or environment_stacks(), key=lambda s: (order.get(s, 3), s)):
        lines += ["| " + " | ".join(row) + " |" for row in rows(stack)]
    return "\n".join(lines)
