//! pyproject.toml: PEP 621 dependencies (`[project]`, optional dependencies, dependency groups,
//! build requirements) and where the installer takes them from: PyPI by default, Poetry's
//! `[[tool.poetry.source]]` (priorities primary, supplemental, explicit), uv's
//! `[[tool.uv.index]]` (`default`, `explicit`) and `[tool.uv.sources]`, and direct references
//! (`name @ URL`, Poetry/uv `git`/`url` sources).

use super::hosts::{Needs, Site, DEFAULT_INDEX};
use super::requirements::{classify, Requirement};
use crate::diagnostic::Code;
use crate::diagnostic::Diagnostic;
use std::sync::LazyLock;
use toml_edit::{Document, Item, TableLike, Value};

/// Where one dependency is installed from.
#[derive(Debug, Clone, PartialEq, Eq)]
enum From {
    /// The project's indexes (PyPI unless replaced).
    Index,
    /// Only the named index (Poetry `source = "x"`, uv `{ index = "x" }`).
    Pinned(String),
    Url(String),
    Local,
}

#[derive(Debug, Clone)]
struct Dep {
    /// Normalised name (`My_Lib` -> `my-lib`), for uv sources.
    name: String,
    site: Site,
    from: From,
}

#[derive(Debug, Clone)]
struct Index {
    name: String,
    url: String,
    site: Site,
    /// Used only by the dependencies pinned to it.
    explicit: bool,
}

/// One installer's view: its indexes and whether PyPI is still the default.
struct Resolution<'a> {
    tool: &'a str,
    deps: Vec<Dep>,
    indexes: Vec<Index>,
    default_pypi: bool,
}

pub fn read(text: &str, label: &str, needs: &mut Needs) {
    let doc = match Document::parse(text) {
        Ok(d) => d,
        Err(e) => {
            let (line, col) = e.span().map(|s| line_col(text, s.start)).unwrap_or((1, 1));
            needs.finding(
                Diagnostic::error(
                    Code::MalformedInput,
                    format!("malformed TOML: {}", e.message().trim()),
                )
                .at_file(label)
                .at_line(line, col)
                .with_help("fix the TOML syntax at the position shown"),
            );
            return;
        }
    };
    let f = File { text, label };
    let root = doc.as_table();
    let mut base = Vec::new();
    if let Some(deps) = root.get("project").and_then(|p| p.get("dependencies")) {
        f.pep508_array(deps, "`project.dependencies`", &mut base, needs);
    }
    if let Some(groups) = root
        .get("project")
        .and_then(|p| p.get("optional-dependencies"))
        .and_then(Item::as_table_like)
    {
        for (_, deps) in groups.iter() {
            f.pep508_array(deps, "an optional-dependencies group", &mut base, needs);
        }
    }
    if let Some(groups) = root.get("dependency-groups").and_then(Item::as_table_like) {
        for (_, deps) in groups.iter() {
            f.pep508_array(deps, "a dependency group", &mut base, needs);
        }
    }
    if let Some(reqs) = root.get("build-system").and_then(|b| b.get("requires")) {
        f.pep508_array(reqs, "`build-system.requires`", &mut base, needs);
    }
    let tool = root.get("tool");
    let poetry = tool.and_then(|t| t.get("poetry"));
    let uv = tool.and_then(|t| t.get("uv"));
    let mut resolutions = Vec::new();
    if let Some(p) = poetry {
        resolutions.push(f.poetry(p, base.clone(), needs));
    }
    if let Some(u) = uv {
        resolutions.push(f.uv(u, base.clone(), needs));
    }
    if resolutions.is_empty() {
        resolutions.push(Resolution {
            tool: "pip",
            deps: base,
            indexes: Vec::new(),
            default_pypi: true,
        });
    }
    for r in resolutions {
        resolve(r, needs);
    }
    // Every string of the file, whatever its table (`[[tool.pdm.source]]`, `[tool.pip-tools]`)
    // or shape, is searched for credentials: every one written in the file is reported.
    f.sweep(root, needs);
}

