//! Both deployment paths build the same architecture (issue 9).
//!
//! For every render folder (the built-in blueprints in `out/`, and every blueprint in
//! `tests/fixtures/blueprints/` rendered into a temporary folder):
//!
//! * the Bicep path, `main.bicep` + `modules/` with `main.parameters.json`, is evaluated by
//!   `support/bicep_eval.rs` (tree-sitter-bicep);
//! * the runbook path, `runbook.sh` (+ its `az rest` bodies) and `workspace.yml`, is read by
//!   `conformance/runbook_arch.py` through azure-cli's own argument parser;
//!
//! both are normalized into one architecture (resources keyed `TYPE NAME`, with the
//! security-relevant settings below) and compared field by field. This runs three times per
//! folder: as rendered; with the region changed (`location` in the parameters, `LOCATION=` for
//! the runbook); with the VNet names changed where the runbook offers `*VNET_NAME` variables
//! (the parameters holding the same default value change with them). Under a change, a value
//! that still holds the old region or name is reported too, on whichever side it is.
//!
//! Known differences are listed in `tests/fixtures/paths/allowed.txt` (blueprint | resource |
//! field); any other difference fails, and so does an entry that no longer matches anything.
//! The self-test (`drifts_are_found`) puts each known drift back into a copy of a render that
//! has none and checks that exactly that difference is found.
//!
//! Needs the conformance venv (`scripts/setup-validators.sh`); `./test` installs it first.

#[path = "support/bicep_eval.rs"]
mod bicep_eval;

use bicep_eval::Resource;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::process::Command;

type Arch = BTreeMap<String, Map<String, Value>>;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

const OTHER_REGION: &str = "westeurope";
const SECOND_REGION: &str = "northeurope";

// ------------------------------------------------------------------------- Bicep -> model

fn s(v: Option<&Value>) -> Value {
    match v {
        Some(Value::Null) | None => Value::Null,
        Some(x) => x.clone(),
    }
}

