//! Outbound rule names: the REST API pattern (catalog) and uniqueness per workspace.

use super::Finding;
use crate::catalog::Catalog;
use crate::diagnostic::Code;
use std::collections::HashMap;

/// Checks the names of one workspace's rules, in order.
pub struct RuleNames {
    re: regex::Regex,
    /// lower-case name -> index of the rule that last used it.
    seen: HashMap<String, usize>,
}

impl Default for RuleNames {
    fn default() -> Self {
        RuleNames::new()
    }
}

impl RuleNames {
    pub fn new() -> RuleNames {
        let pattern = &Catalog::get().managed_network.rule_name.pattern;
        RuleNames {
            re: regex::Regex::new(pattern).expect("catalog pattern is tested"),
            seen: HashMap::new(),
        }
    }

    /// AMLG102 for a name outside the pattern, AMLG103 for a name used before (case-insensitive).
    /// `note` is added to the naming rule in the help (the blueprint explains its `-sub` names).
    pub fn check(&mut self, name: &str, index: usize, note: Option<&str>) -> Vec<Finding> {
        let facts = &Catalog::get().managed_network.rule_name;
        let mut out = Vec::new();
        if !self.re.is_match(name) {
            out.push(Finding::error(
                Code::InvalidRuleName,
                "name",
                "invalid outbound rule name",
                name,
                match note {
                    Some(n) => format!("{} ({n})", facts.rule),
                    None => facts.rule.clone(),
                },
            ));
        }
        if let Some(first) = self.seen.insert(name.to_ascii_lowercase(), index) {
            out.push(Finding::error(
                Code::DuplicateRuleName,
                "name",
                format!("duplicate outbound rule name (also outbound_rules[{first}])"),
                name,
                "rule names are unique per workspace (case-insensitive); one rule would silently replace the other",
            ));
        }
        out
    }

    /// Whether `name` fits the pattern (for names amlgen makes up).
    pub fn is_valid(&self, name: &str) -> bool {
        self.re.is_match(name)
    }
}

#[cfg(test)]
mod tests {
    use super::RuleNames;
    use crate::diagnostic::Code;

    #[test]
    fn pattern_and_duplicates() {
        let mut n = RuleNames::new();
        assert!(n.check("pypi", 0, None).is_empty());
        assert_eq!(n.check("PyPI", 1, None)[0].code, Code::DuplicateRuleName);
        assert_eq!(n.check("p!", 2, None)[0].code, Code::InvalidRuleName);
        assert_eq!(n.check("ab", 3, None)[0].code, Code::InvalidRuleName);
        assert!(n.check(&"a".repeat(33), 4, None).is_empty());
        assert_eq!(
            n.check(&"b".repeat(34), 5, None)[0].code,
            Code::InvalidRuleName
        );
    }
}
