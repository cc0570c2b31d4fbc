//! Errors users see: each names the file, the line and column where it can, the field, and
//! what was expected.

use std::fmt;
use std::path::PathBuf;

/// A problem with an input file (scenario, log, sweep file).
#[derive(Debug, Clone, PartialEq)]
pub struct InputError {
    pub file: PathBuf,
    /// 1-based line and column, where known.
    pub at: Option<(usize, usize)>,
    /// The field, as a path (`teams[1] "L2_tech".routes["technical"].pass`), if any.
    pub field: Option<String>,
    pub message: String,
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some((line, col)) = self.at {
            write!(f, ":{line}:{col}")?;
        }
        write!(f, ": ")?;
        if let Some(field) = &self.field {
            write!(f, "{field}: ")?;
        }
        write!(f, "{}", self.message)
    }
}

impl std::error::Error for InputError {}

/// Everything tiersim's library can fail with.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Input(#[from] InputError),
    /// The cause is shown in the message and not chained as a source, so it is printed once.
    #[error("{}: {cause}", path.display())]
    Io {
        path: PathBuf,
        cause: std::io::Error,
    },
    /// A broken invariant inside a simulation run: a bug, reported loudly.
    #[error("internal check failed: {0}")]
    Invariant(String),
    #[error("{0}")]
    Usage(String),
    /// A run stopped by the engine's guard: its clock stopped advancing, it processed far more
    /// events than its model can need, or more contacts piled up than memory allows.
    #[error("the simulation was stopped: {0}")]
    Runaway(String),
}

/// Result with tiersim's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// An I/O error on `path`.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            cause: source,
        }
    }
}