fn sorted(v: Option<&Value>) -> Value {
    match v {
        Some(Value::Array(a)) => {
            let mut items: Vec<String> = a
                .iter()
                .map(|x| match x {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
                .collect();
            items.sort();
            Value::from(items)
        }
        Some(Value::String(x)) => Value::from(vec![x.clone()]),
        _ => Value::Null,
    }
}

/// `prefix` or `prefixes`, as one sorted list (ARM accepts either).
fn one_or_many(p: &Value, one: &str, many: &str) -> Value {
    match (p.get(many), p.get(one)) {
        (Some(m @ Value::Array(_)), _) => sorted(Some(m)),
        (_, Some(o)) if !o.is_null() => sorted(Some(o)),
        _ => Value::Null,
    }
}

fn id_of(v: Option<&Value>) -> Value {
    s(v.and_then(|x| x.get("id")))
}

/// An ISO 8601 duration of seconds, minutes or hours (`PT120S`, `PT2M`) as seconds.
fn iso_seconds(v: Option<&Value>) -> Value {
    let Some(d) = v.and_then(Value::as_str).and_then(|d| d.strip_prefix("PT")) else {
        return s(v);
    };
    let (n, unit) = d.split_at(d.len().saturating_sub(1));
    let factor = match unit {
        "S" => 1,
        "M" => 60,
        "H" => 3600,
        _ => return s(v),
    };
    n.parse::<u64>()
        .map(|n| Value::from(n * factor))
        .unwrap_or_else(|_| s(v))
}

/// `[{id: ...}, ...]` as a sorted list of the IDs.
fn ids_of(v: Option<&Value>) -> Value {
    match v.and_then(Value::as_array) {
        Some(a) => sorted(Some(&Value::from(
            a.iter().map(|x| id_of(Some(x))).collect::<Vec<_>>(),
        ))),
        None => Value::Null,
    }
}

/// A list of strings, sorted (order carries no meaning in it).
fn sorted_texts(v: Option<&Value>) -> Value {
    match v.and_then(Value::as_array) {
        Some(a) => {
            let mut items: Vec<String> = a
                .iter()
                .map(|x| x.as_str().unwrap_or("?").to_string())
                .collect();
            items.sort();
            Value::from(items)
        }
        None => Value::Null,
    }
}

fn csv_sorted(v: Option<&Value>) -> Value {
    match v.and_then(Value::as_str) {
        Some(x) => {
            let mut parts: Vec<String> = x.split(',').map(|p| p.trim().to_string()).collect();
            parts.sort();
            Value::from(parts)
        }
        None => Value::Null,
    }
}

fn obj(pairs: Vec<(&str, Value)>) -> Map<String, Value> {
    pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
}

fn subnet_fields(p: &Value) -> Map<String, Value> {
    let ses = p
        .get("serviceEndpoints")
        .and_then(Value::as_array)
        .map(|a| {
            let mut v: Vec<String> = a
                .iter()
                .filter_map(|e| e.get("service").and_then(Value::as_str).map(str::to_string))
                .collect();
            v.sort();
            Value::from(v)
        });
    let seps = p
        .get("serviceEndpointPolicies")
        .and_then(Value::as_array)
        .map(|a| {
            let mut v: Vec<String> = a
                .iter()
                .filter_map(|e| e.get("id").and_then(Value::as_str).map(str::to_string))
                .collect();
            v.sort();
            Value::from(v)
        });
    obj(vec![
        (
            "addressPrefixes",
            one_or_many(p, "addressPrefix", "addressPrefixes"),
        ),
        ("networkSecurityGroup", id_of(p.get("networkSecurityGroup"))),
        ("routeTable", id_of(p.get("routeTable"))),
        ("serviceEndpoints", ses.unwrap_or(Value::Null)),
        ("serviceEndpointPolicies", seps.unwrap_or(Value::Null)),
        (
            "privateEndpointNetworkPolicies",
            s(p.get("privateEndpointNetworkPolicies")),
        ),
        ("defaultOutboundAccess", s(p.get("defaultOutboundAccess"))),
        ("natGateway", id_of(p.get("natGateway"))),
        ("delegations", delegations(p)),
    ])
}

fn delegations(p: &Value) -> Value {
    match p.get("delegations").and_then(Value::as_array) {
        Some(a) if !a.is_empty() => {
            let mut v: Vec<String> = a
                .iter()
                .filter_map(|d| {
                    d.pointer("/properties/serviceName")
                        .and_then(Value::as_str)
                        .map(str::to_string)
                })
                .collect();
            v.sort();
            Value::from(v)
        }
        _ => Value::Null,
    }
}

fn outbound_destination(kind: &str, d: &Value) -> Value {
    match kind {
        "fqdn" => s(Some(d)),
        "servicetag" => {
            let mut out = format!(
                "serviceTag={} protocol={} ports={}",
                d.get("serviceTag")
                    .and_then(Value::as_str)
                    .unwrap_or("None"),
                d.get("protocol").and_then(Value::as_str).unwrap_or("None"),
                d.get("portRanges")
                    .and_then(Value::as_str)
                    .unwrap_or("None"),
            );
            if let Some(a) = d.get("addressPrefixes").and_then(Value::as_array) {
                let items: Vec<&str> = a.iter().filter_map(Value::as_str).collect();
                out.push_str(&format!(" addressPrefixes={}", items.join(",")));
            }
            Value::from(out)
        }
        _ => Value::from(format!(
            "resource={} subresource={} spark={}",
            d.get("serviceResourceId")
                .and_then(Value::as_str)
                .unwrap_or("None"),
            d.get("subresourceTarget")
                .and_then(Value::as_str)
                .unwrap_or("None"),
            match d.get("sparkEnabled") {
                Some(Value::Bool(true)) => "True",
                Some(Value::Bool(false)) => "False",
                _ => "None",
            }
        )),
    }
}

/// The Bicep resources as the normalized architecture (same fields as runbook_arch.py).
fn bicep_arch(resources: &[Resource]) -> Result<Arch, String> {
    let mut a = Arch::new();
    let mut put = |t: &str, n: &str, f: Map<String, Value>| {
        a.entry(format!("{t} {n}")).or_default().extend(f);
    };
    // A custom role is known by its name on both paths (the runbook creates it by name; Azure
    // gives it a GUID of its own there).
    let role_names: HashMap<String, String> = resources
        .iter()
        .filter(|r| r.type_ == "Microsoft.Authorization/roleDefinitions")
        .filter_map(|r| {
            let name = r.body.pointer("/properties/roleName")?.as_str()?;
            Some((r.name.clone(), name.to_string()))
        })
        .collect();
    for r in resources {
        let b = &r.body;
        let p = b.get("properties").cloned().unwrap_or(Value::Null);
        let loc = s(b.get("location"));
        let n = r.name.as_str();
        match r.type_.as_str() {
            "Microsoft.Network/virtualNetworks" => {
                put(
                    &r.type_,
                    n,
                    obj(vec![
                        ("location", loc),
                        (
                            "addressPrefixes",
                            sorted(p.pointer("/addressSpace/addressPrefixes")),
                        ),
                        ("dnsServers", s(p.pointer("/dhcpOptions/dnsServers"))),
                    ]),
                );
                for sn in p
                    .get("subnets")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    let sname = sn.get("name").and_then(Value::as_str).unwrap_or("?");
                    let sp = sn.get("properties").cloned().unwrap_or(Value::Null);
                    put(
                        "Microsoft.Network/virtualNetworks/subnets",
                        &format!("{n}/{sname}"),
                        subnet_fields(&sp),
                    );
                }
            }
            "Microsoft.Network/virtualNetworks/subnets" => put(&r.type_, n, subnet_fields(&p)),
            "Microsoft.Network/networkSecurityGroups" => {
                put(&r.type_, n, obj(vec![("location", loc)]));
                for rule in p
                    .get("securityRules")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    let rn = rule.get("name").and_then(Value::as_str).unwrap_or("?");
                    let rp = rule.get("properties").cloned().unwrap_or(Value::Null);
                    put(
                        "Microsoft.Network/networkSecurityGroups/securityRules",
                        &format!("{n}/{rn}"),
                        rule_fields(&rp),
                    );
                }
            }
            "Microsoft.Network/networkSecurityGroups/securityRules" => {
                put(&r.type_, n, rule_fields(&p))
            }
            "Microsoft.Network/routeTables" => {
                put(
                    &r.type_,
                    n,
                    obj(vec![
                        ("location", loc),
                        (
                            "disableBgpRoutePropagation",
                            s(p.get("disableBgpRoutePropagation")),
                        ),
                    ]),
                );
                for rt in p
                    .get("routes")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    let rn = rt.get("name").and_then(Value::as_str).unwrap_or("?");
                    let rp = rt.get("properties").cloned().unwrap_or(Value::Null);
                    put(
                        "Microsoft.Network/routeTables/routes",
                        &format!("{n}/{rn}"),
                        route_fields(&rp),
                    );
                }
            }
            "Microsoft.Network/routeTables/routes" => put(&r.type_, n, route_fields(&p)),
            "Microsoft.Network/publicIPAddresses" => put(
                &r.type_,
                n,
                obj(vec![
                    ("location", loc),
                    ("sku", s(b.pointer("/sku/name"))),
                    ("allocationMethod", s(p.get("publicIPAllocationMethod"))),
                ]),
            ),
            "Microsoft.Network/natGateways" => put(
                &r.type_,
                n,
                obj(vec![
                    ("location", loc),
                    ("sku", s(b.pointer("/sku/name"))),
                    ("idleTimeoutInMinutes", s(p.get("idleTimeoutInMinutes"))),
                    ("publicIpAddresses", ids_of(p.get("publicIpAddresses"))),
                ]),
            ),
            "Microsoft.Network/firewallPolicies" => put(
                &r.type_,
                n,
                obj(vec![
                    ("location", loc),
                    ("sku", s(p.pointer("/sku/tier"))),
                    ("threatIntelMode", s(p.get("threatIntelMode"))),
                    ("dnsProxy", s(p.pointer("/dnsSettings/enableProxy"))),
                ]),
            ),
            "Microsoft.Network/firewallPolicies/ruleCollectionGroups" => {
                put(&r.type_, n, obj(vec![("priority", s(p.get("priority")))]));
                for c in p
                    .get("ruleCollections")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    let cn = c.get("name").and_then(Value::as_str).unwrap_or("?");
                    let base = format!("{n}/{cn}");
                    put(
                        &format!("{}/ruleCollections", r.type_),
                        &base,
                        obj(vec![
                            ("ruleCollectionType", s(c.get("ruleCollectionType"))),
                            ("priority", s(c.get("priority"))),
                            ("action", s(c.pointer("/action/type"))),
                        ]),
                    );
                    for rule in c
                        .get("rules")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                    {
                        let rn = rule.get("name").and_then(Value::as_str).unwrap_or("?");
                        let protocols = rule.get("protocols").and_then(Value::as_array).map(|ps| {
                            let mut v: Vec<String> = ps
                                .iter()
                                .map(|x| {
                                    format!(
                                        "{}:{}",
                                        x.get("protocolType")
                                            .and_then(Value::as_str)
                                            .unwrap_or("?"),
                                        x.get("port").map(|p| p.to_string()).unwrap_or_default()
                                    )
                                })
                                .collect();
                            v.sort();
                            Value::from(v)
                        });
                        // Rules are keyed by group, rule type and name, not by collection, so a rule
                        // moved to another collection is one difference (`collection`), and its
                        // settings are still compared.
                        let rtype = rule.get("ruleType").and_then(Value::as_str).unwrap_or("?");
                        put(
                            &format!("{}/rules", r.type_),
                            &format!("{n}/{rtype}:{rn}"),
                            obj(vec![
                                ("collection", Value::from(cn)),
                                ("collectionPriority", s(c.get("priority"))),
                                ("collectionAction", s(c.pointer("/action/type"))),
                                ("ruleType", s(rule.get("ruleType"))),
                                ("ipProtocols", sorted(rule.get("ipProtocols"))),
                                ("protocols", protocols.unwrap_or(Value::Null)),
                                ("sourceAddresses", sorted(rule.get("sourceAddresses"))),
                                (
                                    "destinationAddresses",
                                    sorted(rule.get("destinationAddresses")),
                                ),
                                ("destinationFqdns", sorted(rule.get("destinationFqdns"))),
                                ("destinationPorts", sorted(rule.get("destinationPorts"))),
                                ("targetFqdns", sorted(rule.get("targetFqdns"))),
                                ("fqdnTags", sorted(rule.get("fqdnTags"))),
                            ]),
                        );
                    }
                }
            }
            "Microsoft.Network/azureFirewalls" => put(
                &r.type_,
                n,
                obj(vec![
                    ("location", loc),
                    ("skuName", s(p.pointer("/sku/name"))),
                    ("skuTier", s(p.pointer("/sku/tier"))),
                    ("firewallPolicy", id_of(p.get("firewallPolicy"))),
                    (
                        "subnet",
                        s(p.pointer("/ipConfigurations/0/properties/subnet/id")),
                    ),
                    (
                        "publicIpAddress",
                        s(p.pointer("/ipConfigurations/0/properties/publicIPAddress/id")),
                    ),
                    ("ipConfigName", s(p.pointer("/ipConfigurations/0/name"))),
                    (
                        "managementPublicIpAddress",
                        s(p.pointer("/managementIpConfiguration/properties/publicIPAddress/id")),
                    ),
                ]),
            ),
            "Microsoft.Network/virtualNetworks/virtualNetworkPeerings" => put(
                &r.type_,
                n,
                obj(vec![
                    ("remoteVirtualNetwork", id_of(p.get("remoteVirtualNetwork"))),
                    (
                        "allowVirtualNetworkAccess",
                        s(p.get("allowVirtualNetworkAccess")),
                    ),
                    ("allowForwardedTraffic", s(p.get("allowForwardedTraffic"))),
                    ("allowGatewayTransit", s(p.get("allowGatewayTransit"))),
                    ("useRemoteGateways", s(p.get("useRemoteGateways"))),
                ]),
            ),
            "Microsoft.Network/privateDnsZones" => put(&r.type_, n, Map::new()),
            "Microsoft.Network/privateDnsZones/virtualNetworkLinks" => put(
                &r.type_,
                n,
                obj(vec![
                    ("virtualNetwork", id_of(p.get("virtualNetwork"))),
                    ("registrationEnabled", s(p.get("registrationEnabled"))),
                    ("resolutionPolicy", s(p.get("resolutionPolicy"))),
                ]),
            ),
            "Microsoft.Network/privateEndpoints" => put(
                &r.type_,
                n,
                obj(vec![
                    ("location", loc),
                    ("subnet", id_of(p.get("subnet"))),
                    (
                        "privateLinkServiceId",
                        s(p.pointer(
                            "/privateLinkServiceConnections/0/properties/privateLinkServiceId",
                        )),
                    ),
                    (
                        "groupIds",
                        sorted(p.pointer("/privateLinkServiceConnections/0/properties/groupIds")),
                    ),
                    (
                        "connectionName",
                        s(p.pointer("/privateLinkServiceConnections/0/name")),
                    ),
                ]),
            ),
            "Microsoft.Network/privateEndpoints/privateDnsZoneGroups" => {
                let mut zones: Vec<String> = p
                    .get("privateDnsZoneConfigs")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .map(|z| {
                        format!(
                            "{}={}",
                            z.get("name").and_then(Value::as_str).unwrap_or("?"),
                            z.pointer("/properties/privateDnsZoneId")
                                .and_then(Value::as_str)
                                .unwrap_or("?")
                        )
                    })
                    .collect();
                zones.sort();
                put(&r.type_, n, obj(vec![("zones", Value::from(zones))]));
            }
            "Microsoft.Network/serviceEndpointPolicies" => {
                put(&r.type_, n, obj(vec![("location", loc)]));
                for d in p
                    .get("serviceEndpointPolicyDefinitions")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    let dn = d.get("name").and_then(Value::as_str).unwrap_or("?");
                    put(
                        &format!("{}/serviceEndpointPolicyDefinitions", r.type_),
                        &format!("{n}/{dn}"),
                        obj(vec![
                            ("service", s(d.pointer("/properties/service"))),
                            (
                                "serviceResources",
                                sorted(d.pointer("/properties/serviceResources")),
                            ),
                        ]),
                    );
                }
            }
            "Microsoft.Storage/storageAccounts" => put(
                &r.type_,
                n,
                obj(vec![
                    ("location", loc),
                    ("sku", s(b.pointer("/sku/name"))),
                    ("kind", s(b.get("kind"))),
                    ("accessTier", s(p.get("accessTier"))),
                    ("allowBlobPublicAccess", s(p.get("allowBlobPublicAccess"))),
                    (
                        "allowCrossTenantReplication",
                        s(p.get("allowCrossTenantReplication")),
                    ),
                    ("allowSharedKeyAccess", s(p.get("allowSharedKeyAccess"))),
                    ("minimumTlsVersion", s(p.get("minimumTlsVersion"))),
                    (
                        "supportsHttpsTrafficOnly",
                        s(p.get("supportsHttpsTrafficOnly")),
                    ),
                    ("publicNetworkAccess", s(p.get("publicNetworkAccess"))),
                    (
                        "networkAclsDefaultAction",
                        s(p.pointer("/networkAcls/defaultAction")),
                    ),
                    (
                        "networkAclsBypass",
                        csv_sorted(p.pointer("/networkAcls/bypass")),
                    ),
                    (
                        "requireInfrastructureEncryption",
                        s(p.pointer("/encryption/requireInfrastructureEncryption")),
                    ),
                ]),
            ),
            "Microsoft.KeyVault/vaults" => put(
                &r.type_,
                n,
                obj(vec![
                    ("location", loc),
                    ("sku", s(p.pointer("/sku/name"))),
                    (
                        "enableRbacAuthorization",
                        s(p.get("enableRbacAuthorization")),
                    ),
                    ("enablePurgeProtection", s(p.get("enablePurgeProtection"))),
                    (
                        "softDeleteRetentionInDays",
                        s(p.get("softDeleteRetentionInDays")),
                    ),
                    ("publicNetworkAccess", s(p.get("publicNetworkAccess"))),
                    (
                        "networkAclsDefaultAction",
                        s(p.pointer("/networkAcls/defaultAction")),
                    ),
                    (
                        "networkAclsBypass",
                        csv_sorted(p.pointer("/networkAcls/bypass")),
                    ),
                ]),
            ),
            "Microsoft.ContainerRegistry/registries" => put(
                &r.type_,
                n,
                obj(vec![
                    ("location", loc),
                    ("sku", s(b.pointer("/sku/name"))),
                    ("adminUserEnabled", s(p.get("adminUserEnabled"))),
                    ("publicNetworkAccess", s(p.get("publicNetworkAccess"))),
                    (
                        "networkRuleBypassOptions",
                        s(p.get("networkRuleBypassOptions")),
                    ),
                    ("anonymousPullEnabled", s(p.get("anonymousPullEnabled"))),
                    (
                        "exportPolicyStatus",
                        s(p.pointer("/policies/exportPolicy/status")),
                    ),
                    (
                        "retentionDays",
                        s(p.pointer("/policies/retentionPolicy/days")),
                    ),
                    (
                        "retentionStatus",
                        s(p.pointer("/policies/retentionPolicy/status")),
                    ),
                ]),
            ),
            "Microsoft.OperationalInsights/workspaces" => put(
                &r.type_,
                n,
                obj(vec![
                    ("location", loc),
                    ("retentionInDays", s(p.get("retentionInDays"))),
                    ("sku", s(p.pointer("/sku/name"))),
                ]
                .into_iter()
                .chain(monitor_access_fields(&p))
                .collect()),
            ),
            "Microsoft.Insights/components" => put(
                &r.type_,
                n,
                obj(vec![
                    ("location", loc),
                    ("kind", s(b.get("kind"))),
                    ("applicationType", s(p.get("Application_Type"))),
                    ("workspace", s(p.get("WorkspaceResourceId"))),
                ]
                .into_iter()
                .chain(monitor_access_fields(&p))
                .collect()),
            ),
            "Microsoft.Insights/privateLinkScopes" => put(
                &r.type_,
                n,
                obj(vec![
                    ("location", s(b.get("location"))),
                    (
                        "ingestionAccessMode",
                        s(p.pointer("/accessModeSettings/ingestionAccessMode")),
                    ),
                    (
                        "queryAccessMode",
                        s(p.pointer("/accessModeSettings/queryAccessMode")),
                    ),
                ]),
            ),
            // The customer-managed key amlgen creates: what ARM creates it with (it never
            // updates an existing key).
            "Microsoft.KeyVault/vaults/keys" => put(
                &r.type_,
                n,
                obj(vec![
                    ("kty", s(p.get("kty"))),
                    ("keySize", s(p.get("keySize"))),
                ]),
            ),
            "Microsoft.Insights/privateLinkScopes/scopedResources" => put(
                &r.type_,
                n,
                obj(vec![("linkedResource", s(p.get("linkedResourceId")))]),
            ),
            "Microsoft.MachineLearningServices/workspaces" => {
                let mn = p.get("managedNetwork").cloned().unwrap_or(Value::Null);
                put(
                    &r.type_,
                    n,
                    obj(vec![
                        ("location", loc),
                        ("friendlyName", s(p.get("friendlyName"))),
                        ("storageAccount", s(p.get("storageAccount"))),
                        ("keyVault", s(p.get("keyVault"))),
                        ("containerRegistry", s(p.get("containerRegistry"))),
                        ("applicationInsights", s(p.get("applicationInsights"))),
                        ("publicNetworkAccess", s(p.get("publicNetworkAccess"))),
                        ("isolationMode", s(mn.get("isolationMode"))),
                        ("firewallSku", s(mn.get("firewallSku"))),
                        ("managedNetworkKind", s(mn.get("managedNetworkKind"))),
                        ("enableNetworkMonitor", s(mn.get("enableNetworkMonitor"))),
                        // ARM's default when absent is false, as the runbook reader has it.
                        (
                            "provisionNetworkNow",
                            p.get("provisionNetworkNow")
                                .cloned()
                                .unwrap_or(Value::Bool(false)),
                        ),
                        ("imageBuildCompute", s(p.get("imageBuildCompute"))),
                        // ARM's default when absent is false, as the runbook reader has it.
                        (
                            "hbiWorkspace",
                            p.get("hbiWorkspace").cloned().unwrap_or(Value::Bool(false)),
                        ),
                        // The workspace's identity: its type, the user-assigned identities by
                        // ID and the primary one (the runbook reads them from the workspace
                        // YAML it writes).
                        ("identityType", s(b.pointer("/identity/type"))),
                        (
                            "userAssignedIdentities",
                            b.pointer("/identity/userAssignedIdentities")
                                .and_then(Value::as_object)
                                .map(|o| {
                                    let mut ids: Vec<Value> =
                                        o.keys().map(|k| Value::from(k.as_str())).collect();
                                    ids.sort_by_key(|v| v.to_string());
                                    Value::Array(ids)
                                })
                                .unwrap_or(Value::Null),
                        ),
                        (
                            "primaryUserAssignedIdentity",
                            s(p.get("primaryUserAssignedIdentity")),
                        ),
                        ("encryptionStatus", s(p.pointer("/encryption/status"))),
                        (
                            "encryptionKeyVault",
                            s(p.pointer("/encryption/keyVaultProperties/keyVaultArmId")),
                        ),
                        (
                            "encryptionKeyUri",
                            s(p.pointer("/encryption/keyVaultProperties/keyIdentifier")),
                        ),
                        (
                            "systemDatastoresAuthMode",
                            s(p.get("systemDatastoresAuthMode")),
                        ),
                        (
                            "serverlessComputeSubnet",
                            s(p.pointer(
                                "/serverlessComputeSettings/serverlessComputeCustomSubnet",
                            )),
                        ),
                        (
                            "serverlessComputeNoPublicIp",
                            s(p.pointer("/serverlessComputeSettings/serverlessComputeNoPublicIP")),
                        ),
                    ]),
                );
                // The identity that reads the key: only a user-assigned workspace names one, and
                // az ml workspace create cannot, so only where a path sets it.
                if let Some(id) = p.pointer("/encryption/identity/userAssignedIdentity") {
                    put(&r.type_, n, obj(vec![("encryptionIdentity", id.clone())]));
                }
                if let Some(rules) = mn.get("outboundRules").and_then(Value::as_object) {
                    for (rn, rule) in rules {
                        let kind = rule
                            .get("type")
                            .and_then(Value::as_str)
                            .unwrap_or("")
                            .to_lowercase();
                        let dest = outbound_destination(
                            &kind,
                            rule.get("destination").unwrap_or(&Value::Null),
                        );
                        let kind = match kind.as_str() {
                            "servicetag" => "service_tag".to_string(),
                            "privateendpoint" => "private_endpoint".to_string(),
                            other => other.to_string(),
                        };
                        put(
                            "Microsoft.MachineLearningServices/workspaces/outboundRules",
                            &format!("{n}/{rn}"),
                            obj(vec![("type", Value::from(kind)), ("destination", dest)]),
                        );
                    }
                }
            }
            "Microsoft.MachineLearningServices/workspaces/datastores" => put(
                &r.type_,
                n,
                obj(vec![
                    ("datastoreType", s(p.get("datastoreType"))),
                    ("accountName", s(p.get("accountName"))),
                    ("containerName", s(p.get("containerName"))),
                    ("fileShareName", s(p.get("fileShareName"))),
                    ("endpoint", s(p.get("endpoint"))),
                    ("protocol", s(p.get("protocol"))),
                    (
                        "credentialsType",
                        s(p.pointer("/credentials/credentialsType")),
                    ),
                    (
                        "serviceDataAccessAuthIdentity",
                        s(p.get("serviceDataAccessAuthIdentity")),
                    ),
                ]),
            ),
            "Microsoft.MachineLearningServices/workspaces/onlineEndpoints" => put(
                &r.type_,
                n,
                obj(vec![
                    ("location", loc),
                    ("authMode", s(p.get("authMode"))),
                    ("publicNetworkAccess", s(p.get("publicNetworkAccess"))),
                    ("description", s(p.get("description"))),
                    ("identityType", s(b.pointer("/identity/type"))),
                ]),
            ),
            "Microsoft.MachineLearningServices/workspaces/computes" => {
                let cp = p.get("properties").cloned().unwrap_or(Value::Null);
                // A cluster says it in remoteLoginPortPublicAccess, an instance in sshSettings.
                let ssh = match cp
                    .get("remoteLoginPortPublicAccess")
                    .or_else(|| cp.pointer("/sshSettings/sshPublicAccess"))
                    .and_then(Value::as_str)
                {
                    Some("Enabled") => Value::Bool(true),
                    Some("Disabled") => Value::Bool(false),
                    _ => Value::Null,
                };
                put(
                    &r.type_,
                    n,
                    obj(vec![
                        ("location", loc),
                        ("computeType", s(p.get("computeType"))),
                        ("vmSize", s(cp.get("vmSize"))),
                        ("vmPriority", s(cp.get("vmPriority"))),
                        ("minNodeCount", s(cp.pointer("/scaleSettings/minNodeCount"))),
                        ("maxNodeCount", s(cp.pointer("/scaleSettings/maxNodeCount"))),
                        (
                            "idleSecondsBeforeScaleDown",
                            iso_seconds(cp.pointer("/scaleSettings/nodeIdleTimeBeforeScaleDown")),
                        ),
                        ("subnet", s(cp.pointer("/subnet/id"))),
                        ("enableNodePublicIp", s(cp.get("enableNodePublicIp"))),
                        ("sshPublicAccess", ssh),
                        ("identityType", s(b.pointer("/identity/type"))),
                        ("disableLocalAuth", s(p.get("disableLocalAuth"))),
                        (
                            "ownerObjectId",
                            s(
                                cp.pointer(
                                    "/personalComputeInstanceSettings/assignedUser/objectId",
                                ),
                            ),
                        ),
                        (
                            "ownerTenantId",
                            s(
                                cp.pointer(
                                    "/personalComputeInstanceSettings/assignedUser/tenantId",
                                ),
                            ),
                        ),
                        (
                            "idleSecondsBeforeShutdown",
                            iso_seconds(cp.get("idleTimeBeforeShutdown")),
                        ),
                        ("enableSSO", s(cp.get("enableSSO"))),
                        // A Kubernetes compute: the cluster it attaches and the namespace.
                        ("resourceId", s(p.get("resourceId"))),
                        ("namespace", s(cp.get("namespace"))),
                    ]),
                );
            }
            // A user-assigned identity (the workspace's, or the AKS control plane's), the AKS
            // cluster and its Azure Machine Learning extension.
            "Microsoft.ManagedIdentity/userAssignedIdentities" => {
                put(&r.type_, n, obj(vec![("location", loc)]));
            }
            "Microsoft.ContainerService/managedClusters" => {
                let pool = p
                    .pointer("/agentPoolProfiles/0")
                    .cloned()
                    .unwrap_or(Value::Null);
                let ids: Vec<String> = b
                    .pointer("/identity/userAssignedIdentities")
                    .and_then(Value::as_object)
                    .map(|o| o.keys().cloned().collect())
                    .unwrap_or_default();
                put(
                    &r.type_,
                    n,
                    obj(vec![
                        ("location", loc),
                        ("skuTier", s(b.pointer("/sku/tier"))),
                        ("identityType", s(b.pointer("/identity/type"))),
                        ("userAssignedIdentities", Value::from(ids)),
                        ("kubernetesVersion", s(p.get("kubernetesVersion"))),
                        (
                            "upgradeChannel",
                            s(p.pointer("/autoUpgradeProfile/upgradeChannel")),
                        ),
                        (
                            "nodeOSUpgradeChannel",
                            s(p.pointer("/autoUpgradeProfile/nodeOSUpgradeChannel")),
                        ),
                        ("poolName", s(pool.get("name"))),
                        ("nodeCount", s(pool.get("count"))),
                        ("vmSize", s(pool.get("vmSize"))),
                        ("maxPods", s(pool.get("maxPods"))),
                        ("subnet", s(pool.get("vnetSubnetID"))),
                        ("enableNodePublicIP", s(pool.get("enableNodePublicIP"))),
                        (
                            "networkPlugin",
                            s(p.pointer("/networkProfile/networkPlugin")),
                        ),
                        ("outboundType", s(p.pointer("/networkProfile/outboundType"))),
                        (
                            "loadBalancerSku",
                            s(p.pointer("/networkProfile/loadBalancerSku")),
                        ),
                        (
                            "privateCluster",
                            s(p.pointer("/apiServerAccessProfile/enablePrivateCluster")),
                        ),
                        (
                            "privateDnsZone",
                            s(p.pointer("/apiServerAccessProfile/privateDNSZone")),
                        ),
                        (
                            "publicFqdn",
                            s(p.pointer("/apiServerAccessProfile/enablePrivateClusterPublicFQDN")),
                        ),
                        ("aadManaged", s(p.pointer("/aadProfile/managed"))),
                        ("azureRbac", s(p.pointer("/aadProfile/enableAzureRBAC"))),
                        ("disableLocalAccounts", s(p.get("disableLocalAccounts"))),
                    ]),
                );
            }
            "Microsoft.KubernetesConfiguration/extensions" => {
                let settings: Vec<String> = p
                    .get("configurationSettings")
                    .and_then(Value::as_object)
                    .map(|o| {
                        o.iter()
                            .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or("?")))
                            .collect()
                    })
                    .unwrap_or_default();
                // Secrets: only which ones are set is comparable.
                let protected: Vec<String> = p
                    .get("configurationProtectedSettings")
                    .and_then(Value::as_object)
                    .map(|o| o.keys().cloned().collect())
                    .unwrap_or_default();
                let cluster = b.get("scope").and_then(Value::as_str).unwrap_or("?");
                put(
                    &r.type_,
                    &format!("{cluster}|{n}"),
                    obj(vec![
                        ("extensionType", s(p.get("extensionType"))),
                        ("releaseTrain", s(p.get("releaseTrain"))),
                        (
                            "autoUpgradeMinorVersion",
                            s(p.get("autoUpgradeMinorVersion")),
                        ),
                        (
                            "releaseNamespace",
                            s(p.pointer("/scope/cluster/releaseNamespace")),
                        ),
                        (
                            "configurationSettings",
                            sorted(Some(&Value::from(settings))),
                        ),
                        (
                            "configurationProtectedSettings",
                            sorted(Some(&Value::from(protected))),
                        ),
                    ]),
                );
            }
            "Microsoft.Network/bastionHosts" => put(
                &r.type_,
                n,
                obj(vec![
                    ("location", loc),
                    ("sku", s(b.pointer("/sku/name"))),
                    (
                        "subnet",
                        s(p.pointer("/ipConfigurations/0/properties/subnet/id")),
                    ),
                    (
                        "publicIpAddress",
                        s(p.pointer("/ipConfigurations/0/properties/publicIPAddress/id")),
                    ),
                    ("enableTunneling", s(p.get("enableTunneling"))),
                ]),
            ),
            // The way in (modules/wayIn.bicep); conformance/runbook_arch.py reads the same
            // fields from runbook.sh's bodies.
            "Microsoft.Network/networkInterfaces" => put(
                &r.type_,
                n,
                obj(vec![
                    ("location", loc),
                    (
                        "subnet",
                        s(p.pointer("/ipConfigurations/0/properties/subnet/id")),
                    ),
                    (
                        "privateIPAllocationMethod",
                        s(p.pointer("/ipConfigurations/0/properties/privateIPAllocationMethod")),
                    ),
                    (
                        "publicIPAddress",
                        s(p.pointer("/ipConfigurations/0/properties/publicIPAddress/id")),
                    ),
                ]),
            ),
            "Microsoft.Compute/virtualMachines" => {
                put(
                    &r.type_,
                    n,
                    obj(vec![
                        ("location", loc),
                        ("identity", s(b.pointer("/identity/type"))),
                        ("vmSize", s(p.pointer("/hardwareProfile/vmSize"))),
                        ("image", s(p.pointer("/storageProfile/imageReference"))),
                        (
                            "osDiskCreateOption",
                            s(p.pointer("/storageProfile/osDisk/createOption")),
                        ),
                        (
                            "osDiskDeleteOption",
                            s(p.pointer("/storageProfile/osDisk/deleteOption")),
                        ),
                        (
                            "osDiskType",
                            s(p.pointer("/storageProfile/osDisk/managedDisk/storageAccountType")),
                        ),
                        ("computerName", s(p.pointer("/osProfile/computerName"))),
                        ("adminUsername", s(p.pointer("/osProfile/adminUsername"))),
                        ("adminPassword", s(p.pointer("/osProfile/adminPassword"))),
                        (
                            "disablePasswordAuthentication",
                            s(p.pointer(
                                "/osProfile/linuxConfiguration/disablePasswordAuthentication",
                            )),
                        ),
                        (
                            "sshPublicKeys",
                            s(p.pointer("/osProfile/linuxConfiguration/ssh/publicKeys")),
                        ),
                        (
                            "securityType",
                            s(p.pointer("/securityProfile/securityType")),
                        ),
                        (
                            "uefiSettings",
                            s(p.pointer("/securityProfile/uefiSettings")),
                        ),
                        (
                            "networkInterfaces",
                            s(p.pointer("/networkProfile/networkInterfaces")),
                        ),
                    ]),
                )
            }
            "Microsoft.Compute/virtualMachines/extensions" => put(
                &r.type_,
                n,
                obj(vec![
                    ("location", loc),
                    ("publisher", s(p.get("publisher"))),
                    ("type", s(p.get("type"))),
                    ("typeHandlerVersion", s(p.get("typeHandlerVersion"))),
                    (
                        "autoUpgradeMinorVersion",
                        s(p.get("autoUpgradeMinorVersion")),
                    ),
                ]),
            ),
            "Microsoft.DevTestLab/schedules" => put(
                &r.type_,
                n,
                obj(vec![
                    ("location", loc),
                    ("status", s(p.get("status"))),
                    ("taskType", s(p.get("taskType"))),
                    ("time", s(p.pointer("/dailyRecurrence/time"))),
                    ("timeZoneId", s(p.get("timeZoneId"))),
                    ("targetResourceId", s(p.get("targetResourceId"))),
                    (
                        "notifications",
                        s(p.pointer("/notificationSettings/status")),
                    ),
                ]),
            ),
            "Microsoft.Network/virtualNetworkGateways" => {
                let c = p
                    .get("vpnClientConfiguration")
                    .cloned()
                    .unwrap_or(Value::Null);
                put(
                    &r.type_,
                    n,
                    obj(vec![
                        ("location", loc),
                        ("gatewayType", s(p.get("gatewayType"))),
                        ("vpnType", s(p.get("vpnType"))),
                        ("generation", s(p.get("vpnGatewayGeneration"))),
                        ("sku", s(p.pointer("/sku/name"))),
                        ("activeActive", s(p.get("activeActive"))),
                        ("enableBgp", s(p.get("enableBgp"))),
                        (
                            "subnet",
                            s(p.pointer("/ipConfigurations/0/properties/subnet/id")),
                        ),
                        (
                            "publicIPAddress",
                            s(p.pointer("/ipConfigurations/0/properties/publicIPAddress/id")),
                        ),
                        (
                            "clientAddressPool",
                            s(c.pointer("/vpnClientAddressPool/addressPrefixes")),
                        ),
                        ("protocols", s(c.get("vpnClientProtocols"))),
                        ("authenticationTypes", s(c.get("vpnAuthenticationTypes"))),
                        ("aadTenant", s(c.get("aadTenant"))),
                        ("aadAudience", s(c.get("aadAudience"))),
                        ("aadIssuer", s(c.get("aadIssuer"))),
                    ]),
                )
            }
            "Microsoft.Network/dnsResolvers" => put(
                &r.type_,
                n,
                obj(vec![
                    ("location", loc),
                    ("virtualNetwork", id_of(p.get("virtualNetwork"))),
                ]),
            ),
            "Microsoft.Network/dnsResolvers/inboundEndpoints" => put(
                &r.type_,
                n,
                obj(vec![
                    ("location", loc),
                    ("subnet", s(p.pointer("/ipConfigurations/0/subnet/id"))),
                    (
                        "privateIpAllocationMethod",
                        s(p.pointer("/ipConfigurations/0/privateIpAllocationMethod")),
                    ),
                ]),
            ),
            // Keyed by the resource it logs and its name: every resource's setting has the same
            // name.
            "Microsoft.Insights/diagnosticSettings" => {
                let scope = b.get("scope").and_then(Value::as_str).unwrap_or("?");
                let mut logs: Vec<Value> = p
                    .get("logs")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter(|l| l.get("enabled") == Some(&Value::Bool(true)))
                    .filter_map(|l| l.get("category").cloned())
                    .collect();
                logs.sort_by_key(|v| v.to_string());
                put(
                    &r.type_,
                    &format!("{scope}|{n}"),
                    obj(vec![
                        ("workspace", s(p.get("workspaceId"))),
                        ("logs", Value::Array(logs)),
                    ]),
                );
            }
            // Keyed by what it grants (scope, role, principal): its name is a guid() of them in
            // Bicep and chosen by Azure for `az role assignment create`.
            "Microsoft.Authorization/roleDefinitions" => put(
                &r.type_,
                p.get("roleName").and_then(Value::as_str).unwrap_or("?"),
                obj(vec![
                    ("description", s(p.get("description"))),
                    ("actions", sorted_texts(p.pointer("/permissions/0/actions"))),
                    (
                        "notActions",
                        sorted_texts(p.pointer("/permissions/0/notActions")),
                    ),
                    (
                        "dataActions",
                        sorted_texts(p.pointer("/permissions/0/dataActions")),
                    ),
                ]),
            ),
            // Keyed by name (the workspace's name and the catalog key on both paths); the
            // definition as its GUID, each parameter's value, the identity.
            "Microsoft.Authorization/policyAssignments" => {
                let params: Map<String, Value> = p
                    .get("parameters")
                    .and_then(Value::as_object)
                    .map(|o| {
                        o.iter()
                            .map(|(k, v)| {
                                (k.clone(), v.get("value").cloned().unwrap_or(Value::Null))
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                put(
                    &r.type_,
                    &r.name,
                    obj(vec![
                        (
                            "definition",
                            p.get("policyDefinitionId")
                                .and_then(Value::as_str)
                                .and_then(|d| d.rsplit('/').next())
                                .map(Value::from)
                                .unwrap_or(Value::Null),
                        ),
                        ("displayName", s(p.get("displayName"))),
                        ("enforcementMode", s(p.get("enforcementMode"))),
                        ("identity", s(b.pointer("/identity/type"))),
                        ("parameters", Value::Object(params)),
                    ]),
                );
            }
            "Microsoft.Authorization/roleAssignments" => {
                let role = p
                    .get("roleDefinitionId")
                    .and_then(Value::as_str)
                    .and_then(|r| r.strip_prefix("id:Microsoft.Authorization/roleDefinitions/"))
                    .map(|r| role_names.get(r).map(String::as_str).unwrap_or(r))
                    .unwrap_or("?");
                let scope = b
                    .get("scope")
                    .and_then(Value::as_str)
                    .unwrap_or("(resource group)");
                let principal = p.get("principalId").and_then(Value::as_str).unwrap_or("?");
                put(
                    &r.type_,
                    &format!("{scope}|{role}|{principal}"),
                    obj(vec![("principalType", s(p.get("principalType")))]),
                );
            }
            // Any other type is not normalized yet: fail loudly instead of skipping it.
            other => {
                return Err(format!(
                    "{}: resource type {other} is not normalized by this test; add it",
                    r.at
                ))
            }
        }
    }
    Ok(a)
}

/// Public ingestion and query access of Log Analytics and Application Insights (the same
/// property names on both).
fn monitor_access_fields(p: &Value) -> [(&'static str, Value); 2] {
    [
        (
            "publicNetworkAccessForIngestion",
            s(p.get("publicNetworkAccessForIngestion")),
        ),
        (
            "publicNetworkAccessForQuery",
            s(p.get("publicNetworkAccessForQuery")),
        ),
    ]
}

fn rule_fields(p: &Value) -> Map<String, Value> {
    obj(vec![
        ("priority", s(p.get("priority"))),
        ("direction", s(p.get("direction"))),
        ("access", s(p.get("access"))),
        ("protocol", s(p.get("protocol"))),
        (
            "sourceAddressPrefixes",
            one_or_many(p, "sourceAddressPrefix", "sourceAddressPrefixes"),
        ),
        (
            "sourcePortRanges",
            one_or_many(p, "sourcePortRange", "sourcePortRanges"),
        ),
        (
            "destinationAddressPrefixes",
            one_or_many(p, "destinationAddressPrefix", "destinationAddressPrefixes"),
        ),
        (
            "destinationPortRanges",
            one_or_many(p, "destinationPortRange", "destinationPortRanges"),
        ),
    ])
}

fn route_fields(p: &Value) -> Map<String, Value> {
    obj(vec![
        ("addressPrefix", s(p.get("addressPrefix"))),
        ("nextHopType", s(p.get("nextHopType"))),
        ("nextHopIpAddress", s(p.get("nextHopIpAddress"))),
    ])
}

// ------------------------------------------------------------------------- comparison

/// Fields whose values are enums that Bicep and az spell differently (`AllowOnlyApprovedOutbound`
/// vs `allow_only_approved_outbound`, `Standard` vs `standard`): compared without case and `_`.
const ENUM_FIELDS: &[&str] = &[
    "isolationMode",
    "managedNetworkKind",
    "firewallSku",
    "sku",
    "skuName",
    "skuTier",
    "protocol",
    "access",
    "direction",
    "nextHopType",
    "publicNetworkAccess",
    "allocationMethod",
    "threatIntelMode",
    "type",
    "ruleType",
    "action",
    "ipProtocols",
    "protocols",
    "computeType",
    "vmPriority",
    "identityType",
    "privateEndpointNetworkPolicies",
    "networkAclsDefaultAction",
    "networkAclsBypass",
    "minimumTlsVersion",
    "kind",
    "accessTier",
    "applicationType",
    "networkRuleBypassOptions",
    "ruleCollectionType",
    "collectionAction",
    "systemDatastoresAuthMode",
    "extensionType",
    "outboundType",
    "networkPlugin",
    "loadBalancerSku",
    "releaseTrain",
    "upgradeChannel",
    "nodeOSUpgradeChannel",
];

/// Service defaults: an absent field means this value (documented API defaults), on both sides.
/// privateEndpointNetworkPolicies: "By default, network policies are disabled for a subnet in a
/// virtual network" (learn.microsoft.com/azure/private-link/disable-private-endpoint-network-policy);
/// anonymousPullEnabled: false unless enabled (learn.microsoft.com/azure/container-registry/
/// anonymous-pull-access); publicNetworkAccessForIngestion/ForQuery of Log Analytics and
/// Application Insights: "Enabled" when not set (their REST specs' defaults; azure-cli's
/// `--ingestion-access`/`--query-access` default to it too).
type Default = (&'static str, &'static str, fn() -> Value);
const DEFAULTS: &[Default] = &[
    (
        "Microsoft.Network/virtualNetworks/subnets",
        "privateEndpointNetworkPolicies",
        || Value::from("Disabled"),
    ),
    (
        "Microsoft.ContainerRegistry/registries",
        "anonymousPullEnabled",
        || Value::Bool(false),
    ),
    (
        "Microsoft.OperationalInsights/workspaces",
        "publicNetworkAccessForIngestion",
        || Value::from("Enabled"),
    ),
    (
        "Microsoft.OperationalInsights/workspaces",
        "publicNetworkAccessForQuery",
        || Value::from("Enabled"),
    ),
    (
        "Microsoft.Insights/components",
        "publicNetworkAccessForIngestion",
        || Value::from("Enabled"),
    ),
    (
        "Microsoft.Insights/components",
        "publicNetworkAccessForQuery",
        || Value::from("Enabled"),
    ),
];

/// Full ARM IDs (`/subscriptions/S/resourceGroups/RG/providers/T/N`) as `id:T/N` when RG is the
/// deployment's resource group, `id:rg(RG)/T/N` otherwise: what runbook_arch.py's `canon_ids` does.
fn canon_ids(v: &Value, rg: &str) -> Value {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = RE.get_or_init(|| {
        regex::Regex::new(r#"(?i)/subscriptions/[^/\s"]+/resourceGroups/([^/\s"]+)/providers/"#)
            .expect("regex")
    });
    match v {
        Value::String(s) => Value::from(
            re.replace_all(s, |c: &regex::Captures| {
                if c[1].eq_ignore_ascii_case(rg) {
                    "id:".to_string()
                } else {
                    format!("id:rg({})/", &c[1])
                }
            })
            .to_string(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(|x| canon_ids(x, rg)).collect()),
        Value::Object(o) => Value::Object(
            o.iter()
                .map(|(k, x)| (k.clone(), canon_ids(x, rg)))
                .collect(),
        ),
        other => other.clone(),
    }
}

fn canon(field: &str, v: &Value) -> Value {
    if !ENUM_FIELDS.contains(&field) {
        return v.clone();
    }
    match v {
        Value::String(x) => Value::from(x.to_lowercase().replace('_', "")),
        Value::Array(a) => Value::Array(a.iter().map(|x| canon(field, x)).collect()),
        other => other.clone(),
    }
}

fn with_default(res_type: &str, field: &str, v: Option<&Value>) -> Value {
    match v {
        Some(x) if !x.is_null() => x.clone(),
        _ => DEFAULTS
            .iter()
            .find(|(t, f, _)| *t == res_type && *f == field)
            .map(|(_, _, d)| d())
            .unwrap_or(Value::Null),
    }
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Diff {
    blueprint: String,
    variant: String,
    resource: String,
    field: String,
    bicep: String,
    other: String,
    /// "runbook" or "workspace.yml"
    side: String,
}

fn show(v: Option<&Value>) -> String {
    match v {
        None => "(no such resource)".into(),
        Some(Value::Null) => "(not set)".into(),
        Some(x) => x.to_string(),
    }
}

fn compare(
    bp: &str,
    variant: &str,
    side: &str,
    bicep: &Arch,
    other: &Arch,
    only: Option<&dyn Fn(&str) -> bool>,
) -> Vec<Diff> {
    let mut out = Vec::new();
    let keys: BTreeSet<&String> = bicep.keys().chain(other.keys()).collect();
    for k in keys {
        if let Some(f) = only {
            if !f(k) {
                continue;
            }
        }
        let d = |field: &str, b: String, o: String| Diff {
            blueprint: bp.into(),
            variant: variant.into(),
            resource: k.clone(),
            field: field.into(),
            bicep: b,
            other: o,
            side: side.into(),
        };
        match (bicep.get(k), other.get(k)) {
            (Some(_), None) => out.push(d("(resource)", "present".into(), "absent".into())),
            (None, Some(_)) => out.push(d("(resource)", "absent".into(), "present".into())),
            (Some(b), Some(o)) => {
                let rtype = k.split(' ').next().unwrap_or("");
                let fields: BTreeSet<&String> = b.keys().chain(o.keys()).collect();
                for f in fields {
                    let bv = with_default(rtype, f, b.get(f));
                    let ov = with_default(rtype, f, o.get(f));
                    if canon(f, &bv) != canon(f, &ov) {
                        out.push(d(f, show(Some(&bv)), show(Some(&ov))));
                    }
                }
            }
            (None, None) => {}
        }
    }
    out
}

/// Values that still hold `old` after it was changed to something else.
fn stale(bp: &str, variant: &str, side: &str, arch: &Arch, old: &str) -> Vec<Diff> {
    let mut out = Vec::new();
    for (k, fields) in arch {
        if k.contains(old) {
            out.push(Diff {
                blueprint: bp.into(),
                variant: variant.into(),
                resource: k.clone(),
                field: "(name)".into(),
                bicep: if side == "bicep" {
                    format!("still names `{old}`")
                } else {
                    String::new()
                },
                other: if side == "bicep" {
                    String::new()
                } else {
                    format!("still names `{old}`")
                },
                side: format!("stale:{side}"),
            });
        }
        for (f, v) in fields {
            if v.to_string().contains(old) {
                out.push(Diff {
                    blueprint: bp.into(),
                    variant: variant.into(),
                    resource: k.clone(),
                    field: f.clone(),
                    bicep: if side == "bicep" {
                        v.to_string()
                    } else {
                        String::new()
                    },
                    other: if side == "bicep" {
                        String::new()
                    } else {
                        v.to_string()
                    },
                    side: format!("stale:{side}"),
                });
            }
        }
    }
    out
}

impl std::fmt::Display for Diff {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.resource == "(runbook)" {
            return write!(
                f,
                "{} [{}] (runbook) | {}: {}",
                self.blueprint, self.variant, self.field, self.other
            );
        }
        if let Some(side) = self.side.strip_prefix("stale:") {
            let v = if side == "bicep" {
                &self.bicep
            } else {
                &self.other
            };
            return write!(
                f,
                "{} [{}] {} | {}: {side} still holds the old value: {v}",
                self.blueprint, self.variant, self.resource, self.field
            );
        }
        write!(
            f,
            "{} [{}] {} | {}: bicep {} | {} {}",
            self.blueprint,
            self.variant,
            self.resource,
            self.field,
            self.bicep,
            self.side,
            self.other
        )
    }
}

// ------------------------------------------------------------------------- jobs

struct Job {
    blueprint: String,
    variant: String,
    dir: PathBuf,
    bicep_overrides: Map<String, Value>,
    env: BTreeMap<String, String>,
    /// (old, new) values that must not survive anywhere.
    changed: Vec<String>,
}

/// `X=${X:-default}` lines of a runbook: variable -> default.
fn runbook_defaults(dir: &Path) -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(dir.join("runbook.sh")).unwrap_or_default();
    let mut out = BTreeMap::new();
    for line in text.lines() {
        let Some((var, rest)) = line.split_once('=') else {
            continue;
        };
        if !var
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
            || var.is_empty()
        {
            continue;
        }
        let prefix = format!("${{{var}:-");
        if let Some(d) = rest.strip_prefix(&prefix).and_then(|r| r.strip_suffix('}')) {
            out.insert(var.to_string(), d.trim_matches('"').to_string());
        }
    }
    out
}

fn params_of(dir: &Path) -> Map<String, Value> {
    let text = std::fs::read_to_string(dir.join("main.parameters.json")).unwrap_or_default();
    let doc: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
    doc.get("parameters")
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| v.get("value").map(|x| (k.clone(), x.clone())))
                .collect()
        })
        .unwrap_or_default()
}

