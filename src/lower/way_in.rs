//! The ARM bodies of the way-in resources (Bastion in the client VNet, the jump box with its
//! NIC, sign-in extension and shutdown schedule, the VPN gateway), as modules/wayIn.bicep
//! declares them: one builder for the two runbooks, which differ only in how they name values
//! known at run time (`Refs`) and in tags (runbook.sh tags the resource group only, as the rest
//! of it does).

use crate::plan::model::{JumpBoxModel, VpnModel};
use serde_json::{json, Value as Json};

/// Values the script knows only when it runs, each as the script writes it.
pub struct Refs<'a> {
    pub location: &'a str,
    pub tenant: &'a str,
    pub vnet_id: &'a str,
    pub public_ip_id: &'a str,
    pub nic_id: &'a str,
    pub vm_id: &'a str,
}

fn with_tags(mut body: Json, tags: Option<&Json>) -> Json {
    if let Some(t) = tags {
        body["tags"] = t.clone();
    }
    body
}

/// Bastion, Standard with native client support (hub and client VNet alike).
pub fn bastion(sku: &str, tunneling: &Json, r: &Refs, tags: Option<&Json>) -> Json {
    with_tags(
        json!({"location": r.location, "sku": {"name": sku}, "properties": {
            "enableTunneling": tunneling,
            "ipConfigurations": [{"name": "ipconfig", "properties": {
                "subnet": {"id": format!("{}/subnets/AzureBastionSubnet", r.vnet_id)},
                "publicIPAddress": {"id": r.public_ip_id},
            }}],
        }}),
        tags,
    )
}

pub fn nic(j: &JumpBoxModel, r: &Refs, tags: Option<&Json>) -> Json {
    with_tags(
        json!({"location": r.location, "properties": {"ipConfigurations": [{
            "name": "ipconfig",
            "properties": {
                "subnet": {"id": format!("{}/subnets/{}", r.vnet_id, j.subnet_name)},
                "privateIPAllocationMethod": "Dynamic",
            },
        }]}}),
        tags,
    )
}

pub fn vm(j: &JumpBoxModel, r: &Refs, tags: Option<&Json>) -> Json {
    with_tags(
        json!({"location": r.location, "identity": {"type": "SystemAssigned"}, "properties": {
            "hardwareProfile": {"vmSize": j.vm_size},
            "storageProfile": {
                "imageReference": j.image,
                "osDisk": {
                    "createOption": "FromImage",
                    "deleteOption": "Delete",
                    "managedDisk": {"storageAccountType": j.os_disk_type},
                },
            },
            "osProfile": {
                "computerName": j.name,
                "adminUsername": j.admin_username,
                "linuxConfiguration": {
                    "disablePasswordAuthentication": true,
                    "ssh": {"publicKeys": [{
                        "path": format!("/home/{}/.ssh/authorized_keys", j.admin_username),
                        "keyData": j.ssh_public_key,
                    }]},
                },
            },
            "securityProfile": {
                "securityType": j.security_type,
                "uefiSettings": {"secureBootEnabled": true, "vTpmEnabled": true},
            },
            "networkProfile": {"networkInterfaces": [{
                "id": r.nic_id,
                "properties": {"deleteOption": "Delete"},
            }]},
        }}),
        tags,
    )
}

pub fn extension(j: &JumpBoxModel, r: &Refs, tags: Option<&Json>) -> Json {
    with_tags(
        json!({"location": r.location, "properties": {
            "publisher": j.extension_publisher,
            "type": j.extension_type,
            "typeHandlerVersion": j.extension_version,
            "autoUpgradeMinorVersion": true,
        }}),
        tags,
    )
}

pub fn schedule(j: &JumpBoxModel, r: &Refs, tags: Option<&Json>) -> Json {
    with_tags(
        json!({"location": r.location, "properties": {
            "status": "Enabled",
            "taskType": "ComputeVmShutdownTask",
            "dailyRecurrence": {"time": j.shutdown_time},
            "timeZoneId": j.shutdown_time_zone,
            "targetResourceId": r.vm_id,
            "notificationSettings": {"status": "Disabled"},
        }}),
        tags,
    )
}

pub fn vpn_gateway(v: &VpnModel, r: &Refs, tags: Option<&Json>) -> Json {
    with_tags(
        json!({"location": r.location, "properties": {
            "gatewayType": "Vpn",
            "vpnType": "RouteBased",
            "vpnGatewayGeneration": v.generation,
            "sku": {"name": v.sku, "tier": v.sku},
            "activeActive": false,
            "enableBgp": false,
            "ipConfigurations": [{"name": "ipconfig", "properties": {
                "privateIPAllocationMethod": "Dynamic",
                "subnet": {"id": format!("{}/subnets/GatewaySubnet", r.vnet_id)},
                "publicIPAddress": {"id": r.public_ip_id},
            }}],
            "vpnClientConfiguration": {
                "vpnClientAddressPool": {"addressPrefixes": [v.client_address_pool]},
                "vpnClientProtocols": v.protocols,
                "vpnAuthenticationTypes": v.authentication_types,
                "aadTenant": format!("{}{}", v.tenant_prefix, r.tenant),
                "aadAudience": v.audience,
                "aadIssuer": format!("{}{}/", v.issuer_prefix, r.tenant),
            },
        }}),
        tags,
    )
}
