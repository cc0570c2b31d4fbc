//! Per-interval series over the week (summed over the simulated weeks): arrivals per channel,
//! and per team the visits' waits, utilisation and queue length. Sized by the number of
//! intervals in a week.

use crate::model::Model;

/// Sums per slot of the week (Monday 00:00 first), for one replication.
#[derive(Clone, Debug)]
pub struct Series {
    pub slots: usize,
    /// `[channel][slot]` arrivals.
    pub arrivals: Vec<Vec<f64>>,
    /// `[slot]`, by arrival slot, for contacts on channels judged on the headline (first)
    /// threshold: offered (blocked or queued), answered, answered within it, abandoned.
    pub offered: Vec<f64>,
    pub answered: Vec<f64>,
    pub answered_within: Vec<f64>,
    pub abandoned: Vec<f64>,
    /// Answered contacts by time to answer, in the bins of [`cdf_edges`] (all channels).
    pub response_bins: Vec<f64>,
    /// `[team][slot]` sums.
    pub wait_sum: Vec<Vec<f64>>,
    pub wait_n: Vec<Vec<f64>>,
    pub busy_area: Vec<Vec<f64>>,
    pub capacity_area: Vec<Vec<f64>>,
    pub queue_area: Vec<Vec<f64>>,
    /// Time with someone rostered.
    pub open_time: Vec<Vec<f64>>,
}

impl Series {
    /// Series by slot of the week (Monday 00:00 first), so that weekdays and weekends can be
    /// reported apart.
    pub fn new(m: &Model) -> Self {
        let s = 7 * m.slots_per_day;
        let grid = |n: usize| vec![vec![0.0; s]; n];
        Series {
            slots: s,
            arrivals: grid(m.channels.len()),
            offered: vec![0.0; s],
            answered: vec![0.0; s],
            answered_within: vec![0.0; s],
            abandoned: vec![0.0; s],
            response_bins: vec![0.0; CDF_BINS],
            wait_sum: grid(m.teams.len()),
            wait_n: grid(m.teams.len()),
            busy_area: grid(m.teams.len()),
            capacity_area: grid(m.teams.len()),
            queue_area: grid(m.teams.len()),
            open_time: grid(m.teams.len()),
        }
    }
    #[inline]
    pub(crate) fn arrival(&mut self, ch: u16, slot: usize) {
        {
            self.arrivals[ch as usize][slot] += 1.0;
        }
    }
    #[inline]
    pub(crate) fn answered(&mut self, slot: Option<usize>, within: bool, waited: f64) {
        self.response_bins[cdf_bin(waited)] += 1.0;
        if let Some(slot) = slot {
            self.answered[slot] += 1.0;
            self.answered_within[slot] += f64::from(u8::from(within));
        }
    }
    #[inline]
    pub(crate) fn offered(&mut self, slot: usize) {
        self.offered[slot] += 1.0;
    }
    #[inline]
    pub(crate) fn abandoned(&mut self, slot: usize) {
        {
            self.abandoned[slot] += 1.0;
        }
    }
    #[inline]
    pub(crate) fn visit(&mut self, team: u16, slot: usize, waited: f64) {
        {
            self.wait_sum[team as usize][slot] += waited;
            self.wait_n[team as usize][slot] += 1.0;
        }
    }
}

/// Bins of the answer-time distribution: `[0, 1 s)`, then log-spaced up to 30 days, then one
/// bin for longer.
pub const CDF_BINS: usize = 66;

/// Upper edges (seconds) of the answer-time bins; the last bin is open-ended.
pub fn cdf_edges() -> Vec<f64> {
    (0..CDF_BINS - 1)
        .map(|i| 10f64.powf(i as f64 * 6.5 / (CDF_BINS - 2) as f64))
        .collect()
}

#[inline]
fn cdf_bin(waited: f64) -> usize {
    if waited < 1.0 {
        return 0;
    }
    let i = (waited.log10() * (CDF_BINS - 2) as f64 / 6.5).floor() as usize + 1;
    i.min(CDF_BINS - 1)
}
