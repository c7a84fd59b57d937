//! `amlgen check` on configurations written by hand: an `az ml` workspace YAML (or a fragment
//! of one), an NSG or ARM JSON, a shell script with `az ml workspace outbound-rule` commands, and
//! Markdown whose code blocks are any of these. Each kind has its module; this one tells them
//! apart by content and positions what they find. Blueprints keep their own path
//! (`crate::load_and_check`).

pub mod az_script;
pub mod markdown;
pub mod nsg_json;
pub mod workspace_yaml;

use crate::blueprint::source_map::SourceMap;
use crate::diagnostic::Code;
use crate::diagnostic::Diagnostic;
use std::path::Path;
use std::sync::LazyLock;

/// What a file is, as far as `amlgen check` is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    WorkspaceYaml(workspace_yaml::Shape),
    NsgJson,
    AzScript,
    Markdown,
}

impl Kind {
    pub fn describe(self) -> &'static str {
        match self {
            Kind::WorkspaceYaml(workspace_yaml::Shape::Workspace) => "az ml workspace YAML",
            Kind::WorkspaceYaml(workspace_yaml::Shape::ManagedNetwork) => {
                "managed_network fragment of an az ml workspace YAML"
            }
            Kind::WorkspaceYaml(_) => "outbound rules of an az ml workspace YAML",
            Kind::NsgJson => "NSG/ARM JSON",
            Kind::AzScript => "shell script with az commands",
            Kind::Markdown => "Markdown code blocks",
        }
    }
}

/// A hand-written file, checked.
#[derive(Debug)]
pub struct Linted {
    pub label: String,
    pub text: String,
    /// None when the file is nothing amlgen checks (the diagnostics say so).
    pub kind: Option<Kind>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Checks `arg` when it is a file of a kind this module handles; None when it is a blueprint
/// (or a built-in name, or YAML that does not parse), which `crate::load_and_check` reports.
pub fn check_file(arg: &str) -> Option<Linted> {
    use crate::blueprint::{limits, Source};
    // A built-in name means the built-in even when a file of that name exists (the blueprint
    // path warns about it), so `check` agrees with `render` and `show`.
    if !Source::names_file(arg) {
        return None;
    }
    let path = Path::new(arg);
    // Bounded and regular files only; what cannot be read here (too large, a device, too deep)
    // goes on to the blueprint path, which reports it.
    let text = limits::read_bounded(path, limits::MAX_FILE_BYTES).ok()?;
    if crate::yaml::parse(&text).is_err_and(|e| e.kind == crate::yaml::ErrorKind::TooDeep) {
        return None;
    }
    let (kind, diagnostics) = match lint_text(arg, &text) {
        Detected::Ours(kind, mut diagnostics) => {
            // Reading order; diagnostics found together on one value keep their order.
            diagnostics.sort_by_key(|d| (d.location.line, d.location.column));
            (Some(kind), diagnostics)
        }
        Detected::Blueprint => return None,
        Detected::Unknown(d) => (None, vec![d]),
    };
    Some(Linted {
        label: arg.to_string(),
        text,
        kind,
        diagnostics,
    })
}

/// The outcome of looking at a file's text.
pub enum Detected {
    Ours(Kind, Vec<Diagnostic>),
    /// A blueprint, or YAML the blueprint loader should report on.
    Blueprint,
    /// Nothing amlgen can check (AMLG230).
    Unknown(Diagnostic),
}

/// Detects the kind of `text` and checks it. `label` is the file name as given (its extension
/// helps: `.md`, `.json`, `.sh`).
pub fn lint_text(label: &str, text: &str) -> Detected {
    let ext = Path::new(label)
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default()
        .to_ascii_lowercase();
    if matches!(ext.as_str(), "md" | "markdown") {
        let d = markdown::lint(label, text);
        return match d {
            Some(d) => Detected::Ours(Kind::Markdown, d),
            None => Detected::Unknown(unknown(
                label,
                "no code block of this Markdown file is a configuration amlgen checks",
            )),
        };
    }
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let trimmed = text.trim_start();
    if ext == "json" || trimmed.starts_with('{') {
        return match nsg_json::lint(label, text) {
            Some(d) => Detected::Ours(Kind::NsgJson, d),
            None => Detected::Unknown(unknown(
                label,
                "this JSON has no NSG security rules (securityRules, Microsoft.Network/networkSecurityGroups)",
            )),
        };
    }
    if matches!(ext.as_str(), "sh" | "bash" | "zsh") || az_script::looks_like_script(text) {
        return Detected::Ours(Kind::AzScript, az_script::lint(label, text));
    }
    if let Some(why) = dependency_file(label, text) {
        return Detected::Unknown(
            unknown(label, why)
                .with_help("`amlgen allowlist FILE` prints the outbound rules it needs"),
        );
    }
    match lint_yaml(label, text) {
        Some((shape, d)) => Detected::Ours(Kind::WorkspaceYaml(shape), d),
        None => Detected::Blueprint,
    }
}

/// A project's dependency file (`amlgen allowlist` reads those), by name or content.
fn dependency_file(label: &str, text: &str) -> Option<&'static str> {
    let name = Path::new(label)
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default()
        .to_ascii_lowercase();
    if name.ends_with(".toml") {
        return Some("this is a TOML file (pyproject.toml?)");
    }
    if name.starts_with("requirements") || name.starts_with("constraints") {
        return Some("this is a pip requirements file");
    }
    let doc = crate::yaml::from_str_value(text).ok()?;
    let m = doc.as_mapping()?;
    let conda = m.contains_key("channels")
        || m.get("dependencies")
            .is_some_and(crate::yaml::Value::is_sequence);
    conda.then_some("this is a conda environment file")
}

