//! Domain bounds on scenario values: one table, checked when a scenario is compiled, so values
//! from the file and from the command line (`--days`, `--set`, which are applied to the
//! scenario first) go through the same checks.
//!
//! Each bound names its field, its range and why it is there; the README's bounds table lists
//! every entry of [`ALL`] (a test checks it). A new numeric field gets a `const` here, an entry
//! in [`ALL`], a call to [`Bound::check`] where it is compiled, and a README row.

use super::{ArrivalModel, Model, PoolId};

/// The closed range a numeric field must lie in, and why.
#[derive(Clone, Copy, Debug)]
pub struct Bound {
    /// The field as users write it (`teams[].agents`).
    pub field: &'static str,
    pub min: f64,
    pub max: f64,
    /// The unit shown in messages ("days", "agents", "" for plain numbers).
    pub unit: &'static str,
    pub why: &'static str,
}

impl Bound {
    /// `v` if it is a finite number within the bound, or a message saying what is expected.
    pub fn check(&self, v: f64) -> Result<f64, String> {
        if v.is_finite() && v >= self.min && v <= self.max {
            return Ok(v);
        }
        let unit = if self.unit.is_empty() {
            String::new()
        } else {
            format!(" {}", self.unit)
        };
        if self.min == 0.0 && v < 0.0 {
            return Err(format!(
                "must be non-negative, got {v} (the range is 0 to {}{unit}: {})",
                self.max, self.why
            ));
        }
        Err(format!(
            "must be between {} and {}{unit} ({}), got {v}",
            self.min, self.max, self.why
        ))
    }
}