fn resolve(r: Resolution, needs: &mut Needs) {
    // A credential in an index URL is reported even when nothing is installed from the index.
    for ix in &r.indexes {
        needs.check_credentials(&ix.url, &ix.site);
    }
    let unpinned: Vec<&Dep> = r.deps.iter().filter(|d| d.from == From::Index).collect();
    if let Some(first) = unpinned.first() {
        let n = unpinned.len();
        let count = if n > 1 {
            format!(" ({n} dependencies)")
        } else {
            String::new()
        };
        for ix in r.indexes.iter().filter(|i| !i.explicit) {
            needs.add_url(
                &ix.url,
                &ix.site,
                &format!(
                    "{} index `{}`: searched for every dependency{count}",
                    r.tool, ix.name
                ),
            );
        }
        if r.default_pypi {
            needs.add_url(
                DEFAULT_INDEX,
                &first.site,
                &format!("installed from the default index, PyPI ({}){count}", r.tool),
            );
        }
    }
    for d in &r.deps {
        match &d.from {
            From::Pinned(name) => {
                match r.indexes.iter().find(|i| i.name.eq_ignore_ascii_case(name)) {
                    Some(ix) => needs.add_url(
                        &ix.url,
                        &ix.site,
                        &format!(
                            "`{}` is installed from {} index `{}`",
                            d.name, r.tool, ix.name
                        ),
                    ),
                    None => needs.finding(
                        Diagnostic::warning(
                            Code::LineNotUnderstood,
                            format!(
                                "`{}` names index `{name}`, which the file does not define",
                                d.name
                            ),
                        )
                        .at_file(&d.site.file)
                        .at_line(d.site.line, d.site.column)
                        .with_value(d.site.text.clone())
                        .with_help(
                            "define the index (its URL tells the host), or allow the host by hand",
                        ),
                    ),
                }
            }
            From::Url(u) => needs.add_url(u, &d.site, "installed from this URL"),
            From::Index | From::Local => {}
        }
    }
}

struct File<'a> {
    text: &'a str,
    label: &'a str,
}

