//! One diagnostic type for every problem amlgen reports, rendered in one place for people
//! (`file:line:col`, the source line, a caret, the fix) and as JSON for tools.

use serde::Serialize;
use std::fmt::Write as _;

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
    pub code: &'static str,
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
    pub fn error(code: &'static str, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity: Severity::Error,
            location: Location::default(),
            message: message.into(),
            value: None,
            help: None,
        }
    }

    pub fn warning(code: &'static str, message: impl Into<String>) -> Self {
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
    pub fn render(&self, source: Option<&str>) -> String {
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
        if let (Some(src), Some(l), Some(c)) = (source, loc.line, loc.column) {
            if let Some(text) = src.lines().nth(l - 1) {
                let width = self
                    .value
                    .as_deref()
                    .filter(|v| text.get(c - 1..).is_some_and(|rest| rest.starts_with(*v)))
                    .map(|v| v.chars().count())
                    .unwrap_or(1)
                    .max(1);
                let _ = writeln!(out, "{pad} |");
                let _ = writeln!(out, "{l} | {text}");
                let _ = writeln!(
                    out,
                    "{pad} | {}{}",
                    " ".repeat(c.saturating_sub(1)),
                    "^".repeat(width)
                );
            }
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
