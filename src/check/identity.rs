//! The workspace identity (`workspace.identity`). A user-assigned identity always gets the roles
//! Azure documents for it (catalog/access.yaml `workspace_identity_roles`): amlgen creates the
//! identity, so no blueprint leaves it without them. Refused: a key in a vault outside the
//! deployment read by the user-assigned identity (it has no role there when the workspace is
//! created), and a name for an identity amlgen does not create. The name itself is checked with every other name (AMLG022).

use crate::blueprint::{Blueprint, IdentityKind};
use crate::diagnostic::{Code, Diagnostic};

pub fn check(bp: &Blueprint, out: &mut Vec<Diagnostic>) {
    let identity = &bp.workspace.identity;
    match identity.kind {
        // The identity reads the key with its roles: amlgen's vault gives it Key Vault
        // Administrator; a vault outside the deployment would need a role amlgen cannot give
        // before the identity exists.
        IdentityKind::UserAssigned
            if bp
                .workspace
                .customer_managed_key
                .as_ref()
                .is_some_and(|k| k.create.is_none()) =>
        {
            out.push(
                Diagnostic::error(
                    Code::IdentityWithCustomerManagedKey,
                    "a user-assigned workspace identity cannot read a key in a vault outside the deployment",
                )
                .at_path("workspace.identity.type")
                .with_value("user_assigned")
                .with_help("the identity amlgen creates has no role on your key vault when the workspace is created; use `customer_managed_key: {create: {}}` (a key in the workspace's key vault, which the identity may use), or keep type: system_assigned with your key"),
            );
        }
        IdentityKind::SystemAssigned => {
            if let Some(name) = &identity.name {
                out.push(
                    Diagnostic::error(
                        Code::IdentityNameWithoutUserAssigned,
                        "a name for a user-assigned identity, but the workspace's identity is system-assigned",
                    )
                    .at_path("workspace.identity.name")
                    .with_value(name.clone())
                    .with_help("set workspace.identity.type: user_assigned, or remove the name"),
                );
            }
        }
        IdentityKind::UserAssigned => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(sets: &[&str]) -> Vec<Code> {
        crate::check::codes_of(check, sets)
    }

    #[test]
    fn identity_combinations() {
        assert!(codes(&["workspace.identity.type=user_assigned"]).is_empty());
        assert!(codes(&[
            "workspace.identity.type=user_assigned",
            "workspace.identity.name=id-ml"
        ])
        .is_empty());
        assert_eq!(
            codes(&["workspace.identity.name=id-ml"]),
            [Code::IdentityNameWithoutUserAssigned]
        );
        let cmk = "workspace.customer_managed_key={key_vault_id: /subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-keys/providers/Microsoft.KeyVault/vaults/kv-keys, key_uri: 'https://kv-keys.vault.azure.net/keys/k/0123'}";
        assert!(codes(&[cmk]).is_empty());
        assert_eq!(
            codes(&[cmk, "workspace.identity.type=user_assigned"]),
            [Code::IdentityWithCustomerManagedKey]
        );
        // A key amlgen creates in the workspace's vault, which the identity may use.
        assert!(codes(&[
            "workspace.customer_managed_key={create: {}}",
            "workspace.identity.type=user_assigned"
        ])
        .is_empty());
    }
}
