//! Writing rendered artifacts: a manifest of what amlgen wrote (with hashes), so a file changed
//! by hand is never overwritten silently; `--check` compares without writing.
//!
//! What amlgen promises about the output folder, and where each promise is kept:
//! - never outside it: manifest and journal entries must be plain relative paths (`paths`), and
//!   every path is walked with lstat, a symbolic link anywhere below the folder refused;
//! - all-or-nothing, even across `kill -9`: staging, a journal as the commit point, roll forward
//!   or discard on the next run (`commit`);
//! - one process at a time per folder (`lock`);
//! - operating-system failures (permissions, disk full) leave the previous render in place
//!   and are reported as I/O errors, not as amlgen bugs.

mod commit;
mod diff;
mod lock;
mod paths;

pub use commit::{Injected, Recovery};

use crate::render::Artifact;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::fs;
use std::path::{Component, Path, PathBuf};

pub const MANIFEST: &str = ".amlgen-manifest.json";

#[derive(Debug, Serialize, Deserialize, PartialEq)]
pub struct Manifest {
    pub generated_by: String,
    pub regenerate: String,
    /// Relative path -> SHA-256 of the bytes amlgen wrote.
    pub files: BTreeMap<String, String>,
    /// What this render deploys that Azure cannot change in place (`crate::change`), for the
    /// next render to compare with. Absent in manifests of older amlgen versions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<crate::change::State>,
}

impl Manifest {
    pub fn of(artifacts: &[Artifact], generated_by: &str, regenerate: &str) -> Manifest {
        Manifest {
            generated_by: generated_by.to_string(),
            regenerate: regenerate.to_string(),
            files: artifacts
                .iter()
                .map(|a| (a.path.clone(), sha256(&a.bytes)))
                .collect(),
            state: None,
        }
    }

    pub fn with_state(mut self, state: crate::change::State) -> Manifest {
        self.state = Some(state);
        self
    }

    pub fn to_artifact(&self) -> Artifact {
        let mut text = serde_json::to_string_pretty(self).expect("serialisable");
        text.push('\n');
        Artifact {
            path: MANIFEST.to_string(),
            bytes: text.into_bytes(),
        }
    }
}

pub fn sha256(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    // Lower-case hex by table rather than a `format!` per byte: 32 per file, every render.
    Sha256::digest(bytes)
        .iter()
        .flat_map(|b| [HEX[usize::from(b >> 4)], HEX[usize::from(b & 0xf)]])
        .map(char::from)
        .collect()
}

#[derive(Debug)]
pub enum OutputError {
    /// The output folder is unsafe to write (outside the intended place, not a folder, ...).
    Unsafe(String),
    /// Files changed by hand (or not written by amlgen) would be overwritten or removed.
    Conflicts(Vec<Conflict>),
    /// The operating system refused a read or write (permissions, disk full); the message says
    /// what state the folder was left in.
    Io(String),
}

#[derive(Debug)]
pub struct Conflict {
    pub path: PathBuf,
    pub reason: &'static str,
}

/// `dir` without trailing separators or `.` components: `link/` and `link/.` name the link
/// itself, so the symbolic-link check below sees it (an lstat of `link/` follows the link).
fn plain_dir(dir: &Path) -> PathBuf {
    dir.components().collect()
}

/// Refuses output folders that escape through `..`, so a blueprint path or `--out` cannot
/// reach outside the folder the user meant.
pub fn check_out_dir(dir: &Path) -> Result<(), OutputError> {
    if dir.components().any(|c| matches!(c, Component::ParentDir)) {
        return Err(OutputError::Unsafe(format!(
            "output folder `{}` contains `..`; give a folder below the current one or an absolute path",
            dir.display()
        )));
    }
    if dir.as_os_str().is_empty() {
        return Err(OutputError::Unsafe("empty output folder".into()));
    }
    if let Ok(meta) = fs::symlink_metadata(dir) {
        if meta.file_type().is_symlink() {
            return Err(OutputError::Unsafe(format!(
                "output folder `{}` is a symbolic link; give the real folder",
                dir.display()
            )));
        }
        if !meta.is_dir() {
            return Err(OutputError::Unsafe(format!(
                "`{}` exists and is not a folder",
                dir.display()
            )));
        }
    }
    Ok(())
}

