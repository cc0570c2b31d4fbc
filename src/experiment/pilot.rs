//! Pilot evaluation (`tiersim pilot`): the KPIs observed in a log per measurement window
//! against the model's prediction for the same windows, as 95% **prediction intervals** for
//! one window's value (the 2.5% and 97.5% quantiles of that window's KPI across
//! replications, not the confidence interval of their mean); then the single factor on
//! handling time, patience or staffing that best reconciles the two.
//!
//! Observed and simulated contacts go through the same window tally ([`WindowTally`]), whose
//! definitions are tiersim's (checked against the collector's by a test): `arrived` counts
//! every contact that arrived; `abandon_rate` = abandoned / arrived; `service_level_<T>` =
//! answered within T / offered (answered, abandoned or blocked: blocked and abandoned contacts
//! count as failures); `response_mean` = mean time from arrival to an agent picking up, over
//! answered contacts.

use crate::engine::{self, RunOptions, TraceRecord};
use crate::error::{Error, Result};
use crate::logs::{Call, CallOutcome, DAY, Date, weekday};
use crate::model::{ArrivalModel, BusinessClock, LogRow, Model, TypeId, clock_between};
use crate::scenario::{Dist, Dur, Scenario, Source, Weekday};
use crate::stats::{ContactEnd, Kpi};
use rayon::prelude::*;

/// Measurement windows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Windows {
    Day,
    Week,
    /// The scenario's reporting interval, on each date.
    Interval,
}

/// Where the simulated demand comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DemandSource {
    /// The log's contacts, at their recorded times, types and priorities (the log's repeat
    /// calls included, so the scenario's retries are switched off).
    Replay,
    /// The scenario's arrival streams, retries included.
    Model,
}

/// What a pilot evaluation runs.
#[derive(Clone, Debug)]
pub struct PilotOptions {
    pub windows: Windows,
    pub demand: DemandSource,
    pub replications: u64,
    pub seed: u64,
    /// Replications per evaluation of a recalibration factor (0: no recalibration).
    pub calibration_replications: u64,
    /// A business calendar of the scenario (`business_hours`) on which the times to answer,
    /// observed and simulated alike, are measured (`service_level_<T>_business`,
    /// `response_mean_business`); none: the wall clock.
    pub clock: Option<String>,
}

/// One contact as the window KPIs see it.
#[derive(Clone, Copy, Debug)]
pub struct Seen {
    /// Seconds since midnight of the pilot's first date.
    pub arrival: f64,
    /// Time to an agent picking up, if answered.
    pub answered: Option<f64>,
    pub abandoned: bool,
    pub blocked: bool,
}

/// Number of KPIs per window.
pub const N_KPIS: usize = 4;

/// Streaming counts for one window.
#[derive(Clone, Copy, Debug, Default)]
pub struct WindowTally {
    pub arrived: u64,
    pub answered: u64,
    pub within: u64,
    pub abandoned: u64,
    pub blocked: u64,
    pub wait_sum: f64,
}

impl WindowTally {
    pub fn add(&mut self, c: &Seen, threshold: f64) {
        self.arrived += 1;
        if let Some(w) = c.answered {
            self.answered += 1;
            self.within += u64::from(w <= threshold);
            self.wait_sum += w;
        }
        self.abandoned += u64::from(c.abandoned);
        self.blocked += u64::from(c.blocked);
    }
    /// `arrived`, `abandon_rate`, `service_level_<T>`, `response_mean` (NaN when undefined).
    pub fn values(&self) -> [f64; N_KPIS] {
        let r = |a: f64, b: u64| if b == 0 { f64::NAN } else { a / b as f64 };
        [
            self.arrived as f64,
            r(self.abandoned as f64, self.arrived),
            r(
                self.within as f64,
                self.answered + self.abandoned + self.blocked,
            ),
            r(self.wait_sum, self.answered),
        ]
    }
}

/// The unit of each window KPI, in the order of [`kpi_names`] (as the tidy outputs name
/// units).
pub const KPI_UNITS: [&str; N_KPIS] = ["count", "ratio", "ratio", "s"];

