//! The simulator agrees with queueing theory on the validation scenarios
//! (`scenarios/validation/`): Erlang C waits and service level, Erlang A abandonment, Erlang B
//! blocking, and a Jackson tandem network's per-node waits. Expected values come from
//! `tiersim::analytic`, whose own tests check them against published tables.
//!
//! Tolerance, stated once: each scenario runs `REPS` independent replications of its horizon
//! (60 days of round-the-clock traffic, about 140,000 contacts per replication for M/M/c,
//! whose waits at 80% occupancy vary most and so get twice the replications). A
//! check passes when
//! 1. the analytic value lies within 2 half-widths of the simulated 95% confidence interval
//!    (2 x 2.26 = 4.5 standard errors with 10 replications: a correct simulator essentially
//!    never misses it, and with a fixed seed the outcome is deterministic anyway), and
//! 2. the half-width itself is below the stated share of the value, so the interval is tight
//!    enough that a modelling error of a few percent would be caught by (1).
//!
//! Quantiles come from histograms accurate to 1%, so their check adds 1% of the value.

use tiersim::analytic::{ErlangA, ErlangC, MMcK, erlang_b};
use tiersim::experiment::{Summary, run};
use tiersim::model::{Model, load_model};
use tiersim::stats::{Estimate, Kpi, Scope};

const REPS: u64 = 10;
const SEED: u64 = 20_261_122;

fn simulate(path: &str, reps: u64) -> (Model, Summary) {
    let m = load_model(path.as_ref()).unwrap();
    let s = run(&m, SEED, reps).unwrap();
    (m, s)
}

fn get(s: &Summary, kpi: Kpi, scope: Scope) -> Estimate {
    s.get(kpi, scope)
        .unwrap_or_else(|| panic!("{kpi:?} {scope:?} missing"))
}

/// Checks `est` against `exact` by the rule in the module doc; `max_rel_hw` is the largest
/// half-width allowed relative to the value, `extra` an absolute allowance (histogram error).
fn agrees(what: &str, est: Estimate, exact: f64, max_rel_hw: f64, extra: f64) {
    let hw = est.half_width();
    assert!(
        hw <= max_rel_hw * exact.abs(),
        "{what}: interval too wide to judge: ±{hw:.5} on {exact:.5} (allowed {:.1}%)",
        max_rel_hw * 100.0
    );
    assert!(
        (est.mean - exact).abs() <= 2.0 * hw + extra,
        "{what}: simulated {:.5} [{:.5}, {:.5}], analytic {exact:.5}",
        est.mean,
        est.lo,
        est.hi
    );
}

/// P(wait > 0) both as the time share with every agent busy and per call (by PASTA they
/// agree).
fn p_wait_agrees(s: &Summary, p: f64) {
    agrees(
        "P(wait) as time all busy",
        get(s, Kpi::Saturation, Scope::Team(0)),
        p,
        0.03,
        0.0,
    );
    agrees(
        "P(wait > 0) per call",
        get(s, Kpi::DelayProbability, Scope::Overall),
        p,
        0.03,
        0.0,
    );
}

#[test]
fn mmc_matches_erlang_c() {
    let (_, s) = simulate("scenarios/validation/mmc.ron", 2 * REPS);
    let q = ErlangC {
        arrival_rate: 96.0 / 3600.0,
        mean_service: 300.0,
        servers: 10,
    };
    agrees(
        "mean wait (ASA)",
        get(&s, Kpi::ResponseMean, Scope::Overall),
        q.mean_wait(),
        0.05,
        0.0,
    );
    agrees(
        "service level 20 s",
        get(&s, Kpi::ServiceLevel(0), Scope::Overall),
        q.service_level(20.0),
        0.01,
        0.0,
    );
    agrees(
        "service level 60 s",
        get(&s, Kpi::ServiceLevel(1), Scope::Overall),
        q.service_level(60.0),
        0.01,
        0.0,
    );
    agrees(
        "team service level 20 s",
        get(&s, Kpi::ServiceLevel(0), Scope::Team(0)),
        q.service_level(20.0),
        0.01,
        0.0,
    );
    // PASTA: the share of time all agents are busy is the probability an arrival waits.
    p_wait_agrees(&s, q.p_wait());
    agrees(
        "utilisation",
        get(&s, Kpi::Utilisation, Scope::Team(0)),
        q.occupancy(),
        0.01,
        0.0,
    );
    agrees(
        "mean queue length",
        get(&s, Kpi::QueueMean, Scope::Team(0)),
        q.mean_queue_len(),
        0.06,
        0.0,
    );
    // P(W > t) = C e^{-(c mu - lambda) t}: the 90th percentile of the wait.
    let decay = 10.0 / 300.0 - 96.0 / 3600.0;
    let p90 = (q.p_wait() / 0.1).ln() / decay;
    agrees(
        "wait p90",
        get(&s, Kpi::WaitQuantile(1), Scope::Team(0)),
        p90,
        0.04,
        0.01 * p90,
    );
}

