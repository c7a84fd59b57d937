//! Free text and simple scalars: blueprint name (it becomes a folder), prefix, location,
//! description, tags. Text lands in Bicep strings, script comments and Markdown, so control
//! characters are refused outright rather than escaped in five different ways.

use crate::blueprint::Blueprint;
use crate::diagnostic::Diagnostic;

pub fn check(bp: &Blueprint, out: &mut Vec<Diagnostic>) {
    if !is_slug(&bp.name, 63) {
        out.push(
            Diagnostic::error("AMLG020", "blueprint name must be a folder-safe slug")
                .at_path("name")
                .with_value(&bp.name)
                .with_help("use 1-63 lowercase letters, digits and hyphens, starting with a letter or digit (it names the output folder out/<name>)"),
        );
    }
    if !is_slug(&bp.naming.prefix, 40) {
        out.push(
            Diagnostic::error(
                "AMLG021",
                "naming prefix must be lowercase letters, digits and hyphens",
            )
            .at_path("naming.prefix")
            .with_value(&bp.naming.prefix)
            .with_help(
                "use 1-40 characters such as `fraud-prod`; resource names are derived from it",
            ),
        );
    }
    if bp.location.is_empty()
        || !bp
            .location
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
    {
        out.push(
            Diagnostic::error("AMLG040", "location must be an Azure region name")
                .at_path("location")
                .with_value(&bp.location)
                .with_help("use the region's programmatic name, e.g. `eastus` or `westeurope` (`az account list-locations -o table`)"),
        );
    }
    plain_text(&bp.description, "description", 1000, out);
    if let Some(f) = &bp.workspace.friendly_name {
        plain_text(f, "workspace.friendly_name", 256, out);
    }
    for (k, v) in &bp.tags {
        let path = format!("tags.{k}");
        if k.is_empty() || k.len() > 512 || k.contains(['<', '>', '%', '&', '\\', '?', '/']) {
            out.push(
                Diagnostic::error("AMLG041", "tag name Azure would refuse")
                    .at_path(&path)
                    .with_value(k)
                    .with_help("tag names are 1-512 characters and cannot contain < > % & \\ ? /"),
            );
        }
        plain_text(k, &path, 512, out);
        plain_text(v, &path, 256, out);
    }
}

fn is_slug(s: &str, max: usize) -> bool {
    !s.is_empty()
        && s.len() <= max
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

fn plain_text(s: &str, path: &str, max: usize, out: &mut Vec<Diagnostic>) {
    if s.chars().any(char::is_control) || s.chars().count() > max {
        out.push(
            Diagnostic::error("AMLG042", "text must be one line of printable characters")
                .at_path(path)
                .with_value(s.escape_debug().to_string())
                .with_help(format!(
                    "remove line breaks, tabs and control characters; at most {max} characters"
                )),
        );
    }
}
