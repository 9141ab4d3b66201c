"""The users' journeys every offline plan checks, written as data (model.py says what a step is).

Each step names the Microsoft page that makes it necessary. The words in `who`, `on`, `when` and
`actors` are resolved by evaluate.py against the plan records; nothing here reads the records.

The seed's pipeline (examples/pipeline-job.yml) runs both steps on `cpu-cluster` with the
platform's environment `nyc-taxi-train` from the shared Azure ML registry (EXAMPLES_REGISTRY),
takes `./data` as input (uploaded to the default datastore) and writes its outputs to the default
datastore (outputs without a path). The managed deployment runs on the registry's `nyc-taxi-serve`;
the Kubernetes deployment builds an image from that environment's conda file (channel conda-forge,
pip packages from PyPI); both upload `src/score`. examples/endpoints/registry deploys the
registry's model in prod. tests/journeys/test_definitions.py holds these facts against the example
files.
"""

from __future__ import annotations

from .model import Journey, after, path, role, setting

_ML = "https://learn.microsoft.com/azure/machine-learning/"
ASSIGN_ROLES = _ML + "how-to-assign-roles#default-roles"
LOCAL_AUTH = _ML + "how-to-disable-local-auth-storage#scenarios-for-role-assignments"
IDENTITY = _ML + "how-to-identity-based-service-authentication"
MANAGED_NETWORK = _ML + "how-to-managed-network"
PRIVATE_LINK = _ML + "how-to-configure-private-link"
STUDIO_VNET = _ML + "how-to-enable-studio-virtual-network"
ENDPOINT_AUTH = _ML + "concept-endpoints-online-auth"
ATTACH_KUBERNETES = _ML + "how-to-attach-kubernetes-to-workspace"
SECURE_KUBERNETES = _ML + "how-to-secure-kubernetes-inferencing-environment"
SECURE_WORKSPACE = _ML + "how-to-secure-workspace-vnet#enable-azure-container-registry-acr"
INSTANCE_TYPES = _ML + "how-to-manage-kubernetes-instance-types"
AKS_AZURE_RBAC = "https://learn.microsoft.com/azure/aks/manage-azure-rbac"
AKS_INTERNAL_LB = "https://learn.microsoft.com/azure/aks/internal-lb"
MANAGE_REGISTRIES = _ML + "how-to-manage-registries#add-users-to-the-registry"
REGISTRY_ISOLATION = _ML + "how-to-registry-network-isolation"
SHARE_ACROSS = _ML + "how-to-share-models-pipelines-across-workspaces-with-registries"
ACR_QUARANTINE = "https://github.com/Azure/acr/blob/main/docs/preview/quarantine/readme.md"

# The compute the seed's pipeline names (`compute: azureml:cpu-cluster`).
PIPELINE_COMPUTE = "cpu-cluster"
# The Azure ML registry the examples name (`azureml://registries/<name>/...`): the shared stack's.
EXAMPLES_REGISTRY = "mlr-mlp-shared"
# The instance type the Kubernetes deployment asks for (examples/endpoints/kubernetes/deployment.yml).
KUBERNETES_INSTANCE_TYPE = "cpu-small"
# What an environment built from environments/nyc-taxi-serve/2/conda.yml downloads: the
# conda-forge channel (conda.anaconda.org, Microsoft: "*.anaconda.org ... repo data") and pip
# packages, listed on pypi.org and downloaded from files.pythonhosted.org (PyPI's file host;
# Microsoft names `*.pythonhosted.org` for an overwritten index, and pip fetches every file from it).
PACKAGE_HOSTS = ("conda.anaconda.org", "pypi.org", "files.pythonhosted.org")

# Every journey that runs on the registry's assets from a managed network: the registry's storage
# and container registry are not behind its amlregistry endpoint.
REGISTRY_STORAGE_AND_ACR = setting(
    "the managed network reaches the registry's storage and container registry",
    on="shared registry",
    source=REGISTRY_ISOLATION,
    why="outbound to a registry needs 'Storage.<region>' and 'AzureContainerRegistry.<region>' "
    "(model files, environment images): not behind its amlregistry endpoint",
    when="managed network",
)

