//! Reading a blueprint: built-in name or file -> YAML -> `--set` overrides -> typed `Blueprint`.
//! Every failure becomes a diagnostic that names the file, the value path, line and column.

use super::builtin;
use super::limits;
use super::model::Blueprint;
use super::overrides;
use super::source_map::SourceMap;
use crate::diagnostic::Code;
use crate::diagnostic::Diagnostic;
use crate::suggest::did_you_mean;
use crate::yaml;
use std::path::{Path, PathBuf};

/// Where a blueprint came from, and its text (kept for diagnostics).
#[derive(Debug, Clone)]
pub struct Source {
    /// What the user typed: a built-in name or a path.
    pub arg: String,
    /// Label used in diagnostics: `blueprints/approved-only.yaml (built-in)` or the path.
    pub label: String,
    pub text: String,
    pub builtin: bool,
    /// Warnings about how the argument was resolved (a file shadowed by a built-in name).
    pub warnings: Vec<Diagnostic>,
}

impl Source {
    /// Whether a command-line argument names a file rather than a built-in blueprint: it does
    /// when it contains a `/` or ends in `.yaml`/`.yml`, or when it is no built-in name and a
    /// file of that name exists. A built-in name always means the built-in (a file of the same
    /// name in the current folder gets a warning, see [`Source::resolve`]), so `render`, `check`
    /// and `show` agree on what `approved-only` is.
    pub fn names_file(arg: &str) -> bool {
        arg.contains('/')
            || arg.ends_with(".yaml")
            || arg.ends_with(".yml")
            || (builtin::find(arg).is_none() && Path::new(arg).exists())
    }

    /// The warning for a built-in name that is also the name of a file here, if it is.
    pub fn shadowed_file_warning(arg: &str) -> Option<Diagnostic> {
        (builtin::find(arg).is_some() && Path::new(arg).exists()).then(|| {
            Diagnostic::warning(
                Code::FileShadowsBuiltin,
                format!("`{arg}` is the built-in blueprint; the file `{arg}` in this folder is not used"),
            )
            .with_value(arg.to_string())
            .with_help(format!("to use the file, write its path: `./{arg}`"))
        })
    }

    /// Resolves a command-line argument: a file (see [`Source::names_file`]) is read from disk,
    /// within [`limits::MAX_FILE_BYTES`]; anything else must be a built-in name.
    pub fn resolve(arg: &str) -> Result<Source, Diagnostic> {
        if Source::names_file(arg) {
            let text = limits::read_bounded(Path::new(arg), limits::MAX_FILE_BYTES).map_err(|e| {
                let help = match e {
                    limits::ReadError::TooLarge { .. } => "a blueprint is a few KiB of YAML; check that this is the file you meant",
                    limits::ReadError::NotRegular(_) => "give the path of a blueprint YAML file",
                    limits::ReadError::Io(_) => "check the path; built-in blueprints are listed by `amlgen list`",
                };
                Diagnostic::error(Code::Unreadable, format!("cannot read blueprint file: {e}"))
                    .at_file(arg)
                    .with_help(help)
            })?;
            return Ok(Source {
                arg: arg.to_string(),
                label: arg.to_string(),
                text,
                builtin: false,
                warnings: Vec::new(),
            });
        }
        match builtin::find(arg) {
            Some(b) => Ok(Source {
                arg: arg.to_string(),
                label: format!("blueprints/{}.yaml", b.name),
                text: b.text.to_string(),
                builtin: true,
                warnings: Source::shadowed_file_warning(arg).into_iter().collect(),
            }),
            None => {
                let hint = did_you_mean(arg, builtin::names())
                    .map(|s| format!("did you mean `{s}`? "))
                    .unwrap_or_default();
                Err(Diagnostic::error(
                    Code::Unreadable,
                    format!("no built-in blueprint named `{arg}`"),
                )
                .with_value(arg.to_string())
                .with_help(format!(
                    "{hint}built-in blueprints: {}; or give a path to a .yaml file",
                    builtin::names().collect::<Vec<_>>().join(", ")
                )))
            }
        }
    }

    pub fn path(&self) -> Option<PathBuf> {
        (!self.builtin).then(|| PathBuf::from(&self.arg))
    }
}

/// A parsed blueprint with what diagnostics need to point into its text.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub source: Source,
    pub blueprint: Blueprint,
    pub map: SourceMap,
    /// The `--set` assignments applied, for the regenerate command in headers.
    pub sets: Vec<String>,
    /// The `--values` overlays, in the order they were laid over the blueprint; a value's file
    /// is `map.layer(path)` (0 the blueprint, i the i-th overlay).
    pub values: Vec<Source>,
    /// How many of `values` come from `extends:` rather than `--values`: the named file's bases
    /// are laid first, `source` being the one at the root, so `values[extended - 1]` is the file
    /// the user named (see [`extends_chain`]).
    pub extended: usize,
}

