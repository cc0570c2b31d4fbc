//! The floor of an event's cost on a plain M/M/c model: `cargo bench --bench floor`, and
//! `bash benches/floor.sh` for CPU instructions per event (see there).
//!
//! A lean event loop (`floor/mmc.rs`) with tiersim's random streams, handling sampler and
//! event calendar runs peer model (a) (`../shared/peers/tiersim/mmc.ron`, M/M/20) two ways:
//! - `--bare`: no statistics at all;
//! - `--stats`: reporting to tiersim's statistics collector exactly the observer calls the
//!   real engine makes for this model, in the same order.
//!
//! Each makes either the draws an M/M/c needs (`--draws minimal`, the default) or every draw
//! the engine makes (`--draws engine`: then the streams and every KPI are the engine's,
//! checked by `tests/floor_loop.rs`).
//!
//! ```text
//! floor [--bare | --stats] [--days N] [--seed S] [--draws minimal|engine] [--scenario PATH]
//! floor --check REPS [--days N] [--seed S] [--scenario PATH]
//! ```
//!
//! Without `--bare` or `--stats` (as `cargo bench` runs it): both variants with both kinds
//! of draws, 365 days each, 5 times, with the median events per second and the statistics
//! run's KPIs beside Erlang C's. `--check REPS` runs REPS replications of N days (default
//! 100) with statistics and fails unless mean wait, service level and utilisation agree with
//! Erlang C (each within the Student's t limit a correct loop exceeds once in 10,000
//! checks: `Agreement::ok`).

#[path = "floor/mmc.rs"]
mod mmc;

use mmc::{Bare, Draws, Plain, agreement, erlang_c, headline};
use std::process::ExitCode;
use std::time::Instant;
use tiersim::model::{Model, Overrides, compile_with};
use tiersim::stats::Collector;

const SCENARIO: &str = "../shared/peers/tiersim/mmc.ron";

/// What to run, from the command line.
struct Args {
    scenario: String,
    bare: bool,
    stats: bool,
    days: Option<u32>,
    seed: u64,
    draws: Draws,
    check: Option<usize>,
}

