//! `--set path=value`: change one value of a blueprint before it is checked, e.g.
//! `--set workspace.name=mlw-fraud-prod --set client_access.vnet.address_space[0]=10.9.0.0/16`.
//! The path is checked against the blueprint schema (so a typo is an error, not a new key), the
//! value is read as YAML (so `true`, `30` and `[a, b]` keep their types).

use crate::diagnostic::Code;
use crate::diagnostic::Diagnostic;
use crate::suggest::did_you_mean;
use crate::yaml::{self, Value as Yaml};
use serde_json::Value as Json;

#[derive(Debug, Clone, PartialEq)]
pub enum Segment {
    Key(String),
    Index(usize),
}

/// Display form used in diagnostics and by the source map: `a.b[0].c`.
pub fn display_path(segments: &[Segment]) -> String {
    let mut out = String::new();
    for s in segments {
        match s {
            Segment::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
            Segment::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

pub fn parse_path(path: &str) -> Result<Vec<Segment>, String> {
    let mut segs = Vec::new();
    for part in path.split('.') {
        let (key, mut rest) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        if key.is_empty() {
            return Err(format!("empty key in path `{path}`"));
        }
        segs.push(Segment::Key(key.to_string()));
        while !rest.is_empty() {
            // After a key or a `]` only `[` may follow (a `.` ends the part); anything else, such
            // as the `]` of `a[0]]`, is refused here rather than sliced.
            let Some(inner) = rest.strip_prefix('[') else {
                return Err(format!(
                    "unexpected `{}` in path `{path}`; indexes look like [0]",
                    rest.chars().next().unwrap_or_default().escape_debug()
                ));
            };
            let close = inner
                .find(']')
                .ok_or_else(|| format!("unclosed `[` in path `{path}`"))?;
            let digits = &inner[..close];
            let idx: usize = digits.parse().map_err(|_| {
                format!(
                    "`{}` is not a list index in `{path}`",
                    digits.escape_debug()
                )
            })?;
            segs.push(Segment::Index(idx));
            rest = &inner[close + 1..];
        }
    }
    Ok(segs)
}

/// Applies one `--set` to the parsed YAML document.
pub fn apply(doc: &mut Yaml, assignment: &str, schema: &Json) -> Result<(), Diagnostic> {
    let fail = |msg: String, help: &str| {
        Diagnostic::error(Code::UnknownSetPath, msg)
            .at_file("--set")
            .with_value(assignment.to_string())
            .with_help(help.to_string())
    };
    let (path, raw) = assignment.split_once('=').ok_or_else(|| {
        fail(
            "a --set needs the form PATH=VALUE".into(),
            "e.g. --set workspace.name=mlw-fraud-prod",
        )
    })?;
    let segs = parse_path(path.trim()).map_err(|m| fail(m, "paths look like a.b[0].c"))?;
    check_against_schema(&segs, schema).map_err(|(msg, help)| fail(msg, &help))?;
    // What does not read as YAML is taken as text (`--set description=a: b [c`).
    let value = match yaml::from_str_value(raw) {
        Ok(v) => v,
        Err(e) if e.kind == yaml::ErrorKind::TooDeep => {
            return Err(fail(
                format!("the value nests deeper than {} levels", yaml::MAX_DEPTH),
                "give a plain value or a short list, e.g. --set client_access.vnet.address_space=[10.9.0.0/16]",
            ))
        }
        Err(_) => Yaml::String(raw.to_string()),
    };
    set(doc, &segs, value).map_err(|m| fail(m, "set an existing list item, or the whole list"))
}

fn set(doc: &mut Yaml, segs: &[Segment], value: Yaml) -> Result<(), String> {
    let Some((first, rest)) = segs.split_first() else {
        *doc = value;
        return Ok(());
    };
    match first {
        Segment::Key(k) => {
            if !doc.is_mapping() {
                *doc = Yaml::Mapping(Default::default());
            }
            let map = doc.as_mapping_mut().expect("just made a mapping");
            if !map.contains_key(k) {
                map.insert(k, Yaml::Null);
            }
            set(map.get_mut(k).expect("inserted"), rest, value)
        }
        Segment::Index(i) => {
            let seq = doc
                .as_sequence_mut()
                .ok_or_else(|| format!("index [{i}] used on a value that is not a list"))?;
            let len = seq.len();
            let item = seq
                .get_mut(*i)
                .ok_or_else(|| format!("index [{i}] is past the end of a list of {len}"))?;
            set(item, rest, value)
        }
    }
}

/// Walks the JSON Schema along the path; every key must be a property the schema allows.
fn check_against_schema(segs: &[Segment], root: &Json) -> Result<(), (String, String)> {
    let mut nodes = vec![root];
    let mut walked: Vec<Segment> = Vec::new();
    for seg in segs {
        let expanded: Vec<&Json> = nodes.iter().flat_map(|n| expand(n, root)).collect();
        let mut next = Vec::new();
        let mut known: Vec<&str> = Vec::new();
        for n in &expanded {
            match seg {
                Segment::Key(k) => {
                    if let Some(props) = n.get("properties").and_then(Json::as_object) {
                        known.extend(props.keys().map(String::as_str));
                        if let Some(p) = props.get(k) {
                            next.push(p);
                        }
                    }
                    if let Some(ap) = n.get("additionalProperties").filter(|v| v.is_object()) {
                        next.push(ap);
                    }
                }
                Segment::Index(_) => {
                    if let Some(items) = n.get("items") {
                        next.push(items);
                    }
                }
            }
        }
        walked.push(seg.clone());
        if next.is_empty() {
            let at = display_path(&walked);
            return Err(match seg {
                Segment::Key(k) => {
                    known.sort_unstable();
                    known.dedup();
                    let hint = did_you_mean(k, known.iter().copied())
                        .map(|s| format!("did you mean `{s}`? "))
                        .unwrap_or_default();
                    (
                        format!("`{at}` is not a blueprint setting"),
                        format!("{hint}settings here: {}", known.join(", ")),
                    )
                }
                Segment::Index(_) => (
                    format!("`{at}` indexes a value that is not a list"),
                    "remove the [index]".to_string(),
                ),
            });
        }
        nodes = next;
    }
    Ok(())
}

/// Resolves `$ref` and flattens `anyOf`/`oneOf`/`allOf` so properties can be looked up.
fn expand<'a>(node: &'a Json, root: &'a Json) -> Vec<&'a Json> {
    let mut out = Vec::new();
    let mut todo = vec![node];
    while let Some(n) = todo.pop() {
        if let Some(r) = n.get("$ref").and_then(Json::as_str) {
            if let Some(target) = r.strip_prefix("#").and_then(|p| root.pointer(p)) {
                todo.push(target);
            }
        }
        for k in ["anyOf", "oneOf", "allOf"] {
            if let Some(list) = n.get(k).and_then(Json::as_array) {
                todo.extend(list.iter());
            }
        }
        out.push(n);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_paths() {
        assert_eq!(
            parse_path("a.b[2].c").unwrap(),
            vec![
                Segment::Key("a".into()),
                Segment::Key("b".into()),
                Segment::Index(2),
                Segment::Key("c".into())
            ]
        );
        assert!(parse_path("a..b").is_err());
        assert!(parse_path("a[x]").is_err());
    }

    #[test]
    fn malformed_paths_are_errors_not_panics() {
        for p in [
            "a[0]]",
            "tags[0]é]",
            "a[0]x",
            "a[",
            "a[]",
            "a[0][",
            "é[é]",
            "a[0]]]",
            "[0]",
            "a[-1]",
            "a[99999999999999999999999]",
            "a[0]\u{0}",
        ] {
            assert!(parse_path(p).is_err(), "{p}");
        }
        assert_eq!(
            parse_path("a[0][1]").unwrap(),
            vec![
                Segment::Key("a".into()),
                Segment::Index(0),
                Segment::Index(1)
            ]
        );
    }
}
