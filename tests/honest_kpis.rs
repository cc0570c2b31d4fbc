//! KPIs that cannot flatter a design: open work at the end, blocked calls in the service
//! level, thresholds per channel, and staff and cost in every run and comparison.

use tiersim::experiment::{compare, run};
use tiersim::model::{Model, compile, load_model};
use tiersim::scenario::parse;
use tiersim::stats::{Estimate, Kpi, Scope};

fn model(text: &str) -> Model {
    let (s, src) = parse("case.ron".as_ref(), text.to_string()).unwrap();
    compile(&s, &src).unwrap()
}

fn get(s: &tiersim::experiment::Summary, k: Kpi, sc: Scope) -> Estimate {
    s.get(k, sc)
        .unwrap_or_else(|| panic!("{k:?} {sc:?} missing"))
}

/// Phone calls to L1, which passes half of them to L2; L2 has no agents at all. Its queue
/// grows every day, every passed incident stays open, and those open longer than the 4 h
/// resolution target are breaches.
const STARVED: &str = r#"Scenario(name: "starved", calendar: (days: 4), incident_types: ["q"],
    channels: [(name: "phone", kind: Phone, arrivals: Poisson(per_hour: 6), mix: {"q": 1.0}, entry: "L1")],
    teams: [
      (name: "L1", agents: 3, handling: {"*": Exponential(mean: "5min")}, routes: {"*": (resolve: 0.5, pass: {"L2": 0.5})}),
      (name: "L2", agents: 0, handling: {"*": Exponential(mean: "10min")}, routes: {"*": (resolve: 1.0)}),
    ],
    targets: (sla: {Medium: (resolution: "4h")}))"#;

#[test]
fn open_work_at_the_end_is_counted_and_open_incidents_past_target_are_breaches() {
    let m = model(STARVED);
    let s = run(&m, 3, 4).unwrap();
    let l2 = Scope::Team(1);
    let entered = get(&s, Kpi::Entered, l2).mean;
    // Nothing is ever handled there: everything that entered is still open.
    assert!(entered > 200.0, "{entered}");
    assert_eq!(get(&s, Kpi::OpenAtEnd, l2).mean, entered);
    assert_eq!(get(&s, Kpi::Handled, l2).mean, 0.0);
    // The queue grows by about a day's passed work (6/h x 24 h x 0.5 = 72) every day, and
    // grows on every day; over 4 replications of 3 measured days each the mean is within 25%.
    let g = get(&s, Kpi::BacklogGrowthPerDay, l2).mean;
    assert!((g - 72.0).abs() < 18.0, "{g}");
    assert_eq!(get(&s, Kpi::BacklogGrowingDays, l2).mean, 1.0);
    // Oldest open item: at least 3 days old (the first passes come within the first hours).
    assert!(get(&s, Kpi::OldestOpenAge, l2).mean > 3.0 * 86_400.0);
    assert!(get(&s, Kpi::OldestOpenIncidentAge, Scope::Overall).mean > 3.0 * 86_400.0);
    // Incidents: half are open at the end; arrived = ended + open.
    let open = get(&s, Kpi::IncidentsOpenAtEnd, Scope::Overall).mean;
    let ended = get(&s, Kpi::Incidents, Scope::Overall).mean;
    assert!((get(&s, Kpi::IncidentsArrived, Scope::Overall).mean - open - ended).abs() < 1e-9);
    let rate = get(&s, Kpi::ResolutionRate, Scope::Overall).mean;
    assert!((rate - 0.5).abs() < 0.05, "resolution rate {rate}");
    // SLA: every resolved incident met 4 h (L1 is lightly loaded), and every open one older
    // than 4 h is a breach; only those passed in the last 4 h are not yet judged. So the share
    // is below ~ resolved / (resolved + open - 4 h of passes), far from the 100% that ended
    // incidents alone would show.
    let sla = get(&s, Kpi::SlaResolution, Scope::Overall).mean;
    let resolved = get(&s, Kpi::IncidentsResolved, Scope::Overall).mean;
    let expect = resolved / (resolved + open - 4.0 * 3.0);
    assert!(
        (sla - expect).abs() < 0.03,
        "sla_resolution {sla}, expected about {expect}"
    );
    let of_arrived = get(&s, Kpi::SlaResolutionOfArrived, Scope::Overall).mean;
    assert!(
        (of_arrived - resolved / (resolved + open)).abs() < 0.01,
        "{of_arrived}"
    );
    // Conservation of contacts still holds with open work.
    assert!(get(&s, Kpi::ContactsOpenAtEnd, Scope::Overall).mean >= open - 1e-9);
}

