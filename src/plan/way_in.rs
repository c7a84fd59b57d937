//! The way in (the blueprint's `way_in`): Bastion and a jump box, a point-to-site VPN gateway,
//! in the client VNet (managed VNet) or the hub (customer VNet). The hub is where people's access
//! lives in a hub-spoke network (Bastion and the gateway are there already), and it keeps the
//! jump box out of the spoke, whose compute subnets deny all inbound traffic and route through
//! the firewall that allows compute's hosts only.

use super::model::*;
use crate::analyze::address_plan::{client_plan, BASTION_SUBNET, GATEWAY_SUBNET, JUMP_BOX_SUBNET};
use crate::analyze::{CustomerEgress, Topology};
use crate::blueprint::Blueprint;
use crate::catalog::Catalog;
use crate::naming::Names;
use serde_json::Value as Json;

fn default(key: &str) -> Json {
    serde_json::to_value(&Catalog::get().defaults[key].value).expect("YAML values convert")
}

fn text(v: &Json, key: &str) -> String {
    v[key]
        .as_str()
        .unwrap_or_else(|| panic!("catalog/defaults.yaml: `{key}` is not a string"))
        .to_string()
}

fn derive(pattern: &str, prefix: &str) -> String {
    pattern.replace("{prefix}", prefix)
}

