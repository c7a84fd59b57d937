//! The PowerShell lowering: what the `.ps1` scripts print beyond the neutral model. Values are
//! quoted by the template environment (`escape::powershell_string`); this pass only chooses.

use crate::catalog::Catalog;
use crate::plan::model::{Model, PowerShellRequirement};

pub fn lower(m: &mut Model) {
    // deploy.ps1 says the modules it needs up front (`#Requires -Modules`), so an old Az fails
    // before anything is created rather than on the first unknown parameter.
    m.powershell.deploy_requires = Catalog::get()
        .powershell
        .deploy
        .iter()
        .map(|r| PowerShellRequirement {
            module: r.module.clone(),
            version: r.version.clone(),
        })
        .collect();
}
