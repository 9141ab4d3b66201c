"""The customer-managed key: a key in the stack's vault and the identity that wraps data with it.

Built inside the Workspace component, after the key vault and before the storage account and the
workspace, which both depend on the key permissions so they never try the key before they may.

ARM creates the key once and never changes it: the key PUT (`Keys_CreateIfNotExist`, Key Vault REST
spec 2024-11-01, the SDK's API version) "Creates the first version of a new key if it does not exist.
If it already exists, then the existing key is returned without any write operations being
performed. This API does not create subsequent versions, and does not update existing keys." So a
later change of key type, size, operations, expiry or rotation policy would show in a Pulumi diff and
never reach Azure: the key ignores changes to its properties (and tags), and the rotation policy of
an existing key is changed on the data plane (docs/protection.md, runbook).
"""

from __future__ import annotations

import pulumi
from pulumi_azure_native import keyvault, managedidentity, storage
from pulumi_azure_native import machinelearningservices as ml

from components.core.component import PlatformComponent, StackContext
from components.core.propagation import RoleAssignmentWait
from components.core.role_assignment import assign_role
from components.settings.encryption import EncryptionSettings

# get, wrapKey and unwrapKey on keys: what Azure ML, Storage and Cosmos DB need from a customer key
KEY_ROLE = "Key Vault Crypto Service Encryption User"
# Creating a key through ARM on an RBAC vault is checked against the caller's data-plane rights
# (Azure/bicep#6539: ForbiddenByRbac on Microsoft.KeyVault/vaults/keys/read for an Owner; #7864: it
# works once the deployer holds Key Vault Crypto Officer). Microsoft's key-rotation page asks for "Key
# Vault Contributor" instead, which the rbac-guide says "does not allow access to keys": the stack
# follows the evidence and grants the data-plane role (rbac-guide: "Perform any action on the keys of
# a key vault, except manage permissions"), on the vault, kept after creation (refresh reads the key).
DEPLOYER_ROLE = "Key Vault Crypto Officer"


