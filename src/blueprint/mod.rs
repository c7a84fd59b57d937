//! Blueprints: the input types, loading (built-in or file), `--set` overrides and source
//! positions for diagnostics.

pub mod builtin;
pub mod limits;
pub mod load;
pub mod model;
pub mod overrides;
pub mod schema;
pub mod source_map;

pub use load::{load, load_layers, Loaded, Source};
pub use model::*;

/// A built-in blueprint with `--set` assignments applied, for unit tests of the checks.
#[cfg(test)]
pub fn builtin_with(name: &str, sets: &[&str]) -> Blueprint {
    let sets: Vec<String> = sets.iter().map(|s| s.to_string()).collect();
    let source = Source::resolve(name).unwrap();
    load(source, &sets).unwrap().blueprint
}
