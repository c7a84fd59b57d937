//! One diagnostic type for every problem amlgen reports, rendered in one place for people
//! (`file:line:col`, the source line, a caret, the fix) and as JSON for tools.

mod code;

pub use code::Code;
use serde::Serialize;
use std::borrow::Cow;
use std::fmt::Write as _;

/// Text from input made safe to print: control characters (C0, DEL, C1: ESC sequences can
/// rewrite or hide what a terminal shows), bidirectional overrides and invisible format
/// characters (U+202E reorders the line, U+200B hides in a name) are written as visible escapes
/// (`\u{1b}`). A backslash stays as it is. Borrowed when there is nothing to escape.
pub fn escape_controls(s: &str) -> Cow<'_, str> {
    if !s.chars().any(needs_escape) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if needs_escape(c) {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061c}'
                | '\u{200b}'..='\u{200f}'
                | '\u{2028}'..='\u{202e}'
                | '\u{2060}'..='\u{2069}'
                | '\u{feff}'
        )
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

/// Where a diagnostic points: a file, optionally a value path and a line/column in it.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Location {
    pub file: String,
    /// Path of the value, e.g. `workspace.managed_network.outbound_rules[1].type`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// 1-based line, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// 1-based column, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Diagnostic {
    /// Stable code, e.g. `AMLG101`; `amlgen explain CODE` tells more.
    pub code: Code,
    pub severity: Severity,
    pub location: Location,
    /// What is wrong, and what Azure does with it.
    pub message: String,
    /// The offending value as written, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// How to fix it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn error(code: Code, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity: Severity::Error,
            location: Location::default(),
            message: message.into(),
            value: None,
            help: None,
        }
    }

    pub fn warning(code: Code, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, message)
        }
    }

    pub fn at_file(mut self, file: impl Into<String>) -> Self {
        self.location.file = file.into();
        self
    }

    pub fn at_path(mut self, path: impl Into<String>) -> Self {
        self.location.path = Some(path.into());
        self
    }

    pub fn at_line(mut self, line: usize, column: usize) -> Self {
        self.location.line = Some(line);
        self.location.column = Some(column);
        self
    }

    pub fn with_value(mut self, value: impl Into<String>) -> Self {
        self.value = Some(value.into());
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The diagnostic as it may be shown: every text field with control characters escaped
    /// (`escape_controls`). Every output (human, JSON, SARIF) shows this form.
    pub fn displayed(&self) -> Diagnostic {
        let esc = |s: &str| escape_controls(s).into_owned();
        Diagnostic {
            code: self.code,
            severity: self.severity,
            location: Location {
                file: esc(&self.location.file),
                path: self.location.path.as_deref().map(esc),
                line: self.location.line,
                column: self.location.column,
            },
            message: esc(&self.message),
            value: self.value.as_deref().map(esc),
            help: self.help.as_deref().map(esc),
        }
    }

    /// Human rendering, in the style of rustc and just:
    /// ```text
    /// error[AMLG101]: FQDN rules need isolation_mode allow_only_approved_outbound
    ///   --> my.yaml:14:15 (workspace.managed_network.outbound_rules[0].type)
    ///    |
    /// 14 |       - type: fqdn
    ///    |               ^^^^
    ///    = value: fqdn
    ///    = help: ...
    /// ```
    ///
    /// Text from input (file names, values, the source line) is shown with control characters
    /// escaped.
    pub fn render(&self, source: Option<&str>) -> String {
        self.displayed().render_escaped(source)
    }

    fn render_escaped(&self, source: Option<&str>) -> String {
        let mut out = String::new();
        let label = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let _ = writeln!(out, "{label}[{}]: {}", self.code, self.message);
        let loc = &self.location;
        let mut where_ = loc.file.clone();
        if let (Some(l), Some(c)) = (loc.line, loc.column) {
            let _ = write!(where_, ":{l}:{c}");
        }
        if let Some(p) = &loc.path {
            let _ = write!(where_, " ({p})");
        }
        if !where_.is_empty() {
            let _ = writeln!(out, "  --> {where_}");
        }
        let gutter = loc.line.map(|l| l.to_string().len()).unwrap_or(1);
        let pad = " ".repeat(gutter);
        let line = loc
            .line
            .and_then(|l| Some((l, source?.lines().nth(l.checked_sub(1)?)?)));
        if let (Some((l, text)), Some(c)) = (line, loc.column) {
            // The column counts characters of the raw line; the caret goes under the escaped
            // one.
            let split = text
                .char_indices()
                .nth(c.saturating_sub(1))
                .map_or(text.len(), |(i, _)| i);
            let (before, rest) = text.split_at(split);
            // `self.value` is escaped already: compare it with the escaped rest of the line.
            let rest = escape_controls(rest);
            let width = self
                .value
                .as_deref()
                .filter(|v| rest.starts_with(*v))
                .map(|v| v.chars().count())
                .unwrap_or(1)
                .max(1);
            let before = escape_controls(before);
            let _ = writeln!(out, "{pad} |");
            let _ = writeln!(out, "{l} | {before}{rest}");
            let _ = writeln!(
                out,
                "{pad} | {}{}",
                " ".repeat(before.chars().count()),
                "^".repeat(width)
            );
        }
        if let Some(v) = &self.value {
            let _ = writeln!(out, "{pad} = value: {v}");
        }
        if let Some(h) = &self.help {
            let _ = writeln!(out, "{pad} = help: {h}");
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(escape_controls("plain é ✓"), "plain é ✓");
        assert!(matches!(escape_controls("plain"), Cow::Borrowed(_)));
        assert_eq!(
            escape_controls("a\u{1b}[2Jb\u{9b}c\u{7f}\td\u{202e}e\u{200b}\nf"),
            "a\\u{1b}[2Jb\\u{9b}c\\u{7f}\\u{9}d\\u{202e}e\\u{200b}\\u{a}f"
        );
    }

    #[test]
    fn rendering_escapes_and_keeps_the_caret_in_place() {
        let d = Diagnostic::error(Code::NotAHostName, "bad \u{1b}[31mvalue")
            .at_file("f\u{1b}.sh")
            .at_line(1, 6)
            .with_value("x\u{1b}y");
        let out = d.render(Some("\u{1b}[2Jax\u{1b}y z\n"));
        assert!(!out.contains('\u{1b}'), "{out}");
        assert!(out.contains("--> f\\u{1b}.sh:1:6"), "{out}");
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines[3], "1 | \\u{1b}[2Jax\\u{1b}y z");
        // Under `x\u{1b}y` (escaped: 8 characters), after the 10 of `\u{1b}[2Ja` escaped.
        assert_eq!(lines[4], format!("  | {}{}", " ".repeat(10), "^".repeat(8)));
        // A line number past the end, or 0, shows no source and does not panic.
        assert!(!d.clone().at_line(0, 1).render(Some("x")).contains(" | "));
        assert!(!d.at_line(9, 1).render(Some("x")).contains(" | "));
    }
}
