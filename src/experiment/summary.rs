//! Summaries across replications: an [`Estimate`] per KPI and breakdown, and per-interval
//! series averaged over days and replications.

use super::replicate::{Layout, RepResult};
use crate::model::Model;
use crate::stats::{Estimate, estimate};

/// Per-interval series of the day, averaged over days and replications (all days together,
/// and each day type apart).
#[derive(Clone, Debug, Default)]
pub struct IntervalSeries {
    /// Start of each interval, seconds after midnight.
    pub start: Vec<f64>,
    /// `[channel][slot]` mean arrivals per day.
    pub arrivals: Vec<Vec<f64>>,
    /// `[slot]` share of the contacts arriving in the slot answered within the headline (first)
    /// threshold, of those offered (blocked or queued), on the channels judged on it.
    pub service_level: Vec<f64>,
    /// `[slot]` offered contacts behind it, over all days and replications.
    pub service_level_contacts: Vec<f64>,
    /// `[slot]` the service level of each replication, summarised: mean and 95% interval
    /// across replications (independent, unlike the contacts of one day).
    pub service_level_ci: Vec<Estimate>,
    /// `[team][slot]`.
    pub wait_mean: Vec<Vec<f64>>,
    pub utilisation: Vec<Vec<f64>>,
    pub queue_mean: Vec<Vec<f64>>,
    /// `[team][slot]` mean agents available while rostered (NaN where never rostered).
    pub agents: Vec<Vec<f64>>,
    /// The answer-time distribution of all channels: (seconds, share of answered contacts
    /// answered within), up to a week (empty in the day-type series).
    pub answer_cdf: Vec<(f64, f64)>,
    /// 95% intervals of the per-team series across replications.
    pub team_ci: TeamCi,
    /// `[channel][slot]` 95% interval of arrivals per day across replications.
    pub arrivals_ci: Vec<Vec<Estimate>>,
    /// The same series for each simulated day type apart ([`DAY_TYPES`]: weekdays, Saturdays,
    /// Sundays); empty within them.
    pub day_types: Vec<(String, IntervalSeries)>,
}

/// `[team][slot]` 95% intervals across replications of each replication's own ratio.
#[derive(Clone, Debug, Default)]
pub struct TeamCi {
    pub wait_mean: Vec<Vec<Estimate>>,
    pub utilisation: Vec<Vec<Estimate>>,
    pub queue_mean: Vec<Vec<Estimate>>,
    pub agents: Vec<Vec<Estimate>>,
}

/// Everything a run of replications measured.
#[derive(Clone, Debug)]
pub struct Summary {
    pub layout: Layout,
    pub estimates: Vec<Estimate>,
    pub series: IntervalSeries,
    pub replications: usize,
    pub events: u64,
    /// `[replication][key]`: each replication's own value of every KPI, in layout order.
    pub per_replication: Vec<Vec<f64>>,
}

impl Summary {
    /// Summarises replications of `m`.
    pub fn new(m: &Model, layout: Layout, reps: &[RepResult]) -> Self {
        let estimates = (0..layout.keys.len())
            .map(|i| estimate(reps.iter().map(|r| r.kpis[i])))
            .collect();
        Summary {
            layout,
            estimates,
            series: interval_series(m, reps),
            replications: reps.len(),
            events: reps.iter().map(|r| r.events).sum(),
            per_replication: reps.iter().map(|r| r.kpis.clone()).collect(),
        }
    }

    /// The estimate of a KPI for a breakdown.
    pub fn get(&self, kpi: crate::stats::Kpi, scope: crate::stats::Scope) -> Option<Estimate> {
        self.layout.index(kpi, scope).map(|i| self.estimates[i])
    }
}

/// Day types reported apart: (name, weekdays with Monday = 0).
pub const DAY_TYPES: [(&str, &[usize]); 3] = [
    ("weekday", &[0, 1, 2, 3, 4]),
    ("saturday", &[5]),
    ("sunday", &[6]),
];

/// Weekdays reported one by one as well where some roster differs between Monday and Friday
/// (weekday schedules or shifts), so each weekday's staffing shows as scheduled.
pub const WEEKDAYS: [(&str, &[usize]); 5] = [
    ("monday", &[0]),
    ("tuesday", &[1]),
    ("wednesday", &[2]),
    ("thursday", &[3]),
    ("friday", &[4]),
];

/// Whether some pool's roster differs between two of Monday to Friday.
fn weekday_rosters_differ(m: &Model) -> bool {
    let spd = m.slots_per_day;
    (0..m.n_pools()).any(|p| {
        let a = m.staffing(crate::model::PoolId::at(p)).agents;
        (1..5).any(|d| a[d * spd..(d + 1) * spd] != a[..spd])
    })
}

fn interval_series(m: &Model, reps: &[RepResult]) -> IntervalSeries {
    if reps.is_empty() {
        return IntervalSeries::default();
    }
    let exposure = week_slot_days(m);
    let mut all = series_for(m, reps, &[0, 1, 2, 3, 4, 5, 6], &exposure);
    let weekdays: &[(&str, &[usize])] = if weekday_rosters_differ(m) {
        &WEEKDAYS
    } else {
        &[]
    };
    all.day_types = DAY_TYPES
        .iter()
        .chain(weekdays)
        .filter(|(_, days)| {
            days.iter().any(|d| {
                exposure[d * m.slots_per_day..(d + 1) * m.slots_per_day]
                    .iter()
                    .any(|&e| e > 0.0)
            })
        })
        .map(|&(name, days)| (name.to_string(), series_for(m, reps, days, &exposure)))
        .collect();
    all.answer_cdf = answer_cdf(reps);
    all
}

