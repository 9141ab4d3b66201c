"""The words of definitions.py, resolved against one plan: who walks a journey (and so whether the
stack claims it), the conditions steps apply under, and what `who` and `on` stand for."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from .azure import fqdn_covers
from .definitions import PACKAGE_HOSTS, PIPELINE_COMPUTE
from .facts import AccessPrincipal, DataGrant, PlanFacts, Principal, Record, arm_parent, last_segment
from .paths import Vantage, aks_vantage, compute_vantage, public_access

PEOPLE = ("Group", "User")
DATA_SCIENTIST = "AzureML Data Scientist"
REGISTRY_USER = "AzureML Registry User"


@dataclass(frozen=True)
class Actor:
    principal: AccessPrincipal | None
    read_only: bool = False

    @property
    def label(self) -> str:
        return self.principal.key if self.principal else "Azure ML"


@dataclass(frozen=True)
class Target:
    label: str
    # what `on` names: a resource (ARM id, maybe outside the stack), or an internet host
    arm_id: str | None = None
    host: str | None = None
    record: Record | None = None
    # the key of azure.SYSTEM_ASSIGNED_GRANTS this target stands for ("default storage"...)
    kind: str = ""
    associated: bool = False
    # datastores: the private-link group of their endpoint and the role the settings grant
    group: str | None = None
    role: str | None = None
    missing: str | None = None


# --- who walks a journey (and so whether the stack claims it) --------------------------------


def _people_with_data_scientist(facts: PlanFacts) -> tuple[list[Actor], str]:
    found = [
        p
        for p in facts.access_principals.values()
        if p.principal_type in PEOPLE and DATA_SCIENTIST in p.workspace_roles
    ]
    if not found:
        return [], f"no Group or User of the access settings holds {DATA_SCIENTIST} on the workspace"
    return [Actor(p) for p in found], f"{DATA_SCIENTIST} on the workspace (access settings)"


def _deploy_principals(facts: PlanFacts) -> tuple[list[Actor], str]:
    holders = [p for p in facts.access_principals.values() if DATA_SCIENTIST in p.workspace_roles]
    pipelines = [p for p in holders if p.principal_type == "ServicePrincipal"]
    if pipelines:
        return [Actor(p) for p in pipelines], f"a service principal with {DATA_SCIENTIST} on the workspace"
    if holders:
        return [Actor(p) for p in holders], f"no service principal holds {DATA_SCIENTIST}: its holders deploy"
    return [], f"no principal of the access settings holds {DATA_SCIENTIST} on the workspace"


def _studio_users(facts: PlanFacts) -> tuple[list[Actor], str]:
    actors = []
    for principal in facts.access_principals.values():
        if principal.principal_type not in PEOPLE or not principal.data:
            continue
        if DATA_SCIENTIST in principal.workspace_roles:
            actors.append(Actor(principal))
        elif "Reader" in principal.workspace_roles:
            actors.append(Actor(principal, read_only=True))
    if not actors:
        return [], "no Group or User with a workspace role (Data Scientist or Reader) has datastore grants"
    return actors, "a workspace role and datastore grants (access settings)"


def _azure_ml(facts: PlanFacts) -> tuple[list[Actor], str]:
    return [Actor(None)], ""


def _registry_publishers(facts: PlanFacts) -> tuple[list[Actor], str]:
    found = [p for p in facts.access_principals.values() if REGISTRY_USER in p.registry_roles]
    if not found:
        return [], f"no principal of the access settings holds {REGISTRY_USER} on the shared registry (publish)"
    return [Actor(p) for p in found], f"{REGISTRY_USER} on the shared registry (sharedRegistry: publish)"


def _registry_deployers(facts: PlanFacts) -> tuple[list[Actor], str]:
    deployers, why = _deploy_principals(facts)
    found = [a for a in deployers if a.principal and a.principal.registry_roles]
    if not found:
        return [], f"no deploy principal holds a role on the shared registry ({why})"
    return found, f"{why}, with a role on the shared registry"


ACTORS: dict[str, Callable[[PlanFacts], tuple[list[Actor], str]]] = {
    "people with AzureML Data Scientist": _people_with_data_scientist,
    "deploy principals": _deploy_principals,
    "studio users": _studio_users,
    "Azure ML": _azure_ml,
    "registry publishers": _registry_publishers,
    "registry consumers that deploy": _registry_deployers,
}


# --- conditions --------------------------------------------------------------------------


def _identity_based_default_storage(facts: PlanFacts) -> tuple[bool, str]:
    storage = facts.associated("storageAccount")
    mode = str(facts.workspace_input("systemDatastoresAuthMode") or "").lower()
    shared_keys_off = facts.inputs(storage).get("allowSharedKeyAccess") is False
    return mode == "identity" or shared_keys_off, "default datastores authenticate with the caller's identity"


def _managed_network(facts: PlanFacts) -> tuple[bool, str]:
    return facts.isolation_mode is not None, f"managed network {facts.isolation_mode}"


def _kubernetes(facts: PlanFacts) -> tuple[bool, str]:
    return bool(facts.kubernetes_computes()), "a Kubernetes compute is attached"


def _kubernetes_user_assigned(facts: PlanFacts) -> tuple[bool, str]:
    identity = facts.identity_of(facts.workspace, "workspace", "workspace identity")
    user_assigned = identity is not None and not identity.system_assigned
    return bool(facts.kubernetes_computes()) and user_assigned, "Kubernetes compute, user-assigned workspace identity"


def _aks_in_subnet(facts: PlanFacts) -> tuple[bool, str]:
    return _aks_subnet(facts) is not None, "the AKS nodes are in a subnet of the stack"


def _private_registry(facts: PlanFacts) -> tuple[bool, str]:
    """Serverless image builds work "only when the workspace-dependent resources such as Storage
    Account or Container Registry aren't under any network restriction" (how-to-secure-workspace-vnet);
    approved outbound only flags them private: "the storage, key vault, and container registry used
    by the workspace are flagged as private" (how-to-managed-network)."""
    closed = []
    for key, label in (("containerRegistry", "registry"), ("storageAccount", "default storage")):
        record = facts.associated(key)
        if record is not None and public_access(record) != "open":
            closed.append(f"the {label} {last_segment(facts.id_of(record))} is {public_access(record)}")
    if facts.isolation_mode == "AllowOnlyApprovedOutbound":
        closed.append("the managed network (approved outbound only) flags the registry and storage private")
    if closed:
        return True, "; ".join(closed) + ": Azure ML cannot build images on the registry itself"
    return False, "the registry and the default storage are public: Azure ML builds images serverless"


