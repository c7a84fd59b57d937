//! People's access (`access:`): a group named twice in one persona would be two role
//! assignments with the same name in one deployment, which Azure refuses.

use crate::blueprint::Blueprint;
use crate::diagnostic::{Code, Diagnostic};
use std::collections::BTreeSet;

pub fn check(bp: &Blueprint, out: &mut Vec<Diagnostic>) {
    approver(bp, out);
    for (persona, groups) in bp.access.groups() {
        let mut seen = BTreeSet::new();
        for (i, g) in groups.iter().enumerate() {
            if !seen.insert(g.as_str()) {
                out.push(
                    Diagnostic::error(
                        Code::DuplicateAccessGroup,
                        format!("group {} is listed twice for {persona}", g.as_str()),
                    )
                    .at_path(format!("access.{persona}[{i}]"))
                    .with_value(g.as_str())
                    .with_help("list each group once per persona"),
                );
            }
        }
    }
}

/// A private-endpoint rule to a resource outside the deployment is approved by the workspace's
/// identity, which needs a role on that resource (mnet_current) amlgen cannot assign there.
fn approver(bp: &Blueprint, out: &mut Vec<Diagnostic>) {
    let role = &crate::catalog::Catalog::get().access.built_in_roles["network_connection_approver"];
    // A user-assigned identity exists before the workspace, so it can be given the role first.
    let (who, when) = match crate::naming::Names::of(bp).workspace_identity {
        Some(n) => (
            format!("the workspace's user-assigned identity `{}`", n.value),
            "once the identity exists",
        ),
        None => (
            "the workspace's managed identity".to_string(),
            "after the workspace exists",
        ),
    };
    for (i, r) in bp
        .workspace
        .managed_network
        .outbound_rules
        .iter()
        .enumerate()
    {
        if let crate::blueprint::OutboundRule::PrivateEndpoint { destination, .. } = r {
            // A malformed ID is AMLG111's; nothing to approve on it.
            if crate::rules::private_endpoint::parse_resource_id(&destination.service_resource_id)
                .is_none()
            {
                continue;
            }
            out.push(
                Diagnostic::warning(
                    Code::PrivateEndpointRuleNeedsApprover,
                    format!(
                        "the workspace identity must approve this private endpoint on {}",
                        destination.service_resource_id
                    ),
                )
                .at_path(format!("workspace.managed_network.outbound_rules[{i}]"))
                .with_help(format!(
                    "give {who} `{}` ({}) on the target {when}; the README has the command",
                    role.name, role.id
                )),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_group_twice_in_a_persona_is_refused() {
        let g = "0a0b0c0d-0000-4000-8000-000000000001";
        let codes = |set: String| {
            let bp = crate::blueprint::builtin_with("approved-only", &[set.as_str()]);
            let mut out = Vec::new();
            check(&bp, &mut out);
            out.into_iter().map(|d| d.code).collect::<Vec<_>>()
        };
        assert!(codes(format!("access={{readers: [{g}], data_scientists: [{g}]}}")).is_empty());
        // The same GUID in another spelling is the same group.
        assert_eq!(
            codes(format!("access={{readers: [{g}, {}]}}", g.to_uppercase())),
            [Code::DuplicateAccessGroup]
        );
    }
}