impl Loaded {
    /// The file the user named: the blueprint, or with `extends:` the file that extends it.
    pub fn named(&self) -> &Source {
        match self.extended {
            0 => &self.source,
            n => &self.values[n - 1],
        }
    }

    /// The `--values` files the user gave (after any `extends:` bases).
    pub fn user_values(&self) -> &[Source] {
        &self.values[self.extended..]
    }

    /// The file that wrote the value at `path`: the blueprint or a `--values` overlay.
    pub fn file_of(&self, path: &str) -> &Source {
        match self.map.layer(path) {
            0 => &self.source,
            i => self.values.get(i - 1).unwrap_or(&self.source),
        }
    }

    /// (label, text) of every file the blueprint was read from, for showing source lines.
    pub fn texts(&self) -> Vec<(String, String)> {
        std::iter::once(&self.source)
            .chain(&self.values)
            .map(|s| (s.label.clone(), s.text.clone()))
            .collect()
    }
}

/// Reads a `--values` overlay file (any path; built-in names are blueprints, not overlays).
pub fn overlay_source(path: &str) -> Result<Source, Diagnostic> {
    let text = limits::read_bounded(Path::new(path), limits::MAX_FILE_BYTES).map_err(|e| {
        Diagnostic::error(Code::Unreadable, format!("cannot read --values file: {e}"))
            .at_file(path)
            .with_help(
                "give the path of a YAML file with the values that differ from the blueprint",
            )
    })?;
    Ok(Source {
        arg: path.to_string(),
        label: path.to_string(),
        text,
        builtin: false,
        warnings: Vec::new(),
    })
}

/// Lays `overlay` over `base`: mappings merge key by key (recursively), any other value (a
/// scalar, a list) replaces what was there, and `null` removes the key (the setting falls back
/// to its default). README "Environments" documents the same rules.
pub fn merge(base: &mut yaml::Value, overlay: yaml::Value) {
    match (base, overlay) {
        (yaml::Value::Mapping(b), yaml::Value::Mapping(o)) => {
            for (k, v) in o.iter() {
                let key = k.key_text();
                match (b.get_mut(&key), v) {
                    (_, yaml::Value::Null) => b.remove(&key),
                    (Some(existing), v) => merge(existing, v.clone()),
                    (None, v) => b.insert(&key, v.clone()),
                }
            }
        }
        (b, o) => *b = o,
    }
}

fn parse_error(source: &Source, e: yaml::Error) -> Vec<Diagnostic> {
    let mut d = match e.kind {
        yaml::ErrorKind::TooDeep => Diagnostic::error(Code::InputTooLarge, e.message)
            .with_help("a blueprint nests about six levels; check for unclosed or repeated `[` and `{`"),
        yaml::ErrorKind::TooLarge => Diagnostic::error(Code::InputTooLarge, e.message)
            .with_help("a blueprint needs no anchors or aliases: write the values out"),
        yaml::ErrorKind::Invalid => Diagnostic::error(Code::MalformedInput, format!("malformed YAML: {}", e.message))
            .with_help("fix the YAML syntax at the position shown (indentation, a missing `:`, an unclosed quote or bracket)"),
    }
    .at_file(&source.label);
    if let Some((line, column)) = e.position {
        d = d.at_line(line, column);
    }
    vec![d]
}

pub fn load(source: Source, sets: &[String]) -> Result<Loaded, Vec<Diagnostic>> {
    load_layers(source, Vec::new(), sets)
}

/// The most files an `extends:` chain may hold, the named one included: an environment file, a
/// team file and a base is three; a longer chain is a cycle nobody wrote on purpose.
const MAX_EXTENDS: usize = 8;