impl File<'_> {
    /// The place of `span`, quoting `quoted`: what was parsed there, never the line (whose
    /// comment may hold anything).
    fn site(&self, span: Option<std::ops::Range<usize>>, quoted: &str) -> Site {
        let start = span.map(|s| s.start).unwrap_or(0);
        let (line, col) = line_col(self.text, start);
        Site::new(self.label, line, col, quoted)
    }

    /// `key = value` as parsed.
    fn site_kv(&self, span: Option<std::ops::Range<usize>>, key: &str, value: &Item) -> Site {
        self.site(span, &format!("{key} = {}", render(value)))
    }

    /// Credentials in every string and key under `item`.
    fn sweep(&self, table: &dyn TableLike, needs: &mut Needs) {
        for (key, item) in table.iter() {
            let site = self.site(table.key(key).and_then(|k| k.span()), "");
            needs.sweep_credentials(key, &site);
            self.sweep_item(item, needs);
        }
    }

    fn sweep_item(&self, item: &Item, needs: &mut Needs) {
        match item {
            Item::Value(v) => self.sweep_value(v, needs),
            Item::Table(t) => self.sweep(t, needs),
            Item::ArrayOfTables(a) => a.iter().for_each(|t| self.sweep(t, needs)),
            Item::None => {}
        }
    }

    fn sweep_value(&self, v: &Value, needs: &mut Needs) {
        match v {
            Value::String(s) => needs.sweep_credentials(s.value(), &self.site(v.span(), "")),
            Value::Array(a) => a.iter().for_each(|v| self.sweep_value(v, needs)),
            Value::InlineTable(t) => self.sweep(t, needs),
            _ => {}
        }
    }

    /// An array of PEP 508 strings (dependency-group includes, which are tables, are skipped).
    fn pep508_array(&self, item: &Item, what: &str, out: &mut Vec<Dep>, needs: &mut Needs) {
        let Some(arr) = item.as_array() else {
            needs.wrong_shape(what, "a list", &self.site(item.span(), ""));
            return;
        };
        for v in arr.iter() {
            let Some(s) = v.as_str() else { continue };
            let site = self.site(v.span(), &render_value(v));
            let from = match classify(s) {
                Requirement::Index => From::Index,
                Requirement::Url(u) => From::Url(u.to_string()),
                Requirement::Local => From::Local,
                Requirement::Unknown => continue,
            };
            out.push(Dep {
                name: normalise(s),
                site,
                from,
            });
        }
    }

    fn poetry<'t>(&self, poetry: &Item, mut deps: Vec<Dep>, needs: &mut Needs) -> Resolution<'t> {
        let mut tables: Vec<&dyn TableLike> = Vec::new();
        for key in ["dependencies", "dev-dependencies"] {
            if let Some(t) = poetry.get(key).and_then(Item::as_table_like) {
                tables.push(t);
            }
        }
        if let Some(groups) = poetry.get("group").and_then(Item::as_table_like) {
            for (_, g) in groups.iter() {
                if let Some(t) = g.get("dependencies").and_then(Item::as_table_like) {
                    tables.push(t);
                }
            }
        }
        for t in tables {
            for (name, spec) in t.iter() {
                if name == "python" {
                    continue;
                }
                let site = self.site_kv(t.key(name).and_then(|k| k.span()), name, spec);
                let specs: Vec<&dyn TableLike> = match spec {
                    Item::Value(Value::Array(a)) => a
                        .iter()
                        .filter_map(|v| v.as_inline_table().map(|t| t as &dyn TableLike))
                        .collect(),
                    Item::ArrayOfTables(a) => a.iter().map(|t| t as &dyn TableLike).collect(),
                    other => other.as_table_like().into_iter().collect(),
                };
                if specs.is_empty() {
                    deps.push(Dep {
                        name: normalise(name),
                        site: site.clone(),
                        from: From::Index,
                    });
                }
                for s in specs {
                    deps.push(Dep {
                        name: normalise(name),
                        site: site.clone(),
                        from: source_of(s, &["git", "url"], "source"),
                    });
                }
            }
        }
        let mut indexes = Vec::new();
        let mut primary = false;
        let mut pypi_listed = false;
        let sources = poetry.get("source");
        if let Some(other) = sources.filter(|s| s.as_array_of_tables().is_none()) {
            needs.wrong_shape(
                "`tool.poetry.source`",
                "a list of tables ([[tool.poetry.source]])",
                &self.site(other.span(), ""),
            );
        }
        if let Some(sources) = sources.and_then(Item::as_array_of_tables) {
            for s in sources.iter() {
                let name = s
                    .get("name")
                    .and_then(Item::as_str)
                    .unwrap_or_default()
                    .to_string();
                let priority = s
                    .get("priority")
                    .and_then(Item::as_str)
                    .map(str::to_string)
                    .unwrap_or_else(|| {
                        if s.get("default").and_then(Item::as_bool) == Some(true) {
                            "default".into()
                        } else if s.get("secondary").and_then(Item::as_bool) == Some(true) {
                            "secondary".into()
                        } else {
                            "primary".into()
                        }
                    });
                let is_pypi = name.eq_ignore_ascii_case("pypi") && s.get("url").is_none();
                if is_pypi {
                    pypi_listed = true;
                }
                if matches!(priority.as_str(), "primary" | "default") && !is_pypi {
                    primary = true;
                }
                let url_item = s.get("url");
                let url = match (url_item.and_then(Item::as_str), is_pypi) {
                    (Some(u), _) => u.to_string(),
                    (None, true) => DEFAULT_INDEX.to_string(),
                    (None, false) => continue,
                };
                let site = match url_item {
                    Some(u) => self.site_kv(u.span(), "url", u),
                    None => self.site(s.span(), ""),
                };
                if is_pypi {
                    // Listed by name: PyPI stays, and is reported as the default below.
                    continue;
                }
                indexes.push(Index {
                    name,
                    url,
                    site,
                    explicit: priority == "explicit",
                });
            }
        }
        Resolution {
            tool: "Poetry",
            deps,
            indexes,
            default_pypi: pypi_listed || !primary,
        }
    }

    fn uv<'t>(&self, uv: &Item, mut deps: Vec<Dep>, needs: &mut Needs) -> Resolution<'t> {
        let mut indexes = Vec::new();
        let mut replaced = false;
        if let Some(other) = uv.get("index").filter(|i| i.as_array_of_tables().is_none()) {
            needs.wrong_shape(
                "`tool.uv.index`",
                "a list of tables ([[tool.uv.index]])",
                &self.site(other.span(), ""),
            );
        }
        if let Some(list) = uv.get("index").and_then(Item::as_array_of_tables) {
            for ix in list.iter() {
                let Some(url_item) = ix.get("url") else {
                    continue;
                };
                let Some(url) = url_item.as_str() else {
                    continue;
                };
                let default = ix.get("default").and_then(Item::as_bool) == Some(true);
                replaced |= default;
                indexes.push(Index {
                    name: ix
                        .get("name")
                        .and_then(Item::as_str)
                        .unwrap_or(url)
                        .to_string(),
                    url: url.to_string(),
                    site: self.site_kv(url_item.span(), "url", url_item),
                    explicit: ix.get("explicit").and_then(Item::as_bool) == Some(true),
                });
            }
        }
        if let Some(u) = uv.get("index-url") {
            match u.as_str() {
                Some(url) => {
                    replaced = true;
                    indexes.push(Index {
                        name: "index-url".into(),
                        url: url.into(),
                        site: self.site_kv(u.span(), "index-url", u),
                        explicit: false,
                    });
                }
                None => needs.wrong_shape(
                    "`tool.uv.index-url`",
                    "a URL string",
                    &self.site(u.span(), ""),
                ),
            }
        }
        for key in ["extra-index-url", "find-links"] {
            let Some(item) = uv.get(key) else { continue };
            let Some(arr) = item.as_array() else {
                needs.wrong_shape(
                    &format!("`tool.uv.{key}`"),
                    "a list",
                    &self.site(item.span(), ""),
                );
                continue;
            };
            for v in arr.iter() {
                if let Some(url) = v.as_str().filter(|u| u.contains("://")) {
                    indexes.push(Index {
                        name: key.into(),
                        url: url.into(),
                        site: self.site(v.span(), &render_value(v)),
                        explicit: false,
                    });
                }
            }
        }
        if uv.get("no-index").and_then(Item::as_bool) == Some(true) {
            replaced = true;
            indexes.retain(|i| i.name == "find-links");
        }
        if let Some(sources) = uv.get("sources").and_then(Item::as_table_like) {
            for (name, spec) in sources.iter() {
                let key = normalise(name);
                let specs: Vec<&dyn TableLike> = match spec {
                    Item::Value(Value::Array(a)) => a
                        .iter()
                        .filter_map(|v| v.as_inline_table().map(|t| t as &dyn TableLike))
                        .collect(),
                    other => other.as_table_like().into_iter().collect(),
                };
                let site = self.site_kv(sources.key(name).and_then(|k| k.span()), name, spec);
                for s in specs {
                    let from = source_of(s, &["git", "url"], "index");
                    let mut matched = false;
                    for d in deps.iter_mut().filter(|d| d.name == key) {
                        d.from = from.clone();
                        matched = true;
                    }
                    if !matched && matches!(from, From::Url(_)) {
                        deps.push(Dep {
                            name: key.clone(),
                            site: site.clone(),
                            from: from.clone(),
                        });
                    }
                }
            }
        }
        Resolution {
            tool: "uv",
            deps,
            indexes,
            default_pypi: !replaced,
        }
    }
}

