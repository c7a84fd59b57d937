//! Private endpoints and their private DNS zones: which targets get one, which zones each needs
//! (per cloud, from the catalog), which VNets the zones are linked to, and the host names a
//! hosts file needs.

use super::model::{
    CorporateModel, DnsMode, HostModel, LinkedVnet, PeTarget, PrivateEndpointModel, PrivateModel,
    VnetRole, ZoneModel,
};
use crate::blueprint::{Blueprint, PrivateDnsMode};
use crate::catalog::Catalog;
use crate::naming::{self, Names};

/// A target of a private endpoint: (resource kind, words, group ID, resource name, key).
struct Target {
    kind: PeTarget,
    label: &'static str,
    group: &'static str,
    name: String,
    key: &'static str,
}

fn linked(name: &str, role: VnetRole) -> LinkedVnet {
    LinkedVnet {
        name: name.to_string(),
        role,
        existing_id: None,
        link_name: naming::dns_link_name(name),
        id_bicep: String::new(),
        link_param: String::new(),
        shell_var: String::new(),
    }
}

/// Whether the render has an Azure Monitor Private Link Scope. Unset, it is on where it closes
/// the door without touching DNS others use: compute in a customer VNet (a managed VNet keeps
/// the AzureMonitor rule Azure adds) whose zones amlgen creates (the scope's zones change Azure
/// Monitor's names for every network using them, so with central zones one scope per DNS is the
/// platform team's; ampls_design), in a cloud whose zones the catalog has.
pub fn monitor_private_link(bp: &Blueprint) -> bool {
    bp.dependencies
        .monitoring
        .private_link_scope
        .unwrap_or_else(|| {
            bp.network.is_some()
                && bp.private_dns.mode == PrivateDnsMode::Create
                && monitor_zones_known(bp.cloud.as_str())
        })
}

/// The catalog has the Azure Monitor private link zones of this cloud.
pub fn monitor_zones_known(cloud: &str) -> bool {
    Catalog::get()
        .cloud(cloud)
        .private_dns
        .contains_key(MONITOR_GROUP)
}

/// The scoring host of a managed online endpoint in this blueprint's cloud and region, from the
/// workspace endpoint's host names in catalog/clouds.yaml (custom_dns_2026).
pub fn online_endpoint_host(bp: &Blueprint, endpoint: &str) -> String {
    let cloud = Catalog::get().cloud(bp.cloud.as_str());
    let template = cloud.private_dns["amlworkspace"]
        .hosts
        .iter()
        .find(|h| h.fqdn.contains(naming::ONLINE_ENDPOINT_PLACEHOLDER))
        .expect("catalog/clouds.yaml names the online endpoints' host under amlworkspace");
    cloud
        .fill(&template.fqdn)
        .replace("{region}", &bp.location)
        .replace(naming::ONLINE_ENDPOINT_PLACEHOLDER, endpoint)
}

/// The private endpoint sub-resource of an Azure Monitor Private Link Scope.
const MONITOR_GROUP: &str = "azuremonitor";

/// The corporate set (`network.corporate_access`): the workspace, blob and file endpoints again,
/// in the corporate subnet, named `pe-<prefix>-corp-<key>`; the same zones by name.
fn corporate(bp: &Blueprint, pes: &[PrivateEndpointModel]) -> Option<CorporateModel> {
    let c = bp.network.as_ref()?.corporate_access.as_ref()?;
    let id = crate::analyze::existing::parse(&c.pe_subnet_id, true)?;
    let private_endpoints = pes
        .iter()
        .filter(|pe| matches!(pe.group_id.as_str(), "amlworkspace" | "blob" | "file"))
        .map(|pe| {
            let key = format!("corp-{}", pe.key);
            let name = naming::private_endpoint_name(&bp.naming.prefix, &key);
            PrivateEndpointModel {
                hosts: pe
                    .hosts
                    .iter()
                    .map(|h| HostModel {
                        fqdn: h.fqdn.clone(),
                        ip_placeholder: h.ip_placeholder.replacen(&pe.name, &name, 1),
                    })
                    .collect(),
                name,
                key,
                label: format!("{} (corporate network)", pe.label),
                ..pe.clone()
            }
        })
        .collect();
    Some(CorporateModel {
        subnet_id: c.pe_subnet_id.clone(),
        vnet_id: id.vnet_id(),
        vnet_name: id.vnet.clone(),
        subnet_name: id.subnet.clone().unwrap_or_default(),
        dns_mode: if c.zones_resource_group_id.is_some() {
            DnsMode::Existing
        } else {
            DnsMode::Policy
        },
        zones_resource_group_id: c.zones_resource_group_id.clone(),
        private_endpoints,
    })
}

