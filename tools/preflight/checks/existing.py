"""Resources the stack references by id exist, and the resource group when the stack does not
create it.

- ResourceGroups_Get (facts.py); Resources_GetById: GET /{resourceId}?api-version=<the newest
  stable version the provider lists for the type> (resources/resource-manager/Microsoft.Resources/
  stable/2025-04-01/resources.json; 404 when absent, 403 when the deployer cannot read it).
"""

from __future__ import annotations

from azure.core.exceptions import HttpResponseError, ResourceNotFoundError

from .. import arm
from ..report import Finding
from .facts import Facts


def resource_group(facts: Facts) -> list[Finding]:
    needs = facts.needs
    target = f"resource group {needs.resource_group}"
    if facts.group_exists():
        return [Finding("exists", target, "ok", "exists")]
    if needs.creates_group:
        return [Finding("exists", target, "ok", "the stack creates it")]
    return [
        Finding(
            "exists",
            target,
            "fail",
            "not found (ml-platform:resourceGroup.create is false)",
            "create the group, or set ml-platform:resourceGroup.create: true",
        )
    ]


def references(facts: Facts) -> list[Finding]:
    findings = []
    for reference in facts.needs.references:
        parsed = arm.parse(reference.arm_id)
        version = facts.api_version(parsed.type or "")
        if version is None:
            findings.append(
                Finding(
                    "exists", reference.arm_id, "warn", f"no API version known for {parsed.type}", "check it by hand"
                )
            )
            continue
        client = facts.clients.resources(parsed.subscription)
        try:
            client.resources.get_by_id(reference.arm_id, api_version=version)
        except ResourceNotFoundError:
            findings.append(
                Finding("exists", reference.arm_id, "fail", "not found", f"create it or fix {reference.setting}")
            )
            continue
        except HttpResponseError as error:
            if error.status_code != 403:
                raise
            findings.append(
                Finding(
                    "exists",
                    reference.arm_id,
                    "fail",
                    "the deployer cannot read it (403)",
                    f"grant the deployer Reader on it ({reference.setting})",
                )
            )
            continue
        findings.append(Finding("exists", reference.arm_id, "ok", f"exists ({reference.setting})"))
    return findings
