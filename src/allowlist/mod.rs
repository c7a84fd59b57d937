//! `amlgen allowlist`: reads a project's dependency files (requirements.txt, pyproject.toml,
//! environment.yml), finds every host installing them needs, with the reason for each (which
//! line of which file), and turns them into outbound rules: FQDN rules of a managed VNet
//! (`--for approved-only`) or application and network rules of an Azure Firewall
//! (`--for firewall`). Hosts a rule cannot serve are findings, never rules.
//!
//! discover (one parser per file kind) -> `hosts::Needs` -> plan (rules and findings) -> format.

pub mod conda_env;
pub mod files;
pub mod format;
pub mod hosts;
pub mod pyproject;
pub mod requirements;

use crate::diagnostic::Code;
use crate::diagnostic::Diagnostic;
use crate::rules::{fqdn, names::RuleNames};
use files::{Files, Refused};
use hosts::{Need, Needs, Reason};
use std::collections::HashSet;
use std::path::Path;

/// What the rules are for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// FQDN outbound rules of a workspace managed VNet (allow_only_approved_outbound): ports 80
    /// and 443 only, no Azure Storage hosts.
    ApprovedOnly,
    /// Rules of your own Azure Firewall (hub-spoke): application rules for 80/443, network rules
    /// (FQDNs, with the DNS proxy) for other ports.
    Firewall,
}

impl Target {
    pub fn key(self) -> &'static str {
        match self {
            Target::ApprovedOnly => "approved-only",
            Target::Firewall => "firewall",
        }
    }
}

/// How a rule reaches its host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RuleKind {
    /// An FQDN rule (managed VNet) or a firewall application rule: HTTP(S) by host name.
    Fqdn,
    /// A firewall network rule to the host on a TCP port other than 80/443.
    Network { port: u16 },
}

/// One rule to emit.
#[derive(Debug, Clone)]
pub struct Rule {
    /// A valid outbound rule name (3-33 letters, digits, hyphens), unique in the list.
    pub name: String,
    pub host: String,
    /// Ports 80/443 the host is reached on (FQDN rules allow both anyway).
    pub ports: Vec<u16>,
    pub kind: RuleKind,
    pub ecosystem: Option<String>,
    pub reasons: Vec<Reason>,
}

/// The result: rules, and what could not become a rule.
#[derive(Debug)]
pub struct Allowlist {
    pub target: Target,
    pub files: Vec<String>,
    pub rules: Vec<Rule>,
    pub findings: Vec<Diagnostic>,
}

impl Allowlist {
    pub fn has_errors(&self) -> bool {
        self.findings.iter().any(Diagnostic::is_error)
    }
}

/// Reads every file and returns what they need. Each file named is a project of its own: its
/// folder bounds what its includes may reach, unless `include_outside`.
pub fn discover(files: &[String], include_outside: bool) -> Needs {
    let mut needs = Needs::default();
    let mut reader = Files::new(include_outside);
    for label in files {
        let path = Path::new(label);
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_ascii_lowercase();
        let file = match reader.named(path, label) {
            Ok(f) => f,
            Err(Refused::Finding(d)) => {
                needs.finding(d);
                continue;
            }
            Err(Refused::Quiet) => continue,
        };
        if name.ends_with(".toml") {
            pyproject::read(&file.text, label, &mut needs);
        } else if name.ends_with(".yml") || name.ends_with(".yaml") {
            conda_env::read(&file, label, &mut reader, &mut needs);
        } else {
            requirements::read_named(&file, label, &mut reader, &mut needs);
        }
    }
    needs
}