fn jobs_for(blueprint: &str, dir: &Path) -> Vec<Job> {
    let mut jobs = vec![Job {
        blueprint: blueprint.into(),
        variant: "as rendered".into(),
        dir: dir.to_path_buf(),
        bicep_overrides: Map::new(),
        env: BTreeMap::new(),
        changed: Vec::new(),
    }];
    let defaults = runbook_defaults(dir);
    let params = params_of(dir);
    if let Some(old) = params.get("location").and_then(Value::as_str) {
        // Another region than the rendered one, or nothing would be seen to change.
        let region = if old == OTHER_REGION {
            SECOND_REGION
        } else {
            OTHER_REGION
        };
        let mut o = Map::new();
        o.insert("location".into(), Value::from(region));
        jobs.push(Job {
            blueprint: blueprint.into(),
            variant: format!("LOCATION={region}"),
            dir: dir.to_path_buf(),
            bicep_overrides: o,
            env: BTreeMap::from([("LOCATION".to_string(), region.to_string())]),
            changed: vec![old.to_string()],
        });
    }
    let vnet_vars: Vec<(&String, &String)> = defaults
        .iter()
        .filter(|(k, _)| k.ends_with("VNET_NAME"))
        .collect();
    if !vnet_vars.is_empty() {
        let mut o = Map::new();
        let mut env = BTreeMap::new();
        let mut changed = Vec::new();
        for (var, old) in &vnet_vars {
            let new = format!("vnet-renamed-{}", var.to_lowercase().replace('_', "-"));
            env.insert((*var).clone(), new.clone());
            changed.push((*old).clone());
            for (p, v) in &params {
                if v.as_str() == Some(old.as_str()) {
                    o.insert(p.clone(), Value::from(new.clone()));
                }
            }
        }
        jobs.push(Job {
            blueprint: blueprint.into(),
            variant: format!(
                "{} renamed",
                vnet_vars
                    .iter()
                    .map(|(k, _)| k.as_str())
                    .collect::<Vec<_>>()
                    .join("+")
            ),
            dir: dir.to_path_buf(),
            bicep_overrides: o,
            env,
            changed,
        });
    }
    jobs
}

