//! Semantic checks: what the types cannot say. Each rule returns diagnostics with the value path;
//! `locate` then adds file, line and column from the source map. Errors stop the pipeline before
//! anything is rendered; warnings are printed and rendering goes on.

mod access;
mod addresses;
mod encryption;
pub mod inference;
mod names;
mod network;
mod outbound;
mod packages;
mod policy;
mod private_dns;
mod ranges;
mod text;

use crate::blueprint::Loaded;
use crate::diagnostic::Diagnostic;

/// All checks of one blueprint, positioned in its source.
pub fn check(loaded: &Loaded) -> Vec<Diagnostic> {
    let bp = &loaded.blueprint;
    let mut out = Vec::new();
    // The blueprint as a value tree, for the checks that walk it by path; made once for both.
    // It serialises to exactly the shape it was read from (same keys), so the paths built from
    // it are the paths diagnostics use everywhere.
    let tree = serde_json::to_value(bp).ok();
    text::check(bp, &mut out);
    if let Some(tree) = &tree {
        text::check_characters(tree, &mut out);
    }
    names::check(bp, &mut out);
    access::check(bp, &mut out);
    encryption::check(bp, &mut out);
    addresses::check(bp, &mut out);
    network::check(bp, &mut out);
    inference::check(bp, &mut out);
    outbound::check(bp, &mut out);
    packages::check(bp, &mut out);
    private_dns::check(bp, &mut out);
    policy::check(bp, &mut out);
    if let Some(tree) = &tree {
        ranges::check(tree, &mut out);
    }
    let located = out.into_iter().map(|d| locate(d, loaded));
    // How the argument was resolved (a file shadowed by a built-in name) comes first.
    loaded
        .source
        .warnings
        .iter()
        .cloned()
        .chain(located)
        .collect()
}

/// Adds file, line and column to a diagnostic that has a value path.
pub(crate) fn locate(mut d: Diagnostic, loaded: &Loaded) -> Diagnostic {
    d.location.file = loaded.source.label.clone();
    let Some(path) = d.location.path.clone() else {
        return d;
    };
    // A value that came from `--set` has no place in the file: point at the assignment.
    let from_set = loaded.sets.iter().find(|s| {
        let set_path = s.split_once('=').map_or(s.as_str(), |(p, _)| p.trim());
        path == set_path
            || path.starts_with(&format!("{set_path}."))
            || path.starts_with(&format!("{set_path}["))
    });
    if let Some(s) = from_set {
        d.location.file = format!("{} (--set {s})", loaded.source.label);
        return d;
    }
    // Base blueprint or a `--values` overlay: the file that wrote the value.
    d.location.file = loaded.file_of(&path).label.clone();
    if let Some((l, c)) = loaded.map.value(&path) {
        d = d.at_line(l, c);
    }
    d
}
