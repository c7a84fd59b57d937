//! Package ecosystems whose hosts only work together: pip reads the index on pypi.org and
//! downloads every file from files.pythonhosted.org, so a rule set that allows one and not the
//! other lets `pip install` fail after the firewall is in place.

use super::fqdn::covers;
use super::Finding;
use crate::catalog::Catalog;
use crate::diagnostic::Code;

/// Ecosystems (catalog/packages.yaml) that need every one of their hosts, and why.
const ALL_OR_NOTHING: &[(&str, &str)] = &[(
    "pip",
    "pip reads the index on pypi.org and downloads every file from files.pythonhosted.org",
)];

/// AMLG203 when `allowed` (lower-case destinations, `*.x` for wildcards, in rule order) reaches
/// part of an all-or-nothing ecosystem but not all of it. Returns the index of the first
/// destination that touches the ecosystem, to position the finding.
pub fn check_coverage(allowed: &[String]) -> Vec<(usize, Finding)> {
    let cat = Catalog::get();
    let mut out = Vec::new();
    for (name, why) in ALL_OR_NOTHING {
        let Some(eco) = cat.packages.get(*name) else {
            continue;
        };
        let touching = allowed
            .iter()
            .position(|a| eco.hosts.iter().any(|h| touches(a, h)));
        let Some(first) = touching else { continue };
        let missing: Vec<&str> = eco
            .hosts
            .iter()
            .filter(|h| !allowed.iter().any(|a| covers(a, h)))
            .map(String::as_str)
            .collect();
        if missing.is_empty() {
            continue;
        }
        out.push((
            first,
            Finding::error(
                Code::PipHostsIncomplete,
                "destination",
                format!(
                    "{name} needs {}; not allowed: {}",
                    eco.hosts.join(" and "),
                    missing.join(", ")
                ),
                allowed[first].clone(),
                format!(
                    "{why}; add a rule for each missing host (a wildcard never covers its apex: `*.pypi.org` does not allow `pypi.org`)"
                ),
            ),
        ));
    }
    out
}

/// Whether an allowed destination is about `host`: it covers it, or it is a wildcard on `host`
/// itself or on one of its parent domains (`*.pypi.org` is about `pypi.org`).
fn touches(allowed: &str, host: &str) -> bool {
    if covers(allowed, host) {
        return true;
    }
    let host = host.to_ascii_lowercase();
    match allowed.strip_prefix("*.") {
        Some(domain) => host == domain || host.ends_with(&format!(".{domain}")),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::check_coverage;

    fn missing(allowed: &[&str]) -> Vec<String> {
        let a: Vec<String> = allowed.iter().map(|s| s.to_string()).collect();
        check_coverage(&a)
            .into_iter()
            .map(|(i, f)| format!("{i}:{}", f.message))
            .collect()
    }

    #[test]
    fn pip_needs_both_hosts() {
        assert!(missing(&["pypi.org", "files.pythonhosted.org"]).is_empty());
        assert!(missing(&["pypi.org", "*.pythonhosted.org"]).is_empty());
        assert!(missing(&["conda.anaconda.org"]).is_empty());
        assert_eq!(
            missing(&["conda.anaconda.org", "pypi.org"]),
            ["1:pip needs pypi.org and files.pythonhosted.org; not allowed: files.pythonhosted.org"]
        );
        assert_eq!(
            missing(&["*.pypi.org"]),
            ["0:pip needs pypi.org and files.pythonhosted.org; not allowed: pypi.org, files.pythonhosted.org"]
        );
        assert_eq!(
            missing(&["*.pypi.org", "*.pythonhosted.org"]),
            ["0:pip needs pypi.org and files.pythonhosted.org; not allowed: pypi.org"]
        );
    }
}
