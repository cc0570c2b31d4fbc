//! Rosters beyond the weekly schedule: shift patterns (start, length, breaks, headcount,
//! weekdays) expanded onto the week's interval grid, and temporary staff on a range of
//! simulated days, looked up per interval by [`Model::roster`].
//!
//! Granularity: a shift's start and length and each break's offset and length must fall on the
//! calendar interval's grid. The roster is a whole number of agents per interval, so a break
//! shorter than the interval cannot be represented; it is refused with an error that names the
//! interval to use, rather than rounded or counted as a fraction of an agent.

use super::bounds::{self, Bound};
use super::{Model, PoolId};
use crate::error::InputError;
use crate::scenario::{Shift, Source, Temporary};

const DAY: f64 = 86_400.0;

/// Extra agents on simulated days `first_day..=last_day` (day 1 is the day statistics start
/// on), in slots `from_slot..to_slot` of each of those days.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TempStaff {
    pub first_day: u32,
    pub last_day: u32,
    pub from_slot: usize,
    pub to_slot: usize,
    pub agents: u32,
}

impl TempStaff {
    /// Whether these agents are on in slot `slot_of_day` of simulated day `day`.
    fn covers(&self, day: i64, slot_of_day: usize) -> bool {
        (i64::from(self.first_day)..=i64::from(self.last_day)).contains(&day)
            && (self.from_slot..self.to_slot).contains(&slot_of_day)
    }
}

impl Model {
    /// Agents rostered in `pool` during absolute slot `k` (`[k, k + 1)` intervals after time
    /// zero): the weekly roster plus any temporary staff on that day; zero while closed.
    pub fn roster(&self, pool: PoolId, k: usize) -> u32 {
        let spd = self.slots_per_day;
        let w = (k + self.start_weekday * spd) % (7 * spd);
        let s = self.staffing(pool);
        if s.temporary.is_empty() || !self.open[w] {
            return s.agents[w];
        }
        let day = (k / spd) as i64 - (self.warmup / DAY).floor() as i64 + 1;
        s.agents[w]
            + s.temporary
                .iter()
                .filter(|t| t.covers(day, k % spd))
                .map(|t| t.agents)
                .sum::<u32>()
    }

    /// Most agents `pool` has rostered at once: the weekly roster's peak, or more on a day of
    /// the run with temporary staff on. The roster of a day depends only on its weekday and
    /// the entries on that day, which change only at an entry's `first_day` or the day after
    /// its `last_day`; the seven days from each such change cover every case.
    pub fn roster_peak(&self, pool: PoolId) -> u32 {
        let s = self.staffing(pool);
        let weekly = s.agents.iter().copied().max().unwrap_or(0);
        let spd = self.slots_per_day;
        let before = (self.warmup / DAY).floor() as i64 - 1;
        let days = (self.horizon / DAY).ceil() as i64;
        s.temporary
            .iter()
            .flat_map(|t| [i64::from(t.first_day), i64::from(t.last_day) + 1])
            .flat_map(|change| change..change + 7)
            .map(|day| day + before)
            .filter(|a| (0..days).contains(a))
            .flat_map(|a| (0..spd).map(move |x| a as usize * spd + x))
            .map(|k| self.roster(pool, k))
            .fold(weekly, u32::max)
    }
}

/// Most temporary agents on at once: the largest sum over entries that share a day and a
/// slot (an overlap of day ranges and slot ranges starts at some entry's first day and some
/// entry's first slot, so those are the only candidates).
pub(super) fn temporary_peak(temps: &[TempStaff]) -> u64 {
    temps
        .iter()
        .flat_map(|a| temps.iter().map(move |b| (a.first_day, b.from_slot)))
        .map(|(day, slot)| {
            temps
                .iter()
                .filter(|t| t.covers(i64::from(day), slot))
                .map(|t| u64::from(t.agents))
                .sum::<u64>()
        })
        .max()
        .unwrap_or(0)
}

