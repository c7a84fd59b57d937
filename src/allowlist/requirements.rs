//! requirements.txt (and the `pip:` section of environment.yml): which hosts one pip run needs.
//! Options apply to the whole run (`--index-url` replaces PyPI, `--extra-index-url` adds an
//! index, `--no-index` uses none, `-r`/`-c` read more files); each requirement comes from the
//! index, from a URL (`name @ https://...`, `git+https://...`, a bare URL) or from a local path.

use super::files::{Files, Loaded, Refused, Root};
use super::hosts::{mask_secrets, Needs, Site, DEFAULT_INDEX};
use crate::diagnostic::Code;
use crate::diagnostic::Diagnostic;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

/// What one pip run is told.
#[derive(Debug, Default)]
pub struct Pip {
    pub index_url: Option<(String, Site)>,
    pub extra_index_urls: Vec<(String, Site)>,
    pub find_links: Vec<(String, Site)>,
    pub no_index: Option<Site>,
    /// Requirements installed from the index (a name, no URL).
    pub from_index: Vec<Site>,
    /// Requirements and includes from a URL, with why.
    pub urls: Vec<(String, Site, &'static str)>,
}

/// One logical line: continuation lines joined; its first line number; its text as a column
/// base (1-based column of the text's first character in the file).
pub struct Line {
    pub number: usize,
    pub column: usize,
    pub text: String,
}

/// Splits a requirements file into logical lines (a `\` at the end joins the next line).
pub fn logical_lines(text: &str) -> Vec<Line> {
    let mut out: Vec<Line> = Vec::new();
    let mut pending: Option<Line> = None;
    for (i, raw) in text.lines().enumerate() {
        let (body, continues) = match raw.strip_suffix('\\') {
            Some(b) => (b, true),
            None => (raw, false),
        };
        match pending.as_mut() {
            Some(p) => {
                p.text.push(' ');
                p.text.push_str(body.trim_start());
            }
            None => {
                pending = Some(Line {
                    number: i + 1,
                    column: 1,
                    text: body.to_string(),
                })
            }
        }
        if !continues {
            out.extend(pending.take());
        }
    }
    out.extend(pending);
    out
}

/// What one pip run may include: the run's reader, its project folder, and the files it has
/// read already.
pub struct Includes<'f> {
    pub files: &'f mut Files,
    /// Includes are followed only inside this folder, unless --include-outside.
    pub root: Root,
    /// Files this run has read, as requirements or as constraints: each counts once, so cycles
    /// and diamonds cost nothing (pip reads a diamond's file twice, to the same effect).
    seen: HashSet<(PathBuf, bool)>,
}

