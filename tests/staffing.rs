//! Staffing: the Erlang calculator, and the simulation-based search. On a single M/M/c team
//! the search agrees with Erlang C; on the bundled redesign its answer holds up in an
//! independent run with another seed, and one agent fewer in any team breaks a target.

use std::process::Command;
use tiersim::analytic::{Target, required_servers_c};
use tiersim::experiment::{StaffOptions, StaffTarget, Staffing, check, search, validate};
use tiersim::model::{Model, load_model};

fn model(path: &str, days: f64) -> Model {
    let mut m = load_model(path.as_ref()).unwrap();
    m.horizon = m.warmup + days * 86_400.0;
    m
}

fn targets(list: &[&str]) -> Vec<StaffTarget> {
    list.iter()
        .map(|t| StaffTarget::parse(t).unwrap())
        .collect()
}

fn opts(per_interval: bool) -> StaffOptions {
    StaffOptions {
        replications: 10,
        seed: 11,
        per_interval,
        max_evaluations: 1500,
    }
}

/// Erlang C's agents for mmc.ron's load (96 calls an hour of 5 min) and 80% within 20 s.
fn mmc_erlang_c() -> u32 {
    required_servers_c(
        96.0 / 3600.0,
        300.0,
        Target::ServiceLevel {
            within: 20.0,
            at_least: 0.8,
        },
    )
    .unwrap()
}

#[test]
fn search_on_a_single_mmc_team_equals_erlang_c() {
    let m = model("scenarios/validation/mmc.ron", 20.0);
    let t = targets(&["service_level_20s>=80%"]);
    let r = search(&m, &t, &opts(false)).unwrap();
    let erlang = mmc_erlang_c();
    let found = r.staffing.levels[0].iter().copied().max().unwrap();
    // Equal, or one more when the 95% bound (not the mean) is what falls short with one fewer;
    // the search then says so.
    assert!(
        found == erlang || (found == erlang + 1 && r.kept_because[0].contains("confidence bound")),
        "search {found}, Erlang C {erlang}: {}",
        r.kept_because[0]
    );
    assert!(r.all_met());
    assert!(
        r.kept_because[0].contains("service_level_20s"),
        "{}",
        r.kept_because[0]
    );
}

fn one_fewer(s: &Staffing, team: usize) -> Staffing {
    let mut n = s.clone();
    for v in &mut n.levels[team] {
        *v = v.saturating_sub(1);
    }
    n
}

#[test]
fn staffing_found_for_the_redesign_holds_with_another_seed_and_is_minimal() {
    let m = model("scenarios/after.ron", 20.0);
    let t = targets(&[
        "service_level_20s>=80%",
        "abandon_rate<=5%",
        "utilisation<=85%",
        "resolution_p90<=3h",
    ]);
    let o = opts(false);
    let r = search(&m, &t, &o).unwrap();
    assert!(r.stopped.is_none(), "{:?}", r.stopped);
    assert!(r.all_met());
    // An independent run: other seed, same number of replications.
    let (v, _) = validate(&m, &r.staffing, &t, o.replications, 987_654_321).unwrap();
    let failed: Vec<_> = v
        .iter()
        .filter(|c| !c.met)
        .map(|c| format!("{} {} {:.4}", c.target, c.scope_name, c.bound))
        .collect();
    assert!(failed.is_empty(), "the validation run misses: {failed:?}");
    // Minimal: one agent fewer in any team breaks at least one target (with the search's
    // seed), or the search says why it kept it.
    for team in 0..m.teams.len() {
        if r.staffing.levels[team].iter().all(|&n| n == 0) {
            continue;
        }
        let (c, _) = validate(
            &m,
            &one_fewer(&r.staffing, team),
            &t,
            o.replications,
            o.seed,
        )
        .unwrap();
        let breaks = c.iter().any(|x| !x.met);
        assert!(
            breaks || !r.kept_because[team].is_empty(),
            "team {}: one fewer meets every target and no reason was given",
            m.teams[team].name
        );
        assert!(
            !r.kept_because[team].is_empty(),
            "team {} has no recorded reason",
            m.teams[team].name
        );
    }
}