def _compute_has_datastores(facts: PlanFacts) -> tuple[bool, str]:
    names = [t.label.removeprefix("datastore ") for t in _compute_datastores(facts)]
    if not names:
        return False, "the compute identity is granted no datastore (computeAccess)"
    return True, f"the compute identity is granted datastores (computeAccess): {', '.join(names)}"


def _package_egress(facts: PlanFacts) -> tuple[bool, str]:
    if facts.isolation_mode != "AllowOnlyApprovedOutbound":
        return True, "the build compute's outbound is not limited to approved rules"
    rules = [
        str(rule.get("destination"))
        for rule, _ in facts.outbound_rules()
        if rule.get("type") == "FQDN" and any(fqdn_covers(str(rule.get("destination", "")), h) for h in PACKAGE_HOSTS)
    ]
    if rules:
        return True, f"FQDN outbound rules to package indexes ({', '.join(sorted(rules))})"
    return False, (
        "approved outbound only and no FQDN rule to a package index (network.managed.packageEgress none): "
        "this workspace builds no environment with conda or pip packages"
    )


def _consumes_registry(facts: PlanFacts) -> tuple[bool, str]:
    registry = facts.shared_registry
    if registry is None:
        return False, "the stack consumes no shared registry (sharedRegistry)"
    return True, f"the stack consumes the shared registry {registry.get('name')}"