/// Simulated days.
pub const DAYS: Bound = Bound {
    field: "calendar.days",
    min: 1.0,
    max: 3650.0,
    unit: "days",
    why: "ten years; statistics need at least one day, and longer horizons are better run as replications",
};
/// Warm-up, in days.
pub const WARMUP_DAYS: Bound = Bound {
    field: "calendar.warmup",
    min: 0.0,
    max: 365.0,
    unit: "days",
    why: "a year reaches a steady state in any model that has one",
};
/// Poisson volume.
pub const PER_HOUR: Bound = Bound {
    field: "channels[].arrivals.per_hour",
    min: 0.0,
    max: 50_000.0,
    unit: "contacts an hour",
    why: "1.2 million a day per channel, beyond any single contact centre; memory and time grow with it",
};
/// Daily volume.
pub const PER_DAY: Bound = Bound {
    field: "channels[].arrivals.per_day",
    min: 0.0,
    max: 1_000_000.0,
    unit: "contacts a day",
    why: "beyond any single contact centre; memory and time grow with it",
};
/// Weekday factors of a daily volume.
pub const WEEKDAY_FACTOR: Bound = Bound {
    field: "channels[].arrivals.weekdays[]",
    min: 0.0,
    max: 10.0,
    unit: "",
    why: "factors on the daily volume; ten times the volume on one day is already extreme",
};
/// Intraday weights (relative).
pub const WEIGHT: Bound = Bound {
    field: "channels[].arrivals.intraday.weights[]",
    min: 0.0,
    max: 1e9,
    unit: "",
    why: "relative weights; their sum must stay exact",
};
/// Phone lines.
pub const LINES: Bound = Bound {
    field: "channels[].lines",
    min: 1.0,
    max: 1_000_000.0,
    unit: "lines",
    why: "a channel with lines needs at least one; more than a million is no limit at all (leave it out)",
};
/// Agents of a team, in `agents` and in every schedule entry.
pub const AGENTS: Bound = Bound {
    field: "teams[].agents, teams[].schedule[], shifts[].headcount, temporary[].agents",
    min: 0.0,
    max: 100_000.0,
    unit: "agents",
    why: "the engine's work per staffing change grows with it; no team is larger",
};
/// Share of time given to this work.
pub const AVAILABILITY: Bound = Bound {
    field: "teams[].availability",
    min: 0.001,
    max: 1.0,
    unit: "",
    why: "a share of time; below 0.1% (1.4 min a day) the switching rates overflow",
};
/// Mean work/other-duties cycle, in minutes.
pub const DUTY_CYCLE_MIN: Bound = Bound {
    field: "teams[].duty_cycle",
    min: 1.0,
    max: 43_200.0,
    unit: "minutes",
    why: "one minute to 30 days; shorter cycles are not a way anyone works and multiply events",
};
/// Time-based overflow: the wait before a shared pool sees a contact, in minutes.
pub const OVERFLOW_AFTER_MIN: Bound = Bound {
    field: "pools[].skills[].after",
    min: 0.0,
    max: 43_200.0,
    unit: "minutes",
    why: "up to 30 days; a longer wait never overflows in any run worth making, and is likely a unit slip",
};
/// Contacts of one channel kind an agent holds at once.
pub const CONCURRENCY_LIMIT: Bound = Bound {
    field: "teams[].concurrency.KIND.limit, pools[].concurrency.KIND.limit",
    min: 1.0,
    max: 50.0,
    unit: "contacts",
    why: "at least one; nobody holds more than a few dozen chats, and each change reschedules every contact the agent holds",
};
/// Slowdown per extra contact held at once.
pub const CONCURRENCY_SLOWDOWN: Bound = Bound {
    field: "teams[].concurrency.KIND.slowdown, pools[].concurrency.KIND.slowdown",
    min: 0.0,
    max: 10.0,
    unit: "",
    why: "0 = no slowdown; above 10 each extra contact makes all of them over ten times slower, surely a unit slip",
};
/// Weibull shape.
pub const WEIBULL_SHAPE: Bound = Bound {
    field: "Weibull(shape)",
    min: 0.05,
    max: 100.0,
    unit: "",
    why: "below 0.05 the mean (a Gamma function of 1/shape) overflows",
};
/// Cost of an agent-hour.
pub const COST_PER_HOUR: Bound = Bound {
    field: "teams[].cost_per_hour",
    min: 0.0,
    max: 1e6,
    unit: "",
    why: "costs are summed over agent-hours and must stay finite",
};
/// Price of one contact handled by an external team.
pub const COST_PER_CONTACT: Bound = Bound {
    field: "teams[].cost_per_contact",
    min: 0.0,
    max: 1e6,
    unit: "",
    why: "costs are summed over contacts handled and must stay finite",
};
/// Length of a shift, in hours.
pub const SHIFT_HOURS: Bound = Bound {
    field: "shifts[].length",
    min: 0.0,
    max: 24.0,
    unit: "hours",
    why: "a shift starts each day it names; a longer one would overlap the next day's",
};
/// Shift patterns or temporary-staff entries of one team or pool, each.
pub const STAFF_ENTRIES: Bound = Bound {
    field: "shifts, temporary (each, per team or pool)",
    min: 0.0,
    max: 100.0,
    unit: "entries",
    why: "temporary staff is looked up at every interval boundary",
};
/// Simulated day numbers of temporary staff.
pub const TEMP_DAY: Bound = Bound {
    field: "temporary[].first_day, temporary[].last_day",
    min: 1.0,
    max: 3650.0,
    unit: "",
    why: "day 1 is the first day of statistics; no run is longer than calendar.days allows",
};
/// Length of a team, channel, incident-type or scenario name, in characters.
pub const NAME_CHARS: Bound = Bound {
    field: "name (scenario, channels, teams, incident types)",
    min: 1.0,
    max: 100.0,
    unit: "characters",
    why: "names head table columns and name files",
};
/// Teams, channels and incident types, each.
pub const LIST_LEN: Bound = Bound {
    field: "teams, channels, incident_types (each)",
    min: 1.0,
    max: 1000.0,
    unit: "entries",
    why: "statistics are kept per team, channel and type",
};
/// Service-level thresholds.
pub const THRESHOLDS: Bound = Bound {
    field: "targets.answer_within* (distinct values, all lists)",
    min: 1.0,
    max: 32.0,
    unit: "thresholds",
    why: "each is a KPI per breakdown",
};
/// Expected contacts in one replication (arrivals over the horizon times the attempts each
/// may take).
pub const CONTACTS_PER_RUN: Bound = Bound {
    field: "volume x days x attempts",
    min: 0.0,
    max: 1e9,
    unit: "contacts per replication",
    why: "about ten minutes per replication at the measured engine speed",
};
/// Expected switches between this work and other duties in one replication.
pub const DUTY_SWITCHES_PER_RUN: Bound = Bound {
    field: "agents x days / duty_cycle",
    min: 0.0,
    max: 1e10,
    unit: "switches per replication",
    why: "each is an event; lengthen duty_cycle or shorten the run",
};
/// Recorded contacts kept from one arrival log for one channel.
pub const LOG_ROWS: Bound = Bound {
    field: "Log(file) rows per channel",
    min: 1.0,
    max: 20_000_000.0,
    unit: "rows",
    why: "held in memory (32 bytes each); a channel replaying a log needs a row",
};
/// Size of an arrival log file, in MiB.
pub const LOG_MIB: Bound = Bound {
    field: "Log(file) size",
    min: 0.0,
    max: 1024.0,
    unit: "MiB",
    why: "read whole; devices and endless pipes are refused",
};
/// Business calendars (`business_hours`).
pub const BUSINESS_CALENDARS: Bound = Bound {
    field: "business_hours (calendars)",
    min: 1.0,
    max: 255.0,
    unit: "calendars",
    why: "an incident's SLA names its clock by a one-byte index",
};
/// A holiday of a business calendar, as a simulated day.
pub const HOLIDAY: Bound = Bound {
    field: "business_hours[].holidays[]",
    min: 0.0,
    max: 4015.0,
    unit: "days",
    why: "a day of the longest run (3650 days plus a year of warm-up)",
};
/// Reopen probability of a team's resolved incidents.
pub const REOPEN_PROB: Bound = Bound {
    field: "teams[].reopen.*.prob",
    min: 0.0,
    max: 0.9,
    unit: "",
    why: "each reopen is another contact: at 1 an incident would never close, and the expected contacts per incident, 1/(1-prob), must stay bounded",
};

