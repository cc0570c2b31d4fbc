//! Reading a scenario file: RON syntax and shape errors with their line and column, and the
//! source text kept for locating later consistency errors.

use super::Scenario;
use crate::error::InputError;
use ron::extensions::Extensions;
use std::path::{Path, PathBuf};

/// A scenario's text and where it came from, kept so errors can point into it.
#[derive(Clone, Debug)]
pub struct Source {
    pub path: PathBuf,
    pub text: String,
}

impl Source {
    /// Finds the line and column of `anchors[last]`, searching each anchor after the previous
    /// one (for instance the team's name, then `routes`, then the offending team name).
    /// Anchors that cannot be found are skipped, so the answer is the closest known place.
    pub fn locate(&self, anchors: &[&str]) -> Option<(usize, usize)> {
        let mut pos = None;
        let mut from = 0;
        for anchor in anchors.iter().filter(|a| !a.is_empty()) {
            if let Some(i) = self.text[from..].find(anchor) {
                pos = Some(from + i);
                from += i + anchor.len();
            }
        }
        pos.map(|p| line_col(&self.text, p))
    }

    /// An error at the place the anchors lead to.
    pub fn error(
        &self,
        anchors: &[&str],
        field: impl Into<String>,
        message: impl Into<String>,
    ) -> InputError {
        InputError {
            file: self.path.clone(),
            at: self.locate(anchors),
            field: Some(field.into()),
            message: message.into(),
        }
    }

    /// The folder relative paths in the scenario are resolved against.
    pub fn dir(&self) -> &Path {
        self.path.parent().unwrap_or(Path::new("."))
    }
}

fn line_col(text: &str, byte: usize) -> (usize, usize) {
    let before = &text[..byte];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// Reads and parses a scenario file.
pub fn load(path: &Path) -> Result<(Scenario, Source), InputError> {
    let text = std::fs::read_to_string(path).map_err(|e| InputError {
        file: path.to_path_buf(),
        at: None,
        field: None,
        message: format!("cannot read the scenario: {e}"),
    })?;
    parse(path, text)
}

/// Parses scenario text; `path` is used in error messages and to resolve relative paths.
pub fn parse(path: &Path, text: String) -> Result<(Scenario, Source), InputError> {
    let opts = ron::Options::default().with_default_extension(Extensions::IMPLICIT_SOME);
    match opts.from_str::<Scenario>(&text) {
        Ok(s) => Ok((
            s,
            Source {
                path: path.to_path_buf(),
                text,
            },
        )),
        Err(e) => Err(InputError {
            file: path.to_path_buf(),
            at: Some((e.span.start.line, e.span.start.col)),
            field: None,
            message: e.code.to_string(),
        }),
    }
}
