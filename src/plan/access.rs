//! People's access: each persona the blueprint names groups for gets the roles catalog/access.yaml
//! gives it, on the workspace, and (when the storage account takes no shared keys) the data roles
//! on the storage account; the custom roles among them are defined once per workspace.

use crate::blueprint::Blueprint;
use crate::catalog::{Catalog, RoleRef};
use crate::plan::model::{AccessModel, AssignedRole, CustomRoleModel, PersonaModel};

pub fn access(bp: &Blueprint, shared_key_access: bool) -> AccessModel {
    let cat = &Catalog::get().access;
    let assigned = |r: &RoleRef| match (&r.built_in, &r.custom) {
        (Some(k), _) => {
            let role = &cat.built_in_roles[k.as_str()];
            AssignedRole {
                label: role.name.clone(),
                built_in_id: Some(role.id.clone()),
                custom: None,
                bicep_symbol: String::new(),
                bicep_role_definition_id: String::new(),
                cli_role: String::new(),
            }
        }
        (None, Some(k)) => AssignedRole {
            label: cat.custom_roles[k.as_str()].title.clone(),
            built_in_id: None,
            custom: Some(k.clone()),
            bicep_symbol: String::new(),
            bicep_role_definition_id: String::new(),
            cli_role: String::new(),
        },
        (None, None) => {
            unreachable!("catalog/access.yaml: a role names built_in or custom (tested)")
        }
    };
    let groups = bp.access.groups();
    let personas: Vec<PersonaModel> = cat
        .personas
        .iter()
        .map(|(key, p)| {
            let ids = groups
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, ids)| ids.iter().map(|g| g.as_str().to_string()).collect())
                .unwrap_or_default();
            PersonaModel {
                key: key.clone(),
                title: p.title.clone(),
                principal_ids: ids,
                roles: p.roles.iter().map(assigned).collect(),
                storage_roles: if shared_key_access {
                    Vec::new()
                } else {
                    p.storage_roles.iter().map(assigned).collect()
                },
                can: p.can.clone(),
                cannot: p.cannot.clone(),
                bicep_param: String::new(),
            }
        })
        .collect();
    // A custom role is defined only when a persona with groups uses it.
    let used = |k: &str| {
        personas.iter().any(|p| {
            !p.principal_ids.is_empty() && p.roles.iter().any(|r| r.custom.as_deref() == Some(k))
        })
    };
    let custom_roles = cat
        .custom_roles
        .iter()
        .filter(|(k, _)| used(k))
        .map(|(k, r)| CustomRoleModel {
            key: k.clone(),
            title: r.title.clone(),
            description: r.description.clone(),
            actions: r.actions.clone(),
            not_actions: r.not_actions.clone(),
            data_actions: r.data_actions.clone(),
            bicep_symbol: String::new(),
            bicep_role_name: String::new(),
            cli_role_name: String::new(),
            cli_definition: String::new(),
        })
        .collect();
    let with_groups = || personas.iter().filter(|p| !p.principal_ids.is_empty());
    AccessModel {
        deployed: with_groups().next().is_some(),
        storage_roles: with_groups().any(|p| !p.storage_roles.is_empty()),
        custom_roles,
        personas,
    }
}

impl CustomRoleModel {
    /// The role's name for a workspace named `workspace` (a literal name, or each path's own
    /// reference to it): catalog/access.yaml's `role_name` with the title filled in.
    pub fn name(&self, workspace: &str) -> String {
        Catalog::get()
            .access
            .role_name
            .replace("{title}", &self.title)
            .replace("{workspace}", workspace)
    }
}

#[cfg(test)]
mod tests {
    use crate::catalog::Catalog;

    /// Every persona in the catalog is a field of the blueprint's `access`, and every role it
    /// names exists.
    #[test]
    fn catalog_personas_match_the_blueprint() {
        let cat = &Catalog::get().access;
        let fields: Vec<&str> = crate::blueprint::Access::default()
            .groups()
            .iter()
            .map(|(k, _)| *k)
            .collect();
        let keys: Vec<&str> = cat.personas.keys().map(String::as_str).collect();
        assert_eq!(keys, fields);
        for p in cat.personas.values() {
            for r in p.roles.iter().chain(&p.storage_roles) {
                match (&r.built_in, &r.custom) {
                    (Some(k), None) => assert!(cat.built_in_roles.contains_key(k), "{k}"),
                    (None, Some(k)) => assert!(cat.custom_roles.contains_key(k), "{k}"),
                    other => panic!("a role is built_in or custom, not {other:?}"),
                }
            }
        }
        for r in cat.built_in_roles.values() {
            assert!(
                crate::blueprint::Guid::try_from(r.id.clone()).is_ok(),
                "{}",
                r.id
            );
        }
    }
}
