//! All-or-nothing replacement of the output folder's files.
//!
//! A render changes many files; a process can die (`kill -9`, power loss) between any two
//! system calls, and any call can fail (permissions, disk full). The folder must still hold
//! the complete previous render or the complete new one, or the next amlgen run must restore
//! one of them by itself. The design, everything inside the output folder `dir` (renames
//! within one filesystem are atomic; nothing is ever written outside the folder):
//!
//! 1. Stage: every new file (the manifest last) is written completely under
//!    `.amlgen-staging/new/<path>` and fsynced, with its folders. A failure or a kill here
//!    leaves the previous render untouched; what is staged is garbage.
//! 2. Commit point: a journal listing the files to replace and to remove is written to
//!    `.amlgen-staging/journal.json`, fsynced, and renamed to `.amlgen-journal.json`
//!    (then the folder is fsynced). Before this rename the render did not happen; after it,
//!    it did.
//! 3. Apply, idempotently: for each file to replace, the file on disk (if any) is moved to
//!    `.amlgen-staging/old/<path>` and the staged one moved into place; each file to remove is
//!    moved to `old/` too; folders left empty are removed. Every step checks what is there
//!    first, so running the apply again from any point finishes it.
//! 4. The journal is removed (the folder fsynced), then the staging folder.
//!
//! Recovery ([`recover`]), run under the folder lock before anything else: a journal means a
//! commit was interrupted: apply it again (roll forward). A staging folder without a journal
//! is an uncommitted render (or the leftovers of a finished one): remove it.
//!
//! A failure during apply in a running process (not a kill) rolls back instead, using the
//! backups in `old/`, so a permission or disk-full error keeps the previous render in full.
//! Should the rollback itself fail, the journal stays and the next run rolls forward.

use super::paths::{self, Entry};
use super::OutputError;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::{self, ErrorKind, Write};
use std::path::{Path, PathBuf};

pub const STAGING: &str = ".amlgen-staging";
pub const JOURNAL: &str = ".amlgen-journal.json";
const JOURNAL_TMP: &str = "journal.json";
const NEW: &str = "new";
const OLD: &str = "old";

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Journal {
    /// Files whose new content is staged in `new/` (the manifest last).
    replace: Vec<String>,
    /// Files to take out of the folder.
    remove: Vec<String>,
    /// SHA-256 of each staged file: only what this commit staged is moved into place.
    staged: BTreeMap<String, String>,
    /// SHA-256 of each file in the folder the commit replaces or removes, as it was when the
    /// commit began: recovery moves nothing aside that differs (a file edited since, or a
    /// journal amlgen did not write).
    current: BTreeMap<String, String>,
}

/// What a test can make happen before a filesystem step: an I/O failure (as disk full would
/// be), or a crash (the process stops dead, no cleanup, as `kill -9` would).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Injected {
    Fail,
    Crash,
}

pub type Hook<'a> = &'a mut dyn FnMut() -> Option<Injected>;

#[derive(Debug)]
pub enum Abort {
    Io(String),
    Unsafe(String),
    /// Injected crash: return at once, leave everything as it is.
    Crash,
}

impl From<OutputError> for Abort {
    fn from(e: OutputError) -> Abort {
        match e {
            OutputError::Unsafe(m) => Abort::Unsafe(m),
            OutputError::Io(m) => Abort::Io(m),
            OutputError::Conflicts(_) => Abort::Unsafe("conflicting files".into()),
        }
    }
}

/// One file to write: path relative to the folder, bytes, executable or not.
pub struct NewFile<'a> {
    pub rel: &'a str,
    pub bytes: &'a [u8],
    pub executable: bool,
}

/// What [`recover`] found and did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recovery {
    /// An interrupted commit was finished: the folder holds the render that was being written.
    RolledForward,
    /// A render interrupted before its commit point was discarded: the folder holds the
    /// previous one.
    Discarded,
}

struct Tx<'a, 'h> {
    dir: &'a Path,
    hook: Hook<'h>,
    /// Folders apply created, removed again on rollback.
    created: Vec<PathBuf>,
}

fn io_err(p: &Path, e: io::Error) -> Abort {
    Abort::Io(format!("{}: {e}", p.display()))
}

