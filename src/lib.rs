//! amlgen: Azure Machine Learning network-isolation blueprints -> deployable artifacts.
//!
//! The pipeline is one straight line, one module per step:
//! load (`blueprint`) -> check (`check`) -> plan (`plan`) -> render (`render`) -> verify
//! (`verify`) -> write (`output`). Domain facts live in `catalog`; names in `naming`.

// A Diagnostic is ~180 bytes and only ever returned on the cold error path; boxing it in every
// Result would add noise for no measurable gain.
#![allow(clippy::result_large_err)]

pub mod allowlist;
pub mod analyze;
pub mod blueprint;
pub mod catalog;
pub mod check;
pub mod cli;
pub mod diagnostic;
pub mod error;
pub mod explain;
pub mod flows;
pub mod lint;
pub mod lower;
pub mod naming;
pub mod net;
pub mod output;
pub mod plan;
pub mod render;
pub mod rules;
pub mod sarif;
pub mod suggest;
pub mod verify;
pub mod yaml;

use blueprint::{Loaded, Source};
use diagnostic::Diagnostic;
use output::Manifest;
use plan::model::Model;
use render::Artifact;

/// A blueprint taken through check, plan, render and verify; nothing written yet.
pub struct Rendered {
    pub loaded: Loaded,
    /// Warnings from the checks (errors stop the pipeline earlier).
    pub warnings: Vec<Diagnostic>,
    pub model: Model,
    pub artifacts: Vec<Artifact>,
    pub manifest: Manifest,
}

pub use error::{Error, Exit};

/// Loads and analyses a blueprint: the `amlgen check` path, and the start of `render`.
pub fn load_and_analyze(arg: &str, sets: &[String]) -> Result<analyze::Checked, Error> {
    let source = Source::resolve(arg).map_err(|d| Error::Blueprint {
        diagnostics: vec![d],
        source: None,
    })?;
    let text = source.text.clone();
    let loaded = blueprint::load(source, sets).map_err(|diagnostics| Error::Blueprint {
        diagnostics,
        source: Some(text.clone()),
    })?;
    analyze::analyze(loaded).map_err(|(_, diagnostics)| Error::Blueprint {
        diagnostics,
        source: Some(text),
    })
}

/// The whole pipeline up to (not including) writing. `out_arg` is `--out` as typed, for the
/// regenerate command in headers.
pub fn render_blueprint(
    arg: &str,
    sets: &[String],
    out_arg: Option<&str>,
) -> Result<Rendered, Error> {
    let checked = load_and_analyze(arg, sets)?;
    let regenerate = lower::cli::regenerate_command(&checked.loaded, out_arg);
    let mut model = plan::plan(&checked, regenerate.clone());
    lower::lower(&mut model);
    let artifacts = render::render(&model).map_err(|e| Error::Internal(e.to_string()))?;
    let findings = verify::verify(&artifacts);
    if !findings.is_empty() {
        let list: Vec<String> = findings
            .iter()
            .map(|f| format!("{}: {}", f.path, f.message))
            .collect();
        return Err(Error::Internal(format!(
            "rendered output failed verification (nothing was written):\n  {}",
            list.join("\n  ")
        )));
    }
    let mut warnings = checked.warnings;
    warnings.extend(flows::diagnostics(&flows::evaluate(&model)));
    let generated_by = format!("{} {}", model.generator.name, model.generator.version);
    let manifest = Manifest::of(&artifacts, &generated_by, &regenerate);
    Ok(Rendered {
        loaded: checked.loaded,
        warnings,
        model,
        artifacts,
        manifest,
    })
}
