//! `amlgen explain CODE`: the longer explanation of a diagnostic code, its fix and its sources,
//! from `catalog/diagnostics.yaml` and `catalog/sources.yaml`.

use crate::catalog::diagnostics::{self, Explanation};
use crate::catalog::Catalog;
use std::fmt::Write as _;

const WIDTH: usize = 100;

/// The explanation of `code` (`AMLG101`, `amlg101` or `101`), or None for an unknown code.
pub fn explain(code: &str) -> Option<String> {
    if code.trim().eq_ignore_ascii_case("policy") {
        return Some(policy());
    }
    let (code, e) = diagnostics::get(code)?;
    Some(render(code, e))
}

/// `amlgen explain policy`: every built-in definition the blueprint's `policy:` may assign, what
/// it enforces, which blueprints get it, and where it is defined (catalog/policy.yaml).
fn policy() -> String {
    let cat = &Catalog::get().policy;
    let sources = &Catalog::get().sources;
    let mut out = String::from(
        "Azure Policy assignments (blueprint `policy: {scope: resource_group|subscription, effect: audit|deny}`)\n\n",
    );
    for (key, d) in &cat.assignments {
        let _ = writeln!(out, "{key}: {}", d.display_name);
        let _ = writeln!(
            out,
            "  definition {}{} ({} {})",
            crate::plan::policy::DEFINITION_ID_PREFIX,
            d.definition,
            d.file,
            d.version
        );
        let _ = writeln!(
            out,
            "  effects {}; assigned when: {}",
            d.effects.join(", "),
            d.when.describe()
        );
        let text = d
            .enforces
            .replace("{mode}", "the blueprint's mode")
            .replace("{zones}", "the api and notebooks zones");
        wrap_into(&mut out, &text, "  ");
        for id in &d.source {
            if let Some(s) = sources.get(id) {
                let at = s
                    .commit
                    .as_deref()
                    .map(|c| &c[..c.len().min(12)])
                    .unwrap_or("");
                let _ = writeln!(
                    out,
                    "  source: {} {} @ {at}",
                    s.repo.as_deref().unwrap_or(""),
                    s.path.as_deref().unwrap_or("")
                );
            }
        }
        out.push('\n');
    }
    let r = &cat.dine_roles;
    let _ = writeln!(
        out,
        "The private DNS zone assignment's managed identity gets {} ({}) at the assignment's scope and {} ({}) on each zone.",
        r.assignment_scope.name, r.assignment_scope.id, r.zones.name, r.zones.id
    );
    out
}

/// Every code with its title, one a line.
pub fn list() -> String {
    let mut out = String::new();
    for (code, e) in diagnostics::all() {
        let _ = writeln!(out, "{code}  {}", e.title);
    }
    out
}

/// The closest known code, for "did you mean".
pub fn closest(code: &str) -> Option<&'static str> {
    let upper = code.trim().to_ascii_uppercase();
    crate::suggest::did_you_mean(&upper, diagnostics::all().keys().map(String::as_str))
}

fn render(code: &str, e: &Explanation) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{code}: {}\n", e.title);
    wrap_into(&mut out, &e.explanation, "");
    out.push('\n');
    wrap_into(&mut out, &format!("Fix: {}", e.fix), "");
    out.push('\n');
    if e.source.is_empty() {
        let _ = writeln!(out, "Source: amlgen's own rule.");
        return out;
    }
    let _ = writeln!(out, "Sources:");
    let sources = &Catalog::get().sources;
    for id in &e.source {
        let Some(s) = sources.get(id) else {
            let _ = writeln!(out, "  - {id}");
            continue;
        };
        let _ = writeln!(out, "  - {} [{id}]", s.title);
        if let Some(u) = &s.url {
            let _ = writeln!(out, "    {u}");
        }
        if let (Some(repo), Some(path)) = (&s.repo, &s.path) {
            let at = s
                .commit
                .as_deref()
                .map(|c| format!(" @ {}", &c[..c.len().min(12)]))
                .unwrap_or_default();
            let _ = writeln!(out, "    {repo}: {path}{at}");
        }
    }
    out
}

