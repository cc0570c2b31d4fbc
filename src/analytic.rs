//! Analytic (closed-form or numerically exact) steady-state queueing results.
//!
//! This module owns the textbook formulas that the simulator is validated
//! against and that staffing helpers are built on:
//!
//! * [`erlang_b`] — blocking probability of M/M/c/c (Erlang loss formula);
//! * [`erlang_c`] and [`ErlangC`] — the M/M/c delay system;
//! * [`ErlangA`] — M/M/c+M (Palm / Erlang A): exponential patience, abandonment;
//! * [`MMcK`] — M/M/c/K, a finite waiting room with blocking;
//! * staffing: [`required_servers_c`], [`required_servers_a`] for a [`Target`],
//!   and the naive [`workload_servers`] / [`headcount`] figures.
//!
//! Everything here is a pure function: no I/O, no global state, no panics.
//!
//! # Units
//! The API is unit-agnostic: arrival rates, service times, patience and
//! thresholds may be in any unit as long as they are consistent
//! (e.g. all in seconds, or all in hours). Offered load
//! `a = arrival_rate * mean_service` is in Erlangs.
//!
//! # Input conventions
//! * Struct fields and free-function arguments are *read* through one rule:
//!   NaN and negative rates/times count as `0`; `+inf` is kept.
//!   So `mean_patience = 0` means "abandon at once" (loss system, Erlang B)
//!   and `mean_patience = f64::INFINITY` means "never abandon" (Erlang C).
//!   Each struct has `validate()` for callers who would rather reject such
//!   input than have it reinterpreted.
//! * Results are never NaN, for any input. Probabilities lie in `[0, 1]`.
//!   Waits and queue lengths are `+inf` where the system is unstable or
//!   nobody is ever served (documented per method).
//! * A threshold `t` that is negative or NaN gives a service level of `0`.
//!
//! # Numerics
//! Erlang B uses the stable forward recurrence on `1/B`
//! (`x_n = 1 + (n/a) x_{n-1}`), warm-started about `12·sqrt(a)` below the
//! load for large loads (the recurrence contracts errors by `~e^-72` over
//! that stretch), so one evaluation costs `O(sqrt(a) + (c - a)^+)` steps.
//! Erlang C is derived from it. Erlang A walks the birth–death chain outward
//! from its mode with weights relative to the mode (so nothing overflows) and
//! stops once states fall below `e^-50` of the mode; see [`ErlangA`] for the
//! waiting-time distribution used by the service level.
//! M/M/c/K combines Erlang B for the states below `c` with closed-form
//! geometric sums for the queue states.

/// Why an analytic computation or staffing search produced no number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AnalyticError {
    /// An input is NaN, negative, infinite where a finite value is needed, or
    /// outside its documented range. The string names the parameter.
    #[error("invalid parameter: {0}")]
    InvalidParameter(&'static str),
    /// The target does not apply to the model (e.g. an abandonment target
    /// for Erlang C, which has no abandonment).
    #[error("target not applicable to this model")]
    NotApplicable,
    /// No number of servers up to the search cap
    /// (`load + 100·sqrt(load) + 1000`, at most `u32::MAX`) meets the target.
    #[error("target unreachable")]
    Unreachable,
}

/// States whose weight is below `e^LN_CUT` of the modal state are dropped.
const LN_CUT: f64 = -50.0;
/// `e^LN_CUT`.
const CUT: f64 = 1.928_749_847_963_918e-22;
/// The Erlang A solver walks at most this many queue states exactly; beyond
/// it (absurd regimes, e.g. patience `1e12` service times in overload) it
/// falls back to the documented approximations.
const MAX_CHAIN_STATES: u64 = 4_000_000;

/// NaN and negatives read as 0; +inf is kept.
fn nonneg(x: f64) -> f64 {
    if x > 0.0 { x } else { 0.0 }
}

/// Clamp into [0, 1]; NaN reads as 0 (never produced on purpose).
fn clamp01(x: f64) -> f64 {
    if x >= 1.0 {
        1.0
    } else if x > 0.0 {
        x
    } else {
        0.0
    }
}

/// Offered load `lambda * mean_service` with the input convention applied
/// (and `0 * inf` read as 0: no arrivals or no work means no load).
fn offered_load(arrival_rate: f64, mean_service: f64) -> f64 {
    let (l, s) = (nonneg(arrival_rate), nonneg(mean_service));
    if l == 0.0 || s == 0.0 { 0.0 } else { l * s }
}

/// Service level threshold convention: negative or NaN thresholds are `None`.
fn threshold(t: f64) -> Option<f64> {
    if t >= 0.0 { Some(t) } else { None }
}

/// `ln(e^x + e^y)` without overflow; handles infinities.
fn ln_add_exp(x: f64, y: f64) -> f64 {
    let (hi, lo) = if x >= y { (x, y) } else { (y, x) };
    if lo == f64::NEG_INFINITY || hi == f64::INFINITY {
        return hi;
    }
    hi + (lo - hi).exp().ln_1p()
}

// ---------------------------------------------------------------------------
// Erlang B / Erlang C
// ---------------------------------------------------------------------------

/// `1 / B(servers, a)` for `0 < a < inf`, by `x_n = 1 + (n/a) x_{n-1}`.
/// Returns `+inf` once `B` underflows.
fn inv_erlang_b(servers: u64, a: f64) -> f64 {
    let (mut n, mut x) = b_warm_start(servers, a);
    while n < servers {
        n += 1;
        x = 1.0 + x * (n as f64) / a;
        if x == f64::INFINITY {
            break;
        }
    }
    x
}

/// Starting point for [`inv_erlang_b`]: skip to `n0` and use the fluid
/// value `1/B(n0) ≈ a / (a - n0)`. The forward recurrence multiplies any
/// error in `x` by `prod_{n0 < n <= c} (n/a)`, and `x` only grows, so it is
/// enough that this product is below `~e^-72` while the guess is within a
/// modest factor of the truth. Two choices of `n0` guarantee that:
/// `min(c, a) - 12 sqrt(a) - 10` (product `<= e^{-(12 sqrt a)^2 / 2a}`), and,
/// when `c < a`, `c - 75 / ln(a/c)` (each factor `<= c/a`); the later
/// start wins. In both cases `n0 <= a - 12 sqrt(a)`, where the fluid guess
/// is accurate. Cost: `O(min(sqrt(a), 1/ln(a/c)) + (c - a)^+)` steps.
fn b_warm_start(servers: u64, a: f64) -> (u64, f64) {
    let c = servers as f64;
    let by_width = c.min(a) - 12.0 * a.sqrt() - 10.0;
    let by_ratio = if c < a {
        c - (75.0 / (a / c).ln()).ceil()
    } else {
        f64::NEG_INFINITY
    };
    let n0 = by_width.max(by_ratio).floor();
    if n0 >= 1.0 && n0 < c {
        (n0 as u64, a / (a - n0))
    } else {
        (0, 1.0)
    }
}

/// Erlang B: blocking probability of M/M/c/c with `servers` servers and
/// offered `load` (Erlangs, `a = lambda * mean_service`).
///
/// `servers == 0` gives 1; zero load gives 0 (for `servers >= 1`); infinite
/// load gives 1. Stable for any number of servers.
pub fn erlang_b(servers: u32, load: f64) -> f64 {
    let a = nonneg(load);
    if servers == 0 {
        return 1.0;
    }
    if a == 0.0 {
        return 0.0;
    }
    if a == f64::INFINITY {
        return 1.0;
    }
    clamp01(1.0 / inv_erlang_b(u64::from(servers), a))
}

/// Erlang C: probability that an arrival has to wait in M/M/c, i.e.
/// `P(wait > 0)`. Returns 1 when `load >= servers` (unstable), except that
/// zero load gives 0 (nobody arrives, nobody waits).
///
/// Computed as `C = c / (a + (c - a) / B)` from Erlang B.
pub fn erlang_c(servers: u32, load: f64) -> f64 {
    let a = nonneg(load);
    if a == 0.0 {
        return 0.0;
    }
    let c = f64::from(servers);
    if a >= c {
        return 1.0;
    }
    erlang_c_from_inv_b(c, a, inv_erlang_b(u64::from(servers), a))
}

/// `C = c / (a + (c - a) x)` with `x = 1/B`; `0 < a < c`.
fn erlang_c_from_inv_b(c: f64, a: f64, x: f64) -> f64 {
    clamp01(c / (a + (c - a) * x))
}

/// The M/M/c (Erlang C) delay system: Poisson arrivals, exponential service,
/// `servers` agents, infinite patience, FCFS.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ErlangC {
    /// Arrivals per unit time.
    pub arrival_rate: f64,
    /// Mean service (handle) time, same time unit.
    pub mean_service: f64,
    /// Number of agents.
    pub servers: u32,
}

impl ErlangC {
    /// Rejects NaN, negative or infinite rate and service time.
    pub fn validate(&self) -> Result<(), AnalyticError> {
        check_finite_nonneg(self.arrival_rate, "arrival_rate")?;
        check_finite_nonneg(self.mean_service, "mean_service")
    }

    /// Offered load `a = lambda * mean_service` in Erlangs.
    pub fn load(&self) -> f64 {
        offered_load(self.arrival_rate, self.mean_service)
    }

    /// Agent occupancy `min(a / c, 1)` (1 when unstable; 0 with no load;
    /// 1 for zero servers facing load).
    pub fn occupancy(&self) -> f64 {
        let a = self.load();
        if a == 0.0 {
            0.0
        } else if self.servers == 0 {
            1.0
        } else {
            clamp01(a / f64::from(self.servers))
        }
    }

    /// Whether a steady state exists: `a < c` (or there is no load at all).
    pub fn is_stable(&self) -> bool {
        let a = self.load();
        a == 0.0 || a < f64::from(self.servers)
    }

    /// `P(wait > 0)` (Erlang C formula); 1 when unstable.
    pub fn p_wait(&self) -> f64 {
        erlang_c(self.servers, self.load())
    }

    /// Mean wait in queue over all customers (ASA):
    /// `C · s / (c - a)`; `+inf` when unstable, 0 with no load.
    pub fn mean_wait(&self) -> f64 {
        let a = self.load();
        if a == 0.0 {
            return 0.0;
        }
        if !self.is_stable() {
            return f64::INFINITY;
        }
        let s = nonneg(self.mean_service);
        self.p_wait() * s / (f64::from(self.servers) - a)
    }

