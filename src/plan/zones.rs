//! DNS names and addresses with placeholders from the catalog (`{region}` and the cloud's
//! `{suffix}` fields, catalog/clouds.yaml). The plan keeps the template and its literal for this
//! blueprint; each target's lowering pass (`crate::lower`) turns the template into its own text.

use crate::catalog::Cloud;

/// A catalog name or address for this blueprint: its template and literal, plus the forms the
/// lowering passes fill in (empty until then).
#[derive(Debug, Clone, serde::Serialize, PartialEq)]
pub struct Text {
    /// The catalog template, `{region}` and suffix placeholders included.
    pub template: String,
    /// Every placeholder filled: for DNS snippets, READMEs and comparisons.
    pub literal: String,
    /// A Bicep expression (filled by `lower::bicep`).
    pub bicep: String,
    /// A shell word, `{region}` as `${LOCATION}` (filled by `lower::cli`).
    pub shell: String,
}

pub fn text(template: &str, cloud: &Cloud, region: &str) -> Text {
    Text {
        template: template.to_string(),
        literal: cloud.fill(template).replace("{region}", region),
        bicep: String::new(),
        shell: String::new(),
    }
}

/// Placeholder for a spoke subnet's own address prefix: Bicep names the subnet's prefix
/// parameter (`trainingSubnetPrefix`), so an override of the parameter moves the NSG rule too.
const SUBNET_PREFIX: &str = "subnet_prefix:";

/// The address prefix of the spoke subnet `role` (`training`, `scoring`).
pub fn subnet_prefix(role: &str, prefix: &str) -> Text {
    Text {
        template: format!("{{{SUBNET_PREFIX}{role}}}"),
        literal: prefix.to_string(),
        bicep: String::new(),
        shell: String::new(),
    }
}

impl Text {
    /// The subnet role when this text is a subnet's own prefix (`subnet_prefix`).
    pub fn subnet_role(&self) -> Option<&str> {
        self.template
            .strip_prefix(&format!("{{{SUBNET_PREFIX}"))?
            .strip_suffix('}')
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;

    #[test]
    fn fills_the_cloud_suffixes_and_region() {
        let cloud = Catalog::get().cloud("AzureCloud");
        assert_eq!(
            cloud.fill("privatelink.blob.{storage}"),
            "privatelink.blob.core.windows.net"
        );
        assert_eq!(
            cloud.fill("privatelink{acrLoginServer}"),
            "privatelink.azurecr.io"
        );
        assert_eq!(
            text("BatchNodeManagement.{region}", cloud, "westeurope").literal,
            "BatchNodeManagement.westeurope"
        );
    }

    #[test]
    fn a_subnet_prefix_keeps_its_role() {
        let t = subnet_prefix("training", "10.0.0.0/24");
        assert_eq!(t.subnet_role(), Some("training"));
        assert_eq!(t.literal, "10.0.0.0/24");
        let cloud = Catalog::get().cloud("AzureCloud");
        assert_eq!(text("VirtualNetwork", cloud, "eastus").subnet_role(), None);
    }
}