#[test]
fn per_interval_staffing_follows_demand_and_holds_in_every_interval() {
    let m = model("scenarios/after.ron", 20.0);
    let t = targets(&["service_level_20s>=80%", "abandon_rate<=5%"]);
    let r = search(&m, &t, &opts(true)).unwrap();
    let failing: Vec<_> = r.checks.iter().filter(|c| !c.met).collect();
    assert!(r.all_met(), "{:?} {failing:?}", r.stopped);
    let l1 = &r.staffing.levels[m.team("L1_reception").unwrap() as usize];
    let open: Vec<u32> = l1.iter().copied().filter(|&n| n > 0).collect();
    assert!(
        open.iter().max() > open.iter().min(),
        "L1 staffing varies with the intraday profile: {l1:?}"
    );
    // Interval checks were part of the answer: at least one per open interval with traffic.
    assert!(
        r.checks
            .iter()
            .filter(|c| c.scope_name.starts_with("interval"))
            .count()
            >= 15
    );
}

#[test]
fn a_target_naming_no_kpi_is_an_error() {
    let m = model("scenarios/validation/mmc.ron", 2.0);
    let e = search(&m, &targets(&["servce_level_20s>=80%"]), &opts(false)).unwrap_err();
    assert!(e.to_string().contains("no KPI `servce_level_20s`"), "{e}");
    assert!(StaffTarget::parse("service_level_20s=80%").is_err());
}

#[test]
fn the_staffed_scenario_file_reproduces_the_staffing() {
    let d = tempfile::tempdir().unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_tiersim"))
        .args([
            "staff",
            "scenarios/after.ron",
            "--target",
            "service_level_20s>=80%",
            "--per-interval",
            "-n",
            "6",
            "--days",
            "5",
            "--out",
        ])
        .arg(d.path())
        .output()
        .unwrap();
    // A failed independent check exits non-zero with a clear headline, after writing.
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        o.status.success() || err.contains("INDEPENDENT CHECK FAILED"),
        "{err}"
    );
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("Independent validation") && out.contains("replications in all"));
    let staffed = load_model(&d.path().join("after-staffed.ron")).unwrap();
    let original = model("scenarios/after.ron", 5.0);
    // The file's schedule gives every team, in every open interval, the level reported.
    let found = Staffing::of(&staffed);
    let again = found.apply(&original);
    for (a, b) in again.teams.iter().zip(&staffed.teams) {
        assert_eq!(a.agents, b.agents, "team {}", a.name);
    }
    let (c, _) = {
        let s = tiersim::experiment::run(&staffed, 1, 2).unwrap();
        (
            check(&staffed, &s, &targets(&["service_level_20s>=0%"])).unwrap(),
            (),
        )
    };
    assert_eq!(
        c.iter()
            .filter(|x| x.target.starts_with("service_level"))
            .count(),
        1
    );
}

#[test]
fn erlang_calculator_matches_the_worked_example() {
    // Call Centre Helper's worked example: 100 calls in 30 min, 180 s handling, 80% in 20 s:
    // 14 agents (SL 88.8%), against a workload-only figure of 10.
    let o = Command::new(env!("CARGO_BIN_EXE_tiersim"))
        .args([
            "erlang",
            "--rate",
            "200/h",
            "--aht",
            "180s",
            "--target",
            "sl=80%/20s",
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("Workload only (load, no queueing): 10 agents"),
        "{out}"
    );
    let row = out.lines().find(|l| l.starts_with("Erlang C")).unwrap();
    assert!(
        row.split_whitespace().nth(2) == Some("14") && row.contains("88.8%"),
        "{row}"
    );
    // With as many lines as agents the blocking is Erlang B: B(8, 6 Erlangs) = 12.19%.
    let o = Command::new(env!("CARGO_BIN_EXE_tiersim"))
        .args([
            "erlang", "--rate", "60/h", "--aht", "6min", "--lines", "8", "--table", "8..8",
        ])
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    let row = out
        .lines()
        .rev()
        .find(|l| l.starts_with("Erlang C"))
        .unwrap();
    assert!(row.trim_end().ends_with("12.2%"), "{row}");
    let bad = Command::new(env!("CARGO_BIN_EXE_tiersim"))
        .args(["erlang", "--rate", "-5/h", "--aht", "3min"])
        .output()
        .unwrap();
    assert!(!bad.status.success() && !String::from_utf8_lossy(&bad.stderr).contains("panicked"));
}

/// A two-tier case: L1 answers phone calls and passes 40% to L2, a back-office team. Only the
/// phone service level is targeted, so nothing in the targets needs L2.
const TWO_TIER: &str = r#"Scenario(name: "two_tier", calendar: (days: 4, open: [(days: [Mon, Tue, Wed, Thu, Fri, Sat, Sun], from: "08:00", to: "18:00")]),
    incident_types: ["q"],
    channels: [(name: "phone", kind: Phone, arrivals: Daily(per_day: 300), mix: {"q": 1.0}, entry: "L1",
                patience: Exponential(mean: "3min"))],
    teams: [
      (name: "L1", agents: 6, handling: {"*": Exponential(mean: "4min")}, routes: {"*": (resolve: 0.6, pass: {"L2": 0.4})}),
      (name: "L2", agents: 4, handling: {"*": Exponential(mean: "15min")}, routes: {"*": (resolve: 1.0)}),
    ])"#;

