"""Small tables the rules need: resource type tokens, taggable types, built-in role GUIDs.

Kept local to the pack on purpose: the CLI runs the pack as its own program, so it imports
nothing from the project's components/ (tests check the tokens against the installed SDK).
"""

from __future__ import annotations

_AN = "azure-native"

# Azure ML
ML_WORKSPACE = f"{_AN}:machinelearningservices:Workspace"
ML_COMPUTE = f"{_AN}:machinelearningservices:Compute"
ML_DATASTORE = f"{_AN}:machinelearningservices:Datastore"
# A managed-network outbound rule created as its own resource (targets made after the workspace).
ML_OUTBOUND_RULE = f"{_AN}:machinelearningservices:ManagedNetworkSettingsRule"
# An Azure ML registry (a shared stack's), and how an ARM id names one (role assignment scopes).
ML_REGISTRY = f"{_AN}:machinelearningservices:Registry"
ML_REGISTRY_ID_PART = "/providers/microsoft.machinelearningservices/registries/"
# Storage
STORAGE_ACCOUNT = f"{_AN}:storage:StorageAccount"
BLOB_CONTAINER = f"{_AN}:storage:BlobContainer"
BLOB_SERVICE = f"{_AN}:storage:BlobServiceProperties"
# Key Vault
KEY_VAULT = f"{_AN}:keyvault:Vault"
KV_SECRET = f"{_AN}:keyvault:Secret"
KV_KEY = f"{_AN}:keyvault:Key"
# Registry, Kubernetes
REGISTRY = f"{_AN}:containerregistry:Registry"
AKS_CLUSTER = f"{_AN}:containerservice:ManagedCluster"
AKS_POOL = f"{_AN}:containerservice:AgentPool"
K8S_EXTENSION = f"{_AN}:kubernetesconfiguration:Extension"
# Monitoring: DiagnosticSetting lives in the `monitor` module in azure-native 3.x (not insights).
APP_INSIGHTS = f"{_AN}:applicationinsights:Component"
LOG_ANALYTICS = f"{_AN}:operationalinsights:Workspace"
DIAGNOSTIC_SETTING = f"{_AN}:monitor:DiagnosticSetting"
# Identity, network, resource groups
ROLE_ASSIGNMENT = f"{_AN}:authorization:RoleAssignment"
ROLE_DEFINITION = f"{_AN}:authorization:RoleDefinition"
PRIVATE_ENDPOINT = f"{_AN}:network:PrivateEndpoint"
RESOURCE_GROUP = f"{_AN}:resources:ResourceGroup"
LOCK_AT_RG = f"{_AN}:authorization:ManagementLockAtResourceGroupLevel"
LOCK_BY_SCOPE = f"{_AN}:authorization:ManagementLockByScope"
USER_ASSIGNED_IDENTITY = f"{_AN}:managedidentity:UserAssignedIdentity"

# Built-in role definition GUIDs (azure-facts.md).
ROLE_AZUREML_DATA_SCIENTIST = "f6c7c914-8db3-469d-8ca1-694a8f32e121"
ROLE_AZUREML_COMPUTE_OPERATOR = "e503ece1-11d0-4e8e-8e2c-7a6c3bf38815"
ROLE_OWNER = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635"
ROLE_CONTRIBUTOR = "b24988ac-6180-42a0-ab88-20f7382dd24c"
ROLE_USER_ACCESS_ADMINISTRATOR = "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9"
ROLE_RBAC_ADMINISTRATOR = "f58310d9-a9f6-439a-9e8d-f62e7b41a168"

ROLE_NAMES = {
    ROLE_AZUREML_DATA_SCIENTIST: "AzureML Data Scientist",
    ROLE_AZUREML_COMPUTE_OPERATOR: "AzureML Compute Operator",
    ROLE_OWNER: "Owner",
    ROLE_CONTRIBUTOR: "Contributor",
    ROLE_USER_ACCESS_ADMINISTRATOR: "User Access Administrator",
    ROLE_RBAC_ADMINISTRATOR: "Role Based Access Control Administrator",
}

# Roles a human (User/Group) principal must never hold.
PRIVILEGED_ROLES = frozenset(
    {
        ROLE_OWNER,
        ROLE_CONTRIBUTOR,
        ROLE_USER_ACCESS_ADMINISTRATOR,
        ROLE_RBAC_ADMINISTRATOR,
    }
)

# Built-in roles that can create or change ML compute (Owner/Contributor through "*").
COMPUTE_WRITE_ROLES = frozenset({ROLE_AZUREML_COMPUTE_OPERATOR, ROLE_OWNER, ROLE_CONTRIBUTOR})
COMPUTE_WRITE_ACTION = "Microsoft.MachineLearningServices/workspaces/computes/write"

# The workspace's associated resources: its input, their type, a label.
WORKSPACE_ASSOCIATED = (
    ("storageAccount", STORAGE_ACCOUNT, "storage account"),
    ("keyVault", KEY_VAULT, "key vault"),
    ("applicationInsights", APP_INSIGHTS, "Application Insights component"),
    ("containerRegistry", REGISTRY, "container registry"),
)

# The Azure ML cluster extension that attaches AKS as Kubernetes compute.
AZUREML_EXTENSION_TYPE = "Microsoft.AzureML.Kubernetes"

# Managed-network isolation modes that keep compute inside the workspace's managed VNet.
MANAGED_NETWORK_ON = ("AllowInternetOutbound", "AllowOnlyApprovedOutbound")

# The input that carries a resource's own Azure name (azure-native `name` is an output only).
NAME_INPUT = {
    ML_WORKSPACE: "workspaceName",
    ML_COMPUTE: "computeName",
    STORAGE_ACCOUNT: "accountName",
    KEY_VAULT: "vaultName",
    REGISTRY: "registryName",
    ML_REGISTRY: "registryName",
    AKS_CLUSTER: "resourceName",
    AKS_POOL: "agentPoolName",
    APP_INSIGHTS: "resourceName",
    LOG_ANALYTICS: "workspaceName",
    RESOURCE_GROUP: "resourceGroupName",
    ROLE_DEFINITION: "roleDefinitionId",
}
