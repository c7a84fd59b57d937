//! Resource names against Azure's naming rules (catalog/naming.yaml).

use crate::blueprint::Blueprint;
use crate::catalog::Catalog;
use crate::diagnostic::Code;
use crate::diagnostic::Diagnostic;
use crate::naming::Names;

pub fn check(bp: &Blueprint, out: &mut Vec<Diagnostic>) {
    let cat = Catalog::get();
    for name in Names::of(bp).all() {
        let rule = cat.naming_rule(name.kind);
        let re = crate::catalog::regex(&rule.pattern);
        // Length is checked on its own: some patterns (key vault) count a hyphen and the
        // character after it as one repetition, so the pattern alone does not bound the length.
        let len = name.value.chars().count() as u32;
        if !re.is_match(&name.value) || len < rule.min || len > rule.max {
            let derived = name.origin == "naming.prefix";
            let help = if derived {
                format!(
                    "the derived {} name `{}` breaks the rule ({}); shorten or change naming.prefix, or set the name explicitly",
                    name.kind.replace('_', " "),
                    name.value,
                    rule.rule
                )
            } else {
                rule.rule.clone()
            };
            out.push(
                Diagnostic::error(
                    Code::InvalidResourceName,
                    format!("invalid {} name", name.kind.replace('_', " ")),
                )
                .at_path(&name.origin)
                .with_value(&name.value)
                .with_help(help),
            );
        }
    }
}