class CustomerManagedKey(PlatformComponent):
    def __init__(
        self,
        name: str,
        ctx: StackContext,
        settings: EncryptionSettings,
        *,
        vault: keyvault.Vault,
        deployer_object_id: pulumi.Input[str],
        role_assignment_wait_seconds: int,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("CustomerManagedKey", name, ctx, opts)
        self.settings = settings
        self.vault = vault
        # The principal type is a setting: the SDK sends "User" when it is left out, and ARM refuses a
        # type that does not match the principal (UnmatchedPrincipalType); CI deploys as a service principal.
        self.deployer_permission = assign_role(
            self.child_name("deployer-crypto-officer"),
            scope=vault.id,
            role=DEPLOYER_ROLE,
            principal_id=deployer_object_id,
            principal_type=settings.deployer_principal_type,
            opts=self.child_opts(),
            description=f"{DEPLOYER_ROLE} for the identity that deploys the stack (creates the customer key)",
        )
        # the key PUT is checked against the deployer's data-plane role: wait until it is in force
        # (components/core/propagation.py: "up to 10 minutes")
        self.deployer_wait = RoleAssignmentWait(
            self.child_name("deployer-rbac-wait"),
            seconds=role_assignment_wait_seconds,
            grants=[self.deployer_permission],
            opts=self.child_opts(),
        )
        self.identity = managedidentity.UserAssignedIdentity(
            self.child_name("identity"),
            resource_name_=ctx.names.scoped("id-cmk", 128),
            **self.common,
            opts=self.child_opts(),
        )
        self.key = keyvault.Key(
            self.child_name("key"),
            key_name=ctx.names.scoped("cmk", 127),
            vault_name=vault.name,
            resource_group_name=ctx.resource_group_name,
            properties=keyvault.KeyPropertiesArgs(
                kty=keyvault.JsonWebKeyType(settings.key_type),
                key_size=settings.key_size,
                key_ops=[keyvault.JsonWebKeyOperation.WRAP_KEY, keyvault.JsonWebKeyOperation.UNWRAP_KEY],
                attributes=keyvault.KeyAttributesArgs(enabled=True, expires=settings.expires_on_epoch),
                rotation_policy=keyvault.RotationPolicyArgs(
                    attributes=keyvault.KeyRotationPolicyAttributesArgs(expiry_time=settings.expires_after),
                    lifetime_actions=[
                        keyvault.LifetimeActionArgs(
                            action=keyvault.ActionArgs(type=keyvault.KeyRotationPolicyActionType.ROTATE),
                            trigger=keyvault.TriggerArgs(time_after_create=settings.rotate_after),
                        ),
                        keyvault.LifetimeActionArgs(
                            action=keyvault.ActionArgs(type=keyvault.KeyRotationPolicyActionType.NOTIFY),
                            trigger=keyvault.TriggerArgs(time_before_expiry="P30D"),
                        ),
                    ],
                ),
            ),
            tags=dict(ctx.tags),
            # the key encrypts the workspace's data: deleting it makes that data unreadable. ARM never
            # updates an existing key (module docstring): a diff on its properties would be a lie.
            opts=self.child_opts(
                stateful=True,
                depends_on=[self.deployer_permission, self.deployer_wait],
                ignore_changes=["properties", "tags"],
            ),
        )
        # scoped to the key, not the vault: the identity can use this one key and nothing else
        self.permission = assign_role(
            self.child_name("key-user"),
            scope=self.key.id,
            role=KEY_ROLE,
            principal_id=self.identity.principal_id,
            principal_type="ServicePrincipal",
            opts=self.child_opts(),
        )
        # What the workspace waits for: its identity's permission, and Cosmos DB's where Azure ML puts
        # the workspace's metadata in a Cosmos DB of your subscription (not service-side).
        grants: list[pulumi.CustomResource] = [self.permission]
        self.cosmos_db_principal_id = settings.cosmos_db_principal_object_id
        if self.cosmos_db_principal_id is not None:
            grants.append(
                assign_role(
                    self.child_name("cosmosdb-key-user"),
                    scope=self.key.id,
                    role=KEY_ROLE,
                    principal_id=self.cosmos_db_principal_id,
                    principal_type="ServicePrincipal",
                    opts=self.child_opts(),
                    description=f"{KEY_ROLE} for Azure Cosmos DB (the workspace's metadata, customer key)",
                )
            )
        # The storage account and the workspace use the key as soon as they are created: they wait
        # until the key grants are in force (components/core/propagation.py).
        self.key_wait = RoleAssignmentWait(
            self.child_name("key-rbac-wait"),
            seconds=role_assignment_wait_seconds,
            grants=grants,
            opts=self.child_opts(),
        )
        self.workspace_permissions: list[pulumi.Resource] = [*grants, self.key_wait]
        # (who, principal id, principal type, role, target) of every grant made here, for accessGrants
        self.audit: list[tuple[str, pulumi.Input[str], str, str, str]] = [
            ("deployer", deployer_object_id, settings.deployer_principal_type, DEPLOYER_ROLE, "keyvault"),
            ("customerKeyIdentity", self.identity.principal_id, "ServicePrincipal", KEY_ROLE, "key"),
            *(
                [("cosmosDb", self.cosmos_db_principal_id, "ServicePrincipal", KEY_ROLE, "key")]
                if self.cosmos_db_principal_id
                else []
            ),
        ]
        self.finish({"identityId": self.identity.id, "keyId": self.key.id})

    def workspace_encryption(self) -> ml.EncryptionPropertyArgs:
        return ml.EncryptionPropertyArgs(
            status=ml.EncryptionStatus.ENABLED,
            identity=ml.IdentityForCmkArgs(user_assigned_identity=self.identity.id),
            key_vault_properties=ml.KeyVaultPropertiesArgs(
                key_vault_arm_id=self.vault.id,
                # Azure ML takes a versioned key identifier; rotation adds versions it does not follow
                key_identifier=self.key.key_uri_with_version,
                identity_client_id=self.identity.client_id,
            ),
        )

    def storage_encryption(self) -> tuple[storage.IdentityArgs, storage.EncryptionArgs]:
        """The storage account's identity and encryption: versionless, so Storage follows rotation."""
        identity = storage.IdentityArgs(
            type=storage.IdentityType.USER_ASSIGNED, user_assigned_identities=[self.identity.id]
        )
        encryption = storage.EncryptionArgs(
            key_source=storage.KeySource.MICROSOFT_KEYVAULT,
            key_vault_properties=storage.KeyVaultPropertiesArgs(
                key_name=self.key.name, key_vault_uri=self.vault.properties.vault_uri
            ),
            encryption_identity=storage.EncryptionIdentityArgs(encryption_user_assigned_identity=self.identity.id),
            require_infrastructure_encryption=True,
        )
        return identity, encryption
