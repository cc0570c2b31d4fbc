//! Omnichannel mechanisms: callbacks (virtual hold), blended live and deferred work, and
//! time-triggered escalation. Each test asserts something the mechanism could get wrong:
//! accepted callbacks never abandon and leave the agents' work unchanged, live-first blending
//! gives live contacts the M/M/c waits of a system without deferred work, a reserve keeps
//! agents for live work, deferred backlog waits over a closed night, and escalation moves a
//! waiting contact on time.

use std::path::{Path, PathBuf};
use tiersim::analytic::ErlangC;
use tiersim::engine::{RunOptions, TraceRecord, simulate};
use tiersim::experiment::{Summary, run};
use tiersim::model::{Model, compile, load_model};
use tiersim::scenario::parse;
use tiersim::stats::{ContactEnd, Kpi, Scope};

fn model(text: &str) -> Model {
    let (s, src) = parse("omni.ron".as_ref(), text.to_string()).unwrap_or_else(|e| panic!("{e}"));
    compile(&s, &src).unwrap_or_else(|e| panic!("{e}"))
}

fn kpi(s: &Summary, k: Kpi, scope: Scope) -> f64 {
    s.get(k, scope)
        .unwrap_or_else(|| panic!("{k:?} {scope:?} not reported"))
        .mean
}

/// A scenario and an arrival log in a temporary folder.
struct Case {
    _dir: tempfile::TempDir,
    path: PathBuf,
}

fn with_log(text: &str, log: &str) -> Case {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("log.csv"), log).unwrap();
    let path = dir.path().join("omni.ron");
    std::fs::write(&path, text).unwrap();
    Case { _dir: dir, path }
}

fn traced(path: &Path) -> (Model, Vec<TraceRecord>) {
    let m = load_model(path).unwrap_or_else(|e| panic!("{e}"));
    let out = simulate(&m, 1, 0, &RunOptions { trace: true }).unwrap();
    let mut t = out.trace;
    t.sort_by_key(|r| r.incident);
    (m, t)
}

// ---------------------------------------------------------------------------------------------
// Callbacks

/// 3 agents, 30 calls an hour of 5 min (2.5 Erlang), patience `patience`, and `callback`.
fn phone(patience: &str, callback: &str) -> Model {
    model(&format!(
        r#"Scenario(name: "cb", calendar: (days: 20), incident_types: ["q"],
  channels: [(name: "phone", kind: Phone, arrivals: Poisson(per_hour: 30), mix: {{"q": 1.0}}, entry: "desk"{patience}{callback})],
  teams: [(name: "desk", agents: 3, handling: {{"*": Exponential(mean: "5min")}}, routes: {{"*": (resolve: 1.0)}})])"#
    ))
}

