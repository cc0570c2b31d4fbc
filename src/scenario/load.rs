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
    /// Comments are skipped, so text in them never misleads the search.
    pub fn locate(&self, anchors: &[&str]) -> Option<(usize, usize)> {
        let text = mask(&self.text, false);
        let mut pos = None;
        let mut from = 0;
        for anchor in anchors.iter().filter(|a| !a.is_empty()) {
            if let Some(i) = text[from..].find(anchor) {
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

/// `text` with comments (and, if `strings`, the insides of string literals) replaced by
/// spaces, byte for byte, so positions stay the same.
fn mask(text: &str, strings: bool) -> String {
    let b = text.as_bytes();
    let mut out = b.to_vec();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'"' => {
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    if b[i] == b'\\' {
                        if strings {
                            out[i] = b' ';
                        }
                        i += 1;
                    }
                    if strings && i < b.len() && b[i].is_ascii() {
                        out[i] = b' ';
                    }
                    i += 1;
                }
                i += 1;
            }
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    if b[i].is_ascii() {
                        out[i] = b' ';
                    }
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                while i < b.len() && !(b[i] == b'*' && b.get(i + 1) == Some(&b'/')) {
                    if b[i].is_ascii() && b[i] != b'\n' {
                        out[i] = b' ';
                    }
                    i += 1;
                }
                let end = (i + 2).min(b.len());
                out[i..end].fill(b' ');
                i += 2;
            }
            _ => i += 1,
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| text.to_string())
}

/// The chain of field names enclosing byte `pos` (`channels.patience.mean`), found by walking
/// back through the brackets; list items and map keys add no name.
pub(crate) fn field_path_at(text: &str, pos: usize) -> Option<String> {
    let masked = mask(text, true);
    let b = masked.as_bytes();
    let mut names: Vec<String> = Vec::new();
    let mut depth = 0i32;
    let mut want = true;
    let mut i = pos.min(b.len());
    while i > 0 {
        i -= 1;
        match b[i] {
            b')' | b']' | b'}' => depth += 1,
            b'(' | b'[' | b'{' => {
                if depth == 0 {
                    want = true;
                } else {
                    depth -= 1;
                }
            }
            b':' if depth == 0 && want => {
                let mut j = i;
                while j > 0 && b[j - 1] == b' ' {
                    j -= 1;
                }
                let end = j;
                while j > 0 && (b[j - 1].is_ascii_alphanumeric() || b[j - 1] == b'_') {
                    j -= 1;
                }
                if end > j && !b[j].is_ascii_digit() {
                    names.push(masked[j..end].to_string());
                    want = false;
                }
            }
            _ => {}
        }
    }
    names.reverse();
    (!names.is_empty()).then(|| names.join("."))
}

fn line_col(text: &str, byte: usize) -> (usize, usize) {
    let before = &text[..byte];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// Byte offset of a 1-based line and column.
fn byte_at(text: &str, line: usize, col: usize) -> Option<usize> {
    let start: usize = text
        .split_inclusive('\n')
        .take(line.checked_sub(1)?)
        .map(str::len)
        .sum();
    let rest = text.get(start..)?;
    Some(
        start
            + rest
                .char_indices()
                .nth(col.saturating_sub(1))
                .map_or(rest.len(), |(i, _)| i),
    )
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
        Err(e) => {
            let (line, col) = (e.span.start.line, e.span.start.col);
            let mut message = e.code.to_string();
            if message.contains("out of bounds") {
                message.push_str(": expected a whole number, 0 or more");
            }
            Err(InputError {
                file: path.to_path_buf(),
                at: Some((line, col)),
                field: byte_at(&text, line, col).and_then(|p| field_path_at(&text, p)),
                message,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_path_walks_out_through_brackets_and_skips_comments_and_strings() {
        let text = "S(\n  channels: [(\n    name: \"a:b\", // c: d\n    patience: Exponential(mean: \"-3min\"),\n  )],\n)";
        let pos = text.find("\"-3min").unwrap();
        assert_eq!(
            field_path_at(text, pos).as_deref(),
            Some("channels.patience.mean")
        );
    }

    #[test]
    fn locate_ignores_comments() {
        let src = Source {
            path: "x.ron".into(),
            text: "// teams: L1\n(teams: [(name: \"L1\")])".into(),
        };
        assert_eq!(src.locate(&["teams", "\"L1\""]), Some((2, 17)));
    }
}