fn parse_args() -> Result<Args, String> {
    let mut a = Args {
        scenario: SCENARIO.into(),
        bare: false,
        stats: false,
        days: None,
        seed: 1,
        draws: Draws::Minimal,
        check: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = |what: &str| it.next().ok_or(format!("{arg} needs {what}"));
        match arg.as_str() {
            "--bare" => a.bare = true,
            "--stats" => a.stats = true,
            "--days" => a.days = Some(number(&value("a number of days")?)?),
            "--seed" => a.seed = number(&value("a seed")?)?,
            "--scenario" => a.scenario = value("a path")?,
            "--check" => {
                let reps = number(&value("a number of replications")?)?;
                if reps < 2 {
                    return Err(format!("--check needs at least 2 replications, got {reps}"));
                }
                a.check = Some(reps);
            }
            "--draws" => {
                a.draws = match value("minimal or engine")?.as_str() {
                    "minimal" => Draws::Minimal,
                    "engine" => Draws::Engine,
                    other => return Err(format!("--draws: minimal or engine, not `{other}`")),
                }
            }
            // What `cargo bench` passes.
            "--bench" => {}
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    Ok(a)
}

fn number<T: std::str::FromStr>(s: &str) -> Result<T, String> {
    s.parse()
        .map_err(|_| format!("`{s}` is not a valid number"))
}

/// The scenario at `path` over `days` days, and the plain model it is.
fn load(path: &str, days: u32) -> Result<(Model, Plain), String> {
    let (s, src) = tiersim::scenario::load(path.as_ref()).map_err(|e| e.to_string())?;
    let m = compile_with(&s, &src, &Overrides { days: Some(days) }).map_err(|e| e.to_string())?;
    let p = Plain::of(&m).map_err(|e| format!("{path}: {e}"))?;
    Ok((m, p))
}

fn label(draws: Draws) -> &'static str {
    match draws {
        Draws::Minimal => "minimal draws",
        Draws::Engine => "engine draws",
    }
}

/// `times` timed runs (the same run each time); prints the median time and returns the
/// events and, with statistics, the headline KPIs.
fn timed(
    m: &Model,
    p: &Plain,
    seed: u64,
    stats: bool,
    draws: Draws,
    times: usize,
) -> (u64, Option<[f64; 3]>) {
    let mut secs = Vec::new();
    let mut out = (0, None);
    for _ in 0..times.max(1) {
        let t = Instant::now();
        out = if stats {
            let done = mmc::run(m, p, seed, 0, draws, Collector::new(m));
            (done.events, Some(headline(&done.observer, m)))
        } else {
            (mmc::run(m, p, seed, 0, draws, Bare).events, None)
        };
        secs.push(t.elapsed().as_secs_f64());
    }
    secs.sort_by(f64::total_cmp);
    let (events, median) = (out.0, secs[secs.len() / 2]);
    let what = if stats { "stats" } else { "bare" };
    println!(
        "{what:5} ({}): {events} events in {median:.3} s = {:.2} M events/s (median of {})",
        label(draws),
        events as f64 / median / 1e6,
        secs.len()
    );
    out
}

fn print_kpis(kpis: [f64; 3], analytic: [f64; 3], threshold: f64) {
    println!(
        "  mean wait {:.2} s (Erlang C {:.2}), service level {threshold} s {:.4} ({:.4}), utilisation {:.4} ({:.4})",
        kpis[0], analytic[0], kpis[1], analytic[1], kpis[2], analytic[2]
    );
}

/// `reps` replications with statistics beside Erlang C; true if they agree.
fn check(m: &Model, p: &Plain, seed: u64, reps: usize) -> bool {
    let days = (m.horizon - m.warmup) / 86_400.0;
    println!("{reps} replications of {days} days, seed {seed}, with statistics:");
    let mut ok = true;
    for a in agreement(m, p, seed, reps) {
        ok &= a.ok();
        println!(
            "  {}: {:.4} +- {:.4} (95%), Erlang C {:.4}, off by {:.1} standard errors (limit {:.1}): {}",
            a.name,
            a.mean,
            a.half_width,
            a.analytic,
            a.standard_errors,
            a.limit,
            if a.ok() { "ok" } else { "FAILED" }
        );
    }
    ok
}

fn main() -> ExitCode {
    let a = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("floor: {e}");
            return ExitCode::from(2);
        }
    };
    let days = a.days.unwrap_or(if a.check.is_some() { 100 } else { 365 });
    let (m, p) = match load(&a.scenario, days) {
        Ok(x) => x,
        Err(e) => {
            eprintln!("floor: {e}");
            return ExitCode::from(2);
        }
    };
    if let Some(reps) = a.check {
        return if check(&m, &p, a.seed, reps) {
            ExitCode::SUCCESS
        } else {
            ExitCode::FAILURE
        };
    }
    let analytic = erlang_c(&m, &p);
    if a.bare || a.stats {
        for stats in [false, true] {
            if (stats && a.stats) || (!stats && a.bare) {
                let (events, kpis) = timed(&m, &p, a.seed, stats, a.draws, 1);
                if let Some(k) = kpis {
                    print_kpis(k, analytic, m.thresholds[0]);
                }
                println!("events {events}");
            }
        }
        return ExitCode::SUCCESS;
    }
    println!("{} over {days} days, seed {}:", a.scenario, a.seed);
    for draws in [Draws::Minimal, Draws::Engine] {
        for stats in [false, true] {
            if let (_, Some(k)) = timed(&m, &p, a.seed, stats, draws, 5) {
                print_kpis(k, analytic, m.thresholds[0]);
            }
        }
    }
    ExitCode::SUCCESS
}