    /// Service level `P(wait <= t) = 1 - C · exp(-(c - a) t / s)`.
    /// 0 when unstable (no steady state) or for negative/NaN `t`.
    pub fn service_level(&self, t: f64) -> f64 {
        let Some(t) = threshold(t) else { return 0.0 };
        let a = self.load();
        if a == 0.0 {
            return 1.0;
        }
        if !self.is_stable() {
            return 0.0;
        }
        let pw = self.p_wait();
        if pw == 0.0 {
            return 1.0;
        }
        let s = nonneg(self.mean_service);
        let decay = (f64::from(self.servers) - a) * t / s;
        clamp01(1.0 - pw * (-decay).exp())
    }

    /// Mean number waiting `Lq = C · a / (c - a)`; `+inf` when unstable.
    pub fn mean_queue_len(&self) -> f64 {
        let a = self.load();
        if a == 0.0 {
            return 0.0;
        }
        if !self.is_stable() {
            return f64::INFINITY;
        }
        self.p_wait() * a / (f64::from(self.servers) - a)
    }

    fn meets(&self, target: Target) -> bool {
        match target {
            Target::ServiceLevel { within, at_least } => self.service_level(within) >= at_least,
            Target::MaxMeanWait(w) => self.mean_wait() <= w,
            Target::MaxOccupancy(o) => self.is_stable() && self.occupancy() <= o,
            Target::MaxAbandonRate(_) => false,
        }
    }
}

// ---------------------------------------------------------------------------
// Erlang A
// ---------------------------------------------------------------------------

/// M/M/c+M (Erlang A, Palm): Erlang C plus exponential patience with mean
/// `mean_patience` (abandonment rate `theta = 1 / mean_patience` per waiting
/// customer). Always stable when `mean_patience` is finite.
///
/// # Method
/// Stationary distribution of the birth–death chain on `n` = number in
/// system: birth rate `lambda`, death rate `min(n,c)·mu + (n-c)^+·theta`.
/// Weights are built outward from the mode (weight 1) by the ratio
/// recurrences and the walk stops where they fall below `e^-50` of the mode
/// (tail mass beyond it is below `1e-16` relative). By PASTA an arrival sees
/// `j = n - c >= 0` customers queued ahead with probability `pi_{c+j}`. Then:
///
/// * `P(wait) = sum_{j>=0} pi_{c+j}`; `E[Q] = sum j pi_{c+j}`;
///   `P(abandon) = theta E[Q] / lambda`; mean wait (all) `= E[Q] / lambda`.
/// * The tagged arrival with `j` ahead reaches service after `j+1` stages of
///   rates `c·mu + k·theta` (`k = j..0` still ahead); its own patience
///   `T ~ Exp(theta)` competes. Folding `e^{-theta s}` into the stage
///   densities gives, exactly,
///   `P(served, wait <= t | j) = s_j · P(V'_j <= t)`, with
///   `s_j = c·mu / (c·mu + (j+1)·theta)` (= P(served | j)) and `V'_j` a sum of
///   exponentials with rates `c·mu + m·theta`, `m = 1..=j+1`.
///   Those rates are arithmetic, and `e^{-theta V'_j} ~ Beta(b+1, j+1)` with
///   `b = c·mu/theta`, so `P(V'_j <= t) = P(X >= j+1)` where
///   `X ~ NegativeBinomial(r = b+1, p = e^{-theta t})`. Its pmf obeys
///   `q_0 = e^{-(c mu + theta) t}`,
///   `q_k = q_{k-1} · g (c mu + k theta) / k`, `g = (1 - e^{-theta t}) / theta`,
///   which is evaluated in log space alongside the chain walk (`O(1)` per
///   state). As `theta -> 0` it becomes Poisson(`c mu t`), i.e. Erlang C.
/// * `E[wait; served | j] = s_j · sum_{m=1}^{j+1} 1 / (c mu + m theta)`.
///
/// Degenerate inputs: `mean_patience = inf` is exactly [`ErlangC`];
/// `mean_patience = 0` is the loss system (Erlang B: blocked = abandoned
/// with zero wait). If the exact walk would need more than 4·10^6 queue
/// states (only for patience ~10^11 service times or absurd overload), a
/// fluid approximation (overload) or the Erlang C limit (underload) is used.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ErlangA {
    /// Arrivals per unit time.
    pub arrival_rate: f64,
    /// Mean service time.
    pub mean_service: f64,
    /// Mean patience (time a caller is willing to wait), exponential.
    pub mean_patience: f64,
    /// Number of agents.
    pub servers: u32,
}

/// All Erlang A steady-state measures at once (one chain solve).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ErlangAMetrics {
    /// P(an arrival finds all agents busy).
    pub p_wait: f64,
    /// P(an arrival abandons).
    pub p_abandon: f64,
    /// Mean time in queue over all arrivals (served and abandoned).
    pub mean_wait: f64,
    /// ASA: mean wait of customers who are served (`+inf` if none are).
    pub mean_wait_served: f64,
    /// Time-average number waiting.
    pub mean_queue_len: f64,
    /// Served load / servers.
    pub occupancy: f64,
}

/// Internal result of one Erlang A solve.
#[derive(Clone, Copy, Debug)]
struct ASolution {
    m: ErlangAMetrics,
    /// P(served and wait <= t) for the requested t (1 - P(abandon) if none).
    served_within: f64,
    /// Whether the exact chain solve was used (false: a fallback).
    exact: bool,
}

impl ErlangA {
    /// Rejects NaN/negative/infinite rate and service time, and NaN or
    /// negative patience (`0` and `+inf` are allowed: loss and Erlang C).
    pub fn validate(&self) -> Result<(), AnalyticError> {
        check_finite_nonneg(self.arrival_rate, "arrival_rate")?;
        check_finite_nonneg(self.mean_service, "mean_service")?;
        if self.mean_patience >= 0.0 {
            Ok(())
        } else {
            Err(AnalyticError::InvalidParameter("mean_patience"))
        }
    }

    /// Offered load `lambda * mean_service` (Erlangs).
    pub fn load(&self) -> f64 {
        offered_load(self.arrival_rate, self.mean_service)
    }

    /// All measures from one solve.
    pub fn metrics(&self) -> ErlangAMetrics {
        self.solve(None).m
    }

    /// `false` when the parameters are so extreme (more than 4·10^6 queue
    /// states would matter) that the approximate fallback is used.
    pub fn is_exact(&self) -> bool {
        self.solve(None).exact
    }

    /// P(an arrival has to wait) = P(all agents busy on arrival).
    pub fn p_wait(&self) -> f64 {
        self.metrics().p_wait
    }

    /// P(an arrival abandons) `= theta · E[Q] / lambda`.
    pub fn p_abandon(&self) -> f64 {
        self.metrics().p_abandon
    }

    /// Mean time in queue over all arrivals, served and abandoned
    /// (`E[Q] / lambda`).
    pub fn mean_wait(&self) -> f64 {
        self.metrics().mean_wait
    }

    /// ASA: mean wait of the customers who get served.
    pub fn mean_wait_served(&self) -> f64 {
        self.metrics().mean_wait_served
    }

    /// Time-average number waiting.
    pub fn mean_queue_len(&self) -> f64 {
        self.metrics().mean_queue_len
    }

    /// Served load / servers `= a (1 - P(abandon)) / c`.
    pub fn occupancy(&self) -> f64 {
        self.metrics().occupancy
    }

    /// `P(served and wait <= t)` over all arrivals: abandons count as
    /// failures (also those abandoning before `t`). Tends to
    /// `1 - P(abandon)` as `t -> inf`.
    pub fn service_level(&self, t: f64) -> f64 {
        match threshold(t) {
            Some(t) => self.solve(Some(t)).served_within,
            None => 0.0,
        }
    }

    /// `P(wait <= t | served)`: abandoned customers are left out entirely.
    pub fn service_level_excl_abandons(&self, t: f64) -> f64 {
        let Some(t) = threshold(t) else { return 0.0 };
        let sol = self.solve(Some(t));
        let served = 1.0 - sol.m.p_abandon;
        if served > 0.0 {
            clamp01(sol.served_within / served)
        } else {
            0.0
        }
    }

    fn meets(&self, target: Target) -> bool {
        match target {
            Target::ServiceLevel { within, at_least } => self.service_level(within) >= at_least,
            Target::MaxMeanWait(w) => self.mean_wait_served() <= w,
            Target::MaxAbandonRate(p) => self.p_abandon() <= p,
            Target::MaxOccupancy(o) => self.occupancy() <= o,
        }
    }

    /// One solve; `t` (already checked `>= 0`, may be `+inf`) is the
    /// service-level threshold, if wanted.
    ///
    /// The chain is solved in units of the mean service time (`mu = 1`,
    /// arrival rate `a`, abandonment rate `s / mean_patience`), which keeps
    /// every rate finite whatever the caller's time unit; waits are scaled
    /// back by `s` at the end.
    fn solve(&self, t: Option<f64>) -> ASolution {
        let lam = nonneg(self.arrival_rate);
        let s = nonneg(self.mean_service);
        let patience = nonneg(self.mean_patience);
        let theta = if patience == 0.0 {
            f64::INFINITY
        } else {
            1.0 / patience
        };
        let c = self.servers;
        let a = offered_load(lam, s);

        if lam == 0.0 {
            return a_no_traffic();
        }
        if c == 0 {
            return a_no_servers(lam, theta, 0.0);
        }
        if a == 0.0 {
            return a_no_traffic();
        }
        if a == f64::INFINITY {
            // Servers never keep up: every arrival waits, none is served.
            return a_no_servers(lam, theta, 1.0);
        }
        // From here 0 < a < inf and 0 < s < inf.
        let theta_s = if patience == 0.0 {
            f64::INFINITY
        } else if patience == f64::INFINITY {
            0.0
        } else {
            s / patience
        };
        if theta_s == f64::INFINITY {
            // Loss system: those finding all busy leave at once.
            let b = erlang_b(c, a);
            return ASolution {
                m: ErlangAMetrics {
                    p_wait: b,
                    p_abandon: b,
                    mean_wait: 0.0,
                    mean_wait_served: 0.0,
                    mean_queue_len: 0.0,
                    occupancy: clamp01(a * (1.0 - b) / f64::from(c)),
                },
                served_within: 1.0 - b,
                exact: true,
            };
        }
        if theta_s == 0.0 {
            return a_from_erlang_c(lam, s, c, theta, t);
        }
        let tu = t.map(|t| t / s);
        let mut sol = a_chain(a, theta_s, c, tu).unwrap_or_else(|| a_fallback(a, theta_s, c, tu));
        sol.m.mean_wait *= s;
        sol.m.mean_wait_served *= s;
        sol
    }
}