impl<'f> Includes<'f> {
    pub fn new(files: &'f mut Files, root: Root) -> Includes<'f> {
        Includes {
            files,
            root,
            seen: HashSet::new(),
        }
    }
}

/// Reads a requirements file named on the command line, and what it includes: one pip run.
pub fn read_named(file: &Loaded, label: &str, files: &mut Files, needs: &mut Needs) {
    let mut pip = Pip::default();
    let mut inc = Includes::new(files, Root::of(file));
    inc.seen.insert((file.canonical.clone(), false));
    read_lines(
        &logical_lines(&file.text),
        label,
        file.dir(),
        &mut pip,
        needs,
        &mut inc,
        false,
    );
    resolve(&pip, needs);
}

/// Reads the lines of one file (or of a `pip:` section).
pub fn read_lines(
    lines: &[Line],
    label: &str,
    dir: &Path,
    pip: &mut Pip,
    needs: &mut Needs,
    inc: &mut Includes,
    constraint: bool,
) {
    for line in lines {
        let text = strip_comment(&line.text);
        let tokens: Vec<&str> = text.split_whitespace().collect();
        let Some(first) = tokens.first() else {
            continue;
        };
        // The reason quotes the line without its comment (which may hold anything, a token
        // included), as pip reads it.
        let site_at = |needle: &str| {
            let col = line
                .text
                .find(needle)
                .map(|b| line.text[..b].chars().count())
                .unwrap_or(0);
            Site::new(label, line.number, line.column + col, text)
        };
        if first.starts_with('-') {
            option(&tokens, label, dir, pip, needs, inc, &site_at, constraint);
        } else if !constraint {
            // (a constraint pins a version; it installs nothing)
            requirement(text, first, pip, needs, &site_at);
        }
        // Credentials anywhere on the line (`--trusted-host user:pw@host`, a word after the
        // option's value) are reported too, once.
        for word in &tokens {
            needs.sweep_credentials(word, &site_at(word));
        }
    }
}

/// A requirement line: from a URL, the index, or a local path.
fn requirement(
    text: &str,
    first: &str,
    pip: &mut Pip,
    needs: &mut Needs,
    site_at: &dyn Fn(&str) -> Site,
) {
    match classify(requirement_spec(text)) {
        Requirement::Url(u) => {
            pip.urls
                .push((u.to_string(), site_at(u), "installed from this URL"))
        }
        Requirement::Index => pip.from_index.push(site_at(first)),
        Requirement::Local => {}
        Requirement::Unknown => needs.finding(not_understood(&site_at(first))),
    }
}

/// A line amlgen cannot read: where, never what (a line that does not parse may be anything,
/// a password included, when a file is not the dependency file it seems).
fn not_understood(site: &Site) -> Diagnostic {
    Diagnostic::warning(
        Code::LineNotUnderstood,
        "line not understood; amlgen cannot tell which host it needs (the line is not shown)",
    )
    .at_file(&site.file)
    .at_line(site.line, site.column)
    .with_help("check the line (pip's requirements format); if it names a host, allow it by hand")
}

#[allow(clippy::too_many_arguments)]
fn option(
    tokens: &[&str],
    label: &str,
    dir: &Path,
    pip: &mut Pip,
    needs: &mut Needs,
    inc: &mut Includes,
    site_at: &dyn Fn(&str) -> Site,
    constraint: bool,
) {
    let Some(&first) = tokens.first() else { return };
    // --opt=value, --opt value, -ovalue, -o value
    let (name, attached) = match first.split_once('=') {
        Some((n, v)) if first.starts_with("--") => (n.to_string(), Some(v.to_string())),
        // `-` and the next character (a short option), split where that character ends.
        _ if !first.starts_with("--") && first.chars().count() > 2 => {
            let at = first.char_indices().nth(2).map_or(first.len(), |(i, _)| i);
            let (n, v) = first.split_at(at);
            (n.to_string(), Some(v.to_string()))
        }
        _ => (first.to_string(), None),
    };
    let value = attached.or_else(|| tokens.get(1).map(|s| s.to_string()));
    let with_value =
        |pip: &mut Pip, needs: &mut Needs, f: &dyn Fn(&mut Pip, String, Site)| match &value {
            Some(v) => f(pip, v.clone(), site_at(v)),
            None => needs.finding(not_understood(&site_at(first))),
        };
    // Every credential written is reported, whether or not the run ends up using the URL (a
    // later --index-url overrides an earlier one; --no-index drops them all).
    if matches!(
        name.as_str(),
        "-i" | "--index-url" | "--extra-index-url" | "-f" | "--find-links"
    ) {
        if let Some(v) = &value {
            needs.check_credentials(v, &site_at(v));
        }
    }
    match name.as_str() {
        "-i" | "--index-url" => with_value(pip, needs, &|p, v, s| p.index_url = Some((v, s))),
        "--extra-index-url" => with_value(pip, needs, &|p, v, s| p.extra_index_urls.push((v, s))),
        "-f" | "--find-links" => with_value(pip, needs, &|p, v, s| {
            if v.contains("://") || v.starts_with('$') {
                p.find_links.push((v, s));
            }
        }),
        "--no-index" => pip.no_index = Some(site_at(first)),
        "-r" | "--requirement" | "-c" | "--constraint" => {
            let Some(v) = value else {
                needs.finding(not_understood(&site_at(first)));
                return;
            };
            if v.contains("://") {
                pip.urls.push((
                    v.clone(),
                    site_at(&v),
                    "pip reads this requirements file from the URL",
                ));
                return;
            }
            let is_constraint = constraint || name == "-c" || name == "--constraint";
            // The name may be a mistyped URL with a password in it.
            let child_label = mask_secrets(&join_label(label, &v));
            match inc.files.include(&inc.root, dir, &v, &child_label) {
                Ok(file) => {
                    if inc.seen.insert((file.canonical.clone(), is_constraint)) {
                        read_lines(
                            &logical_lines(&file.text),
                            &child_label,
                            file.dir(),
                            pip,
                            needs,
                            inc,
                            is_constraint,
                        );
                    }
                }
                Err(Refused::Finding(d)) => {
                    let s = site_at(&v);
                    needs.finding(
                        d.at_file(&s.file)
                            .at_line(s.line, s.column)
                            .with_value(mask_secrets(&v)),
                    );
                }
                Err(Refused::Quiet) => {}
            }
        }
        "-e" | "--editable" => with_value(pip, needs, &|p, v, s| {
            if constraint {
                return;
            }
            if let Requirement::Url(u) = classify(&v) {
                p.urls.push((
                    u.to_string(),
                    s,
                    "installed (editable) from this repository",
                ));
            }
        }),
        // Options that change how, not where from.
        "--trusted-host" | "--pre" | "--prefer-binary" | "--only-binary" | "--no-binary"
        | "--require-hashes" | "--use-feature" | "--config-settings" | "--global-option"
        | "--hash" | "--no-deps" | "--upgrade" | "-U" | "--progress-bar" => {}
        _ => needs.finding(not_understood(&site_at(first))),
    }
}

/// The label of an included file: relative to the including file's folder, as typed.
fn join_label(parent: &str, child: &str) -> String {
    match Path::new(parent).parent() {
        Some(p) if !p.as_os_str().is_empty() => p.join(child).to_string_lossy().into_owned(),
        _ => child.to_string(),
    }
}

/// Drops a comment: a line starting with `#`, or whitespace followed by `#`.
pub fn strip_comment(line: &str) -> &str {
    let t = line.trim();
    if t.starts_with('#') {
        return "";
    }
    let bytes = t.as_bytes();
    for (i, b) in bytes.iter().enumerate() {
        if *b == b'#' && i > 0 && bytes[i - 1].is_ascii_whitespace() {
            return t[..i].trim_end();
        }
    }
    t
}

/// The requirement without its per-requirement options (`--hash=...`).
fn requirement_spec(text: &str) -> &str {
    match text.find(" --") {
        Some(i) => text[..i].trim(),
        None => text.trim(),
    }
}

#[derive(Debug, PartialEq, Eq)]
pub enum Requirement<'a> {
    /// A name and version specifier: installed from the index.
    Index,
    /// Installed from this URL (a PEP 508 direct reference, a VCS URL, a bare URL).
    Url(&'a str),
    /// A local path.
    Local,
    Unknown,
}

/// What a requirement string installs from.
pub fn classify(spec: &str) -> Requirement<'_> {
    let spec = spec.trim();
    let first = spec.split_whitespace().next().unwrap_or_default();
    static DIRECT: LazyLock<regex::Regex> = LazyLock::new(|| {
        regex::Regex::new(r"^[A-Za-z0-9][A-Za-z0-9._-]*\s*(\[[^\]]*\])?\s*@\s*(\S+)")
            .expect("literal")
    });
    // A PEP 508 requirement without a URL: name, extras, version specifiers, marker. Only a
    // line of this shape is a requirement: a line that merely starts with a word (a
    // `user:hash:...` line of a file that is no requirements file) is not one, and is never
    // printed as a reason.
    static NAME: LazyLock<regex::Regex> = LazyLock::new(|| {
        let name = r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?";
        let op = r"(?:~=|===|==|!=|<=|>=|<|>)";
        let version = r"[A-Za-z0-9.*+!_-]+";
        let spec = format!(r"{op}\s*{version}(?:\s*,\s*{op}\s*{version})*");
        regex::Regex::new(&format!(
            r#"^{name}\s*(?:\[\s*(?:{name}(?:\s*,\s*{name})*)?\s*\])?\s*(?:{spec}|\(\s*{spec}\s*\))?\s*(?:;[A-Za-z0-9_.'"<>=!~() \t,*+-]*)?$"#
        ))
        .expect("literal")
    });
    if let Some(c) = DIRECT.captures(spec) {
        let u = c.get(2).expect("group").as_str().trim_end_matches(';');
        return if u.starts_with("file:") || !u.contains("://") && !u.starts_with("git@") {
            Requirement::Local
        } else {
            Requirement::Url(u)
        };
    }
    if first.contains("://") || first.starts_with("git+") || first.starts_with("${") {
        return if first.starts_with("file:") {
            Requirement::Local
        } else {
            Requirement::Url(first)
        };
    }
    if first.starts_with('.')
        || first.starts_with('/')
        || first.starts_with('~')
        || [".whl", ".tar.gz", ".zip", ".tar.bz2"]
            .iter()
            .any(|e| first.ends_with(e))
    {
        return Requirement::Local;
    }
    if NAME.is_match(spec) {
        Requirement::Index
    } else {
        Requirement::Unknown
    }
}