impl Tx<'_, '_> {
    /// Every filesystem change goes through here, so a test can fail or stop at each one.
    fn step<T>(&mut self, p: &Path, op: impl FnOnce() -> io::Result<T>) -> Result<T, Abort> {
        match (self.hook)() {
            Some(Injected::Crash) => return Err(Abort::Crash),
            Some(Injected::Fail) => {
                return Err(io_err(
                    p,
                    io::Error::new(ErrorKind::StorageFull, "No space left on device (injected)"),
                ))
            }
            None => {}
        }
        op().map_err(|e| io_err(p, e))
    }

    fn staging(&self) -> PathBuf {
        self.dir.join(STAGING)
    }

    /// Creates the folders above `dir/rel` that are missing, refusing links and files in the
    /// way.
    fn make_parents(&mut self, base: &Path, rel: &str, record: bool) -> Result<(), Abort> {
        let parts: Vec<&str> = rel.split('/').collect();
        let mut p = base.to_path_buf();
        for part in &parts[..parts.len() - 1] {
            p.push(part);
            match fs::symlink_metadata(&p) {
                Ok(m) if m.file_type().is_symlink() => return Err(paths::symlink_error(&p).into()),
                Ok(m) if m.is_dir() => {}
                Ok(_) => {
                    return Err(Abort::Unsafe(format!(
                        "`{}` is a file where amlgen needs a folder; move it away",
                        p.display()
                    )))
                }
                Err(e) if e.kind() == ErrorKind::NotFound => {
                    let q = p.clone();
                    self.step(&p, || fs::create_dir(&q))?;
                    if record {
                        self.created.push(p.clone());
                    }
                }
                Err(e) => return Err(io_err(&p, e)),
            }
        }
        Ok(())
    }
}

fn exists_nofollow(p: &Path) -> Result<bool, Abort> {
    match fs::symlink_metadata(p) {
        Ok(_) => Ok(true),
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(false),
        Err(e) => Err(io_err(p, e)),
    }
}

/// Makes a new folder entry (a file written, renamed or removed in `p`) survive power loss.
fn sync_dir(p: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        File::open(p)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        let _ = p;
        Ok(())
    }
}

/// Stages `files`, commits, applies, cleans up. Call with the folder locked and recovered.
/// Replaces every file in `files` and takes every file in `remove` out of the folder.
pub fn commit(dir: &Path, files: &[NewFile], remove: &[String], hook: Hook) -> Result<(), Abort> {
    let mut tx = Tx {
        dir,
        hook,
        created: Vec::new(),
    };
    let staging = tx.staging();
    match stage(&mut tx, files) {
        Ok(()) => {}
        Err(Abort::Crash) => return Err(Abort::Crash),
        Err(e) => {
            // Not committed: the previous render is untouched; the staging is garbage.
            let _ = fs::remove_dir_all(&staging);
            return Err(e);
        }
    }
    let mut current = BTreeMap::new();
    for rel in files
        .iter()
        .map(|f| f.rel)
        .chain(remove.iter().map(String::as_str))
    {
        if paths::inspect(dir, rel)? == Entry::File {
            current.insert(rel.to_string(), file_hash(&paths::join(dir, rel))?);
        }
    }
    let journal = Journal {
        replace: files.iter().map(|f| f.rel.to_string()).collect(),
        remove: remove.to_vec(),
        staged: files
            .iter()
            .map(|f| (f.rel.to_string(), super::sha256(f.bytes)))
            .collect(),
        current,
    };
    if let Err(e) = write_journal(&mut tx, &journal) {
        if !matches!(e, Abort::Crash) {
            let _ = fs::remove_file(dir.join(JOURNAL));
            let _ = fs::remove_dir_all(&staging);
        }
        return Err(e);
    }
    match apply(&mut tx, &journal) {
        Ok(()) => {}
        Err(Abort::Crash) => return Err(Abort::Crash),
        Err(e) => {
            return Err(match rollback(&mut tx, &journal) {
                Ok(()) => e,
                Err(r) => Abort::Io(format!(
                    "{}; undoing the partial write failed too ({}); the next amlgen run finishes the write",
                    describe(&e),
                    describe(&r)
                )),
            })
        }
    }
    finish(&mut tx)
}

fn describe(a: &Abort) -> String {
    match a {
        Abort::Io(m) | Abort::Unsafe(m) => m.clone(),
        Abort::Crash => "crash".into(),
    }
}

