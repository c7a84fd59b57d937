//! Resource names: derived from `naming.prefix` by the patterns in catalog/naming.yaml, or set
//! explicitly in the resource's own section. Every name remembers where it came from, so a name
//! Azure would refuse is reported at the value the user wrote.

use crate::blueprint::Blueprint;
use crate::catalog::Catalog;
use serde::Serialize;

/// A resource name and the blueprint path that decided it.
#[derive(Debug, Clone, Serialize)]
pub struct Name {
    pub value: String,
    /// `workspace.name` when set explicitly, `naming.prefix` when derived.
    #[serde(skip)]
    pub origin: String,
    /// catalog/naming.yaml entry that governs it.
    #[serde(skip)]
    pub kind: &'static str,
}

impl Name {
    /// The name set at `path`, or the kind's default pattern from catalog/naming.yaml.
    fn resolve(explicit: Option<&String>, path: &str, kind: &'static str, prefix: &str) -> Name {
        explicit_or(
            explicit,
            path,
            &Catalog::get().naming_rule(kind).default,
            prefix,
            kind,
        )
    }
}

/// Fills a naming pattern: `{prefix}` as written, `{prefix_alnum}` lowercase without hyphens.
pub fn derive(pattern: &str, prefix: &str) -> String {
    let alnum: String = prefix
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_lowercase();
    pattern
        .replace("{prefix_alnum}", &alnum)
        .replace("{prefix}", prefix)
}

#[derive(Debug, Clone, Serialize)]
pub struct Names {
    pub resource_group: Name,
    pub workspace: Name,
    pub storage_account: Name,
    pub key_vault: Name,
    pub container_registry: Name,
    pub log_analytics: Name,
    pub application_insights: Name,
    /// The workspace's user-assigned managed identity (`workspace.identity.type: user_assigned`).
    pub workspace_identity: Option<Name>,
    /// The customer-managed key amlgen creates (`workspace.customer_managed_key.create`).
    pub created_key: Option<Name>,
    /// The Azure Monitor Private Link Scope: derived from the prefix, used only when the
    /// blueprint has one (`dependencies.monitoring.private_link_scope`).
    pub private_link_scope: Name,
    pub client_vnet: Option<Name>,
    pub pe_subnet: Option<Name>,
    pub pe_subnet_nsg: Option<Name>,
    pub network: Option<NetworkNames>,
    pub compute_cluster: Option<Name>,
    pub compute_instance: Option<Name>,
    /// Managed online endpoints (`inference.online_endpoints`), in blueprint order.
    pub online_endpoints: Vec<Name>,
    /// The jump box VM (`way_in.jump_box`); its name is also its computer name.
    pub jump_box: Option<Name>,
    /// The AKS cluster for scoring (`inference.kubernetes`), its identity and its compute.
    pub kubernetes: Option<KubernetesNames>,
}

#[derive(Debug, Clone, Serialize)]
pub struct KubernetesNames {
    pub cluster: Name,
    pub identity: Name,
    pub compute: Name,
}

/// Names of the hub-spoke resources. Only the VNet names are set in the blueprint; the others
/// follow the Cloud Adoption Framework abbreviations after the prefix.
#[derive(Debug, Clone, Serialize)]
pub struct NetworkNames {
    pub hub_vnet: Name,
    pub spoke_vnet: Name,
    pub firewall: Name,
    pub firewall_policy: Name,
    pub firewall_public_ip: Name,
    pub firewall_management_public_ip: Name,
    pub bastion: Name,
    pub bastion_public_ip: Name,
    pub dns_resolver: Name,
    pub dns_resolver_inbound: Name,
    /// The training subnet's route table (`rt-<prefix>-spoke`, its name before the scoring
    /// subnet had a table of its own).
    pub route_table: Name,
    pub route_table_scoring: Name,
    pub nat_gateway: Name,
    pub nat_gateway_public_ip: Name,
    pub service_endpoint_policy: Name,
    pub nsg_training: Name,
    pub nsg_scoring: Name,
    pub nsg_pe: Name,
    pub peering_hub_to_spoke: Name,
    pub peering_spoke_to_hub: Name,
}

