"""The policy checklist (shared/reference/policy-checklist.md) as test data: sources and the
Level column (prod/dev; "-" = not enforced), plus the staging levels this pack chose."""

from __future__ import annotations

# id: (sources exactly as listed, prod level, dev level)
RESOURCE_ROWS = {
    "ML-01": ("CKV_AZURE_144, CKV2_AZURE_49, AzP 438c38d2, PSR Azure.ML.PublicAccess", "M", "A"),
    "ML-02": ("AzP 6ddb1705, CKV_AZURE_243", "M", "A"),
    "ML-03": ("AzP ba769a63, 7f40cee6", "A", "A"),
    "ML-04": ("AzP 5f0c7d88, PSR Azure.ML.UserManagedIdentity", "A", "A"),
    "ML-05": ("CKV2_AZURE_50", "A", "A"),
    "ML-06": ("custom (AzP e413671a audits the opposite: do not adopt)", "M", "A"),
    "ML-07": ("CKV_AZURE_142, AzP e96a9a5f, a6f9a2d0, PSR Azure.ML.DisableLocalAuth", "M", "A"),
    "ML-08": ("custom (no external id)", "M", "A"),
    "ML-09": ("AzP 7804b5c7, PSR Azure.ML.ComputeVnet", "M", "A"),
    "ML-10": ("CKV_AZURE_150, WAF cost", "A", "M"),
    "ML-11": ("AzP 679ddf89, PSR Azure.ML.ComputeIdleShutdown", "M", "M"),
    "ML-12": ("custom", "M", "A"),
    "ML-13": ("custom", "M", "A"),
    "ST-01": ("CKV2_AZURE_40, AzP 8c6a50c6", "M", "A"),
    "ST-02": ("CKV_AZURE_3/44, AzP 404c3081, fe83a0eb, AZU-0008/0011", "M", "M"),
    "ST-03": ("CKV_AZURE_190, CKV2_AZURE_47, AzP 4fa4b6c0, AZU-0007", "M", "M"),
    "ST-04": ("CKV_AZURE_59/35/36, AzP b2982f36, 34c877ad, AZU-0012", "M", "A"),
    "ST-05": ("AzP 92a89a79, CKV_AZURE_244", "M", "M"),
    "ST-06": ("CKV_AZURE_206, AzP bf045164", "M", "A"),
    "ST-07": ("CKV2_AZURE_38, AzP c36a325b, AZU-0056", "M", "A"),
    "ST-08": ("CKV2_AZURE_1, AzP 6fac406b, 4733ea7b", "A", "A"),
    "ST-09": ("Azure ML docs", "M", "M"),
    "KV-01": ("CKV_AZURE_110/42, AzP 0b60c0b2, AZU-0016", "M", "A"),
    "KV-02": ("CKV_AZURE_111, AzP 1e66c121", "M", "M"),
    "KV-03": ("AzP 12d4fa5e", "M", "A"),
    "KV-04": ("CKV_AZURE_189/109, AzP 405c5871, 55615ac9, AZU-0013", "M", "A"),
    "KV-05": ("CKV_AZURE_41/114/40/112, AzP 98728c90, 152b15f7", "A", "A"),
    "CR-01": ("CKV_AZURE_137/138, AzP dc921057, 9f2dea28", "M", "M"),
    "CR-02": ("CKV_AZURE_139/163, AzP 0fdf0491, bd560fc0", "M", "A"),
    "CR-03": ("AzP 524b0254, 42781ec6", "A", "A"),
    "CR-04": ("CKV_AZURE_166/167/233", "A", "A"),
    "AKS-01": ("CKV_AZURE_141/5, AzP 993c2fcd, 450d2877, AZU-0042", "M", "M"),
    "AKS-02": ("CKV_AZURE_115/6, AzP 0e246bcf, AZU-0041", "M", "A"),
    "AKS-03": ("CKV_AZURE_143/227, AzP 41425d9f", "M", "A"),
    "AKS-04": ("CKV_AZURE_7, AzP 46238e2f, AZU-0043", "M", "A"),
    "AKS-05": ("CKV_AZURE_116/4, AzP 0a15ec92, a1840de2", "M", "A"),
    "AKS-06": ("AzP da6e2401, 2cc2e023, CKV_AZURE_171", "M", "A"),
    "AKS-07": ("CKV_AZURE_170/246/8", "A", "A"),
    "MON-01": ("AzP d550e854, 199d5677, PSR Azure.AppInsights.Workspace", "M", "A"),
    "MON-02": ("custom, AzP e15effd4", "A", "A"),
    "IAM-01": ("CKV_AZURE_39, AZU-0030", "M", "M"),
}

STACK_ROWS = {
    "STK-01": ("M", "M"),
    "STK-02": ("M", "M"),
    "STK-03": ("M", "A"),
    "STK-04": ("M", "A"),
    "STK-05": ("M", "-"),
    "STK-06": ("M", "M"),
    "STK-07": ("M", "-"),
    "STK-08": ("M", "A"),
    "STK-09": ("M", "M"),
}

LEVELS = {
    **{rid: (prod, dev) for rid, (_, prod, dev) in RESOURCE_ROWS.items()},
    **STACK_ROWS,
}

# Staging follows prod except where a rule is about cost or convenience (README, "Staging").
STAGING_EXCEPTIONS = {
    "ML-10": "M",  # cost: staging scales to zero and is capped like dev
    "ST-06": "A",  # cost: staging data is reproducible, geo-redundancy is optional
    "KV-01": "A",  # convenience: purge protection blocks tearing staging down and rebuilding
    "STK-05": "A",  # convenience: protection blocks tearing staging down and rebuilding
}

WORD = {"M": "mandatory", "A": "advisory", "-": "disabled"}


def expected_level(rule_id: str, stack: str) -> str:
    prod, dev = LEVELS[rule_id]
    if stack == "prod":
        return WORD[prod]
    if stack == "dev":
        return WORD[dev]
    return WORD[STAGING_EXCEPTIONS.get(rule_id, prod)]
