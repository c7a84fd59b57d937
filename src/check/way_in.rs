//! The way in (`way_in`, `client_access.bastion`): a jump box needs Bastion in its VNet, a VPN
//! a GatewaySubnet, Azure Public (the Microsoft-registered VPN client) and a client pool that
//! overlaps no VNet; the SSH key is a public key; the client VNet's way-in subnets fit.

use crate::analyze::address_plan::{client_plan, BASTION_SUBNET, GATEWAY_SUBNET, JUMP_BOX_SUBNET};
use crate::blueprint::{Blueprint, Cloud, Egress};
use crate::catalog::Catalog;
use crate::diagnostic::{Code, Diagnostic};
use crate::net::{overlaps, parse_cidr};

pub fn check(bp: &Blueprint, out: &mut Vec<Diagnostic>) {
    let w = &bp.way_in;
    let hub = bp
        .network
        .as_ref()
        .filter(|n| n.egress == Egress::Firewall)
        .and_then(|n| n.hub.as_ref());
    let client = bp.client_access.as_ref().filter(|_| bp.network.is_none());
    if client.is_some() {
        client_subnets(bp, out);
    }
    if hub.is_none() && client.is_none() {
        for (on, key) in [(w.jump_box.is_some(), "jump_box"), (w.vpn.is_some(), "vpn")] {
            if on {
                out.push(
                    Diagnostic::error(Code::WayInWithoutVnet, "no client VNet or hub to put this in")
                        .at_path(format!("way_in.{key}"))
                        .with_help("add client_access (managed VNet) or network.hub (customer VNet with a firewall), or remove it"),
                );
            }
        }
        return;
    }
    if let Some(j) = &w.jump_box {
        let bastion = hub.map_or(client.is_some_and(|c| c.bastion), |h| h.bastion);
        if !bastion {
            let path = if hub.is_some() {
                "network.hub.bastion"
            } else {
                "client_access.bastion"
            };
            out.push(
                Diagnostic::error(
                    Code::JumpBoxWithoutBastion,
                    "the jump box is reachable only through Azure Bastion, which this VNet lacks",
                )
                .at_path("way_in.jump_box")
                .with_help(format!("set `{path}: true`, or remove way_in.jump_box")),
            );
        }
        if let Err(why) = ssh_public_key(&j.ssh_public_key) {
            // The value is never repeated: it may be a private key.
            out.push(
                Diagnostic::error(Code::InvalidSshPublicKey, why)
                    .at_path(SSH_KEY_PATH)
                    .with_help("paste one line of a .pub file: `ssh-ed25519 AAAA... comment` (ssh-keygen -t ed25519)"),
            );
        }
        if let Some(u) = &j.admin_username {
            if let Err(why) = admin_username(u) {
                out.push(
                    Diagnostic::error(Code::InvalidAdminUsername, why)
                        .at_path("way_in.jump_box.admin_username")
                        .with_value(u)
                        .with_help("use a Linux user name such as `azureuser` or your team's: 1-64 lowercase letters, digits, `_`, `-` and `.`, starting with a letter or `_`, not ending with `.`"),
                );
            }
        }
        if let Some(t) = &j.shutdown_time {
            let ok = t.len() == 4
                && t.bytes().all(|b| b.is_ascii_digit())
                && t[..2].parse::<u8>().is_ok_and(|h| h < 24)
                && t[2..].parse::<u8>().is_ok_and(|m| m < 60);
            if !ok {
                out.push(
                    Diagnostic::error(Code::InvalidShutdownTime, "not a 24-hour time as HHMM")
                        .at_path("way_in.jump_box.shutdown_time")
                        .with_value(t)
                        .with_help("e.g. \"1900\" (quoted, four digits)"),
                );
            }
        }
        if let Some(z) = &j.shutdown_time_zone {
            let ok = !z.is_empty()
                && z.len() <= 64
                && z.chars()
                    .all(|c| c.is_ascii_alphanumeric() || " .()+-".contains(c));
            if !ok {
                out.push(
                    Diagnostic::error(Code::InvalidShutdownTime, "not a Windows time zone ID")
                        .at_path("way_in.jump_box.shutdown_time_zone")
                        .with_value(z)
                        .with_help("e.g. UTC, W. Europe Standard Time, Pacific Standard Time"),
                );
            }
        }
    }
    if let Some(v) = &w.vpn {
        if hub.is_some_and(|h| !h.gateway_subnet) {
            out.push(
                Diagnostic::error(
                    Code::VpnWithoutGatewaySubnet,
                    "the VPN gateway needs the hub's GatewaySubnet",
                )
                .at_path("way_in.vpn")
                .with_help("set `network.hub.gateway_subnet: true`, or remove way_in.vpn"),
            );
        }
        if bp.cloud != Cloud::AzureCloud {
            out.push(
                Diagnostic::error(
                    Code::VpnEntraCloudUnsupported,
                    "the Microsoft-registered Azure VPN Client is available in Azure Public only",
                )
                .at_path("way_in.vpn")
                .with_value(bp.cloud.as_str())
                .with_help(
                    "remove way_in.vpn and use Bastion with the jump box, or an existing gateway",
                ),
            );
        }
        let path = "way_in.vpn.client_address_pool";
        match parse_cidr(&v.client_address_pool) {
            Err(m) => out.push(
                Diagnostic::error(Code::InvalidCidr, "invalid CIDR")
                    .at_path(path)
                    .with_value(&v.client_address_pool)
                    .with_help(m),
            ),
            Ok(pool) => {
                let mut vnets: Vec<(&str, &String)> = Vec::new();
                if let Some(c) = client {
                    vnets.extend(c.vnet.address_space.iter().map(|a| ("client VNet", a)));
                }
                if let Some(n) = &bp.network {
                    vnets.extend(
                        n.hub
                            .iter()
                            .flat_map(|h| &h.address_space)
                            .map(|a| ("hub", a)),
                    );
                    vnets.extend(n.spoke.address_space.iter().map(|a| ("spoke", a)));
                }
                for (what, a) in vnets {
                    if parse_cidr(a).is_ok_and(|n| overlaps(&n, &pool)) {
                        out.push(
                            Diagnostic::error(
                                Code::VpnClientPoolOverlaps,
                                format!("the VPN client pool overlaps the {what} ({a})"),
                            )
                            .at_path(path)
                            .with_value(&v.client_address_pool)
                            .with_help("choose a range no VNet of the blueprint uses, e.g. 172.16.200.0/24"),
                        );
                    }
                }
            }
        }
    }
}

