//! Semantic checks: what the types cannot say. Each rule returns diagnostics with the value path;
//! `locate` then adds file, line and column from the source map. Errors stop the pipeline before
//! anything is rendered; warnings are printed and rendering goes on.

mod access;
mod addresses;
mod encryption;
mod identity;
mod inference;
pub mod kubernetes;
mod landing_zone;
mod names;
mod network;
mod outbound;
mod packages;
mod policy;
mod private_dns;
mod ranges;
mod text;
mod way_in;

use crate::blueprint::Loaded;
use crate::diagnostic::Diagnostic;

/// All checks of one blueprint, positioned in its source.
pub fn check(loaded: &Loaded) -> Vec<Diagnostic> {
    let bp = &loaded.blueprint;
    // A private key pasted as the jump box's public key: reported alone and without its source
    // line, so no other check (nor the snippet) repeats any of it.
    if let Some(d) = way_in::private_key(bp) {
        let mut d = locate(d, loaded);
        d.location.line = None;
        d.location.column = None;
        return vec![d];
    }
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
    identity::check(bp, &mut out);
    addresses::check(bp, &mut out);
    network::check(bp, &mut out);
    landing_zone::check(bp, &mut out);
    outbound::check(bp, &mut out);
    packages::check(bp, &mut out);
    private_dns::check(bp, &mut out);
    policy::check(bp, &mut out);
    inference::check(bp, &mut out);
    kubernetes::check(bp, &mut out);
    way_in::check(bp, &mut out);
    if let Some(tree) = &tree {
        ranges::check(tree, &mut out);
    }
    // The SSH key's value is never shown, nor its line: a pasted private key has many shapes
    // (OpenSSH, PEM, PuTTY, a bare base64 body) and a diagnostic ends up in CI logs.
    let located = out.into_iter().map(|d| {
        let mut d = locate(d, loaded);
        if d.location
            .path
            .as_deref()
            .is_some_and(|p| p.starts_with(way_in::SSH_KEY_PATH))
        {
            d.value = None;
            d.location.line = None;
            d.location.column = None;
        }
        d
    });
    // How the argument was resolved (a file shadowed by a built-in name) comes first.
    loaded
        .source
        .warnings
        .iter()
        .cloned()
        .chain(located)
        .collect()
}

/// The codes one check gives the approved-only built-in with `sets` applied (unit tests).
#[cfg(test)]
pub(crate) fn codes_of(
    check: fn(&crate::blueprint::Blueprint, &mut Vec<Diagnostic>),
    sets: &[&str],
) -> Vec<crate::diagnostic::Code> {
    let bp = crate::blueprint::builtin_with("approved-only", sets);
    let mut out = Vec::new();
    check(&bp, &mut out);
    out.into_iter().map(|d| d.code).collect()
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
        // The assignment is quoted whole, except where its value must never be shown.
        let shown = if path.starts_with(way_in::SSH_KEY_PATH) {
            format!(
                "{}=...",
                s.split_once('=').map_or(s.as_str(), |(p, _)| p.trim())
            )
        } else {
            s.clone()
        };
        d.location.file = format!("{} (--set {shown})", loaded.source.label);
        return d;
    }
    // Base blueprint or a `--values` overlay: the file that wrote the value.
    d.location.file = loaded.file_of(&path).label.clone();
    if let Some((l, c)) = loaded.map.value(&path) {
        d = d.at_line(l, c);
    }
    d
}
