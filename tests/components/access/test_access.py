"""Role assignments in the planned stacks: deterministic, typed, least privilege, per environment."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest

from components import platform as platform_module
from components.access.grants import Grantee, plan_grants
from components.data.datastores import datastore_target
from components.settings import validate_settings
from components.settings.access import COMPUTE_WRITE_ROLES, DATA_ROLES, DEFAULT_STORAGE_ROLES
from components.settings.registry import REGISTRY_ROLES
from components.settings.tiers import deep_merge
from tests.azure_roles import ROLE_GUIDS, ROLE_NAMES
from tests.conftest import STACKS
from tests.planning import Resources, config_for, plan, stack_values
from tools.plan.engine import run_program
from tools.plan.stackfile import StackConfig

COMPUTE_STAND_IN = "c0c0c0c0-0000-4000-8000-00000000c0c0"


def role_of(assignment: dict[str, Any]) -> str:
    definition = assignment["inputs"]["roleDefinitionId"]
    # the scope's own subscription (tests/components/core/test_role_definitions.py)
    subscription = assignment["inputs"]["scope"].split("/")[2]
    assert definition.startswith(f"/subscriptions/{subscription}/providers/Microsoft.Authorization/roleDefinitions/")
    return ROLE_NAMES[definition.rsplit("/", 1)[-1]]


def grants(res: Resources) -> set[tuple[str, str, str]]:
    """(principal id, role, scope) of every assignment."""
    return {
        (a["inputs"]["principalId"], role_of(a), a["inputs"]["scope"])
        for a in res.of_type("authorization:RoleAssignment")
    }


@pytest.mark.parametrize("stack", STACKS)
def test_every_assignment_has_a_principal_type_and_a_deterministic_guid(
    stack: str, stack_plans: dict[str, Resources]
) -> None:
    assignments = stack_plans[stack].of_type("authorization:RoleAssignment")
    assert assignments
    # a settings principal has the type its entry states; every other principal is one of the
    # platform's managed identities, which Entra holds as service principals
    settings = validate_settings(stack_values(stack), stack)
    typed = {p.object_id.lower(): p.type for p in settings.access.principals.values()}
    # the inference cluster's admin groups (compute.inference.adminGroupObjectIds) are groups
    if settings.compute.inference.enabled:
        typed |= {group.lower(): "Group" for group in settings.compute.inference.admin_group_object_ids}
    for a in assignments:
        inputs = a["inputs"]
        assert inputs["principalType"] == typed.get(inputs["principalId"].lower(), "ServicePrincipal"), a["name"]
        # the name is uuid5(scope, role GUID, principal): recomputed independently here
        seed = f"{inputs['scope'].lower()}|{ROLE_GUIDS[role_of(a)]}|{inputs['principalId'].lower()}"
        assert inputs["roleAssignmentName"] == str(uuid.uuid5(uuid.NAMESPACE_URL, seed)), a["name"]
    names = [a["inputs"]["roleAssignmentName"] for a in assignments]
    assert len(names) == len(set(names)), "two assignments of one principal, role and scope"


@pytest.mark.parametrize("stack", STACKS)
def test_settings_principals_get_exactly_their_roles_and_types(stack: str, stack_plans: dict[str, Resources]) -> None:
    res = stack_plans[stack]
    settings = validate_settings(stack_values(stack), stack)
    workspace_id = res.one("machinelearningservices:Workspace")["outputs"]["id"]
    storage_id = res.named("mlp-workspace-storage")["outputs"]["id"]
    for principal in settings.access.principals.values():
        mine = [
            a for a in res.of_type("authorization:RoleAssignment") if a["inputs"]["principalId"] == principal.object_id
        ]
        assert {a["inputs"]["principalType"] for a in mine} == {principal.type}
        on_workspace = {role_of(a) for a in mine if a["inputs"]["scope"] == workspace_id}
        assert on_workspace == set(principal.roles)
        on_registry = [role_of(a) for a in mine if "MachineLearningServices/registries/" in a["inputs"]["scope"]]
        expected = [REGISTRY_ROLES[principal.shared_registry]] if principal.shared_registry else []
        assert on_registry == expected
        if expected:
            assert settings.shared_registry is not None
            assert {
                a["inputs"]["scope"] for a in mine if "MachineLearningServices/registries/" in a["inputs"]["scope"]
            } == {settings.shared_registry.id}
        containers = [a for a in mine if "/blobServices/default/containers/" in a["inputs"]["scope"]]
        assert len(containers) == len(principal.datastores)  # the shipped stacks use one container per datastore
        level = principal.default_storage_level
        on_storage = {role_of(a) for a in mine if a["inputs"]["scope"] == storage_id}
        assert on_storage == set(DEFAULT_STORAGE_ROLES[level] if level else ())
        assert len(mine) == len(principal.roles) + len(on_registry) + len(principal.datastores) + len(on_storage)


@pytest.mark.parametrize("stack", STACKS)
def test_no_data_scientist_holds_a_compute_write_role(stack: str, stack_plans: dict[str, Resources]) -> None:
    held: dict[str, set[str]] = {}
    for principal_id, role, _ in grants(stack_plans[stack]):
        held.setdefault(principal_id, set()).add(role)
    data_scientists = [p for p, roles in held.items() if "AzureML Data Scientist" in roles]
    assert data_scientists
    for principal_id in data_scientists:
        assert not held[principal_id] & COMPUTE_WRITE_ROLES, principal_id


def test_users_and_groups_never_get_owner_contributor_or_access_admin(stack_plans: dict[str, Resources]) -> None:
    forbidden = {"Owner", "Contributor", "User Access Administrator", "Role Based Access Control Administrator"}
    for res in stack_plans.values():
        for a in res.of_type("authorization:RoleAssignment"):
            if a["inputs"]["principalType"] in {"User", "Group"}:
                assert role_of(a) not in forbidden, a["name"]
                assert a["inputs"]["scope"].count("/") > 2, "no subscription-scope assignments"


def test_editing_the_principal_list_keeps_every_other_assignment() -> None:
    """Reordering principals or dropping one never renames or replaces the others' assignments."""
    config = config_for("staging")
    access = json.loads(config.values["ml-platform:access"])
    kept = dict(reversed(list(access["principals"].items())))
    dropped = kept.pop("mlEngineers")
    values = {**config.values, "ml-platform:access": json.dumps({**access, "principals": kept})}
    edited = Resources(run_program(StackConfig(config.project, config.stack, values, config.secret_keys)))
    original = Resources(run_program(config))

    def names(res: Resources) -> set[tuple[str, str]]:
        return {
            (a["name"], a["inputs"]["roleAssignmentName"])
            for a in res.of_type("authorization:RoleAssignment")
            if a["inputs"]["principalId"] != dropped["objectId"]
        }

    assert list(kept) != list(access["principals"])
    assert names(edited) == names(original)
    assert len(edited.of_type("authorization:RoleAssignment")) == len(names(original))


