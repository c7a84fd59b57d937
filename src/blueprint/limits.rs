//! Bounds on what amlgen reads, checked before any parser sees the text: a file is read only when
//! it is a regular file, and at most [`MAX_FILE_BYTES`] of it (through `take`, so `/dev/zero` or
//! a 100 MB file costs no more than the limit). Nesting depth and alias expansion are bounded by
//! the YAML parser itself ([`crate::yaml::MAX_DEPTH`]).

use std::io::Read;
use std::path::Path;

/// The largest blueprint or checked file amlgen reads. The biggest built-in blueprint is about
/// 4 KB; a hand-written workspace YAML or NSG JSON is of the same order.
pub const MAX_FILE_BYTES: u64 = 1024 * 1024;

/// Why a file could not be read; the message is for a diagnostic (no file content in it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadError {
    /// Missing, unreadable, or not valid UTF-8: the OS or decoder message.
    Io(String),
    /// A directory, device, FIFO or socket.
    NotRegular(&'static str),
    /// Larger than the limit.
    TooLarge { limit: u64 },
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::Io(m) => f.write_str(m),
            ReadError::NotRegular(kind) => write!(f, "not a regular file (a {kind})"),
            ReadError::TooLarge { limit } => {
                write!(f, "larger than {} KiB, the most amlgen reads", limit / 1024)
            }
        }
    }
}

/// Reads a regular file of at most `limit` bytes as UTF-8. Symbolic links are followed (a
/// blueprint may well be one); what they point to must be a regular file.
pub fn read_bounded(path: &Path, limit: u64) -> Result<String, ReadError> {
    let meta = std::fs::metadata(path).map_err(|e| ReadError::Io(e.to_string()))?;
    let ft = meta.file_type();
    if !ft.is_file() {
        return Err(ReadError::NotRegular(file_kind(&ft)));
    }
    if meta.len() > limit {
        return Err(ReadError::TooLarge { limit });
    }
    let file = std::fs::File::open(path).map_err(|e| ReadError::Io(e.to_string()))?;
    // The file may grow between metadata and read: `take` bounds what is read whatever it does.
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| ReadError::Io(e.to_string()))?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge { limit });
    }
    String::from_utf8(bytes).map_err(|e| {
        ReadError::Io(format!(
            "not UTF-8 text (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        ))
    })
}

fn file_kind(ft: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if ft.is_char_device() {
            return "character device";
        }
        if ft.is_block_device() {
            return "block device";
        }
        if ft.is_fifo() {
            return "FIFO";
        }
        if ft.is_socket() {
            return "socket";
        }
    }
    if ft.is_dir() {
        "directory"
    } else {
        "special file"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_regular_files_only_and_bounded() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.yaml");
        std::fs::write(&p, "name: x\n").unwrap();
        assert_eq!(read_bounded(&p, 100).unwrap(), "name: x\n");
        assert_eq!(read_bounded(&p, 4), Err(ReadError::TooLarge { limit: 4 }));
        assert!(matches!(
            read_bounded(dir.path(), 100),
            Err(ReadError::NotRegular("directory"))
        ));
        #[cfg(unix)]
        assert!(matches!(
            read_bounded(Path::new("/dev/zero"), 100),
            Err(ReadError::NotRegular("character device"))
        ));
        std::fs::write(&p, [0xff, 0xfe]).unwrap();
        assert!(matches!(read_bounded(&p, 100), Err(ReadError::Io(_))));
    }
}
