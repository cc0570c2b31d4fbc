//! Replications of one model, run in parallel with rayon. Replication `r` always uses the
//! streams of `(seed, r)` and results are collected in replication order, so numbers do not
//! depend on the thread count.

use crate::engine::{self, RunOptions, TraceRecord};
use crate::error::Result;
use crate::model::Model;
use crate::stats::{Kpi, Scope, Series};
use rayon::prelude::*;

/// The KPIs of one replication, in [`Layout`] order, and its per-interval series.
#[derive(Clone, Debug)]
pub struct RepResult {
    pub kpis: Vec<f64>,
    pub series: Series,
    pub events: u64,
}

/// Which KPI and breakdown each position of [`RepResult::kpis`] holds.
#[derive(Clone, Debug, PartialEq)]
pub struct Layout {
    pub keys: Vec<(Kpi, Scope)>,
}

impl Layout {
    /// Position of a KPI for a breakdown.
    pub fn index(&self, kpi: Kpi, scope: Scope) -> Option<usize> {
        self.keys.iter().position(|&k| k == (kpi, scope))
    }
}

/// Runs one replication and flattens its KPIs.
pub fn replicate(
    model: &Model,
    seed: u64,
    rep: u64,
    trace: bool,
) -> Result<(Layout, RepResult, Vec<TraceRecord>)> {
    let out = engine::simulate(model, seed, rep, &RunOptions { trace })?;
    Ok(flatten(model, out))
}

/// The KPIs of one finished replication, flattened.
fn flatten(model: &Model, out: engine::RunOutput) -> (Layout, RepResult, Vec<TraceRecord>) {
    let mut keys = Vec::new();
    let mut kpis = Vec::new();
    out.collector.kpis(model, |k, s, v| {
        keys.push((k, s));
        kpis.push(v);
    });
    (
        Layout { keys },
        RepResult {
            kpis,
            series: out.collector.series,
            events: out.events,
        },
        out.trace,
    )
}

/// Replications `reps` of `model`, in parallel, in order. The trace, if asked for, is the
/// first replication's.
pub fn run_replications(
    model: &Model,
    seed: u64,
    reps: std::ops::Range<u64>,
    trace: bool,
) -> Result<(Layout, Vec<RepResult>, Vec<TraceRecord>)> {
    run_replications_with(model, seed, reps, trace, &|| {})
}

/// [`run_replications`], calling `done` after each replication (for progress bars; it may be
/// called from any worker thread and in any order).
pub fn run_replications_with(
    model: &Model,
    seed: u64,
    reps: std::ops::Range<u64>,
    trace: bool,
    done: &(dyn Fn() + Sync),
) -> Result<(Layout, Vec<RepResult>, Vec<TraceRecord>)> {
    let first = reps.start;
    let results: Vec<_> = reps
        .into_par_iter()
        .map(|r| {
            let out = replicate(model, seed, r, trace && r == first);
            done();
            out
        })
        .collect::<Result<_>>()?;
    let mut layout = None;
    let mut trace_out = Vec::new();
    let mut out = Vec::with_capacity(results.len());
    for (l, r, t) in results {
        layout.get_or_insert(l);
        if !t.is_empty() {
            trace_out = t;
        }
        out.push(r);
    }
    let layout = layout.unwrap_or(Layout { keys: Vec::new() });
    Ok((layout, out, trace_out))
}

/// [`run_replications`] with the first replication's trace handed to `sink` record by record
/// (on the calling thread, while the other replications run in parallel).
pub fn run_replications_traced(
    model: &Model,
    seed: u64,
    reps: std::ops::Range<u64>,
    sink: &mut (dyn FnMut(&TraceRecord) + Send),
) -> Result<(Layout, Vec<RepResult>)> {
    if reps.is_empty() {
        return Ok((Layout { keys: Vec::new() }, Vec::new()));
    }
    let first = reps.start;
    let (head, rest) = rayon::join(
        || engine::simulate_traced(model, seed, first, sink).map(|o| flatten(model, o)),
        || run_replications(model, seed, first + 1..reps.end, false),
    );
    let (layout, head, _) = head?;
    let (_, rest, _) = rest?;
    Ok((layout, std::iter::once(head).chain(rest).collect()))
}
