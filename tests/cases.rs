//! How cases are judged and come back: business-hours SLA clocks with waits on the customer,
//! SLAs and priority mixes per incident type, reopened incidents, and self-service deflection
//! counted as demand avoided.

use tiersim::engine::{RunOptions, RunOutput, simulate};
use tiersim::model::{Model, load_model};
use tiersim::stats::{ContactEnd, Kpi, Scope};

/// Writes `files` and the scenario `text` to a temporary folder and compiles it.
fn model(text: &str, files: &[(&str, &str)]) -> (tempfile::TempDir, Model) {
    let dir = tempfile::tempdir().unwrap();
    for (name, body) in files {
        std::fs::write(dir.path().join(name), body).unwrap();
    }
    let path = dir.path().join("case.ron");
    std::fs::write(&path, text).unwrap();
    let m = load_model(&path).unwrap_or_else(|e| panic!("{e}"));
    (dir, m)
}

fn run(m: &Model, seed: u64) -> RunOutput {
    simulate(m, seed, 0, &RunOptions { trace: true }).unwrap()
}

/// The value of `kpi` for `scope` in one replication.
fn kpi(m: &Model, out: &RunOutput, kpi: Kpi, scope: Scope) -> f64 {
    let mut v = None;
    out.collector.kpis(m, |k, s, x| {
        if k == kpi && s == scope {
            v = Some(x);
        }
    });
    v.unwrap_or_else(|| panic!("{} not reported for {scope:?}", kpi.name(m)))
}

/// Five emails at known times, one agent, two hours' handling each; office hours Mon-Fri
/// 09:00-17:00 with Wednesday (day 2) a holiday. `question`s then wait a day on the customer
/// (clock stopped) before they close; `fault`s are urgent (their own priority mix) and close at
/// once. By hand, on the office clock:
/// - question Mon 16:00: 16-17 counts, the wait 18:00 Mon-18:00 Tue (8 h) does not: 1 h;
/// - question Wed 10:00 (holiday): the wait covers Thu 09-12: 0 h;
/// - question Fri 16:30: 0.5 h (the wait is over the weekend);
/// - fault Tue 09:00: 2 h; fault Thu 16:30: 0.5 h.
///
/// On the wall clock every question takes 26 h and every fault 2 h.
const OFFICE: &str = r#"Scenario(name: "office", calendar: (days: 7, start: Mon), incident_types: ["question", "fault"],
    channels: [(name: "email", kind: Email, arrivals: Log(file: "mail.csv"), mix: {"question": 1.0}, entry: "desk")],
    teams: [(name: "desk", agents: 1, handling: {"*": Deterministic("2h")}, routes: {"*": (resolve: 1.0)})],
    targets: (
        sla: {Medium: (response: "1min", resolution: "1h", clock: "office")},
        sla_by_type: {"fault": (resolution: "90min")},
        sla_clock_by_channel: {"email": "office"},
    ),
    business_hours: [(name: "office", hours: [(days: [Mon, Tue, Wed, Thu, Fri], from: "09:00", to: "17:00")], holidays: [2])],
    priorities_by_type: {"fault": {Urgent: 1.0}},
    waiting_on_customer: {"question": (prob: 1.0, delay: Deterministic("1d"))},
)"#;

const MAIL: &str = "time,channel,type\n0 16:00,email,question\n1 09:00,email,fault\n2 10:00,email,question\n3 16:30,email,fault\n4 16:30,email,question\n";