/// A Poetry or uv dependency table: `git`/`url` -> URL, `path`/`workspace` -> local, the
/// pinning key (`source` for Poetry, `index` for uv) -> pinned, anything else -> the indexes.
fn source_of(t: &dyn TableLike, url_keys: &[&str], pin_key: &str) -> From {
    for k in url_keys {
        if let Some(u) = t.get(k).and_then(Item::as_str) {
            let u = if *k == "git" && !u.starts_with("git+") && u.contains("://") {
                format!("git+{u}")
            } else {
                u.to_string()
            };
            return From::Url(u);
        }
    }
    if t.get("path").is_some() || t.get("workspace").is_some() {
        return From::Local;
    }
    match t.get(pin_key).and_then(Item::as_str) {
        Some(name) => From::Pinned(name.to_string()),
        None => From::Index,
    }
}

/// A TOML item as parsed, one line without comments or layout: `"x"`, `{ git = "..." }`.
fn render(item: &Item) -> String {
    match item {
        Item::Value(v) => render_value(v),
        Item::Table(t) => render_table(t),
        Item::ArrayOfTables(a) => {
            let tables: Vec<String> = a.iter().map(|t| render_table(t)).collect();
            format!("[{}]", tables.join(", "))
        }
        Item::None => String::new(),
    }
}

fn render_value(v: &Value) -> String {
    match v {
        Value::Array(a) => {
            let items: Vec<String> = a.iter().map(render_value).collect();
            format!("[{}]", items.join(", "))
        }
        Value::InlineTable(t) => render_table(t),
        // A JSON string is a valid TOML basic string.
        Value::String(s) => serde_json::Value::from(s.value().as_str()).to_string(),
        Value::Integer(i) => i.value().to_string(),
        Value::Float(f) => f.value().to_string(),
        Value::Boolean(b) => b.value().to_string(),
        Value::Datetime(d) => d.value().to_string(),
    }
}

fn render_table(t: &dyn TableLike) -> String {
    let pairs: Vec<String> = t
        .iter()
        .map(|(k, v)| format!("{k} = {}", render(v)))
        .collect();
    format!("{{ {} }}", pairs.join(", "))
}

/// The PEP 503 normalised project name at the start of a requirement.
fn normalise(spec: &str) -> String {
    static NAME: LazyLock<regex::Regex> =
        LazyLock::new(|| regex::Regex::new(r"^[A-Za-z0-9][A-Za-z0-9._-]*").expect("literal"));
    static SEP: LazyLock<regex::Regex> =
        LazyLock::new(|| regex::Regex::new(r"[-_.]+").expect("literal"));
    let name = NAME
        .find(spec.trim())
        .map(|m| m.as_str())
        .unwrap_or_default();
    SEP.replace_all(&name.to_ascii_lowercase(), "-")
        .into_owned()
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before
        .rsplit('\n')
        .next()
        .unwrap_or_default()
        .chars()
        .count()
        + 1;
    (line, col)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_positions() {
        assert_eq!(normalise("My_Lib.Extra>=1"), "my-lib-extra");
        assert_eq!(line_col("ab\ncd", 4), (2, 2));
    }
}
