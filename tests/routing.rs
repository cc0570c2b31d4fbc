//! The router's named policies (`routing: (agent: ..., work: ...)`) and time-based overflow
//! (`pools[].skills[].after`), each against a result that the wrong policy would miss.
//!
//! - Work selection on one pool serving two queues of equal exponential work is an M/M/c
//!   queue whose order of service is the policy: `LongestWaiting` is FIFO over both queues
//!   (both types wait Erlang C's mean), `SkillRank` and `Priority` are non-preemptive
//!   priority (Cobham's formula, `W_k = C(c, a) / (c mu (1 - s_{k-1}) (1 - s_k))` with
//!   `s_k` the load share of the classes served before and including class k).
//! - Agent selection: with light load `Overflow` keeps work with the first pool in the list,
//!   `LongestIdle` shares it evenly between identical agents, `FewestSkills` sends it to the
//!   specialists first.
//!
//! Tolerance for the exact values, as in `tests/skills.rs`: `REPS` replications; a simulated
//! mean passes within 4.5 standard errors of the replication mean (a fixed seed makes the
//! outcome deterministic; a correct simulator essentially never misses by that much), and the
//! standard error must be below 3% of the value, so a policy error (which moves these means
//! by a factor of two or more) cannot hide in noise.

use tiersim::analytic::erlang_c;
use tiersim::engine::{RunOptions, RunOutput, simulate};
use tiersim::model::{Model, compile};
use tiersim::scenario::parse;

const REPS: u64 = 10;
const SEED: u64 = 20_261_130;

/// Two types on their own channels (rates per minute, priorities), teams `T1` and `T2` with
/// `own` agents each, exponential handling of mean `h` minutes, the given pools and routing.
struct Spec<'a> {
    rates: [f64; 2],
    priorities: [&'a str; 2],
    own: [u32; 2],
    h: f64,
    days: u32,
    pools: &'a str,
    routing: &'a str,
}

fn model(s: &Spec) -> Model {
    let ch = |i: usize, t: &str, team: &str| {
        format!(
            r#"(name: "c{i}", kind: Email, arrivals: Poisson(per_hour: {}), mix: {{"{t}": 1.0}}, priorities: {{{}: 1.0}}, entry: "{team}")"#,
            s.rates[i] * 60.0,
            s.priorities[i]
        )
    };
    let team = |name: &str, agents: u32| {
        format!(
            r#"(name: "{name}", agents: {agents}, handling: {{"*": Exponential(mean: "{}min")}}, routes: {{"*": (resolve: 1.0)}})"#,
            s.h
        )
    };
    let text = format!(
        r#"Scenario(name: "routing", calendar: (days: {}, warmup: "2d"), incident_types: ["one", "two"],
  channels: [{}, {}],
  teams: [{}, {}],
  pools: [{}],
  routing: {})"#,
        s.days,
        ch(0, "one", "T1"),
        ch(1, "two", "T2"),
        team("T1", s.own[0]),
        team("T2", s.own[1]),
        s.pools,
        s.routing
    );
    let (sc, src) = parse("routing.ron".as_ref(), text).unwrap();
    compile(&sc, &src).unwrap()
}

fn runs(m: &Model) -> Vec<RunOutput> {
    (0..REPS)
        .map(|rep| simulate(m, SEED, rep, &RunOptions { trace: true }).unwrap())
        .collect()
}

/// Answered contacts' waits (minutes) of type `ty` after the warm-up, in one run.
fn waits(m: &Model, out: &RunOutput, ty: u16) -> Vec<f64> {
    out.trace
        .iter()
        .filter(|r| r.ty == ty && r.arrival >= m.warmup && !r.answered.is_nan())
        .map(|r| (r.answered - r.arrival) / 60.0)
        .collect()
}

fn mean(xs: &[f64]) -> f64 {
    xs.iter().sum::<f64>() / xs.len() as f64
}