WHEN: dict[str, Callable[[PlanFacts], tuple[bool, str]]] = {
    "the stack consumes a shared registry": _consumes_registry,
    "package egress for image builds": _package_egress,
    "compute identity granted datastores": _compute_has_datastores,
    "identity-based default storage": _identity_based_default_storage,
    "managed network": _managed_network,
    "Kubernetes compute": _kubernetes,
    "Kubernetes compute with a user-assigned workspace identity": _kubernetes_user_assigned,
    "AKS in a subnet of the stack": _aks_in_subnet,
    "registry or default storage private": _private_registry,
}


# --- who: principals and vantage points ----------------------------------------------------


def _kubernetes_compute(facts: PlanFacts) -> Record | None:
    found = facts.kubernetes_computes()
    return found[0] if found else None


def _aks(facts: PlanFacts) -> Record | None:
    compute = _kubernetes_compute(facts)
    return facts.aks_of(compute) if compute is not None else None


def _aks_subnet(facts: PlanFacts) -> str | None:
    pools = facts.inputs(_aks(facts)).get("agentPoolProfiles") or []
    return next((str(p["vnetSubnetID"]) for p in pools if p.get("vnetSubnetID")), None)


def _image_build_compute(facts: PlanFacts) -> Record | None:
    name = facts.workspace_input("imageBuildCompute")
    return facts.computes.get(str(name)) if name else None


def _kubernetes_identity(facts: PlanFacts, actor: Actor) -> Principal | None:
    compute = _kubernetes_compute(facts)
    return facts.identity_of(compute, "compute", f"compute identity of {facts.inputs(compute).get('computeName')}")


def _aks_admin_group(facts: PlanFacts, actor: Actor) -> Principal | None:
    """The first admin group the cluster names (aadProfile.adminGroupObjectIDs, from
    compute.inference.adminGroupObjectIds)."""
    groups = (facts.inputs(_aks(facts)).get("aadProfile") or {}).get("adminGroupObjectIDs") or []
    return Principal(f"AKS admin group {groups[0]}", str(groups[0])) if groups else None


PRINCIPALS: dict[str, Callable[[PlanFacts, Actor], Principal | None]] = {
    "AKS admin group": _aks_admin_group,
    "actor": lambda facts, actor: Principal(actor.label, actor.principal.object_id) if actor.principal else None,
    "workspace identity": lambda facts, actor: facts.identity_of(facts.workspace, "workspace", "workspace identity"),
    "compute identity": lambda facts, actor: facts.identity_of(
        facts.computes.get(PIPELINE_COMPUTE), "compute", f"compute identity of {PIPELINE_COMPUTE}"
    ),
    "Kubernetes compute identity": _kubernetes_identity,
    "AKS cluster identity": lambda facts, actor: facts.identity_of(_aks(facts), "aks", "AKS cluster identity"),
}


def who_principal(facts: PlanFacts, who: str, actor: Actor) -> Principal | None:
    return PRINCIPALS[who](facts, actor)


def _workspace_endpoint_vnet(facts: PlanFacts) -> str | None:
    if facts.workspace is None:
        return None
    for endpoint in facts.endpoints_to(facts.id_of(facts.workspace), "amlworkspace"):
        return arm_parent(str((facts.inputs(endpoint).get("subnet") or {}).get("id", "")), "subnets")
    return None


def _browser(facts: PlanFacts, actor: Actor) -> Vantage:
    return Vantage(f"{actor.label}'s browser", "client", studio=True, same_vnet_as=_workspace_endpoint_vnet(facts))


def _image_build_nodes(facts: PlanFacts, actor: Actor) -> Vantage:
    compute = _image_build_compute(facts)
    label = f"image build compute {facts.workspace_input('imageBuildCompute') or '(none)'} nodes"
    if compute is None:
        return Vantage(label, "none", reason="the workspace names no image build compute of the plan")
    return compute_vantage(facts, compute, label)