fn stage(tx: &mut Tx, files: &[NewFile]) -> Result<(), Abort> {
    let staging = tx.staging();
    let s = staging.clone();
    tx.step(&staging, || fs::create_dir(&s))?;
    let new = staging.join(NEW);
    let n = new.clone();
    tx.step(&new, || fs::create_dir(&n))?;
    let old = staging.join(OLD);
    let o = old.clone();
    tx.step(&old, || fs::create_dir(&o))?;
    let mut dirs = vec![new.clone(), old, staging.clone()];
    for f in files {
        tx.make_parents(&new, f.rel, false)?;
        let p = paths::join(&new, f.rel);
        let q = p.clone();
        let mut file = tx.step(&p, || {
            OpenOptions::new().write(true).create_new(true).open(&q)
        })?;
        tx.step(&p, || file.write_all(f.bytes))?;
        #[cfg(unix)]
        if f.executable {
            use std::os::unix::fs::PermissionsExt;
            tx.step(&p, || {
                file.set_permissions(fs::Permissions::from_mode(0o755))
            })?;
        }
        tx.step(&p, || file.sync_all())?;
        if let Some(parent) = p.parent() {
            if !dirs.iter().any(|d| d == parent) {
                dirs.push(parent.to_path_buf());
            }
        }
    }
    // Deepest first, so each folder's entry in its parent is durable after its own content.
    dirs.sort_by_key(|d| std::cmp::Reverse(d.components().count()));
    for d in dirs {
        tx.step(&d, || sync_dir(&d))?;
    }
    Ok(())
}

fn write_journal(tx: &mut Tx, journal: &Journal) -> Result<(), Abort> {
    let text =
        serde_json::to_string_pretty(journal).map_err(|e| Abort::Io(format!("journal: {e}")))?;
    let tmp = tx.staging().join(JOURNAL_TMP);
    let t = tmp.clone();
    let mut file = tx.step(&tmp, || {
        OpenOptions::new().write(true).create_new(true).open(&t)
    })?;
    tx.step(&tmp, || file.write_all(text.as_bytes()))?;
    tx.step(&tmp, || file.sync_all())?;
    let target = tx.dir.join(JOURNAL);
    tx.step(&target, || fs::rename(&tmp, &target))?;
    let dir = tx.dir.to_path_buf();
    tx.step(&dir, || sync_dir(&dir))
}

/// The staging folder and its `new/` and `old/` are real folders (no links, no fifo): apply
/// moves files between them and the output folder.
fn check_staging(dir: &Path) -> Result<(), Abort> {
    let staging = dir.join(STAGING);
    for p in [staging.clone(), staging.join(NEW), staging.join(OLD)] {
        match fs::symlink_metadata(&p) {
            Ok(m) if m.file_type().is_symlink() => return Err(paths::symlink_error(&p).into()),
            Ok(m) if m.is_dir() => {}
            Ok(_) => {
                return Err(Abort::Unsafe(format!(
                    "`{}` is not a folder; amlgen cannot finish or discard the interrupted render: move it away",
                    p.display()
                )))
            }
            Err(e) if e.kind() == ErrorKind::NotFound => {}
            Err(e) => return Err(io_err(&p, e)),
        }
    }
    Ok(())
}

/// SHA-256 of a file amlgen has looked at without following links.
fn file_hash(p: &Path) -> Result<String, Abort> {
    let bytes = fs::read(p).map_err(|e| io_err(p, e))?;
    Ok(super::sha256(&bytes))
}

/// Refuses to move `p` (the file at `rel`) unless its content is the one the journal recorded.
fn matches_journal(p: &Path, rel: &str, recorded: Option<&String>) -> Result<(), Abort> {
    if recorded == Some(&file_hash(p)?) {
        return Ok(());
    }
    Err(Abort::Unsafe(format!(
        "`{}` is not the file the interrupted render recorded for {rel:?} (changed since, or the journal was not written by amlgen); nothing was moved: restore the folder (e.g. from version control) and remove `{JOURNAL}` and `{STAGING}`",
        p.display()
    )))
}