/// Checks the replications' values of one quantity against `exact` (see the module doc).
fn agrees(what: &str, xs: &[f64], exact: f64) {
    let n = xs.len() as f64;
    let m = mean(xs);
    let se = (xs.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n - 1.0) / n).sqrt();
    assert!(
        se <= 0.03 * exact,
        "{what}: too noisy to judge: se {se:.4} on {exact:.4}"
    );
    assert!(
        (m - exact).abs() <= 4.5 * se,
        "{what}: simulated {m:.4} (se {se:.4}), exact {exact:.4}"
    );
}

/// Share of team `team`'s visits served by pool `pool`, over all runs.
fn share(outs: &[RunOutput], pool: usize, team: usize) -> f64 {
    let (mut by, mut all) = (0u64, 0u64);
    for o in outs {
        by += o.collector.pools[pool].served[team];
        all += o
            .collector
            .pools
            .iter()
            .map(|p| p.served[team])
            .sum::<u64>();
    }
    by as f64 / all as f64
}

/// Mean waits (minutes) per type, per replication, with one pool of 3 serving both queues
/// (T1 rank 1, T2 rank 2), 0.2 contacts a minute of each, 5 minutes each: a = 2 erlangs on
/// c = 3.
fn two_queue_waits(routing: &str, priorities: [&'static str; 2]) -> [Vec<f64>; 2] {
    let m = model(&Spec {
        rates: [0.2, 0.2],
        priorities,
        own: [0, 0],
        h: 5.0,
        days: 40,
        pools: r#"(name: "P", agents: 3, skills: {"T1": (rank: 1), "T2": (rank: 2)})"#,
        routing,
    });
    let outs = runs(&m);
    [0, 1].map(|t| outs.iter().map(|o| mean(&waits(&m, o, t))).collect())
}

/// Erlang C and Cobham's non-preemptive priority waits for [`two_queue_waits`]: (FIFO mean
/// wait, wait of the class served first, wait of the class served second), minutes.
fn exact_waits() -> (f64, f64, f64) {
    let (c, h, a) = (3.0, 5.0, 2.0);
    let ec = erlang_c(3, a);
    let cmu = c / h;
    let (s1, s2) = (1.0 / 3.0, 2.0 / 3.0);
    (
        ec / (cmu - 0.4),
        ec / (cmu * (1.0 - s1)),
        ec / (cmu * (1.0 - s1) * (1.0 - s2)),
    )
}

#[test]
fn longest_waiting_serves_both_queues_first_come_first_served() {
    let w = two_queue_waits("(work: LongestWaiting)", ["Medium", "Medium"]);
    let (fifo, _, _) = exact_waits();
    agrees("type one, LongestWaiting", &w[0], fifo);
    agrees("type two, LongestWaiting", &w[1], fifo);
}

#[test]
fn skill_rank_serves_the_primary_queue_first() {
    // Today's default, named or not: T1 (rank 1) first.
    for routing in ["()", "(work: SkillRank)"] {
        let w = two_queue_waits(routing, ["Medium", "Medium"]);
        let (_, first, second) = exact_waits();
        agrees("type one, SkillRank", &w[0], first);
        agrees("type two, SkillRank", &w[1], second);
    }
}

#[test]
fn priority_serves_the_most_urgent_head_first_whatever_the_rank() {
    // T2's contacts are urgent, T1's low: T2 is served first although T1 is the primary skill.
    let w = two_queue_waits("(work: Priority)", ["Low", "Urgent"]);
    let (_, first, second) = exact_waits();
    agrees("type one (low), Priority", &w[0], second);
    agrees("type two (urgent), Priority", &w[1], first);
}

#[test]
fn longest_idle_shares_work_evenly_where_overflow_keeps_it_with_the_own_pool() {
    // T1 has one agent of its own; pool P adds one more with T1 as primary skill. At 25%
    // load, overflow order sends a contact to P only when T1's agent is busy; longest idle
    // alternates between the two identical agents, so by symmetry each serves half. The
    // replications hold about 20,000 type-one contacts: the share's standard error is
    // about 0.004, and the bounds are 0.03 from one half (and far from overflow's share).
    let spec = |routing| Spec {
        rates: [0.05, 0.01],
        priorities: ["Medium", "Medium"],
        own: [1, 1],
        h: 5.0,
        days: 40,
        pools: r#"(name: "P", agents: 1, skills: {"T1": (rank: 1)})"#,
        routing,
    };
    let overflow = share(&runs(&model(&spec("(agent: Overflow)"))), 2, 0);
    let idle = share(&runs(&model(&spec("(agent: LongestIdle)"))), 2, 0);
    assert!(overflow < 0.3, "overflow order: P served {overflow:.3}");
    assert!(
        (idle - 0.5).abs() < 0.03,
        "longest idle: P served {idle:.3}"
    );
}

#[test]
fn fewest_skills_sends_work_to_specialists_first() {
    // Type one can go to the generalists G (both skills, listed first) or the specialists S
    // (type one only). Overflow order fills G first (S gets what finds both G busy: about
    // Erlang B(2, 1 erlang) = 0.2); fewest skills fills S first (G gets about Erlang
    // B(2, 0.5) = 0.08).
    let spec = |routing| Spec {
        rates: [0.1, 0.1],
        priorities: ["Medium", "Medium"],
        own: [0, 0],
        h: 5.0,
        days: 40,
        pools: r#"(name: "G", agents: 2, skills: {"T1": (rank: 1), "T2": (rank: 1)}),
                  (name: "S", agents: 2, skills: {"T1": (rank: 1)})"#,
        routing,
    };
    let overflow = share(&runs(&model(&spec("(agent: Overflow)"))), 3, 0);
    let fewest = share(&runs(&model(&spec("(agent: FewestSkills)"))), 3, 0);
    assert!(overflow < 0.35, "overflow order: S served {overflow:.3}");
    assert!(fewest > 0.8, "fewest skills: S served {fewest:.3}");
}

#[test]
fn a_pool_with_a_wait_threshold_sees_contacts_only_after_that_wait() {
    // T1's one agent at 75% load; P (20 agents, never all busy) sees T1's contacts only after
    // 3 minutes: nobody waits longer than 3 minutes, some wait less (answered by T1's own
    // agent), and P answers a share. Without the threshold P answers at once: nobody waits.
    let spec = |pools| Spec {
        rates: [0.15, 0.01],
        priorities: ["Medium", "Medium"],
        own: [1, 1],
        h: 5.0,
        days: 20,
        pools,
        routing: "()",
    };
    let m = model(&spec(
        r#"(name: "P", agents: 20, skills: {"T1": (rank: 2, after: "3min")})"#,
    ));
    let outs = runs(&m);
    let all: Vec<f64> = outs.iter().flat_map(|o| waits(&m, o, 0)).collect();
    let max = all.iter().copied().fold(0.0, f64::max);
    assert!(max <= 3.0 + 1e-9, "longest wait {max} min");
    assert!(
        all.iter().any(|&w| w > 0.0 && w < 2.9),
        "nobody waited briefly"
    );
    assert!(all.iter().any(|&w| w >= 3.0 - 1e-9), "nobody reached P");
    let p = share(&outs, 2, 0);
    assert!(p > 0.05 && p < 0.95, "P served {p:.3}");
    let m = model(&spec(
        r#"(name: "P", agents: 20, skills: {"T1": (rank: 2)})"#,
    ));
    let outs = runs(&m);
    assert!(outs.iter().flat_map(|o| waits(&m, o, 0)).all(|w| w == 0.0));
}

#[test]
fn bad_routing_is_rejected_with_the_field_named() {
    let bad = |pools: &str, routing: &str| {
        let text = format!(
            r#"Scenario(name: "x", calendar: (days: 1), incident_types: ["one"],
  channels: [(name: "c", kind: Email, arrivals: Poisson(per_hour: 1), mix: {{"one": 1.0}}, entry: "T1")],
  teams: [(name: "T1", agents: 1, handling: {{"*": Exponential(mean: "5min")}}, routes: {{"*": (resolve: 1.0)}})],
  pools: [{pools}], routing: {routing})"#
        );
        match parse("x.ron".as_ref(), text) {
            Ok((s, src)) => compile(&s, &src).unwrap_err().to_string(),
            Err(e) => e.to_string(),
        }
    };
    let e = bad(
        r#"(name: "P", agents: 1, skills: {"T1": (after: "31d")})"#,
        "()",
    );
    assert!(
        e.contains("pools[0] \"P\".skills[\"T1\"].after") && e.contains("43200"),
        "{e}"
    );
    let e = bad(
        r#"(name: "P", agents: 1, skills: {"T1": ()})"#,
        "(agent: Random)",
    );
    assert!(e.contains("Random") && e.contains("LongestIdle"), "{e}");
}

