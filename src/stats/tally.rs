//! A streaming tally of durations: count, mean, max, and quantiles from a bounded-memory
//! histogram (2 significant digits, i.e. within 1%), so memory never grows with the horizon.
//!
//! The histogram is HdrHistogram's layout for values 1 ms to [`MAX_MS`] at 2 significant
//! digits (256 sub-buckets, each bucket twice as wide as the one before), written out for
//! this one layout so that recording a value is a shift and an increment; a test checks it
//! against the `hdrhistogram` crate value for value and quantile for quantile.

/// Longest duration the histograms resolve (400 days, in milliseconds); longer values are
/// recorded as this.
const MAX_MS: u64 = 400 * 86_400_000;

/// Count, sum and max of durations in seconds, for KPIs reported as means and maxima.
#[derive(Clone, Debug)]
pub struct Summary {
    pub n: u64,
    pub sum: f64,
    /// The largest value recorded; minus infinity while empty ([`Summary::max`] says NaN).
    max: f64,
}

/// A [`Summary`] (read through it) and a histogram of durations in seconds, for quantiles.
#[derive(Clone, Debug)]
pub struct Tally {
    summary: Summary,
    hist: Hist,
}

impl std::ops::Deref for Tally {
    type Target = Summary;
    fn deref(&self) -> &Summary {
        &self.summary
    }
}

/// Log2 of half the sub-buckets per bucket (2 significant digits need 256 sub-buckets).
const HALF_MAGNITUDE: u32 = 7;
const HALF: u64 = 1 << HALF_MAGNITUDE;
/// Values below 256 ms share bucket 0.
const SUB_MASK: u64 = 2 * HALF - 1;
/// Buckets needed to cover [`MAX_MS`]: bucket k holds values below 256 x 2^k.
const BUCKETS: u32 = {
    let mut n = 1;
    while (2 * HALF) << (n - 1) <= MAX_MS {
        n += 1;
    }
    n
};
/// Counters: the bottom bucket's 256 and the top half (128) of every other.
const LEN: usize = ((BUCKETS + 1) as usize) << HALF_MAGNITUDE;

/// Counts of millisecond values in HdrHistogram's buckets (see the module doc); a fixed
/// length, so that indexing needs no bounds check.
#[derive(Clone, Debug)]
struct Hist {
    counts: Box<[u64; LEN]>,
}

impl Hist {
    fn new() -> Self {
        let counts: Box<[u64]> = vec![0; LEN].into_boxed_slice();
        Hist {
            counts: counts.try_into().expect("LEN counters"),
        }
    }

    /// The counter of `ms`; values past the last bucket count as [`MAX_MS`].
    #[inline]
    fn index(ms: u64) -> usize {
        let bucket = 63 - HALF_MAGNITUDE - (ms | SUB_MASK).leading_zeros();
        let sub = ms >> bucket;
        let i = (((bucket + 1) as u64) << HALF_MAGNITUDE) + sub - HALF;
        if i < LEN as u64 {
            i as usize
        } else {
            Self::index(MAX_MS)
        }
    }

    /// The counter of `x` milliseconds (a duration x 1000 + 0.5, rounded by truncation): the
    /// counter of [`Hist::index`] for `x` truncated to an integer (negatives and NaN as 0,
    /// past 2^63 as 2^63 - 1), read from the double's bits without converting it. From 256 ms
    /// (bucket `e - 7` for `2^e <= x < 2^(e + 1)`), the counter is `(e - 6) x 128` plus the
    /// top 7 bits of the mantissa, which is the exponent and mantissa fields shifted down, less
    /// the bias; below, it is the value itself (bucket 0).
    #[inline(always)]
    fn index_of(x: f64) -> usize {
        if x >= (2 * HALF) as f64 {
            let i = (x.to_bits() >> (52 - HALF_MAGNITUDE))
                - ((1023 + HALF_MAGNITUDE as u64 - 1) << HALF_MAGNITUDE);
            if i < LEN as u64 {
                i as usize
            } else {
                Self::index(MAX_MS)
            }
        } else {
            // Below 256 (or NaN): the saturating conversion to a byte is the truncation, 0
            // for negatives and NaN.
            usize::from(x as u8)
        }
    }

    #[inline(always)]
    fn record(&mut self, x: f64) {
        self.counts[Self::index_of(x)] += 1;
    }

    /// The lowest value of counter `i`, and the width of its range.
    fn range(i: usize) -> (u64, u64) {
        let half = HALF as usize;
        let (bucket, sub) = match (i >> HALF_MAGNITUDE).checked_sub(1) {
            Some(b) => (b as u32, (i & (half - 1)) + half),
            None => (0, i),
        };
        ((sub as u64) << bucket, 1 << bucket)
    }

    /// HdrHistogram's value at quantile `q` of `total` values: the highest value equivalent
    /// to the first counter at which the running count reaches `ceil(q x total)` (at least
    /// one); the lowest for `q = 0`.
    fn value_at_quantile(&self, q: f64, total: u64) -> u64 {
        let q = q.min(1.0);
        let want = ((q * total as f64).ceil() as u64).max(1);
        let mut seen = 0u64;
        for (i, &c) in self.counts.iter().enumerate() {
            seen += c;
            if seen >= want {
                let (low, width) = Self::range(i);
                return if q == 0.0 { low } else { low + width - 1 };
            }
        }
        0
    }
}

impl Summary {
    pub fn new() -> Self {
        Summary {
            n: 0,
            sum: 0.0,
            max: f64::NEG_INFINITY,
        }
    }

