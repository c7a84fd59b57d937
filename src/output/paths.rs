//! Paths inside the output folder: what a manifest or journal may name, and a look at a path
//! that never follows a symbolic link.
//!
//! The manifest and the journal are files in the user's repository: anyone can edit them, and
//! an earlier output can have links planted in it. So every path amlgen reads from them must be
//! a plain relative path, and every path amlgen touches is walked one component at a time with
//! `symlink_metadata` (lstat): a link anywhere below the folder is refused, never followed.

use super::OutputError;
use std::fs;
use std::io::ErrorKind;
use std::path::{Component, Path, PathBuf};

/// File names amlgen keeps for itself at the top of the output folder (manifest, staging,
/// journal); no rendered file or manifest entry may use them.
pub const RESERVED_PREFIX: &str = ".amlgen-";

/// Why `rel` is not a plain relative path inside the folder, or `None` when it is one.
/// Plain: `/`-separated, no empty, `.` or `..` component, not absolute, no drive prefix
/// (`C:`), no backslash (a separator on Windows), no NUL or other control character.
pub fn invalid_reason(rel: &str) -> Option<&'static str> {
    if rel.is_empty() {
        return Some("it is empty");
    }
    if rel.contains('\0') {
        return Some("it contains a NUL character");
    }
    if rel.chars().any(char::is_control) {
        return Some("it contains a control character");
    }
    if rel.contains('\\') {
        return Some("it contains a backslash");
    }
    if rel.starts_with('/') {
        return Some("it is an absolute path");
    }
    let parts: Vec<&str> = rel.split('/').collect();
    for part in &parts {
        match *part {
            "" => return Some("it has an empty component (`//` or a trailing `/`)"),
            "." => return Some("it has a `.` component"),
            ".." => return Some("it has a `..` component"),
            _ => {}
        }
    }
    let first = parts[0];
    if first.len() == 2 && first.ends_with(':') {
        return Some("it starts with a drive prefix");
    }
    if first.starts_with(RESERVED_PREFIX) {
        return Some("it names one of amlgen's own files");
    }
    // Belt and braces: whatever the platform's own parser sees must be plain names only.
    if !Path::new(rel)
        .components()
        .all(|c| matches!(c, Component::Normal(_)))
    {
        return Some("it is not a plain relative path");
    }
    None
}

/// What is at a path below the output folder, seen without following links.
#[derive(Debug, PartialEq, Eq)]
pub enum Entry {
    /// Nothing there (or a parent folder is missing).
    Missing,
    /// A regular file.
    File,
    /// A folder, fifo, socket or device where a file would be.
    NotAFile,
    /// This path (a parent of the one asked for) is a file, not a folder.
    NotAFolder(PathBuf),
}

/// Looks at `dir/rel` one component at a time with lstat. A symbolic link at any component is
/// an error: amlgen never reads, writes or deletes through a link in its output folder.
/// `rel` must have passed [`invalid_reason`].
pub fn inspect(dir: &Path, rel: &str) -> Result<Entry, OutputError> {
    let mut p = dir.to_path_buf();
    let parts: Vec<&str> = rel.split('/').collect();
    for (i, part) in parts.iter().enumerate() {
        p.push(part);
        let meta = match fs::symlink_metadata(&p) {
            Ok(m) => m,
            Err(e) if e.kind() == ErrorKind::NotFound => return Ok(Entry::Missing),
            Err(e) => return Err(OutputError::Io(format!("{}: {e}", p.display()))),
        };
        if meta.file_type().is_symlink() {
            return Err(symlink_error(&p));
        }
        let last = i + 1 == parts.len();
        if last {
            return Ok(if meta.is_file() {
                Entry::File
            } else {
                Entry::NotAFile
            });
        }
        if !meta.is_dir() {
            return Ok(Entry::NotAFolder(p));
        }
    }
    Ok(Entry::Missing)
}

pub fn symlink_error(p: &Path) -> OutputError {
    OutputError::Unsafe(format!(
        "`{}` is a symbolic link; amlgen never follows links inside its output folder (nothing was written): replace the link with a real folder or remove it, then render again",
        p.display()
    ))
}

/// `rel` written as a path below `dir` with the platform's separator.
pub fn join(dir: &Path, rel: &str) -> PathBuf {
    let mut p = dir.to_path_buf();
    p.extend(rel.split('/'));
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_relative_paths_pass() {
        for ok in [
            "main.bicep",
            "modules/network.bicep",
            "dns/hosts.txt",
            "a.b/c..d/e",
        ] {
            assert_eq!(invalid_reason(ok), None, "{ok}");
        }
    }

    #[test]
    fn everything_else_is_refused() {
        for bad in [
            "",
            "../v/a/f.txt",
            "a/../../b",
            "/etc/shadow",
            "//server/share",
            "a//b",
            "a/",
            "./a",
            "a/./b",
            "..",
            "a\\..\\b",
            "C:/Windows",
            "C:",
            "a\0b",
            "a\u{1b}[2Jb",
            ".amlgen-staging/x",
            ".amlgen-manifest.json",
        ] {
            assert!(invalid_reason(bad).is_some(), "{bad:?} accepted");
        }
    }

    #[cfg(unix)]
    #[test]
    fn inspect_refuses_a_link_at_any_component() {
        let d = tempfile::tempdir().unwrap();
        let victim = tempfile::tempdir().unwrap();
        std::fs::write(victim.path().join("f"), "x").unwrap();
        std::fs::create_dir(d.path().join("real")).unwrap();
        std::os::unix::fs::symlink(victim.path(), d.path().join("real/dns")).unwrap();
        assert!(matches!(
            inspect(d.path(), "real/dns/f"),
            Err(OutputError::Unsafe(_))
        ));
        std::os::unix::fs::symlink(victim.path().join("f"), d.path().join("leaf")).unwrap();
        assert!(matches!(
            inspect(d.path(), "leaf"),
            Err(OutputError::Unsafe(_))
        ));
        std::fs::write(d.path().join("file"), "x").unwrap();
        assert_eq!(
            inspect(d.path(), "file/x").unwrap(),
            Entry::NotAFolder(d.path().join("file"))
        );
        assert_eq!(inspect(d.path(), "real").unwrap(), Entry::NotAFile);
        assert_eq!(inspect(d.path(), "nope/x").unwrap(), Entry::Missing);
        assert_eq!(inspect(d.path(), "file").unwrap(), Entry::File);
    }
}
