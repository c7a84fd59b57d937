//! Blueprint -> Model: every derivation (names, parameters, rules in both spellings, private
//! endpoints, DNS zones and forwarders, host names) happens here, once.

pub mod model;
pub mod zones;

use crate::blueprint::{IsolationMode, Loaded, OutboundRule};
use crate::catalog::Catalog;
use crate::naming::{self, Names};
use indexmap::IndexMap;
use model::*;
use serde_json::{json, Value as Json};

/// The regenerate command, as a user types it: built-in name or the relative path, the `--set`
/// assignments, and `--out` when it is not the default.
pub fn regenerate_command(loaded: &Loaded, out: Option<&str>) -> String {
    let mut parts = vec!["amlgen".to_string(), "render".to_string()];
    parts.push(crate::render::escape::shell_word(&portable(
        &loaded.source.arg,
    )));
    for s in &loaded.sets {
        parts.push("--set".into());
        parts.push(crate::render::escape::shell_word(s));
    }
    if let Some(o) = out {
        parts.push("--out".into());
        parts.push(crate::render::escape::shell_word(o));
    }
    parts.join(" ")
}

/// A path as it may appear in committed output: an absolute path would put this machine's
/// layout into the files, so only its file name is kept.
fn portable(path: &str) -> String {
    let p = std::path::Path::new(path);
    if p.is_absolute() {
        p.file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_default()
    } else {
        path.to_string()
    }
}