fn a_no_traffic() -> ASolution {
    ASolution {
        m: ErlangAMetrics {
            p_wait: 0.0,
            p_abandon: 0.0,
            mean_wait: 0.0,
            mean_wait_served: 0.0,
            mean_queue_len: 0.0,
            occupancy: 0.0,
        },
        served_within: 1.0,
        exact: true,
    }
}

/// Nobody is ever served (zero servers, or infinite load): everyone waits;
/// with patience everyone abandons after `1/theta` on average (ASA `+inf`).
fn a_no_servers(lam: f64, theta: f64, occupancy: f64) -> ASolution {
    let (p_abandon, mean_wait, lq) = if theta > 0.0 {
        let w = 1.0 / theta; // 0 for theta = inf
        (1.0, w, if w == 0.0 { 0.0 } else { lam * w })
    } else {
        (0.0, f64::INFINITY, f64::INFINITY)
    };
    ASolution {
        m: ErlangAMetrics {
            p_wait: 1.0,
            p_abandon,
            mean_wait,
            mean_wait_served: f64::INFINITY,
            mean_queue_len: lq,
            occupancy,
        },
        served_within: 0.0,
        exact: true,
    }
}

/// Erlang C values (exact for `theta = 0`; the small-theta limit otherwise,
/// with `P(abandon) ≈ theta Lq / lambda`).
fn a_from_erlang_c(lam: f64, s: f64, c: u32, theta: f64, t: Option<f64>) -> ASolution {
    let q = ErlangC {
        arrival_rate: lam,
        mean_service: s,
        servers: c,
    };
    if !q.is_stable() {
        return ASolution {
            m: ErlangAMetrics {
                p_wait: 1.0,
                p_abandon: 0.0,
                mean_wait: f64::INFINITY,
                mean_wait_served: f64::INFINITY,
                mean_queue_len: f64::INFINITY,
                occupancy: 1.0,
            },
            served_within: 0.0,
            exact: theta == 0.0,
        };
    }
    let lq = q.mean_queue_len();
    let p_abandon = clamp01(theta * lq / lam);
    let w = q.mean_wait();
    ASolution {
        m: ErlangAMetrics {
            p_wait: q.p_wait(),
            p_abandon,
            mean_wait: w,
            mean_wait_served: w,
            mean_queue_len: lq,
            occupancy: q.occupancy(),
        },
        served_within: match t {
            Some(t) => q.service_level(t),
            None => 1.0 - p_abandon,
        },
        exact: theta == 0.0,
    }
}

/// Fallback when the exact walk would exceed [`MAX_CHAIN_STATES`]; in
/// service-time units (`mu = 1`, arrival rate `a`).
fn a_fallback(a: f64, theta: f64, c: u32, t: Option<f64>) -> ASolution {
    let cf = f64::from(c);
    if a < cf {
        return a_from_erlang_c(a, 1.0, c, theta, t);
    }
    // Fluid limit of an overloaded Erlang A system: the queue settles where
    // abandonment absorbs the excess, (a - c) = theta Q; served customers
    // waited w* with a e^{-theta w*} = c.
    let p_abandon = clamp01(1.0 - cf / a);
    let mean_wait = p_abandon / theta;
    let asa = (a / cf).ln() / theta;
    let served = 1.0 - p_abandon;
    ASolution {
        m: ErlangAMetrics {
            p_wait: 1.0,
            p_abandon,
            mean_wait,
            mean_wait_served: asa,
            mean_queue_len: a * mean_wait,
            occupancy: 1.0,
        },
        served_within: match t {
            Some(t) if t >= asa => served,
            Some(_) => 0.0,
            None => served,
        },
        exact: false,
    }
}

/// Exact Erlang A solve by walking the birth–death chain; `None` if more
/// than [`MAX_CHAIN_STATES`] queue states would be needed.
/// Service-time units: `mu = 1`, arrival rate `a`, abandonment rate `theta`
/// (both positive and finite), `c >= 1`; `t` in service times.
fn a_chain(a: f64, theta: f64, c: u32, t: Option<f64>) -> Option<ASolution> {
    let lam = a;
    let cf = f64::from(c);
    let cmu = cf;

    // Queue index of the mode (0 if the mode is in the body, n < c: then the
    // queue weights only decrease), and a cheap estimate of how many queue
    // states past it matter: the log-weight falls by ~ln(c mu/lambda) per
    // state, and by ~j^2 theta / (2 lambda) after j states, down to LN_CUT.
    let j_star = if lam < cmu {
        0.0
    } else {
        ((lam - cmu) / theta).floor()
    };
    let mut spread = (-2.0 * LN_CUT * lam / theta).sqrt();
    if lam < cmu {
        spread = spread.min(-LN_CUT / (cmu / lam).ln());
    }
    let needed = j_star + spread;
    if needed.is_nan() || needed > MAX_CHAIN_STATES as f64 {
        return None;
    }
    let j_mode = j_star as u64;

    // Body: states n < c. Sums of w_n and n·w_n, weights relative to the mode.
    let mut body = 0.0;
    let mut body_n = 0.0;
    // ln(w_c / w_mode).
    let lw_c;
    if lam < cmu {
        // Mode at n = floor(a) < c; walk down to 0 and up to c.
        let m = a.floor().min(cf - 1.0);
        body += 1.0;
        body_n += m;
        let (mut w, mut n) = (1.0, m);
        while n >= 1.0 {
            w *= n / a; // w_{n-1} = w_n · n / a
            n -= 1.0;
            body += w;
            body_n += n * w;
            if w < CUT {
                break;
            }
        }
        let (mut w, mut n) = (1.0, m);
        let mut w_c = 0.0;
        loop {
            n += 1.0;
            w *= a / n;
            if n >= cf {
                w_c = w;
                break;
            }
            body += w;
            body_n += n * w;
            if w < CUT {
                break; // w_c is negligible; leave it 0
            }
        }
        lw_c = w_c.ln();
    } else {
        // Mode in the queue at j* = floor((lambda - c mu) / theta).
        let mut s = 0.0;
        for i in 1..=j_mode {
            s += (lam / (cmu + i as f64 * theta)).ln();
        }
        lw_c = -s;
        let w_c = lw_c.exp();
        if w_c >= CUT {
            // a >= c here, so weights decrease going down from c.
            let (mut w, mut n) = (w_c, cf);
            while n >= 1.0 {
                w *= n / a;
                n -= 1.0;
                body += w;
                body_n += n * w;
                if w < CUT {
                    break;
                }
            }
        }
    }

    // Queue: j = n - c >= 0, walked upward from j = 0 in log space.
    let mut tail = 0.0; // sum w_{c+j}
    let mut q_sum = 0.0; // sum j w_{c+j}
    let mut wait_served = 0.0; // sum w s_j H_j
    let mut sl_tail = 0.0; // sum w s_j P(V'_j <= t)
    let mut h = 0.0; // H_j = sum_{m=1}^{j+1} 1/(c mu + m theta)
    // Negative-binomial pmf state for the service level.
    let nb = match t {
        Some(t) if t.is_finite() => Some(-(-theta * t).exp_m1() / theta),
        _ => None,
    };
    let mut lq = match t {
        Some(t) if t.is_finite() => -(cmu + theta) * t,
        _ => f64::NEG_INFINITY,
    };
    let mut cdf = 0.0;
    let ln_lam = lam.ln();
    let mut lw = lw_c;
    let mut j: u64 = 0;
    loop {
        if j >= j_mode && lw < LN_CUT {
            break;
        }
        if j > j_mode + MAX_CHAIN_STATES {
            return None; // the estimate above was badly off; never seen
        }
        let jf = j as f64;
        let w = lw.exp();
        let rate_next = cmu + (jf + 1.0) * theta;
        let s_j = cmu / rate_next;
        h += 1.0 / rate_next;
        tail += w;
        q_sum += jf * w;
        wait_served += w * s_j * h;
        match (t, nb) {
            (Some(_), Some(g)) => {
                if j > 0 {
                    lq += (g * (cmu + jf * theta) / jf).ln();
                }
                cdf += lq.exp();
                let reach = 1.0 - cdf;
                let reach = if reach > 0.0 { reach.min(1.0) } else { 0.0 };
                sl_tail += w * s_j * reach;
            }
            (Some(_), None) => sl_tail += w * s_j, // t = +inf
            (None, _) => {}
        }
        j += 1;
        lw += ln_lam - (cmu + j as f64 * theta).ln();
    }

    let z = body + tail;
    let lq_mean = q_sum / z;
    let p_abandon = clamp01(theta * lq_mean / lam);
    let served = 1.0 - p_abandon;
    let m = ErlangAMetrics {
        p_wait: clamp01(tail / z),
        p_abandon,
        mean_wait: lq_mean / lam,
        mean_wait_served: if served > 0.0 {
            wait_served / z / served
        } else {
            f64::INFINITY
        },
        mean_queue_len: lq_mean,
        occupancy: clamp01((body_n + cf * tail) / z / cf),
    };
    let served_within = if t.is_some() {
        clamp01((body + sl_tail) / z)
    } else {
        served
    };
    Some(ASolution {
        m,
        served_within,
        exact: true,
    })
}

// ---------------------------------------------------------------------------
// M/M/c/K
// ---------------------------------------------------------------------------

/// M/M/c/K: `servers` agents and `capacity` places in total (in service plus
/// waiting); arrivals finding `capacity` customers present are blocked.
///
/// `capacity < servers` means at most `capacity` customers fit, so it is
/// solved as M/M/K/K. Stationary law: states `n < c` via Erlang B
/// (`sum_{n<=c} w_n / w_c = 1/B(c, a)`), queue states `c..=K` as a truncated
/// geometric series with ratio `rho = a/c`, summed in closed form in log
/// space (so `K` may be huge and `rho` may exceed 1).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MMcK {
    /// Arrivals per unit time (offered, before blocking).
    pub arrival_rate: f64,
    /// Mean service time.
    pub mean_service: f64,
    /// Number of agents.
    pub servers: u32,
    /// Total places (servers + waiting room).
    pub capacity: u32,
}

