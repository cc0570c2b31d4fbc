//! tiersim's generic contact log: a CSV with a header, one row per contact, in order of
//! `timestamp`. Any ACD or ticketing export can be brought to it.
//!
//! | column | required | meaning |
//! | --- | --- | --- |
//! | `timestamp` | yes | first touch (`YYYY-MM-DD HH:MM:SS`, or `T` between date and time) |
//! | `channel` | yes | channel name (`phone`, `email`, ...) |
//! | `type` | yes | incident type |
//! | `priority` | no | `urgent`, `high`, `medium` or `low` (empty: not recorded) |
//! | `queue_entry`, `queue_exit` | yes | joining and leaving the agent queue; empty if it never queued |
//! | `service_start`, `service_end` | yes | service by an agent; empty if not served |
//! | `outcome` | yes | `served`, `abandoned` (gave up in the queue), `blocked`, `self_service` (left before asking for an agent), `phantom` (no real contact; dropped) |
//! | `agent` | no | agent id |
//! | `customer` | no | customer id (repeat contacts share it) |
//!
//! Times carry their dates, so contacts crossing midnight need nothing special.

use super::date::{Date, parse_timestamp};
use super::{Call, CallOutcome, OrderCheck, error, read_rows};
use crate::error::InputError;
use crate::scenario::Priority;
use std::io::Write;
use std::path::Path;

/// Columns in the order [`write`] gives them.
pub const COLUMNS: [&str; 11] = [
    "timestamp",
    "channel",
    "type",
    "priority",
    "queue_entry",
    "queue_exit",
    "service_start",
    "service_end",
    "outcome",
    "agent",
    "customer",
];
const REQUIRED: [bool; 11] = [
    true, true, true, false, true, true, true, true, true, false, false,
];

/// Streams the rows of `path` to `each`, checking they are in order of `timestamp`.
pub fn read(
    path: &Path,
    each: &mut dyn FnMut(Call) -> Result<(), InputError>,
) -> Result<(), InputError> {
    let mut order = OrderCheck::new();
    read_rows(
        path,
        b',',
        "a generic log has the columns (priority, agent and customer optional)",
        &COLUMNS,
        &REQUIRED,
        &mut |record, col, line| {
            let get = |k: usize| col[k].and_then(|c| record.get(c)).unwrap_or("").trim();
            let call =
                parse_row(&get, line).map_err(|(k, m)| error(path, Some(line), COLUMNS[k], m))?;
            order
                .check("", call.start)
                .map_err(|m| error(path, Some(line), "timestamp", m))?;
            each(call)
        },
    )
}

fn parse_row<'r>(get: &dyn Fn(usize) -> &'r str, line: u64) -> Result<Call, (usize, String)> {
    let start = parse_timestamp(get(0)).map_err(|m| (0, m))?;
    let opt_time = |k: usize| -> Result<Option<f64>, (usize, String)> {
        match get(k) {
            "" => Ok(None),
            s => parse_timestamp(s).map(Some).map_err(|m| (k, m)),
        }
    };
    let pair = |a: usize, b: usize| -> Result<Option<(f64, f64)>, (usize, String)> {
        match (opt_time(a)?, opt_time(b)?) {
            (None, None) => Ok(None),
            (Some(x), Some(y)) if y >= x && x >= start => Ok(Some((x, y))),
            (Some(x), Some(_)) if x < start => Err((
                a,
                format!("`{}` is before the timestamp `{}`", get(a), get(0)),
            )),
            (Some(_), Some(_)) => Err((b, format!("`{}` is before `{}`", get(b), get(a)))),
            (Some(_), None) => Err((b, format!("empty, but {} is given", COLUMNS[a]))),
            (None, Some(_)) => Err((a, format!("empty, but {} is given", COLUMNS[b]))),
        }
    };
    let queue = pair(4, 5)?;
    let service = pair(6, 7)?;
    let outcome = match get(8).to_ascii_lowercase().as_str() {
        "served" => CallOutcome::Served,
        "abandoned" => CallOutcome::Abandoned,
        "blocked" => CallOutcome::Blocked,
        "self_service" => CallOutcome::SelfService,
        "phantom" => CallOutcome::Phantom,
        _ => {
            return Err((
                8,
                format!(
                    "unknown outcome code `{}`; expected served, abandoned, blocked, self_service or phantom",
                    get(8)
                ),
            ));
        }
    };
    match outcome {
        CallOutcome::Served if service.is_none() => {
            return Err((
                6,
                "a served contact needs service_start and service_end".into(),
            ));
        }
        CallOutcome::Abandoned if queue.is_none() => {
            return Err((
                4,
                "an abandoned contact needs queue_entry and queue_exit".into(),
            ));
        }
        _ => {}
    }
    if let (Some(q), Some(s)) = (queue, service)
        && s.0 < q.1
    {
        return Err((6, format!("`{}` is before queue_exit `{}`", get(6), get(5))));
    }
    let priority = match get(3) {
        "" => None,
        p => Some(
            Priority::ALL
                .into_iter()
                .find(|q| q.name().eq_ignore_ascii_case(p))
                .ok_or_else(|| {
                    (
                        3,
                        format!("unknown priority `{p}`; use urgent, high, medium or low"),
                    )
                })?,
        ),
    };
    for k in [1, 2] {
        if get(k).is_empty() {
            return Err((k, "empty; give a name".into()));
        }
    }
    let opt = |k: usize| (!get(k).is_empty()).then(|| get(k).to_string());
    Ok(Call {
        line,
        start,
        channel: get(1).to_string(),
        ty: get(2).to_string(),
        priority,
        queue,
        service,
        outcome,
        agent: opt(9),
        customer: opt(10),
    })
}

/// Writes `calls` (already in order of first touch) as a generic log.
pub fn write<'a>(
    out: impl Write,
    calls: impl IntoIterator<Item = &'a Call>,
) -> std::io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(COLUMNS)?;
    let t = |x: Option<f64>| x.map(Date::format_time).unwrap_or_default();
    for c in calls {
        let outcome = match c.outcome {
            CallOutcome::Served => "served",
            CallOutcome::Abandoned => "abandoned",
            CallOutcome::Blocked => "blocked",
            CallOutcome::SelfService => "self_service",
            CallOutcome::Phantom => "phantom",
        };
        w.write_record([
            Date::format_time(c.start),
            c.channel.clone(),
            c.ty.clone(),
            c.priority.map(|p| p.name().to_string()).unwrap_or_default(),
            t(c.queue.map(|q| q.0)),
            t(c.queue.map(|q| q.1)),
            t(c.service.map(|s| s.0)),
            t(c.service.map(|s| s.1)),
            outcome.into(),
            c.agent.clone().unwrap_or_default(),
            c.customer.clone().unwrap_or_default(),
        ])?;
    }
    w.flush()
}