/// One run's value of `kpi` for `scope`.
fn kpi_of(m: &Model, out: &RunOutput, kpi: &str, scope: tiersim::stats::Scope) -> f64 {
    let k = tiersim::stats::Kpi::parse(kpi, m).unwrap();
    let mut v = f64::NAN;
    out.collector.kpis(m, |kk, s, x| {
        if kk == k && s == scope {
            v = x;
        }
    });
    v
}

#[test]
fn busiest_tenth_and_served_shares_show_who_does_the_work() {
    use tiersim::stats::Scope;
    // T1's 9 agents of their own at light load, and one expert (pool X) who alone serves T2
    // at 80% load: the busiest tenth (1 of 10 agents) is the expert, doing far more than a
    // tenth of all work. Type two is served by X only; type one by T1's own pool only.
    let m = model(&Spec {
        rates: [0.2, 0.16],
        priorities: ["Medium", "Medium"],
        own: [9, 0],
        h: 5.0,
        days: 20,
        pools: r#"(name: "X", agents: 1, skills: {"T2": (rank: 1)})"#,
        routing: "()",
    });
    let out = simulate(&m, SEED, 0, &RunOptions::default()).unwrap();
    // Work: X 0.8 erlang of 1.8 in all: the busiest tenth does about 44%.
    let all = kpi_of(&m, &out, "busiest_tenth_share", Scope::Overall);
    assert!((all - 0.8 / 1.8).abs() < 0.05, "busiest tenth {all:.3}");
    assert_eq!(kpi_of(&m, &out, "busiest_tenth_share", Scope::Pool(2)), 1.0);
    assert_eq!(kpi_of(&m, &out, "served_share_two", Scope::Pool(2)), 1.0);
    assert_eq!(kpi_of(&m, &out, "served_share_one", Scope::Pool(0)), 1.0);
    assert_eq!(kpi_of(&m, &out, "served_share_one", Scope::Pool(2)), 0.0);
    // Ten identical agents sharing the work evenly (the idle longest takes the next contact):
    // the busiest one does a little more than a tenth.
    let m = model(&Spec {
        rates: [1.0, 0.01],
        priorities: ["Medium", "Medium"],
        own: [10, 1],
        h: 5.0,
        days: 20,
        pools: r#"(name: "X", agents: 0, skills: {"T2": (rank: 1)})"#,
        routing: "()",
    });
    let out = simulate(&m, SEED, 0, &RunOptions::default()).unwrap();
    let pool0: f64 = out.collector.pools[0]
        .agent_work
        .iter()
        .copied()
        .fold(0.0, f64::max)
        / out.collector.pools[0].agent_work.iter().sum::<f64>();
    assert!(
        pool0 > 0.1 && pool0 < 0.11,
        "busiest of ten identical agents: {pool0:.4}"
    );
}

