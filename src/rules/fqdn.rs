//! FQDN rule destinations: host name syntax, wildcards, ports, Azure Storage hosts, and whether
//! a wildcard's apex is allowed too (Azure Firewall matches `*.x.org` against sub-domains only).

use super::Finding;
use crate::catalog::{Catalog, Cloud};
use crate::diagnostic::Code;
use std::collections::HashSet;

const FIELD: &str = "destination";

/// What an FQDN destination is checked against besides its own text.
pub struct FqdnContext<'a> {
    /// Host suffixes of Azure Storage (`core.windows.net` per cloud, filled in).
    pub storage_suffixes: &'a [String],
    /// Every destination the same rule set allows, lower-case; `include_subdomains` rules count
    /// as both `x` and `*.x` (see [`allowed_destinations`]).
    pub allowed: &'a HashSet<String>,
}

/// The destinations a set of FQDN rules allows, for the apex check: `(destination,
/// include_subdomains)` pairs -> lower-case `x` (and `*.x` when sub-domains are included).
pub fn allowed_destinations<'a>(
    rules: impl IntoIterator<Item = (&'a str, bool)>,
) -> HashSet<String> {
    rules
        .into_iter()
        .flat_map(|(destination, include_subdomains)| {
            let d = destination.to_ascii_lowercase();
            if include_subdomains {
                vec![format!("*.{d}"), d]
            } else {
                vec![d]
            }
        })
        .collect()
}

/// Storage host suffixes of one cloud (`{storage}` filled from the cloud's suffixes).
pub fn storage_suffixes(cloud: &Cloud) -> Vec<String> {
    Catalog::get()
        .managed_network
        .fqdn_rules
        .storage_host_suffixes
        .iter()
        .map(|s| cloud.fill(&s.suffix))
        .collect()
}

/// Storage host suffixes of every cloud in the catalog, for files that do not say their cloud.
pub fn storage_suffixes_all_clouds() -> Vec<String> {
    let mut out: Vec<String> = Catalog::get()
        .clouds
        .clouds
        .values()
        .flat_map(storage_suffixes)
        .collect();
    out.sort();
    out.dedup();
    out
}

/// All findings for one FQDN destination. `include_subdomains` is the blueprint's option (a
/// hand-written workspace YAML has no such key: pass false).
pub fn check_destination(
    destination: &str,
    include_subdomains: bool,
    ctx: &FqdnContext,
) -> Vec<Finding> {
    let facts = &Catalog::get().managed_network.fqdn_rules;
    let mut out = Vec::new();
    let err = |code, msg: &str, help: String| Finding::error(code, FIELD, msg, destination, help);
    if destination.contains("://") || destination.contains('/') {
        out.push(err(
            Code::NotAHostName,
            "an FQDN rule takes a host name, not a URL",
            "write only the host, e.g. `pypi.org`".into(),
        ));
        return out;
    }
    let (host, port) = split_port(destination);
    if let Some(p) = port {
        let allowed: Vec<String> = facts.ports.iter().map(u16::to_string).collect();
        if allowed.iter().any(|a| a == p) {
            out.push(err(
                Code::NotAHostName,
                "an FQDN rule takes no port",
                format!(
                    "remove `:{p}`; FQDN rules always allow ports {}",
                    allowed.join(" and ")
                ),
            ));
        } else {
            out.push(err(
                Code::FqdnPortNotAllowed,
                "FQDN rules support only ports 80 and 443",
                format!(
                    "port {p} cannot be allowed by host name in a managed VNet; use a service_tag or private_endpoint rule, or a customer VNet with Azure Firewall network rules"
                ),
            ));
        }
        return out;
    }
    // An IPv6 address is no host name either, and is said to be an address.
    if host.contains(':') {
        if let Some(f) = check_ip_literal(host) {
            out.push(f);
            return out;
        }
    }
    let lower = host.to_ascii_lowercase();
    let (wildcard, domain) = match lower.strip_prefix("*.") {
        Some(rest) => (true, rest),
        None => (false, lower.as_str()),
    };
    if lower == "*" || domain.contains('*') {
        out.push(err(
            Code::WildcardTooBroad,
            "wildcards are allowed only as the whole left-most label",
            "write `*.example.com` (sub-domains) or the host itself; `*`, `*contoso.com` and `www.*.com` are refused".into(),
        ));
        return out;
    }
    let labels = domain.split('.').count();
    if wildcard && labels < facts.min_wildcard_domain_labels {
        out.push(err(
            Code::WildcardTooBroad,
            "wildcard too broad",
            format!("`*.{domain}` would allow a whole top-level domain; name the specific domain, e.g. `*.example.{domain}`"),
        ));
        return out;
    }
    if !is_hostname(domain) {
        out.push(err(
            Code::NotAHostName,
            "not a valid host name",
            "use letters, digits and hyphens in dot-separated labels of 1-63 characters".into(),
        ));
        return out;
    }
    if wildcard && include_subdomains {
        out.push(err(
            Code::WildcardTooBroad,
            "include_subdomains needs the domain itself as destination",
            format!("write `destination: {domain}` with include_subdomains: true (it emits both {domain} and *.{domain})"),
        ));
    }
    for suffix in ctx.storage_suffixes {
        if domain == suffix || domain.ends_with(&format!(".{suffix}")) {
            out.push(err(
                Code::FqdnRuleToStorage,
                "FQDN rules cannot reach Azure Storage",
                "in approved-only mode storage is reached through a private_endpoint rule (service_resource_id of the account, subresource_target blob/file/...)".into(),
            ));
        }
    }
    // After the storage check: `*.blob.core.windows.net` is a public suffix too, and AMLG107
    // says what to do instead.
    if (wildcard || include_subdomains)
        && out.iter().all(|f| f.code != Code::FqdnRuleToStorage)
        && is_public_suffix(domain)
    {
        out.push(err(
            Code::WildcardTooBroad,
            "wildcard too broad",
            format!("`{domain}` is a public suffix (Public Suffix List): `*.{domain}` allows every domain anyone registers under it; name the specific domain, e.g. `*.example.{domain}`"),
        ));
        return out;
    }
    // An IP address is a syntactically valid host name, and only this check refuses it.
    if out.is_empty() {
        if let Some(f) = check_ip_literal(destination) {
            out.push(f);
            return out;
        }
    }
    if wildcard && !ctx.allowed.contains(domain) {
        out.push(Finding::warning(
            Code::WildcardMissesApex,
            FIELD,
            format!("`*.{domain}` does not cover `{domain}` itself"),
            destination,
            format!(
                "a wildcard matches sub-domains only; if `{domain}` is needed too, write `destination: {domain}` with `include_subdomains: true`"
            ),
        ));
    }
    out
}

