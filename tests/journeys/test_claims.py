"""Which journeys a stack claims follows from its own settings (read here with the settings
models; the evaluator reads them from the plan): J1 for every person with AzureML Data Scientist,
J2 for each pipeline holding it (else its people), J3 where the registry is private and image
builds may reach the package indexes, J4 for every
person with a workspace role and datastore grants, J5 where the compute identity has datastores,
J6 for each principal that publishes to the shared registry, J7 for each deployer holding a role
on it."""

from __future__ import annotations

import pytest

from components.settings import validate_settings
from tests.conftest import STACKS
from tests.planning import Resources, plan, stack_values

from .helpers import journey, journeys

DS = "AzureML Data Scientist"


def expected_claims(stack: str) -> set[tuple[str, str | None]]:
    settings = validate_settings(stack_values(stack), stack)
    principals = settings.access.principals
    people = {k for k, p in principals.items() if p.type in ("Group", "User")}
    scientists = {k for k, p in principals.items() if DS in p.roles}
    pipelines = {k for k in scientists if principals[k].type == "ServicePrincipal"}
    claims: set[tuple[str, str | None]] = {("J1", k) for k in scientists & people}
    claims |= {("J2", k) for k in (pipelines or scientists)}
    access = settings.network.access
    managed = settings.network.managed
    approved_only = settings.network.mode == "managed" and managed.isolation_mode == "AllowOnlyApprovedOutbound"
    package_egress = managed.package_egress == "public"
    private = access.resources == "Disabled" or bool(access.ip_ranges) or approved_only
    if private and (not approved_only or package_egress):
        claims.add(("J3", None))
    claims |= {("J4", k) for k in people if principals[k].datastores and ({DS, "Reader"} & set(principals[k].roles))}
    if any(d.compute_level for d in settings.data.datastores.values()):
        claims.add(("J5", None))
    claims |= {("J6", k) for k, p in principals.items() if p.shared_registry == "publish"}
    if settings.shared_registry is not None:
        claims |= {("J7", k) for k in (pipelines or scientists) if principals[k].shared_registry}
    return claims


@pytest.mark.parametrize("stack", STACKS)
def test_a_stack_claims_the_journeys_its_settings_promise(stack: str, stack_plans: dict[str, Resources]) -> None:
    results = journeys(stack_plans[stack])
    assert {(r.key, r.actor) for r in results if r.claimed} == expected_claims(stack)
    # every journey is listed: claimed ones per actor, the others once with the reason
    assert {r.key for r in results} == {"J1", "J2", "J3", "J4", "J5", "J6", "J7"}
    assert all(r.claim.startswith("not claimed: ") for r in results if not r.claimed)
    assert all(r.ok is None and r.steps == [] for r in results if not r.claimed)


def test_prod_claims_j1_once_its_data_scientists_may_submit_jobs(stack_plans: dict[str, Resources]) -> None:
    reader = journey(journeys(stack_plans["prod"]), "J1")
    assert not reader.claimed
    assert "no Group or User" in reader.claim
    scientists = {"access": {"principals": {"dataScientists": {"roles": [DS]}}}}
    res = Resources(plan("prod", scientists))
    claimed = journey(journeys(res), "J1", "dataScientists")
    assert claimed.claimed
    assert claimed.steps
    # and studio becomes read-write for them (Storage Blob Data Contributor instead of Reader)
    studio = journey(journeys(res), "J4", "dataScientists")
    assert "read-only" not in studio.claim
    assert any(s.needs == "Storage Blob Data Contributor" and s.on.startswith("default storage") for s in studio.steps)


def test_readers_walk_studio_read_only(stack_plans: dict[str, Resources]) -> None:
    studio = journey(journeys(stack_plans["prod"]), "J4", "dataScientists")
    assert studio.claim.endswith("(read-only: Reader on the workspace)")
    assert {s.needs for s in studio.steps if s.on.startswith("workspace ") and s.kind == "role"} == {"Reader"}
    needs = {s.needs for s in studio.steps if s.on.startswith("default storage ") and s.kind == "role"}
    assert {"Storage Blob Data Reader", "Storage File Data Privileged Reader"} <= needs
    assert not {"Storage Blob Data Contributor", "Storage File Data Privileged Contributor"} & needs