def _managed_deployment_nodes(facts: PlanFacts, actor: Actor) -> Vantage:
    """A managed online deployment runs in the workspace's managed network when there is one
    (how-to-managed-network: it "secures [...] managed online endpoints"), else on Azure ML's
    hosts with internet access."""
    label = "managed online deployment"
    workspace = (facts.workspace["urn"],) if facts.workspace else ()
    return Vantage(label, "managed") if facts.isolation_mode else Vantage(label, "public-ip", evidence=workspace)


VANTAGES: dict[str, Callable[[PlanFacts, Actor], Vantage]] = {
    "actor's client": lambda facts, actor: Vantage(f"{actor.label}'s client", "client"),
    "actor's browser": _browser,
    "pipeline compute nodes": lambda facts, actor: compute_vantage(
        facts, facts.computes.get(PIPELINE_COMPUTE), f"{PIPELINE_COMPUTE} nodes"
    ),
    "image build compute nodes": _image_build_nodes,
    "AKS nodes": lambda facts, actor: aks_vantage(facts, _aks(facts), "AKS nodes"),
    "managed deployment nodes": _managed_deployment_nodes,
}


def who_vantage(facts: PlanFacts, who: str, actor: Actor) -> Vantage:
    return VANTAGES[who](facts, actor)


# --- on: targets ---------------------------------------------------------------------------


def _resource(facts: PlanFacts, record: Record | None, label: str, kind: str, *, associated: bool) -> list[Target]:
    if record is None:
        return [Target(label, kind=kind, missing=f"no {label} in the plan")]
    arm_id = facts.id_of(record)
    return [Target(f"{label} {last_segment(arm_id)}", arm_id, record=record, kind=kind, associated=associated)]


def _datastore_account(facts: PlanFacts, datastore: Record | None) -> tuple[str | None, str | None, str]:
    """(account ARM id, container scope, private-link group) of a blob or ADLS Gen2 datastore."""
    properties = facts.inputs(datastore).get("properties") or {}
    account = properties.get("accountName")
    if not account:
        return None, None, ""
    account_id = (
        f"/subscriptions/{properties.get('subscriptionId')}/resourceGroups/{properties.get('resourceGroup')}"
        f"/providers/Microsoft.Storage/storageAccounts/{account}"
    )
    container = properties.get("filesystem") or properties.get("containerName")
    # the endpoint the datastore type talks to: dfs for ADLS Gen2, blob for blob containers
    group = "dfs" if properties.get("datastoreType") == "AzureDataLakeGen2" else "blob"
    return account_id, f"{account_id}/blobServices/default/containers/{container}", group


def _actor_datastores(facts: PlanFacts, actor: Actor) -> list[Target]:
    return _datastore_targets(facts, actor.principal.data if actor.principal else [])


def _compute_datastores(facts: PlanFacts) -> list[Target]:
    identity = who_principal(facts, "compute identity", Actor(None))
    return _datastore_targets(facts, facts.data_grants_of(identity.object_id if identity else None))


def _datastore_targets(facts: PlanFacts, grants: Iterable[DataGrant]) -> list[Target]:
    targets = []
    for grant in grants:
        account_id, scope, group = _datastore_account(facts, grant.record)
        if account_id is None or scope is None:
            targets.append(
                Target(f"datastore {grant.datastore}", missing=f"no datastore {grant.datastore} in the plan")
            )
            continue
        container = last_segment(scope)
        targets.append(
            Target(
                f"datastore {grant.datastore} ({last_segment(account_id)}/{container})",
                scope,
                record=facts.record(account_id),
                group=group,
                role=grant.role,
            )
        )
    return targets


def account_of(target: Target) -> str:
    return arm_parent(target.arm_id or "", "blobServices")


def _endpoints_of_accounts(facts: PlanFacts, account_ids: Iterable[str]) -> list[Target]:
    targets = []
    for account_id in dict.fromkeys(a.lower() for a in account_ids):
        for endpoint in facts.endpoints_to(account_id):
            name = facts.inputs(endpoint).get("privateEndpointName") or endpoint["name"]
            targets.append(Target(f"private endpoint {name}", facts.id_of(endpoint), record=endpoint))
    return targets


