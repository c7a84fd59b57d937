//! Resource names against Azure's naming rules (catalog/naming.yaml).

use crate::blueprint::Blueprint;
use crate::catalog::Catalog;
use crate::diagnostic::Diagnostic;
use crate::naming::Names;

pub fn check(bp: &Blueprint, out: &mut Vec<Diagnostic>) {
    let cat = Catalog::get();
    for name in Names::of(bp).all() {
        let rule = cat.naming_rule(name.kind);
        let re = regex::Regex::new(&rule.pattern).expect("catalog naming patterns are tested");
        if !re.is_match(&name.value) {
            let derived = name.origin == "naming.prefix";
            let help = if derived {
                format!(
                    "the derived {} name `{}` breaks the rule ({}); shorten or change naming.prefix, or set the name explicitly",
                    name.kind.replace('_', " "),
                    name.value,
                    rule.rule
                )
            } else {
                format!("{}", rule.rule)
            };
            out.push(
                Diagnostic::error("AMLG022", format!("invalid {} name", name.kind.replace('_', " ")))
                    .at_path(&name.origin)
                    .with_value(&name.value)
                    .with_help(help),
            );
        }
    }
}
