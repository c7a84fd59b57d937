//! Fleets: many blueprints (or checked files) in one command. Inputs are expanded here (folders,
//! quoted globs), the work runs on every core, and results come back in input order so output
//! and exit codes do not depend on scheduling.

use crate::diagnostic::{Code, Diagnostic};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// One command-line input after expansion.
#[derive(Debug, Clone, PartialEq)]
pub struct Input {
    /// What the pipeline reads: a built-in name or a path.
    pub arg: String,
    /// Whether it came from a folder or a glob (a fleet), rather than being named itself.
    pub expanded: bool,
}

/// Whether `arg` is a glob pattern amlgen expands (quoted on the command line, so the shell left
/// it alone). `[` is not a wildcard here: it is rare in file names and `*`/`?` cover fleets.
pub fn is_glob(arg: &str) -> bool {
    arg.contains('*') || arg.contains('?')
}

/// Expands command-line inputs: a folder gives its files whose extension is in `extensions`
/// (not recursive; sorted by name), a glob (`*`, `?` and `**`, in any path component) the files it
/// matches (sorted), anything else itself (a built-in name or a file, read later). A folder or a
/// glob that gives nothing is an error (AMLG060), so a typo in CI does not pass as an empty
/// fleet.
pub fn expand(args: &[String], extensions: &[&str]) -> Result<Vec<Input>, Vec<Diagnostic>> {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for arg in args {
        // A built-in name means the built-in, even where a folder of that name exists (say,
        // the output of `--out exfiltration-prevention`), as for `render`, `check` and `show`.
        let folder_arg = crate::blueprint::Source::names_file(arg) && Path::new(arg).is_dir();
        let found = if is_glob(arg) {
            glob(arg)
        } else if folder_arg {
            folder(Path::new(arg), extensions)
        } else {
            out.push(Input {
                arg: arg.clone(),
                expanded: false,
            });
            continue;
        };
        // Regular files only, never through a symbolic link: a link in a reviewed folder could
        // point at a secret (/proc/self/environ), whose first line a diagnostic would print.
        let found: Vec<PathBuf> = found
            .into_iter()
            .filter(|p| {
                p.symlink_metadata().is_ok_and(|m| m.file_type().is_file())
                    && has_extension(p, extensions)
            })
            .collect();
        if found.is_empty() {
            let what = if is_glob(arg) {
                "matches no file"
            } else {
                "holds no file"
            };
            errors.push(
                Diagnostic::error(
                    Code::FleetInputEmpty,
                    format!("`{arg}` {what} amlgen reads here"),
                )
                .with_value(arg.clone())
                .with_help(format!(
                    "files read from a folder or a glob end in {}; quote a glob so amlgen expands it (`'envs/*.yaml'`)",
                    extensions.iter().map(|e| format!(".{e}")).collect::<Vec<_>>().join(", ")
                )),
            );
        }
        out.extend(found.into_iter().map(|p| Input {
            arg: p.to_string_lossy().into_owned(),
            expanded: true,
        }));
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

fn has_extension(p: &Path, extensions: &[&str]) -> bool {
    p.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| extensions.contains(&e))
}

fn folder(dir: &Path, extensions: &[&str]) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| rd.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    // Hidden files (`.amlgen-manifest.json`, editor backups) are not part of a fleet.
    files.retain(|p| {
        has_extension(p, extensions)
            && !p
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'))
    });
    files.sort();
    files
}

/// How deep `**` descends: a repository's environment folders are a few levels deep, and a
/// bound keeps a pattern from walking a whole disk.
const MAX_GLOB_DEPTH: usize = 16;

/// `base` and every folder below it, to [`MAX_GLOB_DEPTH`]: what a `**` component matches.
/// Hidden folders are left out as `*` leaves them out, and symbolic links to folders are not
/// followed (a link could lead out of the repository, or in a loop).
fn folders_below(base: &Path, depth: usize, out: &mut Vec<PathBuf>) {
    out.push(base.to_path_buf());
    if depth == MAX_GLOB_DEPTH {
        return;
    }
    let dir = if base.as_os_str().is_empty() {
        Path::new(".")
    } else {
        base
    };
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut names: Vec<String> = entries
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| !n.starts_with('.'))
        .collect();
    names.sort();
    for n in names {
        folders_below(&base.join(n), depth + 1, out);
    }
}

/// The paths matching `pattern`, component by component; `**` is any number of folders (none
/// included); hidden entries (`.name`) match only a pattern that starts with `.`, as in the
/// shell.
fn glob(pattern: &str) -> Vec<PathBuf> {
    let absolute = pattern.starts_with('/');
    let mut current: Vec<PathBuf> = vec![if absolute {
        PathBuf::from("/")
    } else {
        PathBuf::new()
    }];
    for part in pattern.split('/').filter(|p| !p.is_empty() && *p != ".") {
        let mut next = Vec::new();
        if part == "**" {
            for base in &current {
                folders_below(base, 0, &mut next);
            }
            // `a/**/**/b` reaches a folder along several ways: once is enough.
            next.sort();
            next.dedup();
            current = next;
            continue;
        }
        for base in &current {
            if !is_glob(part) {
                let p = base.join(part);
                if p.exists() {
                    next.push(p);
                }
                continue;
            }
            let dir = if base.as_os_str().is_empty() {
                Path::new(".")
            } else {
                base.as_path()
            };
            let Ok(entries) = std::fs::read_dir(dir) else {
                continue;
            };
            let mut names: Vec<String> = entries
                .filter_map(Result::ok)
                .filter_map(|e| e.file_name().into_string().ok())
                .filter(|n| !n.starts_with('.') || part.starts_with('.'))
                .filter(|n| wildcard(part, n))
                .collect();
            names.sort();
            next.extend(names.into_iter().map(|n| base.join(n)));
        }
        current = next;
    }
    current
}