/// Per slot of the week, how many simulated days (after warm-up) it occurs on.
fn week_slot_days(m: &Model) -> Vec<f64> {
    let week = 7 * m.slots_per_day;
    let mut out = vec![0.0; week];
    let first = (m.warmup / m.interval).round() as usize;
    let last = (m.horizon / m.interval).round() as usize;
    for k in first..last {
        out[(k + m.start_weekday * m.slots_per_day) % week] += 1.0;
    }
    out
}

/// The series of the day over the given weekdays: sums over those days' slots, then ratios.
fn series_for(m: &Model, reps: &[RepResult], days: &[usize], exposure: &[f64]) -> IntervalSeries {
    let slots = m.slots_per_day;
    let n = reps.len() as f64;
    let div = |a: f64, b: f64| if b > 0.0 { a / b } else { f64::NAN };
    // Sum of f over the chosen days' instances of slot-of-day s.
    let over =
        |s: usize, f: &dyn Fn(usize) -> f64| -> f64 { days.iter().map(|d| f(d * slots + s)).sum() };
    let days_of = |s: usize| over(s, &|w| exposure[w]);
    let per_team = |f: &dyn Fn(&RepResult, usize, usize) -> (f64, f64)| -> Vec<Vec<f64>> {
        (0..m.teams.len())
            .map(|t| {
                (0..slots)
                    .map(|s| {
                        let (a, b) = reps
                            .iter()
                            .flat_map(|r| days.iter().map(move |d| f(r, t, d * slots + s)))
                            .fold((0.0, 0.0), |x, y| (x.0 + y.0, x.1 + y.1));
                        div(a, b)
                    })
                    .collect()
            })
            .collect()
    };
    // The same ratio per replication, summarised across replications (95% t-interval).
    let per_team_ci = |f: &dyn Fn(&RepResult, usize, usize) -> (f64, f64)| -> Vec<Vec<Estimate>> {
        (0..m.teams.len())
            .map(|t| {
                (0..slots)
                    .map(|s| {
                        estimate(reps.iter().map(|r| {
                            let (a, b) = days
                                .iter()
                                .map(|d| f(r, t, d * slots + s))
                                .fold((0.0, 0.0), |x, y| (x.0 + y.0, x.1 + y.1));
                            div(a, b)
                        }))
                    })
                    .collect()
            })
            .collect()
    };
    let wait = |r: &RepResult, t: usize, w: usize| (r.series.wait_sum[t][w], r.series.wait_n[t][w]);
    let util = |r: &RepResult, t: usize, w: usize| {
        (r.series.busy_area[t][w], r.series.capacity_area[t][w])
    };
    let queue =
        |r: &RepResult, t: usize, w: usize| (r.series.queue_area[t][w], m.interval * exposure[w]);
    let agents = |r: &RepResult, t: usize, w: usize| {
        (r.series.capacity_area[t][w], r.series.open_time[t][w])
    };
    let sl_parts = |r: &RepResult, s: usize| -> (f64, f64) {
        (
            over(s, &|w| r.series.answered_within[w]),
            over(s, &|w| r.series.offered[w]),
        )
    };
    IntervalSeries {
        start: (0..slots).map(|s| s as f64 * m.interval).collect(),
        arrivals: (0..m.channels.len())
            .map(|c| {
                (0..slots)
                    .map(|s| {
                        let sum: f64 = reps
                            .iter()
                            .map(|r| over(s, &|w| r.series.arrivals[c][w]))
                            .sum();
                        div(sum / n, days_of(s))
                    })
                    .collect()
            })
            .collect(),
        service_level: (0..slots)
            .map(|s| {
                let (within, all) = reps
                    .iter()
                    .map(|r| sl_parts(r, s))
                    .fold((0.0, 0.0), |x, y| (x.0 + y.0, x.1 + y.1));
                div(within, all)
            })
            .collect(),
        service_level_ci: (0..slots)
            .map(|s| {
                estimate(reps.iter().map(|r| {
                    let (within, all) = sl_parts(r, s);
                    div(within, all)
                }))
            })
            .collect(),
        service_level_contacts: (0..slots)
            .map(|s| reps.iter().map(|r| sl_parts(r, s).1).sum())
            .collect(),
        wait_mean: per_team(&wait),
        utilisation: per_team(&util),
        queue_mean: per_team(&queue),
        agents: per_team(&agents),
        team_ci: TeamCi {
            wait_mean: per_team_ci(&wait),
            utilisation: per_team_ci(&util),
            queue_mean: per_team_ci(&queue),
            agents: per_team_ci(&agents),
        },
        arrivals_ci: (0..m.channels.len())
            .map(|c| {
                (0..slots)
                    .map(|s| {
                        estimate(
                            reps.iter()
                                .map(|r| div(over(s, &|w| r.series.arrivals[c][w]), days_of(s))),
                        )
                    })
                    .collect()
            })
            .collect(),
        answer_cdf: Vec::new(),
        day_types: Vec::new(),
    }
}

/// The pooled answer-time distribution: (seconds, share answered within), up to a week.
fn answer_cdf(reps: &[RepResult]) -> Vec<(f64, f64)> {
    let edges = crate::stats::cdf_edges();
    let mut bins = vec![0.0; edges.len() + 1];
    for r in reps {
        bins.iter_mut()
            .zip(&r.series.response_bins)
            .for_each(|(a, b)| *a += b);
    }
    let total: f64 = bins.iter().sum();
    if total <= 0.0 {
        return Vec::new(); // Nothing answered: no distribution.
    }
    let mut acc = 0.0;
    edges
        .iter()
        .zip(&bins)
        .filter(|(e, _)| **e <= 7.0 * 86_400.0)
        .map(|(&e, &b)| {
            acc += b;
            (e, acc / total)
        })
        .collect()
}