/// Greedy word wrap at WIDTH columns.
fn wrap_into(out: &mut String, text: &str, indent: &str) {
    let mut line = String::from(indent);
    for word in text.split_whitespace() {
        if line.len() > indent.len() && line.len() + 1 + word.len() > WIDTH {
            out.push_str(line.trim_end());
            out.push('\n');
            line = String::from(indent);
        }
        if line.len() > indent.len() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if line.len() > indent.len() {
        out.push_str(&line);
        out.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    /// `AMLG030-033` -> 030..=033, `AMLG102, AMLG103` -> both.
    fn codes_in(text: &str) -> BTreeSet<String> {
        let re = regex::Regex::new(r"AMLG(\d{3})(?:-(\d{3}))?").unwrap();
        let mut out = BTreeSet::new();
        for c in re.captures_iter(text) {
            let a: u32 = c[1].parse().unwrap();
            let b: u32 = c.get(2).map_or(a, |m| m.as_str().parse().unwrap());
            for n in a..=b {
                out.insert(format!("AMLG{n:03}"));
            }
        }
        out
    }

    fn readme_table() -> BTreeSet<String> {
        let readme = include_str!("../README.md");
        let table = readme
            .split("### Diagnostics")
            .nth(1)
            .expect("README has a Diagnostics section")
            .split("\n## ")
            .next()
            .unwrap();
        codes_in(table)
    }

    /// Code (not comments) under src/ that writes a diagnostic code as text (quoted, or in
    /// brackets as `error[...]` shows it), other than the table of `diagnostic::Code`.
    fn codes_written_as_text() -> Vec<String> {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/src");
        let table = std::path::Path::new(root).join("diagnostic/code.rs");
        let re = regex::Regex::new(r#""AMLG\d{3}"|\[AMLG\d{3}\]"#).unwrap();
        let mut out = Vec::new();
        for entry in walkdir::WalkDir::new(root) {
            let entry = entry.unwrap();
            if entry.path().extension().is_some_and(|e| e == "rs") && entry.path() != table {
                let text = std::fs::read_to_string(entry.path()).unwrap();
                // Comments may show a code as users see it.
                let code_lines = text.lines().filter(|l| !l.trim_start().starts_with("//"));
                for m in code_lines.flat_map(|l| re.find_iter(l)) {
                    out.push(format!("{}: {}", entry.path().display(), m.as_str()));
                }
            }
        }
        out
    }

    #[test]
    fn every_code_in_the_readme_is_explained() {
        let known: BTreeSet<String> = diagnostics::all().keys().cloned().collect();
        let readme = readme_table();
        assert!(readme.len() > 30, "{readme:?}");
        let missing: Vec<_> = readme.difference(&known).collect();
        assert!(
            missing.is_empty(),
            "README codes without an explanation: {missing:?}"
        );
        let undocumented: Vec<_> = known.difference(&readme).collect();
        assert!(
            undocumented.is_empty(),
            "explained codes missing from the README table: {undocumented:?}"
        );
    }

    /// Every code amlgen prints is a `diagnostic::Code`, whose list a test compares with
    /// catalog/diagnostics.yaml; a code written as text would escape that check.
    #[test]
    fn codes_are_written_through_the_enum() {
        let found = codes_written_as_text();
        assert!(found.is_empty(), "use diagnostic::Code instead: {found:#?}");
    }

    #[test]
    fn explanations_have_text_and_resolve() {
        for (code, e) in diagnostics::all() {
            assert!(
                !e.title.is_empty() && e.explanation.len() > 20 && !e.fix.is_empty(),
                "{code}"
            );
            let text = explain(code).unwrap();
            assert!(text.starts_with(&format!("{code}: ")), "{text}");
            let prose = text.split("\nSource").next().unwrap();
            assert!(prose.lines().all(|l| l.chars().count() <= WIDTH), "{text}");
        }
        assert!(explain("amlg101")
            .unwrap()
            .contains("AllowInternetOutbound"));
        assert!(explain("101").is_some());
        assert!(explain(concat!("AMLG", "999")).is_none());
        assert!(closest("AMLG1O1").is_some());
    }
}
