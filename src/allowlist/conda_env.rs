//! environment.yml (conda): channels (named channels resolve against channel_alias
//! conda.anaconda.org; `defaults` is repo.anaconda.com and is added from .condarc unless the file
//! lists `nodefaults`), channel URLs, `channel::package` specs, and the `pip:` section, which is
//! one pip run.

use super::files::{Files, Loaded, Root};
use super::hosts::{Needs, Site};
use super::requirements::{self, Includes, Line, Pip};
use crate::blueprint::source_map;
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
    // A reason quotes the value as parsed (never the line, whose comment may hold anything).
    let site = |path: &str, quoted: &str| {
        let (line, col) = map.value(path).unwrap_or((1, 1));
        Site::new(label, line, col, quoted)
    };
    let mut channels: Vec<(usize, String)> = Vec::new();
    match doc.get("channels") {
        None | Some(Value::Null) => {}
        Some(Value::Sequence(s)) => {
            for (i, c) in s.iter().enumerate() {
                match c.as_str() {
                    Some(c) => channels.push((i, c.to_string())),
                    None => needs.wrong_shape(
                        "a `channels` entry",
                        "a channel name or URL",
                        &site(&format!("channels[{i}]"), ""),
                    ),
                }
            }
        }
        Some(_) => needs.wrong_shape("`channels`", "a list", &site("channels", "")),
    }
    for (i, c) in &channels {
        channel(
            c,
            &site(&format!("channels[{i}]"), &format!("- {c}")),
            needs,
            "channel",
        );
    }
    let has = |name: &str| channels.iter().any(|(_, c)| c == name);
    let deps = match doc.get("dependencies") {
        None | Some(Value::Null) => None,
        Some(Value::Sequence(d)) => Some(d),
        Some(_) => {
            needs.wrong_shape("`dependencies`", "a list", &site("dependencies", ""));
            None
        }
    };
    let conda_deps = deps.is_some_and(|d| d.iter().any(Value::is_string));
    if conda_deps && !has("defaults") && !has("nodefaults") {
        let at = if channels.is_empty() {
            site("dependencies", "dependencies:")
        } else {
            site("channels", "channels:")
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
    for (i, d) in deps.into_iter().flatten().enumerate() {
        let path = format!("dependencies[{i}]");
        match d {
            Value::String(spec) => {
                if let Some((chan, _)) = spec.split_once("::") {
                    channel(
                        chan,
                        &site(&path, &format!("- {spec}")),
                        needs,
                        "channel of a `channel::package` dependency",
                    );
                }
            }
            Value::Mapping(m) if m.len() == 1 && m.contains_key("pip") => {
                let Some(pip) = m.get("pip").and_then(Value::as_sequence) else {
                    needs.wrong_shape("`pip`", "a list", &site(&format!("{path}.pip"), ""));
                    continue;
                };
                let mut lines: Vec<Line> = Vec::new();
                for (j, entry) in pip.iter().enumerate() {
                    let at = format!("{path}.pip[{j}]");
                    let Some(value) = entry.as_str() else {
                        needs.wrong_shape("a `pip` entry", "a string", &site(&at, ""));
                        continue;
                    };
                    let (number, column) = map.value(&at).unwrap_or((1, 1));
                    // A quoted scalar starts one column after its quote.
                    let raw = text.lines().nth(number - 1).unwrap_or_default();
                    let quoted = matches!(raw.chars().nth(column - 1), Some('"' | '\''));
                    lines.push(Line {
                        number,
                        column: column + usize::from(quoted),
                        text: value.to_string(),
                    });
                }
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
            Value::Null => {}
            _ => needs.wrong_shape(
                "a `dependencies` entry",
                "a package or a `pip:` list",
                &site(&path, ""),
            ),
        }
    }
    // Every value of the file, whatever its key or shape (`variables:`, a channel written as a
    // string, a key conda does not know), is searched for credentials: every one written in the
    // file is reported, used or not.
    for (line, column, value) in source_map::scalars(&doc, &map) {
        needs.sweep_credentials(&value, &Site::new(label, line, column, ""));
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
        // A local folder (conda reads `./x`, `~/x`, `/x` as paths): no host.
        path if path.starts_with(['.', '/', '~']) => {}
        // `user:pw@host/chan`, `host.example.com/chan`: a URL without its scheme (a channel
        // name holds no `@`, `:` or `.` in its first segment). Its credential is reported as
        // written; the host is the one written, not channel_alias.
        url if url
            .split('/')
            .next()
            .is_some_and(|first| first.contains(['@', ':', '.'])) =>
        {
            needs.check_credentials(url, site);
            let authority = url.split('/').next().unwrap_or_default();
            let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
            // The host is all a rule needs; the path (which may hold a `/t/<token>/`, reported
            // above as written) is left out.
            needs.add_url(
                &format!("https://{host}"),
                site,
                &format!("conda {what} URL, written without `https://` (write the scheme: conda reads a value without one as a channel name on channel_alias)"),
            );
        }
        name => needs.add_url(
            &format!("{CHANNEL_ALIAS}/{name}"),
            site,
            &format!("conda {what} `{name}`: names resolve against channel_alias {CHANNEL_ALIAS}"),
        ),
    }
}
