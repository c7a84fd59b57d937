//! One amlgen process at a time per output folder.
//!
//! The lock is an advisory `flock` on the output folder itself, not on a lock file inside it:
//! a lock file would be one more file in a folder users commit (and `render --check`, which
//! must not write, could not create it). The kernel drops the lock when the process ends, even
//! by `kill -9`, so a lock is never stale. A second render into the same folder waits (and
//! says so) until the first is done, then plans against what the first wrote: never a mix.
//!
//! Unix only: on other platforms renders into one folder are not serialised.

use super::OutputError;
use std::path::Path;

pub struct DirLock {
    #[cfg(unix)]
    _fd: rustix::fd::OwnedFd,
}

/// Locks `dir` (an existing folder, not a link), waiting for another amlgen process if needed.
#[cfg(unix)]
pub fn lock(dir: &Path) -> Result<DirLock, OutputError> {
    use rustix::fs::{flock, fstat, lstat, open, FlockOperation, Mode, OFlags};
    use rustix::io::Errno;
    let io = |e: Errno| {
        OutputError::Io(format!(
            "{}: could not lock the output folder: {}",
            dir.display(),
            std::io::Error::from(e)
        ))
    };
    let mut said = false;
    loop {
        let fd = open(
            dir,
            OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC,
            Mode::empty(),
        )
        .map_err(|e| {
            if e == Errno::LOOP || e == Errno::NOTDIR {
                super::paths::symlink_error(dir)
            } else {
                io(e)
            }
        })?;
        match flock(&fd, FlockOperation::NonBlockingLockExclusive) {
            Ok(()) => {}
            Err(e) if e == Errno::WOULDBLOCK => {
                if !said {
                    eprintln!(
                        "{}: waiting for another amlgen process writing into this folder",
                        crate::diagnostic::escape_controls(&dir.to_string_lossy())
                    );
                    said = true;
                }
                loop {
                    match flock(&fd, FlockOperation::LockExclusive) {
                        Ok(()) => break,
                        Err(e) if e == Errno::INTR => continue,
                        Err(e) => return Err(io(e)),
                    }
                }
            }
            Err(e) => return Err(io(e)),
        }
        // The folder may have been removed (and made again) while we waited: the lock must be
        // on the folder the path names now, or it excludes nobody.
        let held = fstat(&fd).map_err(io)?;
        match lstat(dir) {
            Ok(now) if now.st_dev == held.st_dev && now.st_ino == held.st_ino => {
                return Ok(DirLock { _fd: fd })
            }
            Ok(_) => continue,
            Err(e) if e == Errno::NOENT => {
                return Err(OutputError::Io(format!(
                    "{}: the output folder was removed while amlgen waited for it",
                    dir.display()
                )))
            }
            Err(e) => return Err(io(e)),
        }
    }
}

#[cfg(not(unix))]
pub fn lock(_dir: &Path) -> Result<DirLock, OutputError> {
    Ok(DirLock {})
}