fn python() -> PathBuf {
    let py = root().join(".venv/conformance/bin/python");
    assert!(
        py.exists(),
        "{} is missing: run scripts/setup-validators.sh (./test does) to install the conformance venv",
        py.display()
    );
    py
}

/// Runbook architectures of all jobs, one azure-cli load.
fn runbook_archs(jobs: &[Job]) -> Vec<(Arch, Option<Arch>, Vec<String>)> {
    let spec: Vec<Value> = jobs
        .iter()
        .map(|j| serde_json::json!({"dir": j.dir, "env": j.env, "workspace_yml": j.env.is_empty()}))
        .collect();
    let tmp = tempfile::NamedTempFile::new().expect("temp file");
    std::fs::write(tmp.path(), serde_json::to_string(&spec).expect("json")).expect("write jobs");
    let out = Command::new(python())
        .arg(root().join("conformance/runbook_arch.py"))
        .arg(tmp.path())
        .current_dir(root())
        .output()
        .expect("running conformance/runbook_arch.py");
    assert!(
        out.status.success(),
        "conformance/runbook_arch.py failed ({}):\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Vec<Value> =
        serde_json::from_slice(&out.stdout).expect("runbook_arch.py output is JSON");
    let to_arch = |x: &Value| -> Arch {
        x.as_object()
            .map(|m| {
                m.iter()
                    .map(|(k, v)| (k.clone(), v.as_object().cloned().unwrap_or_default()))
                    .collect()
            })
            .unwrap_or_default()
    };
    v.iter()
        .map(|r| {
            let unread = r
                .get("unread")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(Value::as_str)
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default();
            let wy = r.get("workspace_yml").filter(|w| !w.is_null()).map(to_arch);
            let mut arch = to_arch(&r["resources"]);
            // ARM bodies the runbook PUTs whole (`az rest`): normalized as main.bicep's are.
            let arm: Vec<Resource> = r
                .get("arm")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .map(|a| Resource {
                    type_: a["type"].as_str().unwrap_or("?").to_string(),
                    name: a["name"].as_str().unwrap_or("?").to_string(),
                    body: a["body"].clone(),
                    at: "runbook.sh (az rest)".to_string(),
                })
                .collect();
            for (k, v) in bicep_arch(&arm).unwrap_or_else(|e| panic!("runbook.sh az rest: {e}")) {
                arch.entry(k).or_default().extend(v);
            }
            (arch, wy, unread)
        })
        .collect()
}

/// Workspace settings azure-ai-ml's YAML has no field for (its ManagedNetwork entity stops at
/// isolation mode, firewall SKU and rules): workspace.yml creates the defaults, and the file's
/// header names the `az resource update` that runbook.sh runs for the rest. The runbook side
/// still compares them.
const WORKSPACE_YML_CANNOT_SAY: &[&str] = &["managedNetworkKind", "enableNetworkMonitor"];

fn differences(jobs: &[Job]) -> Vec<Diff> {
    let rbs = runbook_archs(jobs);
    let mut all = Vec::new();
    for (job, (rb, wy, unread)) in jobs.iter().zip(rbs) {
        let resources = bicep_eval::evaluate(&job.dir, &job.bicep_overrides)
            .unwrap_or_else(|e| panic!("evaluating the Bicep of {}: {e}", job.dir.display()));
        let bicep = bicep_arch(&resources).unwrap_or_else(|e| panic!("{e}"));
        // The resource group the runbook deploys to (and the Bicep is deployed to, per README).
        let rg = job
            .env
            .get("RESOURCE_GROUP")
            .cloned()
            .or_else(|| runbook_defaults(&job.dir).get("RESOURCE_GROUP").cloned())
            .unwrap_or_default();
        let bicep: Arch = bicep
            .into_iter()
            .map(|(k, f)| {
                let f = f
                    .iter()
                    .map(|(n, x)| (n.clone(), canon_ids(x, &rg)))
                    .collect();
                (k, f)
            })
            .collect();
        for u in unread {
            all.push(Diff {
                blueprint: job.blueprint.clone(),
                variant: job.variant.clone(),
                resource: "(runbook)".into(),
                field: "unread az command".into(),
                bicep: String::new(),
                other: u,
                side: "runbook".into(),
            });
        }
        all.extend(compare(
            &job.blueprint,
            &job.variant,
            "runbook",
            &bicep,
            &rb,
            None,
        ));
        if let Some(wy) = wy {
            let ws_only = |k: &str| {
                k.starts_with("Microsoft.MachineLearningServices/workspaces ")
                    || k.starts_with("Microsoft.MachineLearningServices/workspaces/outboundRules ")
            };
            all.extend(
                compare(
                    &job.blueprint,
                    &job.variant,
                    "workspace.yml",
                    &bicep,
                    &wy,
                    Some(&ws_only),
                )
                .into_iter()
                .filter(|d| !WORKSPACE_YML_CANNOT_SAY.contains(&d.field.as_str())),
            );
        }
        for old in &job.changed {
            all.extend(stale(&job.blueprint, &job.variant, "bicep", &bicep, old));
            all.extend(stale(&job.blueprint, &job.variant, "runbook", &rb, old));
        }
    }
    all.sort();
    all.dedup();
    all
}

// ------------------------------------------------------------------------- allowance

/// `blueprint | resource | field` lines; `#` comments.
fn allowance() -> BTreeSet<(String, String, String)> {
    let path = root().join("tests/fixtures/paths/allowed.txt");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut out = BTreeSet::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let parts: Vec<&str> = line.split(" | ").map(str::trim).collect();
        let [bp, res, field] = parts.as_slice() else {
            panic!(
                "{}:{}: expected `blueprint | resource | field`, got `{line}`",
                path.display(),
                i + 1
            );
        };
        out.insert((bp.to_string(), res.to_string(), field.to_string()));
    }
    out
}

