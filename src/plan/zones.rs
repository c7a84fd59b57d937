//! DNS names with `{suffix}` placeholders from catalog/clouds.yaml, resolved two ways: a literal
//! for scripts and DNS snippets, and a Bicep expression using environment().suffixes so the
//! committed Bicep follows the cloud it is deployed to.

use crate::catalog::Cloud;
use crate::render::escape::bicep_string_literal;

/// `privatelink.blob.{storage}` -> `privatelink.blob.core.windows.net` (AzureCloud).
pub fn fill_literal(template: &str, cloud: &Cloud) -> String {
    let mut out = template.to_string();
    for (field, value) in &cloud.suffixes {
        out = out.replace(&format!("{{{field}}}"), value);
    }
    out
}

/// Both forms of a catalog name with placeholders (`{region}` and environment() suffixes).
#[derive(Debug, Clone, serde::Serialize, PartialEq)]
pub struct Text {
    /// For scripts, DNS snippets and READMEs.
    pub literal: String,
    /// A Bicep expression (a quoted string, interpolated where needed).
    pub bicep: String,
}

pub fn text(template: &str, cloud: &Cloud, region: &str) -> Text {
    Text {
        literal: fill_literal(template, cloud).replace("{region}", region),
        bicep: bicep_expression(template),
    }
}

/// `privatelink.blob.{storage}` -> `'privatelink.blob.${environment().suffixes.storage}'`;
/// `{region}` becomes `${location}` (every module has a `location` parameter); a name without
/// placeholders becomes a plain quoted literal.
pub fn bicep_expression(template: &str) -> String {
    // Split on placeholders, quote the literal parts, and interpolate the suffix references.
    let mut body = String::new();
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        let Some(len) = rest[start..].find('}') else {
            break;
        };
        let field = &rest[start + 1..start + len];
        body.push_str(&escape_part(&rest[..start]));
        if field == "region" {
            body.push_str("${location}");
        } else {
            body.push_str(&format!("${{environment().suffixes.{field}}}"));
        }
        rest = &rest[start + len + 1..];
    }
    if body.is_empty() {
        return bicep_string_literal(template);
    }
    body.push_str(&escape_part(rest));
    format!("'{body}'")
}

/// The inside of a Bicep string literal: the quoting rules of `bicep_string_literal` without
/// the surrounding quotes.
fn escape_part(s: &str) -> String {
    let q = bicep_string_literal(s);
    q[1..q.len() - 1].to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;

    #[test]
    fn resolves_both_ways() {
        let cloud = Catalog::get().cloud("AzureCloud");
        assert_eq!(
            fill_literal("privatelink.blob.{storage}", cloud),
            "privatelink.blob.core.windows.net"
        );
        assert_eq!(
            fill_literal("privatelink{acrLoginServer}", cloud),
            "privatelink.azurecr.io"
        );
        assert_eq!(
            bicep_expression("privatelink.blob.{storage}"),
            "'privatelink.blob.${environment().suffixes.storage}'"
        );
        assert_eq!(
            bicep_expression("privatelink{acrLoginServer}"),
            "'privatelink${environment().suffixes.acrLoginServer}'"
        );
        assert_eq!(
            bicep_expression("privatelink.api.azureml.ms"),
            "'privatelink.api.azureml.ms'"
        );
    }
}
