//! Address arithmetic for VNets and subnets (on ipnet): parsing with exact error text, overlap,
//! containment, and usable addresses after the five Azure keeps in every subnet.

use ipnet::Ipv4Net;

/// Azure reserves the first four and the last address of every subnet.
pub const AZURE_RESERVED_PER_SUBNET: u64 = 5;

/// Parses an IPv4 CIDR and insists it is the network address (`10.0.1.0/24`, not `10.0.1.7/24`),
/// which Azure requires of address prefixes.
pub fn parse_cidr(s: &str) -> Result<Ipv4Net, String> {
    let net: Ipv4Net = s
        .parse()
        .map_err(|_| format!("`{s}` is not an IPv4 CIDR such as 10.0.0.0/16"))?;
    if net.trunc() != net {
        return Err(format!(
            "`{s}` has host bits set; the network address is {}",
            net.trunc()
        ));
    }
    Ok(net)
}

pub fn overlaps(a: &Ipv4Net, b: &Ipv4Net) -> bool {
    a.contains(&b.network()) || b.contains(&a.network())
}

pub fn usable_addresses(net: &Ipv4Net) -> u64 {
    let total = 1u64 << (32 - net.prefix_len());
    total.saturating_sub(AZURE_RESERVED_PER_SUBNET)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cidr_rules() {
        assert!(parse_cidr("10.0.0.0/16").is_ok());
        assert!(parse_cidr("10.0.0.1/16")
            .unwrap_err()
            .contains("10.0.0.0/16"));
        assert!(parse_cidr("10.0.0.0/33").is_err());
        let a = parse_cidr("10.0.0.0/16").unwrap();
        let b = parse_cidr("10.0.5.0/24").unwrap();
        let c = parse_cidr("10.1.0.0/16").unwrap();
        assert!(overlaps(&a, &b) && overlaps(&b, &a) && !overlaps(&a, &c));
        assert_eq!(usable_addresses(&parse_cidr("10.0.0.0/29").unwrap()), 3);
    }
}
