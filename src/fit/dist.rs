//! Maximum-likelihood fits of duration distributions (exponential, lognormal, gamma) from
//! streaming sufficient statistics, chosen by AIC, with a Kolmogorov–Smirnov distance as the
//! goodness-of-fit figure (computed on a bounded reservoir sample).

use statrs::distribution::{ContinuousCDF, Gamma, LogNormal};
use statrs::function::gamma::{digamma, ln_gamma};

/// Most values kept for the KS distance (a uniform reservoir sample of the rest).
pub const RESERVOIR: usize = 20_000;

/// Streaming statistics of positive durations: count, sums of x, ln x, (ln x)^2, and a
/// reservoir sample. Memory is fixed, whatever the number of values.
#[derive(Clone, Debug, Default)]
pub struct Durations {
    pub n: u64,
    sum: f64,
    sum_ln: f64,
    sum_ln2: f64,
    sum_sq: f64,
    sample: Vec<f64>,
    state: u64,
}

impl Durations {
    /// Adds one value (must be positive).
    pub fn add(&mut self, x: f64) {
        debug_assert!(x > 0.0);
        self.n += 1;
        self.sum += x;
        self.sum_sq += x * x;
        let l = x.ln();
        self.sum_ln += l;
        self.sum_ln2 += l * l;
        if self.sample.len() < RESERVOIR {
            self.sample.push(x);
        } else {
            // Deterministic reservoir sampling (splitmix64): same log, same sample.
            self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.state;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            let j = ((z ^ (z >> 31)) % self.n) as usize;
            if j < RESERVOIR {
                self.sample[j] = x;
            }
        }
    }
    pub fn mean(&self) -> f64 {
        self.sum / self.n as f64
    }
    /// Sample standard deviation.
    pub fn sd(&self) -> f64 {
        let n = self.n as f64;
        ((self.sum_sq - self.sum * self.sum / n) / (n - 1.0))
            .max(0.0)
            .sqrt()
    }
}

/// A fitted family.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Family {
    Exponential { mean: f64 },
    LogNormal { mu: f64, sigma: f64 },
    Gamma { shape: f64, scale: f64 },
}

impl Family {
    pub fn name(&self) -> &'static str {
        match self {
            Family::Exponential { .. } => "exponential",
            Family::LogNormal { .. } => "lognormal",
            Family::Gamma { .. } => "gamma",
        }
    }
    /// Free parameters.
    pub fn params(&self) -> usize {
        if matches!(self, Family::Exponential { .. }) {
            1
        } else {
            2
        }
    }
    pub fn mean(&self) -> f64 {
        match *self {
            Family::Exponential { mean } => mean,
            Family::LogNormal { mu, sigma } => (mu + sigma * sigma / 2.0).exp(),
            Family::Gamma { shape, scale } => shape * scale,
        }
    }
    pub fn sd(&self) -> f64 {
        match *self {
            Family::Exponential { mean } => mean,
            Family::LogNormal { sigma, .. } => self.mean() * ((sigma * sigma).exp() - 1.0).sqrt(),
            Family::Gamma { shape, scale } => shape.sqrt() * scale,
        }
    }
    pub fn cdf(&self, x: f64) -> f64 {
        if x <= 0.0 {
            return 0.0;
        }
        match *self {
            Family::Exponential { mean } => 1.0 - (-x / mean).exp(),
            Family::LogNormal { mu, sigma } => {
                LogNormal::new(mu, sigma).map_or(f64::NAN, |d| d.cdf(x))
            }
            Family::Gamma { shape, scale } => {
                Gamma::new(shape, 1.0 / scale).map_or(f64::NAN, |d| d.cdf(x))
            }
        }
    }
}

/// One family's fit: parameters, log-likelihood, AIC and KS distance.
#[derive(Clone, Debug)]
pub struct FitOne {
    pub family: Family,
    pub log_lik: f64,
    pub aic: f64,
    /// Largest gap between the empirical and the fitted CDF, over the reservoir sample.
    pub ks: f64,
}

/// All three fits, best (lowest AIC) first.
#[derive(Clone, Debug)]
pub struct DistFit {
    pub n: u64,
    pub fits: Vec<FitOne>,
    /// Sample mean and its standard error.
    pub mean: f64,
    pub mean_se: f64,
    /// Values in the KS sample.
    pub ks_n: usize,
}

impl DistFit {
    pub fn best(&self) -> &FitOne {
        &self.fits[0]
    }
}

