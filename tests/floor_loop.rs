//! The floor benchmark's lean M/M/c loop (`benches/floor/mmc.rs`) is a faithful one: with the
//! engine's draws it reproduces the engine's every KPI bit for bit (so its observer calls are
//! the engine's, in the same order), its statistics do not change its path, and with its own
//! minimal draws it agrees with Erlang C.

#[allow(dead_code)]
#[path = "../benches/floor/mmc.rs"]
mod mmc;

use mmc::{Bare, Draws, Plain, agreement, run};
use tiersim::engine::{RunOptions, simulate};
use tiersim::model::{Model, compile};
use tiersim::stats::{Collector, Kpi, Scope};

/// Peer model (a) (`../shared/peers/tiersim/mmc.ron`) over `days` days: M/M/20, 100 per
/// hour, exponential handling with mean 10 min.
fn model_a(days: u32, extra: &str) -> Model {
    let text = format!(
        r#"Scenario(
    name: "peers-mmc",
    calendar: (days: {days}, warmup: "500min"),
    incident_types: ["query"],
    channels: [
        (name: "phone", kind: Phone, arrivals: Poisson(per_hour: 100.0), mix: {{"query": 1.0}}, entry: "agents"{extra}),
    ],
    teams: [
        (
            name: "agents",
            agents: 20,
            handling: {{"*": Exponential(mean: "10min")}},
            routes: {{"*": (resolve: 1.0)}},
        ),
    ],
    targets: (answer_within: ["20s"]),
)"#
    );
    let (s, src) = tiersim::scenario::parse("mmc.ron".as_ref(), text).unwrap();
    compile(&s, &src).unwrap()
}

fn kpis(c: &Collector, m: &Model) -> Vec<(Kpi, Scope, u64)> {
    let mut out = Vec::new();
    c.kpis(m, |k, s, v| out.push((k, s, v.to_bits())));
    out
}

#[test]
fn with_the_engines_draws_every_kpi_is_the_engines() {
    let m = model_a(20, "");
    let p = Plain::of(&m).unwrap();
    for seed in [1, 7] {
        let engine = simulate(&m, seed, 0, &RunOptions::default()).unwrap();
        let floor = run(&p, seed, 0, Draws::Engine, Collector::new(&m));
        assert_eq!(floor.events, engine.events, "seed {seed}");
        let (want, got) = (kpis(&engine.collector, &m), kpis(&floor.observer, &m));
        assert!(want.len() > 50, "{} KPIs", want.len());
        for (w, g) in want.iter().zip(&got) {
            assert_eq!(
                g,
                w,
                "seed {seed}: {} {:?}: floor {} engine {}",
                w.0.name(&m),
                w.1,
                f64::from_bits(g.2),
                f64::from_bits(w.2)
            );
        }
        assert_eq!(got.len(), want.len());
    }
}

#[test]
fn statistics_do_not_change_the_path() {
    let m = model_a(10, "");
    let p = Plain::of(&m).unwrap();
    for draws in [Draws::Minimal, Draws::Engine] {
        let bare = run(&p, 3, 0, draws, Bare).events;
        let stats = run(&p, 3, 0, draws, Collector::new(&m)).events;
        assert_eq!(bare, stats);
        // About 2 x 2,400 contacts and 96 ticks a day.
        assert!((bare as f64 / 10.0 / 4_896.0 - 1.0).abs() < 0.05, "{bare}");
    }
}

/// Tolerance: four standard errors of the mean over 8 replications (see `Agreement::ok`);
/// 30-day replications keep the test short.
#[test]
fn minimal_draws_agree_with_erlang_c() {
    let m = model_a(30, "");
    let p = Plain::of(&m).unwrap();
    for a in agreement(&m, &p, 11, 8) {
        assert!(
            a.ok(),
            "{}: {} against Erlang C {} ({:.1} standard errors)",
            a.name,
            a.mean,
            a.analytic,
            a.standard_errors
        );
    }
}

#[test]
fn a_model_that_is_not_plain_is_refused_by_name() {
    let m = model_a(1, r#", patience: Exponential(mean: "5min")"#);
    let e = Plain::of(&m).err().unwrap();
    assert!(e.contains("no patience"), "{e}");
}