#[test]
fn busiest_tenth_share_stays_near_a_tenth_when_the_roster_changes_over_the_day() {
    use tiersim::stats::Scope;
    // Agents are roster positions (README, busiest_tenth_share): identical agents, a roster of
    // 1 all day plus 9 from 08:00 to 16:00, 0.5 erlang of work around the clock. Were the same
    // position always the one kept on at 16:00, it would do the night's work (2/3 of all work)
    // and the busiest tenth (1 of 10) would be about 0.7. The agent kept on is the one idle
    // longest, so night duty rotates: with 19 nights spread over 10 agents the busiest has a
    // few of them, about 0.15 (one fixed seed: deterministic). The bound 0.3 would need one
    // agent on about 8 of 19 nights; a fixed night position fails it by far.
    let text = r#"Scenario(name: "shape", calendar: (days: 20, warmup: "1d"), incident_types: ["one"],
  channels: [(name: "c", kind: Email, arrivals: Poisson(per_hour: 6), mix: {"one": 1.0}, priorities: {Medium: 1.0}, entry: "T")],
  teams: [(name: "T", agents: 1, shifts: [(start: "08:00", length: "8h", headcount: 9)],
           handling: {"*": Exponential(mean: "5min")}, routes: {"*": (resolve: 1.0)})])"#;
    let (sc, src) = parse("shape.ron".as_ref(), text.to_string()).unwrap();
    let m = compile(&sc, &src).unwrap();
    let out = simulate(&m, SEED, 0, &RunOptions::default()).unwrap();
    assert_eq!(out.collector.pools[0].agent_work.len(), 10);
    let share = kpi_of(&m, &out, "busiest_tenth_share", Scope::Overall);
    assert!((0.1..0.3).contains(&share), "busiest tenth {share:.3}");
}