SUBMIT_PIPELINE = Journey(
    key="J1",
    title="submit the seed pipeline (az ml job create --file examples/pipeline-job.yml)",
    actors="people with AzureML Data Scientist",
    steps=(
        role(
            "actor",
            "AzureML Data Scientist",
            on="workspace",
            source=ASSIGN_ROLES,
            why="submitting jobs needs workspace write access except compute",
        ),
        path("actor's client", "amlworkspace", on="workspace", source=PRIVATE_LINK, why="az ml reaches the workspace"),
        role(
            "actor",
            "Storage Blob Data Contributor",
            on="default storage",
            source=LOCAL_AUTH,
            why="az ml uploads ./data, src/transform and src/train to the default datastore as the user",
            when="identity-based default storage",
        ),
        path(
            "actor's client", "blob", on="default storage", source=PRIVATE_LINK, why="the upload reaches blob storage"
        ),
        role(
            "workspace identity",
            "Storage Blob Data Contributor",
            on="default storage",
            source=IDENTITY + "#workspace-identity-types",
            why="Azure ML reads the code snapshot and writes job metadata",
        ),
        setting(
            "a managed identity",
            on="pipeline compute",
            source=IDENTITY + "#compute-cluster",
            why="both steps run on cpu-cluster, which mounts data as its managed identity",
        ),
        setting(
            "the examples' registry is this stack's shared registry",
            on="shared registry",
            source=SHARE_ACROSS,
            why="both steps run on azureml://registries/<registry>/environments/nyc-taxi-train/versions/2",
        ),
        role(
            "actor",
            "Reader",
            on="shared registry",
            source=MANAGE_REGISTRIES,
            why="'To let a user only read assets [...] the built-in Reader role': use the registry's environment",
        ),
        path(
            "pipeline compute nodes",
            "amlregistry",
            on="shared registry",
            source=REGISTRY_ISOLATION,
            why="'Using assets from registry to a secure workspace requires configuring outbound access'",
        ),
        REGISTRY_STORAGE_AND_ACR,
        role(
            "compute identity",
            "Storage Blob Data Contributor",
            on="default storage",
            source=LOCAL_AUTH,
            why="the job reads raw_data and writes its rw_mount outputs and MLflow model to the default datastore",
        ),
        path(
            "pipeline compute nodes",
            "blob",
            on="default storage",
            source=MANAGED_NETWORK + "#list-of-required-rules",
            why="the nodes mount the default datastore",
        ),
    ),
)