#[test]
fn a_business_hours_clock_gives_the_expected_sla_times() {
    let (_dir, m) = model(OFFICE, &[("mail.csv", MAIL)]);
    let out = run(&m, 1);
    let (q, f) = (Scope::Type(0), Scope::Type(1));
    let all = out.collector.scope(0);
    assert_eq!(all.incidents_resolved, 5);
    // Questions: 1 h, 0 h and 0.5 h on the clock against a 1 h target, all met (the first
    // exactly at it); 26 h each on the wall clock, none met.
    assert_eq!(kpi(&m, &out, Kpi::SlaResolutionBusiness, q), 1.0);
    assert_eq!(kpi(&m, &out, Kpi::SlaResolution, q), 0.0);
    assert_eq!(kpi(&m, &out, Kpi::ResolutionMean, q), 26.0 * 3600.0);
    // Faults: their type's 90 min target on the channel's clock (the urgent priority names
    // none): 2 h misses, 0.5 h meets.
    assert_eq!(kpi(&m, &out, Kpi::SlaResolutionBusiness, f), 0.5);
    assert_eq!(kpi(&m, &out, Kpi::SlaResolution, f), 0.0);
    // Everything answered at once: the response targets are met on both clocks.
    assert_eq!(kpi(&m, &out, Kpi::SlaResponseBusiness, Scope::Overall), 1.0);
    // The faults' own priority mix made them urgent, the questions keep the channel's.
    assert_eq!(
        out.collector.scope(1 + 1 + 2).incidents_resolved,
        2,
        "urgent"
    );
    assert_eq!(
        out.collector.scope(1 + 1 + 2 + 2).incidents_resolved,
        3,
        "medium"
    );
    // One fewer holiday: the Wednesday question's wait covers Wed 12:00-17:00 and Thu
    // 09:00-12:00, and its clock reads 10:00-12:00 Wed = 2 h: a miss.
    let (_dir, m) = model(
        &OFFICE.replace("holidays: [2]", "holidays: []"),
        &[("mail.csv", MAIL)],
    );
    let out = run(&m, 1);
    assert_eq!(kpi(&m, &out, Kpi::SlaResolutionBusiness, q), 2.0 / 3.0);
}

#[test]
fn a_priority_mix_per_type_sets_the_priority_of_that_type_only() {
    let text = r#"Scenario(name: "mix", calendar: (days: 5), incident_types: ["outage", "how_to"],
        channels: [(name: "phone", kind: Phone, arrivals: Poisson(per_hour: 30), mix: {"outage": 0.3, "how_to": 0.7},
                    priorities: {Low: 0.5, Medium: 0.5}, entry: "desk")],
        teams: [(name: "desk", agents: 4, handling: {"*": Exponential(mean: "5min")}, routes: {"*": (resolve: 1.0)})],
        targets: (sla_by_type: {"outage": (response: "30s")}),
        priorities_by_type: {"outage": {Urgent: 0.8, High: 0.2}})"#;
    let (_dir, m) = model(text, &[]);
    let out = run(&m, 7);
    let c = &out.collector;
    let (nt, nc) = (m.types.len(), m.channels.len());
    let prio = |p: usize| c.scope(1 + nc + nt + p).arrived;
    let outage = c.scope(1 + nc).arrived;
    // Urgent and high contacts are exactly the outages; the others keep the channel's mix.
    assert_eq!(prio(0) + prio(1), outage);
    assert_eq!(prio(2) + prio(3), c.scope(1 + nc + 1).arrived);
    // 80% of outages urgent: within 4 binomial standard errors (about 1 in 16,000 to fail
    // by chance; the seed is fixed, so it either always passes or always fails).
    let n = outage as f64;
    let share = prio(0) as f64 / n;
    assert!(
        (share - 0.8).abs() < 4.0 * (0.8f64 * 0.2 / n).sqrt(),
        "{share}"
    );
    // The outage's own response target is judged for outages only.
    assert!(!kpi(&m, &out, Kpi::SlaResponse, Scope::Type(0)).is_nan());
    assert!(kpi(&m, &out, Kpi::SlaResponse, Scope::Type(1)).is_nan());
}