/// Rolls the journal forward from wherever it stopped.
fn apply(tx: &mut Tx, journal: &Journal) -> Result<(), Abort> {
    check_staging(tx.dir)?;
    let dir = tx.dir.to_path_buf();
    let new = tx.staging().join(NEW);
    let old = tx.staging().join(OLD);
    let mut touched: Vec<PathBuf> = vec![dir.clone()];
    for rel in &journal.replace {
        let staged = paths::join(&new, rel);
        let backup = paths::join(&old, rel);
        let target = paths::join(&dir, rel);
        if let Some(parent) = target.parent() {
            if !touched.iter().any(|d| d == parent) {
                touched.push(parent.to_path_buf());
            }
        }
        match paths::inspect(&new, rel)? {
            Entry::Missing => continue, // Already moved into place.
            Entry::File => matches_journal(&staged, rel, journal.staged.get(rel))?,
            _ => {
                return Err(Abort::Unsafe(format!(
                    "`{}` is not a file; amlgen cannot finish the interrupted render: move it away",
                    staged.display()
                )))
            }
        }
        let backed_up = match paths::inspect(&old, rel)? {
            Entry::Missing => false,
            Entry::File => true,
            _ => {
                return Err(Abort::Unsafe(format!(
                    "`{}` is not a file; amlgen cannot finish the interrupted render: move it away",
                    backup.display()
                )))
            }
        };
        tx.make_parents(&dir, rel, true)?;
        match paths::inspect(&dir, rel)? {
            Entry::File if !backed_up => {
                matches_journal(&target, rel, journal.current.get(rel))?;
                tx.make_parents(&old, rel, false)?;
                tx.step(&target, || fs::rename(&target, &backup))?;
            }
            Entry::File | Entry::Missing => {}
            Entry::NotAFile | Entry::NotAFolder(_) => {
                return Err(Abort::Unsafe(format!(
                    "`{}` is not a file; move it away and run amlgen again",
                    target.display()
                )))
            }
        }
        tx.step(&target, || fs::rename(&staged, &target))?;
    }
    for rel in &journal.remove {
        let target = paths::join(&dir, rel);
        if paths::inspect(&dir, rel)? == Entry::File {
            matches_journal(&target, rel, journal.current.get(rel))?;
            let backup = paths::join(&old, rel);
            if paths::inspect(&old, rel)? != Entry::Missing {
                return Err(Abort::Unsafe(format!(
                    "`{}` is in the way; amlgen cannot finish the interrupted render: move it away",
                    backup.display()
                )));
            }
            tx.make_parents(&old, rel, false)?;
            tx.step(&target, || fs::rename(&target, &backup))?;
        }
        // Drop folders the removal left empty (e.g. dns/ when client access was removed).
        let mut parent = target.parent();
        while let Some(d) = parent {
            if d == dir || !is_empty_dir(d) {
                break;
            }
            tx.step(d, || fs::remove_dir(d))?;
            parent = d.parent();
        }
        if let Some(d) = target.parent().filter(|d| d.exists()) {
            if !touched.iter().any(|t| t == d) {
                touched.push(d.to_path_buf());
            }
        }
    }
    touched.sort_by_key(|d| std::cmp::Reverse(d.components().count()));
    for d in touched {
        if d.is_dir() {
            tx.step(&d, || sync_dir(&d))?;
        }
    }
    Ok(())
}

fn is_empty_dir(d: &Path) -> bool {
    matches!(fs::symlink_metadata(d), Ok(m) if m.is_dir())
        && fs::read_dir(d).is_ok_and(|mut r| r.next().is_none())
}