fn render_fixtures(tmp: &Path) -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    let dir = root().join("tests/fixtures/blueprints");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/fixtures/blueprints")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    files.sort();
    for f in files {
        let stem = f
            .file_stem()
            .unwrap_or_default()
            .to_string_lossy()
            .to_string();
        let target = tmp.join(&stem);
        let st = Command::new(env!("CARGO_BIN_EXE_amlgen"))
            .arg("render")
            .arg(&f)
            .arg("--out")
            .arg(&target)
            .output()
            .expect("running amlgen render");
        assert!(
            st.status.success(),
            "amlgen render {} failed:\n{}",
            f.display(),
            String::from_utf8_lossy(&st.stderr)
        );
        out.push((format!("fixture:{stem}"), target));
    }
    out
}

#[test]
fn bicep_and_runbook_build_the_same_architecture() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let mut folders: Vec<(String, PathBuf)> = Vec::new();
    let mut outs: Vec<PathBuf> = std::fs::read_dir(root().join("out"))
        .expect("out/")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("main.bicep").exists())
        .collect();
    outs.sort();
    assert!(!outs.is_empty(), "no render folders in out/");
    for o in outs {
        let name = o
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .to_string();
        folders.push((name, o));
    }
    folders.extend(render_fixtures(tmp.path()));
    let jobs: Vec<Job> = folders.iter().flat_map(|(b, d)| jobs_for(b, d)).collect();
    let diffs = differences(&jobs);

    let allowed = allowance();
    let mut used = BTreeSet::new();
    let mut failing = Vec::new();
    let mut report = String::new();
    for d in &diffs {
        let key = (d.blueprint.clone(), d.resource.clone(), d.field.clone());
        let ok = allowed.contains(&key);
        if ok {
            used.insert(key);
        } else {
            failing.push(d.to_string());
        }
        report.push_str(&format!("{} {d}\n", if ok { "allowed" } else { "DIFF   " }));
    }
    let unused: Vec<String> = allowed
        .difference(&used)
        .map(|(b, r, f)| format!("{b} | {r} | {f}"))
        .collect();
    let report_path = root().join("target/path-equivalence-report.txt");
    let _ = std::fs::write(&report_path, &report);
    println!(
        "{report}{} differences, {} allowed, {} not allowed",
        diffs.len(),
        diffs.len() - failing.len(),
        failing.len()
    );
    assert!(
        failing.is_empty() && unused.is_empty(),
        "Bicep and runbook paths differ ({} not in tests/fixtures/paths/allowed.txt):\n{}\n\
         allowance entries that match nothing any more (delete them):\n{}\nfull report: {}",
        failing.len(),
        failing.join("\n"),
        unused.join("\n"),
        report_path.display()
    );
}

