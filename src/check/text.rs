//! Free text and simple scalars: blueprint name (it becomes a folder), prefix, location,
//! description, tags. Text lands in Bicep strings, script comments and Markdown, so control
//! characters are refused outright rather than escaped in five different ways.

use crate::blueprint::Blueprint;
use crate::catalog::Catalog;
use crate::diagnostic::Code;
use crate::diagnostic::Diagnostic;
use crate::suggest;

pub fn check(bp: &Blueprint, out: &mut Vec<Diagnostic>) {
    if !is_slug(&bp.name, 63) {
        out.push(
            Diagnostic::error(Code::BlueprintNameNotSlug, "blueprint name must be a folder-safe slug")
                .at_path("name")
                .with_value(&bp.name)
                .with_help("use 1-63 lowercase letters, digits and hyphens, starting with a letter or digit (it names the output folder out/<name>)"),
        );
    }
    if !is_slug(&bp.naming.prefix, 40) {
        out.push(
            Diagnostic::error(
                Code::PrefixNotSlug,
                "naming prefix must be lowercase letters, digits and hyphens",
            )
            .at_path("naming.prefix")
            .with_value(&bp.naming.prefix)
            .with_help(
                "use 1-40 characters such as `fraud-prod`; resource names are derived from it",
            ),
        );
    }
    region(bp, out);
    plain_text(&bp.description, "description", 1000, out);
    if let Some(f) = &bp.workspace.friendly_name {
        plain_text(f, "workspace.friendly_name", 256, out);
    }
    for (k, v) in &bp.tags {
        let path = format!("tags.{k}");
        if k.is_empty() || k.len() > 512 || k.contains(['<', '>', '%', '&', '\\', '?', '/']) {
            out.push(
                Diagnostic::error(Code::InvalidTagName, "tag name Azure would refuse")
                    .at_path(&path)
                    .with_value(k)
                    .with_help("tag names are 1-512 characters and cannot contain < > % & \\ ? /"),
            );
        }
        plain_text(k, &path, 512, out);
        plain_text(v, &path, 256, out);
    }
    // Azure compares tag names without case, and so do PowerShell hash literals: `Owner` and
    // `owner` would be one tag in Azure and a parse error in deploy.ps1.
    let mut seen: std::collections::BTreeMap<String, &str> = std::collections::BTreeMap::new();
    for k in bp.tags.keys() {
        if let Some(first) = seen.insert(k.to_lowercase(), k) {
            out.push(
                Diagnostic::error(
                    Code::InvalidTagName,
                    format!(
                        "tag name `{k}` repeats `{first}`: Azure compares tag names without case"
                    ),
                )
                .at_path(format!("tags.{k}"))
                .with_value(k)
                .with_help("keep one of the two tags"),
            );
        }
    }
}

/// `location` must be a programmatic region name of the blueprint's cloud (catalog/regions.yaml):
/// a misspelt region still renders service tags and host names (`Storage.northeurop`) and fails
/// only when Azure reads them.
fn region(bp: &Blueprint, out: &mut Vec<Diagnostic>) {
    let catalog = Catalog::get();
    let cloud = bp.cloud.as_str();
    let regions = catalog.regions(cloud);
    let location = bp.location.as_str();
    if regions.contains(location) {
        return;
    }
    let well_formed = !location.is_empty()
        && location
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    let (message, help) = if !well_formed {
        (
            "location must be an Azure region name".to_string(),
            "use the region's programmatic name, e.g. `eastus` or `westeurope` (`az account list-locations -o table`)".to_string(),
        )
    } else if let Some((other, _)) = catalog
        .regions
        .regions
        .iter()
        .find(|(_, r)| r.contains(location))
    {
        (
            format!("`{location}` is a region of {other}, not of {cloud}"),
            format!("set `cloud: {other}`, or use a region of {cloud}"),
        )
    } else {
        let source = catalog.cite(&regions.source);
        let help = match suggest::did_you_mean(location, regions.names.iter().map(String::as_str)) {
            Some(s) => format!(
                "did you mean `{s}`? (regions of {cloud}: catalog/regions.yaml, from {source})"
            ),
            None => {
                format!("use a region of {cloud} listed in catalog/regions.yaml (from {source})")
            }
        };
        (format!("`{location}` is not a region of {cloud}"), help)
    };
    out.push(
        Diagnostic::error(Code::InvalidRegion, message)
            .at_path("location")
            .with_value(location)
            .with_help(help),
    );
}

