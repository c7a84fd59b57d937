//! Lint of NSG security rules in JSON: an ARM template or fragment
//! (`Microsoft.Network/networkSecurityGroups`, `.../securityRules`), or any JSON with a
//! `securityRules` array (`az network nsg show` output, hand-written snippets). NSGs filter on
//! IP addresses, CIDR blocks, service tags and application security groups: a host name there is
//! refused (AMLG201), and priorities must be 100-4096 and unique per direction (AMLG209).

use super::Positioner;
use crate::diagnostic::Code;
use crate::diagnostic::Diagnostic;
use serde_json::Value;
use std::collections::HashMap;

const PREFIX_KEYS: &[&str] = &[
    "destinationAddressPrefix",
    "destinationAddressPrefixes",
    "sourceAddressPrefix",
    "sourceAddressPrefixes",
];

/// Checks every security rule in `text`; None when the JSON has none (or is not JSON).
pub fn lint(label: &str, text: &str) -> Option<Vec<Diagnostic>> {
    // A byte order mark is no JSON token, but editors on Windows write one; JSON readers of
    // the Azure tools skip it.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let doc: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            return Some(vec![Diagnostic::error(
            Code::MalformedInput,
            format!("malformed JSON: {e}"),
        )
        .at_file(label)
        .at_line(e.line(), e.column())
        .with_help(
            "fix the JSON syntax at the position shown (ARM templates with comments are not read)",
        )])
        }
    };
    let mut groups: Vec<RuleGroup> = Vec::new();
    collect(&doc, "", &mut groups);
    if groups.is_empty() {
        return None;
    }
    let pos = Positioner::new(label, text);
    let mut out = Vec::new();
    for g in &groups {
        let mut priorities: HashMap<(String, i64), String> = HashMap::new();
        for r in &g.rules {
            check_rule(r, &mut priorities, &mut out);
        }
    }
    Some(out.into_iter().map(|d| pos.place(d)).collect())
}

/// The rules of one NSG (one `securityRules` array, or the child resources of one NSG).
struct RuleGroup {
    rules: Vec<Rule>,
}

struct Rule {
    name: String,
    /// Path of the object holding the rule's properties.
    path: String,
    props: serde_json::Map<String, Value>,
}

fn is_nsg_type(t: &str) -> bool {
    t.eq_ignore_ascii_case("Microsoft.Network/networkSecurityGroups")
}

fn is_rule_type(t: &str) -> bool {
    t.eq_ignore_ascii_case("Microsoft.Network/networkSecurityGroups/securityRules")
        || t.eq_ignore_ascii_case("securityRules")
}

fn collect(v: &Value, path: &str, groups: &mut Vec<RuleGroup>) {
    match v {
        Value::Object(m) => {
            for (k, child) in m {
                let child_path = crate::rules::join(path, k);
                if k == "securityRules" {
                    if let Value::Array(items) = child {
                        let rules = items
                            .iter()
                            .enumerate()
                            .filter_map(|(i, r)| rule_of(r, &format!("{child_path}[{i}]")))
                            .collect();
                        groups.push(RuleGroup { rules });
                        continue;
                    }
                }
                if k == "resources" {
                    if let Value::Array(items) = child {
                        child_rules(items, &child_path, m, groups);
                    }
                }
                collect(child, &child_path, groups);
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                collect(item, &format!("{path}[{i}]"), groups);
            }
        }
        _ => {}
    }
}

/// Security rules declared as child resources (ARM), grouped by the NSG they belong to: the
/// first segment of `nsg/rule` names, or the parent resource when nested.
fn child_rules(
    items: &[Value],
    path: &str,
    parent: &serde_json::Map<String, Value>,
    groups: &mut Vec<RuleGroup>,
) {
    let parent_is_nsg = parent
        .get("type")
        .and_then(Value::as_str)
        .is_some_and(is_nsg_type);
    let mut by_nsg: Vec<(String, Vec<Rule>)> = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let Some(t) = item.get("type").and_then(Value::as_str) else {
            continue;
        };
        if !is_rule_type(t) || (t.eq_ignore_ascii_case("securityRules") && !parent_is_nsg) {
            continue;
        }
        let Some(rule) = rule_of(item, &format!("{path}[{i}]")) else {
            continue;
        };
        let nsg = rule.name.split('/').next().unwrap_or_default().to_string();
        let nsg = if parent_is_nsg { String::new() } else { nsg };
        match by_nsg.iter_mut().find(|(n, _)| *n == nsg) {
            Some((_, rules)) => rules.push(rule),
            None => by_nsg.push((nsg, vec![rule])),
        }
    }
    groups.extend(by_nsg.into_iter().map(|(_, rules)| RuleGroup { rules }));
}

/// A rule object: `{name, properties: {...}}` (ARM) or flattened (`az network nsg rule list`).
fn rule_of(v: &Value, path: &str) -> Option<Rule> {
    let m = v.as_object()?;
    let name = m
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or("(unnamed)")
        .to_string();
    match m.get("properties").and_then(Value::as_object) {
        Some(p) => Some(Rule {
            name,
            path: format!("{path}.properties"),
            props: p.clone(),
        }),
        None => Some(Rule {
            name,
            path: path.to_string(),
            props: m.clone(),
        }),
    }
}

