//! Regressions found in review: each test pins a behaviour that was once wrong.

use tiersim::experiment::{compare, run};
use tiersim::model::{Model, compile};
use tiersim::scenario::parse;

fn model(text: &str) -> Result<Model, tiersim::error::InputError> {
    let (s, src) = parse("case.ron".as_ref(), text.to_string())?;
    compile(&s, &src)
}

/// A failed call that comes back by email must find a team that can handle it there: this was
/// accepted and then panicked mid-run.
#[test]
fn a_retry_to_another_channel_is_checked_for_a_route() {
    let e = model(r#"Scenario(name: "r", calendar: (days: 1), incident_types: ["tech", "sales"],
        channels: [
          (name: "phone", kind: Phone, arrivals: Poisson(per_hour: 10), mix: {"tech": 1.0}, entry: "T", lines: 1,
           retry: (prob: 1.0, delay: Exponential(mean: "5min"), channel: "email")),
          (name: "email", kind: Email, arrivals: Poisson(per_hour: 1), mix: {"sales": 1.0}, entry: "S"),
        ],
        teams: [
          (name: "T", agents: 1, handling: {"tech": Exponential(mean: "5min")}, routes: {"tech": (resolve: 1.0)}),
          (name: "S", agents: 1, handling: {"sales": Exponential(mean: "5min")}, routes: {"sales": (resolve: 1.0)}),
        ])"#)
    .unwrap_err();
    assert!(
        e.to_string()
            .contains("`tech` reaches this team (from channel `email`)"),
        "{e}"
    );
}

/// More attempts than the attempt counter holds used to mean unlimited retries.
#[test]
fn absurd_retry_counts_are_rejected() {
    let e = model(r#"Scenario(name: "r", calendar: (days: 1), incident_types: ["q"],
        channels: [(name: "phone", kind: Phone, arrivals: Poisson(per_hour: 10), mix: {"q": 1.0}, entry: "T", lines: 1,
           retry: (prob: 1.0, delay: Deterministic("0s"), max_attempts: 300))],
        teams: [(name: "T", agents: 1, handling: {"*": Exponential(mean: "5min")}, routes: {"*": (resolve: 1.0)})])"#)
    .unwrap_err();
    assert!(
        e.to_string().contains("max_attempts: must be between 1"),
        "{e}"
    );
}

/// First-contact resolution counts only incidents solved on their first attempt: one
/// blocked and solved on a later call is not a first-contact resolution. With a single team
/// that resolves everything, it equals the share of resolved incidents whose resolving
/// attempt was the first, which the trace shows.
#[test]
fn first_contact_resolution_excludes_incidents_that_needed_a_retry() {
    let m = model(r#"Scenario(name: "fcr", calendar: (days: 3), incident_types: ["q"],
        channels: [(name: "phone", kind: Phone, arrivals: Poisson(per_hour: 20), mix: {"q": 1.0}, entry: "T", lines: 2,
           retry: (prob: 0.9, delay: Exponential(mean: "10min"), max_attempts: 5))],
        teams: [(name: "T", agents: 2, handling: {"*": Exponential(mean: "6min")}, routes: {"*": (resolve: 1.0)})])"#)
    .unwrap();
    let out =
        tiersim::engine::simulate(&m, 5, 0, &tiersim::engine::RunOptions { trace: true }).unwrap();
    let resolved: Vec<_> = out
        .trace
        .iter()
        .filter(|t| t.outcome == tiersim::stats::ContactEnd::Resolved)
        .collect();
    let first = resolved.iter().filter(|t| t.attempt == 1).count() as f64 / resolved.len() as f64;
    let s = &out.collector.scopes[0];
    let fcr = s.fcr as f64 / s.incidents_resolved as f64;
    assert!(first < 0.9, "the case must have retried incidents: {first}");
    assert!(
        (fcr - first).abs() < 1e-12,
        "FCR {fcr} vs first-attempt share {first}"
    );
}

/// Designs with different service-level thresholds must not have their service levels paired:
/// `service_level_20s` of one is not `service_level_5min` of the other.
#[test]
fn compare_pairs_service_levels_by_threshold_not_by_position() {
    let text = |t: &str| {
        format!(
            r#"Scenario(name: "x", calendar: (days: 2), incident_types: ["q"],
        channels: [(name: "phone", kind: Phone, arrivals: Poisson(per_hour: 96), mix: {{"q": 1.0}}, entry: "T")],
        teams: [(name: "T", agents: 10, handling: {{"*": Exponential(mean: "5min")}}, routes: {{"*": (resolve: 1.0)}})],
        targets: (answer_within: [{t}]))"#
        )
    };
    let a = model(&text("\"20s\"")).unwrap();
    let b = model(&text("\"5min\"")).unwrap();
    let c = compare(vec![("a".into(), a), ("b".into(), b)], 1, 3).unwrap();
    let sl20 = c
        .rows
        .iter()
        .find(|r| r.kpi_name == "service_level_20s" && r.scope == "overall")
        .unwrap();
    assert!(
        sl20.values[1].is_none() && sl20.diffs[1].is_none(),
        "b has no 20 s service level"
    );
    let sl5 = c
        .rows
        .iter()
        .find(|r| r.kpi_name == "service_level_5min" && r.scope == "overall")
        .unwrap();
    assert!(sl5.values[0].is_none() && sl5.values[1].is_some());
}

