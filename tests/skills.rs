//! Shared pools and skills-based routing against exact queueing results.
//!
//! - One shared pool holding every team's skill is one M/M/c queue (Erlang C).
//! - Pools with disjoint skills are independent M/M/c queues.
//! - The N-design (type 1 served by pool A and, when A is full, by pool B; type 2 by pool B
//!   only; a freed B agent serves type 2 first) against the stationary distribution of a
//!   continuous-time Markov chain this test builds and solves itself.
//!
//! Tolerance, stated once: `REPS` independent replications of 60 round-the-clock days (about
//! 40,000 contacts each after a 2-day warm-up). A simulated value passes when it lies within
//! 4.5 standard errors of the replication mean of the exact value (with a fixed seed the
//! outcome is deterministic; a correct simulator essentially never misses by that much), and
//! the standard error itself is below 3% of the value, so a modelling error of a few percent
//! would be caught.

use tiersim::analytic::{ErlangC, erlang_c};
use tiersim::engine::{RunOptions, simulate};
use tiersim::model::{Model, PoolId, compile};
use tiersim::scenario::parse;

const REPS: u64 = 10;
const SEED: u64 = 20_261_129;

/// A scenario with two incident types on their own channels (rates per minute), team `T1`
/// with `own1` agents for type 1 (mean handling `h1` min), `T2` with `own2` for type 2
/// (`h2` min), and the given shared pools (RON text).
fn scenario(l1: f64, l2: f64, own: (u32, u32), h: (f64, f64), pools: &str) -> Model {
    let text = format!(
        r#"Scenario(name: "skills", calendar: (days: 60, warmup: "2d"), incident_types: ["one", "two"],
  channels: [
    (name: "c1", kind: Email, arrivals: Poisson(per_hour: {}), mix: {{"one": 1.0}}, entry: "T1"),
    (name: "c2", kind: Email, arrivals: Poisson(per_hour: {}), mix: {{"two": 1.0}}, entry: "T2"),
  ],
  teams: [
    (name: "T1", agents: {}, handling: {{"*": Exponential(mean: "{}min")}}, routes: {{"*": (resolve: 1.0)}}),
    (name: "T2", agents: {}, handling: {{"*": Exponential(mean: "{}min")}}, routes: {{"*": (resolve: 1.0)}}),
  ],
  pools: [{pools}])"#,
        l1 * 60.0,
        l2 * 60.0,
        own.0,
        h.0,
        own.1,
        h.1
    );
    let (s, src) = parse("skills.ron".as_ref(), text).unwrap();
    compile(&s, &src).unwrap()
}

/// Per replication: P(wait > 0) and mean wait (minutes) per type, utilisation per pool, and
/// the share of type-1 visits served by each pool.
struct Rep {
    p_wait: [f64; 2],
    wait: [f64; 2],
    util: Vec<f64>,
    share1: Vec<f64>,
}

fn replicate(m: &Model) -> Vec<Rep> {
    (0..REPS)
        .map(|rep| {
            let out = simulate(m, SEED, rep, &RunOptions { trace: true }).unwrap();
            let mut n = [0u64; 2];
            let (mut waited, mut total) = ([0u64; 2], [0.0; 2]);
            for r in out
                .trace
                .iter()
                .filter(|r| r.arrival >= m.warmup && !r.answered.is_nan())
            {
                let t = r.ty as usize;
                let w = r.answered - r.arrival;
                n[t] += 1;
                waited[t] += u64::from(w > 0.0);
                total[t] += w / 60.0;
            }
            let pools = &out.collector.pools;
            let served1: u64 = pools.iter().map(|p| p.served[0]).sum();
            Rep {
                p_wait: [0, 1].map(|t| waited[t] as f64 / n[t] as f64),
                wait: [0, 1].map(|t| total[t] / n[t] as f64),
                util: pools.iter().map(|p| p.utilisation()).collect(),
                share1: pools
                    .iter()
                    .map(|p| p.served[0] as f64 / served1 as f64)
                    .collect(),
            }
        })
        .collect()
}

/// Checks the replications' values of one quantity against `exact` (see the module doc).
fn agrees(what: &str, xs: impl Iterator<Item = f64>, exact: f64) {
    let xs: Vec<f64> = xs.collect();
    let n = xs.len() as f64;
    let mean = xs.iter().sum::<f64>() / n;
    let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
    let se = (var / n).sqrt();
    assert!(
        se <= 0.03 * exact.abs(),
        "{what}: too noisy to judge: se {se:.5} on {exact:.5}"
    );
    assert!(
        (mean - exact).abs() <= 4.5 * se,
        "{what}: simulated {mean:.5} (se {se:.5}), exact {exact:.5}"
    );
}