/// Warnings for temporary staff whose days all fall after the run's last simulated day (day
/// numbers as [`Model::roster`] counts them): valid, but those agents never work.
pub(super) fn temporary_after_run(
    base: &str,
    temps: &[TempStaff],
    warmup: f64,
    horizon: f64,
) -> Vec<String> {
    let last = (horizon / DAY).ceil() as i64 - (warmup / DAY).floor() as i64;
    temps
        .iter()
        .enumerate()
        .filter(|(_, t)| i64::from(t.first_day) > last)
        .map(|(k, t)| {
            format!(
                "{base}.temporary[{k}]: days {} to {} fall after the run's last simulated day ({last}): these agents never work",
                t.first_day, t.last_day
            )
        })
        .collect()
}

/// Where a team's or pool's staffing is written, for located errors.
pub(super) struct Loc<'a> {
    pub src: &'a Source,
    /// The team or pool name, quoted (anchors the error's line).
    pub q: &'a str,
    /// `teams[i] "name"` or `pools[k] "name"`.
    pub base: &'a str,
}

impl Loc<'_> {
    fn err(&self, anchor: &str, field: String, msg: impl Into<String>) -> InputError {
        self.src.error(&[self.q, anchor], field, msg)
    }
    fn bounded(&self, anchor: &str, field: &str, b: &Bound, v: f64) -> Result<(), InputError> {
        b.check(v)
            .map(|_| ())
            .map_err(|m| self.err(anchor, field.to_string(), m))
    }
    fn entries(&self, anchor: &str, n: usize) -> Result<(), InputError> {
        self.bounded(
            anchor,
            &format!("{}.{anchor}", self.base),
            &bounds::STAFF_ENTRIES,
            n as f64,
        )
    }
}

/// Slots in `secs`, if it is a whole number of intervals.
fn on_grid(secs: f64, interval: f64) -> Option<usize> {
    let k = secs / interval;
    ((k - k.round()).abs() < 1e-9).then(|| k.round() as usize)
}

fn off_grid(interval: f64, secs: &[f64]) -> String {
    let step = interval / 60.0;
    let why = format!(
        "must fall on the calendar interval grid (every {step} min): the roster counts whole \
         agents per interval, so a break or shift edge inside an interval cannot be represented"
    );
    match finer_interval(step, secs) {
        Some(g) if g < step as u64 => {
            format!("{why}; set calendar.interval to \"{g}min\" (or a divisor of it)")
        }
        Some(_) => why,
        None => format!("{why}; use whole minutes"),
    }
}

/// The longest interval, in whole minutes, on whose grid `step` minutes and every one of
/// `secs` fall (it divides `step`, so it divides the day too); `None` where some value is not
/// a whole number of minutes.
fn finer_interval(step: f64, secs: &[f64]) -> Option<u64> {
    let gcd = |mut a: u64, mut b: u64| {
        while b != 0 {
            (a, b) = (b, a % b);
        }
        a
    };
    secs.iter().try_fold(step.round() as u64, |g, &x| {
        let m = x / 60.0;
        ((m - m.round()).abs() < 1e-9).then(|| gcd(g, m.round() as u64))
    })
}

/// Agents on the floor per slot of the week (Monday 00:00 first) from `shifts`: each shift's
/// headcount from its start for its length on each of its days, less its breaks; a shift
/// running past midnight continues into the next day (Sunday into Monday).
pub(super) fn shifts(
    loc: &Loc<'_>,
    shifts: &[Shift],
    interval: f64,
    slots: usize,
) -> Result<Vec<u32>, InputError> {
    loc.entries("shifts", shifts.len())?;
    let week = 7 * slots;
    let mut out = vec![0u32; week];
    for (k, sh) in shifts.iter().enumerate() {
        let field = |x: &str| format!("{}.shifts[{k}].{x}", loc.base);
        loc.bounded(
            "headcount",
            &field("headcount"),
            &bounds::AGENTS,
            f64::from(sh.headcount),
        )?;
        let hours = sh.length.secs() / 3600.0;
        loc.bounded("length", &field("length"), &bounds::SHIFT_HOURS, hours)?;
        let start = on_grid(sh.start.secs(), interval)
            .filter(|&s| s < slots)
            .ok_or_else(|| {
                loc.err(
                    "start",
                    field("start"),
                    format!(
                        "must be before 24:00 and {}",
                        off_grid(interval, &[sh.start.secs()])
                    ),
                )
            })?;
        let len = on_grid(sh.length.secs(), interval)
            .filter(|&n| n > 0)
            .ok_or_else(|| {
                loc.err(
                    "length",
                    field("length"),
                    format!(
                        "must be at least one interval and {}",
                        off_grid(interval, &[sh.length.secs()])
                    ),
                )
            })?;
        if sh.days.is_empty() {
            return Err(loc.err("days", field("days"), "list at least one weekday"));
        }
        let mut seen = [false; 7];
        for &d in &sh.days {
            if std::mem::replace(&mut seen[d as usize], true) {
                return Err(loc.err("days", field("days"), format!("{d:?} is listed twice")));
            }
        }
        let on = on_floor(loc, &field("breaks"), sh, len, interval)?;
        for &d in &sh.days {
            for (j, _) in on.iter().enumerate().filter(|(_, o)| **o) {
                out[(d as usize * slots + start + j) % week] += sh.headcount;
            }
        }
    }
    Ok(out)
}