// ------------------------------------------------------------------------- self-test

/// `tests/fixtures/paths/drifts/*.drift`: a known drift put back into the drift-free render
/// `tests/fixtures/paths/good/`. Format: `expect: TEXT` lines (each must appear in a reported
/// difference), then blocks `file: PATH` / `old:` lines / `new:` lines / `end`, each replacing
/// one exact occurrence of `old` by `new` in PATH.
fn apply_drift(drift: &Path, into: &Path) -> Vec<String> {
    let text =
        std::fs::read_to_string(drift).unwrap_or_else(|e| panic!("{}: {e}", drift.display()));
    let mut expects = Vec::new();
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        if let Some(e) = line.strip_prefix("expect: ") {
            expects.push(e.to_string());
        } else if let Some(f) = line.strip_prefix("file: ") {
            let (mut old, mut new, mut cur) = (Vec::new(), Vec::new(), 0);
            for l in lines.by_ref() {
                match l {
                    "old:" => cur = 1,
                    "new:" => cur = 2,
                    "end" => break,
                    _ if cur == 1 => old.push(l),
                    _ if cur == 2 => new.push(l),
                    _ => panic!("{}: text outside old:/new: in `{l}`", drift.display()),
                }
            }
            let path = into.join(f);
            let body = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let (old, new) = (old.join("\n"), new.join("\n"));
            assert_eq!(
                body.matches(&old).count(),
                1,
                "{}: the `old` text must occur exactly once in {f}:\n{old}",
                drift.display()
            );
            std::fs::write(&path, body.replacen(&old, &new, 1)).expect("write drifted file");
        }
    }
    assert!(
        !expects.is_empty(),
        "{}: no `expect:` line",
        drift.display()
    );
    expects
}

fn copy_dir(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from) {
        let e = e.expect("walk");
        let rel = e.path().strip_prefix(from).expect("prefix");
        let t = to.join(rel);
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&t).expect("mkdir");
        } else {
            std::fs::copy(e.path(), &t).expect("copy");
        }
    }
}