fn parsed(text: &str) -> Model {
    let (s, src) = tiersim::scenario::parse("case.ron".as_ref(), text.to_string()).unwrap();
    tiersim::model::compile(&s, &src).unwrap()
}

#[test]
fn the_search_never_empties_a_team_that_receives_work_and_per_interval_costs_no_more() {
    let m = parsed(TWO_TIER);
    let t = targets(&["service_level_20s>=70%"]);
    let o = |per_interval| StaffOptions {
        replications: 5,
        seed: 3,
        per_interval,
        max_evaluations: 400,
    };
    let constant = search(&m, &t, &o(false)).unwrap();
    let per = search(&m, &t, &o(true)).unwrap();
    for r in [&constant, &per] {
        assert!(r.stopped.is_none(), "{:?}", r.stopped);
        // L2 receives 40% of the calls (about 120 a day at 15 min: 30 hours of work in a 10 h
        // day), so it keeps at least the 3 agents that workload needs, and its backlog check
        // is among the checks.
        let l2 = r.staffing.levels[1].iter().copied().max().unwrap();
        assert!(l2 >= 3, "L2 staffed {l2}: {:?}", r.staffing.levels[1]);
        assert!(
            r.checks
                .iter()
                .any(|c| c.target.starts_with("backlog_growth_per_day") && c.scope_name == "L2")
        );
        assert!(r.all_met());
    }
    // Per interval never costs more than the constant answer for the same checks (the
    // per-interval ones included), which it reports and was refined from.
    let cost = |s: &Staffing| tiersim::experiment::staffing_cost(&m, s);
    let c = per
        .constant
        .as_ref()
        .expect("per-interval keeps the constant answer");
    assert!(
        cost(&per.staffing) <= cost(c) + 1e-9,
        "per interval {} against constant {}",
        cost(&per.staffing),
        cost(c)
    );
    assert!(constant.constant.is_none());
}

#[test]
fn work_checks_fail_a_team_left_without_agents() {
    let m = parsed(TWO_TIER);
    let mut s = Staffing::of(&m);
    s.levels[1].iter_mut().for_each(|v| *v = 0);
    let (c, _) = validate(&m, &s, &targets(&["service_level_20s>=0%"]), 3, 1).unwrap();
    let l2: Vec<_> = c.iter().filter(|x| x.scope_name == "L2").collect();
    assert!(
        l2.iter()
            .any(|x| !x.met && x.target.starts_with("handled>0"))
            && l2
                .iter()
                .any(|x| !x.met && x.target.starts_with("backlog_growth_per_day")),
        "{l2:?}"
    );
}

#[test]
fn too_few_replications_are_refused_with_the_minimum() {
    let m = parsed(TWO_TIER);
    let mut o = opts(true);
    o.replications = 3;
    let e = search(&m, &targets(&["service_level_20s>=70%"]), &o).unwrap_err();
    assert!(e.to_string().contains("at least 5 are needed"), "{e}");
}

#[test]
fn targets_name_kpis_through_the_kpi_table() {
    let m = parsed(TWO_TIER);
    let s = tiersim::experiment::run(&m, 1, 2).unwrap();
    // `queue_` no longer means a team KPI: this is an incident KPI with an overall value.
    let c = check(&m, &s, &targets(&["queue_time_per_incident_mean<=1h"])).unwrap();
    assert!(
        c.iter()
            .any(|x| x.scope_name == "all" && x.target.starts_with("queue_time"))
    );
    // Team KPIs without a breakdown still apply to every team.
    let c = check(&m, &s, &targets(&["utilisation<=99%"])).unwrap();
    let teams: Vec<&str> = c
        .iter()
        .filter(|x| x.target.starts_with("utilisation"))
        .map(|x| x.scope_name.as_str())
        .collect();
    assert_eq!(teams, ["L1", "L2"]);
}

/// Email arrives around the clock; the desk works weekdays 08:00-18:00 at about 55% load. The
/// 13 measured days end at a Monday midnight, after a weekend's backlog built up: measured over
/// whole weeks the backlog does not grow, and the staffing checks pass.
const WEEKDAY_DESK: &str = r#"Scenario(name: "weekday_desk", calendar: (days: 13, start: Mon, warmup: "1d",
      open: [(days: [Mon, Tue, Wed, Thu, Fri], from: "08:00", to: "18:00")]),
    incident_types: ["q"],
    channels: [(name: "email", kind: Email, arrivals: Poisson(per_hour: 2), mix: {"q": 1.0}, entry: "desk", after_hours: Queue)],
    teams: [(name: "desk", agents: 2, handling: {"*": Exponential(mean: "10min")}, routes: {"*": (resolve: 1.0)})])"#;

