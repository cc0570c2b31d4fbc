//! Organisations without tiers (a scenario's `skills` block) and the bundled Case 2 pair,
//! `scenarios/vendor-tiered.ron` against `scenarios/vendor-skills.ron`.
//!
//! - With every skill recognised and no failures, nobody is ever reassigned (exact).
//! - Reassignments per incident match what the skills block implies: the unrecognised share
//!   (each lands on a wrong skill's holder, who passes it on once), a failure share handed to
//!   another skill, and a failure share handed back to the same skill (geometric: f/(1-f)).
//!   Tolerance: 4.5 binomial standard errors of the pooled incidents (a correct model misses
//!   by that much about once in 150,000), and the standard error is below 8% of the value.
//! - The vendor pair, seed-paired over replications: the skills design has fewer
//!   reassignments per incident, by more than 4 standard errors of the paired differences.
//! - A bad skills block is refused with an error at its line, naming the field.

use tiersim::experiment::run_replications;
use tiersim::model::{Model, PoolId, compile, load_model};
use tiersim::scenario::parse;
use tiersim::stats::{Kpi, Scope};

const SEED: u64 = 20_261_129;

/// Two incident types on one email channel (`per_hour` contacts, 60% `a`), type `a` requiring
/// skill `sa` and `b` requiring `sb`; pools `PA` (sa), `PB` (sb) and, where a failure names
/// it, `PX` (sx), each with plenty of agents; `recognised` and `fails` as given (RON text).
fn tierless(recognised: f64, fails: &str) -> String {
    // A pool may name only a skill the block knows (a typo must not make an unfed queue).
    let px = if fails.contains("sx") {
        r#"(name: "PX", agents: 6, skills: {"sx": (rank: 1)}),"#
    } else {
        ""
    };
    format!(
        r#"Scenario(
    name: "tierless",
    calendar: (days: 30, warmup: "1d"),
    incident_types: ["a", "b"],
    channels: [
        (name: "web", kind: Email, arrivals: Poisson(per_hour: 12.0), mix: {{"a": 0.6, "b": 0.4}}),
    ],
    skills: (
        requires: {{"a": "sa", "b": "sb"}},
        handling: {{"*": Exponential(mean: "10min")}},
        recognised: {{"web": {recognised}}},
        fails: {{{fails}}},
    ),
    teams: [],
    pools: [
        (name: "PA", agents: 6, skills: {{"sa": (rank: 1)}}),
        (name: "PB", agents: 6, skills: {{"sb": (rank: 1)}}),
        {px}
    ],
)"#
    )
}

fn model(text: &str) -> Model {
    let (s, src) = parse("tierless.ron".as_ref(), text.to_string()).unwrap();
    compile(&s, &src).unwrap_or_else(|e| panic!("{e}"))
}

/// Per replication, (reassignments per incident, incidents).
fn reassignments(m: &Model, reps: u64) -> Vec<(f64, f64)> {
    let (layout, results, _) = run_replications(m, SEED, 0..reps, false).unwrap();
    let at = |k| layout.index(k, Scope::Overall).unwrap();
    let (r, n) = (at(Kpi::ReassignmentsPerIncident), at(Kpi::Incidents));
    results.iter().map(|x| (x.kpis[r], x.kpis[n])).collect()
}

/// Pooled reassignments per incident must lie within 4.5 binomial standard errors of
/// `expected`, and that error be small enough to tell a few percent apart.
fn check(m: &Model, expected: f64, what: &str) {
    let reps = reassignments(m, 4);
    let n: f64 = reps.iter().map(|r| r.1).sum();
    let mean = reps.iter().map(|r| r.0 * r.1).sum::<f64>() / n;
    // Per incident the count is 0/1 (or geometric); its variance is at most p(1+p) for p < 1/2.
    let se = (expected * (1.0 + expected) / n).sqrt();
    assert!(se < 0.08 * expected, "{what}: too few incidents ({n})");
    assert!(
        (mean - expected).abs() < 4.5 * se,
        "{what}: reassignments per incident {mean:.4}, expected {expected:.4} ± {:.4}",
        4.5 * se
    );
}

#[test]
fn recognised_without_failures_is_never_reassigned() {
    let m = model(&tierless(1.0, ""));
    for (r, n) in reassignments(&m, 2) {
        assert!(n > 5000.0);
        assert_eq!(r, 0.0, "a recognised contact goes straight to its skill");
    }
}

#[test]
fn unrecognised_contacts_are_passed_on_once() {
    // 20% not recognised land on the other skill's holders, who pass them on: 0.2 each.
    check(&model(&tierless(0.8, "")), 0.2, "unrecognised share 0.2");
}

