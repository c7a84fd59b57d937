//! Service-tag rule destinations: tag, protocol and port ranges.

use super::Finding;
use crate::catalog::Catalog;
use crate::diagnostic::Code;

/// AMLG109 for an invalid tag, protocol or port ranges.
pub fn check(service_tag: &str, protocol: &str, port_ranges: &str) -> Vec<Finding> {
    let facts = &Catalog::get().managed_network.service_tag_rules;
    let mut out = Vec::new();
    if service_tag.is_empty()
        || !service_tag
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.')
    {
        out.push(Finding::error(
            Code::InvalidServiceTagRule,
            "destination.service_tag",
            "invalid service tag",
            service_tag,
            "use a service tag name such as `AzureMonitor` or `Storage.westeurope`",
        ));
    }
    if !facts.protocols.iter().any(|p| p == protocol) {
        out.push(Finding::error(
            Code::InvalidServiceTagRule,
            "destination.protocol",
            "invalid protocol",
            protocol,
            format!("use one of {}", facts.protocols.join(", ")),
        ));
    }
    if let Err(m) = check_port_ranges(port_ranges) {
        out.push(Finding::error(
            Code::InvalidServiceTagRule,
            "destination.port_ranges",
            "invalid port_ranges",
            port_ranges,
            m,
        ));
    }
    out
}

/// `"443"`, `"80, 443"`, `"8080-8089"` or `"*"`; ports 1-65535, ranges ascending.
pub fn check_port_ranges(s: &str) -> Result<(), String> {
    if s.trim() == "*" {
        return Ok(());
    }
    let port = |p: &str| -> Result<u32, String> {
        match p.trim().parse::<u32>() {
            Ok(n) if (1..=65535).contains(&n) => Ok(n),
            _ => Err(format!("`{}` is not a port between 1 and 65535", p.trim())),
        }
    };
    for part in s.split(',') {
        match part.split_once('-') {
            Some((a, b)) => {
                if port(a)? > port(b)? {
                    return Err(format!("range `{}` runs backwards", part.trim()));
                }
            }
            None => {
                port(part)?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn port_ranges() {
        assert!(check_port_ranges("443").is_ok());
        assert!(check_port_ranges("80, 443").is_ok());
        assert!(check_port_ranges("8080-8089").is_ok());
        assert!(check_port_ranges("*").is_ok());
        assert!(check_port_ranges("0").is_err());
        assert!(check_port_ranges("90-80").is_err());
        assert!(check_port_ranges("http").is_err());
    }

    #[test]
    fn destination() {
        assert!(check("AzureMonitor", "TCP", "443").is_empty());
        let f = check("Azure Monitor", "HTTP", "0");
        let fields: Vec<_> = f.iter().map(|f| (f.code, f.field)).collect();
        assert_eq!(
            fields,
            [
                (Code::InvalidServiceTagRule, "destination.service_tag"),
                (Code::InvalidServiceTagRule, "destination.protocol"),
                (Code::InvalidServiceTagRule, "destination.port_ranges")
            ]
        );
    }
}