/// Follows `extends:` from `named`: the chain from its root (a blueprint with no `extends:`)
/// to `named`. `extends:` names a built-in blueprint or a `.yaml` file relative to the file
/// that names it, which must stay inside the folder amlgen runs in and not be a symbolic link:
/// a blueprint from a pull request may not make amlgen read (and quote in a diagnostic) a file
/// elsewhere on the machine. A file that does not parse ends the chain; loading it reports the
/// error with its position.
pub fn extends_chain(named: Source) -> Result<Vec<Source>, Diagnostic> {
    let mut seen: Vec<PathBuf> = named
        .path()
        .and_then(|p| p.canonicalize().ok())
        .into_iter()
        .collect();
    let mut chain = vec![named];
    loop {
        let child = chain.last().expect("the chain starts with the named file");
        let Ok(parsed) = crate::yaml::parse(&child.text) else {
            break;
        };
        let Some(ext) = parsed.value.get("extends") else {
            break;
        };
        let at = |d: Diagnostic| {
            let d = d.at_file(&child.label).at_path("extends");
            match parsed.map.value("extends") {
                Some((line, column)) => d.at_line(line, column),
                None => d,
            }
        };
        let Some(base) = ext.as_str() else {
            return Err(at(Diagnostic::error(
                Code::ExtendsNotFollowed,
                "`extends:` names one blueprint: a built-in name or a relative path",
            )
            .with_help(
                "write e.g. `extends: approved-only` or `extends: ../base.yaml`",
            )));
        };
        if chain.len() >= MAX_EXTENDS {
            return Err(at(Diagnostic::error(
                Code::ExtendsNotFollowed,
                format!("`extends:` goes more than {MAX_EXTENDS} files deep"),
            )
            .with_value(base.to_string())
            .with_help(
                "an environment file extends a base, which may extend a built-in; check for a loop",
            )));
        }
        let source = if builtin::find(base).is_some() && !base.contains('/') {
            Source::resolve(base).map_err(at)?
        } else {
            let dir = child
                .path()
                .and_then(|p| p.parent().map(Path::to_path_buf))
                .unwrap_or_default();
            let path = dir.join(base);
            let inside = |p: &Path| -> Option<PathBuf> {
                let here = std::env::current_dir().ok()?.canonicalize().ok()?;
                let real = p.canonicalize().ok()?;
                real.starts_with(&here).then_some(real)
            };
            let refused = |why: &str| {
                at(Diagnostic::error(
                    Code::ExtendsNotFollowed,
                    format!("`extends: {base}` is not followed: {why}"),
                )
                .with_value(base.to_string())
                .with_help("name a built-in blueprint, or a .yaml file beside this one or in a folder above it, inside the folder amlgen runs in (the repository)"))
            };
            if Path::new(base).is_absolute() || !(base.ends_with(".yaml") || base.ends_with(".yml"))
            {
                return Err(refused(
                    "it is neither a built-in name nor a relative path to a .yaml file",
                ));
            }
            if std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink()) {
                return Err(refused("it is a symbolic link"));
            }
            let Some(real) = inside(&path) else {
                return Err(refused(
                    "it does not exist, or it is outside the folder amlgen runs in",
                ));
            };
            if seen.contains(&real) {
                return Err(refused("the files extend each other in a loop"));
            }
            seen.push(real);
            let label = path.to_string_lossy().into_owned();
            let text = limits::read_bounded(&path, limits::MAX_FILE_BYTES)
                .map_err(|e| refused(&e.to_string()))?;
            Source {
                arg: label.clone(),
                label,
                text,
                builtin: false,
                warnings: Vec::new(),
            }
        };
        chain.push(source);
    }
    chain.reverse();
    Ok(chain)
}

/// Loads a blueprint with `--values` overlays (in order, see [`merge`]) and then `--set`
/// assignments applied.
pub fn load_layers(
    source: Source,
    values: Vec<Source>,
    sets: &[String],
) -> Result<Loaded, Vec<Diagnostic>> {
    load_extended(source, values, 0, sets)
}

