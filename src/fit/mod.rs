//! Estimating a scenario from a contact log (`tiersim fit`). A [`Fitter`] takes the calls one
//! at a time (memory fixed by the days, intervals, types and agents, never by the number of
//! calls) and [`Fitter::finish`] turns what it saw into a [`Fit`]: demand per weekday and
//! interval with its day-to-day variability, type and priority mixes, handling-time
//! distributions per type, patience, time before queueing, retries, opening hours and
//! staffing per weekday and interval. Pure functions: no files, no printing.

pub mod dist;
pub mod patience;
pub mod staffing;

use crate::logs::{Call, CallOutcome, DAY, weekday};
use crate::scenario::Priority;
use dist::{DistFit, Durations};
use patience::{PatienceFit, Waits};
use staffing::{DayLoad, IntervalLoad};
use std::collections::{BTreeMap, HashMap};

/// Which staffing estimate goes into the scenario.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StaffingEstimator {
    /// Distinct agents seen serving per interval (a lower bound on agents logged in).
    Seen,
    /// Mean agents busy while someone waits (the staffing that explains the waits).
    BusyWhileWaiting,
}

/// Settings of a fit.
#[derive(Clone, Debug)]
pub struct FitOptions {
    /// Reporting and staffing interval, seconds.
    pub interval: f64,
    /// A contact by the same customer within this time after a failed one is a retry.
    pub retry_window: f64,
    pub staffing: StaffingEstimator,
    /// An interval of a weekday is open if contacts arrived in it on at least this share of
    /// that weekday's dates.
    pub open_share: f64,
}

impl Default for FitOptions {
    fn default() -> Self {
        FitOptions {
            interval: 1800.0,
            retry_window: 3600.0,
            staffing: StaffingEstimator::BusyWhileWaiting,
            open_share: 0.5,
        }
    }
}

/// Per channel: counts and mixes.
#[derive(Clone, Debug, Default)]
pub struct ChannelCounts {
    pub arrived: u64,
    pub served: u64,
    pub abandoned: u64,
    pub blocked: u64,
    /// Left before asking for an agent (VRU, self-service).
    pub self_service: u64,
    pub types: BTreeMap<String, u64>,
    pub priorities: BTreeMap<Priority, u64>,
    /// Arrivals identified as retries of a failed contact.
    pub retries: u64,
}

/// One calendar day's figures.
#[derive(Clone, Debug)]
pub struct DayFigures {
    /// Days since 1970-01-01.
    pub day: i64,
    /// Arrivals per channel per interval.
    pub arrivals: BTreeMap<String, Vec<u64>>,
    /// Of those, contacts identified as retries.
    pub retries: BTreeMap<String, Vec<u64>>,
    /// Contacts not turned away (queued or served), all channels, per interval.
    pub accepted: Vec<u64>,
    pub load: Vec<IntervalLoad>,
}

/// Retries: the same customer again within the window after a failed contact.
#[derive(Clone, Debug, Default)]
pub struct RetryFit {
    /// Failed contacts (abandoned or blocked) of identified customers.
    pub failures: u64,
    pub retried: u64,
    pub delay: Durations,
    /// Longest run of attempts seen (first included).
    pub max_attempts: u32,
}

/// Everything estimated from a log.
#[derive(Clone, Debug)]
pub struct Fit {
    pub options: FitOptions,
    pub slots: usize,
    pub first_day: i64,
    pub last_day: i64,
    pub days: Vec<DayFigures>,
    pub channels: BTreeMap<String, ChannelCounts>,
    /// Handling time per type (served contacts with a positive handling time).
    pub handling: BTreeMap<String, DistFit>,
    /// Served contacts with zero handling time (not in the fits).
    pub zero_handling: u64,
    pub patience: BTreeMap<String, PatienceFit>,
    /// Time from first touch to asking for an agent (the VRU), for contacts that asked.
    pub pre_queue: Durations,
    pub retry: RetryFit,
    pub phantom: u64,
    /// Distinct agent ids seen.
    pub agents: usize,
}