/// Reads the manifest without following links. A manifest that does not parse, or that names
/// anything but plain relative paths inside the folder (`../x`, `/etc/shadow`), was edited by
/// someone else: amlgen refuses it rather than delete, write or even look at what it names.
fn read_manifest(dir: &Path) -> Result<Option<Manifest>, OutputError> {
    let path = dir.join(MANIFEST);
    let fix = "nothing was written. It was edited or damaged: restore it (e.g. from version control), or delete it (amlgen then treats the folder as not its own; --force writes into it)";
    match paths::inspect(dir, MANIFEST)? {
        paths::Entry::Missing => return Ok(None),
        paths::Entry::File => {}
        _ => {
            return Err(OutputError::Unsafe(format!(
                "`{}` is not a file; {fix}",
                path.display()
            )))
        }
    }
    // Bounded like every other input: a manifest edited by hand may be of any size. A render's
    // manifest lists a few dozen files and hashes, far below the limit.
    let text =
        crate::blueprint::limits::read_bounded(&path, crate::blueprint::limits::MAX_FILE_BYTES)
            .map_err(|e| OutputError::Unsafe(format!("`{}`: {e}; {fix}", path.display())))?;
    let manifest: Manifest = serde_json::from_str(&text).map_err(|e| {
        OutputError::Unsafe(format!(
            "`{}` is not a valid amlgen manifest ({e}); {fix}",
            path.display()
        ))
    })?;
    for (rel, hash) in &manifest.files {
        if let Some(why) = paths::invalid_reason(rel) {
            return Err(OutputError::Unsafe(format!(
                "`{}` lists {rel:?}, which is not a plain relative path inside the output folder ({why}); {fix}",
                path.display()
            )));
        }
        if hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(OutputError::Unsafe(format!(
                "`{}` gives {rel:?} a hash that is not a SHA-256 in hex; {fix}",
                path.display()
            )));
        }
    }
    Ok(Some(manifest))
}

/// The deployed state the manifest in `dir` records, if there is a valid manifest with one. A
/// manifest that cannot be read is reported by the write itself, which refuses it.
pub fn previous_state(dir: &Path) -> Option<crate::change::State> {
    let dir = &plain_dir(dir);
    check_out_dir(dir).ok()?;
    read_manifest(dir).ok().flatten()?.state
}

/// What writing would do; computed before anything is touched.
#[derive(Debug, Default)]
pub struct WritePlan {
    pub write: Vec<String>,
    pub unchanged: Vec<String>,
    pub remove: Vec<String>,
    pub conflicts: Vec<Conflict>,
    /// What amlgen found left by an interrupted run, and did about it, before planning.
    pub recovered: Option<Recovery>,
}

