//! Compiled duration distributions, sampled in seconds.

use crate::scenario::Dist;
use rand::Rng;
use rand_distr::{Distribution, Exp1};

/// A duration distribution ready to sample (seconds).
#[derive(Clone, Debug)]
pub enum Sampler {
    Exp {
        mean: f64,
    },
    LogNormal {
        d: rand_distr::LogNormal<f64>,
        mean: f64,
    },
    Gamma {
        d: rand_distr::Gamma<f64>,
        mean: f64,
    },
    Weibull {
        d: rand_distr::Weibull<f64>,
        mean: f64,
    },
    Uniform {
        lo: f64,
        width: f64,
    },
    Fixed(f64),
    Empirical(Vec<f64>),
}

impl Sampler {
    /// Compiles a scenario distribution, or says which parameter is wrong.
    pub fn new(dist: &Dist) -> Result<Self, String> {
        Ok(match dist {
            Dist::Exponential { mean } => {
                positive(mean.secs(), "mean")?;
                Sampler::Exp { mean: mean.secs() }
            }
            Dist::LogNormal { mean, sd } => {
                let (m, s) = (positive(mean.secs(), "mean")?, sd.secs());
                let sigma2 = (1.0 + (s / m).powi(2)).ln();
                let d = rand_distr::LogNormal::new(m.ln() - sigma2 / 2.0, sigma2.sqrt())
                    .map_err(|e| format!("invalid LogNormal: {e}"))?;
                Sampler::LogNormal { d, mean: m }
            }
            Dist::Gamma { mean, sd } => {
                let (m, s) = (positive(mean.secs(), "mean")?, positive(sd.secs(), "sd")?);
                let d = rand_distr::Gamma::new((m / s).powi(2), s * s / m)
                    .map_err(|e| format!("invalid Gamma: {e}"))?;
                Sampler::Gamma { d, mean: m }
            }
            Dist::Weibull { shape, scale } => {
                let k = super::bounds::WEIBULL_SHAPE
                    .check(*shape)
                    .map_err(|m| format!("shape {m}"))?;
                let l = positive(scale.secs(), "scale")?;
                let d =
                    rand_distr::Weibull::new(l, k).map_err(|e| format!("invalid Weibull: {e}"))?;
                let mean = l * statrs::function::gamma::gamma(1.0 + 1.0 / k);
                Sampler::Weibull { d, mean }
            }
            Dist::Uniform { min, max } => {
                if max.secs() < min.secs() {
                    return Err(format!(
                        "Uniform needs min <= max, got min {min} and max {max}"
                    ));
                }
                Sampler::Uniform {
                    lo: min.secs(),
                    width: max.secs() - min.secs(),
                }
            }
            Dist::Deterministic(v) => Sampler::Fixed(v.secs()),
            Dist::Empirical(values) => {
                if values.is_empty() {
                    return Err("Empirical needs at least one value".into());
                }
                Sampler::Empirical(values.iter().map(|v| v.secs()).collect())
            }
        })
    }

    /// Draws one duration in seconds (the exponential and fixed cases inlined where called).
    #[inline(always)]
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        match self {
            Sampler::Exp { mean } => mean * <Exp1 as Distribution<f64>>::sample(&Exp1, rng),
            Sampler::Fixed(v) => *v,
            _ => self.sample_other(rng),
        }
    }

    /// [`Self::sample`] for the other distributions.
    #[inline(never)]
    fn sample_other<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        match self {
            Sampler::Exp { mean } => mean * <Exp1 as Distribution<f64>>::sample(&Exp1, rng),
            Sampler::LogNormal { d, .. } => d.sample(rng),
            Sampler::Gamma { d, .. } => d.sample(rng),
            Sampler::Weibull { d, .. } => d.sample(rng),
            Sampler::Uniform { lo, width } => lo + width * unit(rng),
            Sampler::Fixed(v) => *v,
            Sampler::Empirical(v) => v[((unit(rng) * v.len() as f64) as usize).min(v.len() - 1)],
        }
    }

    /// The mean, in seconds.
    pub fn mean(&self) -> f64 {
        match self {
            Sampler::Exp { mean }
            | Sampler::LogNormal { mean, .. }
            | Sampler::Gamma { mean, .. }
            | Sampler::Weibull { mean, .. } => *mean,
            Sampler::Uniform { lo, width } => lo + width / 2.0,
            Sampler::Fixed(v) => *v,
            Sampler::Empirical(v) => v.iter().sum::<f64>() / v.len() as f64,
        }
    }
}