#[test]
fn failures_are_handed_to_the_named_skill() {
    // 25% of type a (60% of incidents) fail at sa and go to sx, which always solves: 0.15.
    check(
        &model(&tierless(1.0, r#""sa": (prob: 0.25, to: "sx")"#)),
        0.6 * 0.25,
        "failures to another skill",
    );
    // Handed back to the same skill: tries until solved, f/(1-f) hand-offs per type-a incident.
    check(
        &model(&tierless(1.0, r#""sa": (prob: 0.25, to: "sa")"#)),
        0.6 * 0.25 / 0.75,
        "failures to the same skill",
    );
}

#[test]
fn the_skills_design_has_fewer_reassignments_than_the_tiers() {
    let tiered = load_model("scenarios/vendor-tiered.ron".as_ref()).unwrap();
    let skills = load_model("scenarios/vendor-skills.ron".as_ref()).unwrap();
    assert_eq!(
        tiered.demand_fingerprint, skills.demand_fingerprint,
        "the two designs must face the same demand"
    );
    const REPS: u64 = 6;
    let t = reassignments(&tiered, REPS);
    let s = reassignments(&skills, REPS);
    // Seed-paired differences (same customers in both designs, common random numbers).
    let d: Vec<f64> = s.iter().zip(&t).map(|(s, t)| s.0 - t.0).collect();
    let n = d.len() as f64;
    let mean = d.iter().sum::<f64>() / n;
    let sd = (d.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
    assert!(
        mean + 4.0 * sd / n.sqrt() < 0.0,
        "skills minus tiers: {mean:.3} reassignments per incident (sd {sd:.3} over {REPS} pairs)"
    );
}

#[test]
fn shared_pools_count_in_agent_hours_and_cost() {
    let m = load_model("scenarios/vendor-skills.ron".as_ref()).unwrap();
    let (layout, results, _) = run_replications(&m, SEED, 0..1, false).unwrap();
    let get = |k| results[0].kpis[layout.index(k, Scope::Overall).unwrap()];
    let days = (m.horizon - m.warmup) / 86_400.0;
    let pools = m.teams.len()..m.n_pools();
    let hours: f64 = pools.clone().map(|p| m.rostered_hours(PoolId::at(p))).sum();
    let cost: f64 = pools
        .map(|p| {
            let c = m.shared_pools[p - m.teams.len()].cost_per_hour.unwrap();
            c * m.rostered_hours(PoolId::at(p))
        })
        .sum();
    // 47 people, 10 open hours a working day (Mon-Fri), over the 20 days after a 3-day
    // warm-up from a Monday.
    let working = (3..23).filter(|d| d % 7 < 5).count() as f64;
    assert!((hours - 47.0 * 10.0 * working).abs() < 1e-6, "{hours}");
    assert!((get(Kpi::AgentHours) - hours).abs() < 1e-6);
    assert!((get(Kpi::CostPerDay) - cost / days).abs() < 1e-6);
}

/// Compiling `text` fails; the error is located (a line) and names `field`.
fn refused(text: &str, field: &str, says: &str) {
    let (s, src) = parse("tierless.ron".as_ref(), text.to_string()).unwrap();
    let e = compile(&s, &src).expect_err("must be refused");
    assert!(e.at.is_some(), "no line: {e}");
    let f = e.field.clone().unwrap_or_default();
    assert!(f.contains(field), "field {f:?} should name {field:?}: {e}");
    assert!(e.message.contains(says), "{e}");
}

#[test]
fn a_bad_skills_block_is_refused_where_it_is() {
    let good = tierless(0.9, "");
    let bad = |from: &str, to: &str| {
        assert_eq!(good.matches(from).count(), 1, "{from}");
        good.replacen(from, to, 1)
    };
    refused(
        &bad(r#""b": "sb"}"#, r#""c": "sb"}"#),
        "skills.requires",
        "unknown incident type `c`",
    );
    refused(
        &bad(r#""a": "sa", "b": "sb""#, r#""a": "sa""#),
        "skills.requires",
        "incident type `b` is missing",
    );
    refused(
        &bad(r#""b": "sb"}"#, r#""b": "sq"}"#),
        "skills",
        "skill `sq` is held by no pool",
    );
    refused(
        &bad(r#"recognised: {"web": 0.9}"#, r#"recognised: {"web": 1.9}"#),
        "skills.recognised",
        "probability",
    );
    refused(
        &bad(
            r#"recognised: {"web": 0.9}"#,
            r#"recognised: {"mail": 0.9}"#,
        ),
        "entry",
        "missing",
    );
    refused(
        &bad(r#"fails: {}"#, r#"fails: {"sa": (prob: -0.1, to: "sx")}"#),
        "skills.fails",
        "probability",
    );
    refused(
        &bad(
            r#"mix: {"a": 0.6, "b": 0.4})"#,
            r#"mix: {"a": 0.6, "b": 0.4}, entry: "PA")"#,
        ),
        "entry",
        "leave out `entry`",
    );
}
