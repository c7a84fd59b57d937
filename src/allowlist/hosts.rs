//! Hosts a project's dependency files need, with the reason for each (file, line, why), and the
//! URL handling every parser shares: parsing, credential redaction, and the hosts a service needs
//! besides the one in its URL (PyPI's file host, GitHub's download hosts).

use crate::catalog::Catalog;
use crate::diagnostic::Diagnostic;
use serde::Serialize;
use std::sync::LazyLock;

/// The index pip, uv and Poetry use unless told otherwise.
pub const DEFAULT_INDEX: &str = "https://pypi.org/simple";

/// Where in a file a need comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Site {
    pub file: String,
    pub line: usize,
    #[serde(skip)]
    pub column: usize,
    /// The line as written, trimmed, credentials replaced by `***`.
    pub text: String,
}

impl Site {
    pub fn new(file: &str, line: usize, column: usize, raw_line: &str) -> Site {
        Site {
            file: file.to_string(),
            line,
            column,
            text: clean_line(raw_line),
        }
    }
}

/// Why a host is needed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reason {
    #[serde(flatten)]
    pub site: Site,
    pub why: String,
}

/// One host (and port) the files need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Need {
    /// Lower-case host name or IP address.
    pub host: String,
    pub port: u16,
    /// `https`, `http`, `ssh`, `git`...
    pub scheme: String,
    /// The catalog ecosystem (catalog/packages.yaml) the host belongs to, if any.
    pub ecosystem: Option<String>,
    pub reasons: Vec<Reason>,
}

/// Everything found so far: the needs, in the order first met, and the findings.
#[derive(Debug, Default)]
pub struct Needs {
    pub list: Vec<Need>,
    pub findings: Vec<Diagnostic>,
}

impl Needs {
    /// Adds `host:port` for `reason`, merging with an earlier need for the same host and port.
    pub fn add(&mut self, host: &str, port: u16, scheme: &str, reason: Reason) {
        let host = host.to_ascii_lowercase();
        if let Some(n) = self
            .list
            .iter_mut()
            .find(|n| n.host == host && n.port == port)
        {
            if !n.reasons.contains(&reason) {
                n.reasons.push(reason);
            }
            return;
        }
        self.list.push(Need {
            ecosystem: ecosystem_of(&host),
            host,
            port,
            scheme: scheme.to_string(),
            reasons: vec![reason],
        });
    }

    pub fn finding(&mut self, d: Diagnostic) {
        self.findings.push(d);
    }

    /// A URL a line uses (an index, a channel, a package): its host, and the hosts its service
    /// needs besides. Reports credentials written in it (AMLG220) and hosts hidden in
    /// environment variables (AMLG221); a `file:` URL or local path needs no host.
    pub fn add_url(&mut self, raw: &str, site: &Site, why: &str) {
        let raw = raw.trim();
        if raw.starts_with("${") || raw.starts_with('$') && !raw.contains("://") {
            self.env_var(raw, site);
            return;
        }
        let Some(url) = parse_url(raw) else {
            if !looks_local(raw) {
                self.finding(
                    Diagnostic::warning("AMLG222", "not a URL amlgen can read")
                        .at_file(&site.file)
                        .at_line(site.line, site.column)
                        .with_value(redact(raw))
                        .with_help("allow its host by hand if it needs one"),
                );
            }
            return;
        };
        if url.scheme == "file" {
            return;
        }
        if let Some(what) = url.credential() {
            let help = if what == "a signed query string" {
                "anyone who reads the file can download with it until it expires (amlgen prints `***` in its place); keep the signature out of the file, or reach the storage through a private endpoint"
            } else {
                "anyone who reads the file can use it (amlgen prints `***` in its place); move it out of the file: pip reads credentials from .netrc or a keyring and expands `${VAR}` in URLs (`https://user:${TOKEN}@host/...`); conda reads them from its configuration"
            };
            self.finding(
                Diagnostic::warning("AMLG220", format!("{what} is written in this URL"))
                    .at_file(&site.file)
                    .at_line(site.line, site.column)
                    .with_value(redact(raw))
                    .with_help(help),
            );
        }
        if url.host.contains('$') {
            self.env_var(raw, site);
            return;
        }
        let Some(port) = url.port.or_else(|| default_port(&url.scheme)) else {
            self.finding(
                Diagnostic::warning("AMLG222", format!("unknown URL scheme `{}`", url.scheme))
                    .at_file(&site.file)
                    .at_line(site.line, site.column)
                    .with_value(redact(raw))
                    .with_help("allow its host by hand if it needs one"),
            );
            return;
        };
        let reason = |why: &str| Reason {
            site: site.clone(),
            why: why.to_string(),
        };
        self.add(&url.host, port, &url.scheme, reason(why));
        for (host, also) in companions(&url) {
            self.add(&host, 443, "https", reason(&also));
        }
    }