/// Expected wait above which a callback is offered, in minutes.
pub const CALLBACK_THRESHOLD_MIN: Bound = Bound {
    field: "channels[].callback.threshold",
    min: 0.0,
    max: 1440.0,
    unit: "minutes",
    why: "an expected wait; a day is beyond any live channel's queue",
};
/// Agent time on a call back that does not reach the customer, in minutes.
pub const CALLBACK_DIAL_MIN: Bound = Bound {
    field: "channels[].callback.dial",
    min: 0.0,
    max: 60.0,
    unit: "minutes",
    why: "ringing and a message take seconds to minutes; an hour is already no dial",
};
/// Delay before calling back again, in minutes.
pub const CALLBACK_RETRY_MIN: Bound = Bound {
    field: "channels[].callback.retry_after",
    min: 1.0,
    max: 10_080.0,
    unit: "minutes",
    why: "a minute to a week; shorter delays only multiply events",
};
/// Calls back in all for one callback.
pub const CALLBACK_TRIES: Bound = Bound {
    field: "channels[].callback.max_tries",
    min: 1.0,
    max: 20.0,
    unit: "calls",
    why: "each is an event and agent time; nobody calls back a customer more often",
};
/// Agents kept free for live work.
pub const BLEND_RESERVE: Bound = Bound {
    field: "teams[].blend Reserve(k)",
    min: 0.0,
    max: 100_000.0,
    unit: "agents",
    why: "at most a team's agents",
};
/// Wait before escalating, in minutes.
pub const ESCALATE_AFTER_MIN: Bound = Bound {
    field: "teams[].escalate.after",
    min: 1.0,
    max: 525_600.0,
    unit: "minutes",
    why: "a minute to a year; shorter waits only move contacts between queues",
};
/// Points in the urgency rule (per segment, complaint, repeat, type, priority, and levels).
pub const URGENCY_POINTS: Bound = Bound {
    field: "urgency.* (points and levels)",
    min: -1000.0,
    max: 1000.0,
    unit: "points",
    why: "scores are sums of a few weights; beyond a thousand points a weight is surely a typo",
};
/// Customer segments in the urgency rule.
pub const SEGMENTS: Bound = Bound {
    field: "urgency.segments",
    min: 1.0,
    max: 64.0,
    unit: "segments",
    why: "each is a breakdown of the statistics; a contact stores its segment in one byte",
};
/// Entries of a complaint-history distribution (0, 1, 2, ... past complaints).
pub const COMPLAINT_COUNTS: Bound = Bound {
    field: "demand[].customers.complaints",
    min: 0.0,
    max: 100.0,
    unit: "entries",
    why: "up to 99 past complaints; a contact stores the count in one byte",
};
/// Window in which a proactive case prevents a customer contact, in days.
pub const PREVENTION_WINDOW_DAYS: Bound = Bound {
    field: "monitoring[].prevents.window",
    min: 0.0,
    max: 365.0,
    unit: "days",
    why: "a proactive case holds its prevention until the window ends; a year is already generous",
};

