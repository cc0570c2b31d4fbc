//! Recorded arrival logs (CSV) replayed as a channel's arrivals.

use super::bounds;
use crate::error::InputError;
use crate::scenario::{MAX_DURATION_DAYS, Priority};
use std::path::Path;

/// One recorded contact.
#[derive(Clone, Debug, PartialEq)]
pub struct LogRow {
    /// Arrival, seconds since the start of the simulation.
    pub time: f64,
    pub ty: u16,
    /// Priority level (0 = urgent), if recorded.
    pub priority: Option<u8>,
    /// Handling time of the first team visit, seconds, if recorded.
    pub handling: Option<f64>,
}

/// A cell of the log as shown in a message: escaped and cut to 40 characters, so messages
/// locate a problem without echoing the file.
fn cell(s: &str) -> String {
    let mut out: String = s
        .chars()
        .take(40)
        .collect::<String>()
        .escape_debug()
        .to_string();
    if s.chars().count() > 40 {
        out.push('…');
    }
    out
}

/// Reads the rows of `channel` from a CSV log with columns `time`, `channel`, `type`, and
/// optionally `priority` and `handling_min`. `types` resolves type names. Refuses files that
/// are not regular files or are over [`bounds::LOG_MIB`], logs with no rows, and logs with no
/// row for `channel` (a misspelt channel would otherwise get no arrivals at all).
pub fn read_log(path: &Path, channel: &str, types: &[String]) -> Result<Vec<LogRow>, InputError> {
    let err = |line: Option<u64>, field: &str, message: String| InputError {
        file: path.to_path_buf(),
        at: line.map(|l| (l as usize, 1)),
        field: (!field.is_empty()).then(|| field.to_string()),
        message,
    };
    let meta = std::fs::metadata(path)
        .map_err(|e| err(None, "", format!("cannot read the arrival log: {e}")))?;
    if !meta.is_file() {
        return Err(err(
            None,
            "",
            "the arrival log is not a regular file".into(),
        ));
    }
    let limit = (bounds::LOG_MIB.max as u64) << 20;
    if meta.len() > limit {
        return Err(err(
            None,
            "",
            format!(
                "the arrival log is larger than {} MiB ({})",
                bounds::LOG_MIB.max,
                bounds::LOG_MIB.why
            ),
        ));
    }
    let file = std::fs::File::open(path)
        .map_err(|e| err(None, "", format!("cannot read the arrival log: {e}")))?;
    let mut reader = csv::Reader::from_reader(std::io::Read::take(file, limit));
    let headers = reader
        .headers()
        .map_err(|e| err(Some(1), "", format!("cannot read the header row: {e}")))?
        .clone();
    let col = |name: &str| headers.iter().position(|h| h.trim() == name);
    let (Some(c_time), Some(c_chan), Some(c_type)) = (col("time"), col("channel"), col("type"))
    else {
        let missing: Vec<&str> = ["time", "channel", "type"]
            .into_iter()
            .filter(|n| col(n).is_none())
            .collect();
        return Err(err(
            Some(1),
            "header",
            format!(
                "expected a header row naming the columns time, channel, type (optionally priority, handling_min); its {} columns lack {}",
                headers.len(),
                missing.join(", ")
            ),
        ));
    };
    let (c_prio, c_hand) = (col("priority"), col("handling_min"));
    let mut rows = Vec::new();
    let mut total = 0u64;
    let mut others: Vec<String> = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map(|p| p.line());
            err(line, "", format!("malformed row: {e}"))
        })?;
        total += 1;
        let line = record.position().map(|p| p.line());
        let get = |c: usize| record.get(c).unwrap_or("").trim();
        if get(c_chan) != channel {
            if others.len() < 50 && !others.iter().any(|o| o == get(c_chan)) {
                others.push(get(c_chan).to_string());
            }
            continue;
        }
        if rows.len() as f64 >= bounds::LOG_ROWS.max {
            return Err(err(
                line,
                "",
                format!(
                    "more than {} rows for channel `{channel}` ({})",
                    bounds::LOG_ROWS.max,
                    bounds::LOG_ROWS.why
                ),
            ));
        }
        let time = parse_time(get(c_time)).map_err(|m| err(line, "time", m))?;
        let ty = types.iter().position(|t| t == get(c_type)).ok_or_else(|| {
            err(
                line,
                "type",
                format!(
                    "unknown incident type `{}`; known: {}",
                    cell(get(c_type)),
                    types.join(", ")
                ),
            )
        })? as u16;
        let priority = match c_prio.map(get).filter(|s| !s.is_empty()) {
            None => None,
            Some(p) => Some(
                Priority::ALL
                    .iter()
                    .position(|q| q.name().eq_ignore_ascii_case(p))
                    .ok_or_else(|| {
                        err(
                            line,
                            "priority",
                            format!(
                                "unknown priority `{}`; use urgent, high, medium or low",
                                cell(p)
                            ),
                        )
                    })? as u8,
            ),
        };
        let handling = match c_hand.map(get).filter(|s| !s.is_empty()) {
            None => None,
            Some(h) => match h.parse::<f64>() {
                Ok(v) if (0.0..=MAX_DURATION_DAYS * 1440.0).contains(&v) => Some(v * 60.0),
                _ => {
                    return Err(err(
                        line,
                        "handling_min",
                        format!(
                            "`{}` is not a number of minutes between 0 and {}",
                            cell(h),
                            MAX_DURATION_DAYS * 1440.0
                        ),
                    ));
                }
            },
        };
        rows.push(LogRow {
            time,
            ty,
            priority,
            handling,
        });
    }
    if total == 0 {
        return Err(err(
            Some(2),
            "",
            "the log has a header row but no contacts".into(),
        ));
    }
    if rows.is_empty() {
        let names: Vec<&str> = others.iter().map(String::as_str).collect();
        let hint = crate::scenario::closest(channel, &names).map_or(String::new(), |c| {
            format!(
                " (did you mean `{}`? channel names are case-sensitive)",
                cell(c)
            )
        });
        return Err(err(
            None,
            "channel",
            format!(
                "none of its {total} rows is for channel `{channel}`{hint}: the channel would get no arrivals"
            ),
        ));
    }
    rows.sort_by(|a, b| a.time.total_cmp(&b.time));
    Ok(rows)
}