/// `host:port` -> (`host`, `port`). An IPv6 address is its colons, not a port: bare
/// (`2001:db8::1`) it has none, bracketed (`[2001:db8::1]:8443`) the port follows the bracket.
fn split_port(destination: &str) -> (&str, Option<&str>) {
    if destination.parse::<std::net::Ipv6Addr>().is_ok() {
        return (destination, None);
    }
    if let Some(end) = destination.strip_prefix('[').and_then(|d| d.find(']')) {
        let (host, after) = destination.split_at(end + 2);
        return (host, after.strip_prefix(':'));
    }
    match destination.rsplit_once(':') {
        Some((h, p)) => (h, Some(p)),
        None => (destination, None),
    }
}

/// Whether `domain` (lower-case, no `*.`) is a public suffix: a name under which anyone can
/// register domains (`co.uk`, `s3.amazonaws.com`), from the Public Suffix List embedded by the
/// `psl` crate (ICANN and private sections). Unknown top-level names are not counted: the list's
/// implicit `*` rule would make every single-label name one, which the label count covers.
pub fn is_public_suffix(domain: &str) -> bool {
    psl::suffix(domain.as_bytes())
        .is_some_and(|s| s.is_known() && s.as_bytes() == domain.as_bytes())
}

/// AMLG105 for an IP address written as an FQDN destination: FQDN rules take host names.
/// [`check_destination`] calls it when nothing else is wrong, so the blueprint check, the
/// linter and `allowlist` give an IP destination the same verdict.
pub fn check_ip_literal(destination: &str) -> Option<Finding> {
    let d = destination.trim_start_matches('[').trim_end_matches(']');
    d.parse::<std::net::IpAddr>().ok().map(|_| {
        Finding::error(
            Code::NotAHostName,
            FIELD,
            "an FQDN rule takes a host name, not an IP address",
            destination,
            "reach the address through a private_endpoint rule, or from a customer VNet whose Azure Firewall has a network rule for it",
        )
    })
}

/// The same finding for a file without the blueprint's `include_subdomains` (an `az ml`
/// workspace YAML, a script): the help of AMLG108 names a second rule instead.
pub fn without_include_subdomains(mut f: Finding) -> Finding {
    if f.code == Code::WildcardMissesApex {
        let domain = f.value.trim_start_matches("*.").to_string();
        f.help = format!(
            "a wildcard matches sub-domains only; if `{domain}` is needed too, add a rule with `destination: {domain}`"
        );
    }
    f
}

/// Dot-separated labels of letters, digits and hyphens, 1-63 characters each, at least two
/// labels, at most 253 characters.
pub fn is_hostname(s: &str) -> bool {
    s.len() <= 253
        && s.contains('.')
        && s.split('.').all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                && !l.starts_with('-')
                && !l.ends_with('-')
        })
}