/// One calendar day still being filled.
struct DayAcc {
    arrivals: BTreeMap<String, Vec<u64>>,
    retries: BTreeMap<String, Vec<u64>>,
    accepted: Vec<u64>,
    load: DayLoad,
}

/// Accumulates calls (in order of first touch) for a [`Fit`].
pub struct Fitter {
    opts: FitOptions,
    slots: usize,
    open_days: BTreeMap<i64, DayAcc>,
    done: Vec<DayFigures>,
    channels: BTreeMap<String, ChannelCounts>,
    handling: BTreeMap<String, Durations>,
    zero_handling: u64,
    waits: BTreeMap<String, Waits>,
    pre_queue: Durations,
    retry: RetryFit,
    /// Customer -> (when the last failed contact failed, attempts so far in the run).
    pending: HashMap<String, (f64, u32)>,
    agents: HashMap<String, u32>,
    phantom: u64,
    latest: f64,
    seen_rows: u64,
    /// Row count at which retry states older than the window are next dropped.
    prune_at: u64,
    /// First and last calendar day of a first touch.
    span: Option<(i64, i64)>,
}

impl Fitter {
    pub fn new(opts: FitOptions) -> Self {
        let slots = (DAY / opts.interval).round() as usize;
        Fitter {
            opts,
            slots,
            open_days: BTreeMap::new(),
            done: Vec::new(),
            channels: BTreeMap::new(),
            handling: BTreeMap::new(),
            zero_handling: 0,
            waits: BTreeMap::new(),
            pre_queue: Durations::default(),
            retry: RetryFit::default(),
            pending: HashMap::new(),
            agents: HashMap::new(),
            phantom: 0,
            latest: f64::NEG_INFINITY,
            seen_rows: 0,
            prune_at: 100_000,
            span: None,
        }
    }

    /// Takes one call; calls must come in order of first touch.
    pub fn add(&mut self, c: &Call) {
        self.seen_rows += 1;
        self.latest = self.latest.max(c.start);
        let d = c.day();
        self.span = Some(self.span.map_or((d, d), |(a, b)| (a.min(d), b.max(d))));
        self.close_days_before(d);
        if c.outcome == CallOutcome::Phantom {
            self.phantom += 1;
            return;
        }
        let ch = self.channels.entry(c.channel.clone()).or_default();
        let Some(arrival) = c.arrival() else {
            ch.self_service += 1;
            return;
        };
        ch.arrived += 1;
        *ch.types.entry(c.ty.clone()).or_default() += 1;
        if let Some(p) = c.priority {
            *ch.priorities.entry(p).or_default() += 1;
        }
        match c.outcome {
            CallOutcome::Served => ch.served += 1,
            CallOutcome::Abandoned => ch.abandoned += 1,
            CallOutcome::Blocked => ch.blocked += 1,
            _ => {}
        }
        if let Some(v) = c.pre_queue().filter(|v| *v > 0.0) {
            self.pre_queue.add(v);
        }
        // The model's retry delay runs from the failure (giving up, being turned away) to the
        // next arrival, so both ends are measured there, not at first touches.
        let failed_at = match c.outcome {
            CallOutcome::Abandoned => Some(c.queue.map_or(arrival, |q| q.1)),
            CallOutcome::Blocked => Some(arrival),
            _ => None,
        };
        let is_retry = c
            .customer
            .as_ref()
            .is_some_and(|cust| self.retry_step(cust, arrival, failed_at));
        if is_retry && let Some(ch) = self.channels.get_mut(&c.channel) {
            ch.retries += 1;
        }
        let wait = c.wait();
        let waits = self.waits.entry(c.channel.clone()).or_default();
        match (c.outcome, wait) {
            (CallOutcome::Served, Some(w)) => waits.served(w),
            (CallOutcome::Abandoned, Some(w)) => waits.abandoned(w),
            _ => {}
        }
        if let Some(h) = c.handling() {
            if h > 0.0 {
                self.handling.entry(c.ty.clone()).or_default().add(h);
            } else {
                self.zero_handling += 1;
            }
        }
        self.record_day(c, arrival, is_retry);
        if self.seen_rows >= self.prune_at {
            self.prune_at += 100_000;
            let horizon = self.latest - self.opts.retry_window;
            self.pending.retain(|_, (t, _)| *t >= horizon);
        }
    }