#[test]
fn a_timed_pool_takes_a_visible_contact_while_the_closing_line_head_is_not_yet_visible() {
    // T1 is on 08:00-16:00 (1 agent, 30 min) and overloaded by phone calls of its own (type
    // one, served in overtime at closing) and mail passed on from T0 (type two, still in
    // T1's queue after closing). Pool P (20 agents) sees T1's contacts once they waited 3 h,
    // so with a free P agent always there, no contact waits in T1 longer than 3 h whichever
    // line it is in: a mail passed on (1 to 61 s at T0) ends within 1 min + 3 h + 30 min (+1 s)
    // of its arrival. Handling times are nearly fixed so the bound has 2 s of slack; a P agent
    // left idle while an older mail is visible and the overtime line's head is not breaks it.
    let text = r#"Scenario(name: "ot", calendar: (days: 20, warmup: "1d"), incident_types: ["one", "two"],
  channels: [(name: "phone", kind: Phone, arrivals: Poisson(per_hour: 2), mix: {"one": 1.0}, entry: "T1", at_closing: Serve),
             (name: "mail", kind: Email, arrivals: Poisson(per_hour: 2), mix: {"two": 1.0}, entry: "T0")],
  teams: [(name: "T0", agents: 5, handling: {"*": Uniform(min: "60s", max: "61s")}, routes: {"*": (pass: {"T1": 1.0})}),
          (name: "T1", agents: 0, shifts: [(start: "08:00", length: "8h", headcount: 1)],
           handling: {"*": Uniform(min: "1800s", max: "1801s")}, routes: {"*": (resolve: 1.0)})],
  pools: [(name: "P", agents: 20, skills: {"T1": (rank: 1, after: "3h")})])"#;
    let (sc, src) = parse("ot.ron".as_ref(), text.to_string()).unwrap_or_else(|e| panic!("{e}"));
    let m = compile(&sc, &src).unwrap_or_else(|e| panic!("{e}"));
    let out = simulate(&m, SEED, 0, &RunOptions { trace: true }).unwrap();
    let mails: Vec<_> = out
        .trace
        .iter()
        .filter(|r| r.ty == 1 && r.end.is_finite())
        .collect();
    assert!(mails.len() > 500, "{} mails", mails.len());
    let bound = 61.0 + 3.0 * 3600.0 + 1801.0 + 1e-6;
    let late: Vec<f64> = mails
        .iter()
        .map(|r| r.end - r.arrival)
        .filter(|&d| d > bound)
        .collect();
    assert!(
        late.is_empty(),
        "{} mails past the bound, e.g. {:?}",
        late.len(),
        &late[..late.len().min(3)]
    );
}