#[test]
fn accepted_callbacks_are_never_abandons() {
    let patience = r#", patience: Exponential(mean: "1min")"#;
    // Without callbacks the impatient callers abandon: the case can show the difference.
    let none = run(&phone(patience, ""), 3, 2).unwrap();
    assert!(kpi(&none, Kpi::Abandoned, Scope::Overall) > 100.0);
    // Every caller who would wait is offered a callback (threshold 0) and accepts: none of
    // them may abandon, so nobody does.
    let all = run(
        &phone(patience, r#", callback: (threshold: "0s", accept: 1.0)"#),
        3,
        2,
    )
    .unwrap();
    assert_eq!(kpi(&all, Kpi::Abandoned, Scope::Overall), 0.0);
    let accepted = kpi(&all, Kpi::CallbacksAccepted, Scope::Overall);
    assert!(accepted > 1000.0, "accepted {accepted}");
    assert_eq!(accepted, kpi(&all, Kpi::CallbacksOffered, Scope::Overall));
    // Half accept: abandons come only from those who declined or were never offered one,
    // and every accepted callback is reached, failed, or still open at the end.
    let half = run(
        &phone(
            patience,
            r#", callback: (threshold: "0s", accept: 0.5, reach: 0.6, max_tries: 2)"#,
        ),
        3,
        2,
    )
    .unwrap();
    let offered = kpi(&half, Kpi::CallbacksOffered, Scope::Channel(0));
    let accepted = kpi(&half, Kpi::CallbacksAccepted, Scope::Channel(0));
    let abandoned = kpi(&half, Kpi::Abandoned, Scope::Channel(0));
    assert!(
        abandoned > 0.0 && abandoned <= offered - accepted,
        "{abandoned} of {offered} offered, {accepted} accepted"
    );
    assert!(
        (accepted / offered - 0.5).abs() < 0.05,
        "acceptance {accepted}/{offered}"
    );
    let reached = kpi(&half, Kpi::CallbacksReached, Scope::Channel(0));
    let failed = kpi(&half, Kpi::CallbacksFailed, Scope::Channel(0));
    let open = kpi(&half, Kpi::ContactsOpenAtEnd, Scope::Channel(0));
    assert!(reached + failed <= accepted && accepted - reached - failed <= open);
    // Two calls back at reach 0.6 both fail with probability 0.16; over about 3,100 accepted
    // callbacks the share's standard error is 0.0066, so 0.02 is three of them (a draw
    // correlated with the acceptance showed 0.139 here).
    eprintln!(
        "offered {offered}, accepted {accepted}, reached {reached}, failed {failed}, abandoned {abandoned}"
    );
    assert!(
        (failed / (reached + failed) - 0.16).abs() < 0.02,
        "failed {failed} of {}",
        reached + failed
    );
    // A failed callback ends its contact as lost, never as abandoned.
    assert_eq!(kpi(&half, Kpi::Lost, Scope::Channel(0)), failed);
}

/// With every call back reaching the customer and no patience, a callback only frees the
/// phone line: the queue order is the same and every handling time comes from the contact's
/// own stream (the callback draws use another), so the agents' work is exactly the same.
#[test]
fn callbacks_that_reach_leave_the_agents_work_unchanged() {
    let without = simulate(&phone("", ""), 11, 0, &RunOptions::default()).unwrap();
    let with = simulate(
        &phone(
            "",
            r#", callback: (threshold: "2min", accept: 0.7, reach: 1.0)"#,
        ),
        11,
        0,
        &RunOptions::default(),
    )
    .unwrap();
    let (a, b) = (&without.collector.teams[0], &with.collector.teams[0]);
    assert!(with.collector.omni.callbacks[0].accepted > 500);
    assert_eq!(a.handled, b.handled);
    assert_eq!(a.busy_area, b.busy_area, "agent-seconds of handling");
    assert_eq!(a.wait.sum, b.wait.sum, "total wait");
    assert_eq!(with.collector.omni.callbacks[0].failed, 0);
}

#[test]
fn expected_wait_above_the_threshold_is_what_gets_an_offer() {
    // A threshold beyond any wait this queue produces: nobody is offered a callback.
    let s = run(
        &phone("", r#", callback: (threshold: "1440min", accept: 1.0)"#),
        5,
        1,
    )
    .unwrap();
    assert_eq!(kpi(&s, Kpi::CallbacksOffered, Scope::Overall), 0.0);
    // A threshold of one handling time (5 min over 3 agents: offered from the third caller
    // waiting on) offers fewer callbacks than a threshold of zero.
    let low = run(
        &phone("", r#", callback: (threshold: "0s", accept: 1.0)"#),
        5,
        1,
    )
    .unwrap();
    let high = run(
        &phone("", r#", callback: (threshold: "5min", accept: 1.0)"#),
        5,
        1,
    )
    .unwrap();
    let (l, h) = (
        kpi(&low, Kpi::CallbacksOffered, Scope::Overall),
        kpi(&high, Kpi::CallbacksOffered, Scope::Overall),
    );
    assert!(
        h > 0.0 && h < 0.8 * l,
        "offered {h} at 5 min against {l} at 0"
    );
}

// ---------------------------------------------------------------------------------------------
// Blended live and deferred work

/// 3 agents; phone 24 calls an hour of 5 min (2 Erlang, M/M/3); email 1,000 an hour of a
/// deterministic 3 s (0.83 Erlang of deferred work filling the idle time).
fn blended(blend: &str) -> Model {
    model(&format!(
        r#"Scenario(name: "blend", calendar: (days: 40, warmup: "1d"), incident_types: ["call", "mail"],
  channels: [
    (name: "phone", kind: Phone, arrivals: Poisson(per_hour: 24), mix: {{"call": 1.0}}, entry: "desk"),
    (name: "email", kind: Email, arrivals: Poisson(per_hour: 1000), mix: {{"mail": 1.0}}, entry: "desk"),
  ],
  teams: [(name: "desk", agents: 3{blend}, handling: {{"call": Exponential(mean: "5min"), "mail": Deterministic("3s")}}, routes: {{"*": (resolve: 1.0)}})])"#
    ))
}

/// Live first, non-preemptive: a live contact arriving while every agent is busy waits for the
/// first agent to free up; an agent busy with deferred work frees up within its 3 s, so the
/// live wait is the M/M/3 wait of the calls alone plus at most 3 s. Tolerance: 3 s plus 8% for
/// the estimate (5 replications of 40 days, about 115,000 calls; the mean wait's relative
/// standard error is about 2%, so 8% is four of them).
#[test]
fn live_first_gives_live_contacts_the_erlang_c_wait() {
    let erlang = ErlangC {
        arrival_rate: 24.0 / 3600.0,
        mean_service: 300.0,
        servers: 3,
    }
    .mean_wait();
    let s = run(&blended(", blend: LiveFirst"), 17, 5).unwrap();
    let live = kpi(&s, Kpi::LiveWaitMean, Scope::Team(0));
    assert!(
        (live - erlang).abs() <= 3.0 + 0.08 * erlang,
        "live wait {live:.1} s against Erlang C {erlang:.1} s"
    );
    assert_eq!(live, kpi(&s, Kpi::ResponseMean, Scope::Channel(0)));
    // The deferred work is done, later: it fills the agents' idle time.
    let deferred = kpi(&s, Kpi::DeferredWaitMean, Scope::Team(0));
    assert!(deferred > live, "deferred wait {deferred:.1} s");
    assert!(kpi(&s, Kpi::Utilisation, Scope::Team(0)) > 0.9);
    // Without blending, calls wait behind the emails: the case tells the two apart.
    let fifo = run(&blended(""), 17, 2).unwrap();
    let mixed = kpi(&fifo, Kpi::ResponseMean, Scope::Channel(0));
    eprintln!(
        "live wait {live:.1} s (Erlang C {erlang:.1} s), deferred {deferred:.1} s, first come first served {mixed:.1} s"
    );
    assert!(
        mixed > 2.0 * erlang,
        "first come first served: {mixed:.1} s"
    );
}

/// 2 agents keeping 1 free for live work: an email is taken only while 2 are free.
#[test]
fn a_reserve_keeps_agents_free_for_live_work() {
    let text = |blend: &str| {
        format!(
            r#"Scenario(name: "reserve", calendar: (days: 1), incident_types: ["q"],
  channels: [
    (name: "phone", kind: Phone, arrivals: Log(file: "log.csv"), mix: {{"q": 1.0}}, entry: "desk"),
    (name: "email", kind: Email, arrivals: Log(file: "log.csv"), mix: {{"q": 1.0}}, entry: "desk"),
  ],
  teams: [(name: "desk", agents: 2, blend: {blend}, handling: {{"*": Deterministic("10min")}}, routes: {{"*": (resolve: 1.0)}})])"#
        )
    };
    // Emails at 0, 0 and 1 min; a call at 2 min.
    let log = "time,channel,type\n0,email,q\n0,email,q\n1,email,q\n2,phone,q\n";
    let answered = |blend: &str| {
        let case = with_log(&text(blend), log);
        let (_, t) = traced(&case.path);
        t.iter().map(|r| r.answered / 60.0).collect::<Vec<_>>()
    };
    // Reserve 1: the first email takes one agent; the second waits (only 1 free); the call
    // takes the other agent at once; at 10 min one agent is free, still not 2; at 12 both
    // are: the second email; the third at 22, when both are free again.
    assert_eq!(answered("Reserve(1)"), [0.0, 12.0, 22.0, 2.0]);
    // Live first without a reserve: both agents take emails at once; the call waits for the
    // first to free up, at 10 min, ahead of the third email (taken at 10 by the other).
    assert_eq!(answered("LiveFirst"), [0.0, 0.0, 10.0, 10.0]);
}

/// Deferred work left at closing waits over the night for the next opening.
#[test]
fn deferred_backlog_carries_over_a_closed_night() {
    let text = r#"Scenario(name: "night", calendar: (days: 2, open: [(days: [Mon, Tue, Wed, Thu, Fri], from: "08:00", to: "18:00")]),
  incident_types: ["q"],
  channels: [
    (name: "phone", kind: Phone, arrivals: Log(file: "log.csv"), mix: {"q": 1.0}, entry: "desk"),
    (name: "email", kind: Email, arrivals: Log(file: "log.csv"), mix: {"q": 1.0}, entry: "desk"),
  ],
  teams: [(name: "desk", agents: 1, blend: LiveFirst, handling: {"*": Deterministic("5min")}, routes: {"*": (resolve: 1.0)})])"#;
    // Three emails at 17:55, 17:56 and 20:00 on Monday; a call at 08:02 on Tuesday.
    let log =
        "time,channel,type\n0 17:55,email,q\n0 17:56,email,q\n0 20:00,email,q\n1 08:02,phone,q\n";
    let case = with_log(text, log);
    let (_, t) = traced(&case.path);
    let at = |r: &TraceRecord| r.answered / 60.0;
    let day = 24.0 * 60.0;
    // The first is taken at 17:55 and finished in overtime; the other two wait for 08:00;
    // the call waits for the email in hand (non-preemptive) and goes ahead of the third.
    assert_eq!(at(&t[0]), 17.0 * 60.0 + 55.0);
    assert_eq!(at(&t[1]), day + 8.0 * 60.0);
    assert_eq!(at(&t[3]), day + 8.0 * 60.0 + 5.0);
    assert_eq!(at(&t[2]), day + 8.0 * 60.0 + 10.0);
    assert!(t.iter().all(|r| r.outcome == ContactEnd::Resolved));
}

// ---------------------------------------------------------------------------------------------
// Time-triggered escalation

#[test]
fn waiting_past_the_threshold_escalates_to_the_named_team() {
    let text = r#"Scenario(name: "esc", calendar: (days: 1), incident_types: ["q"],
  channels: [(name: "email", kind: Email, arrivals: Log(file: "log.csv"), mix: {"q": 1.0}, entry: "L1")],
  teams: [
    (name: "L1", agents: 1, escalate: (after: "30min", to: "L2"), handling: {"*": Deterministic("60min")}, routes: {"*": (resolve: 1.0)}),
    (name: "L2", agents: 1, handling: {"*": Deterministic("10min")}, routes: {"*": (resolve: 1.0)}),
  ])"#;
    // Three incidents at 0, 0 and 5 min: L1 takes the first; the second escalates at 30 min
    // and L2 answers it at once; the third escalates at 35 min and waits for L2 until 40.
    let log = "time,channel,type\n0,email,q\n0,email,q\n5,email,q\n";
    let case = with_log(text, log);
    let (m, t) = traced(&case.path);
    let l2 = m.team("L2").unwrap();
    let got: Vec<(f64, f64, u16, u16)> = t
        .iter()
        .map(|r| (r.answered / 60.0, r.end / 60.0, r.last_team, r.transfers))
        .collect();
    assert_eq!(
        got,
        [(0.0, 60.0, 0, 0), (30.0, 40.0, l2, 1), (40.0, 50.0, l2, 1)]
    );
    let s = tiersim::experiment::run(&m, 1, 1).unwrap();
    assert_eq!(kpi(&s, Kpi::Escalations, Scope::Team(0)), 2.0);
    assert_eq!(kpi(&s, Kpi::Escalations, Scope::Overall), 2.0);
    // Escalations are hand-offs: two among three incidents.
    let r = kpi(&s, Kpi::ReassignmentsPerIncident, Scope::Overall);
    assert!((r - 2.0 / 3.0).abs() < 1e-12, "reassignments {r}");
}

