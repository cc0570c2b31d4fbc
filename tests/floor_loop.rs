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
        let floor = run(&m, &p, seed, 0, Draws::Engine, Collector::new(&m));
        assert_eq!(floor.events, engine.events, "seed {seed}");
        // Everything the collector holds (interval series, histograms, counts), not only
        // what its KPIs read: the same calls with the same arguments leave the same state.
        assert!(
            format!("{:?}", floor.observer) == format!("{:?}", engine.collector),
            "seed {seed}: the collectors differ"
        );
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
        let bare = run(&m, &p, 3, 0, draws, Bare).events;
        let stats = run(&m, &p, 3, 0, draws, Collector::new(&m)).events;
        assert_eq!(bare, stats);
        // An arrival and a service end per contact, and the interval ticks: expected
        // 2 x 24,000 + 480 over 10 days; the count's sd is about 2 x 155, so 5% is over
        // 7 sd away.
        let expected = 2.0 * p.rate() * m.horizon + (m.horizon / m.interval).floor();
        assert!(
            (bare as f64 / expected - 1.0).abs() < 0.05,
            "{bare} against {expected}"
        );
    }
}

/// Tolerance: 20 replications, each KPI within the t quantile that a correct loop exceeds
/// once in 10,000 checks (4.9 standard errors; see `Agreement::ok`); 30-day replications
/// keep the test short.
#[test]
fn minimal_draws_agree_with_erlang_c() {
    let m = model_a(30, "");
    let p = Plain::of(&m).unwrap();
    for a in agreement(&m, &p, 11, 20) {
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
    let mut m = model_a(1, "");
    m.teams[0].agents.iter_mut().for_each(|a| *a = 16);
    let e = Plain::of(&m).err().unwrap();
    assert!(e.contains("fewer Erlangs offered than agents"), "{e}");
}
