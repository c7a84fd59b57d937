//! Analysis: the one place that judges a loaded blueprint. It runs the checks and, when they
//! pass, keeps what they resolved (names, address plans, the topology) as typed values in
//! `Checked`, so `plan` works from settled facts and cannot fail on user input.

pub mod address_plan;
pub mod existing;

use crate::blueprint::{CustomerNetwork, Egress, FirewallSku, IsolationMode, Loaded, WayIn};
use crate::diagnostic::Code;
use crate::diagnostic::Diagnostic;
use crate::naming::Names;
use crate::net::parse_cidr;
use ipnet::Ipv4Net;

/// A blueprint that passed every check, with what the checks resolved.
pub struct Checked {
    pub loaded: Loaded,
    /// Warnings (errors stop analysis).
    pub warnings: Vec<Diagnostic>,
    pub names: Names,
    pub topology: Topology,
}

/// Where compute runs and how its traffic leaves.
pub enum Topology {
    /// The workspace managed VNet; people reach the workspace from a client VNet, if any.
    ManagedVnet { approved_only: bool },
    /// A customer VNet (the spoke) with the address plans the checks accepted.
    CustomerVnet(CustomerVnet),
}

pub struct CustomerVnet {
    /// The subnets amlgen creates (none in an existing spoke).
    pub spoke_subnets: Vec<(String, Ipv4Net)>,
    pub egress: CustomerEgress,
    /// The landing zone's spoke, when the blueprint names one (then amlgen creates no subnet).
    pub existing_spoke: Option<Box<ExistingSpokePlan>>,
}

/// An existing spoke: its subnets by ID, and the prefixes the blueprint states they have.
pub struct ExistingSpokePlan {
    pub training: existing::NetworkId,
    pub pe: existing::NetworkId,
    pub training_prefix: Option<Ipv4Net>,
    pub pe_prefix: Option<Ipv4Net>,
}

/// An existing hub: its VNet by ID and its firewall's private IP.
pub struct ExistingHubPlan {
    pub vnet: existing::NetworkId,
    pub firewall_ip: std::net::Ipv4Addr,
    pub exfiltration_prevention: bool,
}

/// How compute traffic leaves a customer VNet.
pub enum CustomerEgress {
    /// Through Azure Firewall in a hub amlgen creates.
    Firewall(HubPlan),
    /// Through the firewall of an existing hub (its rules are the hub owner's).
    ExistingFirewall(ExistingHubPlan),
    /// Through a NAT gateway on the compute subnets.
    NatGateway,
}

pub struct HubPlan {
    pub subnets: Vec<(String, Ipv4Net)>,
    /// AzureFirewallSubnet, which every hub has.
    pub firewall_subnet: Ipv4Net,
    pub firewall_sku: FirewallSku,
    pub exfiltration_prevention: bool,
}

/// Checks a loaded blueprint; on success, the resolved values. The diagnostics (errors and
/// warnings) are returned on failure.
pub fn analyze(loaded: Loaded) -> Result<Checked, (Loaded, Vec<Diagnostic>)> {
    let mut diagnostics = crate::check::check(&loaded);
    if diagnostics.iter().any(Diagnostic::is_error) {
        return Err((loaded, diagnostics));
    }
    let bp = &loaded.blueprint;
    let topology = match &bp.network {
        None => Topology::ManagedVnet {
            approved_only: bp.workspace.managed_network.isolation_mode
                == IsolationMode::AllowOnlyApprovedOutbound,
        },
        Some(net) => match customer(net, &bp.way_in) {
            Ok(c) => Topology::CustomerVnet(c),
            // The checks carved the plans already (AMLG036 when one does not fit, AMLG130 for a
            // firewall without hub); reaching this is a disagreement between check and analysis.
            Err(key) => {
                diagnostics.push(
                    Diagnostic::error(Code::NoRoomForSubnet, format!("no room left to carve {key}"))
                        .at_path("network")
                        .with_help("give the VNet a larger address space, or set the subnet's range explicitly"),
                );
                return Err((loaded, diagnostics));
            }
        },
    };
    let names = Names::of(bp);
    Ok(Checked {
        warnings: diagnostics,
        names,
        topology,
        loaded,
    })
}

fn customer(net: &CustomerNetwork, way_in: &WayIn) -> Result<CustomerVnet, String> {
    let parse_prefix = |p: &Option<String>| p.as_deref().and_then(|x| parse_cidr(x).ok());
    let existing_spoke = match &net.spoke.existing {
        Some(e) => Some(Box::new(ExistingSpokePlan {
            training: existing::parse(&e.training_subnet_id, true)
                .ok_or_else(|| "the existing training subnet".to_string())?,
            pe: existing::parse(&e.pe_subnet_id, true)
                .ok_or_else(|| "the existing pe subnet".to_string())?,
            training_prefix: parse_prefix(&net.spoke.subnets.training),
            pe_prefix: parse_prefix(&net.spoke.subnets.pe),
        })),
        None => None,
    };
    let spoke_subnets = if existing_spoke.is_some() {
        Vec::new()
    } else {
        address_plan::spoke_plan(net)?
    };
    let egress = match (net.egress, &net.hub) {
        (Egress::NatGateway, _) => CustomerEgress::NatGateway,
        (Egress::Firewall, Some(hub)) if hub.existing.is_some() => {
            let e = hub.existing.as_ref().expect("checked just above");
            CustomerEgress::ExistingFirewall(ExistingHubPlan {
                vnet: existing::parse(&e.vnet_id, false)
                    .ok_or_else(|| "the existing hub".to_string())?,
                firewall_ip: e
                    .firewall_private_ip
                    .parse()
                    .map_err(|_| "the existing hub's firewall address".to_string())?,
                exfiltration_prevention: net.exfiltration_prevention,
            })
        }
        (Egress::Firewall, Some(hub)) => {
            let subnets = address_plan::hub_plan(hub, way_in)?;
            let firewall_subnet = subnets
                .iter()
                .find(|(k, _)| k == address_plan::FIREWALL_SUBNET)
                .map(|(_, p)| *p)
                .ok_or_else(|| address_plan::FIREWALL_SUBNET.to_string())?;
            CustomerEgress::Firewall(HubPlan {
                subnets,
                firewall_subnet,
                firewall_sku: hub.firewall.sku,
                exfiltration_prevention: net.exfiltration_prevention,
            })
        }
        (Egress::Firewall, None) => return Err("the hub".to_string()),
    };
    Ok(CustomerVnet {
        spoke_subnets,
        egress,
        existing_spoke,
    })
}