/// The client VNet's way-in subnets given explicitly: valid, inside the VNet, Azure's minimum
/// size, overlapping neither the pe subnet nor each other; then room to carve the rest.
fn client_subnets(bp: &Blueprint, out: &mut Vec<Diagnostic>) {
    let Some(c) = &bp.client_access else { return };
    let s = &c.vnet.subnets;
    let sizes = &Catalog::get().firewall.subnets;
    let spaces: Vec<_> = c
        .vnet
        .address_space
        .iter()
        .filter_map(|a| parse_cidr(a).ok())
        .collect();
    if spaces.len() != c.vnet.address_space.len() {
        return; // reported by the address checks
    }
    let seen: Vec<(&str, ipnet::Ipv4Net)> = parse_cidr(&c.vnet.pe_subnet.address_prefix)
        .ok()
        .map(|n| ("pe", n))
        .into_iter()
        .collect();
    let ok = super::network::explicit_subnets(
        &spaces,
        &[
            (
                BASTION_SUBNET,
                "client_access.vnet.subnets.bastion",
                &s.bastion,
            ),
            (
                GATEWAY_SUBNET,
                "client_access.vnet.subnets.gateway",
                &s.gateway,
            ),
            (
                JUMP_BOX_SUBNET,
                "client_access.vnet.subnets.jump_box",
                &s.jump_box,
            ),
        ],
        seen,
        false,
        out,
    );
    if ok {
        if let Err(key) = client_plan(c, &bp.way_in) {
            out.push(
                Diagnostic::error(
                    Code::NoRoomForSubnet,
                    format!("no room left in the client VNet for the {key} subnet"),
                )
                .at_path("client_access.vnet.address_space")
                .with_help(format!(
                    "a /{} is carved for {key}; enlarge the address space or give the subnet in client_access.vnet.subnets",
                    sizes[key.as_str()].default
                )),
            );
        }
    }
}

/// Whether Azure (and Linux's user tools) take `u` as the VM's administrator name; why not.
fn admin_username(u: &str) -> Result<(), String> {
    let shape = (1..=64).contains(&u.len())
        && u.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
        && u.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "_-.".contains(c))
        && !u.ends_with('.');
    if !shape {
        return Err("not a Linux user name Azure takes".into());
    }
    let reserved = crate::catalog::Catalog::get().defaults["jump_box_admin_username_reserved"]
        .value
        .as_sequence()
        .is_some_and(|names| {
            names
                .iter()
                .filter_map(|n| n.as_str())
                .any(|n| n.eq_ignore_ascii_case(u))
        });
    if reserved {
        return Err("Azure refuses this administrator name".into());
    }
    Ok(())
}

/// Where the jump box's SSH key is written: no diagnostic there shows its value or line.
pub const SSH_KEY_PATH: &str = "way_in.jump_box.ssh_public_key";

/// Marks of a private key in the shapes people paste by mistake: PEM and OpenSSH armour, PuTTY's
/// .ppk fields, and the base64 of OpenSSH's `openssh-key-v1` header (a body without armour).
const PRIVATE_KEY_MARKS: &[&str] = &[
    "PRIVATE KEY",
    "-----BEGIN",
    "PuTTY-User-Key-File",
    "Private-Lines",
    "Private-MAC",
    "b3BlbnNzaC1rZXktdjE",
];

fn looks_private(key: &str) -> bool {
    PRIVATE_KEY_MARKS.iter().any(|m| key.contains(m))
}

