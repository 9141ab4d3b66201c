"""The Azure facts the journeys judge by agree with the ones the components and the policy pack
use where both name the same fact; and their small helpers behave at the edges."""

from __future__ import annotations

from components.core.roles import BUILTIN_ROLES
from components.settings.compute import is_gpu_size as settings_gpu
from components.settings.network import PRIVATE_DNS_ZONES as SETTINGS_ZONES
from policies.rules.lib.catalog import ROLE_NAMES as PACK_ROLE_NAMES
from tests.conftest import STACKS
from tests.planning import stack_values
from tools.plan.journeys.azure import PRIVATE_DNS_ZONES, ROLE_IDS, fqdn_covers, is_gpu_size, roles_satisfying
from tools.plan.journeys.facts import covers


def test_role_ids_agree_with_the_components_and_the_pack() -> None:
    shared = set(ROLE_IDS) & set(BUILTIN_ROLES)
    assert {"AzureML Data Scientist", "Storage Blob Data Contributor", "AcrPull", "Reader"} <= shared
    assert {name: ROLE_IDS[name] for name in shared} == {name: BUILTIN_ROLES[name] for name in shared}
    for guid, name in PACK_ROLE_NAMES.items():
        if name in ROLE_IDS:
            assert ROLE_IDS[name] == guid, name


def test_private_dns_zones_agree_with_the_settings() -> None:
    assert PRIVATE_DNS_ZONES == SETTINGS_ZONES


def test_gpu_sizes_agree_with_the_settings() -> None:
    sizes = {"Standard_D4ds_v5", "Standard_NC4as_T4_v3", "Standard_ND96asr_v4", "Standard_NV6ads_A10_v5"}
    for stack in STACKS:
        sizes |= {c["vmSize"] for c in (stack_values(stack).get("compute") or {}).get("clusters", [])}
    assert {s: is_gpu_size(s) for s in sizes} == {s: settings_gpu(s) for s in sizes}
    assert is_gpu_size("Standard_NC4as_T4_v3")
    assert not is_gpu_size("Standard_D8ds_v5")


def test_a_role_counts_with_the_roles_that_include_it_and_never_a_control_plane_role_for_data() -> None:
    assert roles_satisfying("Storage Blob Data Reader") == (
        "Storage Blob Data Reader",
        "Storage Blob Data Contributor",
        "Storage Blob Data Owner",
    )
    assert "Contributor" not in roles_satisfying("Storage Blob Data Contributor")
    assert "Owner" not in roles_satisfying("Storage File Data Privileged Contributor")
    assert roles_satisfying("Kubernetes Extension Contributor") == ("Kubernetes Extension Contributor",)


def test_fqdn_rules_match_the_host_or_names_under_a_wildcard() -> None:
    assert fqdn_covers("pypi.org", "pypi.org")
    assert fqdn_covers("PyPI.org", "pypi.org")
    assert fqdn_covers("*.anaconda.org", "conda.anaconda.org")
    assert not fqdn_covers("*.anaconda.org", "anaconda.org")
    assert not fqdn_covers("pypi.org", "files.pythonhosted.org")
    assert not fqdn_covers("*.anaconda.org", "conda.anaconda.org.example.com")


def test_a_scope_covers_itself_and_what_is_under_it_not_its_siblings() -> None:
    account = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st1"
    assert covers(account, account)
    assert covers(account.upper(), account)
    assert covers(account, f"{account}/blobServices/default/containers/raw")
    assert not covers(account, account + "0")
    assert not covers(f"{account}/blobServices/default/containers/raw", account)
