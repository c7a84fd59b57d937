//! Drift: a blueprint compared with what runs, as the user saved it with `az ml workspace show`
//! and `az ml workspace outbound-rule list` (or the ARM REST responses, `GET
//! .../workspaces/{name}` and `.../outboundRules`). Both spellings are read: az ml's snake_case
//! (`managed_network.isolation_mode`, rules as a list) and ARM's camelCase
//! (`properties.managedNetwork.isolationMode`, rules as a map by name), as documented in
//! azure-rest-api-specs (catalog/sources.yaml `rest_2025_04_01_rules`).

use crate::blueprint::source_map::SourceMap;
use crate::diagnostic::{Code, Diagnostic};
use crate::plan::model::{Model, RuleKind, RuleModel};
use serde_json::Value as Json;

/// A file the user saved, read with positions.
pub struct Saved {
    pub label: String,
    pub text: String,
    value: Json,
    map: SourceMap,
}

impl Saved {
    pub fn read(path: &str) -> Result<Saved, Diagnostic> {
        use crate::blueprint::limits;
        let unreadable = |m: String| {
            Diagnostic::error(Code::DriftInputNotUnderstood, m)
                .at_file(path)
                .with_help("save it with `az ml workspace show --name <ws> --resource-group <rg> > show.json` (or `az ml workspace outbound-rule list ... > rules.json`)")
        };
        let text = limits::read_bounded(std::path::Path::new(path), limits::MAX_FILE_BYTES)
            .map_err(|e| unreadable(format!("cannot read: {e}")))?;
        let doc = crate::yaml::parse(&text).map_err(|e| unreadable(format!("not JSON: {e}")))?;
        let value =
            serde_json::to_value(&doc.value).map_err(|e| unreadable(format!("not JSON: {e}")))?;
        Ok(Saved {
            label: path.to_string(),
            text,
            value,
            map: doc.map,
        })
    }

    fn at(&self, d: Diagnostic, path: &str) -> Diagnostic {
        let mut d = d.at_file(&self.label).at_path(path);
        if let Some((l, c)) = self.map.value(path) {
            d = d.at_line(l, c);
        }
        d
    }
}

/// `AllowOnlyApprovedOutbound`, `allow_only_approved_outbound` -> `allowonlyapprovedoutbound`:
/// the two spellings of one value compare equal.
fn norm(s: &str) -> String {
    s.chars()
        .filter(|c| *c != '_')
        .flat_map(char::to_lowercase)
        .collect()
}

/// A rule as deployed: name, normalised type, a comparable destination, whether a user made it
/// (category UserDefined; Required, Recommended and Dependency rules are Azure's), and the
/// value path it was read at.
struct Rule {
    name: String,
    kind: String,
    destination: String,
    user_defined: bool,
    /// Where its name and its destination were read.
    name_path: String,
    destination_path: String,
}

/// The destination of a rule as one comparable string, from either spelling.
fn destination(d: Option<&Json>) -> String {
    let Some(d) = d else {
        return String::new();
    };
    if let Some(s) = d.as_str() {
        return s.to_ascii_lowercase();
    }
    let field = |snake: &str, camel: &str| {
        d.get(snake)
            .or_else(|| d.get(camel))
            .map(|v| match v {
                Json::String(s) => s.to_ascii_lowercase(),
                Json::Array(a) => a
                    .iter()
                    .map(|x| x.as_str().unwrap_or_default().to_ascii_lowercase())
                    .collect::<Vec<_>>()
                    .join(","),
                other => other.to_string().to_ascii_lowercase(),
            })
            .unwrap_or_default()
    };
    if d.get("service_tag")
        .or_else(|| d.get("serviceTag"))
        .is_some()
    {
        format!(
            "{} {} {}",
            field("service_tag", "serviceTag"),
            field("protocol", "protocol"),
            normal_ports(&field("port_ranges", "portRanges"))
        )
    } else {
        format!(
            "{} {}",
            field("service_resource_id", "serviceResourceId"),
            field("subresource_target", "subresourceTarget")
        )
    }
}

/// Port ranges in one spelling: Azure and people write `80, 443` and `443,80` for the same set.
fn normal_ports(s: &str) -> String {
    let mut parts: Vec<String> = s
        .split(',')
        .map(|p| p.trim().to_ascii_lowercase())
        .filter(|p| !p.is_empty())
        .collect();
    parts.sort();
    parts.dedup();
    parts.join(",")
}