/// `*` (any run of characters) and `?` (one character) matching, without backtracking blow-up:
/// the classic two-pointer match, linear in practice.
fn wildcard(pattern: &str, name: &str) -> bool {
    let n: Vec<char> = name.chars().collect();
    let p: Vec<char> = pattern.chars().collect();
    let (mut i, mut j) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while i < n.len() {
        if j < p.len() && (p[j] == '?' || p[j] == n[i]) {
            i += 1;
            j += 1;
        } else if j < p.len() && p[j] == '*' {
            star = Some((j, i));
            j += 1;
        } else if let Some((sj, si)) = star {
            j = sj + 1;
            i = si + 1;
            star = Some((sj, si + 1));
        } else {
            return false;
        }
    }
    p[j..].iter().all(|c| *c == '*')
}

/// How many threads work on a fleet: one per core, never more than there is work.
pub fn threads(work: usize) -> usize {
    std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(work)
        .max(1)
}

/// `f` over `items` on every core; the results in the order of `items`.
pub fn parallel_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    if items.len() <= 1 {
        return items.iter().map(f).collect();
    }
    let next = AtomicUsize::new(0);
    let mut results: Vec<(usize, R)> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..threads(items.len()))
            .map(|_| {
                s.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(item) = items.get(i) else {
                            break;
                        };
                        done.push((i, f(item)));
                    }
                    done
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| match w.join() {
                Ok(done) => done,
                // A panic in one render is a bug; let it surface as the panic it is.
                Err(p) => std::panic::resume_unwind(p),
            })
            .collect()
    });
    results.sort_by_key(|(i, _)| *i);
    results.into_iter().map(|(_, r)| r).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards() {
        assert!(wildcard("*.yaml", "prod.yaml"));
        assert!(wildcard("p?od*", "prod.yaml"));
        assert!(!wildcard("*.yaml", "prod.yml"));
        assert!(wildcard("*", ""));
        assert!(!wildcard("a*b*c", "aXbY"));
        assert!(wildcard("a*b*c", "aXbYc"));
    }

    #[test]
    fn parallel_map_keeps_order() {
        let items: Vec<usize> = (0..100).collect();
        assert_eq!(
            parallel_map(&items, |i| i * 2),
            (0..100).map(|i| i * 2).collect::<Vec<_>>()
        );
    }

    #[test]
    fn folders_and_globs_expand_sorted() {
        let dir = tempfile::tempdir().unwrap();
        for f in ["b.yaml", "a.yml", "c.txt", ".hidden.yaml"] {
            std::fs::write(dir.path().join(f), "x").unwrap();
        }
        let d = dir.path().to_string_lossy().into_owned();
        let got = expand(std::slice::from_ref(&d), &["yaml", "yml"]).unwrap();
        let names: Vec<String> = got
            .iter()
            .map(|i| i.arg.rsplit('/').next().unwrap().to_string())
            .collect();
        assert_eq!(
            names,
            ["a.yml", "b.yaml"],
            "hidden files are no part of a folder"
        );
        let got = expand(&[format!("{d}/*.yaml")], &["yaml", "yml"]).unwrap();
        assert_eq!(
            got.len(),
            1,
            "hidden files need a pattern starting with a dot"
        );
        let err = expand(&[format!("{d}/*.json")], &["yaml"]).unwrap_err();
        assert_eq!(err[0].code, Code::FleetInputEmpty);
        // `**`: any number of folders, none included; hidden folders and links to folders
        // are not walked.
        for sub in ["envs/prod", "envs/dev/eu", ".git/envs"] {
            std::fs::create_dir_all(dir.path().join(sub)).unwrap();
            std::fs::write(dir.path().join(sub).join("x.yaml"), "x").unwrap();
        }
        std::os::unix::fs::symlink(dir.path().join("envs"), dir.path().join("envs/dev/loop"))
            .unwrap();
        let rel = |got: Vec<Input>| -> Vec<String> {
            got.iter()
                .map(|i| i.arg.strip_prefix(&format!("{d}/")).unwrap().to_string())
                .collect()
        };
        assert_eq!(
            rel(expand(&[format!("{d}/**/*.yaml")], &["yaml"]).unwrap()),
            ["b.yaml", "envs/dev/eu/x.yaml", "envs/prod/x.yaml"]
        );
        assert_eq!(
            rel(expand(&[format!("{d}/envs/**/**/x.yaml")], &["yaml"]).unwrap()),
            ["envs/dev/eu/x.yaml", "envs/prod/x.yaml"]
        );
    }
}
