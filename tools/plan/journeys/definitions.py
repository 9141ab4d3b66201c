"""The users' journeys every offline plan checks, written as data (model.py says what a step is).

Each step names the Microsoft page that makes it necessary. The words in `who`, `on`, `when` and
`actors` are resolved by evaluate.py against the plan records; nothing here reads the records.

The seed's pipeline (examples/pipeline-job.yml) runs both steps on `cpu-cluster` with the curated
environment `azureml://registries/azureml/environments/sklearn-1.5` (an image Microsoft serves
from mcr.microsoft.com: nothing is built), takes `./data` as input (uploaded to the default
datastore) and writes its outputs to the default datastore (outputs without a path). The online
deployments (examples/endpoints/) build an image from `environments/inference-conda.yml` (channel
conda-forge, pip packages from PyPI) and upload `src/score`. tests/plan/test_journey_definitions.py
holds these facts against the example files.
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
AKS_INTERNAL_LB = "https://learn.microsoft.com/azure/aks/internal-lb"
ACR_QUARANTINE = "https://github.com/Azure/acr/blob/main/docs/preview/quarantine/readme.md"

# The compute the seed's pipeline names (`compute: azureml:cpu-cluster`).
PIPELINE_COMPUTE = "cpu-cluster"
# The instance type the Kubernetes deployment asks for (examples/endpoints/kubernetes/deployment.yml).
KUBERNETES_INSTANCE_TYPE = "cpu-small"
# What an environment built from examples/environments/inference-conda.yml downloads: the
# conda-forge channel (conda.anaconda.org, Microsoft: "*.anaconda.org ... repo data") and pip
# packages, listed on pypi.org and downloaded from files.pythonhosted.org (PyPI's file host;
# Microsoft names `*.pythonhosted.org` for an overwritten index, and pip fetches every file from it).
PACKAGE_HOSTS = ("conda.anaconda.org", "pypi.org", "files.pythonhosted.org")

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
        path(
            "pipeline compute nodes",
            "host",
            on="mcr.microsoft.com",
            source=MANAGED_NETWORK + "#list-of-required-rules",
            why="the curated sklearn-1.5 image comes from Microsoft's registry",
        ),
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
        after(
            "J3",
            on="registry",
            source=SECURE_WORKSPACE,
            why="the deployments' environment (image + conda file) is built first",
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

# In the order they are listed: J2 refers to J3's result (the evaluator checks J3 first when asked).# fmt: on

JOURNEYS: tuple[Journey, ...] = (SUBMIT_PIPELINE, DEPLOY_MODEL, BUILD_IMAGE, OPEN_STUDIO, READ_DATASTORES)