fn positive(v: f64, what: &str) -> Result<f64, String> {
    if v > 0.0 && v.is_finite() {
        Ok(v)
    } else {
        Err(format!("{what} must be greater than zero, got {v}"))
    }
}

/// A uniform draw in [0, 1) with 53 random bits.
#[inline]
pub fn unit<R: Rng + ?Sized>(rng: &mut R) -> f64 {
    (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// A discrete distribution over `0..n`, sampled by one uniform draw.
#[derive(Clone, Debug)]
pub struct Categorical {
    cumulative: Vec<f64>,
}

impl Categorical {
    /// From probabilities that sum to 1 (checked by the caller).
    pub fn new(probs: &[f64]) -> Self {
        let mut acc = 0.0;
        let cumulative = probs
            .iter()
            .map(|p| {
                acc += p;
                acc
            })
            .collect();
        Categorical { cumulative }
    }
    /// The category of a uniform draw `u` in [0, 1); never one of probability zero.
    #[inline]
    pub fn pick(&self, u: f64) -> usize {
        let n = self.cumulative.len();
        if n == 1 {
            // One category (a single type, priority or route): the draw decides nothing.
            return 0;
        }
        let i = self.cumulative.iter().position(|&c| u < c).unwrap_or(n - 1);
        // Rounding can leave the last cumulative value a hair under 1: fall back to the last
        // category that has any probability.
        if i == n - 1 {
            let mut j = i;
            while j > 0 && self.cumulative[j] == self.cumulative[j - 1] {
                j -= 1;
            }
            return j;
        }
        i
    }
    /// Probability of category `i`.
    pub fn prob(&self, i: usize) -> f64 {
        self.cumulative[i] - if i == 0 { 0.0 } else { self.cumulative[i - 1] }
    }
    pub fn len(&self) -> usize {
        self.cumulative.len()
    }
    pub fn is_empty(&self) -> bool {
        self.cumulative.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Dur;
    use rand::SeedableRng;

    fn mean_of(s: &Sampler) -> f64 {
        let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64(7);
        let n = 200_000;
        (0..n).map(|_| s.sample(&mut rng)).sum::<f64>() / n as f64
    }

    #[test]
    fn sample_means_match_the_stated_means() {
        // 200k draws: the standard error is below 0.3% of the mean for cv <= 1, so 2% is loose.
        let m = Dur::from_mins(10.0);
        let sd = Dur::from_mins(8.0);
        for d in [
            Dist::Exponential { mean: m },
            Dist::LogNormal { mean: m, sd },
            Dist::Gamma { mean: m, sd },
            Dist::Weibull {
                shape: 1.5,
                scale: m,
            },
            Dist::Uniform {
                min: Dur::from_mins(5.0),
                max: Dur::from_mins(15.0),
            },
        ] {
            let s = Sampler::new(&d).unwrap();
            let rel = (mean_of(&s) - s.mean()).abs() / s.mean();
            assert!(rel < 0.02, "{d:?}: sample mean off by {rel}");
        }
    }

    #[test]
    fn bad_parameters_are_named() {
        let e = Sampler::new(&Dist::Exponential {
            mean: Dur::from_secs(0.0),
        })
        .unwrap_err();
        assert!(e.contains("mean must be greater than zero"), "{e}");
        let e = Sampler::new(&Dist::Empirical(vec![])).unwrap_err();
        assert!(e.contains("at least one value"));
    }

    #[test]
    fn categorical_never_picks_an_impossible_category() {
        let c = Categorical::new(&[0.5, 0.5, 0.0]);
        assert_eq!(c.pick(0.999_999_999_999), 1);
        assert_eq!(c.pick(0.2), 0);
        assert_eq!(c.pick(1.0), 1);
    }
}
