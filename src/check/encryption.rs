//! Customer-managed key (`workspace.customer_managed_key`): an existing key or one amlgen
//! creates, never both (AMLG128); a created key has a size amlgen makes (AMLG129). For an
//! existing key, the key vault must be a key vault in
//! the workspace's subscription, and the key must live in it (cmk_howto: "The key vault that
//! contains your customer-managed key must be in the same Azure subscription as the Azure Machine
//! Learning workspace").

use crate::blueprint::{Blueprint, CreatedKey};
use crate::catalog::Catalog;
use crate::diagnostic::{Code, Diagnostic};
use crate::rules::private_endpoint::parse_resource_id;

const VAULT_TYPE: &str = "Microsoft.KeyVault/vaults";

pub fn check(bp: &Blueprint, out: &mut Vec<Diagnostic>) {
    let Some(cmk) = &bp.workspace.customer_managed_key else {
        return;
    };
    const AT: &str = "workspace.customer_managed_key";
    match (&cmk.create, &cmk.key_vault_id, &cmk.key_uri) {
        (Some(created), None, None) => check_created(bp, created, out),
        (None, Some(vault), Some(uri)) => check_existing(bp, vault, uri, out),
        (Some(_), _, _) => out.push(
            Diagnostic::error(
                Code::CustomerManagedKeyShape,
                "both an existing key and one to create",
            )
            .at_path(AT)
            .with_help("keep key_vault_id and key_uri (your key) or `create` (a key amlgen creates in the workspace's key vault), not both"),
        ),
        (None, None, None) => out.push(
            Diagnostic::error(
                Code::CustomerManagedKeyShape,
                "neither an existing key nor one to create",
            )
            .at_path(AT)
            .with_help("give key_vault_id and key_uri of an existing key, or `create: {}` (a mapping, possibly empty) for a key amlgen creates in the workspace's key vault"),
        ),
        (None, vault, _) => {
            let missing = if vault.is_none() {
                "key_vault_id"
            } else {
                "key_uri"
            };
            out.push(
                Diagnostic::error(
                    Code::CustomerManagedKeyShape,
                    format!("an existing key without {missing}"),
                )
                .at_path(AT)
                .with_help("give both key_vault_id and key_uri of an existing key, or replace them with `create: {}` for a key amlgen creates in the workspace's key vault"),
            )
        }
    }
}

fn check_created(bp: &Blueprint, created: &CreatedKey, out: &mut Vec<Diagnostic>) {
    let cat = Catalog::get();
    // The created key's role goes to Azure Cosmos DB's service principal, found by its
    // application ID; Microsoft's page gives it for Azure and Azure Government only.
    if !cat
        .encryption
        .cosmos_db_app_id
        .by_cloud
        .contains_key(bp.cloud.as_str())
    {
        out.push(
            Diagnostic::error(Code::CreatedKeyUnsupported, format!("no documented Azure Cosmos DB application ID in {}", bp.cloud.as_str()))
                .at_path("workspace.customer_managed_key.create")
                .with_value(bp.cloud.as_str().to_string())
                .with_help("amlgen gives the created key's role to Azure Cosmos DB's service principal, known by its application ID, which Microsoft documents for AzureCloud and AzureUSGovernment only; in this cloud create the key and its access yourself and give key_vault_id and key_uri"),
        );
    }
    let allowed = &cat.encryption.created_key.sizes;
    if let Some(size) = created.size.filter(|s| !allowed.contains(s)) {
        let sizes: Vec<String> = allowed.iter().map(u32::to_string).collect();
        out.push(
            Diagnostic::error(
                Code::CreatedKeyUnsupported,
                "amlgen creates RSA keys of 3072 or 4096 bits",
            )
            .at_path("workspace.customer_managed_key.create.size")
            .with_value(size.to_string())
            .with_help(format!(
                "set size to one of {} (at least 3072 bits is what Azure recommends for this key)",
                sizes.join(", ")
            )),
        );
    }
}

fn check_existing(bp: &Blueprint, key_vault_id: &str, key_uri: &str, out: &mut Vec<Diagnostic>) {
    let vault = parse_resource_id(key_vault_id)
        .filter(|r| r.resource_type.eq_ignore_ascii_case(VAULT_TYPE));
    let Some(vault) = vault else {
        out.push(
            Diagnostic::error(Code::CustomerManagedKeyVault, "not a key vault resource ID")
                .at_path("workspace.customer_managed_key.key_vault_id")
                .with_value(key_vault_id.to_string())
                .with_help("give /subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.KeyVault/vaults/<name> (`az keyvault show --name <name> --query id`)"),
        );
        return;
    };
    if let Some(sub) = &bp.resource_group.subscription_id {
        let vault_subscription =
            crate::rules::private_endpoint::resource_subscription(key_vault_id).unwrap_or_default();
        if !vault_subscription.eq_ignore_ascii_case(sub.as_str()) {
            out.push(
                Diagnostic::error(Code::CustomerManagedKeyVault, "the key vault is in another subscription than the workspace")
                    .at_path("workspace.customer_managed_key.key_vault_id")
                    .with_value(key_vault_id.to_string())
                    .with_help(format!("Azure Machine Learning takes a customer-managed key only from a key vault in the workspace's subscription ({}); use or create one there", sub.as_str())),
            );
        }
    }
    if !key_in_vault(key_uri, &vault.name) {
        out.push(
            Diagnostic::error(Code::CustomerManagedKeyUri, format!("not a key identifier in key vault {}", vault.name))
                .at_path("workspace.customer_managed_key.key_uri")
                .with_value(key_uri.to_string())
                .with_help(format!("give https://{}.<vault DNS suffix>/keys/<name>/<version> (`az keyvault key show --vault-name {} --name <name> --query key.kid`)", vault.name, vault.name)),
        );
    }
}

