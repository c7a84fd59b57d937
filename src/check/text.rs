//! Free text and simple scalars: blueprint name (it becomes a folder), prefix, location,
//! description, tags. Text lands in Bicep strings, script comments and Markdown, so control
//! characters are refused outright rather than escaped in five different ways.

use crate::blueprint::Blueprint;
use crate::diagnostic::Code;
use crate::diagnostic::Diagnostic;

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
    if bp.location.is_empty()
        || !bp
            .location
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
    {
        out.push(
            Diagnostic::error(Code::InvalidRegion, "location must be an Azure region name")
                .at_path("location")
                .with_value(&bp.location)
                .with_help("use the region's programmatic name, e.g. `eastus` or `westeurope` (`az account list-locations -o table`)"),
        );
    }
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
pub fn check_characters(bp: &Blueprint, out: &mut Vec<Diagnostic>) {
    // The blueprint serialises to exactly the shape it was read from (same keys), so the paths
    // built here are the paths diagnostics use everywhere.
    let Ok(tree) = serde_json::to_value(bp) else {
        return;
    };
    walk(&tree, &mut String::new(), out);
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