pub fn plan(
    bp: &Blueprint,
    names: &Names,
    topology: &Topology,
    network: Option<&NetworkModel>,
    access: &AccessModel,
) -> WayInModel {
    let cat = Catalog::get();
    let p = bp.naming.prefix.as_str();
    // The way-in subnets: carved in the client VNet here, in the hub by the hub plan.
    let (vnet_role, vnet_name, subnets): (Option<VnetRole>, Option<String>, Vec<(String, String)>) =
        match topology {
            Topology::CustomerVnet(c) => match (&c.egress, network.and_then(|n| n.hub.as_ref())) {
                (CustomerEgress::Firewall(h), Some(hub)) => (
                    Some(VnetRole::Hub),
                    Some(hub.vnet_name.clone()),
                    h.subnets
                        .iter()
                        .map(|(k, n)| (k.clone(), n.to_string()))
                        .collect(),
                ),
                _ => (None, None, Vec::new()),
            },
            Topology::ManagedVnet { .. } => match (&bp.client_access, &names.client_vnet) {
                (Some(c), Some(v)) => (
                    Some(VnetRole::Client),
                    Some(v.value.clone()),
                    // The checks carved this plan already (AMLG036 when it does not fit).
                    client_plan(c, &bp.way_in)
                        .unwrap_or_default()
                        .into_iter()
                        .map(|(k, n)| (k, n.to_string()))
                        .collect(),
                ),
                _ => (None, None, Vec::new()),
            },
        };
    let prefix_of = |key: &str| {
        subnets
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
    };
    let bastion_subnet = prefix_of(BASTION_SUBNET);
    let client = vnet_role == Some(VnetRole::Client);
    let client_bastion = bastion_subnet
        .clone()
        .filter(|_| client)
        .map(|subnet| BastionModel {
            name: derive("bas-{prefix}", p),
            public_ip: derive("pip-{prefix}-bas", p),
            subnet,
            api_version: cat.api_versions["bastion"].version.clone(),
            sku: super::default_str("bastion_sku"),
            body_shell: String::new(),
        });
    let client_subnets = if client {
        subnets
            .iter()
            .map(|(k, v)| HubSubnetModel {
                name: k.clone(),
                prefix: v.clone(),
                delegation: None,
            })
            .collect()
    } else {
        Vec::new()
    };

    let jump_box = bp
        .way_in
        .jump_box
        .as_ref()
        .zip(prefix_of(JUMP_BOX_SUBNET))
        .zip(bastion_subnet.clone())
        .map(|((j, subnet), bastion)| {
            let name = names
                .jump_box
                .as_ref()
                .map_or_else(|| derive("vm-{prefix}-jump", p), |n| n.value.clone());
            let ext = default("jump_box_login_extension");
            let rule = |name: &str,
                        priority,
                        direction,
                        access,
                        protocol,
                        source: &str,
                        destination: &str,
                        port: &str,
                        description: &str| JumpBoxNsgRule {
                name: name.into(),
                priority,
                direction,
                access,
                protocol,
                source: source.into(),
                destination: destination.into(),
                port: port.into(),
                description: description.into(),
            };
            JumpBoxModel {
                nic_name: derive("nic-{prefix}-jump", p),
                nsg_name: derive("nsg-{prefix}-jump", p),
                nat_gateway_name: derive("ng-{prefix}-jump", p),
                nat_gateway_public_ip: derive("pip-{prefix}-jump-ng", p),
                subnet_name: JUMP_BOX_SUBNET.to_string(),
                vm_size: j
                    .vm_size
                    .clone()
                    .unwrap_or_else(|| super::default_str("jump_box_vm_size")),
                admin_username: j
                    .admin_username
                    .clone()
                    .unwrap_or_else(|| super::default_str("jump_box_admin_username")),
                ssh_public_key: j.ssh_public_key.trim().to_string(),
                image: default("jump_box_image"),
                os_disk_type: super::default_str("jump_box_os_disk_type"),
                security_type: super::default_str("jump_box_security_type"),
                extension_name: text(&ext, "type"),
                extension_publisher: text(&ext, "publisher"),
                extension_type: text(&ext, "type"),
                extension_version: text(&ext, "type_handler_version"),
                schedule_name: format!("shutdown-computevm-{name}"),
                shutdown_time: j
                    .shutdown_time
                    .clone()
                    .unwrap_or_else(|| super::default_str("jump_box_shutdown_time")),
                shutdown_time_zone: j
                    .shutdown_time_zone
                    .clone()
                    .unwrap_or_else(|| super::default_str("jump_box_shutdown_time_zone")),
                nsg_rules: vec![
                    rule(
                        "allow-ssh-from-bastion",
                        100,
                        "Inbound",
                        "Allow",
                        "Tcp",
                        &bastion,
                        &subnet,
                        "22",
                        "SSH only from Azure Bastion's subnet.",
                    ),
                    rule(
                        "deny-all-inbound",
                        4096,
                        "Inbound",
                        "Deny",
                        "*",
                        "*",
                        "*",
                        "*",
                        "Nothing else reaches the jump box: not the Internet, not peered or on-premises networks.",
                    ),
                    rule(
                        "allow-https-outbound",
                        100,
                        "Outbound",
                        "Allow",
                        "Tcp",
                        &subnet,
                        "Internet",
                        "443",
                        "HTTPS out through the NAT gateway: Microsoft Entra sign-in, its packages, the studio, az and the SDK.",
                    ),
                    rule(
                        "deny-internet-outbound",
                        4000,
                        "Outbound",
                        "Deny",
                        "*",
                        "*",
                        "Internet",
                        "*",
                        "Nothing else leaves for the Internet.",
                    ),
                ],
                subnet_prefix: subnet,
                name,
                logins: access
                    .personas
                    .iter()
                    .filter(|p| !p.principal_ids.is_empty())
                    .map(|p| {
                        let role = &cat.access.built_in_roles[if p.key == "it_admins" {
                            "virtual_machine_administrator_login"
                        } else {
                            "virtual_machine_user_login"
                        }];
                        JumpBoxLoginModel {
                            persona_key: p.key.clone(),
                            persona: p.title.clone(),
                            bicep_param: String::new(),
                            principal_ids: p.principal_ids.clone(),
                            role_name: role.name.clone(),
                            role_id: role.id.clone(),
                        }
                    })
                    .collect(),
            }
        });

    let vpn = bp
        .way_in
        .vpn
        .as_ref()
        .zip(prefix_of(GATEWAY_SUBNET))
        .map(|(v, gateway_subnet)| {
            let e = default("vpn_entra");
            let list = |k: &str| -> Vec<String> {
                e[k].as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|x| x.as_str().map(str::to_string))
                    .collect()
            };
            VpnModel {
                name: derive("vgw-{prefix}", p),
                public_ip: derive("pip-{prefix}-vgw", p),
                sku: v.sku.as_str().to_string(),
                generation: text(&default("vpn_gateway_generation"), v.sku.as_str()),
                client_address_pool: v.client_address_pool.clone(),
                protocols: list("protocols"),
                authentication_types: list("authentication_types"),
                audience: text(&e, "audience"),
                tenant_prefix: text(&e, "tenant_prefix"),
                issuer_prefix: text(&e, "issuer_prefix"),
                gateway_subnet,
            }
        });

    WayInModel {
        existing_gateway: vpn.is_none()
            && network
                .and_then(|n| n.peering.as_ref())
                .is_some_and(|p| p.gateway_transit),
        vnet_role,
        vnet_name,
        bastion_subnet,
        client_bastion,
        client_subnets,
        jump_box,
        vpn,
        body_shell: Default::default(),
        api: [
            ("bastion", "bastion"),
            ("nic", "network_interface"),
            ("vm", "virtual_machine"),
            ("extension", "vm_extension"),
            ("schedule", "auto_shutdown"),
            ("vpn_gateway", "virtual_network_gateway"),
        ]
        .into_iter()
        .map(|(k, kind)| (k, cat.api_versions[kind].version.clone()))
        .collect(),
    }
}
