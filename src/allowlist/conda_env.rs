//! environment.yml (conda): channels (named channels resolve against channel_alias
//! conda.anaconda.org; `defaults` is repo.anaconda.com and is added from .condarc unless the file
//! lists `nodefaults`), channel URLs, `channel::package` specs, and the `pip:` section, which is
//! one pip run.

use super::files::{Files, Loaded, Root};
use super::hosts::{Needs, Site};
use super::requirements::{self, Includes, Line, Pip};
use crate::diagnostic::Code;
use crate::diagnostic::Diagnostic;
use crate::yaml::Value;

/// The host of the `defaults` channels (pkgs/main, pkgs/r).
pub const DEFAULTS_HOST: &str = "repo.anaconda.com";
/// conda's channel_alias: `conda-forge` means https://conda.anaconda.org/conda-forge.
pub const CHANNEL_ALIAS: &str = "https://conda.anaconda.org";

pub fn read(file: &Loaded, label: &str, files: &mut Files, needs: &mut Needs) {
    let text: &str = &file.text;
    let (doc, map) = match crate::yaml::parse(text) {
        Ok(d) => (d.value, d.map),
        Err(e) => {
            let mut d = Diagnostic::error(Code::MalformedInput, format!("malformed YAML: {e}"))
                .at_file(label)
                .with_help("fix the YAML syntax at the position shown");
            if let Some((line, column)) = e.position {
                d = d.at_line(line, column);
            }
            needs.finding(d);
            return;
        }
    };
    let site = |path: &str| {
        let (line, col) = map.value(path).unwrap_or((1, 1));
        let raw = text.lines().nth(line - 1).unwrap_or_default();
        Site::new(label, line, col, raw)
    };
    let channels: Vec<String> = doc
        .get("channels")
        .and_then(Value::as_sequence)
        .map(|s| {
            s.iter()
                .filter_map(|c| c.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    for (i, c) in channels.iter().enumerate() {
        channel(c, &site(&format!("channels[{i}]")), needs, "channel");
    }
    let has = |name: &str| channels.iter().any(|c| c == name);
    let deps = doc.get("dependencies").and_then(Value::as_sequence);
    let conda_deps = deps.is_some_and(|d| d.iter().any(Value::is_string));
    if conda_deps && !has("defaults") && !has("nodefaults") {
        let at = if channels.is_empty() {
            site("dependencies")
        } else {
            site("channels")
        };
        needs.add(
            DEFAULTS_HOST,
            443,
            "https",
            super::hosts::Reason {
                site: at,
                why: "conda adds the channels of .condarc (`defaults`, on repo.anaconda.com, unless configured otherwise) because the file does not list `nodefaults`".into(),
            },
        );
    }
    let Some(deps) = deps else { return };
    for (i, d) in deps.iter().enumerate() {
        match d {
            Value::String(spec) => {
                if let Some((chan, _)) = spec.split_once("::") {
                    channel(
                        chan,
                        &site(&format!("dependencies[{i}]")),
                        needs,
                        "channel of a `channel::package` dependency",
                    );
                }
            }
            Value::Mapping(m) => {
                let Some(pip) = m.get("pip").and_then(Value::as_sequence) else {
                    continue;
                };
                let lines: Vec<Line> = pip
                    .iter()
                    .enumerate()
                    .filter_map(|(j, entry)| {
                        let value = entry.as_str()?;
                        let (number, column) = map
                            .value(&format!("dependencies[{i}].pip[{j}]"))
                            .unwrap_or((1, 1));
                        // A quoted scalar starts one column after its quote.
                        let raw = text.lines().nth(number - 1).unwrap_or_default();
                        let quoted = matches!(raw.chars().nth(column - 1), Some('"' | '\''));
                        Some(Line {
                            number,
                            column: column + usize::from(quoted),
                            text: value.to_string(),
                        })
                    })
                    .collect();
                let mut run = Pip::default();
                // The pip section is one pip run; its includes stay in the file's folder.
                let mut inc = Includes::new(files, Root::of(file));
                requirements::read_lines(
                    &lines,
                    label,
                    file.dir(),
                    &mut run,
                    needs,
                    &mut inc,
                    false,
                );
                requirements::resolve(&run, needs);
            }
            _ => {}
        }
    }
}

/// Adds the host of a channel: a URL's host, `defaults` -> repo.anaconda.com, a name ->
/// conda.anaconda.org (channel_alias); `nodefaults` and `local` need none.
fn channel(c: &str, site: &Site, needs: &mut Needs, what: &str) {
    match c {
        "nodefaults" | "local" => {}
        "defaults" => needs.add(
            DEFAULTS_HOST,
            443,
            "https",
            super::hosts::Reason {
                site: site.clone(),
                why: "the `defaults` channels (pkgs/main, pkgs/r) are on repo.anaconda.com".into(),
            },
        ),
        url if url.contains("://") || url.starts_with('$') => {
            needs.add_url(url, site, &format!("conda {what} URL"))
        }
        name => needs.add_url(
            &format!("{CHANNEL_ALIAS}/{name}"),
            site,
            &format!("conda {what} `{name}`: names resolve against channel_alias {CHANNEL_ALIAS}"),
        ),
    }
}
