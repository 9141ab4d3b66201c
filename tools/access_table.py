"""Generate the README's access model (who gets which role at which scope, per stack) from the
stack files, through the same grant planning the Access component uses, so it cannot drift.

`python -m tools.access_table` rewrites the block between the markers in README.md; `--check`
exits 1 when it is out of date (a test runs the same comparison).
"""

from __future__ import annotations

import sys
from pathlib import Path

from components.access import Grantee, plan_grants
from components.data import datastore_target
from components.identity import USER_ASSIGNED_ROLES, WORKSPACE_STORAGE_ROLES
from components.settings import StackSettings, validate_settings
from components.settings.loader import read_config
from tools.plan.stackfile import ROOT, available_stacks, load_stack_config

README = ROOT / "README.md"
BEGIN, END = "<!-- BEGIN access-model -->", "<!-- END access-model -->"
SCOPES = {"workspace": "workspace", "container": "container", "registry": "ML registry"}
TARGETS = {
    "storage": "default storage",
    "keyvault": "key vault",
    "registry": "container registry",
    "appinsights": "App Insights",
}


def stack_settings(stack: str) -> StackSettings:
    config = load_stack_config(stack)
    public = {key: value for key, value in config.values.items() if key not in config.secret_keys}
    return validate_settings(read_config(public), stack)


def rows(stack: str) -> list[list[str]]:
    settings = stack_settings(stack)
    targets = {name: datastore_target(store, "") for name, store in settings.data.datastores.items()}
    compute = Grantee("compute identity", "", "ServicePrincipal")
    table = []
    for grant in plan_grants(settings.access, workspace_id="", datastores=targets, compute_grantees=[compute]):
        principal = grant.principal if grant.principal == compute.key else f"`{grant.principal}`"
        target = grant.target.rsplit("/", 1)[-1] if grant.scope_kind == "registry" else grant.target
        scope = "workspace" if grant.scope_kind == "workspace" else f"{SCOPES[grant.scope_kind]} `{target}`"
        table.append([stack, principal, grant.principal_type, grant.role, scope])
    identity = f"workspace identity ({settings.workspace.identity})"
    if settings.workspace.identity == "UserAssigned":
        for target, roles in USER_ASSIGNED_ROLES.items():
            table.append(
                [stack, identity, "ServicePrincipal", ", ".join(roles), f"{TARGETS[target]} (before the workspace)"]
            )
        table.append([stack, identity, "ServicePrincipal", "Contributor", "workspace (right after it)"])
    else:
        table.append([stack, identity, "ServicePrincipal", ", ".join(WORKSPACE_STORAGE_ROLES), TARGETS["storage"]])
    return table


def access_model(stacks: list[str] | None = None) -> str:
    lines = ["| stack | who | type | role | scope |", "|---|---|---|---|---|"]
    order = {"dev": 0, "staging": 1, "prod": 2}
    for stack in sorted(stacks or available_stacks(), key=lambda s: (order.get(s, 3), s)):
        lines += ["| " + " | ".join(row) + " |" for row in rows(stack)]
    return "\n".join(lines)


def render(readme: str) -> str:
    start, end = readme.index(BEGIN) + len(BEGIN), readme.index(END)
    return readme[:start] + "\n" + access_model() + "\n" + readme[end:]


def main(argv: list[str], readme: Path = README) -> int:
    current = readme.read_text()
    wanted = render(current)
    if "--check" in argv:
        if current != wanted:
            print("README.md access model is out of date: run `make docs`", file=sys.stderr)
            return 1
        return 0
    readme.write_text(wanted)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