#[test]
fn drifts_are_found() {
    let good = root().join("tests/fixtures/paths/good");
    let tmp = tempfile::tempdir().expect("temp dir");
    let mut drifts: Vec<PathBuf> = std::fs::read_dir(root().join("tests/fixtures/paths/drifts"))
        .expect("tests/fixtures/paths/drifts")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "drift"))
        .collect();
    drifts.sort();
    assert!(
        drifts.len() >= 5,
        "expected at least the five drift cases (a)-(e)"
    );
    let mut jobs = jobs_for("good", &good);
    let mut expects = Vec::new();
    for d in &drifts {
        let name = d
            .file_stem()
            .unwrap_or_default()
            .to_string_lossy()
            .to_string();
        let dir = tmp.path().join(&name);
        copy_dir(&good, &dir);
        expects.push((name.clone(), apply_drift(d, &dir)));
        jobs.extend(jobs_for(&name, &dir));
    }
    let diffs = differences(&jobs);
    let mut problems = Vec::new();
    let good_diffs: Vec<String> = diffs
        .iter()
        .filter(|d| d.blueprint == "good")
        .map(|d| d.to_string())
        .collect();
    if !good_diffs.is_empty() {
        problems.push(format!(
            "the drift-free render has differences:\n{}",
            good_diffs.join("\n")
        ));
    }
    for (name, exp) in &expects {
        let found: Vec<String> = diffs
            .iter()
            .filter(|d| &d.blueprint == name)
            .map(|d| d.to_string())
            .collect();
        if found.is_empty() {
            problems.push(format!(
                "{name}: the drift was not found (no difference at all)"
            ));
            continue;
        }
        for e in exp {
            if !found.iter().any(|f| f.contains(e.as_str())) {
                problems.push(format!(
                    "{name}: no difference contains `{e}`; found:\n{}",
                    found.join("\n")
                ));
            }
        }
        println!(
            "{name}: {} difference(s)\n  {}",
            found.len(),
            found.join("\n  ")
        );
    }
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

/// The online endpoints (issue 13), which the hub-spoke `good` render cannot hold (amlgen refuses
/// them without a managed VNet): the max fixture's render, drift-free, then with the runbook's
/// endpoint YAML opened to the internet, and with the Bicep side's auth mode changed.
#[test]
fn online_endpoint_drifts_are_found() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let base = tmp.path().join("max");
    let st = Command::new(env!("CARGO_BIN_EXE_amlgen"))
        .arg("render")
        .arg(root().join("tests/fixtures/blueprints/max.yaml"))
        .arg("--out")
        .arg(&base)
        .output()
        .expect("running amlgen render");
    assert!(
        st.status.success(),
        "{}",
        String::from_utf8_lossy(&st.stderr)
    );
    let drift = |name: &str, file: &str, old: &str, new: &str| {
        let dir = tmp.path().join(name);
        copy_dir(&base, &dir);
        let path = dir.join(file);
        let text = std::fs::read_to_string(&path).expect("rendered file");
        assert_eq!(text.matches(old).count(), 1, "{file}: {old}");
        std::fs::write(&path, text.replacen(old, new, 1)).expect("write drifted file");
        dir
    };
    let public = drift(
        "public",
        "online-endpoint-max-scoring.yml",
        "public_network_access: disabled",
        "public_network_access: enabled",
    );
    let key = drift(
        "key",
        "main.parameters.json",
        "\"authMode\": \"AADToken\"",
        "\"authMode\": \"Key\"",
    );
    // The as-rendered variant of each is enough: the region and name variants test the reader.
    let jobs: Vec<Job> = [("max", &base), ("public", &public), ("key", &key)]
        .into_iter()
        .flat_map(|(name, dir)| jobs_for(name, dir).into_iter().take(1))
        .collect();
    let diffs: Vec<String> = differences(&jobs).iter().map(|d| d.to_string()).collect();
    let resource =
        "Microsoft.MachineLearningServices/workspaces/onlineEndpoints mlw-max-explicit/max-scoring";
    let expected = [
        format!("public [as rendered] {resource} | publicNetworkAccess: bicep \"Disabled\" | runbook \"Enabled\""),
        format!("key [as rendered] {resource} | authMode: bicep \"Key\" | runbook \"AADToken\""),
    ];
    for e in &expected {
        assert!(diffs.contains(e), "`{e}` not among:\n{}", diffs.join("\n"));
    }
    assert_eq!(diffs.len(), expected.len(), "{}", diffs.join("\n"));
}

// ------------------------------------------------------------------------- runbook.ps1

/// One ARM call of runbook.ps1, read from its parse tree, in script order: a step's PUT
/// (`Set-AmlgenResource`), a GET whose values are read (`Get-AmlgenResource`), or a value the
/// script keeps (`$Values['NAME'] = $resource.PROPERTY` / `= New-AmlgenGuid ...`).
enum PsEvent {
    Put { path: String, body: String },
    Get { path: String },
    Read { token: String, property: String },
    Guid { token: String, parts: Vec<String> },
}

/// The text of a single-quoted PowerShell literal (`''` and the typographic single quotes
/// PowerShell reads as `'`, doubled, stand for one).
fn ps_literal(text: &str) -> Option<String> {
    let t = text.trim();
    let inner = t.strip_prefix('\'')?.strip_suffix('\'')?;
    let mut out = String::new();
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        out.push(c);
        if matches!(c, '\'' | '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}') {
            chars.next();
        }
    }
    Some(out)
}

fn ps_events(src: &str) -> Vec<PsEvent> {
    let mut parser = tree_sitter::Parser::new();
    parser
        .set_language(&tree_sitter_powershell::LANGUAGE.into())
        .expect("tree-sitter-powershell");
    let tree = parser.parse(src, None).expect("parse");
    let mut rows: Vec<(usize, PsEvent)> = Vec::new();
    let mut stack = vec![tree.root_node()];
    while let Some(n) = stack.pop() {
        let mut c = n.walk();
        stack.extend(n.children(&mut c));
        if n.kind() != "command" {
            continue;
        }
        let Some(name) = n.child_by_field_name("command_name") else {
            continue;
        };
        let name = &src[name.byte_range()];
        let Some(els) = n.child_by_field_name("command_elements") else {
            continue;
        };
        // `-Parameter 'literal'` pairs; the helpers' own definitions pass variables, not
        // literals, and are left out by that.
        let mut args: HashMap<String, String> = HashMap::new();
        let mut last: Option<String> = None;
        let mut c = els.walk();
        for e in els.named_children(&mut c) {
            let text = &src[e.byte_range()];
            match e.kind() {
                "command_argument_sep" | "comment" => {}
                "command_parameter" => last = Some(text.trim_start_matches('-').to_lowercase()),
                _ => {
                    if let (Some(p), Some(v)) = (last.take(), ps_literal(text)) {
                        args.insert(p, v);
                    }
                }
            }
        }
        let row = n.start_position().row;
        match (name, args.get("path"), args.get("body")) {
            ("Set-AmlgenResource", Some(p), Some(b)) => rows.push((
                row,
                PsEvent::Put {
                    path: p.clone(),
                    body: b.clone(),
                },
            )),
            ("Get-AmlgenResource", Some(p), None) => {
                rows.push((row, PsEvent::Get { path: p.clone() }))
            }
            _ => {}
        }
    }
    let read =
        regex::Regex::new(r"^\$Values\['([^']+)'\] = \$resource((?:\.\w+|\[\d+\])+)\s*$").unwrap();
    let guid = regex::Regex::new(r"^\$Values\['([^']+)'\] = New-AmlgenGuid -Parts (.*)$").unwrap();
    let part = regex::Regex::new(r"'(?:[^']|'')*'").unwrap();
    for (row, line) in src.lines().enumerate() {
        if let Some(c) = read.captures(line) {
            rows.push((
                row,
                PsEvent::Read {
                    token: c[1].to_string(),
                    property: c[2].trim_start_matches('.').to_string(),
                },
            ));
        } else if let Some(c) = guid.captures(line) {
            rows.push((
                row,
                PsEvent::Guid {
                    token: c[1].to_string(),
                    parts: part
                        .find_iter(&c[2])
                        .filter_map(|m| ps_literal(m.as_str()))
                        .collect(),
                },
            ));
        }
    }
    rows.sort_by_key(|(r, _)| *r);
    rows.into_iter().map(|(_, e)| e).collect()
}

