//! Safe change: what a render deploys that Azure cannot change in place, recorded in the output
//! folder's manifest (`state`), and the comparison of the next render with it. A change Azure
//! refuses (an isolation mode it does not go back from, managedNetworkKind V2 to V1) or that
//! leaves data behind (a renamed storage account, key vault or registry) or that fails while
//! the subnet is in use (a new subnet range) stops the render unless the user accepts its code
//! (`--accept-change AMLG3xx`).

use crate::diagnostic::{Code, Diagnostic};
use crate::plan::model::{KeySource, Model};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What the previous render deployed, as far as safe change needs it. Every field is optional in
/// the manifest, so manifests written before a field existed still read.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct State {
    /// ARM spelling: `Disabled`, `AllowInternetOutbound`, `AllowOnlyApprovedOutbound`.
    #[serde(default)]
    pub isolation_mode: Option<String>,
    /// `V1`, `V2`; none when the blueprint leaves it to Azure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub managed_network_kind: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workspace: Option<String>,
    /// `hbiWorkspace`; set only at creation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hbi_workspace: Option<bool>,
    /// Whether a customer-managed key encrypts the workspace; set only at creation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_managed_key: Option<bool>,
    /// Which key: `<vault resource ID or name>/keys/<key name>`, without the version (a new
    /// version of the same key is a rotation, not a change of key).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_managed_key_id: Option<String>,
    /// Whether the workspace's identity is user-assigned (none but that one) rather than the
    /// system-assigned one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_assigned_identity: Option<bool>,
    #[serde(default)]
    pub storage_account: Option<String>,
    #[serde(default)]
    pub key_vault: Option<String>,
    #[serde(default)]
    pub container_registry: Option<String>,
    /// `<vnet>/<subnet>` -> address prefix, for every subnet amlgen deploys.
    #[serde(default)]
    pub subnets: BTreeMap<String, String>,
}

impl State {
    pub fn of(m: &Model) -> State {
        let mut subnets = BTreeMap::new();
        if let Some(c) = &m.client {
            subnets.insert(
                format!("{}/{}", c.vnet_name, c.pe_subnet_name),
                c.pe_subnet_prefix.clone(),
            );
        }
        if let Some(n) = &m.network {
            for s in &n.spoke.subnets {
                subnets.insert(
                    format!("{}/{}", n.spoke.vnet_name, s.name),
                    s.prefix.clone(),
                );
            }
            if let Some(h) = &n.hub {
                for s in &h.subnets {
                    subnets.insert(format!("{}/{}", h.vnet_name, s.name), s.prefix.clone());
                }
            }
        }
        let name = |k: &str| m.names.get(k).cloned();
        State {
            isolation_mode: Some(m.workspace.isolation_mode.arm.clone()),
            managed_network_kind: m.workspace.kind.as_ref().map(|k| k.arm.clone()),
            workspace: name("workspace"),
            hbi_workspace: Some(m.workspace.hbi_workspace),
            customer_managed_key: Some(m.workspace.customer_managed_key.is_some()),
            customer_managed_key_id: m.workspace.customer_managed_key.as_ref().map(|k| {
                match &k.source {
                    KeySource::Existing {
                        key_vault_id,
                        key_uri,
                    } => {
                        let key = key_uri
                            .split("/keys/")
                            .nth(1)
                            .and_then(|rest| rest.split('/').next())
                            .unwrap_or_default();
                        format!("{}/keys/{key}", key_vault_id.to_ascii_lowercase())
                    }
                    KeySource::Created(c) => format!("{}/keys/{}", m.key_vault.name, c.name),
                }
            }),
            user_assigned_identity: Some(m.workspace.user_assigned_identity.is_some()),
            storage_account: name("storage_account"),
            key_vault: name("key_vault"),
            container_registry: name("container_registry"),
            subnets,
        }
    }
}