/// The KPI names, as tiersim names them for `m`.
pub fn kpi_names(m: &Model) -> [String; N_KPIS] {
    [
        Kpi::Arrived.name(m),
        Kpi::AbandonRate.name(m),
        Kpi::ServiceLevel(0).name(m),
        Kpi::ResponseMean.name(m),
    ]
}

/// A contact of the simulation's trace, for the window KPIs (chasing contacts included, as
/// they arrive on a channel like any other).
pub fn seen_from_trace(t: &TraceRecord) -> Seen {
    Seen {
        arrival: t.arrival,
        answered: (!t.answered.is_nan()).then_some(t.answered - t.arrival),
        abandoned: t.outcome == ContactEnd::Abandoned,
        blocked: t.outcome == ContactEnd::Blocked,
    }
}

/// `seen` with its time to answer measured on `clock` (business seconds from its arrival to
/// its answer; unchanged without a clock).
pub fn seen_on_clock(seen: Seen, clock: Option<&BusinessClock>) -> Seen {
    Seen {
        answered: seen
            .answered
            .map(|w| clock_between(clock, seen.arrival, seen.arrival + w)),
        ..seen
    }
}

/// A recorded contact that asked for an agent, for the window KPIs; `day0` is the first date.
pub fn seen_from_call(c: &Call, day0: i64) -> Option<Seen> {
    let a = c.arrival()?;
    Some(Seen {
        arrival: a - day0 as f64 * DAY,
        answered: (c.outcome == CallOutcome::Served).then(|| c.wait().unwrap_or(0.0)),
        abandoned: c.outcome == CallOutcome::Abandoned,
        blocked: c.outcome == CallOutcome::Blocked,
    })
}

/// The windows of a pilot over `days` dates from `day0`.
#[derive(Clone, Debug)]
pub struct WindowGrid {
    pub kind: Windows,
    pub day0: i64,
    pub days: usize,
    pub interval: f64,
}

impl WindowGrid {
    pub fn len(&self) -> usize {
        match self.kind {
            Windows::Day => self.days,
            Windows::Week => self.days.div_ceil(7),
            Windows::Interval => self.days * (DAY / self.interval).round() as usize,
        }
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Window of an arrival (seconds since the first date's midnight).
    pub fn index(&self, t: f64) -> Option<usize> {
        let w = match self.kind {
            Windows::Day => t / DAY,
            Windows::Week => t / (7.0 * DAY),
            Windows::Interval => t / self.interval,
        };
        (w >= 0.0 && (w as usize) < self.len()).then_some(w as usize)
    }
    pub fn label(&self, i: usize) -> String {
        match self.kind {
            Windows::Day => Date::from_days(self.day0 + i as i64).to_string(),
            Windows::Week => format!("week of {}", Date::from_days(self.day0 + 7 * i as i64)),
            Windows::Interval => {
                Date::format_time(self.day0 as f64 * DAY + i as f64 * self.interval)[..16]
                    .to_string()
            }
        }
    }
    /// Tallies per window.
    pub fn tally(&self, seen: impl Iterator<Item = Seen>, threshold: f64) -> Vec<WindowTally> {
        let mut out = vec![WindowTally::default(); self.len()];
        for s in seen {
            if let Some(i) = self.index(s.arrival) {
                out[i].add(&s, threshold);
            }
        }
        out
    }
}

/// One line of `pilot.csv`.
#[derive(Clone, Debug)]
pub struct PilotRow {
    pub window: String,
    pub window_index: usize,
    pub kpi: String,
    pub observed: f64,
    pub predicted_mean: f64,
    pub pi_low: f64,
    pub pi_high: f64,
    pub inside: bool,
}

/// Coverage of one KPI: windows whose observed value lies inside its prediction interval.
#[derive(Clone, Debug)]
pub struct Coverage {
    pub kpi: String,
    pub inside: usize,
    pub windows: usize,
}

/// A lever the recalibration may pull.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lever {
    Handling,
    Patience,
    Staffing,
}

impl Lever {
    pub fn name(self) -> &'static str {
        match self {
            Lever::Handling => "handling time",
            Lever::Patience => "patience",
            Lever::Staffing => "staffing (adherence)",
        }
    }
}

