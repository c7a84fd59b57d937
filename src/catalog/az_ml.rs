//! `catalog/az_ml.yaml`: the `az ml workspace outbound-rule` commands and their options.

use indexmap::IndexMap;
use serde::Deserialize;
use std::sync::OnceLock;

pub const AZ_ML_YAML: &str = include_str!("../../catalog/az_ml.yaml");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AzMl {
    pub outbound_rule: CommandGroup,
    pub global_options: Vec<AzOption>,
    pub workspace_yaml: WorkspaceYaml,
    #[serde(default)]
    pub global_options_source: Vec<String>,
}

/// The keys azure-ai-ml reads from an `az ml` workspace YAML.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkspaceYaml {
    pub keys: Vec<String>,
    /// Extra top-level keys per `kind:` (hub, project).
    pub kinds: IndexMap<String, Vec<String>>,
    pub required: Vec<String>,
    pub public_network_access: Vec<String>,
    pub managed_network_keys: Vec<String>,
    /// Keys of a rule, per rule kind.
    pub rule_keys: IndexMap<String, Vec<String>>,
    pub destination_keys: IndexMap<String, Vec<String>>,
    pub destination_required: IndexMap<String, Vec<String>>,
    #[serde(default)]
    pub source: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommandGroup {
    /// `ml workspace outbound-rule`.
    pub group: String,
    pub commands: IndexMap<String, AzCommand>,
    #[serde(default)]
    pub source: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AzCommand {
    pub options: Vec<AzOption>,
    /// Options required and forbidden per value of `--type`.
    #[serde(default)]
    pub by_type: IndexMap<String, TypeCase>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AzOption {
    /// Option strings; the first is the canonical long name.
    pub names: Vec<String>,
    #[serde(default)]
    pub required: bool,
    /// Takes no value.
    #[serde(default)]
    pub flag: bool,
    /// Allowed values, when closed.
    #[serde(default)]
    pub values: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TypeCase {
    pub requires: Vec<String>,
    pub forbids: Vec<String>,
}

impl AzMl {
    pub fn get() -> &'static AzMl {
        static AZ_ML: OnceLock<AzMl> = OnceLock::new();
        AZ_ML.get_or_init(|| {
            crate::yaml::from_str(AZ_ML_YAML)
                .unwrap_or_else(|e| panic!("embedded catalog/az_ml.yaml is invalid: {e}"))
        })
    }
}

impl AzCommand {
    /// The option `arg` names (`--rule`, `-g`), among this command's and the global ones.
    pub fn option<'a>(&'a self, global: &'a [AzOption], arg: &str) -> Option<&'a AzOption> {
        self.options
            .iter()
            .chain(global)
            .find(|o| o.names.iter().any(|n| n == arg))
    }
}

#[cfg(test)]
mod tests {
    use super::AzMl;

    #[test]
    fn parses() {
        let az = AzMl::get();
        let set = &az.outbound_rule.commands["set"];
        assert!(set.option(&az.global_options, "-w").is_some());
        assert!(set.option(&az.global_options, "--rule-name").is_none());
        assert_eq!(set.by_type.len(), 3);
        for case in set.by_type.values() {
            for o in case.requires.iter().chain(&case.forbids) {
                assert!(set.option(&[], o).is_some(), "{o}");
            }
        }
    }
}