/// A change from `before` to `after` that needs acknowledging: its code, the blueprint path that
/// decides it, and what Azure would do.
pub fn changes(before: &State, after: &State) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if let (Some(b), Some(a)) = (&before.isolation_mode, &after.isolation_mode) {
        // Once enabled, a managed VNet cannot be disabled ("you can't disable it"), from either
        // mode; approved-only cannot go back to internet outbound.
        let refused = matches!(
            (b.as_str(), a.as_str()),
            (
                "AllowInternetOutbound" | "AllowOnlyApprovedOutbound",
                "Disabled"
            ) | ("AllowOnlyApprovedOutbound", "AllowInternetOutbound")
        );
        if refused {
            let (b, a) = (blueprint_spelling(b), blueprint_spelling(a));
            out.push(
                Diagnostic::error(
                    Code::IsolationModeOneWay,
                    format!("the deployed managed VNet is {b}; Azure does not reconfigure it to {a}: the deployment would fail and the workspace keep {b}"),
                )
                .at_path("workspace.managed_network.isolation_mode")
                .with_value(a),
            );
        }
    }
    if before.managed_network_kind.as_deref() == Some("V2")
        && after.managed_network_kind.as_deref() == Some("V1")
    {
        out.push(
            Diagnostic::error(
                Code::ManagedNetworkKindOneWay,
                "the deployed managed network is kind V2; Azure refuses a switch back to V1",
            )
            .at_path("workspace.managed_network.kind")
            .with_value("v1"),
        );
    }
    // Settings Azure takes only at creation, on a workspace that keeps its name (a renamed one
    // is a new workspace, AMLG306).
    if before.workspace == after.workspace {
        let created_only = [
            (
                before.hbi_workspace,
                after.hbi_workspace,
                "workspace.hbi_workspace",
                "hbi_workspace",
            ),
            (
                before.customer_managed_key,
                after.customer_managed_key,
                "workspace.customer_managed_key",
                "a customer-managed key",
            ),
            // A workspace created with its system-assigned identity keeps it (Azure adds
            // user-assigned ones beside it, never takes it away), and amlgen's user-assigned
            // workspace has no other identity.
            (
                before.user_assigned_identity,
                after.user_assigned_identity,
                "workspace.identity.type",
                "a user-assigned workspace identity",
            ),
        ];
        for (b, a, path, what) in created_only {
            if let (Some(b), Some(a)) = (b, a) {
                if b != a {
                    let (from, to) = if a { ("off", "on") } else { ("on", "off") };
                    out.push(
                        Diagnostic::error(
                            Code::SetOnlyAtCreation,
                            format!("{what} turns {to} on a deployed workspace that has it {from}: Azure sets it only when the workspace is created"),
                        )
                        .at_path(path)
                        .with_value(to),
                    );
                }
            }
        }
    }
    // Another key on a workspace that keeps its name and its key: Azure takes only a key in the
    // vault it was created with, and only through an update, which no path here runs.
    if before.workspace == after.workspace {
        if let (Some(b), Some(a)) = (
            &before.customer_managed_key_id,
            &after.customer_managed_key_id,
        ) {
            if !b.eq_ignore_ascii_case(a) {
                out.push(
                    Diagnostic::error(
                        Code::SetOnlyAtCreation,
                        format!("the customer-managed key changes from {b} to {a} on a deployed workspace: Azure keeps the key the workspace was created with unless it is updated to another key of the same vault"),
                    )
                    .at_path("workspace.customer_managed_key")
                    .with_value(a.clone()),
                );
            }
        }
    }
    let renames = [
        (
            &before.workspace,
            &after.workspace,
            Code::WorkspaceRenamed,
            "workspace.name",
            "workspace",
            "Azure creates a second, empty workspace; the old one keeps its runs, models, data and compute, and its bill",
        ),
        (
            &before.storage_account,
            &after.storage_account,
            Code::StorageAccountRenamed,
            "dependencies.storage_account.name",
            "storage account",
            "Azure creates a new, empty account; the workspace's data stays in the old one, and a workspace's storage account cannot be swapped",
        ),
        (
            &before.key_vault,
            &after.key_vault,
            Code::KeyVaultRenamed,
            "dependencies.key_vault.name",
            "key vault",
            "Azure creates a new, empty vault; the secrets stay in the old one, and a deleted vault's name stays reserved while it is soft-deleted",
        ),
        (
            &before.container_registry,
            &after.container_registry,
            Code::RegistryRenamed,
            "dependencies.container_registry.name",
            "container registry",
            "Azure creates a new, empty registry; the environment images stay in the old one",
        ),
    ];
    for (b, a, code, path, what, effect) in renames {
        if let (Some(b), Some(a)) = (b, a) {
            if b != a {
                out.push(
                    Diagnostic::error(code, format!("{what} `{b}` is renamed to `{a}`: {effect}"))
                        .at_path(path)
                        .with_value(a.clone()),
                );
            }
        }
    }
    for (subnet, b) in &before.subnets {
        // Gone from a VNet that is still there (a VNet renamed by a new prefix is a new VNet).
        let vnet = subnet.split_once('/').map_or(subnet.as_str(), |(v, _)| v);
        let vnet_kept = after
            .subnets
            .keys()
            .any(|k| k.split_once('/').is_some_and(|(v, _)| v == vnet));
        if !after.subnets.contains_key(subnet) && vnet_kept {
            out.push(
                Diagnostic::error(
                    Code::SubnetRangeChanged,
                    format!("subnet {subnet} ({b}) is no longer in its VNet: the deployment deletes it, which Azure refuses while anything is in it"),
                )
                .with_value(subnet.clone()),
            );
        }
        if let Some(a) = after.subnets.get(subnet) {
            if a != b {
                out.push(
                    Diagnostic::error(
                        Code::SubnetRangeChanged,
                        format!("subnet {subnet} changes from {b} to {a}: Azure refuses a new range while anything (private endpoints, compute, a firewall) is in the subnet"),
                    )
                    .with_value(a.clone()),
                );
            }
        }
    }
    for d in &mut out {
        let code = d.code;
        d.help = Some(format!(
            "keep the deployed value, or pass --accept-change {code} if you mean it (`amlgen explain {code}` says what happens)"
        ));
    }
    out
}