    fn env_var(&mut self, raw: &str, site: &Site) {
        self.finding(
            Diagnostic::warning(
                "AMLG221",
                "the host of this URL comes from an environment variable",
            )
            .at_file(&site.file)
            .at_line(site.line, site.column)
            .with_value(redact(raw))
            .with_help("its host cannot be known from the file: allow it by hand, or run amlgen on a copy with the value written in"),
        );
    }
}

/// The catalog ecosystem whose exact hosts include `host`.
pub fn ecosystem_of(host: &str) -> Option<String> {
    Catalog::get()
        .packages
        .iter()
        .find(|(_, p)| p.hosts.iter().any(|h| h.eq_ignore_ascii_case(host)))
        .map(|(n, _)| n.clone())
}

/// Hosts a service needs besides the one in its URL, with why.
fn companions(url: &Url) -> Vec<(String, String)> {
    let cat = Catalog::get();
    let mut out = Vec::new();
    match url.host.as_str() {
        "pypi.org" if url.path.is_empty() || url.path.starts_with("/simple") => {
            if let Some(pip) = cat.packages.get("pip") {
                for h in pip.hosts.iter().filter(|h| *h != "pypi.org") {
                    out.push((
                        h.clone(),
                        format!("pip downloads the files listed by the pypi.org index from {h}"),
                    ));
                }
            }
        }
        "github.com" if url.vcs.is_none() => {
            if url.path.contains("/archive/") {
                out.push((
                    "codeload.github.com".to_string(),
                    "GitHub serves source archives (/archive/) from codeload.github.com"
                        .to_string(),
                ));
            }
            if url.path.contains("/releases/download/") {
                for h in [
                    "objects.githubusercontent.com",
                    "release-assets.githubusercontent.com",
                ] {
                    out.push((
                        h.to_string(),
                        format!("GitHub redirects release downloads to {h}"),
                    ));
                }
            }
        }
        _ => {}
    }
    out
}

fn default_port(scheme: &str) -> Option<u16> {
    match scheme {
        "https" => Some(443),
        "http" => Some(80),
        "ssh" => Some(22),
        "git" => Some(9418),
        _ => None,
    }
}

fn looks_local(s: &str) -> bool {
    s.starts_with('.')
        || s.starts_with('/')
        || s.starts_with('~')
        || !s.contains("://") && !s.contains('@')
}

/// The parts of a URL amlgen needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Url {
    /// `https`, `http`, `ssh`, `git`, `file` (lower-case, without a `git+` prefix).
    pub scheme: String,
    /// `git`, `hg`, `svn`, `bzr` for VCS URLs.
    pub vcs: Option<String>,
    pub userinfo: Option<String>,
    /// Lower-case host (IPv6 without brackets).
    pub host: String,
    pub port: Option<u16>,
    pub path: String,
    pub query: Option<String>,
}

impl Url {
    /// What secret the URL carries, if any: a password or token in the user part (a plain SSH
    /// user such as `git@` is not one), an anaconda.org `/t/<token>/` path, a signed query.
    pub fn credential(&self) -> Option<&'static str> {
        let is_env = |s: &str| s.trim().starts_with('$');
        if let Some(u) = &self.userinfo {
            match u.split_once(':') {
                // user:password: the password is the secret (from a variable, it is not written).
                Some((_, password)) if !password.is_empty() && !is_env(password) => {
                    return Some("a password");
                }
                Some(_) => {}
                // A lone user part over HTTP(S) is how tokens are passed; a plain SSH user
                // (`git@`) is not a secret.
                None if self.scheme != "ssh" && !is_env(u) => return Some("a token"),
                None => {}
            }
        }
        if let Some(rest) = self.path.strip_prefix("/t/") {
            let tok = rest.split('/').next().unwrap_or_default();
            if !tok.is_empty() && !is_env(tok) {
                return Some("an anaconda.org token");
            }
        }
        if let Some(q) = &self.query {
            let secret = q.split('&').any(|kv| {
                let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
                let k = k.to_ascii_lowercase();
                [
                    "token",
                    "sig",
                    "signature",
                    "key",
                    "password",
                    "secret",
                    "access_token",
                    "auth",
                ]
                .iter()
                .any(|s| k == *s || k.ends_with(&format!("_{s}")))
                    && !v.is_empty()
                    && !is_env(v)
            });
            if secret {
                return Some("a signed query string");
            }
        }
        None
    }
}

