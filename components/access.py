"""Role assignments from the access settings, plus the data roles of the platform's own identities.

Every assignment goes through `assign_role`: a GUID derived from scope, role and principal (a
rerun never duplicates or replaces one) and an explicit principal type. Scopes are the narrowest
that work: ML roles on the workspace, data roles on one container, Registry User on one registry.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import pulumi

from .core.component import PlatformComponent, StackContext
from .core.role_assignment import assign_role
from .core.roles import PrincipalType
from .data.datastores import DatastoreTarget
from .settings.access import DATA_ROLES, REGISTRY_USER, AccessSettings
from .settings.data import AccessLevel

ScopeKind = Literal["workspace", "container", "registry"]
_LEVELS: tuple[AccessLevel, ...] = ("read", "write")


@dataclass(frozen=True)
class Grantee:
    """An identity the platform makes itself (e.g. the compute identity) that needs data roles:
    it gets, on every datastore's container, the level that datastore's `computeAccess` names."""

    key: str  # stable, readable: part of the assignment's resource name (e.g. "compute")
    principal_id: pulumi.Input[str]
    principal_type: PrincipalType


@dataclass(frozen=True)
class Grant:
    principal: str
    principal_id: pulumi.Input[str]
    principal_type: PrincipalType
    role: str
    scope_kind: ScopeKind
    target: str  # what the scope is, readably: "workspace", "<account>/<container>", a registry id
    scope: pulumi.Input[str]
    resource: str  # resource-name suffix, unique per grant

    def output(self) -> dict[str, object]:
        return audit_entry(
            self.principal, self.principal_id, self.principal_type, self.role, self.scope_kind, self.target
        )


def audit_entry(
    principal: str, principal_id: pulumi.Input[str], principal_type: str, role: str, scope_kind: str, target: str
) -> dict[str, object]:
    """What an engineer needs to audit a grant (principal ids are not secrets)."""
    return {
        "principal": principal,
        "objectId": principal_id,
        "principalType": principal_type,
        "role": role,
        "scopeKind": scope_kind,
        "target": target,
    }


def identity_grant_summary(
    principal: str, principal_id: pulumi.Input[str], grants: Sequence[tuple[str, str]]
) -> list[dict[str, object]]:
    """The audit view of a managed identity's (target resource, role) grants made elsewhere."""
    return [audit_entry(principal, principal_id, "ServicePrincipal", role, target, target) for target, role in grants]


def _slug(text: str) -> str:
    return text.lower().replace(" ", "-").replace("/", "-")


def plan_grants(
    settings: AccessSettings,
    *,
    workspace_id: pulumi.Input[str],
    datastores: Mapping[str, DatastoreTarget],
    compute_grantees: Sequence[Grantee] = (),
) -> list[Grant]:
    """Every assignment, once: a principal with read and write on one container gets write only."""
    grants: list[Grant] = []
    for key, principal in settings.principals.items():
        who = (key, principal.normalized_object_id, principal.type)
        for role in principal.roles:
            grants.append(Grant(*who, role, "workspace", "workspace", workspace_id, f"{key}-{_slug(role)}"))
        grants += _container_grants(who, principal.datastores, datastores)
        for registry in principal.registries:
            digest = hashlib.sha256(registry.lower().encode()).hexdigest()[:6]
            name = registry.rsplit("/", 1)[-1].lower()
            grants.append(Grant(*who, REGISTRY_USER, "registry", registry, registry, f"{key}-registry-{name}-{digest}"))
    for grantee in compute_grantees:
        levels: dict[str, AccessLevel] = {}
        for name, target in datastores.items():
            if target.compute_level:
                levels[name] = target.compute_level
        who = (grantee.key, grantee.principal_id, grantee.principal_type)
        grants += _container_grants(who, levels, datastores)
    return grants


def _container_grants(
    who: tuple[str, pulumi.Input[str], PrincipalType],
    levels: Mapping[str, AccessLevel],
    datastores: Mapping[str, DatastoreTarget],
) -> list[Grant]:
    strongest: dict[str, AccessLevel] = {}
    scopes: dict[str, pulumi.Input[str]] = {}
    for name, level in levels.items():
        target = datastores[name]
        current = strongest.get(target.container_key)
        if current is None or _LEVELS.index(level) > _LEVELS.index(current):
            strongest[target.container_key] = level
        scopes[target.container_key] = target.container_id
    return [
        Grant(
            *who, DATA_ROLES[level], "container", container, scopes[container], f"{who[0]}-{_slug(container)}-{level}"
        )
        for container, level in strongest.items()
    ]


class Access(PlatformComponent):
    def __init__(
        self,
        name: str,
        ctx: StackContext,
        settings: AccessSettings,
        *,
        workspace_id: pulumi.Input[str],
        datastores: Mapping[str, DatastoreTarget],
        compute_grantees: Sequence[Grantee] = (),
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("Access", name, ctx, opts)
        self.grants = plan_grants(
            settings, workspace_id=workspace_id, datastores=datastores, compute_grantees=compute_grantees
        )
        self.assignments = [
            assign_role(
                self.child_name(grant.resource),
                scope=grant.scope,
                role=grant.role,
                principal_id=grant.principal_id,
                principal_type=grant.principal_type,
                subscription_id=ctx.subscription_id,
                opts=self.child_opts(),
                description=f"{grant.role} for {grant.principal} (managed by the ml-platform stack)",
            )
            for grant in self.grants
        ]
        self.summary = [grant.output() for grant in self.grants]
        self.finish({"grants": self.summary})
