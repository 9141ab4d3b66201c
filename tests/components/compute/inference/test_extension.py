"""The Azure ML extension's settings in the keys ARM reads, and HTTPS from Pulumi secrets.

Sources: the CLI's handler for the extension (Azure/azure-cli-extensions,
`src/k8s-extension/azext_k8s_extension/partner_extensions/AzureMLKubernetes.py`: `Create`,
`__validate_scoring_fe_settings`, `__normalize_config`, `__set_inference_ssl_from_file`,
`reference_mapping`) and Microsoft's ARM/Terraform samples (Azure/AML-Kubernetes
`files/deployextension.json`, `files/terraform-template.tf`). Only the mock engine checks these
payloads: no test here has talked to ARM.
"""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from google.protobuf import json_format

from components.compute.inference.extension import pem_setting
from tests.planning import SCORING_TLS, Resources, config_for, plan
from tools.plan.engine import RecordingMonitor, run_program
from tools.plan.mocks import PlanMocks

AKS = "containerservice:ManagedCluster"
EXTENSION = "kubernetesconfiguration:Extension"
# Pulumi's wire form of a secret value: {SIG_KEY: SECRET_SIG, "value": ...}
SIG_KEY, SECRET_SIG = "4dabf18193072939515e22adb298388d", "1b47061264138c4ac30d75fd1eb44270"


def extension_settings(res: Resources) -> dict[str, Any]:
    return res.one(EXTENSION)["inputs"]["configurationSettings"]


class RawExtensionMonitor(RecordingMonitor):
    """Keeps the extension's inputs as the engine receives them (secrets still wrapped, unmasked)."""

    def __init__(self) -> None:
        super().__init__(PlanMocks())
        self.raw: dict[str, Any] = {}

    def RegisterResource(self, request: Any) -> Any:  # noqa: N802 (gRPC method name)
        if request.type.endswith(EXTENSION):
            self.raw = json_format.MessageToDict(request.object)
        return super().RegisterResource(request)


@pytest.fixture(scope="module")
def prod_with_certificate() -> tuple[Resources, RawExtensionMonitor]:
    """Prod with its certificate and key set as secrets (what `pulumi config set --secret` stores)."""
    monitor = RawExtensionMonitor()
    return Resources(run_program(config_for("prod", secrets=SCORING_TLS), monitor=monitor)), monitor


def test_the_cluster_keys_arm_needs_are_the_clusters_own(stack_plans: dict[str, Resources]) -> None:
    """Create() fills cluster_name with the AKS id; reference_mapping copies it into clusterId and
    the Prometheus label; location, jobSchedulerLocation and domain come from the cluster's region."""
    res = stack_plans["prod"]
    settings = extension_settings(res)
    cluster = res.one(AKS)
    assert settings["cluster_name"] == cluster["outputs"]["id"]
    assert settings["clusterId"] == cluster["outputs"]["id"]
    assert settings["prometheus.prometheusSpec.externalLabels.cluster_name"] == cluster["outputs"]["id"]
    assert settings["cluster_name_friendly"] == cluster["inputs"]["resourceName"]
    region = cluster["inputs"]["location"]
    assert settings["location"] == settings["jobSchedulerLocation"] == region
    assert settings["domain"] == f"{region}.cloudapp.azure.com"


def test_on_aks_no_relay_or_service_bus_is_expected_and_the_ingress_is_on(stack_plans: dict[str, Resources]) -> None:
    """Without these the chart waits for an Azure Relay and a Service Bus that nothing creates
    (the CLI creates them only when they are not switched off)."""
    settings = extension_settings(stack_plans["prod"])
    assert (settings["servicebus.enabled"], settings["relayserver.enabled"]) == ("false", "false")
    assert settings["nginxIngress.enabled"] == "true"


def test_prod_router_is_internal_in_the_key_the_chart_reads(stack_plans: dict[str, Resources]) -> None:
    settings = extension_settings(stack_plans["prod"])
    # the friendly keys stay (the CLI keeps them) ...
    assert settings["inferenceRouterServiceType"] == "loadBalancer"
    assert settings["internalLoadBalancerProvider"] == "azure"
    # ... and ARM gets what the CLI derives from them
    assert settings["scoringFe.serviceType.internalLoadBalancer"] == "True"
    assert settings["scoringFe.serviceType.nodePort"] == "False"
    assert settings["inferenceRouterHA"] == "True"
    assert settings["clusterPurpose"] == "FastProd"


@pytest.mark.parametrize(
    ("router", "node_port", "internal"),
    [("nodePort", "True", "False"), ("clusterIP", "False", "False"), ("loadBalancer", "False", "False")],
)
def test_other_routers_write_both_exposure_keys(router: str, node_port: str, internal: str) -> None:
    """Both keys, always: ARM merges configuration settings, so a key left out keeps its old value."""
    res = Resources(plan("dev", {"compute": {"inference": {"enabled": True, "inferenceRouterServiceType": router}}}))
    settings = extension_settings(res)
    assert settings["inferenceRouterServiceType"] == router
    assert settings["scoringFe.serviceType.nodePort"] == node_port
    assert settings["scoringFe.serviceType.internalLoadBalancer"] == internal
    assert "internalLoadBalancerProvider" not in settings
    assert settings["clusterPurpose"] == "DevTest"  # dev's router is not HA


def test_https_names_its_host_and_sends_the_certificate_as_protected_settings(
    prod_with_certificate: tuple[Resources, RawExtensionMonitor],
) -> None:
    res, _ = prod_with_certificate
    extension = res.one(EXTENSION)["inputs"]
    settings = extension["configurationSettings"]
    assert settings["allowInsecureConnections"] == "False"
    assert settings["sslCname"] == "aks-inference-mlp-prod.internal"
    # the chart reads the certificate here; no Kubernetes secret has to exist first
    assert extension["configurationProtectedSettings"] == {
        "scoringFe.sslCert": "[secret]",
        "scoringFe.sslKey": "[secret]",
    }
    assert not {"sslSecret", "scoringFe.sslSecret"} & set(settings)
    # the CLI refuses a key in both maps
    assert not set(settings) & set(extension["configurationProtectedSettings"])


def test_the_protected_settings_are_the_configured_pem_base64_encoded_and_secret(
    prod_with_certificate: tuple[Resources, RawExtensionMonitor],
) -> None:
    _, monitor = prod_with_certificate
    protected = monitor.raw["configurationProtectedSettings"]
    for key, secret in (("scoringFe.sslCert", "inferenceTlsCert"), ("scoringFe.sslKey", "inferenceTlsKey")):
        wire = protected[key]
        assert wire[SIG_KEY] == SECRET_SIG, key  # a secret on the wire
        assert base64.b64decode(wire["value"]).decode() == SCORING_TLS[secret]


def test_no_certificate_or_key_appears_in_the_plan(
    prod_with_certificate: tuple[Resources, RawExtensionMonitor],
) -> None:
    res, _ = prod_with_certificate
    text = json.dumps(res.plan.to_json())
    for pem in SCORING_TLS.values():
        assert pem.splitlines()[1] not in text  # the PEM body ("MIIB...")
        assert pem_setting(pem) not in text
