//! Maps value paths (`workspace.managed_network.outbound_rules[1].type`) to line and column in
//! the YAML text, so diagnostics found on the typed blueprint can point at the user's file.
//! serde_yaml keeps no positions on parsed values, so this walks the parser's marked events once.

use std::collections::HashMap;
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

#[derive(Debug, Default, Clone)]
pub struct SourceMap {
    /// path -> (line, column) of the value, 1-based.
    values: HashMap<String, (usize, usize)>,
    /// path -> (line, column) of the mapping key that holds the value.
    keys: HashMap<String, (usize, usize)>,
}

impl SourceMap {
    /// Builds the map; on YAML the parser cannot read, the map is empty (serde_yaml reports the
    /// syntax error with its own position).
    pub fn build(text: &str) -> SourceMap {
        let mut builder = Builder::default();
        let mut parser = Parser::new_from_str(text);
        if parser.load(&mut builder, false).is_err() {
            return SourceMap::default();
        }
        builder.map
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

/// Every scalar of the YAML text, keys included, with its 1-based line and column: for a sweep
/// over all values whatever the document's shape. Empty when the parser cannot read the text.
pub fn scalars(text: &str) -> Vec<(usize, usize, String)> {
    #[derive(Default)]
    struct All(Vec<(usize, usize, String)>);
    impl MarkedEventReceiver for All {
        fn on_event(&mut self, ev: Event, mark: Marker) {
            if let Event::Scalar(value, ..) = ev {
                self.0.push((mark.line(), mark.col() + 1, value));
            }
        }
    }
    let mut all = All::default();
    if Parser::new_from_str(text).load(&mut all, true).is_err() {
        return Vec::new();
    }
    all.0
}

/// `a.b[2].c` -> `a.b[2]` -> `a.b` -> `a` -> `` -> None.
fn parent(path: &str) -> Option<String> {
    if path.is_empty() {
        return None;
    }
    let cut = path.rfind(['.', '[']).unwrap_or(0);
    Some(path[..cut].to_string())
}

fn join_key(base: &str, key: &str) -> String {
    if base.is_empty() {
        key.to_string()
    } else {
        format!("{base}.{key}")
    }
}

enum Frame {
    Map { path: String, key: Option<String> },
    Seq { path: String, index: usize },
}

#[derive(Default)]
struct Builder {
    stack: Vec<Frame>,
    map: SourceMap,
}

impl Builder {
    /// Path of the node that starts now, or None when it is a mapping key.
    fn node_path(&self) -> Option<String> {
        match self.stack.last() {
            None => Some(String::new()),
            Some(Frame::Map { key: None, .. }) => None,
            Some(Frame::Map { path, key: Some(k) }) => Some(join_key(path, k)),
            Some(Frame::Seq { path, index }) => Some(format!("{path}[{index}]")),
        }
    }

    /// A value node finished: the parent moves on to its next key or item.
    fn advance(&mut self) {
        match self.stack.last_mut() {
            Some(Frame::Map { key, .. }) => *key = None,
            Some(Frame::Seq { index, .. }) => *index += 1,
            None => {}
        }
    }

    fn record(&mut self, path: &str, mark: Marker) {
        self.map
            .values
            .insert(path.to_string(), (mark.line(), mark.col() + 1));
    }
}

impl MarkedEventReceiver for Builder {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        match ev {
            Event::Scalar(value, ..) => match self.node_path() {
                None => {
                    if let Some(Frame::Map { path, key }) = self.stack.last_mut() {
                        let full = join_key(path, &value);
                        self.map.keys.insert(full, (mark.line(), mark.col() + 1));
                        *key = Some(value);
                    }
                }
                Some(p) => {
                    self.record(&p, mark);
                    self.advance();
                }
            },
            Event::Alias(_) => {
                if let Some(p) = self.node_path() {
                    self.record(&p, mark);
                }
                self.advance();
            }
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                let p = self.node_path().unwrap_or_default();
                self.record(&p, mark);
                self.stack.push(if matches!(ev, Event::MappingStart(..)) {
                    Frame::Map { path: p, key: None }
                } else {
                    Frame::Seq { path: p, index: 0 }
                });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                self.stack.pop();
                self.advance();
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_nested_paths_to_positions() {
        let text = "a:\n  b:\n    - x: 1\n      y: two\n    - x: 3\nc: [1, 2]\n";
        let m = SourceMap::build(text);
        assert_eq!(m.value("a.b[0].y"), Some((4, 10)));
        assert_eq!(m.key("a.b[0].y"), Some((4, 7)));
        assert_eq!(m.value("a.b[1].x"), Some((5, 10)));
        assert_eq!(m.value("c[1]"), Some((6, 8)));
        // A path that does not exist falls back to its nearest existing parent.
        assert_eq!(m.value("a.b[1].zzz"), m.value("a.b[1]"));
    }

    #[test]
    fn lists_every_scalar_keys_included() {
        let s = scalars(
            "a: {b: x}
c: [1, 'y']
",
        );
        let got: Vec<(usize, usize, &str)> =
            s.iter().map(|(l, c, v)| (*l, *c, v.as_str())).collect();
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
        assert!(scalars("a: [").is_empty());
    }
}
