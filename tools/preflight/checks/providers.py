"""Resource providers registered, the stack's resource types offered in its region, and the
subscription features the stack uses.

- Providers: learn.microsoft.com/azure/azure-resource-manager/management/resource-providers-and-types
  (a subscription must be registered for a provider before its resource types can be deployed);
  `registrationState` from Providers_List (facts.py).
- Features_Get: GET /subscriptions/{s}/providers/Microsoft.Features/providers/{ns}/features/{name};
  `properties.state` (resources/resource-manager/Microsoft.Features/stable/2021-07-01/features.json,
  example getFeature.json). EncryptionAtHost: "You must enable the feature for your subscription
  before you use the EncryptionAtHost property" (virtual-machines/linux/disks-enable-host-based-
  encryption-cli, Prerequisites), then re-register Microsoft.Compute.
"""

from __future__ import annotations

from azure.core.exceptions import ResourceNotFoundError

from .. import arm
from ..report import Finding
from .facts import Facts


def providers(facts: Facts) -> list[Finding]:
    needs, listed = facts.needs, facts.providers()
    findings = []
    for namespace, why in sorted(needs.providers.items()):
        provider = listed.get(namespace.lower())
        state = str(provider.registration_state) if provider else "NotRegistered"
        if state == "Registered":
            findings.append(Finding("provider", namespace, "ok", f"Registered ({why})"))
        else:
            findings.append(
                Finding(
                    "provider",
                    namespace,
                    "fail",
                    f"{state} ({why})",
                    f"az provider register --namespace {namespace} (wait until Registered)",
                )
            )
    for arm_type, region in sorted(needs.located):
        namespace, _, rest = arm_type.partition("/")
        provider = listed.get(namespace.lower())
        kinds = [
            t for t in (provider.resource_types or [] if provider else []) if t.resource_type.lower() == rest.lower()
        ]
        regions = {arm.region(str(location)) for t in kinds for location in t.locations or []}
        if kinds and regions and region not in regions:
            where = (
                "ml-platform:location"
                if region == needs.location
                else "the region among ml-platform:mlRegistry.replicationLocations"
            )
            findings.append(
                Finding(
                    "region",
                    arm_type if region == needs.location else f"{arm_type} in {region}",
                    "fail",
                    f"not offered in {region}",
                    f"choose another {where} (offered in {len(regions)} regions)",
                )
            )
    return findings


def features(facts: Facts) -> list[Finding]:
    findings = []
    client = facts.clients.features()
    for (namespace, name), why in sorted(facts.needs.features.items()):
        target = f"{namespace}/{name}"
        try:
            state = str(client.features.get(namespace, name).properties.state)
        except ResourceNotFoundError:
            state = "NotRegistered"
        if state == "Registered":
            findings.append(Finding("feature", target, "ok", f"Registered ({why})"))
        else:
            findings.append(
                Finding(
                    "feature",
                    target,
                    "fail",
                    f"{state} ({why})",
                    f"az feature register --namespace {namespace} --name {name}; when Registered, "
                    f"az provider register --namespace {namespace}",
                )
            )
    return findings
