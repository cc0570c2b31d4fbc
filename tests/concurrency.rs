//! Chat concurrency (`concurrency: {Chat: (limit: k, slowdown: s)}` on a team or pool): an
//! agent holds up to `k` chats at once; with `n` held each progresses at
//! `1 / (1 + s (n - 1))` of its normal speed.
//!
//! 1. Limit 1 is today's engine exactly: the same trace and pool statistics, bit for bit.
//! 2. With slowdown 0 and exponential handling, one pool of `c` agents holding up to `k`
//!    chats is an M/M/(c k) queue. Tolerance: `REPS` replications of 20 days; each 95%
//!    confidence half-width must be below 5% of the Erlang C value (so the check has
//!    teeth: treating the pool as `c` servers, or as `c k` at 1.5x the speed, is off by far
//!    more) and the mean within two half-widths of it.
//! 3. With slowdown `s`, every chat's work, integrated at the speed set by how many chats its
//!    agent held at each moment, equals its deterministic handling time (to rounding); and
//!    an agent kept at exactly 2 chats (an overloaded queue) takes `1 + s` times as long.

use tiersim::analytic::ErlangC;
use tiersim::engine::{RunOptions, simulate};
use tiersim::experiment::run;
use tiersim::model::{Model, compile};
use tiersim::scenario::parse;
use tiersim::stats::{Estimate, Kpi, Scope};

const REPS: u64 = 10;

/// One chat channel into team T (`agents`, `handling`, `extra` team fields).
fn model(per_hour: f64, agents: u32, handling: &str, extra: &str) -> Model {
    let text = format!(
        r#"Scenario(name: "chat", calendar: (days: 20, warmup: "1d"), incident_types: ["q"],
  channels: [(name: "chat", kind: Chat, arrivals: Poisson(per_hour: {per_hour}), mix: {{"q": 1.0}}, entry: "T")],
  teams: [(name: "T", agents: {agents}, handling: {{"*": {handling}}}, routes: {{"*": (resolve: 1.0)}}{extra})])"#
    );
    let (s, src) = parse("chat.ron".as_ref(), text).unwrap();
    compile(&s, &src).unwrap()
}

#[test]
fn limit_one_reproduces_one_contact_at_a_time_exactly() {
    let h = r#"Exponential(mean: "5min")"#;
    let base = model(40.0, 4, h, "");
    let one = model(
        40.0,
        4,
        h,
        ", concurrency: {Chat: (limit: 1, slowdown: 0.5)}",
    );
    let three = model(40.0, 4, h, ", concurrency: {Chat: (limit: 3)}");
    let opts = RunOptions { trace: true };
    let a = simulate(&base, 3, 0, &opts).unwrap();
    let b = simulate(&one, 3, 0, &opts).unwrap();
    let c = simulate(&three, 3, 0, &opts).unwrap();
    assert!(a.trace.len() > 10_000);
    assert_eq!(format!("{:?}", a.trace), format!("{:?}", b.trace));
    assert_eq!(
        format!("{:?}", a.collector.pools),
        format!("{:?}", b.collector.pools)
    );
    // And the field does something when the limit is above 1.
    assert_ne!(format!("{:?}", a.trace), format!("{:?}", c.trace));
}

fn agrees(what: &str, est: Estimate, exact: f64) {
    let hw = est.half_width();
    assert!(
        hw <= 0.05 * exact,
        "{what}: too wide: ±{hw:.5} on {exact:.5}"
    );
    assert!(
        (est.mean - exact).abs() <= 2.0 * hw,
        "{what}: simulated {:.5} [{:.5}, {:.5}], Erlang C {exact:.5}",
        est.mean,
        est.lo,
        est.hi
    );
}

#[test]
fn slowdown_zero_is_an_mmc_queue_with_c_times_k_servers() {
    // 2 agents x 3 chats = 6 servers; 54 chats an hour of 5 minutes: 4.5 Erlangs.
    let m = model(
        54.0,
        2,
        r#"Exponential(mean: "5min")"#,
        ", concurrency: {Chat: (limit: 3, slowdown: 0.0)}",
    );
    let q = ErlangC {
        arrival_rate: 54.0 / 3600.0,
        mean_service: 300.0,
        servers: 6,
    };
    let s = run(&m, 20_261_129, REPS).unwrap();
    let get = |k: Kpi, sc: Scope| s.get(k, sc).unwrap_or_else(|| panic!("{k:?} missing"));
    agrees(
        "P(wait > 0)",
        get(Kpi::DelayProbability, Scope::Overall),
        q.p_wait(),
    );
    agrees(
        "mean wait",
        get(Kpi::WaitMean, Scope::Team(0)),
        q.mean_wait(),
    );
    // 4.5 chats held on average over 6 places.
    agrees("occupancy", get(Kpi::Occupancy, Scope::Pool(0)), 0.75);
    let conc = get(Kpi::ConcurrencyMean, Scope::Pool(0));
    assert!(conc.mean > 1.0 && conc.mean <= 3.0, "{conc:?}");
}

