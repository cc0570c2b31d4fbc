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

/// One open bracket while scanning towards an error: what it is, the key being read in it,
/// and for lists the item index (and the item's `name`, once seen).
#[derive(Default)]
struct Frame {
    open: u8,
    key: Option<String>,
    index: usize,
    name: Option<String>,
}

/// The field path enclosing byte `pos`, as compile errors write it:
/// `channels[1] "phone".patience.mean`, `teams[0] "L1".routes["technical"]`. List items are
/// given by index and, once their `name` was read, by name. With `container`, the path of the
/// struct or map holding `pos` (for a missing field, the struct that lacks it).
pub(crate) fn field_path_at(text: &str, pos: usize, container: bool) -> Option<String> {
    let masked = mask(text, false);
    let b = masked.as_bytes();
    let pos = pos.min(b.len());
    let mut frames: Vec<Frame> = Vec::new();
    let mut i = 0;
    // What follows a token, skipping blanks: the next significant byte.
    let next_sig = |mut j: usize| {
        while j < b.len() && b[j].is_ascii_whitespace() {
            j += 1;
        }
        b.get(j).copied()
    };
    while i < pos {
        let c = b[i];
        match c {
            b'"' => {
                let start = i + 1;
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                let lit = text.get(start..i.min(text.len())).unwrap_or("");
                i += 1;
                let Some(top) = frames.last_mut() else {
                    continue;
                };
                if next_sig(i) == Some(b':') && top.open == b'{' {
                    top.key = Some(format!("[\"{lit}\"]"));
                } else if top.open == b'(' && top.key.as_deref() == Some("name") {
                    top.name = Some(lit.to_string());
                }
            }
            b'(' | b'[' | b'{' => {
                frames.push(Frame {
                    open: c,
                    ..Frame::default()
                });
                i += 1;
            }
            b')' | b']' | b'}' => {
                frames.pop();
                i += 1;
            }
            b',' => {
                if let Some(top) = frames.last_mut() {
                    if top.open == b'[' {
                        top.index += 1;
                    } else {
                        top.key = None;
                    }
                }
                i += 1;
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                let start = i;
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                    i += 1;
                }
                let word = &masked[start..i];
                if let Some(top) = frames.last_mut()
                    && next_sig(i) == Some(b':')
                    && b.get(i + 1) != Some(&b':')
                {
                    top.key = Some(if top.open == b'{' {
                        format!("[{word}]")
                    } else {
                        word.to_string()
                    });
                }
            }
            _ => i += 1,
        }
    }
    if container && let Some(top) = frames.last_mut() {
        top.key = None;
    }
    let mut path = String::new();
    for (k, f) in frames.iter().enumerate() {
        match (f.open, &f.key) {
            (b'[', _) => {
                path.push_str(&format!("[{}]", f.index));
                if let Some(n) = frames.get(k + 1).and_then(|g| g.name.as_ref()) {
                    path.push_str(&format!(" \"{n}\""));
                }
            }
            (b'{', Some(key)) => path.push_str(key),
            (_, Some(key)) => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
            }
            _ => {}
        }
    }
    (!path.is_empty()).then_some(path)
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

/// Largest scenario file read (16 MiB): far beyond any real scenario, small enough to hold in
/// memory with its parsed form.
pub const MAX_SCENARIO_BYTES: u64 = 16 << 20;

/// Reads a text input (scenario or sweep file) of at most `limit` bytes: bigger files, and
/// devices or pipes that never end, are refused without reading them whole; text that is not
/// UTF-8 is refused with the line and column of the first bad byte; a UTF-8 byte-order mark
/// is dropped.
pub fn read_text(path: &Path, what: &str, limit: u64) -> Result<String, InputError> {
    use std::io::Read;
    let fail = |at: Option<(usize, usize)>, message: String| InputError {
        file: path.to_path_buf(),
        at,
        field: None,
        message,
    };
    let file = std::fs::File::open(path)
        .map_err(|e| fail(None, format!("cannot read the {what}: {e}")))?;
    let mut bytes = Vec::new();
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| fail(None, format!("cannot read the {what}: {e}")))?;
    if bytes.len() as u64 > limit {
        return Err(fail(
            None,
            format!(
                "the {what} is larger than {} MiB: not a {what}",
                limit >> 20
            ),
        ));
    }
    decode(path, bytes, what)
}

