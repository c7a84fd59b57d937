//! Lowering passes: the neutral `Model` that `plan` decides gets, per target, the text that
//! target needs (Bicep expressions and symbols, shell words and variables). Plan makes no target
//! text and templates make no decisions; this is the one place in between. Each pass only adds
//! fields, so `--emit model` shows exactly what the templates receive.

pub mod bicep;
pub mod cli;
mod params;
pub mod powershell;
pub mod way_in;

use crate::plan::model::Model;

/// Runs every lowering pass on a planned model.
pub fn lower(model: &mut Model) {
    // ARM's spelling, which az's `--public-network-access` takes too.
    model.posture.public_network_access_text = access(model.posture.public_network_access);
    bicep::lower(model);
    cli::lower(model);
    powershell::lower(model);
}

/// ARM's spelling of an on/off access setting.
pub(crate) fn access(enabled: bool) -> &'static str {
    if enabled {
        "Enabled"
    } else {
        "Disabled"
    }
}

/// Every catalog text of the model (NSG, firewall and route values), for the passes to fill.
pub(crate) fn texts_mut(m: &mut Model) -> Vec<&mut crate::plan::zones::Text> {
    let mut out = Vec::new();
    if let Some(n) = m.network.as_mut() {
        for s in &mut n.spoke.subnets {
            for r in &mut s.nsg_rules {
                out.push(&mut r.source);
                out.push(&mut r.destination);
            }
        }
        if let Some(fw) = n.firewall.as_mut() {
            for r in &mut fw.network_rules {
                out.extend(r.destination_addresses.iter_mut());
                out.extend(r.destination_fqdns.iter_mut());
            }
            for r in &mut fw.application_rules {
                out.extend(r.fqdns.iter_mut());
            }
        }
        for rt in &mut n.route_tables {
            for r in &mut rt.routes {
                out.push(&mut r.address_prefix);
            }
        }
    }
    out
}