#[test]
fn backlog_of_a_run_ending_after_a_weekend_is_not_growth() {
    let m = parsed(WEEKDAY_DESK);
    let s = Staffing::of(&m);
    let (c, _) = validate(&m, &s, &targets(&["utilisation<=95%"]), 5, 1).unwrap();
    let backlog: Vec<_> = c
        .iter()
        .filter(|x| x.target.starts_with("backlog_growth_per_day"))
        .collect();
    assert_eq!(backlog.len(), 1, "{c:?}");
    assert!(backlog[0].met, "{:?}", backlog[0]);
}

/// The README's per-interval command, with `seed` and its own output folder.
fn readme_per_interval(seed: u64, out: &std::path::Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_tiersim"))
        .args([
            "staff",
            "scenarios/after.ron",
            "--target",
            "service_level_20s>=80%",
            "--target",
            "abandon_rate<=5%",
            "--target",
            "utilisation<=85%",
            "--per-interval",
            "--seed",
            &seed.to_string(),
            "--out",
        ])
        .arg(out)
        .output()
        .unwrap()
}

/// The README command's staffing for seed 1, run once for the tests that need it.
fn readme_staffed() -> &'static (std::process::Output, std::path::PathBuf) {
    static RUN: std::sync::OnceLock<(std::process::Output, std::path::PathBuf)> =
        std::sync::OnceLock::new();
    RUN.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap().keep();
        (readme_per_interval(1, &dir), dir)
    })
}

/// The exit status says something about the staffing, not about the seed: on after.ron the
/// README's per-interval command exits 0 with two different seeds. Its independent check
/// fails a staffing only where some check is significantly violated (Bonferroni, family-wise
/// 5%), so a staffing that truly meets every target fails it with probability 5% at most per
/// seed; with these two fixed seeds the outcome is deterministic.
#[test]
fn readme_per_interval_command_exits_0_with_two_seeds() {
    for (seed, o) in [
        (1, readme_staffed().0.clone()),
        (
            2,
            readme_per_interval(2, tempfile::tempdir().unwrap().path()),
        ),
    ] {
        let out = String::from_utf8_lossy(&o.stdout);
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(o.status.success(), "seed {seed}: {err}\n{out}");
        assert!(
            out.contains("Independent validation with seed")
                && !out.contains("INDEPENDENT CHECK FAILED")
                && out.contains("Bonferroni"),
            "seed {seed}: {out}"
        );
    }
}

/// The independent check has power where it matters: the README command's staffing, one agent
/// short in every open interval of the busiest entry team, fails it (the CLI exits non-zero
/// exactly when `violated()` is not empty).
#[test]
fn one_agent_short_in_a_busy_entry_team_fails_the_independent_check() {
    use tiersim::experiment::independent_check;
    let (o, dir) = readme_staffed();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let staffed = load_model(&dir.join("after-staffed.ron")).unwrap();
    let original = load_model("scenarios/after.ron".as_ref()).unwrap();
    let found = Staffing::of(&staffed);
    let team = original.team("L1_reception").unwrap() as usize;
    let t = targets(&[
        "service_level_20s>=80%",
        "abandon_rate<=5%",
        "utilisation<=85%",
    ]);
    let o = StaffOptions {
        replications: 10,
        seed: 1,
        per_interval: true,
        max_evaluations: 1500,
    };
    let (full, _) = independent_check(&original, &found, &t, &o).unwrap();
    assert!(full.violated().is_empty(), "{:?}", full.violated());
    let (short, _) = independent_check(&original, &one_fewer(&found, team), &t, &o).unwrap();
    let violated = short.violated();
    assert!(
        violated
            .iter()
            .any(|c| c.target.starts_with("service_level_20s")),
        "one agent short in L1_reception is not caught: {:?}",
        short
            .verdicts
            .iter()
            .map(|v| (
                v.check.scope_name.clone(),
                v.check.estimate.mean,
                v.opposite
            ))
            .collect::<Vec<_>>()
    );
}