fn rule(name: &str, r: &Json, path: String, listed: bool) -> Rule {
    // az ml nests a rule's fields at the top; ARM under `properties` in a list response.
    let (r, fields) = match r.get("properties") {
        Some(p) => (p, format!("{path}.properties")),
        None => (r, path.clone()),
    };
    let category = r.get("category").and_then(Json::as_str).map(norm);
    Rule {
        name: name.to_string(),
        kind: r
            .get("type")
            .and_then(Json::as_str)
            .map(norm)
            .unwrap_or_default(),
        destination: destination(r.get("destination")),
        user_defined: category.is_none_or(|c| c == "userdefined"),
        // In a list the name is a field; in ARM's map by name, the key.
        name_path: if listed { format!("{path}.name") } else { path },
        destination_path: format!("{fields}.destination"),
    }
}

/// The rules of a rule list (`az ml workspace outbound-rule list`: a JSON list; ARM: `value`)
/// or of a workspace's managed network (az ml: a list; ARM: a map by name).
fn rules_at(v: &Json, path: &str) -> Option<Vec<Rule>> {
    let join = |p: &str, k: &str| {
        if p.is_empty() {
            k.to_string()
        } else {
            format!("{p}.{k}")
        }
    };
    match v {
        Json::Array(items) => Some(
            items
                .iter()
                .enumerate()
                .map(|(i, r)| {
                    let name = r.get("name").and_then(Json::as_str).unwrap_or_default();
                    rule(name, r, format!("{path}[{i}]"), true)
                })
                .collect(),
        ),
        Json::Object(m) if m.contains_key("value") => rules_at(&m["value"], &join(path, "value")),
        Json::Object(m) => Some(
            m.iter()
                .map(|(name, r)| rule(name, r, join(path, name), false))
                .collect(),
        ),
        _ => None,
    }
}

/// The managed network of a saved workspace, and the path it was found at.
fn managed_network(ws: &Json) -> Option<(&Json, &'static str)> {
    if let Some(m) = ws.get("managed_network") {
        return Some((m, "managed_network"));
    }
    ws.get("properties")?
        .get("managedNetwork")
        .map(|m| (m, "properties.managedNetwork"))
}

fn expected_destination(r: &RuleModel) -> String {
    match r.kind {
        RuleKind::Fqdn => r
            .destination
            .clone()
            .unwrap_or_default()
            .to_ascii_lowercase(),
        RuleKind::ServiceTag => format!(
            "{} {} {}",
            r.service_tag
                .clone()
                .unwrap_or_default()
                .to_ascii_lowercase(),
            r.protocol.clone().unwrap_or_default().to_ascii_lowercase(),
            normal_ports(&r.port_ranges.clone().unwrap_or_default())
        ),
        RuleKind::PrivateEndpoint => format!(
            "{} {}",
            r.service_resource_id
                .clone()
                .unwrap_or_default()
                .to_ascii_lowercase(),
            r.subresource_target
                .clone()
                .unwrap_or_default()
                .to_ascii_lowercase()
        ),
    }
}