def _aks_subnet_target(facts: PlanFacts, actor: Actor) -> list[Target]:
    subnet = _aks_subnet(facts)
    return [Target(f"subnet {last_segment(subnet)}", subnet, kind="AKS subnet")] if subnet else []


def _image_build_target(facts: PlanFacts, actor: Actor) -> list[Target]:
    record = _image_build_compute(facts)
    if record is None:
        name = facts.workspace_input("imageBuildCompute") or "(none)"
        return [Target(f"image build compute {name}", missing="no image build compute in the plan")]
    return _resource(facts, record, "compute", "image build compute", associated=False)


def _default_storage_endpoints(facts: PlanFacts, actor: Actor) -> list[Target]:
    storage = facts.associated("storageAccount")
    return _endpoints_of_accounts(facts, [facts.id_of(storage)] if storage else [])


def _actor_datastore_endpoints(facts: PlanFacts, actor: Actor) -> list[Target]:
    return _endpoints_of_accounts(facts, [account_of(t) for t in _actor_datastores(facts, actor) if t.arm_id])


def _workspace_identity_datastores(facts: PlanFacts, actor: Actor) -> list[Target]:
    default = facts.associated("storageAccount")
    default_id = facts.id_of(default).lower() if default else ""
    targets = []
    for grant in actor.principal.data if actor.principal else []:
        properties = facts.inputs(grant.record).get("properties") or {}
        account_id, _scope, _group = _datastore_account(facts, grant.record)
        uses_workspace_identity = str(properties.get("serviceDataAccessAuthIdentity", "None")) != "None"
        if account_id and uses_workspace_identity and account_id.lower() != default_id:
            targets.append(Target(f"account {last_segment(account_id)}", account_id, record=facts.record(account_id)))
    return targets


def _shared_registry(facts: PlanFacts, actor: Actor) -> list[Target]:
    """The registry of the shared stack: not a resource of this plan (its id comes from the settings,
    as the stack publishes it), so paths to it from outside a managed network are assumed."""
    registry = facts.shared_registry
    if registry is None:
        return [Target("shared registry", kind="shared registry", missing="the stack consumes no shared registry")]
    return [Target(f"registry {registry.get('name')}", str(registry["id"]), kind="shared registry")]


TARGETS: dict[str, Callable[[PlanFacts, Actor], list[Target]]] = {
    "shared registry": _shared_registry,
    "workspace": lambda facts, actor: _resource(facts, facts.workspace, "workspace", "workspace", associated=True),
    "default storage": lambda facts, actor: _resource(
        facts, facts.associated("storageAccount"), "default storage", "default storage", associated=True
    ),
    "registry": lambda facts, actor: _resource(
        facts, facts.associated("containerRegistry"), "registry", "registry", associated=True
    ),
    "AKS cluster": lambda facts, actor: _resource(facts, _aks(facts), "AKS cluster", "AKS cluster", associated=False),
    "AKS subnet": _aks_subnet_target,
    "pipeline compute": lambda facts, actor: _resource(
        facts, facts.computes.get(PIPELINE_COMPUTE), "compute", "pipeline compute", associated=False
    ),
    "image build compute": _image_build_target,
    "default storage private endpoints": _default_storage_endpoints,
    "actor's datastores": _actor_datastores,
    "compute's datastores": lambda facts, actor: _compute_datastores(facts),
    "actor's datastore private endpoints": _actor_datastore_endpoints,
    "actor's workspace-identity datastores": _workspace_identity_datastores,
    "inference instance types": lambda facts, actor: [Target("output inferenceInstanceTypes")],
    "mcr.microsoft.com": lambda facts, actor: [Target("mcr.microsoft.com", host="mcr.microsoft.com")],
    "package hosts": lambda facts, actor: [Target(host, host=host) for host in PACKAGE_HOSTS],
}


def on_targets(facts: PlanFacts, on: str, actor: Actor) -> list[Target]:
    return TARGETS[on](facts, actor)
