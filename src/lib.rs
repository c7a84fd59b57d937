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
pub mod change;
pub mod check;
pub mod cli;
pub mod diagnostic;
pub mod drift;
pub mod error;
pub mod explain;
pub mod fleet;
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

/// What a blueprint is read with besides its own file: `--values` overlays (in order) and
/// `--set` assignments (applied last).
#[derive(Debug, Default, Clone)]
pub struct Overrides {
    pub values: Vec<String>,
    pub sets: Vec<String>,
}

impl Overrides {
    pub fn sets(sets: &[String]) -> Overrides {
        Overrides {
            values: Vec::new(),
            sets: sets.to_vec(),
        }
    }
}

/// Loads and analyses a blueprint: the `amlgen check` path, and the start of `render`.
pub fn load_and_analyze(arg: &str, sets: &[String]) -> Result<analyze::Checked, Error> {
    load_and_analyze_with(arg, &Overrides::sets(sets))
}

/// [`load_and_analyze`] with `--values` overlays.
pub fn load_and_analyze_with(arg: &str, o: &Overrides) -> Result<analyze::Checked, Error> {
    let blueprint_error = |diagnostics, sources| Error::Blueprint {
        diagnostics,
        sources,
    };
    let named = Source::resolve(arg).map_err(|d| blueprint_error(vec![d], Vec::new()))?;
    let named_text = vec![(named.label.clone(), named.text.clone())];
    let mut chain = blueprint::load::extends_chain(named)
        .map_err(|d| blueprint_error(vec![d], named_text))?
        .into_iter();
    let source = chain.next().expect("a chain holds at least the named file");
    let mut overlays: Vec<Source> = chain.collect();
    let extended = overlays.len();
    for v in &o.values {
        let overlay =
            blueprint::load::overlay_source(v).map_err(|d| blueprint_error(vec![d], Vec::new()))?;
        overlays.push(overlay);
    }
    let sources: Vec<(String, String)> = std::iter::once(&source)
        .chain(&overlays)
        .map(|s| (s.label.clone(), s.text.clone()))
        .collect();
    let loaded = blueprint::load::load_extended(source, overlays, extended, &o.sets)
        .map_err(|diagnostics| blueprint_error(diagnostics, sources))?;
    analyze::analyze(loaded)
        .map_err(|(loaded, diagnostics)| blueprint_error(diagnostics, loaded.texts()))
}

/// The whole pipeline up to (not including) writing. `out_arg` is `--out` as typed, for the
/// regenerate command in headers.
pub fn render_blueprint(
    arg: &str,
    sets: &[String],
    out_arg: Option<&str>,
) -> Result<Rendered, Error> {
    let out = match out_arg {
        Some(o) => OutFolder::Exactly(o),
        None => OutFolder::Default,
    };
    render_with(arg, &Overrides::sets(sets), &out)
}

/// Where a render goes, as the user asked for it, for the regenerate command in headers.
#[derive(Debug, Clone, Copy)]
pub enum OutFolder<'a> {
    /// out/<name>
    Default,
    /// `--out` with one blueprint: the folder itself.
    Exactly(&'a str),
    /// `--out` with several: the root, each blueprint in `<root>/<name>`.
    Below(&'a str),
}

/// [`render_blueprint`] with `--values` overlays and a fleet's output root.
pub fn render_with(arg: &str, o: &Overrides, out: &OutFolder) -> Result<Rendered, Error> {
    let checked = load_and_analyze_with(arg, o)?;
    let below;
    let out_arg = match *out {
        OutFolder::Default => None,
        OutFolder::Exactly(dir) => Some(dir),
        OutFolder::Below(root) => {
            below = std::path::Path::new(root)
                .join(&checked.loaded.blueprint.name)
                .to_string_lossy()
                .into_owned();
            Some(below.as_str())
        }
    };
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
    let manifest =
        Manifest::of(&artifacts, &generated_by, &regenerate).with_state(change::State::of(&model));
    Ok(Rendered {
        loaded: checked.loaded,
        warnings,
        model,
        artifacts,
        manifest,
    })
}