/// Compares the blueprint's model with the saved workspace and rule list.
pub fn compare(model: &Model, workspace: Option<&Saved>, rules: Option<&Saved>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut deployed_rules: Option<(Vec<Rule>, &Saved)> = None;
    if let Some(ws) = workspace {
        let Some((mn, base)) = managed_network(&ws.value) else {
            out.push(ws.at(
                Diagnostic::error(
                    Code::DriftInputNotUnderstood,
                    "no managed network in this file: it is not the JSON of `az ml workspace show` (managed_network) or of the ARM workspace (properties.managedNetwork)",
                ),
                "",
            ));
            return out;
        };
        let field = |snake: &str, camel: &str| -> Option<(String, String)> {
            let (key, v) = mn
                .get(snake)
                .map(|v| (snake, v))
                .or_else(|| mn.get(camel).map(|v| (camel, v)))?;
            Some((format!("{base}.{key}"), v.as_str()?.to_string()))
        };
        let want_mode = &model.workspace.isolation_mode;
        if let Some((path, mode)) = field("isolation_mode", "isolationMode") {
            if norm(&mode) != norm(&want_mode.arm) {
                out.push(ws.at(
                    Diagnostic::error(
                        Code::DriftIsolationMode,
                        format!("the workspace runs isolation mode {mode}; the blueprint has {}", want_mode.cli),
                    )
                    .with_value(mode.clone())
                    .with_help("someone changed it outside amlgen, or the blueprint was changed and not deployed: deploy (mind AMLG300), or write the running mode into the blueprint"),
                    &path,
                ));
            }
        }
        if let (Some(want), Some((path, sku))) = (
            &model.workspace.firewall_sku,
            field("firewall_sku", "firewallSku"),
        ) {
            if norm(&sku) != norm(&want.arm) {
                out.push(ws.at(
                    Diagnostic::error(
                        Code::DriftFirewallSku,
                        format!("the managed firewall runs SKU {sku}; the blueprint has {}", want.cli),
                    )
                    .with_value(sku.clone())
                    .with_help("set workspace.managed_network.firewall_sku to what runs, or deploy the blueprint"),
                    &path,
                ));
            }
        }
        // Public network access sits beside the managed network: top level in az ml's shape,
        // under `properties` in ARM's.
        let access = ws
            .value
            .get("public_network_access")
            .map(|v| ("public_network_access".to_string(), v))
            .or_else(|| {
                ws.value
                    .get("properties")?
                    .get("publicNetworkAccess")
                    .map(|v| ("properties.publicNetworkAccess".to_string(), v))
            });
        if let Some((path, Some(running))) = access.map(|(p, v)| (p, v.as_str())) {
            let want = model.workspace.public_network_access;
            if norm(running) != norm(want) {
                out.push(ws.at(
                    Diagnostic::error(
                        Code::DriftPublicNetworkAccess,
                        format!("the workspace runs with public network access {running}; the blueprint has {want}"),
                    )
                    .with_value(running.to_string())
                    .with_help("deploy the blueprint, or if public access is wanted, set workspace.public_network_access"),
                    &path,
                ));
            }
        }
        let rules_key = ["outbound_rules", "outboundRules"]
            .into_iter()
            .find(|k| mn.get(*k).is_some());
        if let Some(k) = rules_key {
            if let Some(r) = rules_at(&mn[k], &format!("{base}.{k}")) {
                deployed_rules = Some((r, ws));
            }
        }
    }
    if let Some(list) = rules {
        match rules_at(&list.value, "") {
            Some(r) => deployed_rules = Some((r, list)),
            None => out.push(list.at(
                Diagnostic::error(
                    Code::DriftInputNotUnderstood,
                    "not a list of outbound rules (`az ml workspace outbound-rule list` prints a JSON list; ARM a `value` list)",
                ),
                "",
            )),
        }
    }
    let Some((deployed, file)) = deployed_rules else {
        return out;
    };
    let expected = &model.workspace.rules;
    for r in deployed.iter().filter(|r| r.user_defined) {
        match expected.iter().find(|e| e.name == r.name) {
            None => out.push(file.at(
                Diagnostic::error(
                    Code::DriftRuleAdded,
                    format!("outbound rule `{}` runs in the workspace but is not in the blueprint: added by hand (portal, az)", r.name),
                )
                .with_value(r.name.clone())
                .with_help("add it to workspace.managed_network.outbound_rules (or to packages:) if it is needed, or remove it from the workspace: `az ml workspace outbound-rule remove`"),
                &r.name_path,
            )),
            Some(e) => {
                let same = norm(e.arm_type) == r.kind && expected_destination(e) == r.destination;
                if !same {
                    out.push(file.at(
                        Diagnostic::error(
                            Code::DriftRuleDiffers,
                            format!("outbound rule `{}` runs as {} `{}`; the blueprint has {} `{}`", r.name, r.kind, r.destination, e.kind.cli(), expected_destination(e)),
                        )
                        .with_value(r.name.clone())
                        .with_help("someone changed the rule by hand; deploy the blueprint, or write the running rule into it"),
                        &r.destination_path,
                    ));
                }
            }
        }
    }
    for e in expected {
        if !deployed.iter().any(|r| r.name == e.name) {
            out.push(
                Diagnostic::error(
                    Code::DriftRuleMissing,
                    format!("outbound rule `{}` of the blueprint does not run in the workspace", e.name),
                )
                .at_file(&file.label)
                .with_value(e.name.clone())
                .with_help("it was removed by hand or never deployed: run deploy.sh (or the runbook) again"),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_compare_equal() {
        assert_eq!(
            norm("AllowOnlyApprovedOutbound"),
            norm("allow_only_approved_outbound")
        );
        assert_eq!(norm("ServiceTag"), norm("service_tag"));
        assert_eq!(normal_ports("443, 80"), normal_ports("80,443"));
        let rest = serde_json::json!({"serviceTag": "AzureMonitor", "protocol": "TCP", "portRanges": "443"});
        let cli = serde_json::json!({"service_tag": "AzureMonitor", "protocol": "TCP", "port_ranges": "443"});
        assert_eq!(destination(Some(&rest)), destination(Some(&cli)));
    }
}
