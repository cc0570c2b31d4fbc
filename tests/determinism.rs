//! Same scenario and seed give identical numbers, whatever the number of threads.

use tiersim::experiment::run_replications;
use tiersim::model::load_model;

fn kpis_with_threads(threads: usize, seed: u64) -> Vec<Vec<f64>> {
    let mut m = load_model("scenarios/validation/mmc.ron".as_ref()).unwrap();
    m.horizon = m.warmup + 5.0 * 86_400.0;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    let (_, reps, _) = pool
        .install(|| run_replications(&m, seed, 0..6, false))
        .unwrap();
    reps.into_iter().map(|r| r.kpis).collect()
}

/// NaN-aware bitwise equality of KPI vectors.
fn same(a: &[Vec<f64>], b: &[Vec<f64>]) -> bool {
    a.len() == b.len()
        && a.iter().zip(b).all(|(x, y)| {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| p.to_bits() == q.to_bits())
        })
}

#[test]
fn same_seed_gives_identical_results() {
    assert!(same(&kpis_with_threads(2, 7), &kpis_with_threads(2, 7)));
}

#[test]
fn results_do_not_depend_on_thread_count() {
    assert!(same(&kpis_with_threads(1, 7), &kpis_with_threads(2, 7)));
    assert!(same(&kpis_with_threads(1, 7), &kpis_with_threads(5, 7)));
}

#[test]
fn different_seeds_give_different_results() {
    assert!(!same(&kpis_with_threads(2, 7), &kpis_with_threads(2, 8)));
}

#[test]
fn replications_differ_from_each_other() {
    let r = kpis_with_threads(2, 7);
    assert!(r.windows(2).all(|w| w[0] != w[1]));
}