DEPLOY_MODEL = Journey(
    key="J2",
    title="register the model and create the online endpoints",
    actors="deploy principals",
    steps=(
        role(
            "actor",
            "AzureML Data Scientist",
            on="workspace",
            source=ENDPOINT_AUTH,
            why="model write and onlineEndpoints/write",
        ),
        path("actor's client", "amlworkspace", on="workspace", source=PRIVATE_LINK, why="az ml reaches the workspace"),
        role(
            "actor",
            "Storage Blob Data Contributor",
            on="default storage",
            source=LOCAL_AUTH,
            why="online-deployment create uploads src/score and the conda file to the default datastore",
            when="identity-based default storage",
        ),
        path(
            "actor's client", "blob", on="default storage", source=PRIVATE_LINK, why="the upload reaches blob storage"
        ),
        setting(
            "managed network provisioned before the first deployment",
            on="workspace",
            source=MANAGED_NETWORK + "#manually-provision-a-managed-vnet",
            why="'To create an online deployment, you must manually provision the managed network'",
            when="managed network",
        ),
        role(
            "actor",
            "Reader",
            on="shared registry",
            source=MANAGE_REGISTRIES,
            why="the managed deployment runs on the registry's nyc-taxi-serve environment",
        ),
        path(
            "managed deployment nodes",
            "amlregistry",
            on="shared registry",
            source=REGISTRY_ISOLATION,
            why="the managed deployment pulls the registry's environment",
        ),
        REGISTRY_STORAGE_AND_ACR,
        after(
            "J3",
            on="registry",
            source=SECURE_WORKSPACE,
            why="the Kubernetes deployment's environment (image + conda file) is built first",
        ),
        # prod: the Kubernetes online endpoint on the attached AKS cluster (aks-inference)
        role(
            "workspace identity",
            "Reader",
            on="AKS cluster",
            source=ATTACH_KUBERNETES + "#attach-to-workspace-with-user-assigned-managed-identity",
            why="granted to a user-assigned workspace identity before the attach",
            when="Kubernetes compute with a user-assigned workspace identity",
        ),
        role(
            "workspace identity",
            "Kubernetes Extension Contributor",
            on="AKS cluster",
            source=ATTACH_KUBERNETES + "#attach-to-workspace-with-user-assigned-managed-identity",
            why="without it the attach fails with 'extension not installed'",
            when="Kubernetes compute with a user-assigned workspace identity",
        ),
        role(
            "workspace identity",
            "Azure Kubernetes Service Cluster Admin Role",
            on="AKS cluster",
            source=ATTACH_KUBERNETES + "#attach-to-workspace-with-user-assigned-managed-identity",
            why="without it the attach fails with 'internal server' error",
            when="Kubernetes compute with a user-assigned workspace identity",
        ),
        role(
            "Kubernetes compute identity",
            "AcrPull",
            on="registry",
            source=ATTACH_KUBERNETES,
            why="'Grant the AcrPull role to the compute Managed Identity' to pull the model image",
            when="Kubernetes compute",
        ),
        role(
            "AKS admin group",
            "Azure Kubernetes Service RBAC Cluster Admin",
            on="AKS cluster",
            source=AKS_AZURE_RBAC,
            why="someone applies the instance types (cluster-scoped custom resources, not ARM's) with kubectl; "
            "Azure RBAC authorizes every call to the private API server",
            when="Kubernetes compute",
        ),
        setting(
            "the deployment's instance type, at least 2 CPU and 4 GB",
            on="inference instance types",
            source=INSTANCE_TYPES,
            why="'An instance type is required for model deployment'; MLflow models need 2 CPU and 4 GB requested",
            when="Kubernetes compute",
        ),
        role(
            "AKS cluster identity",
            "Network Contributor",
            on="AKS subnet",
            source=AKS_INTERNAL_LB,
            why="the scoring router's internal load balancer joins the cluster's subnet",
            when="AKS in a subnet of the stack",
        ),
        path(
            "AKS nodes",
            "amlworkspace",
            on="workspace",
            source=SECURE_KUBERNETES,
            why="the extension calls the workspace",
            when="Kubernetes compute",
        ),
        path(
            "AKS nodes",
            "registry",
            on="registry",
            source=SECURE_KUBERNETES,
            why="the nodes pull the model image",
            when="Kubernetes compute",
        ),
        path(
            "AKS nodes",
            "blob",
            on="default storage",
            source=SECURE_KUBERNETES,
            why="the nodes download the model",
            when="Kubernetes compute",
        ),
    ),
)