/// With `force`, a folder amlgen did not write may be written into (its files become conflicts
/// that `write` then overwrites). Reads the folder: call it with the folder locked and
/// recovered (as [`write`] does), or on a folder no amlgen process is writing.
pub fn plan_write(
    dir: &Path,
    artifacts: &[Artifact],
    force: bool,
) -> Result<WritePlan, OutputError> {
    let dir = &plain_dir(dir);
    check_out_dir(dir)?;
    let mut plan = WritePlan::default();
    let manifest = read_manifest(dir)?;
    if dir.is_dir() && manifest.is_none() && !force {
        let foreign: Vec<_> = fs::read_dir(dir)
            .map_err(|e| OutputError::Io(format!("{}: {e}", dir.display())))?
            .filter_map(Result::ok)
            .map(|e| e.file_name())
            .collect();
        if !foreign.is_empty() {
            return Err(OutputError::Unsafe(format!(
                "`{}` is not empty and was not written by amlgen (no {MANIFEST}); choose an empty or new folder, or pass --force to write into it",
                dir.display()
            )));
        }
    }
    let known = manifest.as_ref().map(|m| &m.files);
    for a in artifacts {
        if let Some(why) = paths::invalid_reason(&a.path) {
            return Err(OutputError::Unsafe(format!(
                "rendered file name {:?} is not a plain relative path ({why})",
                a.path
            )));
        }
        let path = paths::join(dir, &a.path);
        let new_hash = sha256(&a.bytes);
        match paths::inspect(dir, &a.path)? {
            paths::Entry::Missing => plan.write.push(a.path.clone()),
            paths::Entry::NotAFolder(p) => {
                return Err(OutputError::Unsafe(format!(
                    "`{}` is a file where amlgen writes a folder (for {}); nothing was written: move it away",
                    p.display(),
                    path.display()
                )))
            }
            paths::Entry::NotAFile => {
                return Err(OutputError::Unsafe(format!(
                    "`{}` is a folder (or other non-file) where amlgen writes a file; nothing was written: move it away",
                    path.display()
                )))
            }
            paths::Entry::File => {
                let disk = fs::read(&path)
                    .map_err(|e| OutputError::Io(format!("{}: {e}", path.display())))?;
                let disk_hash = sha256(&disk);
                if disk_hash == new_hash {
                    plan.unchanged.push(a.path.clone());
                } else if known.and_then(|k| k.get(&a.path)) == Some(&disk_hash) {
                    plan.write.push(a.path.clone());
                } else if known.is_some_and(|k| k.contains_key(&a.path)) {
                    plan.conflicts.push(Conflict {
                        path,
                        reason: "was changed by hand since amlgen wrote it",
                    });
                } else {
                    plan.conflicts.push(Conflict {
                        path,
                        reason: "exists and was not written by amlgen",
                    });
                }
            }
        }
    }
    if let Some(k) = known {
        for (old, hash) in k {
            if artifacts.iter().any(|a| &a.path == old) {
                continue;
            }
            // Only a regular file amlgen wrote is removed; a folder or a file in the way of a
            // parent means the old file is not there.
            if paths::inspect(dir, old)? != paths::Entry::File {
                continue;
            }
            let path = paths::join(dir, old);
            let bytes =
                fs::read(&path).map_err(|e| OutputError::Io(format!("{}: {e}", path.display())))?;
            if &sha256(&bytes) == hash {
                plan.remove.push(old.clone());
            } else {
                plan.conflicts.push(Conflict {
                    path,
                    reason: "is no longer generated and was changed by hand",
                });
            }
        }
    }
    Ok(plan)
}

/// Writes the artifacts and the manifest, all or nothing (see `commit`). With `force`,
/// conflicting files are overwritten.
pub fn write(
    dir: &Path,
    artifacts: &[Artifact],
    manifest: &Manifest,
    force: bool,
) -> Result<WritePlan, OutputError> {
    write_with(dir, artifacts, manifest, force, &mut || None)
}

/// [`write`] with a hook called before every filesystem change, for tests that fail or stop
/// the write at each step in turn.
pub fn write_with(
    dir: &Path,
    artifacts: &[Artifact],
    manifest: &Manifest,
    force: bool,
    hook: &mut dyn FnMut() -> Option<Injected>,
) -> Result<WritePlan, OutputError> {
    let dir = &plain_dir(dir);
    check_out_dir(dir)?;
    let created = match fs::symlink_metadata(dir) {
        Ok(_) => false,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            fs::create_dir_all(dir).map_err(|e| {
                OutputError::Io(format!("{}: {e}; nothing was written", dir.display()))
            })?;
            true
        }
        Err(e) => return Err(OutputError::Io(format!("{}: {e}", dir.display()))),
    };
    let result = locked_write(dir, artifacts, manifest, force, hook);
    if created && result.is_err() {
        // Leave no trace of a render that did not happen (only succeeds if still empty).
        let _ = fs::remove_dir(dir);
    }
    result
}

fn locked_write(
    dir: &Path,
    artifacts: &[Artifact],
    manifest: &Manifest,
    force: bool,
    hook: &mut dyn FnMut() -> Option<Injected>,
) -> Result<WritePlan, OutputError> {
    let _lock = lock::lock(dir)?;
    let recovered = commit::recover(dir, hook).map_err(|e| from_abort(e, Phase::Recover))?;
    let mut plan = plan_write(dir, artifacts, force)?;
    plan.recovered = recovered;
    if !plan.conflicts.is_empty() && !force {
        return Err(OutputError::Conflicts(plan.conflicts));
    }
    let manifest_artifact = manifest.to_artifact();
    let mut files: Vec<commit::NewFile> = artifacts
        .iter()
        .filter(|a| {
            plan.write.contains(&a.path)
                || plan
                    .conflicts
                    .iter()
                    .any(|c| c.path == paths::join(dir, &a.path))
        })
        .map(|a| commit::NewFile {
            rel: &a.path,
            bytes: &a.bytes,
            executable: a.path.ends_with(".sh"),
        })
        .collect();
    // Manifest last: it is the record of the render, moved into place after every file.
    files.push(commit::NewFile {
        rel: &manifest_artifact.path,
        bytes: &manifest_artifact.bytes,
        executable: false,
    });
    commit::commit(dir, &files, &plan.remove, hook).map_err(|e| from_abort(e, Phase::Write))?;
    Ok(plan)
}