/// The name set at `path`, or `pattern` filled with the prefix.
fn explicit_or(
    explicit: Option<&String>,
    path: &str,
    pattern: &str,
    prefix: &str,
    kind: &'static str,
) -> Name {
    match explicit {
        Some(v) => Name {
            value: v.clone(),
            origin: path.to_string(),
            kind,
        },
        None => derived(pattern, prefix, kind),
    }
}

fn derived(pattern: &str, prefix: &str, kind: &'static str) -> Name {
    Name {
        value: derive(pattern, prefix),
        origin: "naming.prefix".to_string(),
        kind,
    }
}

impl Names {
    pub fn of(bp: &Blueprint) -> Names {
        let p = bp.naming.prefix.as_str();
        let deps = &bp.dependencies;
        let client = bp.client_access.as_ref().map(|c| &c.vnet);
        Names {
            resource_group: Name::resolve(
                bp.resource_group.name.as_ref(),
                "resource_group.name",
                "resource_group",
                p,
            ),
            workspace: Name::resolve(bp.workspace.name.as_ref(), "workspace.name", "workspace", p),
            storage_account: Name::resolve(
                deps.storage_account.name.as_ref(),
                "dependencies.storage_account.name",
                "storage_account",
                p,
            ),
            key_vault: Name::resolve(
                deps.key_vault.name.as_ref(),
                "dependencies.key_vault.name",
                "key_vault",
                p,
            ),
            container_registry: Name::resolve(
                deps.container_registry.name.as_ref(),
                "dependencies.container_registry.name",
                "container_registry",
                p,
            ),
            log_analytics: Name::resolve(
                deps.monitoring.log_analytics_name.as_ref(),
                "dependencies.monitoring.log_analytics_name",
                "log_analytics",
                p,
            ),
            application_insights: Name::resolve(
                deps.monitoring.application_insights_name.as_ref(),
                "dependencies.monitoring.application_insights_name",
                "application_insights",
                p,
            ),
            workspace_identity: (bp.workspace.identity.kind
                == crate::blueprint::IdentityKind::UserAssigned)
                .then(|| {
                    Name::resolve(
                        bp.workspace.identity.name.as_ref(),
                        "workspace.identity.name",
                        "user_assigned_identity",
                        p,
                    )
                }),
            created_key: bp
                .workspace
                .customer_managed_key
                .as_ref()
                .and_then(|k| k.create.as_ref())
                .map(|c| {
                    Name::resolve(
                        c.name.as_ref(),
                        "workspace.customer_managed_key.create.name",
                        "key_vault_key",
                        p,
                    )
                }),
            private_link_scope: Name::resolve(None, "naming.prefix", "private_link_scope", p),
            client_vnet: client.map(|v| {
                Name::resolve(
                    v.name.as_ref(),
                    "client_access.vnet.name",
                    "virtual_network",
                    p,
                )
            }),
            pe_subnet: client.map(|v| {
                let mut n = Name::resolve(
                    v.pe_subnet.name.as_ref(),
                    "client_access.vnet.pe_subnet.name",
                    "subnet",
                    p,
                );
                if v.pe_subnet.name.is_none() {
                    n.value = "snet-pe".to_string();
                }
                n
            }),
            pe_subnet_nsg: client.map(|_| derived("nsg-{prefix}-pe", p, "network_security_group")),
            network: bp.network.as_ref().map(|n| NetworkNames {
                hub_vnet: explicit_or(
                    n.hub.as_ref().and_then(|h| h.name.as_ref()),
                    "network.hub.name",
                    "vnet-{prefix}-hub",
                    p,
                    "virtual_network",
                ),
                spoke_vnet: explicit_or(
                    n.spoke.name.as_ref(),
                    "network.spoke.name",
                    "vnet-{prefix}-spoke",
                    p,
                    "virtual_network",
                ),
                firewall: derived("afw-{prefix}", p, "network_resource"),
                firewall_policy: derived("afwp-{prefix}", p, "network_resource"),
                firewall_public_ip: derived("pip-{prefix}-afw", p, "network_resource"),
                firewall_management_public_ip: derived(
                    "pip-{prefix}-afw-mgmt",
                    p,
                    "network_resource",
                ),
                bastion: derived("bas-{prefix}", p, "network_resource"),
                bastion_public_ip: derived("pip-{prefix}-bas", p, "network_resource"),
                dns_resolver: derived("dnspr-{prefix}", p, "network_resource"),
                dns_resolver_inbound: derived("in-{prefix}", p, "network_resource"),
                route_table: derived("rt-{prefix}-spoke", p, "network_resource"),
                route_table_scoring: derived("rt-{prefix}-scoring", p, "network_resource"),
                nat_gateway: derived("ng-{prefix}", p, "network_resource"),
                nat_gateway_public_ip: derived("pip-{prefix}-ng", p, "network_resource"),
                service_endpoint_policy: derived("se-{prefix}-storage", p, "network_resource"),
                nsg_training: derived("nsg-{prefix}-training", p, "network_security_group"),
                nsg_scoring: derived("nsg-{prefix}-scoring", p, "network_security_group"),
                nsg_pe: derived("nsg-{prefix}-pe", p, "network_security_group"),
                peering_hub_to_spoke: derived("peer-hub-to-spoke", p, "network_resource"),
                peering_spoke_to_hub: derived("peer-spoke-to-hub", p, "network_resource"),
            }),
            compute_cluster: bp.compute.cluster.as_ref().map(|c| Name {
                value: c.name.clone(),
                origin: "compute.cluster.name".into(),
                kind: "compute_cluster",
            }),
            compute_instance: bp.compute.instance.as_ref().map(|c| Name {
                value: c.name.clone(),
                origin: "compute.instance.name".into(),
                kind: "compute_instance",
            }),
            online_endpoints: bp
                .inference
                .online_endpoints
                .iter()
                .enumerate()
                .map(|(i, e)| Name {
                    value: e.name.clone(),
                    origin: format!("inference.online_endpoints[{i}].name"),
                    kind: "online_endpoint",
                })
                .collect(),
            jump_box: bp
                .way_in
                .jump_box
                .as_ref()
                .map(|_| derived("vm-{prefix}-jump", p, "virtual_machine")),
            kubernetes: bp.inference.kubernetes.as_ref().map(|k| KubernetesNames {
                cluster: Name::resolve(
                    k.cluster_name.as_ref(),
                    "inference.kubernetes.cluster_name",
                    "kubernetes_cluster",
                    p,
                ),
                identity: Name::resolve(None, "naming.prefix", "managed_identity", p),
                compute: Name {
                    value: k.compute_name.clone(),
                    origin: "inference.kubernetes.compute_name".into(),
                    kind: "compute_cluster",
                },
            }),
        }
    }

