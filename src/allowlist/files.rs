//! Reading dependency files without reading anything else. The files sit next to secrets
//! (`.env`, `~/.docker/config.json`) and a `-r` line can name any path, so:
//! - only regular files are read (never a directory, a device such as /dev/zero, a FIFO, or a
//!   kernel pseudo-file under /proc or /sys), checked before opening and again on the open file;
//! - an include (`-r`, `-c`) is followed only inside its project folder, the folder of the file
//!   named on the command line that led to it, compared once symlinks are resolved, unless
//!   `--include-outside` widens it;
//! - each file is read from disk once (by canonical path), with bounds on its size, the number
//!   of files and the bytes read in all, so a file that grows, or includes that fan out, cannot
//!   exhaust memory or time.

use crate::diagnostic::Code;
use crate::diagnostic::Diagnostic;
use std::collections::HashMap;
use std::io::Read as _;
use std::path::{Component, Path, PathBuf};
use std::rc::Rc;

/// The largest dependency file read (a requirements file with hashes for a few hundred packages
/// is well under 1 MiB).
pub const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;
/// The most files one run reads (named ones and includes).
pub const MAX_FILES: usize = 256;
/// The most bytes one run reads in all.
pub const MAX_TOTAL_BYTES: u64 = 32 * 1024 * 1024;

/// Kernel pseudo-filesystems: their files report a size of 0 (or 4096) whatever they hold, and
/// hold process environments, keys and device streams.
const PSEUDO_ROOTS: &[&str] = &["/proc", "/sys", "/dev"];

/// A file read: its path as pip sees it (absolute, `.` and `..` resolved by name), where it is
/// once symlinks are resolved, and its text.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub path: PathBuf,
    pub canonical: PathBuf,
    pub text: Rc<str>,
}

impl Loaded {
    /// The folder includes of this file are relative to: pip joins them to the folder of the
    /// path it was given, symlinks or not.
    pub fn dir(&self) -> &Path {
        self.path.parent().unwrap_or(Path::new("/"))
    }
}

/// A project folder, by name (to refuse an include before touching it, so a refusal does not
/// tell whether a path exists) and resolved (to refuse a symlink that leads out of it).
#[derive(Debug, Clone)]
pub struct Root {
    lexical: PathBuf,
    canonical: PathBuf,
}

impl Root {
    /// The folder of a file named on the command line.
    pub fn of(named: &Loaded) -> Root {
        let lexical = named.dir().to_path_buf();
        let canonical = lexical
            .canonicalize()
            .ok()
            .or_else(|| named.canonical.parent().map(Path::to_path_buf))
            .unwrap_or_else(|| lexical.clone());
        Root { lexical, canonical }
    }

    pub fn display(&self) -> std::path::Display<'_> {
        self.lexical.display()
    }
}

/// Why a file was not read.
pub enum Refused {
    /// Report it.
    Finding(Diagnostic),
    /// The file bound was reported already: skip silently (one finding is enough).
    Quiet,
}

/// Every file one run reads, each read once.
#[derive(Debug, Default)]
pub struct Files {
    include_outside: bool,
    read: HashMap<PathBuf, Rc<str>>,
    total: u64,
    limit_reported: bool,
}

impl Files {
    pub fn new(include_outside: bool) -> Files {
        Files {
            include_outside,
            ..Files::default()
        }
    }

    /// A file named on the command line: its folder is the project folder of its includes.
    pub fn named(&mut self, path: &Path, label: &str) -> Result<Loaded, Refused> {
        let fail =
            |e: std::io::Error| Refused::Finding(unreadable(label, &e.to_string(), HELP_PATH));
        let canonical = path.canonicalize().map_err(fail)?;
        let absolute = lexical(&std::path::absolute(path).map_err(fail)?);
        self.load(absolute, canonical, label)
    }

    /// An include `name` of a file in `dir` (absolute, as `Loaded::dir`), under project folder
    /// `root`.
    pub fn include(
        &mut self,
        root: &Root,
        dir: &Path,
        name: &str,
        label: &str,
    ) -> Result<Loaded, Refused> {
        let joined = dir.join(name);
        let by_name = lexical(&joined);
        if !self.include_outside && !by_name.starts_with(&root.lexical) {
            return Err(Refused::Finding(outside(label, root)));
        }
        // Resolved as the system resolves it (`link/..` is the link target's parent).
        let canonical = joined
            .canonicalize()
            .map_err(|e| Refused::Finding(unreadable(label, &e.to_string(), HELP_INCLUDE)))?;
        if !self.include_outside && !canonical.starts_with(&root.canonical) {
            // A symlink inside the folder that leads out of it.
            return Err(Refused::Finding(outside(label, root)));
        }
        self.load(by_name, canonical, label)
    }

    fn load(&mut self, path: PathBuf, canonical: PathBuf, label: &str) -> Result<Loaded, Refused> {
        if let Some(text) = self.read.get(&canonical) {
            return Ok(Loaded {
                path,
                canonical,
                text: text.clone(),
            });
        }
        if self.read.len() >= MAX_FILES {
            if self.limit_reported {
                return Err(Refused::Quiet);
            }
            self.limit_reported = true;
            return Err(Refused::Finding(
                unreadable(
                    label,
                    &format!("amlgen reads no more than {MAX_FILES} files in one run"),
                    "",
                )
                .with_help("includes (-r, -c) reach more files than any project needs; check them for a loop through generated names, or run amlgen on fewer files at once"),
            ));
        }
        let budget = MAX_FILE_BYTES.min(MAX_TOTAL_BYTES.saturating_sub(self.total));
        let text: Rc<str> = read_regular(&canonical, label, budget)?.into();
        self.total += text.len() as u64;
        self.read.insert(canonical.clone(), text.clone());
        Ok(Loaded {
            path,
            canonical,
            text,
        })
    }
}