def test_environments_differ_in_who_gets_what(stack_plans: dict[str, Resources]) -> None:
    by_stack = {stack: {(p, r) for p, r, _ in grants(res)} for stack, res in stack_plans.items()}
    dev, staging, prod = by_stack["dev"], by_stack["staging"], by_stack["prod"]
    assert len({frozenset(dev), frozenset(staging), frozenset(prod)}) == 3
    ds = {
        stack: validate_settings(stack_values(stack), stack).access.principals["dataScientists"] for stack in by_stack
    }
    # dev: data scientists work in the workspace and write the lake; prod: they only read
    assert (ds["dev"].object_id, "AzureML Data Scientist") in dev
    assert (ds["dev"].object_id, "Storage Blob Data Contributor") in dev
    assert {role for p, role in prod if p == ds["prod"].object_id} == {
        "Reader",
        "Storage Blob Data Reader",
        "Storage File Data Privileged Reader",  # studio read-only on the default storage
    }  # Reader on the workspace and Reader on the shared registry: one role name, two scopes
    # prod's only workspace writer is the deployment service principal
    writers = {p for p, role in prod if role == "AzureML Data Scientist"}
    prod_principals = validate_settings(stack_values("prod"), "prod").access.principals
    assert writers == {prod_principals["deployPipeline"].object_id}
    assert prod_principals["deployPipeline"].type == "ServicePrincipal"
    assert (prod_principals["mlEngineers"].object_id, "AzureML Compute Operator") in prod


