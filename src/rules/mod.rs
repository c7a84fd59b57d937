//! Checks of managed-network outbound rules as pure functions over plain values: rule names,
//! rule types per isolation mode, FQDN destinations, service-tag destinations and
//! private-endpoint targets. The blueprint check (`check::outbound`), the linter of hand-written
//! workspace YAML, NSG JSON and `az` scripts (`lint`) and `allowlist` all call these, so one
//! problem gets one code and one text wherever it is found.
//!
//! A [`Finding`] knows the part of the rule it is about (`field`, relative to the rule, e.g.
//! `destination.protocol`) but not where the rule is: each caller positions it.

use crate::diagnostic::Code;

pub mod fqdn;
pub mod mode;
pub mod names;
pub mod packages;
pub mod private_endpoint;
pub mod service_tag;

use crate::diagnostic::{Diagnostic, Severity};

/// One problem with one rule, before it is placed in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub code: Code,
    pub severity: Severity,
    /// The part of the rule, relative to the rule: `name`, `type`, `destination`,
    /// `destination.port_ranges`, ...
    pub field: &'static str,
    pub message: String,
    /// The offending value as written.
    pub value: String,
    pub help: String,
}

impl Finding {
    pub fn error(
        code: Code,
        field: &'static str,
        message: impl Into<String>,
        value: impl Into<String>,
        help: impl Into<String>,
    ) -> Finding {
        Finding {
            code,
            severity: Severity::Error,
            field,
            message: message.into(),
            value: value.into(),
            help: help.into(),
        }
    }

    pub fn warning(
        code: Code,
        field: &'static str,
        message: impl Into<String>,
        value: impl Into<String>,
        help: impl Into<String>,
    ) -> Finding {
        Finding {
            severity: Severity::Warning,
            ..Finding::error(code, field, message, value, help)
        }
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The diagnostic, without a location.
    pub fn into_diagnostic(self) -> Diagnostic {
        let d = match self.severity {
            Severity::Error => Diagnostic::error(self.code, self.message),
            Severity::Warning => Diagnostic::warning(self.code, self.message),
        };
        d.with_value(self.value).with_help(self.help)
    }

    /// The diagnostic at value path `{rule_path}.{field}`.
    pub fn at(self, rule_path: &str) -> Diagnostic {
        let path = join(rule_path, self.field);
        self.into_diagnostic().at_path(path)
    }
}

/// `a.b` + `c` -> `a.b.c`; an empty side is left out.
pub fn join(base: &str, field: &str) -> String {
    match (base.is_empty(), field.is_empty()) {
        (true, _) => field.to_string(),
        (_, true) => base.to_string(),
        _ => format!("{base}.{field}"),
    }
}
