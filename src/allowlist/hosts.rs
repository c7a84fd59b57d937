//! Hosts a project's dependency files need, with the reason for each (file, line, why), and the
//! URL handling every parser shares: parsing, credential redaction, and the hosts a service needs
//! besides the one in its URL (PyPI's file host, GitHub's download hosts).

use crate::catalog::Catalog;
use crate::diagnostic::Code;
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
    /// What the file says there, as parsed (a requirement without its comment, a channel, a
    /// `key = value`), never a comment; trimmed, credentials replaced by `***`.
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
    pub fn add(&mut self, host: &str, port: u16, scheme: &str, mut reason: Reason) {
        let host = host.to_ascii_lowercase();
        // A reason may quote a channel or index name, which may be a mistyped URL with a token.
        reason.why = mask_secrets(&reason.why);
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

    /// Records a finding once: the same finding at the same place (a pyproject dependency seen
    /// by both Poetry and uv, a credential checked when read and again when used) counts once.
    pub fn finding(&mut self, d: Diagnostic) {
        let same = |e: &Diagnostic| {
            e.code == d.code
                && e.severity == d.severity
                && e.message == d.message
                && e.value == d.value
                && e.location.file == d.location.file
                && e.location.line == d.location.line
                && e.location.column == d.location.column
                && e.location.path == d.location.path
        };
        if !self.findings.iter().any(same) {
            self.findings.push(d);
        }
    }

    /// Reports a credential written in `raw` (AMLG220), whether or not the URL ends up used: a
    /// password on an overridden `--index-url` is in the file all the same.
    pub fn check_credentials(&mut self, raw: &str, site: &Site) {
        let raw = raw.trim();
        let what = match parse_url(raw) {
            Some(url) => url.credential(),
            // A URL amlgen cannot parse (`https:/user:pw@host`) that holds a credential shape.
            None if mask_secrets(raw) != raw => Some("a credential"),
            None => None,
        };
        let Some(what) = what else { return };
        let help = if what == "a signed query string" {
            "anyone who reads the file can download with it until it expires (amlgen prints `***` in its place); keep the signature out of the file, or reach the storage through a private endpoint"
        } else {
            "anyone who reads the file can use it (amlgen prints `***` in its place); move it out of the file: pip reads credentials from .netrc or a keyring and expands `${VAR}` in URLs (`https://user:${TOKEN}@host/...`); conda reads them from its configuration"
        };
        self.finding(
            Diagnostic::warning(
                Code::CredentialInUrl,
                format!("{what} is written in this URL"),
            )
            .at_file(&site.file)
            .at_line(site.line, site.column)
            .with_value(mask_secrets(raw))
            .with_help(help),
        );
    }

    /// AMLG222 for a setting of the wrong shape (a string where a list belongs): the file
    /// says something about hosts that amlgen cannot read. `what` names the setting (amlgen's
    /// words, never the file's), the value is not shown.
    pub fn wrong_shape(&mut self, what: &str, expected: &str, site: &Site) {
        self.finding(
            Diagnostic::warning(
                Code::LineNotUnderstood,
                format!("{what} is not {expected}; amlgen cannot tell which hosts it needs (the value is not shown)"),
            )
            .at_file(&site.file)
            .at_line(site.line, site.column)
            .with_help(format!("write {what} as {expected}; if it names a host, allow it by hand")),
        );
    }

    /// Reports every credential in `text` (any value of a file, in any shape: a channel given as
    /// a string, an environment variable, a setting amlgen does not otherwise read) that is not
    /// reported at this line already, word by word.
    pub fn sweep_credentials(&mut self, text: &str, site: &Site) {
        for word in words(text) {
            // `--opt=value`: the value is the URL.
            let word = match word.split_once('=') {
                Some((_, v)) if word.starts_with('-') => v,
                _ => word,
            };
            if mask_word(word) == word {
                continue;
            }
            let masked = mask_secrets(word);
            let known = self.findings.iter().any(|d| {
                d.code == Code::CredentialInUrl
                    && d.location.file == site.file
                    && d.location.line == Some(site.line)
                    && d.value
                        .as_deref()
                        .is_some_and(|v| masked.contains(v) || v.contains(&masked))
            });
            if !known {
                self.check_credentials(word, site);
            }
        }
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
        self.check_credentials(raw, site);
        let Some(url) = parse_url(raw) else {
            if !looks_local(raw) {
                // Not parsed: where, never what.
                self.finding(
                    Diagnostic::warning(
                        Code::LineNotUnderstood,
                        "not a URL amlgen can read (not shown)",
                    )
                    .at_file(&site.file)
                    .at_line(site.line, site.column)
                    .with_help("allow its host by hand if it needs one"),
                );
            }
            return;
        };
        if url.scheme == "file" {
            return;
        }
        if url.host.contains('$') {
            self.env_var(raw, site);
            return;
        }
        let Some(port) = url.port.or_else(|| default_port(&url.scheme)) else {
            self.finding(
                Diagnostic::warning(
                    Code::LineNotUnderstood,
                    format!("unknown URL scheme `{}`", url.scheme),
                )
                .at_file(&site.file)
                .at_line(site.line, site.column)
                .with_value(mask_secrets(raw))
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
                Code::UrlFromEnvironment,
                "the host of this URL comes from an environment variable",
            )
            .at_file(&site.file)
            .at_line(site.line, site.column)
            .with_value(mask_secrets(raw))
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
                is_secret_key(k) && !v.is_empty() && !is_env(v)
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
        // An IPv6 literal: the colons inside the brackets are the address's, and only an
        // address may stand there (`[evil.example]` is no host).
        let (h, after) = v6.split_once(']')?;
        h.parse::<std::net::Ipv6Addr>().ok()?;
        let port = match after {
            "" => None,
            p => Some(p.strip_prefix(':')?.to_string()),
        };
        (h.to_string(), port)
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

/// Query keys whose value is a secret (`?token=`, SAS `sig=`), also as `x_token`.
const SECRET_KEYS: &[&str] = &[
    "token",
    "sig",
    "signature",
    "key",
    "password",
    "passwd",
    "pwd",
    "secret",
    "access_token",
    "auth",
    "apikey",
    "api_key",
    "credential",
    "credentials",
];

fn is_secret_key(k: &str) -> bool {
    let k = k.to_ascii_lowercase();
    SECRET_KEYS
        .iter()
        .any(|s| k == *s || k.ends_with(&format!("_{s}")) || k.ends_with(&format!("-{s}")))
}

/// The one function that masks credentials in text amlgen prints from dependency files: in every
/// word, the user part of a URL (`https://user:pw@`, `https://TOKEN@`, a malformed
/// `https:/user:pw@`, a scheme-less `user:pw@host`), an anaconda.org `/t/<token>/` segment, a
/// query string (`?token=...`, `?sv=...&sig=...`) and a secret-named `key=value` become `***`.
/// A plain SSH user (`git@github.com:org/repo`) is no secret and stays.
pub fn mask_secrets(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut word = String::new();
    for c in text.chars() {
        if is_word_break(c) {
            out.push_str(&mask_word(&word));
            word.clear();
            out.push(c);
        } else {
            word.push(c);
        }
    }
    out.push_str(&mask_word(&word));
    out
}

/// Where [`mask_secrets`] splits words.
fn is_word_break(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\'' | '"' | '<' | '>' | '`' | ',' | '(' | ')')
}

/// The words [`mask_secrets`] masks one by one.
fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(is_word_break).filter(|w| !w.is_empty())
}

fn mask_word(word: &str) -> String {
    // `--opt=value`: the value is what may hold a secret.
    if word.starts_with('-') {
        if let Some((opt, v)) = word.split_once('=') {
            return format!("{opt}={}", mask_word(v));
        }
    }
    // Where the authority (`user@host:port`) starts: after `://`, after a scheme written with
    // too few slashes (`https:/`, `https:`), or at the start of a scheme-less word.
    static SCHEME: LazyLock<regex::Regex> =
        LazyLock::new(|| regex::Regex::new(r"^[A-Za-z][A-Za-z0-9+.-]*:/*").expect("literal"));
    let (start, scheme) = match word.find("://") {
        // `https:///user@host`: extra slashes are no path.
        Some(i) => (
            i + 3 + word[i + 3..].len() - word[i + 3..].trim_start_matches('/').len(),
            true,
        ),
        None => match SCHEME.find(word) {
            Some(m) => (m.end(), true),
            None => (0, false),
        },
    };
    let (head, rest) = word.split_at(start);
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    let authority = match authority.rsplit_once('@') {
        // With a scheme any user part may be a token; without one, `user@` is an SSH user and
        // `user:password@` a password.
        Some((user, host)) if scheme || user.contains(':') => format!("***@{host}"),
        _ => authority.to_string(),
    };
    static TOKEN: LazyLock<regex::Regex> =
        LazyLock::new(|| regex::Regex::new(r"^/t/[^/?#]+").expect("literal"));
    let tail = TOKEN.replace(tail, "/t/***").into_owned();
    let (path, fragment) = match tail.split_once('#') {
        Some((p, f)) => (p.to_string(), format!("#{f}")),
        None => (tail, String::new()),
    };
    let path = match path.split_once('?') {
        Some((p, q)) if !q.is_empty() => format!("{p}?***"),
        _ => path,
    };
    mask_pairs(&format!("{head}{authority}{path}{fragment}"))
}

/// `key=value` pairs (split on `&` and `;`) whose key names a secret, values masked.
fn mask_pairs(text: &str) -> String {
    static PAIR: LazyLock<regex::Regex> = LazyLock::new(|| {
        regex::Regex::new(r"([A-Za-z][A-Za-z0-9_.-]*)=([^&;]+)").expect("literal")
    });
    PAIR.replace_all(text, |c: &regex::Captures| {
        if is_secret_key(&c[1]) {
            format!("{}=***", &c[1])
        } else {
            c[0].to_string()
        }
    })
    .into_owned()
}

/// A line for a reason: trimmed, one line of printable text, credentials redacted, at most 120
/// characters.
pub fn clean_line(raw: &str) -> String {
    let one: String = raw
        .trim()
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    // Bidirectional overrides and invisible characters are shown escaped.
    let red = crate::diagnostic::escape_controls(&mask_secrets(&one)).into_owned();
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
        // `tok@[2001:db8::1]` was host `2001:db8::1`, port 1 once the address was a destination.
        let v6 = parse_url("https://tok@[2001:DB8::1]/simple").unwrap();
        assert_eq!((v6.host.as_str(), v6.port), ("2001:db8::1", None));
        assert_eq!(v6.credential(), Some("a token"));
        assert!(parse_url("https://[evil.example]/simple").is_none());
        assert!(parse_url("https://[::1]x/simple").is_none());
        let env = parse_url("https://${USER}:${TOKEN}@nexus.corp.example/simple").unwrap();
        assert_eq!(env.credential(), None);
        assert_eq!(env.host, "nexus.corp.example");
        let conda = parse_url("https://conda.anaconda.org/t/abc123/private-chan").unwrap();
        assert_eq!(conda.credential(), Some("an anaconda.org token"));
        assert!(parse_url("numpy==1.0").is_none());
    }

    #[test]
    fn masking() {
        for (text, want) in [
            (
                "--index-url https://user:s3cr3t@pkgs.dev.azure.com/org/simple/ # c",
                "--index-url https://***@pkgs.dev.azure.com/org/simple/ # c",
            ),
            (
                "- https://conda.anaconda.org/t/tk-123/chan",
                "- https://conda.anaconda.org/t/***/chan",
            ),
            (
                "x @ https://st.blob.core.windows.net/w/x.whl?sv=1&sig=abc#sha256=00",
                "x @ https://st.blob.core.windows.net/w/x.whl?***#sha256=00",
            ),
            // A malformed URL: one slash, none, three.
            (
                "--extra-index-url https:/user:SECRET@h.example.com/simple",
                "--extra-index-url https:/***@h.example.com/simple",
            ),
            ("https:user:SECRET@h.example.com", "https:***@h.example.com"),
            (
                "https:///user:SECRET@h.example.com/",
                "https:///***@h.example.com/",
            ),
            // No scheme at all.
            (
                "user:SECRET@h.example.com/simple",
                "user:***@h.example.com/simple",
            ),
            (
                "--index-url=deploy:SECRET@nexus",
                "--index-url=deploy:***@nexus",
            ),
            // A lone token before the host.
            ("https://SECRET@h.example.com", "https://***@h.example.com"),
            (
                "x@https://u:SECRET@h.example.com/x.whl",
                "x@https://***@h.example.com/x.whl",
            ),
            // Tokens in query strings, with or without a scheme, and as bare pairs.
            (
                "h.example.com/simple?token=SECRET",
                "h.example.com/simple?***",
            ),
            ("https://h/simple?sv=1&sig=SECRET", "https://h/simple?***"),
            ("sig=SECRET&sv=2022", "sig=***&sv=2022"),
            ("x#egg=a&access_token=SECRET", "x#egg=a&access_token=***"),
            ("'https://u:SECRET@h/x'", "'https://***@h/x'"),
            // Not secrets: an SSH user, a plain requirement, a port, an e-mail-like name.
            ("git@github.com:org/repo.git", "git@github.com:org/repo.git"),
            (
                "numpy==1.26 ; python_version > '3.8'",
                "numpy==1.26 ; python_version > '3.8'",
            ),
            (
                "http://localhost:8080/simple",
                "http://localhost:8080/simple",
            ),
            ("x[a,b]>=1", "x[a,b]>=1"),
        ] {
            assert_eq!(mask_secrets(text), want, "{text}");
            assert!(!mask_secrets(text).contains("SECRET"), "{text}");
        }
    }

    #[test]
    fn credentials_are_found_in_malformed_urls() {
        let mut n = Needs::default();
        let site = Site::new("r.txt", 1, 1, "x");
        n.check_credentials("https:/user:SECRET@h.example.com/simple", &site);
        n.check_credentials("https://h.example.com/simple", &site);
        n.check_credentials("https:/user:SECRET@h.example.com/simple", &site);
        assert_eq!(n.findings.len(), 1);
        assert_eq!(n.findings[0].code, Code::CredentialInUrl);
        assert_eq!(
            n.findings[0].value.as_deref(),
            Some("https:/***@h.example.com/simple")
        );
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
