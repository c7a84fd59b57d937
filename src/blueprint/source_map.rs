//! Maps value paths (`workspace.managed_network.outbound_rules[1].type`) to line and column in
//! the YAML text, so diagnostics found on the typed blueprint can point at the user's file.
//! Filled by [`crate::yaml::parse`] from the same parse that gives the values.

use std::collections::HashMap;

#[derive(Debug, Default, Clone)]
pub struct SourceMap {
    /// path -> (line, column) of the value, 1-based.
    values: HashMap<String, (usize, usize)>,
    /// path -> (line, column) of the mapping key that holds the value.
    keys: HashMap<String, (usize, usize)>,
}

impl SourceMap {
    /// Builds the map; on YAML the parser cannot read, the map is empty (the parse error
    /// carries its own position).
    pub fn build(text: &str) -> SourceMap {
        crate::yaml::parse(text).map(|d| d.map).unwrap_or_default()
    }

    pub(crate) fn insert_value(&mut self, path: &str, at: (usize, usize)) {
        self.values.insert(path.to_string(), at);
    }

    pub(crate) fn insert_key(&mut self, path: &str, at: (usize, usize)) {
        self.keys.insert(path.to_string(), at);
    }

    /// Position of the value at `path`, or of the nearest enclosing value that exists.
    pub fn value(&self, path: &str) -> Option<(usize, usize)> {
        let mut p = path.to_string();
        loop {
            if let Some(pos) = self.values.get(&p) {
                return Some(*pos);
            }
            p = parent(&p)?;
        }
    }

    /// Position of the key that holds `path` (for unknown-key errors), falling back to the value.
    pub fn key(&self, path: &str) -> Option<(usize, usize)> {
        self.keys.get(path).copied().or_else(|| self.value(path))
    }
}

/// `a.b[2].c` -> `a.b[2]` -> `a.b` -> `a` -> `` -> None.
fn parent(path: &str) -> Option<String> {
    if path.is_empty() {
        return None;
    }
    let cut = path.rfind(['.', '[']).unwrap_or(0);
    Some(path[..cut].to_string())
}
