"""The offline evaluator end to end: fixtures, unknown values, verdicts and reports."""

from __future__ import annotations

import copy

import pytest

from tests.policies.policy_fixtures import (
    DELETE,
    RG_ID,
    ROLE_OWNER,
    T_DS,
    T_RA,
    T_SA,
    by_name,
    find,
    mutate,
    record,
    role_id,
    run_resource,
    secure_platform,
)
from tools.plan.compat import UnknownValueError
from tools.plan.policy import (
    Verdict,
    evaluate,
    format_table,
    has_mandatory_failures,
    summarize,
)


def insecure_platform() -> list[dict]:
    records = secure_platform()
    records = mutate(records, "mlw-mlp-prod", "publicNetworkAccess", "Enabled")
    records = mutate(records, "stmlpprod", "allowSharedKeyAccess", True)
    records = mutate(records, "crmlpprod", "adminUserEnabled", True)
    records = mutate(records, "crmlpprod", "tags", DELETE)
    records = mutate(records, "cpu-cluster", "properties.properties.scaleSettings.maxNodeCount", 64)
    records.append(
        record(
            T_RA,
            "ra-owner-group",
            {
                "principalId": "group-ml-users",
                "principalType": "Group",
                "roleDefinitionId": role_id(ROLE_OWNER),
                "scope": RG_ID,
            },
            f"{RG_ID}/providers/Microsoft.Authorization/roleAssignments/ra-owner-group",
        )
    )
    find(records, "stmlpprod")["protect"] = False
    return records


def test_the_insecure_platform_fails_exactly_the_expected_rules() -> None:
    verdicts = evaluate(insecure_platform(), "prod")
    assert all(v.kind == "violation" for v in verdicts)
    assert {v.policy for v in verdicts} == {
        "ml-01-workspace-public-network-disabled",  # public workspace
        "st-01-storage-shared-key-disabled",  # shared key on
        "cr-01-registry-admin-and-anonymous-pull-disabled",  # ACR admin user
        "stk-06-least-privilege-role-assignments",  # Owner for a user group
        "ml-10-compute-scale-to-zero-and-capped",  # oversized cluster
        "stk-04-node-cost-caps",  # ... over the stack's cap
        "stk-01-required-tags",  # missing tags
        "stk-05-stateful-resources-protected",  # unprotected prod storage
    }
    assert has_mandatory_failures(verdicts)


@pytest.mark.parametrize("stack", ["dev", "staging", "prod"])
def test_the_secure_platform_passes_every_mandatory_rule(stack: str) -> None:
    verdicts = evaluate(secure_platform(), stack)
    assert not has_mandatory_failures(verdicts), format_table(verdicts)
    assert [v for v in verdicts if v.kind == "note"] == []
    if stack == "prod":
        assert verdicts == []


def test_an_unknown_value_gives_a_note_not_a_violation() -> None:
    records = mutate(secure_platform(), "stmlpprod", "allowSharedKeyAccess", "[unknown]")
    verdicts = evaluate(records, "prod")
    assert [(v.policy, v.kind, v.level, v.resource_name) for v in verdicts] == [
        ("st-01-storage-shared-key-disabled", "note", "advisory", "stmlpprod")
    ]
    assert "allowSharedKeyAccess" in verdicts[0].message
    assert not has_mandatory_failures(verdicts)


def test_an_unknown_value_skips_only_the_check_that_reads_it() -> None:
    records = mutate(secure_platform(), "stmlpprod", "enableHttpsTrafficOnly", "[unknown]")
    records = mutate(records, "stmlpprod", "minimumTlsVersion", "TLS1_0")
    found = [(v.kind, v.message) for v in evaluate(records, "prod") if v.policy == "st-02-storage-https-tls12"]
    assert [k for k, _ in found] == ["violation", "note"]
    assert 'minimumTlsVersion is "TLS1_0"' in found[0][1]
    assert "enableHttpsTrafficOnly" in found[1][1]


def test_an_unknown_nested_object_is_unknown_too() -> None:
    records = mutate(secure_platform(), "kv-mlp-prod", "properties", "[unknown]")
    kv_verdicts = {v.policy: v.kind for v in evaluate(records, "prod") if v.resource_name == "kv-mlp-prod"}
    assert set(kv_verdicts.values()) == {"note"}
    assert "kv-01-key-vault-purge-protection" in kv_verdicts


def test_the_rule_raises_like_in_preview_when_called_directly() -> None:
    # Under the CLI the raised UnknownValueError becomes the "can't run policy during
    # preview" advisory; violations found before it are still reported.
    with pytest.raises(UnknownValueError) as raised:
        run_resource(
            by_name("st-02-storage-https-tls12"),
            T_SA,
            {"enableHttpsTrafficOnly": "[unknown]", "minimumTlsVersion": "TLS1_2"},
        )
    assert "enableHttpsTrafficOnly" in raised.value.message


