//! Private endpoints and their private DNS zones: which targets get one, which zones each needs
//! (per cloud, from the catalog), which VNets the zones are linked to, and the host names a
//! hosts file needs.

use super::model::{HostModel, LinkedVnet, PrivateEndpointModel, PrivateModel, ZoneModel};
use super::zones;
use crate::blueprint::Blueprint;
use crate::catalog::Catalog;
use crate::naming::{self, Names};

/// A target of a private endpoint: (resource kind for the ID, words, group ID, resource name).
struct Target {
    kind: &'static str,
    label: &'static str,
    group: &'static str,
    name: String,
    pe_suffix: &'static str,
}

pub fn plan(bp: &Blueprint, names: &Names) -> Option<PrivateModel> {
    let cat = Catalog::get();
    let cloud = cat.cloud(bp.cloud.as_str());
    let ws = || Target {
        kind: "workspace",
        label: "workspace",
        group: "amlworkspace",
        name: names.workspace.value.clone(),
        pe_suffix: "workspace",
    };
    let storage = |group: &'static str, label: &'static str, pe_suffix: &'static str| Target {
        kind: "storage",
        label,
        group,
        name: names.storage_account.value.clone(),
        pe_suffix,
    };
    let (targets, vnet_name, subnet_name, subnet_id_bicep, linked_vnets) =
        if let Some(net) = &names.network {
            // Customer VNet: compute reaches every dependency through the spoke's pe subnet.
            let targets = vec![
                ws(),
                storage("blob", "storage account (blob)", "storage-blob"),
                storage("file", "storage account (file)", "storage-file"),
                Target {
                    kind: "key_vault",
                    label: "key vault",
                    group: "vault",
                    name: names.key_vault.value.clone(),
                    pe_suffix: "key-vault",
                },
                Target {
                    kind: "registry",
                    label: "container registry",
                    group: "registry",
                    name: names.container_registry.value.clone(),
                    pe_suffix: "registry",
                },
            ];
            (
                targets,
                net.spoke_vnet.value.clone(),
                super::network::subnet_name("pe").to_string(),
                "spokeNetwork.outputs.peSubnetId".to_string(),
                vec![
                    LinkedVnet {
                        name: net.hub_vnet.value.clone(),
                        id_bicep: "hubNetwork.outputs.vnetId".into(),
                        link_name: format!("link-{}", net.hub_vnet.value),
                    },
                    LinkedVnet {
                        name: net.spoke_vnet.value.clone(),
                        id_bicep: "spokeNetwork.outputs.vnetId".into(),
                        link_name: format!("link-{}", net.spoke_vnet.value),
                    },
                ],
            )
        } else {
            // Managed VNet: Azure creates the compute side; people need the workspace and the
            // default storage (blob and file, for the studio) from the client VNet.
            let vnet = names.client_vnet.as_ref()?;
            (
                vec![
                    ws(),
                    storage("blob", "storage account (blob)", "storage-blob"),
                    storage("file", "storage account (file)", "storage-file"),
                ],
                vnet.value.clone(),
                names.pe_subnet.as_ref()?.value.clone(),
                "clientNetwork.outputs.peSubnetId".to_string(),
                vec![LinkedVnet {
                    name: vnet.value.clone(),
                    id_bicep: "clientNetwork.outputs.vnetId".into(),
                    link_name: format!("link-{}", vnet.value),
                }],
            )
        };

    let mut zone_list: Vec<ZoneModel> = Vec::new();
    let mut pes = Vec::new();
    for t in targets {
        let dns = &cloud.private_dns[t.group];
        let mut zone_indices = Vec::new();
        for z in &dns.zones {
            let literal = zones::fill_literal(z, cloud);
            let idx = match zone_list.iter().position(|m| m.name == literal) {
                Some(i) => i,
                None => {
                    let bicep = zones::bicep_expression(z);
                    zone_list.push(ZoneModel {
                        symbol: naming::zone_symbol(z, t.group),
                        link_name: String::new(),
                        // `'privatelink...'` -> `'${privateDnsZoneIdPrefix}privatelink...'`
                        existing_id_bicep: format!("'${{privateDnsZoneIdPrefix}}{}", &bicep[1..]),
                        bicep,
                        name: literal,
                    });
                    zone_list.len() - 1
                }
            };
            zone_indices.push(idx);
        }
        let pe_name = naming::private_endpoint_name(&bp.naming.prefix, t.pe_suffix);
        let hosts = dns
            .hosts
            .iter()
            .map(|h| HostModel {
                fqdn: zones::fill_literal(&h.fqdn, cloud)
                    .replace("{region}", &bp.location)
                    .replace("{name}", &t.name),
                ip_placeholder: format!("<{pe_name}:{}>", h.ip),
            })
            .collect();
        let (target_id_bicep, target_id_var) = match t.kind {
            "workspace" => ("workspace.outputs.resourceId", "WORKSPACE_ID"),
            "storage" => ("storage.outputs.resourceId", "STORAGE_ACCOUNT_ID"),
            "key_vault" => ("keyVault.outputs.resourceId", "KEY_VAULT_ID"),
            _ => (
                "containerRegistry.outputs.resourceId",
                "CONTAINER_REGISTRY_ID",
            ),
        };
        pes.push(PrivateEndpointModel {
            target_id_bicep: target_id_bicep.to_string(),
            target_id_var: target_id_var.to_string(),
            symbol: naming::bicep_symbol(&format!("pe-{}", t.pe_suffix)),
            name: pe_name,
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
            workspace_reader: t.kind == "storage",
        });
    }
    // Every zone gets the same link name per VNet; kept on the zone for the runbook.
    for z in &mut zone_list {
        z.link_name = linked_vnets[0].link_name.clone();
    }
    Some(PrivateModel {
        dns_mode: bp.private_dns.mode.key(),
        zones_resource_group_id: bp.private_dns.zones_resource_group_id.clone(),
        reader_role_id: cat.firewall.reader_role_id.clone(),
        private_endpoints: pes,
        zones: zone_list,
        vnet_name,
        subnet_name,
        subnet_id_bicep,
        linked_vnets,
    })
}