/// `https://<vault>.<suffix>/keys/<name>[/<version>]` with `<vault>` the key vault's name.
fn key_in_vault(uri: &str, vault: &str) -> bool {
    let Some(rest) = uri.strip_prefix("https://") else {
        return false;
    };
    let Some((host, path)) = rest.split_once('/') else {
        return false;
    };
    let host_ok = host
        .split_once('.')
        .is_some_and(|(name, suffix)| name.eq_ignore_ascii_case(vault) && !suffix.is_empty());
    let segments: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    let path_ok = matches!(segments.as_slice(), ["keys", name] | ["keys", name, _] if !name.is_empty())
        && segments
            .iter()
            .all(|s| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'));
    host_ok && path_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    const VAULT: &str =
        "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-keys/providers/Microsoft.KeyVault/vaults/kv-central";

    fn codes(sets: &[String]) -> Vec<Code> {
        let sets: Vec<&str> = sets.iter().map(String::as_str).collect();
        let bp = crate::blueprint::builtin_with("approved-only", &sets);
        let mut out = Vec::new();
        check(&bp, &mut out);
        out.into_iter().map(|d| d.code).collect()
    }

    fn cmk(vault: &str, uri: &str) -> String {
        format!("workspace.customer_managed_key={{key_vault_id: '{vault}', key_uri: '{uri}'}}")
    }

    #[test]
    fn key_and_vault_must_match() {
        let good =
            "https://kv-central.vault.azure.net/keys/aml-cmk/0123456789abcdef0123456789abcdef";
        assert!(codes(&[cmk(VAULT, good)]).is_empty());
        assert!(codes(&[cmk(
            VAULT,
            "https://kv-central.vault.azure.net/keys/aml-cmk"
        )])
        .is_empty());
        for bad in [
            "https://kv-other.vault.azure.net/keys/aml-cmk/1",
            "http://kv-central.vault.azure.net/keys/aml-cmk/1",
            "https://kv-central.vault.azure.net/secrets/aml-cmk/1",
            "https://kv-central.vault.azure.net/keys/",
            "https://kv-central.vault.azure.net/keys/a b/1",
        ] {
            assert_eq!(
                codes(&[cmk(VAULT, bad)]),
                [Code::CustomerManagedKeyUri],
                "{bad}"
            );
        }
        let storage = VAULT.replace(
            "Microsoft.KeyVault/vaults",
            "Microsoft.Storage/storageAccounts",
        );
        assert_eq!(
            codes(&[cmk(&storage, good)]),
            [Code::CustomerManagedKeyVault]
        );
        // Another subscription than the workspace's.
        let other =
            "resource_group.subscription_id=11111111-1111-1111-1111-111111111111".to_string();
        assert_eq!(
            codes(&[cmk(VAULT, good), other]),
            [Code::CustomerManagedKeyVault]
        );
        let same =
            "resource_group.subscription_id=00000000-0000-0000-0000-000000000000".to_string();
        assert!(codes(&[cmk(VAULT, good), same]).is_empty());
    }

    #[test]
    fn existing_or_created_never_both() {
        let set = |v: &str| format!("workspace.customer_managed_key={v}");
        assert!(codes(&[set("{create: {}}")]).is_empty());
        assert!(codes(&[set("{create: {name: cmk-team, size: 4096}}")]).is_empty());
        let good =
            "https://kv-central.vault.azure.net/keys/aml-cmk/0123456789abcdef0123456789abcdef";
        for bad in [
            format!("{{key_vault_id: '{VAULT}'}}"),
            format!("{{key_uri: '{good}'}}"),
            "{}".to_string(),
            format!("{{key_vault_id: '{VAULT}', key_uri: '{good}', create: {{}}}}"),
            format!("{{key_uri: '{good}', create: {{}}}}"),
        ] {
            assert_eq!(
                codes(&[set(&bad)]),
                [Code::CustomerManagedKeyShape],
                "{bad}"
            );
        }
        for size in [2048, 1024, 3071, 8192] {
            assert_eq!(
                codes(&[set(&format!("{{create: {{size: {size}}}}}"))]),
                [Code::CreatedKeyUnsupported],
                "{size}"
            );
        }
    }
}