    /// Updates the customer's retry state for a contact arriving at `t` (failed at
    /// `failed_at`, if it failed); true if this contact is a retry.
    fn retry_step(&mut self, customer: &str, t: f64, failed_at: Option<f64>) -> bool {
        let prev = self
            .pending
            .get(customer)
            .filter(|(tf, _)| t - tf <= self.opts.retry_window)
            .copied();
        if let Some((tf, _)) = prev {
            self.retry.retried += 1;
            if t > tf {
                self.retry.delay.add(t - tf);
            }
        }
        let attempts = prev.map_or(1, |(_, n)| n + 1);
        self.retry.max_attempts = self.retry.max_attempts.max(attempts);
        if let Some(tf) = failed_at {
            self.retry.failures += 1;
            self.pending.insert(customer.to_string(), (tf, attempts));
        } else {
            self.pending.remove(customer);
        }
        prev.is_some()
    }

    fn day_mut(&mut self, day: i64) -> &mut DayAcc {
        let slots = self.slots;
        self.open_days.entry(day).or_insert_with(|| DayAcc {
            arrivals: BTreeMap::new(),
            retries: BTreeMap::new(),
            accepted: vec![0; slots],
            load: DayLoad::new(slots),
        })
    }

    fn record_day(&mut self, c: &Call, arrival: f64, is_retry: bool) {
        let interval = self.opts.interval;
        let aday = (arrival / DAY).floor() as i64;
        let slot = (((arrival - aday as f64 * DAY) / interval) as usize).min(self.slots - 1);
        let slots = self.slots;
        let day = self.day_mut(aday);
        day.arrivals
            .entry(c.channel.clone())
            .or_insert_with(|| vec![0; slots])[slot] += 1;
        let retries = day
            .retries
            .entry(c.channel.clone())
            .or_insert_with(|| vec![0; slots]);
        retries[slot] += u64::from(is_retry);
        day.accepted[slot] += u64::from(c.outcome != CallOutcome::Blocked);
        let spans = [(false, c.queue), (true, c.service)];
        let next_id = self.agents.len() as u32;
        let agent = c
            .agent
            .as_ref()
            .map(|a| *self.agents.entry(a.clone()).or_insert(next_id));
        for (busy, span) in spans {
            let Some((a, b)) = span else { continue };
            let (d0, d1) = ((a / DAY).floor() as i64, (b / DAY).floor() as i64);
            for d in d0..=d1.min(d0 + 2) {
                let base = d as f64 * DAY;
                let load = &mut self.day_mut(d).load;
                load.span(busy, a - base, b - base);
                if busy && let Some(id) = agent {
                    load.served_by(id, a - base, b - base, interval);
                }
            }
        }
    }

    /// Finishes every day before `day - 1` (no later call can touch them).
    fn close_days_before(&mut self, day: i64) {
        while let Some((&d, _)) = self.open_days.first_key_value() {
            if d >= day - 1 {
                break;
            }
            self.finish_first_day();
        }
    }

    fn finish_first_day(&mut self) {
        if let Some((d, acc)) = self.open_days.pop_first() {
            self.done.push(DayFigures {
                day: d,
                arrivals: acc.arrivals,
                retries: acc.retries,
                accepted: acc.accepted,
                load: acc.load.finish(self.opts.interval),
            });
        }
    }

