//! A streaming tally of durations: count, mean, max, and quantiles from a bounded-memory
//! histogram (2 significant digits, i.e. within 1%), so memory never grows with the horizon.

use hdrhistogram::Histogram;

/// Longest duration the histograms resolve (400 days, in milliseconds); longer values are
/// recorded as this.
const MAX_MS: u64 = 400 * 86_400_000;

/// Count, sum, max and a histogram of durations in seconds.
#[derive(Clone, Debug)]
pub struct Tally {
    pub n: u64,
    pub sum: f64,
    pub max: f64,
    hist: Option<Histogram<u64>>,
}

impl Tally {
    /// A tally that also keeps a histogram for quantiles.
    pub fn with_quantiles() -> Self {
        Tally {
            n: 0,
            sum: 0.0,
            max: f64::NAN,
            hist: Some(
                Histogram::new_with_bounds(1, MAX_MS, 2)
                    .expect("static histogram bounds are valid"),
            ),
        }
    }

    /// A tally of count, sum and max only (no quantiles), for KPIs reported as means.
    pub fn mean_only() -> Self {
        Tally {
            n: 0,
            sum: 0.0,
            max: f64::NAN,
            hist: None,
        }
    }

    /// Records a duration in seconds.
    #[inline]
    pub fn record(&mut self, secs: f64) {
        self.n += 1;
        self.sum += secs;
        if self.max.is_nan() || secs > self.max {
            self.max = secs;
        }
        if let Some(h) = &mut self.hist {
            // Durations are non-negative: adding 0.5 and truncating rounds without a libm call.
            h.saturating_record((secs * 1000.0 + 0.5) as u64);
        }
    }

    /// Mean in seconds (NaN when empty).
    pub fn mean(&self) -> f64 {
        if self.n == 0 {
            f64::NAN
        } else {
            self.sum / self.n as f64
        }
    }

    /// Quantile `q` in seconds (NaN when empty or kept without histogram).
    pub fn quantile(&self, q: f64) -> f64 {
        match &self.hist {
            Some(h) if self.n > 0 => h.value_at_quantile(q) as f64 / 1000.0,
            _ => f64::NAN,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_within_one_percent() {
        let mut t = Tally::with_quantiles();
        for i in 1..=10_000 {
            t.record(f64::from(i));
        }
        assert_eq!(t.n, 10_000);
        assert!((t.mean() - 5000.5).abs() < 1e-9);
        assert!((t.quantile(0.9) / 9000.0 - 1.0).abs() < 0.01);
        assert_eq!(t.max, 10_000.0);
    }

    #[test]
    fn empty_tally_is_nan_not_zero() {
        let t = Tally::with_quantiles();
        assert!(t.mean().is_nan() && t.quantile(0.5).is_nan());
    }
}