/// The single factor that best reconciles prediction and observation.
#[derive(Clone, Debug)]
pub struct Recalibration {
    /// Per lever: best factor and its score (mean squared standardised gap).
    pub tried: Vec<(Lever, f64, f64)>,
    pub score_before: f64,
    pub lever: Lever,
    pub factor: f64,
    pub rows: Vec<PilotRow>,
    pub coverage: Vec<Coverage>,
}

/// A pilot evaluation.
#[derive(Clone, Debug)]
pub struct PilotResult {
    pub grid: WindowGrid,
    pub rows: Vec<PilotRow>,
    pub coverage: Vec<Coverage>,
    pub recalibration: Option<Recalibration>,
}

/// The model for the pilot's dates: the scenario over `days` dates from the weekday of
/// `day0` (plus one day for contacts to finish), no warm-up, with `lever` scaled by `factor`
/// and, for replayed demand, the log's contacts as arrivals.
fn pilot_model(
    s: &Scenario,
    src: &Source,
    grid: &WindowGrid,
    calls: &[Call],
    demand: DemandSource,
    lever: Option<(Lever, f64)>,
) -> Result<Model> {
    let mut s = s.clone();
    s.calendar.days = grid.days as u32 + 1;
    s.calendar.warmup = Dur::from_mins(0.0);
    s.calendar.start = WEEKDAYS[weekday(grid.day0)];
    match lever {
        Some((Lever::Handling, f)) => {
            for t in &mut s.teams {
                t.handling.values_mut().for_each(|d| *d = scale_dist(d, f));
            }
        }
        Some((Lever::Patience, f)) => {
            for c in &mut s.channels {
                c.patience = c.patience.as_ref().map(|d| scale_dist(d, f));
            }
        }
        _ => {}
    }
    let mut m = crate::model::compile(&s, src)?;
    if let Some((Lever::Staffing, f)) = lever {
        for t in &mut m.teams {
            t.agents
                .iter_mut()
                .for_each(|a| *a = (f64::from(*a) * f).round() as u32);
        }
    }
    if demand == DemandSource::Replay {
        replay(&mut m, calls, grid.day0)?;
    }
    Ok(m)
}

const WEEKDAYS: [Weekday; 7] = [
    Weekday::Mon,
    Weekday::Tue,
    Weekday::Wed,
    Weekday::Thu,
    Weekday::Fri,
    Weekday::Sat,
    Weekday::Sun,
];

