"""Recorded ARM responses served through azure-core's transport: no network, every request logged.

`FixtureTransport` is azure-core's RequestsTransport with a requests adapter that answers from the
JSON files in fixtures/ (each names the REST spec example it follows) instead of opening a socket.
Routes match on method and path (case-insensitive, query ignored); a request no route answers gets a
501 and is listed in `unmatched`, so a test sees it.
"""

from __future__ import annotations

import base64
import io
import json
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests
from azure.core.credentials import AccessToken
from azure.core.exceptions import ClientAuthenticationError
from azure.core.pipeline.transport import RequestsTransport
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict
from urllib3.response import HTTPResponse

FIXTURES = Path(__file__).parent / "fixtures"
SUBSCRIPTION = "5b5b5b5b-0000-4000-8000-000000000001"
FOREIGN = "9a9a9a9a-0000-4000-8000-000000000901"  # the shared subscription prod's stack file names
SHARED = "5e5e5e5e-0000-4000-8000-00000000005e"  # the shared stack's subscription in the stack files
CALLER = "d0d0d0d0-0000-4000-8000-00000000d0d0"


def fixture(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / f"{name}.json").read_text())


@dataclass
class Route:
    responses: list[str]  # fixture names, served in turn; the last one repeats
    served: int = 0

    def next(self) -> dict[str, Any]:
        name = self.responses[min(self.served, len(self.responses) - 1)]
        self.served += 1
        return fixture(name)


def _key(method: str, path: str) -> tuple[str, str]:
    return method.upper(), path.rstrip("/").lower()


@dataclass
class Arm:
    routes: dict[tuple[str, str], Route] = field(default_factory=dict)
    requests: list[tuple[str, str]] = field(default_factory=list)
    unmatched: list[tuple[str, str]] = field(default_factory=list)

    def serve(self, path: str, *responses: str, method: str = "GET") -> Arm:
        self.routes[_key(method, path)] = Route(list(responses))
        return self

    def count(self, path: str, method: str = "GET") -> int:
        return self.requests.count(_key(method, path))

    def answer(self, method: str, url: str) -> tuple[int, Mapping[str, str], bytes]:
        key = _key(method, urlsplit(url).path)
        self.requests.append(key)
        route = self.routes.get(key)
        if route is None:
            self.unmatched.append(key)
            return 501, {}, json.dumps({"error": {"code": "NoFixture", "message": f"{method} {url}"}}).encode()
        recorded = route.next()
        return recorded["status"], recorded.get("headers", {}), json.dumps(recorded["body"]).encode()


class _FixtureAdapter(BaseAdapter):
    def __init__(self, arm: Arm) -> None:
        super().__init__()
        self.arm = arm

    def send(  # the signature of requests' BaseAdapter.send
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: Any = None,
        verify: Any = True,
        cert: Any = None,
        proxies: Any = None,
    ) -> requests.Response:
        status, headers, body = self.arm.answer(str(request.method), str(request.url))
        all_headers = {"Content-Type": "application/json", "Content-Length": str(len(body)), **headers}
        response = requests.Response()
        response.status_code = status
        response.headers = CaseInsensitiveDict(all_headers)
        response.raw = HTTPResponse(
            body=io.BytesIO(body), headers=all_headers, status=status, preload_content=False, decode_content=False
        )
        response.url = str(request.url)
        response.request = request
        response.reason = {200: "OK", 404: "Not Found", 409: "Conflict", 429: "Too Many Requests"}.get(status, "Error")
        return response

    def close(self) -> None:
        return None


class FixtureTransport(RequestsTransport):
    def __init__(self, arm: Arm) -> None:
        session = requests.Session()
        session.mount("https://", _FixtureAdapter(arm))
        session.mount("http://", _FixtureAdapter(arm))
        super().__init__(session=session, session_owner=False)


def _jwt(claims: Mapping[str, str]) -> str:
    def part(data: Mapping[str, str]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")

    return f"{part({'alg': 'none'})}.{part(claims)}.signature"


class FakeCredential:
    """A token for the deploying principal `CALLER` (what DefaultAzureCredential would return)."""

    def get_token(self, *scopes: str, **kwargs: Any) -> AccessToken:
        return AccessToken(_jwt({"oid": CALLER, "aud": "https://management.azure.com"}), int(time.time()) + 3600)


class NoCredential:
    """What DefaultAzureCredential does on a machine with no login."""

    def get_token(self, *scopes: str, **kwargs: Any) -> AccessToken:
        raise ClientAuthenticationError(
            "DefaultAzureCredential failed to retrieve a token from the included credentials.\nAttempted: ..."
        )


def prod_subscription() -> Arm:
    """Every answer prod's preflight asks for, all green, before its first deployment."""
    s, f = f"/subscriptions/{SUBSCRIPTION}", f"/subscriptions/{FOREIGN}"
    group = f"{s}/resourcegroups/rg-mlp-prod"
    ml = f"{s}/providers/Microsoft.MachineLearningServices"
    roles = f"{s}/providers/Microsoft.Authorization/roleDefinitions"
    shared_account = (
        f"{f}/resourceGroups/rg-data-shared-prod/providers/Microsoft.Storage/storageAccounts/stsharedrefprod"
    )
    # the shared stack's registry (prod's sharedRegistry.id), in the placeholder subscription of the shared stack
    registry = (
        f"/subscriptions/{SHARED}/resourceGroups/rg-mlp-shared/providers/Microsoft.MachineLearningServices"
        "/registries/mlr-mlp-shared"
    )
    authz = "providers/Microsoft.Authorization/permissions"
    return (
        Arm()
        .serve(group, "resource_group_not_found")
        .serve(f"{s}/providers", "providers")
        .serve(
            f"{s}/providers/Microsoft.Features/providers/Microsoft.Compute/features/EncryptionAtHost",
            "feature_encryption_at_host",
        )
        .serve(f"{s}/providers/Microsoft.Authorization/roleAssignments", "role_assignments_owner")
        .serve(f"{roles}/8e3af657-a8ff-443c-a75c-2fe8c4bcb635", "role_owner")
        .serve(f"{roles}/b24988ac-6180-42a0-ab88-20f7382dd24c", "role_contributor")
        .serve(f"{roles}/f58310d9-a9f6-439a-9e8d-f62e7b41a168", "role_rbac_administrator")
        .serve(f"{shared_account}/blobServices/default/containers/reference/{authz}", "permissions_foreign_grant")
        # a top-level resource has an empty parentResourcePath: the SDK's template leaves "//"
        .serve(f"{registry.replace('/registries/', '//registries/')}/{authz}", "permissions_foreign_grant")
        .serve(f"{s}/providers/Microsoft.Compute/skus", "resource_skus")
        .serve(f"{s}/providers/Microsoft.Compute/locations/westeurope/usages", "compute_usages")
        .serve(
            f"{s}/resourceGroups/rg-mlp-prod/providers/Microsoft.ContainerService/managedClusters/aks-mlp-prod",
            "not_found",
        )
        .serve(f"{ml}/locations/westeurope/usages", "ml_usages")
        .serve(f"{ml}/locations/westeurope/quotas", "ml_quotas")
        .serve(f"{s}/providers/Microsoft.KeyVault/deletedVaults", "deleted_vaults")
        .serve(f"{ml}/workspaces", "ml_workspaces")
        .serve(shared_account, "storage_account")
        .serve(registry, "ml_registry")
    )