#[test]
fn one_pool_with_every_skill_is_one_mmc_queue() {
    // Neither team has agents of its own: one shared pool of 5 serves both queues, with the
    // same handling time, so contacts of both types form one M/M/5 (FIFO within each queue;
    // the waiting-time distribution of the whole does not depend on which is taken first
    // among equal exponential services, but P(wait) and utilisation do not either way).
    let m = scenario(
        0.35,
        0.45,
        (0, 0),
        (5.0, 5.0),
        r#"(name: "all", agents: 5, skills: {"T1": (rank: 1), "T2": (rank: 1)})"#,
    );
    let reps = replicate(&m);
    let q = ErlangC {
        arrival_rate: 0.8,
        mean_service: 5.0,
        servers: 5,
    };
    let pw = erlang_c(5, 4.0);
    for t in 0..2 {
        agrees(
            &format!("P(wait) type {t}"),
            reps.iter().map(|r| r.p_wait[t]),
            pw,
        );
    }
    agrees(
        "utilisation",
        reps.iter().map(|r| r.util[2]),
        q.arrival_rate * q.mean_service / 5.0,
    );
    // Mean wait over both types: Erlang C's, weighted by arrivals.
    let w = pw * q.mean_service / (5.0 - 4.0);
    agrees(
        "mean wait, both types",
        reps.iter()
            .map(|r| (0.35 * r.wait[0] + 0.45 * r.wait[1]) / 0.8),
        w,
    );
}

#[test]
fn pools_with_disjoint_skills_are_independent_mmc_queues() {
    let m = scenario(
        0.5,
        0.3,
        (0, 0),
        (5.0, 8.0),
        r#"(name: "P1", agents: 3, skills: {"T1": ()}), (name: "P2", agents: 3, skills: {"T2": ()})"#,
    );
    let reps = replicate(&m);
    for (t, (l, h, c, pool)) in [(0.5, 5.0, 3u32, 2usize), (0.3, 8.0, 3, 3)]
        .into_iter()
        .enumerate()
    {
        let pw = erlang_c(c, l * h);
        agrees(
            &format!("P(wait) type {t}"),
            reps.iter().map(|r| r.p_wait[t]),
            pw,
        );
        agrees(
            &format!("mean wait type {t}"),
            reps.iter().map(|r| r.wait[t]),
            pw * h / (f64::from(c) - l * h),
        );
        agrees(
            &format!("utilisation pool {pool}"),
            reps.iter().map(|r| r.util[pool]),
            l * h / f64::from(c),
        );
    }
}

/// The N-design's exact stationary values.
struct NDesign {
    p_wait: [f64; 2],
    wait: [f64; 2],
    util_a: f64,
    util_b: f64,
    /// Share of type-1 contacts served by pool B.
    overflow: f64,
    /// Stationary mass on the truncation boundary (a queue at its cap).
    boundary: f64,
}