#[test]
fn the_reopen_rate_converges_to_its_input_and_reopens_are_no_first_contact_resolutions() {
    let p = 0.2;
    let text = format!(
        r#"Scenario(name: "reopen", calendar: (days: 20), incident_types: ["a", "b"],
        channels: [(name: "email", kind: Email, arrivals: Poisson(per_hour: 40), mix: {{"a": 0.5, "b": 0.5}}, entry: "desk")],
        teams: [(name: "desk", agents: 8, handling: {{"*": Exponential(mean: "6min")}}, routes: {{"*": (resolve: 1.0)}},
                 reopen: {{"a": (prob: {p}, after: Exponential(mean: "1d"))}})])"#
    );
    let (_dir, m) = model(&text, &[]);
    let out = run(&m, 11);
    let c = &out.collector;
    let a = c.scope(1 + 1);
    let resolved = a.resolved as f64;
    assert!(resolved > 5000.0);
    // Binomial: each resolution reopens with probability p; 4 standard errors of the
    // proportion (fails by chance about once in 16,000 seeds).
    let tol = 4.0 * (p * (1.0 - p) / resolved).sqrt();
    let rate = kpi(&m, &out, Kpi::ReopenRate, Scope::Type(0));
    assert!((rate - p).abs() < tol, "reopen rate {rate} vs {p} ± {tol}");
    assert_eq!(kpi(&m, &out, Kpi::ReopenRate, Scope::Type(1)), 0.0);
    // A reopened incident is resolved on its second contact at the earliest: first-contact
    // resolution of type a is the share never reopened, 1 - p (same tolerance on the
    // incidents resolved); type b, never reopened, keeps 1.
    let fcr = kpi(&m, &out, Kpi::FirstContactResolution, Scope::Type(0));
    let n = a.incidents_resolved as f64;
    assert!(
        (fcr - (1.0 - p)).abs() < 4.0 * (p * (1.0 - p) / n).sqrt(),
        "FCR {fcr}"
    );
    assert_eq!(
        kpi(&m, &out, Kpi::FirstContactResolution, Scope::Type(1)),
        1.0
    );
    // Reopens arrive as repeat contacts of the same incident.
    assert!(a.duplicates > 0 && a.duplicates <= a.cases.reopened);
}

/// L1 resolves half and passes half to L2; a chatbot in front deflects 40% of `a`.
fn deflection(self_service: &str) -> String {
    format!(
        r#"Scenario(name: "deflect", calendar: (days: 10, warmup: "1d"), incident_types: ["a", "b"],
        channels: [(name: "bot", kind: Chatbot, arrivals: Poisson(per_hour: 20), mix: {{"a": 0.6, "b": 0.4}}, entry: "L1"{self_service})],
        teams: [(name: "L1", agents: 4, handling: {{"*": Exponential(mean: "5min")}}, routes: {{"*": (resolve: 0.5, pass: {{"L2": 0.5}})}}),
                (name: "L2", agents: 4, handling: {{"*": Exponential(mean: "5min")}}, routes: {{"*": (resolve: 1.0)}})])"#
    )
}

