//! Engine throughput and memory: `cargo bench --bench engine`.
//!
//! - Events per second, single-threaded, on a long M/M/c run (the validation scenario, 10
//!   agents at 80% occupancy) with all statistics on: the median of 5 runs.
//! - Peak resident memory (VmHWM) of a fresh process simulating H days and 10 H days: it must
//!   stay flat, since statistics are streaming.

use std::process::Command;
use std::time::Instant;
use tiersim::engine::{RunOptions, simulate};
use tiersim::model::{Model, load_model};

fn model(days: f64) -> Model {
    let mut m = load_model("scenarios/validation/mmc.ron".as_ref()).expect("bundled scenario");
    m.horizon = m.warmup + days * 86_400.0;
    m
}

fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--rss-child") {
        let days: f64 = args[i + 1].parse().unwrap();
        let out = simulate(&model(days), 1, 0, &RunOptions::default()).unwrap();
        println!("{} {}", out.events, peak_rss_kib());
        return;
    }
    let days = 365.0;
    let m = model(days);
    let mut rates = Vec::new();
    for rep in 0..5 {
        let t = Instant::now();
        let out = simulate(&m, 1, rep, &RunOptions::default()).unwrap();
        let secs = t.elapsed().as_secs_f64();
        rates.push(out.events as f64 / secs);
        println!(
            "run {rep}: {} events in {secs:.3} s = {:.2} M events/s",
            out.events,
            out.events as f64 / secs / 1e6
        );
    }
    rates.sort_by(f64::total_cmp);
    println!(
        "engine M/M/c, {days} days, single thread: median {:.2} M events/s",
        rates[2] / 1e6
    );
    let exe = std::env::current_exe().unwrap();
    for d in [36.5, 365.0] {
        let out = Command::new(&exe)
            .args(["--rss-child", &d.to_string()])
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        let mut it = text.split_whitespace();
        let (events, rss) = (it.next().unwrap_or("?"), it.next().unwrap_or("?"));
        println!("peak RSS simulating {d} days ({events} events): {rss} KiB");
    }
}