    /// Every name, for validation.
    pub fn all(&self) -> Vec<&Name> {
        let mut v = vec![
            &self.resource_group,
            &self.workspace,
            &self.storage_account,
            &self.key_vault,
            &self.container_registry,
            &self.log_analytics,
            &self.application_insights,
        ];
        v.extend(self.workspace_identity.iter());
        v.extend(self.created_key.iter());
        v.extend(self.client_vnet.iter());
        v.extend(self.pe_subnet.iter());
        v.extend(self.pe_subnet_nsg.iter());
        if let Some(n) = &self.network {
            v.extend([
                &n.hub_vnet,
                &n.spoke_vnet,
                &n.firewall,
                &n.firewall_policy,
                &n.firewall_public_ip,
                &n.firewall_management_public_ip,
                &n.bastion,
                &n.bastion_public_ip,
                &n.dns_resolver,
                &n.dns_resolver_inbound,
                &n.route_table,
                &n.route_table_scoring,
                &n.nat_gateway,
                &n.nat_gateway_public_ip,
                &n.service_endpoint_policy,
                &n.nsg_training,
                &n.nsg_scoring,
                &n.nsg_pe,
            ]);
        }
        v.extend(self.compute_cluster.iter());
        v.extend(self.compute_instance.iter());
        v.extend(self.online_endpoints.iter());
        v.extend(self.jump_box.iter());
        if let Some(k) = &self.kubernetes {
            v.extend([&k.cluster, &k.identity, &k.compute]);
        }
        v
    }
}