impl MMcK {
    /// Rejects NaN/negative/infinite rate and service time, and
    /// `capacity < servers`.
    pub fn validate(&self) -> Result<(), AnalyticError> {
        check_finite_nonneg(self.arrival_rate, "arrival_rate")?;
        check_finite_nonneg(self.mean_service, "mean_service")?;
        if self.capacity < self.servers {
            return Err(AnalyticError::InvalidParameter("capacity"));
        }
        Ok(())
    }

    /// P(an arrival is blocked) `= pi_K` (PASTA).
    pub fn p_block(&self) -> f64 {
        self.solve().0
    }

    /// Mean wait in queue of admitted customers `= Lq / (lambda (1 - pi_K))`.
    /// `+inf` if admitted customers are never served (no servers).
    pub fn mean_wait(&self) -> f64 {
        self.solve().2
    }

    /// Time-average number waiting.
    pub fn mean_queue_len(&self) -> f64 {
        self.solve().1
    }

    /// (p_block, Lq, mean wait of admitted).
    fn solve(&self) -> (f64, f64, f64) {
        let lam = nonneg(self.arrival_rate);
        let s = nonneg(self.mean_service);
        let k = self.capacity;
        let c = self.servers.min(k);
        let n_q = u64::from(k - c); // waiting places
        if lam == 0.0 {
            return (0.0, 0.0, 0.0);
        }
        if k == 0 {
            return (1.0, 0.0, 0.0);
        }
        if c == 0 {
            // Fills up and never drains.
            return (1.0, n_q as f64, f64::INFINITY);
        }
        let a = offered_load(lam, s);
        if a == 0.0 {
            return (0.0, 0.0, 0.0);
        }
        let cf = f64::from(c);
        if a == f64::INFINITY {
            // Always full; the few admitted wait for N departures at rate c/s.
            let w = if s.is_finite() {
                n_q as f64 * s / cf
            } else {
                f64::INFINITY
            };
            return (1.0, n_q as f64, w);
        }
        // Body relative to w_c: sum_{n<c} w_n / w_c = 1/B(c) - 1 = c x_{c-1} / a.
        let x_prev = inv_erlang_b(u64::from(c) - 1, a);
        let ln_body_c = (cf * x_prev / a).ln();
        let ln_r = (a / cf).ln();
        let nq = n_q as f64;
        // Everything relative to the largest queue weight: w_c if rho <= 1,
        // w_K if rho > 1, so exponents stay small and nothing cancels.
        // ln_below: ln of the queue states below K, relative to the same.
        let (ln_body, ln_tail, ln_top, ln_below) = if ln_r > 0.0 {
            let below = if n_q == 0 {
                f64::NEG_INFINITY
            } else {
                -ln_r + ln_dec_sum(n_q - 1, ln_r)
            };
            (ln_body_c - nq * ln_r, ln_dec_sum(n_q, ln_r), 0.0, below)
        } else {
            let u = -ln_r;
            let top = if n_q == 0 { 0.0 } else { -nq * u };
            let below = if n_q == 0 {
                f64::NEG_INFINITY
            } else {
                ln_dec_sum(n_q - 1, u)
            };
            (ln_body_c, ln_dec_sum(n_q, u), top, below)
        };
        let ln_z = ln_add_exp(ln_body, ln_tail);
        let p_block = clamp01((ln_top - ln_z).exp());
        let lq = truncated_geometric_mean(n_q, ln_r) * (ln_tail - ln_z).exp();
        let admitted = (ln_add_exp(ln_body, ln_below) - ln_z).exp();
        let w = if admitted > 0.0 {
            lq / (lam * admitted)
        } else {
            f64::INFINITY
        };
        (p_block, lq, w)
    }
}

/// `ln sum_{i=0}^{n} e^{-i u}` for `u >= 0` (`+inf` allowed).
fn ln_dec_sum(n: u64, u: f64) -> f64 {
    if n == 0 {
        return 0.0;
    }
    let n1 = (n + 1) as f64;
    if u == 0.0 {
        return n1.ln();
    }
    (-(-n1 * u).exp_m1()).ln() - (-(-u).exp_m1()).ln()
}

/// Mean of `j` under weights `r^j`, `j = 0..=n`.
fn truncated_geometric_mean(n: u64, ln_r: f64) -> f64 {
    if n == 0 {
        return 0.0;
    }
    let nf = n as f64;
    if ln_r == 0.0 {
        return nf / 2.0;
    }
    // Decreasing weights e^{-j u}; for r > 1 mirror j -> n - j.
    let dec = |u: f64| {
        let n1 = nf + 1.0;
        if n1 * u < 1e-3 {
            // Tilted uniform: kappa1 - u kappa2 - u^3 kappa4 / 6 (kappa3 = 0),
            // error O(u^5 n^6), below 1e-15 relative here.
            nf / 2.0 - u * nf * (nf + 2.0) / 12.0 + u * u * u * (n1.powi(4) - 1.0) / 720.0
        } else {
            1.0 / u.exp_m1() - n1 / (n1 * u).exp_m1()
        }
    };
    let m = if ln_r < 0.0 {
        dec(-ln_r)
    } else {
        nf - dec(ln_r)
    };
    m.clamp(0.0, nf)
}

// ---------------------------------------------------------------------------
// Staffing
// ---------------------------------------------------------------------------

/// A staffing target: the smallest number of servers meeting it is sought.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Target {
    /// At least `at_least` (a fraction in `[0, 1]`) of customers answered
    /// within `within` time units. For Erlang A abandons count as failures
    /// ([`ErlangA::service_level`]).
    ServiceLevel { within: f64, at_least: f64 },
    /// Mean wait at most this. Erlang C: over all customers; Erlang A: ASA of
    /// served customers ([`ErlangA::mean_wait_served`]).
    MaxMeanWait(f64),
    /// P(abandon) at most this fraction. Erlang A only; Erlang C has no
    /// abandonment and returns [`AnalyticError::NotApplicable`].
    MaxAbandonRate(f64),
    /// Occupancy at most this fraction.
    MaxOccupancy(f64),
}

impl Target {
    fn validate(&self) -> Result<(), AnalyticError> {
        let ok = match *self {
            Target::ServiceLevel { within, at_least } => {
                within >= 0.0 && (0.0..=1.0).contains(&at_least)
            }
            Target::MaxMeanWait(w) => w >= 0.0,
            Target::MaxAbandonRate(p) => p >= 0.0,
            Target::MaxOccupancy(o) => o > 0.0,
        };
        if ok {
            Ok(())
        } else {
            Err(AnalyticError::InvalidParameter("target"))
        }
    }
}

fn check_finite_nonneg(x: f64, name: &'static str) -> Result<(), AnalyticError> {
    if x.is_finite() && x >= 0.0 {
        Ok(())
    } else {
        Err(AnalyticError::InvalidParameter(name))
    }
}

/// Upper end of the staffing search.
fn search_cap(a: f64) -> u64 {
    (a + 100.0 * a.sqrt() + 1000.0).min(f64::from(u32::MAX)) as u64
}

/// Smallest number of agents for an M/M/c (Erlang C) system to meet
/// `target`. Only stable systems (`c > a`) count. Searches upward from
/// `floor(a) + 1`, one server at a time (each evaluation `O(sqrt a)`), up to
/// `a + 100 sqrt(a) + 1000`. Zero load needs 0 agents.
///
/// Errors: invalid inputs; `MaxAbandonRate` is `NotApplicable`;
/// `Unreachable` if the cap is passed.
pub fn required_servers_c(
    arrival_rate: f64,
    mean_service: f64,
    target: Target,
) -> Result<u32, AnalyticError> {
    check_finite_nonneg(arrival_rate, "arrival_rate")?;
    check_finite_nonneg(mean_service, "mean_service")?;
    target.validate()?;
    if let Target::MaxAbandonRate(_) = target {
        return Err(AnalyticError::NotApplicable);
    }
    let a = offered_load(arrival_rate, mean_service);
    if a == 0.0 {
        return Ok(0);
    }
    let cap = search_cap(a);
    let start = a.floor() + 1.0;
    if start > cap as f64 {
        return Err(AnalyticError::Unreachable);
    }
    let mut c = start as u64;
    if let Target::MaxOccupancy(o) = target {
        // Jump close to a / o, then let the scan below settle the rounding.
        c = c.max(((a / o).ceil() as u64).saturating_sub(1)).min(cap);
    }
    loop {
        let q = ErlangC {
            arrival_rate,
            mean_service,
            servers: c as u32,
        };
        if q.meets(target) {
            return Ok(c as u32);
        }
        if c >= cap {
            return Err(AnalyticError::Unreachable);
        }
        c += 1;
    }
}

/// Smallest number of agents for an M/M/c+M (Erlang A) system to meet
/// `target` (at least 1 when there is load; 0 for zero load). Starts at
/// `ceil(a)`, gallops up or down and bisects, so it costs `O(log)` solves;
/// this relies on the measures being monotone in `c` (true for P(abandon),
/// the service level and the mean waits by sample-path coupling, and checked
/// numerically for occupancy and ASA in the tests).
pub fn required_servers_a(
    arrival_rate: f64,
    mean_service: f64,
    mean_patience: f64,
    target: Target,
) -> Result<u32, AnalyticError> {
    let probe = ErlangA {
        arrival_rate,
        mean_service,
        mean_patience,
        servers: 1,
    };
    probe.validate()?;
    target.validate()?;
    let a = offered_load(arrival_rate, mean_service);
    if a == 0.0 {
        return Ok(0);
    }
    let cap = search_cap(a).max(1);
    let meets = |c: u64| {
        ErlangA {
            servers: c as u32,
            ..probe
        }
        .meets(target)
    };
    let hint = (a.ceil() as u64).clamp(1, cap);
    smallest_meeting(1, cap, hint, meets)
        .map(|c| c as u32)
        .ok_or(AnalyticError::Unreachable)
}

