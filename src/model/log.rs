//! Recorded arrival logs (CSV) replayed as a channel's arrivals.

use super::TypeId;
use crate::error::InputError;
use crate::scenario::Priority;
use std::path::Path;

/// One recorded contact.
#[derive(Clone, Debug, PartialEq)]
pub struct LogRow {
    /// Arrival, seconds since the start of the simulation.
    pub time: f64,
    pub ty: TypeId,
    /// Priority level (0 = urgent), if recorded.
    pub priority: Option<u8>,
    /// Handling time of the first team visit, seconds, if recorded.
    pub handling: Option<f64>,
}

/// Reads the rows of `channel` from a CSV log with columns `time`, `channel`, `type`, and
/// optionally `priority` and `handling_min`. `types` resolves type names.
pub fn read_log(path: &Path, channel: &str, types: &[String]) -> Result<Vec<LogRow>, InputError> {
    let err = |line: Option<u64>, field: &str, message: String| InputError {
        file: path.to_path_buf(),
        at: line.map(|l| (l as usize, 1)),
        field: (!field.is_empty()).then(|| field.to_string()),
        message,
    };
    let mut reader = csv::Reader::from_path(path)
        .map_err(|e| err(None, "", format!("cannot read the arrival log: {e}")))?;
    let headers = reader
        .headers()
        .map_err(|e| err(Some(1), "", format!("cannot read the header row: {e}")))?
        .clone();
    let col = |name: &str| headers.iter().position(|h| h.trim() == name);
    let (Some(c_time), Some(c_chan), Some(c_type)) = (col("time"), col("channel"), col("type"))
    else {
        return Err(err(
            Some(1),
            "header",
            format!(
                "expected columns time, channel, type (optionally priority, handling_min); found {}",
                headers.iter().collect::<Vec<_>>().join(", ")
            ),
        ));
    };
    let (c_prio, c_hand) = (col("priority"), col("handling_min"));
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map(|p| p.line());
            err(line, "", format!("malformed row: {e}"))
        })?;
        let line = record.position().map(|p| p.line());
        let get = |c: usize| record.get(c).unwrap_or("").trim();
        if get(c_chan) != channel {
            continue;
        }
        let time = parse_time(get(c_time)).map_err(|m| err(line, "time", m))?;
        let ty = types
            .iter()
            .position(|t| t == get(c_type))
            .map(TypeId::at)
            .ok_or_else(|| {
                err(
                    line,
                    "type",
                    format!(
                        "unknown incident type `{}`; known: {}",
                        get(c_type),
                        types.join(", ")
                    ),
                )
            })?;
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
                            format!("unknown priority `{p}`; use urgent, high, medium or low"),
                        )
                    })? as u8,
            ),
        };
        let handling = match c_hand.map(get).filter(|s| !s.is_empty()) {
            None => None,
            Some(h) => match h.parse::<f64>() {
                Ok(v) if v >= 0.0 && v.is_finite() => Some(v * 60.0),
                _ => {
                    return Err(err(
                        line,
                        "handling_min",
                        format!("`{h}` is not a non-negative number of minutes"),
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
    rows.sort_by(|a, b| a.time.total_cmp(&b.time));
    Ok(rows)
}

/// `"125.5"` (minutes since the start) or `"D HH:MM[:SS]"` (day index, time of day).
fn parse_time(s: &str) -> Result<f64, String> {
    let bad = || format!("`{s}` is not a time: use minutes since the start, or \"D HH:MM[:SS]\"");
    if let Ok(m) = s.parse::<f64>() {
        return (m >= 0.0 && m.is_finite())
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