#[test]
fn each_channel_is_judged_on_its_own_thresholds() {
    let m = model(
        r#"Scenario(name: "mixed", calendar: (days: 3), incident_types: ["q"],
        channels: [
          (name: "phone", kind: Phone, arrivals: Poisson(per_hour: 10), mix: {"q": 1.0}, entry: "T"),
          (name: "email", kind: Email, arrivals: Poisson(per_hour: 4), mix: {"q": 1.0}, entry: "T"),
          (name: "web", kind: Portal, arrivals: Poisson(per_hour: 1), mix: {"q": 1.0}, entry: "T"),
        ],
        teams: [(name: "T", agents: 3, handling: {"*": Exponential(mean: "6min")}, routes: {"*": (resolve: 1.0)})],
        targets: (answer_within_by_channel: {"web": ["30min"]}))"#,
    );
    let name = |k: Kpi| k.name(&m);
    let s = run(&m, 1, 3).unwrap();
    let phone = Scope::Channel(0);
    let email = Scope::Channel(1);
    let web = Scope::Channel(2);
    let find = |k: &str, sc: Scope| {
        s.layout
            .keys
            .iter()
            .position(|&(kk, ss)| ss == sc && name(kk) == k)
    };
    // Live channels keep 20 s and 60 s; email gets the written default 4 h and 24 h; the
    // portal its own 30 min.
    assert!(find("service_level_20s", phone).is_some());
    assert!(find("service_level_20s", email).is_none());
    assert!(find("service_level_4h", email).is_some());
    assert!(find("service_level_4h", phone).is_none());
    assert!(find("service_level_30min", web).is_some());
    assert!(find("service_level_24h", web).is_none());
    // The overall 20 s figure pools the contacts of the channels judged on 20 s: phone only,
    // so in every replication it equals the phone's.
    let k20 = Kpi::parse("service_level_20s", &m).unwrap();
    for rep in 0..3 {
        let (layout, r, _) = tiersim::experiment::replicate(&m, 1, rep, false).unwrap();
        let at = |k: Kpi, sc: Scope| r.kpis[layout.index(k, sc).unwrap()];
        assert_eq!(at(k20, Scope::Overall), at(k20, phone));
        assert!(at(Kpi::Offered, email) > 0.0);
    }
}

#[test]
fn every_run_reports_agent_hours_and_cost() {
    let m = load_model("scenarios/after.ron".as_ref()).unwrap();
    let s = run(&m, 1, 2).unwrap();
    // Paid agent-hours: the roster's hours (from the engine's integral) plus overtime.
    let paid: Vec<f64> = (0..m.teams.len())
        .map(|t| {
            let overtime = get(&s, Kpi::OvertimeHours, Scope::Team(t as u16)).mean;
            m.agent_hours(t as u16) + overtime
        })
        .collect();
    let mut total = 0.0;
    for (t, p) in paid.iter().enumerate() {
        let h = get(&s, Kpi::AgentHours, Scope::Team(t as u16)).mean;
        assert!((h - p).abs() < 1e-6, "team {t}: {h}");
        total += h;
    }
    assert!((get(&s, Kpi::AgentHours, Scope::Overall).mean - total).abs() < 1e-6);
    let days = (m.horizon - m.warmup) / 86_400.0;
    if m.teams.iter().all(|t| t.cost_per_hour.is_some()) {
        let cost: f64 = (0..m.teams.len())
            .map(|t| paid[t] * m.teams[t].cost_per_hour.unwrap())
            .sum();
        let per_day = get(&s, Kpi::CostPerDay, Scope::Overall).mean;
        assert!((per_day - cost / days).abs() < 1e-6 * cost);
        assert!(get(&s, Kpi::CostPerResolvedIncident, Scope::Overall).mean > 0.0);
    }
}

