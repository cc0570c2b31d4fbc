//! After-contact work (`wrap_up` per team or pool and incident type): the agent stays busy
//! for a drawn time after the contact ends, while the contact (and its phone line) moves on.
//!
//! Every contact is served (no abandonment), so in steady state the utilisation of agents is
//! exactly `lambda (E[handling] + E[wrap-up]) / c`: wrap-up raises it by
//! `lambda E[wrap-up] / c`. Tolerance: `REPS` replications of 20 days; the replication mean
//! must lie within 4.5 standard errors of the exact value, with the standard error below 1%
//! of it, so a wrap-up that is not counted (or counted twice) is caught many times over.

use tiersim::engine::{RunOptions, simulate};
use tiersim::model::{Model, compile};
use tiersim::scenario::parse;

const REPS: u64 = 10;

/// 5 agents, 0.2 calls a minute, 5-minute handling (light load: 20%), the given wrap-up.
fn model(team_extra: &str, pools: &str) -> Model {
    let text = format!(
        r#"Scenario(name: "wrap", calendar: (days: 20, warmup: "1d"), incident_types: ["q"],
  channels: [(name: "phone", kind: Phone, arrivals: Poisson(per_hour: 12), mix: {{"q": 1.0}}, entry: "T", lines: 50)],
  teams: [(name: "T", agents: 5, handling: {{"*": Deterministic("5min")}}, routes: {{"*": (resolve: 1.0)}}{team_extra})],
  pools: [{pools}])"#
    );
    let (s, src) = parse("wrap.ron".as_ref(), text).unwrap();
    compile(&s, &src).unwrap()
}

fn utilisations(m: &Model, pool: usize) -> Vec<f64> {
    (0..REPS)
        .map(|rep| {
            let out = simulate(m, 7, rep, &RunOptions::default()).unwrap();
            out.collector.pools[pool].utilisation()
        })
        .collect()
}

fn agrees(what: &str, xs: &[f64], exact: f64) {
    let n = xs.len() as f64;
    let mean = xs.iter().sum::<f64>() / n;
    let se = (xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0) / n).sqrt();
    assert!(se <= 0.01 * exact, "{what}: too noisy: se {se:.5}");
    assert!(
        (mean - exact).abs() <= 4.5 * se,
        "{what}: simulated {mean:.5} (se {se:.5}), exact {exact:.5}"
    );
}

#[test]
fn wrap_up_raises_utilisation_by_lambda_times_its_mean_over_c() {
    let (lambda, c) = (0.2, 5.0);
    agrees(
        "no wrap-up",
        &utilisations(&model("", ""), 0),
        lambda * 5.0 / c,
    );
    let m = model(r#", wrap_up: {"*": Exponential(mean: "2min")}"#, "");
    agrees(
        "wrap-up 2 min",
        &utilisations(&m, 0),
        lambda * (5.0 + 2.0) / c,
    );
}

#[test]
fn the_contact_and_its_line_move_on_when_the_contact_ends() {
    // Deterministic 5-minute handling and 3 minutes of wrap-up: each answered call ends
    // exactly 5 minutes after it was answered.
    let m = model(r#", wrap_up: {"q": Deterministic("3min")}"#, "");
    let out = simulate(&m, 7, 0, &RunOptions { trace: true }).unwrap();
    let answered: Vec<_> = out.trace.iter().filter(|r| !r.answered.is_nan()).collect();
    assert!(answered.len() > 1000);
    assert!(
        answered
            .iter()
            .all(|r| (r.end - r.answered - 300.0).abs() < 1e-6)
    );
}

#[test]
fn a_shared_pool_has_its_own_wrap_up() {
    // The team has no agents of its own; pool P serves it with 1 minute of wrap-up.
    let text_pool =
        r#"(name: "P", agents: 5, skills: {"T": ()}, wrap_up: {"*": Deterministic("1min")})"#;
    let text = format!(
        r#"Scenario(name: "wrap", calendar: (days: 20, warmup: "1d"), incident_types: ["q"],
  channels: [(name: "phone", kind: Phone, arrivals: Poisson(per_hour: 12), mix: {{"q": 1.0}}, entry: "T")],
  teams: [(name: "T", agents: 0, handling: {{"*": Deterministic("5min")}}, routes: {{"*": (resolve: 1.0)}})],
  pools: [{text_pool}])"#
    );
    let (s, src) = parse("wrap.ron".as_ref(), text).unwrap();
    let m = compile(&s, &src).unwrap();
    agrees("pool wrap-up 1 min", &utilisations(&m, 1), 0.2 * 6.0 / 5.0);
}

#[test]
fn wrap_up_for_an_unknown_type_is_rejected_with_the_field_named() {
    let text = r#"Scenario(name: "wrap", calendar: (days: 1), incident_types: ["q"],
  channels: [(name: "phone", kind: Phone, arrivals: Poisson(per_hour: 12), mix: {"q": 1.0}, entry: "T")],
  teams: [(name: "T", agents: 1, handling: {"*": Deterministic("5min")}, routes: {"*": (resolve: 1.0)}, wrap_up: {"x": Deterministic("1min")})])"#;
    let (s, src) = parse("wrap.ron".as_ref(), text.to_string()).unwrap();
    let e = compile(&s, &src).unwrap_err().to_string();
    assert!(
        e.contains("teams[0] \"T\".wrap_up") && e.contains("unknown incident type `x`"),
        "{e}"
    );
}