/// The resources runbook.ps1 PUTs, shaped as `bicep_eval` shapes main.bicep's: type and name
/// from the ARM path, the body as sent, with each run-time value replaced by what main.bicep
/// writes in its place: the resource group's ID, the region, `ref:subscription#tenantid`, and
/// for a value the script reads from a resource (`$resource.identity.principalId` after the
/// workspace's step) `ref:<that resource>#<property>`, as the evaluator writes `reference()`.
fn ps1_resources(
    src: &str,
    sub: &str,
    rg: &str,
    location: &str,
    lookups: &[(String, String)],
) -> Vec<Resource> {
    let scope = format!("/subscriptions/{sub}/resourceGroups/{rg}");
    let mut values: BTreeMap<String, String> = [
        ("scope", scope.clone()),
        ("location", location.to_string()),
        ("subscriptionId", sub.to_string()),
        ("tenantId", "ref:subscription#tenantid".to_string()),
        // The router's certificate and key, read from files: main.bicep's secure parameters,
        // as tests/support/bicep_eval.rs stands them in.
        (
            "tlsCertificate",
            "<secure:inferenceTlsCertificate>".to_string(),
        ),
        ("tlsKey", "<secure:inferenceTlsKey>".to_string()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    // A service principal's object ID the script looks up (Get-AzADServicePrincipal), under the
    // name of main.bicep's parameter, with the evaluator's stand-in for it.
    for (name, app) in lookups {
        values.insert(
            name.clone(),
            format!("ref:serviceprincipal/{}#id", app.to_lowercase()),
        );
    }
    let fill = |text: &str, values: &BTreeMap<String, String>| {
        let mut t = text.to_string();
        for (k, v) in values {
            t = t.replace(&format!("<amlgen:{k}>"), v);
        }
        assert!(
            !t.contains("<amlgen:"),
            "runbook.ps1: unresolved value in {t}"
        );
        t
    };
    let role_definitions = regex::Regex::new(
        r"/subscriptions/[^/]+/providers/Microsoft.Authorization/roleDefinitions/",
    )
    .unwrap();
    let extension_role =
        regex::Regex::new(r"^id:.*\|providers\|Microsoft\.Authorization\|roleDefinitions\|")
            .unwrap();
    let mut last_path = String::new();
    let mut out = Vec::new();
    for e in ps_events(src) {
        match e {
            PsEvent::Get { path } => last_path = fill(&path, &values),
            PsEvent::Read { token, property } => {
                let target = last_path
                    .split_once("/providers/")
                    .map(|(_, t)| t)
                    .unwrap_or("?");
                values.insert(
                    token,
                    format!("ref:{target}#{}", bicep_eval::norm_path(&property)),
                );
            }
            // A GUID name, written as the evaluator writes main.bicep's guid(...) names: its
            // arguments with IDs as `id:T|N` (`/` as `|`), so the same arguments give the same
            // name on both sides. One difference is the evaluator's, not main.bicep's: it writes
            // a scoped resource's `.id` (a custom role defined on the workspace) without the
            // scope, where ARM's extensionResourceId() keeps it.
            PsEvent::Guid { token, parts } => {
                let args: Vec<String> = parts
                    .iter()
                    .map(|p| {
                        let p = fill(p, &values);
                        // The resource group's own ID, as the evaluator writes resourceGroup().id
                        // (a role on the resource group: the user-assigned workspace identity's
                        // approver role).
                        if p == scope {
                            return "id:resourcegroup".to_string();
                        }
                        let p = p
                            .replace(&format!("{scope}/providers/"), "id:")
                            .replace(&format!("/subscriptions/{sub}/providers/"), "id:")
                            .replace('/', "|");
                        extension_role
                            .replace_all(&p, "id:Microsoft.Authorization|roleDefinitions|")
                            .to_string()
                    })
                    .collect();
                values.insert(token, format!("guid({})", args.join(",")));
            }
            PsEvent::Put { path, body } => {
                let path = fill(&path, &values);
                last_path = path.clone();
                let (prefix, rest) = path.rsplit_once("/providers/").expect("an ARM path");
                let segs: Vec<&str> = rest.split('/').collect();
                // NS/type/name[/type/name...]: the types after the namespace, the names between.
                let type_ = std::iter::once(format!("{}/{}", segs[0], segs[1]))
                    .chain(segs[3..].iter().step_by(2).map(|s| s.to_string()))
                    .collect::<Vec<_>>()
                    .join("/");
                let name: Vec<&str> = segs[2..].iter().step_by(2).copied().collect();
                // IDs in the resource group as the evaluator writes resourceId(): `id:T/N`; IDs
                // elsewhere (a blueprint's own resource IDs) stay as they are.
                let own = format!("{scope}/providers/");
                let text = role_definitions
                    .replace_all(
                        &fill(&body, &values),
                        "id:Microsoft.Authorization/roleDefinitions/",
                    )
                    .replace(&own, "id:");
                let mut b: Value = serde_json::from_str(&text)
                    .unwrap_or_else(|e| panic!("runbook.ps1: body of {path}: {e}"));
                if prefix != scope {
                    b["scope"] = Value::from(
                        format!("{prefix}/")
                            .replace(&own, "id:")
                            .trim_end_matches('/'),
                    );
                }
                out.push(Resource {
                    type_,
                    name: name.join("/"),
                    body: b,
                    at: format!("runbook.ps1 PUT {path}"),
                });
            }
        }
    }
    out
}

/// The differences between main.bicep (evaluated in `dir`) and the runbook.ps1 text `src`, and
/// how many resources runbook.ps1 PUTs.
fn ps1_differences(bp: &str, dir: &Path, src: &str) -> (Vec<String>, usize) {
    let sub = "00000000-0000-0000-0000-0000000000aa";
    let mut failing = Vec::new();
    let param = |name: &str| {
        let re = regex::Regex::new(&format!(r"\[string\] \${name} = '([^']*)'")).unwrap();
        re.captures(src)
            .map(|c| c[1].to_string())
            .unwrap_or_else(|| panic!("{bp}: runbook.ps1 has no -{name} default"))
    };
    let (rg, location) = (param("ResourceGroup"), param("Location"));
    let mut bicep = bicep_eval::evaluate(dir, &Map::new()).unwrap_or_else(|e| panic!("{bp}: {e}"));
    // runbook.ps1 knows one tenant, its context's: the tenant the deployment signs in to, which
    // main.bicep calls tenant() in some places (the VPN gateway's Entra ID sign-in) and
    // subscription().tenantId in others (the key vault): one value wherever a deployment runs.
    for r in &mut bicep {
        let text = r
            .body
            .to_string()
            .replace("ref:tenant#tenantid", "ref:subscription#tenantid");
        r.body = serde_json::from_str(&text).expect("JSON");
    }
    let main_text = std::fs::read_to_string(dir.join("main.bicep")).unwrap_or_default();
    let lookups = amlgen::verify::bicep_lookup_params(&main_text);
    let ps = ps1_resources(src, sub, &rg, &location, &lookups);
    let (b_arch, p_arch) = (
        bicep_arch(&bicep).unwrap_or_else(|e| panic!("{bp}: {e}")),
        bicep_arch(&ps).unwrap_or_else(|e| panic!("{bp}: {e}")),
    );
    failing.extend(
        compare(bp, "as rendered", "runbook.ps1", &b_arch, &p_arch, None)
            .iter()
            .map(|d| d.to_string()),
    );
    // `dependsOn` orders a deployment and is no part of what ARM is sent: runbook.ps1 says it
    // by the order of its steps.
    let strip = |b: &Value| {
        let mut b = b.clone();
        if let Some(o) = b.as_object_mut() {
            for k in ["name", "parent", "scope", "dependsOn"] {
                o.remove(k);
            }
        }
        b
    };
    // Role definitions and assignments: named as main.bicep names them (its guid() call).
    for r in ps
        .iter()
        .filter(|r| r.type_.starts_with("Microsoft.Authorization/"))
    {
        if !bicep.iter().any(|b| b.type_ == r.type_ && b.name == r.name) {
            failing.push(format!(
                "{bp}: {} {}: main.bicep names none so",
                r.type_, r.name
            ));
        }
    }
    for r in ps
        .iter()
        .filter(|r| !r.type_.starts_with("Microsoft.Authorization/"))
    {
        let scope = r.body.get("scope");
        let twin = bicep
            .iter()
            .find(|b| b.type_ == r.type_ && b.name == r.name && b.body.get("scope") == scope);
        match twin {
            None => failing.push(format!(
                "{bp}: {} {}: no such resource in main.bicep",
                r.type_, r.name
            )),
            Some(b) if strip(&b.body) != strip(&r.body) => failing.push(format!(
                "{bp}: {} {}: body differs\n  main.bicep:  {}\n  runbook.ps1: {}",
                r.type_,
                r.name,
                strip(&b.body),
                strip(&r.body)
            )),
            Some(_) => {}
        }
    }
    (failing, ps.len())
}

/// runbook.ps1 builds what main.bicep builds, for every render that has one (every built-in in
/// out/, customer VNets included, and the fixtures but hub-max, whose DNS policy keeps it off). Compared: (1) the set of resources, each keyed as
/// `bicep_arch` keys it (TYPE NAME; diagnostic settings by scope and name; role definitions by
/// role name; role assignments by scope, role and principal), with the same normalized fields
/// the runbook.sh comparison uses; (2) for every PUT except role definitions and assignments
/// (named by GUIDs: (1) compares all of their fields), the whole ARM body against main.bicep's
/// evaluated declaration of the same resource, less `name`, `parent` and `scope`. Only the
/// render as it is: the region and name variants are runbook.sh's (runbook.ps1 takes
/// `-Location` and `-ResourceGroup` and nothing else).
#[test]
fn bicep_and_runbook_ps1_build_the_same_resources() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let mut folders: Vec<(String, PathBuf)> = std::fs::read_dir(root().join("out"))
        .expect("out/")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("main.bicep").exists())
        .map(|p| (p.file_name().unwrap().to_string_lossy().to_string(), p))
        .collect();
    folders.extend(render_fixtures(tmp.path()));
    folders.sort();
    let mut compared = Vec::new();
    let mut failing = Vec::new();
    for (bp, dir) in &folders {
        let Ok(src) = std::fs::read_to_string(dir.join("runbook.ps1")) else {
            continue;
        };
        let (diffs, n) = ps1_differences(bp, dir, &src);
        failing.extend(diffs);
        compared.push(format!("{bp} ({n} resources)"));
    }
    println!("compared: {compared:?}");
    for must in [
        "allow-internet",
        "approved-only",
        "hub-spoke",
        "no-firewall",
        "exfiltration-prevention",
        "fixture:max",
        // The user-assigned workspace identity, its roles and the workspace's identity.
        "fixture:uai",
        // Landing zones: an existing spoke and hub, a spoke peered to an existing hub.
        "fixture:byo-max",
        "fixture:byo-hub",
    ] {
        assert!(
            compared.iter().any(|c| c.starts_with(&format!("{must} "))),
            "{must}: no runbook.ps1 compared ({compared:?})"
        );
    }
    assert!(
        failing.is_empty(),
        "main.bicep and runbook.ps1 differ:\n{}",
        failing.join("\n")
    );
}

/// The runbook.ps1 comparison finds what it is for: a changed setting in a body, a step for
/// another resource, a run-time value read from the wrong resource (or property: the firewall's
/// IP), a GUID name of other arguments than main.bicep's.
#[test]
fn runbook_ps1_drifts_are_found() {
    let dir = root().join("out/approved-only");
    let src =
        std::fs::read_to_string(dir.join("runbook.ps1")).expect("out/approved-only/runbook.ps1");
    let (clean, _) = ps1_differences("approved-only", &dir, &src);
    assert!(clean.is_empty(), "{clean:#?}");
    let drifts: &[(&str, &str, &str, &str)] = &[
        (
            "setting",
            "\"allowSharedKeyAccess\":false",
            "\"allowSharedKeyAccess\":true",
            "body differs",
        ),
        (
            "step for another resource",
            "-Path '<amlgen:scope>/providers/Microsoft.Network/privateEndpoints/pe-aml-appr-storage-file'",
            "-Path '<amlgen:scope>/providers/Microsoft.Network/privateEndpoints/pe-aml-appr-storage-file2'",
            "pe-aml-appr-storage-file | (resource): bicep present | runbook.ps1 absent",
        ),
        (
            "value read from another resource",
            "$Values['workspacePrincipalId'] = $resource.identity.principalId",
            "$Values['workspacePrincipalId'] = $resource.identity.tenantId",
            "Microsoft.Authorization/roleAssignments",
        ),
    ];
    for (what, old, new, expected) in drifts.iter().chain(&[(
        "a GUID name main.bicep does not give",
        "'<amlgen:workspacePrincipalId>', 'acdd72a7-3385-48ef-bd42-f606fba81ae7'",
        "'acdd72a7-3385-48ef-bd42-f606fba81ae7', '<amlgen:workspacePrincipalId>'",
        "main.bicep names none so",
    )]) {
        assert!(src.contains(old), "{what}: `{old}` not in runbook.ps1");
        let (found, _) = ps1_differences("approved-only", &dir, &src.replacen(old, new, 1));
        assert!(
            found.iter().any(|d| d.contains(expected)),
            "{what}: expected a difference with `{expected}`, got {found:#?}"
        );
    }
    // The customer VNet: the firewall's private IP, read after its PUT, is the spoke's next hop.
    let dir = root().join("out/hub-spoke");
    let src = std::fs::read_to_string(dir.join("runbook.ps1")).expect("out/hub-spoke/runbook.ps1");
    let (clean, _) = ps1_differences("hub-spoke", &dir, &src);
    assert!(clean.is_empty(), "{clean:#?}");
    let drifts: &[(&str, &str, &str, &str)] = &[
        (
            "firewall IP read from another property",
            "$resource.properties.ipConfigurations[0].properties.privateIPAddress",
            "$resource.properties.ipConfigurations[0].properties.privateIPAllocationMethod",
            "Microsoft.Network/routeTables rt-aml-hs-spoke: body differs",
        ),
        (
            "a route that skips the firewall",
            "\"nextHopType\":\"VirtualAppliance\"",
            "\"nextHopType\":\"Internet\"",
            "Microsoft.Network/routeTables rt-aml-hs-spoke: body differs",
        ),
        (
            "a firewall policy setting",
            "\"threatIntelMode\":\"Deny\"",
            "\"threatIntelMode\":\"Alert\"",
            "Microsoft.Network/firewallPolicies afwp-aml-hs: body differs",
        ),
    ];
    for (what, old, new, expected) in drifts {
        assert!(src.contains(old), "{what}: `{old}` not in runbook.ps1");
        let (found, _) = ps1_differences("hub-spoke", &dir, &src.replacen(old, new, 1));
        assert!(
            found.iter().any(|d| d.contains(expected)),
            "{what}: expected a difference with `{expected}`, got {found:#?}"
        );
    }
}