    /// Records a duration in seconds.
    #[inline(always)]
    pub fn record(&mut self, secs: f64) {
        self.n += 1;
        self.sum += secs;
        if secs > self.max {
            self.max = secs;
        }
    }

    /// The largest duration recorded, in seconds (NaN when empty).
    pub fn max(&self) -> f64 {
        if self.n == 0 { f64::NAN } else { self.max }
    }

    /// Mean in seconds (NaN when empty).
    pub fn mean(&self) -> f64 {
        if self.n == 0 {
            f64::NAN
        } else {
            self.sum / self.n as f64
        }
    }
}

impl Default for Summary {
    fn default() -> Self {
        Summary::new()
    }
}

impl Tally {
    /// An empty tally (every tally keeps its histogram, so it answers quantiles).
    pub fn with_quantiles() -> Self {
        Tally {
            summary: Summary::new(),
            hist: Hist::new(),
        }
    }

    /// Records a duration in seconds (a few dozen instructions: always inlined).
    #[inline(always)]
    pub fn record(&mut self, secs: f64) {
        self.summary.record(secs);
        // Durations are non-negative: adding 0.5 and truncating rounds without a libm call
        // (the truncation is in [`Hist::index_of`]).
        self.hist.record(secs * 1000.0 + 0.5);
    }

    /// Quantile `q` in seconds (NaN when empty).
    pub fn quantile(&self, q: f64) -> f64 {
        match self.n {
            0 => f64::NAN,
            n => self.hist.value_at_quantile(q, n) as f64 / 1000.0,
        }
    }
}

/// `n` values spread evenly on a log scale over `decades` decades from `10^low`, from a fixed
/// xorshift sequence: for tests that compare two ways of binning a value.
#[cfg(test)]
pub(super) fn log_spread(n: usize, low: f64, decades: f64) -> impl Iterator<Item = f64> {
    let mut x = 0x9E37_79B9_7F4A_7C15u64;
    (0..n).map(move |_| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        10f64.powf((x >> 11) as f64 / (1u64 << 53) as f64 * decades + low)
    })
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
        assert_eq!(t.max(), 10_000.0);
    }

    /// The histogram written out for one layout counts and answers exactly as the general
    /// `hdrhistogram` crate it replaced (values 0, tiny, typical, at and past the top bound).
    #[test]
    fn histogram_matches_hdrhistogram() {
        use rand::{RngExt, SeedableRng};
        let mut reference = hdrhistogram::Histogram::<u64>::new_with_bounds(1, MAX_MS, 2).unwrap();
        assert_eq!(reference.distinct_values(), LEN);
        let mut ours = Tally::with_quantiles();
        let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64(7);
        // Negative, NaN and values past 2^63 ms too (as no duration should be), where the
        // counter read from the bits in `record` must agree with the reference.
        let fixed = [
            0.0,
            0.0004,
            0.0005,
            0.001,
            0.255,
            0.256,
            0.2565,
            1.0,
            86_400.0,
            -0.0004,
            -1.0,
            f64::NAN,
        ];
        let top = [
            MAX_MS as f64 / 1000.0,
            MAX_MS as f64 / 500.0,
            1e12,
            9.3e15,
            2e16,
            f64::INFINITY,
        ];
        for k in 0..200_000 {
            let secs = match k % 5 {
                0 => fixed[k / 5 % fixed.len()],
                1 => top[k / 5 % top.len()],
                2 => rng.random::<f64>() * 60.0,
                3 => (rng.random::<f64>() * 30.0).exp(),
                _ => rng.random::<f64>() * 3_600.0,
            };
            reference.saturating_record((secs * 1000.0 + 0.5) as u64);
            ours.record(secs);
            if k % 9_999 == 0 || k < 20 {
                for q in [0.0, 1e-9, 0.1, 0.5, 0.8, 0.9, 0.95, 0.99, 0.999, 1.0, 1.5] {
                    let want = reference.value_at_quantile(q) as f64 / 1000.0;
                    assert_eq!(ours.quantile(q), want, "q {q} after {} values", k + 1);
                }
            }
        }
    }

    /// The counter read from the double's bits is the one of the truncated integer, at and
    /// around every power of two (to the ulp), at the ends, for negatives, NaN and infinities,
    /// and at a million values spread over the range.
    #[test]
    fn counter_from_bits_is_the_integer_counter() {
        let by_integer = |x: f64| Hist::index((x as i64).max(0) as u64);
        let mut xs = vec![
            0.0,
            -0.0,
            -1.0,
            0.5,
            255.0,
            255.999,
            256.0,
            MAX_MS as f64,
            f64::NAN,
            -f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::MAX,
        ];
        for e in -2..80 {
            let p = 2f64.powi(e);
            let (mut up, mut down) = (p, p);
            for _ in 0..16 {
                xs.extend([up, down, up + 0.5, down - 0.5]);
                up = up.next_up();
                down = down.next_down();
            }
            xs.extend((1..128).map(|k| p * (1.0 + f64::from(k) / 128.0)));
        }
        xs.extend(log_spread(1_000_000, -1.0, 20.0));
        for x in xs {
            assert_eq!(Hist::index_of(x), by_integer(x), "x = {x:e}");
        }
    }

    #[test]
    fn empty_tally_is_nan_not_zero() {
        let t = Tally::with_quantiles();
        assert!(t.mean().is_nan() && t.quantile(0.5).is_nan() && t.max().is_nan());
        let mut z = Summary::new();
        z.record(0.0);
        assert_eq!((z.max(), z.mean()), (0.0, 0.0));
    }
}