/// Parses `scheme://[user[:pass]@]host[:port][/path][?query][#fragment]`, VCS URLs
/// (`git+https://...`, with `@ref` after the path) and scp-like git remotes
/// (`git@github.com:org/repo.git`). None for anything else.
pub fn parse_url(s: &str) -> Option<Url> {
    let s = s.trim();
    let Some((scheme, rest)) = s.split_once("://") else {
        // scp-like: user@host:path
        static SCP: LazyLock<regex::Regex> = LazyLock::new(|| {
            regex::Regex::new(r"^([A-Za-z0-9._-]+)@([A-Za-z0-9.-]+):([^/].*)$").expect("literal")
        });
        let c = SCP.captures(s)?;
        return Some(Url {
            scheme: "ssh".into(),
            vcs: Some("git".into()),
            userinfo: Some(c[1].to_string()),
            host: c[2].to_ascii_lowercase(),
            port: None,
            path: format!("/{}", &c[3]),
            query: None,
        });
    };
    if scheme.is_empty()
        || !scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c))
    {
        return None;
    }
    let scheme = scheme.to_ascii_lowercase();
    let (vcs, scheme) = match scheme.split_once('+') {
        Some((v, s)) if ["git", "hg", "svn", "bzr"].contains(&v) => {
            (Some(v.to_string()), s.to_string())
        }
        _ if ["git", "hg", "svn", "bzr"].contains(&scheme.as_str()) && scheme != "git" => {
            (Some(scheme.clone()), scheme.clone())
        }
        _ => (None, scheme),
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    let (userinfo, hostport) = match authority.rsplit_once('@') {
        Some((u, h)) => (Some(u.to_string()), h),
        None => (None, authority),
    };
    let (host, port) = if let Some(v6) = hostport.strip_prefix('[') {
        let (h, after) = v6.split_once(']')?;
        (h.to_string(), after.strip_prefix(':').map(str::to_string))
    } else {
        match hostport.rsplit_once(':') {
            Some((h, p)) => (h.to_string(), Some(p.to_string())),
            None => (hostport.to_string(), None),
        }
    };
    let port = match port {
        Some(p) if p.is_empty() => None,
        Some(p) => Some(p.parse::<u16>().ok()?),
        None => None,
    };
    let tail = tail.split('#').next().unwrap_or_default();
    let (path, query) = match tail.split_once('?') {
        Some((p, q)) => (p.to_string(), Some(q.to_string())),
        None => (tail.to_string(), None),
    };
    if host.is_empty() && scheme != "file" {
        return None;
    }
    Some(Url {
        scheme,
        vcs,
        userinfo,
        host: host.to_ascii_lowercase(),
        port,
        path,
        query,
    })
}