/// The hosts one pip run needs.
pub fn resolve(pip: &Pip, needs: &mut Needs) {
    let no_index = pip.no_index.is_some();
    if !no_index {
        if let Some(first) = pip.from_index.first() {
            let n = pip.from_index.len();
            let more = if n > 1 {
                format!(" ({n} requirements)")
            } else {
                String::new()
            };
            match &pip.index_url {
                Some((url, site)) => needs.add_url(
                    url,
                    site,
                    &format!("--index-url: requirements without a URL are installed from this index instead of PyPI{more}"),
                ),
                None => needs.add_url(
                    DEFAULT_INDEX,
                    first,
                    &format!("installed from the default index, PyPI{more}"),
                ),
            }
            for (url, site) in &pip.extra_index_urls {
                needs.add_url(
                    url,
                    site,
                    "--extra-index-url: searched for every requirement besides the index",
                );
            }
        }
    }
    for (url, site) in &pip.find_links {
        needs.add_url(
            url,
            site,
            "--find-links: pip reads this page of package links",
        );
    }
    for (url, site, why) in &pip.urls {
        needs.add_url(url, site, why);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_requirements() {
        assert_eq!(classify("numpy==1.26.4"), Requirement::Index);
        assert_eq!(
            classify("torch>=2; python_version > '3.8'"),
            Requirement::Index
        );
        assert_eq!(
            classify("mylib @ git+https://github.com/org/mylib.git@v1"),
            Requirement::Url("git+https://github.com/org/mylib.git@v1")
        );
        assert_eq!(
            classify("x[extra]@https://h.example/x.whl ; sys_platform == 'linux'"),
            Requirement::Url("https://h.example/x.whl")
        );
        assert_eq!(
            classify("./dist/x-1.0-py3-none-any.whl"),
            Requirement::Local
        );
        assert_eq!(classify("x @ file:///opt/wheels/x.whl"), Requirement::Local);
        assert_eq!(
            classify("https://h.example/x.tar.gz"),
            Requirement::Url("https://h.example/x.tar.gz")
        );
        assert_eq!(classify("!!"), Requirement::Unknown);
    }

    #[test]
    fn comments_and_continuations() {
        assert_eq!(strip_comment("numpy # pinned"), "numpy");
        assert_eq!(strip_comment("# all"), "");
        assert_eq!(
            strip_comment("x @ https://h/x.whl#sha256=1"),
            "x @ https://h/x.whl#sha256=1"
        );
        let l = logical_lines("a \\\n  b\nc\n");
        assert_eq!(l.len(), 2);
        assert_eq!((l[0].number, l[0].text.as_str()), (1, "a  b"));
        assert_eq!(l[1].number, 3);
    }
}