pub fn plan(bp: &Blueprint, names: &Names) -> Option<PrivateModel> {
    let cat = Catalog::get();
    let cloud = cat.cloud(bp.cloud.as_str());
    let ws = || Target {
        kind: PeTarget::Workspace,
        label: "workspace",
        group: "amlworkspace",
        name: names.workspace.value.clone(),
        key: "workspace",
    };
    let storage = |group: &'static str, label: &'static str, key: &'static str| Target {
        kind: PeTarget::Storage,
        label,
        group,
        name: names.storage_account.value.clone(),
        key,
    };
    // Each service once, in the blueprint's order.
    let mut extra_storage = bp
        .dependencies
        .storage_account
        .additional_private_endpoints
        .clone();
    let mut seen = Vec::new();
    extra_storage.retain(|s| {
        let new = !seen.contains(s);
        seen.push(*s);
        new
    });
    // Both topologies: the workspace, blob and file (the studio needs them), then the extra
    // storage services in the blueprint's order.
    let workspace_and_storage = || {
        let mut t = vec![
            ws(),
            storage("blob", "storage account (blob)", "storage-blob"),
            storage("file", "storage account (file)", "storage-file"),
        ];
        t.extend(
            extra_storage
                .iter()
                .map(|s| storage(s.group(), s.label(), s.key())),
        );
        t
    };
    let (targets, vnet_name, vnet_role, subnet_name, linked_vnets) = if let Some(net) =
        &names.network
    {
        // Customer VNet: compute reaches every dependency through the spoke's pe subnet.
        let mut targets = workspace_and_storage();
        targets.extend([
            Target {
                kind: PeTarget::KeyVault,
                label: "key vault",
                group: "vault",
                name: names.key_vault.value.clone(),
                key: "key-vault",
            },
            Target {
                kind: PeTarget::Registry,
                label: "container registry",
                group: "registry",
                name: names.container_registry.value.clone(),
                key: "registry",
            },
        ]);
        if monitor_private_link(bp) {
            targets.push(Target {
                kind: PeTarget::MonitorScope,
                label: "Azure Monitor Private Link Scope (Log Analytics and Application Insights)",
                group: MONITOR_GROUP,
                name: names.private_link_scope.value.clone(),
                key: "monitor",
            });
        }
        // Existing VNets (a landing zone's) are named by ID: the link to one is a child of the
        // zone, made here, but needs the join right on that VNet (the README says so).
        let network = bp.network.as_ref();
        let existing_hub = network
            .and_then(|n| n.hub.as_ref())
            .and_then(|h| h.existing.as_ref())
            .and_then(|e| crate::analyze::existing::parse(&e.vnet_id, false));
        let existing_pe = network
            .and_then(|n| n.spoke.existing.as_ref())
            .and_then(|e| crate::analyze::existing::parse(&e.pe_subnet_id, true));
        let of_id = |id: &crate::analyze::existing::NetworkId, role| LinkedVnet {
            existing_id: Some(id.vnet_id()),
            ..linked(&id.vnet, role)
        };
        // The hub resolves too (its firewall proxies the spoke's DNS, or its resolver answers
        // the spoke's DNS servers), when amlgen creates it. A landing zone's hub is never linked
        // to zones made here: it usually has the central `privatelink.*` zones already (Azure
        // refuses a second zone of the same name on a VNet), and if not, these zones would take
        // over those names for every workload the hub resolves for.
        let hub_link = match (&existing_hub, network.and_then(|n| n.hub.as_ref())) {
            (Some(_), _) => None,
            (None, Some(_)) => Some(linked(&net.hub_vnet.value, VnetRole::Hub)),
            (None, None) => None,
        };
        let spoke_link = match &existing_pe {
            Some(id) => of_id(id, VnetRole::Spoke),
            None => linked(&net.spoke_vnet.value, VnetRole::Spoke),
        };
        (
            targets,
            spoke_link.name.clone(),
            VnetRole::Spoke,
            existing_pe
                .as_ref()
                .and_then(|id| id.subnet.clone())
                .unwrap_or_else(|| crate::analyze::address_plan::subnet_name("pe").to_string()),
            hub_link.into_iter().chain([spoke_link]).collect(),
        )
    } else {
        // Managed VNet: Azure creates the compute side; people need the workspace and the
        // default storage (blob and file, for the studio) from the client VNet.
        let vnet = names.client_vnet.as_ref()?;
        (
            workspace_and_storage(),
            vnet.value.clone(),
            VnetRole::Client,
            names.pe_subnet.as_ref()?.value.clone(),
            vec![linked(&vnet.value, VnetRole::Client)],
        )
    };

    let pe_subnet_id = bp
        .network
        .as_ref()
        .and_then(|n| n.spoke.existing.as_ref())
        .map(|e| e.pe_subnet_id.clone());
    let mut zone_list: Vec<ZoneModel> = Vec::new();
    let mut pes = Vec::new();
    for t in targets {
        let dns = &cloud.private_dns[t.group];
        let mut zone_indices = Vec::new();
        for z in &dns.zones {
            let literal = cloud.fill(z);
            let idx = match zone_list.iter().position(|m| m.name == literal) {
                Some(i) => i,
                None => {
                    zone_list.push(ZoneModel {
                        name: literal,
                        template: z.clone(),
                        group_id: t.group.to_string(),
                        bicep: String::new(),
                        existing_id_bicep: String::new(),
                        corporate_id_bicep: String::new(),
                        symbol: String::new(),
                    });
                    zone_list.len() - 1
                }
            };
            zone_indices.push(idx);
        }
        let pe_name = naming::private_endpoint_name(&bp.naming.prefix, t.key);
        let hosts = dns
            .hosts
            .iter()
            .flat_map(|h| {
                let fqdn = cloud
                    .fill(&h.fqdn)
                    .replace("{region}", &bp.location)
                    .replace("{name}", &t.name);
                // A hosts file takes no wildcards: one line per online endpoint the blueprint
                // declares, the placeholder line when it declares none.
                let names: Vec<&str> = bp
                    .inference
                    .online_endpoints
                    .iter()
                    .map(|e| e.name.as_str())
                    .collect();
                let fqdns: Vec<String> =
                    if fqdn.contains(naming::ONLINE_ENDPOINT_PLACEHOLDER) && !names.is_empty() {
                        names
                            .iter()
                            .map(|n| fqdn.replace(naming::ONLINE_ENDPOINT_PLACEHOLDER, n))
                            .collect()
                    } else {
                        vec![fqdn]
                    };
                let ip_placeholder = format!("<{pe_name}:{}>", h.ip);
                fqdns.into_iter().map(move |fqdn| HostModel {
                    fqdn,
                    ip_placeholder: ip_placeholder.clone(),
                })
            })
            .collect();
        pes.push(PrivateEndpointModel {
            name: pe_name,
            key: t.key.to_string(),
            label: t.label.to_string(),
            target: t.kind,
            target_name: t.name,
            group_id: t.group.to_string(),
            zone_names: zone_indices
                .iter()
                .map(|i| zone_list[*i].name.clone())
                .collect(),
            zone_indices,
            hosts,
            workspace_reader: t.kind == PeTarget::Storage,
            symbol: String::new(),
            name_param: String::new(),
            target_id_bicep: String::new(),
            target_id_var: String::new(),
        });
    }
    let corporate = corporate(bp, &pes);
    Some(PrivateModel {
        corporate,
        dns_mode: match bp.private_dns.mode {
            PrivateDnsMode::Create => DnsMode::Create,
            PrivateDnsMode::Existing => DnsMode::Existing,
            PrivateDnsMode::Policy => DnsMode::Policy,
        },
        zones_resource_group_id: bp.private_dns.zones_resource_group_id.clone(),
        resolution_policy: if bp.private_dns.fallback_to_internet {
            "NxDomainRedirect"
        } else {
            "Default"
        },
        reader_role_id: cat.firewall.reader_role_id.clone(),
        private_endpoints: pes,
        zones: zone_list,
        vnet_name,
        vnet_role,
        subnet_name,
        subnet_id_bicep: String::new(),
        existing_subnet_id: pe_subnet_id,
        linked_vnets,
    })
}