pub fn plan(loaded: &Loaded, regenerate: String) -> Model {
    let bp = &loaded.blueprint;
    let cat = Catalog::get();
    let names = Names::of(bp);
    let cloud = cat.cloud(bp.cloud.as_str());
    let mn = &bp.workspace.managed_network;
    let mode = &cat.managed_network.isolation_modes[mn.isolation_mode.key()];
    let approved_only = mn.isolation_mode == IsolationMode::AllowOnlyApprovedOutbound;
    let firewall_sku = approved_only.then(|| {
        let f = &cat.managed_network.firewall.skus[mn.firewall_sku.key()];
        ModeModel {
            arm: f.arm.clone(),
            cli: f.cli.clone(),
        }
    });
    let rules = expand_rules(&mn.outbound_rules);
    let has_fqdn_rules = rules.iter().any(|r| r.kind == "fqdn");

    let workspace = WorkspaceModel {
        name: names.workspace.value.clone(),
        friendly_name: bp
            .workspace
            .friendly_name
            .clone()
            .unwrap_or_else(|| names.workspace.value.clone()),
        public_network_access: if bp.workspace.public_network_access {
            "Enabled"
        } else {
            "Disabled"
        },
        isolation_mode: ModeModel {
            arm: mode.arm.clone(),
            cli: mode.cli.clone(),
        },
        firewall_sku,
        provision_now: mn.provision_now,
        spark: mn.spark,
        rules,
        has_fqdn_rules,
    };

    let client = bp.client_access.as_ref().map(|c| {
        let mut zones: Vec<ZoneModel> = Vec::new();
        let mut pes = Vec::new();
        let targets = [
            (
                "workspace",
                "workspace",
                "amlworkspace",
                names.workspace.value.clone(),
            ),
            (
                "storage",
                "storage account (blob)",
                "blob",
                names.storage_account.value.clone(),
            ),
            (
                "storage",
                "storage account (file)",
                "file",
                names.storage_account.value.clone(),
            ),
        ];
        for (target, label, group, target_name) in targets {
            let dns = &cloud.private_dns[group];
            let mut zone_indices = Vec::new();
            for z in &dns.zones {
                let literal = zones::fill_literal(z, cloud);
                let idx = match zones.iter().position(|m| m.name == literal) {
                    Some(i) => i,
                    None => {
                        zones.push(ZoneModel {
                            symbol: naming::zone_symbol(z, group),
                            link_name: format!(
                                "link-{}",
                                names.client_vnet.as_ref().expect("client").value
                            ),
                            bicep: zones::bicep_expression(z),
                            name: literal,
                        });
                        zones.len() - 1
                    }
                };
                zone_indices.push(idx);
            }
            let pe_suffix = if target == "workspace" {
                "workspace".to_string()
            } else {
                format!("storage-{group}")
            };
            let pe_name = naming::private_endpoint_name(&bp.naming.prefix, &pe_suffix);
            let hosts = dns
                .hosts
                .iter()
                .map(|h| HostModel {
                    fqdn: zones::fill_literal(&h.fqdn, cloud)
                        .replace("{region}", &bp.location)
                        .replace("{name}", &target_name),
                    ip_placeholder: format!("<{pe_name}:{}>", h.ip),
                })
                .collect();
            pes.push(PrivateEndpointModel {
                symbol: naming::bicep_symbol(&format!("pe-{pe_suffix}")),
                name: pe_name,
                label: label.to_string(),
                target,
                target_name,
                group_id: group.to_string(),
                zone_names: zone_indices
                    .iter()
                    .map(|i| zones[*i].name.clone())
                    .collect(),
                zone_indices,
                hosts,
            });
        }
        ClientModel {
            vnet_name: names.client_vnet.as_ref().expect("client").value.clone(),
            address_prefixes: c.vnet.address_space.clone(),
            pe_subnet_name: names.pe_subnet.as_ref().expect("client").value.clone(),
            pe_subnet_prefix: c.vnet.pe_subnet.address_prefix.clone(),
            nsg_name: names.pe_subnet_nsg.as_ref().expect("client").value.clone(),
            private_endpoints: pes,
            zones,
        }
    });

    let mut forward_zones: Vec<String> = Vec::new();
    if let Some(c) = &client {
        for pe in &c.private_endpoints {
            for f in &cloud.private_dns[&pe.group_id].forward {
                let z = zones::fill_literal(f, cloud);
                if !forward_zones.contains(&z) {
                    forward_zones.push(z);
                }
            }
        }
    }

    let mut notes = Vec::new();
    if has_fqdn_rules {
        notes.push(cat.managed_network.firewall.cost_note.clone());
    }
    if mn.isolation_mode != IsolationMode::Disabled {
        notes.push(
            "Managed VNet isolation is one-way: once enabled it cannot be disabled, and allow_only_approved_outbound cannot go back to allow_internet_outbound. Existing computes must be recreated after enabling it.".to_string(),
        );
    }

    let mut model = Model {
        generator: Generator {
            name: "amlgen",
            version: env!("CARGO_PKG_VERSION"),
        },
        blueprint: BlueprintMeta {
            name: bp.name.clone(),
            description: bp.description.clone(),
            source: portable(&loaded.source.label),
            regenerate,
        },
        location: bp.location.clone(),
        cloud: bp.cloud.as_str().to_string(),
        tags: bp.tags.clone(),
        names: names_map(&names),
        types: cat
            .api_versions
            .keys()
            .map(|k| (k.clone(), cat.resource_type(k)))
            .collect(),
        params: Vec::new(),
        workspace,
        storage: StorageModel {
            name: names.storage_account.value.clone(),
            sku: bp.dependencies.storage_account.sku.as_str(),
        },
        key_vault: KeyVaultModel {
            name: names.key_vault.value.clone(),
            soft_delete_retention_days: bp.dependencies.key_vault.soft_delete_retention_days,
        },
        registry: RegistryModel {
            name: names.container_registry.value.clone(),
            sku: "Premium",
        },
        monitoring: MonitoringModel {
            log_analytics: names.log_analytics.value.clone(),
            application_insights: names.application_insights.value.clone(),
            retention_days: bp.dependencies.monitoring.retention_days,
        },
        client,
        dns: DnsModel {
            azure_dns_ip: cat.clouds.azure_dns_ip.value.clone(),
            forward_zones,
        },
        notes,
    };
    model.params = params(&model);
    model
}

