//! Lint of a hand-written `az ml` workspace YAML, or a fragment of one (a `managed_network`
//! body, a list of outbound rules, one rule): what azure-ai-ml refuses, what it silently drops,
//! and what Azure refuses when the workspace is created. The rule checks are `crate::rules`, the
//! same as for blueprints, so one problem has one code everywhere.

use super::{suggest_keys, yaml_text, Positioner};
use crate::catalog::az_ml::AzMl;
use crate::catalog::Catalog;
use crate::diagnostic::Code;
use crate::diagnostic::Diagnostic;
use crate::rules::{
    self, fqdn, mode, names::RuleNames, packages, private_endpoint, service_tag, Finding,
};
use crate::yaml::{Mapping, Value};

/// What the document is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// A whole workspace YAML (`name:`, `managed_network:` ...).
    Workspace,
    /// The body of `managed_network:` (`isolation_mode:`, `outbound_rules:`).
    ManagedNetwork,
    /// A list of outbound rules.
    Rules,
    /// One outbound rule (`name:`, `type:`, `destination:`).
    Rule,
}

/// The shape of a parsed YAML document, when it is one of ours.
pub fn shape_of(doc: &Value) -> Option<Shape> {
    match doc {
        Value::Mapping(m) => {
            let has = |k: &str| m.contains_key(k);
            let schema_is_workspace = m
                .get("$schema")
                .and_then(Value::as_str)
                .is_some_and(|s| s.contains("workspace"));
            if has("managed_network") || schema_is_workspace {
                Some(Shape::Workspace)
            } else if has("outbound_rules") || has("isolation_mode") {
                Some(Shape::ManagedNetwork)
            } else if has("destination") && (has("type") || has("name")) {
                Some(Shape::Rule)
            } else {
                None
            }
        }
        Value::Sequence(items) => {
            let is_rule = |v: &Value| {
                v.as_mapping()
                    .is_some_and(|m| m.contains_key("destination") && m.contains_key("type"))
            };
            (!items.is_empty() && items.iter().all(is_rule)).then_some(Shape::Rules)
        }
        _ => None,
    }
}

pub fn lint(doc: &Value, shape: Shape, pos: &Positioner) -> Vec<Diagnostic> {
    let mut l = Linter {
        pos,
        out: Vec::new(),
        names: RuleNames::new(),
        own: Vec::new(),
        mode: None,
        fqdn_destinations: Vec::new(),
    };
    match shape {
        Shape::Workspace => l.workspace(doc),
        Shape::ManagedNetwork => l.managed_network(doc, ""),
        Shape::Rules => l.rules(doc, ""),
        Shape::Rule => l.rule(doc, "", 0),
    }
    l.finish();
    l.out
}

struct Linter<'a> {
    pos: &'a Positioner,
    out: Vec<Diagnostic>,
    names: RuleNames,
    /// The workspace's own storage, key vault and registry (from their IDs in the file).
    own: Vec<private_endpoint::ResourceRef>,
    /// The isolation mode, `az ml` spelling, when the file says it.
    mode: Option<String>,
    /// (rule path, destination) of every FQDN rule, for the coverage checks at the end.
    fqdn_destinations: Vec<(String, String)>,
}