/// When staffing drops, the agents going off shift are a random pick of those rostered: the
/// share away on other duties stays at 1 - availability, so 10 agents at 50% dropping to 4
/// leave 2 present on average, not fewer.
#[test]
fn a_staffing_drop_keeps_the_availability_share() {
    let m = model(r#"Scenario(name: "drop", calendar: (days: 60, open: [(days: [Mon, Tue, Wed, Thu, Fri, Sat, Sun], from: "08:00", to: "18:00")]),
        incident_types: ["q"],
        channels: [(name: "email", kind: Email, arrivals: Poisson(per_hour: 1), mix: {"q": 1.0}, entry: "T")],
        teams: [(name: "T", agents: 10, schedule: [("12:00", 4)], availability: 0.5, handling: {"*": Exponential(mean: "1min")}, routes: {"*": (resolve: 1.0)})])"#)
    .unwrap();
    let s = run(&m, 3, 10).unwrap();
    // 12:00-12:30 is slot 24 of the day; pooled over 600 days its mean is within a few %.
    let present = s.series.agents[0][24];
    assert!(
        (present - 2.0).abs() < 0.1,
        "agents present right after the drop: {present}"
    );
}

/// A breakdown with a single member (one channel, one type, one priority) is the overall one
/// and is not recorded twice; its KPIs must be exactly those recorded separately. Adding a
/// channel with no arrivals (and a type and priority nobody uses) turns the aliasing off without touching the first channel's random
/// streams (they are keyed by its name), so every number must be identical.
#[test]
fn aliased_breakdowns_equal_separately_recorded_ones() {
    let base = r#"Scenario(name: "a", calendar: (days: 5), incident_types: ["q" TYPES],
        channels: [(name: "phone", kind: Phone, arrivals: Poisson(per_hour: 90), mix: {"q": 1.0}, entry: "T", patience: Exponential(mean: "2min")) EXTRA],
        teams: [(name: "T", agents: 9, handling: {"*": Exponential(mean: "5min")}, routes: {"*": (resolve: 1.0)})])"#;
    let one = model(&base.replace("EXTRA", "").replace("TYPES", "")).unwrap();
    // An unused type and an idle channel of another priority turn off the type and priority
    // aliasing too.
    let idle = r#", (name: "idle", kind: Email, arrivals: Poisson(per_hour: 0), mix: {"r": 1.0}, priorities: {Low: 1.0}, entry: "T")"#;
    let two = model(&base.replace("EXTRA", idle).replace("TYPES", r#", "r""#)).unwrap();
    let (a, b) = (run(&one, 9, 3).unwrap(), run(&two, 9, 3).unwrap());
    let mut compared = 0;
    for (i, &(k, sc)) in a.layout.keys.iter().enumerate() {
        let j = b
            .layout
            .keys
            .iter()
            .position(|&(k2, sc2)| {
                k2 == k && sc2.kind() == sc.kind() && sc2.label(&two) == sc.label(&one)
            })
            .unwrap();
        let (x, y) = (a.estimates[i].mean, b.estimates[j].mean);
        assert!(
            x.to_bits() == y.to_bits() || (x.is_nan() && y.is_nan()),
            "{k:?} {sc:?}: {x} vs {y}"
        );
        compared += 1;
    }
    assert!(compared > 100);
}

/// A recorded log is replayed exactly: every row within the horizon arrives at its time, with
/// its type and priority, and its recorded handling time is used for the first visit.
#[test]
fn a_replayed_log_reproduces_the_recorded_contacts() {
    let dir = tempfile::tempdir().unwrap();
    let rows = [
        ("0 08:00:00", "a", "high", "4"),
        ("0 08:00:30", "b", "", ""),
        ("0 09:15", "a", "low", "10"),
        ("1 10:00", "b", "urgent", "1.5"),
        ("5 10:00", "a", "", ""),
    ];
    let mut csv = String::from("time,channel,type,priority,handling_min\n");
    for (t, ty, p, h) in rows {
        csv.push_str(&format!("{t},phone,{ty},{p},{h}\n"));
    }
    csv.push_str("0 08:10,email,a,,\n"); // another channel's row: skipped
    std::fs::write(dir.path().join("calls.csv"), csv).unwrap();
    let text = r#"Scenario(name: "replay", calendar: (days: 3), incident_types: ["a", "b"],
        channels: [(name: "phone", kind: Phone, arrivals: Log(file: "calls.csv"), mix: {"a": 1.0}, entry: "T")],
        teams: [(name: "T", agents: 5, handling: {"*": Deterministic("2min")}, routes: {"*": (resolve: 1.0)})])"#;
    let path = dir.path().join("replay.ron");
    std::fs::write(&path, text).unwrap();
    let m = tiersim::model::load_model(&path).unwrap();
    let out =
        tiersim::engine::simulate(&m, 1, 0, &tiersim::engine::RunOptions { trace: true }).unwrap();
    // Day 5 is past the 3-day horizon: four contacts arrive.
    let mut t: Vec<_> = out
        .trace
        .iter()
        .map(|r| {
            (
                r.arrival,
                m.types[r.ty as usize].as_str(),
                r.priority,
                r.end - r.answered,
            )
        })
        .collect();
    t.sort_by(|a, b| a.0.total_cmp(&b.0)); // the trace is in order of ending
    let expect = [
        (28_800.0, "a", 1u8, 240.0),
        (28_830.0, "b", 2, 120.0),
        (33_300.0, "a", 3, 600.0),
        (122_400.0, "b", 0, 90.0),
    ];
    assert_eq!(t.len(), 4, "{t:?}");
    for (got, want) in t.iter().zip(expect) {
        assert_eq!((got.0, got.1, got.2), (want.0, want.1, want.2));
        assert!(
            (got.3 - want.3).abs() < 1e-6,
            "handling {} vs {}",
            got.3,
            want.3
        );
    }
}

