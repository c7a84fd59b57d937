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
    /// path -> the `--values` overlay (1-based, in command-line order) that wrote the value;
    /// paths not here were written by the blueprint itself.
    layers: HashMap<String, usize>,
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

    /// Whether the text holds a value at exactly `path`.
    pub fn has(&self, path: &str) -> bool {
        self.values.contains_key(path)
    }

    /// Which file wrote the value at `path` (or its nearest enclosing value): 0 for the
    /// blueprint, `i` for the i-th `--values` overlay.
    pub fn layer(&self, path: &str) -> usize {
        let mut p = path.to_string();
        loop {
            if self.values.contains_key(&p) || self.keys.contains_key(&p) {
                return self.layers.get(&p).copied().unwrap_or(0);
            }
            match parent(&p) {
                Some(up) => p = up,
                None => return 0,
            }
        }
    }

    /// Lays the positions of overlay number `layer` over this map: every path the overlay
    /// writes now points into the overlay, and nothing below a value it replaced whole (a list,
    /// a scalar, a `null`) keeps a position in the files underneath, so a diagnostic about what
    /// the overlay wrote cannot point at the blueprint's old list items.
    pub fn overlay(&mut self, other: SourceMap, replaced: &[String], layer: usize) {
        let below = |path: &str| {
            replaced.iter().any(|r| {
                path.strip_prefix(r.as_str())
                    .is_some_and(|rest| rest.starts_with('.') || rest.starts_with('['))
            })
        };
        self.values.retain(|p, _| !below(p));
        self.keys.retain(|p, _| !below(p));
        self.layers.retain(|p, _| !below(p));
        for (path, at) in other.values {
            self.layers.insert(path.clone(), layer);
            self.values.insert(path, at);
        }
        for (path, at) in other.keys {
            self.layers.insert(path.clone(), layer);
            self.keys.insert(path, at);
        }
    }

    /// Position of the key that holds `path` (for unknown-key errors), falling back to the value.
    pub fn key(&self, path: &str) -> Option<(usize, usize)> {
        self.keys.get(path).copied().or_else(|| self.value(path))
    }
}

/// Every scalar of a parsed document, keys included, in document order with its 1-based line
/// and column: for a sweep over all values whatever the document's shape.
pub fn scalars(doc: &crate::yaml::Value, map: &SourceMap) -> Vec<(usize, usize, String)> {
    use crate::yaml::Value;
    fn walk(v: &Value, path: &str, map: &SourceMap, out: &mut Vec<(usize, usize, String)>) {
        match v {
            Value::Null => {}
            Value::Mapping(m) => {
                for (k, child) in m.iter() {
                    let key = k.key_text();
                    let p = if path.is_empty() {
                        key.clone()
                    } else {
                        format!("{path}.{key}")
                    };
                    if let Some((l, c)) = map.keys.get(&p) {
                        out.push((*l, *c, key));
                    }
                    walk(child, &p, map, out);
                }
            }
            Value::Sequence(items) => {
                for (i, child) in items.iter().enumerate() {
                    walk(child, &format!("{path}[{i}]"), map, out);
                }
            }
            scalar => {
                if let Some((l, c)) = map.values.get(path) {
                    out.push((*l, *c, scalar.key_text()));
                }
            }
        }
    }
    let mut out = Vec::new();
    walk(doc, "", map, &mut out);
    out
}

/// The paths of an overlay whose values replace what is underneath whole: every value that is
/// not a mapping (mappings merge key by key).
pub fn replaced_paths(overlay: &crate::yaml::Value) -> Vec<String> {
    use crate::yaml::Value;
    fn walk(v: &Value, path: &str, out: &mut Vec<String>) {
        match v {
            Value::Mapping(m) => {
                for (k, child) in m.iter() {
                    let key = k.key_text();
                    let p = if path.is_empty() {
                        key
                    } else {
                        format!("{path}.{key}")
                    };
                    walk(child, &p, out);
                }
            }
            _ => out.push(path.to_string()),
        }
    }
    let mut out = Vec::new();
    walk(overlay, "", &mut out);
    out
}

/// `a.b[2].c` -> `a.b[2]` -> `a.b` -> `a` -> `` -> None.
fn parent(path: &str) -> Option<String> {
    if path.is_empty() {
        return None;
    }
    let cut = path.rfind(['.', '[']).unwrap_or(0);
    Some(path[..cut].to_string())
}

#[cfg(test)]
mod tests {
    use super::scalars;

    #[test]
    fn lists_every_scalar_keys_included() {
        let d = crate::yaml::parse("a: {b: x}\nc: [1, 'y']\n").unwrap();
        let got: Vec<(usize, usize, String)> = scalars(&d.value, &d.map);
        let got: Vec<(usize, usize, &str)> =
            got.iter().map(|(l, c, v)| (*l, *c, v.as_str())).collect();
        assert_eq!(
            got,
            [
                (1, 1, "a"),
                (1, 5, "b"),
                (1, 8, "x"),
                (2, 1, "c"),
                (2, 5, "1"),
                (2, 8, "y")
            ]
        );
    }
}
