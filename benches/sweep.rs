//! Sweep throughput: `cargo bench --bench sweep`.
//!
//! The 64-point x 10-replication sweep of `examples/sweep-after.ron` (after.ron over a
//! simulated month), timed three ways:
//! - bare engine: every replication of every point run back to back on one thread, nothing
//!   else (the floor);
//! - the sweep machinery on 1 thread: plan, parallel runner, summaries, atomic point files
//!   (synced in the background, and waited for at the end), and the final files (CSV, JSON,
//!   plots, report), all that the command does but start and parse;
//! - the same on 2 threads (and more, if the machine has them).
//!
//! Reports wall times, the speed-up over 1 thread and the machinery's overhead over the bare
//! engine.

use std::time::Instant;
use tiersim::engine::{RunOptions, simulate};
use tiersim::experiment::{Param, Plan, run_points};
use tiersim::report::sweep::{Manifest, Store, write_final};

fn plan() -> Plan {
    let (base, source) = tiersim::scenario::load("scenarios/after.ron".as_ref()).unwrap();
    let grid = [
        Param {
            path: "teams.L1_reception.add".into(),
            values: vec![-2.0, -1.0, 0.0, 1.0],
        },
        Param {
            path: "teams.L2_technical.agents".into(),
            values: vec![3.0, 4.0, 5.0, 6.0],
        },
        Param {
            path: "demand".into(),
            values: vec![0.9, 1.0, 1.1, 1.2],
        },
    ];
    Plan::new(base, source, &grid, vec![], 10, 1, Some(30)).unwrap()
}

fn sweep(plan: &Plan, threads: usize) -> f64 {
    let dir = tempfile::tempdir().unwrap();
    let manifest = Manifest::new(plan);
    let mut store = Store::open(dir.path(), &manifest).unwrap();
    store.keep_points();
    let all: Vec<usize> = (0..plan.points.len()).collect();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    let t = Instant::now();
    pool.install(|| {
        run_points(plan, &all, &|r| store.save(plan, &manifest.fingerprint, &r))?;
        // Until every point file is on disk, as the command waits before its final results,
        // then the final results themselves, as the command writes them.
        store.sync_points()?;
        let points = store.kept_points(&manifest)?;
        write_final(dir.path(), &manifest, &points)
    })
    .unwrap();
    t.elapsed().as_secs_f64()
}

fn main() {
    let plan = plan();
    let models: Vec<_> = (0..plan.points.len())
        .map(|i| plan.model(i).unwrap())
        .collect();
    let t = Instant::now();
    let mut events = 0u64;
    for m in &models {
        for rep in 0..plan.replications {
            events += simulate(m, plan.seed, rep, &RunOptions::default())
                .unwrap()
                .events;
        }
    }
    let bare = t.elapsed().as_secs_f64();
    println!("64 points x 10 replications x 30 days of after.ron: {events} events");
    println!(
        "bare engine, 1 thread:      {bare:.2} s ({:.2} M events/s)",
        events as f64 / bare / 1e6
    );
    let one = sweep(&plan, 1);
    println!(
        "sweep machinery, 1 thread:  {one:.2} s (overhead over the bare engine: {:+.1}%)",
        (one / bare - 1.0) * 100.0
    );
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut threads = 2;
    while threads <= cores.max(2) {
        let t = sweep(&plan, threads);
        println!(
            "sweep machinery, {threads} threads: {t:.2} s (speed-up over 1 thread: {:.2}x)",
            one / t
        );
        threads *= 2;
    }
}