/// Fits exponential, lognormal and gamma by maximum likelihood; `None` with fewer than 2 values.
pub fn fit(d: &Durations) -> Option<DistFit> {
    if d.n < 2 {
        return None;
    }
    let n = d.n as f64;
    let mean = d.mean();
    let mean_ln = d.sum_ln / n;
    let var_ln = (d.sum_ln2 / n - mean_ln * mean_ln).max(1e-12);
    let exp_ll = -n * mean.ln() - n;
    let sigma = var_ln.sqrt();
    let ln_ll = -d.sum_ln - n / 2.0 * (2.0 * std::f64::consts::PI * var_ln).ln() - n / 2.0;
    let shape = gamma_shape(mean.ln() - mean_ln);
    let scale = mean / shape;
    let gamma_ll =
        (shape - 1.0) * d.sum_ln - d.sum / scale - n * shape * scale.ln() - n * ln_gamma(shape);
    let mut sample = d.sample.clone();
    sample.sort_by(f64::total_cmp);
    let mut fits: Vec<FitOne> = [
        (Family::Exponential { mean }, exp_ll),
        (Family::LogNormal { mu: mean_ln, sigma }, ln_ll),
        (Family::Gamma { shape, scale }, gamma_ll),
    ]
    .into_iter()
    .map(|(family, log_lik)| FitOne {
        family,
        log_lik,
        aic: 2.0 * family.params() as f64 - 2.0 * log_lik,
        ks: ks_distance(&sample, &family),
    })
    .collect();
    fits.sort_by(|a, b| a.aic.total_cmp(&b.aic));
    Some(DistFit {
        n: d.n,
        fits,
        mean,
        mean_se: d.sd() / n.sqrt(),
        ks_n: sample.len(),
    })
}

/// Gamma shape k solving ln k - digamma(k) = s (s = ln mean - mean of ln x > 0), by bisection
/// on ln k (the left side decreases in k).
fn gamma_shape(s: f64) -> f64 {
    if s.is_nan() || s <= 1e-12 {
        return 1e6;
    }
    let (mut lo, mut hi) = (-20.0f64, 20.0f64);
    for _ in 0..200 {
        let mid = (lo + hi) / 2.0;
        let k = mid.exp();
        if k.ln() - digamma(k) > s {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    ((lo + hi) / 2.0).exp()
}

/// Kolmogorov–Smirnov distance of a sorted sample from `f`.
pub fn ks_distance(sorted: &[f64], f: &Family) -> f64 {
    let n = sorted.len() as f64;
    sorted
        .iter()
        .enumerate()
        .map(|(i, &x)| {
            let c = f.cdf(x);
            (c - i as f64 / n).abs().max(((i + 1) as f64 / n - c).abs())
        })
        .fold(0.0, f64::max)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_distr::Distribution;

    fn fit_of(draw: impl Fn(&mut rand_pcg::Pcg64) -> f64) -> DistFit {
        let mut rng = rand_pcg::Pcg64::seed_from_u64(7);
        let mut d = Durations::default();
        for _ in 0..40_000 {
            d.add(draw(&mut rng));
        }
        fit(&d).unwrap()
    }

    // 40,000 draws: the MLE's relative standard errors are below 1%, so 3% is generous.
    #[test]
    fn recovers_each_family_and_picks_it_by_aic() {
        let ln = rand_distr::LogNormal::new(5.0, 0.8).unwrap();
        let f = fit_of(|r| ln.sample(r));
        assert_eq!(f.best().family.name(), "lognormal");
        let Family::LogNormal { mu, sigma } = f.best().family else {
            unreachable!()
        };
        assert!(
            (mu - 5.0).abs() < 0.03 && (sigma - 0.8).abs() < 0.03 * 0.8,
            "{mu} {sigma}"
        );
        assert!(f.best().ks < 0.02);
        let g = rand_distr::Gamma::new(2.5, 100.0).unwrap();
        let f = fit_of(|r| g.sample(r));
        assert_eq!(f.best().family.name(), "gamma");
        let Family::Gamma { shape, scale } = f.best().family else {
            unreachable!()
        };
        assert!((shape / 2.5 - 1.0).abs() < 0.03 && (scale / 100.0 - 1.0).abs() < 0.03);
        let e = rand_distr::Exp::new(1.0 / 300.0).unwrap();
        let f = fit_of(|r| e.sample(r));
        // Exponential is gamma with shape 1: AIC prefers the one-parameter family.
        assert_eq!(f.best().family.name(), "exponential", "{:?}", f.fits);
        assert!((f.mean / 300.0 - 1.0).abs() < 0.03);
    }
}