/// Whether an allowed destination (`x.org` or `*.x.org`, lower-case) lets traffic to `host` through.
pub fn covers(allowed: &str, host: &str) -> bool {
    let host = host.to_ascii_lowercase();
    match allowed.strip_prefix("*.") {
        Some(domain) => host
            .strip_suffix(domain)
            .is_some_and(|rest| rest.ends_with('.') && rest.len() > 1),
        None => allowed == host,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(dest: &str, allowed: &[&str]) -> Vec<Code> {
        let suffixes = vec!["core.windows.net".to_string()];
        let allowed = allowed_destinations(allowed.iter().map(|d| (*d, false)));
        check_destination(
            dest,
            false,
            &FqdnContext {
                storage_suffixes: &suffixes,
                allowed: &allowed,
            },
        )
        .into_iter()
        .map(|f| f.code)
        .collect()
    }

    #[test]
    fn hostnames() {
        assert!(is_hostname("pypi.org"));
        assert!(!is_hostname("localhost"));
        assert!(!is_hostname("bad_host.org"));
        assert!(!is_hostname("-x.org"));
    }

    #[test]
    fn destinations() {
        assert!(codes("pypi.org", &["pypi.org"]).is_empty());
        assert_eq!(
            codes("*.pypi.org", &["*.pypi.org"]),
            [Code::WildcardMissesApex]
        );
        assert!(codes("*.pypi.org", &["*.pypi.org", "pypi.org"]).is_empty());
        assert_eq!(codes("*.com", &[]), [Code::WildcardTooBroad]);
        assert_eq!(codes("*", &[]), [Code::WildcardTooBroad]);
        assert_eq!(codes("www.*.com", &[]), [Code::WildcardTooBroad]);
        assert_eq!(codes("https://pypi.org/simple", &[]), [Code::NotAHostName]);
        assert_eq!(codes("pypi.org:443", &[]), [Code::NotAHostName]);
        assert_eq!(codes("pypi.org:8443", &[]), [Code::FqdnPortNotAllowed]);
        assert_eq!(codes("bad_host.org", &[]), [Code::NotAHostName]);
        assert_eq!(
            codes("*.blob.core.windows.net", &[]),
            [Code::FqdnRuleToStorage, Code::WildcardMissesApex]
        );
        assert_eq!(
            codes("st1.blob.core.windows.net", &[]),
            [Code::FqdnRuleToStorage]
        );
        assert_eq!(codes("1.2.3.4", &[]), [Code::NotAHostName]);
        assert_eq!(codes("*.co.uk", &[]), [Code::WildcardTooBroad]);
        assert_eq!(codes("*.s3.amazonaws.com", &[]), [Code::WildcardTooBroad]);
        assert_eq!(codes("*.github.io", &[]), [Code::WildcardTooBroad]);
        assert!(codes("*.pypi.org", &["pypi.org"]).is_empty());
        assert!(codes("bbc.co.uk", &[]).is_empty());
    }

    #[test]
    fn public_suffixes() {
        assert!(is_public_suffix("co.uk"));
        assert!(is_public_suffix("s3.amazonaws.com"));
        assert!(is_public_suffix("com"));
        assert!(!is_public_suffix("pypi.org"));
        assert!(!is_public_suffix("anaconda.com"));
        assert!(!is_public_suffix("corp.internal"));
    }

    #[test]
    fn include_subdomains_counts_apex_and_wildcard() {
        let a = allowed_destinations([("pypi.org", true)]);
        assert!(a.contains("pypi.org") && a.contains("*.pypi.org"));
    }

    #[test]
    fn ip_literals() {
        assert_eq!(
            check_ip_literal("10.0.0.4").unwrap().code,
            Code::NotAHostName
        );
        assert!(check_ip_literal("pypi.org").is_none());
    }

    /// `2001:db8::1` was read as host `2001:db8:` and port 1 (AMLG106).
    #[test]
    fn ipv6_destinations_are_addresses_not_ports() {
        let allowed = HashSet::new();
        let ctx = FqdnContext {
            storage_suffixes: &[],
            allowed: &allowed,
        };
        for (d, code, what) in [
            ("2001:db8::1", Code::NotAHostName, "IP address"),
            ("[2001:db8::1]", Code::NotAHostName, "IP address"),
            ("[2001:db8::1]:443", Code::NotAHostName, "no port"),
            ("[2001:db8::1]:8443", Code::FqdnPortNotAllowed, "ports 80"),
        ] {
            let f = check_destination(d, false, &ctx);
            assert_eq!(f.len(), 1, "{d}");
            assert_eq!(f[0].code, code, "{d}");
            assert!(f[0].message.contains(what), "{d}: {}", f[0].message);
        }
    }

    #[test]
    fn coverage() {
        assert!(covers("pypi.org", "PyPI.org"));
        assert!(covers("*.pythonhosted.org", "files.pythonhosted.org"));
        assert!(!covers("*.pythonhosted.org", "pythonhosted.org"));
        assert!(!covers("*.pypi.org", "pypi.org"));
        assert!(!covers("*.pypi.org", "notpypi.org"));
    }

    #[test]
    fn storage_hosts_of_every_cloud() {
        let all = storage_suffixes_all_clouds();
        assert!(all.iter().any(|s| s == "core.windows.net"), "{all:?}");
        assert!(all.iter().any(|s| s == "core.usgovcloudapi.net"), "{all:?}");
    }
}