/// Per slot of one shift: on the floor (not on a break). Breaks must lie within the shift and
/// not overlap.
fn on_floor(
    loc: &Loc<'_>,
    field: &str,
    sh: &Shift,
    len: usize,
    interval: f64,
) -> Result<Vec<bool>, InputError> {
    let mut on = vec![true; len];
    for (b, br) in sh.breaks.iter().enumerate() {
        let f = format!("{field}[{b}]");
        let (Some(at), Some(n)) = (
            on_grid(br.at.secs(), interval),
            on_grid(br.length.secs(), interval),
        ) else {
            return Err(loc.err(
                "breaks",
                f,
                off_grid(interval, &[br.at.secs(), br.length.secs()]),
            ));
        };
        if n == 0 || at + n > len {
            return Err(loc.err(
                "breaks",
                f,
                format!(
                    "a break must last at least one interval and end within the shift ({} h)",
                    sh.length.secs() / 3600.0
                ),
            ));
        }
        if on[at..at + n].iter().any(|o| !o) {
            return Err(loc.err("breaks", f, "overlaps an earlier break"));
        }
        on[at..at + n].iter_mut().for_each(|o| *o = false);
    }
    Ok(on)
}

/// Temporary staff, checked: day numbers in order, hours of the day on the interval grid.
pub(super) fn temporary(
    loc: &Loc<'_>,
    temps: &[Temporary],
    interval: f64,
    slots: usize,
) -> Result<Vec<TempStaff>, InputError> {
    loc.entries("temporary", temps.len())?;
    temps
        .iter()
        .enumerate()
        .map(|(k, t)| {
            let field = |x: &str| format!("{}.temporary[{k}].{x}", loc.base);
            for (name, v) in [("first_day", t.first_day), ("last_day", t.last_day)] {
                loc.bounded(name, &field(name), &bounds::TEMP_DAY, f64::from(v))?;
            }
            if t.last_day < t.first_day {
                return Err(loc.err(
                    "last_day",
                    field("last_day"),
                    format!("must not be before first_day ({})", t.first_day),
                ));
            }
            loc.bounded(
                "agents",
                &field("agents"),
                &bounds::AGENTS,
                f64::from(t.agents),
            )?;
            let slot = |c: Option<crate::scenario::Clock>, dflt: usize, name: &str| {
                c.map_or(Some(dflt), |c| on_grid(c.secs(), interval))
                    .ok_or_else(|| {
                        let at = c.map_or(0.0, |c| c.secs());
                        loc.err(name, field(name), off_grid(interval, &[at]))
                    })
            };
            let from_slot = slot(t.from, 0, "from")?;
            let to_slot = slot(t.to, slots, "to")?;
            if to_slot <= from_slot {
                return Err(loc.err(
                    "to",
                    field("to"),
                    "must be after `from` (temporary staff work within each day)",
                ));
            }
            Ok(TempStaff {
                first_day: t.first_day,
                last_day: t.last_day,
                from_slot,
                to_slot,
                agents: t.agents,
            })
        })
        .collect()
}