#[test]
fn deflection_is_demand_avoided_not_resolution() {
    let ss = r#", self_service: (resolves: {"a": 0.4}, time: Deterministic("2min"))"#;
    let (_d1, with) = model(&deflection(ss), &[]);
    let (_d2, without) = model(&deflection(""), &[]);
    let (a, b) = (run(&with, 3), run(&without, 3));
    let (sa, sb) = (a.collector.scope(0), b.collector.scope(0));
    // The same demand (same seed and channel): what arrives without self-service is exactly
    // what is offered with it, deflected plus arrived.
    assert!(sa.cases.deflected > 1000);
    assert_eq!(sa.cases.deflected + sa.arrived, sb.arrived);
    assert_eq!(
        kpi(&with, &a, Kpi::DemandOffered, Scope::Overall),
        sb.arrived as f64
    );
    // Deflected contacts are traced as such, and never as resolved.
    let counted = |o: ContactEnd| {
        a.trace
            .iter()
            .filter(|t| t.arrival >= with.warmup && t.outcome == o)
            .count() as u64
    };
    // (Deflections are counted when decided; a flow still running at the end is not traced.)
    let traced = counted(ContactEnd::Deflected);
    assert!(traced <= sa.cases.deflected && sa.cases.deflected - traced <= 3);
    assert_eq!(counted(ContactEnd::Resolved), sa.resolved);
    // Deflected first contacts are no incidents: the incidents are the contacts that arrived.
    assert_eq!(sa.incidents + sa.incidents_open_end, sa.arrived);
    // First-contact resolution is L1's share, 0.5, deflection or not (4 binomial standard
    // errors); counting deflections as first-contact resolutions would read about 0.62.
    for (m, o) in [(&with, &a), (&without, &b)] {
        let n = o.collector.scope(0).incidents_resolved as f64;
        let fcr = kpi(m, o, Kpi::FirstContactResolution, Scope::Overall);
        assert!((fcr - 0.5).abs() < 4.0 * (0.25 / n).sqrt(), "FCR {fcr}");
    }
}

/// 1-based line of the only occurrence of `needle` in `text`.
fn line_of(text: &str, needle: &str) -> usize {
    assert_eq!(text.matches(needle).count(), 1, "{needle}");
    text[..text.find(needle).unwrap()].lines().count().max(1)
}

fn compile_error(text: &str) -> tiersim::error::InputError {
    let (s, src) = tiersim::scenario::parse("bad.ron".as_ref(), text.to_string()).unwrap();
    tiersim::model::compile(&s, &src).expect_err("must be rejected")
}

#[test]
fn bad_case_rules_are_rejected_with_their_line_and_field() {
    let good = OFFICE.replace(r#"Log(file: "mail.csv")"#, "Poisson(per_hour: 1)");
    // An SLA naming a calendar nobody defined.
    let bad = good.replace(r#"clock: "office")}"#, r#"clock: "ofice")}"#);
    let e = compile_error(&bad);
    let shown = e.to_string();
    assert!(
        shown.contains("unknown business calendar `ofice`") && shown.contains("office"),
        "{shown}"
    );
    assert_eq!(
        e.at.map(|a| a.0),
        Some(line_of(&bad, "\"ofice\"")),
        "{shown}"
    );
    // A reopen probability of 1 would never let an incident close.
    let bad = good.replace(
        r#"routes: {"*": (resolve: 1.0)})]"#,
        "routes: {\"*\": (resolve: 1.0)},\n        reopen: {\"*\": (prob: 0.95, after: \"1d\")})]",
    );
    let bad = bad.replace(r#"after: "1d""#, r#"after: Deterministic("1d")"#);
    let e = compile_error(&bad);
    let shown = e.to_string();
    assert!(shown.contains("reopen") && shown.contains("0.9"), "{shown}");
    assert_eq!(
        e.at.map(|a| a.0),
        Some(line_of(&bad, "prob: 0.95")),
        "{shown}"
    );
    // A holiday outside any run, and a calendar with no hours.
    let bad = good.replace("holidays: [2]", "holidays: [5000]");
    let shown = compile_error(&bad).to_string();
    assert!(
        shown.contains("holidays") && shown.contains("4015"),
        "{shown}"
    );
    let bad = good.replace(
        r#"from: "09:00", to: "17:00""#,
        r#"from: "17:00", to: "09:00""#,
    );
    assert!(
        compile_error(&bad)
            .to_string()
            .contains("`from` before `to`")
    );
    // A priority mix for an unknown type.
    let bad = good.replace(
        r#"priorities_by_type: {"fault""#,
        r#"priorities_by_type: {"faults""#,
    );
    let e = compile_error(&bad);
    assert!(
        e.to_string().contains("unknown incident type `faults`"),
        "{e}"
    );
    assert_eq!(e.at.map(|a| a.0), Some(line_of(&bad, "\"faults\"")));
}