def test_data_roles_are_scoped_to_one_container(stack_plans: dict[str, Resources]) -> None:
    res = stack_plans["dev"]
    lake = res.named("mlp-data-account-lake")["outputs"]["id"]
    ds = validate_settings(stack_values("dev"), "dev").access.principals["dataScientists"]
    scopes = {scope for p, role, scope in grants(res) if p == ds.object_id and role.startswith("Storage Blob")}
    assert f"{lake}/blobServices/default/containers/raw" in scopes
    assert lake not in scopes  # never the whole account


@pytest.mark.parametrize("stack", STACKS)
def test_the_compute_identitys_data_roles_name_it_a_service_principal(
    stack: str, stack_plans: dict[str, Resources]
) -> None:
    """A managed identity is "a special type of service principal" (Microsoft Entra, managed
    identities overview): its assignments state ServicePrincipal, or Azure looks for a user or
    group of that id and the first deployment fails with PrincipalNotFound while Entra replicates."""
    res = stack_plans[stack]
    principal = res.named("mlp-compute-identity")["outputs"]["principalId"]
    access = res.one("mlplatform:index:Access")
    data = [a for a in res.children(access) if a["inputs"]["principalId"] == principal]
    assert data, "the compute identity has no datastore roles"
    assert {role_of(a) for a in data} <= {"Storage Blob Data Reader", "Storage Blob Data Contributor"}
    assert [a["inputs"]["principalType"] for a in data] == ["ServicePrincipal"] * len(data)


def test_compute_identity_gets_the_level_each_datastore_names(monkeypatch: pytest.MonkeyPatch) -> None:
    """platform.py passes the compute feature's identity; a stand-in proves the Access side."""
    real = platform_module.Access

    def with_compute(*args: Any, **kwargs: Any) -> Any:
        kwargs["compute_grantees"] = [Grantee("compute", COMPUTE_STAND_IN, "ServicePrincipal")]
        return real(*args, **kwargs)

    monkeypatch.setattr(platform_module, "Access", with_compute)
    res = Resources(plan("staging"))
    lake = res.named("mlp-data-account-lake")["outputs"]["id"]
    shared = "/subscriptions/5a5a5a5a-0000-4000-8000-0000000005a1/resourceGroups/rg-data-shared-staging"
    shared += "/providers/Microsoft.Storage/storageAccounts/stsharedrefstaging"
    compute = {(role, scope) for p, role, scope in grants(res) if p == COMPUTE_STAND_IN}
    assert compute == {
        ("Storage Blob Data Reader", f"{lake}/blobServices/default/containers/raw"),
        ("Storage Blob Data Contributor", f"{lake}/blobServices/default/containers/curated"),
        ("Storage Blob Data Reader", f"{shared}/blobServices/default/containers/reference"),
    }
    assert all(
        a["inputs"]["principalType"] == "ServicePrincipal"
        for a in res.of_type("authorization:RoleAssignment")
        if a["inputs"]["principalId"] == COMPUTE_STAND_IN
    )
    # the container must exist before its role assignment
    raw = next(
        a
        for a in res.of_type("authorization:RoleAssignment")
        if a["inputs"]["principalId"] == COMPUTE_STAND_IN and a["inputs"]["scope"].endswith("/raw")
    )
    assert res.named("mlp-data-container-lake-raw")["urn"] in raw["dependencies"]


