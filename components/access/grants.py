"""Which role assignments the access settings ask for, planned once before any is made.

Scopes are the narrowest that work: ML roles on the workspace, data roles on one container,
Reader or AzureML Registry User on the shared registry. A principal with read and write on one
container gets write only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import pulumi

from components.data.datastores import DatastoreTarget
from components.settings.access import DATA_ROLES, DEFAULT_STORAGE_ROLES, AccessSettings, PrincipalType
from components.settings.data import AccessLevel
from components.settings.registry import REGISTRY_ROLES

from .audit import audit_entry

ScopeKind = Literal["workspace", "storage", "container", "registry"]
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
    target: str  # what the scope is, readably: "workspace", "default storage", "<account>/<container>", a registry id
    scope: pulumi.Input[str]
    resource: str  # resource-name suffix, unique per grant

    def output(self) -> dict[str, object]:
        return audit_entry(
            self.principal, self.principal_id, self.principal_type, self.role, self.scope_kind, self.target
        )


def _slug(text: str) -> str:
    return text.lower().replace(" ", "-").replace("/", "-")


def plan_grants(
    settings: AccessSettings,
    *,
    workspace_id: pulumi.Input[str],
    default_storage_id: pulumi.Input[str],
    datastores: Mapping[str, DatastoreTarget],
    compute_grantees: Sequence[Grantee] = (),
    shared_registry_id: str | None = None,
) -> list[Grant]:
    """Every assignment, once: a principal with read and write on one container gets write only."""
    grants: list[Grant] = []
    for key, principal in settings.principals.items():
        who = (key, principal.normalized_object_id, principal.type)
        for role in principal.roles:
            grants.append(Grant(*who, role, "workspace", "workspace", workspace_id, f"{key}-{_slug(role)}"))
        # on the account, as Microsoft documents it (a narrower container scope is undocumented)
        level = principal.default_storage_level
        for role in DEFAULT_STORAGE_ROLES[level] if level else ():
            grants.append(
                Grant(
                    *who, role, "storage", "default storage", default_storage_id, f"{key}-default-storage-{_slug(role)}"
                )
            )
        grants += _container_grants(who, principal.datastores, datastores)
        if principal.shared_registry is not None and shared_registry_id is not None:
            role = REGISTRY_ROLES[principal.shared_registry]
            grants.append(
                Grant(*who, role, "registry", shared_registry_id, shared_registry_id, f"{key}-mlregistry-{_slug(role)}")
            )
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