/// Turns needs into rules for `target`; hosts a rule cannot serve become findings.
pub fn plan(files: &[String], needs: Needs, target: Target) -> Allowlist {
    let Needs { list, mut findings } = needs;
    let suffixes = fqdn::storage_suffixes_all_clouds();
    let no_suffixes: Vec<String> = Vec::new();
    let allowed: HashSet<String> = list.iter().map(|n| n.host.clone()).collect();
    let ctx = fqdn::FqdnContext {
        storage_suffixes: if target == Target::ApprovedOnly {
            &suffixes
        } else {
            &no_suffixes
        },
        allowed: &allowed,
    };
    let mut rules: Vec<Rule> = Vec::new();
    let mut names = Names::default();
    for need in list {
        let http =
            matches!(need.port, 80 | 443) && matches!(need.scheme.as_str(), "https" | "http");
        let destination = if http || target == Target::Firewall {
            need.host.clone()
        } else if need.host.contains(':') {
            // An IPv6 address, bracketed so that its colons do not read as a port.
            format!("[{}]:{}", need.host, need.port)
        } else {
            format!("{}:{}", need.host, need.port)
        };
        let mut problems = fqdn::check_destination(&destination, false, &ctx);
        if problems.is_empty() {
            problems.extend(fqdn::check_ip_literal(&need.host));
        }
        if problems.iter().any(|f| f.is_error()) {
            findings.extend(problems.into_iter().map(|f| place(f, &need)));
            continue;
        }
        let kind = if http {
            RuleKind::Fqdn
        } else {
            RuleKind::Network { port: need.port }
        };
        match rules
            .iter_mut()
            .find(|r| r.host == need.host && r.kind == kind)
        {
            Some(r) => {
                if !r.ports.contains(&need.port) {
                    r.ports.push(need.port);
                }
                r.reasons.extend(need.reasons);
            }
            None => rules.push(Rule {
                name: names.make(&need.host, &kind),
                host: need.host.clone(),
                ports: vec![need.port],
                kind,
                ecosystem: need.ecosystem.clone(),
                reasons: need.reasons,
            }),
        }
    }
    // Reading order: by file, then line (includes are read before their file ends).
    findings.sort_by(|a, b| {
        (&a.location.file, a.location.line, a.location.column).cmp(&(
            &b.location.file,
            b.location.line,
            b.location.column,
        ))
    });
    Allowlist {
        target,
        files: files.to_vec(),
        rules,
        findings,
    }
}

/// A finding about a host, placed at the first line that needs it.
fn place(f: crate::rules::Finding, need: &Need) -> Diagnostic {
    let r = &need.reasons[0];
    let ssh = matches!(need.scheme.as_str(), "ssh" | "git");
    let mut d = f.into_diagnostic();
    if d.code == Code::FqdnPortNotAllowed && ssh {
        d.help = Some(format!(
            "{} clones over {} (port {}); FQDN rules allow only 80 and 443. Use the HTTPS form (git+https://{}/...), or a customer VNet whose Azure Firewall has a network rule for the port",
            need.host, need.scheme, need.port, need.host
        ));
    }
    d.at_file(&r.site.file).at_line(r.site.line, r.site.column)
}

/// Rule names from host names: `files.pythonhosted.org` -> `files-pythonhosted-org`.
#[derive(Default)]
struct Names {
    taken: HashSet<String>,
}

impl Names {
    fn make(&mut self, host: &str, kind: &RuleKind) -> String {
        let suffix = match kind {
            RuleKind::Fqdn => String::new(),
            RuleKind::Network { port } => format!("-{port}"),
        };
        let mut base: String = host
            .trim_start_matches("*.")
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_lowercase()
                } else {
                    '-'
                }
            })
            .collect();
        while base.contains("--") {
            base = base.replace("--", "-");
        }
        let mut base = base.trim_matches('-').to_string();
        // 33 characters at most, and room for `-sub` when the rule is pasted into a blueprint
        // and given include_subdomains.
        let max = 29 - suffix.len();
        if base.len() > max {
            base.truncate(max);
            base = base.trim_end_matches('-').to_string();
        }
        if base.len() < 3 {
            base = format!("host-{base}");
        }
        let mut name = format!("{base}{suffix}");
        let mut n = 2;
        while self.taken.contains(&name) {
            let tail = format!("-{n}{suffix}");
            let mut b = base.clone();
            b.truncate(29 - tail.len());
            name = format!("{}{tail}", b.trim_end_matches('-'));
            n += 1;
        }
        debug_assert!(RuleNames::new().is_valid(&name), "{name}");
        self.taken.insert(name.clone());
        name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_names_are_valid_and_unique() {
        let mut n = Names::default();
        let v = RuleNames::new();
        let long = "a-very-long-host-name-for-a-private-index.example.com";
        for (host, kind, want) in [
            ("pypi.org", RuleKind::Fqdn, "pypi-org"),
            (
                "files.pythonhosted.org",
                RuleKind::Fqdn,
                "files-pythonhosted-org",
            ),
            (long, RuleKind::Fqdn, "a-very-long-host-name-for-a-p"),
            (long, RuleKind::Fqdn, "a-very-long-host-name-for-a-2"),
            ("x.io", RuleKind::Fqdn, "x-io"),
            (
                "nexus.corp",
                RuleKind::Network { port: 8443 },
                "nexus-corp-8443",
            ),
        ] {
            let name = n.make(host, &kind);
            assert_eq!(name, want);
            assert!(v.is_valid(&name) && name.len() <= 29, "{name}");
        }
    }
}
