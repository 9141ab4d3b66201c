"""The policy checklist (shared/reference/policy-checklist.md) as test data: its rule ids and the
sources each resource rule must cite. (The levels live in the rules' own declarations only.)"""

from __future__ import annotations

# id: sources exactly as listed
RESOURCE_ROWS = {
    "ML-01": "CKV_AZURE_144, CKV2_AZURE_49, AzP 438c38d2, PSR Azure.ML.PublicAccess",
    "ML-02": "AzP 6ddb1705, CKV_AZURE_243",
    "ML-03": "AzP ba769a63, 7f40cee6",
    "ML-04": "AzP 5f0c7d88, PSR Azure.ML.UserManagedIdentity",
    "ML-05": "CKV2_AZURE_50",
    "ML-06": "custom (AzP e413671a audits the opposite: do not adopt)",
    "ML-07": "CKV_AZURE_142, AzP e96a9a5f, a6f9a2d0, PSR Azure.ML.DisableLocalAuth",
    "ML-08": "custom (no external id)",
    "ML-09": "AzP 7804b5c7, PSR Azure.ML.ComputeVnet",
    "ML-10": "CKV_AZURE_150, WAF cost",
    "ML-11": "AzP 679ddf89, PSR Azure.ML.ComputeIdleShutdown",
    "ML-12": "custom",
    "ML-13": "custom",
    "ST-01": "CKV2_AZURE_40, AzP 8c6a50c6",
    "ST-02": "CKV_AZURE_3/44, AzP 404c3081, fe83a0eb, AZU-0008/0011",
    "ST-03": "CKV_AZURE_190, CKV2_AZURE_47, AzP 4fa4b6c0, AZU-0007",
    "ST-04": "CKV_AZURE_59/35/36, AzP b2982f36, 34c877ad, AZU-0012",
    "ST-05": "AzP 92a89a79, CKV_AZURE_244",
    "ST-06": "CKV_AZURE_206, AzP bf045164",
    "ST-07": "CKV2_AZURE_38, AzP c36a325b, AZU-0056",
    "ST-08": "CKV2_AZURE_1, AzP 6fac406b, 4733ea7b",
    "ST-09": "Azure ML docs",
    "KV-01": "CKV_AZURE_110/42, AzP 0b60c0b2, AZU-0016",
    "KV-02": "CKV_AZURE_111, AzP 1e66c121",
    "KV-03": "AzP 12d4fa5e",
    "KV-04": "CKV_AZURE_189/109, AzP 405c5871, 55615ac9, AZU-0013",
    "KV-05": "CKV_AZURE_41/114/40/112, AzP 98728c90, 152b15f7",
    "CR-01": "CKV_AZURE_137/138, AzP dc921057, 9f2dea28",
    "CR-02": "CKV_AZURE_139/163, AzP 0fdf0491, bd560fc0",
    "CR-03": "AzP 524b0254, 42781ec6",
    "CR-04": "CKV_AZURE_166/167/233",
    "AKS-01": "CKV_AZURE_141/5, AzP 993c2fcd, 450d2877, AZU-0042",
    "AKS-02": "CKV_AZURE_115/6, AzP 0e246bcf, AZU-0041",
    "AKS-03": "CKV_AZURE_143/227, AzP 41425d9f",
    "AKS-04": "CKV_AZURE_7, AzP 46238e2f, AZU-0043",
    "AKS-05": "CKV_AZURE_116/4, AzP 0a15ec92, a1840de2",
    "AKS-06": "AzP da6e2401, 2cc2e023, CKV_AZURE_171",
    "AKS-07": "CKV_AZURE_170/246/8",
    "MON-01": "AzP d550e854, 199d5677, PSR Azure.AppInsights.Workspace",
    "MON-02": "custom, AzP e15effd4",
    "IAM-01": "CKV_AZURE_39, AZU-0030",
}

STACK_ROWS = ("STK-01", "STK-02", "STK-03", "STK-04", "STK-05", "STK-06", "STK-07", "STK-08", "STK-09")

CHECKLIST_IDS = {*RESOURCE_ROWS, *STACK_ROWS}