enum Phase {
    Recover,
    Write,
}

fn from_abort(e: commit::Abort, phase: Phase) -> OutputError {
    match (e, phase) {
        (commit::Abort::Unsafe(m), _) => OutputError::Unsafe(m),
        (commit::Abort::Io(m), Phase::Write) => {
            OutputError::Io(format!("{m}; the previous render was kept"))
        }
        (commit::Abort::Io(m), Phase::Recover) => OutputError::Io(format!(
            "{m}; amlgen could not finish or discard an interrupted render in this folder: fix the cause and run again"
        )),
        (commit::Abort::Crash, _) => OutputError::Io("stopped (injected crash)".into()),
    }
}

/// Finishes or discards what an interrupted amlgen left in `dir` (see `commit`), under the
/// folder lock. A folder that does not exist needs nothing.
pub fn recover(dir: &Path) -> Result<Option<Recovery>, OutputError> {
    let dir = &plain_dir(dir);
    check_out_dir(dir)?;
    if !dir.is_dir() {
        return Ok(None);
    }
    let _lock = lock::lock(dir)?;
    commit::recover(dir, &mut || None).map_err(|e| from_abort(e, Phase::Recover))
}

/// What `render --check` found.
#[derive(Debug, Default)]
pub struct Checked {
    /// Differences, as unified diffs or one-line notes; empty when up to date.
    pub diffs: Vec<String>,
    pub recovered: Option<Recovery>,
}

/// Differences between what would be written and what is on disk, as unified diffs. Writes
/// nothing, except finishing or discarding an interrupted render first (so it compares a
/// complete one). Refuses the same manifests and links as [`write`]: what it prints never
/// depends on anything outside the folder.
pub fn check(
    dir: &Path,
    artifacts: &[Artifact],
    manifest: &Manifest,
) -> Result<Checked, OutputError> {
    let dir = &plain_dir(dir);
    check_out_dir(dir)?;
    let mut checked = Checked::default();
    let _lock = if dir.is_dir() {
        let l = lock::lock(dir)?;
        checked.recovered =
            commit::recover(dir, &mut || None).map_err(|e| from_abort(e, Phase::Recover))?;
        Some(l)
    } else {
        None
    };
    let old = read_manifest(dir)?;
    let mut all: Vec<Artifact> = artifacts.to_vec();
    all.push(manifest.to_artifact());
    for a in &all {
        let p = paths::join(dir, &a.path);
        if a.path != MANIFEST {
            if let Some(why) = paths::invalid_reason(&a.path) {
                return Err(OutputError::Unsafe(format!(
                    "rendered file name {:?} is not a plain relative path ({why})",
                    a.path
                )));
            }
        }
        match paths::inspect(dir, &a.path)? {
            paths::Entry::File => {}
            paths::Entry::Missing | paths::Entry::NotAFolder(_) => {
                checked.diffs.push(format!("missing: {}", p.display()));
                continue;
            }
            paths::Entry::NotAFile => {
                checked.diffs.push(format!("not a file: {}", p.display()));
                continue;
            }
        }
        let disk = fs::read(&p).map_err(|e| OutputError::Io(format!("{}: {e}", p.display())))?;
        if disk != a.bytes {
            checked.diffs.push(diff::unified(
                &p.display().to_string(),
                &String::from_utf8_lossy(&disk),
                &String::from_utf8_lossy(&a.bytes),
            ));
        }
    }
    if let Some(old) = old {
        for f in old.files.keys() {
            if !artifacts.iter().any(|a| &a.path == f)
                && paths::inspect(dir, f)? != paths::Entry::Missing
            {
                checked.diffs.push(format!(
                    "stale (no longer generated): {}",
                    paths::join(dir, f).display()
                ));
            }
        }
    }
    Ok(checked)
}

#[cfg(test)]
mod tests;