/// Name of the private endpoint for `target` (`workspace`, `storage-blob`, ...), kept within the
/// 64 characters Azure allows by cutting the prefix part, never the distinguishing suffix.
pub fn private_endpoint_name(prefix: &str, target: &str) -> String {
    let suffix = format!("-{target}");
    let head = derive("pe-{prefix}", prefix);
    let keep = 64usize.saturating_sub(suffix.len()).min(head.len());
    format!("{}{suffix}", head[..keep].trim_end_matches('-'))
}

/// How catalog/clouds.yaml writes a compute instance's name in its host names.
pub const COMPUTE_INSTANCE_PLACEHOLDER: &str = "<compute-instance>";

/// How catalog/clouds.yaml writes a managed online endpoint's name in its host names.
pub const ONLINE_ENDPOINT_PLACEHOLDER: &str = "<endpoint-name>";

/// Name of a private DNS zone's link to a VNet: the same for every zone, so one name per VNet.
pub fn dns_link_name(vnet: &str) -> String {
    format!("link-{vnet}")
}

/// A Bicep symbolic name (camelCase, starts with a letter) from a kebab/snake name.
pub fn bicep_symbol(name: &str) -> String {
    use heck::ToLowerCamelCase;
    let s = name.to_lower_camel_case();
    if s.starts_with(|c: char| c.is_ascii_alphabetic()) {
        s
    } else {
        format!("r{s}")
    }
}

/// Bicep symbol of a private DNS zone module, from the zone's distinguishing label, not its
/// cloud suffix: `privatelink.blob.{storage}` -> `privateDnsZoneBlob`; a zone that is all suffix
/// (`privatelink{acrLoginServer}`) takes the sub-resource name.
pub fn zone_symbol(zone_template: &str, group_id: &str) -> String {
    let label = zone_template
        .trim_start_matches("privatelink")
        .split('.')
        .find(|l| !l.is_empty() && !l.contains('{'))
        .unwrap_or(group_id);
    bicep_symbol(&format!("private-dns-zone-{label}"))
}

/// `AllowOnlyApprovedOutbound` -> `allow_only_approved_outbound`: az ml's spelling of an ARM enum
/// value (azure-ai-ml accepts both).
pub fn camel_to_snake(s: &str) -> String {
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 && !out.ends_with('_') {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derives_names() {
        assert_eq!(derive("st{prefix_alnum}", "Fraud-Prod"), "stfraudprod");
        assert_eq!(derive("kv-{prefix}", "fraud-prod"), "kv-fraud-prod");
        assert_eq!(
            private_endpoint_name("x", "storage-blob"),
            "pe-x-storage-blob"
        );
        assert_eq!(
            private_endpoint_name(&"a".repeat(80), "workspace").len(),
            64
        );
        assert_eq!(bicep_symbol("storage-blob"), "storageBlob");
        assert_eq!(
            zone_symbol("privatelink.blob.{storage}", "blob"),
            "privateDnsZoneBlob"
        );
        assert_eq!(
            zone_symbol("privatelink{acrLoginServer}", "registry"),
            "privateDnsZoneRegistry"
        );
        assert_eq!(
            zone_symbol("privatelink.api.azureml.ms", "amlworkspace"),
            "privateDnsZoneApi"
        );
    }
}