#[test]
fn compare_reports_agent_hours_for_every_design_with_paired_differences() {
    let before = load_model("scenarios/before.ron".as_ref()).unwrap();
    let after = load_model("scenarios/after.ron".as_ref()).unwrap();
    let hours = |m: &Model| -> f64 { (0..m.teams.len()).map(|t| m.agent_hours(t as u16)).sum() };
    let (hb, ha) = (hours(&before), hours(&after));
    let c = compare(
        vec![("before".into(), before), ("after".into(), after)],
        7,
        3,
    )
    .unwrap();
    let row = c
        .rows
        .iter()
        .find(|r| r.kpi == Kpi::AgentHours && r.scope == "overall")
        .expect("agent_hours overall");
    let v: Vec<f64> = row.values.iter().map(|e| e.unwrap().mean).collect();
    // Paid hours: the rosters' hours plus each design's overtime (summed over its teams).
    let overtime: Vec<f64> = (0..2)
        .map(|i| {
            c.rows
                .iter()
                .filter(|r| r.kpi == Kpi::OvertimeHours && r.scope == "team")
                .filter_map(|r| r.values[i].map(|e| e.mean))
                .sum()
        })
        .collect();
    let (pb, pa) = (hb + overtime[0], ha + overtime[1]);
    assert!(
        (v[0] - pb).abs() < 1e-6 && (v[1] - pa).abs() < 1e-6,
        "{v:?} against {pb} and {pa}"
    );
    let d = row.diffs[1].unwrap();
    assert!((d.mean - (pa - pb)).abs() < 1e-6);
    // Every team of every design has its own agent_hours row.
    for d in &c.designs {
        for t in &d.model.teams {
            assert!(
                c.rows
                    .iter()
                    .any(|r| r.kpi == Kpi::AgentHours && r.scope == "team" && r.name == t.name),
                "{}",
                t.name
            );
        }
    }
    let table = tiersim::report::compare::compare_table(&c);
    assert!(
        table.contains("agent_hours") && table.contains("answered within T of arrival / offered")
    );
}

#[test]
fn a_written_only_scenario_has_an_hours_headline_and_no_seconds_threshold() {
    let m = model(
        r#"Scenario(name: "mail", calendar: (days: 2), incident_types: ["q"],
        channels: [(name: "email", kind: Email, arrivals: Poisson(per_hour: 4), mix: {"q": 1.0}, entry: "T")],
        teams: [(name: "T", agents: 1, handling: {"*": Exponential(mean: "6min")}, routes: {"*": (resolve: 1.0)})])"#,
    );
    assert_eq!(m.thresholds, [4.0 * 3600.0, 24.0 * 3600.0]);
    assert_eq!(Kpi::ServiceLevel(0).name(&m), "service_level_4h");
    assert_eq!(Kpi::parse("service_level_20s", &m), None);
    let s = run(&m, 1, 2).unwrap();
    assert!(get(&s, Kpi::ServiceLevel(0), Scope::Overall).mean > 0.9);
}

#[test]
fn thresholds_for_an_unknown_channel_are_refused() {
    let (s, src) = parse(
        "case.ron".as_ref(),
        r#"Scenario(name: "x", calendar: (days: 1), incident_types: ["q"],
        channels: [(name: "phone", kind: Phone, arrivals: Poisson(per_hour: 4), mix: {"q": 1.0}, entry: "T")],
        teams: [(name: "T", agents: 1, handling: {"*": Exponential(mean: "6min")}, routes: {"*": (resolve: 1.0)})],
        targets: (answer_within_by_channel: {"fax": ["1h"]}))"#
            .to_string(),
    )
    .unwrap();
    let e = compile(&s, &src).unwrap_err().to_string();
    assert!(
        e.contains("answer_within_by_channel.fax") && e.contains("no channel called `fax`"),
        "{e}"
    );
}

/// With a deterministic patience the service-level variants follow from the counts exactly:
/// every abandon happens at the patience, so it is within 20 s, and short (under 5 s) or not
/// depending on the patience alone.
#[test]
fn service_level_variants_follow_their_definitions() {
    for patience in ["3s", "10s"] {
        let m = model(&format!(
            r#"Scenario(name: "v", calendar: (days: 2), incident_types: ["q"],
            channels: [(name: "phone", kind: Phone, arrivals: Poisson(per_hour: 60), mix: {{"q": 1.0}}, entry: "T",
                        lines: 6, patience: Deterministic("{patience}"))],
            teams: [(name: "T", agents: 4, handling: {{"*": Exponential(mean: "4min")}}, routes: {{"*": (resolve: 1.0)}})])"#
        ));
        let (layout, r, _) = tiersim::experiment::replicate(&m, 9, 0, false).unwrap();
        let at = |k: Kpi| r.kpis[layout.index(k, Scope::Overall).unwrap()];
        let (offered, answered, abandoned, blocked) = (
            at(Kpi::Offered),
            at(Kpi::Answered),
            at(Kpi::Abandoned),
            at(Kpi::Blocked),
        );
        assert!(blocked > 0.0 && abandoned > 0.0, "{blocked} {abandoned}");
        let sl = at(Kpi::ServiceLevel(0));
        let within = at(Kpi::ServiceLevelOfAnswered(0)) * answered;
        assert!((sl * offered - within).abs() < 1e-6);
        assert!(
            (at(Kpi::ServiceLevelAbandonsMet(0)) - (within + abandoned) / offered).abs() < 1e-9
        );
        let short = at(Kpi::ServiceLevelExclShortAbandons(0));
        let expect = if patience == "3s" {
            within / answered
        } else {
            within / (answered + abandoned)
        };
        assert!(
            (short - expect).abs() < 1e-9,
            "{patience}: {short} vs {expect}"
        );
        // Blocked calls are failures of the headline only.
        assert!(sl < within / answered);
    }
}