/// Smallest `c` in `[lo, hi]` with `pred(c)`, for `pred` monotone
/// (false ... false true ... true); galloping from `hint`, then bisection.
fn smallest_meeting(lo: u64, hi: u64, hint: u64, pred: impl Fn(u64) -> bool) -> Option<u64> {
    let h = hint.clamp(lo, hi);
    let (mut bad, mut good);
    if pred(h) {
        good = h;
        let mut step = 1u64;
        loop {
            if good == lo {
                return Some(lo);
            }
            let cand = good.saturating_sub(step).max(lo);
            if pred(cand) {
                good = cand;
                step = step.saturating_mul(2);
            } else {
                bad = cand;
                break;
            }
        }
    } else {
        bad = h;
        let mut step = 1u64;
        loop {
            if bad >= hi {
                return None;
            }
            let cand = bad.saturating_add(step).min(hi);
            if pred(cand) {
                good = cand;
                break;
            }
            bad = cand;
            step = step.saturating_mul(2);
        }
    }
    while good - bad > 1 {
        let mid = bad + (good - bad) / 2;
        if pred(mid) {
            good = mid;
        } else {
            bad = mid;
        }
    }
    Some(good)
}

/// `ceil(x)`, but values within `1e-9` (relative) of an integer count as
/// that integer, so `83.33.../(7/...)`-style round trips do not add a head.
fn ceil_tolerant(x: f64) -> u32 {
    let r = x.round();
    let v = if (x - r).abs() <= 1e-9 * r.abs().max(1.0) {
        r
    } else {
        x.ceil()
    };
    v.clamp(0.0, f64::from(u32::MAX)) as u32
}

/// The naive workload figure: `ceil(a / productive_fraction)` agents, with
/// `a = arrival_rate * mean_service` the offered load in Erlangs and
/// `productive_fraction` the share of an agent's paid time that is spent
/// handling work (e.g. 7 effective hours in a 10-hour day: `0.7`). It
/// ignores queueing entirely (it is the 100%-occupancy figure), so it is a
/// lower bound, not a staffing answer.
///
/// Example: 500 incidents in a 10-hour day (`50/h`), 10 minutes each
/// (`1/6 h`), 7 effective hours of 10: `ceil(8.33 / 0.7) = 12`.
pub fn workload_servers(
    arrival_rate: f64,
    mean_service: f64,
    productive_fraction: f64,
) -> Result<u32, AnalyticError> {
    check_finite_nonneg(arrival_rate, "arrival_rate")?;
    check_finite_nonneg(mean_service, "mean_service")?;
    if !(productive_fraction > 0.0 && productive_fraction.is_finite()) {
        return Err(AnalyticError::InvalidParameter("productive_fraction"));
    }
    Ok(ceil_tolerant(
        offered_load(arrival_rate, mean_service) / productive_fraction,
    ))
}

