"""Run every check; one that cannot read what it needs is reported, and the others still run."""

from __future__ import annotations

from collections.abc import Callable

from azure.core.exceptions import AzureError, HttpResponseError

from .azure_clients import Clients, WriteRefusedError
from .checks import capacity, existing, permissions, providers, soft_delete
from .checks.facts import Facts
from .needs import StackNeeds
from .report import Finding

Check = Callable[[Facts], list[Finding]]

CHECKS: tuple[tuple[str, Check], ...] = (
    ("exists", existing.resource_group),
    ("provider", providers.providers),
    ("feature", providers.features),
    ("permission", permissions.permissions),
    ("vm-size", capacity.vm_sizes),
    ("quota", capacity.compute_quota),
    ("ml-quota", capacity.ml_quota),
    ("soft-delete", soft_delete.deleted_vaults),
    ("soft-delete", soft_delete.deleted_workspaces),
    ("exists", existing.references),
)


def run_checks(needs: StackNeeds, clients: Clients) -> list[Finding]:
    facts = Facts(needs, clients)
    findings: list[Finding] = []
    for name, check in CHECKS:
        try:
            findings += check(facts)
        except HttpResponseError as error:
            code = getattr(error.error, "code", None) or error.reason
            findings.append(
                Finding(
                    name,
                    f"{check.__module__.rsplit('.', 1)[-1]}.{check.__name__}",
                    "fail",
                    f"Azure answered HTTP {error.status_code} ({code}) after retries",
                    "run preflight again; if it persists, check Azure status and the deployer's access",
                )
            )
        except WriteRefusedError as error:
            findings.append(Finding(name, check.__name__, "fail", str(error), "a bug in preflight: report it"))
        except AzureError as error:
            findings.append(
                Finding(name, check.__name__, "fail", f"could not reach Azure: {error.message}", "check the network")
            )
    return findings
