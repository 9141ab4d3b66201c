"""Names still held by soft-deleted resources: the key vault and the Azure ML workspace.

- Key vaults: Vaults_ListDeleted: GET /subscriptions/{s}/providers/Microsoft.KeyVault/deletedVaults;
  `value[] {name, properties {location, deletionDate, scheduledPurgeDate, purgeProtectionEnabled}}`
  (keyvault/resource-manager/Microsoft.KeyVault/stable/2024-11-01/keyvault.json, example
  listDeletedVaults.json). A vault name is global and a deleted vault keeps it until purged
  (learn: key-vault/general/soft-delete-overview); purge protection forbids purging before
  scheduledPurgeDate. Vaults deleted in other subscriptions are not visible here.
- Azure ML workspaces: "You can't reuse the name of a workspace that has been soft deleted until the
  retention period has passed or the workspace is permanently deleted" (learn: machine-learning/
  concept-soft-delete); no ARM operation lists soft-deleted workspaces. Workspaces_ListBySubscription
  (GET /subscriptions/{s}/providers/Microsoft.MachineLearningServices/workspaces, 2020-08-01) has been
  seen to include them (Azure/azure-powershell issue 28286) while Workspaces_Get answers 404
  (Azure/azure-cli issue 33756): a workspace listed under the stack's name that cannot be read is
  reported as soft-deleted. Only a real subscription confirms this behaviour.
"""

from __future__ import annotations

from azure.core.exceptions import ResourceNotFoundError

from .. import arm
from ..report import Finding
from .facts import Facts


def _rename(facts: Facts) -> str:
    return f"or set ml-platform:naming.revision to {facts.needs.revision + 1} (moves every global name)"


def deleted_vaults(facts: Facts) -> list[Finding]:
    name = facts.needs.key_vault
    if not name:
        return []
    for vault in facts.clients.keyvault().vaults.list_deleted():
        if str(vault.name).lower() != name.lower():
            continue
        props = vault.properties
        purge = "" if props and props.purge_protection_enabled else f", or az keyvault purge --name {name}"
        return [
            Finding(
                "soft-delete",
                f"key vault {name}",
                "fail",
                f"held by a deleted vault in {props.location if props else '?'} until "
                f"{props.scheduled_purge_date if props else '?'}",
                f"az keyvault recover --name {name}{purge}, {_rename(facts)}",
            )
        ]
    return [Finding("soft-delete", f"key vault {name}", "ok", "no deleted vault holds the name")]


def deleted_workspaces(facts: Facts) -> list[Finding]:
    needs = facts.needs
    if not needs.workspace:
        return []
    target = f"workspace {needs.workspace}"
    client = facts.clients.ml()
    listed = [
        w
        for w in client.workspaces.list_by_subscription()
        if str(w.name).lower() == needs.workspace.lower()
        and (arm.parse(str(w.id)).resource_group or "").lower() == needs.resource_group.lower()
    ]
    if not listed:
        return [Finding("soft-delete", target, "ok", "no workspace of that name in the group")]
    try:
        client.workspaces.get(needs.resource_group, needs.workspace)
    except ResourceNotFoundError:
        return [
            Finding(
                "soft-delete",
                target,
                "fail",
                "listed but not readable: a soft-deleted workspace holds the name",
                "recover or permanently delete it (portal: Azure Machine Learning > Recently deleted), "
                + _rename(facts),
            )
        ]
    return [Finding("soft-delete", target, "ok", "exists (deployed before)")]