/// Every URL in `text` with its secrets replaced by `***`: the user part, an anaconda.org
/// `/t/<token>/` segment, the query string.
pub fn redact(text: &str) -> String {
    static URL: LazyLock<regex::Regex> = LazyLock::new(|| {
        regex::Regex::new(r#"[A-Za-z][A-Za-z0-9+.-]*://[^\s'"<>]+"#).expect("literal")
    });
    let out = URL.replace_all(text, |c: &regex::Captures| redact_url(&c[0]));
    // scp-like remotes keep their user (`git@`), which is not a secret.
    out.into_owned()
}

fn redact_url(u: &str) -> String {
    let (scheme, rest) = u.split_once("://").expect("matched");
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    let authority = match authority.rsplit_once('@') {
        Some((_, host)) => format!("***@{host}"),
        None => authority.to_string(),
    };
    static TOKEN: LazyLock<regex::Regex> =
        LazyLock::new(|| regex::Regex::new(r"^/t/[^/]+").expect("literal"));
    let tail = TOKEN.replace(tail, "/t/***").into_owned();
    let tail = match tail.split_once('?') {
        Some((p, q)) => {
            let frag = q
                .split_once('#')
                .map(|(_, f)| format!("#{f}"))
                .unwrap_or_default();
            format!("{p}?***{frag}")
        }
        None => tail,
    };
    format!("{scheme}://{authority}{tail}")
}

/// A line for a reason: trimmed, one line of printable text, credentials redacted, at most 120
/// characters.
pub fn clean_line(raw: &str) -> String {
    let one: String = raw
        .trim()
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let red = redact(&one);
    if red.chars().count() > 120 {
        red.chars().take(117).collect::<String>() + "..."
    } else {
        red
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        let u = parse_url("https://user:tok@pkgs.dev.azure.com/org/_packaging/feed/pypi/simple/")
            .unwrap();
        assert_eq!(
            (u.scheme.as_str(), u.host.as_str(), u.port),
            ("https", "pkgs.dev.azure.com", None)
        );
        assert_eq!(u.credential(), Some("a password"));
        let build = parse_url("https://build:${ADO_TOKEN}@pkgs.dev.azure.com/o/simple").unwrap();
        assert_eq!(build.credential(), None);
        let g = parse_url("git+ssh://git@github.com/org/repo.git@v1.2#egg=x").unwrap();
        assert_eq!(
            (g.scheme.as_str(), g.vcs.as_deref(), g.host.as_str()),
            ("ssh", Some("git"), "github.com")
        );
        assert_eq!(g.credential(), None);
        let s = parse_url("git@gitlab.com:org/repo.git").unwrap();
        assert_eq!((s.scheme.as_str(), s.host.as_str()), ("ssh", "gitlab.com"));
        let p = parse_url("http://10.1.2.3:8080/simple").unwrap();
        assert_eq!((p.host.as_str(), p.port), ("10.1.2.3", Some(8080)));
        let v6 = parse_url("https://[2001:db8::1]:8443/simple").unwrap();
        assert_eq!((v6.host.as_str(), v6.port), ("2001:db8::1", Some(8443)));
        let env = parse_url("https://${USER}:${TOKEN}@nexus.corp.example/simple").unwrap();
        assert_eq!(env.credential(), None);
        assert_eq!(env.host, "nexus.corp.example");
        let conda = parse_url("https://conda.anaconda.org/t/abc123/private-chan").unwrap();
        assert_eq!(conda.credential(), Some("an anaconda.org token"));
        assert!(parse_url("numpy==1.0").is_none());
    }

    #[test]
    fn redaction() {
        assert_eq!(
            redact("--index-url https://user:s3cr3t@pkgs.dev.azure.com/org/simple/ # c"),
            "--index-url https://***@pkgs.dev.azure.com/org/simple/ # c"
        );
        assert_eq!(
            redact("- https://conda.anaconda.org/t/tk-123/chan"),
            "- https://conda.anaconda.org/t/***/chan"
        );
        assert_eq!(
            redact("x @ https://st.blob.core.windows.net/w/x.whl?sv=1&sig=abc#sha256=00"),
            "x @ https://st.blob.core.windows.net/w/x.whl?***#sha256=00"
        );
        assert_eq!(redact("numpy==1.26"), "numpy==1.26");
    }

    #[test]
    fn companion_hosts() {
        let mut n = Needs::default();
        let site = Site::new("r.txt", 1, 1, "x");
        n.add_url(DEFAULT_INDEX, &site, "default index");
        n.add_url(
            "https://github.com/o/r/releases/download/v1/x.whl",
            &site,
            "direct",
        );
        let hosts: Vec<&str> = n.list.iter().map(|x| x.host.as_str()).collect();
        assert_eq!(
            hosts,
            [
                "pypi.org",
                "files.pythonhosted.org",
                "github.com",
                "objects.githubusercontent.com",
                "release-assets.githubusercontent.com"
            ]
        );
        assert_eq!(n.list[0].ecosystem.as_deref(), Some("pip"));
        assert!(n.findings.is_empty());
    }
}
