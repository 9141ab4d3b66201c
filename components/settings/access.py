"""Access settings: who (Entra groups, users, service principals) gets which role at which scope.

Least privilege by construction: ML roles are granted on the workspace, data roles on one
container, Reader or AzureML Registry User on the shared Azure ML registry. Roles that can grant access or change
everything (Owner, User Access Administrator, RBAC Administrator, Contributor) are never grantable
from settings, and data scientists never get a role that creates or changes compute (the seed:
compute is for admins).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field

from .base import SettingsModel, cross_checks, problem
from .data import AccessLevel
from .ids import is_object_id
from .registry import REGISTRY_ROLES, RegistryAccess

# Per-tier defaults of this section (camelCase keys as in the stack file), merged by tiers.py.
# Who gets what is a per-stack decision (the stack files differ on purpose): no tier grants anything.
TIER_DEFAULTS: dict[str, dict[str, Any]] = {"dev": {}, "staging": {}, "prod": {}}

DATA_SCIENTIST = "AzureML Data Scientist"
REGISTRY_USER = REGISTRY_ROLES["publish"]
# Roles grantable on the workspace from settings (their GUIDs are in components/core/roles.py).
WORKSPACE_ROLES = ("AzureML Compute Operator", DATA_SCIENTIST, "Reader")
# Roles that create, change or delete compute (directly or through "*" actions).
COMPUTE_WRITE_ROLES = frozenset({"AzureML Compute Operator", "Contributor", "Owner"})
# Roles that can grant access or change everything: for a subscription owner, never for settings.
NEVER_FROM_SETTINGS = frozenset(
    {"Owner", "User Access Administrator", "Role Based Access Control Administrator", "Contributor"}
)
# A datastore access level is this data role on the datastore's container.
DATA_ROLES: dict[AccessLevel, str] = {"read": "Storage Blob Data Reader", "write": "Storage Blob Data Contributor"}
# The workspace's default storage with shared keys off: what a user needs there, per level. Microsoft
# (how-to-disable-local-auth-storage): "These users must be assigned the Storage Blob Data Contributor
# and Storage File Data Privileged Contributor roles [...] If these users only need read access, use
# the Storage Blob Data Reader and Storage File Data Privileged Reader roles instead." Blob: job code
# and data uploads, datasets, MLflow models; file: notebooks and the notebook file explorer.
DEFAULT_STORAGE_ROLES: dict[AccessLevel, tuple[str, str]] = {
    "read": ("Storage Blob Data Reader", "Storage File Data Privileged Reader"),
    "write": ("Storage Blob Data Contributor", "Storage File Data Privileged Contributor"),
}
DefaultStorageLevel = Literal["read", "write", "none"]

# the principalType every role assignment states (settings principals and the platform's own identities)
PrincipalType = Literal["User", "Group", "ServicePrincipal"]


def _principal_key(name: str) -> str:
    if not re.fullmatch(r"[a-zA-Z][a-zA-Z0-9]{0,39}", name):
        raise ValueError("a principal key is 1-40 letters and digits, starting with a letter (e.g. dataScientists)")
    return name


PrincipalKey = Annotated[str, AfterValidator(_principal_key)]


def _role_problem(role: str) -> str | None:
    if role in NEVER_FROM_SETTINGS:
        return f"'{role}' is never grantable from settings (it can grant access or change everything)"
    if role == REGISTRY_USER:
        return f"'{role}' is granted on the shared Azure ML registry: set sharedRegistry: publish"
    if role not in WORKSPACE_ROLES:
        return f"unknown role '{role}'; grantable on the workspace: {', '.join(WORKSPACE_ROLES)}"
    return None


class PrincipalSettings(SettingsModel):
    object_id: str = Field(description="Entra object id (GUID) of the group, user or service principal.")
    type: PrincipalType = Field(
        description="`Group`, `User` or `ServicePrincipal`: set on every assignment (no PrincipalNotFound)."
    )
    roles: list[str] = Field(
        default_factory=list,
        description="Roles on the workspace: `AzureML Data Scientist`, `AzureML Compute Operator`, `Reader`.",
    )
    datastores: dict[str, AccessLevel] = Field(
        default_factory=dict,
        description=(
            "Datastore name -> `read` (Storage Blob Data Reader) or `write` (Storage Blob Data Contributor) "
            "on its container."
        ),
    )
    shared_registry: RegistryAccess | None = Field(
        default=None,
        description=(
            "On the stack's `sharedRegistry`: `read` (Reader: use its models, environments and components) or "
            "`publish` (AzureML Registry User: also create assets there; never in a prod-tier stack)."
        ),
    )
    default_storage: DefaultStorageLevel | None = Field(
        default=None,
        description=(
            "The workspace's default storage (shared keys off): `write` (Storage Blob Data Contributor + Storage "
            "File Data Privileged Contributor: submit jobs, upload code and data, register models, studio "
            "notebooks), `read` (Storage Blob Data Reader + Storage File Data Privileged Reader: browse in "
            "studio) or `none`. Default: `write` for a principal holding `AzureML Data Scientist`, else `none`; "
            "`write` needs that role."
        ),
    )

    @cross_checks
    def _least_privilege(self) -> Iterator[ValueError]:
        if not is_object_id(self.object_id):
            yield problem("objectId", f"'{self.object_id}' is not an Entra object id (a GUID, not all zeros)")
        for i, role in enumerate(self.roles):
            message = _role_problem(role)
            if message:
                yield problem(f"roles[{i}]", message)
            elif role in self.roles[:i]:
                yield problem(f"roles[{i}]", f"'{role}' is listed twice")
        if DATA_SCIENTIST in self.roles:
            for i, role in enumerate(self.roles):
                if role in COMPUTE_WRITE_ROLES:
                    yield problem(
                        f"roles[{i}]",
                        f"'{role}' creates or changes compute and this principal holds {DATA_SCIENTIST}: "
                        "compute is for admins (give it to a separate admin group)",
                    )
        if self.default_storage == "write" and DATA_SCIENTIST not in self.roles:
            # Microsoft (concept-enterprise-security): "Don't grant permission on the workspace's storage
            # account to users that you don't want to access workspace computes or identities. The
            # workspace's storage account contains code and executables that run on your workspace computes."
            yield problem(
                "defaultStorage",
                f"'write' lets this principal change code that runs as the compute identity: it needs {DATA_SCIENTIST} "
                "(which can run code there already); use 'read' or 'none'",
            )

    @property
    def default_storage_level(self) -> AccessLevel | None:
        """The default-storage level with the default applied (None: no grant)."""
        level = self.default_storage or ("write" if DATA_SCIENTIST in self.roles else "none")
        return None if level == "none" else level

    @property
    def normalized_object_id(self) -> str:
        return self.object_id.lower()


class AccessSettings(SettingsModel):
    principals: dict[PrincipalKey, PrincipalSettings] = Field(
        default_factory=dict,
        description="Who gets access, by a readable key (e.g. `dataScientists`); one entry per object id.",
    )

    @cross_checks
    def _one_entry_per_principal(self) -> Iterator[ValueError]:
        seen: dict[str, str] = {}
        for key, principal in self.principals.items():
            other = seen.setdefault(principal.normalized_object_id, key)
            if other != key:
                # one entry per object id keeps the data-scientist/compute check whole
                yield problem(f"principals.{key}.objectId", f"already used by principals.{other}: merge the entries")
