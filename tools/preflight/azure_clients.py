"""The management clients preflight reads with: one credential, a read-only guard, a bounded retry.

The only module that builds Azure SDK clients. Every client gets:
- `custom_hook_policy=ReadOnlyGuard()`: it sits after the retry and auth policies, so it sees every
  request the pipeline sends, including ones a policy makes on its own: the ARM clients'
  ARMAutoResourceProviderRegistrationPolicy would POST `.../providers/<ns>/register` on a 409
  MissingSubscriptionRegistration, and preflight must not register anything.
- azure-core's RetryPolicy, which retries 408, 429 and 5xx and honours `Retry-After`.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from typing import Any

from azure.core.credentials import TokenCredential
from azure.core.pipeline import PipelineRequest
from azure.core.pipeline.policies import RetryPolicy, SansIOHTTPPolicy
from azure.core.pipeline.transport import HttpTransport
from azure.mgmt.authorization import AuthorizationManagementClient
from azure.mgmt.compute import ComputeManagementClient
from azure.mgmt.keyvault import KeyVaultManagementClient
from azure.mgmt.machinelearningservices import MachineLearningServicesMgmtClient
from azure.mgmt.resource.features import FeatureClient
from azure.mgmt.resource.resources import ResourceManagementClient

ARM_SCOPE = "https://management.azure.com/.default"
READ_METHODS = frozenset({"GET"})


class WriteRefusedError(Exception):
    """A request preflight will not send: it only reads."""


class ReadOnlyGuard(SansIOHTTPPolicy):
    def on_request(self, request: PipelineRequest) -> None:
        http = request.http_request
        if http.method.upper() not in READ_METHODS:
            raise WriteRefusedError(f"preflight only reads: refused {http.method} {http.url}")


@dataclass(frozen=True)
class Retry:
    total: int = 4
    backoff: float = 1.0
    backoff_max: float = 60.0


def caller_object_id(credential: TokenCredential) -> str:
    """The deploying principal's object id: the `oid` claim of its ARM token (no Graph call)."""
    token = credential.get_token(ARM_SCOPE).token
    payload = token.split(".")[1]
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return str(claims["oid"])


@dataclass
class Clients:
    credential: TokenCredential
    subscription: str
    transport: HttpTransport | None = None
    retry: Retry = field(default_factory=Retry)
    _cache: dict[tuple[str, str], Any] = field(default_factory=dict)

    def _options(self) -> dict[str, Any]:
        options: dict[str, Any] = {
            "custom_hook_policy": ReadOnlyGuard(),
            "retry_policy": RetryPolicy(
                retry_total=self.retry.total,
                retry_backoff_factor=self.retry.backoff,
                retry_backoff_max=self.retry.backoff_max,
            ),
        }
        if self.transport is not None:
            options["transport"] = self.transport
        return options

    # The SDK models type nearly every field Optional: the checks read them as Any and guard themselves.
    def _client(self, kind: type, subscription: str | None) -> Any:
        key = (kind.__name__, (subscription or self.subscription).lower())
        if key not in self._cache:
            self._cache[key] = kind(self.credential, subscription or self.subscription, **self._options())
        return self._cache[key]

    def resources(self, subscription: str | None = None) -> Any:  # ResourceManagementClient
        return self._client(ResourceManagementClient, subscription)

    def features(self) -> Any:  # FeatureClient
        return self._client(FeatureClient, None)

    def authorization(self, subscription: str | None = None) -> Any:  # AuthorizationManagementClient
        return self._client(AuthorizationManagementClient, subscription)

    def compute(self) -> Any:  # ComputeManagementClient
        return self._client(ComputeManagementClient, None)

    def keyvault(self) -> Any:  # KeyVaultManagementClient
        return self._client(KeyVaultManagementClient, None)

    def ml(self) -> Any:  # MachineLearningServicesMgmtClient
        return self._client(MachineLearningServicesMgmtClient, None)
