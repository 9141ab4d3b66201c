"""The prerequisites of docs/deploying.md, rendered from components/prerequisites.py (the data a
preflight tool reads too) and the shipped stack files, so the page cannot drift from the code."""

from __future__ import annotations

from components.prerequisites import PROVIDERS, deployer_permissions, required_providers
from tools.access_table import stack_settings
from tools.plan.stackfile import environment_stacks

ORDER = {"dev": 0, "staging": 1, "prod": 2}


def _stacks() -> list[str]:
    return sorted(environment_stacks(), key=lambda s: (ORDER.get(s, 3), s))


def prerequisites() -> str:
    stacks = _stacks()
    settings = {stack: stack_settings(stack) for stack in stacks}
    lines = [
        "| provider or feature | needed when | why | source | " + " | ".join(stacks) + " |",
        "|---|---|---|---|" + "---|" * len(stacks),
    ]
    for need in PROVIDERS:
        marks = ["yes" if need in required_providers(settings[s]) else "" for s in stacks]
        lines.append(f"| `{need.name}` | {need.when} | {need.reason} | {need.source} | " + " | ".join(marks) + " |")
    lines += ["", "| stack | actions | scope | roles that carry them | why | source |", "|---|---|---|---|---|---|"]
    for stack in stacks:
        for permission in deployer_permissions(settings[stack]):
            actions = ", ".join(f"`{a}`" for a in permission.actions)
            scope = (
                permission.scope if permission.scope in ("subscription", "resource group") else f"`{permission.scope}`"
            )
            lines.append(
                f"| {stack} | {actions} | {scope} | {permission.roles} | {permission.reason} | {permission.source} |"
            )
    return "\n".join(lines)