BUILD_IMAGE = Journey(
    key="J3",
    title="build an environment image where the registry is private",
    actors="Azure ML",
    needed_when="registry or default storage private",
    claimed_when="package egress for image builds",
    steps=(
        setting(
            "imageBuildCompute names a compute of the plan",
            on="workspace",
            source=MANAGED_NETWORK + "#configure-image-builds",
            why="a registry behind a network cannot build images itself",
        ),
        setting(
            "a CPU size",
            on="image build compute",
            source=SECURE_WORKSPACE,
            why="'Only a CPU SKU is supported' for the image build compute",
        ),
        path(
            "image build compute nodes",
            "host",
            on="mcr.microsoft.com",
            source=MANAGED_NETWORK + "#list-of-required-rules",
            why="the base image comes from Microsoft's registry",
        ),
        path(
            "image build compute nodes",
            "host",
            on="package hosts",
            source=MANAGED_NETWORK + "#scenario-access-public-machine-learning-packages",
            why="conda and pip install the environment's packages",
        ),
        path(
            "image build compute nodes",
            "registry",
            on="registry",
            source=MANAGED_NETWORK + "#list-of-required-rules",
            why="the built image is pushed to the workspace registry",
        ),
        path(
            "image build compute nodes",
            "blob",
            on="default storage",
            source=MANAGED_NETWORK + "#list-of-required-rules",
            why="the build context is read from the default storage",
        ),
        setting(
            "quarantine off",
            on="registry",
            source=ACR_QUARANTINE,
            why="a quarantined image cannot be pulled until a scanner marks it Passed",
        ),
        role(
            "compute identity",
            "AcrPull",
            on="registry",
            source=IDENTITY + "#create-compute-with-managed-identity-to-access-docker-images-for-training",
            why="jobs pull the built image from the workspace registry",
        ),
    ),
)

OPEN_STUDIO = Journey(
    key="J4",
    title="open data and notebooks in studio",
    actors="studio users",
    steps=(
        role(
            "actor",
            "AzureML Data Scientist",
            read_only="Reader",
            on="workspace",
            source=ASSIGN_ROLES,
            why="studio lists the workspace's assets",
        ),
        path(
            "actor's browser", "amlworkspace", on="workspace", source=PRIVATE_LINK, why="studio reaches the workspace"
        ),
        path(
            "actor's browser",
            "blob",
            on="default storage",
            source=MANAGED_NETWORK + "#azure-machine-learning-studio",
            why="studio runs in the browser and talks to the default storage directly",
        ),
        path(
            "actor's browser",
            "file",
            on="default storage",
            source=MANAGED_NETWORK + "#azure-machine-learning-studio",
            why="notebooks live on the default storage's file share",
        ),
        role(
            "actor",
            "Storage Blob Data Contributor",
            read_only="Storage Blob Data Reader",
            on="default storage",
            source=LOCAL_AUTH,
            why="studio: create datasets and browse the default datastores",
            when="identity-based default storage",
        ),
        role(
            "actor",
            "Storage File Data Privileged Contributor",
            read_only="Storage File Data Privileged Reader",
            on="default storage",
            source=LOCAL_AUTH,
            why="notebooks and the file explorer",
            when="identity-based default storage",
        ),
        role(
            "workspace identity",
            "Reader",
            on="default storage private endpoints",
            source=MANAGED_NETWORK + "#azure-machine-learning-studio",
            why="'the private endpoint created in the client virtual network is granted the Reader role to your "
            "workspace managed identity' (blob and file)",
        ),
        role(
            "actor",
            "the datastore grant",
            on="actor's datastores",
            source=STUDIO_VNET + "#datastore-azure-storage-account",
            why="studio reads a datastore as the user (identity-based datastores)",
        ),
        path(
            "actor's browser",
            "the datastore's endpoint",
            on="actor's datastores",
            source=STUDIO_VNET + "#limitations",
            why="'the workspace private endpoint and storage private endpoint must be in the same virtual network'",
        ),
        role(
            "workspace identity",
            "Reader",
            on="actor's datastore private endpoints",
            source=STUDIO_VNET + "#datastore-azure-storage-account",
            why="'grant the workspace's managed identity Reader access to the private endpoint' (blob, file and dfs)",
        ),
        role(
            "workspace identity",
            "Storage Blob Data Reader",
            on="actor's workspace-identity datastores",
            source=STUDIO_VNET + "#datastore-azure-storage-account",
            why="a datastore that reads with the workspace identity (not the default storage)",
        ),
    ),
)

