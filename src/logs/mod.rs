//! Contact logs from real systems: the call records of an ACD, a ticketing tool or a published
//! data set, read into one [`Call`] type. Two formats: the Anonymous Bank call-centre data
//! ([`bank`]) and a documented generic CSV ([`generic`]) that any export can be turned into.
//!
//! Readers hand calls to a callback one at a time, in order of their first touch, so a long log
//! never sits in memory (the generic CSV streams; the Anonymous Bank file is ordered per VRU
//! line rather than by time, so its reader sorts it, holding its rows). Every problem is an
//! [`InputError`] naming the file, the line and the column.

pub mod bank;
mod date;
pub mod generic;

pub use date::{Date, weekday};

use crate::error::InputError;
use crate::scenario::Priority;
use std::path::Path;

/// Seconds in a day.
pub const DAY: f64 = 86_400.0;

/// Which format a log is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    /// The Anonymous Bank call-centre data (tab-separated, one row per call).
    AnonymousBank,
    /// tiersim's generic CSV (see [`generic`]).
    Csv,
}

impl std::str::FromStr for LogFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "anonymous-bank" => Ok(LogFormat::AnonymousBank),
            "csv" => Ok(LogFormat::Csv),
            _ => Err(format!(
                "unknown log format `{s}`; use anonymous-bank or csv"
            )),
        }
    }
}

/// How a call ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CallOutcome {
    /// Reached an agent.
    Served,
    /// Gave up while waiting in the agent queue.
    Abandoned,
    /// Turned away (all lines busy, or closed).
    Blocked,
    /// Left before asking for an agent (in a voice-response unit, a chatbot, self-service).
    SelfService,
    /// A record with no real call behind it (the bank's PHANTOM); dropped from analysis.
    Phantom,
}

/// One contact as recorded. Times are seconds since 1970-01-01 00:00 local time.
#[derive(Clone, Debug, PartialEq)]
pub struct Call {
    /// Line in the file (1 = header).
    pub line: u64,
    /// First touch with the service (entering the voice-response unit, the ticket's creation).
    pub start: f64,
    pub channel: String,
    pub ty: String,
    pub priority: Option<Priority>,
    /// Entering and leaving the agent queue; `None` when the contact never queued.
    pub queue: Option<(f64, f64)>,
    /// Start and end of service by an agent.
    pub service: Option<(f64, f64)>,
    pub outcome: CallOutcome,
    pub agent: Option<String>,
    pub customer: Option<String>,
}

impl Call {
    /// When the contact asked for an agent: tiersim's arrival. Queue entry, else the start of
    /// service, else (blocked) the first touch; `None` for contacts that never asked for an
    /// agent (self-service, phantom).
    pub fn arrival(&self) -> Option<f64> {
        match self.outcome {
            CallOutcome::SelfService | CallOutcome::Phantom => None,
            CallOutcome::Blocked => Some(self.start),
            _ => self.queue.map(|q| q.0).or(self.service.map(|s| s.0)),
        }
    }
    /// Time from arrival to an agent picking up (served) or to giving up (abandoned): the time
    /// in the queue (zero for a contact served without queueing).
    pub fn wait(&self) -> Option<f64> {
        let a = self.arrival()?;
        match (self.outcome, self.queue) {
            (CallOutcome::Served | CallOutcome::Abandoned, Some(q)) => Some(q.1 - q.0),
            (CallOutcome::Served, None) => self.service.map(|s| (s.0 - a).max(0.0)),
            _ => None,
        }
    }
    /// Time before asking for an agent (in the voice-response unit), if the contact asked.
    pub fn pre_queue(&self) -> Option<f64> {
        self.arrival().map(|a| (a - self.start).max(0.0))
    }
    /// Handling time, for served contacts.
    pub fn handling(&self) -> Option<f64> {
        self.service.map(|s| s.1 - s.0)
    }
    /// The calendar day of the first touch (days since 1970-01-01).
    pub fn day(&self) -> i64 {
        (self.start / DAY).floor() as i64
    }
}

/// Dates to keep, both ends included (days since 1970-01-01).
#[derive(Clone, Copy, Debug, Default)]
pub struct DateRange {
    pub from: Option<i64>,
    pub to: Option<i64>,
}

impl DateRange {
    pub fn contains(&self, day: i64) -> bool {
        self.from.is_none_or(|f| day >= f) && self.to.is_none_or(|t| day <= t)
    }
}

