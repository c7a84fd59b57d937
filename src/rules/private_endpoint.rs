//! Private-endpoint rule targets: resource ID shape, sub-resources per resource type, and the
//! workspace's own dependencies (Azure adds those rules itself).

use super::Finding;
use crate::catalog::Catalog;
use crate::diagnostic::Code;

const ID_FIELD: &str = "destination.service_resource_id";

/// A resource ID split into `Namespace/type` and name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceRef {
    pub resource_type: String,
    pub name: String,
}

/// `/subscriptions/<sub>/resourceGroups/<rg>/providers/<Namespace>/<type>/<name>`, or None.
pub fn parse_resource_id(id: &str) -> Option<ResourceRef> {
    let parts: Vec<&str> = id.split('/').collect();
    let well_formed = parts.len() == 9
        && parts[0].is_empty()
        && parts[1].eq_ignore_ascii_case("subscriptions")
        && parts[3].eq_ignore_ascii_case("resourceGroups")
        && parts[5].eq_ignore_ascii_case("providers")
        && parts
            .iter()
            .skip(1)
            .all(|p| !p.is_empty() && p.chars().all(id_char));
    well_formed.then(|| ResourceRef {
        resource_type: format!("{}/{}", parts[6], parts[7]),
        name: parts[8].to_string(),
    })
}

/// Characters Azure allows in a resource group or resource name (letters and digits, `.`, `_`,
/// `-`, `(`, `)`), and the braces of a documentation placeholder (`{sub}`, which `check` meets
/// in guides): anything else (a space, `$`, `;`, a quote) is no resource's ID, and would be
/// shell syntax in the commands a README prints with it.
fn id_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '.' | '_' | '-' | '(' | ')' | '{' | '}')
}

/// The subscription of a well-formed resource ID (see [`parse_resource_id`]).
pub fn resource_subscription(id: &str) -> Option<&str> {
    parse_resource_id(id).and_then(|_| id.split('/').nth(2))
}

/// AMLG111 for a malformed ID or a sub-resource the type does not have; AMLG112 (warning) for
/// a type amlgen does not know. Returns the parsed target when the ID is well formed.
pub fn check_target(id: &str, subresource: &str) -> (Vec<Finding>, Option<ResourceRef>) {
    let facts = &Catalog::get().managed_network;
    let Some(target) = parse_resource_id(id) else {
        return (
            vec![Finding::error(
                Code::InvalidResourceId,
                ID_FIELD,
                "not a resource ID of a top-level Azure resource",
                id,
                "use /subscriptions/<id>/resourceGroups/<rg>/providers/<Namespace>/<type>/<name>, as `az resource show --query id` prints it",
            )],
            None,
        );
    };
    let rtype = &target.resource_type;
    let mut out = Vec::new();
    match facts
        .private_endpoint_subresources
        .iter()
        .find(|(t, _)| t.eq_ignore_ascii_case(rtype))
    {
        None => out.push(Finding::warning(
            Code::UnknownPrivateEndpointTarget,
            ID_FIELD,
            format!("amlgen does not know whether {rtype} supports managed private endpoints"),
            id,
            "check the list of supported services in the managed network docs; the rule is emitted as written",
        )),
        Some((_, subs)) => {
            if !subs.iter().any(|s| s == subresource) {
                out.push(Finding::error(
                    Code::InvalidResourceId,
                    "destination.subresource_target",
                    format!("`{subresource}` is not a sub-resource of {rtype}"),
                    subresource,
                    format!("use one of {}", subs.join(", ")),
                ));
            }
        }
    }
    (out, Some(target))
}

/// AMLG110 when `target` is one of the workspace's own storage account, key vault or registry
/// (`own`: their `(Namespace/type, name)`), for which Azure creates the rule itself.
pub fn check_not_required(id: &str, target: &ResourceRef, own: &[ResourceRef]) -> Option<Finding> {
    own.iter()
        .any(|o| {
            o.resource_type.eq_ignore_ascii_case(&target.resource_type)
                && o.name.eq_ignore_ascii_case(&target.name)
        })
        .then(|| {
            Finding::error(
                Code::RedundantPrivateEndpointRule,
                ID_FIELD,
                "Azure creates this private endpoint rule itself",
                id,
                "the workspace's own storage, key vault and registry get required rules automatically; a user rule to them fails. Remove this rule",
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    const ST: &str = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st1";

    #[test]
    fn targets() {
        let (f, t) = check_target(ST, "blob");
        assert!(f.is_empty());
        let t = t.unwrap();
        assert_eq!(t.resource_type, "Microsoft.Storage/storageAccounts");
        assert_eq!(check_target(ST, "vault").0[0].code, Code::InvalidResourceId);
        assert_eq!(
            check_target("/subscriptions/x", "blob").0[0].code,
            Code::InvalidResourceId
        );
        let unknown = ST.replace(
            "Microsoft.Storage/storageAccounts",
            "Contoso.Things/widgets",
        );
        assert_eq!(
            check_target(&unknown, "x").0[0].code,
            Code::UnknownPrivateEndpointTarget
        );
        let own = [t.clone()];
        assert_eq!(
            check_not_required(ST, &t, &own).unwrap().code,
            Code::RedundantPrivateEndpointRule
        );
        assert!(check_not_required(ST, &t, &[]).is_none());
    }
}