/// Every bound, for the README's table.
pub const ALL: &[&Bound] = &[
    &DAYS,
    &WARMUP_DAYS,
    &PER_HOUR,
    &PER_DAY,
    &WEEKDAY_FACTOR,
    &WEIGHT,
    &LINES,
    &AGENTS,
    &AVAILABILITY,
    &DUTY_CYCLE_MIN,
    &OVERFLOW_AFTER_MIN,
    &CONCURRENCY_LIMIT,
    &CONCURRENCY_SLOWDOWN,
    &WEIBULL_SHAPE,
    &COST_PER_HOUR,
    &COST_PER_CONTACT,
    &SHIFT_HOURS,
    &STAFF_ENTRIES,
    &TEMP_DAY,
    &NAME_CHARS,
    &LIST_LEN,
    &THRESHOLDS,
    &CONTACTS_PER_RUN,
    &DUTY_SWITCHES_PER_RUN,
    &LOG_ROWS,
    &LOG_MIB,
    &CALLBACK_THRESHOLD_MIN,
    &CALLBACK_DIAL_MIN,
    &CALLBACK_RETRY_MIN,
    &CALLBACK_TRIES,
    &BLEND_RESERVE,
    &ESCALATE_AFTER_MIN,
    &URGENCY_POINTS,
    &SEGMENTS,
    &COMPLAINT_COUNTS,
    &PREVENTION_WINDOW_DAYS,
    &BUSINESS_CALENDARS,
    &HOLIDAY,
    &REOPEN_PROB,
];

/// Expected arrivals over the whole run (warm-up included): channels' own, incident streams',
/// and mention and monitoring feeds' items (each an event, and a contact where it becomes a
/// case); rates integrated over the horizon, or the log rows before it.
pub fn expected_arrivals(m: &Model) -> f64 {
    let week = 7.0 * 86_400.0;
    let expected = |a: &ArrivalModel| match a {
        ArrivalModel::Rates(r) => r.iter().sum::<f64>() * m.interval * (m.horizon / week + 1.0),
        ArrivalModel::Log(rows) => rows.iter().filter(|r| r.time < m.horizon).count() as f64,
    };
    let channels = m.channels.iter().map(|c| expected(&c.arrivals));
    let streams = m.streams.iter().map(|s| expected(&s.arrivals));
    let feeds = m.feeds.iter().map(|f| expected(&f.arrivals));
    channels.chain(streams).chain(feeds).sum()
}

/// Most attempts one incident can make (retries, plus one chase and its retries).
pub fn attempts_per_incident(m: &Model) -> f64 {
    let most = m
        .channels
        .iter()
        .map(|c| c.retry.as_ref().map_or(1, |r| r.max_attempts))
        .max()
        .unwrap_or(1);
    let chase = m.channels.iter().any(|c| c.chase.is_some());
    // Each reopen is another round of attempts: 1/(1-p) rounds expected at reopen rate p.
    let reopen = m
        .cases
        .reopen
        .iter()
        .flatten()
        .flatten()
        .map(|r| r.prob)
        .fold(0.0, f64::max);
    f64::from(most) * if chase { 2.0 } else { 1.0 } / (1.0 - reopen)
}

/// Expected switches between this work and other duties over the run: each agent with
/// availability below 1 switches twice per cycle. Every pool counts (teams' own and shared),
/// temporary staff included, so that no roster escapes the bound.
pub fn expected_duty_switches(m: &Model) -> f64 {
    let weeks = m.horizon / (7.0 * 86_400.0) + 1.0;
    let days = (m.horizon / 86_400.0).ceil();
    (0..m.n_pools())
        .map(|p| m.staffing(PoolId::at(p)))
        .filter(|s| s.availability < 1.0)
        .map(|s| {
            let weekly = s.agents.iter().map(|&a| f64::from(a)).sum::<f64>() * m.interval;
            let temporary: f64 = s
                .temporary
                .iter()
                .map(|t| {
                    let on_days = f64::from(t.last_day - t.first_day + 1).min(days);
                    f64::from(t.agents) * (t.to_slot - t.from_slot) as f64 * m.interval * on_days
                })
                .sum();
            2.0 * (weekly * weeks + temporary) / s.duty_cycle
        })
        .sum()
}

/// Most events one replication of `m` may process before the engine stops it as a runaway:
/// far above what a legitimate run needs (a thousand events per expected contact attempt,
/// twenty per expected duty switch, and the interval ticks), so only a model whose clock
/// barely moves (contacts passed around in zero time, durations of nanoseconds) reaches it.
pub fn event_limit(m: &Model) -> u64 {
    let contacts = expected_arrivals(m) * attempts_per_incident(m);
    let ticks = m.horizon / m.interval;
    let limit = 1000.0 * contacts + 20.0 * expected_duty_switches(m) + 4.0 * ticks + 1e7;
    if limit >= u64::MAX as f64 {
        u64::MAX
    } else {
        limit as u64
    }
}

/// Most contacts in the system at once (waiting, in service, waiting to retry or chase):
/// beyond it the organisation cannot keep up with demand and memory would grow without end.
pub const MAX_IN_SYSTEM: usize = 10_000_000;