/// One agent serving 10-minute chats, up to `limit` at once with `slowdown`, `per_hour` of
/// them: each answered chat's (answer, end) times, by answer time.
fn one_agent_chats(per_hour: f64, limit: u32, slowdown: f64, seed: u64) -> Vec<(f64, f64)> {
    let m = model(
        per_hour,
        1,
        r#"Deterministic("10min")"#,
        &format!(", concurrency: {{Chat: (limit: {limit}, slowdown: {slowdown})}}"),
    );
    let out = simulate(&m, seed, 0, &RunOptions { trace: true }).unwrap();
    let mut served: Vec<(f64, f64)> = out
        .trace
        .iter()
        .filter(|r| !r.answered.is_nan())
        .map(|r| (r.answered, r.end))
        .collect();
    served.sort_by(|x, y| x.0.total_cmp(&y.0));
    served
}

#[test]
fn each_chat_does_its_work_at_the_speed_set_by_how_many_its_agent_holds() {
    let s = 0.5;
    // One agent, up to 3 chats of exactly 10 minutes, 9 an hour (1.5 Erlangs of work).
    let served = one_agent_chats(9.0, 3, s, 11);
    assert!(served.len() > 2000);
    // Chats held at each moment: the single agent holds every chat in service.
    let mut edges: Vec<(f64, i32)> = served
        .iter()
        .flat_map(|&(a, e)| [(a, 1), (e, -1)])
        .collect();
    edges.sort_by(|x, y| x.0.total_cmp(&y.0).then(x.1.cmp(&y.1)));
    let held_at = |t: f64| {
        edges
            .iter()
            .take_while(|&&(x, _)| x <= t)
            .map(|&(_, d)| d)
            .sum::<i32>()
    };
    let horizon = 20.0 * 86_400.0 - 7_200.0;
    let (mut checked, mut several) = (0, 0);
    for &(a, e) in served.iter().filter(|&&(_, e)| e < horizon).take(3000) {
        // Integrate the speed over the chat's service, stretch by stretch.
        let mut cuts: Vec<f64> = edges
            .iter()
            .map(|&(x, _)| x)
            .filter(|&x| x > a && x < e)
            .collect();
        cuts.insert(0, a);
        cuts.push(e);
        let mut work = 0.0;
        let mut ns = Vec::new();
        for w in cuts.windows(2) {
            let n = held_at(0.5 * (w[0] + w[1]));
            ns.push(n);
            work += (w[1] - w[0]) / (1.0 + s * f64::from(n - 1));
        }
        assert!(ns.iter().all(|&n| (1..=3).contains(&n)), "{ns:?}");
        assert!((work - 600.0).abs() < 1e-6, "work {work} over [{a}, {e}]");
        checked += 1;
        several += usize::from(ns.iter().any(|&n| n > 1));
    }
    assert!(checked >= 1000 && several > 100, "{checked} {several}");
}

#[test]
fn at_a_fixed_load_of_two_held_chats_handling_stretches_by_one_plus_slowdown() {
    let s = 0.25;
    // One agent, limit 2, 10-minute chats arriving far faster than it can serve them: a chat
    // is waiting whenever one ends, so from the first end on it always holds exactly 2.
    let served = one_agent_chats(30.0, 2, s, 5);
    assert!(served.len() > 1000);
    // Skip the start (the first chat was alone for a while).
    for &(a, e) in &served[10..] {
        assert!(
            (e - a - 600.0 * (1.0 + s)).abs() < 1e-6,
            "held [{a}, {e}]: {} s",
            e - a
        );
    }
}

/// The scenario text with a team and a shared pool; `team` and `pool` extra fields.
fn compile_err(team: &str, pool: &str) -> tiersim::error::InputError {
    let text = format!(
        r#"Scenario(name: "chat", calendar: (days: 2), incident_types: ["q"],
  channels: [(name: "chat", kind: Chat, arrivals: Poisson(per_hour: 5), mix: {{"q": 1.0}}, entry: "T")],
  teams: [(name: "T", agents: 1, handling: {{"*": Deterministic("5min")}}, routes: {{"*": (resolve: 1.0)}}
    {team})],
  pools: [(name: "P", agents: 1, skills: {{"T": (rank: 1)}}
    {pool})])"#
    );
    let (s, src) = parse("chat.ron".as_ref(), text).unwrap();
    match compile(&s, &src) {
        Err(e) => e,
        Ok(_) => panic!("must be rejected"),
    }
}

#[test]
fn bad_concurrency_is_rejected_at_its_line_with_the_field_and_the_range() {
    let e = compile_err(", concurrency: {Chat: (limit: 0)}", "");
    assert_eq!(
        e.field.as_deref(),
        Some(r#"teams[0] "T".concurrency.Chat.limit"#)
    );
    assert_eq!(e.at.map(|a| a.0), Some(4), "{e}");
    assert!(e.message.contains("between 1 and 50"), "{e}");
    let e = compile_err("", ", concurrency: {Chat: (limit: 2, slowdown: -0.5)}");
    assert_eq!(
        e.field.as_deref(),
        Some(r#"pools[0] "P".concurrency.Chat.slowdown"#)
    );
    assert_eq!(e.at.map(|a| a.0), Some(6), "{e}");
    assert!(e.message.contains("non-negative"), "{e}");
    let e = compile_err(
        r#", wrap_up: {"*": Deterministic("1min")}, concurrency: {Chat: (limit: 2)}"#,
        "",
    );
    assert!(e.message.contains("wrap_up"), "{e}");
}
