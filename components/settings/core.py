"""Settings every stack has: tier, region, naming, tags, resource group."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Literal

from pydantic import ConfigDict, Field, field_validator

from .base import SettingsModel, cross_checks, problem
from .budget import BudgetSettings
from .regions import AZURE_REGIONS

Tier = Literal["dev", "staging", "prod"]
# What a stack is: an environment (workspace, compute, data, access) or the shared stack that creates
# the Azure ML registry the environments consume (settings/shared.py).
Kind = Literal["environment", "shared"]
DataClassification = Literal["public", "internal", "confidential", "restricted"]

# Characters Azure rejects in tag names; values are limited to 256 characters.
_BAD_TAG_CHARS = re.compile(r"[<>%&\\?/]")


class Tags(SettingsModel):
    """Tags stamped on every taggable resource. The four below are required by policy STK-01;
    any further string tags are passed through (``environment`` is set from the stack name)."""

    model_config = ConfigDict(extra="allow")

    owner: str = Field(min_length=1, max_length=256, description="Team or person accountable.")
    cost_center: str = Field(min_length=1, max_length=256, description="Cost centre to bill.")
    data_classification: DataClassification = Field(description="Highest classification of data the platform may hold.")

    @cross_checks
    def _extra_tags_are_valid(self) -> Iterator[ValueError]:
        for key, value in (self.model_extra or {}).items():
            if key == "environment":
                yield problem(key, "is set from the stack name; remove it")
            if _BAD_TAG_CHARS.search(key) or len(key) > 512:
                yield problem(key, "tag names may not contain < > % & \\ ? / (max 512 chars)")
            if not isinstance(value, str) or len(value) > 256:
                yield problem(key, "tag values must be strings of at most 256 characters (quote numbers and dates)")

    def as_dict(self, environment: str) -> dict[str, str]:
        tags = {
            "environment": environment,
            "owner": self.owner,
            "costCenter": self.cost_center,
            "dataClassification": self.data_classification,
        }
        tags.update({k: str(v) for k, v in (self.model_extra or {}).items()})
        return tags


class ResourceGroupSettings(SettingsModel):
    create: bool = Field(default=True, description="Create the resource group, or use an existing one named `name`.")
    name: str | None = Field(
        default=None,
        min_length=1,
        max_length=90,
        pattern=r"^[\w\-.()]*[\w\-()]$",
        description="Resource group name (default `rg-<prefix>-<stack>`); required when create is false.",
    )

    @cross_checks
    def _existing_needs_name(self) -> Iterator[ValueError]:
        if not self.create and not self.name:
            yield problem("name", "required when resourceGroup.create is false")


class NamingSettings(SettingsModel):
    revision: int = Field(
        default=0,
        ge=0,
        le=999,
        description=(
            "Bump to move every globally unique name (storage, key vault, registry) and the "
            "workspace name off names still held by soft-deleted resources. Renames = replaces."
        ),
    )


def check_location(value: str) -> str:
    if value not in AZURE_REGIONS:
        raise ValueError(f"'{value}' is not an Azure region name (e.g. westeurope, eastus2)")
    return value


class CoreFields(SettingsModel):
    """Mixed into the root model: the top-level scalar keys of a stack file."""

    tier: Tier = Field(description="Environment tier; picks every default in this table.")
    kind: Kind = Field(
        default="environment",
        description="`environment` (a workspace and everything around it) or `shared` (the Azure ML registry).",
    )
    location: str = Field(description="Azure region of every resource.")
    name_prefix: str = Field(
        pattern=r"^[a-z][a-z0-9]{1,7}$",
        description="2-8 lowercase letters/digits, starting with a letter; starts every name.",
    )
    tags: Tags
    protect: bool = Field(
        description="Pulumi `protect` on stateful resources (workspace, storage, key vault, registry, logs)."
    )
    resource_group: ResourceGroupSettings = Field(default_factory=ResourceGroupSettings)
    naming: NamingSettings = Field(default_factory=NamingSettings)
    budget: BudgetSettings = Field(default_factory=BudgetSettings)
    # Read by the offline plan's gate only (tools/plan/diff/gate.py), never by a component: the
    # acknowledgement lives in the reviewed change itself, beside what it destroys.
    allow_destroy: list[str] = Field(
        default_factory=list,
        description=(
            "Pulumi resource names (as diff.json shows them) whose destructive change this change "
            "acknowledges: a stateful resource replaced or deleted, `protect` or a lock removed "
            "(docs/reviewing-changes.md). A name that matches no destructive change is an error."
        ),
    )

    _location = field_validator("location")(check_location)

    @cross_checks
    def _allow_destroy_names(self) -> Iterator[ValueError]:
        seen: set[str] = set()
        for i, name in enumerate(self.allow_destroy):
            if not name.strip():
                yield problem(f"allowDestroy[{i}]", "an empty name: give the resource's Pulumi name from diff.json")
            elif name in seen:
                yield problem(f"allowDestroy[{i}]", f"'{name}' is listed twice")
            seen.add(name)
