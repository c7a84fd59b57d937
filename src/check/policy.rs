//! Azure Policy (`policy:`): only a scope the rendered deployment can write, and a
//! subscription-wide assignment only in a subscription the blueprint names.

use crate::blueprint::{Blueprint, PolicyScope};
use crate::diagnostic::{Code, Diagnostic};

pub fn check(bp: &Blueprint, out: &mut Vec<Diagnostic>) {
    let Some(policy) = &bp.policy else {
        return;
    };
    match policy.scope {
        PolicyScope::ResourceGroup => {}
        PolicyScope::ManagementGroup => out.push(
            Diagnostic::error(
                Code::PolicyScopeNotWritable,
                "the deployment writes a resource group (and, through a module, its subscription), not a management group",
            )
            .at_path("policy.scope")
            .with_value(policy.scope.key())
            .with_help("use resource_group or subscription; management-group guardrails belong to the platform team's deployment"),
        ),
        PolicyScope::Subscription => {
            if bp.resource_group.subscription_id.is_none() {
                out.push(
                    Diagnostic::error(
                        Code::SubscriptionPolicyWithoutSubscription,
                        "a subscription-scope policy assignment needs the subscription it is meant for",
                    )
                    .at_path("policy.scope")
                    .with_value(policy.scope.key())
                    .with_help("add resource_group.subscription_id, or use scope resource_group"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(sets: &[&str]) -> Vec<Code> {
        crate::check::codes_of(check, sets)
    }

    #[test]
    fn only_scopes_the_deployment_writes() {
        let sub = "resource_group.subscription_id=00000000-0000-0000-0000-000000000000";
        assert!(codes(&[]).is_empty());
        assert!(codes(&["policy={effect: deny}"]).is_empty());
        assert!(codes(&["policy.scope=subscription", sub]).is_empty());
        assert_eq!(
            codes(&["policy.scope=management_group", sub]),
            [Code::PolicyScopeNotWritable]
        );
        assert_eq!(
            codes(&["policy.scope=subscription"]),
            [Code::SubscriptionPolicyWithoutSubscription]
        );
    }
}
