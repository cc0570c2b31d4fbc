//! The Anonymous Bank call-centre log (Technion SEE Center; Brown et al., JASA 2005):
//! tab-separated, one row per call, dates `YYMMDD` and wall-clock times `H:MM:SS` without
//! dates. A call that crosses midnight keeps its date; a later time of day smaller than its
//! VRU entry by more than 12 hours is taken as the next day. Queue times of 0 mean "did not
//! queue"; a service start up to a few seconds before the queue exit (a known quirk) is
//! clamped to it.
//!
//! Rows are in time order per VRU line (`vru+line`), not overall, so the reader holds the
//! rows and sorts them by VRU entry before handing them on.

use super::date::{Date, parse_clock};
use super::{Call, CallOutcome, DAY, OrderCheck, error, read_rows};
use crate::error::InputError;
use crate::scenario::Priority;
use std::path::Path;

/// Columns the reader needs, by header name.
pub const COLUMNS: [&str; 17] = [
    "vru+line",
    "call_id",
    "customer_id",
    "priority",
    "type",
    "date",
    "vru_entry",
    "vru_exit",
    "vru_time",
    "q_start",
    "q_exit",
    "q_time",
    "outcome",
    "ser_start",
    "ser_exit",
    "ser_time",
    "server",
];

/// Reads the whole file and hands its calls to `each` in order of VRU entry.
pub fn read(
    path: &Path,
    each: &mut dyn FnMut(Call) -> Result<(), InputError>,
) -> Result<(), InputError> {
    let mut calls = Vec::new();
    let mut order = OrderCheck::new();
    read_rows(
        path,
        b'\t',
        "an Anonymous Bank log has the tab-separated columns",
        &COLUMNS,
        &[true; 17],
        &mut |record, col, line| {
            let get = |k: usize| col[k].and_then(|c| record.get(c)).unwrap_or("").trim();
            let call =
                parse_row(&get, line).map_err(|(k, m)| error(path, Some(line), COLUMNS[k], m))?;
            order
                .check(get(0), call.start)
                .map_err(|m| error(path, Some(line), "vru_entry", m))?;
            calls.push(call);
            Ok(())
        },
    )?;
    calls.sort_by(|a, b| a.start.total_cmp(&b.start).then(a.line.cmp(&b.line)));
    for c in calls {
        each(c)?;
    }
    Ok(())
}

/// One row, or the column (index in [`COLUMNS`]) at fault and why.
fn parse_row<'r>(get: &dyn Fn(usize) -> &'r str, line: u64) -> Result<Call, (usize, String)> {
    let date = parse_date(get(5)).map_err(|m| (5, m))?;
    let day0 = date.days() as f64 * DAY;
    let entry = day0 + parse_clock(get(6)).map_err(|m| (6, m))?;
    // A later time of day, on the day of the VRU entry or the next.
    let after = |k: usize| -> Result<f64, (usize, String)> {
        let t = day0 + parse_clock(get(k)).map_err(|m| (k, m))?;
        Ok(if t + DAY / 2.0 < entry { t + DAY } else { t })
    };
    let secs = |k: usize| -> Result<f64, (usize, String)> {
        get(k)
            .parse::<i64>()
            .map(|v| v as f64)
            .map_err(|_| (k, format!("`{}` is not a whole number of seconds", get(k))))
    };
    // A few records have a negative VRU time (clocks out of step): the call started at the
    // earlier of the two times.
    let start = entry.min(entry + secs(8)?);
    let q_time = secs(11)?;
    if q_time < 0.0 {
        return Err((11, format!("`{}` is negative: a wait cannot be", get(11))));
    }
    let queued = get(9) != "0:00:00" && get(9) != "00:00:00";
    let queue = if queued {
        let q0 = after(9)?;
        Some((q0, q0 + q_time))
    } else {
        None
    };
    let outcome = match get(12) {
        "AGENT" => CallOutcome::Served,
        "HANG" if queued => CallOutcome::Abandoned,
        "HANG" => CallOutcome::SelfService,
        "PHANTOM" => CallOutcome::Phantom,
        other => {
            return Err((
                12,
                format!("unknown outcome code `{other}`; expected AGENT, HANG or PHANTOM"),
            ));
        }
    };
    let service = if outcome == CallOutcome::Served {
        let ser = secs(15)?;
        if ser < 0.0 {
            return Err((
                15,
                format!("`{}` is negative: a service time cannot be", get(15)),
            ));
        }
        // A service start a few seconds before the queue exit (a known quirk) is taken as
        // starting at the queue exit.
        let s0 = after(13)?;
        let s0 = match queue {
            Some(q) if s0 < q.1 && q.1 - s0 <= 5.0 => q.1,
            _ => s0,
        };
        Some((s0, s0 + ser))
    } else {
        None
    };
    let priority = match get(3) {
        "0" => Priority::Low,
        "1" => Priority::Medium,
        "2" => Priority::High,
        p => return Err((3, format!("unknown priority `{p}`; expected 0, 1 or 2"))),
    };
    let ty = get(4);
    if ty.is_empty() {
        return Err((4, "empty call type".into()));
    }
    let opt = |s: &str, none: &str| (s != none && !s.is_empty()).then(|| s.to_string());
    Ok(Call {
        line,
        start,
        channel: "phone".into(),
        ty: ty.to_string(),
        priority: Some(priority),
        queue,
        service,
        outcome,
        agent: opt(get(16), "NO_SERVER"),
        customer: opt(get(2), "0"),
    })
}

/// `YYMMDD`, 19YY for YY >= 70.
fn parse_date(s: &str) -> Result<Date, String> {
    let bad = || format!("`{s}` is not a date: use YYMMDD");
    if s.len() != 6 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let n = |r: std::ops::Range<usize>| s[r].parse::<u32>().map_err(|_| bad());
    let yy = i64::from(n(0..2)?);
    Date {
        year: if yy >= 70 { 1900 + yy } else { 2000 + yy },
        month: n(2..4)?,
        day: n(4..6)?,
    }
    .checked()
    .ok_or_else(|| format!("`{s}` is not a calendar date"))
}
