"""Network rules: private connectivity of the workspace, key vaults, storage and registries
(STK-07). (Each service's own public-network settings are judged with it: ML-01, ST-04, KV-04,
CR-02; the workspace's managed network by ML-02.)"""

from __future__ import annotations

from collections.abc import Iterator

from .lib.catalog import (
    KEY_VAULT,
    ML_OUTBOUND_RULE,
    ML_REGISTRY,
    ML_REGISTRY_ID_PART,
    ML_WORKSPACE,
    REGISTRY,
    ROLE_ASSIGNMENT,
    STORAGE_ACCOUNT,
    WORKSPACE_ASSOCIATED,
)
from .lib.props import keys, known_str, read, same
from .lib.rule import ADVISORY, DISABLED, MANDATORY, Levels, Param, Report, Resource, Stack, stack_rule, string_list

# --- STK-07 ------------------------------------------------------------------------------

APPROVED_OUTBOUND_ONLY = "AllowOnlyApprovedOutbound"


def _private_connectivity(stack: Stack) -> Iterator[Report]:
    required = {
        ML_WORKSPACE: ["amlworkspace"],
        KEY_VAULT: ["vault"],
        REGISTRY: ["registry"],
        STORAGE_ACCOUNT: [str(g).casefold() for g in stack.config["storageGroupIds"]],
    }
    covered: set[str] = set()

    def managed(ws: Resource) -> None:
        if not same(ws.get("managedNetwork.isolationMode"), APPROVED_OUTBOUND_ONLY):
            return
        # The managed VNet reaches the workspace's associated resources through managed private
        # endpoints, and any other resource through a PrivateEndpoint outbound rule: inline in
        # managedNetwork.outboundRules, or a ManagedNetworkSettingsRule resource of the workspace
        # (the platform's form for targets created after the workspace, such as data lakes).
        covered.add(ws.urn)
        for prop, kind, _label in WORKSPACE_ASSOCIATED:
            covered.update(r.urn for r in stack.refs(ws, prop, [kind]))
        rules = ws.get("managedNetwork.outboundRules")
        for name in keys(rules):
            if same(read(rules, [name, "type"]), "PrivateEndpoint"):
                target = read(rules, [name, "destination", "serviceResourceId"])
                if isinstance(target, str):
                    covered.update(r.urn for r in stack.by_arm_id(target, list(required)))
        for rule in stack.of_type(ML_OUTBOUND_RULE):
            if not any(w is ws for w in stack.parent(rule, "workspaceName", [ML_WORKSPACE])):
                continue
            if same(rule.get("properties.type"), "PrivateEndpoint"):
                targets = stack.refs(rule, "properties", list(required), "properties.destination.serviceResourceId")
                covered.update(r.urn for r in targets)

    complete = stack.index(stack.of_type(ML_WORKSPACE), managed)

    def check(resource: Resource) -> Iterator[str]:
        if resource.urn in covered:
            return
        wanted = required[resource.type]
        missing = [g for g in wanted if g not in stack.private_endpoint_groups(resource)]
        if missing and not complete:
            raise stack.undecided(resource, "whether a managed network covers it")
        if missing:
            yield (
                f"no private endpoint for {', '.join(missing)} and no workspace managed "
                f"network in {APPROVED_OUTBOUND_ONLY} mode covers it"
            )

    yield from stack.each(stack.of_type(*required), check)


STK_07 = stack_rule(
    rule_id="STK-07",
    slug="private-connectivity",
    summary="Every workspace, key vault, storage account and registry has private endpoints "
    "(amlworkspace; vault; blob and file; registry) or is covered by a workspace managed "
    "network in AllowOnlyApprovedOutbound mode (prod).",
    sources="custom stack rule",
    check=_private_connectivity,
    levels=Levels(dev=DISABLED, staging=MANDATORY, prod=MANDATORY),
    params=[
        Param(
            "storageGroupIds",
            string_list("Private endpoint sub-resources every storage account needs."),
            default=["blob", "file"],
        )
    ],
)


# --- STK-10 ------------------------------------------------------------------------------

# The sub-resource of an Azure ML registry's private endpoints (private-endpoint-dns).
AML_REGISTRY_GROUP = "amlregistry"


def _registry_private_access(stack: Stack) -> Iterator[Report]:
    # A private registry needs an endpoint, or no client reaches it (how-to-registry-network-isolation)
    def private_registry(registry: Resource) -> Iterator[str]:
        closed = same(registry.get("publicNetworkAccess"), "Disabled")
        if closed and AML_REGISTRY_GROUP not in stack.private_endpoint_groups(registry):
            yield f"public network access is Disabled and no private endpoint ({AML_REGISTRY_GROUP}) reaches it"

    yield from stack.each(stack.of_type(ML_REGISTRY), private_registry)

    # Registries the stack grants roles on (it consumes them), by ARM id
    consumed: dict[str, str] = {}

    def grant(assignment: Resource) -> None:
        scope = known_str(assignment.get("scope"))
        if scope and ML_REGISTRY_ID_PART in scope.casefold():
            consumed.setdefault(scope.rstrip("/").casefold(), scope)

    stack.index(stack.of_type(ROLE_ASSIGNMENT), grant)
    if not consumed:
        return

    # "Using assets from registry to a secure workspace requires configuring outbound access to the
    # registry" (how-to-registry-network-isolation): with approved outbound only, a private endpoint rule
    def isolated_workspace(ws: Resource) -> Iterator[str]:
        if not same(ws.get("managedNetwork.isolationMode"), APPROVED_OUTBOUND_ONLY):
            return
        reached: set[str] = set()
        rules = ws.get("managedNetwork.outboundRules")
        inline = [read(rules, [name]) for name in keys(rules)]
        owned = [
            r
            for r in stack.of_type(ML_OUTBOUND_RULE)
            if any(w is ws for w in stack.parent(r, "workspaceName", [ML_WORKSPACE]))
        ]
        for rule in [*inline, *(r.get("properties") for r in owned)]:
            if same(read(rule, ["type"]), "PrivateEndpoint") and same(
                read(rule, ["destination", "subresourceTarget"]), AML_REGISTRY_GROUP
            ):
                target = known_str(read(rule, ["destination", "serviceResourceId"]))
                if target:
                    reached.add(target.rstrip("/").casefold())
        for key, registry in sorted(consumed.items()):
            if key not in reached:
                yield (
                    f"the stack grants roles on the Azure ML registry {registry.rsplit('/', 1)[-1]}, but the managed "
                    f"network ({APPROVED_OUTBOUND_ONLY}) has no private-endpoint rule ({AML_REGISTRY_GROUP}) to it"
                )

    yield from stack.each(stack.of_type(ML_WORKSPACE), isolated_workspace)


STK_10 = stack_rule(
    rule_id="STK-10",
    slug="registry-private-access",
    summary="An Azure ML registry closed to the internet has a private endpoint (amlregistry), and a workspace "
    "in AllowOnlyApprovedOutbound reaches every registry its stack grants roles on through a "
    "private-endpoint outbound rule (amlregistry).",
    sources="custom stack rule",
    check=_registry_private_access,
    levels=Levels(dev=ADVISORY, staging=MANDATORY, prod=MANDATORY),
)


RULES = [STK_07, STK_10]
