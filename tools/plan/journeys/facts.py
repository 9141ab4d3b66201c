"""An index over one stack's plan records and outputs: what the journey evaluator looks things up in.

Plan records are those tools.plan writes into plan.json (type, inputs, outputs, dependencies); the
outputs are the stack's exports. The stack's settings are read only where the stack publishes
them: `accessGrants` (who is granted what, by the stack file's principal keys) and `datastores`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from ..outbound import outbound_rules

_AN = "azure-native"
WORKSPACE = f"{_AN}:machinelearningservices:Workspace"
COMPUTE = f"{_AN}:machinelearningservices:Compute"
DATASTORE = f"{_AN}:machinelearningservices:Datastore"
ROLE_ASSIGNMENT = f"{_AN}:authorization:RoleAssignment"
USER_ASSIGNED_IDENTITY = f"{_AN}:managedidentity:UserAssignedIdentity"
PRIVATE_ENDPOINT = f"{_AN}:network:PrivateEndpoint"
DNS_ZONE_GROUP = f"{_AN}:network:PrivateDnsZoneGroup"
SUBNET = f"{_AN}:network:Subnet"
PRIVATE_ZONE = f"{_AN}:privatedns:PrivateZone"
VNET_LINK = f"{_AN}:privatedns:VirtualNetworkLink"
MANAGED_CLUSTER = f"{_AN}:containerservice:ManagedCluster"

Record = Mapping[str, Any]


def arm_parent(arm_id: str, collection: str) -> str:
    """`/a/b/<collection>/x/...` -> `/a/b` (e.g. a subnet's VNet: arm_parent(id, "subnets"))."""
    marker = f"/{collection}/"
    index = arm_id.lower().find(marker.lower())
    return arm_id[:index] if index >= 0 else arm_id


def covers(scope: str, target: str) -> bool:
    """A role assignment at `scope` applies to `target` and everything under it (ARM ids are
    case-insensitive)."""
    scope, target = scope.lower().rstrip("/"), target.lower().rstrip("/")
    return target == scope or target.startswith(scope + "/")


def last_segment(arm_id: str) -> str:
    return arm_id.rstrip("/").rsplit("/", 1)[-1]


@dataclass(frozen=True)
class Principal:
    """Someone a role can be assigned to: a principal of the access settings or a managed identity."""

    label: str
    object_id: str | None
    # Azure assigns some roles to a system-assigned identity itself (azure.SYSTEM_ASSIGNED_GRANTS)
    system_assigned: bool = False
    # what the identity belongs to: workspace, compute, aks; None for people and pipelines
    owner: str | None = None
    evidence: tuple[str, ...] = ()


@dataclass(frozen=True)
class DataGrant:
    """A datastore an access principal is granted (the stack file's `datastores: {name: read|write}`)."""

    datastore: str
    role: str
    record: Record | None


@dataclass
class AccessPrincipal:
    key: str
    object_id: str
    principal_type: str
    workspace_roles: set[str] = field(default_factory=set)
    data: list[DataGrant] = field(default_factory=list)
    # roles on the Azure ML registries the stack consumes (accessGrants' scopeKind `registry`)
    registry_roles: set[str] = field(default_factory=set)


class PlanFacts:
    def __init__(self, records: Iterable[Record], outputs: Mapping[str, Any] | None = None) -> None:
        self.records = list(records)
        self.outputs = dict(outputs or {})
        self.by_urn = {r["urn"]: r for r in self.records}
        self.by_id: dict[str, Record] = {}
        for record in self.records:
            arm_id = (record.get("outputs") or {}).get("id")
            if isinstance(arm_id, str):
                self.by_id[arm_id.lower()] = record

    # --- lookups -------------------------------------------------------------------------

    def of_type(self, token: str) -> list[Record]:
        return [r for r in self.records if r["type"] == token]

    def record(self, arm_id: str | None) -> Record | None:
        return self.by_id.get(arm_id.lower()) if isinstance(arm_id, str) else None

    @staticmethod
    def id_of(record: Record) -> str:
        return str((record.get("outputs") or {}).get("id", record["urn"]))

    @staticmethod
    def inputs(record: Record | None) -> Mapping[str, Any]:
        return (record or {}).get("inputs") or {}

    @cached_property
    def workspace(self) -> Record | None:
        found = self.of_type(WORKSPACE)
        return found[0] if len(found) == 1 else None

    def workspace_input(self, key: str) -> Any:
        return self.inputs(self.workspace).get(key)

    def associated(self, key: str) -> Record | None:
        """The workspace's storage account, key vault or registry (`storageAccount`...)."""
        return self.record(self.workspace_input(key))

    @cached_property
    def isolation_mode(self) -> str | None:
        network = self.workspace_input("managedNetwork") or {}
        mode = network.get("isolationMode") if isinstance(network, Mapping) else None
        return mode if mode in ("AllowInternetOutbound", "AllowOnlyApprovedOutbound") else None

    @cached_property
    def computes(self) -> dict[str, Record]:
        return {str(self.inputs(r).get("computeName")): r for r in self.of_type(COMPUTE)}

    @staticmethod
    def compute_type(record: Record) -> str | None:
        return (PlanFacts.inputs(record).get("properties") or {}).get("computeType")

    def kubernetes_computes(self) -> list[Record]:
        return [r for r in self.computes.values() if self.compute_type(r) == "Kubernetes"]

    def aks_of(self, kubernetes_compute: Record) -> Record | None:
        return self.record((self.inputs(kubernetes_compute).get("properties") or {}).get("resourceId"))

    @cached_property
    def role_assignments(self) -> list[Record]:
        return self.of_type(ROLE_ASSIGNMENT)

    @cached_property
    def private_endpoints(self) -> list[Record]:
        return self.of_type(PRIVATE_ENDPOINT)

    def endpoints_to(self, target_id: str, group: str | None = None) -> list[Record]:
        """Private endpoints whose connection targets `target_id` (and the group, when given)."""
        found = []
        for endpoint in self.private_endpoints:
            for connection in self.inputs(endpoint).get("privateLinkServiceConnections") or []:
                same = str(connection.get("privateLinkServiceId", "")).lower() == target_id.lower()
                if same and (group is None or group in (connection.get("groupIds") or [])):
                    found.append(endpoint)
        return found

    def zone_group_of(self, endpoint: Record) -> Record | None:
        name = self.inputs(endpoint).get("privateEndpointName")
        for group in self.of_type(DNS_ZONE_GROUP):
            if self.inputs(group).get("privateEndpointName") == name:
                return group
        return None

    def zone_links(self, zone_name: str) -> list[Record]:
        return [link for link in self.of_type(VNET_LINK) if self.inputs(link).get("privateZoneName") == zone_name]

    def outbound_rules(self) -> list[tuple[Mapping[str, Any], Record]]:
        """(rule properties, the record that carries it): rule resources and rules inline on the
        workspace (tools/plan/outbound.py)."""
        return [
            (rule.properties, rule.record)
            for rule in outbound_rules(self.records)
            if not rule.inline or rule.record is self.workspace
        ]

    # --- identities --------------------------------------------------------------------------

    def identity_of(self, record: Record | None, owner: str, label: str) -> Principal | None:
        """The managed identity a resource runs as: its (primary) user-assigned identity, else its
        system-assigned one (whose principal id Azure returns once the resource exists)."""
        if record is None:
            return None
        identity = self.inputs(record).get("identity") or {}
        kind = str(identity.get("type", ""))
        assigned = identity.get("userAssignedIdentities") or []
        primary = self.inputs(record).get("primaryUserAssignedIdentity") or (assigned[0] if assigned else None)
        if "UserAssigned" in kind and primary:
            uai = self.record(primary)
            if uai is not None:
                name = self.inputs(uai).get("resourceName") or last_segment(primary)
                principal_id = (uai.get("outputs") or {}).get("principalId")
                return Principal(f"{label} ({name})", principal_id, owner=owner, evidence=(uai["urn"],))
            returned = ((record.get("outputs") or {}).get("identity") or {}).get("userAssignedIdentities") or {}
            principal_id = (returned.get(primary) or {}).get("principalId") if isinstance(returned, Mapping) else None
            return Principal(f"{label} ({last_segment(primary)})", principal_id, owner=owner)
        if "SystemAssigned" in kind:
            principal_id = ((record.get("outputs") or {}).get("identity") or {}).get("principalId")
            return Principal(f"{label} (system-assigned)", principal_id, system_assigned=True, owner=owner)
        return None

    @cached_property
    def platform_principal_ids(self) -> set[str]:
        """Principal ids of the managed identities the plan creates or enables (never access principals)."""
        ids = {str((r.get("outputs") or {}).get("principalId")) for r in self.of_type(USER_ASSIGNED_IDENTITY)}
        for record in self.records:
            identity = (record.get("outputs") or {}).get("identity")
            if isinstance(identity, Mapping) and identity.get("principalId"):
                ids.add(str(identity["principalId"]))
            kubelet = ((record.get("outputs") or {}).get("identityProfile") or {}).get("kubeletidentity") or {}
            if kubelet.get("objectId"):
                ids.add(str(kubelet["objectId"]))
        return {i.lower() for i in ids}

    # --- what the stack publishes of its settings ------------------------------------------

    @cached_property
    def access_principals(self) -> dict[str, AccessPrincipal]:
        """The access settings' principals by key, from the `accessGrants` export (without the
        platform's own identities), with their workspace roles and datastore grants."""
        return {p.key: p for p in self._grantees() if p.object_id.lower() not in self.platform_principal_ids}

    @cached_property
    def shared_registry(self) -> Mapping[str, Any] | None:
        """The shared registry the stack consumes, as it publishes it (`sharedRegistry`: id, name...)."""
        registry = self.outputs.get("sharedRegistry")
        return registry if isinstance(registry, Mapping) and registry.get("id") else None

    def data_grants_of(self, object_id: str | None) -> list[DataGrant]:
        """The datastores `accessGrants` says a principal (a compute identity too) is granted."""
        found = [p for p in self._grantees() if object_id and p.object_id.lower() == object_id.lower()]
        return [grant for principal in found for grant in principal.data]

    def _grantees(self) -> list[AccessPrincipal]:
        stores = self.outputs.get("datastores") or {}
        datastore_records = {str(self.inputs(r).get("name")): r for r in self.of_type(DATASTORE)}
        principals: dict[str, AccessPrincipal] = {}
        for grant in self.outputs.get("accessGrants") or []:
            key = str(grant.get("principal"))
            object_id = str(grant.get("objectId", ""))
            principal = principals.setdefault(key, AccessPrincipal(key, object_id, str(grant.get("principalType"))))
            if grant.get("scopeKind") == "workspace":
                principal.workspace_roles.add(str(grant.get("role")))
            elif grant.get("scopeKind") == "registry":
                principal.registry_roles.add(str(grant.get("role")))
            elif grant.get("scopeKind") == "container":
                for name, store in stores.items():
                    if f"{store.get('account')}/{store.get('container')}" == grant.get("target"):
                        principal.data.append(DataGrant(name, str(grant.get("role")), datastore_records.get(name)))
        return list(principals.values())