/// Solves the N-design's CTMC: state (a, b1, b2, q1, q2) = A agents busy (type 1), B agents
/// busy with type 1 and with type 2, and the two queue lengths, each capped at `cap` (an
/// arrival finding its queue at the cap is dropped; the mass there bounds the error).
/// Rates per minute: arrivals `l`, services `mu_a` (type 1 by A), `mu_b1` (type 1 by B),
/// `mu_b2` (type 2 by B).
fn n_design(l: [f64; 2], ca: usize, cb: usize, mu_a: f64, mu_b1: f64, mu_b2: f64) -> NDesign {
    let cap = 120usize;
    // Enumerate states; queues are only non-empty when every agent who could serve is busy.
    let mut states = Vec::new();
    for a in 0..=ca {
        for b1 in 0..=cb {
            for b2 in 0..=cb - b1 {
                let b_full = b1 + b2 == cb;
                let q2_max = if b_full { cap } else { 0 };
                let q1_max = if b_full && a == ca { cap } else { 0 };
                for q1 in 0..=q1_max {
                    for q2 in 0..=q2_max {
                        states.push([a, b1, b2, q1, q2]);
                    }
                }
            }
        }
    }
    let index: std::collections::HashMap<[usize; 5], usize> =
        states.iter().enumerate().map(|(i, &s)| (s, i)).collect();
    // Outgoing transitions of each state.
    let next = |s: [usize; 5]| -> Vec<([usize; 5], f64)> {
        let [a, b1, b2, q1, q2] = s;
        let mut v = Vec::new();
        // Arrivals: type 1 to A, else to B (overflow), else waits; type 2 to B, else waits.
        if a < ca {
            v.push(([a + 1, b1, b2, q1, q2], l[0]));
        } else if b1 + b2 < cb {
            v.push(([a, b1 + 1, b2, q1, q2], l[0]));
        } else if q1 < cap {
            v.push(([a, b1, b2, q1 + 1, q2], l[0]));
        }
        if b1 + b2 < cb {
            v.push(([a, b1, b2 + 1, q1, q2], l[1]));
        } else if q2 < cap {
            v.push(([a, b1, b2, q1, q2 + 1], l[1]));
        }
        // A finishes: takes the next type 1, if any.
        if a > 0 {
            let to = if q1 > 0 {
                [a, b1, b2, q1 - 1, q2]
            } else {
                [a - 1, b1, b2, q1, q2]
            };
            v.push((to, a as f64 * mu_a));
        }
        // A freed B agent serves type 2 first (its primary skill), then type 1.
        let freed_b = |b1: usize, b2: usize| {
            if q2 > 0 {
                [a, b1, b2 + 1, q1, q2 - 1]
            } else if q1 > 0 {
                [a, b1 + 1, b2, q1 - 1, q2]
            } else {
                [a, b1, b2, q1, q2]
            }
        };
        if b1 > 0 {
            v.push((freed_b(b1 - 1, b2), b1 as f64 * mu_b1));
        }
        if b2 > 0 {
            v.push((freed_b(b1, b2 - 1), b2 as f64 * mu_b2));
        }
        v
    };
    let n = states.len();
    let mut inflow: Vec<Vec<(usize, f64)>> = vec![Vec::new(); n];
    let mut out = vec![0.0; n];
    for (i, &s) in states.iter().enumerate() {
        for (to, r) in next(s) {
            let j = index[&to];
            out[i] += r;
            inflow[j].push((i, r));
        }
    }
    // Gauss-Seidel on the balance equations pi_j out_j = sum_i pi_i r_ij, renormalised.
    let mut pi = vec![1.0 / n as f64; n];
    for _ in 0..20_000 {
        let mut delta: f64 = 0.0;
        for j in 0..n {
            let new = inflow[j].iter().map(|&(i, r)| pi[i] * r).sum::<f64>() / out[j];
            delta = delta.max((new - pi[j]).abs());
            pi[j] = new;
        }
        let total: f64 = pi.iter().sum();
        pi.iter_mut().for_each(|p| *p /= total);
        if delta < 1e-15 {
            break;
        }
    }
    let e = |f: &dyn Fn([usize; 5]) -> f64| -> f64 {
        states.iter().zip(&pi).map(|(&s, &p)| f(s) * p).sum()
    };
    let b_full = |s: [usize; 5]| s[1] + s[2] == cb;
    NDesign {
        p_wait: [
            e(&|s| f64::from(u8::from(s[0] == ca && b_full(s)))),
            e(&|s| f64::from(u8::from(b_full(s)))),
        ],
        wait: [e(&|s| s[3] as f64) / l[0], e(&|s| s[4] as f64) / l[1]],
        util_a: e(&|s| s[0] as f64) / ca as f64,
        util_b: e(&|s| (s[1] + s[2]) as f64) / cb as f64,
        overflow: e(&|s| s[1] as f64) * mu_b1 / l[0],
        boundary: e(&|s| f64::from(u8::from(s[3] == cap || s[4] == cap))),
    }
}

#[test]
fn n_design_matches_its_markov_chain() {
    // Type 1: 0.5/min, 5 min with A (2 agents), 25% slower with B. Type 2: 0.4/min, 4 min,
    // B only (3 agents). B's primary skill is type 2.
    let (l1, l2, h1, h2, prof) = (0.5, 0.4, 5.0, 4.0, 1.25);
    let m = scenario(
        l1,
        l2,
        (2, 0),
        (h1, h2),
        r#"(name: "B", agents: 3, skills: {"T2": (rank: 1), "T1": (rank: 2, proficiency: 1.25)})"#,
    );
    let exact = n_design([l1, l2], 2, 3, 1.0 / h1, 1.0 / (h1 * prof), 1.0 / h2);
    // Truncation error: the probability of a queue at its cap bounds what was cut off.
    assert!(exact.boundary < 1e-9, "truncation mass {}", exact.boundary);
    let reps = replicate(&m);
    let b = PoolId(2).index();
    for t in 0..2 {
        agrees(
            &format!("P(wait) type {t}"),
            reps.iter().map(|r| r.p_wait[t]),
            exact.p_wait[t],
        );
        agrees(
            &format!("mean wait type {t}"),
            reps.iter().map(|r| r.wait[t]),
            exact.wait[t],
        );
    }
    agrees(
        "utilisation A",
        reps.iter().map(|r| r.util[0]),
        exact.util_a,
    );
    agrees(
        "utilisation B",
        reps.iter().map(|r| r.util[b]),
        exact.util_b,
    );
    agrees(
        "overflow share of type 1",
        reps.iter().map(|r| r.share1[b]),
        exact.overflow,
    );
}

