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
    // One caller (Collector::answered): inlined there.
    #[inline(always)]
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

/// The answer-time bin of `waited`: `[0, 1 s)` is bin 0, then `floor(log10(w) x 64 / 6.5) + 1`
/// up to the last. Computed without a logarithm (see [`CdfLows`]); identical to
/// [`cdf_bin_by_log`] for every value.
#[inline(always)]
fn cdf_bin(waited: f64) -> usize {
    if waited < 1.0 {
        return 0;
    }
    let lows = CdfLows::get();
    // The binary exponent of `waited` (at least 1 here): 2^e <= waited < 2^(e + 1).
    let e = ((waited.to_bits() >> 52) as usize).wrapping_sub(1023);
    let Some(&start) = lows.start.get(e) else {
        // 2^64 s and beyond, infinite or NaN.
        return cdf_bin_by_log(waited);
    };
    let mut bin = usize::from(start);
    while bin + 1 < CDF_BINS && waited >= lows.below[bin + 1] {
        bin += 1;
    }
    // `waited` is now below the next bin's band; within its own bin's band, the logarithm
    // decides.
    if waited < lows.above[bin] {
        return cdf_bin_by_log(waited);
    }
    bin
}

/// The answer-time bin of `waited` by its logarithm (the definition); off the hot path.
#[cold]
#[inline(never)]
fn cdf_bin_by_log(waited: f64) -> usize {
    if waited < 1.0 {
        return 0;
    }
    let i = (waited.log10() * (CDF_BINS - 2) as f64 / 6.5).floor() as usize + 1;
    i.min(CDF_BINS - 1)
}

/// Where [`cdf_bin_by_log`] changes bin, found once by bisection over the bit patterns of
/// positive doubles (ordered as their values): `low[k]` is the least wait in bin `k` or above
/// (`k >= 1`). A wait within a relative 1e-12 of some `low[k]` (the band `below[k]` to
/// `above[k]`) is binned by the logarithm itself, so the few ulps by which `log10` may be off
/// never matter; outside the bands the comparisons give the logarithm's bin exactly.
struct CdfLows {
    below: [f64; CDF_BINS],
    above: [f64; CDF_BINS],
    /// Per binary exponent `e` (waits in `[2^e, 2^(e + 1))`): the bin of `2^e`.
    start: [u8; 64],
}

impl CdfLows {
    fn get() -> &'static CdfLows {
        static LOWS: std::sync::OnceLock<CdfLows> = std::sync::OnceLock::new();
        LOWS.get_or_init(CdfLows::new)
    }

    fn new() -> CdfLows {
        const BAND: f64 = 1e-12;
        let mut below = [0.0; CDF_BINS];
        let mut above = [0.0; CDF_BINS];
        let top = 2f64.powi(64).to_bits();
        for k in 1..CDF_BINS {
            // Least bit pattern whose value is in bin k or above (bin(1.0) = 1).
            let (mut lo, mut hi) = (0.5f64.to_bits(), top);
            while hi - lo > 1 {
                let mid = lo + (hi - lo) / 2;
                if cdf_bin_by_log(f64::from_bits(mid)) >= k {
                    hi = mid;
                } else {
                    lo = mid;
                }
            }
            let low = f64::from_bits(hi);
            below[k] = low * (1.0 - BAND);
            above[k] = low * (1.0 + BAND);
        }
        CdfLows {
            below,
            above,
            start: std::array::from_fn(|e| cdf_bin_by_log(2f64.powi(e as i32)) as u8),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{CDF_BINS, cdf_bin, cdf_bin_by_log, cdf_edges};

    /// The bin without a logarithm is the logarithm's bin: at and around every bin edge (to
    /// the ulp), at powers of two, at the ends, and at a million waits spread over the range.
    #[test]
    fn cdf_bin_agrees_with_the_logarithm() {
        let mut waits = vec![
            0.0,
            -1.0,
            0.999,
            1.0,
            1e300,
            f64::INFINITY,
            f64::NAN,
            f64::MAX,
        ];
        let edges = cdf_edges();
        for &e in edges.iter().chain(&[2f64.powi(64)]) {
            let mut up = e;
            let mut down = e;
            for _ in 0..64 {
                waits.extend([up, down]);
                up = up.next_up();
                down = down.next_down();
            }
            waits.extend([e * (1.0 + 1e-12), e * (1.0 - 1e-12), e * 1.001, e * 0.999]);
        }
        waits.extend((0..80).map(|e| 2f64.powi(e)));
        waits.extend(super::super::tally::log_spread(1_000_000, -0.5, 8.0));
        for w in waits {
            assert_eq!(cdf_bin(w), cdf_bin_by_log(w), "wait {w:e}");
        }
        assert_eq!(cdf_bin(1e7), CDF_BINS - 1);
    }
}
