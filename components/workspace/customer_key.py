"""The customer-managed key: a key in the stack's vault and the identity that wraps data with it.

Built inside the Workspace component, after the key vault and before the storage account and the
workspace, which both depend on the key permission so they never try the key before they may.
"""

from __future__ import annotations

import pulumi
from pulumi_azure_native import keyvault, managedidentity, storage
from pulumi_azure_native import machinelearningservices as ml

from components.core.component import PlatformComponent, StackContext
from components.core.role_assignment import assign_role
from components.settings.encryption import EncryptionSettings

# get, wrapKey and unwrapKey on keys: what Azure ML and Storage need from a customer key
KEY_ROLE = "Key Vault Crypto Service Encryption User"


class CustomerManagedKey(PlatformComponent):
    def __init__(
        self,
        name: str,
        ctx: StackContext,
        settings: EncryptionSettings,
        *,
        vault: keyvault.Vault,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("CustomerManagedKey", name, ctx, opts)
        self.settings = settings
        self.vault = vault
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
            # the key encrypts the workspace's data: deleting it makes that data unreadable
            opts=self.child_opts(stateful=True),
        )
        # scoped to the key, not the vault: the identity can use this one key and nothing else
        self.permission = assign_role(
            self.child_name("key-user"),
            scope=self.key.id,
            role=KEY_ROLE,
            principal_id=self.identity.principal_id,
            principal_type="ServicePrincipal",
            subscription_id=ctx.subscription_id,
            opts=self.child_opts(),
        )
        self.grants: list[tuple[str, str]] = [("key", KEY_ROLE)]  # (target, role), for the audit outputs
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