#[test]
fn bad_pools_are_rejected_with_the_field_named() {
    let bad = |pools: &str| {
        let text = format!(
            r#"Scenario(name: "x", calendar: (days: 1), incident_types: ["one"],
  channels: [(name: "c", kind: Email, arrivals: Poisson(per_hour: 1), mix: {{"one": 1.0}}, entry: "T1")],
  teams: [(name: "T1", agents: 1, handling: {{"*": Exponential(mean: "5min")}}, routes: {{"*": (resolve: 1.0)}})],
  pools: [{pools}])"#
        );
        let (s, src) = parse("x.ron".as_ref(), text).unwrap();
        compile(&s, &src).unwrap_err().to_string()
    };
    let e = bad(r#"(name: "P", agents: 1, skills: {"T9": ()})"#);
    assert!(
        e.contains("pools[0] \"P\".skills") && e.contains("unknown team `T9`"),
        "{e}"
    );
    let e = bad(r#"(name: "P", agents: 1, skills: {"T1": (rank: 0)})"#);
    assert!(
        e.contains(".rank") && e.contains("1 (primary) or more"),
        "{e}"
    );
    let e = bad(r#"(name: "P", agents: 1, skills: {"T1": (proficiency: 0.0)})"#);
    assert!(e.contains(".proficiency") && e.contains("positive"), "{e}");
    let e = bad(r#"(name: "P", agents: 1, skills: {})"#);
    assert!(e.contains("at least one skill"), "{e}");
    let e = bad(r#"(name: "T1", agents: 1, skills: {"T1": ()})"#);
    assert!(e.contains("T1"), "{e}");
}

#[test]
fn pool_schedule_by_day_sets_its_weekdays_and_refuses_a_repeated_day() {
    let pools = |by_day: &str| {
        let text = format!(
            r#"Scenario(name: "x", calendar: (days: 7), incident_types: ["one"],
  channels: [(name: "c", kind: Email, arrivals: Poisson(per_hour: 1), mix: {{"one": 1.0}}, entry: "T1")],
  teams: [(name: "T1", agents: 1, handling: {{"*": Exponential(mean: "5min")}}, routes: {{"*": (resolve: 1.0)}})],
  pools: [(name: "P", agents: 3, schedule_by_day: [{by_day}], skills: {{"T1": ()}})])"#
        );
        let (s, src) = parse("x.ron".as_ref(), text).unwrap();
        compile(&s, &src)
    };
    let m = pools(r#"(days: [Mon], agents: 0), (days: [Wed], schedule: [("12:00", 5)])"#).unwrap();
    let spd = m.slots_per_day;
    let agents = &m.shared_pools[0].agents;
    let (mut mon, mut wed_pm) = (0, 0);
    for (w, &a) in agents.iter().enumerate() {
        if !m.open[w] {
            assert_eq!(a, 0, "closed slot {w}");
            continue;
        }
        let (day, slot) = (w / spd, w % spd);
        let want = match day {
            0 => 0,
            2 if slot as f64 * m.interval >= 12.0 * 3600.0 => 5,
            _ => 3,
        };
        mon += usize::from(day == 0);
        wed_pm += usize::from(want == 5);
        assert_eq!(a, want, "slot {w} (day {day})");
    }
    assert!(
        mon > 0 && wed_pm > 0,
        "the test needs open Monday and Wednesday-afternoon slots"
    );
    let e = pools(r#"(days: [Tue], agents: 1), (days: [Tue], agents: 2)"#)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("pools[0] \"P\".schedule_by_day[1]") && e.contains("more than one entry"),
        "{e}"
    );
}

#[test]
fn a_team_served_only_by_a_shared_pool_is_not_warned_as_unstaffed() {
    let m = scenario(
        0.2,
        0.2,
        (1, 0),
        (5.0, 5.0),
        r#"(name: "B", agents: 2, skills: {"T2": ()})"#,
    );
    let w = tiersim::model::warnings(&m);
    assert!(w.iter().all(|w| w.kind != "no_agents"), "{w:?}");
    // Without the pool, the same team is warned about.
    let m = scenario(0.2, 0.2, (1, 0), (5.0, 5.0), "");
    let w = tiersim::model::warnings(&m);
    assert!(w.iter().any(|w| w.kind == "no_agents"), "{w:?}");
}