    /// Counts the days from `first` to `last` (days since 1970-01-01) as observed even if
    /// some had no contact (a closed day at either end of the requested range).
    pub fn cover(&mut self, first: Option<i64>, last: Option<i64>) {
        if let Some((a, b)) = self.span {
            self.span = Some((first.map_or(a, |f| f.min(a)), last.map_or(b, |l| l.max(b))));
        }
    }

    /// What the calls showed; `None` if no contact asked for an agent.
    pub fn finish(mut self) -> Option<Fit> {
        while !self.open_days.is_empty() {
            self.finish_first_day();
        }
        // The days of first touches; a contact arriving past midnight after the last day
        // (or spans spilling into it) falls outside.
        let (first_day, last_day) = self.span?;
        self.done.iter().find(|d| !d.arrivals.is_empty())?;
        self.done
            .retain(|d| d.day >= first_day && d.day <= last_day);
        Some(Fit {
            slots: self.slots,
            first_day,
            last_day,
            days: self.done,
            handling: self
                .handling
                .iter()
                .filter_map(|(t, d)| dist::fit(d).map(|f| (t.clone(), f)))
                .collect(),
            zero_handling: self.zero_handling,
            patience: self
                .waits
                .iter()
                .filter_map(|(c, w)| w.fit().map(|f| (c.clone(), f)))
                .collect(),
            channels: self.channels,
            pre_queue: self.pre_queue,
            retry: self.retry,
            phantom: self.phantom,
            agents: self.agents.len(),
            options: self.opts,
        })
    }
}

/// Demand of one channel on one weekday.
#[derive(Clone, Debug)]
pub struct WeekdayDemand {
    pub weekday: usize,
    /// Dates of this weekday in the log.
    pub dates: usize,
    pub mean: f64,
    /// Day-to-day standard deviation of the daily count (NaN with one date).
    pub sd: f64,
    /// Arrivals per interval summed over the dates.
    pub profile: Vec<u64>,
    /// First attempts (arrivals less identified retries) per interval summed over the dates.
    pub fresh: Vec<u64>,
}

impl Fit {
    /// Dates per weekday (0 = Monday) in the fitted range.
    pub fn dates_per_weekday(&self) -> [usize; 7] {
        let mut n = [0; 7];
        for d in self.first_day..=self.last_day {
            n[weekday(d)] += 1;
        }
        n
    }