// ---------------------------------------------------------------------------------------------
// Bad input

fn rejected(text: &str) -> String {
    let (s, src) = parse("bad.ron".as_ref(), text.to_string()).unwrap_or_else(|e| panic!("{e}"));
    let e = compile(&s, &src).expect_err("must be rejected");
    assert!(e.at.is_some(), "located: {e}");
    e.to_string()
}

const TWO_TEAMS: &str = r#"Scenario(name: "bad", calendar: (days: 1), incident_types: ["q"],
  channels: [(name: "CH", kind: KIND, arrivals: Poisson(per_hour: 10), mix: {"q": 1.0}, entry: "L1"CALLBACK)],
  teams: [
    (name: "L1", agents: 1ESC1, handling: {"*": Exponential(mean: "5min")}, routes: {"*": (resolve: 1.0)}),
    (name: "L2", agents: 1ESC2, handling: {"*": Exponential(mean: "5min")}, routes: {"*": (resolve: 1.0)}),
  ])"#;

fn bad(edits: &[(&str, &str)]) -> String {
    let mut t = TWO_TEAMS.to_string();
    for (k, v) in edits {
        t = t.replace(k, v);
    }
    for k in ["CALLBACK", "ESC1", "ESC2"] {
        t = t.replace(k, "");
    }
    t.replace("KIND", "Phone")
}

