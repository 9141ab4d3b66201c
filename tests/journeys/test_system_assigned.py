"""What Azure grants a system-assigned identity itself holds without a record; the same role for a
user-assigned identity needs the stack's own role assignment."""

from __future__ import annotations

from typing import Any

from tests.planning import Resources

from .helpers import changed, journey, journeys, named, step


def _without_workspace_storage_grant(res: Resources) -> list[dict[str, Any]]:
    return [
        r
        for r in res.records
        if not (r["type"].endswith("RoleAssignment") and r["name"].endswith("storage-storage-blob-data-contributor"))
    ]


def test_azure_assigns_a_system_assigned_workspace_its_storage_role(stack_plans: dict[str, Resources]) -> None:
    """System-assigned workspace identity: "Role assignment creation: Managed by Microsoft";
    "Storage account: Storage Blob Data Contributor" (how-to-identity-based-service-authentication)."""
    res = stack_plans["staging"]
    records = _without_workspace_storage_grant(res)
    user_assigned = step(journey(journeys(res, records), "J1"), "Storage Blob Data Contributor", "default", "workspace")
    assert not user_assigned.ok
    workspace = named(records, "mlp-workspace-mlw")

    def system_assigned(inputs: dict[str, Any]) -> None:
        inputs["identity"] = {"type": "SystemAssigned"}
        inputs.pop("primaryUserAssignedIdentity", None)

    records = changed(records, workspace["urn"], system_assigned)
    named(records, "mlp-workspace-mlw")["outputs"]["identity"] = {"type": "SystemAssigned", "principalId": "1" * 8}
    by_azure = step(journey(journeys(res, records), "J1"), "Storage Blob Data Contributor", "default", "workspace")
    assert by_azure.ok
    assert by_azure.detail == "assigned by Azure to the system-assigned identity"
    assert by_azure.evidence == []


def test_azure_assigns_no_other_role_to_a_system_assigned_identity(stack_plans: dict[str, Resources]) -> None:
    """Reader on the storage's private endpoints is not among what Azure assigns: a
    system-assigned workspace identity needs it granted like any other (how-to-managed-network)."""
    res = stack_plans["staging"]
    workspace = named(res.records, "mlp-workspace-mlw")

    def system_assigned(inputs: dict[str, Any]) -> None:
        inputs["identity"] = {"type": "SystemAssigned"}
        inputs.pop("primaryUserAssignedIdentity", None)

    records = changed(res.records, workspace["urn"], system_assigned)
    named(records, "mlp-workspace-mlw")["outputs"]["identity"] = {"type": "SystemAssigned", "principalId": "1" * 8}
    readers = [s for s in journey(journeys(res, records), "J4").steps if s.needs == "Reader" and "endpoint" in s.on]
    assert readers
    assert not any(s.ok for s in readers)
