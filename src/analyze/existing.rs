//! Networks that already exist (a landing zone's hub and spoke), named by resource ID. amlgen
//! cannot read Azure at render time, so an ID is judged by its shape: the checks refuse one
//! of the wrong type (AMLG180), and the plan takes names and the VNet from the parsed ID.

/// A VNet or subnet named by resource ID, split into the parts the outputs need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetworkId {
    pub subscription: String,
    pub resource_group: String,
    pub vnet: String,
    /// The subnet's name, for a subnet ID.
    pub subnet: Option<String>,
}

impl NetworkId {
    /// The VNet's own resource ID (for a subnet, the VNet it is in).
    pub fn vnet_id(&self) -> String {
        format!(
            "/subscriptions/{}/resourceGroups/{}/providers/Microsoft.Network/virtualNetworks/{}",
            self.subscription, self.resource_group, self.vnet
        )
    }
}

/// Characters of Azure resource and group names (letters, digits, `.`, `_`, `-`, `(`, `)`):
/// the IDs go unquoted into Bicep strings, shell words and ARM paths (AMLG111's rule, without
/// its documentation placeholders, as these IDs are deployed).
fn name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '(' | ')')
}

/// Parses `/subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.Network/virtualNetworks/<vnet>`
/// and, with `subnet`, the same followed by `/subnets/<name>`. `None` for anything else.
pub fn parse(id: &str, subnet: bool) -> Option<NetworkId> {
    let parts: Vec<&str> = id.split('/').collect();
    let len = if subnet { 11 } else { 9 };
    let shaped = parts.len() == len
        && parts[0].is_empty()
        && parts[1].eq_ignore_ascii_case("subscriptions")
        && parts[3].eq_ignore_ascii_case("resourceGroups")
        && parts[5].eq_ignore_ascii_case("providers")
        && parts[6].eq_ignore_ascii_case("Microsoft.Network")
        && parts[7].eq_ignore_ascii_case("virtualNetworks")
        && (!subnet || parts[9].eq_ignore_ascii_case("subnets"))
        && parts[1..]
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(name_char))
        // A subscription is a GUID; a name of dots, or one ending in a dot, is no Azure name and
        // would change the ARM path it goes into (`..` climbs a level).
        && crate::blueprint::Guid::try_from(parts[2].to_string()).is_ok()
        && parts[3..].iter().all(|p| !p.ends_with('.'));
    shaped.then(|| NetworkId {
        subscription: parts[2].to_string(),
        resource_group: parts[4].to_string(),
        vnet: parts[8].to_string(),
        subnet: subnet.then(|| parts[10].to_string()),
    })
}

#[cfg(test)]
mod tests {
    use super::parse;

    const VNET: &str = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-hub/providers/Microsoft.Network/virtualNetworks/vnet-hub";

    #[test]
    fn vnet_and_subnet_ids() {
        let v = parse(VNET, false).unwrap();
        assert_eq!(
            (v.resource_group.as_str(), v.vnet.as_str()),
            ("rg-hub", "vnet-hub")
        );
        assert_eq!(v.vnet_id(), VNET);
        let s = parse(&format!("{VNET}/subnets/snet-ml"), true).unwrap();
        assert_eq!(s.subnet.as_deref(), Some("snet-ml"));
        assert_eq!(s.vnet_id(), VNET);
        // A subnet is no VNet, nor the other way round; other types and shell syntax are no ID.
        assert!(parse(&format!("{VNET}/subnets/snet-ml"), false).is_none());
        assert!(parse(VNET, true).is_none());
        // No GUID subscription, a dot segment, a name ending in a dot.
        assert!(parse(
            &VNET.replace("00000000-0000-0000-0000-000000000000", "sub"),
            false
        )
        .is_none());
        assert!(parse(&VNET.replace("rg-hub", ".."), false).is_none());
        assert!(parse(&VNET.replace("vnet-hub", "vnet-hub."), false).is_none());
        assert!(parse(
            &VNET.replace("virtualNetworks", "networkSecurityGroups"),
            false
        )
        .is_none());
        assert!(parse(&VNET.replace("vnet-hub", "vnet-$(id)"), false).is_none());
        assert!(parse(&VNET.replace("vnet-hub", "{vnet}"), false).is_none());
        assert!(parse("vnet-hub", false).is_none());
    }
}