/// What a reader saw.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ReadStats {
    /// Data rows in the file.
    pub rows: u64,
    /// Rows in the date range handed on (phantoms included).
    pub kept: u64,
    pub phantom: u64,
}

/// Reads `path` in `format`, handing the calls in `range` to `each` in order of first touch.
pub fn read(
    path: &Path,
    format: LogFormat,
    range: DateRange,
    each: &mut dyn FnMut(Call) -> Result<(), InputError>,
) -> Result<ReadStats, InputError> {
    let mut stats = ReadStats::default();
    let mut keep = |c: Call, stats: &mut ReadStats| {
        stats.rows += 1;
        if !range.contains(c.day()) {
            return Ok(());
        }
        stats.kept += 1;
        stats.phantom += u64::from(c.outcome == CallOutcome::Phantom);
        each(c)
    };
    match format {
        LogFormat::Csv => generic::read(path, &mut |c| keep(c, &mut stats))?,
        LogFormat::AnonymousBank => bank::read(path, &mut |c| keep(c, &mut stats))?,
    }
    if stats.rows == 0 {
        return Err(error(
            path,
            None,
            "",
            "the log has no rows after the header",
        ));
    }
    Ok(stats)
}

/// An error in a log file at `line` (1 = header), in column `field`.
pub(crate) fn error(
    path: &Path,
    line: Option<u64>,
    field: &str,
    message: impl Into<String>,
) -> InputError {
    InputError {
        file: path.to_path_buf(),
        at: line.map(|l| (l as usize, 1)),
        field: (!field.is_empty()).then(|| field.to_string()),
        message: message.into(),
    }
}

/// Checks that first touches come in order, per `key` (the bank's VRU line; one key for the
/// generic CSV): a log that is not in time order is refused rather than silently misread.
pub(crate) struct OrderCheck {
    last: std::collections::HashMap<String, f64>,
}

impl OrderCheck {
    pub fn new() -> Self {
        OrderCheck {
            last: std::collections::HashMap::new(),
        }
    }
    pub fn check(&mut self, key: &str, t: f64) -> Result<(), String> {
        match self.last.get_mut(key) {
            Some(prev) if t < *prev => Err(format!(
                "rows must be in time order{}: this row starts at {}, before the previous row's {}",
                if key.is_empty() {
                    String::new()
                } else {
                    format!(" (per `{key}`)")
                },
                Date::format_time(t),
                Date::format_time(*prev)
            )),
            Some(prev) => {
                *prev = t;
                Ok(())
            }
            None => {
                self.last.insert(key.to_string(), t);
                Ok(())
            }
        }
    }
}

/// What [`read_rows`] calls per row: the record, each column's position, the line.
pub(crate) type RowFn<'a> =
    dyn FnMut(&csv::StringRecord, &[Option<usize>], u64) -> Result<(), InputError> + 'a;

/// Reads delimited text with a header row: finds `columns` (those marked `required` must be
/// there; `what` names the format in the error), then hands each row to `row` with the
/// position of each column and the row's line. Rows with another number of fields than the
/// header are refused.
pub(crate) fn read_rows(
    path: &Path,
    delimiter: u8,
    what: &str,
    columns: &[&str],
    required: &[bool],
    row: &mut RowFn<'_>,
) -> Result<(), InputError> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .from_path(path)
        .map_err(|e| error(path, None, "", format!("cannot read the log: {e}")))?;
    let headers = reader
        .headers()
        .map_err(|e| {
            error(
                path,
                Some(1),
                "",
                format!("cannot read the header row: {e}"),
            )
        })?
        .clone();
    let mut col = vec![None; columns.len()];
    for (k, name) in columns.iter().enumerate() {
        col[k] = headers.iter().position(|h| h.trim() == *name);
        if col[k].is_none() && required[k] {
            return Err(error(
                path,
                Some(1),
                "header",
                format!(
                    "missing column `{name}`: {what}: {}; found {}",
                    columns.join(", "),
                    headers.iter().collect::<Vec<_>>().join(", ")
                ),
            ));
        }
    }
    let mut record = csv::StringRecord::new();
    let mut line = 1u64;
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => return Ok(()),
            Ok(true) => {}
            Err(e) => {
                let l = e.position().map(|p| p.line());
                return Err(error(path, l, "", format!("malformed row: {e}")));
            }
        }
        line = record.position().map_or(line + 1, |p| p.line());
        if record.len() != headers.len() {
            return Err(error(
                path,
                Some(line),
                "",
                format!("expected {} fields, found {}", headers.len(), record.len()),
            ));
        }
        row(&record, &col, line)?;
    }
}
