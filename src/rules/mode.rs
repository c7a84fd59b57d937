//! Which rule types an isolation mode accepts.

use super::Finding;
use crate::catalog::Catalog;
use crate::diagnostic::Code;

/// AMLG113 for any rule without a managed VNet, AMLG101 for a rule type the mode refuses.
/// `mode` is the `az ml` spelling (`allow_only_approved_outbound`); an unknown mode is left to
/// the caller (it reports the value itself), `kind` is `fqdn`, `service_tag` or
/// `private_endpoint`.
pub fn check_rule_type(mode: &str, kind: &str) -> Option<Finding> {
    let facts = Catalog::get().managed_network.isolation_modes.get(mode)?;
    if mode == "disabled" {
        return Some(Finding::error(
            Code::RulesWithoutManagedVnet,
            "type",
            "outbound rules need a managed VNet",
            kind,
            "set isolation_mode to allow_internet_outbound or allow_only_approved_outbound, or remove the rule",
        ));
    }
    if facts.rule_types.iter().any(|t| t == kind) {
        return None;
    }
    Some(Finding::error(
        Code::RuleTypeForMode,
        "type",
        format!("`{kind}` rules are refused under isolation_mode {mode}"),
        kind,
        format!(
            "Azure answers 'Only \"PrivateEndpoint\" outbound rules are supported when managed network isolation mode is \"AllowInternetOutbound\"'. Internet outbound already allows this traffic: remove the rule, or use isolation_mode: allow_only_approved_outbound. Allowed here: {}",
            facts.rule_types.join(", ")
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::check_rule_type;
    use crate::diagnostic::Code;

    #[test]
    fn rule_types_per_mode() {
        let code = |m, k| check_rule_type(m, k).map(|f| f.code);
        assert_eq!(
            code("allow_internet_outbound", "fqdn"),
            Some(Code::RuleTypeForMode)
        );
        assert_eq!(
            code("allow_internet_outbound", "service_tag"),
            Some(Code::RuleTypeForMode)
        );
        assert_eq!(code("allow_internet_outbound", "private_endpoint"), None);
        assert_eq!(code("allow_only_approved_outbound", "fqdn"), None);
        assert_eq!(
            code("disabled", "private_endpoint"),
            Some(Code::RulesWithoutManagedVnet)
        );
        assert_eq!(code("bogus", "fqdn"), None);
    }
}
