"""The most a stack can cost in a month, from its plan records: a ceiling, not an estimate.

`ceiling(resources)` reads plan.json's `resources` (the records the offline plan writes: type, urn,
name, inputs) and prices everything that bills by the hour, the day or the month at its largest
planned size: every cluster at maxNodes, every instance and node pool running all month, the
Log Analytics workspace ingesting its whole daily cap every day. What bills by use (storage, key
vault operations, data processed) cannot be bounded from a plan: it is listed, not counted. A log
workspace without a daily cap makes the ceiling unbounded, and a meter without a row in the price
table makes it unknown; both are said, never guessed.

Pure: no settings, no engine, no network, so a base commit's plan.json gives its ceiling too
(`compare(base, head)` is the change a pull request makes).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..outbound import outbound_rules
from . import prices
from .prices import PERIODS_PER_MONTH, Price, PriceTable, default_table

Record = Mapping[str, Any]
UNKNOWN = "[unknown]"  # what the plan writes for a value not known before deployment


@dataclass(frozen=True)
class LineItem:
    """One priced meter of one resource: quantity x unit price x periods per month."""

    key: str  # urn#part: unique in a ceiling, stable across commits (compare() matches on it)
    urn: str
    resource: str
    item: str  # what is counted, in words
    quantity: float
    unit: str
    unit_price: float
    periods: float  # units of `unit` in a month (730 hours, 730/24 days, 1 month, the GB of a cap...)
    monthly: float
    price_id: str
    note: str = ""  # why the figure is an upper bound, where it is one beyond the ceiling itself


@dataclass(frozen=True)
class Gap:
    """A resource (or a part of one) the ceiling does not count, and why."""

    urn: str
    resource: str
    why: str


@dataclass(frozen=True)
class Ceiling:
    items: tuple[LineItem, ...]
    unpriced: tuple[Gap, ...]  # a billed meter without a row in the table: the ceiling is unknown
    unbounded: tuple[Gap, ...]  # a meter with no cap in the plan (logs without a daily cap)
    usage_based: tuple[Gap, ...]  # billed by use only: not ceilinged, listed
    table_date: str

    @property
    def total(self) -> float:
        """The sum of the line items (USD a month): the ceiling when `bounded`."""
        return round(sum(item.monthly for item in self.items), 2)

    @property
    def bounded(self) -> bool:
        return not self.unpriced and not self.unbounded


@dataclass(frozen=True)
class ItemChange:
    key: str
    resource: str
    item: str
    base: float  # 0 where the item is new
    head: float  # 0 where the item is gone

    @property
    def delta(self) -> float:
        return round(self.head - self.base, 2)


@dataclass(frozen=True)
class CeilingChange:
    base: Ceiling
    head: Ceiling
    items: tuple[ItemChange, ...] = field(default=())

    @property
    def delta(self) -> float:
        return round(self.head.total - self.base.total, 2)


def compare(base: Ceiling, head: Ceiling) -> CeilingChange:
    """What changes between two ceilings, item by item (added, removed or re-priced), by key."""
    before = {item.key: item for item in base.items}
    after = {item.key: item for item in head.items}
    changes = []
    for key in sorted(before.keys() | after.keys()):
        old, new = before.get(key), after.get(key)
        if old is not None and new is not None and old.monthly == new.monthly:
            continue
        shown = new or old
        assert shown is not None
        changes.append(
            ItemChange(
                key=key,
                resource=shown.resource,
                item=shown.item,
                base=old.monthly if old else 0.0,
                head=new.monthly if new else 0.0,
            )
        )
    return CeilingChange(base=base, head=head, items=tuple(changes))


# --- reading the records ---------------------------------------------------------------------


def _get(node: Any, path: str) -> Any:
    for part in path.split("."):
        if not isinstance(node, Mapping):
            return None
        node = node.get(part)
    return node


def _known(value: Any) -> bool:
    return value is not None and value != UNKNOWN


class _Pricer:
    """Collects the line items and gaps of one ceiling."""

    def __init__(self, table: PriceTable, region: str) -> None:
        self.table = table
        self.region = region  # the stack's region, for records that carry no location of their own
        self.items: list[LineItem] = []
        self.unpriced: list[Gap] = []
        self.unbounded: list[Gap] = []
        self.usage: list[Gap] = []

    def where(self, record: Record) -> str:
        location = _get(record, "inputs.location")
        return location if isinstance(location, str) and location != UNKNOWN else self.region

    def add(
        self,
        record: Record,
        part: str,
        item: str,
        quantity: Any,
        price_id: str | None,
        *,
        periods: float | None = None,
        note: str = "",
    ) -> None:
        """Price `quantity` of row `price_id` for a month (`periods` units; default: by the row's unit)."""
        urn, name = str(record["urn"]), str(record["name"])
        if price_id is None or not isinstance(quantity, (int, float)) or isinstance(quantity, bool):
            self.unpriced.append(Gap(urn, name, f"{item}: not known at plan time, so not priced"))
            return
        price: Price | None = self.table.get(price_id)
        if price is None:
            self.unpriced.append(Gap(urn, name, f"{item}: no price for {price_id} in the price table"))
            return
        count = periods if periods is not None else PERIODS_PER_MONTH[price.unit]
        monthly = round(quantity * price.usd * count, 2)
        self.items.append(
            LineItem(
                key=f"{urn}#{part}",
                urn=urn,
                resource=name,
                item=item,
                quantity=quantity,
                unit=price.unit,
                unit_price=price.usd,
                periods=round(count, 4),
                monthly=monthly,
                price_id=price.id,
                note=note,
            )
        )

    def gap(self, kind: list[Gap], record: Record, why: str) -> None:
        kind.append(Gap(str(record["urn"]), str(record["name"]), why))


# --- one function per billed resource type ---------------------------------------------------


def _vm_id(region: str, size: Any) -> str | None:
    return prices.vm(region, size) if isinstance(size, str) and _known(size) else None


def _ml_compute(p: _Pricer, record: Record, _: Sequence[Record]) -> None:
    compute_type = _get(record, "inputs.properties.computeType")
    region = p.where(record)
    if compute_type == "AmlCompute":
        size = _get(record, "inputs.properties.properties.vmSize")
        nodes = _get(record, "inputs.properties.properties.scaleSettings.maxNodeCount")
        priority = _get(record, "inputs.properties.properties.vmPriority") or "Dedicated"
        note = (
            "low priority, priced as dedicated: the table has no low-priority rows" if priority == "LowPriority" else ""
        )
        p.add(record, "nodes", f"{nodes} x {size} nodes at maxNodes", nodes, _vm_id(region, size), note=note)
    elif compute_type == "ComputeInstance":
        size = _get(record, "inputs.properties.properties.vmSize")
        # idle shutdown and schedules stop an instance, but nothing in the plan forbids running all month
        p.add(record, "instance", f"1 x {size} instance all month", 1, _vm_id(region, size))
    elif compute_type == "Kubernetes":
        p.gap(p.usage, record, "attached AKS compute: billed as the cluster's node pools, counted there")
    else:
        p.gap(p.usage, record, f"attached {compute_type} compute: billed by the attached service, not counted")


def _pool_nodes(pool: Mapping[str, Any]) -> Any:
    """Most nodes a pool can run: maxCount when autoscaling, else count (ARM's default is 1)."""
    if pool.get("enableAutoScaling") is True:
        return pool.get("maxCount")
    count = pool.get("count")
    return 1 if count is None else count


def _aks_cluster(p: _Pricer, record: Record, _: Sequence[Record]) -> None:
    region = p.where(record)
    pools = _get(record, "inputs.agentPoolProfiles")
    for pool in pools if isinstance(pools, list) else []:
        if not isinstance(pool, Mapping):
            continue
        nodes, size = _pool_nodes(pool), pool.get("vmSize")
        name = pool.get("name")
        p.add(record, f"pool:{name}", f"pool {name}: {nodes} x {size} nodes", nodes, _vm_id(region, size))
    # Microsoft (learn.microsoft.com/azure/aks/free-standard-pricing-tiers): the tier is a cluster
    # management charge per cluster hour; Free (the ARM default) has none.
    tier = _get(record, "inputs.sku.tier") or "Free"
    p.add(record, "tier", f"AKS {tier} tier", 1, prices.aks_tier(region, tier) if _known(tier) else None)


def _aks_pool(p: _Pricer, record: Record, _: Sequence[Record]) -> None:
    inputs = record.get("inputs") or {}
    nodes, size = _pool_nodes(inputs), inputs.get("vmSize")
    p.add(record, "nodes", f"{nodes} x {size} nodes", nodes, _vm_id(p.where(record), size))


def _container_registry(p: _Pricer, record: Record, _: Sequence[Record]) -> None:
    sku = _get(record, "inputs.sku.name")
    ok = isinstance(sku, str) and _known(sku)
    price_id = prices.container_registry(p.where(record), sku) if ok else None
    p.add(record, "sku", f"{sku} registry unit", 1, price_id)
    p.gap(p.usage, record, "storage beyond the SKU's included GB and data transfer: usage-based, not counted")


def _registry_replication(p: _Pricer, record: Record, _: Sequence[Record]) -> None:
    # Microsoft (container-registry-geo-replication): each replica is billed as a Premium registry unit
    p.add(record, "sku", "Premium replica", 1, prices.container_registry(p.where(record), "Premium"))


def _ml_registry(p: _Pricer, record: Record, _: Sequence[Record]) -> None:
    """An Azure ML registry bills through what it creates: a container registry unit per region."""
    regions = _get(record, "inputs.regionDetails")
    for detail in regions if isinstance(regions, list) else []:
        if not isinstance(detail, Mapping):
            continue
        location = detail.get("location")
        for index, acr in enumerate(detail.get("acrDetails") or []):
            sku = _get(acr, "systemCreatedAcrAccount.acrAccountSku")
            if sku is None:
                continue  # a user-created registry: a resource of its own, priced where it is planned
            ok = isinstance(location, str) and isinstance(sku, str) and _known(sku)
            price_id = prices.container_registry(str(location), str(sku)) if ok else None
            p.add(record, f"acr:{location}:{index}", f"{sku} registry unit in {location}", 1, price_id)
    p.gap(p.usage, record, "its storage accounts (the assets) and data transfer: usage-based, not counted")


def _private_endpoint(p: _Pricer, record: Record, _: Sequence[Record]) -> None:
    item = "private endpoint (data processed not counted)"
    p.add(record, "endpoint", item, 1, prices.private_endpoint(p.where(record)))


def _outbound_rule(p: _Pricer, record: Record, _: Sequence[Record]) -> None:
    # Microsoft (how-to-managed-network, "Pricing"): the managed network bills the private endpoints
    # its private-endpoint rules create (Azure Private Link) and, for FQDN rules, an Azure Firewall
    # (priced once per workspace, in _workspace); service tag rules bill nothing of their own.
    if _get(record, "inputs.properties.type") == "PrivateEndpoint":
        item = "managed-network private endpoint (data processed not counted)"
        p.add(record, "endpoint", item, 1, prices.private_endpoint(p.where(record)))


def _fqdn_rules(workspace: Record, resources: Sequence[Record]) -> int:
    name = _get(workspace, "inputs.workspaceName")
    rules = outbound_rules(resources)
    return sum(1 for rule in rules if rule.workspace == name and rule.properties.get("type") == "FQDN")


def _workspace(p: _Pricer, record: Record, resources: Sequence[Record]) -> None:
    """Microsoft (how-to-managed-network, "Pricing"): "FQDN outbound rules are implemented using
    Azure Firewall [...] The firewall isn't created until you add an outbound FQDN rule"; FQDN rules
    exist only in AllowOnlyApprovedOutbound. The SKU is the workspace's firewallSku (Standard when
    unset: azure-ai-ml ManagedNetwork "when unspecified this will default to FirewallSku.Standard")."""
    isolation = _get(record, "inputs.managedNetwork.isolationMode")
    rules = _fqdn_rules(record, resources)
    if isolation != "AllowOnlyApprovedOutbound" or rules == 0:
        return
    sku = _get(record, "inputs.managedNetwork.firewallSku") or "Standard"
    price_id = prices.firewall(p.where(record), sku) if _known(sku) else None
    item = f"managed network's Azure Firewall {sku} ({rules} FQDN rules; data processed not counted)"
    p.add(record, "firewall", item, 1, price_id)


def _nat_gateway(p: _Pricer, record: Record, _: Sequence[Record]) -> None:
    p.add(record, "gateway", "NAT gateway (data processed not counted)", 1, prices.nat_gateway(p.where(record)))


def _public_ip(p: _Pricer, record: Record, _: Sequence[Record]) -> None:
    sku = _get(record, "inputs.sku.name") or "Basic"
    ok = isinstance(sku, str) and _known(sku)
    p.add(record, "address", f"{sku} public IP address", 1, prices.public_ip(p.where(record), sku) if ok else None)


def _log_analytics(p: _Pricer, record: Record, _: Sequence[Record]) -> None:
    """Microsoft (azure-monitor/logs/daily-cap): the daily cap stops billable ingestion for the day
    once reached, so cap x days is the most a month ingests (the page warns that the stop is not
    instant: a little data past the cap can still arrive, so this term is the cap, not a hard bound).
    No cap: no bound."""
    cap = _get(record, "inputs.workspaceCapping.dailyQuotaGb")
    sku = _get(record, "inputs.sku.name") or "PerGB2018"
    if not isinstance(cap, (int, float)) or isinstance(cap, bool) or cap < 0:
        p.gap(p.unbounded, record, "no daily cap (monitoring.dailyQuotaGb): log ingestion has no ceiling")
        return
    price_id = prices.log_ingestion(p.where(record), sku) if _known(sku) else None
    days = prices.DAYS_PER_MONTH
    item = f"log ingestion at the daily cap of {cap} GB for {days:.2f} days"
    p.add(record, "ingestion", item, cap, price_id, periods=days)


def _private_dns_zone(p: _Pricer, record: Record, _: Sequence[Record]) -> None:
    p.add(record, "zone", "private DNS zone (queries not counted)", 1, prices.private_dns_zone())
    p.gap(p.usage, record, "DNS queries: usage-based, not counted")


def _usage(why: str) -> Callable[[_Pricer, Record, Sequence[Record]], None]:
    def listed(p: _Pricer, record: Record, _: Sequence[Record]) -> None:
        p.gap(p.usage, record, why)

    return listed


def _free(p: _Pricer, record: Record, _: Sequence[Record]) -> None:
    """No meter of its own (a grant, a name, a link between billed resources)."""


OUTBOUND_RULE = "azure-native:machinelearningservices:ManagedNetworkSettingsRule"

PRICED: dict[str, Callable[[_Pricer, Record, Sequence[Record]], None]] = {
    "azure-native:machinelearningservices:Compute": _ml_compute,
    "azure-native:containerservice:ManagedCluster": _aks_cluster,
    "azure-native:containerservice:AgentPool": _aks_pool,
    "azure-native:containerregistry:Registry": _container_registry,
    "azure-native:containerregistry:Replication": _registry_replication,
    "azure-native:machinelearningservices:Registry": _ml_registry,
    "azure-native:network:PrivateEndpoint": _private_endpoint,
    OUTBOUND_RULE: _outbound_rule,
    "azure-native:machinelearningservices:Workspace": _workspace,
    "azure-native:network:NatGateway": _nat_gateway,
    "azure-native:network:PublicIPAddress": _public_ip,
    "azure-native:operationalinsights:Workspace": _log_analytics,
    "azure-native:privatedns:PrivateZone": _private_dns_zone,
    # billed by use only: listed in the ceiling, not counted
    "azure-native:storage:StorageAccount": _usage("storage: capacity, operations and transfer are usage-based"),
    "azure-native:keyvault:Vault": _usage("key vault: operations are usage-based"),
    "azure-native:keyvault:Key": _usage("key: operations (and an HSM key's monthly fee per version) not counted"),
    "azure-native:keyvault:Secret": _usage("secret: operations are usage-based"),
    "azure-native:applicationinsights:Component": _usage(
        "workspace-based Application Insights ingests into the Log Analytics workspace (counted there)"
    ),
    "azure-native:monitor:DataCollectionRule": _usage("ingests into the Log Analytics workspace (counted there)"),
    "azure-native:monitor:DiagnosticSetting": _usage("sends logs to the Log Analytics workspace (counted there)"),
    "azure-native:kubernetesconfiguration:Extension": _usage("runs on the AKS node pools (counted there)"),
    "azure-native:machinelearningservices:RegistryEnvironmentVersion": _usage(
        "an asset in the registry's storage: usage-based"
    ),
    # no meter of their own
    "azure-native:resources:ResourceGroup": _free,
    "azure-native:authorization:RoleAssignment": _free,
    "azure-native:authorization:ManagementLockByScope": _free,
    "azure-native:managedidentity:UserAssignedIdentity": _free,
    "azure-native:machinelearningservices:Datastore": _free,
    "azure-native:machinelearningservices:RegistryEnvironmentContainer": _free,
    "azure-native:storage:BlobServiceProperties": _free,
    "azure-native:storage:BlobContainer": _free,
    "azure-native:network:VirtualNetwork": _free,
    "azure-native:network:Subnet": _free,
    "azure-native:network:NetworkSecurityGroup": _free,
    "azure-native:network:PrivateDnsZoneGroup": _free,
    "azure-native:privatedns:VirtualNetworkLink": _free,
    "azure-native:monitor:DataCollectionRuleAssociation": _free,
}


def _region(resources: Sequence[Record]) -> str:
    """The stack's region: its resource group's (every resource of a stack is there: STK-02)."""
    for record in resources:
        if record.get("type") == "azure-native:resources:ResourceGroup":
            location = _get(record, "inputs.location")
            if isinstance(location, str):
                return location
    return next((str(r["inputs"]["location"]) for r in resources if _get(r, "inputs.location")), "unknown")


def _judged(resources: Sequence[Record]) -> Iterator[Record]:
    """Azure resources only: the stack, components and providers bill nothing."""
    for record in resources:
        kind = str(record.get("type", ""))
        if record.get("custom", True) and kind.startswith("azure-native:") and not kind.startswith("pulumi:providers:"):
            yield record


def ceiling(resources: Sequence[Record], table: PriceTable | None = None) -> Ceiling:
    """The monthly ceiling of a plan's resource records, priced from `table` (default: prices.json)."""
    p = _Pricer(table or default_table(), _region(resources))
    for record in _judged(resources):
        handler = PRICED.get(str(record["type"]))
        if handler is None:
            p.gap(p.unpriced, record, f"{record['type']}: no pricing rule for this type (tools/plan/cost/ceiling.py)")
        else:
            handler(p, record, resources)
    return Ceiling(
        items=tuple(sorted(p.items, key=lambda i: i.key)),
        unpriced=tuple(sorted(p.unpriced, key=lambda g: (g.urn, g.why))),
        unbounded=tuple(sorted(p.unbounded, key=lambda g: (g.urn, g.why))),
        usage_based=tuple(sorted(p.usage, key=lambda g: (g.urn, g.why))),
        table_date=p.table.date,
    )
