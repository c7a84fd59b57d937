//! Blueprints: the input types, loading (built-in or file), `--set` overrides and source
//! positions for diagnostics.

pub mod builtin;
pub mod limits;
pub mod load;
pub mod model;
pub mod overrides;
pub mod schema;
pub mod source_map;

pub use load::{load, Loaded, Source};
pub use model::*;