/// The validation's rule on hand-made checks: a `>=` check fails only when its upper bound at
/// 1 - 5%/k (Student-t, n - 1 degrees of freedom) is below the target; a `<=` check, when its
/// lower bound is above it. t(0.99875, 9) = 4.15 (between the tables' 3.69 at 0.9975 and 4.30
/// at 0.999); the tolerance on it is 0.05.
#[test]
fn validation_fails_a_check_only_on_a_significant_violation() {
    use tiersim::experiment::{Check, Op, Validation};
    use tiersim::stats::{Estimate, Unit};
    let check = |mean: f64, op: Op| Check {
        target: "t".into(),
        scope_name: "all".into(),
        unit: Unit::Ratio,
        // sd 0.0316 over 10 replications: standard error 0.01, 95% half-width 2.3 points.
        estimate: Estimate {
            mean,
            lo: mean - 0.0226,
            hi: mean + 0.0226,
            sd: 0.01 * 10f64.sqrt(),
            n: 10,
        },
        bound: if op == Op::AtLeast {
            mean - 0.0226
        } else {
            mean + 0.0226
        },
        met: false,
        gap: 0.0,
        slot: None,
        op,
        value: 0.8,
    };
    let mut checks: Vec<Check> = (0..36).map(|_| check(0.9, Op::AtLeast)).collect();
    checks.push(check(0.79, Op::AtLeast)); // 1 point short: within noise.
    checks.push(check(0.75, Op::AtLeast)); // 5 points short: more than 4.15 standard errors.
    checks.push(check(0.81, Op::AtMost)); // 1 point over: within noise.
    checks.push(check(0.85, Op::AtMost)); // 5 points over.
    let v = Validation::judge(checks, 7);
    assert!((v.confidence - (1.0 - 0.05 / 40.0)).abs() < 1e-12);
    let flagged: Vec<f64> = v.violated().iter().map(|c| c.estimate.mean).collect();
    assert_eq!(flagged, vec![0.75, 0.85]);
    let q = (v.verdicts[37].opposite - 0.75) / 0.01;
    assert!((4.1..4.2).contains(&q), "t quantile {q}");
}

/// mmc.ron's load (96 calls an hour, 5 min exponential handling) as two incident types that
/// require one skill, held by one shared pool: one M/M/c queue served only by the pool. (Two
/// skills held by one pool would not be: a freed agent takes its first skill's queue first,
/// which keeps the mean wait but changes the share answered within 20 s.)
const POOLED_MMC: &str = r#"Scenario(
    name: "pooled",
    calendar: (days: 20, warmup: "1d"),
    incident_types: ["a", "b"],
    channels: [(name: "phone", kind: Phone, arrivals: Poisson(per_hour: 96.0), mix: {"a": 0.5, "b": 0.5})],
    skills: (
        requires: {"*": "s"},
        handling: {"*": Exponential(mean: "5min")},
        recognised: {"phone": 1.0},
    ),
    teams: [],
    pools: [(name: "everyone", agents: 3, skills: {"s": (rank: 1)}, cost_per_hour: 30.0)],
    targets: (answer_within: ["20s", "60s"]),
)"#;

#[test]
fn staff_sizes_a_shared_pool_like_erlang_c_and_writes_it_back() {
    let m = parsed(POOLED_MMC);
    let t = targets(&["service_level_20s>=80%"]);
    let r = search(&m, &t, &opts(false)).unwrap();
    assert!(r.stopped.is_none(), "{:?}", r.stopped);
    let pool = m.teams.len();
    assert_eq!(r.staffing.levels.len(), pool + 1, "one level per pool");
    // The skills' queues have no agents of their own and stay so.
    for q in 0..pool {
        assert!(r.staffing.levels[q].iter().all(|&n| n == 0), "queue {q}");
    }
    let erlang = mmc_erlang_c();
    let found = r.staffing.levels[pool].iter().copied().max().unwrap();
    // As for a team: equal, or one more when the confidence bound is what one fewer misses.
    assert!(
        found == erlang
            || (found == erlang + 1 && r.kept_because[pool].contains("confidence bound")),
        "pool {found}, Erlang C {erlang}: {}",
        r.kept_because[pool]
    );
    // One fewer in the pool breaks a check.
    let (c, _) = validate(&m, &one_fewer(&r.staffing, pool), &t, 10, 11).unwrap();
    assert!(c.iter().any(|x| !x.met) || !r.kept_because[pool].is_empty());
    // The staffed scenario carries the pool's level.
    let (s, _) = tiersim::scenario::parse("case.ron".as_ref(), POOLED_MMC.to_string()).unwrap();
    let text = tiersim::report::staff::staffed_scenario(&s, &m, &r.staffing).unwrap();
    let again = parsed(&text);
    assert_eq!(Staffing::of(&again), r.staffing.clone());
}