impl Linter<'_> {
    fn push(&mut self, d: Diagnostic) {
        self.out.push(self.pos.place(d));
    }

    fn finding(&mut self, f: Finding, rule_path: &str) {
        self.push(f.at(rule_path));
    }

    fn unknown_keys(
        &mut self,
        m: &Mapping,
        path: &str,
        allowed: &[String],
        what: &str,
        effect: &str,
    ) {
        for k in m.keys() {
            let key = yaml_text(k);
            if allowed.contains(&key) {
                continue;
            }
            let help = suggest_keys(&key, allowed);
            self.push(
                Diagnostic::error(Code::UnknownKey, format!("unknown key `{key}` in {what}"))
                    .at_path(rules::join(path, &key))
                    .with_value(key.clone())
                    .with_help(format!("{effect}. {help}")),
            );
        }
    }

    fn missing(&mut self, path: &str, key: &str, help: &str) {
        self.push(
            Diagnostic::error(Code::MissingKey, format!("required key `{key}` is missing"))
                .at_path(rules::join(path, key))
                .with_help(help.to_string()),
        );
    }

    fn wrong_type(&mut self, path: &str, v: &Value, message: &str, help: &str) {
        self.push(
            Diagnostic::error(Code::InvalidValue, message.to_string())
                .at_path(path.to_string())
                .with_value(yaml_text(v))
                .with_help(help.to_string()),
        );
    }

    fn workspace(&mut self, doc: &Value) {
        let facts = &AzMl::get().workspace_yaml;
        let Some(m) = doc.as_mapping() else { return };
        let kind = m
            .get("kind")
            .and_then(Value::as_str)
            .map(str::to_ascii_lowercase);
        let mut allowed = facts.keys.clone();
        if let Some(extra) = kind.as_deref().and_then(|k| facts.kinds.get(k)) {
            allowed.extend(extra.iter().cloned());
        }
        self.unknown_keys(
            m,
            "",
            &allowed,
            "the workspace",
            "azure-ai-ml refuses the file (\"Unknown field\")",
        );
        // A snippet with nothing but `managed_network:` is part of a workspace YAML, shown
        // alone; a file with other workspace keys (or `$schema`) is the whole file.
        let snippet = m.keys().all(|k| k.as_str() == Some("managed_network"));
        for key in &facts.required {
            if !snippet && !m.contains_key(key.as_str()) {
                self.missing(
                    "",
                    key,
                    "azure-ai-ml refuses a workspace YAML without it (`az ml workspace create --file` and `update --file` both read it)",
                );
            }
        }
        if let Some(v) = m.get("public_network_access") {
            let text = yaml_text(v);
            match facts
                .public_network_access
                .iter()
                .find(|a| a.eq_ignore_ascii_case(&text))
            {
                None => self.wrong_type(
                    "public_network_access",
                    v,
                    &format!("`{text}` is not an allowed value"),
                    &format!("allowed values: {}", facts.public_network_access.join(", ")),
                ),
                Some(a) if a == "Enabled" => self.push(
                    Diagnostic::warning(
                        Code::PublicWorkspace,
                        "the workspace is reachable from public networks",
                    )
                    .at_path("public_network_access")
                    .with_value(text)
                    .with_help("set public_network_access: Disabled and reach the workspace through private endpoints"),
                ),
                Some(_) => {}
            }
        }
        for key in [
            "storage_account",
            "key_vault",
            "container_registry",
            "application_insights",
            "workspace_hub",
            "hub_id",
            "primary_user_assigned_identity",
        ] {
            if let Some(id) = m.get(key).and_then(Value::as_str) {
                self.placeholder(key, id);
                if let Some(r) = private_endpoint::parse_resource_id(id) {
                    self.own.push(r);
                }
            }
        }
        if let Some(subnet) = m
            .get("serverless_compute")
            .and_then(|s| s.get("custom_subnet"))
            .and_then(Value::as_str)
        {
            self.placeholder("serverless_compute.custom_subnet", subnet);
        }
        if let Some(mn) = m.get("managed_network") {
            self.managed_network(mn, "managed_network");
        }
    }

    fn managed_network(&mut self, v: &Value, path: &str) {
        let cat = Catalog::get();
        let facts = &AzMl::get().workspace_yaml;
        let Some(m) = v.as_mapping() else {
            self.wrong_type(
                path,
                v,
                "managed_network must be a mapping",
                "write isolation_mode, outbound_rules and firewall_sku under it",
            );
            return;
        };
        self.unknown_keys(
            m,
            path,
            &facts.managed_network_keys,
            "managed_network",
            "azure-ai-ml drops it without a word (a misspelt key loses its whole value)",
        );
        let modes: Vec<String> = cat
            .managed_network
            .isolation_modes
            .values()
            .map(|f| f.cli.clone())
            .collect();
        match m.get("isolation_mode") {
            // A bare list of rules under `outbound_rules:` is a snippet; its mode is elsewhere.
            None if path.is_empty() => {}
            None => self.missing(
                path,
                "isolation_mode",
                &format!(
                    "azure-ai-ml fails without it; write one of {}",
                    modes.join(", ")
                ),
            ),
            Some(v) => {
                let text = crate::naming::camel_to_snake(&yaml_text(v));
                if modes.contains(&text) {
                    self.mode = Some(text);
                } else {
                    let hint =
                        crate::suggest::did_you_mean(&text, modes.iter().map(String::as_str))
                            .map(|s| format!("did you mean `{s}`? "))
                            .unwrap_or_default();
                    self.wrong_type(
                        &rules::join(path, "isolation_mode"),
                        v,
                        &format!("`{}` is not an isolation mode", yaml_text(v)),
                        &format!("{hint}allowed values: {}", modes.join(", ")),
                    );
                }
            }
        }
        if let Some(v) = m.get("firewall_sku") {
            let skus: Vec<String> = cat
                .managed_network
                .firewall
                .skus
                .values()
                .map(|s| s.cli.clone())
                .collect();
            if !skus.contains(&crate::naming::camel_to_snake(&yaml_text(v))) {
                self.wrong_type(
                    &rules::join(path, "firewall_sku"),
                    v,
                    &format!("`{}` is not a firewall SKU", yaml_text(v)),
                    &format!("allowed values: {}", skus.join(", ")),
                );
            }
        }
        if let Some(rules) = m.get("outbound_rules") {
            self.rules(rules, &rules::join(path, "outbound_rules"));
        }
    }

    fn rules(&mut self, v: &Value, path: &str) {
        match v {
            Value::Sequence(items) => {
                for (i, rule) in items.iter().enumerate() {
                    self.rule(rule, &format!("{path}[{i}]"), i);
                }
            }
            Value::Null => {}
            _ => self.wrong_type(
                path,
                v,
                "outbound_rules must be a list of rules",
                "write each rule as a list item (`- name: ...`); azure-ai-ml refuses a mapping here",
            ),
        }
    }

    fn rule(&mut self, v: &Value, path: &str, index: usize) {
        let facts = &AzMl::get().workspace_yaml;
        let Some(m) = v.as_mapping() else {
            self.wrong_type(
                path,
                v,
                "an outbound rule must be a mapping",
                "write name, type and destination",
            );
            return;
        };
        let dest = m.get("destination");
        let shape = dest.and_then(destination_shape);
        let declared = m.get("type").map(yaml_text);
        let kinds: Vec<&String> = facts.rule_keys.keys().collect();
        // The kind azure-ai-ml creates: it goes by the destination's shape, not by `type`.
        let kind = shape.or_else(|| {
            declared
                .as_deref()
                .and_then(|d| facts.rule_keys.get_key_value(d).map(|(k, _)| k.as_str()))
        });
        if let Some(k) = kind {
            self.unknown_keys(
                m,
                path,
                &facts.rule_keys[k],
                &format!("{} {k} rule", article(k)),
                "azure-ai-ml drops it without a word",
            );
        }

        match m.get("name") {
            None => self.missing(
                path,
                "name",
                "every rule needs a name, unique in the workspace",
            ),
            Some(Value::String(n)) => {
                let n = n.clone();
                for f in self.names.check(&n, index, None) {
                    self.finding(f, path);
                }
            }
            Some(other) => self.wrong_type(
                &rules::join(path, "name"),
                other,
                "a rule name must be text",
                "quote it",
            ),
        }

        let type_path = rules::join(path, "type");
        match &declared {
            None => self.missing(
                path,
                "type",
                &format!(
                    "write the type explicitly (azure-ai-ml would take `{}` from the destination)",
                    shape.unwrap_or("fqdn")
                ),
            ),
            Some(t) if !facts.rule_keys.contains_key(t.as_str()) => self.wrong_type(
                &type_path,
                m.get("type").expect("declared"),
                &format!("`{t}` is not a rule type"),
                &format!(
                    "allowed values: {}",
                    kinds
                        .iter()
                        .map(|k| k.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ),
            Some(t) => {
                if let Some(s) = shape.filter(|s| s != t) {
                    self.push(
                        Diagnostic::error(
                            Code::RuleTypeMismatch,
                            format!("the rule says `type: {t}` but its destination is that of a {s} rule"),
                        )
                        .at_path(type_path.clone())
                        .with_value(t.clone())
                        .with_help(format!(
                            "azure-ai-ml ignores `type` and creates a {s} rule from this destination; make the type and the destination agree"
                        )),
                    );
                }
            }
        }

        if let (Some(mode), Some(k)) = (self.mode.clone(), kind) {
            if let Some(f) = mode::check_rule_type(&mode, k) {
                self.finding(f, path);
            }
        }

        let Some(dest) = dest else {
            self.missing(
                path,
                "destination",
                "a host name (fqdn) or a mapping (service_tag, private_endpoint)",
            );
            return;
        };
        let dest_path = rules::join(path, "destination");
        match kind {
            Some("fqdn") => match dest.as_str() {
                Some(d) => {
                    self.fqdn_destinations.push((path.to_string(), d.to_string()));
                }
                None => self.wrong_type(
                    &dest_path,
                    dest,
                    "an fqdn destination must be a host name",
                    "write the host as text, e.g. `destination: pypi.org`",
                ),
            },
            Some(k @ ("service_tag" | "private_endpoint")) => {
                let Some(dm) = dest.as_mapping() else {
                    self.wrong_type(
                        &dest_path,
                        dest,
                        &format!("{} {k} destination must be a mapping", article(k)),
                        &format!("write {}", facts.destination_required[k].join(", ")),
                    );
                    return;
                };
                self.unknown_keys(
                    dm,
                    &dest_path,
                    &facts.destination_keys[k],
                    &format!("{} {k} destination", article(k)),
                    "azure-ai-ml refuses the file (\"Unknown field\")",
                );
                let mut complete = true;
                for key in &facts.destination_required[k] {
                    if !dm.contains_key(key.as_str()) {
                        complete = false;
                        let help = if key == "spark_enabled" {
                            "azure-ai-ml refuses a private_endpoint destination without it; write `spark_enabled: false` unless serverless Spark needs the endpoint".to_string()
                        } else {
                            format!("a {k} destination needs {}", facts.destination_required[k].join(", "))
                        };
                        self.missing(&dest_path, key, &help);
                    }
                }
                if k == "service_tag" {
                    self.service_tag(dm, path, complete);
                } else {
                    self.private_endpoint(dm, path);
                }
            }
            _ => self.wrong_type(
                &dest_path,
                dest,
                "the destination is neither a host name nor a service-tag or private-endpoint mapping",
                "fqdn: `destination: pypi.org`; service_tag: service_tag, protocol, port_ranges; private_endpoint: service_resource_id, subresource_target, spark_enabled",
            ),
        }
    }

    fn service_tag(&mut self, dm: &Mapping, rule_path: &str, complete: bool) {
        let get = |k: &str| dm.get(k);
        let mut all_text = true;
        if let Some(v) = get("port_ranges") {
            if matches!(v, Value::Number(_)) {
                all_text = false;
                self.push(
                    Diagnostic::error(Code::PortRangesAsNumber, "port_ranges must be text, not a number")
                        .at_path(format!("{rule_path}.destination.port_ranges"))
                        .with_value(yaml_text(v))
                        .with_help(format!(
                            "azure-ai-ml refuses the file (\"Not a valid string\"); quote it: port_ranges: \"{}\"",
                            yaml_text(v)
                        )),
                );
            }
        }
        for k in ["service_tag", "protocol"] {
            if let Some(v) = get(k) {
                if !v.is_string() {
                    all_text = false;
                    self.wrong_type(
                        &format!("{rule_path}.destination.{k}"),
                        v,
                        &format!("{k} must be text"),
                        "quote it",
                    );
                }
            }
        }
        if complete && all_text {
            let s = |k: &str| get(k).and_then(Value::as_str).unwrap_or_default();
            for f in service_tag::check(s("service_tag"), s("protocol"), s("port_ranges")) {
                self.finding(f, rule_path);
            }
        }
    }

    fn private_endpoint(&mut self, dm: &Mapping, rule_path: &str) {
        if let Some(v) = dm.get("spark_enabled") {
            if !is_boolean(v) {
                self.wrong_type(
                    &format!("{rule_path}.destination.spark_enabled"),
                    v,
                    "spark_enabled must be true or false",
                    "write spark_enabled: false (or true for serverless Spark)",
                );
            }
        }
        let (Some(id), Some(sub)) = (
            dm.get("service_resource_id").and_then(Value::as_str),
            dm.get("subresource_target").and_then(Value::as_str),
        ) else {
            return;
        };
        self.placeholder(&format!("{rule_path}.destination.service_resource_id"), id);
        let (findings, target) = private_endpoint::check_target(id, sub);
        for f in findings {
            self.finding(f, rule_path);
        }
        // Approved-only creates the rules to the workspace's own dependencies whatever their
        // network settings; internet-outbound only when their public access is disabled, which
        // this file does not tell (mnet_current).
        let approved_only = self.mode.as_deref() == Some("allow_only_approved_outbound");
        if let (Some(t), true) = (target, approved_only) {
            if let Some(f) = private_endpoint::check_not_required(id, &t, &self.own) {
                self.finding(f, rule_path);
            }
        }
    }

    fn placeholder(&mut self, path: &str, value: &str) {
        if let Some(p) = super::placeholder(value) {
            self.push(
                Diagnostic::error(Code::PlaceholderLeft, format!("placeholder `{p}` left in the value"))
                    .at_path(path.to_string())
                    .with_value(value.to_string())
                    .with_help("replace it with the real value; `az resource show -g <rg> -n <name> --resource-type <type> --query id -o tsv` prints a resource ID"),
            );
        }
    }

    /// Checks that need every FQDN rule: wildcard apexes, storage hosts, pip's hosts.
    fn finish(&mut self) {
        let suffixes = fqdn::storage_suffixes_all_clouds();
        let allowed = fqdn::allowed_destinations(
            self.fqdn_destinations
                .iter()
                .map(|(_, d)| (d.as_str(), false)),
        );
        let ctx = fqdn::FqdnContext {
            storage_suffixes: &suffixes,
            allowed: &allowed,
        };
        let mut placed = Vec::new();
        for (path, d) in &self.fqdn_destinations {
            let mut findings = fqdn::check_destination(d, false, &ctx);
            if findings.is_empty() {
                findings.extend(fqdn::check_ip_literal(d));
            }
            placed.extend(
                findings
                    .into_iter()
                    .map(|f| (fqdn::without_include_subdomains(f), path.clone())),
            );
        }
        let lower: Vec<String> = self
            .fqdn_destinations
            .iter()
            .map(|(_, d)| d.to_ascii_lowercase())
            .collect();
        for (i, f) in packages::check_coverage(&lower) {
            placed.push((f, self.fqdn_destinations[i].0.clone()));
        }
        for (f, path) in placed {
            self.finding(f, &path);
        }
    }
}

/// The rule kind azure-ai-ml makes of a destination: text is fqdn; a mapping is private_endpoint
/// or service_tag by its keys.
fn destination_shape(dest: &Value) -> Option<&'static str> {
    match dest {
        Value::String(_) => Some("fqdn"),
        Value::Mapping(m) => {
            let has = |keys: &[&str]| keys.iter().any(|k| m.contains_key(k));
            if has(&["service_resource_id", "subresource_target", "spark_enabled"]) {
                Some("private_endpoint")
            } else if has(&["service_tag", "protocol", "port_ranges", "address_prefixes"]) {
                Some("service_tag")
            } else {
                None
            }
        }
        _ => None,
    }
}