def test_an_unresolvable_reference_in_a_stack_rule_is_a_note() -> None:
    records = mutate(secure_platform(), "mlw-mlp-prod", "keyVault", "[unknown]")
    find(records, "mlw-mlp-prod")["propertyDependencies"].pop("keyVault")
    verdicts = [v for v in evaluate(records, "prod") if v.policy == "stk-09-workspace-associated-resources-in-stack"]
    assert [(v.kind, v.resource_name) for v in verdicts] == [("note", None)]
    assert "mlw-mlp-prod" in verdicts[0].message
    assert "keyVault" in verdicts[0].message


def test_an_unknown_reference_resolved_by_its_dependency_is_judged() -> None:
    records = mutate(secure_platform(), "mlw-mlp-prod", "storageAccount", "[unknown]")
    records = mutate(records, "stmlpprod", "isHnsEnabled", True)
    verdicts = evaluate(records, "prod")
    assert [(v.policy, v.kind, v.resource_name) for v in verdicts] == [
        ("st-09-workspace-default-storage-compatible", "violation", "stmlpprod")
    ]


def test_an_explicit_exception_is_reported_as_a_note() -> None:
    file_share = {
        "name": "notebooks",
        "workspaceName": "mlw-mlp-prod",
        "properties": {"datastoreType": "AzureFile", "credentials": {"credentialsType": "AccountKey"}},
    }
    records = [*secure_platform(), record(T_DS, "notebooks", file_share)]
    verdicts = evaluate(records, "prod")
    assert [(v.policy, v.kind, v.resource_name) for v in verdicts] == [
        ("ml-13-datastore-identity-based", "note", "notebooks")
    ]
    assert verdicts[0].message.startswith("not applicable: Azure Files datastores")


def test_components_and_the_stack_are_not_judged() -> None:
    records = copy.deepcopy(secure_platform())
    component = find(records, "ml")
    component["inputs"] = {"publicNetworkAccess": "Enabled", "location": "eastus"}
    stack = find(records, "mlplatform-prod")
    stack["inputs"] = {"allowSharedKeyAccess": True}
    assert evaluate(records, "prod") == []


def test_verdicts_carry_the_resource_or_the_stack() -> None:
    verdicts = evaluate(insecure_platform(), "prod")
    owner = next(v for v in verdicts if v.policy == "stk-06-least-privilege-role-assignments")
    assert (owner.resource_name, owner.resource_type, owner.level) == ("ra-owner-group", T_RA, "mandatory")
    assert owner.urn
    assert owner.urn.endswith("::ra-owner-group")
    cap = next(v for v in verdicts if v.policy == "stk-04-node-cost-caps")
    assert (cap.urn, cap.resource_name, cap.resource_type) == (None, None, None)
    assert "70 nodes, over the cap of 40" in cap.message


def test_the_table_and_summary() -> None:
    verdicts = [
        Verdict("st-01-x", "mandatory", "urn:a", "sa", T_SA, "shared | key", "violation"),
        Verdict("stk-04-y", "advisory", None, None, None, "too many", "violation"),
        Verdict("st-02-z", "advisory", "urn:a", "sa", T_SA, "unknown", "note"),
    ]
    table = format_table(verdicts).splitlines()
    assert table[0] == "| rule | resource | level | message |"
    assert table[2] == f"| st-01-x | sa ({T_SA}) | mandatory | shared \\| key |"
    assert table[3] == "| stk-04-y | (stack) | advisory | too many |"
    assert table[4] == f"| st-02-z | sa ({T_SA}) | note | unknown |"
    summary = summarize(verdicts)
    assert summary.startswith("Policy pack: 1 mandatory violation(s), 1 advisory violation(s), 1 note(s).")
    assert summary.endswith(format_table(verdicts))
    assert summarize([]) == ("Policy pack: 0 mandatory violation(s), 0 advisory violation(s), 0 note(s).")
    assert has_mandatory_failures(verdicts)
    assert not has_mandatory_failures(verdicts[1:])
    assert not has_mandatory_failures([Verdict("a", "mandatory", None, None, None, "m", "note")])


def test_absence_that_cannot_be_proven_is_a_note_not_a_violation() -> None:
    # The key vault's diagnostic setting exists, but its target is unknown (no id yet, no
    # dependency recorded): "the key vault has no diagnostic setting" cannot be concluded.
    records = mutate(secure_platform(), "diag-kv-mlp-prod", "resourceUri", "[unknown]")
    setting = find(records, "diag-kv-mlp-prod")
    setting["outputs"] = {}
    setting["propertyDependencies"].pop("resourceUri")
    verdicts = [v for v in evaluate(records, "prod") if v.policy == "stk-08-diagnostic-settings"]
    assert [v.kind for v in verdicts] == ["note"]
    assert "diag-kv-mlp-prod" in verdicts[0].message
    assert "kv-mlp-prod: its diagnostic settings can't be told" in verdicts[0].message