const HELP_PATH: &str = "check the path";
const HELP_INCLUDE: &str =
    "check the path; includes (-r, -c) are relative to the file that names them";

fn unreadable(label: &str, why: &str, help: &str) -> Diagnostic {
    let d =
        Diagnostic::error(Code::Unreadable, format!("cannot read {label}: {why}")).at_file(label);
    if help.is_empty() {
        d
    } else {
        d.with_help(help)
    }
}

fn outside(label: &str, root: &Root) -> Diagnostic {
    unreadable(
        label,
        &format!(
            "it is outside the project folder {}; amlgen follows includes (-r, -c) only inside the folder of the file named on the command line",
            root.display()
        ),
        "",
    )
    .with_help("move the file into the project folder, name it on the command line, or pass --include-outside to follow includes anywhere (for files you trust)")
}

/// Reads a regular file of at most `budget` bytes as UTF-8.
fn read_regular(path: &Path, label: &str, budget: u64) -> Result<String, Refused> {
    let fail = |why: String| Refused::Finding(unreadable(label, &why, HELP_PATH));
    let not_regular = || {
        Refused::Finding(
            unreadable(
                label,
                "not a regular file (a directory, device, FIFO, socket or kernel pseudo-file)",
                "",
            )
            .with_help("name the dependency file itself (requirements.txt, pyproject.toml, environment.yml)"),
        )
    };
    if PSEUDO_ROOTS
        .iter()
        .any(|r| path.starts_with(r) && path != Path::new(r))
    {
        return Err(not_regular());
    }
    // Checked before opening: opening a FIFO blocks until a writer comes.
    let meta = std::fs::metadata(path).map_err(|e| fail(e.to_string()))?;
    if !meta.is_file() {
        return Err(not_regular());
    }
    let too_large = || {
        if budget < MAX_FILE_BYTES {
            fail(format!(
                "amlgen reads no more than {} MiB in one run",
                MAX_TOTAL_BYTES / (1024 * 1024)
            ))
        } else {
            fail(format!(
                "larger than {} MiB, more than any dependency file holds",
                MAX_FILE_BYTES / (1024 * 1024)
            ))
        }
    };
    if meta.len() > budget {
        return Err(too_large());
    }
    let file = std::fs::File::open(path).map_err(|e| fail(e.to_string()))?;
    // The path may have been swapped between the check and the open.
    let opened = file.metadata().map_err(|e| fail(e.to_string()))?;
    if !opened.is_file() || !same_file(&meta, &opened) {
        return Err(not_regular());
    }
    let mut bytes = Vec::new();
    // One byte more than allowed tells a file that grew past the bound.
    file.take(budget + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| fail(e.to_string()))?;
    if bytes.len() as u64 > budget {
        return Err(too_large());
    }
    if opened.len() == 0 && !bytes.is_empty() {
        // A file that reports no size yet has content is generated by the kernel.
        return Err(not_regular());
    }
    String::from_utf8(bytes).map_err(|_| fail("not UTF-8 text".to_string()))
}

#[cfg(unix)]
fn same_file(a: &std::fs::Metadata, b: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    a.dev() == b.dev() && a.ino() == b.ino()
}

#[cfg(not(unix))]
fn same_file(_: &std::fs::Metadata, _: &std::fs::Metadata) -> bool {
    true
}

/// `path` with `.` and `..` resolved by name alone (no symlink is followed).
pub fn lexical(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lexical_paths() {
        assert_eq!(lexical(Path::new("/a/b/../c/./d")), Path::new("/a/c/d"));
        assert_eq!(lexical(Path::new("/a/../../etc")), Path::new("/etc"));
    }

    #[test]
    fn each_file_is_read_once_and_bounded() {
        let dir = tempfile::tempdir().unwrap();
        let base = dir.path().canonicalize().unwrap();
        std::fs::write(base.join("a.txt"), "numpy\n").unwrap();
        let mut files = Files::new(false);
        let named = files.named(&base.join("a.txt"), "a.txt").ok().unwrap();
        let root = Root::of(&named);
        let root = &root;
        let a = files.include(root, &base, "a.txt", "a.txt").ok().unwrap();
        let again = files.include(root, &base, "./a.txt", "a.txt").ok().unwrap();
        assert!(Rc::ptr_eq(&a.text, &again.text));
        assert_eq!(files.read.len(), 1);
        assert!(matches!(
            files.include(root, &base, "../x.txt", "x.txt"),
            Err(Refused::Finding(d)) if d.message.contains("outside the project folder")
        ));
        assert!(matches!(
            files.include(root, &base, "/dev/null", "/dev/null"),
            Err(Refused::Finding(d)) if d.message.contains("outside")
        ));
        let mut wide = Files::new(true);
        assert!(matches!(
            wide.include(root, &base, "/dev/null", "/dev/null"),
            Err(Refused::Finding(d)) if d.message.contains("not a regular file")
        ));
    }
}