/// "a service_tag rule", "an fqdn rule".
fn article(kind: &str) -> &'static str {
    if kind.starts_with('f') {
        "an"
    } else {
        "a"
    }
}

/// What azure-ai-ml (marshmallow's Boolean) reads as true or false: booleans, 0/1, and
/// true/false, yes/no, on/off, t/f, y/n in any case.
fn is_boolean(v: &Value) -> bool {
    match v {
        Value::Bool(_) => true,
        Value::Number(n) => n.as_u64().is_some_and(|n| n <= 1),
        Value::String(s) => matches!(
            s.to_ascii_lowercase().as_str(),
            "true" | "false" | "yes" | "no" | "on" | "off" | "t" | "f" | "y" | "n" | "1" | "0"
        ),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        let s = |t: &str| shape_of(&crate::yaml::from_str(t).unwrap());
        assert_eq!(s("name: w\nmanaged_network: {}\n"), Some(Shape::Workspace));
        assert_eq!(
            s("$schema: https://azuremlschemas.azureedge.net/latest/workspace.schema.json\nname: w\n"),
            Some(Shape::Workspace)
        );
        assert_eq!(s("outbound_rules: []\n"), Some(Shape::ManagedNetwork));
        assert_eq!(
            s("- {name: a, type: fqdn, destination: x.org}\n"),
            Some(Shape::Rules)
        );
        assert_eq!(
            s("name: a\ntype: fqdn\ndestination: x.org\n"),
            Some(Shape::Rule)
        );
        assert_eq!(s("foo: bar\n"), None);
        assert_eq!(s("- 1\n"), None);
    }

    #[test]
    fn casing() {
        assert_eq!(
            crate::naming::camel_to_snake("AllowOnlyApprovedOutbound"),
            "allow_only_approved_outbound"
        );
        assert_eq!(
            crate::naming::camel_to_snake("allow_internet_outbound"),
            "allow_internet_outbound"
        );
        assert_eq!(crate::naming::camel_to_snake("Basic"), "basic");
    }
}
