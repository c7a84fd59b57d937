//! Address plan of the client VNet: valid CIDRs, no overlaps, the pe subnet inside the VNet and
//! big enough for its private endpoints.

use crate::blueprint::Blueprint;
use crate::diagnostic::Code;
use crate::diagnostic::Diagnostic;
use crate::net::{overlaps, parse_cidr, usable_addresses};

/// Private endpoints placed in the client pe subnet: workspace, storage blob, storage file.
const CLIENT_PRIVATE_ENDPOINTS: u64 = 3;

pub fn check(bp: &Blueprint, out: &mut Vec<Diagnostic>) {
    let Some(client) = &bp.client_access else {
        return;
    };
    let vnet = &client.vnet;
    if vnet.address_space.is_empty() {
        out.push(
            Diagnostic::error(
                Code::InvalidCidr,
                "the client VNet needs at least one address range",
            )
            .at_path("client_access.vnet.address_space")
            .with_help("e.g. address_space: [10.20.0.0/16]"),
        );
    }
    let mut spaces = Vec::new();
    for (i, s) in vnet.address_space.iter().enumerate() {
        let path = format!("client_access.vnet.address_space[{i}]");
        match parse_cidr(s) {
            Ok(net) => {
                out.extend(refused_range(&net, &path, s));
                for (j, prev) in &spaces {
                    if overlaps(prev, &net) {
                        out.push(
                            Diagnostic::error(
                                Code::OverlappingRanges,
                                format!("address range overlaps address_space[{j}] ({prev})"),
                            )
                            .at_path(&path)
                            .with_value(s)
                            .with_help(
                                "address ranges of one VNet must not overlap; remove or change one",
                            ),
                        );
                    }
                }
                spaces.push((i, net));
            }
            Err(m) => out.push(
                Diagnostic::error(Code::InvalidCidr, "invalid CIDR")
                    .at_path(&path)
                    .with_value(s)
                    .with_help(m),
            ),
        }
    }
    let path = "client_access.vnet.pe_subnet.address_prefix";
    let prefix = &vnet.pe_subnet.address_prefix;
    match parse_cidr(prefix) {
        Err(m) => out.push(
            Diagnostic::error(Code::InvalidCidr, "invalid CIDR")
                .at_path(path)
                .with_value(prefix)
                .with_help(m),
        ),
        Ok(subnet) => {
            if !spaces.is_empty() && !spaces.iter().any(|(_, s)| s.contains(&subnet)) {
                let list: Vec<String> = spaces.iter().map(|(_, s)| s.to_string()).collect();
                out.push(
                    Diagnostic::error(
                        Code::SubnetOutsideVnet,
                        "the pe subnet lies outside its VNet",
                    )
                    .at_path(path)
                    .with_value(prefix)
                    .with_help(format!(
                        "choose a prefix inside the VNet address space ({})",
                        list.join(", ")
                    )),
                );
            }
            if usable_addresses(&subnet) < CLIENT_PRIVATE_ENDPOINTS {
                out.push(
                    Diagnostic::error(Code::SubnetTooSmall, "the pe subnet is too small")
                        .at_path(path)
                        .with_value(prefix)
                        .with_help(format!(
                            "Azure keeps 5 addresses of every subnet and {CLIENT_PRIVATE_ENDPOINTS} private endpoints go here; use /29 or larger (a /27 leaves room to grow)"
                        )),
                );
            }
        }
    }
}

/// AMLG037 when a VNet address range overlaps a range Azure refuses in VNets
/// (catalog/address_ranges.yaml, with its source).
pub(super) fn refused_range(net: &ipnet::Ipv4Net, path: &str, value: &str) -> Option<Diagnostic> {
    let r = crate::catalog::ranges::vnet_refused_overlap(net)?;
    Some(
        Diagnostic::error(
            Code::RefusedAddressRange,
            format!("address range overlaps {} ({}), which Azure does not allow in a VNet", r.cidr, r.what),
        )
        .at_path(path)
        .with_value(value)
        .with_help(format!(
            "use a private range (RFC 1918: 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16) or your own public range; source: {}",
            crate::catalog::Catalog::get().cite(&r.source)
        )),
    )
}
