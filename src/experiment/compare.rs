//! Comparing designs on the same demand: every design runs replications `0..n` from the same
//! seed, so replication r of each sees the same arrivals, types, priorities, patience and
//! retry decisions (common random numbers), and differences are estimated pair by pair.

use super::replicate::{Layout, RepResult, run_replications_with};
use super::summary::Summary;
use crate::error::Result;
use crate::model::Model;
use crate::stats::{Estimate, Kpi, Scope, estimate, paired_estimate, t_quantile};

/// One design's run.
pub struct Design {
    pub label: String,
    pub model: Model,
    pub summary: Summary,
    pub reps: Vec<RepResult>,
}

/// A KPI for one breakdown, matched across designs by name (teams and channels are matched by
/// their names, since designs may have different teams).
#[derive(Clone, Debug)]
pub struct CompareRow {
    pub kpi: Kpi,
    pub kpi_name: String,
    pub scope: &'static str,
    pub name: String,
    /// Per design (None: the design has no such breakdown).
    pub values: Vec<Option<Estimate>>,
    /// Per design, the difference against the first design (None for the first).
    pub diffs: Vec<Option<Estimate>>,
}

/// Several designs compared KPI by KPI.
pub struct Comparison {
    pub designs: Vec<Design>,
    /// Whether all designs face the same demand (differences are then paired).
    pub paired: bool,
    pub rows: Vec<CompareRow>,
}

/// Runs every design for `replications` from `seed` and compares them with the first.
pub fn compare(models: Vec<(String, Model)>, seed: u64, replications: u64) -> Result<Comparison> {
    compare_with(models, seed, replications, &|| {})
}

/// [`compare`], calling `done` after each replication of each design (for progress bars).
pub fn compare_with(
    models: Vec<(String, Model)>,
    seed: u64,
    replications: u64,
    done: &(dyn Fn() + Sync),
) -> Result<Comparison> {
    let mut designs = Vec::with_capacity(models.len());
    for (label, model) in models {
        let (layout, reps, _) = run_replications_with(&model, seed, 0..replications, false, done)?;
        let summary = Summary::new(&model, layout, &reps);
        designs.push(Design {
            label,
            model,
            summary,
            reps,
        });
    }
    let paired = designs
        .windows(2)
        .all(|w| w[0].model.demand_fingerprint == w[1].model.demand_fingerprint);
    // Keys in the first design's order, then any the others add.
    let mut keys: Vec<(Kpi, String, &'static str, String)> = Vec::new();
    for d in &designs {
        for &(k, sc) in &d.summary.layout.keys {
            let key = (k, k.name(&d.model), sc.kind(), sc.label(&d.model));
            if !keys
                .iter()
                .any(|x| x.1 == key.1 && x.2 == key.2 && x.3 == key.3)
            {
                keys.push(key);
            }
        }
    }
    let position = |d: &Design, k: &(Kpi, String, &'static str, String)| -> Option<usize> {
        find(&d.summary.layout, &d.model, &k.1, k.2, &k.3)
    };
    let rows = keys
        .iter()
        .map(|k| {
            let cols: Vec<Option<Vec<f64>>> = designs
                .iter()
                .map(|d| position(d, k).map(|i| d.reps.iter().map(|r| r.kpis[i]).collect()))
                .collect();
            let values = cols
                .iter()
                .map(|c| c.as_ref().map(|v| estimate(v.iter().copied())))
                .collect();
            let diffs = cols
                .iter()
                .enumerate()
                .map(|(j, c)| match (j, &cols[0], c) {
                    (0, _, _) | (_, None, _) | (_, _, None) => None,
                    (_, Some(a), Some(b)) => Some(if paired {
                        paired_estimate(a, b)
                    } else {
                        welch(a, b)
                    }),
                })
                .collect();
            CompareRow {
                kpi: k.0,
                kpi_name: k.1.clone(),
                scope: k.2,
                name: k.3.clone(),
                values,
                diffs,
            }
        })
        .collect();
    Ok(Comparison {
        designs,
        paired,
        rows,
    })
}

/// Position of a KPI by its name (`service_level_20s` is matched by threshold, not by being the
/// first threshold), breakdown kind and breakdown name.
fn find(layout: &Layout, m: &Model, kpi: &str, scope: &str, name: &str) -> Option<usize> {
    layout.keys.iter().position(|&(k, sc): &(Kpi, Scope)| {
        sc.kind() == scope && sc.label(m) == name && k.name(m) == kpi
    })
}

/// Unpaired difference `mean(b) - mean(a)` with a Welch interval (for designs whose demand
/// differs).
fn welch(a: &[f64], b: &[f64]) -> Estimate {
    let (ea, eb) = (estimate(a.iter().copied()), estimate(b.iter().copied()));
    let (va, vb) = (ea.sd.powi(2) / ea.n as f64, eb.sd.powi(2) / eb.n as f64);
    let se = (va + vb).sqrt();
    let df =
        (va + vb).powi(2) / (va.powi(2) / (ea.n as f64 - 1.0) + vb.powi(2) / (eb.n as f64 - 1.0));
    let df = if df.is_finite() {
        df.floor().max(1.0) as usize
    } else {
        ea.n.min(eb.n).saturating_sub(1).max(1)
    };
    let mean = eb.mean - ea.mean;
    let h = t_quantile(df) * se;
    Estimate {
        mean,
        lo: mean - h,
        hi: mean + h,
        sd: se,
        n: ea.n.min(eb.n),
    }
}