fn is_slug(s: &str, max: usize) -> bool {
    !s.is_empty()
        && s.len() <= max
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

/// Length of free text; the characters are checked for every string by [`check_characters`].
fn plain_text(s: &str, path: &str, max: usize, out: &mut Vec<Diagnostic>) {
    if s.chars().count() > max {
        out.push(
            Diagnostic::error(
                Code::HiddenCharacters,
                format!("text longer than {max} characters"),
            )
            .at_path(path)
            .with_value(sanitize(s))
            .with_help(format!("shorten it to at most {max} characters")),
        );
    }
}

/// Every string of the blueprint (keys included), found by walking its value tree, so a field
/// added to the model later is covered without being listed here: no control character, no
/// bidirectional control and no zero-width character (they hide or reorder text in a terminal,
/// an editor or a review diff), and no leading `-` where the value can reach an `az` option
/// position in the scripts (`--display-name -x` is read as an option).
/// `tree` is the blueprint as a value tree (see [`super::check`]).
pub fn check_characters(tree: &serde_json::Value, out: &mut Vec<Diagnostic>) {
    walk(tree, &mut String::new(), out);
}

fn walk(v: &serde_json::Value, path: &mut String, out: &mut Vec<Diagnostic>) {
    match v {
        serde_json::Value::String(s) => check_string(s, path, false, out),
        serde_json::Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                walk(item, path, out);
                path.truncate(len);
            }
        }
        serde_json::Value::Object(map) => {
            for (k, item) in map {
                let len = path.len();
                if !path.is_empty() {
                    path.push('.');
                }
                // The path is printed in diagnostics: a hidden character in a key is shown
                // escaped there too.
                path.push_str(&sanitize(k));
                check_string(k, path, true, out);
                walk(item, path, out);
                path.truncate(len);
            }
        }
        _ => {}
    }
}

/// Free text that never reaches an option position: the description (comments, Bicep metadata,
/// README) and tag values (printed as `key=value`).
fn may_start_with_dash(path: &str, is_key: bool) -> bool {
    path == "description" || (!is_key && path.starts_with("tags."))
}

fn check_string(s: &str, path: &str, is_key: bool, out: &mut Vec<Diagnostic>) {
    let what = if is_key { "key" } else { "text" };
    if let Some(c) = s.chars().find(|c| forbidden_char(*c).is_some()) {
        let name = forbidden_char(c).unwrap_or_default();
        out.push(
            Diagnostic::error(
                Code::HiddenCharacters,
                format!("{what} contains {} {name}", code_point(c)),
            )
            .at_path(path)
            .with_value(sanitize(s))
            .with_help(format!(
                "remove it: line breaks, tabs, control characters (C0, C1, DEL), bidirectional controls and zero-width characters are refused in every text field ({} here)",
                code_point(c)
            )),
        );
    }
    // ARM evaluates a string that starts with `[` and ends with `]` as a template expression:
    // in a parameter handed on to a module (Azure/bicep#9173), `[listKeys(...)]` in a
    // description could publish a key where Readers see it.
    if !is_key && s.starts_with('[') && s.ends_with(']') {
        out.push(
            Diagnostic::error(
                Code::ExpressionLikeText,
                "text in `[` `]` is an expression to Azure Resource Manager",
            )
            .at_path(path)
            .with_value(sanitize(s))
            .with_help("reword it so it does not both start with `[` and end with `]`; a list is written without quotes: `[a, b]`"),
        );
    }
    if s.starts_with('-') && !may_start_with_dash(path, is_key) {
        out.push(
            Diagnostic::error(Code::OptionLikeText, format!("{what} starts with `-`"))
                .at_path(path)
                .with_value(sanitize(s))
                .with_help("az reads a value that starts with `-` as an option (`--name --debug`); remove the leading `-`"),
        );
    }
}

/// `U+202E`.
pub fn code_point(c: char) -> String {
    format!("U+{:04X}", c as u32)
}

/// The Unicode name of a character no text field may hold, or None when it is allowed.
pub fn forbidden_char(c: char) -> Option<&'static str> {
    Some(match c {
        '\0' => "NULL",
        '\t' => "CHARACTER TABULATION",
        '\n' => "LINE FEED",
        '\r' => "CARRIAGE RETURN",
        '\u{1b}' => "ESCAPE",
        '\u{7f}' => "DELETE",
        '\u{85}' => "NEXT LINE",
        '\u{9b}' => "CONTROL SEQUENCE INTRODUCER",
        c if c.is_control() => "(control character)",
        '\u{61c}' => "ARABIC LETTER MARK",
        '\u{200b}' => "ZERO WIDTH SPACE",
        '\u{200c}' => "ZERO WIDTH NON-JOINER",
        '\u{200d}' => "ZERO WIDTH JOINER",
        '\u{200e}' => "LEFT-TO-RIGHT MARK",
        '\u{200f}' => "RIGHT-TO-LEFT MARK",
        '\u{202a}' => "LEFT-TO-RIGHT EMBEDDING",
        '\u{202b}' => "RIGHT-TO-LEFT EMBEDDING",
        '\u{202c}' => "POP DIRECTIONAL FORMATTING",
        '\u{202d}' => "LEFT-TO-RIGHT OVERRIDE",
        '\u{202e}' => "RIGHT-TO-LEFT OVERRIDE",
        '\u{2060}' => "WORD JOINER",
        '\u{2066}' => "LEFT-TO-RIGHT ISOLATE",
        '\u{2067}' => "RIGHT-TO-LEFT ISOLATE",
        '\u{2068}' => "FIRST STRONG ISOLATE",
        '\u{2069}' => "POP DIRECTIONAL ISOLATE",
        '\u{feff}' => "ZERO WIDTH NO-BREAK SPACE",
        _ => return None,
    })
}