/// Customers chase incidents left open too long (the domain's duplicates from slowness): each
/// chase is a duplicate contact the entry team handles and merges into the open incident. With
/// a slow back office they appear; with `prob: 0` they do not; incidents are never doubled.
#[test]
fn slow_incidents_are_chased_and_merged() {
    let text = |prob: &str| {
        format!(
            r#"Scenario(name: "chase", calendar: (days: 10, warmup: "1d"), incident_types: ["q"],
        channels: [(name: "phone", kind: Phone, arrivals: Poisson(per_hour: 6), mix: {{"q": 1.0}}, entry: "L1",
                    chase: (prob: {prob}, after: Exponential(mean: "2h")))],
        teams: [
          (name: "L1", agents: 3, handling: {{"*": Exponential(mean: "3min")}}, routes: {{"*": (resolve: 0.5, pass: {{"L2": 0.5}})}}),
          (name: "L2", agents: 1, handling: {{"*": Exponential(mean: "18min")}}, routes: {{"*": (resolve: 1.0)}}),
        ])"#
        )
    };
    let with = model(&text("0.8")).unwrap();
    let without = model(&text("0.0")).unwrap();
    let out = tiersim::engine::simulate(&with, 4, 0, &Default::default()).unwrap();
    let s = &out.collector.scopes[0];
    assert!(s.merged > 20, "chases merged: {}", s.merged);
    assert!(s.duplicates >= s.merged);
    // Every incident is counted once, however often it was chased.
    assert!(s.incidents + s.incidents_open_end <= s.arrived - s.duplicates + 1);
    let plain = tiersim::engine::simulate(&without, 4, 0, &Default::default()).unwrap();
    assert_eq!(
        (
            plain.collector.scopes[0].merged,
            plain.collector.scopes[0].duplicates
        ),
        (0, 0)
    );
    // A chase reaches the entry team, which handled more contacts than incidents arrived.
    assert!(out.collector.teams[0].handled > plain.collector.teams[0].handled);
}

/// A chasing contact's own random stream follows the seed and the replication, so replications
/// stay independent even when arrivals are replayed from a log.
#[test]
fn chases_of_replayed_arrivals_differ_between_replications() {
    let dir = tempfile::tempdir().unwrap();
    let mut csv = String::from("time,channel,type\n");
    for k in 0..40 {
        csv.push_str(&format!("0 08:{:02},phone,q\n", k));
    }
    std::fs::write(dir.path().join("calls.csv"), csv).unwrap();
    let text = r#"Scenario(name: "lc", calendar: (days: 1), incident_types: ["q"],
        channels: [(name: "phone", kind: Phone, arrivals: Log(file: "calls.csv"), mix: {"q": 1.0}, entry: "L1",
                    chase: (prob: 1.0, after: Deterministic("30min"), channel: "chat")),
                   (name: "chat", kind: Chat, arrivals: Poisson(per_hour: 0), mix: {"q": 1.0}, entry: "desk")],
        teams: [(name: "L1", agents: 1, handling: {"*": Exponential(mean: "10min")}, routes: {"*": (resolve: 1.0)}),
                (name: "desk", agents: 20, handling: {"*": Exponential(mean: "3min")}, routes: {"*": (resolve: 1.0)})])"#;
    let path = dir.path().join("lc.ron");
    std::fs::write(&path, text).unwrap();
    let m = tiersim::model::load_model(&path).unwrap();
    let chase_times = |rep: u64| -> Vec<u64> {
        let out =
            tiersim::engine::simulate(&m, 1, rep, &tiersim::engine::RunOptions { trace: true })
                .unwrap();
        let mut v: Vec<u64> = out
            .trace
            .iter()
            .filter(|t| t.chase)
            .map(|t| (t.end - t.answered).to_bits())
            .collect();
        v.sort_unstable();
        v
    };
    let (a, b) = (chase_times(0), chase_times(1));
    assert!(!a.is_empty(), "the case must produce chases");
    assert_ne!(
        a, b,
        "chase handling times must differ between replications"
    );
}