READ_DATASTORES = Journey(
    key="J5",
    title="a job on cpu-cluster reads and writes the datastores its compute identity is granted",
    actors="Azure ML",
    needed_when="compute identity granted datastores",
    steps=(
        role(
            "compute identity",
            "the datastore grant",
            on="compute's datastores",
            source=IDENTITY + "#access-data-for-training-jobs-on-compute-using-managed-identity",
            why="a job reads the datastore as the compute's managed identity",
        ),
        path(
            "pipeline compute nodes",
            "the datastore's endpoint",
            on="compute's datastores",
            source=MANAGED_NETWORK + "#limitations",
            why="'you can't use an FQDN rule to access Azure Storage Accounts. You must use a private endpoint'",
        ),
    ),
)

PUBLISH_MODEL = Journey(
    key="J6",
    title="publish the tested model to the shared registry (az ml model share --registry-name)",
    actors="registry publishers",
    steps=(
        role(
            "actor",
            "AzureML Data Scientist",
            on="workspace",
            source=ASSIGN_ROLES,
            why="the model is read from the workspace it was registered in",
        ),
        role(
            "actor",
            "AzureML Registry User",
            on="shared registry",
            source=REGISTRY_ISOLATION + "#create-assets-in-registry-from-local-files",
            why="'must be assigned the AzureML Registry User, owner, or contributor role' to create assets",
        ),
        path("actor's client", "amlworkspace", on="workspace", source=PRIVATE_LINK, why="az ml reaches the workspace"),
        path(
            "actor's client",
            "amlregistry",
            on="shared registry",
            source=REGISTRY_ISOLATION,
            why="az ml reaches the registry (a private one: from the VNet of its endpoint)",
        ),
        setting(
            "the registry may read the default storage",
            on="default storage",
            source=REGISTRY_ISOLATION + "#share-assets-from-workspace-to-registry",
            why="'it isn't possible to share an asset from secure workspace to a [...] registry if the storage "
            "account containing the asset has public access disabled'",
        ),
    ),
)

DEPLOY_FROM_REGISTRY = Journey(
    key="J7",
    title="deploy the registry's model to a managed online endpoint (examples/endpoints/registry)",
    actors="registry consumers that deploy",
    needed_when="the stack consumes a shared registry",
    steps=(
        role(
            "actor",
            "AzureML Data Scientist",
            on="workspace",
            source=ENDPOINT_AUTH,
            why="onlineEndpoints/write and deployments in this workspace",
        ),
        role(
            "actor",
            "Reader",
            on="shared registry",
            source=MANAGE_REGISTRIES,
            why="'registries/assets/read: Allows the user to browse assets and use the assets in a workspace'",
        ),
        setting(
            "the examples' registry is this stack's shared registry",
            on="shared registry",
            source=SHARE_ACROSS + "#deploy-model-from-registry-to-online-endpoint-in-workspace",
            why="the deployment names azureml://registries/<registry>/models/nyc-taxi-fare/versions/1",
        ),
        path("actor's client", "amlworkspace", on="workspace", source=PRIVATE_LINK, why="az ml reaches the workspace"),
        setting(
            "managed network provisioned before the first deployment",
            on="workspace",
            source=MANAGED_NETWORK + "#manually-provision-a-managed-vnet",
            why="'To create an online deployment, you must manually provision the managed network'",
            when="managed network",
        ),
        path(
            "managed deployment nodes",
            "amlregistry",
            on="shared registry",
            source=REGISTRY_ISOLATION + "#deploy-a-model-from-registry-to-workspace",
            why="the deployment pulls the registry's model and environment",
        ),
        REGISTRY_STORAGE_AND_ACR,
    ),
)

# In the order they are listed: J2 refers to J3's result (the evaluator checks J3 first when asked).# fmt: on

JOURNEYS: tuple[Journey, ...] = (
    SUBMIT_PIPELINE,
    DEPLOY_MODEL,
    BUILD_IMAGE,
    OPEN_STUDIO,
    READ_DATASTORES,
    PUBLISH_MODEL,
    DEPLOY_FROM_REGISTRY,
)
