//! Confidence intervals across replications: Student-t 95% intervals on the mean of
//! independent replications, and on paired differences (common random numbers).

use serde::Serialize;
use statrs::distribution::{ContinuousCDF, StudentsT};

/// Mean and 95% confidence interval of a KPI over replications.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Estimate {
    pub mean: f64,
    pub lo: f64,
    pub hi: f64,
    /// Standard deviation between replications.
    pub sd: f64,
    /// Replications with a value (a KPI can be undefined in a replication, e.g. a mean wait
    /// when nothing was answered).
    pub n: usize,
}

impl Estimate {
    /// Half the width of the interval.
    pub fn half_width(&self) -> f64 {
        (self.hi - self.lo) / 2.0
    }
    /// Whether the interval excludes zero (for differences). A difference of exactly zero
    /// never does, whatever rounding did to its bounds.
    pub fn excludes_zero(&self) -> bool {
        self.mean != 0.0 && (self.lo > 0.0 || self.hi < 0.0)
    }
}

/// The 97.5% Student-t quantile for `df` degrees of freedom.
pub fn t_quantile(df: usize) -> f64 {
    StudentsT::new(0.0, 1.0, df as f64).map_or(f64::NAN, |t| t.inverse_cdf(0.975))
}

/// Mean and 95% Student-t interval of the finite values in `xs`.
///
/// ```
/// let e = tiersim::stats::estimate([1.0, 2.0, 3.0]);
/// assert_eq!(e.mean, 2.0);
/// assert!((e.hi - 2.0 - 4.302_652_7 / 3f64.sqrt()).abs() < 1e-6);
/// ```
pub fn estimate(xs: impl IntoIterator<Item = f64>) -> Estimate {
    let v: Vec<f64> = xs.into_iter().filter(|x| x.is_finite()).collect();
    let n = v.len();
    if n == 0 {
        return Estimate {
            mean: f64::NAN,
            lo: f64::NAN,
            hi: f64::NAN,
            sd: f64::NAN,
            n,
        };
    }
    let mean = v.iter().sum::<f64>() / n as f64;
    if n == 1 {
        return Estimate {
            mean,
            lo: f64::NAN,
            hi: f64::NAN,
            sd: f64::NAN,
            n,
        };
    }
    let var = v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
    let sd = var.sqrt();
    let h = t_quantile(n - 1) * sd / (n as f64).sqrt();
    Estimate {
        mean,
        lo: mean - h,
        hi: mean + h,
        sd,
        n,
    }
}

/// Interval on the mean of `b[r] - a[r]` over replications where both are finite.
pub fn paired_estimate(a: &[f64], b: &[f64]) -> Estimate {
    estimate(
        a.iter()
            .zip(b)
            .filter(|(x, y)| x.is_finite() && y.is_finite())
            .map(|(x, y)| y - x),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interval_uses_student_t() {
        // t_{0.975, 9} = 2.262157 (standard tables).
        assert!((t_quantile(9) - 2.262_157).abs() < 1e-5);
        let e = estimate((1..=10).map(f64::from));
        assert_eq!(e.n, 10);
        assert!((e.half_width() - t_quantile(9) * e.sd / 10f64.sqrt()).abs() < 1e-12);
    }

    #[test]
    fn an_exact_zero_difference_is_never_significant() {
        let zero = Estimate {
            mean: 0.0,
            lo: 1e-300,
            hi: 1e-300,
            sd: 0.0,
            n: 5,
        };
        assert!(!zero.excludes_zero());
        let constant = paired_estimate(&[1.0, 2.0, 3.0], &[2.0, 3.0, 4.0]);
        assert!(
            constant.excludes_zero(),
            "a constant non-zero difference is significant"
        );
    }

    #[test]
    fn undefined_values_are_skipped_and_identical_pairs_give_zero() {
        let e = estimate([f64::NAN, 4.0, 6.0]);
        assert_eq!((e.n, e.mean), (2, 5.0));
        let d = paired_estimate(&[1.0, 2.0, 3.0], &[1.0, 2.0, 3.0]);
        assert_eq!((d.mean, d.lo, d.hi), (0.0, 0.0, 0.0));
    }
}