/// A replication that resolves nothing has no cost per resolved incident: the value is
/// missing (NaN, like every other ratio with nothing under it), not an infinite cost.
#[test]
fn cost_per_resolved_incident_with_nothing_resolved_is_missing_not_infinite() {
    let m = model(
        r#"Scenario(name: "lost", calendar: (days: 1), incident_types: ["q"],
        channels: [(name: "phone", kind: Phone, arrivals: Poisson(per_hour: 6), mix: {"q": 1.0}, entry: "T")],
        teams: [(name: "T", agents: 2, cost_per_hour: 30.0, handling: {"*": Exponential(mean: "5min")}, routes: {"*": (lose: 1.0)})])"#,
    );
    let (layout, r, _) = tiersim::experiment::replicate(&m, 1, 0, false).unwrap();
    let at = |k: Kpi| r.kpis[layout.index(k, Scope::Overall).unwrap()];
    assert_eq!(at(Kpi::IncidentsResolved), 0.0);
    assert!(at(Kpi::CostPerDay) > 0.0);
    assert!(
        at(Kpi::CostPerResolvedIncident).is_nan(),
        "{}",
        at(Kpi::CostPerResolvedIncident)
    );
}

/// The headline is the first live threshold (README), also when the live channels all have
/// their own thresholds and a written channel comes first: an email-then-phone scenario
/// with phone judged on 30 s has a 30 s headline, not the email's 4 h.
#[test]
fn the_headline_is_a_live_threshold_when_live_channels_have_their_own() {
    let m = model(
        r#"Scenario(name: "own", calendar: (days: 1), incident_types: ["q"],
        channels: [
          (name: "email", kind: Email, arrivals: Poisson(per_hour: 2), mix: {"q": 1.0}, entry: "T"),
          (name: "phone", kind: Phone, arrivals: Poisson(per_hour: 6), mix: {"q": 1.0}, entry: "T"),
        ],
        teams: [(name: "T", agents: 2, handling: {"*": Exponential(mean: "5min")}, routes: {"*": (resolve: 1.0)})],
        targets: (answer_within_by_channel: {"phone": ["30s", "2min"]}))"#,
    );
    assert_eq!(m.thresholds[0], 30.0, "{:?}", m.thresholds);
    assert_eq!(Kpi::ServiceLevel(0).name(&m), "service_level_30s");
    // The channels keep their own lists.
    let names = |c: usize| -> Vec<String> {
        m.channel_thresholds[c]
            .iter()
            .map(|&k| Kpi::ServiceLevel(k).name(&m))
            .collect()
    };
    assert_eq!(names(0), ["service_level_4h", "service_level_24h"]);
    assert_eq!(names(1), ["service_level_30s", "service_level_2min"]);
}

/// `Kpi::all` is kept by hand beside the enum: every KPI a run reports must be in it, so that
/// targets (`staff`, `--target`) can name it.
#[test]
fn every_reported_kpi_can_be_named_in_a_target() {
    for path in [
        "scenarios/before.ron",
        "scenarios/after.ron",
        "scenarios/validation/mmck.ron",
    ] {
        let m = load_model(path.as_ref()).unwrap();
        let all = Kpi::all(&m);
        let (layout, _, _) = tiersim::experiment::replicate(&m, 1, 0, false).unwrap();
        for (k, _) in &layout.keys {
            assert!(
                all.contains(k),
                "{path}: {} missing from Kpi::all",
                k.name(&m)
            );
            assert_eq!(Kpi::parse(&k.name(&m), &m), Some(*k), "{path}");
        }
    }
}
