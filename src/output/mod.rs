//! Writing rendered artifacts: a manifest of what amlgen wrote (with hashes), so a file changed
//! by hand is never overwritten silently; all files staged first and moved into place only when
//! every one was written; `--check` compares without writing.

mod diff;

use crate::render::Artifact;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::fs;
use std::path::{Component, Path, PathBuf};

pub const MANIFEST: &str = ".amlgen-manifest.json";
const STAGING: &str = ".amlgen-staging";

#[derive(Debug, Serialize, Deserialize, PartialEq)]
pub struct Manifest {
    pub generated_by: String,
    pub regenerate: String,
    /// Relative path -> SHA-256 of the bytes amlgen wrote.
    pub files: BTreeMap<String, String>,
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
        }
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
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[derive(Debug)]
pub enum OutputError {
    /// The output folder is unsafe to write (outside the intended place, not a folder, ...).
    Unsafe(String),
    /// Files changed by hand (or not written by amlgen) would be overwritten or removed.
    Conflicts(Vec<Conflict>),
    Io(String),
}

#[derive(Debug)]
pub struct Conflict {
    pub path: PathBuf,
    pub reason: &'static str,
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

fn read_manifest(dir: &Path) -> Option<Manifest> {
    let text = fs::read_to_string(dir.join(MANIFEST)).ok()?;
    serde_json::from_str(&text).ok()
}

/// What writing would do; computed before anything is touched.
#[derive(Debug, Default)]
pub struct WritePlan {
    pub write: Vec<String>,
    pub unchanged: Vec<String>,
    pub remove: Vec<String>,
    pub conflicts: Vec<Conflict>,
}

/// With `force`, a folder amlgen did not write may be written into (its files become conflicts
/// that `write` then overwrites).
pub fn plan_write(
    dir: &Path,
    artifacts: &[Artifact],
    force: bool,
) -> Result<WritePlan, OutputError> {
    check_out_dir(dir)?;
    let mut plan = WritePlan::default();
    let manifest = read_manifest(dir);
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
        let path = dir.join(&a.path);
        let new_hash = sha256(&a.bytes);
        match fs::symlink_metadata(&path) {
            Err(_) => plan.write.push(a.path.clone()),
            Ok(meta) if meta.file_type().is_symlink() || !meta.is_file() => {
                plan.conflicts.push(Conflict {
                    path,
                    reason: "is a link or a folder, not a file amlgen wrote",
                })
            }
            Ok(_) => {
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
            let path = dir.join(old);
            match fs::read(&path) {
                Err(_) => {}
                Ok(bytes) if &sha256(&bytes) == hash => plan.remove.push(old.clone()),
                Ok(_) => plan.conflicts.push(Conflict {
                    path,
                    reason: "is no longer generated and was changed by hand",
                }),
            }
        }
    }
    Ok(plan)
}

/// Writes the artifacts and the manifest. With `force`, conflicting files are overwritten.
pub fn write(
    dir: &Path,
    artifacts: &[Artifact],
    manifest: &Manifest,
    force: bool,
) -> Result<WritePlan, OutputError> {
    let plan = plan_write(dir, artifacts, force)?;
    if !plan.conflicts.is_empty() && !force {
        return Err(OutputError::Conflicts(plan.conflicts));
    }
    let mut to_write: Vec<&Artifact> = artifacts
        .iter()
        .filter(|a| {
            plan.write.contains(&a.path)
                || plan.conflicts.iter().any(|c| c.path == dir.join(&a.path))
        })
        .collect();
    let manifest_artifact = manifest.to_artifact();
    to_write.push(&manifest_artifact);

    let io = |p: &Path, e: std::io::Error| OutputError::Io(format!("{}: {e}", p.display()));
    fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
    let staging = dir.join(STAGING);
    if staging.exists() {
        fs::remove_dir_all(&staging).map_err(|e| io(&staging, e))?;
    }
    // Stage every file first: a failure here leaves the previous output untouched.
    for a in &to_write {
        let p = staging.join(&a.path);
        if let Some(parent) = p.parent() {
            fs::create_dir_all(parent).map_err(|e| io(parent, e))?;
        }
        fs::write(&p, &a.bytes).map_err(|e| io(&p, e))?;
        #[cfg(unix)]
        if a.path.ends_with(".sh") {
            use std::os::unix::fs::PermissionsExt;
            fs::set_permissions(&p, fs::Permissions::from_mode(0o755)).map_err(|e| io(&p, e))?;
        }
    }
    // Then move them into place (a rename within one filesystem), manifest last.
    for a in &to_write {
        let from = staging.join(&a.path);
        let to = dir.join(&a.path);
        if let Some(parent) = to.parent() {
            fs::create_dir_all(parent).map_err(|e| io(parent, e))?;
        }
        fs::rename(&from, &to).map_err(|e| io(&to, e))?;
    }
    for old in &plan.remove {
        let p = dir.join(old);
        fs::remove_file(&p).map_err(|e| io(&p, e))?;
        // Drop folders the removal left empty (e.g. dns/ when client access was removed).
        let mut parent = p.parent();
        while let Some(d) = parent {
            if d == dir || fs::remove_dir(d).is_err() {
                break;
            }
            parent = d.parent();
        }
    }
    fs::remove_dir_all(&staging).map_err(|e| io(&staging, e))?;
    Ok(plan)
}

/// Differences between what would be written and what is on disk, as unified diffs.
pub fn check(dir: &Path, artifacts: &[Artifact], manifest: &Manifest) -> Vec<String> {
    let mut out = Vec::new();
    let mut all: Vec<Artifact> = artifacts.to_vec();
    all.push(manifest.to_artifact());
    for a in &all {
        let p = dir.join(&a.path);
        match fs::read(&p) {
            Err(_) => out.push(format!("missing: {}", p.display())),
            Ok(disk) if disk != a.bytes => out.push(diff::unified(
                &p.display().to_string(),
                &String::from_utf8_lossy(&disk),
                &String::from_utf8_lossy(&a.bytes),
            )),
            Ok(_) => {}
        }
    }
    if let Some(old) = read_manifest(dir) {
        for f in old.files.keys() {
            if !artifacts.iter().any(|a| &a.path == f) && dir.join(f).exists() {
                out.push(format!(
                    "stale (no longer generated): {}",
                    dir.join(f).display()
                ));
            }
        }
    }
    out
}
