//! Package ecosystems: known names, and where allowing them means something.

use crate::blueprint::{Blueprint, IsolationMode};
use crate::catalog::Catalog;
use crate::diagnostic::Code;
use crate::diagnostic::Diagnostic;
use crate::suggest::did_you_mean;

pub fn check(bp: &Blueprint, out: &mut Vec<Diagnostic>) {
    let cat = Catalog::get();
    for (i, p) in bp.packages.iter().enumerate() {
        if !cat.packages.contains_key(p) {
            let hint = did_you_mean(p, cat.packages.keys().map(String::as_str))
                .map(|s| format!("did you mean `{s}`? "))
                .unwrap_or_default();
            out.push(
                Diagnostic::error(
                    Code::UnknownEcosystem,
                    format!("unknown package ecosystem `{p}`"),
                )
                .at_path(format!("packages[{i}]"))
                .with_value(p)
                .with_help(format!(
                    "{hint}known: {}",
                    cat.packages.keys().cloned().collect::<Vec<_>>().join(", ")
                )),
            );
        }
    }
    let mode = bp.workspace.managed_network.isolation_mode;
    if !bp.packages.is_empty()
        && bp.network.is_none()
        && mode != IsolationMode::AllowOnlyApprovedOutbound
    {
        out.push(
            Diagnostic::warning(Code::PackagesNeedNoAllowance, "packages need no allowance here; nothing is emitted for them")
                .at_path("packages")
                .with_help("compute already reaches the internet in this mode (and FQDN rules are refused there); remove `packages`"),
        );
    }
}