/// `"125.5"` (minutes since the start) or `"D HH:MM[:SS]"` (day index, time of day).
fn parse_time(s: &str) -> Result<f64, String> {
    let bad = || {
        format!(
            "`{}` is not a time: use minutes since the start, or \"D HH:MM[:SS]\"",
            cell(s)
        )
    };
    if let Ok(m) = s.parse::<f64>() {
        return (0.0..=MAX_DURATION_DAYS * 1440.0)
            .contains(&m)
            .then_some(m * 60.0)
            .ok_or_else(bad);
    }
    let (day, clock) = s.split_once(' ').ok_or_else(bad)?;
    let day: u32 = day.parse().map_err(|_| bad())?;
    let parts: Vec<&str> = clock.split(':').collect();
    if !(2..=3).contains(&parts.len()) {
        return Err(bad());
    }
    let nums: Vec<u32> = parts
        .iter()
        .map(|p| p.parse().map_err(|_| bad()))
        .collect::<Result<_, _>>()?;
    let (h, m, sec) = (nums[0], nums[1], nums.get(2).copied().unwrap_or(0));
    if h > 23 || m > 59 || sec > 59 {
        return Err(bad());
    }
    Ok(f64::from(day) * 86_400.0 + f64::from(h * 3600 + m * 60 + sec))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_in_both_forms() {
        assert_eq!(parse_time("90").unwrap(), 5400.0);
        assert_eq!(parse_time("1 08:30").unwrap(), 86_400.0 + 30_600.0);
        assert!(parse_time("1 25:00").is_err());
        assert!(parse_time("-4").is_err());
    }
}