/// `bytes` as text: refused with the line and column of the first byte that is not UTF-8;
/// a UTF-8 byte-order mark is dropped.
pub fn decode(path: &Path, bytes: Vec<u8>, what: &str) -> Result<String, InputError> {
    let text = String::from_utf8(bytes).map_err(|e| {
        let good = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let good = std::str::from_utf8(good).unwrap_or("");
        InputError {
            file: path.to_path_buf(),
            at: Some(line_col(good, good.len())),
            field: None,
            message: format!(
                "the {what} is not UTF-8 text (an invalid byte here): save it as UTF-8"
            ),
        }
    })?;
    Ok(strip_bom(text))
}

fn strip_bom(text: String) -> String {
    match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => text,
    }
}

/// Reads and parses a scenario file.
pub fn load(path: &Path) -> Result<(Scenario, Source), InputError> {
    parse(path, read_text(path, "scenario", MAX_SCENARIO_BYTES)?)
}

/// The closest of `options` to `word` (edit distance at most a third of its length, and at
/// least 1 allowed), for "did you mean" hints.
pub fn closest<'a>(word: &str, options: &[&'a str]) -> Option<&'a str> {
    let dist = |a: &str, b: &str| {
        let b: Vec<char> = b.chars().collect();
        let mut row: Vec<usize> = (0..=b.len()).collect();
        for (i, ca) in a.chars().enumerate() {
            let mut prev = row[0];
            row[0] = i + 1;
            for (j, cb) in b.iter().enumerate() {
                let cur = row[j + 1];
                row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
                prev = cur;
            }
        }
        row[b.len()]
    };
    let word_lc = word.to_lowercase();
    options
        .iter()
        .map(|o| (dist(&word_lc, &o.to_lowercase()), *o))
        .filter(|(d, _)| *d <= (word.chars().count() / 3).max(1))
        .min_by_key(|(d, _)| *d)
        .map(|(_, o)| o)
}

fn one_of(expected: &[&str]) -> String {
    let names: Vec<String> = expected.iter().map(|e| format!("`{e}`")).collect();
    names.join(", ")
}

/// A parse error in words, and whether it concerns the enclosing struct (a missing field)
/// rather than the value at the error's position.
fn explain(code: &ron::Error) -> (String, bool) {
    use ron::Error as E;
    let hint = |found: &str, expected: &[&str]| {
        closest(found, expected).map_or(String::new(), |c| format!(" (did you mean `{c}`?)"))
    };
    match code {
        E::NoSuchStructField {
            expected, found, ..
        } => (
            format!(
                "unknown field `{found}`{}; the fields here are {}",
                hint(found, expected),
                one_of(expected)
            ),
            true,
        ),
        E::NoSuchEnumVariant {
            expected, found, ..
        } => (
            format!(
                "unknown variant `{found}`{}; expected one of {}",
                hint(found, expected),
                one_of(expected)
            ),
            false,
        ),
        E::MissingStructField { field, .. } => (format!("missing field `{field}`"), true),
        other => {
            let mut message = other.to_string();
            if message.contains("out of bounds") {
                message.push_str(": expected a whole number, 0 or more");
            }
            (message, false)
        }
    }
}

/// Parses scenario text; `path` is used in error messages and to resolve relative paths.
pub fn parse(path: &Path, text: String) -> Result<(Scenario, Source), InputError> {
    let text = strip_bom(text);
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
            let (message, container) = explain(&e.code);
            Err(InputError {
                file: path.to_path_buf(),
                at: Some((line, col)),
                field: byte_at(&text, line, col).and_then(|p| field_path_at(&text, p, container)),
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
            field_path_at(text, pos, false).as_deref(),
            Some("channels[0] \"a:b\".patience.mean")
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