    /// Daily volumes per weekday of `channel`, with their day-to-day spread.
    pub fn demand(&self, channel: &str) -> Vec<WeekdayDemand> {
        let dates = self.dates_per_weekday();
        (0..7)
            .filter(|&w| dates[w] > 0)
            .map(|w| {
                let mut totals = Vec::new();
                let mut profile = vec![0u64; self.slots];
                let mut fresh = vec![0u64; self.slots];
                for d in (self.first_day..=self.last_day).filter(|&d| weekday(d) == w) {
                    let fig = self
                        .days
                        .binary_search_by_key(&d, |f| f.day)
                        .ok()
                        .map(|i| &self.days[i]);
                    let counts = fig.and_then(|f| f.arrivals.get(channel));
                    let retries = fig.and_then(|f| f.retries.get(channel));
                    if let (Some(c), Some(r)) = (counts, retries) {
                        for (k, fk) in fresh.iter_mut().enumerate() {
                            *fk += c[k] - r[k];
                        }
                    }
                    let total: u64 = counts.map_or(0, |c| c.iter().sum());
                    if let Some(c) = counts {
                        profile.iter_mut().zip(c).for_each(|(p, x)| *p += x);
                    }
                    totals.push(total as f64);
                }
                let n = totals.len() as f64;
                let mean = totals.iter().sum::<f64>() / n;
                let sd =
                    (totals.iter().map(|t| (t - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
                WeekdayDemand {
                    weekday: w,
                    dates: totals.len(),
                    mean,
                    sd,
                    profile,
                    fresh,
                }
            })
            .collect()
    }

    /// Open or not per weekday and interval: contacts (any channel) arrived in the interval
    /// and were not turned away on at least `open_share` of that weekday's dates.
    pub fn opening(&self) -> Vec<Vec<bool>> {
        let dates = self.dates_per_weekday();
        let mut per_date = vec![vec![0usize; self.slots]; 7];
        for d in &self.days {
            let row = &mut per_date[weekday(d.day)];
            for (n, &a) in row.iter_mut().zip(&d.accepted) {
                *n += usize::from(a > 0);
            }
        }
        (0..7)
            .map(|w| {
                (0..self.slots)
                    .map(|s| {
                        dates[w] > 0
                            && per_date[w][s] as f64 >= self.options.open_share * dates[w] as f64
                    })
                    .collect()
            })
            .collect()
    }

    /// Staffing per weekday and interval by each estimator: (seen serving, busy while waiting),
    /// averaged over the weekday's dates.
    pub fn staffing(&self) -> Vec<Vec<(f64, f64)>> {
        let dates = self.dates_per_weekday();
        let mut out = vec![vec![(0.0, 0.0); self.slots]; 7];
        for d in &self.days {
            let w = weekday(d.day);
            for (s, l) in d.load.iter().enumerate() {
                let explain = if l.wait_secs > 0.0 {
                    l.busy_while_waiting / l.wait_secs
                } else {
                    f64::from(l.peak_busy)
                };
                out[w][s].0 += f64::from(l.seen) / dates[w] as f64;
                out[w][s].1 += explain / dates[w] as f64;
            }
        }
        out
    }
}

/// Reads a log and fits it: the calls of `range` go through a [`Fitter`] one at a time.
pub fn fit_file(
    path: &std::path::Path,
    format: crate::logs::LogFormat,
    range: crate::logs::DateRange,
    opts: FitOptions,
) -> Result<(Fit, crate::logs::ReadStats), crate::error::InputError> {
    let mut fitter = Fitter::new(opts);
    let stats = crate::logs::read(path, format, range, &mut |c| {
        fitter.add(&c);
        Ok(())
    })?;
    fitter.cover(range.from, range.to);
    let fit = fitter.finish().ok_or_else(|| crate::error::InputError {
        file: path.to_path_buf(),
        at: None,
        field: None,
        message: format!(
            "no contact in the {} read asked for an agent{}: nothing to fit",
            if stats.kept == stats.rows {
                "rows"
            } else {
                "date range"
            },
            if stats.kept < stats.rows {
                format!(" ({} of {} rows in range)", stats.kept, stats.rows)
            } else {
                String::new()
            }
        ),
    })?;
    Ok((fit, stats))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(start: f64, queue: (f64, f64), outcome: CallOutcome) -> Call {
        Call {
            line: 0,
            start,
            channel: "phone".into(),
            ty: "a".into(),
            priority: None,
            queue: Some(queue),
            service: (outcome == CallOutcome::Served).then_some((queue.1, queue.1 + 60.0)),
            outcome,
            agent: None,
            customer: Some("x".into()),
        }
    }

    // The engine schedules a retry at (failure + delay) and a contact arrives at its queue
    // entry, so the fitted delay must run from giving up to the next queue entry: here 10 min,
    // not the 15 min between the two first touches (VRU time and the wait included).
    #[test]
    fn retry_delay_runs_from_the_failure_to_the_next_arrival() {
        let t0 = 8.0 * 3600.0;
        let mut f = Fitter::new(FitOptions::default());
        f.add(&call(t0, (t0 + 60.0, t0 + 360.0), CallOutcome::Abandoned));
        f.add(&call(
            t0 + 900.0,
            (t0 + 960.0, t0 + 1000.0),
            CallOutcome::Served,
        ));
        let fit = f.finish().unwrap();
        assert_eq!((fit.retry.failures, fit.retry.retried), (1, 1));
        assert_eq!(fit.retry.delay.n, 1);
        assert!(
            (fit.retry.delay.mean() - 600.0).abs() < 1e-9,
            "{}",
            fit.retry.delay.mean()
        );
    }
}