/// Replaces every channel's arrivals by the log's contacts and switches retries off.
fn replay(m: &mut Model, calls: &[Call], day0: i64) -> Result<()> {
    let mut rows: Vec<Vec<LogRow>> = vec![Vec::new(); m.channels.len()];
    for c in calls {
        let Some(a) = c.arrival() else { continue };
        let ch = m.channel(&c.channel).ok_or_else(|| {
            Error::Usage(format!(
                "log line {}: channel `{}` is not in the scenario (channels: {})",
                c.line,
                c.channel,
                m.channels
                    .iter()
                    .map(|c| c.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        })?;
        let ty = m.types.iter().position(|t| *t == c.ty).ok_or_else(|| {
            Error::Usage(format!(
                "log line {}: incident type `{}` is not in the scenario (types: {})",
                c.line,
                c.ty,
                m.types.join(", ")
            ))
        })?;
        rows[ch.index()].push(LogRow {
            time: a - day0 as f64 * DAY,
            ty: TypeId::at(ty),
            priority: c.priority.map(|p| p as u8),
            handling: None,
        });
    }
    for (ch, mut r) in m.channels.iter_mut().zip(rows) {
        r.sort_by(|a, b| a.time.total_cmp(&b.time));
        ch.arrivals = ArrivalModel::Log(r);
        ch.retry = None;
    }
    Ok(())
}

/// A distribution with every duration multiplied by `f`.
pub fn scale_dist(d: &Dist, f: f64) -> Dist {
    let x = |v: &Dur| Dur::from_secs(v.secs() * f);
    match d {
        Dist::Exponential { mean } => Dist::Exponential { mean: x(mean) },
        Dist::LogNormal { mean, sd } => Dist::LogNormal {
            mean: x(mean),
            sd: x(sd),
        },
        Dist::Gamma { mean, sd } => Dist::Gamma {
            mean: x(mean),
            sd: x(sd),
        },
        Dist::Weibull { shape, scale } => Dist::Weibull {
            shape: *shape,
            scale: x(scale),
        },
        Dist::Uniform { min, max } => Dist::Uniform {
            min: x(min),
            max: x(max),
        },
        Dist::Deterministic(v) => Dist::Deterministic(x(v)),
        Dist::Empirical(v) => Dist::Empirical(v.iter().map(x).collect()),
    }
}

/// The index of the business calendar called `name` in `m`, if a name is given.
fn pilot_clock(m: &Model, name: Option<&str>) -> Result<Option<usize>> {
    let Some(name) = name else { return Ok(None) };
    let names: Vec<&str> = m.cases.clocks.iter().map(|c| c.name.as_str()).collect();
    match names.iter().position(|n| *n == name) {
        Some(k) => Ok(Some(k)),
        None => Err(Error::Usage(format!(
            "--sla-clock `{name}`: the scenario defines no such business calendar (known: {})",
            if names.is_empty() {
                "none; add `business_hours: [...]`".to_string()
            } else {
                names.join(", ")
            }
        ))),
    }
}

/// KPI values per replication, window and KPI.
fn simulate_windows(
    m: &Model,
    grid: &WindowGrid,
    (seed, reps): (u64, u64),
    clock: Option<usize>,
) -> Result<Vec<Vec<[f64; N_KPIS]>>> {
    let threshold = m.thresholds[0];
    let clock = clock.map(|k| &m.cases.clocks[k]);
    (0..reps)
        .into_par_iter()
        .map(|r| {
            let out = engine::simulate(m, seed, r, &RunOptions { trace: true })?;
            Ok(grid
                .tally(
                    // Deflected contacts never arrive (as in the collector's KPIs).
                    out.trace
                        .iter()
                        .filter(|t| t.outcome != ContactEnd::Deflected)
                        .map(|t| seen_on_clock(seen_from_trace(t), clock)),
                    threshold,
                )
                .iter()
                .map(WindowTally::values)
                .collect())
        })
        .collect()
}

/// The `q` quantile of sorted values (linear interpolation between order statistics).
fn quantile(sorted: &[f64], q: f64) -> f64 {
    let h = (sorted.len() - 1) as f64 * q;
    let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

/// Prediction per window and KPI: (mean, sd, 2.5% and 97.5% quantiles), `None` where fewer
/// than half the replications define the KPI.
type Prediction = Option<(f64, f64, f64, f64)>;

fn predict(sims: &[Vec<[f64; N_KPIS]>], windows: usize) -> Vec<[Prediction; N_KPIS]> {
    (0..windows)
        .map(|w| {
            std::array::from_fn(|k| {
                let mut v: Vec<f64> = sims
                    .iter()
                    .map(|r| r[w][k])
                    .filter(|x| x.is_finite())
                    .collect();
                if v.len() * 2 < sims.len() || v.is_empty() {
                    return None;
                }
                v.sort_by(f64::total_cmp);
                let n = v.len() as f64;
                let mean = v.iter().sum::<f64>() / n;
                let sd =
                    (v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0).max(1.0)).sqrt();
                Some((mean, sd, quantile(&v, 0.025), quantile(&v, 0.975)))
            })
        })
        .collect()
}

/// Rows and coverage from observed values and predictions. Windows with no contact either
/// observed or predicted are left out.
fn compare(
    grid: &WindowGrid,
    names: &[String; N_KPIS],
    observed: &[WindowTally],
    pred: &[[Prediction; N_KPIS]],
) -> (Vec<PilotRow>, Vec<Coverage>) {
    let mut rows = Vec::new();
    let mut cov: Vec<Coverage> = names
        .iter()
        .map(|k| Coverage {
            kpi: k.clone(),
            inside: 0,
            windows: 0,
        })
        .collect();
    for (w, (obs, p)) in observed.iter().zip(pred).enumerate() {
        let ov = obs.values();
        if obs.arrived == 0 && p[0].is_none_or(|x| x.0 == 0.0) {
            continue;
        }
        for k in 0..N_KPIS {
            let (Some((mean, _, lo, hi)), true) = (p[k], ov[k].is_finite()) else {
                continue;
            };
            let inside = ov[k] >= lo && ov[k] <= hi;
            cov[k].windows += 1;
            cov[k].inside += usize::from(inside);
            rows.push(PilotRow {
                window: grid.label(w),
                window_index: w,
                kpi: names[k].clone(),
                observed: ov[k],
                predicted_mean: mean,
                pi_low: lo,
                pi_high: hi,
                inside,
            });
        }
    }
    (rows, cov)
}

/// Mean squared standardised gap between observation and prediction, (observed - predicted
/// mean) / predicted sd, over the KPIs a lever can move (all but `arrived`).
fn score(observed: &[WindowTally], pred: &[[Prediction; N_KPIS]]) -> f64 {
    let (mut sum, mut n) = (0.0, 0usize);
    for (obs, p) in observed.iter().zip(pred) {
        let ov = obs.values();
        for k in 1..N_KPIS {
            if let (Some((mean, sd, _, _)), true) = (p[k], ov[k].is_finite()) {
                // A floor on the spread (5 points for shares, 1 s for times) keeps windows
                // the model sees as certain from dominating.
                let scale = sd.max(if k == 3 { 1.0 } else { 0.05 });
                sum += ((ov[k] - mean) / scale).powi(2);
                n += 1;
            }
        }
    }
    if n == 0 { f64::NAN } else { sum / n as f64 }
}

/// Runs the pilot evaluation of scenario `s` against the recorded `calls` (contacts of the
/// log, in order), windows over the dates `day0 .. day0 + days`.
pub fn pilot(
    s: &Scenario,
    src: &Source,
    calls: &[Call],
    day0: i64,
    days: usize,
    opts: &PilotOptions,
) -> Result<PilotResult> {
    let base = pilot_model(
        s,
        src,
        &WindowGrid {
            kind: opts.windows,
            day0,
            days,
            interval: 0.0,
        },
        calls,
        opts.demand,
        None,
    )?;
    let grid = WindowGrid {
        kind: opts.windows,
        day0,
        days,
        interval: base.interval,
    };
    let clock = pilot_clock(&base, opts.clock.as_deref())?;
    let mut names = kpi_names(&base);
    if clock.is_some() {
        // The times to answer are on the business clock: say so in their names.
        for n in &mut names[2..] {
            n.push_str("_business");
        }
    }
    let observed = grid.tally(
        calls
            .iter()
            .filter_map(|c| seen_from_call(c, day0))
            .map(|s| seen_on_clock(s, clock.map(|k| &base.cases.clocks[k]))),
        base.thresholds[0],
    );
    let run = |m: &Model, reps: u64| -> Result<Vec<[Prediction; N_KPIS]>> {
        Ok(predict(
            &simulate_windows(m, &grid, (opts.seed, reps), clock)?,
            grid.len(),
        ))
    };
    let pred = run(&base, opts.replications)?;
    let (rows, coverage) = compare(&grid, &names, &observed, &pred);
    let recalibration = if opts.calibration_replications > 1 {
        let eval = |lever: Lever, f: f64| -> Result<f64> {
            let m = pilot_model(s, src, &grid, calls, opts.demand, Some((lever, f)))?;
            Ok(score(&observed, &run(&m, opts.calibration_replications)?))
        };
        let score_before = score(&observed, &run(&base, opts.calibration_replications)?);
        let mut tried = Vec::new();
        for lever in [Lever::Handling, Lever::Patience, Lever::Staffing] {
            let (f, sc) = golden(|f| eval(lever, f))?;
            tried.push((lever, f, sc));
        }
        let &(lever, factor, _) = tried
            .iter()
            .min_by(|a, b| a.2.total_cmp(&b.2))
            .expect("three levers tried");
        let m = pilot_model(s, src, &grid, calls, opts.demand, Some((lever, factor)))?;
        let (rows, coverage) = compare(&grid, &names, &observed, &run(&m, opts.replications)?);
        Some(Recalibration {
            tried,
            score_before,
            lever,
            factor,
            rows,
            coverage,
        })
    } else {
        None
    };
    Ok(PilotResult {
        grid,
        rows,
        coverage,
        recalibration,
    })
}

/// Golden-section search for the factor in [1/2, 2] (on its logarithm) minimising `f`;
/// returns the best factor seen and its value.
fn golden(f: impl Fn(f64) -> Result<f64>) -> Result<(f64, f64)> {
    let g = (5f64.sqrt() - 1.0) / 2.0;
    let (mut a, mut b) = (0.5f64.ln(), 2f64.ln());
    let mut c = b - g * (b - a);
    let mut d = a + g * (b - a);
    let (mut fc, mut fd) = (f(c.exp())?, f(d.exp())?);
    let mut best = if fc < fd {
        (c.exp(), fc)
    } else {
        (d.exp(), fd)
    };
    for _ in 0..10 {
        if fc.is_nan() || fc < fd || fd.is_nan() && !fc.is_nan() {
            b = d;
            d = c;
            fd = fc;
            c = b - g * (b - a);
            fc = f(c.exp())?;
            if fc < best.1 {
                best = (c.exp(), fc);
            }
        } else {
            a = c;
            c = d;
            fc = fd;
            d = a + g * (b - a);
            fd = f(d.exp())?;
            if fd < best.1 {
                best = (d.exp(), fd);
            }
        }
    }
    let one = f(1.0)?;
    if one <= best.1 {
        best = (1.0, one);
    }
    Ok(best)
}

/// A model-generated log: the contacts of a simulation's trace as recorded calls, dated from
/// `day0` (for round trips and for checking a pilot on data the model itself produced).
/// Served contacts are taken as served in one visit from the answer to their end (exact for
/// scenarios where the entry team resolves); the incident is the customer, so retries share
/// a customer id; agents are not traced.
pub fn calls_from_trace(m: &Model, trace: &[TraceRecord], day0: i64) -> Vec<Call> {
    let base = day0 as f64 * DAY;
    let mut calls: Vec<Call> = trace
        .iter()
        .map(|t| {
            let answered = !t.answered.is_nan();
            let outcome = match t.outcome {
                ContactEnd::Abandoned => CallOutcome::Abandoned,
                ContactEnd::Blocked => CallOutcome::Blocked,
                _ if answered => CallOutcome::Served,
                // Lost before any answer (a forgotten hand-off): not an agent contact.
                _ => CallOutcome::SelfService,
            };
            let queue = match outcome {
                CallOutcome::Served if t.answered > t.arrival => Some((t.arrival, t.answered)),
                CallOutcome::Abandoned => Some((t.arrival, t.end)),
                _ => None,
            };
            Call {
                line: 0,
                start: base + t.arrival,
                channel: m.channels[t.channel as usize].name.clone(),
                ty: m.types[t.ty as usize].clone(),
                priority: Some(crate::scenario::Priority::ALL[t.priority as usize]),
                queue: queue.map(|(a, b)| (base + a, base + b)),
                service: answered.then_some((base + t.answered, base + t.end)),
                outcome,
                agent: None,
                customer: Some(format!("c{}", t.incident)),
            }
        })
        .collect();
    calls.sort_by(|a, b| a.start.total_cmp(&b.start));
    calls
}