/// AMLG173 for a private key where the public key goes (`check` then reports nothing else).
pub fn private_key(bp: &Blueprint) -> Option<Diagnostic> {
    let key = &bp.way_in.jump_box.as_ref()?.ssh_public_key;
    looks_private(key).then(|| {
        Diagnostic::error(
            Code::InvalidSshPublicKey,
            "this is a private key: it must never be in a blueprint (treat it as leaked)",
        )
        .at_path(SSH_KEY_PATH)
        .with_help("paste the .pub file's one line instead, and make a new key pair: this one was written down")
    })
}

/// Whether `key` is one OpenSSH public key line Azure takes; the reason when not (never
/// quoting the value).
fn ssh_public_key(key: &str) -> Result<(), String> {
    if looks_private(key) {
        return Err(
            "this is a private key: it must never be in a blueprint (treat it as leaked)".into(),
        );
    }
    if !key.trim().chars().all(|c| c == ' ' || c.is_ascii_graphic()) {
        return Err("an SSH public key is one line of printable ASCII".into());
    }
    let mut parts = key.split_whitespace();
    let (Some(kind), Some(data)) = (parts.next(), parts.next()) else {
        return Err("an SSH public key has a type and the key in base64".into());
    };
    const KINDS: &[&str] = &[
        "ssh-ed25519",
        "ssh-rsa",
        "ecdsa-sha2-nistp256",
        "ecdsa-sha2-nistp384",
        "ecdsa-sha2-nistp521",
    ];
    if !KINDS.contains(&kind) {
        return Err(format!(
            "the key type is not one Azure takes ({})",
            KINDS.join(", ")
        ));
    }
    let blob = base64(data).ok_or("the key is not valid base64")?;
    let mut fields = SshFields(&blob);
    if fields.next() != Some(kind.as_bytes()) {
        return Err("the key's content does not match its type".into());
    }
    if kind == "ssh-rsa" {
        let _exponent = fields.next().ok_or("truncated RSA key")?;
        let modulus = fields.next().ok_or("truncated RSA key")?;
        let significant = modulus.iter().skip_while(|b| **b == 0).count();
        if significant * 8 < 2048 {
            return Err("RSA keys need 2048 bits or more".into());
        }
    } else if fields.next().is_none() {
        return Err("truncated key".into());
    }
    Ok(())
}

/// The length-prefixed fields of an SSH key blob (RFC 4253 `string`s).
struct SshFields<'a>(&'a [u8]);

impl<'a> Iterator for SshFields<'a> {
    type Item = &'a [u8];
    fn next(&mut self) -> Option<&'a [u8]> {
        let len = u32::from_be_bytes(self.0.get(..4)?.try_into().ok()?) as usize;
        let field = self.0.get(4..4 + len)?;
        self.0 = &self.0[4 + len..];
        Some(field)
    }
}

/// Standard base64 with padding, as OpenSSH writes public keys.
fn base64(s: &str) -> Option<Vec<u8>> {
    if s.is_empty() || !s.len().is_multiple_of(4) {
        return None;
    }
    let val = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    };
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(s.len() / 4 * 3);
    for (i, chunk) in bytes.chunks(4).enumerate() {
        let last = i == bytes.len() / 4 - 1;
        let pad = chunk.iter().rev().take_while(|c| **c == b'=').count();
        if pad > 2 || (pad > 0 && !last) {
            return None;
        }
        let mut n = 0u32;
        for c in &chunk[..4 - pad] {
            n = (n << 6) | val(*c)?;
        }
        n <<= 6 * pad as u32;
        let b = n.to_be_bytes();
        out.extend_from_slice(&b[1..4 - pad]);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::ssh_public_key;

    // Public keys made for these tests with ssh-keygen (their private halves were deleted).
    const ED25519: &str = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAICjHtZctCaPxI1fEZeY97HJf9ihP5IyTVteI4H+qXRh4 amlgen-test";
    const RSA_1024: &str = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQDnja/9KP8rQzVAQ5Wgp98E59o+mYv6J9gmsElZnZombNo6bqPZEGL87viHifRXT5cSX5j/fiUcSSm6L04RREWjzs42nUs8LoFgpeTJY29Xna6BMrojla2F72VyErQrN3iwtTJsU7+cm30MrowcnC3non9UsDtcrkmRtiZGE+Dbvw== short";

    #[test]
    fn public_keys_pass_and_others_fail() {
        assert_eq!(ssh_public_key(ED25519), Ok(()));
        assert!(ssh_public_key("ssh-ed25519 AAAA").is_err());
        assert!(ssh_public_key(RSA_1024).unwrap_err().contains("2048"));
        assert!(ssh_public_key("ssh-dss AAAAB3NzaC1kc3M= x").is_err());
        // The type inside the blob must be the one outside.
        assert!(ssh_public_key(&ED25519.replacen("ssh-ed25519", "ssh-rsa", 1)).is_err());
        let private = "-----BEGIN OPENSSH PRIVATE KEY-----";
        assert!(ssh_public_key(private).unwrap_err().contains("private key"));
    }
}