/// The value for a diagnostic: every forbidden character written as `\u{...}`, so the message
/// itself cannot hide or reorder text in the terminal.
pub fn sanitize(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if forbidden_char(c).is_some() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The AMLG040 diagnostics of hub-spoke with these `--set` assignments.
    fn region_errors(sets: &[&str]) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        region(&crate::blueprint::builtin_with("hub-spoke", sets), &mut out);
        out
    }

    #[test]
    fn misspelt_region_is_refused_with_a_suggestion_and_the_source() {
        let d = region_errors(&["location=northeurop"]);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].code, Code::InvalidRegion);
        assert_eq!(d[0].message, "`northeurop` is not a region of AzureCloud");
        let help = d[0].help.as_deref().unwrap();
        assert!(help.starts_with("did you mean `northeurope`?"), "{help}");
        assert!(
            help.contains("https://learn.microsoft.com/azure/reliability/regions-list"),
            "{help}"
        );
        // Nothing close: no guess, the list and its source are named.
        let d = region_errors(&["location=zzz"]);
        let help = d[0].help.as_deref().unwrap();
        assert!(!help.contains("did you mean"), "{help}");
        assert!(help.contains("catalog/regions.yaml"), "{help}");
    }

    #[test]
    fn region_of_another_cloud_is_refused_and_the_cloud_named() {
        let d = region_errors(&["location=usgovvirginia"]);
        assert_eq!(
            d[0].message,
            "`usgovvirginia` is a region of AzureUSGovernment, not of AzureCloud"
        );
        assert!(region_errors(&["cloud=AzureUSGovernment", "location=usgovvirginia"]).is_empty());
        let d = region_errors(&["cloud=AzureUSGovernment", "location=westeurope"]);
        assert_eq!(
            d[0].message,
            "`westeurope` is a region of AzureCloud, not of AzureUSGovernment"
        );
        assert!(region_errors(&["cloud=AzureChinaCloud", "location=chinanorth3"]).is_empty());
        assert_eq!(
            region_errors(&["cloud=AzureChinaCloud", "location=usgovvirginia"]).len(),
            1
        );
    }

    #[test]
    fn bad_shapes_are_still_refused() {
        for bad in ["West Europe", "WestEurope", "west-europe", "\"\""] {
            let d = region_errors(&[&format!("location={bad}")]);
            assert_eq!(d.len(), 1, "{bad}");
            assert_eq!(
                d[0].message, "location must be an Azure region name",
                "{bad}"
            );
        }
    }

    /// Every built-in blueprint, and every location the test suite sets (`location:` in fixture
    /// YAML, `location=` in `--set` strings of tests/*.rs), names a region: a test that used a
    /// made-up region would now fail for that reason instead of the one it tests.
    #[test]
    fn every_location_in_blueprints_and_tests_is_a_region() {
        let catalog = Catalog::get();
        for b in crate::blueprint::builtin::BUILTINS {
            let bp = crate::blueprint::builtin_with(b.name, &[]);
            let regions = catalog.regions(bp.cloud.as_str());
            assert!(
                regions.contains(&bp.location),
                "{}: {}",
                b.name,
                bp.location
            );
        }
        let any_cloud = |l: &str| catalog.regions.regions.values().any(|r| r.contains(l));
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
        let yaml = regex::Regex::new(r"(?m)^location:\s*([A-Za-z0-9_-]+)").unwrap();
        let set = regex::Regex::new(r"location=([a-z0-9]+)").unwrap();
        let mut seen = 0;
        let mut stack = vec![root];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                    continue;
                }
                let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
                let re = match ext {
                    "yaml" | "yml" => &yaml,
                    "rs" => &set,
                    _ => continue,
                };
                let text = std::fs::read_to_string(&path).unwrap();
                for c in re.captures_iter(&text) {
                    seen += 1;
                    assert!(any_cloud(&c[1]), "{}: location {}", path.display(), &c[1]);
                }
            }
        }
        assert!(seen > 10, "found only {seen} locations under tests/");
    }

    #[test]
    fn forbidden_characters() {
        for c in [
            '\0', '\u{1b}', '\u{7f}', '\u{85}', '\u{9f}', '\u{202e}', '\u{2066}', '\u{200b}',
            '\u{feff}', '\u{61c}',
        ] {
            assert!(forbidden_char(c).is_some(), "{}", code_point(c));
        }
        for c in ['a', ' ', 'é', '\u{2019}', '\u{4e2d}', '-'] {
            assert!(forbidden_char(c).is_none(), "{}", code_point(c));
        }
        assert_eq!(code_point('\u{202e}'), "U+202E");
        assert_eq!(sanitize("a\u{202e}b\nc"), "a\\u{202e}b\\nc");
    }
}
