//! One error type for every way a command fails, and the exit code of each (README, "Exit
//! codes"). The CLI prints every error in one place (`cli::fail`).

use crate::diagnostic::{Code, Diagnostic};
use crate::output::OutputError;
use std::path::PathBuf;

/// What the binary exits with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Exit {
    Success = 0,
    /// The blueprint (or the checked file) has errors; `allowlist`: a host no rule can serve.
    Diagnostics = 1,
    /// Command-line usage error.
    Usage = 2,
    /// `--check`: the output folder differs from a fresh render.
    Stale = 3,
    /// Refused to write: hand-edited files, a folder amlgen did not write, an unsafe path.
    Refused = 4,
    /// amlgen produced something its own verification refused: a bug.
    Internal = 5,
    /// The operating system refused a read or write of the output folder; the previous render
    /// is kept.
    Io = 6,
}

impl Exit {
    pub fn code(self) -> i32 {
        self as i32
    }
}

#[derive(Debug)]
pub enum Error {
    /// The blueprint is wrong: the user fixes it. Carries (label, text) of the files it was
    /// read from (the blueprint, then its `--values` overlays) for the report's source lines.
    Blueprint {
        diagnostics: Vec<Diagnostic>,
        sources: Vec<(String, String)>,
    },
    /// The command line asks for something amlgen does not do.
    Usage(String),
    /// `render --check`: the folder differs from a fresh render (one line per difference).
    Stale {
        dir: PathBuf,
        regenerate: String,
        diffs: Vec<String>,
    },
    /// The render changes what the folder's previous render deployed in a way Azure refuses or
    /// that leaves data behind (`crate::change`), and the user did not accept it.
    UnsafeChange {
        dir: PathBuf,
        diagnostics: Vec<Diagnostic>,
        sources: Vec<(String, String)>,
    },
    /// Writing (or checking) an output folder was refused or failed.
    Output { dir: PathBuf, error: OutputError },
    /// amlgen produced something its own verification refused: a bug to report.
    Internal(String),
}

impl Error {
    pub fn exit(&self) -> Exit {
        match self {
            Error::Blueprint { .. } => Exit::Diagnostics,
            Error::Usage(_) => Exit::Usage,
            Error::Stale { .. } => Exit::Stale,
            Error::Output {
                error: OutputError::Io(_),
                ..
            } => Exit::Io,
            Error::Output { .. } | Error::UnsafeChange { .. } => Exit::Refused,
            Error::Internal(_) => Exit::Internal,
        }
    }

    /// The diagnostic code of an output-folder error (the blueprint's diagnostics carry their
    /// own).
    pub fn code(&self) -> Option<Code> {
        match self {
            Error::Output { error, .. } => Some(match error {
                OutputError::Conflicts(_) => Code::HandEdited,
                OutputError::Unsafe(_) => Code::UnsafeOutputFolder,
                OutputError::Io(_) => Code::WriteFailed,
            }),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_are_the_documented_ones() {
        let readme = include_str!("../README.md");
        let table = readme
            .split("### Exit codes")
            .nth(1)
            .and_then(|t| t.split("\n#").next())
            .expect("README has an Exit codes section");
        for exit in [
            Exit::Success,
            Exit::Diagnostics,
            Exit::Usage,
            Exit::Stale,
            Exit::Refused,
            Exit::Internal,
            Exit::Io,
        ] {
            assert!(
                table.contains(&format!("\n| {} | ", exit.code())),
                "{exit:?} is not in README's exit code table"
            );
        }
        let io = Error::Output {
            dir: "o".into(),
            error: OutputError::Io("disk full".into()),
        };
        assert_eq!((io.exit(), io.code()), (Exit::Io, Some(Code::WriteFailed)));
        let unsafe_ = Error::Output {
            dir: "o".into(),
            error: OutputError::Unsafe("link".into()),
        };
        assert_eq!(unsafe_.exit(), Exit::Refused);
    }
}
