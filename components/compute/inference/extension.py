"""What the Azure ML extension is installed with, in the keys Azure Resource Manager reads.

`az k8s-extension create --extension-type Microsoft.AzureML.Kubernetes` rewrites and adds keys
before it calls ARM; Pulumi calls ARM directly, so this module sends what the CLI would send:
the friendly keys a user types, plus the keys the CLI derives from them. Sources, quoted by method
because the file has no stable line numbers: Azure/azure-cli-extensions
`src/k8s-extension/azext_k8s_extension/partner_extensions/AzureMLKubernetes.py` (commit 3f6c0dae,
methods `Create`, `__validate_scoring_fe_settings`, `__normalize_config`,
`__set_inference_ssl_from_file`, `reference_mapping`), and Microsoft's ARM and Terraform samples in
Azure/AML-Kubernetes (`files/deployextension.json` `baseSettings`, `files/terraform-template.tf`).
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

import pulumi

from components.core.component import StackContext
from components.settings.compute import InferenceSettings, is_gpu_size

EXTENSION_TYPE = "Microsoft.AzureML.Kubernetes"
# the extension's own components live here; endpoints use settings.namespace
EXTENSION_NAMESPACE = "azureml"


@dataclass(frozen=True)
class ScoringTls:
    """The scoring host's certificate (PEM, full chain) and key (PEM), each a Pulumi secret."""

    certificate_pem: pulumi.Output[str]
    key_pem: pulumi.Output[str]


def _flag(value: bool) -> str:
    # ARM's sample writes booleans as "True"/"False" (deployextension.json, boolToString)
    return "True" if value else "False"


def scoring_host(settings: InferenceSettings, ctx: StackContext) -> str:
    """The HTTPS scoring host name: the stack's setting, or one under the private-use `.internal`
    top-level domain that the TLS certificate and a private DNS record are made for."""
    return settings.ssl_cname or f"{ctx.names.scoped(settings.compute_name.lower())}.internal"


def extension_settings(
    settings: InferenceSettings,
    *,
    ssl_cname: str,
    cluster_id: pulumi.Input[str],
    cluster_name: str,
    location: str,
) -> dict[str, pulumi.Input[str]]:
    """The extension's configuration settings (values are strings, as ARM takes them)."""
    service = settings.inference_router_service_type
    config: dict[str, pulumi.Input[str]] = {
        # what the user chooses (the CLI keeps these keys in the payload)
        "enableInference": "True",
        "enableTraining": _flag(settings.enable_training),
        "inferenceRouterServiceType": service,
        "inferenceRouterHA": _flag(settings.inference_router_ha),
        "allowInsecureConnections": _flag(settings.allow_insecure_connections),
        "installNvidiaDevicePlugin": _flag(is_gpu_size(settings.user_pool.vm_size)),
        # The router's exposure as the chart reads it (__validate_scoring_fe_settings turns
        # inferenceRouterServiceType=nodePort and internalLoadBalancerProvider=azure into these).
        # Both are always written, as __normalize_config does on update: ARM merges configuration
        # settings, so a key left out would keep its old value.
        "scoringFe.serviceType.nodePort": _flag(service == "nodePort"),
        "scoringFe.serviceType.internalLoadBalancer": _flag(settings.internal_load_balancer),
        # Create: the CLI fills these in from the cluster (the ARM sample's baseSettings too);
        # reference_mapping copies cluster_name into clusterId and the Prometheus label.
        "cluster_name": cluster_id,
        "clusterId": cluster_id,
        "prometheus.prometheusSpec.externalLabels.cluster_name": cluster_id,
        "cluster_name_friendly": cluster_name,
        "location": location,
        "jobSchedulerLocation": location,
        # the CLI always writes "<location>.cloudapp.azure.com" (so does the Terraform sample)
        "domain": f"{location}.cloudapp.azure.com",
        # on AKS the CLI creates neither a Service Bus nor an Azure Relay, and turns on the
        # extension's ingress (Arc clusters get the reverse)
        "servicebus.enabled": "false",
        "relayserver.enabled": "false",
        "nginxIngress.enabled": "true",
        # Create sets DevTest on clusters too small for the HA router; ARM's sample uses FastProd
        "clusterPurpose": "FastProd" if settings.inference_router_ha else "DevTest",
    }
    if settings.internal_load_balancer:
        config["internalLoadBalancerProvider"] = "azure"
    if settings.https:
        # the CLI refuses HTTPS without sslCname
        config["sslCname"] = ssl_cname
    return config


def pem_setting(pem: str) -> str:
    """How a PEM file travels in the protected settings: base64 of its text
    (`__set_inference_ssl_from_file`; the ARM sample's "base64 encoded ssl certificate content")."""
    return base64.b64encode(pem.encode()).decode()


def extension_protected_settings(tls: ScoringTls | None) -> dict[str, pulumi.Input[str]] | None:
    """The certificate and key as the chart reads them (`scoringFe.sslCert`, `scoringFe.sslKey`),
    each a secret: the keys stay readable (the policy pack checks them), the values never are."""
    if tls is None:
        return None
    return {
        "scoringFe.sslCert": pulumi.Output.secret(tls.certificate_pem.apply(pem_setting)),
        "scoringFe.sslKey": pulumi.Output.secret(tls.key_pem.apply(pem_setting)),
    }