def test_outputs_list_every_grant_without_secrets(stack_plans: dict[str, Resources]) -> None:
    res = stack_plans["prod"]
    outputs = res.plan.outputs
    listed = {(g["objectId"], g["role"]) for g in outputs["accessGrants"]}
    assert listed == {(p, r) for p, r, _ in grants(res)}
    assert {g["scopeKind"] for g in outputs["accessGrants"]} >= {"workspace", "container", "registry", "storage"}
    assert all(
        set(g) == {"principal", "objectId", "principalType", "role", "scopeKind", "target"}
        for g in outputs["accessGrants"]
    )
    assert "[secret]" not in str(outputs)
    assert outputs["workspaceName"] == "mlw-mlp-prod"
    assert outputs["workspaceId"].endswith("/workspaces/mlw-mlp-prod")
    assert set(outputs["datastores"]) == {"raw", "curated", "reference"}
    assert outputs["azMl"]["showWorkspace"] == "az ml workspace show -n mlw-mlp-prod -g rg-mlp-prod"
    assert outputs["azMl"]["setDefaults"] == "az configure --defaults workspace=mlw-mlp-prod group=rg-mlp-prod"


@pytest.mark.parametrize("levels", [("read", "write"), ("write", "read")])
def test_two_datastores_on_one_container_give_one_grant_at_the_stronger_level(levels: tuple[str, str]) -> None:
    """A principal reading one datastore and writing another on the same container gets write only."""
    first, second = levels
    overrides = {
        "data": {"datastores": {"rawcopy": {"kind": "adlsGen2", "account": "lake", "container": "raw"}}},
        "access": {"principals": {"dataScientists": {"datastores": {"raw": first, "rawcopy": second}}}},
    }
    settings = validate_settings(deep_merge(stack_values("dev"), overrides), "dev")
    targets = {name: datastore_target(store, f"id/{name}") for name, store in settings.data.datastores.items()}
    on_raw = [
        g.role
        for g in plan_grants(settings.access, workspace_id="ws", default_storage_id="st", datastores=targets)
        if g.principal == "dataScientists" and g.target == "lake/raw"
    ]
    assert on_raw == [DATA_ROLES["write"]]


def default_storage_roles(res: Resources, principal_id: str) -> set[str]:
    storage = res.named("mlp-workspace-storage")["outputs"]["id"]
    return {role for p, role, scope in grants(res) if p == principal_id and scope == storage}


@pytest.mark.parametrize("stack", ["dev", "staging", "prod"])
def test_who_submits_jobs_or_deploys_can_write_the_default_storage(
    stack: str, stack_plans: dict[str, Resources]
) -> None:
    """Shared keys are off, so `az ml job create` uploads code and data, and `az ml online-deployment
    create` uploads its scoring code, as the signed-in principal. Microsoft
    (how-to-disable-local-auth-storage): such users "must be assigned the Storage Blob Data Contributor
    and Storage File Data Privileged Contributor roles [...] for the storage account"."""
    res = stack_plans[stack]
    principals = validate_settings(stack_values(stack), stack).access.principals
    writers = [p for p in principals.values() if "AzureML Data Scientist" in p.roles]
    assert writers
    for principal in writers:
        assert default_storage_roles(res, principal.object_id) == {
            "Storage Blob Data Contributor",
            "Storage File Data Privileged Contributor",
        }
    # a principal without a workspace data role gets nothing on the storage that holds job code
    for principal in principals.values():
        if not principal.roles or principal.roles == ["AzureML Compute Operator"]:
            assert default_storage_roles(res, principal.object_id) == set()


def test_prod_data_scientists_read_the_default_storage_only(stack_plans: dict[str, Resources]) -> None:
    """Microsoft: "If these users only need read access, use the Storage Blob Data Reader and Storage
    File Data Privileged Reader roles instead" (how-to-disable-local-auth-storage)."""
    prod = stack_plans["prod"]
    ds = validate_settings(stack_values("prod"), "prod").access.principals["dataScientists"]
    assert default_storage_roles(prod, ds.object_id) == {
        "Storage Blob Data Reader",
        "Storage File Data Privileged Reader",
    }


def test_default_storage_access_can_be_taken_away() -> None:
    overrides = {"access": {"principals": {"dataScientists": {"defaultStorage": "none"}}}}
    res = Resources(plan("dev", overrides))
    ds = validate_settings(stack_values("dev"), "dev").access.principals["dataScientists"]
    assert default_storage_roles(res, ds.object_id) == set()
    assert (ds.object_id, "AzureML Data Scientist") in {(p, r) for p, r, _ in grants(res)}
