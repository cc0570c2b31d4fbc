//! Summaries across replications: an [`Estimate`] per KPI and breakdown, and per-interval
//! series averaged over days and replications.

use super::replicate::{Layout, RepResult};
use crate::model::Model;
use crate::stats::{Estimate, estimate};

/// Per-interval series of the day, averaged over days and replications.
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
}

/// Everything a run of replications measured.
#[derive(Clone, Debug)]
pub struct Summary {
    pub layout: Layout,
    pub estimates: Vec<Estimate>,
    pub series: IntervalSeries,
    pub replications: usize,
    pub events: u64,
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
        }
    }

    /// The estimate of a KPI for a breakdown.
    pub fn get(&self, kpi: crate::stats::Kpi, scope: crate::stats::Scope) -> Option<Estimate> {
        self.layout.index(kpi, scope).map(|i| self.estimates[i])
    }
}

fn interval_series(m: &Model, reps: &[RepResult]) -> IntervalSeries {
    if reps.is_empty() {
        return IntervalSeries::default();
    }
    let slots = m.slots_per_day;
    let days = (m.horizon - m.warmup) / 86_400.0;
    let n = reps.len() as f64;
    let div = |a: f64, b: f64| if b > 0.0 { a / b } else { f64::NAN };
    let per_team = |f: &dyn Fn(&RepResult, usize, usize) -> (f64, f64)| -> Vec<Vec<f64>> {
        (0..m.teams.len())
            .map(|t| {
                (0..slots)
                    .map(|s| {
                        let (a, b) = reps
                            .iter()
                            .map(|r| f(r, t, s))
                            .fold((0.0, 0.0), |x, y| (x.0 + y.0, x.1 + y.1));
                        div(a, b)
                    })
                    .collect()
            })
            .collect()
    };
    IntervalSeries {
        start: (0..slots).map(|s| s as f64 * m.interval).collect(),
        arrivals: (0..m.channels.len())
            .map(|c| {
                (0..slots)
                    .map(|s| reps.iter().map(|r| r.series.arrivals[c][s]).sum::<f64>() / n / days)
                    .collect()
            })
            .collect(),
        service_level: (0..slots)
            .map(|s| {
                let within: f64 = reps.iter().map(|r| r.series.answered_within[s]).sum();
                let all: f64 = reps.iter().map(|r| r.series.offered[s]).sum();
                div(within, all)
            })
            .collect(),
        service_level_ci: (0..slots)
            .map(|s| {
                estimate(reps.iter().map(|r| {
                    let n = r.series.offered[s];
                    if n > 0.0 {
                        r.series.answered_within[s] / n
                    } else {
                        f64::NAN
                    }
                }))
            })
            .collect(),
        service_level_contacts: (0..slots)
            .map(|s| reps.iter().map(|r| r.series.offered[s]).sum())
            .collect(),
        wait_mean: per_team(&|r, t, s| (r.series.wait_sum[t][s], r.series.wait_n[t][s])),
        utilisation: per_team(&|r, t, s| (r.series.busy_area[t][s], r.series.capacity_area[t][s])),
        queue_mean: per_team(&|r, t, s| (r.series.queue_area[t][s], m.interval * days)),
        agents: per_team(&|r, t, s| (r.series.capacity_area[t][s], r.series.open_time[t][s])),
    }
}