/// Undoes a partial apply in this process: new files back to `new/`, backups back in place.
/// No injected faults here: this is the error path's error path.
fn rollback(tx: &mut Tx, journal: &Journal) -> Result<(), Abort> {
    let dir = tx.dir.to_path_buf();
    let new = tx.staging().join(NEW);
    let old = tx.staging().join(OLD);
    let mv = |from: &Path, to: &Path| fs::rename(from, to).map_err(|e| io_err(to, e));
    for rel in journal.remove.iter().rev() {
        let backup = paths::join(&old, rel);
        if exists_nofollow(&backup)? {
            let target = paths::join(&dir, rel);
            if let Some(parent) = target.parent() {
                fs::create_dir_all(parent).map_err(|e| io_err(parent, e))?;
            }
            mv(&backup, &target)?;
        }
    }
    for rel in journal.replace.iter().rev() {
        let staged = paths::join(&new, rel);
        let backup = paths::join(&old, rel);
        let target = paths::join(&dir, rel);
        if !exists_nofollow(&staged)? && paths::inspect(&dir, rel)? == Entry::File {
            mv(&target, &staged)?;
        }
        if exists_nofollow(&backup)? {
            mv(&backup, &target)?;
        }
    }
    for d in tx.created.iter().rev() {
        if is_empty_dir(d) {
            fs::remove_dir(d).map_err(|e| io_err(d, e))?;
        }
    }
    let journal_path = dir.join(JOURNAL);
    fs::remove_file(&journal_path).map_err(|e| io_err(&journal_path, e))?;
    sync_dir(&dir).map_err(|e| io_err(&dir, e))?;
    let staging = tx.staging();
    fs::remove_dir_all(&staging).map_err(|e| io_err(&staging, e))
}

/// Journal gone, then staging: the commit is complete.
fn finish(tx: &mut Tx) -> Result<(), Abort> {
    let journal = tx.dir.join(JOURNAL);
    tx.step(&journal, || fs::remove_file(&journal))?;
    let dir = tx.dir.to_path_buf();
    tx.step(&dir, || sync_dir(&dir))?;
    let staging = tx.staging();
    if !exists_nofollow(&staging)? {
        return Ok(());
    }
    tx.step(&staging, || fs::remove_dir_all(&staging))
        .map_err(|e| match e {
            Abort::Io(m) => Abort::Io(format!(
                "the new render is complete, but its staging folder could not be removed ({m}); the next amlgen run removes it"
            )),
            other => other,
        })
}

/// Brings a folder left by an interrupted amlgen back to a complete render (see the module
/// comment). Call with the folder locked, before reading anything in it.
pub fn recover(dir: &Path, hook: Hook) -> Result<Option<Recovery>, Abort> {
    let mut tx = Tx {
        dir,
        hook,
        created: Vec::new(),
    };
    let journal_path = dir.join(JOURNAL);
    let staging = dir.join(STAGING);
    match paths::inspect(dir, JOURNAL)? {
        Entry::File => {
            let journal = read_journal(&journal_path)?;
            match paths::inspect(dir, STAGING)? {
                Entry::NotAFile | Entry::Missing => {}
                _ => {
                    return Err(Abort::Unsafe(format!(
                        "`{}` is not a folder; amlgen cannot finish the interrupted render: move it away",
                        staging.display()
                    )))
                }
            }
            apply(&mut tx, &journal)?;
            finish(&mut tx)?;
            Ok(Some(Recovery::RolledForward))
        }
        Entry::Missing => match paths::inspect(dir, STAGING)? {
            Entry::Missing => Ok(None),
            Entry::NotAFile => {
                // A folder amlgen staged in, never a fifo or device of that name.
                check_staging(dir)?;
                tx.step(&staging, || fs::remove_dir_all(&staging))?;
                Ok(Some(Recovery::Discarded))
            }
            _ => {
                tx.step(&staging, || fs::remove_file(&staging))?;
                Ok(Some(Recovery::Discarded))
            }
        },
        _ => Err(Abort::Unsafe(format!(
            "`{}` is not a file; move it away",
            journal_path.display()
        ))),
    }
}

fn read_journal(p: &Path) -> Result<Journal, Abort> {
    let fix = "amlgen cannot tell which render it belongs to: restore the folder (e.g. from version control) and remove this file and `.amlgen-staging`";
    let text = fs::read_to_string(p).map_err(|e| io_err(p, e))?;
    let journal: Journal = serde_json::from_str(&text).map_err(|e| {
        Abort::Unsafe(format!(
            "`{}` is not a valid amlgen journal ({e}); {fix}",
            p.display()
        ))
    })?;
    for rel in journal.replace.iter().chain(&journal.remove) {
        let manifest_ok = rel == super::MANIFEST;
        if let Some(why) = paths::invalid_reason(rel).filter(|_| !manifest_ok) {
            return Err(Abort::Unsafe(format!(
                "`{}` lists {rel:?}, which is not a plain relative path inside the output folder ({why}); {fix}",
                p.display()
            )));
        }
    }
    Ok(journal)
}
