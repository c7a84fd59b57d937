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
    // Only the canonical form: `010.030.001.000/27` is 10.30.1.0/27 to one tool and
    // 8.24.1.0/27 to another (inet_aton reads leading zeros as octal).
    if net.to_string() != s {
        return Err(format!(
            "`{s}` is not written canonically (no leading zeros or spaces): write {net}"
        ));
    }
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
        assert!(parse_cidr("010.030.001.000/27")
            .unwrap_err()
            .contains("write 10.30.1.0/27"));
        assert!(parse_cidr("10.0.0.0/016").is_err());
        assert!(parse_cidr(" 10.0.0.0/16").is_err());
        let a = parse_cidr("10.0.0.0/16").unwrap();
        let b = parse_cidr("10.0.5.0/24").unwrap();
        let c = parse_cidr("10.1.0.0/16").unwrap();
        assert!(overlaps(&a, &b) && overlaps(&b, &a) && !overlaps(&a, &c));
        assert_eq!(usable_addresses(&parse_cidr("10.0.0.0/29").unwrap()), 3);
    }
}

/// One subnet of an address plan: given explicitly, or to be carved at `prefix_len`.
pub struct SubnetRequest<'a> {
    pub key: &'a str,
    pub explicit: Option<Ipv4Net>,
    pub prefix_len: u8,
}

/// Deterministic address plan: explicit subnets stay as given; each other subnet, in request
/// order, takes the first aligned block of its size in the VNet's ranges that overlaps nothing
/// allocated so far. Fails with the key of the first subnet that does not fit.
pub fn carve(
    spaces: &[Ipv4Net],
    requests: &[SubnetRequest],
) -> Result<Vec<(String, Ipv4Net)>, String> {
    let mut taken: Vec<Ipv4Net> = requests.iter().filter_map(|r| r.explicit).collect();
    let mut out = Vec::new();
    for r in requests {
        let net = match r.explicit {
            Some(n) => n,
            None => {
                let found = spaces.iter().find_map(|space| {
                    if r.prefix_len < space.prefix_len() {
                        return None;
                    }
                    space
                        .subnets(r.prefix_len)
                        .ok()?
                        .find(|c| !taken.iter().any(|t| overlaps(t, c)))
                });
                let n = found.ok_or_else(|| r.key.to_string())?;
                taken.push(n);
                n
            }
        };
        out.push((r.key.to_string(), net));
    }
    Ok(out)
}

#[cfg(test)]
mod carve_tests {
    use super::*;

    #[test]
    fn carves_around_explicit_subnets() {
        let space = [parse_cidr("10.0.0.0/22").unwrap()];
        let reqs = [
            SubnetRequest {
                key: "a",
                explicit: None,
                prefix_len: 26,
            },
            SubnetRequest {
                key: "b",
                explicit: Some(parse_cidr("10.0.0.0/26").unwrap()),
                prefix_len: 26,
            },
            SubnetRequest {
                key: "c",
                explicit: None,
                prefix_len: 24,
            },
        ];
        let plan = carve(&space, &reqs).unwrap();
        assert_eq!(plan[0].1.to_string(), "10.0.0.64/26");
        assert_eq!(plan[1].1.to_string(), "10.0.0.0/26");
        assert_eq!(plan[2].1.to_string(), "10.0.1.0/24");
        let tiny = [parse_cidr("10.0.0.0/27").unwrap()];
        assert_eq!(carve(&tiny, &reqs[..1]).unwrap_err(), "a");
    }
}
