"""Azure Machine Learning rules: workspace, compute, datastores (ML-01..ML-13), and the
workspace's associated resources belonging to the stack (STK-09)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from .lib.catalog import (
    AZUREML_EXTENSION_TYPE,
    K8S_EXTENSION,
    MANAGED_NETWORK_ON,
    ML_COMPUTE,
    ML_DATASTORE,
    ML_REGISTRY,
    ML_WORKSPACE,
    STORAGE_ACCOUNT,
    WORKSPACE_ASSOCIATED,
)
from .lib.props import MISSING, UNKNOWN, flag, fmt, key_ci, keys, one_of, read, same
from .lib.rule import (
    ADVISORY,
    MANDATORY,
    Levels,
    Param,
    Report,
    Resource,
    Stack,
    Tiers,
    boolean,
    integer,
    not_configured,
    resource_rule,
    stack_rule,
    string,
    string_list,
)
from .storage import network_exposure

AML_COMPUTE = "AmlCompute"
COMPUTE_INSTANCE = "ComputeInstance"
KUBERNETES = "Kubernetes"

# ASCII digits ([0-9], not \d, which takes any script's digits); fullmatch: no trailing newline
_ISO_DURATION = re.compile(r"P(?!$)([0-9]+D)?(T(?=[0-9])([0-9]+H)?([0-9]+M)?([0-9]+(\.[0-9]+)?S)?)?")


def compute_type(r: Resource) -> str:
    value = r.get("properties.computeType")
    return str(value) if value is not MISSING else ""


# --- ML-01 -------------------------------------------------------------------------------


def _workspace_not_public(r: Resource) -> Iterator[str]:
    yield from r.expect("publicNetworkAccess", "Disabled")
    yield from r.expect_not("allowPublicAccessWhenBehindVnet", True)


ML_01 = resource_rule(
    rule_id="ML-01",
    slug="workspace-public-network-disabled",
    summary="Azure ML workspaces set publicNetworkAccess to Disabled and do not allow public "
    "access when behind a VNet.",
    sources="CKV_AZURE_144, CKV2_AZURE_49, AzP 438c38d2, PSR Azure.ML.PublicAccess",
    types=[ML_WORKSPACE],
    check=_workspace_not_public,
    levels=Levels(dev=ADVISORY, staging=MANDATORY, prod=MANDATORY),
)


# --- ML-02 (stack: the customer-VNet alternative needs the private endpoints) ---------------


def _managed_network(stack: Stack) -> Iterator[Report]:
    allowed = list(stack.config["allowedIsolationModes"])

    def check(ws: Resource) -> Iterator[str]:
        mode = ws.get("managedNetwork.isolationMode")
        if mode is not MISSING and one_of(mode, allowed):
            return
        managed_off = mode is MISSING or same(mode, "Disabled")
        if managed_off and "amlworkspace" in stack.private_endpoint_groups(ws):
            return  # customer VNet: the workspace is reached through its private endpoint
        yield (
            f"managedNetwork.isolationMode is {fmt(mode)}; use one of {fmt(allowed)}, or a "
            "customer VNet with an 'amlworkspace' private endpoint"
        )

    yield from stack.each(stack.of_type(ML_WORKSPACE), check)


ML_02 = stack_rule(
    rule_id="ML-02",
    slug="workspace-managed-network-isolated",
    summary="Azure ML workspaces use a managed network in an allowed isolation mode (prod: "
    "AllowOnlyApprovedOutbound; the built-in policy's default parameter is wrong, so the "
    "allowed modes are set per stack), or a customer VNet with private endpoints.",
    sources="AzP 6ddb1705, CKV_AZURE_243",
    check=_managed_network,
    levels=Levels(dev=ADVISORY, staging=MANDATORY, prod=MANDATORY),
    params=[
        Param(
            "allowedIsolationModes",
            string_list("Managed-network isolation modes accepted in this stack."),
            tiers=Tiers(
                dev=["AllowOnlyApprovedOutbound", "AllowInternetOutbound"],
                staging=["AllowOnlyApprovedOutbound"],
                prod=["AllowOnlyApprovedOutbound"],
            ),
        )
    ],
)


# --- ML-03 -------------------------------------------------------------------------------


def _workspace_cmk(r: Resource) -> Iterator[str]:
    yield from r.expect("encryption.status", "Enabled")
    yield from r.expect_set("encryption.keyVaultProperties.keyVaultArmId")
    yield from r.expect_set("encryption.keyVaultProperties.keyIdentifier")


ML_03 = resource_rule(
    rule_id="ML-03",
    slug="workspace-customer-managed-key",
    summary="Azure ML workspaces encrypt with a customer-managed key (encryption.status Enabled "
    "with a key vault id and key identifier).",
    sources="AzP ba769a63, 7f40cee6",
    types=[ML_WORKSPACE],
    check=_workspace_cmk,
    levels=Levels(dev=ADVISORY, staging=ADVISORY, prod=ADVISORY),
)


# --- ML-04 -------------------------------------------------------------------------------


def _workspace_uami(r: Resource) -> Iterator[str]:
    kind = r.get("identity.type")
    if kind is MISSING or "userassigned" not in str(kind).casefold().replace(" ", ""):
        yield f"identity.type is {fmt(kind)}; it must include UserAssigned"
    yield from r.expect_set("primaryUserAssignedIdentity")


ML_04 = resource_rule(
    rule_id="ML-04",
    slug="workspace-user-assigned-identity",
    summary="Azure ML workspaces use a user-assigned identity set as primaryUserAssignedIdentity.",
    sources="AzP 5f0c7d88, PSR Azure.ML.UserManagedIdentity",
    types=[ML_WORKSPACE],
    check=_workspace_uami,
    levels=Levels(dev=ADVISORY, staging=ADVISORY, prod=ADVISORY),
)


# --- ML-05 (stack: needs the linked storage account) --------------------------------------


def _hbi(stack: Stack) -> Iterator[Report]:
    tag = str(stack.config["classificationTag"])
    sensitive = list(stack.config["sensitiveClassifications"])

    def check(ws: Resource) -> Iterator[Report]:
        tags = ws.get("tags")
        classification = read(tags, [key_ci(tags, tag)])
        hbi = ws.get("hbiWorkspace")
        if classification is not MISSING and one_of(classification, sensitive) and hbi is not True:
            yield f"tags.{tag} is {fmt(classification)} (sensitive data); set hbiWorkspace to true"
        if hbi is True:
            for account in stack.refs(ws, "storageAccount", [STORAGE_ACCOUNT]):
                problems = network_exposure(account.props)
                if account.get("allowBlobPublicAccess") is not False:
                    problems.append("allowBlobPublicAccess is not false")
                for problem in problems:
                    yield account.finding(
                        f"HBI workspace {ws.name} links storage account {account.name}, which is public: {problem}"
                    )

    yield from stack.each(stack.of_type(ML_WORKSPACE), check)


ML_05 = stack_rule(
    rule_id="ML-05",
    slug="hbi-workspace-for-sensitive-data",
    summary="Workspaces holding sensitive data (by their data-classification tag) set "
    "hbiWorkspace; an HBI workspace's storage account is not public.",
    sources="CKV2_AZURE_50",
    check=_hbi,
    levels=Levels(dev=ADVISORY, staging=ADVISORY, prod=ADVISORY),
    params=[
        Param("classificationTag", string("Tag that carries the data classification."), default="dataClassification"),
        Param(
            "sensitiveClassifications",
            string_list("Classification values that count as sensitive."),
            default=["confidential", "restricted"],
        ),
    ],
)


# --- ML-06 -------------------------------------------------------------------------------


def _workspace_identity_datastores(r: Resource) -> Iterator[str]:
    yield from r.expect(
        "systemDatastoresAuthMode", "Identity", "works with shared-key access disabled on the storage account"
    )
    yield from r.expect_not("v1LegacyMode", True, "v1 mode blocks the v2 API and CLI")


ML_06 = resource_rule(
    rule_id="ML-06",
    slug="workspace-identity-datastore-auth",
    summary="Azure ML workspaces reach their system datastores with identity "
    "(systemDatastoresAuthMode Identity) and do not enable v1LegacyMode.",
    sources="custom (AzP e413671a audits the opposite: do not adopt)",
    types=[ML_WORKSPACE],
    check=_workspace_identity_datastores,
    levels=Levels(dev=ADVISORY, staging=MANDATORY, prod=MANDATORY),
)


# --- ML-07 -------------------------------------------------------------------------------


def _compute_local_auth(r: Resource) -> Iterator[str]:
    if one_of(compute_type(r), (AML_COMPUTE, COMPUTE_INSTANCE, KUBERNETES)):
        yield from r.expect("properties.disableLocalAuth", True)


ML_07 = resource_rule(
    rule_id="ML-07",
    slug="compute-local-auth-disabled",
    summary="Azure ML compute (AmlCompute, ComputeInstance, Kubernetes) disables local authentication.",
    sources="CKV_AZURE_142, AzP e96a9a5f, a6f9a2d0, PSR Azure.ML.DisableLocalAuth",
    types=[ML_COMPUTE],
    check=_compute_local_auth,
    levels=Levels(dev=ADVISORY, staging=MANDATORY, prod=MANDATORY),
)


# --- ML-08 -------------------------------------------------------------------------------


def _compute_no_public_access(r: Resource) -> Iterator[str]:
    kind = compute_type(r)
    if same(kind, AML_COMPUTE):
        yield from r.expect("properties.properties.enableNodePublicIp", False)
        yield from r.expect(
            "properties.properties.remoteLoginPortPublicAccess",
            "Disabled",
            "NotSpecified leaves SSH open when there is no VNet",
        )
    elif same(kind, COMPUTE_INSTANCE):
        yield from r.expect("properties.properties.sshSettings.sshPublicAccess", "Disabled")


ML_08 = resource_rule(
    rule_id="ML-08",
    slug="compute-no-public-ip-or-ssh",
    summary="Compute clusters have no node public IP and no public SSH port; compute instances disable public SSH.",
    sources="custom (no external id)",
    types=[ML_COMPUTE],
    check=_compute_no_public_access,
    levels=Levels(dev=ADVISORY, staging=MANDATORY, prod=MANDATORY),
)


# --- ML-09 (stack: needs the workspace's managed network) ---------------------------------


def _compute_network(stack: Stack) -> Iterator[Report]:
    def check(compute: Resource) -> Iterator[str]:
        if not one_of(compute_type(compute), (AML_COMPUTE, COMPUTE_INSTANCE)):
            return
        if compute.get("properties.properties.subnet.id") is not MISSING:
            return
        for ws in stack.parent(compute, "workspaceName", [ML_WORKSPACE]):
            if one_of(ws.get("managedNetwork.isolationMode"), MANAGED_NETWORK_ON):
                return  # managed network on: AML places the compute in the managed VNet
        yield (
            "properties.properties.subnet.id is not set and the workspace has no managed "
            "network; put the compute in a subnet"
        )

    yield from stack.each(stack.of_type(ML_COMPUTE), check)


ML_09 = stack_rule(
    rule_id="ML-09",
    slug="compute-in-vnet-or-managed-network",
    summary="Compute clusters and instances sit in a customer subnet unless their workspace's managed network is on.",
    sources="AzP 7804b5c7, PSR Azure.ML.ComputeVnet",
    check=_compute_network,
    levels=Levels(dev=ADVISORY, staging=MANDATORY, prod=MANDATORY),
)


# --- ML-10 -------------------------------------------------------------------------------


def _cluster_scale(r: Resource) -> Iterator[str]:
    if not same(compute_type(r), AML_COMPUTE):
        return
    yield from r.expect("properties.properties.scaleSettings.minNodeCount", 0, "idle clusters must scale to zero")
    cap = r.config.get("maxNodesPerCluster")
    if cap is None:
        yield not_configured("maxNodesPerCluster")
        return
    most = r.get("properties.properties.scaleSettings.maxNodeCount")
    if most is MISSING:
        yield "properties.properties.scaleSettings.maxNodeCount is not set"
    elif not isinstance(most, (int, float)) or most > cap:
        yield (f"properties.properties.scaleSettings.maxNodeCount is {fmt(most)}; the cap for this stack is {cap}")


ML_10 = resource_rule(
    rule_id="ML-10",
    slug="compute-scale-to-zero-and-capped",
    summary="Compute clusters scale to zero (minNodeCount 0) and keep maxNodeCount within the stack's per-cluster cap.",
    sources="CKV_AZURE_150, WAF cost",
    types=[ML_COMPUTE],
    check=_cluster_scale,
    levels=Levels(
        dev=MANDATORY, staging=MANDATORY, prod=ADVISORY, why="staging clusters scale to zero and stay small like dev"
    ),
    params=[
        Param(
            "maxNodesPerCluster",
            integer("Largest maxNodeCount of one cluster.", 1),
            setting="compute.maxNodesPerCluster",
        )
    ],
)


# --- ML-11 -------------------------------------------------------------------------------


def _instance_idle_shutdown(r: Resource) -> Iterator[str]:
    if not same(compute_type(r), COMPUTE_INSTANCE):
        return
    idle = r.get("properties.properties.idleTimeBeforeShutdown")
    if idle is MISSING or idle == "":
        yield 'properties.properties.idleTimeBeforeShutdown is not set; set an ISO 8601 duration such as "PT60M"'
    elif not isinstance(idle, str) or not _ISO_DURATION.fullmatch(idle):
        yield (
            f"properties.properties.idleTimeBeforeShutdown is {fmt(idle)}; it must be an "
            'ISO 8601 duration such as "PT60M"'
        )


ML_11 = resource_rule(
    rule_id="ML-11",
    slug="compute-instance-idle-shutdown",
    summary="Compute instances shut down when idle (idleTimeBeforeShutdown set).",
    sources="AzP 679ddf89, PSR Azure.ML.ComputeIdleShutdown",
    types=[ML_COMPUTE],
    check=_instance_idle_shutdown,
    levels=Levels(dev=MANDATORY, staging=MANDATORY, prod=MANDATORY),
)


# --- ML-12 -------------------------------------------------------------------------------


# The keys ARM hands the Azure ML extension's chart: `az k8s-extension create` derives them from the
# friendly keys a user types (Azure/azure-cli-extensions, AzureMLKubernetes.py:
# __validate_scoring_fe_settings, __set_inference_ssl_from_file / _from_secret); a program that
# calls ARM directly must send them itself, so these are the ones checked.
INTERNAL_LB_KEY = "scoringFe.serviceType.internalLoadBalancer"
SSL_SECRET_KEY = "scoringFe.sslSecret"
SSL_PROTECTED_KEYS = ("scoringFe.sslCert", "scoringFe.sslKey")


def _extension_tls(r: Resource, settings: str) -> Iterator[str]:
    """HTTPS needs the host name and the certificate: an in-cluster secret, or both protected keys
    (only the keys are read: their values are secrets)."""
    cname = r.get([settings, "sslCname"])
    if cname is MISSING or cname == "":
        yield f"{settings}.sslCname is not set; HTTPS scoring needs the host name the certificate is for"
    if r.get([settings, SSL_SECRET_KEY]) is not MISSING:
        return
    protected = r.get("configurationProtectedSettings")
    missing = [key for key in SSL_PROTECTED_KEYS if key not in keys(protected)]
    if missing:
        yield (
            f"no certificate for HTTPS scoring: set {settings}.{SSL_SECRET_KEY} or "
            f"configurationProtectedSettings {' and '.join(SSL_PROTECTED_KEYS)} (missing: {', '.join(missing)})"
        )


def _kubernetes_compute(r: Resource) -> Iterator[str]:
    if r.type == ML_COMPUTE:
        if same(compute_type(r), KUBERNETES):
            yield from r.expect("properties.disableLocalAuth", True)
        return
    if not same(r.get("extensionType"), AZUREML_EXTENSION_TYPE):
        return
    settings = "configurationSettings"
    inference = flag(r.get([settings, "enableInference"])) is True
    if flag(r.get([settings, "allowInsecureConnections"])) is True:
        yield (
            f"{settings}.allowInsecureConnections is true; serve inference over TLS "
            f"(sslCname with {SSL_SECRET_KEY}, or {' and '.join(SSL_PROTECTED_KEYS)} in configurationProtectedSettings)"
        )
    elif inference:
        yield from r.check(_extension_tls(r, settings))
    if inference and same(r.get([settings, "inferenceRouterServiceType"]), "loadBalancer"):
        internal = r.get([settings, INTERNAL_LB_KEY])
        if flag(internal) is not True:
            yield (
                f'{settings}.inferenceRouterServiceType is "loadBalancer" and {INTERNAL_LB_KEY} is '
                f'{fmt(internal)}; set it to "True" (what the CLI makes of internalLoadBalancerProvider=azure) '
                "so the inference router is not exposed publicly"
            )


ML_12 = resource_rule(
    rule_id="ML-12",
    slug="kubernetes-compute-secure",
    summary="Kubernetes compute disables local auth; the Azure ML extension serves HTTPS (host name "
    "and certificate in the keys ARM reads) and keeps its inference router on an internal load balancer.",
    sources="custom",
    types=[ML_COMPUTE, K8S_EXTENSION],
    check=_kubernetes_compute,
    levels=Levels(dev=ADVISORY, staging=MANDATORY, prod=MANDATORY),
)


# --- ML-13 -------------------------------------------------------------------------------

# Explicit exception: Azure Files datastores support credential-based auth only.
FILE_DATASTORE_EXCEPTION = (
    "Azure Files datastores support credential-based authentication only (no identity-based access)"
)


def _datastore_identity(r: Resource) -> Iterator[str]:
    kind = r.get("properties.datastoreType")
    if same(kind, "AzureFile"):
        r.exempt(FILE_DATASTORE_EXCEPTION)
    if one_of(kind, ("AzureBlob", "AzureDataLakeGen2")):
        yield from r.expect(
            "properties.credentials.credentialsType", "None", "identity-based access, no stored keys or SAS"
        )


ML_13 = resource_rule(
    rule_id="ML-13",
    slug="datastore-identity-based",
    summary="Blob and ADLS Gen2 datastores are identity-based (credentialsType None).",
    sources="custom",
    types=[ML_DATASTORE],
    check=_datastore_identity,
    levels=Levels(dev=ADVISORY, staging=MANDATORY, prod=MANDATORY),
)


# --- STK-09 ------------------------------------------------------------------------------

# Explicit exception: a hub project (kind Project) uses its hub's associated resources.
PROJECT_EXCEPTION = "a Project workspace uses the associated resources of its hub"


def _associated_in_stack(stack: Stack) -> Iterator[Report]:
    registry_required = bool(stack.config["requireContainerRegistry"])

    def check(ws: Resource) -> Iterator[str]:
        if same(ws.get("kind"), "Project"):
            return  # PROJECT_EXCEPTION
        for prop, kind, label in WORKSPACE_ASSOCIATED:
            value = ws.peek(prop)
            if value is MISSING:
                if prop != "containerRegistry" or registry_required:
                    yield (
                        f"{prop} is not set; the stack must create and harden the {label} "
                        "(Azure ML would otherwise create an unmanaged one)"
                    )
                continue
            if not stack.refs(ws, prop, [kind]):
                shown = "an unknown id" if value is UNKNOWN else fmt(value)
                yield f"{prop} is {shown}, not a {label} of this stack: it escapes the stack's rules"

    yield from stack.each(stack.of_type(ML_WORKSPACE), check)


STK_09 = stack_rule(
    rule_id="STK-09",
    slug="workspace-associated-resources-in-stack",
    summary="A workspace's storage account, key vault, Application Insights and container "
    "registry are resources of this stack (so the pack's rules judge them).",
    sources="custom stack rule",
    check=_associated_in_stack,
    levels=Levels(dev=MANDATORY, staging=MANDATORY, prod=MANDATORY),
    params=[
        Param(
            "requireContainerRegistry",
            boolean("The workspace must name a container registry of the stack."),
            default=True,
        )
    ],
)


# --- ML-14 -------------------------------------------------------------------------------


def _registry_public_network(r: Resource) -> Iterator[str]:
    yield from r.expect(
        "publicNetworkAccess",
        "Disabled",
        "set it once every consuming workspace reaches the registry through a private endpoint",
    )


# Advisory in every tier: an Azure ML registry serves every environment, and Microsoft documents a
# secure workspace with a public registry as a supported scenario (how-to-registry-network-isolation);
# what keeps an isolated workspace off the internet on its way there is STK-10 (mandatory).
ML_14 = resource_rule(
    rule_id="ML-14",
    slug="registry-public-network-disabled",
    summary="Azure ML registries disable public network access (advisory: a registry that dev workspaces "
    "without a network consume stays public; isolated consumers reach it privately, STK-10).",
    sources="custom",
    types=[ML_REGISTRY],
    check=_registry_public_network,
    levels=Levels(dev=ADVISORY, staging=ADVISORY, prod=ADVISORY),
)


RULES = [ML_01, ML_02, ML_03, ML_04, ML_05, ML_06, ML_07, ML_08, ML_09, ML_10, ML_11, ML_12, ML_13, ML_14, STK_09]