/// [`load_layers`] where the first `extended` of `values` are bases laid by `extends:` (see
/// [`extends_chain`]): their own `extends:` key is how they were found, not a setting.
pub fn load_extended(
    source: Source,
    values: Vec<Source>,
    extended: usize,
    sets: &[String],
) -> Result<Loaded, Vec<Diagnostic>> {
    // One parse gives the values and their positions; nesting is bounded while parsing.
    let parsed = yaml::parse(&source.text).map_err(|e| parse_error(&source, e))?;
    let mut map = parsed.map;
    let mut doc = parsed.value;
    if doc.is_null() {
        return Err(vec![Diagnostic::error(
            Code::MalformedInput,
            "the blueprint file is empty",
        )
        .at_file(&source.label)
        .with_help(
            "start from a built-in blueprint: `amlgen show approved-only > my.yaml`",
        )]);
    }
    for (i, overlay) in values.iter().enumerate() {
        let mut parsed = yaml::parse(&overlay.text).map_err(|e| parse_error(overlay, e))?;
        if i < extended {
            if let Some(m) = parsed.value.as_mapping_mut() {
                m.remove("extends");
            }
        } else if parsed.value.get("extends").is_some() {
            let d = Diagnostic::error(
                Code::ExtendsNotFollowed,
                "a --values file changes the blueprint it is laid over; it does not extend another",
            )
            .at_file(&overlay.label)
            .at_path("extends")
            .with_help("remove `extends:` here, or render this file as the blueprint: `amlgen render FILE`");
            return Err(vec![match parsed.map.value("extends") {
                Some((line, column)) => d.at_line(line, column),
                None => d,
            }]);
        }
        if !(parsed.value.is_mapping() || parsed.value.is_null()) {
            return Err(vec![Diagnostic::error(
                Code::InvalidValue,
                "a --values file is a mapping of the blueprint keys it changes",
            )
            .at_file(&overlay.label)
            .with_help("write it like a blueprint, with only the keys that differ: `naming: {prefix: aml-prod}`")]);
        }
        // An empty (or comments-only) values file changes nothing; merged as `null` it would
        // remove the whole blueprint.
        if parsed.value.is_null() {
            continue;
        }
        let replaced = super::source_map::replaced_paths(&parsed.value);
        merge(&mut doc, parsed.value);
        map.overlay(parsed.map, &replaced, i + 1);
    }
    let mut errors = Vec::new();
    for s in sets {
        if let Err(d) = overrides::apply(&mut doc, s, super::schema::json_schema_shared()) {
            errors.push(d);
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let layers: Vec<&Source> = std::iter::once(&source).chain(&values).collect();
    let blueprint: Blueprint = serde_path_to_error::deserialize(doc).map_err(|e| {
        let path = serde_path(e.path());
        let msg = e.inner().to_string();
        let file = layers.get(map.layer(&path)).copied().unwrap_or(&source);
        vec![shape_error(file, &map, &path, &msg)]
    })?;
    Ok(Loaded {
        source,
        blueprint,
        map,
        sets: sets.to_vec(),
        values,
        extended,
    })
}

/// serde_path_to_error paths print as `a.b[0].c`, the form used everywhere in amlgen; the root
/// prints as `.`.
fn serde_path(p: &serde_path_to_error::Path) -> String {
    let s = p.to_string();
    if s == "." {
        String::new()
    } else {
        s
    }
}

/// Turns a serde error (unknown key, unknown variant, wrong type, missing field) into a
/// diagnostic with a position and a did-you-mean.
fn shape_error(source: &Source, map: &SourceMap, path: &str, msg: &str) -> Diagnostic {
    let expected = expected_list(msg);
    let (code, message, value, help, pos) =
        if let Some(field) = between(msg, "unknown field `", "`") {
            let key_path = if path.ends_with(field) {
                path.to_string()
            } else {
                join(path, field)
            };
            let hint = did_you_mean(field, expected.iter().map(String::as_str))
                .map(|s| format!("did you mean `{s}`? "))
                .unwrap_or_default();
            (
                Code::UnknownKey,
                format!("unknown key `{field}`"),
                Some(field.to_string()),
                format!("{hint}keys allowed here: {}", expected.join(", ")),
                map.key(&key_path),
            )
        } else if let Some(variant) = between(msg, "unknown variant `", "`") {
            let hint = did_you_mean(variant, expected.iter().map(String::as_str))
                .map(|s| format!("did you mean `{s}`? "))
                .unwrap_or_default();
            (
                Code::InvalidValue,
                format!("`{variant}` is not an allowed value"),
                Some(variant.to_string()),
                format!("{hint}allowed values: {}", expected.join(", ")),
                map.value(path),
            )
        } else if let Some(field) = between(msg, "missing field `", "`") {
            (
                Code::MissingKey,
                format!("required key `{field}` is missing"),
                None,
                format!("add `{field}:` here; `amlgen schema` describes every key"),
                map.value(path),
            )
        } else {
            (
                Code::InvalidValue,
                format!("invalid value: {msg}"),
                None,
                "see `amlgen schema` for the expected type of this key".to_string(),
                map.value(path),
            )
        };
    let mut d = Diagnostic::error(code, message)
        .at_file(&source.label)
        .with_help(help);
    if !path.is_empty() {
        d = d.at_path(path);
    }
    if let Some(v) = value {
        d = d.with_value(v);
    }
    if let Some((l, c)) = pos {
        d = d.at_line(l, c);
    }
    d
}

fn join(base: &str, key: &str) -> String {
    if base.is_empty() {
        key.to_string()
    } else {
        format!("{base}.{key}")
    }
}

fn between<'a>(s: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let i = s.find(start)? + start.len();
    let j = s[i..].find(end)? + i;
    Some(&s[i..j])
}

/// serde lists alternatives as "expected one of `a`, `b`" or "expected `a` or `b`".
fn expected_list(msg: &str) -> Vec<String> {
    let Some(i) = msg.find("expected") else {
        return Vec::new();
    };
    msg[i..]
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}