#[test]
fn mmc_with_abandonment_matches_erlang_a() {
    let (_, s) = simulate("scenarios/validation/mmc_abandon.ron", REPS);
    let q = ErlangA {
        arrival_rate: 100.0 / 3600.0,
        mean_service: 300.0,
        mean_patience: 180.0,
        servers: 10,
    };
    agrees(
        "abandonment",
        get(&s, Kpi::AbandonRate, Scope::Overall),
        q.p_abandon(),
        0.05,
        0.0,
    );
    agrees(
        "mean answer of served (ASA)",
        get(&s, Kpi::ResponseMean, Scope::Overall),
        q.mean_wait_served(),
        0.06,
        0.0,
    );
    agrees(
        "mean wait over all offered calls, served and abandoned",
        get(&s, Kpi::ResponseMeanInclAbandons, Scope::Overall),
        q.mean_wait(),
        0.06,
        0.0,
    );
    agrees(
        "service level 20 s, abandons as failures",
        get(&s, Kpi::ServiceLevel(0), Scope::Overall),
        q.service_level(20.0),
        0.01,
        0.0,
    );
    agrees(
        "service level 20 s, over answered",
        get(&s, Kpi::ServiceLevelOfAnswered(0), Scope::Overall),
        q.service_level_excl_abandons(20.0),
        0.01,
        0.0,
    );
    agrees(
        "team service level 20 s, abandons from its queue as failures",
        get(&s, Kpi::ServiceLevel(0), Scope::Team(0)),
        q.service_level(20.0),
        0.01,
        0.0,
    );
    p_wait_agrees(&s, q.p_wait());
    agrees(
        "utilisation",
        get(&s, Kpi::Utilisation, Scope::Team(0)),
        q.occupancy(),
        0.01,
        0.0,
    );
}

#[test]
fn mmcc_blocking_matches_erlang_b() {
    let (_, s) = simulate("scenarios/validation/mmck.ron", REPS);
    let b = erlang_b(8, 6.0);
    agrees(
        "blocking",
        get(&s, Kpi::BlockRate, Scope::Overall),
        b,
        0.03,
        0.0,
    );
    agrees(
        "utilisation",
        get(&s, Kpi::Utilisation, Scope::Team(0)),
        6.0 * (1.0 - b) / 8.0,
        0.01,
        0.0,
    );
    assert_eq!(
        get(&s, Kpi::ResponseMax, Scope::Overall).mean,
        0.0,
        "with as many lines as agents nobody waits"
    );
    // Blocked calls are offered and not answered: the headline service level is 1 - B, while
    // over answered calls it is 100% (nobody waits).
    let q = MMcK {
        arrival_rate: 60.0 / 3600.0,
        mean_service: 360.0,
        servers: 8,
        capacity: 8,
    };
    agrees(
        "service level 20 s over offered (blocked calls fail)",
        get(&s, Kpi::ServiceLevel(0), Scope::Overall),
        1.0 - q.p_block(),
        0.01,
        0.0,
    );
    assert_eq!(
        get(&s, Kpi::ServiceLevelOfAnswered(0), Scope::Overall).mean,
        1.0
    );
    assert_eq!(get(&s, Kpi::DelayProbability, Scope::Overall).mean, 0.0);
}

#[test]
fn tandem_matches_a_jackson_network() {
    let (_, s) = simulate("scenarios/validation/tandem.ron", REPS);
    // By Burke's theorem each node is an M/M/c queue with its own arrival rate.
    let a = ErlangC {
        arrival_rate: 30.0 / 3600.0,
        mean_service: 240.0,
        servers: 3,
    };
    let b = ErlangC {
        arrival_rate: 0.4 * 30.0 / 3600.0,
        mean_service: 360.0,
        servers: 2,
    };
    agrees(
        "node A mean wait",
        get(&s, Kpi::WaitMean, Scope::Team(0)),
        a.mean_wait(),
        0.06,
        0.0,
    );
    agrees(
        "node B mean wait",
        get(&s, Kpi::WaitMean, Scope::Team(1)),
        b.mean_wait(),
        0.08,
        0.0,
    );
    agrees(
        "node A utilisation",
        get(&s, Kpi::Utilisation, Scope::Team(0)),
        a.occupancy(),
        0.01,
        0.0,
    );
    agrees(
        "node B utilisation",
        get(&s, Kpi::Utilisation, Scope::Team(1)),
        b.occupancy(),
        0.02,
        0.0,
    );
    let sojourn = a.mean_wait() + 240.0 + 0.4 * (b.mean_wait() + 360.0);
    agrees(
        "end-to-end resolution",
        get(&s, Kpi::ResolutionMean, Scope::Overall),
        sojourn,
        0.02,
        0.0,
    );
    agrees(
        "reassignments per incident",
        get(&s, Kpi::ReassignmentsPerIncident, Scope::Overall),
        0.4,
        0.01,
        0.0,
    );
    agrees(
        "first-contact resolution",
        get(&s, Kpi::FirstContactResolution, Scope::Overall),
        0.6,
        0.01,
        0.0,
    );
}

/// Agents with other duties (availability 0.4) alternate between this work and other duties:
/// at light load (so nobody is held back by a contact in hand) the mean number present is
/// 0.4 x 10 = 4, the stationary mean of 10 independent two-state agents.
#[test]
fn availability_share_is_realised_at_light_load() {
    let text = r#"Scenario(name: "duties", calendar: (days: 60, warmup: "1d"), incident_types: ["q"],
        channels: [(name: "organic", kind: Organic, arrivals: Poisson(per_hour: 0.5), mix: {"q": 1.0}, entry: "reps")],
        teams: [(name: "reps", agents: 10, availability: 0.4, duty_cycle: "1h",
                 handling: {"*": Exponential(mean: "1min")}, routes: {"*": (resolve: 1.0)})])"#;
    let (sc, src) = tiersim::scenario::parse("duties.ron".as_ref(), text.to_string()).unwrap();
    let m = tiersim::model::compile(&sc, &src).unwrap();
    let s = run(&m, SEED, REPS).unwrap();
    agrees(
        "agents present",
        get(&s, Kpi::AgentsPresent, Scope::Team(0)),
        4.0,
        0.02,
        0.0,
    );
}