/// Heads needed to keep `on_duty` agents logged in when each is productive
/// only `productive_fraction` of the time: `ceil(on_duty / fraction)`.
pub fn headcount(on_duty: u32, productive_fraction: f64) -> Result<u32, AnalyticError> {
    if !(productive_fraction > 0.0 && productive_fraction.is_finite()) {
        return Err(AnalyticError::InvalidParameter("productive_fraction"));
    }
    Ok(ceil_tolerant(f64::from(on_duty) / productive_fraction))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(got: f64, want: f64, tol: f64) -> bool {
        (got - want).abs() <= tol
    }

    macro_rules! assert_close {
        ($got:expr, $want:expr, $tol:expr) => {{
            let (g, w, t) = ($got, $want, $tol);
            assert!(close(g, w, t), "{} = {g}, want {w} ± {t}", stringify!($got));
        }};
    }

    fn rel_close(got: f64, want: f64, rel: f64) -> bool {
        (got - want).abs() <= rel * want.abs().max(f64::MIN_POSITIVE)
    }

    // -- Erlang B --------------------------------------------------------

    /// Published Erlang B table points (any standard Erlang B table, e.g.
    /// the ITU-T traffic tables): B(c=10, a=5) = 0.01838, B(c=5, a=2) = 0.03670.
    /// Re-derived independently: B(5,2) = (2^5/5!)/sum_{n<=5} 2^n/n! = 4/109
    /// = 0.0366972...; B(10,5) = 0.0183845703... (40-digit evaluation of the
    /// defining sum). Tolerance: half a unit in the 5th decimal.
    #[test]
    fn erlang_b_matches_published_table_values() {
        assert_close!(erlang_b(10, 5.0), 0.01838, 5e-6);
        assert_close!(erlang_b(5, 2.0), 0.03670, 5e-6);
        assert_close!(erlang_b(5, 2.0), 4.0 / 109.0, 1e-15);
        assert_close!(erlang_b(10, 5.0), 0.018_384_570_336_648_13, 1e-15);
    }

    #[test]
    fn erlang_b_small_cases_are_exact() {
        for a in [0.1, 1.0, 3.5, 100.0] {
            assert_close!(erlang_b(1, a), a / (1.0 + a), 1e-15);
        }
        // B(2, 1) = (1/2) / (1 + 1 + 1/2)
        assert_close!(erlang_b(2, 1.0), 0.2, 1e-15);
        assert_eq!(erlang_b(0, 3.0), 1.0);
        assert_eq!(erlang_b(4, 0.0), 0.0);
        assert_eq!(erlang_b(4, -2.0), 0.0);
        assert_eq!(erlang_b(4, f64::NAN), 0.0);
        assert_eq!(erlang_b(4, f64::INFINITY), 1.0);
    }

    /// The warm start is an optimisation only: it must agree with the plain
    /// recurrence from n = 0 to rounding.
    #[test]
    fn erlang_b_warm_start_agrees_with_full_recurrence() {
        let full = |c: u32, a: f64| {
            let mut b = 1.0;
            for n in 1..=c {
                b = a * b / (f64::from(n) + a * b);
            }
            b
        };
        for a in [50.0, 400.0, 1000.0, 2000.0, 4900.0, 20_000.0, 1e6] {
            for frac in [0.001, 0.1, 0.5, 0.9, 0.97, 1.0, 1.02, 1.05, 1.1] {
                let c = (a * frac) as u32;
                let (got, want) = (erlang_b(c, a), full(c, a));
                assert!(rel_close(got, want, 1e-12), "B({c},{a}) = {got} vs {want}");
            }
        }
    }

    // -- Erlang C --------------------------------------------------------

    /// Classic textbook point: 8 Erlangs offered to 10 agents gives
    /// P(wait) = 0.4092 (e.g. Gross & Harris-style M/M/c tables; confirmed
    /// by a 40-digit evaluation: 0.40918015079644...).
    #[test]
    fn erlang_c_textbook_value_8_erlangs_10_agents() {
        assert_close!(erlang_c(10, 8.0), 0.4092, 5e-5);
        assert_close!(erlang_c(10, 8.0), 0.409_180_150_796_443_5, 1e-14);
    }

    /// Call Centre Helper's "Erlang C formula made simple" worked example:
    /// 100 calls in 30 minutes, AHT 180 s, target answer in 20 s.
    /// Load = 10 Erlangs. With 14 agents: P(wait) = 0.1741, SL = 88.8%
    /// (the article rounds to ~89%), ASA = 7.8 s; 13 agents give 79.6%.
    /// All values re-derived independently (40-digit evaluation):
    /// C(14,10) = 0.174131933595, SL = 0.888350019179, ASA = 7.835937 s;
    /// SL(13) = 0.795594788418. Tolerance 1e-9.
    #[test]
    fn erlang_c_call_centre_helper_worked_example() {
        let q = ErlangC {
            arrival_rate: 100.0 / 1800.0,
            mean_service: 180.0,
            servers: 14,
        };
        assert_close!(q.load(), 10.0, 1e-12);
        assert_close!(q.p_wait(), 0.174_131_933_595_049_8, 1e-9);
        assert_close!(q.service_level(20.0), 0.888_350_019_179_466_9, 1e-9);
        assert_close!(q.mean_wait(), 7.835_937_011_777_243, 1e-8);
        assert_close!(q.occupancy(), 10.0 / 14.0, 1e-15);
        let q13 = ErlangC { servers: 13, ..q };
        assert_close!(q13.service_level(20.0), 0.795_594_788_417_783_1, 1e-9);
        assert_eq!(
            required_servers_c(
                100.0 / 1800.0,
                180.0,
                Target::ServiceLevel {
                    within: 20.0,
                    at_least: 0.8
                }
            ),
            Ok(14)
        );
    }

    /// M/M/1: C = rho, Wq = rho s / (1 - rho), Lq = rho^2 / (1 - rho).
    #[test]
    fn erlang_c_with_one_server_is_mm1() {
        let q = ErlangC {
            arrival_rate: 0.75,
            mean_service: 1.0,
            servers: 1,
        };
        assert_close!(q.p_wait(), 0.75, 1e-15);
        assert_close!(q.mean_wait(), 3.0, 1e-13);
        assert_close!(q.mean_queue_len(), 2.25, 1e-13);
        assert_close!(q.service_level(2.0), 1.0 - 0.75 * (-0.5f64).exp(), 1e-15);
    }

    #[test]
    fn erlang_c_conventions_at_the_edges() {
        assert_eq!(erlang_c(10, 10.0), 1.0);
        assert_eq!(erlang_c(10, 12.0), 1.0);
        assert_eq!(erlang_c(10, 0.0), 0.0);
        let unstable = ErlangC {
            arrival_rate: 12.0,
            mean_service: 1.0,
            servers: 10,
        };
        assert!(!unstable.is_stable());
        assert_eq!(unstable.mean_wait(), f64::INFINITY);
        assert_eq!(unstable.mean_queue_len(), f64::INFINITY);
        assert_eq!(unstable.service_level(5.0), 0.0);
        assert_eq!(unstable.occupancy(), 1.0);
        let q = ErlangC {
            arrival_rate: 8.0,
            mean_service: 1.0,
            servers: 10,
        };
        assert_eq!(q.service_level(-1.0), 0.0);
        assert_eq!(q.service_level(f64::NAN), 0.0);
        assert_close!(q.service_level(0.0), 1.0 - q.p_wait(), 1e-15);
        assert_eq!(q.service_level(f64::INFINITY), 1.0);
        let idle = ErlangC {
            arrival_rate: 0.0,
            mean_service: 3.0,
            servers: 0,
        };
        assert!(idle.is_stable());
        assert_eq!(idle.mean_wait(), 0.0);
        assert_eq!(idle.service_level(0.0), 1.0);
    }

    // -- Stability and NaN-freedom ----------------------------------------

    #[test]
    fn thousands_of_servers_give_finite_probabilities() {
        for (c, a) in [
            (5000u32, 4900.0),
            (5000, 4999.5),
            (20_000, 19_700.0),
            (2000, 1950.0),
        ] {
            let (b, cw) = (erlang_b(c, a), erlang_c(c, a));
            assert!(
                b.is_finite() && (0.0..=1.0).contains(&b),
                "B({c},{a}) = {b}"
            );
            assert!(
                cw.is_finite() && (0.0..=1.0).contains(&cw),
                "C({c},{a}) = {cw}"
            );
            assert!(cw > b);
            let q = ErlangC {
                arrival_rate: a,
                mean_service: 1.0,
                servers: c,
            };
            for v in [q.mean_wait(), q.mean_queue_len(), q.service_level(0.01)] {
                assert!(v.is_finite() && v >= 0.0);
            }
        }
        // Far below / above the load: underflow to the right limits.
        assert!(erlang_c(5000, 3000.0) < 1e-200);
        assert_close!(erlang_b(3000, 5000.0), 0.4, 1e-3); // fluid limit 1 - c/a
        let ea = ErlangA {
            arrival_rate: 4900.0,
            mean_service: 1.0,
            mean_patience: 0.5,
            servers: 5000,
        };
        let m = ea.metrics();
        for v in [m.p_wait, m.p_abandon, m.occupancy, ea.service_level(0.05)] {
            assert!(v.is_finite() && (0.0..=1.0).contains(&v));
        }
        let over = ErlangA {
            arrival_rate: 5300.0,
            ..ea
        };
        let m = over.metrics();
        assert!(m.p_abandon > 0.04 && m.p_abandon < 0.07, "{m:?}");
        assert!(m.occupancy > 0.99);
    }

    #[test]
    fn no_nan_anywhere_over_a_grid_of_inputs() {
        let rates = [
            -1.0,
            0.0,
            1e-300,
            0.3,
            1.0,
            7.5,
            1e4,
            1e300,
            f64::MAX,
            f64::INFINITY,
            f64::NAN,
        ];
        let times = [
            -1.0,
            0.0,
            1e-300,
            0.2,
            1.0,
            3.0,
            1e300,
            f64::INFINITY,
            f64::NAN,
        ];
        let patiences = [
            -1.0,
            0.0,
            1e-300,
            0.1,
            1.0,
            5.0,
            1e12,
            1e300,
            f64::INFINITY,
            f64::NAN,
        ];
        let servers = [0u32, 1, 2, 7, 1000, u32::MAX];
        let ts = [0.0, 0.5, 1e300, f64::INFINITY, -1.0, f64::NAN];
        let prob = |v: f64, what: &str| assert!((0.0..=1.0).contains(&v), "{what} = {v}");
        let nonneg = |v: f64, what: &str| assert!(v >= 0.0, "{what} = {v}"); // also rejects NaN
        for &lam in &rates {
            for &s in &times {
                for &c in &servers {
                    prob(erlang_b(c, lam * s), "B");
                    prob(erlang_c(c, lam * s), "C");
                    let q = ErlangC {
                        arrival_rate: lam,
                        mean_service: s,
                        servers: c,
                    };
                    prob(q.p_wait(), "C.p_wait");
                    prob(q.occupancy(), "C.occupancy");
                    nonneg(q.mean_wait(), "C.mean_wait");
                    nonneg(q.mean_queue_len(), "C.lq");
                    nonneg(q.load(), "C.load");
                    for &t in &ts {
                        prob(q.service_level(t), "C.sl");
                    }
                    for k in [0u32, 1, 5, 1000, u32::MAX] {
                        let mk = MMcK {
                            arrival_rate: lam,
                            mean_service: s,
                            servers: c,
                            capacity: k,
                        };
                        prob(mk.p_block(), "K.p_block");
                        nonneg(mk.mean_wait(), "K.mean_wait");
                        nonneg(mk.mean_queue_len(), "K.lq");
                    }
                    for &p in &patiences {
                        let e = ErlangA {
                            arrival_rate: lam,
                            mean_service: s,
                            mean_patience: p,
                            servers: c,
                        };
                        let m = e.metrics();
                        let ctx = format!("{e:?} {m:?}");
                        prob(m.p_wait, &ctx);
                        prob(m.p_abandon, &ctx);
                        prob(m.occupancy, &ctx);
                        nonneg(m.mean_wait, &ctx);
                        nonneg(m.mean_wait_served, &ctx);
                        nonneg(m.mean_queue_len, &ctx);
                        for &t in &ts {
                            prob(e.service_level(t), &ctx);
                            prob(e.service_level_excl_abandons(t), &ctx);
                        }
                    }
                }
            }
        }
    }

    // -- Erlang A ----------------------------------------------------------

    fn poisson_pmf(a: f64, n_max: usize) -> Vec<f64> {
        // Independent of the module: plain pmf recursion from e^-a.
        let mut p = vec![(-a).exp()];
        for n in 1..=n_max {
            let prev = p[n - 1];
            p.push(prev * a / n as f64);
        }
        p
    }

    /// With theta = mu every customer in the system leaves at rate mu whether
    /// served or waiting, so N is Poisson(a) (M/M/inf). Hence, exactly,
    /// P(wait) = P(N >= c) and P(abandon) = E[(N - c)^+] / a.
    #[test]
    fn erlang_a_with_patience_equal_to_service_is_poisson() {
        for (c, a) in [(10u32, 8.0), (3, 2.5), (200, 190.0), (50, 70.0)] {
            let e = ErlangA {
                arrival_rate: a / 4.0,
                mean_service: 4.0,
                mean_patience: 4.0,
                servers: c,
            };
            let p = poisson_pmf(a, (a * 3.0 + 200.0) as usize);
            let p_wait: f64 = p[c as usize..].iter().sum();
            let excess: f64 = p
                .iter()
                .enumerate()
                .skip(c as usize)
                .map(|(n, pn)| (n - c as usize) as f64 * pn)
                .sum();
            let m = e.metrics();
            assert_close!(m.p_wait, p_wait, 1e-12);
            assert_close!(m.p_abandon, excess / a, 1e-12);
            let busy: f64 = p
                .iter()
                .enumerate()
                .map(|(n, pn)| (n.min(c as usize)) as f64 * pn)
                .sum();
            assert_close!(m.occupancy, busy / f64::from(c), 1e-12);
        }
    }

    /// theta -> 0 reproduces Erlang C (differences are O(theta)).
    #[test]
    fn erlang_a_with_long_patience_tends_to_erlang_c() {
        let q = ErlangC {
            arrival_rate: 100.0 / 1800.0,
            mean_service: 180.0,
            servers: 14,
        };
        let e = ErlangA {
            arrival_rate: q.arrival_rate,
            mean_service: q.mean_service,
            mean_patience: 1e9,
            servers: 14,
        };
        let m = e.metrics();
        assert_close!(m.p_wait, q.p_wait(), 1e-6);
        assert_close!(m.mean_wait, q.mean_wait(), 1e-4);
        assert_close!(m.mean_wait_served, q.mean_wait(), 1e-4);
        assert!(m.p_abandon < 1e-7);
        for t in [0.0, 5.0, 20.0, 60.0, 300.0] {
            assert_close!(e.service_level(t), q.service_level(t), 1e-6);
        }
        // Infinite patience is Erlang C exactly.
        let exact = ErlangA {
            mean_patience: f64::INFINITY,
            ..e
        };
        assert_eq!(exact.service_level(20.0), q.service_level(20.0));
        assert_eq!(exact.p_abandon(), 0.0);
    }

    /// Zero patience: the loss system, Erlang B.
    #[test]
    fn erlang_a_with_zero_patience_is_erlang_b() {
        let e = ErlangA {
            arrival_rate: 5.0,
            mean_service: 1.0,
            mean_patience: 0.0,
            servers: 10,
        };
        let m = e.metrics();
        assert_close!(m.p_abandon, erlang_b(10, 5.0), 1e-15);
        assert_eq!(m.mean_wait, 0.0);
        // Tiny but positive patience approaches it continuously.
        let near = ErlangA {
            mean_patience: 1e-9,
            ..e
        };
        assert_close!(near.p_abandon(), erlang_b(10, 5.0), 1e-8);
        assert_close!(near.service_level(0.1), 1.0 - erlang_b(10, 5.0), 1e-8);
    }

    /// Reference values from an independent 30-digit computation (mpmath):
    /// stationary law summed directly over 4000 queue states, service level
    /// from the regularised incomplete beta function
    /// P(served, wait <= t | j) = s_j · I_{1-e^{-theta t}}(j+1, c mu/theta + 1),
    /// whose derivation was itself checked against numerical quadrature of
    /// the hypoexponential density to 1e-15.
    #[test]
    fn erlang_a_matches_high_precision_reference() {
        // (lambda, s, patience, c, t): p_wait, p_abandon, mean_wait, ASA, SL, SL excl, occupancy
        let cases = [
            (
                (2.5, 1.0, 1.0 / 0.7, 3u32, 0.5),
                [
                    0.482895175705175,
                    0.147338334809354,
                    0.210483335441935,
                    0.178827769294746,
                    0.733942484419041,
                    0.860766367695139,
                    0.710551387658871,
                ],
            ),
            // 2000 calls/h, 6 min AHT, 3 min patience, 20 s target, in minutes.
            (
                (2000.0 / 60.0, 6.0, 3.0, 200, 1.0 / 3.0),
                [
                    0.425332361711888,
                    0.0330298297402293,
                    0.0990894892206879,
                    0.0960582375808022,
                    0.864875324741719,
                    0.894417792132487,
                    0.966970170259771,
                ],
            ),
            (
                (2000.0 / 60.0, 6.0, 3.0, 190, 1.0 / 3.0),
                [
                    0.655753740086913,
                    0.0646177961557653,
                    0.193853388467296,
                    0.191652756673327,
                    0.706478049767845,
                    0.75528275699961,
                    0.984612846151826,
                ],
            ),
        ];
        for ((lam, s, p, c, t), want) in cases {
            let e = ErlangA {
                arrival_rate: lam,
                mean_service: s,
                mean_patience: p,
                servers: c,
            };
            let m = e.metrics();
            let got = [
                m.p_wait,
                m.p_abandon,
                m.mean_wait,
                m.mean_wait_served,
                e.service_level(t),
                e.service_level_excl_abandons(t),
                m.occupancy,
            ];
            for (g, w) in got.iter().zip(want) {
                assert!(rel_close(*g, w, 1e-11), "{e:?}: got {got:?}, want {want:?}");
            }
        }
    }

    /// Brute force, sharing no code with the module: truncated stationary
    /// law by plain products, then the waiting customers' pure-death chain
    /// (k ahead -> k-1 at rate c mu + k theta, own abandonment theta,
    /// k = 0 -> served at rate c mu) integrated by RK4 from the arrival-
    /// stationary initial law. Gives P(served, wait <= t) for many t and
    /// E[wait; served] = integral of (S(inf) - S(t)) dt.
    fn brute_force_erlang_a(
        lam: f64,
        mu: f64,
        theta: f64,
        c: usize,
        ts: &[f64],
    ) -> (Vec<f64>, f64, f64) {
        let n_max = c + 400;
        let mut w = vec![1.0f64];
        for n in 1..=n_max {
            let d = if n <= c {
                n as f64 * mu
            } else {
                c as f64 * mu + (n - c) as f64 * theta
            };
            let prev = w[n - 1];
            w.push(prev * lam / d);
        }
        let z: f64 = w.iter().sum();
        let mut pi: Vec<f64> = w.iter().map(|x| x / z).collect();
        while pi.len() > c + 1 && pi[pi.len() - 1] < 1e-18 {
            pi.pop();
        }
        let p0: f64 = pi[..c].iter().sum();
        let cmu = c as f64 * mu;
        let deriv = |p: &[f64]| -> (Vec<f64>, f64) {
            let mut dp = vec![0.0; p.len()];
            for k in 0..p.len() {
                dp[k] -= (cmu + k as f64 * theta + theta) * p[k];
                if k + 1 < p.len() {
                    dp[k] += (cmu + (k + 1) as f64 * theta) * p[k + 1];
                }
            }
            (dp, cmu * p[0])
        };
        let mut p: Vec<f64> = pi[c..].to_vec();
        let served_total: f64 = p
            .iter()
            .enumerate()
            .map(|(j, x)| x * cmu / (cmu + (j + 1) as f64 * theta))
            .sum();
        let (mut served, mut time, mut integral) = (0.0f64, 0.0f64, 0.0f64);
        let max_rate = cmu + pi.len() as f64 * theta;
        let dt = 0.004 / max_rate;
        let horizon = 40.0 / theta.min(cmu);
        let mut out = vec![];
        // Checkpoints: each requested t (increasing), then the horizon; equal
        // RK4 steps of at most dt that land exactly on each checkpoint.
        for (idx, &stop) in ts.iter().chain(std::iter::once(&horizon)).enumerate() {
            let steps = ((stop - time) / dt).ceil().max(0.0) as usize;
            let h = if steps > 0 {
                (stop - time) / steps as f64
            } else {
                0.0
            };
            for _ in 0..steps {
                let (k1, s1) = deriv(&p);
                let p2: Vec<f64> = p.iter().zip(&k1).map(|(x, d)| x + 0.5 * h * d).collect();
                let (k2, s2) = deriv(&p2);
                let p3: Vec<f64> = p.iter().zip(&k2).map(|(x, d)| x + 0.5 * h * d).collect();
                let (k3, s3) = deriv(&p3);
                let p4: Vec<f64> = p.iter().zip(&k3).map(|(x, d)| x + h * d).collect();
                let (k4, s4) = deriv(&p4);
                let before = served;
                for i in 0..p.len() {
                    p[i] += h / 6.0 * (k1[i] + 2.0 * k2[i] + 2.0 * k3[i] + k4[i]);
                }
                served += h / 6.0 * (s1 + 2.0 * s2 + 2.0 * s3 + s4);
                integral += h * (served_total - 0.5 * (before + served));
            }
            time = stop;
            if idx < ts.len() {
                out.push(p0 + served);
            }
        }
        (out, p0 + served_total, integral)
    }

    #[test]
    fn erlang_a_matches_brute_force_ode_solution() {
        // (lambda, mu, theta, c)
        for (lam, mu, theta, c) in [
            (2.5, 1.0, 0.7, 3usize),
            (6.0, 1.0, 2.0, 4),
            (9.0, 1.0, 0.25, 8),
        ] {
            let ts = [0.0, 0.1, 0.5, 1.0, 2.0, 4.0];
            let (sl, served, e_wait_served) = brute_force_erlang_a(lam, mu, theta, c, &ts);
            let e = ErlangA {
                arrival_rate: lam,
                mean_service: 1.0 / mu,
                mean_patience: 1.0 / theta,
                servers: c as u32,
            };
            for (t, want) in ts.iter().zip(&sl) {
                assert_close!(e.service_level(*t), *want, 1e-9);
            }
            let m = e.metrics();
            assert_close!(1.0 - m.p_abandon, served, 1e-12);
            assert_close!(m.mean_wait_served, e_wait_served / served, 1e-7);
        }
    }

    #[test]
    fn erlang_a_service_level_limits_and_identities() {
        for (lam, s, p, c) in [
            (2.5, 1.0, 1.4, 3u32),
            (33.3, 6.0, 3.0, 195),
            (33.3, 6.0, 3.0, 150),
            (0.5, 1.0, 20.0, 1),
        ] {
            let e = ErlangA {
                arrival_rate: lam,
                mean_service: s,
                mean_patience: p,
                servers: c,
            };
            let m = e.metrics();
            // t = 0: only those who did not wait; t -> inf: all who get served.
            assert_close!(e.service_level(0.0), 1.0 - m.p_wait, 1e-12);
            assert_close!(e.service_level(f64::INFINITY), 1.0 - m.p_abandon, 1e-12);
            assert_close!(e.service_level(1e6 * s), 1.0 - m.p_abandon, 1e-12);
            assert_close!(e.service_level_excl_abandons(f64::INFINITY), 1.0, 1e-12);
            // Little's law on the servers: occupancy = a (1 - P(ab)) / c.
            assert_close!(
                m.occupancy,
                lam * s * (1.0 - m.p_abandon) / f64::from(c),
                1e-12
            );
            // Little's law on the queue.
            assert_close!(
                m.mean_queue_len,
                lam * m.mean_wait,
                1e-9 * m.mean_queue_len.max(1.0)
            );
            // Mean wait over all = P(served) ASA + P(ab) E[wait | abandoned] >= P(served) ASA.
            assert!(m.mean_wait >= (1.0 - m.p_abandon) * m.mean_wait_served);
            let mut prev = -1.0;
            for t in [0.0, 0.01, 0.1, 0.5, 1.0, 3.0, 10.0] {
                let v = e.service_level(t * s);
                assert!(v >= prev, "SL not increasing in t");
                prev = v;
            }
        }
    }

    /// The staffing search assumes measures monotone in c; check it on grids.
    #[test]
    fn erlang_a_measures_are_monotone_in_servers() {
        for (lam, s, p) in [
            (33.3, 6.0, 3.0),
            (33.3, 6.0, 0.5),
            (5.0, 1.0, 10.0),
            (5.0, 1.0, 0.05),
        ] {
            let mut prev: Option<(ErlangAMetrics, f64)> = None;
            let a = lam * s;
            for c in 1..(2.0 * a) as u32 + 10 {
                let e = ErlangA {
                    arrival_rate: lam,
                    mean_service: s,
                    mean_patience: p,
                    servers: c,
                };
                let (m, sl) = (e.metrics(), e.service_level(s / 3.0));
                if let Some((pm, psl)) = prev {
                    let eps = 1e-12;
                    assert!(m.p_abandon <= pm.p_abandon + eps, "c={c}");
                    assert!(
                        m.mean_wait_served <= pm.mean_wait_served * (1.0 + eps),
                        "ASA c={c}"
                    );
                    assert!(m.mean_wait <= pm.mean_wait * (1.0 + eps), "c={c}");
                    assert!(m.occupancy <= pm.occupancy + eps, "occ c={c}");
                    assert!(sl >= psl - eps, "SL c={c}");
                }
                prev = Some((m, sl));
            }
        }
    }

    #[test]
    fn erlang_a_scales_to_thousands_of_agents() {
        // 2000 Erlangs (e.g. 20000 calls/h at 6 min), patience 2 min.
        for c in [1800u32, 1990, 2000, 2050, 2100] {
            let e = ErlangA {
                arrival_rate: 20_000.0,
                mean_service: 0.1,
                mean_patience: 1.0 / 30.0,
                servers: c,
            };
            let m = e.metrics();
            assert!(m.p_wait.is_finite() && m.p_abandon < 0.2, "{c}: {m:?}");
            assert!(e.is_exact());
            assert_close!(
                m.occupancy,
                2000.0 * (1.0 - m.p_abandon) / f64::from(c),
                1e-10
            );
        }
        // Absurd overload with near-infinite patience: the fluid fallback.
        let e = ErlangA {
            arrival_rate: 2.0,
            mean_service: 1.0,
            mean_patience: 1e15,
            servers: 1,
        };
        let sol = e.solve(None);
        assert!(!e.is_exact());
        assert_close!(sol.m.p_abandon, 0.5, 1e-12);
    }

    // -- M/M/c/K -----------------------------------------------------------

    /// Direct sum over states, sharing no code with the module.
    fn brute_mmck(lam: f64, mu: f64, c: usize, k: usize) -> (f64, f64) {
        let mut w = vec![1.0f64];
        for n in 1..=k {
            let prev = w[n - 1];
            w.push(prev * lam / (n.min(c) as f64 * mu));
        }
        let z: f64 = w.iter().sum();
        let lq: f64 = w
            .iter()
            .enumerate()
            .map(|(n, x)| n.saturating_sub(c) as f64 * x / z)
            .sum();
        (w[k] / z, lq)
    }

    #[test]
    fn mmck_reduces_to_erlang_b_and_erlang_c() {
        let b = MMcK {
            arrival_rate: 5.0,
            mean_service: 1.0,
            servers: 10,
            capacity: 10,
        };
        assert_close!(b.p_block(), erlang_b(10, 5.0), 1e-15);
        assert_eq!(b.mean_wait(), 0.0);
        let big = MMcK {
            arrival_rate: 8.0,
            mean_service: 1.0,
            servers: 10,
            capacity: 10_000,
        };
        let q = ErlangC {
            arrival_rate: 8.0,
            mean_service: 1.0,
            servers: 10,
        };
        assert!(big.p_block() < 1e-300);
        assert_close!(big.mean_wait(), q.mean_wait(), 1e-12);
        // capacity below servers: only `capacity` fit (M/M/K/K).
        let small = MMcK { capacity: 4, ..b };
        assert_close!(small.p_block(), erlang_b(4, 5.0), 1e-15);
    }

    /// M/M/1/K closed form: p_block = (1 - rho) rho^K / (1 - rho^{K+1}),
    /// and 1 / (K + 1) at rho = 1; plus brute-force sums for c > 1,
    /// including rho within 1e-9 of 1 (series branch) and rho > 1.
    #[test]
    fn mmck_matches_closed_forms_and_direct_sums() {
        for rho in [0.5, 0.9, 1.3] {
            let k = 7;
            let want = (1.0 - rho) * f64::powi(rho, k) / (1.0 - f64::powi(rho, k + 1));
            let m = MMcK {
                arrival_rate: rho,
                mean_service: 1.0,
                servers: 1,
                capacity: k as u32,
            };
            assert_close!(m.p_block(), want, 1e-14);
        }
        let m = MMcK {
            arrival_rate: 1.0,
            mean_service: 1.0,
            servers: 1,
            capacity: 9,
        };
        assert_close!(m.p_block(), 0.1, 1e-15);
        for (lam, c, k) in [
            (3.0, 4usize, 12usize),
            (4.0, 4, 300),
            (4.0 * (1.0 + 1e-9), 4, 3000),
            (4.0 * (1.0 - 1e-6), 4, 3000),
            (9.0, 4, 40),
            (150.0, 120, 400),
            (3.9, 4, 20_000),
        ] {
            let (pb, lq) = brute_mmck(lam, 1.0, c, k);
            let m = MMcK {
                arrival_rate: lam,
                mean_service: 1.0,
                servers: c as u32,
                capacity: k as u32,
            };
            assert!(
                rel_close(m.p_block(), pb, 1e-10),
                "{m:?}: {} vs {pb}",
                m.p_block()
            );
            assert!(
                rel_close(m.mean_queue_len(), lq, 1e-10),
                "{m:?}: {} vs {lq}",
                m.mean_queue_len()
            );
            assert!(rel_close(m.mean_wait(), lq / (lam * (1.0 - pb)), 1e-10));
        }
        // Huge waiting rooms in overload stay finite: blocking -> 1 - c/a.
        let m = MMcK {
            arrival_rate: 2.0,
            mean_service: 1.0,
            servers: 1,
            capacity: u32::MAX,
        };
        assert_close!(m.p_block(), 0.5, 1e-12);
        assert!(m.mean_wait().is_finite());
    }

    // -- Staffing ------------------------------------------------------------

    fn meets_c(lam: f64, s: f64, c: u32, t: Target) -> bool {
        ErlangC {
            arrival_rate: lam,
            mean_service: s,
            servers: c,
        }
        .meets(t)
    }

    /// The domain's sizing example: 500 incidents a day, 10 minutes each,
    /// = 83.3 hours of work; 7 effective hours per agent => 12 agents on a
    /// pure workload basis. Over a 10-hour opening day (50/h, load 8.33
    /// Erlangs) an 80%-answered-within-60-s target needs 12 agents logged in
    /// *at all times* (11 give 77.1%, 12 give 87.8%), i.e. more than the 9
    /// the load alone suggests, and with 7 productive hours in 10 that is
    /// ceil(12 / 0.7) = 18 heads, not 12.
    #[test]
    fn staffing_domain_sizing_example() {
        let (lam, s) = (50.0, 1.0 / 6.0); // per hour, hours
        assert_eq!(workload_servers(lam, s, 0.7), Ok(12));
        assert_eq!(workload_servers(lam, s, 1.0), Ok(9));
        let target = Target::ServiceLevel {
            within: 1.0 / 60.0,
            at_least: 0.8,
        };
        let c = required_servers_c(lam, s, target).unwrap();
        assert_eq!(c, 12);
        assert!(meets_c(lam, s, c, target) && !meets_c(lam, s, c - 1, target));
        let q = |c| ErlangC {
            arrival_rate: lam,
            mean_service: s,
            servers: c,
        };
        assert_close!(
            q(12).service_level(1.0 / 60.0),
            0.878_043_482_167_079_2,
            1e-9
        );
        assert_close!(
            q(11).service_level(1.0 / 60.0),
            0.770_513_049_084_255_2,
            1e-9
        );
        assert!(c > workload_servers(lam, s, 1.0).unwrap());
        let heads = headcount(c, 0.7).unwrap();
        assert_eq!(heads, 18);
        assert!(heads > workload_servers(lam, s, 0.7).unwrap());
    }

    #[test]
    fn staffing_for_large_centres_is_minimal() {
        // 2000 calls/h at 6 min (200 Erlangs) and 20000 calls/h (2000 Erlangs),
        // times in seconds; patience 3 minutes for Erlang A.
        for lam_per_h in [2000.0, 20_000.0] {
            let (lam, s, pat) = (lam_per_h / 3600.0, 360.0, 180.0);
            let a = lam * s;
            let targets = [
                Target::ServiceLevel {
                    within: 20.0,
                    at_least: 0.8,
                },
                Target::ServiceLevel {
                    within: 0.0,
                    at_least: 0.5,
                },
                Target::MaxMeanWait(10.0),
                Target::MaxOccupancy(0.9),
            ];
            for t in targets {
                let c = required_servers_c(lam, s, t).unwrap();
                assert!(
                    f64::from(c) > a && f64::from(c) < a + 5.0 * a.sqrt() + 5.0,
                    "{t:?}: {c}"
                );
                assert!(
                    meets_c(lam, s, c, t) && !meets_c(lam, s, c - 1, t),
                    "{t:?}: {c}"
                );
            }
            for t in targets.into_iter().chain([Target::MaxAbandonRate(0.03)]) {
                let c = required_servers_a(lam, s, pat, t).unwrap();
                let e = |c| ErlangA {
                    arrival_rate: lam,
                    mean_service: s,
                    mean_patience: pat,
                    servers: c,
                };
                assert!(e(c).meets(t) && !e(c - 1).meets(t), "{t:?}: {c}");
                if let Target::ServiceLevel { .. } | Target::MaxMeanWait(_) = t {
                    // Abandonment shortens queues: never more agents than Erlang C.
                    assert!(c <= required_servers_c(lam, s, t).unwrap(), "{t:?}");
                }
            }
        }
    }

    #[test]
    fn staffing_errors_and_conventions() {
        let sl = Target::ServiceLevel {
            within: 20.0,
            at_least: 0.8,
        };
        assert_eq!(
            required_servers_c(1.0, 10.0, Target::MaxAbandonRate(0.05)),
            Err(AnalyticError::NotApplicable)
        );
        assert_eq!(required_servers_c(0.0, 10.0, sl), Ok(0));
        assert_eq!(required_servers_a(0.0, 10.0, 5.0, sl), Ok(0));
        assert!(matches!(
            required_servers_c(f64::NAN, 10.0, sl),
            Err(AnalyticError::InvalidParameter(_))
        ));
        assert!(matches!(
            required_servers_c(-1.0, 10.0, sl),
            Err(AnalyticError::InvalidParameter(_))
        ));
        assert!(matches!(
            required_servers_a(1.0, 10.0, -5.0, sl),
            Err(AnalyticError::InvalidParameter(_))
        ));
        let bad = Target::ServiceLevel {
            within: 20.0,
            at_least: 1.5,
        };
        assert!(matches!(
            required_servers_c(1.0, 10.0, bad),
            Err(AnalyticError::InvalidParameter(_))
        ));
        // Loads beyond the u32 server range cannot be staffed.
        assert_eq!(
            required_servers_c(5e9, 1.0, sl),
            Err(AnalyticError::Unreachable)
        );
        // With abandonment 4e9 agents do serve 80% of 5e9 Erlangs (fluid
        // regime: 80% served, after ln(1.25) service times), but not of 1e10.
        assert_eq!(required_servers_a(5e9, 1.0, 1.0, sl), Ok(4_000_000_000));
        assert_eq!(
            required_servers_a(1e10, 1.0, 1.0, sl),
            Err(AnalyticError::Unreachable)
        );
        // A service level of 100% within infinite time is reachable (Erlang C).
        let all = Target::ServiceLevel {
            within: f64::INFINITY,
            at_least: 1.0,
        };
        assert_eq!(required_servers_c(1.0, 10.0, all), Ok(11));
        // Occupancy cap: smallest c with a / c <= 0.85 (and stable).
        assert_eq!(
            required_servers_c(1.0, 10.0, Target::MaxOccupancy(0.85)),
            Ok(12)
        );
        assert_eq!(
            required_servers_c(1.0, 10.0, Target::MaxOccupancy(1.0)),
            Ok(11)
        );
        assert_eq!(
            workload_servers(1.0, 1.0, 0.0),
            Err(AnalyticError::InvalidParameter("productive_fraction"))
        );
        // 83.333.../(7/10) is 119.047...: ceil 120; exact integers are not bumped.
        assert_eq!(workload_servers(500.0, 1.0 / 6.0, 0.7), Ok(120));
        assert_eq!(workload_servers(0.1 * 3.0, 10.0, 1.0), Ok(3));
    }

    #[test]
    fn mm1k_validate_and_erlang_a_validate() {
        assert!(
            MMcK {
                arrival_rate: 1.0,
                mean_service: 1.0,
                servers: 3,
                capacity: 2
            }
            .validate()
            .is_err()
        );
        assert!(
            ErlangA {
                arrival_rate: 1.0,
                mean_service: 1.0,
                mean_patience: f64::INFINITY,
                servers: 3
            }
            .validate()
            .is_ok()
        );
        assert!(
            ErlangC {
                arrival_rate: f64::INFINITY,
                mean_service: 1.0,
                servers: 3
            }
            .validate()
            .is_err()
        );
    }
}
