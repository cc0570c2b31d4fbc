//! Closing time: at closing each channel's contacts still waiting for the entry team are served
//! in overtime, left to wait for opening, or disconnected (blocked or abandoned), and agents
//! present while open never exceed the roster.
//!
//! The case is the one that showed the problem: a 00:00-08:00 centre with 12 agents, offered
//! more calls than it can answer (80 an hour against 72 an hour of capacity), callers with
//! unlimited patience, so a queue is always left at 08:00.

use tiersim::experiment::{Summary, run};
use tiersim::model::{Model, compile};
use tiersim::scenario::parse;
use tiersim::stats::{Kpi, Scope};

fn model(at_closing: &str) -> Model {
    let text = format!(
        r#"Scenario(name: "night", calendar: (days: 5, open: [(days: [Mon, Tue, Wed, Thu, Fri, Sat, Sun], from: "00:00", to: "08:00")], interval: "30min"),
  incident_types: ["q"],
  channels: [(name: "phone", kind: Phone, arrivals: Daily(per_day: 640), mix: {{"q": 1.0}}, entry: "desk"{at_closing})],
  teams: [(name: "desk", agents: 12, handling: {{"*": Exponential(mean: "10min")}}, routes: {{"*": (resolve: 1.0)}})])"#
    );
    let (s, src) = parse("night.ron".as_ref(), text).unwrap_or_else(|e| panic!("{e}"));
    compile(&s, &src).unwrap_or_else(|e| panic!("{e}"))
}

fn kpi(s: &Summary, k: Kpi, scope: Scope) -> f64 {
    s.get(k, scope).unwrap().mean
}

fn check_roster(s: &Summary) {
    let present = kpi(s, Kpi::AgentsPresent, Scope::Team(0));
    assert!(
        present <= 12.0 + 1e-9,
        "agents_present {present} > roster 12"
    );
    let util = kpi(s, Kpi::Utilisation, Scope::Team(0));
    assert!(util <= 1.0 + 1e-9, "utilisation {util}");
}

const HOUR: f64 = 3600.0;

#[test]
fn waiting_over_the_night_is_what_wait_means() {
    let s = run(&model(", at_closing: Wait"), 7, 3).unwrap();
    check_roster(&s);
    // Calls left at 08:00 wait 16 hours for the next opening.
    assert!(kpi(&s, Kpi::ResponseMax, Scope::Overall) > 16.0 * HOUR);
    // Only the contacts in hand at 08:00 are finished after it: at most 12 of them a day,
    // each exponential with mean 10 min, so well under 12 agent-hours over 5 days.
    let ot = kpi(&s, Kpi::OvertimeHours, Scope::Team(0));
    assert!(ot > 0.0 && ot < 12.0, "overtime {ot} h");
}

#[test]
fn phone_queue_is_served_in_overtime_by_default() {
    let s = run(&model(""), 7, 3).unwrap();
    check_roster(&s);
    // Nobody waits for the next opening: the answer comes within the night plus overtime.
    let max = kpi(&s, Kpi::ResponseMax, Scope::Overall);
    assert!(max < 8.0 * HOUR, "longest answer {max} s");
    // About (80 - 72) calls an hour pile up over 8 hours: around 60 calls of 10 min left at
    // closing, some 10 agent-hours a day; over 5 days well above the Wait case's bound.
    let ot = kpi(&s, Kpi::OvertimeHours, Scope::Team(0));
    assert!(ot > 20.0, "overtime {ot} h");
    assert_eq!(kpi(&s, Kpi::Abandoned, Scope::Overall), 0.0);
    // Served in overtime: explicitly asking for it gives the same numbers.
    let explicit = run(&model(", at_closing: Serve"), 7, 3).unwrap();
    let bits = |s: &Summary| -> Vec<u64> { s.estimates.iter().map(|e| e.mean.to_bits()).collect() };
    assert!(
        bits(&explicit) == bits(&s),
        "explicit Serve differs from the default"
    );
}

#[test]
fn disconnected_calls_count_as_abandoned_or_blocked_as_chosen() {
    let wait = run(&model(", at_closing: Wait"), 7, 3).unwrap();
    let abandon = run(&model(", at_closing: Disconnect(Abandoned)"), 7, 3).unwrap();
    let block = run(&model(", at_closing: Disconnect(Blocked)"), 7, 3).unwrap();
    for s in [&abandon, &block] {
        check_roster(s);
        // Nobody answered after a night's wait.
        assert!(kpi(s, Kpi::ResponseMax, Scope::Overall) < 8.0 * HOUR);
    }
    // No patience and no lines: without disconnection nothing is abandoned or blocked.
    assert_eq!(kpi(&wait, Kpi::Abandoned, Scope::Overall), 0.0);
    assert_eq!(kpi(&wait, Kpi::Blocked, Scope::Overall), 0.0);
    // Tens of calls a night are cut off (about 8 an hour of excess over 8 hours).
    assert!(kpi(&abandon, Kpi::Abandoned, Scope::Overall) > 5.0 * 20.0);
    assert_eq!(kpi(&abandon, Kpi::Blocked, Scope::Overall), 0.0);
    assert!(kpi(&abandon, Kpi::Abandoned, Scope::Team(0)) > 5.0 * 20.0);
    assert!(kpi(&block, Kpi::Blocked, Scope::Overall) > 5.0 * 20.0);
    assert_eq!(kpi(&block, Kpi::Abandoned, Scope::Overall), 0.0);
    // The same calls are cut off either way (the demand and the policy's moment are equal).
    assert_eq!(
        kpi(&abandon, Kpi::Abandoned, Scope::Overall),
        kpi(&block, Kpi::Blocked, Scope::Overall)
    );
}

#[test]
fn bundled_scenarios_never_show_more_agents_present_than_rostered() {
    for f in ["scenarios/before.ron", "scenarios/after.ron"] {
        let mut m = tiersim::model::load_model(f.as_ref()).unwrap();
        m.horizon = m.warmup + 5.0 * 86_400.0;
        let s = run(&m, 3, 2).unwrap();
        for (i, t) in m.teams.iter().enumerate() {
            let roster = f64::from(*t.agents.iter().max().unwrap());
            let present = kpi(&s, Kpi::AgentsPresent, Scope::Team(i as u16));
            assert!(
                present <= roster + 1e-9,
                "{f}: team {} agents_present {present} > roster {roster}",
                t.name
            );
        }
    }
}