/// An ARM value as the blueprint writes it: `AllowInternetOutbound` -> `allow_internet_outbound`.
fn blueprint_spelling(arm: &str) -> String {
    let mut out = String::new();
    for (i, c) in arm.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push('_');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

/// The codes `--accept-change` takes.
pub const CODES: &[Code] = &[
    Code::IsolationModeOneWay,
    Code::ManagedNetworkKindOneWay,
    Code::StorageAccountRenamed,
    Code::KeyVaultRenamed,
    Code::RegistryRenamed,
    Code::SubnetRangeChanged,
    Code::WorkspaceRenamed,
    Code::SetOnlyAtCreation,
];

#[cfg(test)]
mod tests {
    use super::*;

    fn state(mode: &str) -> State {
        State {
            isolation_mode: Some(mode.into()),
            storage_account: Some("st1".into()),
            subnets: [("v/pe".to_string(), "10.0.0.0/27".to_string())].into(),
            ..State::default()
        }
    }

    #[test]
    fn one_way_isolation_modes_are_refused_and_the_others_are_not() {
        let codes = |b: &str, a: &str| -> Vec<Code> {
            changes(&state(b), &state(a))
                .iter()
                .map(|d| d.code)
                .collect()
        };
        assert_eq!(
            codes("AllowInternetOutbound", "Disabled"),
            [Code::IsolationModeOneWay]
        );
        assert_eq!(
            codes("AllowOnlyApprovedOutbound", "AllowInternetOutbound"),
            [Code::IsolationModeOneWay]
        );
        assert_eq!(
            codes("AllowOnlyApprovedOutbound", "Disabled"),
            [Code::IsolationModeOneWay]
        );
        assert!(codes("AllowInternetOutbound", "AllowOnlyApprovedOutbound").is_empty());
        assert!(codes("Disabled", "AllowInternetOutbound").is_empty());
    }

    #[test]
    fn renames_kind_and_subnets() {
        let before = State {
            managed_network_kind: Some("V2".into()),
            key_vault: Some("kv-a".into()),
            ..state("Disabled")
        };
        let mut after = State {
            managed_network_kind: Some("V1".into()),
            key_vault: Some("kv-b".into()),
            storage_account: Some("st2".into()),
            ..state("Disabled")
        };
        after.subnets.insert("v/pe".into(), "10.0.1.0/27".into());
        // A subnet gone from a VNet that stays.
        let mut gone = State {
            subnets: [("v/other".to_string(), "10.0.2.0/27".to_string())].into(),
            ..state("Disabled")
        };
        gone.subnets.remove("v/pe");
        assert_eq!(
            changes(&state("Disabled"), &gone)
                .iter()
                .map(|d| d.code)
                .collect::<Vec<_>>(),
            [Code::SubnetRangeChanged]
        );
        let codes: Vec<Code> = changes(&before, &after).iter().map(|d| d.code).collect();
        assert_eq!(
            codes,
            [
                Code::ManagedNetworkKindOneWay,
                Code::StorageAccountRenamed,
                Code::KeyVaultRenamed,
                Code::SubnetRangeChanged
            ]
        );
        // Renamed: a new workspace, so its settings at creation are its own.
        let ws = |name: &str, hbi: bool, cmk: bool| State {
            workspace: Some(name.into()),
            hbi_workspace: Some(hbi),
            customer_managed_key: Some(cmk),
            ..state("Disabled")
        };
        let codes =
            |b: &State, a: &State| -> Vec<Code> { changes(b, a).iter().map(|d| d.code).collect() };
        assert_eq!(
            codes(&ws("w1", false, false), &ws("w1", true, true)),
            [Code::SetOnlyAtCreation, Code::SetOnlyAtCreation]
        );
        assert_eq!(
            codes(&ws("w1", false, true), &ws("w2", true, false)),
            [Code::WorkspaceRenamed]
        );
        assert!(codes(&ws("w1", true, true), &ws("w1", true, true)).is_empty());
        let uai = |on: bool| State {
            user_assigned_identity: Some(on),
            ..ws("w1", false, false)
        };
        assert_eq!(codes(&uai(false), &uai(true)), [Code::SetOnlyAtCreation]);
        // Another key (a rename of the created one, another vault) is refused; the same key
        // spelled in another case is not.
        let key = |id: &str| State {
            customer_managed_key_id: Some(id.into()),
            ..ws("w1", false, true)
        };
        assert_eq!(
            codes(&key("kv-a/keys/cmk-a"), &key("kv-a/keys/cmk-b")),
            [Code::SetOnlyAtCreation]
        );
        assert!(codes(&key("kv-a/keys/cmk-a"), &key("KV-A/keys/cmk-a")).is_empty());
        // A manifest from before `state` existed compares as nothing known.
        assert!(changes(&State::default(), &after).is_empty());
    }
}
