"""Answers several checks share, each read once: providers, the resource group, VM sizes.

Sources (Azure/azure-rest-api-specs):
- Providers_List: GET /subscriptions/{s}/providers; `namespace`, `registrationState`,
  `resourceTypes[].resourceType|locations|apiVersions` (resources/resource-manager/
  Microsoft.Resources/stable/2025-04-01/resources.json, the version azure-mgmt-resource 26 calls).
- ResourceGroups_Get: GET /subscriptions/{s}/resourcegroups/{rg} (same file); 404 when absent.
- ResourceSkus_List: GET /subscriptions/{s}/providers/Microsoft.Compute/skus?$filter=location eq '..';
  `resourceType`, `name`, `family`, `capabilities[] {name, value}` (vCPUs, EncryptionAtHostSupported),
  `locationInfo[] {location, zones}`, `restrictions[] {type: Location|Zone, values,
  restrictionInfo {locations, zones}, reasonCode}` (compute/resource-manager/Microsoft.Compute/
  Skus/stable/2021-07-01/skus.json; example ListAvailableResourceSkusForARegion.json).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from azure.core.exceptions import ResourceNotFoundError

from .. import arm
from ..azure_clients import Clients
from ..needs import StackNeeds


@dataclass
class Facts:
    needs: StackNeeds
    clients: Clients
    _providers: dict[str, Any] | None = None
    _group_exists: bool | None = None
    _skus: dict[str, Any] | None = None
    _api_versions: dict[str, str] = field(default_factory=dict)

    def providers(self) -> dict[str, Any]:
        if self._providers is None:
            listed = self.clients.resources().providers.list()
            self._providers = {str(p.namespace).lower(): p for p in listed}
        return self._providers

    def group_exists(self) -> bool:
        if self._group_exists is None:
            try:
                self.clients.resources().resource_groups.get(self.needs.resource_group)
                self._group_exists = True
            except ResourceNotFoundError:
                self._group_exists = False
        return self._group_exists

    def skus(self) -> dict[str, Any]:
        """Virtual machine SKUs in the stack's region, by lowercase name."""
        if self._skus is None:
            listed = self.clients.compute().resource_skus.list(filter=f"location eq '{self.needs.location}'")
            self._skus = {str(s.name).lower(): s for s in listed if s.resource_type == "virtualMachines"}
        return self._skus

    def api_version(self, arm_type: str) -> str | None:
        """The newest stable API version ARM lists for a type (the provider's `apiVersions`)."""
        key = arm_type.lower()
        if key not in self._api_versions:
            namespace, _, rest = arm_type.partition("/")
            provider = self.providers().get(namespace.lower())
            versions = [
                str(v)
                for t in (provider.resource_types or [] if provider else [])
                if str(t.resource_type).lower() == rest.lower()
                for v in (t.api_versions or [])
            ]
            stable = sorted((v for v in versions if "preview" not in v), reverse=True)
            if not stable:
                return None
            self._api_versions[key] = stable[0]
        return self._api_versions[key]


def capability(sku: Any, name: str) -> str | None:
    for item in sku.capabilities or []:
        if item.name == name:
            return str(item.value)
    return None


def sku_zones(sku: Any, location: str) -> set[str]:
    return {
        str(zone)
        for info in sku.location_info or []
        if arm.region(str(info.location)) == location
        for zone in info.zones or []
    }