#[test]
fn omnichannel_fields_are_checked_and_located() {
    let e = rejected(&bad(&[
        ("ESC1", r#", escalate: (after: "1h", to: "L2")"#),
        ("ESC2", r#", escalate: (after: "1h", to: "L1")"#),
    ]));
    assert!(e.contains("must not loop"), "{e}");
    let e = rejected(&bad(&[("ESC1", r#", escalate: (after: "1h", to: "L1")"#)]));
    assert!(e.contains("itself"), "{e}");
    let e = rejected(&bad(&[("ESC1", r#", escalate: (after: "10s", to: "L2")"#)]));
    assert!(e.contains("escalate.after") && e.contains("minutes"), "{e}");
    let e = rejected(&bad(&[("ESC1", r#", escalate: (after: "1h", to: "L9")"#)]));
    assert!(e.contains("unknown team `L9`"), "{e}");
    let e = rejected(&bad(&[
        ("KIND", "Email"),
        (
            "CALLBACK",
            r#", callback: (threshold: "1min", accept: 0.5)"#,
        ),
    ]));
    assert!(e.contains("live channels"), "{e}");
    let e = rejected(&bad(&[(
        "CALLBACK",
        r#", callback: (threshold: "1min", accept: 1.5)"#,
    )]));
    assert!(
        e.contains("callback.accept") && e.contains("probability"),
        "{e}"
    );
    let e = rejected(&bad(&[(
        "CALLBACK",
        r#", callback: (threshold: "1min", accept: 0.5, max_tries: 50)"#,
    )]));
    assert!(e.contains("callback.max_tries"), "{e}");
    let e = rejected(&bad(&[(
        "CALLBACK",
        r#", callback: (threshold: "1min", accept: 0.5, retry_after: "5s")"#,
    )]));
    assert!(e.contains("callback.retry_after"), "{e}");
}

/// Sweeps apply their values to the scenario through JSON: the new fields survive the round
/// trip and can be swept.
#[test]
fn omnichannel_fields_can_be_swept() {
    let text = r#"Scenario(name: "sweep", calendar: (days: 1), incident_types: ["q"],
  channels: [(name: "phone", kind: Phone, arrivals: Poisson(per_hour: 30), mix: {"q": 1.0}, entry: "L1",
              callback: (threshold: "2min", accept: 0.5, reach: 0.9, max_tries: 2))],
  teams: [
    (name: "L1", agents: 3, blend: Reserve(1), escalate: (after: "20min", to: "L2"), handling: {"*": Exponential(mean: "5min")}, routes: {"*": (resolve: 1.0)}),
    (name: "L2", agents: 1, blend: LiveFirst, handling: {"*": Exponential(mean: "5min")}, routes: {"*": (resolve: 1.0)}),
  ])"#;
    let (s, src) = parse("sweep.ron".as_ref(), text.to_string()).unwrap();
    let swept = tiersim::experiment::apply(
        &s,
        &[
            ("channels.0.callback.accept".into(), 0.8),
            ("channels.0.callback.max_tries".into(), 4.0),
        ],
    )
    .unwrap();
    let m = compile(&swept, &src).unwrap();
    let cb = m.channels[0].callback.unwrap();
    assert_eq!((cb.accept, cb.reach, cb.max_tries), (0.8, 0.9, 4));
    assert_eq!(cb.threshold, 120.0);
    assert_eq!((m.teams[0].blend, m.teams[1].blend), (Some(1), Some(0)));
    let e = m.teams[0].escalate.unwrap();
    assert_eq!((e.after, e.to.index()), (1200.0, 1));
}

/// Review finding: an agent holding chats below its limit was chosen to call a customer back,
/// and a pool without a free agent then brought in one beyond its roster. A call back needs a
/// wholly free agent, so paid hours stay the roster's (4 agents around the clock, 2 days).
#[test]
fn a_call_back_never_brings_in_an_agent_beyond_the_roster() {
    let m = model(
        r#"Scenario(name: "cbchat",
    calendar: (days: 2, start: Mon, open: [(days: [Mon, Tue, Wed, Thu, Fri, Sat, Sun], from: "00:00", to: "24:00")], interval: "30min"),
    incident_types: ["a"],
    channels: [(name: "chat", kind: Chat, arrivals: Poisson(per_hour: 60), mix: {"a": 1.0}, entry: "t1",
        patience: Exponential(mean: "5min"),
        callback: (threshold: "1min", accept: 0.8, reach: 0.3, dial: "2min", retry_after: "5min", max_tries: 5))],
    teams: [(name: "t1", agents: 4, concurrency: {Chat: (limit: 2, slowdown: 0.5)},
        handling: {"*": Exponential(mean: "6min")}, routes: {"*": (resolve: 1.0)})],
)"#,
    );
    let s = run(&m, 3, 7).unwrap();
    assert!(kpi(&s, Kpi::CallbacksAccepted, Scope::Overall) > 50.0);
    let hours = kpi(&s, Kpi::AgentHours, Scope::Team(0));
    assert!(
        (hours - 4.0 * 48.0).abs() < 1e-6,
        "agent-hours {hours}, roster 192"
    );
}

/// Review finding: at a blending team the callback offer counted the deferred emails waiting
/// behind the reserve as if callers waited behind them, so nearly every caller was offered a
/// callback while live calls waited seconds. Only live contacts are ahead of a caller.
#[test]
fn deferred_work_does_not_make_callers_expect_a_long_wait() {
    let m = model(
        r#"Scenario(name: "cbblend",
    calendar: (days: 2, start: Mon, open: [(days: [Mon, Tue, Wed, Thu, Fri, Sat, Sun], from: "00:00", to: "24:00")], interval: "30min"),
    incident_types: ["a"],
    channels: [
        (name: "phone", kind: Phone, arrivals: Poisson(per_hour: 20), mix: {"a": 1.0}, entry: "t1",
         patience: Exponential(mean: "5min"),
         callback: (threshold: "2min", accept: 1.0, reach: 1.0, dial: "30s", retry_after: "10min", max_tries: 3)),
        (name: "email", kind: Email, arrivals: Poisson(per_hour: 40), mix: {"a": 1.0}, entry: "t1"),
    ],
    teams: [(name: "t1", agents: 6, blend: Reserve(2),
        handling: {"*": Exponential(mean: "6min")}, routes: {"*": (resolve: 1.0)})],
)"#,
    );
    let s = run(&m, 3, 7).unwrap();
    let offered = kpi(&s, Kpi::CallbacksOffered, Scope::Channel(0));
    let arrived = kpi(&s, Kpi::Arrived, Scope::Channel(0));
    // Before the fix: 947 of 952. Six agents, two kept for live work, 2 erlangs of calls:
    // a caller rarely finds all live places taken, so offers are a small share.
    assert!(arrived > 500.0);
    assert!(offered < 0.2 * arrived, "offered {offered} of {arrived}");
}

/// Review finding: with concurrency on a deferred kind, an agent's room for another email let
/// a blending team's deferred work through the reserve, and the last reserved agent was used.
/// With two agents and `Reserve(1)`, email only and far more than they can do, at most one
/// agent may ever hold email: utilisation (time holding at least one) stays at most a half.
#[test]
fn a_reserve_holds_with_concurrency_on_deferred_work() {
    let m = model(
        r#"Scenario(name: "reservecc",
    calendar: (days: 2, start: Mon, open: [(days: [Mon, Tue, Wed, Thu, Fri, Sat, Sun], from: "00:00", to: "24:00")], interval: "30min"),
    incident_types: ["a"],
    channels: [(name: "email", kind: Email, arrivals: Poisson(per_hour: 40), mix: {"a": 1.0}, entry: "t1")],
    teams: [(name: "t1", agents: 2, blend: Reserve(1), concurrency: {Email: (limit: 3)},
        handling: {"*": Exponential(mean: "6min")}, routes: {"*": (resolve: 1.0)})],
)"#,
    );
    let s = run(&m, 3, 3).unwrap();
    let util = kpi(&s, Kpi::Utilisation, Scope::Team(0));
    assert!(util <= 0.5 + 1e-9, "utilisation {util}");
    assert!(util > 0.45, "one agent kept busy: utilisation {util}");
}