/// A YAML text that is an `az ml` workspace YAML or a fragment of one, checked; None otherwise.
pub fn lint_yaml(label: &str, text: &str) -> Option<(workspace_yaml::Shape, Vec<Diagnostic>)> {
    lint_yaml_doc(label, crate::yaml::parse(text).ok()?)
}

/// [`lint_yaml`] on a parsed text.
pub fn lint_yaml_doc(
    label: &str,
    doc: crate::yaml::Document,
) -> Option<(workspace_yaml::Shape, Vec<Diagnostic>)> {
    let shape = workspace_yaml::shape_of(&doc.value)?;
    let pos = Positioner::with_map(label, doc.map);
    Some((shape, workspace_yaml::lint(&doc.value, shape, &pos)))
}

fn unknown(label: &str, why: &str) -> Diagnostic {
    Diagnostic::error(Code::UnknownFileKind, format!("not a file amlgen checks: {why}"))
        .at_file(label)
        .with_help("amlgen check reads blueprints, az ml workspace YAML, NSG/ARM JSON, scripts with `az ml workspace outbound-rule` commands and Markdown with such code blocks")
}

/// Places diagnostics that carry a value path in a YAML or JSON text.
pub struct Positioner {
    label: String,
    map: SourceMap,
}

impl Positioner {
    /// JSON is YAML as far as positions go: the same source map serves both.
    pub fn new(label: &str, text: &str) -> Positioner {
        Positioner::with_map(label, SourceMap::build(text))
    }

    /// For a text already parsed.
    pub fn with_map(label: &str, map: SourceMap) -> Positioner {
        Positioner {
            label: label.to_string(),
            map,
        }
    }

    /// File, line and column for the diagnostic's path: the key for an unknown key (AMLG002),
    /// the value (or its nearest enclosing value) otherwise.
    pub fn place(&self, d: Diagnostic) -> Diagnostic {
        let mut d = d.at_file(&self.label);
        if let Some(path) = d.location.path.clone() {
            let pos = if d.code == Code::UnknownKey {
                self.map.key(&path)
            } else {
                self.map.value(&path)
            };
            if let Some((l, c)) = pos {
                d = d.at_line(l, c);
            }
        }
        d
    }
}

/// A YAML scalar as written (strings without quotes), for messages.
pub fn yaml_text(v: &crate::yaml::Value) -> String {
    v.key_text()
}

/// "did you mean `x`? keys allowed here: a, b, c".
pub fn suggest_keys(key: &str, allowed: &[String]) -> String {
    let hint = crate::suggest::did_you_mean(key, allowed.iter().map(String::as_str))
        .map(|s| format!("did you mean `{s}`? "))
        .unwrap_or_default();
    format!("{hint}keys allowed here: {}", allowed.join(", "))
}

/// A placeholder left from an example: `{sub}`, `<SUB>`, `...`, `xxx`.
pub fn placeholder(value: &str) -> Option<String> {
    static RE: LazyLock<regex::Regex> = LazyLock::new(|| {
        regex::Regex::new(r"\{[^{}/]*\}|<[^<>/]+>|\.\.\.|(?i)\bx{3,}\b").expect("literal pattern")
    });
    RE.find(value).map(|m| m.as_str().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders() {
        assert_eq!(
            placeholder("/subscriptions/{sub}/resourceGroups/rg").as_deref(),
            Some("{sub}")
        );
        assert_eq!(
            placeholder("/subscriptions/<SUB>/x").as_deref(),
            Some("<SUB>")
        );
        assert_eq!(placeholder("/subscriptions/.../x").as_deref(), Some("..."));
        assert_eq!(
            placeholder("/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg"),
            None
        );
    }

    #[test]
    fn detection() {
        let kind = |label: &str, text: &str| match lint_text(label, text) {
            Detected::Ours(k, _) => format!("{k:?}"),
            Detected::Blueprint => "Blueprint".into(),
            Detected::Unknown(d) => d.code.to_string(),
        };
        assert_eq!(
            kind(
                "ws.yml",
                "name: w\nmanaged_network: {isolation_mode: disabled}\n"
            ),
            "WorkspaceYaml(Workspace)"
        );
        assert_eq!(
            kind("bp.yaml", "name: x\nnaming: {prefix: x}\nworkspace: {}\n"),
            "Blueprint"
        );
        assert_eq!(kind("bp.yaml", "a: [\n"), "Blueprint");
        assert_eq!(kind("nsg.json", "{\"securityRules\": []}"), "NsgJson");
        assert_eq!(kind("x.json", "{\"a\": 1}"), Code::UnknownFileKind.as_str());
        assert_eq!(
            kind(
                "rules.sh",
                "az ml workspace outbound-rule list -g rg -w ws\n"
            ),
            "AzScript"
        );
        assert_eq!(
            kind("notes.md", "# nothing\n"),
            Code::UnknownFileKind.as_str()
        );
        assert_eq!(
            kind("requirements.txt", "numpy\n"),
            Code::UnknownFileKind.as_str()
        );
        assert_eq!(
            kind("pyproject.toml", "[project]\n"),
            Code::UnknownFileKind.as_str()
        );
        assert_eq!(
            kind("environment.yml", "name: x\ndependencies: [numpy]\n"),
            Code::UnknownFileKind.as_str()
        );
    }
}