fn check_rule(
    r: &Rule,
    priorities: &mut HashMap<(String, i64), String>,
    out: &mut Vec<Diagnostic>,
) {
    for key in PREFIX_KEYS {
        let Some(v) = r.props.get(*key) else { continue };
        let values: Vec<(String, &str)> = match v {
            Value::String(s) => vec![(format!("{}.{key}", r.path), s.as_str())],
            Value::Array(items) => items
                .iter()
                .enumerate()
                .filter_map(|(i, x)| x.as_str().map(|s| (format!("{}.{key}[{i}]", r.path), s)))
                .collect(),
            _ => Vec::new(),
        };
        for (path, value) in values {
            if is_arm_expression(value) || !is_host_name(value) {
                continue;
            }
            out.push(
                Diagnostic::error(
                    Code::HostNameInNsgRule,
                    format!("NSG rule `{}` filters on a host name; NSGs take IP addresses, CIDR blocks and service tags only", r.name),
                )
                .at_path(path)
                .with_value(value.to_string())
                .with_help("Azure refuses the rule. Allow host names with FQDN rules of a managed VNet (isolation_mode allow_only_approved_outbound) or application rules of an Azure Firewall the subnet routes through (`amlgen allowlist` prints them); keep the NSG on a service tag or address range"),
            );
        }
    }
    let Some(p) = r.props.get("priority") else {
        return;
    };
    let ppath = format!("{}.priority", r.path);
    let n = match priority(p) {
        Priority::Expression => return,
        Priority::Integer(n) => n,
        Priority::Not(written) => {
            out.push(
                Diagnostic::error(
                    Code::InvalidNsgPriority,
                    format!(
                        "NSG rule `{}` has priority {written}, not an integer 100-4096",
                        r.name
                    ),
                )
                .at_path(ppath)
                .with_value(written)
                .with_help("use a whole number between 100 and 4096 (lower runs first); Azure refuses anything else"),
            );
            return;
        }
    };
    if !(100..=4096).contains(&n) {
        out.push(
            Diagnostic::error(
                Code::InvalidNsgPriority,
                format!("NSG rule `{}` has priority {n}, outside 100-4096", r.name),
            )
            .at_path(ppath)
            .with_value(n.to_string())
            .with_help("use a priority between 100 and 4096 (lower runs first)"),
        );
        return;
    }
    let direction = r
        .props
        .get("direction")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_ascii_lowercase();
    if let Some(first) = priorities.insert((direction.clone(), n), r.name.clone()) {
        out.push(
            Diagnostic::error(
                Code::InvalidNsgPriority,
                format!(
                    "NSG rule `{}` has the same priority as `{first}` ({direction})",
                    r.name
                ),
            )
            .at_path(ppath)
            .with_value(n.to_string())
            .with_help(
                "priorities are unique per direction within an NSG; Azure refuses the rule set",
            ),
        );
    }
}

enum Priority {
    Integer(i64),
    /// An ARM expression (`[parameters('p')]`): known at deployment only.
    Expression,
    /// Anything else, as written: a fraction, a number past i64, a word, null.
    Not(String),
}

fn priority(v: &Value) -> Priority {
    match v {
        Value::Number(n) => match (n.as_i64(), n.as_u64(), n.as_f64()) {
            (Some(i), _, _) => Priority::Integer(i),
            (None, Some(u), _) => Priority::Not(u.to_string()),
            // A whole number past u64 (2^64) is read as a float: shown whole, not as 1.8e19.
            (None, None, Some(f)) if f.is_finite() && f.fract() == 0.0 => {
                Priority::Not(format!("{f:.0}"))
            }
            _ => Priority::Not(n.to_string()),
        },
        Value::String(s) if is_arm_expression(s) => Priority::Expression,
        // A whole number in a string is checked as that number; its range is what matters.
        Value::String(s) => match s.trim().parse::<i64>() {
            Ok(i) => Priority::Integer(i),
            Err(_) => Priority::Not(format!("\"{s}\"")),
        },
        other => Priority::Not(other.to_string()),
    }
}

fn is_arm_expression(s: &str) -> bool {
    s.starts_with('[') && s.ends_with(']') && !s.starts_with("[[")
}

/// Whether an address prefix is a host name (or a URL or wildcard) rather than `*`, an IP
/// address, a CIDR block or a service tag (`Storage`, `Storage.westeurope`, `AzureCloud`).
/// Service tags have at most one dot, followed by a region name; a single dot followed by a
/// short label (`pypi.org`, `x.io`) is read as a host name.
pub fn is_host_name(s: &str) -> bool {
    let s = s.trim();
    if s == "*" || s.is_empty() {
        return false;
    }
    if s.contains("://") || s.starts_with("*.") || s.contains(".*") {
        return true;
    }
    if s.parse::<ipnet::IpNet>().is_ok() || s.parse::<std::net::IpAddr>().is_ok() {
        return false;
    }
    let labels: Vec<&str> = s.split('.').collect();
    let host_chars = labels
        .iter()
        .all(|l| !l.is_empty() && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'));
    if !host_chars || labels.len() < 2 {
        return false;
    }
    if labels.iter().all(|l| l.chars().all(|c| c.is_ascii_digit())) {
        return false; // an invalid IP address, not a host name
    }
    labels.len() > 2 || labels[1].len() <= 4
}

#[cfg(test)]
mod tests {
    use super::is_host_name;

    #[test]
    fn host_names_and_prefixes() {
        for h in [
            "*.pypi.org",
            "pypi.org",
            "files.pythonhosted.org",
            "https://pypi.org",
            "x.io",
        ] {
            assert!(is_host_name(h), "{h}");
        }
        for p in [
            "*",
            "10.0.0.0/16",
            "10.0.0.4",
            "2001:db8::/32",
            "VirtualNetwork",
            "Storage.westeurope",
            "AzureCloud.eastus",
            "Internet",
        ] {
            assert!(!is_host_name(p), "{p}");
        }
    }
}
