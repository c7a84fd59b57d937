//! Analysis: the one place that judges a loaded blueprint. It runs the checks and, when they
//! pass, keeps what they resolved (names, address plans, the topology) as typed values in
//! `Checked`, so `plan` works from settled facts and cannot fail on user input.

pub mod address_plan;

use crate::blueprint::{FirewallSku, IsolationMode, Loaded};
use crate::diagnostic::Diagnostic;
use crate::naming::Names;
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
    /// A customer hub-spoke network with the address plans the checks accepted.
    CustomerVnet(CustomerVnet),
}

pub struct CustomerVnet {
    pub hub_subnets: Vec<(String, Ipv4Net)>,
    /// AzureFirewallSubnet, which every hub has.
    pub firewall_subnet: Ipv4Net,
    pub spoke_subnets: Vec<(String, Ipv4Net)>,
    pub firewall_sku: FirewallSku,
    pub exfiltration_prevention: bool,
}

/// Checks a loaded blueprint; on success, the resolved values. The diagnostics (errors and
/// warnings) are returned on failure.
pub fn analyze(loaded: Loaded) -> Result<Checked, (Loaded, Vec<Diagnostic>)> {
    let diagnostics = crate::check::check(&loaded);
    if diagnostics.iter().any(Diagnostic::is_error) {
        return Err((loaded, diagnostics));
    }
    let bp = &loaded.blueprint;
    let topology = match &bp.network {
        None => Topology::ManagedVnet {
            approved_only: bp.workspace.managed_network.isolation_mode
                == IsolationMode::AllowOnlyApprovedOutbound,
        },
        Some(net) => {
            // The checks carved both plans already (AMLG036 when one does not fit); a failure
            // here would be a disagreement between check and analysis, reported as such.
            let plans = address_plan::hub_plan(net)
                .and_then(|hub| address_plan::spoke_plan(net).map(|spoke| (hub, spoke)));
            let with_firewall = plans.and_then(|(hub, spoke)| {
                hub.iter()
                    .find(|(k, _)| k == address_plan::FIREWALL_SUBNET)
                    .map(|(_, p)| *p)
                    .ok_or_else(|| address_plan::FIREWALL_SUBNET.to_string())
                    .map(|fw| (hub, spoke, fw))
            });
            match with_firewall {
                Ok((hub_subnets, spoke_subnets, firewall_subnet)) => {
                    Topology::CustomerVnet(CustomerVnet {
                        hub_subnets,
                        firewall_subnet,
                        spoke_subnets,
                        firewall_sku: net.hub.firewall.sku,
                        exfiltration_prevention: net.exfiltration_prevention,
                    })
                }
                Err(key) => {
                    let mut diagnostics = diagnostics;
                    diagnostics.push(
                        Diagnostic::error("AMLG036", format!("no room left to carve {key}"))
                            .at_path("network")
                            .with_help("give the VNet a larger address space, or set the subnet's range explicitly"),
                    );
                    return Err((loaded, diagnostics));
                }
            }
        }
    };
    let names = Names::of(bp);
    Ok(Checked {
        warnings: diagnostics,
        names,
        topology,
        loaded,
    })
}
