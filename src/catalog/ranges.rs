//! `catalog/address_ranges.yaml`: the IPv4 ranges Azure refuses in a VNet, with their sources.

use ipnet::Ipv4Net;
use serde::Deserialize;
use std::sync::OnceLock;

pub const ADDRESS_RANGES_YAML: &str = include_str!("../../catalog/address_ranges.yaml");

#[derive(Debug, Deserialize)]
pub struct AddressRanges {
    pub vnet_refused: Vec<RefusedRange>,
}

#[derive(Debug, Deserialize)]
pub struct RefusedRange {
    pub cidr: Ipv4Net,
    /// What the range is, as the source names it: `multicast`, `loopback`, ...
    pub what: String,
    pub source: Vec<String>,
}

/// The embedded file, parsed once (a test parses it, so failure is a build defect).
pub fn get() -> &'static AddressRanges {
    static RANGES: OnceLock<AddressRanges> = OnceLock::new();
    RANGES.get_or_init(|| {
        crate::yaml::from_str(ADDRESS_RANGES_YAML)
            .unwrap_or_else(|e| panic!("embedded catalog/address_ranges.yaml is invalid: {e}"))
    })
}

/// The first refused range `net` overlaps, if any.
pub fn vnet_refused_overlap(net: &Ipv4Net) -> Option<&'static RefusedRange> {
    get()
        .vnet_refused
        .iter()
        .find(|r| r.cidr.contains(&net.network()) || net.contains(&r.cidr.network()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refused_ranges() {
        let hit = |s: &str| vnet_refused_overlap(&s.parse().unwrap()).map(|r| r.cidr.to_string());
        assert_eq!(hit("0.0.0.0/0").as_deref(), Some("224.0.0.0/4"));
        assert_eq!(hit("127.0.0.0/8").as_deref(), Some("127.0.0.0/8"));
        assert_eq!(hit("224.0.0.0/16").as_deref(), Some("224.0.0.0/4"));
        assert_eq!(hit("169.254.0.0/16").as_deref(), Some("169.254.0.0/16"));
        assert_eq!(hit("168.63.129.0/24").as_deref(), Some("168.63.129.16/32"));
        assert_eq!(hit("0.0.0.0/8").as_deref(), Some("0.0.0.0/8"));
        assert_eq!(hit("10.0.0.0/8"), None);
        assert_eq!(hit("168.63.128.0/24"), None);
        assert!(get().vnet_refused.iter().all(|r| !r.source.is_empty()));
    }
}