fn names_map(n: &Names) -> IndexMap<&'static str, String> {
    let mut m = IndexMap::new();
    m.insert("resource_group", n.resource_group.value.clone());
    m.insert("workspace", n.workspace.value.clone());
    m.insert("storage_account", n.storage_account.value.clone());
    m.insert("key_vault", n.key_vault.value.clone());
    m.insert("container_registry", n.container_registry.value.clone());
    m.insert("log_analytics", n.log_analytics.value.clone());
    m.insert("application_insights", n.application_insights.value.clone());
    m
}

/// Blueprint rules in deployment form: `include_subdomains` becomes two rules (a wildcard never
/// matches its apex), sorted by name so a reordered blueprint gives the same output.
fn expand_rules(rules: &[OutboundRule]) -> Vec<RuleModel> {
    let empty = |name: &str, kind, arm_type| RuleModel {
        name: name.to_string(),
        kind,
        arm_type,
        destination: None,
        service_tag: None,
        protocol: None,
        port_ranges: None,
        service_resource_id: None,
        subresource_target: None,
        spark_enabled: None,
    };
    let mut out = Vec::new();
    for r in rules {
        match r {
            OutboundRule::Fqdn {
                name,
                destination,
                include_subdomains,
            } => {
                let dest = destination.to_ascii_lowercase();
                out.push(RuleModel {
                    destination: Some(dest.clone()),
                    ..empty(name, "fqdn", "FQDN")
                });
                if *include_subdomains {
                    out.push(RuleModel {
                        destination: Some(format!("*.{dest}")),
                        ..empty(&format!("{name}-sub"), "fqdn", "FQDN")
                    });
                }
            }
            OutboundRule::ServiceTag { name, destination } => out.push(RuleModel {
                service_tag: Some(destination.service_tag.clone()),
                protocol: Some(destination.protocol.clone()),
                port_ranges: Some(destination.port_ranges.clone()),
                ..empty(name, "service_tag", "ServiceTag")
            }),
            OutboundRule::PrivateEndpoint { name, destination } => out.push(RuleModel {
                service_resource_id: Some(destination.service_resource_id.clone()),
                subresource_target: Some(destination.subresource_target.clone()),
                spark_enabled: Some(destination.spark_enabled),
                ..empty(name, "private_endpoint", "PrivateEndpoint")
            }),
        }
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

/// The ARM `managedNetwork.outboundRules` map: rule name -> rule body.
pub fn arm_outbound_rules(rules: &[RuleModel]) -> Json {
    let mut map = serde_json::Map::new();
    for r in rules {
        let destination = match r.kind {
            "fqdn" => json!(r.destination),
            "service_tag" => json!({
                "serviceTag": r.service_tag,
                "protocol": r.protocol,
                "portRanges": r.port_ranges,
                "action": "Allow",
            }),
            _ => json!({
                "serviceResourceId": r.service_resource_id,
                "subresourceTarget": r.subresource_target,
                "sparkEnabled": r.spark_enabled,
            }),
        };
        map.insert(
            r.name.clone(),
            json!({"type": r.arm_type, "category": "UserDefined", "destination": destination}),
        );
    }
    Json::Object(map)
}

fn params(m: &Model) -> Vec<Param> {
    let cat = Catalog::get();
    let p = |name: &str, ty: &'static str, description: &str, value: Json| Param {
        name: name.to_string(),
        bicep_type: ty,
        description: description.to_string(),
        allowed: Vec::new(),
        min_length: None,
        max_length: None,
        min_value: None,
        max_value: None,
        value,
    };
    let named = |name: &str, kind: &str, what: &str, value: &str| {
        let rule = cat.naming_rule(kind);
        Param {
            min_length: Some(rule.min),
            max_length: Some(rule.max),
            ..p(
                name,
                "string",
                &format!("Required. Name of the {what}. {}.", capitalise(&rule.rule)),
                json!(value),
            )
        }
    };
    let mut v = vec![
        p(
            "location",
            "string",
            "Required. Azure region of every resource.",
            json!(m.location),
        ),
        p(
            "tags",
            "object",
            "Required. Tags applied to every resource.",
            json!(m.tags),
        ),
        named(
            "workspaceName",
            "workspace",
            "Azure Machine Learning workspace",
            &m.workspace.name,
        ),
        p(
            "workspaceFriendlyName",
            "string",
            "Required. Display name of the workspace in the studio.",
            json!(m.workspace.friendly_name),
        ),
        named(
            "storageAccountName",
            "storage_account",
            "workspace's default storage account",
            &m.storage.name,
        ),
        Param {
            allowed: [
                "Standard_LRS",
                "Standard_ZRS",
                "Standard_GRS",
                "Standard_GZRS",
                "Standard_RAGRS",
                "Standard_RAGZRS",
            ]
            .iter()
            .map(|s| json!(s))
            .collect(),
            ..p(
                "storageAccountSku",
                "string",
                "Required. Replication SKU of the storage account.",
                json!(m.storage.sku),
            )
        },
        named("keyVaultName", "key_vault", "key vault", &m.key_vault.name),
        Param {
            min_value: Some(7),
            max_value: Some(90),
            ..p(
                "keyVaultSoftDeleteRetentionDays",
                "int",
                "Required. Days a deleted key vault is kept before purge (7-90).",
                json!(m.key_vault.soft_delete_retention_days),
            )
        },
        named(
            "containerRegistryName",
            "container_registry",
            "container registry",
            &m.registry.name,
        ),
        named(
            "logAnalyticsName",
            "log_analytics",
            "Log Analytics workspace",
            &m.monitoring.log_analytics,
        ),
        Param {
            min_value: Some(30),
            max_value: Some(730),
            ..p(
                "logRetentionDays",
                "int",
                "Required. Days Log Analytics keeps data (30-730).",
                json!(m.monitoring.retention_days),
            )
        },
        named(
            "applicationInsightsName",
            "application_insights",
            "Application Insights component",
            &m.monitoring.application_insights,
        ),
    ];
    if let Some(f) = &m.workspace.firewall_sku {
        v.push(Param {
            allowed: cat
                .managed_network
                .firewall
                .skus
                .values()
                .map(|s| json!(s.arm))
                .collect(),
            ..p(
                "firewallSku",
                "string",
                "Required. SKU of the managed Azure Firewall that serves FQDN rules (created, and billed, with the first FQDN rule).",
                json!(f.arm),
            )
        });
    }
    v.push(p(
        "provisionNetworkNow",
        "bool",
        "Required. Provision the managed VNet with the workspace instead of with the first compute.",
        json!(m.workspace.provision_now),
    ));
    v.push(p(
        "outboundRules",
        "object",
        "Required. User-defined outbound rules of the managed VNet, keyed by rule name (Azure adds the required rules itself).",
        arm_outbound_rules(&m.workspace.rules),
    ));
    if let Some(c) = &m.client {
        v.push(named(
            "clientVnetName",
            "virtual_network",
            "client VNet",
            &c.vnet_name,
        ));
        v.push(p(
            "clientVnetAddressPrefixes",
            "array",
            "Required. Address ranges of the client VNet.",
            json!(c.address_prefixes),
        ));
        v.push(named(
            "peSubnetName",
            "subnet",
            "subnet holding the private endpoints",
            &c.pe_subnet_name,
        ));
        v.push(p(
            "peSubnetAddressPrefix",
            "string",
            "Required. Address range of the private endpoint subnet, inside the client VNet.",
            json!(c.pe_subnet_prefix),
        ));
        v.push(named(
            "peSubnetNsgName",
            "network_security_group",
            "network security group of the private endpoint subnet",
            &c.nsg_name,
        ));
    }
    v
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}
